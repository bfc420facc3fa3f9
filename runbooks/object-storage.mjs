#!/usr/bin/env zx
// @ts-check
// object-storage: Milvus cannot use its bucket. Its data node, query node and index node (or the standalone)
// stop at start-up on `failed to check blob bucket exist … Access Denied.`, `The specified bucket does not
// exist`, `The Access Key Id you provided does not exist in our records.`, a region or TLS error; later a
// refused write fails a flush or an index build. The runbook reads the `minio:` settings Milvus runs with (the
// release's ConfigMap: default.yaml, then milvus.yaml / user.yaml over it), the credentials Secret's key
// names (and whether Milvus's keys equal them, never the values), the chart's MinIO pods, and the Milvus
// logs for the catalog's object-storage signatures. Then it asks the endpoint from inside the cluster, from a
// short-lived helper pod: the health URL with the configured scheme, and `GET /<bucket>?location=` signed
// with Milvus's own keys and region (a presigned URL fed on stdin, so no key is in any command line). The
// server's answer names the mismatch: unreachable, TLS, unknown access key, wrong secret key, policy, bucket
// missing, region. The helper pod is the only thing it creates (skipped under --dry-run); it changes nothing.
import { defineRunbook } from './lib/runbook.mjs';
import { NotThisSymptomError, UsageError } from './lib/exit.mjs';
import { HELPER_IMAGE_FLAG } from './lib/kube.mjs';
import { milvusSelector, podState } from './lib/milvus-pods.mjs';
import { matchText } from './lib/catalog.mjs';
import { presignGet } from './lib/s3-presign.mjs';
import { configValue, mergeConfigFiles } from './lib/milvus-config.mjs';
import { messageText, tx } from './lib/i18n.mjs';

/** @typedef {import('./lib/runbook.mjs').Context} Context */
/** @typedef {import('./lib/runbook.mjs').Step} Step */
/** @typedef {import('./lib/shell.mjs').RunResult} RunResult */

/**
 * The `minio:` settings Milvus runs with, keys left out (only whether they are set).
 * @typedef {object} StorageConfig
 * @property {string} address
 * @property {number} port
 * @property {string} bucketName
 * @property {string} rootPath
 * @property {boolean} useSSL
 * @property {boolean} useIAM
 * @property {string} cloudProvider
 * @property {string} region
 * @property {boolean} accessKeySet
 * @property {boolean} secretKeySet
 * @property {string[]} files   the ConfigMap keys read, in the order Milvus applies them
 */

/**
 * @typedef {object} Facts
 * @property {string} configMap
 * @property {StorageConfig} config
 * @property {{ name: string, found: boolean, keys: { name: string, bytes: number }[], pair: string[] | null, accessKeyMatches: boolean | null, secretKeyMatches: boolean | null }} secret
 * @property {boolean} bundled  the address is the release's own MinIO Service
 * @property {{ name: string, ready: boolean, waiting: string | null, lastTerminated: string | null, restarts: number }[]} minioPods
 * @property {string} probePod
 */

/**
 * What the probe learned, by cause.
 * @typedef {{ cause: string, details: Record<string, string | number> }} Finding
 */

// The Secret's key pairs by chart: Milvus's bundled MinIO (accesskey/secretkey), MinIO's own chart
// (rootUser/rootPassword), Bitnami's (root-user/root-password), and hand-made ones.
const KEY_PAIRS = [
	['accesskey', 'secretkey'],
	['rootUser', 'rootPassword'],
	['root-user', 'root-password'],
	['accessKey', 'secretKey'],
	['access-key', 'secret-key'],
	['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'],
];
const PROBE_IMAGE = 'curlimages/curl:8.11.1';
// Symptoms whose signatures speak of the bucket or its endpoint.
const STORAGE_SIGNATURES = new Set(['minio-unreachable']);

/** Milvus's keys, read in preflight and kept out of the facts (which reach the --json report). */
const keys = { accessKey: '', secretKey: '' };

const messages = {
	en: {
		flagConfigmap: 'ConfigMap holding milvus.yaml settings (default: <release>-milvus)',
		flagSecret: 'Secret holding the MinIO keys (default: <release>-minio)',
		flagProbeImage:
			'image of the helper pod (needs sleep and curl), e.g. a mirror of curlimages/curl in your registry',
		noConfigMap:
			'ConfigMap {name} not found in namespace {namespace}: name the one Milvus mounts with --configmap',
		noMinioSection: 'ConfigMap {name} has no minio: settings in {files}',
		settings:
			'minio: address {address}:{port}, bucketName {bucket}, rootPath {rootPath}, useSSL {ssl}, useIAM {iam}, cloudProvider {cloud}, region {region}; accessKeyID {ak}, secretAccessKey {sk} (from {files})',
		set: 'set',
		empty: 'empty',
		secretKeys: 'Secret {name}: {keys}',
		secretMissing: 'Secret {name} not found (an external S3 keeps its keys only in the settings)',
		keysCompare:
			"Milvus access key {ak} the Secret's {akName}; secret key {sk} the Secret's {skName}",
		equals: 'equals',
		differs: 'differs from',
		dryRunProbe: 'dry run: no helper pod is started, so the endpoint and the bucket are not asked',
		probePodStarted: 'helper pod {name} is Ready',
		probePodFailed: 'the helper pod {name} did not start',
		logLines: '{n} Milvus log lines name the bucket or its endpoint:',
		noLogLines: 'no Milvus log line names the bucket or its endpoint',
		causeUnreachableHost:
			'unreachable: the name {address} does not resolve in the cluster. Fix minio.address (a Service name, or the S3 endpoint)',
		causeRefused:
			'unreachable: nothing answers on {address}:{port} (connection refused). MinIO is down, or minio.port is wrong (the S3 API is on 9000, not the console port)',
		causeTimeout:
			'unreachable: {address}:{port} did not answer within 10 s (a NetworkPolicy, a firewall, or the wrong address)',
		causeTlsPlain:
			'TLS mismatch: minio.useSSL is true, but {address}:{port} speaks plain HTTP. Set useSSL: false, or give MinIO certificates',
		causeTlsExpected:
			'TLS mismatch: minio.useSSL is false, but {address}:{port} wants HTTPS. Set useSSL: true (and ssl.tlsCACert for a private CA)',
		causeCert:
			'TLS: the certificate of {address}:{port} is not trusted by a plain client ({error}). Milvus needs minio.ssl.tlsCACert for a private CA',
		causeMinioDown: 'MinIO is down: {pods}',
		causeNoProbe:
			'the endpoint was not asked: {reason}. Give --helper-image an image with sleep and curl that the cluster can pull',
		causeAccessKeyDiffers:
			"wrong keys: Milvus's accessKeyID differs from the {key} MinIO runs with (Secret {secret}). Put the same access key in both",
		causeSecretKeyDiffers:
			"wrong keys: Milvus's secretAccessKey differs from the {key} MinIO runs with (Secret {secret}). Put the same secret key in both",
		causeSecretEmpty: 'Secret {secret} has an empty {key}',
		causeKeysEmpty:
			'no keys: minio.accessKeyID or secretAccessKey is empty and useIAM is false, so Milvus signs nothing',
		causeInvalidAccessKey:
			'wrong keys: the server does not know Milvus\'s access key ("{message}"). Make minio.accessKeyID a user of that server',
		causeSignature:
			'wrong keys: the access key exists but the secret key is wrong ("{message}"). Fix minio.secretAccessKey',
		causeAccessDenied:
			'Access Denied: the keys are valid but may not read bucket {bucket}. Give that user s3:ListBucket, s3:GetObject, s3:PutObject and s3:DeleteObject on it',
		causeNoSuchBucket:
			'bucket missing: {bucket} does not exist on {address}:{port} ("{message}"). Create it, or set minio.bucketName to the existing one',
		causeRegion:
			"region mismatch: Milvus signs for region {region}, the server expects {expected}. Set minio.region to '{expected}'",
		causeOther: 'the bucket request got HTTP {status} {code}: {message}',
		causeIam:
			"useIAM is true: the probe cannot sign with the role of Milvus's service account; check that the role may list bucket {bucket}",
		allGood:
			"bucket {bucket} on {address}:{port} answers Milvus's keys and region ({scheme}); the object-storage errors in the Milvus logs are older: restart the pods that still fail",
		notThis:
			"bucket {bucket} on {address}:{port} answers Milvus's keys and region, and no Milvus log shows an object-storage error",
	},
	id: {
		flagConfigmap: 'ConfigMap yang berisi setelan milvus.yaml (default: <release>-milvus)',
		flagSecret: 'Secret yang berisi key MinIO (default: <release>-minio)',
		flagProbeImage:
			'image untuk pod bantuan (butuh sleep dan curl), misalnya mirror curlimages/curl di registry Anda',
		noConfigMap:
			'ConfigMap {name} tidak ada di namespace {namespace}. Sebutkan ConfigMap yang dipasang Milvus dengan --configmap',
		noMinioSection: 'ConfigMap {name} tidak punya setelan minio: di {files}',
		settings:
			'minio: address {address}:{port}, bucketName {bucket}, rootPath {rootPath}, useSSL {ssl}, useIAM {iam}, cloudProvider {cloud}, region {region}; accessKeyID {ak}, secretAccessKey {sk} (dari {files})',
		set: 'terisi',
		empty: 'kosong',
		secretKeys: 'Secret {name}: {keys}',
		secretMissing:
			'Secret {name} tidak ada (S3 eksternal menyimpan key-nya hanya di setelan Milvus)',
		keysCompare: 'access key Milvus {ak} {akName} di Secret; secret key {sk} {skName} di Secret',
		equals: 'sama dengan',
		differs: 'berbeda dengan',
		dryRunProbe:
			'dry run: pod bantuan tidak dijalankan, jadi endpoint dan bucket-nya tidak ditanya',
		probePodStarted: 'pod bantuan {name} sudah Ready',
		probePodFailed: 'pod bantuan {name} tidak berhasil berjalan',
		logLines: '{n} baris log Milvus menyebut bucket atau endpoint-nya:',
		noLogLines: 'tidak ada baris log Milvus yang menyebut bucket atau endpoint-nya',
		causeUnreachableHost:
			'tidak terjangkau: nama {address} tidak dikenal di cluster. Perbaiki minio.address (nama Service, atau endpoint S3)',
		causeRefused:
			'tidak terjangkau: tidak ada yang menjawab di {address}:{port} (connection refused). MinIO mati, atau minio.port salah (API S3 ada di 9000, bukan di port console)',
		causeTimeout:
			'tidak terjangkau: {address}:{port} tidak menjawab dalam 10 detik (NetworkPolicy, firewall, atau alamat yang keliru)',
		causeTlsPlain:
			'TLS tidak cocok: minio.useSSL bernilai true, tetapi {address}:{port} memakai HTTP biasa. Isi useSSL: false, atau pasang sertifikat di MinIO',
		causeTlsExpected:
			'TLS tidak cocok: minio.useSSL bernilai false, tetapi {address}:{port} meminta HTTPS. Isi useSSL: true (dan ssl.tlsCACert untuk CA privat)',
		causeCert:
			'TLS: sertifikat {address}:{port} tidak dipercaya klien biasa ({error}). Milvus butuh minio.ssl.tlsCACert untuk CA privat',
		causeMinioDown: 'MinIO mati: {pods}',
		causeNoProbe:
			'endpoint tidak ditanya: {reason}. Isi --helper-image dengan image berisi sleep dan curl yang bisa diambil cluster',
		causeAccessKeyDiffers:
			'key salah: accessKeyID Milvus berbeda dengan {key} yang dipakai MinIO (Secret {secret}). Samakan access key di keduanya',
		causeSecretKeyDiffers:
			'key salah: secretAccessKey Milvus berbeda dengan {key} yang dipakai MinIO (Secret {secret}). Samakan secret key di keduanya',
		causeSecretEmpty: 'Secret {secret} punya {key} yang kosong',
		causeKeysEmpty:
			'tidak ada key: minio.accessKeyID atau secretAccessKey kosong dan useIAM bernilai false, jadi Milvus tidak menandatangani apa pun',
		causeInvalidAccessKey:
			'key salah: server tidak mengenal access key Milvus ("{message}"). Jadikan minio.accessKeyID user di server itu',
		causeSignature:
			'key salah: access key-nya ada, tetapi secret key-nya salah ("{message}"). Perbaiki minio.secretAccessKey',
		causeAccessDenied:
			'Access Denied: key-nya sah, tetapi tidak boleh membaca bucket {bucket}. Beri user itu izin s3:ListBucket, s3:GetObject, s3:PutObject, dan s3:DeleteObject di bucket itu',
		causeNoSuchBucket:
			'bucket tidak ada: {bucket} tidak ada di {address}:{port} ("{message}"). Buat bucket-nya, atau isi minio.bucketName dengan bucket yang ada',
		causeRegion:
			"region tidak cocok: Milvus menandatangani untuk region {region}, server meminta {expected}. Isi minio.region dengan '{expected}'",
		causeOther: 'permintaan ke bucket mendapat HTTP {status} {code}: {message}',
		causeIam:
			'useIAM bernilai true: probe tidak bisa menandatangani dengan role service account Milvus. Periksa apakah role itu boleh membaca bucket {bucket}',
		allGood:
			'bucket {bucket} di {address}:{port} menerima key dan region Milvus ({scheme}). Error object storage di log Milvus berasal dari sebelumnya: mulai ulang pod yang masih gagal',
		notThis:
			'bucket {bucket} di {address}:{port} menerima key dan region Milvus, dan tidak ada log Milvus yang menampilkan error object storage',
	},
};

/** A YAML scalar as text ('' for null). @param {unknown} v */
const text = (v) => (v === null || v === undefined ? '' : String(v));
/** @param {unknown} v */
const bool = (v) => v === true || String(v).toLowerCase() === 'true';

/**
 * The `minio:` section Milvus ends up with (default.yaml, then the user's file over it).
 * @param {Record<string, string>} data
 */
function minioSection(data) {
	const { files, values } = mergeConfigFiles(data);
	const minio = configValue(values, 'minio');
	const merged = /** @type {Record<string, unknown>} */ (
		minio && typeof minio === 'object' ? minio : {}
	);
	return { merged, files };
}

/**
 * @param {Record<string, unknown>} m
 * @param {string[]} files
 * @returns {StorageConfig}
 */
function storageConfig(m, files) {
	let address = text(m.address);
	let port = Number(m.port ?? 9000) || 9000;
	// Docker Compose's MINIO_ADDRESS=minio:9000 form.
	const withPort = /^(.*):(\d+)$/.exec(address);
	if (withPort) {
		address = withPort[1] ?? address;
		port = Number(withPort[2]);
	}
	return {
		address,
		port,
		bucketName: text(m.bucketName),
		rootPath: text(m.rootPath),
		useSSL: bool(m.useSSL),
		useIAM: bool(m.useIAM),
		cloudProvider: text(m.cloudProvider) || 'aws',
		region: text(m.region),
		accessKeySet: text(m.accessKeyID) !== '',
		secretKeySet: text(m.secretAccessKey) !== '',
		files,
	};
}

/** @param {StorageConfig} c */
const scheme = (c) => (c.useSSL ? 'https' : 'http');

/**
 * What curl printed: status, headers, body, or its own error.
 * @param {RunResult} r
 */
function curlAnswer(r) {
	const out = r.stdout.replace(/\r/g, '');
	// -i prints every response; the last one is the answer (a 100 Continue or a redirect come first).
	const blocks = out.split(/\n(?=HTTP\/[\d.]+ \d{3})/);
	const last = blocks[blocks.length - 1] ?? '';
	const head = /^HTTP\/[\d.]+ (\d{3})/.exec(last);
	const [headers = '', ...bodyParts] = last.split('\n\n');
	const body = bodyParts.join('\n\n');
	const tag = (/** @type {string} */ name) =>
		new RegExp(`<${name}>([^<]*)</${name}>`).exec(body)?.[1] ?? '';
	// `kubectl exec` passes the command's exit code on: curl's own (6 no host, 7 refused, 28 timeout, 35 TLS).
	const curlCode = /^curl: \((\d+)\)/m.exec(r.stderr);
	return {
		status: head ? Number(head[1]) : 0,
		headers,
		body,
		code: tag('Code'),
		message: tag('Message'),
		region: /^x-amz-bucket-region:\s*(\S+)/im.exec(headers)?.[1] ?? '',
		curlExit: curlCode ? Number(curlCode[1]) : r.ok ? 0 : r.exitCode,
		curlError: (r.stderr.split('\n').find((l) => l.startsWith('curl:')) ?? '').trim(),
		// kubectl itself failed (no pod, no curl in the image): curl never ran.
		execError:
			!head && !curlCode && !r.ok
				? (r.stderr.split('\n').find((l) => l.trim()) ?? `exit ${r.exitCode}`).trim()
				: '',
	};
}

/** @typedef {ReturnType<typeof curlAnswer>} Answer */

/**
 * The transport's verdict (name, connection, TLS), or null when the server answered HTTP.
 * @param {Answer} a
 * @param {StorageConfig} c
 * @returns {Finding | null}
 */
function transportFinding(a, c) {
	const at = { address: c.address, port: c.port };
	if (a.execError) return { cause: 'causeNoProbe', details: { reason: a.execError } };
	if (a.curlExit === 6) return { cause: 'causeUnreachableHost', details: at };
	if (a.curlExit === 7) return { cause: 'causeRefused', details: at };
	if (a.curlExit === 28) return { cause: 'causeTimeout', details: at };
	// curl 35: the TLS handshake met something that is not TLS (OpenSSL "wrong version number").
	if (a.curlExit === 35 && c.useSSL) return { cause: 'causeTlsPlain', details: at };
	if (a.curlExit === 60 || a.curlExit === 35)
		return { cause: 'causeCert', details: { ...at, error: a.curlError } };
	if (/Client sent an HTTP request to an HTTPS server/i.test(a.body + a.headers))
		return { cause: 'causeTlsExpected', details: at };
	return null;
}

/**
 * The S3 error of the signed bucket request, as a cause.
 * @param {Answer} a
 * @param {StorageConfig} c
 * @returns {Finding | null}
 */
function bucketFinding(a, c) {
	const at = { address: c.address, port: c.port, bucket: c.bucketName, message: a.message };
	if (a.status === 200) return null;
	if (a.code === 'InvalidAccessKeyId') return { cause: 'causeInvalidAccessKey', details: at };
	if (a.code === 'SignatureDoesNotMatch') return { cause: 'causeSignature', details: at };
	if (a.code === 'NoSuchBucket') return { cause: 'causeNoSuchBucket', details: at };
	const expected = /expecting '([^']*)'/.exec(a.message)?.[1] ?? a.region;
	if (
		(/Authorization(?:Header|QueryParameters)/.test(a.code) && /region/i.test(a.message)) ||
		a.code === 'PermanentRedirect' ||
		a.status === 301
	)
		return {
			cause: 'causeRegion',
			details: { ...at, region: c.region || 'us-east-1', expected: expected || '?' },
		};
	if (a.code === 'AccessDenied') return { cause: 'causeAccessDenied', details: at };
	return {
		cause: 'causeOther',
		details: {
			...at,
			status: a.status,
			code: a.code || '-',
			message: a.message || a.body.slice(0, 200),
		},
	};
}

/**
 * Milvus log lines that carry an object-storage signature.
 * @param {string} logs
 */
function storageMatches(logs) {
	return matchText(logs).filter(
		(m) => m.symptom === 'object-storage' || STORAGE_SIGNATURES.has(m.signature),
	);
}

/** @type {Facts} */
const exampleFacts = {
	configMap: 'my-release-milvus',
	config: {
		address: 'my-release-minio',
		port: 9000,
		bucketName: 'milvus-bucket',
		rootPath: 'file',
		useSSL: false,
		useIAM: false,
		cloudProvider: 'aws',
		region: '',
		accessKeySet: true,
		secretKeySet: true,
		files: ['default.yaml', 'user.yaml'],
	},
	secret: {
		name: 'my-release-minio',
		found: true,
		keys: [
			{ name: 'accesskey', bytes: 10 },
			{ name: 'secretkey', bytes: 10 },
		],
		pair: ['accesskey', 'secretkey'],
		accessKeyMatches: true,
		secretKeyMatches: true,
	},
	bundled: true,
	minioPods: [],
	probePod: 's3probe-my-release',
};

export default defineRunbook(
	{
		name: 'object-storage',
		summary: tx(
			'Find why Milvus cannot use its MinIO/S3 bucket',
			'Cari mengapa Milvus tidak bisa memakai bucket MinIO/S3-nya',
		),
		description: tx(
			'Use it when Milvus logs "failed to check blob bucket exist", "Access Denied.", "The specified bucket ' +
				'does not exist" or another MinIO/S3 error. Read-only. It reads the minio: settings from the ' +
				"release's ConfigMap (default.yaml, then user.yaml), the key names of the MinIO Secret and whether " +
				"Milvus's keys equal them (values are never printed), the MinIO pods and the Milvus logs. Then it " +
				'starts one short-lived helper pod (not under --dry-run) that asks the endpoint with the configured ' +
				"scheme, and asks the bucket with a URL signed with Milvus's keys and region, passed on stdin. The " +
				"server's answer names the cause: unreachable, TLS, wrong keys, policy, bucket missing or region. " +
				'The helper pod is deleted at the end, also on Ctrl-C.',
			'Pakai saat log Milvus menampilkan "failed to check blob bucket exist", "Access Denied.", "The ' +
				'specified bucket does not exist", atau error MinIO/S3 lain. Hanya membaca. Runbook ini membaca ' +
				'setelan minio: dari ConfigMap release (default.yaml, lalu user.yaml), nama key di Secret MinIO dan ' +
				'apakah key Milvus sama dengan isinya (nilainya tidak pernah ditampilkan), pod MinIO, dan log Milvus. ' +
				'Lalu runbook menjalankan satu pod bantuan sementara (tidak saat --dry-run) yang menghubungi endpoint ' +
				'dengan skema yang disetel, dan menanyakan bucket lewat URL yang ditandatangani dengan key dan region ' +
				'Milvus, dikirim lewat stdin. Jawaban server menyebut penyebabnya: tidak terjangkau, TLS, key salah, ' +
				'policy, bucket tidak ada, atau region. Pod bantuan itu dihapus di akhir, juga saat Ctrl-C.',
		),
		target: 'kubernetes',
		flagGroups: ['kube'],
		requireStatefulSet: false,
		exitCodes: {
			0: tx(
				"the bucket answers Milvus's settings now; the errors in the logs are older",
				'bucket menerima setelan Milvus sekarang; error di log berasal dari sebelumnya',
			),
			1: tx(
				'a mismatch was found: the output names it and what to change',
				'ada yang tidak cocok: output menyebut penyebabnya dan apa yang harus diubah',
			),
			4: tx(
				'the bucket answers and no Milvus log shows an object-storage error',
				'bucket menjawab dan tidak ada log Milvus yang menampilkan error object storage',
			),
		},
		flags: [
			{
				name: 'configmap',
				type: 'string',
				help: messageText(messages, 'flagConfigmap'),
			},
			{
				name: 'secret',
				type: 'string',
				help: messageText(messages, 'flagSecret'),
			},
			{
				...HELPER_IMAGE_FLAG,
				default: PROBE_IMAGE,
				help: messageText(messages, 'flagProbeImage'),
			},
		],
		messages,
		exampleFacts,

		async preflight(ctx) {
			const release = ctx.names.release;
			const configMap = String(ctx.flags.configmap || `${release}-milvus`);
			const secretName = String(ctx.flags.secret || `${release}-minio`);
			const cm = await ctx.kube.run(['get', 'configmap', configMap, '-o', 'json'], {
				check: false,
			});
			if (!cm.ok) {
				if (/not ?found/i.test(cm.stderr))
					throw new UsageError(ctx.t('noConfigMap', { name: configMap, namespace: ctx.namespace }));
				throw new UsageError(cm.stderr.trim().split('\n')[0] ?? `exit ${cm.exitCode}`);
			}
			const { merged, files } = minioSection(JSON.parse(cm.stdout)?.data ?? {});
			if (Object.keys(merged).length === 0)
				throw new NotThisSymptomError(
					ctx.t('noMinioSection', { name: configMap, files: files.join(', ') || '-' }),
				);
			const config = storageConfig(merged, files);
			keys.accessKey = text(merged.accessKeyID);
			keys.secretKey = text(merged.secretAccessKey);

			/** @type {Facts['secret']} */
			const secret = {
				name: secretName,
				found: false,
				keys: [],
				pair: null,
				accessKeyMatches: null,
				secretKeyMatches: null,
			};
			const sr = await ctx.kube.run(['get', 'secret', secretName, '-o', 'json'], { check: false });
			if (sr.ok) {
				/** @type {Record<string, string>} */
				const data = JSON.parse(sr.stdout)?.data ?? {};
				const decoded = Object.fromEntries(
					Object.entries(data).map(([k, v]) => [k, Buffer.from(String(v), 'base64').toString()]),
				);
				secret.found = true;
				secret.keys = Object.keys(decoded).map((name) => ({
					name,
					bytes: Buffer.byteLength(decoded[name] ?? ''),
				}));
				const pair = KEY_PAIRS.find(([a, s]) => (a ?? '') in decoded && (s ?? '') in decoded);
				if (pair) {
					const [ak = '', sk = ''] = pair;
					secret.pair = pair;
					if (!config.useIAM && keys.accessKey)
						secret.accessKeyMatches = decoded[ak] === keys.accessKey;
					if (!config.useIAM && keys.secretKey)
						secret.secretKeyMatches = decoded[sk] === keys.secretKey;
				}
			}

			const bundled =
				config.address === `${release}-minio` || config.address.startsWith(`${release}-minio.`);
			/** @type {Facts['minioPods']} */
			let minioPods = [];
			if (bundled) {
				const list = await ctx.kube.json(['get', 'pods', '-l', `app=minio,release=${release}`]);
				minioPods = (list.items ?? []).map((/** @type {any} */ p) => {
					const s = podState(p);
					return {
						name: s.name,
						ready: s.ready,
						waiting: s.waiting,
						lastTerminated: s.lastTerminated,
						restarts: s.restarts,
					};
				});
			}
			if (ctx.dryRun) ctx.out.info(ctx.t('dryRunProbe'));
			return {
				configMap,
				config,
				secret,
				bundled,
				minioPods,
				probePod: `s3probe-${release}`.slice(0, 63),
			};
		},

		steps(ctx, /** @type {Facts} */ f) {
			const k = ctx.kube;
			const c = f.config;
			const base = `${scheme(c)}://${c.address}:${c.port}`;
			const curl = ['curl', '-sS', '-i', '--max-time', '10'];
			/** @type {Step[]} */
			const steps = [
				{
					id: 'read-config',
					title: tx(
						'Read the minio: settings Milvus runs with (keys left out)',
						'Baca setelan minio: yang dipakai Milvus (tanpa key)',
					),
					mode: 'read',
					command: k.argv('get', 'configmap', f.configMap, '-o', 'json'),
					// The ConfigMap holds the keys in clear: only the settings are shown.
					parse: (r) => {
						const { merged, files } = minioSection(JSON.parse(r.stdout)?.data ?? {});
						const s = storageConfig(merged, files);
						return ctx.t('settings', {
							address: s.address,
							port: s.port,
							bucket: s.bucketName || '""',
							rootPath: s.rootPath || '""',
							ssl: String(s.useSSL),
							iam: String(s.useIAM),
							cloud: s.cloudProvider,
							region: s.region || '""',
							ak: ctx.t(s.accessKeySet ? 'set' : 'empty'),
							sk: ctx.t(s.secretKeySet ? 'set' : 'empty'),
							files: s.files.join(' + '),
						});
					},
				},
				{
					id: 'secret-keys',
					title: tx(
						'List the key names of the MinIO Secret (sizes only)',
						'Lihat nama key di Secret MinIO (hanya ukurannya)',
					),
					mode: 'read',
					when: () => f.secret.found,
					command: k.argv('describe', 'secret', f.secret.name),
					after: (cx) => {
						const s = f.secret;
						if (!s.pair || (s.accessKeyMatches === null && s.secretKeyMatches === null))
							return undefined;
						const word = (/** @type {boolean | null} */ m) =>
							cx.t(m === false ? 'differs' : 'equals');
						return cx.t('keysCompare', {
							ak: word(s.accessKeyMatches),
							akName: s.pair[0] ?? '',
							sk: word(s.secretKeyMatches),
							skName: s.pair[1] ?? '',
						});
					},
				},
				{
					id: 'minio-pods',
					title: tx('List the MinIO pods', 'Lihat pod MinIO'),
					mode: 'read',
					when: () => f.bundled,
					command: k.argv('get', 'pods', '-l', `app=minio,release=${ctx.names.release}`),
				},
				{
					id: 'milvus-logs',
					title: tx(
						'Find object-storage errors in the Milvus logs',
						'Cari error object storage di log Milvus',
					),
					mode: 'read',
					command: k.argv(
						'logs',
						'-l',
						milvusSelector(ctx.names.release),
						'--tail=200',
						'--prefix',
					),
					check: false,
					parse: (r) => storageMatches(r.stdout),
					after: (cx, value) => {
						const found = /** @type {ReturnType<typeof storageMatches>} */ (value);
						if (found.length === 0) return cx.t('noLogLines');
						return [
							cx.t('logLines', { n: found.length }),
							...found.map((m) => `  [${m.signature}] ${m.line}`),
						].join('\n');
					},
				},
				{
					id: 'start-probe-pod',
					title: tx(
						`Start the helper pod ${f.probePod} (image ${String(ctx.flags['helper-image'])})`,
						`Jalankan pod bantuan ${f.probePod} (image ${String(ctx.flags['helper-image'])})`,
					),
					mode: 'read',
					command: null,
					// A pod that cannot start (image not pullable, quota) leaves the other facts worth reading.
					optional: true,
					when: (cx) => !cx.dryRun,
					action: async (cx) => {
						for (const argv of cx.kube.helperPodArgvs(null, f.probePod))
							cx.out.dim(`$ ${cx.formatCommand(argv)}`);
						await cx.kube.helperPod(null, f.probePod);
						return cx.t('probePodStarted', { name: f.probePod });
					},
				},
				{
					id: 'probe-endpoint',
					title: tx(
						`Ask ${c.address}:${c.port} from inside the cluster (${scheme(c)})`,
						`Hubungi ${c.address}:${c.port} dari dalam cluster (${scheme(c)})`,
					),
					mode: 'read',
					when: (cx) => !cx.dryRun && cx.results['start-probe-pod'] !== undefined,
					command: k.execArgv(f.probePod, [...curl, `${base}/minio/health/live`]),
					check: false,
					parse: (r) => curlAnswer(r),
					after: (_cx, a) => {
						const ans = /** @type {Answer} */ (a);
						return ans.status ? ans.headers.split('\n')[0] : ans.curlError;
					},
				},
				{
					id: 'probe-bucket',
					title: tx(
						`Ask bucket ${c.bucketName} with Milvus's keys and region (signed URL on stdin)`,
						`Tanyakan bucket ${c.bucketName} dengan key dan region Milvus (URL bertanda tangan lewat stdin)`,
					),
					mode: 'read',
					when: (cx) =>
						!cx.dryRun &&
						cx.results['start-probe-pod'] !== undefined &&
						!c.useIAM &&
						c.accessKeySet &&
						c.secretKeySet,
					command: [...k.argv('exec', '-i', f.probePod, '--'), ...curl, '-K', '-'],
					input: () =>
						`url = "${presignGet({
							scheme: scheme(c),
							host: c.address,
							port: c.port,
							bucket: c.bucketName,
							query: { location: '' },
							accessKey: keys.accessKey,
							secretKey: keys.secretKey,
							region: c.region,
						})}"\n`,
					check: false,
					parse: (r) => curlAnswer(r),
					after: (_cx, a) => {
						const ans = /** @type {Answer} */ (a);
						if (!ans.status) return ans.curlError;
						return [ans.headers.split('\n')[0], ans.code && `${ans.code}: ${ans.message}`]
							.filter(Boolean)
							.join('\n');
					},
				},
				{
					id: 'delete-probe-pod',
					title: tx(`Delete the helper pod ${f.probePod}`, `Hapus pod bantuan ${f.probePod}`),
					mode: 'read',
					when: (cx) => !cx.dryRun,
					command: k.argv('delete', 'pod', f.probePod, '--ignore-not-found', '--wait=false'),
				},
			];
			return steps;
		},

		async verify(ctx, /** @type {Facts} */ f) {
			// A step that failed half-way leaves nothing behind: the pod goes whatever happened above.
			await ctx.kube.deleteHelpers();
			const c = f.config;
			/** @type {Finding[]} */
			const findings = [];
			const at = { address: c.address, port: c.port, bucket: c.bucketName };
			const down = f.minioPods.filter((p) => !p.ready);
			if (f.bundled && down.length > 0 && down.length === f.minioPods.length)
				findings.push({
					cause: 'causeMinioDown',
					details: {
						pods: down
							.map(
								(p) =>
									`${p.name} (${[p.waiting, p.lastTerminated && `last ${p.lastTerminated}`, `restarts ${p.restarts}`].filter(Boolean).join(', ')})`,
							)
							.join(', '),
					},
				});
			const endpoint = /** @type {Answer | undefined} */ (ctx.results['probe-endpoint']);
			const transport = endpoint
				? transportFinding(endpoint, c)
				: {
						cause: 'causeNoProbe',
						details: { reason: ctx.t('probePodFailed', { name: f.probePod }) },
					};
			if (transport && !(transport.cause === 'causeRefused' && findings.length > 0))
				findings.push(transport);
			const s = f.secret;
			if (s.pair) {
				for (const name of s.pair)
					if ((s.keys.find((x) => x.name === name)?.bytes ?? 0) === 0)
						findings.push({ cause: 'causeSecretEmpty', details: { secret: s.name, key: name } });
				if (s.accessKeyMatches === false)
					findings.push({
						cause: 'causeAccessKeyDiffers',
						details: { secret: s.name, key: s.pair[0] ?? '' },
					});
				if (s.secretKeyMatches === false)
					findings.push({
						cause: 'causeSecretKeyDiffers',
						details: { secret: s.name, key: s.pair[1] ?? '' },
					});
			}
			if (!c.useIAM && (!c.accessKeySet || !c.secretKeySet))
				findings.push({ cause: 'causeKeysEmpty', details: {} });
			const bucket = /** @type {Answer | undefined} */ (ctx.results['probe-bucket']);
			if (bucket && !transport) {
				const b = transportFinding(bucket, c) ?? bucketFinding(bucket, c);
				// The key comparison already said which key differs; the server's word confirms it.
				const keyCause = ['causeInvalidAccessKey', 'causeSignature'].includes(b?.cause ?? '');
				const compared = s.accessKeyMatches === false || s.secretKeyMatches === false;
				if (b && !(keyCause && compared)) findings.push(b);
			}
			if (c.useIAM) findings.push({ cause: 'causeIam', details: at });

			const logged = /** @type {import('./lib/catalog.mjs').Match[]} */ (
				ctx.results['milvus-logs'] ?? []
			);
			const data = {
				config: c,
				secret: { name: s.name, found: s.found, keys: s.keys.map((x) => x.name) },
				causes: findings.map((x) => x.cause),
				endpoint: endpoint ? { status: endpoint.status, curlExit: endpoint.curlExit } : null,
				bucket: bucket
					? { status: bucket.status, code: bucket.code, message: bucket.message }
					: null,
				logSignatures: logged.map((m) => m.signature),
			};
			const lines = findings.map((x) =>
				ctx.t(
					x.cause,
					Object.fromEntries(Object.entries(x.details).map(([k, v]) => [k, String(v)])),
				),
			);
			if (findings.some((x) => x.cause !== 'causeIam'))
				return { ok: false, details: lines.join('\n  '), data };
			if (c.useIAM && logged.length > 0) return { ok: false, details: lines.join('\n  '), data };
			const vars = { ...at, port: String(c.port), scheme: scheme(c) };
			if (logged.length === 0) throw new NotThisSymptomError(ctx.t('notThis', vars));
			return { ok: true, details: ctx.t('allGood', vars), data };
		},
	},
	import.meta.url,
);
