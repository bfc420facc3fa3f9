// channel-unavailable and upgrade-2-6 against the stand-in's Milvus Deployments, through the real kubectl:
// pod states with the kubelet's termination fields, and the images of every component.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { cleanup, newCluster, runRunbook } from '../etcd-runbooks/helpers.ts';

after(cleanup);

async function waitFor(what: string, fn: () => Promise<boolean>): Promise<void> {
	const deadline = Date.now() + 60_000;
	while (!(await fn())) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 200));
	}
}

test('channel-unavailable names the querynode in CrashLoopBackOff, then reports all ready', async () => {
	const c = await newCluster({ replicas: 1, milvus: 'cluster' });
	const pods = async () =>
		JSON.parse(
			(await c.kubectl(['get', 'pods', '-l', 'app.kubernetes.io/name=milvus', '-o', 'json']))
				.stdout,
		).items as {
			metadata: { name: string; labels: Record<string, string> };
			status: { containerStatuses?: { ready: boolean }[] };
		}[];
	await waitFor('every Milvus pod ready', async () =>
		(await pods()).every((p) => p.status.containerStatuses?.every((s) => s.ready)),
	);
	const healthy = await runRunbook('channel-unavailable', [], { env: c.env });
	assert.equal(healthy.code, 0, healthy.stderr);
	assert.match(healthy.stdout + healthy.stderr, /every Milvus component is ready \(\d+ pods\)/);

	const qn = (await pods()).find((p) => p.metadata.labels.component === 'querynode');
	assert.ok(qn);
	await c.setContainerState(qn.metadata.name, {
		reason: 'OOMKilled',
		exitCode: 137,
		restartCount: 3,
	});
	const broken = await runRunbook('channel-unavailable', ['--lang', 'en'], { env: c.env });
	assert.equal(broken.code, 1, broken.stderr);
	const out = broken.stdout + broken.stderr;
	assert.match(
		out,
		new RegExp(
			`not ready: ${qn.metadata.name} \\(querynode, CrashLoopBackOff, last OOMKilled, restarts 3\\)`,
		),
	);
	assert.doesNotMatch(out, /datanode, CrashLoopBackOff/);

	const id = await runRunbook('channel-unavailable', ['--lang', 'id'], { env: c.env });
	assert.equal(id.code, 1);
	assert.match(id.stdout + id.stderr, /belum siap: .*querynode/);
});

test('upgrade-2-6 reads every image and names the next step of the order', async () => {
	const c = await newCluster({ replicas: 1, milvus: 'cluster' });
	const set = async (component: string, image: string) =>
		assert.equal(
			(
				await c.kubectl([
					'set',
					'image',
					`deployment/my-release-milvus-${component}`,
					`${component}=${image}`,
				])
			).code,
			0,
		);
	for (const comp of [
		'proxy',
		'rootcoord',
		'querycoord',
		'datacoord',
		'indexcoord',
		'querynode',
		'datanode',
		'indexnode',
	])
		await set(comp, 'milvusdb/milvus:v2.5.4');
	const old = await runRunbook('upgrade-2-6', [], { env: c.env });
	assert.equal(old.code, 0, old.stderr);
	assert.match(
		old.stdout + old.stderr,
		/running 2\.5\.4: upgrade to v2\.5\.16 or later with mixCoordinator\.enabled=true first/,
	);
	assert.match(
		old.stdout + old.stderr,
		/helm upgrade my-release milvus\/milvus -n default --reuse-values --set image\.all\.tag=v2\.5\.16 --set mixCoordinator\.enabled=true/,
	);

	await set('querynode', 'milvusdb/milvus:v2.6.3');
	await set('rootcoord', 'milvusdb/milvus:v2.6.3');
	const skipped = await runRunbook('upgrade-2-6', ['--json'], { env: c.env });
	assert.equal(skipped.code, 1, skipped.stderr);
	assert.match(skipped.stderr, /the mixCoordinator step was skipped/);
	assert.match(skipped.stderr, /querycoord=2\.5\.4/);
	assert.doesNotMatch(skipped.stdout + skipped.stderr, /helm upgrade/);
});
