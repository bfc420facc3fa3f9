import axe from 'axe-core';
import type { Page } from 'playwright-core';

export interface AxeScan {
	/** axe tags to run (e.g. `wcag2aa`); every rule when neither this nor `rules` is given */
	tags?: string[];
	/** rule ids to run */
	rules?: string[];
	/** a selector: only what it matches is scanned */
	include?: string;
}

/**
 * The accessibility violations axe-core finds on the page as it is now. axe is put into the page once and run
 * there for every scan of that page (a theme switch, a dialog opened). @axe-core/playwright's builder
 * evaluates axe's 580 kB source twice per scan, which took more than half of a runbook page's scan time. The
 * site has no frames, the one thing the builder adds.
 */
export async function axeViolations(page: Page, scan: AxeScan = {}): Promise<axe.Result[]> {
	if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axe.source);
	const runOnly: axe.RunOnly | undefined = scan.rules
		? { type: 'rule', values: scan.rules }
		: scan.tags
			? { type: 'tag', values: scan.tags }
			: undefined;
	// Only violations are read: axe then builds a selector for one node of the passes instead of for every
	// passing text node, most of a scan's tail on the pages with highlighted code.
	const options: axe.RunOptions = { resultTypes: ['violations'], ...(runOnly ? { runOnly } : {}) };
	return page.evaluate(
		async ({ include, options }) => {
			const found = await (window as unknown as { axe: typeof axe }).axe.run(
				include ? { include: [include] } : document,
				options,
			);
			return found.violations;
		},
		{ include: scan.include, options },
	);
}
