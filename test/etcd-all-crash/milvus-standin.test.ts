// Milvus Deployments on the stand-in while every etcd member crash-loops: etcd-all-crash stops Milvus before
// the empty etcd starts (Milvus would write its own fresh metadata into it), keeps the replica counts in the
// resume state, and starts Milvus again with those counts. A run killed right after the stop (Milvus at 0 by
// then) is continued by a re-run that still brings back the original counts, not 0.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { type StandinCluster } from '../../tools/standin/index.mjs';
import { tmpDir } from '../../tools/support/tmp.ts';
import { freePort } from '../../tools/support/port.ts';
import { cleanup, newCluster, retry, runRunbook } from '../etcd-runbooks/helpers.ts';
import { stateFile } from '../../runbooks/lib/state.mjs';

const cleanups: Array<() => unknown> = [];
const hooks = { after: (fn: () => unknown) => cleanups.push(fn) };
after(async () => {
	for (const fn of cleanups.reverse()) await fn();
	await cleanup();
});

/** deployment name -> spec.replicas of the release's Milvus Deployments. */
async function milvusReplicas(c: StandinCluster): Promise<Record<string, number>> {
	const r = await retry(() =>
		c.kubectl(['get', 'deployment', '-l', 'app.kubernetes.io/name=milvus', '-o', 'json']),
	);
	assert.equal(r.code, 0, r.stderr);
	const out: Record<string, number> = {};
	for (const d of JSON.parse(r.stdout).items) out[d.metadata.name] = Number(d.spec.replicas);
	return out;
}

async function milvusPodCount(c: StandinCluster): Promise<number> {
	return (await c.pods()).filter((p) => p.name.includes('-milvus-')).length;
}

test('Milvus is stopped before the empty etcd starts and comes back with its counts, also after a kill', async () => {
	const work = await tmpDir(hooks, 'all-crash-milvus-');
	const stateDir = path.join(work, 'state');
	const port = await freePort();
	const c = await newCluster({ generation: 'milvusdb-fork', replicas: 3, milvus: 'cluster' });
	// Counts that are not the chart's default of 1, and one component the user keeps at 0.
	await c.kubectl(['scale', 'deployment', 'my-release-milvus-querynode', '--replicas=2']);
	await c.kubectl(['scale', 'deployment', 'my-release-milvus-indexnode', '--replicas=0']);
	const original = await milvusReplicas(c);
	assert.equal(original['my-release-milvus-querynode'], 2);
	assert.equal(original['my-release-milvus-indexnode'], 0);
	assert.ok(Object.keys(original).length >= 8, JSON.stringify(original));

	await c.putMilvusKeys(200);
	await c.inject('all-down');
	for (let i = 0; i < 3; i++) await c.waitPod(i, 'CrashLoopBackOff', { timeoutMs: 90_000 });
	const pvcs = async (): Promise<string[]> =>
		JSON.parse((await retry(() => c.kubectl(['get', 'pvc', '-o', 'json']))).stdout)
			.items.map((p: { metadata: { uid: string } }) => p.metadata.uid)
			.sort();
	const uidsBefore = await pvcs();

	const env = { ...c.env, MILVUS_RESCUE_STATE_DIR: stateDir };
	const args = ['--work-dir', work, '--local-port', String(port), '--timeout', '120', '--yes'];

	// 1. Killed (SIGKILL of the process group, a lost terminal) as soon as the step after the stop begins.
	const killed = await runRunbook('etcd-all-crash', args, {
		env,
		cwd: work,
		killOn: /Step \d+\/\d+ \[changes\] Delete the helper pods/,
		timeoutMs: 300_000,
	});
	assert.ok(killed.killed, `not killed: ${killed.stderr}\n${killed.stdout.slice(-3000)}`);
	assert.match(killed.stdout, /Milvus stopped: /);
	const stopped = await milvusReplicas(c);
	for (const [name, n] of Object.entries(stopped)) assert.equal(n, 0, `${name} stopped`);
	assert.equal(await milvusPodCount(c), 0, 'no Milvus pod left');
	assert.deepEqual(await pvcs(), uidsBefore, 'nothing deleted yet');
	// The counts that matter are in the resume state, not in the (now 0) Deployments.
	const state = JSON.parse(
		readFileSync(
			stateFile(
				{
					runbook: 'etcd-all-crash',
					context: 'standin',
					namespace: 'default',
					release: 'my-release',
				},
				env,
			),
			'utf8',
		),
	);
	const saved: Record<string, number> = {};
	for (const w of state.facts.milvus as Array<{ kind: string; name: string; replicas: number }>) {
		assert.equal(w.kind, 'deployment');
		saved[w.name] = w.replicas;
	}
	assert.deepEqual(saved, original);

	// 2. The re-run continues; when the empty etcd starts, Milvus is still at 0.
	let atFreshStart: Promise<Record<string, number>> | null = null;
	const resumed = await new Promise<Awaited<ReturnType<typeof runRunbook>>>((resolve, reject) => {
		const p = runRunbook('etcd-all-crash', [...args, '--json'], {
			env,
			cwd: work,
			timeoutMs: 300_000,
		});
		// runRunbook gives the output at the end only; watch the stand-in instead while it runs.
		const started = Date.now();
		const poll = setInterval(async () => {
			if (atFreshStart || Date.now() - started > 300_000) return;
			const pods = await c.pods().catch(() => []);
			// The fresh member: etcd-0 running again after the PVCs were replaced.
			const uids = await pvcs().catch(() => uidsBefore);
			if (
				JSON.stringify(uids) !== JSON.stringify(uidsBefore) &&
				pods.some((x) => x.name === 'my-release-etcd-0')
			)
				atFreshStart = milvusReplicas(c);
		}, 300);
		p.then(
			(r) => {
				clearInterval(poll);
				resolve(r);
			},
			(e) => {
				clearInterval(poll);
				reject(e);
			},
		);
	});
	assert.match(resumed.stdout + resumed.stderr, /Continuing an earlier run/);
	const report = JSON.parse(resumed.stdout);
	const steps = report.steps as Array<{ id: string; status: string }>;
	const order = (id: string) => {
		const i = steps.findIndex((s) => s.id === id);
		assert.ok(i >= 0, `${id} not in ${steps.map((s) => s.id).join(', ')}`);
		return i;
	};
	assert.ok(order('stop-milvus') < order('delete-pvcs'));
	assert.ok(order('delete-pvcs') < order('scale-to-one'));
	assert.ok(order('start-milvus') > order('restore'));
	for (const s of steps.filter((x) => x.id === 'start-milvus'))
		assert.notEqual(s.status, 'failed', JSON.stringify(s));
	assert.ok(atFreshStart, 'the fresh etcd member was seen starting');
	const during = await (atFreshStart as unknown as Promise<Record<string, number>>);
	for (const [name, n] of Object.entries(during))
		assert.equal(n, 0, `${name} still stopped when the empty etcd starts`);
	assert.notDeepEqual(await pvcs(), uidsBefore, 'the PVCs were replaced');

	// 3. Back to the counts before the incident, not to the 0 the first run left.
	assert.deepEqual(await milvusReplicas(c), original);
	await c.stop();
});
