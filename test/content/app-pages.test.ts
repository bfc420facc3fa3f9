// Checks the boot, runtime-compat and api-errors symptom pages (en + id) against the page contract in
// ARCHITECTURE.md: frontmatter, runbook-linked shell blocks, verbatim error strings, the seed's facts, and
// that both languages share one structure. Parsing goes through the same remark/MDX stack Starlight uses so
// a page that passes here also compiles in the site.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { parseFrontmatter } from '@astrojs/markdown-remark';
import { compile } from '@mdx-js/mdx';
import { unified } from 'unified';
import remarkParse from 'remark-parse';
import remarkMdx from 'remark-mdx';
import remarkGfm from 'remark-gfm';
import remarkDirective from 'remark-directive';
import { visit } from 'unist-util-visit';
import { toString } from 'mdast-util-to-string';
import type { Root, Code, InlineCode, Heading, Link } from 'mdast';
import { pageSchema } from '../../src/config/schema.ts';
import { GENERAL_PAGES, SYMPTOMS, SYMPTOM_IDS, isSymptomId } from '../../src/config/symptoms.ts';
import { matchText } from '../../runbooks/lib/catalog.mjs';
import { formatCommand } from '../../runbooks/lib/shell.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const LANGS = ['en', 'id'] as const;
type Lang = (typeof LANGS)[number];

// Pages may link only to slugs that exist in every language (ARCHITECTURE.md "Tree").
const KNOWN_SLUGS = new Set<string>([...SYMPTOM_IDS, ...GENERAL_PAGES]);

interface PageSpec {
	category: string;
	components: string[];
	/**
	 * Canonical step id → the exact command the runbook prints for it in --describe mode, i.e. argv through
	 * formatCommand: an argument with special characters is quoted whole (`-o 'jsonpath={…}'`).
	 */
	steps: Record<string, string>;
	/** Seed and reference facts that must survive into each language, as exact substrings of the page text. */
	facts: string[];
	/** Facts written differently per language. */
	factsByLang: Record<Lang, string[]>;
}

const PAGES: Record<string, PageSpec> = {
	boot: {
		category: 'boot',
		components: ['milvus', 'etcd', 'minio', 'docker', 'kubernetes'],
		steps: {
			'docker-ps': 'docker ps -a --filter name=milvus',
			'docker-logs': 'docker logs --tail 500 milvus-standalone',
			'kubectl-pods': 'kubectl get pods -l app.kubernetes.io/instance=my-release',
			'kubectl-logs-previous':
				'kubectl logs my-release-milvus-standalone-7c4b9d5f8-2xk9p --previous',
		},
		facts: [
			'docker logs <your milvus container id>',
			'milvus-standalone',
			'milvus-etcd',
			'milvus-minio',
			'--previous',
			'http://127.0.0.1:9091/healthz',
			'---Milvus Proxy successfully initialized and ready to serve!---',
			'ETCD_ENDPOINTS',
			'MINIO_ADDRESS',
		],
		factsByLang: { en: ['fatal'], id: ['fatal'] },
	},
	'runtime-compat': {
		category: 'runtime',
		components: ['milvus', 'sdk'],
		steps: {
			'server-image': "docker inspect --format '{{.Config.Image}}' milvus-standalone",
			'kubectl-image':
				"kubectl get pods -l app.kubernetes.io/instance=my-release -o 'jsonpath={.items[*].spec.containers[*].image}'",
			'pymilvus-version': 'pip show pymilvus',
			'node-sdk-version': 'npm ls @zilliz/milvus2-sdk-node',
			'go-sdk-version': 'go list -m github.com/milvus-io/milvus-sdk-go/v2',
			'java-sdk-version': 'mvn dependency:tree -Dincludes=io.milvus:milvus-sdk-java',
		},
		facts: [
			'19530',
			'9091',
			'2.2.9',
			'github.com/milvus-io/milvus/client/v2',
			'get_server_version()',
			'Welcome to use Milvus!',
		],
		factsByLang: { en: ['compatib'], id: ['kompatib'] },
	},
	'api-errors': {
		category: 'api',
		components: ['milvus', 'proxy', 'sdk'],
		steps: {},
		facts: [
			'error_code',
			'code=101',
			'1100',
			'65535',
			'CollectionNotExists',
			'MilvusException',
			'retriable',
		],
		factsByLang: { en: ['synchronous', 'asynchronous'], id: ['sinkron', 'asinkron'] },
	},
};

interface Page {
	slug: string;
	lang: Lang;
	file: string;
	source: string;
	frontmatter: Record<string, unknown>;
	content: string;
	tree: Root;
	text: string;
}

const pageCache = new Map<string, Promise<Page>>();

function loadPage(slug: string, lang: Lang): Promise<Page> {
	const key = `${lang}/${slug}`;
	let page = pageCache.get(key);
	if (!page) {
		page = readPage(slug, lang);
		pageCache.set(key, page);
	}
	return page;
}

async function readPage(slug: string, lang: Lang): Promise<Page> {
	const file = path.join(ROOT, 'src/content/docs', lang, `${slug}.mdx`);
	const source = await readFile(file, 'utf8');
	const { frontmatter, content } = parseFrontmatter(source);
	const tree = unified()
		.use(remarkParse)
		.use(remarkMdx)
		.use(remarkGfm)
		.use(remarkDirective)
		.parse(content);
	// Text a reader (and Pagefind) sees: prose, inline code and code blocks, without markup.
	const parts: string[] = [];
	visit(tree, (node) => {
		if (node.type === 'text' || node.type === 'inlineCode' || node.type === 'code') {
			parts.push((node as { value: string }).value);
		}
	});
	return { slug, lang, file, source, frontmatter, content, tree, text: parts.join('\n') };
}

function codeBlocks(tree: Root): Code[] {
	const blocks: Code[] = [];
	visit(tree, 'code', (node: Code) => {
		blocks.push(node);
	});
	return blocks;
}

function parseMeta(meta: string | null | undefined): Record<string, string> {
	const attrs: Record<string, string> = {};
	const rest = (meta ?? '').replace(/([\w-]+)="([^"]*)"/g, (_m, key: string, value: string) => {
		attrs[key] = value;
		return '';
	});
	assert.equal(rest.trim(), '', `unexpected code-block meta: ${meta}`);
	return attrs;
}

function h2s(tree: Root): string[] {
	const out: string[] = [];
	visit(tree, 'heading', (node: Heading) => {
		if (node.depth === 2) out.push(toString(node));
	});
	return out;
}

const SHELL_LANGS = new Set([
	'sh',
	'bash',
	'shell',
	'zsh',
	'console',
	'shellscript',
	'shellsession',
]);

for (const [slug, spec] of Object.entries(PAGES)) {
	for (const lang of LANGS) {
		test(`${lang}/${slug}: file exists and compiles as MDX with Starlight's remark plugins`, async () => {
			const file = path.join(ROOT, 'src/content/docs', lang, `${slug}.mdx`);
			assert.ok(existsSync(file), `missing ${file}`);
			const page = await loadPage(slug, lang);
			await compile(page.content, { remarkPlugins: [remarkGfm, remarkDirective] });
			// These pages are plain Markdown: a stray `{` or `<` in prose would become a JSX expression or tag
			// that compiles but breaks (or vanishes) at render time.
			const mdxNodes: string[] = [];
			visit(page.tree, (node) => {
				if (node.type.startsWith('mdx'))
					mdxNodes.push(`${node.type} at line ${node.position?.start.line}`);
			});
			assert.deepEqual(mdxNodes, [], 'no MDX expressions, JSX or ESM in the page body');
		});

		test(`${lang}/${slug}: frontmatter follows the symptom contract`, async () => {
			const { frontmatter: fm } = await loadPage(slug, lang);
			assert.equal(typeof fm.title, 'string');
			assert.ok((fm.title as string).trim().length > 0, 'empty title');
			assert.equal(typeof fm.description, 'string');
			const description = fm.description as string;
			assert.ok(
				description.length >= 50 && description.length <= 200,
				`description length ${description.length}`,
			);
			// The site's own schema (what the Astro build enforces), then the specifics of this page.
			const parsed = pageSchema.safeParse(fm);
			assert.ok(parsed.success, `schema: ${parsed.success ? '' : parsed.error.message}`);
			const symptom = fm.symptom as Record<string, unknown> | undefined;
			assert.ok(symptom && typeof symptom === 'object', 'missing symptom');
			assert.ok(isSymptomId(slug));
			assert.equal(symptom.category, SYMPTOMS[slug].category);
			assert.equal(symptom.runbook, SYMPTOMS[slug].runbook);
			assert.deepEqual(Object.keys(symptom).sort(), [
				'category',
				'components',
				'errors',
				'id',
				'runbook',
			]);
			assert.equal(symptom.id, slug);
			assert.equal(symptom.category, spec.category);
			assert.equal(symptom.runbook, slug);
			assert.deepEqual(symptom.components, spec.components);
			const errors = symptom.errors as unknown;
			assert.ok(
				Array.isArray(errors) && errors.length >= 3,
				'errors must list the real error strings',
			);
			for (const e of errors) {
				assert.equal(typeof e, 'string');
				assert.equal(
					e,
					(e as string).trim(),
					`error string has stray whitespace: ${JSON.stringify(e)}`,
				);
				assert.ok((e as string).length >= 5, `error string too short to be searchable: ${e}`);
			}
			assert.equal(new Set(errors).size, errors.length, 'duplicate error strings');
		});

		test(`${lang}/${slug}: every error string appears verbatim in a code span or block`, async () => {
			const { frontmatter, tree } = await loadPage(slug, lang);
			const errors = (frontmatter.symptom as { errors: string[] }).errors;
			const codeTexts: string[] = [];
			visit(tree, (node) => {
				if (node.type === 'inlineCode' || node.type === 'code') {
					codeTexts.push((node as InlineCode | Code).value);
				}
			});
			for (const e of errors) {
				assert.ok(
					codeTexts.some((c) => c.includes(e)),
					`${lang}/${slug}: error ${JSON.stringify(e)} is not shown verbatim in inline code or a code block`,
				);
			}
		});

		test(`${lang}/${slug}: shell blocks are linked to the runbook and match its canonical steps`, async () => {
			const { tree } = await loadPage(slug, lang);
			const blocks = codeBlocks(tree);
			assert.ok(blocks.length > 0);
			const invocation = `npx zx runbooks/${slug}.mjs`;
			// The page opens with the runbook invocation.
			const first = blocks[0]!;
			assert.equal(first.lang, 'sh');
			assert.deepEqual(parseMeta(first.meta), { runbook: slug });
			assert.ok(
				first.value.startsWith(invocation),
				`first block is not the runbook: ${first.value}`,
			);

			const seenSteps = new Set<string>();
			for (const block of blocks) {
				const lang_ = block.lang ?? '';
				if (!SHELL_LANGS.has(lang_)) {
					assert.equal(
						parseMeta(block.meta).runbook,
						undefined,
						'only shell blocks carry a runbook',
					);
					continue;
				}
				assert.equal(lang_, 'sh', `shell blocks use the sh language tag, got ${lang_}`);
				const meta = parseMeta(block.meta);
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
				} else {
					const expected = spec.steps[meta.step];
					assert.ok(expected !== undefined, `unknown step ${meta.step}`);
					assert.equal(
						block.value,
						expected,
						`step ${meta.step} differs from the runbook's command`,
					);
					seenSteps.add(meta.step);
				}
			}
			assert.deepEqual(
				[...seenSteps].sort(),
				Object.keys(spec.steps).sort(),
				'every canonical step is shown once or more',
			);
		});

		test(`${lang}/${slug}: carries the seed's facts, the chart defaults and Starlight asides`, async () => {
			const { text, tree } = await loadPage(slug, lang);
			for (const fact of [...spec.facts, ...spec.factsByLang[lang]]) {
				assert.ok(text.includes(fact), `${lang}/${slug} lacks ${JSON.stringify(fact)}`);
			}
			// The placeholders are named on the page: release `my-release` in namespace `default`.
			const spans = new Set<string>();
			visit(tree, 'inlineCode', (node: InlineCode) => {
				spans.add(node.value);
			});
			assert.ok(
				spans.has('my-release') && spans.has('default'),
				'names the chart defaults my-release and default',
			);
			const asides: string[] = [];
			visit(tree, 'containerDirective', (node: { name: string }) => {
				asides.push(node.name);
			});
			assert.ok(asides.length > 0, 'at least one aside');
			for (const name of asides)
				assert.ok(['note', 'tip', 'caution', 'danger'].includes(name), `aside ${name}`);
		});

		test(`${lang}/${slug}: internal links point at pages of the same language`, async () => {
			const { tree } = await loadPage(slug, lang);
			visit(tree, 'link', (node: Link) => {
				if (/^https?:\/\//.test(node.url)) return;
				const m = /^\.\.\/([a-z-]+)\/(#[a-z0-9-]+)?$/.exec(node.url);
				assert.ok(m, `relative links look like ../<slug>/: ${node.url}`);
				assert.ok(KNOWN_SLUGS.has(m[1]!), `link to unknown page ${node.url}`);
			});
		});
	}

	test(`${slug}: English and Indonesian pages mirror each other`, async () => {
		const en = await loadPage(slug, 'en');
		const id = await loadPage(slug, 'id');
		const enSymptom = en.frontmatter.symptom as Record<string, unknown>;
		const idSymptom = id.frontmatter.symptom as Record<string, unknown>;
		// Error strings are log text: English and identical in both languages.
		assert.deepEqual(idSymptom, enSymptom);
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
		const blocksOf = (p: Page) =>
			codeBlocks(p.tree)
				.filter((b) => b.lang === 'sh')
				.map((b) => `${b.meta} ${b.value}`);
		assert.deepEqual(blocksOf(id), blocksOf(en), 'same runbook blocks in the same order');
		// Indonesian prose, not English left untranslated.
		for (const word of [' yang ', ' dan ', ' tidak ', ' untuk '])
			assert.ok(id.text.includes(word), `id lacks "${word}"`);
	});
}

/**
 * Split a command line the way sh would for the quoting formatCommand produces: bare words and
 * single-quoted words (with '\'' for an embedded quote).
 */
function shellWords(line: string): string[] {
	const words: string[] = [];
	const re = /'((?:[^']|'\\'')*)'|(\S+)/g;
	for (const m of line.matchAll(re)) {
		words.push(m[1] !== undefined ? m[1].replace(/'\\''/g, "'") : m[2]!);
	}
	return words;
}

test('canonical step commands are what formatCommand prints for their argv', () => {
	for (const spec of Object.values(PAGES)) {
		for (const [step, command] of Object.entries(spec.steps)) {
			assert.equal(formatCommand(shellWords(command)), command, `step ${step}`);
		}
	}
	// The splitter itself must not be trivially the identity.
	assert.deepEqual(shellWords("a 'b c' d"), ['a', 'b c', 'd']);
});

test("the error catalog never sends these pages' error strings to another symptom", async () => {
	for (const slug of Object.keys(PAGES)) {
		const { frontmatter } = await loadPage(slug, 'en');
		for (const e of (frontmatter.symptom as { errors: string[] }).errors) {
			const strongest = matchText(e)[0];
			// A string the catalog does not know yet is fine (search still finds the page); a match that
			// names another symptom would send operators to the wrong runbook.
			if (strongest)
				assert.equal(strongest.symptom, slug, `${JSON.stringify(e)} → ${strongest.symptom}`);
		}
	}
});

test('no sentence of the seed page is copied into these pages', async () => {
	const seed = await readFile(path.resolve(ROOT, '../shared/seed/troubleshooting.id.md'), 'utf8');
	const prose = [...seed.matchAll(/<p>([\s\S]*?)<\/p>/g)]
		.map((m) =>
			m[1]!
				.replace(/<[^>]+>/g, '')
				.replace(/&quot;/g, '"')
				.replace(/\s+/g, ' '),
		)
		.join(' ');
	const sentences = prose
		.split(/(?<=[.:])\s+/)
		.map((s) => s.trim())
		.filter((s) => s.split(' ').length >= 5);
	assert.ok(sentences.length >= 8, 'seed sentences were found');
	for (const slug of Object.keys(PAGES)) {
		for (const lang of LANGS) {
			const { text } = await loadPage(slug, lang);
			const flat = text.replace(/\s+/g, ' ').toLowerCase();
			for (const s of sentences) {
				assert.ok(!flat.includes(s.toLowerCase()), `${lang}/${slug} copies the seed: ${s}`);
				// Also catch a copied clause: any 8-word run of the seed.
				const words = s.toLowerCase().split(' ');
				for (let i = 0; i + 8 <= words.length; i++) {
					const run = words.slice(i, i + 8).join(' ');
					assert.ok(!flat.includes(run), `${lang}/${slug} copies the seed: ${run}`);
				}
			}
		}
	}
});
