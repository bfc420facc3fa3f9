// The symptom registry (runbooks/lib/symptoms.mjs) is the one list of symptoms: every page's frontmatter and
// every runbook file must agree with it, so adding a symptom in one place and not the others fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
	CATEGORIES,
	GENERAL_PAGES,
	GENERAL_RUNBOOKS,
	SYMPTOMS,
	SYMPTOM_IDS,
	isSymptomId,
} from '../../runbooks/lib/symptoms.mjs';
import { YAML } from '../../runbooks/lib/zx.mjs';
import { ROOT } from '../../tools/support/paths.ts';
import { LANGS } from '../../runbooks/lib/i18n.mjs';

const DOCS = path.join(ROOT, 'src', 'content', 'docs');
/** The pages of a language: slug and file name (the overview is MDX, the others plain Markdown). */
const pagesOf = (lang: string) =>
	readdirSync(path.join(DOCS, lang))
		.map((file) => ({ file, slug: /^(.+)\.mdx?$/.exec(file)?.[1] ?? '' }))
		.filter((p) => p.slug !== '')
		.sort((a, b) => a.slug.localeCompare(b.slug));
const slugsOf = (lang: string) => pagesOf(lang).map((p) => p.slug);

test('the registry is well formed: unique ids, known categories, every category used', () => {
	assert.equal(new Set(SYMPTOM_IDS).size, SYMPTOM_IDS.length, 'ids are unique');
	for (const s of SYMPTOMS) {
		assert.match(s.id, /^[a-z][a-z0-9-]*$/, s.id);
		assert.ok((CATEGORIES as readonly string[]).includes(s.category), `${s.id}: ${s.category}`);
	}
	for (const category of CATEGORIES)
		assert.ok(
			SYMPTOMS.some((s) => s.category === category),
			`category ${category} has no symptom`,
		);
	assert.equal(isSymptomId('etcd-pending'), true);
	assert.equal(isSymptomId('help'), false);
});

test('every runbook file is a symptom runbook of the registry or a general one, and back', () => {
	const files = readdirSync(path.join(ROOT, 'runbooks'))
		.filter((f) => f.endsWith('.mjs'))
		.map((f) => f.slice(0, -'.mjs'.length))
		.sort();
	const expected = [...SYMPTOMS.map((s) => s.runbook), ...GENERAL_RUNBOOKS].sort();
	assert.deepEqual(files, expected);
});

for (const lang of LANGS) {
	test(`${lang}: every page is a symptom of the registry or a general page, and every symptom has its page`, () => {
		assert.deepEqual(slugsOf(lang), [...SYMPTOM_IDS, ...GENERAL_PAGES].sort());
	});

	test(`${lang}: each page's frontmatter symptom agrees with the registry`, () => {
		for (const { slug, file } of pagesOf(lang)) {
			const head = /^---\n([\s\S]*?)\n---\n/.exec(
				readFileSync(path.join(DOCS, lang, file), 'utf8'),
			);
			assert.ok(head, `${lang}/${file} starts with frontmatter`);
			const frontmatter = YAML.parse(head[1] ?? '') as Record<string, unknown>;
			const symptom = frontmatter.symptom as
				{ id?: unknown; category?: unknown; runbook?: unknown } | undefined;
			const entry = SYMPTOMS.find((s) => s.id === slug);
			if (!entry) {
				assert.equal(symptom, undefined, `${lang}/${slug} is not a symptom page`);
				continue;
			}
			assert.deepEqual(
				{ id: symptom?.id, category: symptom?.category, runbook: symptom?.runbook },
				entry,
				`${lang}/${file} frontmatter`,
			);
			assert.ok(existsSync(path.join(ROOT, 'runbooks', `${entry.runbook}.mjs`)));
		}
	});
}
