// Issue 14, "the command shown is the command run": every runbook ported to steps as data is run under
// `--dry-run --json` on the stand-in, and each step of its report is compared with the same runbook's
// --describe rendered with the facts that run found. Same ids in the same order, same argv once the
// context/namespace pins are taken off: what the site shows is what runs. Two clusters, one for the symptoms
// etcd answers through and one for those where its pods are down; each case adds its symptom to what the
// ones before left (a dry run changes nothing).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { defineRunbook, type RunbookHandle } from '../../runbooks/lib/runbook.mjs';
import type { StandinCluster } from '../../tools/standin/index.mjs';
import { loadScenario, serveDockerEngine } from '../../tools/standin/lib/docker-engine.mjs';
import { tmpDir, type Cleanup } from '../support/index.ts';
import { SCENARIOS, closedPort, healthz, httpServer, tcpServer } from '../diagnostics/helpers.ts';
import {
	cleanup,
	kubectl,
	loseVolumeWithoutDefault,
	newCluster,
	retry,
	runbookPath,
	runRunbook,
} from '../etcd-runbooks/helpers.ts';

after(cleanup);

interface ReportStep {
	id: string;
	mode: string;
	command: string | null;
	status: string;
}

/** The pins the toolkit adds at run time; --describe renders kubectl without them. */
const unpin = (c: StandinCluster, command: string | null) =>
	command === null
		? null
		: command.replace(`kubectl --context ${c.context} -n ${c.namespace} `, 'kubectl ');

/**
 * Dry-run `name` on the cluster and compare its steps with --describe for the facts it found.
 * @returns the report's steps, for the case's own assertions
 */
async function assertDescribeMatchesRun(
	c: StandinCluster,
	name: string,
	{
		args = [],
		readMayFail = [],
		env = {},
	}: { args?: string[]; readMayFail?: string[]; env?: Record<string, string> } = {},
): Promise<ReportStep[]> {
	// In the cluster's folder: a dry run's read steps may keep what they read (etcd-multi-crash's snapshot).
	const dry = await runRunbook(name, ['--dry-run', '--json', ...args], {
		env: { ...c.env, ...env },
		cwd: c.dir,
	});
	assert.equal(dry.code, 0, dry.stdout + dry.stderr);
	const report = JSON.parse(dry.stdout) as { facts: unknown; steps: ReportStep[] };
	assert.ok(report.steps.length > 0, `${name}: no steps in the dry run`);

	const mod = (await import(pathToFileURL(runbookPath(name)).href)) as {
		default: RunbookHandle;
	};
	// --describe with the run's facts in place of the example ones: the same rendering, the same inputs. The
	// variants (etcd-all-crash's Docker Compose steps, for the page) are another target's run, not this one.
	const view = (await defineRunbook({
		...mod.default.def,
		exampleFacts: report.facts,
		variantFacts: [],
	}).describe('en')) as { steps: { id: string; command: string | null }[] };

	assert.deepEqual(
		report.steps.map((s) => s.id),
		view.steps.map((s) => s.id),
		`${name}: the steps run are the steps described`,
	);
	report.steps.forEach((s, i) => {
		assert.equal(
			unpin(c, s.command),
			view.steps[i]?.command,
			`${name} step ${i + 1} (${s.id}): the command run is the command described`,
		);
		// Pinned at run time: every kubectl names the cluster it was checked against.
		if (s.command?.startsWith('kubectl '))
			assert.ok(
				s.command.startsWith(`kubectl --context ${c.context} -n ${c.namespace} `),
				s.command,
			);
	});
	// Read steps ran for real; a dry run changed nothing.
	for (const s of report.steps) {
		if (s.mode === 'read')
			assert.ok(
				['ran', 'skipped', ...(readMayFail.includes(s.id) ? ['failed'] : [])].includes(s.status),
				`${s.id}: ${s.status}`,
			);
		else assert.ok(['dry-run', 'skipped'].includes(s.status), `${s.id}: ${s.status}`);
	}
	return report.steps;
}

/**
 * The Docker Engine stand-in serving one of the diagnostics' Compose scenarios (no process behind its
 * containers, so it costs nothing): the env that points the docker CLI at it.
 */
async function composeScenario(t: Cleanup, scenario: string): Promise<Record<string, string>> {
	const socketPath = path.join(await tmpDir(t, 'describe-docker-'), 'docker.sock');
	const { backend } = loadScenario(path.join(SCENARIOS, scenario, 'engine', 'containers.json'));
	const engine = await serveDockerEngine({ socketPath, backend });
	t.after(() => engine.close());
	return { DOCKER_HOST: `unix://${socketPath}` };
}

describe('--describe shows what --dry-run runs', { concurrency: 1 }, () => {
	let c: StandinCluster;
	before(async () => {
		c = await newCluster({
			generation: 'bitnami-2022',
			milvus: 'cluster',
			// The chart's MinIO with the keys Milvus is configured with: object-storage reads both.
			objectStorage: {
				server: {
					accessKey: 'DESCRIBEACCESSKEY',
					secretKey: 'describe-secret-key',
					buckets: ['milvus-bucket'],
					region: '',
					tls: false,
					running: true,
					denied: [],
				},
				user: { accessKeyID: 'DESCRIBEACCESSKEY', secretAccessKey: 'describe-secret-key' },
			},
		});
	});

	it('etcd-slow-disk (read-only: the same cluster, before any fault)', async () => {
		const steps = await assertDescribeMatchesRun(c, 'etcd-slow-disk');
		assert.ok(steps.some((s) => s.id === 'read-metrics'));
	});

	it('channel-unavailable', async () => {
		await assertDescribeMatchesRun(c, 'channel-unavailable');
	});

	it('upgrade-2-6', async () => {
		await assertDescribeMatchesRun(c, 'upgrade-2-6');
	});

	it('object-storage (a dry run reads the settings and starts no probe pod)', async () => {
		const steps = await assertDescribeMatchesRun(c, 'object-storage');
		assert.ok(steps.some((s) => s.id === 'start-probe-pod' && s.status === 'skipped'));
	});

	it('querynode-oom (a query node killed for memory)', async () => {
		const querynode = (
			JSON.parse(await kubectl(c, 'get', 'pods', '-l', 'component=querynode', '-o', 'json'))
				.items as { metadata: { name: string } }[]
		)[0]?.metadata.name;
		assert.ok(querynode, 'the cluster has a query node');
		await c.setContainerState(querynode, { reason: 'OOMKilled', exitCode: 137, restartCount: 3 });
		// `kubectl top` needs a metrics API, which the stand-in does not serve (nor does a cluster without
		// metrics-server): the runbook reads on without it.
		const steps = await assertDescribeMatchesRun(c, 'querynode-oom', {
			readMayFail: ['memory-usage'],
		});
		assert.ok(steps.some((s) => s.command?.endsWith(`logs ${querynode} --previous --tail=200`)));
	});

	it('boot and diagnose --live (the pods of the release; the OOMKilled query node read with --previous)', async () => {
		const boot = await assertDescribeMatchesRun(c, 'boot', { args: ['--source', 'kubernetes'] });
		assert.equal(boot[0]?.id, 'kubectl-pods');
		assert.ok(
			boot.some((s) => s.id === 'kubectl-logs-previous' && /querynode/.test(s.command ?? '')),
			'the restarted query node is read with logs --previous',
		);
		// auto: the docker daemon of the cluster's env does not answer, so the release's pods are read.
		const live = await assertDescribeMatchesRun(c, 'diagnose', { args: ['--live'] });
		assert.deepEqual(
			live.map((s) => s.command),
			boot.map((s) => s.command),
		);
	});

	it('boot on Docker Compose (etcd exited, the standalone restarting: both logs, in docker ps order)', async (t) => {
		const env = await composeScenario(t, 'compose-etcd-crash');
		const ports = [
			'--grpc-port',
			String(await closedPort()),
			'--health-port',
			String(await closedPort()),
		];
		const steps = await assertDescribeMatchesRun(c, 'boot', { args: ports, env });
		assert.deepEqual(
			steps.map((s) => s.command),
			[
				'docker ps -a --filter name=milvus',
				'docker logs --tail 500 milvus-standalone',
				'docker logs --tail 500 milvus-etcd',
			],
		);
	});

	it('runtime-compat (the tag on Docker Compose; the image tags of the release on the cluster)', async (t) => {
		const project = await tmpDir(t, 'describe-project-');
		const args = ['--project', project, '--pymilvus', '2.4.1'];
		const env = await composeScenario(t, 'compose-old-server');
		const docker = await assertDescribeMatchesRun(c, 'runtime-compat', { args, env });
		assert.deepEqual(
			docker.map((s) => s.id),
			['server-image'],
		);
		const kube = await assertDescribeMatchesRun(c, 'runtime-compat', {
			args: [...args, '--source', 'kubernetes'],
		});
		assert.deepEqual(
			kube.map((s) => s.id),
			['kubectl-image'],
		);
	});

	it('api-errors (a pasted error; a port and /healthz on 127.0.0.1 stand for the proxy)', async (t) => {
		const ports = ['--grpc-port', String(await tcpServer(t))];
		ports.push('--health-port', String(await httpServer(t, healthz())));
		const steps = await assertDescribeMatchesRun(c, 'api-errors', {
			args: [...ports, '--error', '<MilvusException: (code=101, message=collection not loaded)>'],
		});
		assert.deepEqual(
			steps.map((s) => [s.id, s.status]),
			[
				['probe-grpc', 'ran'],
				['probe-healthz', 'ran'],
			],
		);
	});

	it('write-denied (a pasted disk quota error)', async () => {
		const steps = await assertDescribeMatchesRun(c, 'write-denied', {
			args: [
				'--error',
				'MilvusException: (code=9, message=quota exceeded[reason=disk quota exceeded, please allocate more resources])',
			],
		});
		assert.deepEqual(
			steps.map((s) => s.id),
			['guard-logs', 'quota-settings'],
		);
	});

	it('etcd-nospace (a quota smaller than the database)', async () => {
		// Smaller than any etcd database: the runbook sees a member at its quota without filling one up.
		await kubectl(c, 'set', 'env', `sts/${c.sts}`, 'ETCD_QUOTA_BACKEND_BYTES=4096');
		await kubectl(c, 'rollout', 'status', `sts/${c.sts}`, '--timeout=180s');
		await retry(() => c.waitHealthy({ timeoutMs: 90_000 }));
		const steps = await assertDescribeMatchesRun(c, 'etcd-nospace');
		assert.ok(steps.filter((s) => s.id === 'defrag').length === 3, 'one defrag per member');
	});

	it('etcd-bad-member-id (etcd-1 crash-loops on an empty member_id)', async () => {
		await c.inject('empty-member-id', [1]);
		await c.waitPod(1, 'CrashLoopBackOff');
		const steps = await assertDescribeMatchesRun(c, 'etcd-bad-member-id');
		assert.ok(steps.some((s) => s.command?.includes('exec my-release-etcd-1 -- rm -f')));
	});

	it('etcd-pending (etcd-2 lost its volume and no StorageClass is default)', async () => {
		await retry(() => loseVolumeWithoutDefault(c, 2));
		const steps = await assertDescribeMatchesRun(c, 'etcd-pending');
		assert.ok(steps.some((s) => s.id === 'wait-ready' && s.status === 'skipped'));
	});
});

// Pods down (all of them waiting on an image pull, then two and three members crash-looping) leave nothing for
// the cases above to run on: these have a cluster of their own, each case adding its fault to what the one
// before left.
describe('--describe shows what --dry-run runs: etcd pods down', { concurrency: 1 }, () => {
	/** A Bitnami etcd image, the one the node is made unable to pull. */
	const BITNAMI = 'docker.io/bitnami/etcd:3.5.18-debian-12-r5';
	const etcdPods = ['-l', 'app.kubernetes.io/name=etcd', '--wait=false'];
	let c: StandinCluster;
	before(async () => {
		c = await newCluster({ generation: 'milvusdb-fork', etcdImage: BITNAMI });
		await c.putMilvusKeys(50);
	});
	after(() => c?.stop());

	it('etcd-image-pull (every pod waits on an image the node cannot pull)', async () => {
		await c.setImagePullable(BITNAMI, false);
		await kubectl(c, 'delete', 'pod', ...etcdPods);
		for (let i = 0; i < 3; i++) await c.waitPod(i, 'ImagePullBackOff', { timeoutMs: 90_000 });
		const steps = await assertDescribeMatchesRun(c, 'etcd-image-pull');
		assert.ok(
			steps.some((s) =>
				s.command?.includes(`set image sts/${c.sts} etcd=docker.io/bitnamilegacy/`),
			),
			'the plan moves etcd to bitnamilegacy',
		);
		// The node can pull again: new pods start on their data (the fork's scripts keep the member list).
		await c.setImagePullable(BITNAMI, true);
		await kubectl(c, 'delete', 'pod', ...etcdPods);
		await retry(() => c.waitHealthy({ timeoutMs: 90_000 }));
	});

	it('etcd-multi-crash (etcd-1 and etcd-2 crash-loop on a broken WAL, etcd-0 runs)', async () => {
		await c.inject('corrupt-data', [1, 2]);
		for (const i of [1, 2]) await c.waitPod(i, 'CrashLoopBackOff', { timeoutMs: 90_000 });
		const steps = await assertDescribeMatchesRun(c, 'etcd-multi-crash');
		assert.ok(
			steps.some((s) => s.command?.endsWith(`scale sts ${c.sts} --replicas=1`)),
			'the plan keeps the survivor alone',
		);
	});

	it('etcd-all-crash (every member crash-looping on a broken WAL)', async () => {
		await c.inject('corrupt-data', [0]);
		for (let i = 0; i < 3; i++) await c.waitPod(i, 'CrashLoopBackOff', { timeoutMs: 90_000 });
		const steps = await assertDescribeMatchesRun(c, 'etcd-all-crash');
		assert.ok(
			steps.some((s) => s.mode === 'destroy'),
			'the plan reaches the destructive steps',
		);
	});
});
