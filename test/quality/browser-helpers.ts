import type { Page } from 'playwright-core';

export type Theme = 'light' | 'dark';

/**
 * Makes every page this Playwright page loads start in `theme`: Starlight reads `starlight-theme` from
 * localStorage before first paint, and the media emulation covers pages that follow the system theme.
 */
export async function useTheme(page: Page, theme: Theme): Promise<void> {
	await page.emulateMedia({ colorScheme: theme });
	await page.addInitScript((t) => {
		try {
			localStorage.setItem('starlight-theme', t);
		} catch {
			// Storage can be unavailable (opaque origins); the media emulation still applies.
		}
	}, theme);
}

/**
 * Switches the open page to `theme` the way a reader does: with Starlight's theme picker where the page has
 * one (it sets `data-theme` and remembers the choice), plus the system colour scheme for pages that follow it.
 */
export async function switchTheme(page: Page, theme: Theme): Promise<void> {
	await page.emulateMedia({ colorScheme: theme });
	const picker = page.locator('starlight-theme-select select:visible').first();
	if ((await picker.count()) > 0) await picker.selectOption(theme);
	// One frame for observers (the terminal recolours itself) to follow the change.
	await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => resolve(null))));
}

/**
 * Waits until the deferred scripts that change what assistive technology sees have run: Expressive Code makes
 * overflowing code blocks focusable, and custom elements upgrade. Scanning earlier reports a state no reader
 * ever meets.
 */
export async function settle(page: Page): Promise<void> {
	await page.waitForLoadState('load');
	await page.waitForFunction(() =>
		[...document.querySelectorAll('.expressive-code pre')].every(
			(pre) =>
				// Blocks in a closed <details> are not rendered: nobody can reach them, axe skips them.
				!pre.checkVisibility() ||
				pre.scrollWidth <= pre.clientWidth ||
				pre.hasAttribute('tabindex'),
		),
	);
}

/** The terminal widget (src/components/terminal): a `<mr-terminal>` whose button loads xterm on demand. */
export const TERMINAL = {
	/** The widget's root element. */
	root: 'mr-terminal',
	/** The button that loads xterm and shows the recorded run. */
	open: 'mr-terminal button[data-part="open"]',
	/** Present once xterm has rendered into the widget. */
	ready: 'mr-terminal .xterm',
	/** The player's controls once open; `mr-terminal[data-state]` says playing, paused or ended. */
	toggle: 'mr-terminal [data-part="toggle"]',
	restart: 'mr-terminal [data-part="restart"]',
	skip: 'mr-terminal [data-part="skip"]',
	speed: 'mr-terminal [data-part="speed"]',
} as const;

/** Opens the terminal widget when the page has one, and waits for xterm to draw. */
export async function openTerminal(page: Page): Promise<boolean> {
	const open = page.locator(TERMINAL.open).first();
	if ((await open.count()) === 0) return false;
	await open.scrollIntoViewIfNeeded();
	await open.click();
	await page.locator(TERMINAL.ready).first().waitFor({ state: 'visible', timeout: 30_000 });
	return true;
}

export interface FocusStyle {
	outlineStyle: string;
	outlineWidth: string;
	outlineColor: string;
	boxShadow: string;
}

/** The focus-relevant computed style of the element `selector` or, with no selector, of the focused one. */
export async function focusStyle(page: Page, selector?: string): Promise<FocusStyle> {
	return page.evaluate((sel) => {
		const el = sel ? document.querySelector(sel) : document.activeElement;
		if (!el) throw new Error(`no element ${sel ?? '(focused)'}`);
		const s = getComputedStyle(el);
		return {
			outlineStyle: s.outlineStyle,
			outlineWidth: s.outlineWidth,
			outlineColor: s.outlineColor,
			boxShadow: s.boxShadow,
		};
	}, selector);
}

/** True when the style draws something a sighted keyboard user can see around the element. */
export function drawsFocus(style: FocusStyle): boolean {
	const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
	return outline || (style.boxShadow !== 'none' && style.boxShadow !== '');
}

/**
 * Presses Tab (or Shift+Tab) until the focused element matches `selector`, up to `limit` presses.
 * Returns how many presses it took, or throws naming where focus went.
 */
export async function tabTo(
	page: Page,
	selector: string,
	{ limit = 150, backwards = false }: { limit?: number; backwards?: boolean } = {},
): Promise<number> {
	const visited: string[] = [];
	for (let i = 1; i <= limit; i++) {
		await page.keyboard.press(backwards ? 'Shift+Tab' : 'Tab');
		// One round trip per press: null on a hit, else what has focus (for the failure message).
		const missed = await page.evaluate(focusedUnless, selector);
		if (missed === null) return i;
		visited.push(missed);
	}
	throw new Error(
		`Tab never reached ${selector} in ${limit} presses; focus went through: ${visited.slice(0, 40).join(' → ')}`,
	);
}

/**
 * Runs in the page: null when the focused element matches `selector`, else a short description of it.
 * @param selector null to always describe
 */
function focusedUnless(selector: string | null): string | null {
	const el = document.activeElement;
	if (selector && el?.matches(selector)) return null;
	if (!el || el === document.body) return '(body)';
	const id = el.id ? `#${el.id}` : '';
	const label = (el.getAttribute('aria-label') ?? el.textContent ?? '').trim().slice(0, 30);
	return `${el.tagName.toLowerCase()}${id}[${label}]`;
}

/** A short description of the focused element, for failure messages. */
export async function describeFocused(page: Page): Promise<string> {
	return (await page.evaluate(focusedUnless, null)) ?? '(body)';
}
