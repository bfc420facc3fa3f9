// Checks the four etcd symptom pages (en + id) against the page contract in ARCHITECTURE.md and against the
// safety rules of the etcd runbooks: frontmatter, runbook-linked shell blocks whose text is exactly the
// canonical command (read from ARCHITECTURE.md itself, so a contract change cannot leave the pages behind),
// steps shown in the runbook's order, a danger aside before every step that deletes data, the seed's unsafe
// sequences shown only as text next to the failures they cause, verbatim error strings, and the seed's facts.
// Parsing goes through the remark/MDX stack Starlight uses, so a page that passes here also compiles in the site.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Root, RootContent } from 'mdast';
import { ROOT } from '../../tools/support/paths.ts';
import {
	ASIDE_NAMES,
	LANGS,
	asides,
	assertCarriesFacts,
	assertPlainMarkdown,
	assertErrorsShownVerbatim,
	assertNamesChartDefaults,
	assertOpensWithInvocation,
	assertRunbookBlocks,
	assertSymptomFrontmatter,
	assertTranslatedTwin,
	codeBlocks,
	internalLinkTargets,
	loadPage,
	parseMeta,
	proseOf,
	runbookInvocation,
	seedFingerprints,
	textOf,
	copiedRuns,
	type Lang,
	type Page,
} from './page-source.ts';

const SLUGS = [
	'etcd-pending',
	'etcd-bad-member-id',
	'etcd-multi-crash',
	'etcd-all-crash',
	'etcd-nospace',
	'etcd-slow-disk',
	'etcd-image-pull',
] as const;
type Slug = (typeof SLUGS)[number];

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
			id: ['kuorum', 'cluster kedua yang kosong'],
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
	'etcd-nospace': {
		components: ['etcd', 'kubernetes', 'milvus'],
		facts: [
			'etcdserver: mvcc: database space exceeded',
			'alarm:NOSPACE',
			'ETCD_QUOTA_BACKEND_BYTES',
			'--quota-backend-bytes',
			'etcdctl alarm disarm',
			'etcd.autoCompactionMode',
			'etcd.autoCompactionRetention',
			'extraEnvVars',
			'--reuse-values',
			'DB SIZE',
			'4294967296',
		],
		factsByLang: {
			en: ['2 GiB', '4 GiB', 'one at a time'],
			id: ['2 GiB', '4 GiB', 'satu per satu'],
		},
		naive: null,
	},
	'etcd-slow-disk': {
		components: ['etcd', 'kubernetes', 'milvus', 'docker'],
		facts: [
			'slow fdatasync',
			'etcd_disk_wal_fsync_duration_seconds',
			'etcd_disk_backend_commit_duration_seconds',
			'histogram_quantile',
			'etcdctl check perf',
			'etcd.persistence.storageClass',
			'ETCD_HEARTBEAT_INTERVAL',
			'ETCD_ELECTION_TIMEOUT',
			'--metrics-file',
			'milvus-etcd',
			'./volumes/etcd',
		],
		factsByLang: {
			en: ['10 ms', '25 ms', 'last resort'],
			id: ['10 ms', '25 ms', 'jalan terakhir'],
		},
		naive: null,
	},
	'etcd-image-pull': {
		components: ['etcd', 'kubernetes', 'milvus'],
		facts: [
			'Failed to pull image "docker.io/bitnami/etcd:3.5.18-debian-12-r5"',
			'Back-off pulling image',
			'Error: ErrImagePull',
			'docker.io/bitnamilegacy/etcd',
			'milvusdb/etcd',
			'etcd.image.repository',
			'etcd.image.tag',
			'--reuse-values',
			'IfNotPresent',
			'zilliztech/milvus-operator#399',
			'zilliztech/milvus-helm#253',
			'manifest unknown',
			'spec.dependencies',
		],
		factsByLang: {
			en: ['28 August 2025', 'same tag', 'air-gapped'],
			id: ['28 Agustus 2025', 'tag yang sama', 'air-gapped'],
		},
		naive: null,
	},
};

// ---------------------------------------------------------------------------------------------------------
// Small helpers.

/** Top-level nodes grouped by H2 section (the part before the first H2 is section 0). */
function sections(tree: Root): RootContent[][] {
	const out: RootContent[][] = [[]];
	for (const node of tree.children) {
		if (node.type === 'heading' && node.depth === 2) out.push([]);
		out[out.length - 1]!.push(node);
	}
	return out;
}

// ---------------------------------------------------------------------------------------------------------
// Tests per page and language.

for (const slug of SLUGS) {
	const spec = PAGES[slug];
	const steps = STEPS[slug];
	const stepById = new Map(steps.map((s) => [s.id, s]));

	for (const lang of LANGS) {
		test(`${lang}/${slug}: exists and compiles as MDX with Starlight's remark plugins`, async () => {
			const page = await assertPlainMarkdown(slug, lang);
			for (const name of asides(page.tree)) {
				assert.ok(ASIDE_NAMES.includes(name), `unknown Starlight aside :::${name}`);
			}
		});

		test(`${lang}/${slug}: frontmatter follows the symptom contract`, async () => {
			const { frontmatter } = await loadPage(slug, lang);
			assertSymptomFrontmatter(slug, frontmatter, {
				category: 'etcd',
				components: spec.components,
				minErrors: 1,
				minErrorLength: 15,
			});
		});

		test(`${lang}/${slug}: every error string appears verbatim in a code span or block`, async () => {
			assertErrorsShownVerbatim(await loadPage(slug, lang));
		});

		test(`${lang}/${slug}: shell blocks are the runbook or exactly its canonical steps`, async () => {
			const blocks = codeBlocks((await loadPage(slug, lang)).tree);
			const first = assertOpensWithInvocation(blocks, slug);
			assert.equal(first.value, runbookInvocation(slug));
			const seen = assertRunbookBlocks(blocks, slug, (step) => stepById.get(step)?.command);
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
			const page = await loadPage(slug, lang);
			const { tree } = page;
			assertCarriesFacts(page, [...spec.facts, ...spec.factsByLang[lang]]);
			assertNamesChartDefaults(tree);
			// Real kubectl output, not paraphrase: a pod table row in a text block.
			const textBlocks = codeBlocks(tree).filter((b) => b.lang === 'text');
			// NOSPACE leaves the pods running but failing their health check (the alarm counts as unhealthy);
			// a slow disk leaves them Ready, restarted now and then by the liveness probe.
			const wanted =
				slug === 'etcd-pending'
					? /my-release-etcd-0\s+0\/1\s+Pending\s+0/
					: slug === 'etcd-nospace'
						? /my-release-etcd-\d\s+0\/1\s+Running\s+\d+/
						: slug === 'etcd-slow-disk'
							? /my-release-etcd-\d\s+1\/1\s+Running\s+[1-9]/
							: slug === 'etcd-image-pull'
								? // No container was ever created: no restarts.
									/my-release-etcd-\d\s+0\/1\s+(?:ErrImagePull|ImagePullBackOff)\s+0\s/
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
			const isNaive = (n: RootContent) =>
				n.type === 'code' && n.lang === 'text' && n.value.trim() === expected;
			const section = sections(tree).find((nodes) =>
				nodes.some((n) => isNaive(n) || codeBlocks({ type: 'root', children: [n] }).some(isNaive)),
			);
			assert.ok(section, `no text block with the naive sequence:\n${expected}`);
			// Not something to copy: a frameless text block (no copy button) inside a danger aside.
			const warned = section.find(
				(n) =>
					n.type === 'containerDirective' &&
					n.name === 'danger' &&
					codeBlocks({ type: 'root', children: [n] }).some(isNaive),
			);
			if (slug === 'etcd-multi-crash') {
				assert.ok(warned, 'the naive sequence sits inside a :::danger aside');
				const block = codeBlocks({ type: 'root', children: [warned!] }).find(isNaive)!;
				assert.equal(parseMeta(block.meta).frame, 'none', 'the naive sequence has no copy frame');
			}
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
			const targets = internalLinkTargets((await loadPage(slug, lang)).tree);
			for (const target of targets) assert.notEqual(target, slug, `link to itself: ../${target}/`);
			assert.ok(
				slug === 'etcd-pending' || targets.length > 0,
				'crash pages link to the neighbouring etcd pages',
			);
		});
	}

	test(`${slug}: English and Indonesian pages mirror each other`, async () => {
		const en = await loadPage(slug, 'en');
		const id = await loadPage(slug, 'id');
		assertTranslatedTwin(en, id, [' yang ', ' dan ', ' tidak ', ' untuk ', ' kalau ']);
		const blocksOf = (p: Page) => codeBlocks(p.tree).map((b) => `${b.lang} ${b.meta ?? ''}`);
		assert.deepEqual(blocksOf(id), blocksOf(en), 'same code blocks, in the same order');
		const shOf = (p: Page) =>
			codeBlocks(p.tree)
				.filter((b) => b.lang === 'sh')
				.map((b) => b.value);
		assert.deepEqual(shOf(id), shOf(en), 'same commands');
		assert.deepEqual(asides(id.tree), asides(en.tree), 'same asides, in the same order');
		// Prose only: log lines and commands stay English on purpose.
		const prose = ` ${proseOf(id.tree)} `;
		for (const word of [' the ', ' and ', ' with ']) {
			const count = prose.split(word).length - 1;
			assert.ok(count <= 2, `id prose reads like English: ${count} × "${word.trim()}"`);
		}
	});
}

test('no sentence of the seed page is copied into the etcd pages', async () => {
	const seed = await seedFingerprints();
	for (const slug of SLUGS) {
		for (const lang of LANGS) {
			// Prose only: the seed's error strings and paths are meant to carry over inside code.
			const flat = proseOf((await loadPage(slug, lang)).tree);
			assert.deepEqual(copiedRuns(flat, 6, seed.runs6), [], `${lang}/${slug} copies the seed`);
		}
	}
});
