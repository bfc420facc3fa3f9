// Milvus workloads on the stand-in, through the real kubectl: the chart's Deployments follow `kubectl scale`,
// a pod's container state carries the kubelet's termination fields, and an image that cannot be pulled shows
// the kubelet's waiting reasons and events until `kubectl set image` names one that can.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { createCluster, stopAll, type StandinCluster } from '../../tools/standin/index.mjs';

after(stopAll);

const BROKEN = 'milvusdb/milvus:v2.4.99-missing';

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>): Promise<T> {
	const deadline = Date.now() + 60_000;
	for (;;) {
		const v = await fn();
		if (v !== undefined) return v;
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 200));
	}
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Pod JSON as kubectl prints it
type Pod = Record<string, any>;

async function milvusPods(c: StandinCluster): Promise<Pod[]> {
	const r = await c.kubectl(['get', 'pods', '-l', 'app.kubernetes.io/name=milvus', '-o', 'json']);
	assert.equal(r.code, 0, r.stderr);
	return JSON.parse(r.stdout).items;
}

test('Milvus standalone: scale, container state, image pull failure and its fix', async () => {
	const c = await createCluster({ replicas: 1, milvus: 'standalone', unpullableImages: [BROKEN] });
	const deploy = 'my-release-milvus-standalone';
	const get = await c.kubectl(['get', 'deploy']);
	assert.match(get.stdout, /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\n/);
	assert.match(get.stdout, new RegExp(`${deploy}\\s+1/1\\s+1\\s+1`));

	assert.equal(
		(await c.kubectl(['scale', 'deploy', deploy, '--replicas=2'])).stdout,
		`deployment.apps/${deploy} scaled\n`,
	);
	const status = await waitFor('two ready replicas', async () => {
		const d = JSON.parse((await c.kubectl(['get', 'deploy', deploy, '-o', 'json'])).stdout);
		return d.status.readyReplicas === 2 ? d : undefined;
	});
	assert.equal(status.status.observedGeneration, status.metadata.generation);
	assert.equal(status.status.availableReplicas, 2);
	const pods = await milvusPods(c);
	assert.equal(pods.length, 2);
	assert.ok(pods.every((p) => p.metadata.labels.component === 'standalone'));

	const victim = String(pods[0]?.metadata.name);
	await c.setContainerState(victim, { reason: 'OOMKilled', exitCode: 137, restartCount: 4 });
	const oom = JSON.parse((await c.kubectl(['get', 'pod', victim, '-o', 'json'])).stdout);
	const cs = oom.status.containerStatuses[0];
	assert.equal(cs.state.waiting.reason, 'CrashLoopBackOff');
	assert.equal(cs.lastState.terminated.reason, 'OOMKilled');
	assert.equal(cs.lastState.terminated.exitCode, 137);
	assert.equal(cs.restartCount, 4);
	assert.match(
		(await c.kubectl(['get', 'pod', victim])).stdout,
		/0\/1\s+CrashLoopBackOff\s+4 \(\d+s ago\)/,
	);

	assert.equal(
		(await c.kubectl(['set', 'image', `deploy/${deploy}`, `standalone=${BROKEN}`])).code,
		0,
	);
	const pulling = await waitFor('ImagePullBackOff', async () =>
		(await milvusPods(c)).find((p) =>
			['ErrImagePull', 'ImagePullBackOff'].includes(
				p.status.containerStatuses?.[0]?.state?.waiting?.reason,
			),
		),
	);
	const events = await waitFor('the back-off event', async () => {
		const r = await c.kubectl([
			'get',
			'events',
			'--field-selector',
			`involvedObject.name=${pulling.metadata.name}`,
		]);
		return r.stdout.includes(`Back-off pulling image "${BROKEN}"`) ? r.stdout : undefined;
	});
	assert.ok(events.includes(`Failed to pull image "${BROKEN}": `), events);
	assert.ok(events.includes('Error: ErrImagePull'), events);

	assert.equal(
		(await c.kubectl(['set', 'image', `deploy/${deploy}`, 'standalone=milvusdb/milvus:v2.4.5']))
			.code,
		0,
	);
	await waitFor('the pods on the pullable image', async () => {
		const ps = await milvusPods(c);
		const ok =
			ps.length === 2 &&
			ps.every(
				(p) =>
					p.spec.containers[0].image === 'milvusdb/milvus:v2.4.5' &&
					p.status.containerStatuses?.[0]?.ready &&
					!p.metadata.deletionTimestamp,
			);
		return ok ? true : undefined;
	});
	await c.stop();
});
