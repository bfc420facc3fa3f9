import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { auditDocs, parseFrontmatter } from '../support/content-audit.ts';
import { ROOT } from '../../tools/support/paths.ts';
import { tmpDir } from '../../tools/support/tmp.ts';
import { CATEGORIES, SYMPTOM_IDS, SYMPTOMS } from '../../src/config/symptoms.ts';

const GOOD_SYMPTOM = `---
title: Pod pending
description: An etcd pod stays Pending.
symptom:
  id: etcd-pending
  category: etcd
  components: [etcd, kubernetes]
  runbook: etcd-pending
  errors:
    - 'pod has unbound immediate PersistentVolumeClaims'
---
Body.
`;

const GOOD_PLAIN = `---
title: Help
description: Where to ask.
---
Body.
`;

/** Writes `files` (path → content) under a fresh folder and returns it. */
async function fixture(files: Record<string, string>): Promise<string> {
	const dir = await tmpDir({ after });
	for (const [rel, content] of Object.entries(files)) {
		await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
		await writeFile(path.join(dir, rel), content);
	}
	return dir;
}

const OPTIONS = { locales: ['en', 'id'], required: ['help', 'etcd-pending'] } as const;

describe('auditDocs on fixture folders', () => {
	test('a sound folder has no problems', async () => {
		const dir = await fixture({
			'en/help.mdx': GOOD_PLAIN,
			'id/help.mdx': GOOD_PLAIN.replace('Help', 'Bantuan'),
			'en/etcd-pending.mdx': GOOD_SYMPTOM,
			'id/etcd-pending.mdx': GOOD_SYMPTOM.replace('Pod pending', 'Pod tertahan di Pending'),
		});
		assert.deepEqual(await auditDocs(dir, OPTIONS), []);
	});

	test('a page in one language only is reported, naming the missing twin', async () => {
		const dir = await fixture({
			'en/help.mdx': GOOD_PLAIN,
			'id/help.mdx': GOOD_PLAIN,
			'en/etcd-pending.mdx': GOOD_SYMPTOM,
		});
		assert.deepEqual(await auditDocs(dir, OPTIONS), ['id/etcd-pending: missing, but exists in en']);
	});

	test('a required page missing everywhere is reported', async () => {
		const dir = await fixture({ 'en/help.mdx': GOOD_PLAIN, 'id/help.mdx': GOOD_PLAIN });
		assert.deepEqual(await auditDocs(dir, OPTIONS), [
			'etcd-pending: page missing in every language',
		]);
	});

	test('missing frontmatter, missing description and missing symptom data are reported', async () => {
		const dir = await fixture({
			'en/help.mdx': 'No frontmatter here.\n',
			'id/help.mdx': '---\ntitle: Bantuan\n---\n',
			'en/etcd-pending.mdx': GOOD_PLAIN,
			'id/etcd-pending.mdx': GOOD_SYMPTOM,
		});
		const problems = await auditDocs(dir, OPTIONS);
		assert.ok(
			problems.includes('en/help.mdx: no frontmatter (the file must start with a --- block)'),
		);
		assert.ok(
			problems.some((p) => p.startsWith('id/help.mdx: description:')),
			problems.join('\n'),
		);
		assert.ok(problems.includes('en/etcd-pending.mdx: symptom page without "symptom" frontmatter'));
		assert.ok(
			problems.includes(
				'etcd-pending: "symptom" frontmatter differs between en and id (it must be identical)',
			),
		);
	});

	test('symptom data that contradicts the slug or the symptom table is reported', async () => {
		const wrong = GOOD_SYMPTOM.replace('id: etcd-pending', 'id: etcd-all-crash').replace(
			'category: etcd',
			'category: boot',
		);
		const dir = await fixture({
			'en/help.mdx': GOOD_PLAIN,
			'id/help.mdx': GOOD_PLAIN,
			'en/etcd-pending.mdx': wrong,
			'id/etcd-pending.mdx': wrong,
		});
		const problems = await auditDocs(dir, OPTIONS);
		assert.ok(
			problems.includes(
				'en/etcd-pending.mdx: symptom.id is "etcd-all-crash", expected "etcd-pending"',
			),
		);
		assert.ok(
			problems.includes('id/etcd-pending.mdx: symptom.category is "boot", expected "etcd"'),
		);
	});

	test('an empty error list and an unknown category fail the schema', async () => {
		const bad = GOOD_SYMPTOM.replace(/errors:\n.*\n/, 'errors: []\n').replace(
			'category: etcd',
			'category: disk',
		);
		const dir = await fixture({
			'en/help.mdx': GOOD_PLAIN,
			'id/help.mdx': GOOD_PLAIN,
			'en/etcd-pending.mdx': bad,
			'id/etcd-pending.mdx': GOOD_SYMPTOM,
		});
		const problems = (await auditDocs(dir, OPTIONS)).filter((p) =>
			p.startsWith('en/etcd-pending.mdx'),
		);
		assert.ok(
			problems.some((p) => p.startsWith('en/etcd-pending.mdx: symptom.errors:')),
			problems.join('\n'),
		);
		assert.ok(
			problems.some((p) => p.startsWith('en/etcd-pending.mdx: symptom.category:')),
			problems.join('\n'),
		);
	});

	test('a stray folder beside the language folders is reported', async () => {
		const dir = await fixture({
			'en/help.mdx': GOOD_PLAIN,
			'id/help.mdx': GOOD_PLAIN,
			'en/etcd-pending.mdx': GOOD_SYMPTOM,
			'id/etcd-pending.mdx': GOOD_SYMPTOM,
			'fr/help.mdx': GOOD_PLAIN,
		});
		assert.deepEqual(await auditDocs(dir, OPTIONS), [
			'fr: not a language folder (expected only en, id)',
		]);
	});

	test('broken YAML is one line, not an exception', () => {
		const result = parseFrontmatter('---\ntitle: [unclosed\n---\n');
		assert.equal(typeof result, 'string');
		assert.match(String(result), /^frontmatter is not valid YAML: /);
	});
});

test('src/content/docs: every page exists in both languages with valid frontmatter', async () => {
	const problems = await auditDocs(path.join(ROOT, 'src', 'content', 'docs'));
	assert.deepEqual(problems, [], `content problems:\n${problems.join('\n')}`);
});

test('UI strings: en.json and id.json define the same keys, none empty', async () => {
	const read = async (lang: string) =>
		JSON.parse(
			await readFile(path.join(ROOT, 'src', 'content', 'i18n', `${lang}.json`), 'utf8'),
		) as Record<string, string>;
	const en = await read('en');
	const id = await read('id');
	const ours = (strings: Record<string, string>) =>
		Object.keys(strings)
			.filter((k) => k.startsWith('mr.'))
			.sort();
	assert.deepEqual(ours(id), ours(en), 'the same mr.* keys in both languages');
	for (const [key, value] of [...Object.entries(en), ...Object.entries(id)]) {
		assert.ok(value.trim(), `${key} is empty`);
	}
	// One placeholder syntax, i18next's `{{name}}`, with the same names in every language.
	const placeholders = (text: string) =>
		[...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
	for (const key of ours(en)) {
		for (const [lang, strings] of [
			['en', en],
			['id', id],
		] as const) {
			const bare = (strings[key] ?? '').replace(/\{\{\w+\}\}/g, '');
			assert.doesNotMatch(bare, /[{}]/, `${lang}.json ${key}: placeholders are written {{name}}`);
		}
		assert.deepEqual(
			placeholders(id[key] ?? ''),
			placeholders(en[key] ?? ''),
			`${key}: placeholders`,
		);
	}
	// Every key is typed in the i18n schema, so `t('mr.…')` needs no casts.
	const schema = await readFile(path.join(ROOT, 'src', 'content.config.ts'), 'utf8');
	for (const key of ours(en))
		assert.ok(schema.includes(`'${key}': z.string()`), `${key} in the schema`);
	// Starlight's Indonesian strings lack Expressive Code's; without ours the copy button speaks English.
	for (const key of ['expressiveCode.copyButtonCopied', 'expressiveCode.copyButtonTooltip']) {
		assert.ok(id[key] && id[key] !== en[key], `${key} is translated`);
	}
});

test('the symptom table the site uses matches ARCHITECTURE.md', async () => {
	const doc = await readFile(path.join(ROOT, 'ARCHITECTURE.md'), 'utf8');
	const section = doc.slice(doc.indexOf('## Symptom ids and categories'));
	const rows = [
		...section.matchAll(/^\| `([a-z0-9-]+)` \| `([a-z]+)` \| `runbooks\/([a-z0-9-]+)\.mjs` \|$/gm),
	];
	assert.ok(rows.length > 0, 'table found in ARCHITECTURE.md');
	const documented = rows.map(([, id, category, runbook]) => ({ id, category, runbook }));
	const ours = SYMPTOM_IDS.map((id) => ({ id, ...SYMPTOMS[id] }));
	assert.deepEqual(ours, documented);
	for (const { category } of ours) assert.ok((CATEGORIES as readonly string[]).includes(category));
});
