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
import { messageText, tx } from './lib/i18n.mjs';
import {
	bucketFinding,
	compareSecret,
	minioSection,
	probeSteps,
	scheme,
	settingsText,
	STORAGE_FINDING_MESSAGES,
	storageConfig,
	storageMatches,
	text,
	transportFinding,
} from './lib/object-storage-probe.mjs';

/** @typedef {import('./lib/runbook.mjs').Context} Context */
/** @typedef {import('./lib/runbook.mjs').Step} Step */
/** @typedef {import('./lib/shell.mjs').RunResult} RunResult */
/** @typedef {import('./lib/object-storage-probe.mjs').StorageConfig} StorageConfig */
/** @typedef {import('./lib/object-storage-probe.mjs').Finding} Finding */
/** @typedef {import('./lib/object-storage-probe.mjs').Answer} Answer */
/** @typedef {import('./lib/object-storage-probe.mjs').SecretFacts} SecretFacts */

/**
 * @typedef {object} Facts
 * @property {string} configMap
 * @property {StorageConfig} config
 * @property {SecretFacts} secret
 * @property {boolean} bundled  the address is the release's own MinIO Service
 * @property {{ name: string, ready: boolean, waiting: string | null, lastTerminated: string | null, restarts: number }[]} minioPods
 * @property {string} probePod
 */

const PROBE_IMAGE = 'curlimages/curl:8.11.1';

/** Milvus's keys, read in preflight and kept out of the facts (which reach the --json report). */
const keys = { accessKey: '', secretKey: '' };

const messages = {
	en: {
		...STORAGE_FINDING_MESSAGES.en,
		flagConfigmap: 'ConfigMap holding milvus.yaml settings (default: <release>-milvus)',
		flagSecret: 'Secret holding the MinIO keys (default: <release>-minio)',
		flagProbeImage:
			'image of the helper pod (needs sleep and curl), e.g. a mirror of curlimages/curl in your registry',
		noConfigMap:
			'ConfigMap {name} not found in namespace {namespace}: name the one Milvus mounts with --configmap',
		noMinioSection: 'ConfigMap {name} has no minio: settings in {files}',
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
		allGood:
			"bucket {bucket} on {address}:{port} answers Milvus's keys and region ({scheme}); the object-storage errors in the Milvus logs are older: restart the pods that still fail",
		notThis:
			"bucket {bucket} on {address}:{port} answers Milvus's keys and region, and no Milvus log shows an object-storage error",
	},
	id: {
		...STORAGE_FINDING_MESSAGES.id,
		flagConfigmap: 'ConfigMap yang berisi setelan milvus.yaml (default: <release>-milvus)',
		flagSecret: 'Secret yang berisi key MinIO (default: <release>-minio)',
		flagProbeImage:
			'image untuk pod bantuan (butuh sleep dan curl), misalnya mirror curlimages/curl di registry Anda',
		noConfigMap:
			'ConfigMap {name} tidak ada di namespace {namespace}. Sebutkan ConfigMap yang dipasang Milvus dengan --configmap',
		noMinioSection: 'ConfigMap {name} tidak punya setelan minio: di {files}',
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
		allGood:
			'bucket {bucket} di {address}:{port} menerima key dan region Milvus ({scheme}). Error object storage di log Milvus berasal dari sebelumnya: mulai ulang pod yang masih gagal',
		notThis:
			'bucket {bucket} di {address}:{port} menerima key dan region Milvus, dan tidak ada log Milvus yang menampilkan error object storage',
	},
};

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

			const sr = await ctx.kube.run(['get', 'secret', secretName, '-o', 'json'], { check: false });
			const secret = compareSecret(
				secretName,
				sr.ok ? (JSON.parse(sr.stdout)?.data ?? {}) : null,
				config.useIAM ? { accessKey: '', secretKey: '' } : keys,
			);

			const bundled =
				config.address === `${release}-minio` || config.address.startsWith(`${release}-minio.`);
			/** @type {Facts['minioPods']} */
			let minioPods = [];
			if (bundled) {
				const list = await ctx.kube.json(['get', 'pods', '-l', `app=minio,release=${release}`]);
				minioPods = (list.items ?? []).map((/** @type {any} */ p) => {
					const { name, ready, waiting, lastTerminated, restarts } = podState(p);
					return { name, ready, waiting, lastTerminated, restarts };
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
						return settingsText(ctx, storageConfig(merged, files));
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
				...probeSteps(ctx, f, keys),
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
