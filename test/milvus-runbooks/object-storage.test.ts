// object-storage against one stand-in cluster with the chart's MinIO (an S3 server answering like MinIO, its
// Secret and Service) and the ConfigMap Milvus reads, through the real kubectl: each broken state gets its
// own cause, a healthy bucket is not this symptom, no key ever reaches the output, and --dry-run starts no pod.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { StandinCluster } from '../../tools/standin/index.mjs';
import { cleanup, newCluster, runRunbook } from '../etcd-runbooks/helpers.ts';

after(cleanup);

// Distinctive keys, so any leak is found in the output, in clear or base64.
const ACCESS = 'STANDINACCESSKEY7Q';
const SECRET = 'st4nd1n/Secret+Value=9';
const WRONG_SECRET = 'not-the-secret-key-42';
const SERVER = {
	accessKey: ACCESS,
	secretKey: SECRET,
	buckets: ['milvus-bucket'],
	region: '',
	tls: false,
	running: true,
	denied: [] as string[],
};
const MILVUS = { accessKeyID: ACCESS, secretAccessKey: SECRET };

// A data node's start-up as `kubectl logs` shows it when MinIO refuses the keys (milvus-docs#2247).
const RECORDED_ACCESS_DENIED = [
	'[2024/05/13 08:40:12.501 +00:00] [INFO] [datanode/service.go:287] ["DataNode server initializing"] [mixCoordAddress=my-release-milvus-mixcoord:53100]',
	'[2024/05/13 08:40:12.587 +00:00] [WARN] [storage/minio_chunk_manager.go:115] ["failed to check blob bucket exist"] [bucket=milvus-bucket] [error="Access Denied."]',
	'[2024/05/13 08:40:12.587 +00:00] [WARN] [retry/retry.go:46] ["retry func failed"] [retried=0] [error="Access Denied."]',
	'panic: Access Denied.',
	'',
].join('\n');

let c: StandinCluster;
let standalone = '';

before(async () => {
	c = await newCluster({
		replicas: 1,
		milvus: 'standalone',
		objectStorage: { server: SERVER, user: MILVUS },
	});
	const pods = JSON.parse(
		(await c.kubectl(['get', 'pods', '-l', 'app.kubernetes.io/name=milvus', '-o', 'json'])).stdout,
	).items as { metadata: { name: string } }[];
	standalone = pods[0]?.metadata.name ?? '';
	assert.ok(standalone);
});

async function scenario(
	server: Partial<typeof SERVER>,
	user: Record<string, string | number | boolean>,
	args: string[] = [],
) {
	await c.objectStorage({ server: { ...SERVER, ...server }, user });
	const r = await runRunbook('object-storage', ['--lang', 'en', ...args], { env: c.env });
	const out = r.stdout + r.stderr;
	for (const value of [ACCESS, SECRET, WRONG_SECRET]) {
		assert.ok(!out.includes(value), `a key value reached the output:\n${out}`);
		assert.ok(!out.includes(Buffer.from(value).toString('base64')), 'a key reached the output');
	}
	return { ...r, out };
}

const probeEvents = async () =>
	(await c.kubectl(['get', 'events', '-o', 'json'])).stdout.includes('s3probe-my-release');

test('--dry-run reads the settings and starts no probe pod', async () => {
	const r = await scenario({}, MILVUS, ['--dry-run']);
	assert.equal(r.code, 0, r.out);
	assert.match(r.out, /bucketName milvus-bucket.*accessKeyID set, secretAccessKey set/);
	assert.match(r.out, /dry run: no helper pod is started/);
	assert.doesNotMatch(r.out, /helper pod s3probe-my-release is Ready/);
	assert.equal(await probeEvents(), false, 'a probe pod was created under --dry-run');
});

test('a healthy bucket with clean logs is not this symptom (exit 4), and the probe pod goes', async () => {
	const r = await scenario({}, MILVUS);
	assert.equal(r.code, 4, r.out);
	assert.match(r.out, /HTTP\/1\.1 200 OK/);
	assert.match(
		r.out,
		/bucket milvus-bucket on my-release-minio:9000 answers Milvus's keys and region/,
	);
	assert.equal(await probeEvents(), true);
	const left = await c.kubectl(['get', 'pod', 's3probe-my-release', '-o', 'json']);
	assert.ok(
		left.code !== 0 || JSON.parse(left.stdout).metadata.deletionTimestamp,
		'the probe pod was left running',
	);
});

test('wrong secret key: the Secret comparison names it, no value printed, --json says so', async () => {
	const r = await scenario({}, { ...MILVUS, secretAccessKey: WRONG_SECRET }, ['--json']);
	assert.equal(r.code, 1, r.out);
	const report = JSON.parse(r.stdout);
	assert.deepEqual(report.data.causes, ['causeSecretKeyDiffers']);
	assert.equal(report.data.bucket.code, 'SignatureDoesNotMatch');
	assert.match(
		r.stderr,
		/secretAccessKey differs from the secretkey MinIO runs with \(Secret my-release-minio\)/,
	);
	assert.match(
		r.stderr,
		/Milvus access key equals the Secret's accesskey; secret key differs from/,
	);
});

test('keys the server does not know, without a Secret to compare: the server names it', async () => {
	const r = await scenario({}, { accessKeyID: 'OTHERKEY', secretAccessKey: WRONG_SECRET }, [
		'--secret',
		'external-s3-keys',
	]);
	assert.equal(r.code, 1, r.out);
	assert.doesNotMatch(r.out, /Milvus access key (equals|differs)/, 'no Secret to compare with');
	assert.match(
		r.out,
		/the server does not know Milvus's access key \("The Access Key Id you provided does not exist in our records\."\)/,
	);
});

test('a policy without the bucket: Access Denied', async () => {
	const r = await scenario({ denied: ['milvus-bucket'] }, MILVUS);
	assert.equal(r.code, 1, r.out);
	assert.match(r.out, /AccessDenied: Access Denied\./);
	assert.match(r.out, /Access Denied: the keys are valid but may not read bucket milvus-bucket/);
});

test('wrong bucket name: NoSuchBucket, in en and id', async () => {
	const r = await scenario({}, { ...MILVUS, bucketName: 'milvus-bukcet' });
	assert.equal(r.code, 1, r.out);
	assert.match(r.out, /<?NoSuchBucket: The specified bucket does not exist/);
	assert.match(r.out, /bucket missing: milvus-bukcet does not exist on my-release-minio:9000/);
	const id = await runRunbook('object-storage', ['--lang', 'id'], { env: c.env });
	assert.equal(id.code, 1);
	assert.match(id.stdout + id.stderr, /bucket tidak ada: milvus-bukcet tidak ada di/);
});

test('TLS mismatch both ways: useSSL against plain HTTP, plain HTTP against TLS', async () => {
	const https = await scenario({}, { ...MILVUS, useSSL: true });
	assert.equal(https.code, 1, https.out);
	assert.match(https.out, /curl: \(35\)/);
	assert.match(
		https.out,
		/TLS mismatch: minio\.useSSL is true, but my-release-minio:9000 speaks plain HTTP/,
	);
	const plain = await scenario({ tls: true }, MILVUS);
	assert.equal(plain.code, 1, plain.out);
	assert.match(
		plain.out,
		/TLS mismatch: minio\.useSSL is false, but my-release-minio:9000 wants HTTPS/,
	);
});

test('region mismatch: the server says which region it expects', async () => {
	const r = await scenario({ region: 'eu-west-1' }, MILVUS);
	assert.equal(r.code, 1, r.out);
	assert.match(
		r.out,
		/AuthorizationHeaderMalformed: The authorization header is malformed; the region is wrong; expecting 'eu-west-1'\./,
	);
	assert.match(
		r.out,
		/region mismatch: Milvus signs for region us-east-1, the server expects eu-west-1/,
	);
});

test('MinIO down: the crash-looping pod is named, the Milvus log lines are listed', async () => {
	await c.setContainerState(standalone, {
		running: true,
		logs: '[2024/05/13 08:41:02.114 +00:00] [WARN] [storage/minio_chunk_manager.go:115] ["failed to check blob bucket exist"] [bucket=milvus-bucket] [error="dial tcp 10.96.0.30:9000: connect: connection refused"]\n',
	});
	const r = await scenario({ running: false }, MILVUS);
	assert.equal(r.code, 1, r.out);
	assert.match(
		r.out,
		/MinIO is down: my-release-minio-\S+ \(CrashLoopBackOff, last Error, restarts \d+\)/,
	);
	assert.match(r.out, /\[minio-unreachable\] .*connection refused/);
	await c.objectStorage({ server: SERVER, user: MILVUS });
});

test('recorded Access Denied log with a bucket that answers now: exit 0, the old lines named', async () => {
	await c.setContainerState(standalone, { running: true, logs: RECORDED_ACCESS_DENIED });
	const r = await scenario({}, MILVUS);
	assert.equal(r.code, 0, r.out);
	assert.match(r.out, /\d+ Milvus log lines name the bucket or its endpoint:/);
	assert.match(r.out, /\[minio-access-denied\] .*failed to check blob bucket exist/);
	assert.match(r.out, /the object-storage errors in the Milvus logs are older/);
});

test('a ConfigMap that is not there: exit 2, one line naming --configmap', async () => {
	const r = await runRunbook('object-storage', ['--configmap', 'no-such-config'], { env: c.env });
	assert.equal(r.code, 2, r.stdout + r.stderr);
	assert.match(r.stderr, /ConfigMap no-such-config not found in namespace default: .*--configmap/);
	assert.doesNotMatch(r.stderr, /\n\s+at /, 'a stack trace');
});
