import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { LOCALE_CODES, type Locale } from '../../src/config/locales.ts';
import { useSiteInBrowser } from '../support/site-browser.ts';
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
/** A hung page must fail its test, not the whole run. */
const TIMEOUT = 120_000;

const site = useSiteInBrowser({
	setup: ({ browser, server }) =>
		browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], {
			origin: server.url,
		}),
});

async function freshPage(t: { after(fn: () => unknown): void }, urlPath: string): Promise<Page> {
	const page = await site.browser.context.newPage();
	t.after(() => page.close());
	await page.goto(`${site.server.url}${urlPath}`);
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

test('the focus check fails on a page that hides focus', { timeout: TIMEOUT }, async (t) => {
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
		test(
			'search: Tab to the button, Enter opens it, type, Tab to a result, Enter opens the page',
			{ timeout: TIMEOUT },
			async (t) => {
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
			},
		);

		test(
			'search: Escape closes the dialog and the shortcut opens it again',
			{ timeout: TIMEOUT },
			async (t) => {
				const page = await freshPage(t, `/${locale}/${PAGE}/`);
				await page.waitForSelector('button[data-open-modal]:not([disabled])');
				await page.keyboard.press('Control+k');
				await page.waitForSelector('dialog[open]');
				await page.keyboard.press('Escape');
				await page.waitForSelector('dialog[open]', { state: 'detached' });
				await page.keyboard.press('Control+k');
				await page.waitForSelector('dialog[open]');
			},
		);

		test(
			'language switcher: Tab to the other language, Enter opens the same page in it',
			{ timeout: TIMEOUT },
			async (t) => {
				const page = await freshPage(t, `/${locale}/${PAGE}/`);
				const target = other(locale);
				await tabTo(page, `[data-lang-switcher] a[data-locale="${target}"]`);
				await assertVisibleFocus(page, 'language switcher link');
				await page.keyboard.press('Enter');
				await page.waitForURL(new RegExp(`/${target}/${PAGE}/$`));
				const lang = await page.evaluate(() => document.documentElement.lang);
				assert.equal(lang.split('-')[0], target);
			},
		);

		test('copy buttons: Tab to one, Enter copies its block', { timeout: TIMEOUT }, async (t) => {
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

		test(
			'terminal: open it and use every control from the keyboard',
			{ timeout: TIMEOUT },
			async (t) => {
				const page = await freshPage(t, `/${locale}/${PAGE}/`);
				assert.ok(
					(await page.locator(TERMINAL.open).count()) > 0,
					`no terminal widget (${TERMINAL.open}) on /${locale}/${PAGE}/`,
				);
				await tabTo(page, TERMINAL.open, { limit: 300 });
				await assertVisibleFocus(page, 'terminal open button');
				await page.keyboard.press('Enter');
				await page.locator(TERMINAL.ready).first().waitFor({ state: 'visible', timeout: 30_000 });
				// The open button goes away once the player is there; focus must not fall back to the page.
				const kept = await page.evaluate(
					(root) => document.activeElement?.closest(root) !== null,
					TERMINAL.root,
				);
				assert.ok(kept, `focus left the widget after opening it: ${await describeFocused(page)}`);

				const state = () =>
					page.evaluate(
						(root) => document.querySelector<HTMLElement>(root)?.dataset.state ?? '',
						TERMINAL.root,
					);
				const waitState = (want: string) =>
					page.waitForFunction(
						({ root, want }) => document.querySelector<HTMLElement>(root)?.dataset.state === want,
						{ root: TERMINAL.root, want },
					);
				const reach = async (selector: string, what: string) => {
					const already = await page.evaluate(
						(sel) => document.activeElement?.matches(sel) ?? false,
						selector,
					);
					if (!already) await tabTo(page, selector, { limit: 10 });
					await assertVisibleFocus(page, what);
				};

				await reach(TERMINAL.toggle, 'play/pause');
				if ((await state()) !== 'playing') {
					await page.keyboard.press('Enter');
					await waitState('playing');
				}
				await page.keyboard.press('Enter');
				await waitState('paused');
				await page.keyboard.press('Space');
				await waitState('playing');

				await reach(TERMINAL.restart, 'restart');
				await page.keyboard.press('Enter');
				await waitState('playing');

				await reach(TERMINAL.skip, 'skip to the end');
				await page.keyboard.press('Enter');
				await waitState('ended');
				const text = await page.evaluate(
					(root) =>
						(
							document.querySelector(root) as (HTMLElement & { text(): Promise<string> }) | null
						)?.text() ?? '',
					TERMINAL.root,
				);
				assert.ok(text.trim().length > 0, 'the terminal is empty after skipping to the end');

				await reach(TERMINAL.speed, 'speed');
				const speedBefore = await page.locator(TERMINAL.speed).inputValue();
				await page.keyboard.press('ArrowDown');
				const speedAfter = await page.locator(TERMINAL.speed).inputValue();
				assert.notEqual(speedAfter, speedBefore, 'ArrowDown did not change the speed');
			},
		);
	});
}
