// etcd-multi-crash with a survivor that is not etcd-0, with etcd-0 removed from a healthy cluster, and
// refusing to force a survivor whose data is older than a dead member's. One cluster, the cases in turn:
// each of the first two ends healthy, the last one leaves the cluster broken on purpose.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { StandinCluster, KV } from '../../tools/standin/index.mjs';
import { latestRevision } from '../../runbooks/lib/mvcc.mjs';
import {
	assertHealthyWithKeys,
	cleanup,
	kubectl,
	newCluster,
	runRunbook,
	seedKeys,
	untouchable,
} from './helpers.ts';

after(cleanup);

interface StepRow {
	id: string;
	status: string;
	command: string;
}

function stsEnv(json: string): Record<string, string | undefined> {
	const sts = JSON.parse(json);
	return Object.fromEntries(
		sts.spec.template.spec.containers[0].env.map((e: { name: string; value?: string }) => [
			e.name,
			e.value,
		]),
	);
}

/** The pid of a member's etcd process, as the stand-in records it. */
function etcdPid(c: StandinCluster, ordinal: number): number {
	const st = JSON.parse(fs.readFileSync(path.join(c.dir, 'state.json'), 'utf8'));
	const pod = st.pods.find((p: { name: string }) => p.name === `${c.sts}-${ordinal}`);
	assert.ok(pod?.pid, `no etcd process for ${c.sts}-${ordinal}`);
	return pod.pid as number;
}

/** Revision of the newest key in a member's db on disk; 0 while it cannot be read. */
function diskRevision(c: StandinCluster, ordinal: number): number {
	try {
		return Number(latestRevision(path.join(c.pvcDir(ordinal), 'data', 'member', 'snap', 'db')));
	} catch {
		return 0;
	}
}

async function retryPut(put: () => Promise<void>): Promise<void> {
	for (let attempt = 1; ; attempt++) {
		try {
			return await put();
		} catch (e) {
			if (attempt >= 5) throw e;
		}
	}
}

async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
	const deadline = Date.now() + 60_000;
	while (!(await check())) {
		assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 250));
	}
}

describe('etcd-multi-crash: any survivor', () => {
	let c: StandinCluster;
	let keys: KV[];
	let backupDir: string;
	before(async () => {
		c = await newCluster({ generation: 'milvusdb-fork' });
		keys = await seedKeys(c, 2000);
		backupDir = path.join(c.dir, 'rescue');
	});
	after(async () => c?.stop());

	it('etcd-1 survives while etcd-0 and etcd-2 crash-loop: rebuilt around etcd-1, every key kept', async () => {
		const initial = stsEnv(
			await kubectl(c, 'get', 'sts', c.sts, '-o', 'json'),
		).ETCD_INITIAL_CLUSTER;
		await c.inject('corrupt-data', [0, 2]);
		await c.waitPod(0, 'CrashLoopBackOff');
		await c.waitPod(2, 'CrashLoopBackOff');
		const run = await runRunbook(
			'etcd-multi-crash',
			['--yes', '--json', '--backup-dir', backupDir, '--timeout', '150'],
			{ env: c.env },
		);
		assert.equal(run.code, 0, run.stderr);
		assert.match(run.stderr, /survivor: my-release-etcd-1 \(revision \d+/);
		const report = JSON.parse(run.stdout);
		assert.equal(report.verify.ok, true, report.verify.details);
		const steps: StepRow[] = report.steps;
		const at = (id: string, text: string) =>
			steps.findIndex((s) => s.id === id && s.command.includes(text));
		// etcd-2 stops, etcd-0's disk goes before the forced restart (so etcd-0 cannot start with old data),
		// etcd-1 is forced while ETCD_INITIAL_CLUSTER holds a value that stops the empty etcd-0 at once,
		// then the chart's member list and `existing` come back in one change; etcd-2 last.
		const order = [
			at('scale-down', '--replicas=2'),
			at('delete-pvc', `data-${c.sts}-0`),
			at('force-new-cluster', 'ETCD_INITIAL_CLUSTER=rescue=http://rescue.invalid:2380/in-progress'),
			at('clear-force-new-cluster', 'ETCD_INITIAL_CLUSTER_STATE=existing'),
			at('delete-pvc', `data-${c.sts}-2`),
			at('scale-up', '--replicas=3'),
		];
		assert.ok(
			order.every((i, j) => i >= 0 && (j === 0 || i > order[j - 1]!)),
			steps.map((s) => `${s.id}:${s.status}`).join(' '),
		);
		// Every step ran but the quorum alternative, which this plan lists and does not choose.
		assert.ok(
			steps.every((s) => s.status === (s.id === 'member-remove' ? 'skipped' : 'ran')),
			steps.map((s) => `${s.id}:${s.status}`).join(' '),
		);
		await assertHealthyWithKeys(c, keys);
		const env = stsEnv(await kubectl(c, 'get', 'sts', c.sts, '-o', 'json'));
		assert.equal(env.ETCD_INITIAL_CLUSTER, initial);
		assert.equal(env.ETCD_INITIAL_CLUSTER_STATE, 'existing');
		assert.ok(!('ETCD_FORCE_NEW_CLUSTER' in env), 'force-new-cluster flag left on');
	});

	it('only etcd-0 crash-loops because it was removed: diagnose names this runbook, which heals it', async () => {
		await c.settle();
		await c.inject('remove-member', [0]);
		await c.waitPod(0, 'CrashLoopBackOff');
		const logs = await c.waitLog(0, /permanently removed from the cluster|failed to find member/, {
			previous: true,
		});
		const diag = await runRunbook('diagnose', ['--file', '-', '--json'], {
			env: c.env,
			input: logs,
		});
		const found = JSON.parse(diag.stdout);
		assert.equal(found.matches[0]?.symptom, 'etcd-multi-crash', diag.stdout);

		const run = await runRunbook(
			'etcd-multi-crash',
			['--yes', '--json', '--backup-dir', backupDir, '--timeout', '150'],
			{ env: c.env },
		);
		assert.equal(run.code, 0, run.stderr);
		assert.match(run.stderr, /my-release-etcd-0 was removed from the cluster earlier/);
		const ids = JSON.parse(run.stdout).steps.map((s: StepRow) => s.id);
		assert.ok(!ids.includes('force-new-cluster') && !ids.includes('scale-down'), ids.join(' '));
		assert.ok(ids.includes('restart-pod'), ids.join(' '));
		await assertHealthyWithKeys(c, keys);
	});

	it('refuses to force a survivor whose data is older than a dead member’s, naming both revisions', async () => {
		await c.settle();
		// etcd-0 freezes; etcd-1 and etcd-2 keep quorum and take 40 MB of writes, far more than the socket
		// buffers towards etcd-0 hold, then both lose their WAL (killed, so what they still queued for etcd-0
		// dies with them). etcd-0 resumes as the only running member, behind the dbs left on their disks.
		// (A restarted etcd 3.4 without quorum never serves clients, so the survivor must not restart.)
		const pid = etcdPid(c, 0);
		process.kill(pid, 'SIGSTOP');
		try {
			const big = Buffer.alloc(1_000_000, 'x');
			for (let i = 0; i < 40; i++) {
				// The first writes may meet a leader election (etcd-0 may have been the leader).
				await retryPut(() =>
					c.put(`by-dev/kv/after-freeze/${i}`, big, {
						endpoint: c.clientUrl(1),
						timeoutMs: 30_000,
					}),
				);
			}
			// The writes reach the db files within etcd's batch interval; wait for them to be on disk.
			await until(async () => {
				const r = await c.kubectl([
					'exec',
					`${c.sts}-1`,
					'--',
					'etcdctl',
					'endpoint',
					'status',
					'-w',
					'json',
				]);
				const rev = Number(/"revision":(\d+)/.exec(r.stdout)?.[1] ?? 0);
				return rev > 0 && diskRevision(c, 1) >= rev && diskRevision(c, 2) >= rev;
			}, 'the new writes in the db files');
			await c.inject('corrupt-data', [1, 2]);
		} finally {
			process.kill(pid, 'SIGCONT');
		}
		await c.waitPod(1, 'CrashLoopBackOff');
		await c.waitPod(2, 'CrashLoopBackOff');
		const snapshot = await untouchable(c);
		const run = await runRunbook(
			'etcd-multi-crash',
			['--yes', '--backup-dir', backupDir, '--timeout', '150'],
			{ env: c.env },
		);
		assert.equal(run.code, 3, run.stdout + run.stderr);
		const m = /revision (\d+), newer than my-release-etcd-0 at revision (\d+)/.exec(
			run.stdout + run.stderr,
		);
		assert.ok(m, run.stdout + run.stderr);
		assert.ok(Number(m[1]) > Number(m[2]));
		assert.deepEqual(await untouchable(c), snapshot, 'a refused run changed the cluster');
	});
});
