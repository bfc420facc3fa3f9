import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useSiteInBrowser } from '../support/index.ts';
import { readView, searchHeader, searchPage } from './helpers.ts';

const site = useSiteInBrowser();

/** A page that records any dialog or script run from search input into `window.__pwned`. */
async function guardedPage() {
	const page = await site.browser.context.newPage();
	const dialogs: string[] = [];
	const errors: string[] = [];
	page.on('dialog', (d) => {
		dialogs.push(d.message());
		void d.dismiss();
	});
	page.on('pageerror', (e) => errors.push(String(e)));
	return { page, dialogs, errors };
}

const HOSTILE = [
	`<script>window.__pwned = 1</script>`,
	`"><img src=x onerror="window.__pwned = 2">`,
	`Error: bad member ID arg <img src=x onerror="window.__pwned = 3"> '"\` \\"quoted\\"`,
	`<mark>member</mark> &lt;b&gt; &amp; <svg onload="window.__pwned = 4">`,
	`🔥💥 etcdserver: no leader 👀 ${'\u{1F600}'.repeat(50)}`,
	`خطأ: etcdserver: no leader \u202Eevil\u202C עברית`,
];

for (const text of HOSTILE) {
	test(`shown as text, never run: ${JSON.stringify(text.slice(0, 40))}`, async () => {
		const { page, dialogs, errors } = await guardedPage();
		try {
			const fromPage = await searchPage(page, site.server.url, 'en', text);
			assert.equal(fromPage.state, 'done');
			// The text box keeps exactly what was pasted.
			assert.equal(await page.locator('main textarea[data-search-input]').inputValue(), text);
			await page.goto(`${site.server.url}/id/`);
			await searchHeader(page, text);
			// Read it only if there is one: a locator that matches nothing would wait out its timeout.
			const lines = page.locator('dialog[open] .mr-search-line');
			const recognisedLine = (await lines.count()) > 0 ? await lines.first().textContent() : null;
			if (recognisedLine !== null && text.includes('<')) {
				assert.ok(recognisedLine.includes('<'), 'markup in a recognised line is shown literally');
			}
			const injected = await page.evaluate(() => ({
				pwned: (window as unknown as { __pwned?: number }).__pwned,
				nodes: document.querySelectorAll('mr-search img, mr-search svg, mr-search script').length,
			}));
			assert.equal(injected.pwned, undefined, 'no pasted script ran');
			assert.equal(injected.nodes, 0, 'no pasted element was created');
			assert.deepEqual(dialogs, []);
			assert.deepEqual(errors, []);
		} finally {
			await page.close();
		}
	});
}

test('100 KB pasted into the header search does not freeze the page', async () => {
	const { page, errors } = await guardedPage();
	try {
		await page.goto(`${site.server.url}/en/`);
		const line =
			'[2024/06/01 10:00:00.000 +00:00] [INFO] [proxy/impl.go:2880] ["Search received"] [collection=docs]\n';
		const huge =
			'panic: failed to recover v3 backend from snapshot\n' +
			line.repeat(Math.ceil(100_000 / line.length)) +
			'x'.repeat(20_000);
		assert.ok(huge.length >= 100_000);
		const view = await searchHeader(page, huge);
		assert.equal(view.state, 'done');
		assert.equal(
			view.matches[0],
			'etcd-all-crash',
			'an error at the top of a long log is still found',
		);
		const status = await page.locator('dialog[open] [data-search-status]').textContent();
		assert.match(status ?? '', /100[.,]000/, 'says only part of it was searched');
		// The page still answers right away: the main thread is free.
		const answered = await Promise.race([
			page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(true)))),
			new Promise((r) => setTimeout(() => r(false), 5_000)),
		]);
		assert.equal(answered, true);
		// And a new search after it works.
		const next = await searchHeader(page, 'StorageClass');
		assert.ok(next.links.length > 0);
		assert.deepEqual(errors, []);
	} finally {
		await page.close();
	}
});

test('a single 100 KB line with no newline is searched too', async () => {
	const { page, errors } = await guardedPage();
	try {
		const text = `${'a1b2 '.repeat(20_000)} etcdserver: no leader`;
		await page.goto(`${site.server.url}/en/search/`);
		await page.locator('main mr-search[data-state="idle"]').waitFor();
		await page.locator('main textarea[data-search-input]').fill(text);
		const view = await readView(page, 'main');
		assert.equal(view.state, 'done');
		assert.match(
			(await page.locator('main [data-search-status]').textContent()) ?? '',
			/100[.,]000/,
		);
		const answered = await Promise.race([
			page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(true)))),
			new Promise((r) => setTimeout(() => r(false), 5_000)),
		]);
		assert.equal(answered, true, 'the page still answers');
		assert.deepEqual(errors, []);
		// A 100 KB query is not copied into the address bar.
		assert.ok(page.url().length < 3_000);
	} finally {
		await page.close();
	}
});
