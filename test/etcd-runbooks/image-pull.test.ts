// etcd-image-pull on the stand-in cluster: the node can no longer pull the chart's Bitnami etcd image (as after
// Bitnami moved its images in August 2025), the etcd pods are recreated and stay in ErrImagePull /
// ImagePullBackOff with the kubelet's events. A first fix names a replacement that cannot be pulled either and
// fails with that reason; the next run moves the StatefulSet to the bitnamilegacy copy with the same tag, the
// pods come back on their own PVCs and every key is still there.
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
import { formatImageRef, isImageReference, parseImageRef } from '../../runbooks/lib/image-ref.mjs';
import { helmImageValues, legacyImageOf } from '../../runbooks/etcd-image-pull.mjs';

after(cleanup);

const BITNAMI = 'docker.io/bitnami/etcd:3.5.18-debian-12-r5';
const LEGACY = 'docker.io/bitnamilegacy/etcd:3.5.18-debian-12-r5';
const GONE_TOO = 'docker.io/bitnamilegacy/etcd:3.5.18-gone';
const NOT_FOUND = (ref: string) =>
	`rpc error: code = NotFound desc = failed to pull and unpack image "${ref}": failed to resolve reference "${ref}": ${ref}: not found`;

describe('image references', () => {
	it('read like containerd reads them', () => {
		assert.deepEqual(parseImageRef('bitnami/etcd:3.5.18-debian-12-r5'), {
			registry: 'docker.io',
			repository: 'bitnami/etcd',
			tag: '3.5.18-debian-12-r5',
			digest: '',
		});
		assert.equal(formatImageRef(parseImageRef('etcd')), 'docker.io/library/etcd:latest');
		assert.deepEqual(parseImageRef('harbor.example.com:8443/mirror/etcd:3.5.18'), {
			registry: 'harbor.example.com:8443',
			repository: 'mirror/etcd',
			tag: '3.5.18',
			digest: '',
		});
		assert.equal(
			formatImageRef(parseImageRef('index.docker.io/bitnami/etcd:3.5.9')),
			'docker.io/bitnami/etcd:3.5.9',
		);
		assert.ok(isImageReference('milvusdb/etcd:3.5.18-r1'));
		assert.ok(!isImageReference('not an image'));
		assert.ok(!isImageReference('Bitnami/etcd:3.5'));
	});

	it('offer bitnamilegacy only for a Bitnami etcd image, with the same tag or digest', () => {
		assert.equal(
			legacyImageOf('bitnami/etcd:3.5.18-debian-12-r5'),
			'docker.io/bitnamilegacy/etcd:3.5.18-debian-12-r5',
		);
		const digest = `sha256:${'a'.repeat(64)}`;
		assert.equal(
			legacyImageOf(`docker.io/bitnami/etcd@${digest}`),
			`docker.io/bitnamilegacy/etcd@${digest}`,
		);
		assert.equal(legacyImageOf('milvusdb/etcd:3.5.18-r1'), null);
		assert.equal(legacyImageOf('harbor.example.com/bitnami/etcd:3.5.18'), null);
		assert.equal(legacyImageOf('docker.io/bitnamilegacy/etcd:3.5.18'), null);
	});

	it('become the Helm values of the etcd subchart, registry apart', () => {
		assert.deepEqual(helmImageValues('harbor.example.com/mirror/etcd:3.5.18'), [
			['etcd.image.registry', 'harbor.example.com'],
			['etcd.image.repository', 'mirror/etcd'],
			['etcd.image.tag', '3.5.18'],
		]);
	});
});

describe('etcd-image-pull', () => {
	it('moves etcd to bitnamilegacy with the same tag: pods back, keys and PVCs intact', async () => {
		// The fork's scripts: a deleted pod leaves the member list alone (the 2022 preStop would remove the member,
		// which is another page's story), so the pods come back on their data once the image can be pulled.
		const c = await newCluster({ generation: 'milvusdb-fork', etcdImage: BITNAMI });
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
			await c.setImagePullable(GONE_TOO, false);
			await kubectl(c, 'delete', 'pod', '-l', 'app.kubernetes.io/name=etcd', '--wait=false');
			const stuck = await waitForStuck(c, BITNAMI);
			assert.equal(stuck.length, 3, `stuck pods: ${stuck.join(', ')}`);

			// What an operator sees: the container's waiting state, once the kubelet backs off, and its events.
			const waiting = await backOffMessage(c, `${c.sts}-0`);
			assert.equal(
				waiting,
				`Back-off pulling image "${BITNAMI}": ErrImagePull: ${NOT_FOUND(BITNAMI)}`,
			);
			const described = await kubectl(c, 'describe', 'pod', `${c.sts}-0`);
			assert.match(described, /Reason:\s+(?:ErrImagePull|ImagePullBackOff)/);
			assert.ok(
				described.includes(`Failed to pull image "${BITNAMI}": ${NOT_FOUND(BITNAMI)}`),
				described,
			);
			assert.match(described, /Warning\s+Failed\s+.*kubelet\s+Error: ErrImagePull/);
			assert.match(
				described,
				new RegExp(`Normal\\s+BackOff\\s+.*kubelet\\s+Back-off pulling image "${BITNAMI}"`),
			);

			const dry = await runRunbook('etcd-image-pull', ['--dry-run'], { env: c.env });
			assert.equal(dry.code, 0, dry.stdout + dry.stderr);
			assert.match(
				dry.stdout,
				new RegExp(
					`would run: kubectl --context standin -n default set image sts/${c.sts} etcd=${LEGACY}`,
				),
			);
			assert.match(dry.stdout + dry.stderr, /Failed to pull image .*not found/);
			assert.match(dry.stdout, /Back-off pulling image/, 'describe-pod shows the events');
			const refused = await runRunbook('etcd-image-pull', [], { env: c.env });
			assert.equal(refused.code, 3, refused.stdout + refused.stderr);
			assert.equal(await stsImage(c), BITNAMI, 'nothing changed without confirmation');

			// A replacement that is gone as well: the rollout cannot finish, and the run says why.
			const gone = await runRunbook(
				'etcd-image-pull',
				['--yes', '--image', GONE_TOO, '--timeout', '6'],
				{ env: c.env },
			);
			assert.equal(gone.code, 1, gone.stdout + gone.stderr);
			assertOneLineError(
				gone,
				/the new image .*3\.5\.18-gone cannot be pulled either: .*not found/,
			);
			assert.equal(await stsImage(c), GONE_TOO);

			// The next run leaves that plan, goes back to the release's own image and offers its legacy copy.
			const run = await runRunbook('etcd-image-pull', ['--yes', '--lang', 'id'], { env: c.env });
			assert.equal(run.code, 0, run.stdout + run.stderr);
			assert.equal(await stsImage(c), LEGACY);
			const said = run.stdout + run.stderr;
			assert.match(
				said,
				/--set etcd\.image\.registry=docker\.io --set etcd\.image\.repository=bitnamilegacy\/etcd --set etcd\.image\.tag=3\.5\.18-debian-12-r5/,
			);
			assert.match(said, new RegExp(`helm upgrade berikutnya memasang ${BITNAMI}`));
			assert.doesNotMatch(run.stdout, /delete pvc/);
			// One node: the first new pod pulls the image, the others find it there.
			const events = await kubectl(c, 'get', 'events');
			assert.ok(events.includes(`Successfully pulled image "${LEGACY}"`), events);

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

async function waitForStuck(c: Parameters<typeof kubectl>[0], image: string): Promise<string[]> {
	for (let i = 0; i < 60; i++) {
		const pods = JSON.parse(
			await retry(() =>
				kubectl(c, 'get', 'pods', '-l', 'app.kubernetes.io/name=etcd', '-o', 'json'),
			),
		).items as {
			metadata: { name: string };
			spec: { containers: { image: string }[] };
			status: { containerStatuses?: { state?: { waiting?: { reason?: string } } }[] };
		}[];
		const stuck = pods
			.filter(
				(p) =>
					p.spec.containers[0]?.image === image &&
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

/** The waiting message of a pod once it is in ImagePullBackOff (the kubelet's first answer is ErrImagePull). */
async function backOffMessage(c: Parameters<typeof kubectl>[0], pod: string): Promise<string> {
	for (let i = 0; i < 60; i++) {
		const p = JSON.parse(await retry(() => kubectl(c, 'get', 'pod', pod, '-o', 'json')));
		const w = p.status.containerStatuses?.[0]?.state?.waiting;
		if (w?.reason === 'ImagePullBackOff') return String(w.message);
		await new Promise((r) => setTimeout(r, 250));
	}
	assert.fail(`${pod} never reached ImagePullBackOff`);
}
