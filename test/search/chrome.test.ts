/**
 * Search excerpts show page text, not UI: Expressive Code frame titles ("Terminal window"), copy buttons,
 * the runbook bar's badge ("reads only") and link, and the recorded run are all marked for Pagefind to skip.
 * Read from the built HTML, no browser.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { ensureBuilt, SYMPTOM_IDS } from '../support/index.ts';
import { LOCALE_CODES } from '../../src/config/locales.ts';

/** Opening tags of `name` whose attributes match `marker`, e.g. every `<figcaption …>`. */
function openingTags(html: string, name: string, marker = ''): string[] {
	return [...html.matchAll(new RegExp(`<${name}\\b[^>]*>`, 'g'))]
		.map((m) => m[0])
		.filter((t) => t.includes(marker));
}

test('frame titles, copy buttons, runbook bars and recordings are not indexed', async () => {
	const dist = await ensureBuilt();
	for (const lang of LOCALE_CODES) {
		for (const id of SYMPTOM_IDS) {
			const html = await readFile(path.join(dist, lang, id, 'index.html'), 'utf8');
			const chrome = [
				...openingTags(html, 'figcaption'),
				...openingTags(html, 'div', 'class="copy'),
				...openingTags(html, 'p', 'mr-runbook-block__bar'),
				...openingTags(html, 'section', 'mr-terminal'),
			];
			assert.ok(chrome.length > 3, `${lang}/${id}: found the UI parts`);
			for (const tag of chrome)
				assert.match(tag, /data-pagefind-ignore/, `${lang}/${id}: ${tag.slice(0, 80)}`);
		}
	}
});
