// Milvus workloads and their replica counts live in the resume state: a run that continues an earlier one
// stops and starts exactly what the first run saw, with the counts it had, even when Milvus is at 0 by then.
// (The stand-in has no Milvus Deployments; the steps are generated from the saved facts.)
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { stopAll } from '../../tools/standin/index.mjs';
import { tmpDir } from '../../tools/support/tmp.ts';
import { ROOT } from '../../tools/support/paths.ts';
import { runCli } from '../../tools/support/etcd.ts';
import { newCluster } from '../etcd-runbooks/helpers.ts';
import { stateFile, writeJsonAtomic } from '../../runbooks/lib/state.mjs';

const cleanups: Array<() => unknown> = [];
const hooks = { after: (fn: () => unknown) => cleanups.push(fn) };
after(async () => {
	for (const fn of cleanups.reverse()) await fn();
	await stopAll();
});

test('a resumed run plans stop-milvus and start-milvus from the saved replica counts', async () => {
	const work = await tmpDir(hooks, 'milvus-resume-');
	const stateDir = path.join(work, 'state');
	const c = await newCluster({ generation: 'milvusdb-fork', replicas: 1 });
	const env = { MILVUS_RESCUE_STATE_DIR: stateDir };
	const file = stateFile(
		{ runbook: 'etcd-all-crash', context: 'standin', namespace: 'default', release: 'my-release' },
		env,
	);
	const facts = {
		replicas: 1,
		initialCluster: null,
		singleMember: null,
		clusterState: 'new',
		pvcUids: {},
		workDir: path.join(work, 'w'),
		backupDir: path.join(work, 'w', 'backup'),
		nodes: {},
		milvus: [
			{ kind: 'deployment', name: 'my-release-milvus-proxy', replicas: 2 },
			{ kind: 'statefulset', name: 'my-release-milvus-querynode', replicas: 3 },
		],
	};
	const now = new Date().toISOString();
	writeJsonAtomic(file, {
		version: 1,
		target: {
			runbook: 'etcd-all-crash',
			context: 'standin',
			namespace: 'default',
			release: 'my-release',
		},
		startedAt: now,
		updatedAt: now,
		completed: {
			'scale-to-zero x': {
				id: 'scale-to-zero',
				command: 'kubectl scale sts my-release-etcd --replicas=0',
				at: now,
			},
		},
		facts,
	});
	const r = await runCli(
		process.execPath,
		[path.join(ROOT, 'runbooks', 'etcd-all-crash.mjs'), '--dry-run', '--work-dir', facts.workDir],
		{ env: { ...c.env, ...env, NO_COLOR: '1' }, cwd: work },
	);
	assert.equal(r.code, 0, r.stderr);
	assert.match(r.stdout, /Continuing an earlier run/);
	assert.match(
		r.stdout,
		/kubectl --context standin -n default scale deployment,statefulset -l app\.kubernetes\.io\/instance=my-release,app\.kubernetes\.io\/name=milvus --replicas=0/,
	);
	assert.match(r.stdout, /scale deployment my-release-milvus-proxy --replicas=2/);
	assert.match(r.stdout, /scale statefulset my-release-milvus-querynode --replicas=3/);
	const plan = r.stdout.slice(0, r.stdout.indexOf('Step 1/'));
	const at = (re: RegExp) => {
		const i = plan.search(re);
		assert.ok(i >= 0, `${re} not in the plan`);
		return i;
	};
	assert.ok(
		at(/\[changes\] Stop Milvus/) < at(/\[DELETES DATA\]/),
		'Milvus stops before the PVCs go',
	);
	assert.ok(at(/Start deployment my-release-milvus-proxy/) > at(/Check every member/));
	assert.match(r.stdout, /Dry run finished: nothing was changed/);
	await c.stop();
});
