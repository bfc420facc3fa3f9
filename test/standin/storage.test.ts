import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { createCluster, stopAll, type StandinCluster } from '../../tools/standin/index.mjs';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'standin-storage-'));
after(async () => {
	await stopAll();
	fs.rmSync(tmp, { recursive: true, force: true });
});

const NO_CLASS = 'no persistent volumes available for this claim and no storage class is set';
const UNBOUND =
	'0/1 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.';

/** Marks the stand-in's StorageClass `standard` as the default, as etcd-pending's fix does. */
async function makeStandardDefault(c: StandinCluster): Promise<void> {
	const r = await c.kubectl([
		'patch',
		'sc',
		'standard',
		'-p',
		'{"metadata":{"annotations":{"storageclass.kubernetes.io/is-default-class":"true"}}}',
	]);
	assert.equal(r.code, 0, r.stderr);
}

describe('no default StorageClass', () => {
	test('pods stay Pending with the real events until a class is made default', async () => {
		const c = await createCluster({ generation: 'bitnami-2022', defaultStorageClass: false });
		await c.waitPod(0, 'Pending');
		const pods = await c.kubectl(['get', 'pods']);
		assert.match(pods.stdout, /my-release-etcd-0\s+0\/1\s+Pending\s+0\s+\d+s/);

		const pvc = await c.kubectl(['describe', 'pvc', 'data-my-release-etcd-0']);
		assert.equal(pvc.code, 0, pvc.stderr);
		assert.match(pvc.stdout, /^StorageClass:\s*$/m);
		assert.match(pvc.stdout, /^Status:\s+Pending$/m);
		assert.match(
			pvc.stdout,
			new RegExp(`Normal\\s+FailedBinding\\s+.*persistentvolume-controller\\s+${NO_CLASS}`),
		);
		assert.match(pvc.stdout, /^Used By:\s+my-release-etcd-0$/m);

		const getPvc = await c.kubectl(['get', 'pvc', 'data-my-release-etcd-0']);
		// No volume, capacity, access modes or class yet; VOLUMEATTRIBUTESCLASS reads <unset>.
		assert.match(
			getPvc.stdout.split('\n')[1] ?? '',
			/^data-my-release-etcd-0\s+Pending\s+<unset>\s+\d+s$/,
		);

		const events = await c.kubectl([
			'get',
			'events',
			'--field-selector',
			'involvedObject.name=my-release-etcd-0',
		]);
		assert.ok(
			events.stdout.includes(`Warning   FailedScheduling   pod/my-release-etcd-0   ${UNBOUND}`),
			events.stdout,
		);

		const sc = await c.kubectl(['get', 'storageclass']);
		assert.ok(!sc.stdout.includes('(default)'));
		assert.match(
			sc.stdout,
			/^standard\s+rancher\.io\/local-path\s+Delete\s+Immediate\s+false\s+\d+s$/m,
		);

		const patch = await c.kubectl([
			'patch',
			'storageclass',
			'standard',
			'-p',
			'{"metadata":{"annotations":{"storageclass.kubernetes.io/is-default-class":"true"}}}',
		]);
		assert.equal(patch.stdout, 'storageclass.storage.k8s.io/standard patched\n');
		assert.match(
			(await c.kubectl(['get', 'sc'])).stdout,
			/^standard \(default\)\s+rancher\.io\/local-path/m,
		);
		await c.waitHealthy();
		const bound = JSON.parse(
			(await c.kubectl(['get', 'pvc', 'data-my-release-etcd-0', '-o', 'json'])).stdout,
		);
		assert.equal(bound.status.phase, 'Bound');
		assert.equal(bound.spec.storageClassName, 'standard');
		assert.equal(
			(await c.kubectl(['rollout', 'status', 'sts/my-release-etcd', '--timeout=10s'])).code,
			0,
		);
		await c.stop();
	});

	test('a PVC deleted while its pod is Pending is recreated with the pod', async () => {
		const c = await createCluster({ generation: 'milvusdb-fork', defaultStorageClass: false });
		await c.waitPod(0, 'Pending');
		const uid = JSON.parse(
			(await c.kubectl(['get', 'pvc', 'data-my-release-etcd-0', '-o', 'json'])).stdout,
		).metadata.uid;
		// An unscheduled pod does not hold the PVC: the delete returns.
		assert.equal((await c.kubectl(['delete', 'pvc', 'data-my-release-etcd-0'])).code, 0);
		await makeStandardDefault(c);
		assert.equal((await c.kubectl(['delete', 'pod', 'my-release-etcd-0'])).code, 0);
		await c.waitHealthy();
		const now = JSON.parse(
			(await c.kubectl(['get', 'pvc', 'data-my-release-etcd-0', '-o', 'json'])).stdout,
		);
		assert.notEqual(now.metadata.uid, uid);
		await c.stop();
	});

	test('a Pending pod whose PVC is gone gets it back from the StatefulSet controller (>= 1.26)', async () => {
		const c = await createCluster({ generation: 'bitnami-2022', defaultStorageClass: false });
		const uidOf = async (kind: string, name: string) =>
			JSON.parse((await c.kubectl(['get', kind, name, '-o', 'json'])).stdout).metadata
				.uid as string;
		await c.waitPod(0, 'Pending');
		// etcd-pending's restart deletes a pod only while it has no node: the real kubectl lists with the field
		// selector, so a pod that got its node in the meantime is left alone.
		const unscheduledOnly = (pod: string) =>
			c.kubectl([
				'delete',
				'pod',
				'--field-selector',
				`metadata.name=${pod},spec.nodeName=`,
				'--wait=false',
			]);
		const podUid = await uidOf('pod', 'my-release-etcd-0');
		const claimUid = await uidOf('pvc', 'data-my-release-etcd-0');
		const pendingUid = await uidOf('pod', 'my-release-etcd-1');
		const gone = await unscheduledOnly('my-release-etcd-1');
		assert.equal(gone.stdout, 'pod "my-release-etcd-1" deleted\n', gone.stderr);
		await c.waitPod(1, 'Pending');
		assert.notEqual(await uidOf('pod', 'my-release-etcd-1'), pendingUid);
		assert.equal((await c.kubectl(['delete', 'pvc', 'data-my-release-etcd-0'])).code, 0);
		let back = '';
		for (let i = 0; i < 40 && !back; i++) {
			const r = await c.kubectl(['get', 'pvc', 'data-my-release-etcd-0', '-o', 'json']);
			if (r.code === 0) back = JSON.parse(r.stdout).metadata.uid;
			else await new Promise((res) => setTimeout(res, 250));
		}
		assert.ok(back && back !== claimUid, `claim not recreated (uid ${back || 'none'})`);
		const events = await c.kubectl([
			'get',
			'events',
			'--field-selector',
			'involvedObject.kind=StatefulSet',
		]);
		assert.match(
			events.stdout,
			/create Claim data-my-release-etcd-0 Pod my-release-etcd-0 in StatefulSet/,
		);
		await makeStandardDefault(c);
		await c.waitHealthy();
		// The same pod, never deleted, now runs on the new claim.
		assert.equal(await uidOf('pod', 'my-release-etcd-0'), podUid);
		const kept = await unscheduledOnly('my-release-etcd-0');
		assert.equal(kept.code, 0, kept.stderr);
		assert.match(kept.stdout + kept.stderr, /No resources found/);
		assert.equal(await uidOf('pod', 'my-release-etcd-0'), podUid);
		await c.stop();
	});
});

describe('helper pod on a PVC', () => {
	test('kubectl run mounts the PVC; cp copies member/snap/db both ways byte for byte', async () => {
		const c = await createCluster({ generation: 'bitnami-2022' });
		await c.putMilvusKeys(200);
		assert.equal((await c.kubectl(['scale', 'sts', 'my-release-etcd', '--replicas=0'])).code, 0);
		await c.waitPod(0, 'Gone');
		const overrides = JSON.stringify({
			apiVersion: 'v1',
			spec: {
				containers: [
					{
						name: 'etcd-rescue-my-release-etcd-0',
						image: 'busybox:1.36',
						command: ['sleep', '3600'],
						volumeMounts: [{ name: 'data', mountPath: '/bitnami/etcd' }],
					},
				],
				volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data-my-release-etcd-0' } }],
			},
		});
		const name = 'etcd-rescue-my-release-etcd-0';
		const runHelperPod = () =>
			c.kubectl([
				'run',
				name,
				'--image=busybox:1.36',
				'--restart=Never',
				`--overrides=${overrides}`,
				'--',
				'sleep',
				'3600',
			]);
		const run = await runHelperPod();
		assert.equal(run.code, 0, run.stderr);
		const again = await runHelperPod();
		assert.equal(
			again.stderr,
			`Error from server (AlreadyExists): pods "${name}" already exists\n`,
		);
		const wait = await c.kubectl(['wait', '--for=condition=Ready', `pod/${name}`, '--timeout=30s']);
		assert.equal(wait.stdout, `pod/${name} condition met\n`);

		const local = path.join(tmp, 'etcd-rescue', 'my-release-etcd-0.db');
		const cp = await c.kubectl(['cp', `${name}:/bitnami/etcd/data/member/snap/db`, local]);
		assert.equal(cp.code, 0, cp.stderr);
		const hostDb = path.join(c.pvcDir(0), 'data', 'member', 'snap', 'db');
		assert.ok(fs.readFileSync(local).equals(fs.readFileSync(hostDb)));
		// bbolt's magic number opens the first meta page, after the 16-byte page header.
		assert.equal(fs.readFileSync(local).readUInt32LE(16), 0xed0cdaed);

		fs.writeFileSync(path.join(tmp, 'note.bin'), Buffer.from([0, 255, 1, 254]));
		assert.equal(
			(await c.kubectl(['cp', path.join(tmp, 'note.bin'), `${name}:/tmp/note.bin`])).code,
			0,
		);
		const back = await c.kubectl(['exec', name, '--', 'od', '-An', '-tu1', '/tmp/note.bin']);
		assert.deepEqual(back.stdout.trim().split(/\s+/), ['0', '255', '1', '254']);

		const missing = await c.kubectl([
			'cp',
			`${name}:/bitnami/etcd/data/nothing`,
			path.join(tmp, 'x'),
		]);
		// Nothing is copied, and kubectl fails with tar's exit code: the exec's error status reaches it before
		// the end of stdout, as the kubelet sends them.
		assert.equal(missing.code, 2);
		assert.ok(!fs.existsSync(path.join(tmp, 'x')));
		assert.doesNotMatch(missing.stdout + missing.stderr, /tar: data\/nothing/);

		assert.equal((await c.kubectl(['delete', 'pod', name])).stdout, `pod "${name}" deleted\n`);
		const gone = await c.kubectl(['exec', name, '--', 'ls']);
		assert.match(gone.stderr, new RegExp(`pods "${name}" not found`));
		await c.stop();
	});
});
