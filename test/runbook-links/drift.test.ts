import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import type { Root } from 'mdast';
import remarkMdx from 'remark-mdx';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { VFile } from 'vfile';
import { ROOT } from '../support/index.ts';
import { checkPageSource, type DescribeIndex } from '../../src/plugins/runbook-links/check.ts';
import { listRunbookNames } from '../../runbooks/build/list.ts';
import remarkRunbookLinks from '../../src/plugins/runbook-links/remark.ts';
import { describeRunbook, languageDrift } from '../../runbooks/build/load.ts';
import type { RunbookIndex } from '../../runbooks/build/types.ts';
import { starlightHelpers } from '../support/ui-strings.ts';

const FIXTURES = path.join(import.meta.dirname, 'fixtures');

/** The real `--describe` output of every runbook, in English, as the build reads it. */
let describes: DescribeIndex = {};

before(async () => {
	const names = listRunbookNames(ROOT);
	const entries = await Promise.all(
		names.map(async (n) => [n, await describeRunbook(ROOT, n, 'en')] as const),
	);
	describes = Object.fromEntries(entries);
});

async function checkFixture(name: string): Promise<string[]> {
	const file = path.join(FIXTURES, name);
	return checkPageSource(await readFile(file, 'utf8'), describes, { file: name });
}

describe('drift check on fixture pages', () => {
	test('passes a page whose blocks match the runbook (steps, invocation, asides, lists)', async () => {
		assert.deepEqual(await checkFixture('good.mdx'), []);
	});

	test('fails a page whose step command differs from --describe', async () => {
		const problems = await checkFixture('changed-command.mdx');
		assert.equal(problems.length, 1, problems.join('\n'));
		assert.match(problems[0] ?? '', /changed-command\.mdx:\d+: command differs .*"scale-down"/);
		assert.match(problems[0] ?? '', /--replicas=2/);
		assert.match(problems[0] ?? '', /runs `kubectl scale sts my-release-etcd --replicas=1`/);
	});

	test('fails a page naming a step the runbook does not have', async () => {
		const problems = await checkFixture('missing-step.mdx');
		assert.equal(problems.length, 1, problems.join('\n'));
		assert.match(problems[0] ?? '', /has no step "list-all-pods"/);
		// The line number points at the fence, so the writer finds the block.
		assert.match(problems[0] ?? '', /^missing-step\.mdx:27:/);
	});

	test('fails a page naming a runbook that does not exist', async () => {
		const problems = await checkFixture('missing-runbook.mdx');
		assert.equal(problems.length, 1, problems.join('\n'));
		assert.match(problems[0] ?? '', /runbook "etcd-multi-crashes" does not exist/);
	});

	test('fails a symptom page with a shell block linked to nothing', async () => {
		const problems = await checkFixture('unlinked.mdx');
		assert.equal(problems.length, 1, problems.join('\n'));
		assert.match(problems[0] ?? '', /shell block linked to no runbook/);
	});

	test('fails a runbook invocation with a flag the runbook does not know', async () => {
		const problems = await checkFixture('bad-flag.mdx');
		assert.equal(problems.length, 1, problems.join('\n'));
		assert.match(problems[0] ?? '', /unknown flag --dryrun/);
	});

	test('lets a page that is not a symptom page keep unlinked shell blocks', async () => {
		assert.deepEqual(await checkFixture('general-unlinked.mdx'), []);
	});
});

describe('drift check on the site', () => {
	test('every page in src/content/docs matches the runbooks', async () => {
		const docs = path.join(ROOT, 'src', 'content', 'docs');
		const problems: string[] = [];
		for (const entry of await readdir(docs, { recursive: true })) {
			if (!/\.mdx?$/.test(entry)) continue;
			const file = path.join('src', 'content', 'docs', entry);
			problems.push(
				...checkPageSource(await readFile(path.join(ROOT, file), 'utf8'), describes, { file }),
			);
		}
		assert.deepEqual(problems, []);
	});
});

describe('remark plugin', () => {
	/** Runs the plugin the way the build does, on a page at `src/content/docs/<lang>/<slug>.mdx`. */
	async function transform(name: string, lang: string): Promise<Root> {
		const source = await readFile(path.join(FIXTURES, name), 'utf8');
		const body = source.replace(/^---\n[\s\S]*?\n---\n/, '');
		const symptom = /^symptom:/m.test(source) ? { id: 'etcd-multi-crash' } : undefined;
		const runbooks: RunbookIndex = {};
		for (const [n, d] of Object.entries(describes)) {
			runbooks[n] = {
				name: n,
				file: `runbooks/${n}.mjs`,
				describe: { en: d as never, id: d as never },
				source: '',
				standalone: { sha256: '', bytes: 0 },
			};
		}
		const file = new VFile({
			path: path.join(ROOT, 'src', 'content', 'docs', lang, name),
			cwd: ROOT,
			value: body,
			data: { astro: { frontmatter: { symptom } } },
		});
		const processor = unified()
			.use(remarkParse)
			.use(remarkMdx)
			.use(remarkRunbookLinks, { runbooks, ...starlightHelpers() });
		return (await processor.run(processor.parse(file), file)) as Root;
	}

	test('stops the build on a drifted page, naming every problem', async () => {
		await assert.rejects(transform('changed-command.mdx', 'en'), (error: Error) => {
			assert.equal(error.name, 'RunbookDriftError');
			assert.match(error.message, /command differs/);
			return true;
		});
	});

	test('gives Indonesian pages runbook commands with --lang id, and wraps linked blocks', async () => {
		const tree = await transform('good.mdx', 'id');
		const json = JSON.stringify(tree);
		assert.match(
			json,
			/npx zx runbooks\/etcd-multi-crash\.mjs --lang id --dry-run --release my-release/,
		);
		// Step commands are the runbook's, untouched.
		assert.match(json, /"value":"kubectl scale sts my-release-etcd --replicas=1"/);
		assert.match(json, /"dataMode":"destroy"/);
		assert.match(json, /"url":"\/id\/runbooks\/etcd-multi-crash\/#step-scale-down"/);
		const en = JSON.stringify(await transform('good.mdx', 'en'));
		assert.doesNotMatch(en, /--lang/);
		assert.match(en, /"url":"\/en\/runbooks\/etcd-multi-crash\/"/);
	});
});

describe('languages', () => {
	test('a runbook whose steps differ between --lang en and --lang id is refused', async () => {
		const en = await describeRunbook(ROOT, 'etcd-pending', 'en');
		const id = await describeRunbook(ROOT, 'etcd-pending', 'id');
		assert.deepEqual(languageDrift('etcd-pending', { en, id }), []);
		const drifted = structuredClone(id);
		const step = drifted.steps[0];
		assert.ok(step);
		step.command = `${step.command ?? ''} --all-namespaces`;
		const problems = languageDrift('etcd-pending', { en, id: drifted });
		assert.equal(problems.length, 1);
		assert.match(problems[0] ?? '', /--lang id/);
	});
});
