import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
	createKube,
	etcdNames,
	helperOverrides,
	pinKubectl,
	resolveTarget,
	requireNamespace,
	requireStatefulSet,
} from '../../runbooks/lib/kube.mjs';
import { formatCommand } from '../../runbooks/lib/shell.mjs';
import { StepFailedError, UsageError } from '../../runbooks/lib/exit.mjs';
import { sandbox, defaultCluster } from './helpers.ts';

test('etcd names follow the Bitnami chart', () => {
	const n = etcdNames('my-release');
	assert.equal(n.sts, 'my-release-etcd');
	assert.equal(n.pod(2), 'my-release-etcd-2');
	assert.equal(n.pvc(0), 'data-my-release-etcd-0');
	assert.equal(n.selector, 'app.kubernetes.io/name=etcd,app.kubernetes.io/instance=my-release');
	assert.equal(n.headless, 'my-release-etcd-headless');
	assert.equal(etcdNames('prod', 'custom').pvc(1), 'data-custom-1');
});

test('kubectl argv is pinned at run time and bare when describing', () => {
	const live = createKube({ context: 'kind-a', namespace: 'milvus' });
	assert.deepEqual(live.argv('get', 'pods'), [
		'kubectl',
		'--context',
		'kind-a',
		'-n',
		'milvus',
		'get',
		'pods',
	]);
	assert.deepEqual(live.execArgv('p-0', ['etcdctl', 'member', 'list']), [
		'kubectl',
		'--context',
		'kind-a',
		'-n',
		'milvus',
		'exec',
		'p-0',
		'--',
		'etcdctl',
		'member',
		'list',
	]);
	const describing = createKube({ context: null, namespace: 'default' });
	assert.equal(
		formatCommand(
			describing.execArgv('my-release-etcd-1', ['rm', '-f', '/bitnami/etcd/data/member_id']),
		),
		'kubectl exec my-release-etcd-1 -- rm -f /bitnami/etcd/data/member_id',
	);
	assert.deepEqual(pinKubectl(['kubectl', 'get', 'sts'], 'c', 'n'), [
		'kubectl',
		'--context',
		'c',
		'-n',
		'n',
		'get',
		'sts',
	]);
	assert.deepEqual(
		pinKubectl(['kubectl', '--context', 'c', '-n', 'n', 'get'], 'c', 'n'),
		['kubectl', '--context', 'c', '-n', 'n', 'get'],
		'idempotent',
	);
	assert.deepEqual(pinKubectl(['docker', 'ps'], 'c', 'n'), ['docker', 'ps']);
	assert.deepEqual(pinKubectl(['kubectl', 'get'], null, 'n'), ['kubectl', 'get']);
});

test('helper pod: the whole container in --overrides, the image from --helper-image, pinned to a node', () => {
	assert.deepEqual(
		JSON.parse(helperOverrides('data-my-release-etcd-0', 'etcd-rescue-my-release-etcd-0')),
		{
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
		},
	);
	const placed = JSON.parse(
		helperOverrides('data-x', 'h', {
			image: 'registry.local/busybox:1.36',
			placement: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['node-7'] }] }],
		}),
	);
	assert.equal(placed.spec.containers[0].image, 'registry.local/busybox:1.36');
	assert.deepEqual(
		placed.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution
			.nodeSelectorTerms[0].matchFields[0].values,
		['node-7'],
	);
	const kube = createKube({ context: null, namespace: 'default', helperImage: 'mirror/bb:1' });
	const [create, wait] = kube.helperPodArgvs('data-x', 'helper');
	assert.deepEqual(create?.slice(0, 5), [
		'kubectl',
		'run',
		'helper',
		'--image=mirror/bb:1',
		'--restart=Never',
	]);
	assert.equal(
		create?.[5],
		`--overrides=${helperOverrides('data-x', 'helper', { image: 'mirror/bb:1' })}`,
	);
	assert.equal(create?.length, 6);
	assert.deepEqual(wait, [
		'kubectl',
		'wait',
		'--for=condition=Ready',
		'pod/helper',
		'--timeout=120s',
	]);
});

test('a helper pod left by an interrupted run is reused when it serves the PVC, else replaced; Ctrl-C cleanup', async (t) => {
	const sb = await sandbox(t);
	for (const [k, v] of Object.entries(sb.env)) process.env[k] = v;
	const kube = createKube({ context: 'kind-a', namespace: 'default' });
	const pvc = 'data-my-release-etcd-0';
	sb.setCluster({
		...defaultCluster(),
		pods: { h: { namespace: 'default', body: JSON.parse(helperOverrides(pvc, 'h')) } },
	});
	const reused = await kube.helperPod(pvc, 'h');
	assert.equal(reused.reused, true);
	assert.ok(!sb.calls().some((c) => c.verb === 'run'), 'no second pod created');
	await kube.deleteHelpers();
	assert.deepEqual(sb.cluster().pods, {}, 'deleteHelpers removes what this process holds');

	// Same name, another PVC: removed, then created for this PVC (AlreadyExists never reaches the user).
	sb.setCluster({
		...defaultCluster(),
		pods: { h: { namespace: 'default', body: JSON.parse(helperOverrides('data-other', 'h')) } },
	});
	const fresh = await kube.helperPod(pvc, 'h');
	assert.equal(fresh.reused, false);
	const spec = sb.cluster().pods?.h?.body.spec;
	assert.equal(spec.volumes[0].persistentVolumeClaim.claimName, pvc);
	// The fake cluster knows no PVs or nodes: no placement, the scheduler decides.
	assert.equal(spec.affinity, undefined);
	await fresh.delete();
	assert.deepEqual(sb.cluster().pods, {});
});

test('helperPod creates, waits, and deletes; a pod that never gets Ready is removed', async (t) => {
	const sb = await sandbox(t);
	for (const [k, v] of Object.entries(sb.env)) process.env[k] = v;
	const kube = createKube({ context: 'kind-a', namespace: 'default' });
	const seen = await kube.withHelperPod('data-my-release-etcd-0', 'etcd-rescue-0', async (pod) => {
		assert.equal(pod.name, 'etcd-rescue-0');
		return Object.keys(sb.cluster().pods ?? {});
	});
	assert.deepEqual(seen, ['etcd-rescue-0']);
	assert.deepEqual(sb.cluster().pods, {}, 'deleted afterwards');
	const run = sb.calls().find((c) => c.verb === 'run');
	assert.equal(run?.path, '/api/v1/namespaces/default/pods');
	assert.equal(run?.context, 'kind-a');
	assert.ok(
		sb.calls().some((c) => c.verb === 'delete' && c.path.endsWith('/pods/etcd-rescue-0')),
		'deleted through the API',
	);

	// The pod is gone before it is Ready (evicted): the wait fails, and the run still deletes it.
	sb.setCluster({ ...defaultCluster(), helperNeverReady: true });
	const before = sb.calls().length;
	await assert.rejects(kube.helperPod('data-my-release-etcd-0', 'etcd-rescue-0'), (e: unknown) => {
		assert.ok(e instanceof StepFailedError);
		assert.match(e.message, /etcd-rescue-0 .*data-my-release-etcd-0.*not found/);
		return true;
	});
	assert.ok(
		sb
			.calls()
			.slice(before)
			.some((c) => c.verb === 'delete' && c.path.endsWith('/pods/etcd-rescue-0')),
		`the unready pod does not keep holding the PVC: ${JSON.stringify(sb.calls().slice(before))}`,
	);
});

test('json, logs and podsByLabel go through the pinned kubectl', async (t) => {
	const sb = await sandbox(t);
	for (const [k, v] of Object.entries(sb.env)) process.env[k] = v;
	const kube = createKube({ context: 'kind-a', namespace: 'default' });
	assert.equal((await kube.json(['get', 'sts', 'my-release-etcd'])).spec.replicas, 3);
	assert.equal(
		await kube.logs('my-release-etcd-1', { previous: true, tail: 50 }),
		'line one\nline two\n',
	);
	const log = sb.calls().at(-1);
	assert.equal(log?.path, '/api/v1/namespaces/default/pods/my-release-etcd-1/log');
	assert.match(log?.query ?? '', /previous=true/);
	assert.match(log?.query ?? '', /tailLines=50/);
	assert.equal(log?.context, 'kind-a');
	const pods = await kube.podsByLabel('app.kubernetes.io/name=etcd');
	assert.deepEqual(
		pods.map((p) => p.metadata.name),
		['my-release-etcd-0', 'my-release-etcd-1', 'my-release-etcd-2'],
	);
	assert.match(sb.calls().at(-1)?.query ?? '', /labelSelector=app.kubernetes.io%2Fname%3Detcd/);
});

test('target resolution: current context once, namespace from the context, missing things named', async (t) => {
	const sb = await sandbox(t, { ...defaultCluster(), contextNamespace: 'milvus' });
	for (const [k, v] of Object.entries(sb.env)) process.env[k] = v;
	assert.deepEqual(await resolveTarget({}), { context: 'kind-a', namespace: 'milvus' });
	assert.deepEqual(await resolveTarget({ namespace: 'default' }), {
		context: 'kind-a',
		namespace: 'default',
	});
	await assert.rejects(
		requireStatefulSet(createKube({ context: 'kind-a', namespace: 'nope' }), 'my-release-etcd'),
		(e: unknown) =>
			e instanceof UsageError && e.message === 'namespace nope not found in context kind-a',
	);
	await assert.rejects(
		requireStatefulSet(createKube({ context: 'kind-a', namespace: 'milvus' }), 'prod-etcd', 'id'),
		(e: unknown) =>
			e instanceof UsageError &&
			e.message.startsWith(
				'StatefulSet prod-etcd tidak ditemukan di namespace milvus (context kind-a)',
			),
	);
	await assert.rejects(
		requireStatefulSet(createKube({ context: 'kind-b', namespace: 'default' }), 'my-release-etcd'),
		(e: unknown) =>
			e instanceof UsageError &&
			e.code === 2 &&
			e.message ===
				'kubectl context kind-b not found in your kubeconfig (see kubectl config get-contexts)',
	);
	sb.setCluster({ ...defaultCluster(), context: '' });
	await assert.rejects(
		resolveTarget({}),
		(e: unknown) => e instanceof UsageError && e.code === 2 && /--context/.test(e.message),
	);
});

test('a user who may not read Namespace objects is still checked by the StatefulSet lookup', async (t) => {
	const sb = await sandbox(t, { ...defaultCluster(), forbidNamespaces: true });
	for (const [k, v] of Object.entries(sb.env)) process.env[k] = v;
	await requireNamespace(createKube({ context: 'kind-a', namespace: 'nope' }));
	await requireStatefulSet(
		createKube({ context: 'kind-a', namespace: 'default' }),
		'my-release-etcd',
	);
	await assert.rejects(
		requireStatefulSet(createKube({ context: 'kind-a', namespace: 'default' }), 'prod-etcd'),
		(e: unknown) =>
			e instanceof UsageError &&
			e.code === 2 &&
			e.message.startsWith('StatefulSet prod-etcd not found in namespace default (context kind-a)'),
	);
	sb.setCluster({ ...defaultCluster(), fail: ['get'] });
	await assert.rejects(
		requireNamespace(createKube({ context: 'kind-a', namespace: 'default' })),
		(e: unknown) =>
			e instanceof StepFailedError &&
			e.code === 1 &&
			e.message ===
				'kubectl --context kind-a get namespace default -o name exited with code 1: Error from server (InternalError): Internal error occurred: simulated failure of get',
	);
});
