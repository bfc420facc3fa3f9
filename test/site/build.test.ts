import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { LOCALES as LOCALE_INFO } from '../../src/config/locales.ts';
import { SITE_URL } from '../../src/config/site.ts';
import { CATEGORIES, SYMPTOM_IDS, SYMPTOMS } from '../../src/config/symptoms.ts';
import { ensureBuilt } from '../../tools/support/build.ts';
import { htmlFiles, htmlLang, tags } from '../../tools/support/html.ts';
import { ROOT } from '../../tools/support/paths.ts';
import { LOCALES, PAGES, pagePath } from './pages.ts';

const SITE = new URL(SITE_URL);
let dist = '';

/** Starlight's own "not translated yet" notice, shown when it fills a missing page with the English one. */
function untranslatedNotice(locale: string): string {
	const file = path.join(
		ROOT,
		'node_modules',
		'@astrojs',
		'starlight',
		'translations',
		`${locale}.json`,
	);
	return (
		(JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>)[
			'i18n.untranslatedContent'
		] ?? ''
	);
}

/** Our UI strings for a language (src/content/i18n). */
function uiStrings(locale: string): Record<string, string> {
	const file = path.join(ROOT, 'src', 'content', 'i18n', `${locale}.json`);
	return JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
}

/** The built file a site path is served from, or undefined when the path leads nowhere. */
function fileFor(pathname: string): string | undefined {
	const target = path.join(dist, decodeURIComponent(pathname));
	if (!target.startsWith(dist)) return undefined;
	if (pathname.endsWith('/')) {
		const index = path.join(target, 'index.html');
		return existsSync(index) ? index : undefined;
	}
	if (existsSync(target)) {
		if (statSync(target).isFile()) return target;
		const index = path.join(target, 'index.html');
		return existsSync(index) ? index : undefined;
	}
	return undefined;
}

/** The URL path a built file is served at. */
function servedAt(file: string): string {
	const rel = path.relative(dist, file).split(path.sep).join('/');
	return rel.endsWith('index.html') ? `/${rel.slice(0, -'index.html'.length)}` : `/${rel}`;
}

before(async () => {
	dist = await ensureBuilt();
});

describe('every page exists in both languages and is paired with its twin', () => {
	for (const locale of LOCALES) {
		for (const slug of PAGES) {
			const urlPath = pagePath(locale, slug);
			test(urlPath, () => {
				const file = fileFor(urlPath);
				assert.ok(file, `${urlPath} was not built`);
				const html = readFileSync(file, 'utf8');
				assert.equal(htmlLang(html), LOCALE_INFO[locale].lang, '<html lang>');
				const notice = untranslatedNotice(locale);
				assert.ok(
					locale === 'en' || !html.includes(notice),
					`${urlPath} is Starlight's English fallback, not a translation`,
				);

				const description = tags(html, 'meta').find((t) => t.attrs.name === 'description');
				assert.ok(description?.attrs.content?.trim(), 'meta description');

				const links = tags(html, 'link');
				const canonical = links.find((t) => t.attrs.rel === 'canonical');
				assert.equal(canonical?.attrs.href, new URL(urlPath, SITE).href, 'canonical URL');

				const switcher = tags(html, 'a').filter((t) => t.attrs['data-locale'] !== undefined);
				assert.ok(switcher.length > 0, 'language switcher present');
				for (const other of LOCALES) {
					const twin = pagePath(other, slug);
					const alternate = links.find(
						(t) => t.attrs.rel === 'alternate' && t.attrs.hreflang === other,
					);
					assert.equal(
						alternate?.attrs.href,
						new URL(twin, SITE).href,
						`hreflang=${other} alternate`,
					);
					const switches = switcher.filter((t) => t.attrs['data-locale'] === other);
					assert.ok(switches.length > 0, `switcher offers ${other}`);
					for (const a of switches) {
						assert.equal(a.attrs.href, twin, `switcher link to ${other}`);
						assert.equal(a.attrs.hreflang, LOCALE_INFO[other].lang);
					}
					assert.equal(
						switches.every((a) => (a.attrs['aria-current'] === 'true') === (other === locale)),
						true,
						'only the current language is marked current',
					);
				}
			});
		}
	}
});

describe('the sidebar groups symptom pages by category in the page language', () => {
	for (const locale of LOCALES) {
		test(pagePath(locale, 'index'), () => {
			const file = fileFor(pagePath(locale, 'index'));
			assert.ok(file);
			const html = readFileSync(file, 'utf8');
			const strings = uiStrings(locale);
			// Up to the first </nav>: the sidebar's mobile footer nests the language switcher's <nav>.
			const nav = /<nav class="sidebar[\s\S]*?<\/nav>/.exec(html)?.[0] ?? '';
			assert.ok(nav, 'sidebar found');
			const hrefs = tags(nav, 'a')
				.filter((t) => t.attrs['data-locale'] === undefined)
				.map((t) => t.attrs.href ?? '')
				.filter((href) => href.startsWith('/'));
			for (const category of CATEGORIES) {
				assert.ok(
					nav.includes(strings[`mr.category.${category}`] ?? '(missing)'),
					`${category} group label`,
				);
			}
			for (const slug of PAGES) {
				assert.ok(
					hrefs.includes(pagePath(locale, slug)),
					`sidebar links ${pagePath(locale, slug)}`,
				);
			}
			assert.ok(
				hrefs.every((h) => h.startsWith(`/${locale}/`)),
				`sidebar stays in ${locale}`,
			);
			// Group order follows the categories, so a page sits after its category label.
			const positions = CATEGORIES.map((c) => nav.indexOf(strings[`mr.category.${c}`] ?? ''));
			assert.deepEqual(
				[...positions].sort((a, b) => a - b),
				positions,
				'categories in order',
			);
			for (const slug of SYMPTOM_IDS) {
				const label = strings[`mr.category.${SYMPTOMS[slug].category}`] ?? '';
				const at = nav.indexOf(`href="${pagePath(locale, slug)}"`);
				const next = CATEGORIES.map((c) => nav.indexOf(strings[`mr.category.${c}`] ?? '')).filter(
					(p) => p > nav.indexOf(label),
				);
				assert.ok(at > nav.indexOf(label), `${slug} after its group label`);
				assert.ok(
					next.every((p) => at < p),
					`${slug} inside its group`,
				);
			}
		});
	}
});

test('no internal link or asset in dist/ is broken', async () => {
	const files = await htmlFiles(dist);
	assert.ok(files.length > LOCALES.length, `only ${files.length} HTML files built`);
	const ids = new Map<string, Set<string>>();
	const idsOf = (file: string): Set<string> => {
		let found = ids.get(file);
		if (!found) {
			const html = readFileSync(file, 'utf8');
			found = new Set(
				tags(html).flatMap((t) => [t.attrs.id, t.attrs.name].filter((v): v is string => !!v)),
			);
			ids.set(file, found);
		}
		return found;
	};
	const broken: string[] = [];
	let checked = 0;
	for (const file of files) {
		const page = servedAt(file);
		const html = await readFile(file, 'utf8');
		for (const tag of tags(html)) {
			for (const attr of ['href', 'src'] as const) {
				const value = tag.attrs[attr];
				if (value === undefined || value === '' || value === '#') continue;
				const url = new URL(value, new URL(page, SITE));
				if (url.origin !== SITE.origin) continue;
				checked++;
				const target = fileFor(url.pathname);
				if (!target) {
					broken.push(`${page}: <${tag.name} ${attr}="${value}"> leads nowhere`);
				} else if (url.hash.length > 1 && target.endsWith('.html')) {
					const fragment = decodeURIComponent(url.hash.slice(1));
					if (!idsOf(target).has(fragment))
						broken.push(`${page}: <${tag.name} ${attr}="${value}"> has no #${fragment}`);
				}
			}
		}
	}
	// Each Starlight page links its sidebar, assets and twin; far fewer means the checker is not reading pages.
	assert.ok(checked > files.length * 10, `only ${checked} internal links found`);
	assert.deepEqual(broken, [], broken.join('\n'));
});

test('Pagefind indexed both languages', () => {
	const entry = JSON.parse(
		readFileSync(path.join(dist, 'pagefind', 'pagefind-entry.json'), 'utf8'),
	) as {
		languages: Record<string, { page_count: number }>;
	};
	for (const locale of LOCALES) {
		const count = entry.languages[LOCALE_INFO[locale].lang]?.page_count ?? 0;
		assert.ok(count >= PAGES.length, `${locale}: ${count} pages indexed`);
	}
});

test('shell blocks with runbook meta render as code with a copy button', () => {
	const file = fileFor('/en/');
	assert.ok(file);
	const html = readFileSync(file, 'utf8');
	const copy = tags(html, 'button').find(
		(t) => t.attrs['data-code'] === 'npx zx runbooks/diagnose.mjs',
	);
	assert.ok(copy, 'the diagnose block is rendered with its copy button');
	assert.equal(copy.attrs.title, uiStrings('en')['expressiveCode.copyButtonTooltip']);
	const idFile = fileFor('/id/');
	assert.ok(idFile);
	const idCopy = tags(readFileSync(idFile, 'utf8'), 'button').find(
		(t) => t.attrs['data-code'] !== undefined,
	);
	const id = uiStrings('id');
	assert.equal(idCopy?.attrs.title, id['expressiveCode.copyButtonTooltip'], 'copy button label');
	assert.equal(
		idCopy?.attrs['data-copied'],
		id['expressiveCode.copyButtonCopied'],
		'"copied" text',
	);
});

test('the 404 page speaks both languages, links both overviews and asks not to be indexed', () => {
	const html = readFileSync(path.join(dist, '404.html'), 'utf8');
	const links = tags(html, 'link');
	assert.equal(
		links.find((t) => t.attrs.rel === 'canonical'),
		undefined,
		'no canonical URL',
	);
	assert.equal(
		links.find((t) => t.attrs.rel === 'alternate' && t.attrs.hreflang),
		undefined,
	);
	const robots = tags(html, 'meta').find((t) => t.attrs.name === 'robots');
	assert.equal(robots?.attrs.content, 'noindex');
	for (const locale of LOCALES) {
		const back = tags(html, 'a').find(
			(t) => t.attrs.href === `/${locale}/` && t.attrs.class?.includes('sl-link-button'),
		);
		assert.equal(back?.attrs.lang, LOCALE_INFO[locale].lang, `a way back to /${locale}/`);
		assert.ok(html.includes(uiStrings(locale)['mr.notFound.overview'] ?? '(missing)'));
	}
	assert.ok(/<p lang="id">[^<]+<\/p>/.test(html), 'the message in Indonesian');
});
