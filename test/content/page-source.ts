// Reads a symptom page through the remark stack Starlight uses for Markdown (GFM, directives for asides), and
// holds the checks of the page contract (ARCHITECTURE.md) that every symptom page shares, whichever test file
// owns the page.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseFrontmatter } from '@astrojs/markdown-remark';
import { unified } from 'unified';
import remarkParse from 'remark-parse';
import remarkMdx from 'remark-mdx';
import remarkGfm from 'remark-gfm';
import remarkDirective from 'remark-directive';
import { visit } from 'unist-util-visit';
import { toString } from 'mdast-util-to-string';
import type { Root, Code, InlineCode, Heading, Link, RootContent } from 'mdast';
import { pageSchema } from '../../src/config/schema.ts';
import { ROOT } from '../../tools/support/paths.ts';
import { GENERAL_PAGES, SYMPTOM_IDS } from '../../runbooks/lib/symptoms.mjs';

export const LANGS = ['en', 'id'] as const;
export type Lang = (typeof LANGS)[number];

/** Slugs every language folder has (ARCHITECTURE.md "Tree"); pages may link only to these. */
export const KNOWN_SLUGS = new Set<string>([...GENERAL_PAGES, ...SYMPTOM_IDS]);

/** The Starlight asides a page may use. */
export const ASIDE_NAMES = ['note', 'tip', 'caution', 'danger'];

/** Code block languages that are shell, whatever the tag; the contract allows only `sh` among them. */
export const SHELL_LANGS = new Set([
	'sh',
	'bash',
	'shell',
	'zsh',
	'console',
	'shellscript',
	'shellsession',
]);

export interface Page<Slug extends string = string> {
	slug: Slug;
	lang: Lang;
	frontmatter: Record<string, unknown>;
	content: string;
	tree: Root;
	/** Text a reader (and Pagefind) sees: prose, inline code and code blocks, without markup. */
	text: string;
}

// Every test of a page reads the same parse; parsing once per page keeps the files fast.
const pageCache = new Map<string, Promise<Page>>();

export function loadPage<Slug extends string>(slug: Slug, lang: Lang): Promise<Page<Slug>> {
	const key = `${lang}/${slug}`;
	let page = pageCache.get(key);
	if (!page) {
		page = readPage(slug, lang);
		pageCache.set(key, page);
	}
	return page as Promise<Page<Slug>>;
}

/** The page's file: plain Markdown, or MDX for the overview (the one page with components). */
export function pageFile(slug: string, lang: Lang): string {
	const md = path.join(ROOT, 'src/content/docs', lang, `${slug}.md`);
	return existsSync(md) || !existsSync(`${md}x`) ? md : `${md}x`;
}

async function readPage(slug: string, lang: Lang): Promise<Page> {
	const source = await readFile(pageFile(slug, lang), 'utf8');
	const { frontmatter, content } = parseFrontmatter(source);
	const parser = unified().use(remarkParse);
	if (pageFile(slug, lang).endsWith('.mdx')) parser.use(remarkMdx);
	const tree = parser.use(remarkGfm).use(remarkDirective).parse(content);
	return { slug, lang, frontmatter, content, tree, text: textOf(tree) };
}

export function textOf(node: Root | RootContent): string {
	const parts: string[] = [];
	visit(node, (n) => {
		if (n.type === 'text' || n.type === 'inlineCode' || n.type === 'code')
			parts.push((n as { value: string }).value);
	});
	return parts.join('\n');
}

/** The prose alone (no code), white space folded: what is written for the reader rather than quoted. */
export function proseOf(tree: Root): string {
	const parts: string[] = [];
	visit(tree, 'text', (n: { value: string }) => {
		parts.push(n.value);
	});
	return parts.join(' ').replace(/\s+/g, ' ');
}

export function codeBlocks(tree: Root): Code[] {
	const blocks: Code[] = [];
	visit(tree, 'code', (node: Code) => {
		blocks.push(node);
	});
	return blocks;
}

export function parseMeta(meta: string | null | undefined): Record<string, string> {
	const attrs: Record<string, string> = {};
	const rest = (meta ?? '').replace(/([\w-]+)="([^"]*)"/g, (_m, key: string, value: string) => {
		attrs[key] = value;
		return '';
	});
	assert.equal(rest.trim(), '', `unexpected code-block meta: ${meta}`);
	return attrs;
}

export function h2s(tree: Root): string[] {
	const out: string[] = [];
	visit(tree, 'heading', (node: Heading) => {
		if (node.depth === 2) out.push(toString(node));
	});
	return out;
}

export function asides(tree: Root): string[] {
	const names: string[] = [];
	visit(tree, 'containerDirective', (node: { name: string }) => {
		names.push(node.name);
	});
	return names;
}

/** The page exists and is plain Markdown: no raw HTML, which a browser would take as markup. */
export async function assertPlainMarkdown(slug: string, lang: Lang): Promise<Page> {
	const file = pageFile(slug, lang);
	assert.ok(existsSync(file), `missing ${file}`);
	const page = await loadPage(slug, lang);
	// A stray `<nil>` or `<name>` in prose would be an HTML tag the page never shows: error text goes in
	// backticks.
	const html: string[] = [];
	visit(page.tree, 'html', (node: { value: string; position?: { start: { line: number } } }) => {
		html.push(`line ${node.position?.start.line}: ${node.value.slice(0, 60)}`);
	});
	assert.deepEqual(html, [], 'no raw HTML in the page body');
	return page;
}

export interface SymptomExpectation {
	category: string;
	components: string[];
	minErrors: number;
	/** Shorter error strings would match too much to send a reader (or the search) to this page. */
	minErrorLength: number;
}

/** Title, description and the `symptom` block of the contract, as the site's schema also accepts them. */
export function assertSymptomFrontmatter(
	slug: string,
	fm: Record<string, unknown>,
	expected: SymptomExpectation,
): void {
	assert.equal(typeof fm.title, 'string');
	assert.ok((fm.title as string).trim().length > 0, 'empty title');
	assert.equal(typeof fm.description, 'string');
	const description = fm.description as string;
	assert.ok(
		description.length >= 50 && description.length <= 200,
		`description length ${description.length}`,
	);
	// The site's own schema is what the Astro build enforces.
	const parsed = pageSchema.safeParse(fm);
	assert.ok(parsed.success, `schema: ${parsed.success ? '' : parsed.error.message}`);
	const symptom = fm.symptom as Record<string, unknown> | undefined;
	assert.ok(symptom && typeof symptom === 'object', 'missing symptom');
	assert.deepEqual(Object.keys(symptom).sort(), [
		'category',
		'components',
		'errors',
		'id',
		'runbook',
	]);
	assert.equal(symptom.id, slug);
	assert.equal(symptom.category, expected.category);
	assert.equal(symptom.runbook, slug);
	assert.deepEqual(symptom.components, expected.components);
	const errors = symptom.errors as unknown;
	assert.ok(
		Array.isArray(errors) && errors.length >= expected.minErrors,
		'errors must list the real error strings',
	);
	for (const e of errors) {
		assert.equal(typeof e, 'string');
		assert.equal(
			e,
			(e as string).trim(),
			`error string has stray whitespace: ${JSON.stringify(e)}`,
		);
		assert.ok(
			(e as string).length >= expected.minErrorLength,
			`error string too short to identify this failure: ${e}`,
		);
	}
	assert.equal(new Set(errors).size, errors.length, 'duplicate error strings');
}

export function assertErrorsShownVerbatim(page: Page): void {
	const errors = (page.frontmatter.symptom as { errors: string[] }).errors;
	const codeTexts: string[] = [];
	visit(page.tree, (node) => {
		if (node.type === 'inlineCode' || node.type === 'code')
			codeTexts.push((node as InlineCode | Code).value);
	});
	for (const e of errors) {
		assert.ok(
			codeTexts.some((c) => c.includes(e)),
			`${page.lang}/${page.slug}: error ${JSON.stringify(e)} is not shown verbatim in inline code or a code block`,
		);
	}
}

/** The page opens with a `sh` block that runs the runbook (possibly with flags); returns that block. */
export function assertOpensWithInvocation(blocks: Code[], slug: string): Code {
	const first = blocks[0];
	assert.ok(first, 'no code blocks');
	assert.equal(first.lang, 'sh');
	assert.deepEqual(
		parseMeta(first.meta),
		{ runbook: slug },
		'the page opens with the runbook invocation',
	);
	assert.ok(
		first.value.startsWith(runbookInvocation(slug)),
		`first block is not the runbook: ${first.value}`,
	);
	return first;
}

export function runbookInvocation(slug: string): string {
	return `npx zx runbooks/${slug}.mjs`;
}

/**
 * Every code block follows the contract: only `sh` blocks carry a runbook or a step; an `sh` block is one
 * command without prompt or comment, and is either the runbook invocation or exactly the command of one of
 * its steps (`commandOf` gives it, undefined for a step the runbook does not have). Returns the steps shown.
 */
export function assertRunbookBlocks(
	blocks: Code[],
	slug: string,
	commandOf: (step: string) => string | undefined,
): Set<string> {
	const invocation = runbookInvocation(slug);
	const seen = new Set<string>();
	for (const block of blocks) {
		const blockLang = block.lang ?? '';
		const meta = parseMeta(block.meta);
		if (!SHELL_LANGS.has(blockLang)) {
			assert.equal(meta.runbook, undefined, `only shell blocks carry a runbook: ${block.value}`);
			assert.equal(meta.step, undefined, `only shell blocks carry a step: ${block.value}`);
			continue;
		}
		assert.equal(blockLang, 'sh', `shell blocks use the sh language tag, got ${blockLang}`);
		assert.equal(meta.runbook, slug, `sh block without runbook="${slug}": ${block.value}`);
		assert.deepEqual(
			Object.keys(meta).filter((k) => k !== 'runbook' && k !== 'step'),
			[],
			`unknown meta on ${block.value}`,
		);
		assert.ok(!block.value.includes('\n'), `one command per block: ${block.value}`);
		assert.ok(!block.value.startsWith('$'), `no prompt in blocks: ${block.value}`);
		assert.ok(!/(^|\s)#/.test(block.value), `no comments in blocks: ${block.value}`);
		if (meta.step === undefined) {
			assert.ok(
				block.value === invocation || block.value.startsWith(`${invocation} --`),
				`a block without step must invoke the runbook: ${block.value}`,
			);
			continue;
		}
		const expected = commandOf(meta.step);
		assert.ok(expected !== undefined, `step ${meta.step} is not a step of ${slug}`);
		assert.equal(block.value, expected, `step ${meta.step} differs from the runbook's command`);
		seen.add(meta.step);
	}
	return seen;
}

/** Each fact appears, as an exact substring, in the text a reader sees. */
export function assertCarriesFacts(page: Page, facts: string[]): void {
	for (const fact of facts) {
		assert.ok(page.text.includes(fact), `${page.lang}/${page.slug} lacks ${JSON.stringify(fact)}`);
	}
}

/** The placeholders are named on the page: release `my-release` in namespace `default`. */
export function assertNamesChartDefaults(tree: Root): void {
	const spans = new Set<string>();
	visit(tree, 'inlineCode', (node: InlineCode) => {
		spans.add(node.value);
	});
	assert.ok(
		spans.has('my-release') && spans.has('default'),
		'names the chart defaults my-release and default',
	);
}

/**
 * The slugs the page's relative links point at, each link checked to be `../<slug>/` (with an optional
 * fragment) to a page every language has, or `#fragment` within the page: so it stays in the reader's language.
 */
export function internalLinkTargets(tree: Root): string[] {
	const targets: string[] = [];
	visit(tree, 'link', (node: Link) => {
		// External links, and anchors within the page itself (test/quality/links checks they exist).
		if (/^https?:\/\//.test(node.url) || /^#[a-z0-9-]+$/.test(node.url)) return;
		const m = /^\.\.\/([a-z-]+)\/(#[a-z0-9-]+)?$/.exec(node.url);
		assert.ok(m, `relative links look like ../<slug>/: ${node.url}`);
		assert.ok(KNOWN_SLUGS.has(m[1]!), `link to unknown page ${node.url}`);
		targets.push(m[1]!);
	});
	return targets;
}

/**
 * The Indonesian page is a translation of the English one: the same symptom block (error strings are log
 * text, identical in both), a translated title and description, the same sections with translated headings,
 * and Indonesian prose (`indonesianWords` all appear).
 */
export function assertTranslatedTwin(en: Page, id: Page, indonesianWords: string[]): void {
	assert.deepEqual(id.frontmatter.symptom, en.frontmatter.symptom);
	assert.notEqual(id.frontmatter.title, en.frontmatter.title, 'title is not translated');
	assert.notEqual(
		id.frontmatter.description,
		en.frontmatter.description,
		'description is not translated',
	);
	const enH2 = h2s(en.tree);
	const idH2 = h2s(id.tree);
	assert.ok(
		enH2.length >= 7,
		`sections: run, what you see, why, confirm, fix, verify, avoid (got ${enH2.length})`,
	);
	assert.equal(idH2.length, enH2.length, 'same sections in both languages');
	for (let i = 0; i < enH2.length; i++)
		assert.notEqual(idH2[i], enH2[i], `heading not translated: ${enH2[i]}`);
	for (const word of indonesianWords) assert.ok(id.text.includes(word), `id lacks "${word}"`);
}

/**
 * What the tests know of the seed page (the Milvus troubleshooting page this guide grew from): fingerprints
 * of its prose in fixtures/seed-fingerprints.json, never its text, so a clone without the seed runs them.
 * `runs6`: every 6-word run of its paragraphs and h3 headings; `runs8`: every 8-word run of its paragraphs;
 * `sentences`: its paragraph sentences of five words or more, as `<word count>:<fingerprint>`.
 */
export interface SeedFingerprints {
	runs6: ReadonlySet<string>;
	runs8: ReadonlySet<string>;
	sentences: ReadonlyMap<number, ReadonlySet<string>>;
}

export async function seedFingerprints(): Promise<SeedFingerprints> {
	const file = path.join(ROOT, 'test/content/fixtures/seed-fingerprints.json');
	const raw = JSON.parse(await readFile(file, 'utf8')) as {
		runs6: string[];
		runs8: string[];
		sentences: string[];
	};
	assert.ok(raw.runs6.length >= 50 && raw.sentences.length >= 8, 'seed fingerprints were found');
	const sentences = new Map<number, Set<string>>();
	for (const entry of raw.sentences) {
		const [count, print] = entry.split(':') as [string, string];
		const set = sentences.get(Number(count)) ?? new Set<string>();
		set.add(print);
		sentences.set(Number(count), set);
	}
	return { runs6: new Set(raw.runs6), runs8: new Set(raw.runs8), sentences };
}

/** The fingerprint the seed's runs are stored under: sha256 of the lower-cased words, first 16 hex digits. */
export function fingerprint(words: string): string {
	return createHash('sha256').update(words).digest('hex').slice(0, 16);
}

/** The runs of `length` consecutive words of `text` (lower-cased) whose fingerprint is in `prints`. */
export function copiedRuns(text: string, length: number, prints: ReadonlySet<string>): string[] {
	const words = text.toLowerCase().split(/\s+/).filter(Boolean);
	const copied: string[] = [];
	for (let i = 0; i + length <= words.length; i++) {
		const run = words.slice(i, i + length).join(' ');
		if (prints.has(fingerprint(run))) copied.push(run);
	}
	return copied;
}
