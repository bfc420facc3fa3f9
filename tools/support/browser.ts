import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Flags that keep a headless Chromium quiet, offline and independent of any profile on the machine. */
export const CHROMIUM_ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--no-first-run',
] as const;

export interface BrowserOptions {
	/** Browser locale, e.g. `id-ID`: sets navigator.language(s) and Accept-Language. Default `en-US`. */
	locale?: string;
	viewport?: { width: number; height: number };
	/** Set false to see what a visitor without JavaScript gets (noscript content, meta refresh). */
	javaScriptEnabled?: boolean;
}

export interface OpenBrowser {
	context: BrowserContext;
	/** The first tab; open more with `context.newPage()`. */
	page: Page;
	/** Closes Chromium and deletes its profile directory. */
	close(): Promise<void>;
}

/**
 * Launches /usr/bin/chromium headless through playwright-core with a fresh profile (`--user-data-dir`
 * in a new temp directory). Always register `close` with `after`/`t.after`, so a failing test still stops
 * the browser.
 */
export async function openBrowser(options: BrowserOptions = {}): Promise<OpenBrowser> {
	const userDataDir = await mkdtemp(path.join(tmpdir(), 'milvus-rescue-chromium-'));
	let context: BrowserContext;
	try {
		context = await chromium.launchPersistentContext(userDataDir, {
			executablePath: CHROMIUM_PATH,
			headless: true,
			args: [...CHROMIUM_ARGS],
			locale: options.locale ?? 'en-US',
			viewport: options.viewport ?? { width: 1280, height: 800 },
			javaScriptEnabled: options.javaScriptEnabled ?? true,
			timeout: 60_000,
		});
	} catch (error) {
		await rm(userDataDir, { recursive: true, force: true });
		throw error;
	}
	const page = context.pages()[0] ?? (await context.newPage());
	let closed = false;
	return {
		context,
		page,
		async close() {
			if (closed) return;
			closed = true;
			await context.close().catch(() => undefined);
			await rm(userDataDir, { recursive: true, force: true });
		},
	};
}
