import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { LOCALE_CODES, type Locale } from '../../src/config/locales.ts';
import { openBrowser, type OpenBrowser } from '../support/browser.ts';
import { ensureBuilt } from '../support/build.ts';
import { serveStatic, type StaticServer } from '../support/server.ts';
import {
	TERMINAL,
	describeFocused,
	drawsFocus,
	focusStyle,
	settle,
	tabTo,
	type FocusStyle,
} from './browser-helpers.ts';

/**
 * Everything interactive on a symptom page, driven with the keyboard alone: Tab to reach it, Enter/Space to
 * use it, and a visible focus indicator on the way (the computed outline or box-shadow changes on focus).
 */

/** A symptom page with shell blocks (copy buttons) and, once the widget is placed, a terminal. */
const PAGE = 'etcd-pending';

let server: StaticServer;
let browser: OpenBrowser;

before(async () => {
	server = await serveStatic(await ensureBuilt());
	browser = await openBrowser();
	await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], {
		origin: server.url,
	});
});

after(async () => {
	await browser?.close();
	await server?.close();
});

async function freshPage(t: { after(fn: () => unknown): void }, urlPath: string): Promise<Page> {
	const page = await browser.context.newPage();
	t.after(() => page.close());
	await page.goto(`${server.url}${urlPath}`);
	await settle(page);
	return page;
}

/**
 * Asserts the focused element shows a focus indicator that it does not show unfocused. Focus is restored
 * afterwards, and Chromium keeps it :focus-visible because the last input was the keyboard.
 */
async function assertVisibleFocus(page: Page, what: string): Promise<void> {
	const focused = await focusStyle(page);
	const unfocused = await page.evaluate(() => {
		const el = document.activeElement as HTMLElement | null;
		if (!el || el === document.body) throw new Error('nothing is focused');
		el.setAttribute('data-focus-probe', '');
		el.blur();
		const s = getComputedStyle(el);
		const style = {
			outlineStyle: s.outlineStyle,
			outlineWidth: s.outlineWidth,
			outlineColor: s.outlineColor,
			boxShadow: s.boxShadow,
		};
		el.focus();
		el.removeAttribute('data-focus-probe');
		return style;
	});
	const describe = (s: FocusStyle) =>
		`outline ${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}, box-shadow ${s.boxShadow}`;
	assert.ok(drawsFocus(focused), `${what}: no focus indicator when focused (${describe(focused)})`);
	assert.notDeepEqual(
		focused,
		unfocused,
		`${what}: looks the same focused and unfocused (${describe(focused)})`,
	);
}

test('the focus check fails on a page that hides focus', async (t) => {
	const page = await freshPage(t, `/${LOCALE_CODES[0]}/${PAGE}/`);
	await page.addStyleTag({
		content: '*:focus, *:focus-visible { outline: none !important; box-shadow: none !important; }',
	});
	await tabTo(page, '[data-lang-switcher] a');
	await assert.rejects(assertVisibleFocus(page, 'language switcher link'), /no focus indicator/);
});

function other(locale: Locale): Locale {
	return LOCALE_CODES.find((code) => code !== locale) ?? locale;
}

for (const locale of LOCALE_CODES) {
	describe(`keyboard only, ${locale}`, () => {
		test('search: Tab to the button, Enter opens it, type, Tab to a result, Enter opens the page', async (t) => {
			const page = await freshPage(t, `/${locale}/${PAGE}/`);
			const button = 'button[data-open-modal]';
			await page.waitForSelector(`${button}:not([disabled])`);
			await tabTo(page, button);
			await assertVisibleFocus(page, 'search button');
			await page.keyboard.press('Enter');
			await page.waitForSelector('dialog[open]');
			const inField = await page.evaluate(() => {
				const el = document.activeElement;
				return (
					el !== null &&
					el.closest('dialog[open]') !== null &&
					(el.matches('input, textarea') || (el as HTMLElement).isContentEditable)
				);
			});
			assert.ok(inField, `focus is not in the search field: ${await describeFocused(page)}`);
			await page.keyboard.type('member_id');
			const result = `dialog[open] a[href*="/${locale}/etcd-bad-member-id/"]`;
			await page.waitForSelector(result, { timeout: 30_000 });
			await tabTo(page, result, { limit: 40 });
			await assertVisibleFocus(page, 'search result');
			await page.keyboard.press('Enter');
			await page.waitForURL(new RegExp(`/${locale}/etcd-bad-member-id/`));
		});

		test('search: Escape closes the dialog and the shortcut opens it again', async (t) => {
			const page = await freshPage(t, `/${locale}/${PAGE}/`);
			await page.waitForSelector('button[data-open-modal]:not([disabled])');
			await page.keyboard.press('Control+k');
			await page.waitForSelector('dialog[open]');
			await page.keyboard.press('Escape');
			await page.waitForSelector('dialog[open]', { state: 'detached' });
			await page.keyboard.press('Control+k');
			await page.waitForSelector('dialog[open]');
		});

		test('language switcher: Tab to the other language, Enter opens the same page in it', async (t) => {
			const page = await freshPage(t, `/${locale}/${PAGE}/`);
			const target = other(locale);
			await tabTo(page, `[data-lang-switcher] a[data-locale="${target}"]`);
			await assertVisibleFocus(page, 'language switcher link');
			await page.keyboard.press('Enter');
			await page.waitForURL(new RegExp(`/${target}/${PAGE}/$`));
			const lang = await page.evaluate(() => document.documentElement.lang);
			assert.equal(lang.split('-')[0], target);
		});

		test('copy buttons: Tab to one, Enter copies its block', async (t) => {
			const page = await freshPage(t, `/${locale}/${PAGE}/`);
			const copy = '.expressive-code .copy button';
			assert.ok((await page.locator(copy).count()) > 0, 'no copy buttons on the page');
			await page.evaluate(() => navigator.clipboard.writeText('(empty)'));
			await tabTo(page, copy, { limit: 250 });
			await assertVisibleFocus(page, 'copy button');
			const expected = await page.evaluate(() =>
				(document.activeElement?.getAttribute('data-code') ?? '').replace(/\u007f/g, '\n'),
			);
			assert.notEqual(expected, '');
			await page.keyboard.press('Enter');
			await page.waitForFunction(
				(want) => navigator.clipboard.readText().then((got) => got === want),
				expected,
			);
			// The next copy button is reachable too, and Space works as well as Enter.
			const second = await page.locator(copy).count();
			if (second > 1) {
				await tabTo(page, copy, { limit: 60 });
				const next = await page.evaluate(() =>
					(document.activeElement?.getAttribute('data-code') ?? '').replace(/\u007f/g, '\n'),
				);
				await page.keyboard.press('Space');
				await page.waitForFunction(
					(want) => navigator.clipboard.readText().then((got) => got === want),
					next,
				);
			}
		});

		test('terminal: open it and use every control from the keyboard', async (t) => {
			const page = await freshPage(t, `/${locale}/${PAGE}/`);
			const hasWidget = (await page.locator(TERMINAL.open).count()) > 0;
			assert.ok(hasWidget, `no terminal widget (${TERMINAL.open}) on /${locale}/${PAGE}/`);
			await tabTo(page, TERMINAL.open, { limit: 300 });
			await assertVisibleFocus(page, 'terminal open button');
			await page.keyboard.press('Enter');
			await page.locator(TERMINAL.ready).first().waitFor({ state: 'visible', timeout: 30_000 });
			const controls = await page.locator(TERMINAL.controls).count();
			assert.ok(controls >= 4, `expected play/pause, restart, speed and skip; found ${controls}`);
			for (let i = 0; i < controls; i++) {
				const control = page.locator(TERMINAL.controls).nth(i);
				if (!(await control.isVisible()) || (await control.isDisabled())) continue;
				await control.evaluate((el) => el.setAttribute('data-kbd-target', ''));
				await tabTo(page, '[data-kbd-target]', { limit: 40 });
				await control.evaluate((el) => el.removeAttribute('data-kbd-target'));
				const name = await describeFocused(page);
				await assertVisibleFocus(page, `terminal control ${name}`);
				// Walking back to the start of the controls for the next one.
				await page.keyboard.press('Shift+Tab');
				await page.keyboard.press('Tab');
			}
			// Play/pause toggles from the keyboard: its pressed state or label changes.
			const toggle = page.locator(`${TERMINAL.root} [data-terminal-play]`).first();
			const before = await toggle.evaluate(
				(el) =>
					`${el.getAttribute('aria-pressed')}|${el.getAttribute('aria-label')}|${el.textContent}`,
			);
			await toggle.focus();
			await page.keyboard.press('Enter');
			await page.waitForFunction(
				({ sel, was }) => {
					const el = document.querySelector(sel);
					return (
						el !== null &&
						`${el.getAttribute('aria-pressed')}|${el.getAttribute('aria-label')}|${el.textContent}` !==
							was
					);
				},
				{ sel: `${TERMINAL.root} [data-terminal-play]`, was: before },
			);
		});
	});
}
