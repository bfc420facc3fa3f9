import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { DIST } from '../../tools/support/paths.ts';
import { ensureBuilt } from '../../tools/support/build.ts';
import { openBrowser, type OpenBrowser } from '../../tools/support/browser.ts';
import { axeViolations } from '../support/axe.ts';
import { useSiteInBrowser } from '../support/site-browser.ts';
import {
	openTerminal,
	settle,
	switchTheme,
	TERMINAL,
	useTheme,
	type Theme,
} from './browser-helpers.ts';
import { builtPages } from './site-audit.ts';
import { DEFAULT_LOCALE, LOCALE_CODES } from '../../src/config/locales.ts';

/** WCAG 2.2 A and AA, as axe tags them (2.2 added AA rules only). */
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const THEMES: Theme[] = ['light', 'dark'];

/**
 * The rules whose outcome depends on colours, so on the theme: the first theme is scanned with every rule,
 * the others with these (names, roles, landmarks and focus order are the same whatever the colours).
 */
const COLOUR_RULES = ['color-contrast', 'link-in-text-block'];

/**
 * Pages scanned at once, each in a browser of its own (the theme picker keeps its choice in localStorage,
 * which the pages of one browser share). Two keep both cores of this machine busy while axe walks a page.
 */
const PARALLEL_BROWSERS = 2;

const site = useSiteInBrowser();

/**
 * A runbook page shows the runbook's full source highlighted: over ten thousand token elements, which axe
 * walks and checks one by one, seconds per page on this machine. The first lines already hold every kind of
 * token the highlighter colours (comments, strings, keywords, names), so the lines past them are taken out
 * of the page before the scan (an `exclude` would still have axe walk them).
 */
const SOURCE_LINES_SCANNED = 80;

async function violations(page: Page, rules?: string[]): Promise<string[]> {
	await page.evaluate((keep) => {
		for (const line of document.querySelectorAll(
			`[data-runbook-source] .ec-line:nth-child(n+${keep + 1})`,
		))
			line.remove();
	}, SOURCE_LINES_SCANNED);
	const found = await axeViolations(page, rules ? { rules } : { tags: WCAG_TAGS });
	return found.map(
		(v) =>
			`${v.id} (${v.impact}): ${v.help}\n    ${v.nodes
				.slice(0, 8)
				.map(
					(n) =>
						`${n.target.join(' ')}: ${n.failureSummary?.split('\n').slice(1, 2).join('') ?? ''}`,
				)
				.join('\n    ')}`,
	);
}

// Every built page, found on disk so pages added later (runbook pages, the search page) are scanned too.
const pages = (await builtPages(await ensureBuilt())).map((p) => p.urlPath);
assert.ok(pages.length > 0, `no pages in ${DIST}`);

/** Where the terminal widget is scanned open: the first runbook page of each language. */
const terminalPages = new Set(
	LOCALE_CODES.map((lang) => {
		const found = pages.find((p) => p.startsWith(`/${lang}/runbooks/`));
		assert.ok(found, `no runbook page in ${lang}`);
		return found;
	}),
);

/** Browsers free for the next page; the first is the site's own, the others are opened on demand. */
const idle: OpenBrowser[] = [];
let opened = 0;
const extra: OpenBrowser[] = [];
after(async () => {
	await Promise.all(extra.map((b) => b.close()));
});

async function takeBrowser(): Promise<OpenBrowser> {
	const free = idle.pop();
	if (free) return free;
	opened += 1;
	if (opened === 1) return site.browser;
	const browser = await openBrowser();
	extra.push(browser);
	return browser;
}

describe('WCAG 2.2 A/AA, light and dark theme', { concurrency: PARALLEL_BROWSERS }, () => {
	for (const urlPath of pages) {
		test(urlPath, { timeout: 600_000 }, async (t) => {
			const isRoot = urlPath === '/';
			const lang = urlPath.split('/')[1] ?? '';
			const browser = await takeBrowser();
			const page = await browser.context.newPage();
			t.after(async () => {
				await page.close();
				idle.push(browser);
			});
			const [first, ...others] = THEMES as [Theme, ...Theme[]];
			await useTheme(page, first);
			if (isRoot) {
				// `/` only redirects to a language: serve it without its redirect script so the scan sees
				// the page (title, language links) instead of following the redirect mid-scan.
				await page.route(
					(url) => url.pathname === '/',
					async (route) => {
						const response = await route.fetch();
						const body = (await response.text()).replace(
							/<script\b[^>]*>(?:(?!<\/script>)[\s\S])*?location\.replace[\s\S]*?<\/script>/i,
							'',
						);
						await route.fulfill({ response, body });
					},
				);
			}
			await page.goto(`${site.server.url}${urlPath}`);
			if (!isRoot) {
				// Collapsed content (the runbook source, the transcript) is one click away: scan it too.
				await page.evaluate(() => {
					for (const details of document.querySelectorAll('details')) details.open = true;
				});
				await settle(page);
				// The player's controls and the terminal itself must pass too, so scan with it open, at the end of
				// the run: what it shows then does not depend on how far the replay got before the scan. The
				// widget is the same component on every page (only the recording differs, drawn where axe does
				// not look), so it is opened on the first runbook page of each language.
				if (terminalPages.has(urlPath)) {
					assert.ok(await openTerminal(page), `${urlPath} has no terminal to open`);
					await page.locator(TERMINAL.skip).click();
					await page.locator('mr-terminal[data-state="ended"]').waitFor();
				}
			}
			const found: string[] = [];
			// Colours come from the theme's stylesheet and the components a page uses, never from its language:
			// the other themes are scanned on the pages of the default language and the root, the first theme
			// (every rule) on every page.
			const themes = isRoot || lang === DEFAULT_LOCALE ? [first, ...others] : [first];
			for (const theme of themes) {
				// The other themes are reached the way a reader does, with the theme picker, on the same page.
				if (theme !== first) await switchTheme(page, theme);
				if (!isRoot) {
					const shown = await page.evaluate(() => document.documentElement.dataset.theme);
					assert.equal(shown, theme, `the page did not take the ${theme} theme`);
				}
				const rules = theme === first ? undefined : COLOUR_RULES;
				found.push(...(await violations(page, rules)).map((v) => `[${theme}] ${v}`));
			}
			assert.deepEqual(found, [], `${urlPath}:\n${found.join('\n')}`);
		});
	}
});

test(
	'the scan catches a real violation (an unlabeled button, low-contrast text)',
	{ timeout: 600_000 },
	async (t) => {
		const page = await site.browser.context.newPage();
		t.after(() => page.close());
		await page.goto(`${site.server.url}/en/`);
		await settle(page);
		await page.evaluate(() => {
			const main = document.querySelector('main') ?? document.body;
			const button = document.createElement('button');
			button.innerHTML = '<svg width="10" height="10"></svg>';
			main.append(button);
			const faint = document.createElement('p');
			faint.textContent = 'barely visible';
			faint.style.color = '#777';
			faint.style.background = '#6f6f6f';
			main.append(faint);
		});
		const found = (await violations(page)).join('\n');
		assert.match(found, /^button-name/m);
		assert.match(found, /^color-contrast/m);
		// The other themes' scan (colour rules only) still catches the faint text.
		const colours = (await violations(page, COLOUR_RULES)).join('\n');
		assert.match(colours, /^color-contrast/m);
		assert.doesNotMatch(colours, /^button-name/m);
	},
);
