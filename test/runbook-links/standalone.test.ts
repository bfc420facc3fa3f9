import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ROOT, killGroup, tmpDir } from '../support/index.ts';
import { createCluster, stopAll, type StandinCluster } from '../../tools/standin/index.mjs';
import { listRunbookNames } from '../../runbooks/build/list.ts';
import { bundleRunbook, describeRunbook, zxShimSource } from '../../runbooks/build/load.ts';
import type { RunbookHandle } from '../../runbooks/lib/runbook.mjs';

const ZX = path.join(ROOT, 'node_modules', '.bin', 'zx');
const NAMES = listRunbookNames(ROOT);

interface Outcome {
	code: number | null;
	stdout: string;
	stderr: string;
}

/** Runs `zx <script> …args` in `cwd` (its own process group, killed if the test ends first). */
function runZx(
	script: string,
	args: string[],
	cwd: string,
	env: NodeJS.ProcessEnv,
): Promise<Outcome> {
	return new Promise((resolve, reject) => {
		const child = spawn(ZX, [script, ...args], {
			cwd,
			env: { ...env, NO_COLOR: '1', FORCE_COLOR: '0' },
			stdio: ['ignore', 'pipe', 'pipe'],
			detached: true,
		});
		running.add(child);
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
		child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
		child.once('error', reject);
		child.once('close', (code) => {
			running.delete(child);
			resolve({ code, stdout, stderr });
		});
	});
}
const running = new Set<ReturnType<typeof spawn>>();
after(async () => {
	await Promise.all([...running].map((c) => killGroup(c)));
	await stopAll();
});

/**
 * Two runs of a read step a moment apart differ in ages, restart counters and, for the member in its crash loop,
 * the phase `get pods` happens to catch (Running between two restarts, CrashLoopBackOff while the kubelet waits);
 * never in anything else.
 */
function stable(text: string): string {
	return text
		.replace(/\b(Running|CrashLoopBackOff|Error)\b/g, 'PHASE')
		.replace(/\d+/g, '0')
		.replace(/ {2,}/g, ' ');
}

/** A folder holding only the standalone file, as a user who downloaded it would have. */
const standalone = new Map<string, { dir: string; file: string }>();

let scratch = '';
after(() => (scratch ? rm(scratch, { recursive: true, force: true }) : undefined));

before(async () => {
	scratch = await mkdtemp(path.join(tmpdir(), 'milvus-rescue-standalone-'));
	const shim = await zxShimSource(ROOT);
	for (const name of NAMES) {
		const dir = path.join(scratch, name);
		await mkdir(dir);
		const file = path.join(dir, `${name}.mjs`);
		await writeFile(file, await bundleRunbook(ROOT, name, shim));
		standalone.set(name, { dir, file: `${name}.mjs` });
	}
});

describe('standalone runbooks, alone in an empty folder', () => {
	NAMES.forEach((name, i) => {
		// One zx start-up per view, the two languages in turn down the list: the bundle carries both languages'
		// texts whichever is asked, and contract.test.ts holds every runbook's own views in both.
		const [helpLang, describeLang] =
			i % 2 === 0 ? (['en', 'id'] as const) : (['id', 'en'] as const);
		test(`${name}: --help (${helpLang}) and --describe (${describeLang}) print what the repository's runbook prints`, async () => {
			const alone = standalone.get(name);
			assert.ok(alone);
			const runbook = (await import(path.join(ROOT, 'runbooks', `${name}.mjs`)))
				.default as RunbookHandle;
			const [help, described] = await Promise.all([
				runZx(alone.file, ['--help', '--lang', helpLang], alone.dir, process.env),
				runZx(alone.file, ['--describe', '--lang', describeLang], alone.dir, process.env),
			]);
			assert.equal(help.code, 0, `--help failed: ${help.stderr}`);
			assert.equal(help.stderr, '');
			assert.equal(help.stdout, await runbook.help(helpLang));
			assert.equal(described.code, 0, `--describe failed: ${described.stderr}`);
			assert.equal(described.stderr, '');
			// The describe output is the one the site was built from.
			assert.deepEqual(
				JSON.parse(described.stdout),
				await describeRunbook(ROOT, name, describeLang),
			);
		});
	});

	test('a bad flag gives one line and exit 2, as in the repository', async () => {
		const alone = standalone.get('etcd-pending');
		assert.ok(alone);
		const mine = await runZx(alone.file, ['--no-such-flag'], alone.dir, process.env);
		assert.equal(mine.code, 2);
		assert.equal(mine.stderr.trim().split('\n').length, 1, mine.stderr);
	});

	test('run with plain node instead of zx, it says how to run it in one line', async () => {
		const alone = standalone.get('boot');
		assert.ok(alone);
		const outcome = await new Promise<Outcome>((resolve) => {
			const child = spawn(process.execPath, [alone.file, '--help'], { cwd: alone.dir });
			let stderr = '';
			child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
			child.once('close', (code) => resolve({ code, stdout: '', stderr }));
		});
		assert.equal(outcome.code, 2);
		assert.match(outcome.stderr, /^Run this file with zx: npx zx/);
		assert.equal(outcome.stderr.trim().split('\n').length, 1);
	});
});

describe('standalone Kubernetes runbooks against the stand-in cluster', () => {
	let cluster: StandinCluster;
	before(async () => {
		cluster = await createCluster({ generation: 'bitnami-2022' });
		// One member in the bad-member-id crash loop: that runbook plans a real fix, the others find
		// their own symptom missing; both outcomes must match the repository's runbook exactly.
		await cluster.inject('empty-member-id', [1]);
		await cluster.waitPod(1, 'CrashLoopBackOff');
	});

	const kubernetes = [
		'etcd-pending',
		'etcd-bad-member-id',
		'etcd-multi-crash',
		'etcd-all-crash',
		'etcd-nospace',
		'etcd-image-pull',
	];
	for (const name of kubernetes) {
		test(`${name}: --dry-run gives the repository runbook's output and exit code`, async (t) => {
			const alone = standalone.get(name);
			assert.ok(alone, `${name} has no standalone build`);
			const elsewhere = await tmpDir(t, 'milvus-rescue-repo-run-');
			// Separate state folders: a first dry run must not look like progress to the second.
			const env = (dir: string) => ({
				...cluster.env,
				MILVUS_RESCUE_STATE_DIR: path.join(dir, 'state'),
			});
			const args = ['--dry-run', '--lang', 'en'];
			const mine = await runZx(alone.file, args, alone.dir, env(alone.dir));
			const repo = await runZx(
				path.join(ROOT, 'runbooks', `${name}.mjs`),
				args,
				elsewhere,
				env(elsewhere),
			);
			assert.equal(mine.code, repo.code, `standalone: ${mine.stderr}\nrepository: ${repo.stderr}`);
			assert.equal(stable(mine.stdout), stable(repo.stdout));
			assert.equal(stable(mine.stderr), stable(repo.stderr));
			if (name === 'etcd-bad-member-id') {
				assert.equal(mine.code, 0, mine.stdout + mine.stderr);
				assert.match(mine.stdout + mine.stderr, /rm -f \/bitnami\/etcd\/data\/member_id/);
			}
		});
	}
});
