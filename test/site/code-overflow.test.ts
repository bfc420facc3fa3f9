/**
 * Readable commands on a phone: at 390 px, on every symptom page in both languages, no command block scrolls
 * sideways (shell blocks wrap, continuation lines indented), no other wrapped block does either, and the page
 * itself never scrolls sideways. Output tables may still scroll inside their own block; they are trimmed to
 * the columns that decide. One browser, each page visited once.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useSiteInBrowser, SYMPTOM_IDS } from '../support/index.ts';
import { LOCALE_CODES } from '../../src/config/locales.ts';

const site = useSiteInBrowser();
const PHONE = { width: 390, height: 844 };
const SHELL = new Set(['sh', 'bash', 'shell', 'zsh', 'console']);

test('at 390 px no command block and no page scrolls sideways, in both languages', async () => {
	const page = await site.browser.context.newPage();
	await page.setViewportSize(PHONE);
	const problems: string[] = [];
	try {
		for (const lang of LOCALE_CODES) {
			for (const id of [...SYMPTOM_IDS, 'index']) {
				const url = `/${lang}/${id === 'index' ? '' : `${id}/`}`;
				await page.goto(`${site.server.url}${url}`);
				const found = await page.evaluate(
					(shell) =>
						[...document.querySelectorAll<HTMLPreElement>('.expressive-code pre')].map((pre) => ({
							lang: pre.dataset.language ?? '',
							wrapped: pre.classList.contains('wrap'),
							over: pre.scrollWidth - pre.clientWidth,
							shell: shell.includes(pre.dataset.language ?? ''),
							start: (pre.textContent ?? '').slice(0, 60),
						})),
					[...SHELL],
				);
				const pageOver = await page.evaluate(
					() => document.documentElement.scrollWidth - window.innerWidth,
				);
				if (pageOver > 0) problems.push(`${url}: the page scrolls sideways by ${pageOver}px`);
				for (const b of found) {
					if (b.shell && !b.wrapped)
						problems.push(`${url}: a ${b.lang} block does not wrap: ${b.start}`);
					if ((b.shell || b.wrapped) && b.over > 1)
						problems.push(`${url}: a ${b.lang} block overflows by ${b.over}px: ${b.start}`);
				}
				if (SYMPTOM_IDS.includes(id as never))
					assert.ok(
						found.some((b) => b.shell),
						`${url} has command blocks to measure`,
					);
			}
		}
	} finally {
		await page.close();
	}
	assert.deepEqual(problems, []);
});
