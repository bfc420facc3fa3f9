import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openBrowser } from '../../tools/support/browser.ts';
import { ensureBuilt } from '../../tools/support/build.ts';
import { tags } from '../../tools/support/html.ts';
import { serveStatic, type StaticServer } from '../../tools/support/server.ts';

let dist = '';
let server: StaticServer;

before(async () => {
	dist = await ensureBuilt();
	server = await serveStatic(dist);
});

after(async () => {
	await server?.close();
});

test('/ without JavaScript: a noscript refresh to /en/ and plain links to both languages', () => {
	const html = readFileSync(path.join(dist, 'index.html'), 'utf8');
	const noscript = /<noscript>([\s\S]*?)<\/noscript>/.exec(html)?.[1] ?? '';
	const refresh = tags(noscript, 'meta').find(
		(t) => t.attrs['http-equiv']?.toLowerCase() === 'refresh',
	);
	assert.match(refresh?.attrs.content ?? '', /^0;\s*url=\/en\/$/);
	const hrefs = tags(html, 'a').map((t) => t.attrs.href);
	assert.ok(hrefs.includes('/en/'), 'link to /en/');
	assert.ok(hrefs.includes('/id/'), 'link to /id/');
});

/** Opens `/` in a fresh Chromium and returns the path it settles on and that page's <html lang>. */
async function landing(options: { locale: string; javaScriptEnabled?: boolean }) {
	const browser = await openBrowser(options);
	try {
		const { page } = browser;
		await page.goto(`${server.url}/`);
		await page.waitForURL((url) => url.pathname !== '/', { timeout: 15_000 });
		await page.waitForLoadState('load');
		return {
			path: new URL(page.url()).pathname,
			lang: await page.locator('html').getAttribute('lang'),
		};
	} finally {
		await browser.close();
	}
}

describe('/ in Chromium sends the visitor to their language', () => {
	test('browser locale id-ID lands on /id/', async () => {
		assert.deepEqual(await landing({ locale: 'id-ID' }), { path: '/id/', lang: 'id' });
	});

	test('browser locale en-GB lands on /en/', async () => {
		assert.deepEqual(await landing({ locale: 'en-GB' }), { path: '/en/', lang: 'en' });
	});

	test('a language we do not have (fr-FR) falls back to /en/', async () => {
		assert.deepEqual(await landing({ locale: 'fr-FR' }), { path: '/en/', lang: 'en' });
	});

	test('with JavaScript off, even an Indonesian browser follows the noscript refresh to /en/', async () => {
		assert.deepEqual(await landing({ locale: 'id-ID', javaScriptEnabled: false }), {
			path: '/en/',
			lang: 'en',
		});
	});
});
