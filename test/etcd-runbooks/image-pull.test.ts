// etcd-image-pull on the stand-in cluster: the node can no longer pull the chart's Bitnami etcd image (as after
// Bitnami moved its images in August 2025), the etcd pods are recreated and stay in ErrImagePull /
// ImagePullBackOff with the kubelet's events. The runbook moves the StatefulSet to the bitnamilegacy copy with
// the same tag, the pods come back on their own PVCs and every key is still there.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import {
	assertHealthyWithKeys,
	assertOneLineError,
	cleanup,
	kubectl,
	newCluster,
	retry,
	runRunbook,
	seedKeys,
	untouchable,
} from './helpers.ts';

after(cleanup);

const BITNAMI = 'docker.io/bitnami/etcd:3.5.0-debian-10-r24';
const LEGACY = 'docker.io/bitnamilegacy/etcd:3.5.0-debian-10-r24';

describe('etcd-image-pull', () => {
	it('moves etcd to bitnamilegacy with the same tag: pods back, keys and PVCs intact', async () => {
		const c = await newCluster({ generation: 'bitnami-2022' });
		try {
			const before = await seedKeys(c, 300);
			const healthy = await runRunbook('etcd-image-pull', ['--yes'], { env: c.env });
			assert.equal(healthy.code, 4, healthy.stdout + healthy.stderr);
			const bad = await runRunbook('etcd-image-pull', ['--yes', '--image', 'not an image'], {
				env: c.env,
			});
			assert.equal(bad.code, 2, bad.stdout + bad.stderr);
			assertOneLineError(bad, /is not an image reference/);

			const snapshot = (await untouchable(c)) as { pvcs: string[] };
			await c.setImagePullable(BITNAMI, false);
			await kubectl(c, 'delete', 'pod', '-l', 'app.kubernetes.io/name=etcd', '--wait=false');
			const stuck = await waitForStuck(c);
			assert.ok(stuck.length === 3, `stuck pods: ${stuck.join(', ')}`);
			const events = await kubectl(
				c,
				'get',
				'events',
				'--field-selector',
				`involvedObject.name=${c.sts}-0`,
			);
			assert.ok(
				events.includes(`Failed to pull image "${BITNAMI}": rpc error: code = NotFound`),
				events,
			);

			const dry = await runRunbook('etcd-image-pull', ['--dry-run'], { env: c.env });
			assert.equal(dry.code, 0, dry.stdout + dry.stderr);
			assert.match(
				dry.stdout,
				new RegExp(
					`would run: kubectl --context standin -n default set image sts/${c.sts} etcd=${LEGACY}`,
				),
			);
			assert.match(dry.stdout, /Failed to pull image .*not found/);
			const refused = await runRunbook('etcd-image-pull', [], { env: c.env });
			assert.equal(refused.code, 3, refused.stdout + refused.stderr);
			assert.equal(await stsImage(c), BITNAMI, 'nothing changed without confirmation');

			const run = await runRunbook('etcd-image-pull', ['--yes', '--lang', 'id'], { env: c.env });
			assert.equal(run.code, 0, run.stdout + run.stderr);
			assert.equal(await stsImage(c), LEGACY);
			assert.match(run.stdout + run.stderr, /--set etcd\.image\.repository=bitnamilegacy\/etcd/);
			assert.match(run.stdout + run.stderr, /--set etcd\.image\.tag=3\.5\.0-debian-10-r24/);
			assert.doesNotMatch(run.stdout, /delete pvc/);

			// A second run finds nothing stuck any more.
			const again = await runRunbook('etcd-image-pull', ['--yes'], { env: c.env });
			assert.equal(again.code, 4, again.stdout + again.stderr);
			await assertHealthyWithKeys(c, before);
			const now = (await untouchable(c)) as { pvcs: string[] };
			assert.deepEqual(now.pvcs, snapshot.pvcs, 'no PVC was touched');
		} finally {
			await c.stop();
		}
	});
});

async function stsImage(c: { sts: string }): Promise<string> {
	const sts = JSON.parse(await kubectl(c as never, 'get', 'sts', c.sts, '-o', 'json'));
	return String(sts.spec.template.spec.containers[0].image);
}

async function waitForStuck(c: Parameters<typeof kubectl>[0]): Promise<string[]> {
	for (let i = 0; i < 60; i++) {
		const pods = JSON.parse(
			await retry(() =>
				kubectl(c, 'get', 'pods', '-l', 'app.kubernetes.io/name=etcd', '-o', 'json'),
			),
		).items as {
			metadata: { name: string };
			status: { containerStatuses?: { state?: { waiting?: { reason?: string } } }[] };
		}[];
		const stuck = pods
			.filter((p) =>
				['ErrImagePull', 'ImagePullBackOff'].includes(
					p.status.containerStatuses?.[0]?.state?.waiting?.reason ?? '',
				),
			)
			.map((p) => p.metadata.name);
		if (stuck.length === 3) return stuck;
		await new Promise((r) => setTimeout(r, 500));
	}
	assert.fail('the etcd pods never reached ErrImagePull');
}
