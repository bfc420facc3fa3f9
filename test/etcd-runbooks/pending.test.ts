// etcd-pending on the stand-in cluster. How it happens with data in etcd: the cluster ran fine, the
// default StorageClass mark went away (a provisioner was swapped), then etcd-2 lost its volume. The
// recreated claim has no class and never binds: etcd-2 is Pending while its old member entry remains.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import {
	assertHealthyWithKeys,
	cleanup,
	clusterReport,
	kubectl,
	loseVolumeWithoutDefault,
	newCluster,
	retry,
	runRunbook,
	seedKeys,
	untouchable,
} from './helpers.ts';

after(cleanup);

describe('etcd-pending', { concurrency: 3 }, () => {
	for (const generation of ['milvusdb-fork', 'bitnami-2022'] as const) {
		it(`binds the Pending member and brings it back into the cluster (${generation})`, async () => {
			// The fork's cluster models Kubernetes < 1.28: a new default class does not reach the class-less
			// claim, which must be recreated. The 2022 one binds it in place (>= 1.28).
			const old = generation === 'milvusdb-fork';
			const c = await newCluster({ generation, retroactiveDefaultClass: !old });
			try {
				const before = await seedKeys(c, 3000);
				await loseVolumeWithoutDefault(c, 2);
				const pvc = await kubectl(c, 'describe', 'pvc', `data-${c.sts}-2`);
				assert.match(
					pvc,
					/no persistent volumes available for this claim and no storage class is set/,
				);

				if (generation === 'milvusdb-fork') {
					const snapshot = await untouchable(c);
					const dry = await runRunbook('etcd-pending', ['--dry-run'], { env: c.env });
					assert.equal(dry.code, 0, dry.stdout + dry.stderr);
					assert.match(
						dry.stdout,
						/would run: kubectl --context standin -n default patch storageclass standard/,
					);
					assert.deepEqual(await untouchable(c), snapshot, 'dry run changed the cluster');

					const helm = await runRunbook('etcd-pending', ['--helm', '--lang', 'id'], { env: c.env });
					assert.equal(helm.code, 0, helm.stdout + helm.stderr);
					assert.match(helm.stdout, /storageClass: standard/);
					assert.match(helm.stdout, /tidak ada yang diubah/);
					assert.deepEqual(await untouchable(c), snapshot, '--helm changed the cluster');
				}

				const oldUid = (
					await kubectl(c, 'get', 'pvc', `data-${c.sts}-2`, '-o', 'jsonpath={.metadata.uid}')
				).trim();
				const run = await runRunbook('etcd-pending', ['--yes', '--json', '--timeout', '150'], {
					env: c.env,
				});
				if (run.code !== 0)
					assert.fail(`exit ${run.code}\n${run.stdout}${run.stderr}\n${await clusterReport(c)}`);
				const steps: { id: string; status: string; command: string }[] = JSON.parse(
					run.stdout,
				).steps;
				const ran = steps.filter((st) => st.status === 'ran').map((st) => st.id);
				const pvcNow = JSON.parse(await kubectl(c, 'get', 'pvc', `data-${c.sts}-2`, '-o', 'json'));
				assert.equal(pvcNow.status.phase, 'Bound');
				if (old) {
					// The old claim is gone before the pod is deleted (the runbook waits on its uid), so the
					// recreated pod gets a new claim that binds (a pod recreated while its claim terminates would
					// stay Pending for good). When the StatefulSet has already made the new claim and the Pending
					// pod took it, the restart has nothing left to do and is skipped: never run out of order.
					const [deleted, restarted] = ['recreate-pvc', 'restart-pod'].map((id) => ran.indexOf(id));
					assert.ok(deleted! >= 0, ran.join(' '));
					if (restarted! >= 0) assert.ok(deleted! < restarted!, ran.join(' '));
					assert.notEqual(pvcNow.metadata.uid, oldUid);
				} else {
					// Bound in place: nothing to delete, nothing to wait for.
					assert.equal(pvcNow.metadata.uid, oldUid);
					assert.ok(!ran.includes('recreate-pvc'), ran.join(' '));
				}
				// The fork's preStop removed nobody: the old entry must go first, so etcd-2 comes back through
				// member add, not a second bootstrap. (The 2022 preStop removed it when the pod was deleted.)
				if (generation === 'milvusdb-fork')
					assert.ok(
						steps.some(
							(st) =>
								st.status === 'ran' && /etcdctl member remove [0-9a-f]+/.test(st.command ?? ''),
						),
						ran.join(' '),
					);
				await assertHealthyWithKeys(c, before);
				const sc = await kubectl(c, 'get', 'storageclass');
				assert.match(sc, /standard \(default\)/);
			} finally {
				await c.stop();
			}
		});
	}

	it('a fresh install with no default StorageClass: every pod Pending, fixed, one new cluster', async () => {
		const c = await newCluster({
			generation: 'milvusdb-fork',
			defaultStorageClass: false,
			wait: false,
		});
		try {
			for (const i of [0, 1, 2]) await c.waitPod(i, 'Pending');
			const events = await kubectl(c, 'describe', 'pod', `${c.sts}-0`);
			assert.match(events, /pod has unbound immediate PersistentVolumeClaims/);
			const run = await runRunbook('etcd-pending', ['--yes', '--timeout', '150'], { env: c.env });
			assert.equal(run.code, 0, run.stdout + run.stderr);
			// Nobody ran before, so there is no membership to repair and the chart's `new` state stays.
			assert.doesNotMatch(run.stdout, /member remove|ETCD_INITIAL_CLUSTER_STATE=existing/);
			await retry(() => c.waitHealthy({ timeoutMs: 90_000 }));
			assert.equal((await retry(() => c.clusterIds())).length, 1);
			await c.put('by-dev/kv/gid/timestamp', 'after-fix');
			const pvcs = await kubectl(c, 'get', 'pvc');
			assert.doesNotMatch(pvcs, /Pending/);
		} finally {
			await c.stop();
		}
	});
});
