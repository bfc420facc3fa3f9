// What makes etcd-all-crash safe at 3 a.m., on the stand-in (real etcd behind the real kubectl), with two small
// clusters behind the same context/namespace/release:
// - a 1.4 MB value (under etcd's 1.5 MiB request limit) goes through backup, PVC deletion and restore intact;
// - a backup that could not be restored (a value over --max-request-bytes) is refused with every PVC untouched;
// - saved progress of cluster A is not applied to cluster B behind the same names: B starts fresh and says so;
// - a member that crashes with an empty member_id keeps its data: exit 4, naming etcd-bad-member-id;
// - a key written into the fresh etcd before the restore stops it, with the exact command that clears it;
// - Ctrl-C during the copies deletes the helper pod it had; a helper pod left by an interrupted copy is taken
//   over, and the re-run ends healthy.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { rmSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { stopAll, type StandinCluster } from '../../tools/standin/index.mjs';
import { tmpDir } from '../../tools/support/tmp.ts';
import { freePort } from '../../tools/support/port.ts';
import { ROOT } from '../../tools/support/paths.ts';
import { runCli } from '../../tools/support/etcd.ts';
import { newCluster } from '../etcd-runbooks/helpers.ts';
import { etcdHttp } from '../../runbooks/lib/etcd-http.mjs';
import { helperOverrides } from '../../runbooks/lib/kube.mjs';

const cleanups: Array<() => unknown> = [];
const hooks = { after: (fn: () => unknown) => cleanups.push(fn) };
after(async () => {
	for (const fn of cleanups.reverse()) await fn();
	await stopAll();
});

const RUNBOOK = path.join(ROOT, 'runbooks', 'etcd-all-crash.mjs');
const BIG_KEY = 'by-dev/meta/root-coord/fields/449/big';
const str = (b: Buffer) => b.toString('latin1');

async function pvcUid(c: StandinCluster, i: number): Promise<string | null> {
	const r = await c.kubectl(['get', 'pvc', `data-my-release-etcd-${i}`, '-o', 'json']);
	return r.code === 0 ? String(JSON.parse(r.stdout).metadata.uid) : null;
}

test('all-crash on the stand-in: 1.4 MB value, refusal, second cluster, bad member id, leftover helper', async () => {
	const work = await tmpDir(hooks, 'all-crash-safety-');
	const stateDir = path.join(work, 'state');
	const port = await freePort();
	const run = (c: StandinCluster, args: string[], input?: string) =>
		runCli(
			process.execPath,
			[RUNBOOK, '--work-dir', work, '--local-port', String(port), '--timeout', '120', ...args],
			{
				env: {
					...c.env,
					MILVUS_RESCUE_STATE_DIR: stateDir,
					NO_COLOR: '1',
					...(input === undefined ? {} : { MILVUS_RESCUE_ASSUME_TTY: '1' }),
				},
				cwd: work,
				timeoutMs: 300_000,
				input,
			},
		);

	// Cluster A: Milvus-like keys and one value of 1.4 MB. (A lone member repairs a garbled WAL tail and
	// starts; members of a cluster crash on it, which is the case this runbook is for.)
	const a = await newCluster({ generation: 'milvusdb-fork', replicas: 3 });
	await a.putMilvusKeys(150);
	const big = Buffer.alloc(1_400_000);
	for (let i = 0; i < big.length; i++) big[i] = (i * 131 + 7) % 251;
	await etcdHttp(a.clientUrl(0)).put(BIG_KEY, big);
	const before = await a.dumpKeys();
	assert.ok(before.some((kv) => str(kv.key) === BIG_KEY));
	await a.inject('all-down');
	for (let i = 0; i < 3; i++) await a.waitPod(i, 'CrashLoopBackOff', { timeoutMs: 90_000 });
	const uidA = await pvcUid(a, 0);

	// Ctrl-C (SIGINT to the whole process group, as a terminal sends it) while a helper pod is being made.
	const interrupted = await new Promise<{ code: number | null; out: string }>((resolve) => {
		const child = spawn(
			process.execPath,
			[RUNBOOK, '--work-dir', work, '--local-port', String(port), '--timeout', '120', '--yes'],
			{
				env: { ...a.env, MILVUS_RESCUE_STATE_DIR: stateDir, NO_COLOR: '1' },
				cwd: work,
				detached: true,
				stdio: ['ignore', 'pipe', 'pipe'],
			},
		);
		let out = '';
		let sent = false;
		const onData = (d: Buffer) => {
			out += d.toString();
			if (!sent && /Copy member\/snap\/db out of data-my-release-etcd-1/.test(out)) {
				sent = true;
				process.kill(-child.pid!, 'SIGINT');
			}
		};
		child.stdout.on('data', onData);
		child.stderr.on('data', onData);
		child.on('close', (code) => resolve({ code, out }));
	});
	assert.equal(interrupted.code, 3, interrupted.out.slice(-2000));
	assert.match(interrupted.out, /interrupted/);
	assert.deepEqual(
		(await a.pods()).filter((p) => p.name.startsWith('etcd-rescue-')).map((p) => p.name),
		[],
		'no helper pod outlives Ctrl-C',
	);

	// A request limit below the big value: refused after the backup, before anything is deleted.
	const refused = await run(a, ['--yes', '--max-request-bytes', '1000000']);
	assert.equal(refused.code, 3, refused.stderr);
	assert.match(
		refused.stderr,
		/more than etcd accepts in one request \(--max-request-bytes 1000000\)/,
	);
	assert.match(refused.stdout, /Step \d+\/\d+ \[read-only\] Prove the backup can be restored/);
	assert.doesNotMatch(refused.stdout, /Step \d+\/\d+ \[DELETES DATA\]/);
	assert.equal(await pvcUid(a, 0), uidA, 'the PVC is untouched');

	// Cluster B behind the same context, namespace and release: one member stops at an empty member_id
	// (the stand-in's start script reads member_id only while the other members are up).
	const b = await newCluster({ generation: 'bitnami-2022', replicas: 3 });
	await b.inject('empty-member-id', [1]);
	await b.waitPod(1, 'CrashLoopBackOff', { timeoutMs: 90_000 });
	await b.waitLog(1, 'bad member ID arg', { previous: true });
	const other = await run(b, ['--yes']);
	assert.equal(other.code, 4, other.stderr);
	assert.match(other.stdout + other.stderr, /does not belong to this cluster.*starting fresh/);
	assert.doesNotMatch(other.stdout + other.stderr, /Continuing an earlier run/);
	assert.match(other.stderr, /my-release-etcd-1 stops at `bad member ID arg`.*etcd-bad-member-id/);
	assert.equal(
		JSON.parse((await b.kubectl(['get', 'sts', b.sts, '-o', 'json'])).stdout).spec.replicas,
		3,
		'cluster B untouched',
	);
	await b.stop();

	// Back on A: the copy was "interrupted" (no finished copy, a helper pod still mounting the PVC).
	rmSync(path.join(work, 'my-release-etcd-0.db'), { force: true });
	const helper = 'etcd-rescue-my-release-etcd-0';
	const created = await a.kubectl([
		'run',
		helper,
		'--image=busybox:1.36',
		'--restart=Never',
		`--overrides=${helperOverrides('data-my-release-etcd-0', helper)}`,
	]);
	assert.equal(created.code, 0, created.stderr);
	await a.kubectl(['wait', '--for=condition=Ready', `pod/${helper}`, '--timeout=60s']);

	// Up to the restore, answered at a terminal: the StatefulSet name, two changes, then "no" to the restore.
	const partial = await run(a, [], `${a.sts}\ny\ny\nn\n`);
	assert.equal(partial.code, 3, partial.stderr.slice(-3000));
	const said = partial.stdout + partial.stderr;
	assert.match(said, /Progress of this cluster set aside by another run .*taking it back/);
	assert.match(said, /Continuing an earlier run/);
	assert.match(
		said,
		/helper pod etcd-rescue-my-release-etcd-0 from an interrupted run .*reusing it/,
	);
	assert.notEqual(await pvcUid(a, 0), uidA, 'the PVC was replaced');

	// Something writes into the fresh etcd before the restore: refused, with the command that clears it.
	await etcdHttp(a.clientUrl(0)).put('by-dev/meta/session/querycoord', '{"ServerID":99}');
	const foreign = await run(a, ['--yes']);
	assert.equal(foreign.code, 3, foreign.stderr.slice(-3000));
	assert.match(
		foreign.stderr,
		/1 keys that are not in the backup \(first: by-dev\/meta\/session\/querycoord\)/,
	);
	const clear =
		"kubectl --context standin -n default exec my-release-etcd-0 -- etcdctl del '' --from-key";
	assert.ok(foreign.stderr.includes(clear), foreign.stderr.slice(-1500));
	const cleared = await a.kubectl([
		'exec',
		'my-release-etcd-0',
		'--',
		'etcdctl',
		'del',
		'',
		'--from-key',
	]);
	assert.equal(cleared.code, 0, cleared.stderr);

	// The all-down fault garbles every member's WAL, so no acknowledged write after the db index can be
	// vouched for: etcd is rebuilt with every key of the backup, and the run says so instead of "Healthy".
	const res = await run(a, ['--yes', '--json']);
	assert.equal(res.code, 1, `${res.stderr.slice(-3000)}`);
	assert.match(res.stderr, /Continuing an earlier run/);
	assert.match(res.stderr, /3 members healthy, .*writes possibly missing: unknown/);
	const report = JSON.parse(res.stdout);
	assert.equal(report.verify.ok, false);
	assert.ok(!(await a.pods()).some((p) => p.name.startsWith('etcd-rescue-')), 'no helper left');

	const back = await a.dumpKeys();
	assert.equal(back.length, before.length);
	back.forEach((kv, i) => {
		assert.equal(str(kv.key), str(before[i]!.key));
		assert.ok(kv.value.equals(before[i]!.value), `value of ${str(kv.key)}`);
	});
	const restored = back.find((kv) => str(kv.key) === BIG_KEY);
	assert.ok(restored?.value.equals(big), 'the 1.4 MB value came back byte for byte');
	await a.stop();
});
