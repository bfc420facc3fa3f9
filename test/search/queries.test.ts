import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useSiteInBrowser } from '../support/index.ts';
import { LOCALE_CODES } from '../../src/config/locales.ts';
import { CASES } from '../../tools/search-eval/queries.ts';
import { PASTED } from '../../tools/search-eval/pasted.ts';
import { searchAgain, searchPage, type SearchView } from './helpers.ts';

const site = useSiteInBrowser();

/** The site's search must put the right page first for at least this share of texts that have one. */
const SITE_TOP1 = 0.95;

/** Real pastes (with their issue URLs) and the realistic set, searched alike. */
const ALL = [
	...PASTED.map((c) => ({ text: c.text, expect: c.expect, note: c.url, avoid: c.avoid })),
	...CASES.map((c) => ({ ...c, avoid: undefined as string | undefined })),
];

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
	test(`${lang}: pasted errors land on their page on /${lang}/search/`, async () => {
		const views = new Array<SearchView>(ALL.length);
		let next = 0;
		const pages = await Promise.all(
			Array.from({ length: PARALLEL }, () => site.browser.context.newPage()),
		);
		try {
			await Promise.all(
				pages.map(async (page) => {
					// The first text comes in through the URL, the rest through the box of the same page.
					let loaded = false;
					for (let i = next++; i < ALL.length; i = next++) {
						views[i] = loaded
							? await searchAgain(page, ALL[i]!.text)
							: await searchPage(page, site.server.url, lang, ALL[i]!.text);
						loaded = true;
					}
				}),
			);
		} finally {
			await Promise.all(pages.map((p) => p.close()));
		}

		const misses: string[] = [];
		const falseMatches: string[] = [];
		const per = new Map<string, { n: number; top1: number; top3: number }>();
		let withSymptom = 0;
		let firstRight = 0;
		ALL.forEach((c, i) => {
			const view = views[i]!;
			assert.equal(view.state, 'done', `search finished for: ${c.note}`);
			assert.ok(
				view.links.every((l) => l.startsWith(`/${lang}/`)),
				`results stay in ${lang}: ${view.links.join(', ')}`,
			);
			if (c.expect === null) {
				const claimed = c.avoid ? view.matches.filter((m) => m === c.avoid) : view.matches;
				if (claimed.length > 0) falseMatches.push(`${c.note} → ${claimed.join(', ')}`);
				return;
			}
			withSymptom++;
			const wanted = `/${lang}/${c.expect}/`;
			const row = per.get(c.expect) ?? { n: 0, top1: 0, top3: 0 };
			row.n++;
			if (view.links.slice(0, 3).includes(wanted)) row.top3++;
			if (view.links[0] === wanted) {
				firstRight++;
				row.top1++;
			} else misses.push(`${c.note}: expected ${wanted}, first was ${view.links[0] ?? '(none)'}`);
			per.set(c.expect, row);
			// A recognised error names its symptom in the banner, and that is the first link.
			if (view.matches.length > 0) assert.equal(`/${lang}/${view.matches[0]}/`, view.links[0]);
		});
		const score = firstRight / withSymptom;
		for (const [symptom, r] of [...per].sort())
			console.log(`# search ${lang} ${symptom}: top-1 ${r.top1}/${r.n}, top-3 ${r.top3}/${r.n}`);
		console.log(
			`# search score ${lang}: ${firstRight}/${withSymptom} (${(score * 100).toFixed(1)}%) have the expected page first; ` +
				`${falseMatches.length} of ${ALL.length - withSymptom} texts of no symptom shown as a match`,
		);
		for (const m of misses) console.log(`#   miss: ${m}`);
		assert.ok(score >= SITE_TOP1, `only ${(score * 100).toFixed(1)}% first:\n${misses.join('\n')}`);
		assert.deepEqual(falseMatches, [], 'texts of no symptom never show a signature match');
	});
}
