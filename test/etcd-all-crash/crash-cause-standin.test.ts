// etcd-all-crash routes members killed from outside away from the destructive path, end to end on the stand-in:
// every member crash-loops, two with a corrupt WAL and one killed by the OOM killer (lastState OOMKilled, exit
// 137), then by its liveness probe (a bare exit 137 after the kubelet's probe events). Each run exits 4 naming
// the cause, and every PVC keeps its uid: nothing was deleted.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { stopAll, type StandinCluster } from '../../tools/standin/index.mjs';
import { tmpDir } from '../../tools/support/tmp.ts';
import { freePort } from '../../tools/support/port.ts';
import { ROOT } from '../../tools/support/paths.ts';
import { runCli } from '../../tools/support/etcd.ts';
import { newCluster } from '../etcd-runbooks/helpers.ts';

const cleanups: Array<() => unknown> = [];
const hooks = { after: (fn: () => unknown) => cleanups.push(fn) };
after(async () => {
	for (const fn of cleanups.reverse()) await fn();
	await stopAll();
});

const RUNBOOK = path.join(ROOT, 'runbooks', 'etcd-all-crash.mjs');

async function pvcUids(c: StandinCluster): Promise<string[]> {
	const uids = [];
	for (let i = 0; i < 3; i++) {
		const r = await c.kubectl(['get', 'pvc', `data-my-release-etcd-${i}`, '-o', 'json']);
		assert.equal(r.code, 0, r.stderr);
		uids.push(String(JSON.parse(r.stdout).metadata.uid));
	}
	return uids;
}

test('OOMKilled and liveness-probe kills exit 4 with every PVC untouched', async () => {
	const work = await tmpDir(hooks, 'all-crash-cause-');
	const port = await freePort();
	const c = await newCluster({ generation: 'bitnami-2022', replicas: 3 });
	const run = () =>
		runCli(
			process.execPath,
			[RUNBOOK, '--work-dir', work, '--local-port', String(port), '--timeout', '120', '--yes'],
			{
				env: { ...c.env, MILVUS_RESCUE_STATE_DIR: path.join(work, 'state'), NO_COLOR: '1' },
				cwd: work,
			},
		);
	await c.putMilvusKeys(200);
	const before = await pvcUids(c);

	await c.inject('oom', [1]);
	await c.inject('corrupt-data', [0, 2]);
	for (const i of [0, 1, 2]) await c.waitPod(i, 'CrashLoopBackOff', { timeoutMs: 90_000 });
	const pod1 = JSON.parse(
		(await c.kubectl(['get', 'pod', 'my-release-etcd-1', '-o', 'json'])).stdout,
	);
	assert.equal(pod1.status.containerStatuses[0].lastState.terminated.reason, 'OOMKilled');
	const oom = await run();
	assert.equal(oom.code, 4, oom.stdout + oom.stderr);
	assert.match(
		oom.stderr,
		/my-release-etcd-1 is killed for memory \(lastState: OOMKilled \(exit 137\)\)/,
	);
	assert.match(oom.stderr, /etcd\.resources\.limits\.memory/);
	assert.doesNotMatch(oom.stdout, /\[DELETES DATA\]/);
	assert.deepEqual(await pvcUids(c), before, 'every PVC untouched after the OOM refusal');

	// The same member now killed by its probe: a bare SIGKILL, and the events say why.
	await c.inject('liveness', [1]);
	const pod1b = JSON.parse(
		(await c.kubectl(['get', 'pod', 'my-release-etcd-1', '-o', 'json'])).stdout,
	);
	const term = pod1b.status.containerStatuses[0].lastState.terminated;
	assert.deepEqual([term.reason, term.exitCode], ['Error', 137]);
	const probe = await run();
	assert.equal(probe.code, 4, probe.stdout + probe.stderr);
	assert.match(
		probe.stderr,
		/my-release-etcd-1 is killed by its liveness probe \(Liveness probe failed: .*\).*livenessProbe/,
	);
	assert.doesNotMatch(probe.stderr, /killed for memory/);
	assert.deepEqual(await pvcUids(c), before, 'every PVC untouched after the liveness refusal');
});
