import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { createCluster, stopAll } from '../../tools/standin/index.mjs';

after(stopAll);

const BAD_ID =
	'Error: bad member ID arg (strconv.ParseUint: parsing "": invalid syntax), expecting ID in Hex';

/** The helper pod the runbooks use to reach a PVC while its etcd pod cannot run. */
function helperOverrides(name: string, pvc: string) {
	return JSON.stringify({
		apiVersion: 'v1',
		spec: {
			containers: [
				{
					name,
					image: 'busybox:1.36',
					command: ['sleep', '3600'],
					volumeMounts: [{ name: 'data', mountPath: '/bitnami/etcd' }],
				},
			],
			volumes: [{ name: 'data', persistentVolumeClaim: { claimName: pvc } }],
		},
	});
}

describe('bitnami-2022: an empty member_id', () => {
	test('crash-loops with the exact error, and removing member_id brings the member back', async () => {
		const c = await createCluster({ generation: 'bitnami-2022' });
		await c.putMilvusKeys(120);
		const before = await c.dumpKeys();
		const [clusterId] = await c.clusterIds();

		await c.inject('empty-member-id', [1]);
		// The injected restart is not itself a crash: the first CrashLoopBackOff is the bad-ID one.
		await c.waitPod(1, 'CrashLoopBackOff');
		const log = (await c.kubectl(['logs', 'my-release-etcd-1', '--previous'])).stdout;
		assert.ok(log.includes('INFO  ==> Detected data from previous deployments'));
		assert.ok(log.includes('INFO  ==> Updating member in existing cluster'));
		assert.ok(log.split('\n').includes(BAD_ID), 'the error is a line of its own');
		const pod = await c.waitPod(1, 'CrashLoopBackOff');
		assert.ok(pod && pod.restarts >= 1);
		const json = JSON.parse(
			(await c.kubectl(['get', 'pod', 'my-release-etcd-1', '-o', 'json'])).stdout,
		);
		assert.equal(json.status.containerStatuses[0].lastState.terminated.exitCode, 128);

		// The fix, through kubectl only: a helper pod on the PVC removes member_id, then the pod restarts.
		const run = await c.kubectl([
			'run',
			'etcd-fix',
			'--image=busybox:1.36',
			'--restart=Never',
			`--overrides=${helperOverrides('etcd-fix', 'data-my-release-etcd-1')}`,
			'--',
			'sleep',
			'3600',
		]);
		assert.equal(run.stdout, 'pod/etcd-fix created\n');
		assert.equal(
			(await c.kubectl(['wait', '--for=condition=Ready', 'pod/etcd-fix', '--timeout=30s'])).code,
			0,
		);
		const cat = await c.kubectl(['exec', 'etcd-fix', '--', 'cat', '/bitnami/etcd/data/member_id']);
		assert.equal(cat.code, 0, cat.stderr);
		assert.equal(cat.stdout, '');
		assert.equal(
			(await c.kubectl(['exec', 'etcd-fix', '--', 'rm', '-f', '/bitnami/etcd/data/member_id']))
				.code,
			0,
		);
		assert.equal((await c.kubectl(['delete', 'pod', 'etcd-fix'])).code, 0);
		assert.equal(
			(await c.kubectl(['delete', 'pod', 'my-release-etcd-1'])).stdout,
			'pod "my-release-etcd-1" deleted\n',
		);
		await c.waitHealthy();
		const fixed = await c.kubectl(['logs', 'my-release-etcd-1']);
		assert.ok(
			fixed.stdout.includes(
				"Member ID wasn't properly stored, the member will try to join the cluster by it's own",
			),
		);
		assert.deepEqual(await c.clusterIds(), [clusterId]);
		assert.deepEqual(await c.dumpKeys(), before);
		await c.stop();
	});
});

describe('milvusdb-fork: no member_id', () => {
	test('the same fault only restarts the pod', async () => {
		const c = await createCluster({ generation: 'milvusdb-fork' });
		await c.inject('empty-member-id', [1]);
		await c.waitLog(1, "The member will try to join the cluster by it's own");
		await c.waitHealthy();
		const pods = await c.pods();
		assert.equal(pods.find((p) => p.name === 'my-release-etcd-1')?.restarts, 1);
		const prev = await c.kubectl(['logs', 'my-release-etcd-1', '--previous']);
		assert.ok(!prev.stdout.includes('bad member ID'));
		await c.stop();
	});
});

describe('quorum is real', () => {
	test('with two of three members dead, writes fail and the survivor is not Ready', async () => {
		const c = await createCluster({ generation: 'milvusdb-fork' });
		await c.putMilvusKeys(10);
		await c.inject('corrupt-data', [1, 2]);
		await c.waitPod(1, 'CrashLoopBackOff');
		await c.waitPod(2, 'CrashLoopBackOff');
		await assert.rejects(c.put('by-dev/kv/after', 'x', { timeoutMs: 3000 }));
		await assert.rejects(c.putMilvusKeys(1, { endpoint: c.clientUrl(0) }));
		await assert.rejects(c.dumpKeys({ endpoint: c.clientUrl(0) }));
		// A member without quorum still has its data: a serializable read sees every key.
		assert.equal((await c.dumpKeys({ endpoint: c.clientUrl(0), serializable: true })).length, 10);
		const put = await c.kubectl([
			'exec',
			'my-release-etcd-0',
			'--',
			'etcdctl',
			'--command-timeout=2s',
			'put',
			'k',
			'v',
		]);
		assert.notEqual(put.code, 0);
		assert.match(put.stderr, /command terminated with exit code \d+/);
		await c.waitPod(0, 'Running');
		const p0 = (await c.pods()).find((p) => p.name === 'my-release-etcd-0');
		assert.equal(p0?.ready, false);
		const sts = JSON.parse(
			(await c.kubectl(['get', 'sts', 'my-release-etcd', '-o', 'json'])).stdout,
		);
		assert.equal(sts.status.readyReplicas, 0);
		const log = await c.waitLog(2, 'walpb: crc mismatch', { previous: true });
		assert.match(log, /"level":"fatal"/);
		await c.stop();
	});
});

describe('scale-down runs the generation preStop', () => {
	test('bitnami-2022 removes the member; the fork keeps it', async () => {
		const [old, fork] = await Promise.all([
			createCluster({ generation: 'bitnami-2022' }),
			createCluster({ generation: 'milvusdb-fork' }),
		]);
		// etcd refuses `member remove` until its peers have been connected for 5 s.
		await Promise.all([old.settle(), fork.settle()]);
		for (const c of [old, fork]) {
			const r = await c.kubectl(['scale', 'sts', 'my-release-etcd', '--replicas=2']);
			assert.equal(r.stdout, 'statefulset.apps/my-release-etcd scaled\n');
		}
		await Promise.all([old.waitPod(2, 'Gone'), fork.waitPod(2, 'Gone')]);
		assert.deepEqual((await old.memberList()).map((m) => m.name).sort(), [
			'my-release-etcd-0',
			'my-release-etcd-1',
		]);
		assert.equal((await fork.memberList()).length, 3);
		const removal = await old.kubectl(['get', 'pvc', 'data-my-release-etcd-2', '-o', 'name']);
		assert.equal(removal.stdout, 'persistentvolumeclaim/data-my-release-etcd-2\n');
		await Promise.all([old.stop(), fork.stop()]);
	});
});
