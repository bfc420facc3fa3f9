import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useSiteInBrowser } from '../support/index.ts';
import { LOCALE_CODES } from '../../src/config/locales.ts';
import { CASES } from './queries.ts';
import { searchPage, type SearchView } from './helpers.ts';

const site = useSiteInBrowser();

test('the query set is big enough to mean something', () => {
	assert.ok(
		CASES.filter((c) => c.expect !== null).length >= 60,
		'at least 60 texts with a symptom',
	);
	assert.ok(CASES.filter((c) => c.expect === null).length >= 10, 'at least 10 texts without one');
	assert.equal(new Set(CASES.map((c) => c.text)).size, CASES.length, 'no text twice');
});

/** Pages searching at once: the static server and Chromium are local, so a few overlap well on 2 cores. */
const PARALLEL = 3;

for (const lang of LOCALE_CODES) {
	test(`${lang}: pasted errors land on their page through /${lang}/search/?q=`, async () => {
		const views = new Array<SearchView>(CASES.length);
		let next = 0;
		const pages = await Promise.all(
			Array.from({ length: PARALLEL }, () => site.browser.context.newPage()),
		);
		try {
			await Promise.all(
				pages.map(async (page) => {
					for (let i = next++; i < CASES.length; i = next++) {
						views[i] = await searchPage(page, site.server.url, lang, CASES[i]!.text);
					}
				}),
			);
		} finally {
			await Promise.all(pages.map((p) => p.close()));
		}

		const misses: string[] = [];
		const falseMatches: string[] = [];
		let withSymptom = 0;
		let firstRight = 0;
		CASES.forEach((c, i) => {
			const view = views[i]!;
			assert.equal(view.state, 'done', `search finished for: ${c.note}`);
			assert.ok(
				view.links.every((l) => l.startsWith(`/${lang}/`)),
				`results stay in ${lang}: ${view.links.join(', ')}`,
			);
			if (c.expect === null) {
				if (view.matches.length > 0) falseMatches.push(`${c.note} → ${view.matches.join(', ')}`);
				return;
			}
			withSymptom++;
			const wanted = `/${lang}/${c.expect}/`;
			if (view.links[0] === wanted) firstRight++;
			else misses.push(`${c.note}: expected ${wanted}, first was ${view.links[0] ?? '(none)'}`);
			// A recognised error names its symptom in the banner, and that is the first link.
			if (view.matches.length > 0) assert.equal(`/${lang}/${view.matches[0]}/`, view.links[0]);
		});
		const score = firstRight / withSymptom;
		console.log(
			`# search score ${lang}: ${firstRight}/${withSymptom} (${(score * 100).toFixed(1)}%) have the expected page first; ` +
				`${falseMatches.length} of ${CASES.length - withSymptom} texts of no symptom shown as a match`,
		);
		for (const m of misses) console.log(`#   miss: ${m}`);
		assert.ok(score >= 0.9, `only ${(score * 100).toFixed(1)}% first:\n${misses.join('\n')}`);
		assert.deepEqual(falseMatches, [], 'texts of no symptom never show a signature match');
	});
}
