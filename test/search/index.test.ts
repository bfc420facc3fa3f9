import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
	ROOT,
	ensureBuilt,
	openBrowser,
	serveStatic,
	type OpenBrowser,
	type StaticServer,
} from '../support/index.ts';
import { parseFrontmatter } from '../support/content-audit.ts';
import { tags } from '../../tools/support/html.ts';
import { LOCALE_CODES } from '../../src/config/locales.ts';
import { SYMPTOM_IDS, SYMPTOMS } from '../../src/config/symptoms.ts';
import type { SymptomFrontmatter } from '../../src/config/schema.ts';
import { RANKING } from '../../src/components/search/engine.ts';
import { searchPage } from './helpers.ts';

let dist: string;
let server: StaticServer;
let browser: OpenBrowser;

before(async () => {
	dist = await ensureBuilt();
	server = await serveStatic(dist);
	browser = await openBrowser();
});

after(async () => {
	await browser?.close();
	await server?.close();
});

async function frontmatter(lang: string, slug: string): Promise<SymptomFrontmatter> {
	const source = await readFile(path.join(ROOT, 'src/content/docs', lang, `${slug}.md`), 'utf8');
	const data = parseFrontmatter(source);
	assert.ok(typeof data !== 'string', data as string);
	return data.symptom as SymptomFrontmatter;
}

const metaOf = (html: string, kind: string, key: string) =>
	tags(html, 'meta')
		.filter((t) => t.attrs[kind] === `${key}[content]`)
		.map((t) => t.attrs.content);

for (const lang of LOCALE_CODES) {
	test(`${lang}: symptom pages hand their errors, category and components to Pagefind`, async () => {
		for (const id of SYMPTOM_IDS) {
			const symptom = await frontmatter(lang, id);
			const html = await readFile(path.join(dist, lang, id, 'index.html'), 'utf8');
			const errors = metaOf(html, 'data-pagefind-meta', 'errors');
			assert.equal(errors.length, 1, `${lang}/${id}: one errors field`);
			for (const e of symptom.errors) assert.ok(errors[0]!.includes(e), `${lang}/${id}: ${e}`);
			assert.deepEqual(metaOf(html, 'data-pagefind-meta', 'symptom'), [id]);
			assert.deepEqual(metaOf(html, 'data-pagefind-filter', 'category'), [SYMPTOMS[id].category]);
			assert.deepEqual(metaOf(html, 'data-pagefind-filter', 'component'), symptom.components);
		}
		const overview = await readFile(path.join(dist, lang, 'index.html'), 'utf8');
		assert.deepEqual(metaOf(overview, 'data-pagefind-meta', 'errors'), [], 'only symptom pages');
		const search = await readFile(path.join(dist, lang, 'search', 'index.html'), 'utf8');
		assert.ok(!search.includes('data-pagefind-body'), 'the search page itself is not indexed');
	});

	test(`${lang}: every page offers the OpenSearch description of its language`, async () => {
		for (const slug of ['', 'boot/', 'search/']) {
			const html = await readFile(path.join(dist, lang, slug, 'index.html'), 'utf8');
			const link = tags(html, 'link').find((t) => t.attrs.rel === 'search');
			assert.equal(link?.attrs.type, 'application/opensearchdescription+xml');
			assert.equal(link?.attrs.href, `/${lang}/opensearch.xml`);
		}
		const res = await fetch(`${server.url}/${lang}/opensearch.xml`);
		assert.equal(res.status, 200);
		const xml = await res.text();
		assert.match(xml, /^<\?xml version="1\.0" encoding="UTF-8"\?>/);
		const template = /<Url type="text\/html" method="get" template="([^"]+)"/.exec(xml)?.[1];
		assert.ok(template, 'has an HTML search URL');
		const url = new URL(template.replace('{searchTerms}', 'member_id'));
		assert.equal(url.pathname, `/${lang}/search/`);
		assert.equal(url.searchParams.get('q'), 'member_id');
		assert.match(xml, new RegExp(`<Language>${lang}</Language>`));
	});

	test(`${lang}: each exact error string ranks its own page first in Pagefind`, async () => {
		const page = await browser.context.newPage();
		try {
			await page.goto(`${server.url}/${lang}/search/`);
			const cases: Array<{ error: string; url: string }> = [];
			for (const id of SYMPTOM_IDS) {
				for (const error of (await frontmatter(lang, id)).errors) {
					cases.push({ error, url: `/${lang}/${id}/` });
				}
			}
			// Pagefind alone, with the site's ranking: the weight of the errors field is what is tested.
			const firsts = await page.evaluate(
				async ({ errors, ranking }) => {
					const pf = (await import(`${location.origin}/pagefind/pagefind.js`)) as {
						options(o: unknown): Promise<void>;
						search(q: string): Promise<{ results: Array<{ data(): Promise<{ url: string }> }> }>;
					};
					await pf.options({ ranking });
					const out: string[] = [];
					for (const e of errors) {
						const first = (await pf.search(e)).results[0];
						out.push(first ? (await first.data()).url : '(none)');
					}
					return out;
				},
				{ errors: cases.map((c) => c.error), ranking: RANKING },
			);
			const wrong = cases
				.map((c, i) => ({ ...c, got: firsts[i] }))
				.filter((c) => c.got !== c.url)
				.map((c) => `${c.error} → ${c.got} (want ${c.url})`);
			assert.deepEqual(wrong, []);
		} finally {
			await page.close();
		}
	});

	test(`${lang}: results can be narrowed to one category`, async () => {
		const page = await browser.context.newPage();
		try {
			const all = await searchPage(page, server.url, lang, 'etcd');
			assert.ok(all.links.length > 3, 'etcd is mentioned on many pages');
			for (const category of ['boot', 'etcd'] as const) {
				const view = await searchPage(page, server.url, lang, 'etcd', category);
				const allowed = SYMPTOM_IDS.filter((s) => SYMPTOMS[s].category === category).map(
					(s) => `/${lang}/${s}/`,
				);
				assert.ok(view.links.length > 0, `some ${category} page`);
				assert.ok(
					view.links.every((l) => allowed.includes(l)),
					`${category}: ${view.links.join(', ')}`,
				);
				const checked = await page
					.locator('main input[name="category"]:checked')
					.getAttribute('value');
				assert.equal(checked, category, 'the filter shows what the URL asked for');
			}
			// Choosing a filter in the form narrows the results and updates the URL.
			await searchPage(page, server.url, lang, 'etcd');
			await page.locator('main input[name="category"][value="boot"]').check();
			await page.waitForURL((u) => u.searchParams.get('category') === 'boot');
			await page.locator('main mr-search[data-state="done"]').waitFor();
			const links = await page
				.locator('main [data-search-results] a')
				.evaluateAll((as) => as.map((a) => new URL((a as HTMLAnchorElement).href).pathname));
			assert.deepEqual(links, [`/${lang}/boot/`]);
		} finally {
			await page.close();
		}
	});
}
