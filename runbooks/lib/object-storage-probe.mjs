// @ts-check
// object-storage's probe and its reading: the `minio:` settings Milvus ends up with, the helper pod that asks the
// endpoint and the bucket from inside the cluster, what curl answered, and the cause each answer points to (with
// the words the runbook says it in).
import { matchText } from './catalog.mjs';
import { tx } from './i18n.mjs';
import { presignGet } from './s3-presign.mjs';
import { configValue, mergeConfigFiles } from './milvus-config.mjs';

/** @typedef {import('./shell.mjs').RunResult} RunResult */
/** @typedef {import('./runbook.mjs').Context} Context */
/** @typedef {import('./runbook.mjs').Step} Step */

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
 * What the probe learned, by cause.
 * @typedef {{ cause: string, details: Record<string, string | number> }} Finding
 */

/** The settings line, and the causes a finding names, each with what to change. */
export const STORAGE_FINDING_MESSAGES = {
	en: {
		settings:
			'minio: address {address}:{port}, bucketName {bucket}, rootPath {rootPath}, useSSL {ssl}, useIAM {iam}, cloudProvider {cloud}, region {region}; accessKeyID {ak}, secretAccessKey {sk} (from {files})',
		set: 'set',
		empty: 'empty',
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
	},
	id: {
		settings:
			'minio: address {address}:{port}, bucketName {bucket}, rootPath {rootPath}, useSSL {ssl}, useIAM {iam}, cloudProvider {cloud}, region {region}; accessKeyID {ak}, secretAccessKey {sk} (dari {files})',
		set: 'terisi',
		empty: 'kosong',
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
	},
};

/** A YAML scalar as text ('' for null). @param {unknown} v */
export const text = (v) => (v === null || v === undefined ? '' : String(v));
/** @param {unknown} v */
const bool = (v) => v === true || String(v).toLowerCase() === 'true';

/**
 * The `minio:` section Milvus ends up with (default.yaml, then the user's file over it).
 * @param {Record<string, string>} data
 */
export function minioSection(data) {
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
export function storageConfig(m, files) {
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
export const scheme = (c) => (c.useSSL ? 'https' : 'http');

/**
 * What curl printed: status, headers, body, or its own error.
 * @param {RunResult} r
 */
export function curlAnswer(r) {
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
export function transportFinding(a, c) {
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
export function bucketFinding(a, c) {
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

/**
 * The Secret MinIO runs with, against Milvus's keys: its key names and sizes, which pair it holds, and whether
 * each of Milvus's keys equals it (the values themselves never leave this function).
 * @typedef {{ name: string, found: boolean, keys: { name: string, bytes: number }[], pair: string[] | null, accessKeyMatches: boolean | null, secretKeyMatches: boolean | null }} SecretFacts
 * @param {string} name
 * @param {Record<string, string> | null} data  the Secret's base64 data, null when there is no Secret
 * @param {{ accessKey: string, secretKey: string }} keys  Milvus's keys ('' when not compared, as with IAM)
 * @returns {SecretFacts}
 */
export function compareSecret(name, data, keys) {
	/** @type {SecretFacts} */
	const secret = {
		name,
		found: false,
		keys: [],
		pair: null,
		accessKeyMatches: null,
		secretKeyMatches: null,
	};
	if (!data) return secret;
	const decoded = Object.fromEntries(
		Object.entries(data).map(([k, v]) => [k, Buffer.from(String(v), 'base64').toString()]),
	);
	secret.found = true;
	secret.keys = Object.keys(decoded).map((key) => ({
		name: key,
		bytes: Buffer.byteLength(decoded[key] ?? ''),
	}));
	const pair = KEY_PAIRS.find(([a, s]) => (a ?? '') in decoded && (s ?? '') in decoded);
	if (pair) {
		const [ak = '', sk = ''] = pair;
		secret.pair = pair;
		if (keys.accessKey) secret.accessKeyMatches = decoded[ak] === keys.accessKey;
		if (keys.secretKey) secret.secretKeyMatches = decoded[sk] === keys.secretKey;
	}
	return secret;
}

// Symptoms whose signatures speak of the bucket or its endpoint.
const STORAGE_SIGNATURES = new Set(['minio-unreachable']);

/**
 * Milvus log lines that carry an object-storage signature.
 * @param {string} logs
 */
export function storageMatches(logs) {
	return matchText(logs).filter(
		(m) => m.symptom === 'object-storage' || STORAGE_SIGNATURES.has(m.signature),
	);
}

/**
 * The settings as one line, keys only as set or empty (the runbook's `settings` message).
 * @param {Context} ctx @param {StorageConfig} s
 */
export function settingsText(ctx, s) {
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
}

/**
 * The in-cluster probe: a short-lived helper pod asks the endpoint with the configured scheme, then the bucket
 * with a URL signed with Milvus's keys and region (on stdin, never on a command line), and goes.
 * @param {Context} ctx
 * @param {{ config: StorageConfig, probePod: string }} f
 * @param {{ accessKey: string, secretKey: string }} keys Milvus's keys
 * @returns {Step[]}
 */
export function probeSteps(ctx, f, keys) {
	const k = ctx.kube;
	const c = f.config;
	const base = `${scheme(c)}://${c.address}:${c.port}`;
	const curl = ['curl', '-sS', '-i', '--max-time', '10'];
	return [
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
}
