// Checks the four etcd symptom pages (en + id) against the page contract in ARCHITECTURE.md and against the
// safety rules of the etcd runbooks: frontmatter, runbook-linked shell blocks whose text is exactly the
// canonical command (read from ARCHITECTURE.md itself, so a contract change cannot leave the pages behind),
// steps shown in the runbook's order, a danger aside before every step that deletes data, the seed's unsafe
// sequences shown only as text next to the failures they cause, verbatim error strings, and the seed's facts.
// Parsing goes through the remark/MDX stack Starlight uses, so a page that passes here also compiles in the site.
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
import type { Root, Code, InlineCode, Heading, Link, RootContent } from 'mdast';
import { pageSchema } from '../../src/config/schema.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const LANGS = ['en', 'id'] as const;
type Lang = (typeof LANGS)[number];

const SLUGS = ['etcd-pending', 'etcd-bad-member-id', 'etcd-multi-crash', 'etcd-all-crash'] as const;
type Slug = (typeof SLUGS)[number];

// Slugs every language folder has (ARCHITECTURE.md "Tree"); pages may link only to these.
const KNOWN_SLUGS = new Set([
	'index',
	'help',
	'boot',
	'runtime-compat',
	'api-errors',
	'etcd-pending',
	'etcd-bad-member-id',
	'etcd-multi-crash',
	'etcd-all-crash',
]);

// ---------------------------------------------------------------------------------------------------------
// The canonical steps, read from ARCHITECTURE.md.

type Mode = 'read' | 'change' | 'destroy';
interface Step {
	id: string;
	mode: Mode;
	command: string;
	/** Listed in the table (ordered sequence) rather than as an alternative in the notes under it. */
	inTable: boolean;
}

/** The chart's three-member ETCD_INITIAL_CLUSTER for release my-release in namespace default. */
function chartInitialCluster(): string {
	return [0, 1, 2]
		.map(
			(i) =>
				`my-release-etcd-${i}=http://my-release-etcd-${i}.my-release-etcd-headless.default.svc.cluster.local:2380`,
		)
		.join(',');
}

async function canonicalSteps(): Promise<Record<Slug, Step[]>> {
	const md = await readFile(path.join(ROOT, 'ARCHITECTURE.md'), 'utf8');
	const out = {} as Record<Slug, Step[]>;
	for (const slug of SLUGS) {
		const start = md.indexOf(`**${slug}** (example`);
		assert.ok(start >= 0, `ARCHITECTURE.md has no step table for ${slug}`);
		const next = md.indexOf('\n**', start + 2);
		const section = md.slice(start, next < 0 ? undefined : next);
		const steps: Step[] = [];
		for (const m of section.matchAll(
			/^\| `([a-z-]+)` \| (read|change|destroy) \| `(.+?)`( \(.*\))? \|$/gm,
		)) {
			let command = m[3]!;
			// The one cell that is a template: describe mode renders the chart's original member list.
			command = command.replace('<the original three-member value>', chartInitialCluster());
			steps.push({ id: m[1]!, mode: m[2] as Mode, command, inTable: true });
		}
		// An alternative step named in the notes: (`id`, `command`, replaces … the example id is `…`.)
		for (const m of section.matchAll(
			/\(`([a-z-]+)`, `(kubectl [^`]+)`,[\s\S]*?example id is `([0-9a-f]+)`/g,
		)) {
			steps.push({
				id: m[1]!,
				mode: 'change',
				command: m[2]!.replace('<id>', m[3]!),
				inTable: false,
			});
		}
		assert.ok(steps.length >= 5, `${slug}: parsed only ${steps.length} steps from ARCHITECTURE.md`);
		out[slug] = steps;
	}
	return out;
}

const STEPS = await canonicalSteps();

// ---------------------------------------------------------------------------------------------------------
// What each page must carry.

interface PageSpec {
	components: string[];
	/** Facts from the seed and the reference texts, as exact substrings of the page text, in both languages. */
	facts: string[];
	/** Facts written differently per language. */
	factsByLang: Record<Lang, string[]>;
	/** The seed's naive sequence, shown as text; null when the seed gives none. */
	naive: null | {
		commands: string[];
		/** Failures the page must name in the section that shows the naive sequence. */
		explains: string[];
	};
}

const PAGES: Record<Slug, PageSpec> = {
	'etcd-pending': {
		components: ['etcd', 'kubernetes'],
		facts: [
			'pod has unbound immediate PersistentVolumeClaims',
			'no persistent volumes available for this claim and no storage class is set',
			'FailedScheduling',
			'FailedBinding',
			'(default)',
			'storageclass.kubernetes.io/is-default-class',
			'etcd.persistence.storageClass',
			'StorageClass',
			'data-my-release-etcd-0',
		],
		factsByLang: { en: ['default StorageClass'], id: ['StorageClass default'] },
		naive: null,
	},
	'etcd-bad-member-id': {
		components: ['etcd', 'kubernetes'],
		facts: [
			'/bitnami/etcd/data/member_id',
			'Error: bad member ID arg (strconv.ParseUint: parsing "": invalid syntax), expecting ID in Hex',
			'Updating member in existing cluster',
			'CrashLoopBackOff',
			'--previous',
			'milvusdb/etcd',
		],
		factsByLang: { en: ['empty'], id: ['kosong'] },
		naive: null,
	},
	'etcd-multi-crash': {
		components: ['etcd', 'kubernetes', 'milvus'],
		facts: [
			'etcd-0',
			'CrashLoopBackOff',
			'etcdserver: no leader',
			'has already been bootstrapped',
			'request cluster ID mismatch',
			'the member has been permanently removed from the cluster',
			'No active endpoints in cluster, wait 10s, and restart the pod',
			'ETCD_FORCE_NEW_CLUSTER',
			'etcd.initialClusterState',
			'preStop',
			'Bootstrapping a new cluster',
		],
		factsByLang: {
			en: ['quorum', 'second, empty cluster'],
			id: ['quorum', 'cluster kedua yang kosong'],
		},
		naive: {
			commands: [
				'kubectl scale sts my-release-etcd --replicas=1',
				'kubectl delete pvc data-my-release-etcd-1 data-my-release-etcd-2',
				'kubectl scale sts my-release-etcd --replicas=3',
			],
			explains: [
				'preStop',
				'has already been bootstrapped',
				'No active endpoints in cluster, wait 10s, and restart the pod',
				'request cluster ID mismatch',
				'etcdserver: re-configuration failed due to not enough started members',
			],
		},
	},
	'etcd-all-crash': {
		components: ['etcd', 'kubernetes', 'milvus'],
		facts: [
			'/bitnami/etcd/data/member/snap/db',
			'by-dev/meta/session',
			'https://github.com/etcd-io/bbolt',
			'CrashLoopBackOff',
			'failed to recover v3 backend from snapshot',
			'etcdctl snapshot restore',
			'--skip-hash-check',
			'snapshot missing hash but --skip-hash-check=false',
			'etcd.replicaCount',
			'etcd.initialClusterState',
			'kubectl scale sts my-release-etcd --replicas=0',
		],
		factsByLang: { en: ['bucket', 'Node'], id: ['bucket', 'Node'] },
		naive: {
			commands: [
				'kubectl scale sts my-release-etcd --replicas=0',
				'kubectl delete pvc data-my-release-etcd-0 data-my-release-etcd-1 data-my-release-etcd-2',
				'kubectl scale sts my-release-etcd --replicas=1',
			],
			explains: [
				'member/snap/db',
				'ETCD_INITIAL_CLUSTER',
				'Headless service domain does not have an IP per initial member in the cluster',
				'No active endpoints in cluster, wait 10s, and restart the pod',
			],
		},
	},
};

// ---------------------------------------------------------------------------------------------------------
// Loading and small helpers.

interface Page {
	slug: Slug;
	lang: Lang;
	frontmatter: Record<string, unknown>;
	content: string;
	tree: Root;
	/** Text a reader (and Pagefind) sees: prose, inline code and code blocks, without markup. */
	text: string;
}

const pageCache = new Map<string, Promise<Page>>();

function loadPage(slug: Slug, lang: Lang): Promise<Page> {
	const key = `${lang}/${slug}`;
	let page = pageCache.get(key);
	if (!page) {
		page = readPage(slug, lang);
		pageCache.set(key, page);
	}
	return page;
}

function pageFile(slug: string, lang: Lang): string {
	return path.join(ROOT, 'src/content/docs', lang, `${slug}.mdx`);
}

async function readPage(slug: Slug, lang: Lang): Promise<Page> {
	const source = await readFile(pageFile(slug, lang), 'utf8');
	const { frontmatter, content } = parseFrontmatter(source);
	const tree = unified()
		.use(remarkParse)
		.use(remarkMdx)
		.use(remarkGfm)
		.use(remarkDirective)
		.parse(content);
	return { slug, lang, frontmatter, content, tree, text: textOf(tree) };
}

function textOf(node: Root | RootContent): string {
	const parts: string[] = [];
	visit(node, (n) => {
		if (n.type === 'text' || n.type === 'inlineCode' || n.type === 'code')
			parts.push((n as { value: string }).value);
	});
	return parts.join('\n');
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

/** Top-level nodes grouped by H2 section (the part before the first H2 is section 0). */
function sections(tree: Root): RootContent[][] {
	const out: RootContent[][] = [[]];
	for (const node of tree.children) {
		if (node.type === 'heading' && node.depth === 2) out.push([]);
		out[out.length - 1]!.push(node);
	}
	return out;
}

function asides(tree: Root): string[] {
	const names: string[] = [];
	visit(tree, 'containerDirective', (node: { name: string }) => {
		names.push(node.name);
	});
	return names;
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

// ---------------------------------------------------------------------------------------------------------
// Tests per page and language.

for (const slug of SLUGS) {
	const spec = PAGES[slug];
	const steps = STEPS[slug];
	const stepById = new Map(steps.map((s) => [s.id, s]));

	for (const lang of LANGS) {
		test(`${lang}/${slug}: exists and compiles as MDX with Starlight's remark plugins`, async () => {
			assert.ok(existsSync(pageFile(slug, lang)), `missing ${pageFile(slug, lang)}`);
			const page = await loadPage(slug, lang);
			await compile(page.content, { remarkPlugins: [remarkGfm, remarkDirective] });
			for (const name of asides(page.tree)) {
				assert.ok(
					['note', 'tip', 'caution', 'danger'].includes(name),
					`unknown Starlight aside :::${name}`,
				);
			}
			// Plain Markdown only: a stray { or < in prose becomes JSX or an expression that compiles but breaks
			// the page at render time.
			visit(page.tree, (node) => {
				assert.ok(
					!node.type.startsWith('mdx'),
					`MDX ${node.type} in the page: ${toString(node).slice(0, 60)}`,
				);
			});
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
			assert.equal(symptom.category, 'etcd');
			assert.equal(symptom.runbook, slug);
			assert.deepEqual(symptom.components, spec.components);
			const errors = symptom.errors as unknown;
			assert.ok(
				Array.isArray(errors) && errors.length >= 1,
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
					(e as string).length >= 15,
					`error string too short to identify this failure: ${e}`,
				);
			}
			assert.equal(new Set(errors).size, errors.length, 'duplicate error strings');
			// The site's own schema accepts it, so the build will too.
			const parsed = pageSchema.safeParse(fm);
			assert.ok(parsed.success, parsed.success ? '' : parsed.error.message);
		});

		test(`${lang}/${slug}: every error string appears verbatim in a code span or block`, async () => {
			const { frontmatter, tree } = await loadPage(slug, lang);
			const errors = (frontmatter.symptom as { errors: string[] }).errors;
			const codeTexts: string[] = [];
			visit(tree, (node) => {
				if (node.type === 'inlineCode' || node.type === 'code')
					codeTexts.push((node as InlineCode | Code).value);
			});
			for (const e of errors) {
				assert.ok(
					codeTexts.some((c) => c.includes(e)),
					`error ${JSON.stringify(e)} is not shown verbatim in inline code or a code block`,
				);
			}
		});

		test(`${lang}/${slug}: shell blocks are the runbook or exactly its canonical steps`, async () => {
			const { tree } = await loadPage(slug, lang);
			const blocks = codeBlocks(tree);
			const invocation = `npx zx runbooks/${slug}.mjs`;
			const first = blocks[0];
			assert.ok(first, 'no code blocks');
			assert.equal(first.lang, 'sh');
			assert.deepEqual(
				parseMeta(first.meta),
				{ runbook: slug },
				'the page opens with the runbook invocation',
			);
			assert.equal(first.value, invocation);

			const seen = new Set<string>();
			for (const block of blocks) {
				const blockLang = block.lang ?? '';
				const meta = parseMeta(block.meta);
				if (!SHELL_LANGS.has(blockLang)) {
					assert.equal(
						meta.runbook,
						undefined,
						`only shell blocks carry a runbook: ${block.value}`,
					);
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
				const step = stepById.get(meta.step);
				assert.ok(step, `step ${meta.step} is not a canonical step of ${slug}`);
				assert.equal(
					block.value,
					step.command,
					`step ${meta.step} differs from the canonical command`,
				);
				seen.add(meta.step);
			}
			assert.deepEqual(
				[...seen].sort(),
				steps.map((s) => s.id).sort(),
				'every canonical step is shown',
			);
		});

		test(`${lang}/${slug}: steps appear in the runbook's order, backup before any deletion`, async () => {
			const { tree } = await loadPage(slug, lang);
			const order: string[] = [];
			for (const block of codeBlocks(tree)) {
				const step = parseMeta(block.meta).step;
				if (step !== undefined && stepById.get(step)?.inTable && !order.includes(step))
					order.push(step);
			}
			assert.deepEqual(
				order,
				steps.filter((s) => s.inTable).map((s) => s.id),
				'first appearances follow the canonical table',
			);
			const firstDestroy = order.findIndex((id) => stepById.get(id)?.mode === 'destroy');
			const backup = order.indexOf('backup');
			if (backup >= 0)
				assert.ok(backup < firstDestroy, 'the backup step comes before the first destroy step');
		});

		test(`${lang}/${slug}: a danger aside precedes every step that deletes data, in the same section`, async () => {
			const { tree } = await loadPage(slug, lang);
			let destroyBlocks = 0;
			for (const section of sections(tree)) {
				let danger = false;
				for (const node of section) {
					if (node.type === 'containerDirective' && node.name === 'danger') danger = true;
					if (node.type !== 'code') continue;
					const step = parseMeta(node.meta).step;
					if (step !== undefined && stepById.get(step)?.mode === 'destroy') {
						destroyBlocks++;
						assert.ok(danger, `no :::danger before the destroy step ${step}`);
					}
				}
			}
			assert.equal(
				destroyBlocks > 0,
				steps.some((s) => s.mode === 'destroy'),
				'destroy steps of the runbook are shown as blocks',
			);
		});

		test(`${lang}/${slug}: carries the seed's facts, the real error texts and the chart defaults`, async () => {
			const { text, tree } = await loadPage(slug, lang);
			for (const fact of [...spec.facts, ...spec.factsByLang[lang]]) {
				assert.ok(text.includes(fact), `lacks ${JSON.stringify(fact)}`);
			}
			const spans = new Set<string>();
			visit(tree, 'inlineCode', (node: InlineCode) => {
				spans.add(node.value);
			});
			assert.ok(
				spans.has('my-release') && spans.has('default'),
				'names the chart defaults my-release and default',
			);
			// Real kubectl output, not paraphrase: a pod table row in a text block.
			const textBlocks = codeBlocks(tree).filter((b) => b.lang === 'text');
			const wanted =
				slug === 'etcd-pending'
					? /my-release-etcd-0\s+0\/1\s+Pending\s+0/
					: /my-release-etcd-\d\s+0\/1\s+CrashLoopBackOff\s+\d+/;
			assert.ok(
				textBlocks.some((b) => wanted.test(b.value)),
				`no kubectl get pods output matching ${wanted}`,
			);
			if (slug === 'etcd-pending') {
				assert.ok(
					textBlocks.some((b) => /data-my-release-etcd-0\s+Pending/.test(b.value)),
					'no kubectl get pvc output with the Pending claim',
				);
			}
		});

		test(`${lang}/${slug}: the seed's unsafe sequence is shown as text next to what goes wrong`, async () => {
			const { tree } = await loadPage(slug, lang);
			const naive = spec.naive;
			const blocks = codeBlocks(tree);
			if (naive === null) {
				// Pages without a naive sequence never show bulk scaling of etcd.
				for (const b of blocks)
					assert.ok(!/--replicas=[03]\b/.test(b.value), `unexpected scaling: ${b.value}`);
				return;
			}
			const expected = naive.commands.join('\n');
			const section = sections(tree).find((nodes) =>
				nodes.some((n) => n.type === 'code' && n.lang === 'text' && n.value.trim() === expected),
			);
			assert.ok(section, `no text block with the naive sequence:\n${expected}`);
			const sectionText = section.map((n) => textOf(n)).join('\n');
			for (const failure of naive.explains) {
				assert.ok(
					sectionText.includes(failure),
					`the naive-sequence section does not explain ${JSON.stringify(failure)}`,
				);
			}
			// The naive sequence is never offered as runnable shell, except where a command is itself a safe step.
			for (const b of blocks.filter((b) => b.lang === 'sh' && naive.commands.includes(b.value))) {
				assert.ok(
					parseMeta(b.meta).step !== undefined,
					`naive command offered as shell: ${b.value}`,
				);
			}
		});

		test(`${lang}/${slug}: internal links point at pages of the same language`, async () => {
			const { tree } = await loadPage(slug, lang);
			let links = 0;
			visit(tree, 'link', (node: Link) => {
				if (/^https?:\/\//.test(node.url)) return;
				links++;
				const m = /^\.\.\/([a-z-]+)\/(#[a-z0-9-]+)?$/.exec(node.url);
				assert.ok(m, `relative links look like ../<slug>/: ${node.url}`);
				assert.ok(KNOWN_SLUGS.has(m[1]!), `link to unknown page ${node.url}`);
				assert.notEqual(m[1], slug, `link to itself: ${node.url}`);
			});
			assert.ok(
				slug === 'etcd-pending' || links > 0,
				'crash pages link to the neighbouring etcd pages',
			);
		});
	}

	test(`${slug}: English and Indonesian pages mirror each other`, async () => {
		const en = await loadPage(slug, 'en');
		const id = await loadPage(slug, 'id');
		// Error strings are log text: English and identical in both languages.
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
		const blocksOf = (p: Page) => codeBlocks(p.tree).map((b) => `${b.lang} ${b.meta ?? ''}`);
		assert.deepEqual(blocksOf(id), blocksOf(en), 'same code blocks, in the same order');
		const shOf = (p: Page) =>
			codeBlocks(p.tree)
				.filter((b) => b.lang === 'sh')
				.map((b) => b.value);
		assert.deepEqual(shOf(id), shOf(en), 'same commands');
		assert.deepEqual(asides(id.tree), asides(en.tree), 'same asides, in the same order');
		for (const word of [' yang ', ' dan ', ' tidak ', ' untuk ', ' kalau ']) {
			assert.ok(id.text.includes(word), `id lacks "${word}"`);
		}
		// Prose only: log lines and commands stay English on purpose.
		const idProse: string[] = [];
		visit(id.tree, 'text', (n: { value: string }) => {
			idProse.push(n.value);
		});
		const prose = ` ${idProse.join(' ').replace(/\s+/g, ' ')} `;
		for (const word of [' the ', ' and ', ' with ']) {
			const count = prose.split(word).length - 1;
			assert.ok(count <= 2, `id prose reads like English: ${count} × "${word.trim()}"`);
		}
	});
}

test('no sentence of the seed page is copied into the etcd pages', async () => {
	const seed = await readFile(path.resolve(ROOT, '../shared/seed/troubleshooting.id.md'), 'utf8');
	const prose = [...seed.matchAll(/<(p|h3)[^>]*>([\s\S]*?)<\/\1>/g)]
		.map((m) =>
			m[2]!
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
	for (const slug of SLUGS) {
		for (const lang of LANGS) {
			const { tree } = await loadPage(slug, lang);
			// Prose only: the seed's error strings and paths are meant to carry over inside code.
			const parts: string[] = [];
			visit(tree, 'text', (n: { value: string }) => {
				parts.push(n.value);
			});
			const flat = parts.join(' ').replace(/\s+/g, ' ').toLowerCase();
			for (const s of sentences) {
				const words = s.toLowerCase().split(' ');
				for (let i = 0; i + 6 <= words.length; i++) {
					const run = words.slice(i, i + 6).join(' ');
					assert.ok(!flat.includes(run), `${lang}/${slug} copies the seed: ${run}`);
				}
			}
		}
	}
});
