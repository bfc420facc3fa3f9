// Checks the boot, runtime-compat and api-errors symptom pages (en + id) against the page contract in
// ARCHITECTURE.md: frontmatter, runbook-linked shell blocks, verbatim error strings, the seed's facts, and
// that both languages share one structure. Parsing goes through the same remark/MDX stack Starlight uses so
// a page that passes here also compiles in the site.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SYMPTOMS, isSymptomId } from '../../src/config/symptoms.ts';
import { matchText } from '../../runbooks/lib/catalog.mjs';
import { formatCommand } from '../../runbooks/lib/shell.mjs';
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
	seedFingerprints,
	copiedRuns,
	type Lang,
	type Page,
} from './page-source.ts';

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

for (const [slug, spec] of Object.entries(PAGES)) {
	for (const lang of LANGS) {
		test(`${lang}/${slug}: file exists and compiles as MDX with Starlight's remark plugins`, async () => {
			await assertPlainMarkdown(slug, lang);
		});

		test(`${lang}/${slug}: frontmatter follows the symptom contract`, async () => {
			const { frontmatter: fm } = await loadPage(slug, lang);
			assertSymptomFrontmatter(slug, fm, {
				category: spec.category,
				components: spec.components,
				minErrors: 3,
				minErrorLength: 5,
			});
			const symptom = fm.symptom as Record<string, unknown>;
			assert.ok(isSymptomId(slug));
			assert.equal(symptom.category, SYMPTOMS[slug].category);
			assert.equal(symptom.runbook, SYMPTOMS[slug].runbook);
		});

		test(`${lang}/${slug}: every error string appears verbatim in a code span or block`, async () => {
			assertErrorsShownVerbatim(await loadPage(slug, lang));
		});

		test(`${lang}/${slug}: shell blocks are linked to the runbook and match its canonical steps`, async () => {
			const blocks = codeBlocks((await loadPage(slug, lang)).tree);
			assertOpensWithInvocation(blocks, slug);
			const seenSteps = assertRunbookBlocks(blocks, slug, (step) => spec.steps[step]);
			assert.deepEqual(
				[...seenSteps].sort(),
				Object.keys(spec.steps).sort(),
				'every canonical step is shown once or more',
			);
		});

		test(`${lang}/${slug}: carries the seed's facts, the chart defaults and Starlight asides`, async () => {
			const page = await loadPage(slug, lang);
			assertCarriesFacts(page, [...spec.facts, ...spec.factsByLang[lang]]);
			assertNamesChartDefaults(page.tree);
			const names = asides(page.tree);
			assert.ok(names.length > 0, 'at least one aside');
			for (const name of names) assert.ok(ASIDE_NAMES.includes(name), `aside ${name}`);
		});

		test(`${lang}/${slug}: internal links point at pages of the same language`, async () => {
			internalLinkTargets((await loadPage(slug, lang)).tree);
		});
	}

	test(`${slug}: English and Indonesian pages mirror each other`, async () => {
		const en = await loadPage(slug, 'en');
		const id = await loadPage(slug, 'id');
		assertTranslatedTwin(en, id, [' yang ', ' dan ', ' tidak ', ' untuk ']);
		const blocksOf = (p: Page) =>
			codeBlocks(p.tree)
				.filter((b) => b.lang === 'sh')
				.map((b) => `${b.meta} ${b.value}`);
		assert.deepEqual(blocksOf(id), blocksOf(en), 'same runbook blocks in the same order');
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
	const seed = await seedFingerprints();
	for (const slug of Object.keys(PAGES)) {
		for (const lang of LANGS) {
			const { text } = await loadPage(slug, lang);
			for (const [words, sentences] of seed.sentences)
				assert.deepEqual(
					copiedRuns(text, words, sentences),
					[],
					`${lang}/${slug} copies a seed sentence`,
				);
			// Also catch a copied clause: any 8-word run of the seed.
			assert.deepEqual(copiedRuns(text, 8, seed.runs8), [], `${lang}/${slug} copies the seed`);
		}
	}
});
