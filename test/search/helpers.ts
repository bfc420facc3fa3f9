import type { Page } from 'playwright-core';
import type { Locale } from '../../src/config/locales.ts';

export interface SearchView {
	/** Result link paths inside `[data-search-results]`, best first. */
	links: string[];
	/** `data-signature-match` values, strongest first. */
	matches: string[];
	/** `data-state` of the element when it settled: `done`, `idle` or `error`. */
	state: string;
}

const SETTLED = ':is([data-state="done"], [data-state="idle"], [data-state="error"])';

/** The search page URL for a text, as runbooks and the OpenSearch description build it. */
export function searchUrl(base: string, lang: Locale, text: string, category?: string): string {
	const params = new URLSearchParams({ q: text });
	if (category) params.set('category', category);
	return `${base}/${lang}/search/?${params.toString()}`;
}

/** Reads what a settled `<mr-search>` (matched by `scope`) shows. */
export async function readView(page: Page, scope: string): Promise<SearchView> {
	const root = page.locator(`${scope} mr-search${SETTLED}`);
	await root.waitFor({ state: 'attached', timeout: 30_000 });
	return root.evaluate((el) => ({
		links: [...el.querySelectorAll('[data-search-results] a')].map(
			(a) => new URL((a as HTMLAnchorElement).href).pathname,
		),
		matches: [...el.querySelectorAll('[data-signature-match]')].map(
			(m) => m.getAttribute('data-signature-match') ?? '',
		),
		state: el.getAttribute('data-state') ?? '',
	}));
}

/** Opens `/<lang>/search/?q=` and returns the results once the search has run. */
export async function searchPage(
	page: Page,
	base: string,
	lang: Locale,
	text: string,
	category?: string,
): Promise<SearchView> {
	await page.goto(searchUrl(base, lang, text, category));
	return readView(page, 'main');
}

/**
 * Searches `text` again on the search page already open (from `searchPage`), as a reader who pastes a new
 * line into its box and presses Enter does: the page, its scripts and Pagefind's index stay loaded.
 */
export async function searchAgain(page: Page, text: string): Promise<SearchView> {
	const input = page.locator('main mr-search textarea[data-search-input]');
	await input.fill(text);
	// Enter searches at once (no typing pause); the element reads `searching` until the new results are in.
	await input.press('Enter');
	return readView(page, 'main');
}

/**
 * Types `text` into the header search dialog of the page already open (Ctrl+K opens it) and returns the
 * results. `fill` sets the whole text at once, as a paste does.
 */
export async function searchHeader(page: Page, text: string): Promise<SearchView> {
	const dialog = page.locator('dialog[open]');
	if ((await dialog.count()) === 0) {
		await page.locator('header button[data-open-modal]').click();
	}
	const input = page.locator('dialog[open] textarea[data-search-input]');
	await input.fill(text);
	return readView(page, 'dialog[open]');
}
