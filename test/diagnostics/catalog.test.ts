import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import {
	SIGNATURES,
	NO_KNOWN_SYMPTOM,
	matchText,
	normalizeLogText,
	normalizeLine,
	pagePath,
	strongestPerSymptom,
} from '../../runbooks/lib/catalog.mjs';
import { ROOT, SYMPTOM_IDS } from '../support/index.ts';
import { NEGATIVE, POSITIVE } from './catalog-samples.ts';

test('the catalog holds at least 40 signatures spread over every symptom', () => {
	assert.ok(SIGNATURES.length >= 40, `only ${SIGNATURES.length} signatures`);
	for (const id of SYMPTOM_IDS) {
		assert.ok(
			SIGNATURES.some((s) => s.symptom === id),
			`no signature for ${id}`,
		);
	}
});

test('every signature is well formed: unique kebab id, known symptom, weight, both languages, a source', () => {
	const ids = new Set<string>();
	for (const s of SIGNATURES) {
		assert.match(s.id, /^[a-z][a-z0-9-]*$/);
		assert.ok(!ids.has(s.id), `duplicate id ${s.id}`);
		ids.add(s.id);
		assert.ok(SYMPTOM_IDS.includes(s.symptom), `${s.id}: unknown symptom ${s.symptom}`);
		assert.ok(s.weight > 0 && s.weight <= 100, `${s.id}: weight ${s.weight}`);
		assert.ok(s.patterns.length > 0, `${s.id}: no pattern`);
		// The matcher's quick pre-filter joins all patterns case-insensitively; other flags would break it.
		for (const p of s.patterns)
			assert.match(p.flags, /^i?$/, `${s.id}: pattern ${p} uses flags ${p.flags}`);
		assert.ok(s.explain.en.length > 20 && s.explain.id.length > 20, `${s.id}: explanation missing`);
		assert.notEqual(
			s.explain.en,
			s.explain.id,
			`${s.id}: Indonesian text is a copy of the English`,
		);
		assert.ok(s.source.length > 5, `${s.id}: no source`);
	}
});

test('every signature has a real-looking sample that matches it, with its symptom on top', () => {
	const covered = new Set(POSITIVE.map((p) => p.signature));
	const missing = SIGNATURES.map((s) => s.id).filter((id) => !covered.has(id));
	assert.deepEqual(missing, [], `signatures without a sample: ${missing.join(', ')}`);
	for (const sample of POSITIVE) {
		const matches = matchText(sample.text);
		assert.ok(
			matches.some((m) => m.signature === sample.signature),
			`${sample.signature} did not match: ${sample.text}\n  normalized: ${normalizeLogText(sample.text)}\n  got: ${matches.map((m) => m.signature).join(', ')}`,
		);
		assert.equal(
			matches[0]?.symptom,
			sample.symptom,
			`strongest for ${sample.signature}: ${matches.map((m) => `${m.signature}/${m.symptom}`).join(', ')}`,
		);
	}
});

test('real errors that belong to none of our symptoms get "no known symptom"', () => {
	assert.ok(NEGATIVE.length >= 10);
	for (const n of NEGATIVE) {
		const matches = matchText(n.text);
		assert.deepEqual(
			matches.map((m) => m.signature),
			[],
			`${n.what} should match nothing\n  normalized: ${normalizeLogText(n.text)}`,
		);
	}
	assert.equal(NO_KNOWN_SYMPTOM.en, 'no known symptom');
	assert.ok(NO_KNOWN_SYMPTOM.id.length > 0);
});

test('a MilvusException with a code is api-errors unless a more specific signature explains it', () => {
	const generic = matchText(
		'pymilvus.exceptions.MilvusException: <MilvusException: (code=2200, message=something the catalog has never seen)>',
	);
	assert.deepEqual(
		generic.map((m) => [m.signature, m.symptom]),
		[['milvus-exception', 'api-errors']],
	);
	const specific = matchText(
		'<MilvusException: (code=1, message=this version of sdk is incompatible with server, please downgrade your sdk or upgrade your server)>',
	);
	assert.equal(specific[0]?.symptom, 'runtime-compat');
	assert.ok(
		!specific.some((m) => m.signature === 'milvus-exception'),
		'the generic fallback must give way to the specific match',
	);
	const coded = matchText(
		'<MilvusException: (code=101, message=collection not loaded[collection=449888229865560632])>',
	);
	assert.equal(coded[0]?.signature, 'collection-not-loaded');
	assert.ok(!coded.some((m) => m.signature === 'milvus-exception'));
});

test('matches come strongest first, one per signature, with the original line and its number', () => {
	const log = [
		'[2024/06/03 08:14:02.790 +00:00] [INFO] [etcd/etcd_util.go:52] ["create etcd client"] [endpoints="[etcd:2379]"]',
		'[2024/06/03 08:14:03.100 +00:00] [WARN] [grpcclient/client.go:209] ["failed to get client address"] [error="find no available rootcoord, check rootcoord state"]',
		'[2024/06/03 08:14:04.100 +00:00] [WARN] [grpcclient/client.go:209] ["failed to get client address"] [error="find no available rootcoord, check rootcoord state"]',
		'panic: failed to create etcd client: context deadline exceeded',
		'milvus-etcd  | {"level":"panic","ts":"2024-06-03T08:10:51.402Z","msg":"failed to recover v3 backend from snapshot"}',
	].join('\n');
	const matches = matchText(log);
	assert.deepEqual(
		matches.map((m) => m.signature),
		['recover-backend-from-snapshot', 'etcd-client-create-failed', 'coordinator-not-registered'],
	);
	const weights = matches.map((m) => m.weight);
	assert.deepEqual(
		weights,
		[...weights].sort((a, b) => b - a),
	);
	const rootcoord = matches.find((m) => m.signature === 'coordinator-not-registered');
	assert.equal(rootcoord?.lineNumber, 2);
	assert.equal(rootcoord?.count, 2);
	assert.ok(
		rootcoord?.line.startsWith('[2024/06/03 08:14:03.100 +00:00] [WARN]'),
		'line is the original text',
	);
	assert.equal(rootcoord?.transient, true);
	assert.deepEqual(
		strongestPerSymptom(matches).map((m) => m.symptom),
		['etcd-all-crash', 'boot'],
	);
});

test('text that matches nothing known returns an empty list, also for empty and odd input', () => {
	assert.deepEqual(matchText(''), []);
	assert.deepEqual(matchText('\n\n   \n'), []);
	assert.deepEqual(matchText('everything is fine\nreally'), []);
	assert.deepEqual(matchText('\u0000\u0001\u0002\ufffd\ufffd'), []);
	assert.deepEqual(
		matchText(`${'a'.repeat(200_000)} bind: address already in use`),
		[],
		'lines are capped before matching',
	);
});

test('normalizeLogText strips timestamps, levels, callers, JSON wrapping, pod names, IPs, ids and escaped quotes', () => {
	const cases: [string, string][] = [
		[
			'[2024/09/24 14:43:48.564 +08:00] [WARN] [storage/minio_chunk_manager.go:115] ["failed to check blob bucket exist"] [bucket=a-bucket] [error="Get \\"http://localhost:9000/a-bucket/?location=\\": dial tcp 127.0.0.1:9000: connect: connection refused"]',
			'failed to check blob bucket exist bucket=a-bucket error=Get "http://localhost:9000/a-bucket/?location=": dial tcp :9000: connect: connection refused',
		],
		[
			'milvus-etcd        | {"level":"panic","ts":"2022-10-06T09:18:02.022-0500","caller":"etcdserver/server.go:515","msg":"failed to recover v3 backend from snapshot","error":"failed to find database snapshot file (snap: snapshot file doesn\'t exist)"}',
			"failed to recover v3 backend from snapshot error=failed to find database snapshot file (snap: snapshot file doesn't exist)",
		],
		[
			'2021-06-28 16:12:32.303933 C | etcdserver: recovering backend from snapshot error',
			'etcdserver: recovering backend from snapshot error',
		],
		[
			'2024-06-03T08:14:05.118233456Z E0603 08:14:05.118233   12345 reflector.go:138] watch failed',
			'watch failed',
		],
		[
			'etcd 08:30:12.34 INFO  ==> Detected data from previous deployments',
			'Detected data from previous deployments',
		],
		[
			'[pod/my-release-milvus-standalone-7c4b9d5f8-2xk9p/standalone] level=error msg boom',
			'msg boom',
		],
		['pod my-release-milvus-querynode-5d9f7c8b6-x2kqp restarted', 'pod restarted'],
		[
			'{"level":"warn","msg":"lost leader","local-member-id":"8e9e05c52164694d"}',
			'lost leader local-member-id=',
		],
		['collection=449888229865560632 id=3f1c2a9b-8d7e-4f00-9a1b-2c3d4e5f6a7b', 'collection= id='],
		[
			'2024-07-02 22:35:22,904 - pymilvus.milvus_client.milvus_client - ERROR - Failed to create new connection',
			'Failed to create new connection',
		],
		['\u001b[31mERROR\u001b[0m: something', 'something'],
	];
	for (const [input, expected] of cases) assert.equal(normalizeLine(input), expected, input);
	assert.equal(normalizeLogText('a\n\n  b  \r\nc'), 'a\nb\nc');
	// The same error from two pods at two times normalizes to the same text: what the site's search needs.
	const one =
		'[2024/06/03 08:14:03.791 +00:00] [WARN] [client.go:9] ["x"] [error="dial tcp 10.0.0.5:2379: connect: connection refused"]';
	const two =
		'[2025/01/01 00:00:00.000 +00:00] [WARN] [client.go:11] ["x"] [error="dial tcp 10.9.8.7:2379: connect: connection refused"]';
	assert.equal(normalizeLine(one), normalizeLine(two));
});

test('pagePath gives the guide page in the reader language', () => {
	assert.equal(pagePath('etcd-bad-member-id', 'id'), '/id/etcd-bad-member-id/');
	assert.equal(pagePath('boot', 'en'), '/en/boot/');
	assert.equal(pagePath('boot'), '/en/boot/');
});

test('catalog.mjs and its data are pure ESM that bundles for the browser (no Node imports)', async () => {
	for (const file of ['catalog.mjs', 'catalog-data.mjs', 'compat-table.mjs', 'error-codes.mjs']) {
		const text = readFileSync(path.join(ROOT, 'runbooks', 'lib', file), 'utf8');
		assert.match(text, /^\/\/ @ts-check/);
		const imports = [...text.matchAll(/^import .* from ['"]([^'"]+)['"]/gm)].map((m) => m[1]);
		for (const spec of imports)
			assert.match(spec ?? '', /^\.\/[\w-]+\.mjs$/, `${file} imports ${spec}`);
		assert.doesNotMatch(text, /\bprocess\.|\brequire\(/, `${file} uses Node globals`);
	}
	const result = await build({
		entryPoints: [path.join(ROOT, 'runbooks', 'lib', 'catalog.mjs')],
		bundle: true,
		platform: 'browser',
		format: 'esm',
		write: false,
		logLevel: 'silent',
	});
	assert.equal(result.errors.length, 0);
	const code = result.outputFiles[0]?.text ?? '';
	assert.ok(code.includes('failed to create etcd client'), 'the bundle carries the signatures');
});

test('a full etcd is etcd-nospace, never a crash page whose fix deletes PVCs', () => {
	for (const text of [
		'etcdserver: mvcc: database space exceeded',
		'Error: etcdserver: mvcc: database space exceeded',
		'etcd failed to commit proposal: Active Alarm(s): NOSPACE',
		'memberID:7785223140318738263 alarm:NOSPACE',
	]) {
		const matches = matchText(text);
		assert.equal(matches[0]?.symptom, 'etcd-nospace', `${text}: ${JSON.stringify(matches)}`);
		assert.deepEqual(
			matches.filter((m) => m.symptom === 'etcd-all-crash' || m.symptom === 'etcd-multi-crash'),
			[],
			text,
		);
	}
});
