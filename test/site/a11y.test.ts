import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AxeBuilder } from '@axe-core/playwright';
import { useSiteInBrowser } from '../support/site-browser.ts';
import { LOCALES, PAGES, pagePath } from './pages.ts';

const site = useSiteInBrowser();

const paths = [
	...LOCALES.flatMap((locale) => PAGES.map((slug) => pagePath(locale, slug))),
	'/no-such-page/',
];

for (const urlPath of paths) {
	test(`${urlPath} has no WCAG 2.1 A/AA violations`, async () => {
		const page = await site.browser.context.newPage();
		try {
			await page.goto(`${site.server.url}${urlPath}`);
			// Expressive Code makes overflowing code blocks focusable from a deferred script; wait for it
			// rather than report a state no reader ever sees.
			await page.waitForFunction(() =>
				[...document.querySelectorAll('.expressive-code pre')].every(
					(pre) => pre.scrollWidth <= pre.clientWidth || pre.hasAttribute('tabindex'),
				),
			);
			const result = await new AxeBuilder({ page })
				.withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
				.analyze();
			const violations = result.violations.map(
				(v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
			);
			assert.deepEqual(violations, [], violations.join('\n'));
		} finally {
			await page.close();
		}
	});
}
