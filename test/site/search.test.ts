import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openBrowser, type OpenBrowser } from '../../tools/support/browser.ts';
import { ensureBuilt } from '../../tools/support/build.ts';
import { serveStatic, type StaticServer } from '../../tools/support/server.ts';
import type { Locale } from '../../src/config/locales.ts';
import { pagePath } from './pages.ts';

let server: StaticServer;
let browser: OpenBrowser;

before(async () => {
	const dist = await ensureBuilt();
	server = await serveStatic(dist);
	browser = await openBrowser();
});

after(async () => {
	await browser?.close();
	await server?.close();
});

/**
 * Searches from the header on `startPath` the way a reader would (open the dialog, type, follow the
 * result) and returns where the browser ended up.
 */
async function searchAndFollow(locale: Locale, startPath: string, query: string, wanted: string) {
	const page = await browser.context.newPage();
	try {
		await page.goto(`${server.url}${startPath}`);
		await page.locator('header button[data-open-modal]').first().click();
		const input = page.locator('dialog[open] .pagefind-ui__search-input');
		await input.fill(query);
		// Any link in the open dialog to the wanted page counts, whatever widget renders the results.
		const result = page.locator(`dialog[open] a[href^="${wanted}"]`).first();
		await result.waitFor({ state: 'visible', timeout: 20_000 });
		const links = await page.locator('dialog[open] a[href]').evaluateAll((as) =>
			as
				.map((a) => new URL((a as HTMLAnchorElement).href))
				.filter((url) => url.origin === location.origin)
				.map((url) => url.pathname),
		);
		assert.ok(links.length > 0, 'the dialog shows results');
		assert.ok(
			links.every((href) => href.startsWith(`/${locale}/`)),
			`results stay in ${locale}: ${links.join(', ')}`,
		);
		await Promise.all([page.waitForURL((url) => url.pathname === wanted), result.click()]);
		return {
			path: new URL(page.url()).pathname,
			lang: await page.locator('html').getAttribute('lang'),
			title: await page.locator('h1').first().textContent(),
		};
	} finally {
		await page.close();
	}
}

for (const locale of ['id', 'en'] as const) {
	test(`${locale}: searching "member_id" in the header finds and opens the bad-member-id page`, async () => {
		const target = pagePath(locale, 'etcd-bad-member-id');
		// Start from the overview so following the result really navigates.
		const landed = await searchAndFollow(locale, pagePath(locale, 'index'), 'member_id', target);
		assert.equal(landed.path, target);
		assert.equal(landed.lang, locale);
		assert.ok(landed.title?.trim(), 'the page has a title');
	});

	test(`${locale}: the search also works from the bad-member-id page itself`, async () => {
		const target = pagePath(locale, 'etcd-bad-member-id');
		const landed = await searchAndFollow(locale, target, 'member_id', target);
		assert.equal(landed.path, target);
		assert.equal(landed.lang, locale);
	});
}

/** The symptom pages' data as SearchPanel hands it to the search element (data-config of every <mr-search>). */
async function searchConfigs(pathname: string) {
	const html = await (await fetch(`${server.url}${pathname}`)).text();
	const configs = [...html.matchAll(/<mr-search[^>]*data-config="([^"]*)"/g)].map(
		(m) =>
			JSON.parse(
				m[1]!
					.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)))
					.replaceAll('&quot;', '"')
					.replaceAll('&lt;', '<')
					.replaceAll('&gt;', '>')
					.replaceAll('&amp;', '&'),
			) as { symptoms: { id: string; runbook: string; runbookUrl?: string }[] },
	);
	assert.ok(configs.length > 0, `${pathname} has a search form`);
	return configs;
}

for (const locale of ['en', 'id'] as const) {
	test(`${locale}: every symptom in the search data links to its runbook page, and that page exists`, async () => {
		const [config] = await searchConfigs(pagePath(locale, 'boot'));
		assert.ok(config!.symptoms.length > 0, 'the search knows the symptom pages');
		for (const symptom of config!.symptoms) {
			assert.equal(
				symptom.runbookUrl,
				`/${locale}/runbooks/${symptom.runbook}/`,
				`${symptom.id}: runbookUrl`,
			);
			const res = await fetch(`${server.url}${symptom.runbookUrl}`);
			assert.equal(res.status, 200, `${symptom.runbookUrl} is served`);
		}
	});

	test(`${locale}: a recognised error shows the "About this runbook" link, and it opens the runbook page`, async () => {
		const page = await browser.context.newPage();
		try {
			await page.goto(`${server.url}${pagePath(locale, 'index')}`);
			await page.locator('header button[data-open-modal]').first().click();
			await page
				.locator('dialog[open] .pagefind-ui__search-input')
				.fill(
					'Error: bad member ID arg (strconv.ParseUint: parsing "": invalid syntax), expecting ID in Hex',
				);
			const wanted = `/${locale}/runbooks/etcd-bad-member-id/`;
			const link = page.locator(`dialog[open] a[href="${wanted}"]`).first();
			await link.waitFor({ state: 'visible', timeout: 20_000 });
			const label = locale === 'en' ? 'About this runbook' : 'Tentang runbook ini';
			assert.equal((await link.textContent())?.trim(), label);
			await Promise.all([page.waitForURL((url) => url.pathname === wanted), link.click()]);
			assert.match((await page.locator('h1').first().textContent()) ?? '', /etcd-bad-member-id/);
		} finally {
			await page.close();
		}
	});
}
