#!/usr/bin/env zx
// @ts-check
// etcd-slow-disk: etcd logs "apply request took too long", "slow fdatasync" or "waiting for ReadIndex
// response took too long", and Milvus logs "Slow etcd operation save" or exits with "disconnected from etcd".
// Every etcd write waits for an fsync of the WAL on a quorum of members; when the disk under the PVC takes
// tens of milliseconds per fsync (network disks, HDDs, a volume shared with MinIO or Pulsar), requests queue,
// heartbeats are late and leaders change. The runbook only reads: each member's /metrics through the API
// server's pod proxy (no port-forward, nothing run inside the container), the p99 of WAL fsync and backend
// commit against etcd's guidance (10 ms, 25 ms), leader changes, slow applies and read indexes, heartbeat
// failures and the database size. It ends with a verdict and what to change. `--endpoints` reads any
// reachable etcd (Docker Compose), `--metrics-file` a saved `curl /metrics` output, without a cluster.
import { readFile } from 'node:fs/promises';
import { defineRunbook } from './lib/runbook.mjs';
import { NotThisSymptomError, StepFailedError, UsageError } from './lib/exit.mjs';
import {
	CLUSTER_STATUS_TABLE,
	listEtcdPodsStep,
	podsByOrdinal,
	stsEnv,
} from './lib/etcd-members.mjs';
import {
	MIN_SAMPLES,
	NotEtcdMetricsError,
	humanBytes,
	judgeEtcdDisk,
	ms,
	overallVerdict,
} from './lib/etcd-disk.mjs';
import { messageText, tx } from './lib/i18n.mjs';

/** @typedef {import('./lib/runbook.mjs').Context} Context */
/** @typedef {import('./lib/runbook.mjs').Step} Step */
/** @typedef {import('./lib/etcd-disk.mjs').DiskReport} DiskReport */

/**
 * @typedef {object} Facts
 * @property {number[]} members  ordinals of the running etcd pods
 * @property {string} scheme     `http` or `https`, from the StatefulSet's advertised client URLs
 */

// etcd's client port in the chart's pods; /metrics is served there unless --listen-metrics-urls moves it.
const CLIENT_PORT = 2379;
// How much of each member's log to search for the slow-request warnings.
const LOG_LINES = 5000;
// What etcd logs when it waits for the disk (the texts of etcd 3.4 and 3.5).
const SLOW_WARNINGS = [
	'apply request took too long',
	'slow fdatasync',
	'waiting for ReadIndex response took too long',
];

/** @param {string} log @returns {Record<string, number>} */
function countWarnings(log) {
	/** @type {Record<string, number>} */
	const counts = Object.fromEntries(SLOW_WARNINGS.map((w) => [w, 0]));
	for (const line of log.split('\n'))
		for (const w of SLOW_WARNINGS) if (line.includes(w)) counts[w] = (counts[w] ?? 0) + 1;
	return counts;
}

const messages = {
	en: {
		flagEndpoints:
			'read /metrics from these etcd client URLs instead of the cluster (comma-separated, e.g. http://127.0.0.1:2379 for Docker Compose)',
		flagMetricsFile:
			'judge saved "curl http://<member>:2379/metrics" outputs instead (comma-separated files, one per member)',
		bothModes: 'use either --endpoints or --metrics-file, not both',
		badEndpoint: 'not an http(s) URL: {value}',
		unreachable: 'cannot read {url}: {reason}',
		unreadableFile: 'cannot read {file}: {reason}',
		notMetrics: '{member}: {reason}',
		noPods:
			'no etcd pod is running, so no disk can be measured: see the pages for crashing etcd pods (etcd-multi-crash, etcd-all-crash)',
		member:
			'{member}: {verdict}. WAL fsync p99 {wal} (limit 10 ms, {walCount} fsyncs), backend commit p99 {commit} (limit 25 ms), leader changes {leaders}, slow applies {slowApply}, slow read indexes {slowRead}, heartbeat send failures {heartbeat}, database {db}',
		verdictSlow: 'SLOW DISK',
		verdictHealthy: 'disk fast enough',
		verdictFew: 'not enough samples',
		overallSlow:
			'slow disk on {members}: etcd waits for the disk, so its requests and Milvus time out',
		overallHealthy:
			"every member is within etcd's guidance (WAL fsync p99 < 10 ms, backend commit p99 < 25 ms): the slow requests come from something else (CPU or memory limits, network, a large database)",
		overallFew:
			'{members}: fewer than {min} WAL fsyncs since the member started, too few to judge; run again after Milvus has been writing for a while',
		adviceHeading: 'What to change, in this order:',
		adviceSsd:
			'1. Put the etcd PVCs on SSD storage: a StorageClass backed by SSD (gp3 or io2 on AWS, pd-ssd on GCP, Premium SSD on Azure, local NVMe). The class of an existing PVC cannot change: moving to it is a data move, see the page (section "Fix it").',
		adviceDedicated:
			'2. Give etcd a disk of its own: no MinIO, Pulsar, Kafka or Milvus data on the same volume or device, and no noisy neighbours on the node (schedule etcd away from I/O-heavy pods).',
		adviceTimeouts:
			'3. Only as a last resort, when the disk cannot be made faster: raise the heartbeat interval and the election timeout (Helm values etcd.extraEnvVars: ETCD_HEARTBEAT_INTERVAL=500, ETCD_ELECTION_TIMEOUT=5000, ten times the heartbeat). This stops needless leader elections but hides the slow disk; every write stays slow.',
		adviceLeaders:
			'{member} saw {n} leader changes: elections stall every write for at least one election timeout',
		detailsSlow: 'slow disk: {worst}',
		logCounts: '{pod}, last {lines} log lines: {counts}',
		warningsButFast:
			'the logs hold {n} slow-request warnings although the disks are fast now: they may date from an earlier slow period, or the wait is elsewhere (CPU limits, network)',
	},
	id: {
		flagEndpoints:
			'baca /metrics dari URL klien etcd ini, bukan dari cluster (pisahkan dengan koma, mis. http://127.0.0.1:2379 untuk Docker Compose)',
		flagMetricsFile:
			'nilai output "curl http://<member>:2379/metrics" yang sudah disimpan (file dipisahkan koma, satu per member)',
		bothModes: 'pakai --endpoints atau --metrics-file, jangan keduanya',
		badEndpoint: 'bukan URL http(s): {value}',
		unreachable: 'tidak bisa membaca {url}: {reason}',
		unreadableFile: 'tidak bisa membaca {file}: {reason}',
		notMetrics: '{member}: {reason}',
		noPods:
			'tidak ada pod etcd yang berjalan, jadi tidak ada disk yang bisa diukur: lihat halaman untuk pod etcd yang crash (etcd-multi-crash, etcd-all-crash)',
		member:
			'{member}: {verdict}. p99 fsync WAL {wal} (batas 10 ms, {walCount} fsync), p99 commit backend {commit} (batas 25 ms), pergantian leader {leaders}, apply lambat {slowApply}, read index lambat {slowRead}, heartbeat gagal terkirim {heartbeat}, database {db}',
		verdictSlow: 'DISK LAMBAT',
		verdictHealthy: 'disk cukup cepat',
		verdictFew: 'sampel belum cukup',
		overallSlow:
			'disk lambat di {members}: etcd menunggu disk, sehingga request etcd dan Milvus melewati batas waktu',
		overallHealthy:
			'semua member masih dalam panduan etcd (p99 fsync WAL < 10 ms, p99 commit backend < 25 ms): request yang lambat berasal dari hal lain (batas CPU atau memori, jaringan, database yang besar)',
		overallFew:
			'{members}: kurang dari {min} fsync WAL sejak member mulai berjalan, terlalu sedikit untuk dinilai; jalankan lagi setelah Milvus menulis beberapa lama',
		adviceHeading: 'Yang perlu diubah, berurutan:',
		adviceSsd:
			'1. Pindahkan PVC etcd ke storage SSD: StorageClass yang memakai SSD (gp3 atau io2 di AWS, pd-ssd di GCP, Premium SSD di Azure, NVMe lokal). Class PVC yang sudah ada tidak bisa diganti. Pindah ke class baru berarti memindahkan data, lihat halamannya (bagian "Cara memperbaikinya").',
		adviceDedicated:
			'2. Beri etcd disk sendiri: jangan ada data MinIO, Pulsar, Kafka, atau Milvus di volume atau perangkat yang sama. Jauhkan etcd dari pod yang berat I/O di node yang sama.',
		adviceTimeouts:
			'3. Hanya sebagai jalan terakhir, kalau disk tidak bisa dibuat lebih cepat: naikkan heartbeat interval dan election timeout (values Helm etcd.extraEnvVars: ETCD_HEARTBEAT_INTERVAL=500, ETCD_ELECTION_TIMEOUT=5000, sepuluh kali heartbeat). Cara ini menghentikan pemilihan leader yang tidak perlu, tetapi hanya menyembunyikan disk yang lambat. Setiap write tetap lambat.',
		adviceLeaders:
			'{member} mengalami {n} kali pergantian leader: setiap pemilihan menahan semua write paling sedikit selama satu election timeout',
		detailsSlow: 'disk lambat: {worst}',
		logCounts: '{pod}, {lines} baris log terakhir: {counts}',
		warningsButFast:
			'log berisi {n} peringatan request lambat walaupun disk sekarang cepat: peringatan itu mungkin dari periode lambat sebelumnya, atau penyebabnya ada di tempat lain (batas CPU, jaringan)',
	},
};

/** @param {unknown} v */
const count = (v) => (v === null || v === undefined ? '-' : String(v));

/**
 * The pod-proxy path kube-apiserver serves a pod's port on; `kubectl get --raw` reads it with the user's
 * own credentials (RBAC: get on pods/proxy).
 * @param {string} namespace @param {string} pod @param {string} scheme
 */
function metricsPath(namespace, pod, scheme) {
	const target = scheme === 'https' ? `https:${pod}:${CLIENT_PORT}` : `${pod}:${CLIENT_PORT}`;
	return `/api/v1/namespaces/${namespace}/pods/${target}/proxy/metrics`;
}

/**
 * One member's line: verdict and every number behind it.
 * @param {Context} ctx @param {string} member @param {DiskReport} r
 */
function memberLine(ctx, member, r) {
	return ctx.t('member', {
		member,
		verdict: ctx.t(
			r.verdict === 'slow'
				? 'verdictSlow'
				: r.verdict === 'healthy'
					? 'verdictHealthy'
					: 'verdictFew',
		),
		wal: ms(r.walFsyncP99),
		walCount: r.walFsyncCount,
		commit: ms(r.backendCommitP99),
		leaders: count(r.leaderChanges),
		slowApply: count(r.slowApplies),
		slowRead: count(r.slowReadIndexes),
		heartbeat: count(r.heartbeatFailures),
		db: humanBytes(r.dbSize),
	});
}

/**
 * Judge one member's text; a page that is not etcd's /metrics is a clear one-line error.
 * @param {Context} ctx @param {string} member @param {string} text
 */
function judge(ctx, member, text) {
	try {
		return judgeEtcdDisk(text);
	} catch (e) {
		if (e instanceof NotEtcdMetricsError)
			throw new StepFailedError(ctx.t('notMetrics', { member, reason: e.message }));
		throw e;
	}
}

/**
 * The verdict over every member, printed with the advice when the disk is slow. Slow: a result (exit 0,
 * the symptom is confirmed); healthy: exit 4; too few samples: exit 1.
 * @param {Context} ctx @param {Map<string, DiskReport>} readings
 * @returns {import('./lib/runbook.mjs').VerifyResult}
 */
function conclude(ctx, readings) {
	const all = [...readings];
	const verdict = overallVerdict(all.map(([, r]) => r.verdict));
	const named = (/** @type {string} */ v) =>
		all
			.filter(([, r]) => r.verdict === v)
			.map(([m]) => m)
			.join(', ');
	const data = Object.fromEntries(all);
	if (verdict === 'healthy') throw new NotThisSymptomError(ctx.t('overallHealthy'));
	if (verdict === 'few-samples')
		return {
			ok: false,
			details: ctx.t('overallFew', { members: named('few-samples') || '-', min: MIN_SAMPLES }),
			data,
		};
	const slow = all.filter(([, r]) => r.verdict === 'slow');
	const worst = slow
		.map(([m, r]) => {
			const parts = [];
			if (r.reasons.includes('wal-fsync')) parts.push(`WAL fsync p99 ${ms(r.walFsyncP99)}`);
			if (r.reasons.includes('backend-commit'))
				parts.push(`backend commit p99 ${ms(r.backendCommitP99)}`);
			return `${m}: ${parts.join(', ')}`;
		})
		.join('; ');
	return { ok: true, details: ctx.t('detailsSlow', { worst }), data };
}

/**
 * Print the verdict and, for a slow disk, what to change.
 * @param {Context} ctx @param {Map<string, DiskReport>} readings
 */
function printVerdict(ctx, readings) {
	const verdict = overallVerdict([...readings.values()].map((r) => r.verdict));
	const slow = [...readings].filter(([, r]) => r.verdict === 'slow').map(([m]) => m);
	if (verdict === 'slow') {
		ctx.out.warn(ctx.t('overallSlow', { members: slow.join(', ') }));
		for (const [m, r] of readings)
			if ((r.leaderChanges ?? 0) > 1)
				ctx.out.warn(ctx.t('adviceLeaders', { member: m, n: count(r.leaderChanges) }));
		ctx.out.info(ctx.t('adviceHeading'));
		for (const key of ['adviceSsd', 'adviceDedicated', 'adviceTimeouts']) ctx.out.info(ctx.t(key));
	}
	return verdict;
}

/** @param {string} value comma-separated list @returns {string[]} */
const list = (value) =>
	value
		.split(',')
		.map((s) => s.trim())
		.filter(Boolean);

/**
 * Without a cluster: the metrics of `--endpoints` (fetched) or `--metrics-file` (read), judged the same way.
 * @param {Context} ctx
 */
async function offline(ctx) {
	const endpoints = String(ctx.flags.endpoints ?? '');
	const files = String(ctx.flags['metrics-file'] ?? '');
	if (!endpoints && !files) return undefined;
	if (endpoints && files) throw new UsageError(ctx.t('bothModes'));
	ctx.out.heading('etcd-slow-disk');
	/** @type {Map<string, DiskReport>} */
	const readings = new Map();
	if (files) {
		for (const file of list(files)) {
			let text;
			try {
				text = await readFile(file, 'utf8');
			} catch (e) {
				const reason = /** @type {any} */ (e)?.code ?? String(e);
				throw new UsageError(ctx.t('unreadableFile', { file, reason }));
			}
			readings.set(file, judge(ctx, file, text));
		}
	} else {
		for (const endpoint of list(endpoints)) {
			let url;
			try {
				url = new URL('/metrics', endpoint);
			} catch {
				throw new UsageError(ctx.t('badEndpoint', { value: endpoint }));
			}
			if (url.protocol !== 'http:' && url.protocol !== 'https:')
				throw new UsageError(ctx.t('badEndpoint', { value: endpoint }));
			ctx.out.dim(`GET ${url.href}`);
			let text;
			try {
				const res = await fetch(url, { signal: AbortSignal.timeout(30_000) });
				if (!res.ok) throw new Error(`HTTP ${res.status}`);
				text = await res.text();
			} catch (e) {
				const err = /** @type {any} */ (e);
				const reason = err?.cause?.code ?? err?.cause?.message ?? err?.message ?? String(e);
				throw new StepFailedError(ctx.t('unreachable', { url: url.href, reason }));
			}
			readings.set(url.host, judge(ctx, url.host, text));
		}
	}
	for (const [member, r] of readings) ctx.out.info(memberLine(ctx, member, r));
	printVerdict(ctx, readings);
	return conclude(ctx, readings);
}

/** @type {Facts} */
const exampleFacts = { members: [0, 1, 2], scheme: 'http' };

export default defineRunbook(
	{
		name: 'etcd-slow-disk',
		summary: tx(
			"Measure whether etcd's disk is too slow (WAL fsync and commit latency) and what to change",
			'Ukur apakah disk etcd terlalu lambat (latensi fsync WAL dan commit) dan apa yang perlu diubah',
		),
		description: tx(
			'Use it when etcd logs "apply request took too long", "slow fdatasync" or "waiting for ReadIndex ' +
				'response took too long", or Milvus logs "Slow etcd operation save" or exits after "disconnected ' +
				"from etcd\". It reads each etcd member's /metrics through the API server's pod proxy (kubectl get " +
				'--raw), computes the 99th percentile of WAL fsync and backend commit duration like Prometheus ' +
				"histogram_quantile, and compares them with etcd's guidance: under 10 ms and under 25 ms. It also " +
				'shows leader changes, slow applies, slow read indexes, heartbeat send failures and the database ' +
				'size, then gives a verdict per member and for the cluster, with what to change. It changes ' +
				'nothing. Without a cluster: --endpoints URL reads any reachable etcd (Docker Compose), ' +
				'--metrics-file FILE judges a saved "curl /metrics" output.',
			'Pakai saat etcd mencatat "apply request took too long", "slow fdatasync", atau "waiting for ' +
				'ReadIndex response took too long", atau saat Milvus mencatat "Slow etcd operation save" atau ' +
				'berhenti setelah "disconnected from etcd". Runbook ini membaca /metrics tiap member etcd lewat ' +
				'proxy pod di API server ("kubectl get --raw"). Dari situ dihitung persentil ke-99 durasi fsync WAL ' +
				'dan commit backend, sama seperti histogram_quantile di Prometheus. Hasilnya dibandingkan dengan ' +
				'panduan etcd: di bawah 10 ms dan di bawah 25 ms. Runbook juga menampilkan pergantian leader, apply ' +
				'lambat, read index lambat, heartbeat yang gagal terkirim, dan ukuran database. Lalu ada penilaian ' +
				'per member dan untuk seluruh cluster, beserta apa yang perlu diubah. Tidak ada yang diubah. Tanpa ' +
				'cluster: --endpoints URL membaca etcd mana pun yang bisa dijangkau (Docker Compose), --metrics-file ' +
				'FILE menilai output "curl /metrics" yang sudah disimpan.',
		),
		target: 'kubernetes',
		flagGroups: ['kube'],
		exitCodes: {
			0: tx(
				'a slow disk was measured (the members and what to change are printed)',
				'disk lambat terukur (member-nya dan apa yang perlu diubah ditampilkan)',
			),
			1: tx(
				'a member could not be read, or it has too few WAL fsyncs to judge yet (run again later)',
				'ada member yang tidak bisa dibaca, atau fsync WAL-nya masih terlalu sedikit untuk dinilai (jalankan lagi nanti)',
			),
			4: tx(
				'every disk is fast enough (WAL fsync p99 under 10 ms, backend commit p99 under 25 ms), or no etcd pod runs (a crash, not a slow disk)',
				'semua disk cukup cepat (p99 fsync WAL di bawah 10 ms, p99 commit backend di bawah 25 ms), atau tidak ada pod etcd yang berjalan (crash, bukan disk lambat)',
			),
		},
		flags: [
			{
				name: 'endpoints',
				type: 'string',
				help: messageText(messages, 'flagEndpoints'),
			},
			{
				name: 'metrics-file',
				type: 'string',
				help: messageText(messages, 'flagMetricsFile'),
			},
		],
		messages,
		exampleFacts,

		main: offline,

		async preflight(ctx) {
			const running = [...(await podsByOrdinal(ctx)).values()]
				.filter((p) => p.running)
				.sort((a, b) => a.ordinal - b.ordinal);
			if (running.length === 0) throw new NotThisSymptomError(ctx.t('noPods'));
			const env = stsEnv(await ctx.kube.json(['get', 'sts', ctx.names.sts]));
			const advertised = env.ETCD_ADVERTISE_CLIENT_URLS ?? '';
			return {
				members: running.map((p) => p.ordinal),
				scheme: advertised.startsWith('https://') ? 'https' : 'http',
			};
		},

		steps(ctx, /** @type {Facts} */ f) {
			const k = ctx.kube;
			const n = ctx.names;
			/** @type {Map<string, DiskReport>} */
			const readings = new Map();
			/** @type {Map<string, Record<string, number>>} */
			const warnings = new Map();
			/** @type {Step[]} */
			const steps = [listEtcdPodsStep(ctx)];
			steps.push(
				{
					id: 'list-pvcs',
					title: tx(
						'List the etcd PVCs and their StorageClass',
						'Lihat PVC etcd beserta StorageClass-nya',
					),
					mode: 'read',
					command: k.argv('get', 'pvc', '-l', n.selector),
				},
				{
					id: 'list-storageclasses',
					title: tx(
						'List the StorageClasses (which provisioner backs the etcd volumes)',
						'Lihat StorageClass (provisioner mana yang menyediakan volume etcd)',
					),
					mode: 'read',
					command: k.argv('get', 'storageclass'),
				},
				{
					id: 'endpoint-status',
					title: tx(
						'Show the leader, raft term and DB SIZE of every member',
						'Tampilkan leader, raft term, dan DB SIZE tiap member',
					),
					mode: 'read',
					command: k.execArgv(n.pod(f.members[0] ?? 0), CLUSTER_STATUS_TABLE),
					// A member too slow to answer within etcdctl's timeout is a finding, not a reason to stop.
					optional: true,
				},
			);
			for (const i of f.members) {
				const pod = n.pod(i);
				steps.push({
					id: 'read-logs',
					title: tx(
						`Count the slow-request warnings in the log of ${pod}`,
						`Hitung peringatan request lambat di log ${pod}`,
					),
					mode: 'read',
					command: k.argv('logs', pod, `--tail=${LOG_LINES}`),
					check: false,
					parse: (r) => {
						const counts = countWarnings(r.stdout);
						warnings.set(pod, counts);
						return counts;
					},
					after: (c, counts) =>
						c.t('logCounts', {
							pod,
							lines: LOG_LINES,
							counts: SLOW_WARNINGS.map(
								(w) => `"${w}" × ${/** @type {Record<string, number>} */ (counts)[w] ?? 0}`,
							).join(', '),
						}),
				});
			}
			for (const i of f.members) {
				const pod = n.pod(i);
				steps.push({
					id: 'read-metrics',
					title: tx(
						`Read the disk latency histograms of ${pod} (its /metrics)`,
						`Baca histogram latensi disk ${pod} (/metrics-nya)`,
					),
					mode: 'read',
					command: k.argv('get', '--raw', metricsPath(ctx.namespace, pod, f.scheme)),
					parse: (r, c) => {
						const report = judge(c, pod, r.stdout);
						readings.set(pod, report);
						return report;
					},
					after: (c, report) => memberLine(c, pod, /** @type {DiskReport} */ (report)),
				});
			}
			steps.push({
				id: 'verdict',
				title: tx(
					"Compare the p99 latencies with etcd's guidance (WAL fsync < 10 ms, backend commit < 25 ms)",
					'Bandingkan latensi p99 dengan panduan etcd (fsync WAL < 10 ms, commit backend < 25 ms)',
				),
				mode: 'read',
				command: null,
				action: (c) => {
					const verdict = printVerdict(c, readings);
					const logged = [...warnings.values()].reduce(
						(sum, counts) => sum + Object.values(counts).reduce((a, b) => a + b, 0),
						0,
					);
					// Fast fsyncs with slow requests in the log: the wait is elsewhere (CPU throttling, network, a
					// big range read), or the disk was slow earlier and the histograms, counted since start, hide it.
					if (verdict === 'healthy' && logged > 0)
						c.out.warn(c.t('warningsButFast', { n: logged }));
					return readings;
				},
			});
			return steps;
		},

		async verify(ctx) {
			// The verdict step hands over every member's reading (read-metrics repeats, so its own result
			// holds only the last member).
			const readings = /** @type {Map<string, DiskReport> | undefined} */ (ctx.results.verdict);
			return conclude(ctx, readings ?? new Map());
		},
	},
	import.meta.url,
);
