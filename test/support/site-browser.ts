import { after, before } from 'node:test';
import { ensureBuilt } from '../../tools/support/build.ts';
import { openBrowser, type OpenBrowser } from '../../tools/support/browser.ts';
import { serveStatic, type StaticServer } from '../../tools/support/server.ts';

export interface SiteInBrowser {
	readonly server: StaticServer;
	readonly browser: OpenBrowser;
}

export interface SiteInBrowserOptions {
	/** Runs once both are up (e.g. granting clipboard permissions for the site's origin). */
	setup?: (site: SiteInBrowser) => Promise<void>;
	/** Hook timeout: a first build of the site can take minutes on a busy machine. */
	timeout?: number;
}

/**
 * For a browser test file: builds the site if needed, serves `dist/` on 127.0.0.1 and opens Chromium before
 * its tests, and closes both after them, also when a test failed. Read `server`/`browser` inside tests only.
 */
export function useSiteInBrowser(options: SiteInBrowserOptions = {}): SiteInBrowser {
	let server: StaticServer | undefined;
	let browser: OpenBrowser | undefined;
	const site: SiteInBrowser = {
		get server() {
			if (!server) throw new Error('the site is not served yet (use it inside a test)');
			return server;
		},
		get browser() {
			if (!browser) throw new Error('the browser is not open yet (use it inside a test)');
			return browser;
		},
	};
	before(
		async () => {
			server = await serveStatic(await ensureBuilt());
			browser = await openBrowser();
			await options.setup?.(site);
		},
		options.timeout === undefined ? {} : { timeout: options.timeout },
	);
	after(async () => {
		await browser?.close();
		await server?.close();
	});
	return site;
}
