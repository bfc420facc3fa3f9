import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useSiteInBrowser } from '../support/index.ts';
import { axeViolations } from '../support/axe.ts';
import { LOCALE_CODES } from '../../src/config/locales.ts';
import { CASES } from '../../tools/search-eval/queries.ts';
import { readView, searchAgain, searchHeader, searchPage } from './helpers.ts';

const site = useSiteInBrowser();

// Every fifth case (both kinds), plus words typed by hand.
const SAMPLE = [
	...CASES.filter((_, i) => i % 5 === 0).map((c) => c.text),
	'member_id',
	'PVC pending',
	'StorageClass',
];

for (const lang of LOCALE_CODES) {
	test(`${lang}: the header dialog and the search page give the same first result`, async () => {
		const header = await site.browser.context.newPage();
		const page = await site.browser.context.newPage();
		try {
			await header.goto(`${site.server.url}/${lang}/etcd-pending/`);
			for (const [i, text] of SAMPLE.entries()) {
				const fromHeader = await searchHeader(header, text);
				// The first text reaches the search page through its URL, the others through its box.
				const fromPage =
					i === 0
						? await searchPage(page, site.server.url, lang, text)
						: await searchAgain(page, text);
				assert.equal(fromHeader.state, 'done');
				assert.ok(fromHeader.links.length > 0, `results for ${text.slice(0, 60)}`);
				assert.equal(fromHeader.links[0], fromPage.links[0], text.slice(0, 80));
				assert.deepEqual(fromHeader.matches, fromPage.matches, text.slice(0, 80));
			}
		} finally {
			await header.close();
			await page.close();
		}
	});
}

test('Ctrl+K opens an accessible dialog with the text box focused; Escape closes it', async () => {
	const page = await site.browser.context.newPage();
	try {
		await page.goto(`${site.server.url}/en/boot/`);
		const button = page.locator('header button[data-open-modal]');
		await button.waitFor();
		assert.equal(await button.isEnabled(), true, 'the script enabled the button');
		assert.match((await button.getAttribute('aria-keyshortcuts')) ?? '', /K$/);
		await page.keyboard.press('Control+k');
		const dialog = page.locator('dialog[open]');
		await dialog.waitFor();
		assert.ok(await dialog.getAttribute('aria-label'), 'the dialog is labelled');
		const focused = await page.evaluate(() =>
			document.activeElement?.matches('textarea[data-search-input]'),
		);
		assert.equal(focused, true, 'focus is in the search box');
		const labelled = await page.evaluate(() => {
			const input = document.querySelector('dialog[open] textarea[data-search-input]');
			return !!input && !!document.querySelector(`label[for="${input.id}"]`)?.textContent?.trim();
		});
		assert.equal(labelled, true, 'the search box has a label');

		await page.keyboard.type('Error: bad member ID arg');
		const view = await readView(page, 'dialog[open]');
		assert.equal(view.matches[0], 'etcd-bad-member-id');

		const found = await axeViolations(page, { include: 'dialog[open]' });
		const serious = found.filter((v) => v.impact === 'serious' || v.impact === 'critical');
		assert.deepEqual(
			serious.map((v) => `${v.id}: ${v.help}`),
			[],
			'no serious accessibility problems',
		);

		await page.keyboard.press('Escape');
		await dialog.waitFor({ state: 'detached' });
		await page.keyboard.press('Control+k');
		await page.locator('dialog[open]').waitFor();
		await page.keyboard.press('Control+k');
		await page.locator('dialog[open]').waitFor({ state: 'detached' });
	} finally {
		await page.close();
	}
});

test('Enter in the dialog opens the first result', async () => {
	const page = await site.browser.context.newPage();
	try {
		await page.goto(`${site.server.url}/id/`);
		await searchHeader(
			page,
			'no persistent volumes available for this claim and no storage class is set',
		);
		await Promise.all([
			page.waitForURL((url) => url.pathname === '/id/etcd-pending/'),
			page.locator('dialog[open] textarea').press('Enter'),
		]);
		assert.equal(await page.locator('html').getAttribute('lang'), 'id');
	} finally {
		await page.close();
	}
});
