// write-denied: each quotaAndLimits guard named from the client's error text and from the quota center's and
// proxy's own log lines, then against the stand-in's Milvus pods through the real kubectl: the guard's
// settings read from the chart's ConfigMap (user.yaml over default.yaml), the exit codes.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { StandinCluster } from '../../tools/standin/index.mjs';
import { cleanup, kubectl, newCluster, runRunbook, ROOT } from '../etcd-runbooks/helpers.ts';
import { guardsIn, logHits } from '../../runbooks/write-denied.mjs';

const FIXTURES = path.join(ROOT, 'test', 'milvus-runbooks', 'fixtures');
const fixture = (name: string): string => readFileSync(path.join(FIXTURES, name), 'utf8');

test('each client error, as reporters pasted it, names its guard', () => {
	const cases: [string, string[]][] = [
		// milvus-io/milvus#26257 (2.3)
		[
			'RPC error: [batch_insert], <MilvusException: (code=53, message=deny to write, reason: memory quota exhausted, please allocate more resources, req: /milvus.proto.milvus.MilvusService/Insert)>',
			['memory'],
		],
		// #43504 (2.6)
		[
			'[Collection.insert] <MilvusException: (code=9, message=quota exceeded[reason=memory quota exceeded, please allocate more resources])>',
			['memory'],
		],
		[
			'MilvusException: (code=9, message=quota exceeded[reason=disk quota exceeded, please allocate more resources])',
			['disk'],
		],
		['MilvusException: (code=8, message=rate limit exceeded[rate=4194304])', ['rate']],
		// #23920 (2.1 server, pymilvus 2.2.5)
		[
			'<MilvusException: (code=55, message=deny to write, reason: time tick long delay, req: /milvus.proto.milvus.MilvusService/Insert)>',
			['timetick'],
		],
		// #38589 (2.5)
		[
			"RPC error: [delete], <MilvusException: (code=9, message=quota exceeded[reason=time tick long delay])>, <Time:{'RPC start': '2024-12-18 17:58:09.205091'",
			['timetick'],
		],
		// #32719 (2.4): the reason names only the rate type
		[
			'RPC error: [batch_insert], <MilvusException: (code=9, message=quota exceeded[reason=rate type: DMLInsert])>',
			['quota'],
		],
		// #20459 (2.2): "force to deny" names no guard
		['InsertRequest failed:\nforce to deny /milvus.proto.milvus.MilvusService/Insert.', ['quota']],
		['quota exceeded[reason=force deny]', ['force-deny']],
		['<MilvusException: (code=101, message=collection not loaded[collection=449])>', []],
	];
	for (const [text, want] of cases) assert.deepEqual(guardsIn(text), want, text);
});

test("each guard from the quota center's and the proxy's own log lines", () => {
	const guardsOf = (file: string) => [
		...new Set(logHits('pod', fixture(file)).map((h) => h.guard)),
	];
	assert.deepEqual(guardsOf('rootcoord-memory.log'), ['memory']);
	assert.deepEqual(guardsOf('rootcoord-disk.log'), ['disk']);
	// "force deny writing due to long timeTick delay" is the time tick guard, not a forced deny.
	assert.deepEqual(guardsOf('rootcoord-timetick.log'), ['timetick']);
	assert.deepEqual(guardsOf('proxy-rate.log'), ['rate']);
	// A query node's refused load is not a write guard.
	assert.deepEqual(guardsOf('querynode-refused.log'), []);
	assert.equal(logHits('pod', fixture('rootcoord-memory.log')).length, 2);
});

let c: StandinCluster;
const podOf: Record<string, string> = {};

after(cleanup);

before(async () => {
	c = await newCluster({
		replicas: 1,
		milvus: 'cluster',
		configMaps: {
			'my-release-milvus': {
				'default.yaml': fixture('chart-default.yaml'),
				'user.yaml': [
					'quotaAndLimits:',
					'  limitWriting:',
					'    memProtection:',
					'      queryNodeMemoryHighWaterLevel: 0.9',
					'    diskProtection:',
					'      diskQuota: 102400',
					'',
				].join('\n'),
			},
		},
	});
	const deadline = Date.now() + 60_000;
	for (;;) {
		const pods = JSON.parse(
			await kubectl(c, 'get', 'pods', '-l', 'app.kubernetes.io/name=milvus', '-o', 'json'),
		).items as {
			metadata: { name: string; labels: Record<string, string> };
			status: { containerStatuses?: { ready: boolean }[] };
		}[];
		if (pods.length > 0 && pods.every((p) => p.status.containerStatuses?.every((s) => s.ready))) {
			for (const p of pods) podOf[p.metadata.labels.component ?? ''] = p.metadata.name;
			break;
		}
		if (Date.now() > deadline) throw new Error('the Milvus pods never became ready');
		await new Promise((r) => setTimeout(r, 200));
	}
});

const run = (args: string[] = []) =>
	runRunbook('write-denied', ['--lang', 'en', ...args], { env: c.env });
const setLog = (component: string, log: string) =>
	c.setContainerState(podOf[component] ?? '', { running: true, log });

test('no guard in the logs and no --error: exit 4; an unrelated error points at api-errors', async () => {
	const r = await run();
	assert.equal(r.code, 4, r.stderr);
	assert.match(r.stderr, /no quotaAndLimits guard named in the Milvus logs/);
	const other = await run(['--error', 'collection not loaded[collection=449]']);
	assert.equal(other.code, 4);
	assert.match(other.stderr, /runbooks\/api-errors\.mjs/);
});

test('a pasted disk error with quiet logs: the disk guard, diskQuota from user.yaml; exit 0', async () => {
	const r = await run([
		'--error',
		'MilvusException: (code=9, message=quota exceeded[reason=disk quota exceeded, please allocate more resources])',
	]);
	const out = r.stdout + r.stderr;
	assert.equal(r.code, 0, out);
	assert.match(out, /--error names: disk protection/);
	assert.match(out, /settings from ConfigMap my-release-milvus \(default\.yaml, user\.yaml\)/);
	assert.match(out, /quotaAndLimits\.limitWriting\.diskProtection\.diskQuota: 102400\n/);
	assert.match(out, /diskQuotaPerCollection: -1 \(not set: Milvus default\)/);
	assert.match(out, /only by compaction/);
	assert.doesNotMatch(out, /Guard: memory/);
});

test('the quota center logs the memory water level: memory guard with its settings; exit 1', async () => {
	await setLog('rootcoord', fixture('rootcoord-memory.log'));
	const r = await run(['--json']);
	assert.equal(r.code, 1, r.stderr);
	assert.match(r.stderr, /QuotaCenter: QueryNode memory to high water level/);
	assert.match(r.stderr, /queryNodeMemoryHighWaterLevel: 0\.9\n/);
	assert.match(r.stderr, /dataNodeMemoryHighWaterLevel: 0\.95 \(not set: Milvus default\)/);
	const report = JSON.parse(r.stdout) as {
		exitCode: number;
		data: { guards: string[]; hits: { pod: string }[] };
	};
	assert.deepEqual(report.data.guards, ['memory']);
	assert.equal(report.data.hits[0]?.pod, podOf.rootcoord);

	const id = await runRunbook('write-denied', ['--lang', 'id'], { env: c.env });
	assert.equal(id.code, 1);
	assert.match(id.stdout + id.stderr, /Pengaman: pengaman memori/);
	await setLog('rootcoord', '');
});

test('time tick delay in the rootcoord log, a rate limit in the proxy log: both named; exit 1', async () => {
	await setLog('rootcoord', fixture('rootcoord-timetick.log'));
	await setLog('proxy', fixture('proxy-rate.log'));
	const r = await run();
	const out = r.stdout + r.stderr;
	assert.equal(r.code, 1, out);
	assert.match(out, /Guard: time tick protection/);
	assert.match(out, /ttProtection\.maxTimeTickDelay: 300 \(not set: Milvus default\)/);
	assert.match(out, /Guard: rate limit/);
	assert.match(out, /dml\.insertRate\.max: -1/);
	assert.doesNotMatch(out, /Guard: forced deny/);
	assert.match(out, /the logs show rate limit \(rate limit exceeded\), time tick protection/);
});
