// The Indonesian style guide (docs/style/id.md) is followed: no form its glossary replaces, no Indonesian
// affix hyphenated onto an English stem, and links that call a page by its title. The glossary is read from
// the guide itself, so the guide and the check cannot drift apart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { visit } from 'unist-util-visit';
import { toString } from 'mdast-util-to-string';
import type { Link, Root } from 'mdast';
import { loadPage, pageFile } from './page-source.ts';
import { allIdTexts, type IdText } from './id-texts.ts';
import { ROOT } from '../../tools/support/paths.ts';

const GUIDE = path.join(ROOT, 'docs/style/id.md');

interface Row {
	english: string;
	use: string;
	not: string[];
}

/** The glossary: the table under the "Glossary" heading, columns English | Use | Not | Note. */
export function readGlossary(markdown: string): Row[] {
	const section = markdown.split(/^## \d+\. Glossary\s*$/m)[1];
	assert.ok(section, 'docs/style/id.md has no "Glossary" section');
	const rows = section
		.split('\n')
		.filter((l) => l.startsWith('|'))
		.map((l) =>
			l
				.replace(/^\||\|$/g, '')
				.split('|')
				.map((c) => c.trim()),
		);
	assert.deepEqual(rows[0], ['English', 'Use', 'Not', 'Note'], 'glossary header');
	return rows.slice(2).map(([english = '', use = '', not = '']) => ({
		english,
		use,
		not: not
			.split(',')
			.map((f) => f.trim())
			.filter(Boolean),
	}));
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** One pattern per replaced form: whole words (letters and digits around it end the match). */
function forbiddenForms(rows: Row[]): { form: string; use: string; re: RegExp }[] {
	return rows.flatMap((r) =>
		r.not.map((form) => ({
			form,
			use: r.use,
			re: new RegExp(`(?<![\\p{L}\\p{N}_])${escape(form)}(?![\\p{L}\\p{N}_])`, 'iu'),
		})),
	);
}

/** An Indonesian affix hyphenated onto a lowercase stem: "di-restart", "me-render", "ter-bind". */
const LOAN_VERB =
	/(?<![\p{L}\p{N}_/.-])(?:di|ke|me|mem|men|meng|meny|ter|ber|pe|pen|peng|per)-[a-z][a-z]+/giu;

interface Prose {
	where: string;
	text: string;
}

/** Prose of a page: title, description and text nodes; code, inline code and `errors` are not prose. */
function pageProse(slug: string, frontmatter: Record<string, unknown>, tree: Root): Prose[] {
	const out: Prose[] = [];
	for (const key of ['title', 'description'])
		if (typeof frontmatter[key] === 'string')
			out.push({ where: `${slug} ${key}`, text: frontmatter[key] as string });
	visit(tree, 'text', (node: { value: string; position?: { start: { line: number } } }) => {
		out.push({
			where: `${path.basename(pageFile(slug, 'id'))}:${node.position?.start.line ?? '?'}`,
			text: node.value,
		});
	});
	return out;
}

/**
 * A runbook string minus what is quoted rather than written: "…" quotes, `…`, {placeholders}, --flags, and
 * names with punctuation inside (etcd.rootPath, ctx.connect(), host:port, member/snap/db).
 */
function stringProse(t: IdText): Prose {
	return {
		where: t.where,
		text: t.text
			.replace(/"[^"\n]*"/g, ' ')
			.replace(/`[^`\n]*`/g, ' ')
			.replace(/\{[^}\s]*\}/g, ' ')
			.replace(/(?<!\S)--?[\w-]+/g, ' ')
			.replace(/\S*\w[._/=:]\w\S*/g, ' '),
	};
}

const ID_DIR = path.join(ROOT, 'src/content/docs/id');
const slugs = readdirSync(ID_DIR)
	.filter((f) => /\.mdx?$/.test(f))
	.map((f) => f.replace(/\.mdx?$/, ''))
	.sort();

async function allProse(): Promise<Prose[]> {
	const pages = await Promise.all(slugs.map((s) => loadPage(s, 'id')));
	return [
		...pages.flatMap((p) => pageProse(p.slug, p.frontmatter, p.tree)),
		...allIdTexts().map(stringProse),
	];
}

test('the glossary table is read from the style guide', () => {
	const rows = readGlossary(readFileSync(GUIDE, 'utf8'));
	assert.ok(rows.length >= 30, `only ${rows.length} glossary rows`);
	for (const r of rows) {
		assert.ok(r.english && r.use, `glossary row without a term: ${JSON.stringify(r)}`);
		for (const form of r.not)
			assert.ok(
				!r.use.toLowerCase().split(/,\s*/).includes(form.toLowerCase()),
				`${r.english}: "${form}" is both used and replaced`,
			);
	}
	// The check finds what it is meant to find, and leaves alone what it is meant to leave alone.
	const forms = forbiddenForms(rows);
	const hit = (s: string) => forms.filter((f) => f.re.test(s)).map((f) => f.form);
	assert.deepEqual(hit('Milvus menyerah konek ke etcd'), ['konek']);
	assert.deepEqual(hit('client-nya'), ['client']);
	assert.deepEqual(hit('MilvusClient dan clientURLs'), []);
	assert.deepEqual(hit('pemeriksaan'), []);
	assert.deepEqual(
		stringProse({ where: '', text: 'lihat "connect: connection refused" di {client}' })
			.text.trim()
			.split(/\s+/),
		['lihat', 'di'],
	);
	assert.deepEqual('pod ini di-restart, ter-bind; di-2379 ke-3'.match(LOAN_VERB), [
		'di-restart',
		'ter-bind',
	]);
});

test('Indonesian pages and strings use the glossary forms', async () => {
	const forms = forbiddenForms(readGlossary(readFileSync(GUIDE, 'utf8')));
	const prose = await allProse();
	assert.ok(prose.length > 500, 'prose not collected');
	const problems: string[] = [];
	for (const p of prose)
		for (const f of forms) {
			const m = f.re.exec(p.text);
			if (m) problems.push(`${p.where}: "${m[0]}" → ${f.use}   (${p.text.trim().slice(0, 100)})`);
		}
	assert.deepEqual(problems, []);
});

test('no Indonesian affix is hyphenated onto an English stem', async () => {
	const problems: string[] = [];
	for (const p of await allProse())
		for (const m of p.text.matchAll(LOAN_VERB)) problems.push(`${p.where}: ${m[0]}`);
	assert.deepEqual(problems, []);
});

test('links to Indonesian pages use the target page title or its short title', async () => {
	const pages = new Map(
		await Promise.all(slugs.map(async (s) => [s, await loadPage(s, 'id')] as const)),
	);
	const problems: string[] = [];
	let links = 0;
	for (const page of pages.values()) {
		visit(page.tree, 'link', (node: Link) => {
			const m = /^(?:\.\.\/|\/id\/)([\w-]+)\/?(?:#.*)?$/.exec(node.url);
			if (!m) return;
			links++;
			const target = pages.get(m[1] ?? '');
			if (!target) {
				problems.push(`${page.slug}: link to unknown page ${node.url}`);
				return;
			}
			const title = String(target.frontmatter.title);
			const allowed = [title, title.split(',')[0] ?? title].map((s) => s.trim().toLowerCase());
			const text = toString(node).replace(/\s+/g, ' ').trim();
			if (!allowed.includes(text.toLowerCase()))
				problems.push(`${page.slug}: [${text}](${node.url}) but the page is titled "${title}"`);
		});
	}
	assert.ok(links >= 5, `only ${links} links between Indonesian pages found`);
	assert.deepEqual(problems, []);
});
