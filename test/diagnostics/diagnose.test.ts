import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { tmpDir } from '../support/index.ts';
import {
	dockerRequestLine,
	nonReadCalls,
	nonReadDockerRequests,
	runRunbook,
	SCENARIOS,
} from './helpers.ts';

interface Report {
	matches: { symptom: string; line: string; page: string; signature: string }[];
	exitCode: number;
}

const ETCD_LOG = path.join(
	SCENARIOS,
	'compose-etcd-crash',
	'docker',
	'logs',
	'milvus-etcd.stderr.log',
);

test('a log file: symptoms strongest first with the matched line and the page, exit 1', async (t) => {
	const dir = await tmpDir(t);
	const file = path.join(dir, 'milvus.log');
	writeFileSync(
		file,
		[
			'[2024/06/03 08:14:02.790 +00:00] [INFO] [etcd/etcd_util.go:52] ["create etcd client"] [endpoints="[etcd:2379]"]',
			'[2024/06/03 08:14:03.100 +00:00] [WARN] [grpcclient/client.go:209] ["failed to get client address"] [error="find no available rootcoord, check rootcoord state"]',
			'panic: failed to create etcd client: context deadline exceeded',
			'{"level":"panic","ts":"2024-06-03T08:10:51.402Z","caller":"etcdserver/server.go:515","msg":"failed to recover v3 backend from snapshot","error":"failed to find database snapshot file (snap: snapshot file doesn\'t exist)"}',
		].join('\n'),
	);
	const r = await runRunbook(t, 'diagnose', ['--file', file, '--json']);
	assert.equal(r.code, 1, r.stderr);
	const report = r.json() as unknown as Report;
	assert.deepEqual(
		report.matches.map((m) => m.symptom),
		['etcd-all-crash', 'boot'],
	);
	assert.equal(report.matches[0]?.page, '/en/etcd-all-crash/');
	assert.match(report.matches[0]?.line ?? '', /failed to recover v3 backend from snapshot/);
	assert.equal(
		report.matches[1]?.line,
		'panic: failed to create etcd client: context deadline exceeded',
	);
	assert.equal(report.exitCode, 1);
	// Human text went to stderr, so stdout was exactly the JSON document.
	assert.match(r.stderr, /etcd-all-crash/);
});

test('stdin in Indonesian: pages under /id/ and Indonesian text', async (t) => {
	const r = await runRunbook(t, 'diagnose', ['--lang', 'id'], {
		input:
			'Error: bad member ID arg (strconv.ParseUint: parsing "": invalid syntax), expecting ID in Hex\n',
	});
	assert.equal(r.code, 1, r.stderr);
	assert.match(r.stdout, /Gejala yang dikenali/);
	assert.match(r.stdout, /\/id\/etcd-bad-member-id\//);
	assert.match(r.stdout, /npx zx runbooks\/etcd-bad-member-id\.mjs/);
});

test('--file - reads stdin; --text checks one pasted line', async (t) => {
	const viaDash = await runRunbook(t, 'diagnose', ['--file', '-', '--json'], {
		input:
			'  Warning  FailedScheduling  2m  default-scheduler  0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims.\n',
	});
	assert.equal(viaDash.code, 1, viaDash.stderr);
	assert.equal((viaDash.json() as unknown as Report).matches[0]?.symptom, 'etcd-pending');
	const viaText = await runRunbook(t, 'diagnose', [
		'--text',
		'<MilvusException: (code=101, message=collection not loaded[collection=449888229865560632])>',
		'--json',
	]);
	assert.equal(viaText.code, 1, viaText.stderr);
	assert.deepEqual(
		(viaText.json() as unknown as Report).matches.map((m) => [m.symptom, m.page]),
		[['api-errors', '/en/api-errors/']],
	);
});

test('nothing known: "no known symptom", "matches": [] and exit 0', async (t) => {
	const r = await runRunbook(t, 'diagnose', ['--json'], {
		input:
			'{"level":"info","ts":"2024-06-03T06:20:05.118Z","caller":"mvcc/index.go:214","msg":"compact tree index","revision":48213}\n',
	});
	assert.equal(r.code, 0, r.stderr);
	assert.deepEqual((r.json() as unknown as Report).matches, []);
	// No signature: at most the closest pages, never a claim that this is a symptom's error.
	assert.match(r.stderr, /no known symptom|No known error signature/i);
	assert.doesNotMatch(r.stderr, /This is the error of/);
	const human = await runRunbook(t, 'diagnose', ['--text', 'CUDA error: out of memory']);
	assert.equal(human.code, 0);
	assert.match(human.stdout, /no known symptom/);
});

test('--live reads the docker deployment with read-only commands only', async (t) => {
	const r = await runRunbook(t, 'diagnose', ['--live', '--json'], {
		scenario: 'compose-etcd-crash',
	});
	assert.equal(r.code, 1, r.stderr);
	const report = r.json() as unknown as Report;
	assert.deepEqual(
		report.matches.map((m) => m.symptom),
		['etcd-all-crash', 'boot'],
	);
	assert.deepEqual(nonReadCalls(r.calls), []);
	assert.deepEqual(nonReadDockerRequests(r.docker), []);
	assert.ok(
		r.docker
			.map(dockerRequestLine)
			.includes('GET /containers/milvus-etcd/logs?stderr=1&stdout=1&tail=500'),
	);
});

test('--live on Kubernetes: pinned kubectl, Pending pod events read with describe', async (t) => {
	const r = await runRunbook(t, 'diagnose', ['--live', '--source', 'kubernetes', '--json'], {
		scenario: 'k8s-pending',
	});
	assert.equal(r.code, 1, r.stderr);
	const report = r.json() as unknown as Report;
	assert.equal(report.matches[0]?.symptom, 'etcd-pending');
	// kubectl describe: the pod, then its events by field selector.
	const requests = r.kubeCalls.map((c) => `${c.context} ${c.method} ${decodeURIComponent(c.url)}`);
	assert.ok(
		requests.includes('kind-milvus GET /api/v1/namespaces/default/pods/my-release-etcd-0'),
		requests.join('\n'),
	);
	assert.ok(
		requests.some((c) =>
			/GET \/api\/v1\/namespaces\/default\/events\?fieldSelector=.*involvedObject.name=my-release-etcd-0/.test(
				c,
			),
		),
		requests.join('\n'),
	);
	assert.deepEqual(nonReadCalls(r.calls), []);
});

test('bad input: one clear line and a non-zero exit, never a stack trace', async (t) => {
	const cases: {
		args: string[];
		input?: string | Buffer;
		standins?: boolean;
		code: number;
		line: RegExp;
	}[] = [
		{ args: ['--frobnicate'], code: 2, line: /unknown flag --frobnicate/ },
		{
			args: ['--file', '/nonexistent/milvus.log'],
			code: 2,
			line: /cannot read \/nonexistent\/milvus\.log: ENOENT/,
		},
		{
			args: [],
			input: Buffer.from([
				0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, 0x00, 0x00, 0xff, 0xfe, 0x00, 0x13,
			]),
			code: 2,
			line: /binary/,
		},
		{ args: ['--file', '-'], input: '', code: 2, line: /stdin is empty/ },
		{ args: ['--file', ETCD_LOG, '--text', 'x'], code: 2, line: /only one of/ },
		{
			args: ['--live', '--source', 'docker'],
			standins: false,
			code: 1,
			line: /docker not found on PATH/,
		},
		{ args: ['--live'], standins: false, code: 1, line: /neither docker nor kubectl/ },
		{ args: ['--tail', '-5', '--live'], code: 2, line: /--tail/ },
	];
	for (const c of cases) {
		const r = await runRunbook(t, 'diagnose', c.args, {
			input: c.input,
			standins: c.standins,
			scenario: 'compose-healthy',
		});
		assert.equal(r.code, c.code, `${c.args.join(' ')}: ${r.stderr}`);
		const lines = r.stderr.trim().split('\n');
		assert.equal(lines.length, 1, `${c.args.join(' ')} printed: ${r.stderr}`);
		assert.match(lines[0] ?? '', c.line);
		assert.doesNotMatch(r.stderr, /\n\s+at /);
	}
});

test('run bare with nothing piped in: it explains how to give it a log, no error line, exit 2', async (t) => {
	for (const lang of ['en', 'id']) {
		const r = await runRunbook(t, 'diagnose', ['--lang', lang], { input: '' });
		assert.equal(r.code, 2, r.stderr);
		assert.equal(r.stderr.trim(), '', 'no "error:" line');
		assert.match(r.stdout, /--file milvus\.log/);
		assert.match(r.stdout, /--live/);
		assert.match(r.stdout, /\| npx zx runbooks\/diagnose\.mjs/);
		assert.match(r.stdout, lang === 'en' ? /paste/ : /Ctrl-D/);
	}
});

test('issue 16: each listed string and a real log line around it names its Milvus page', async (t) => {
	const ts = '[2025/04/14 09:12:03.511 +00:00]';
	const cases: [string, string][] = [
		[
			`${ts} [WARN] [storage/minio_object_storage.go:101] ["failed to check blob bucket exist"] [bucket=milvus-bucket] [error="Access Denied."]`,
			'object-storage',
		],
		[
			`${ts} [ERROR] [storage/remote_chunk_manager.go:180] ["failed to read object"] [bucket=milvus-prod] [error="The specified bucket does not exist."]`,
			'object-storage',
		],
		[
			'load segment failed, OOM if load, maxSegmentSize = 512 MB, memUsage = 7126 MB, predictMemUsage = 7638 MB, totalMem = 8192 MB thresholdFactor = 0.900000',
			'querynode-oom',
		],
		['      Reason:       OOMKilled', 'querynode-oom'],
		[
			'<MilvusException: (code=53, message=deny to write, reason: memory quota exhausted, please allocate more resources)>',
			'write-denied',
		],
		[
			'<MilvusException: (code=9, message=quota exceeded[reason=disk quota exceeded, please allocate more resources])>',
			'write-denied',
		],
		['<MilvusException: (code=8, message=rate limit exceeded[rate=4194304])>', 'write-denied'],
		['deny to write, reason: time tick long delay, please check the message queue', 'write-denied'],
	];
	const dir = await tmpDir(t);
	const file = path.join(dir, 'milvus.log');
	for (const [text, symptom] of cases) {
		writeFileSync(file, `${ts} [INFO] [proxy/impl.go:2590] ["Insert received"]\n${text}\n`);
		const r = await runRunbook(t, 'diagnose', ['--file', file, '--json']);
		assert.equal(r.code, 1, `${text}: ${r.stderr}`);
		const top = (r.json() as unknown as Report).matches[0];
		assert.equal(top?.symptom, symptom, text);
		assert.equal(top?.page, `/en/${symptom}/`);
	}
});
