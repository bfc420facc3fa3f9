/**
 * runbooks/lib/symptom-index.mjs is generated from the symptom pages (src/utils/symptom-index.ts) at every
 * site build; it is checked in because `diagnose` runs from a clone without a build. This keeps the two in
 * step: edit a page, then build the site or run `node --import tsx scripts/build-symptom-index.ts`.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import {
	buildSymptomIndexData,
	buildSymptomIndexModule,
	INDEX_FILE,
} from '../../src/utils/symptom-index.ts';
import { SYMPTOM_INDEX } from '../../runbooks/lib/symptom-index.mjs';
import { ROOT, SYMPTOM_IDS } from '../support/index.ts';

test('the checked-in symptom index is what the pages give', () => {
	const checkedIn = readFileSync(path.join(ROOT, INDEX_FILE), 'utf8');
	assert.ok(
		checkedIn === buildSymptomIndexModule(ROOT),
		`${INDEX_FILE} is stale: run \`node --import tsx scripts/build-symptom-index.ts\` (or build the site)`,
	);
});

test('the index covers every symptom page and every verbatim error string', () => {
	const data = buildSymptomIndexData(ROOT);
	assert.deepEqual(SYMPTOM_INDEX.symptoms, [...SYMPTOM_IDS]);
	for (let doc = 0; doc < SYMPTOM_IDS.length; doc++) {
		assert.ok((data.lengths[doc] ?? 0) > 100, `${SYMPTOM_IDS[doc]} has text`);
		assert.ok(
			data.errors.some(([d]) => d === doc),
			`${SYMPTOM_IDS[doc]} contributes its frontmatter errors`,
		);
	}
});
