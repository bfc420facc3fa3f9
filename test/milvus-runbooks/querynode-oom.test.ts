// querynode-oom against the stand-in's Milvus query node, through the real kubectl: the kubelet's termination
// fields (OOMKilled and a bare exit 137, CrashLoopBackOff, startedAt/finishedAt), the container's memory
// requests and limits, `logs --previous`, the chart's ConfigMap; and the query node's own log lines.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { StandinCluster } from '../../tools/standin/index.mjs';
import { cleanup, kubectl, newCluster, runRunbook, ROOT } from '../etcd-runbooks/helpers.ts';
import { parseRefusal, podMemory } from '../../runbooks/lib/querynode-memory.mjs';

const FIXTURES = path.join(ROOT, 'test', 'milvus-runbooks', 'fixtures');
const fixture = (name: string): string => readFileSync(path.join(FIXTURES, name), 'utf8');
const REFUSED_LOG = fixture('querynode-refused.log');
const OOMKILLED_PREVIOUS = fixture('querynode-oomkilled.previous.log');
const QUERYCOORD_LOG = fixture('querycoord-refused.log');

let c: StandinCluster;
let querynode: string;
let querycoord: string;

after(cleanup);

before(async () => {
	c = await newCluster({
		replicas: 1,
		milvus: 'cluster',
		milvusResources: { querynode: { requests: { memory: '4Gi' }, limits: { memory: '8Gi' } } },
		configMaps: {
			'my-release-milvus': {
				'default.yaml': fixture('chart-default.yaml'),
				'user.yaml': 'queryNode:\n  overloadedMemoryThresholdPercentage: 95\n',
			},
		},
	});
	const deadline = Date.now() + 60_000;
	for (;;) {
		const pods = JSON.parse(
			await kubectl(c, 'get', 'pods', '-l', 'component=querynode', '-o', 'json'),
		).items as {
			metadata: { name: string };
			status: { containerStatuses?: { ready: boolean }[] };
		}[];
		const ready = pods.find((p) => p.status.containerStatuses?.every((s) => s.ready));
		if (ready) {
			querynode = ready.metadata.name;
			break;
		}
		if (Date.now() > deadline) throw new Error('the querynode never became ready');
		await new Promise((r) => setTimeout(r, 200));
	}
});

const run = (args: string[] = []) =>
	runRunbook('querynode-oom', ['--lang', 'en', ...args], { env: c.env });

test('the refusal line of a 2.4 query node and of 2.3 give the numbers', () => {
	const line = REFUSED_LOG.split('\n').find((l) => l.includes('OOM if load')) ?? '';
	assert.deepEqual(
		{ ...parseRefusal(line), line: undefined },
		{ line: undefined, predictMb: 7638, totalMb: 8192, factor: 0.9 },
	);
	// milvus-io/milvus#22204 (2.2.3), as the reporter pasted it.
	const old = parseRefusal(
		'[error="InsufficientMemoryToLoad, err:insufficient memory when shard cluster load segments, err:InsufficientMemoryToLoad, reason:InsufficientMemoryToLoad, load segment failed, OOM if load, collectionID = 439466492573778558, maxSegmentSize = 686 MB, concurrency = 1, usedMemAfterLoad = 21796 MB, totalMem = 24108 MB, thresholdFactor = 0.900000"]',
	);
	assert.equal(old.predictMb, 21796);
	assert.equal(old.totalMb, 24108);
	assert.equal(old.factor, 0.9);
	// #32621 (2.5): the query coordinator's line, with fractional megabytes.
	const coord = parseRefusal(QUERYCOORD_LOG.split('\n')[1] ?? '');
	assert.equal(coord.predictMb, 87308.43977832794);
	assert.equal(coord.totalMb, 96521.80859375);
});

test('a pod object: only reason OOMKilled is memory, a bare 137 is SIGKILL', () => {
	const pod = (reason: string) => ({
		metadata: { name: 'qn', labels: { component: 'querynode' } },
		spec: { containers: [{ resources: { limits: { memory: '8Gi' } } }] },
		status: {
			containerStatuses: [
				{
					ready: false,
					restartCount: 2,
					state: { waiting: { reason: 'CrashLoopBackOff' } },
					lastState: { terminated: { reason, exitCode: 137, startedAt: 'a', finishedAt: 'b' } },
				},
			],
		},
	});
	const oom = podMemory(pod('OOMKilled'), '', '');
	assert.equal(oom.oomKilled, true);
	assert.equal(oom.sigkill, false);
	assert.equal(oom.limit, '8Gi');
	const killed = podMemory(pod('Error'), '', '');
	assert.equal(killed.oomKilled, false);
	assert.equal(killed.sigkill, true);
	assert.match(killed.cause, /exit 137: killed with SIGKILL, not by the OOM killer/);
});

test('healthy query nodes: exit 4', async () => {
	const r = await run();
	assert.equal(r.code, 4, r.stderr);
	assert.match(r.stderr, /no query node was OOMKilled or refused a load/);
});

test('a bare exit 137 (reason Error) is named as SIGKILL and not called OOM: exit 4', async () => {
	await c.setContainerState(querynode, {
		reason: 'Error',
		exitCode: 137,
		restartCount: 1,
		running: true,
		previousLog: 'shutting down\n',
	});
	const r = await run();
	const out = r.stdout + r.stderr;
	assert.equal(r.code, 4, out);
	assert.match(out, new RegExp(`${querynode}: lastState: Error \\(exit 137: killed with SIGKILL`));
	assert.match(out, /Exit 137 alone is SIGKILL from outside/);
	assert.doesNotMatch(out, /OOMKilled \(exit/);
});

test('OOMKilled and CrashLoopBackOff: the real termination fields, limits, settings and the fix; exit 1', async () => {
	await c.setContainerState(querynode, {
		reason: 'OOMKilled',
		exitCode: 137,
		restartCount: 4,
		previousLog: OOMKILLED_PREVIOUS,
	});
	const terminated = JSON.parse(
		await kubectl(
			c,
			'get',
			'pod',
			querynode,
			'-o',
			'jsonpath={.status.containerStatuses[0].lastState.terminated}',
		),
	) as { reason: string; exitCode: number; startedAt: string; finishedAt: string };
	assert.equal(terminated.reason, 'OOMKilled');
	assert.equal(terminated.exitCode, 137);
	const r = await run();
	const out = r.stdout + r.stderr;
	assert.equal(r.code, 1, out);
	// The header names the release; the etcd StatefulSet only in runbooks that work on it.
	assert.match(out, /Release: my-release\s*$/m);
	assert.doesNotMatch(out, /StatefulSet: my-release-etcd/);
	// The custom columns the page shows, as kubectl prints them.
	assert.match(
		out,
		new RegExp(
			`${querynode}\\s+querynode\\s+CrashLoopBackOff\\s+4\\s+OOMKilled\\s+137\\s+\\S+\\s+4Gi\\s+8Gi`,
		),
	);
	assert.ok(
		out.includes(
			`${querynode}: OOMKilled (exit 137), last run ${terminated.startedAt} → ${terminated.finishedAt}`,
		),
		out,
	);
	// How the previous container ended: the last lines before the kill.
	assert.match(out, /load vector field with index/);
	assert.match(out, new RegExp(`${querynode} requests 4Gi but may use 8Gi`));
	assert.match(out, /settings from ConfigMap my-release-milvus \(default\.yaml, user\.yaml\)/);
	assert.match(out, /queryNode\.overloadedMemoryThresholdPercentage: 95\n/);
	assert.match(out, /queryNode\.overloadedMemoryThresholdPercentage is 95: above 90/);
	assert.match(out, /queryNode\.mmap\.mmapEnabled: false \(not set: Milvus default\)/);
	assert.match(out, /Metrics API not available/);
	assert.match(out, /add query nodes \("queryNode\.replicas"\)/);
	assert.match(out, /exits 4 once no query node shows the symptom/);

	const id = await runRunbook('querynode-oom', ['--lang', 'id'], { env: c.env });
	assert.equal(id.code, 1);
	assert.match(id.stdout + id.stderr, /Yang perlu diubah:/);
});

test('a refused load in the current log: the numbers against the threshold; exit 1', async () => {
	await c.setContainerState(querynode, {
		running: true,
		startedAt: new Date(Date.now() - 3 * 3600_000).toISOString(),
		log: REFUSED_LOG,
	});
	const r = await run(['--json']);
	assert.equal(r.code, 1, r.stderr);
	assert.match(
		r.stderr,
		new RegExp(
			`${querynode} refused a load: it predicts 7638 MB against 7373 MB allowed \\(totalMem 8192 MB × thresholdFactor 0\\.9\\)`,
		),
	);
	const report = JSON.parse(r.stdout) as { data: { pods: { name: string; refusal: unknown }[] } };
	assert.ok(report.data.pods.find((p) => p.name === querynode)?.refusal);
});

test("the query coordinator logs a node's refusal (#32621): named with the node id; exit 1", async () => {
	querycoord = JSON.parse(
		await kubectl(c, 'get', 'pods', '-l', 'component=querycoord', '-o', 'json'),
	).items[0].metadata.name as string;
	await c.setContainerState(querynode, {
		running: true,
		startedAt: new Date(Date.now() - 3 * 3600_000).toISOString(),
		log: 'query node start successfully\n',
	});
	await c.setContainerState(querycoord, { running: true, log: QUERYCOORD_LOG });
	const r = await run();
	const out = r.stdout + r.stderr;
	assert.equal(r.code, 1, out);
	assert.ok(
		out.includes(
			`${querycoord} (node 65) refused a load: it predicts 87308 MB against 86870 MB allowed (totalMem 96522 MB × thresholdFactor 0.9)`,
		),
		out,
	);
	// The step shows the coordinator's own line.
	assert.match(out, /\[task\/executor\.go:232\] \["failed to load segment"\]/);
	await c.setContainerState(querycoord, { running: true, log: '' });
});

test('OOMKilled earlier but ready for longer than --stable-minutes, no refusal: exit 0', async () => {
	await c.setContainerState(querynode, {
		running: true,
		startedAt: new Date(Date.now() - 2 * 3600_000).toISOString(),
		log: 'query node start successfully\n',
	});
	const r = await run();
	assert.equal(r.code, 0, r.stdout + r.stderr);
	assert.match(
		r.stdout + r.stderr,
		/OOMKilled earlier but ready and running for at least 60 minutes/,
	);
	const strict = await run(['--stable-minutes', '600']);
	assert.equal(strict.code, 1, strict.stderr);
	const bad = await run(['--stable-minutes', '-3']);
	assert.equal(bad.code, 2);
	assert.doesNotMatch(bad.stderr, /\n\s+at /);
});
