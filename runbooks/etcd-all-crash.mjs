#!/usr/bin/env zx
// @ts-check
// etcd-all-crash: every etcd member of the Milvus chart crash-loops, so there is no quorum, no member to
// snapshot and nothing `kubectl exec` can reach. What survives is each member's bbolt file
// (`/bitnami/etcd/data/member/snap/db`) on its PVC. This runbook reads those files offline (no etcd, no Go):
//
//   cluster mode (default): scale to 0, copy every member's db through a helper pod, pick the copy with the
//   highest `key` revision (bbolt txids are per member and not comparable), write and verify a backup, and
//   only then, with typed confirmation, delete the PVCs, start ONE fresh member (the chart's three-member
//   ETCD_INITIAL_CLUSTER cannot bootstrap a lone pod, so the StatefulSet env is narrowed to etcd-0), restore
//   the keys in transactions through a port-forward, read everything back, put the original env back with
//   state `existing` and scale up one member at a time (each joins with `member add`, so no second cluster can
//   form), then check health and a single cluster id.
//   offline modes: `--db FILE --inspect`, `--db FILE --backup DIR`, `--restore DIR --endpoints URL`.
//
// Why keys and not `etcdctl snapshot restore --skip-hash-check`: the restored member must then be placed into
// a PVC with the right name and peer URLs, which cannot be done from outside a crash-looping pod; restoring
// keys works through any reachable etcd (compose, port-forward). The snapshot route is printed as the
// alternative. Facts and sources: /work/shared/reference/etcd-bbolt.md, bitnami-etcd.md.
import * as nodeFs from 'node:fs';
import * as nodePath from 'node:path';
import { defineRunbook } from './lib/runbook.mjs';
import { NotThisSymptomError, RefusedError, StepFailedError, UsageError } from './lib/exit.mjs';
import { ETCD_MOUNT } from './lib/kube.mjs';
import { t as tLookup } from './lib/i18n.mjs';
import { $ } from './lib/zx.mjs';
import {
	ETCD_MEMBER_MESSAGES,
	checkTimeout,
	parseJsonBig,
	podsByOrdinal,
	stsEnv,
	waitFor,
	timeoutFlag,
} from './lib/etcd-members.mjs';
import { BboltError } from './lib/bbolt.mjs';
import { MvccError, latestRevision, readEtcdDb } from './lib/mvcc.mjs';
import { etcdHttp, EtcdHttpError } from './lib/etcd-http.mjs';
import {
	BACKUP_MESSAGES,
	BackupError,
	DEFAULT_ROOT_PATH,
	compareKvs,
	prefixSummary,
	readBackup,
	restoreKvs,
	selectKeys,
	sha256File,
	writeBackup,
} from './lib/etcd-backup.mjs';

/** @typedef {import('./lib/runbook.mjs').Context} Context */
/** @typedef {import('./lib/runbook.mjs').Step} Step */

/**
 * @typedef {object} Facts
 * @property {number} replicas               StatefulSet size before we touched it
 * @property {string | null} initialCluster  ETCD_INITIAL_CLUSTER as the chart rendered it (null: replicaCount=1)
 * @property {string | null} singleMember    the etcd-0 entry of it: what a lone fresh member needs
 * @property {string} clusterState           ETCD_INITIAL_CLUSTER_STATE before we touched it
 * @property {Record<string, string>} pvcUids  uid (or creation time) of each PVC, to tell a recreated one apart
 * @property {string} workDir
 * @property {string} backupDir
 */

const DB_IN_POD = `${ETCD_MOUNT}/data/member/snap/db`;
const SCRIPT = 'runbooks/etcd-all-crash.mjs';

const messages = {
	en: {
		...ETCD_MEMBER_MESSAGES.en,
		flagDb: 'offline: an etcd db file (member/snap/db) to read; with --backup or --inspect',
		flagBackup: 'folder for the backup (manifest.json + kvs.jsonl); must be new or empty',
		flagInspect: 'offline: list key prefixes and counts of --db, change nothing',
		flagRestore: 'restore the backup in this folder into --endpoints',
		flagEndpoints:
			'etcd client URL(s) for --restore, comma-separated (e.g. through kubectl port-forward)',
		flagAllowNonEmpty: 'let --restore write into an etcd that already holds keys',
		flagRootPath: "Milvus's etcd rootPath (etcd.rootPath in milvus.yaml)",
		flagKeepLeased:
			'also back up leased keys outside the session prefix (restored without a lease)',
		flagWorkDir: 'folder on this machine for the db copies and the backup',
		flagLocalPort: 'local port for kubectl port-forward to the fresh member',
		flagTimeout: 'seconds to wait for each pod',
		usageMode:
			'use --db FILE with --backup DIR or --inspect, or --restore DIR with --endpoints URL, or no mode flag for the cluster runbook',
		usageRestoreNeedsEndpoints: '--restore needs --endpoints (e.g. http://127.0.0.1:2379)',
		usageDbMissing: 'db file {file} not found',
		dbUnreadable: 'cannot read {file}: {reason}',
		dbSummary:
			'{file}: revision {revision}, {live} live keys ({deleted} deleted, {rows} revision rows), bbolt meta page {page}, txid {txid}, page size {pageSize}',
		dbFellBack:
			'the newest bbolt transaction is damaged; read the previous one instead ({problems})',
		dbNoRootKeys:
			'no key under {root}/: is --root-path right? (prefixes are listed with --inspect)',
		inspectHeader: 'prefix                                             keys      bytes  leased',
		inspectDone: '{prefixes} prefixes, {live} live keys; nothing was changed',
		backupWritten:
			'backup written to {dir}: {written} keys, {excluded} left out (see manifest.json), sha256 {sha}',
		backupExcluded: 'left out: {count} {rule} ({reason})',
		backupKept: 'kept: {count} {rule} ({reason})',
		alternative:
			'Alternative: `etcdctl snapshot restore {db} --skip-hash-check --data-dir <dir>` (3.5+: etcdutl) rebuilds a member data dir with revisions and leases, but that dir must then go onto a member PVC with matching --name/--initial-cluster; this runbook restores keys instead.',
		restoreReading: 'backup {dir}: {count} keys from revision {revision} (checksum ok)',
		restoreTarget: 'target etcd {endpoint}: {count} keys now',
		restoreConfirm: 'Write {count} keys into {endpoint}? [y/N] ',
		restoreRefused: 'restore not confirmed; nothing written',
		restoreNoTty:
			'restore writes into etcd and there is no terminal to ask on; run with --yes to allow it, or --dry-run to only check',
		restoreDry:
			'[dry run] would write {count} keys into {endpoint} in transactions of up to 128, then read them back',
		restoreDone:
			'restored {written} keys in {batches} transactions into {endpoint}; read back {readBack} keys, all equal to the backup',
		endpointDown: 'no etcd answers at {endpoints}: {reason}',
		notKubernetesCrash:
			'pod {pod} is Ready: not every member is down. Use etcd-multi-crash (or etcd-bad-member-id)',
		pendingPods: 'pods {pods} are Pending, not crashing; run etcd-pending first',
		noPods:
			'StatefulSet {sts} has {replicas} replicas and no pods are crashing; nothing to recover',
		noPvcs: 'no PVC data-{sts}-N found: there is no etcd data left to recover from',
		crashingList: 'all {n} members are down: {pods}',
		resuming: 'continuing the rescue started earlier',
		waitPodsGone: 'the etcd pods to stop',
		waitPvcsGone: 'the PVCs to be deleted',
		waitReady: '{pod} to be Ready',
		waitMembers: '{n} started members',
		copyDry: '[dry run] would mount {pvc} in helper pod {pod} and copy {src}',
		copyFailed: 'no db copied from {pvc}: {reason}',
		copied: 'copied {file} ({bytes} bytes), key revision {revision}',
		copyUnreadable: 'copy {file} is unreadable: {reason}',
		noCopies: 'no usable db copy from any member; nothing has been changed',
		chosen: 'newest copy: {file} (key revision {revision}); the others: {others}',
		dryNoCopy: '[dry run] no copies yet; the backup would be written from the newest copy',
		deleteGate:
			'backup {dir} checked again ({count} keys, checksum ok); StatefulSet at 0 replicas with no pods',
		gatePodsLeft:
			'pods {pods} still exist; deleting their PVCs now would fail or lose data. Nothing deleted',
		gateReplicas: 'StatefulSet {sts} has {replicas} replicas, not 0. Nothing deleted',
		helmSingle:
			'Picked: `kubectl set env` on the StatefulSet (option 2 of bitnami-etcd.md §3b), so Helm is not needed. Do not run helm upgrade until this runbook has finished.',
		helmAfter:
			'Helm values: keep etcd.replicaCount: {replicas}; the chart renders ETCD_INITIAL_CLUSTER_STATE=existing on every helm upgrade, which matches what this runbook set. If your values pin etcd.initialClusterState: new, change it to existing.',
		portForwardUp: 'port-forward ready: {endpoint}',
		portForwardFailed: 'kubectl port-forward did not come up: {reason}',
		targetPartial:
			'target {endpoint} holds {count} keys, all from this backup (an earlier interrupted restore); continuing',
		targetForeign:
			'target {endpoint} holds {count} keys, {foreign} of them not in the backup (first: {first}); is Milvus writing already? Stop Milvus, then run again',
		verifyMembers: 'members: {got} of {want} started',
		verifyIds: 'members report different cluster ids: {ids} (split brain)',
		verifyNotReady: 'not Ready: {pods}',
		verifyKeys: '{got} keys in etcd, the backup has {want}',
		verifiedAll: '{n} members healthy, cluster id {id}, {keys} keys (backup: {want})',
		execFailed: 'cannot run etcdctl in {pod}: {reason}',
		verifyDry:
			'[dry run] would check that every member is started and healthy, with one cluster id',
	},
	id: {
		...ETCD_MEMBER_MESSAGES.id,
		flagDb:
			'offline: file db etcd (member/snap/db) yang dibaca; dipakai dengan --backup atau --inspect',
		flagBackup: 'folder untuk backup (manifest.json + kvs.jsonl); harus baru atau kosong',
		flagInspect: 'offline: tampilkan prefix key dan jumlahnya dari --db, tidak mengubah apa pun',
		flagRestore: 'restore backup di folder ini ke --endpoints',
		flagEndpoints:
			'URL klien etcd untuk --restore, dipisah koma (misalnya lewat kubectl port-forward)',
		flagAllowNonEmpty: 'izinkan --restore menulis ke etcd yang sudah berisi key',
		flagRootPath: 'rootPath etcd milik Milvus (etcd.rootPath di milvus.yaml)',
		flagKeepLeased:
			'ikutkan key yang punya lease di luar prefix session dalam backup (dipulihkan tanpa lease)',
		flagWorkDir: 'folder di mesin ini untuk salinan db dan backup',
		flagLocalPort: 'port lokal untuk kubectl port-forward ke member baru',
		flagTimeout: 'berapa detik menunggu tiap pod',
		usageMode:
			'pakai --db FILE dengan --backup DIR atau --inspect, atau --restore DIR dengan --endpoints URL, atau tanpa flag mode untuk runbook cluster',
		usageRestoreNeedsEndpoints: '--restore butuh --endpoints (misalnya http://127.0.0.1:2379)',
		usageDbMissing: 'file db {file} tidak ditemukan',
		dbUnreadable: 'tidak bisa membaca {file}: {reason}',
		dbSummary:
			'{file}: revision {revision}, {live} key aktif ({deleted} terhapus, {rows} baris revision), meta page bbolt {page}, txid {txid}, page size {pageSize}',
		dbFellBack: 'transaksi bbolt terbaru rusak; yang dibaca transaksi sebelumnya ({problems})',
		dbNoRootKeys:
			'tidak ada key di bawah {root}/: apakah --root-path sudah benar? (daftar prefix ada di --inspect)',
		inspectHeader: 'prefix                                             key       byte    lease',
		inspectDone: '{prefixes} prefix, {live} key aktif; tidak ada yang diubah',
		backupWritten:
			'backup tersimpan di {dir}: {written} key, {excluded} tidak diikutkan (lihat manifest.json), sha256 {sha}',
		backupExcluded: 'tidak diikutkan: {count} {rule} ({reason})',
		backupKept: 'tetap diikutkan: {count} {rule} ({reason})',
		alternative:
			'Alternatif: "etcdctl snapshot restore {db} --skip-hash-check --data-dir <dir>" (3.5+: etcdutl) membangun ulang direktori data member lengkap dengan revision dan lease. Tetapi direktori itu lalu harus dipasang ke PVC member dengan --name dan --initial-cluster yang cocok. Runbook ini memilih restore key.',
		restoreReading: 'backup {dir}: {count} key dari revision {revision} (checksum cocok)',
		restoreTarget: 'etcd tujuan {endpoint}: saat ini {count} key',
		restoreConfirm: 'Tulis {count} key ke {endpoint}? [y/N] ',
		restoreRefused: 'restore tidak dikonfirmasi; tidak ada yang ditulis',
		restoreNoTty:
			'restore menulis ke etcd dan tidak ada terminal untuk bertanya; jalankan dengan --yes untuk mengizinkan, atau --dry-run untuk memeriksa saja',
		restoreDry:
			'[dry run] akan menulis {count} key ke {endpoint} dalam transaksi berisi maksimal 128, lalu membacanya ulang',
		restoreDone:
			'{written} key dipulihkan dalam {batches} transaksi ke {endpoint}; {readBack} key dibaca ulang, semuanya sama dengan backup',
		endpointDown: 'tidak ada etcd yang menjawab di {endpoints}: {reason}',
		notKubernetesCrash:
			'pod {pod} Ready: tidak semua member mati. Pakai etcd-multi-crash (atau etcd-bad-member-id)',
		pendingPods: 'pod {pods} berstatus Pending, bukan crash; jalankan etcd-pending dulu',
		noPods:
			'StatefulSet {sts} punya {replicas} replika dan tidak ada pod yang crash; tidak ada yang perlu dipulihkan',
		noPvcs: 'tidak ada PVC data-{sts}-N: tidak ada data etcd tersisa untuk dipulihkan',
		crashingList: 'semua {n} member mati: {pods}',
		resuming: 'melanjutkan pemulihan yang sudah dimulai sebelumnya',
		waitPodsGone: 'pod etcd berhenti',
		waitPvcsGone: 'PVC terhapus',
		waitReady: '{pod} Ready',
		waitMembers: '{n} member berjalan',
		copyDry: '[dry run] akan memasang {pvc} di pod bantuan {pod} lalu menyalin {src}',
		copyFailed: 'tidak ada db yang tersalin dari {pvc}: {reason}',
		copied: '{file} tersalin ({bytes} byte), revision key {revision}',
		copyUnreadable: 'salinan {file} tidak bisa dibaca: {reason}',
		noCopies: 'tidak ada salinan db yang bisa dipakai dari member mana pun; belum ada yang diubah',
		chosen: 'salinan terbaru: {file} (revision key {revision}); yang lain: {others}',
		dryNoCopy: '[dry run] belum ada salinan; backup akan ditulis dari salinan terbaru',
		deleteGate:
			'backup {dir} diperiksa ulang ({count} key, checksum cocok); StatefulSet di 0 replika tanpa pod',
		gatePodsLeft:
			'pod {pods} masih ada; menghapus PVC-nya sekarang bisa gagal atau menghilangkan data. Tidak ada yang dihapus',
		gateReplicas: 'StatefulSet {sts} punya {replicas} replika, bukan 0. Tidak ada yang dihapus',
		helmSingle:
			'Dipilih: "kubectl set env" pada StatefulSet (opsi 2 di bitnami-etcd.md §3b), jadi Helm tidak diperlukan. Jangan jalankan "helm upgrade" sebelum runbook ini selesai.',
		helmAfter:
			'Values Helm: biarkan "etcd.replicaCount: {replicas}". Setiap "helm upgrade" menulis ETCD_INITIAL_CLUSTER_STATE=existing, sama seperti runbook ini. Kalau values Anda mengunci "etcd.initialClusterState: new", ganti menjadi existing.',
		portForwardUp: 'port-forward siap: {endpoint}',
		portForwardFailed: 'kubectl port-forward tidak berjalan: {reason}',
		targetPartial:
			'etcd tujuan {endpoint} berisi {count} key, semuanya dari backup ini (restore sebelumnya terputus); dilanjutkan',
		targetForeign:
			'etcd tujuan {endpoint} berisi {count} key, {foreign} di antaranya tidak ada di backup (pertama: {first}); apakah Milvus sudah menulis? Hentikan Milvus, lalu jalankan lagi',
		verifyMembers: 'member: {got} dari {want} berjalan',
		verifyIds: 'member melaporkan cluster id yang berbeda: {ids} (split brain)',
		verifyNotReady: 'belum Ready: {pods}',
		verifyKeys: 'ada {got} key di etcd, backup berisi {want}',
		verifiedAll: '{n} member sehat, cluster id {id}, {keys} key (backup: {want})',
		execFailed: 'tidak bisa menjalankan etcdctl di {pod}: {reason}',
		verifyDry:
			'[dry run] akan memeriksa bahwa semua member berjalan dan sehat, dengan satu cluster id',
	},
};

/** @param {Context} ctx @param {unknown} e */
function backupText(ctx, e) {
	if (e instanceof BackupError) return tLookup(BACKUP_MESSAGES, ctx.lang, e.key, e.vars);
	return e instanceof Error ? e.message : String(e);
}

/** Library errors become one translated line with the right exit code. @param {Context} ctx @param {unknown} e */
function toRunbookError(ctx, e) {
	if (e instanceof BackupError) {
		const text = backupText(ctx, e);
		return [
			'checksumMismatch',
			'countMismatch',
			'targetNotEmpty',
			'badRecord',
			'badManifest',
			'noManifest',
			'backupExists',
		].includes(e.key)
			? new RefusedError(text)
			: new StepFailedError(text);
	}
	if (e instanceof EtcdHttpError) return new StepFailedError(e.message);
	return e;
}

/** @param {Context} ctx @param {string} file */
function readDbOrFail(ctx, file) {
	if (!nodeFs.existsSync(file)) throw new UsageError(ctx.t('usageDbMissing', { file }));
	try {
		return readEtcdDb(file);
	} catch (e) {
		if (e instanceof BboltError || e instanceof MvccError)
			throw new StepFailedError(ctx.t('dbUnreadable', { file, reason: e.message }));
		throw e;
	}
}

/** @param {Context} ctx @param {string} file @param {import('./lib/mvcc.mjs').MvccState} s */
function printDbSummary(ctx, file, s) {
	ctx.out.info(
		ctx.t('dbSummary', {
			file,
			revision: String(s.revision),
			live: s.stats.live,
			deleted: s.stats.deleted,
			rows: s.stats.rows,
			page: s.bbolt.page,
			txid: String(s.bbolt.txid),
			pageSize: s.bbolt.pageSize,
		}),
	);
	if (s.bbolt.fellBack)
		ctx.out.warn(ctx.t('dbFellBack', { problems: s.bbolt.problems.join('; ') }));
}

/**
 * `--db FILE --backup DIR`: also the in-process body of the cluster flow's backup step.
 * @param {Context} ctx @param {string} db @param {string} dir
 */
async function backupFromDb(ctx, db, dir) {
	const state = readDbOrFail(ctx, db);
	printDbSummary(ctx, db, state);
	const rootPath = String(ctx.flags['root-path']);
	const root = Buffer.from(`${rootPath.replace(/\/+$/, '')}/`);
	if (!state.kvs.some((kv) => kv.key.subarray(0, root.length).equals(root)))
		ctx.out.warn(ctx.t('dbNoRootKeys', { root: rootPath }));
	/** @type {import('./lib/etcd-backup.mjs').Manifest} */
	let manifest;
	try {
		manifest = await writeBackup(dir, state, {
			rootPath,
			keepLeased: ctx.flags['keep-leased'] === true,
			source: {
				file: nodePath.resolve(db),
				bytes: nodeFs.statSync(db).size,
				sha256: await sha256File(db),
			},
		});
	} catch (e) {
		throw toRunbookError(ctx, e);
	}
	for (const r of manifest.excluded)
		if (r.count)
			ctx.out.info(
				`  ${ctx.t('backupExcluded', { count: r.count, rule: r.rule, reason: r.reason })}`,
			);
	for (const r of manifest.kept)
		if (r.count)
			ctx.out.info(`  ${ctx.t('backupKept', { count: r.count, rule: r.rule, reason: r.reason })}`);
	ctx.out.dim(ctx.t('alternative', { db }));
	return {
		ok: true,
		details: ctx.t('backupWritten', {
			dir,
			written: manifest.counts.written ?? 0,
			excluded: manifest.counts.excluded ?? 0,
			sha: manifest.records.sha256,
		}),
		data: { manifest },
	};
}

/** @param {Context} ctx @param {string} db */
function inspectDb(ctx, db) {
	const state = readDbOrFail(ctx, db);
	printDbSummary(ctx, db, state);
	const rows = prefixSummary(state.kvs);
	ctx.out.info(ctx.t('inspectHeader'));
	for (const r of rows)
		ctx.out.info(
			`${r.prefix.padEnd(48)} ${String(r.keys).padStart(7)} ${String(r.bytes).padStart(10)} ${String(r.leased).padStart(7)}`,
		);
	const { rules } = selectKeys(state.kvs, {
		rootPath: String(ctx.flags['root-path']),
		keepLeased: ctx.flags['keep-leased'] === true,
	});
	for (const r of rules) {
		if (!r.count) continue;
		ctx.out.info(
			ctx.t(r.action === 'exclude' ? 'backupExcluded' : 'backupKept', {
				count: r.count,
				rule: r.id,
				reason: r.reason,
			}),
		);
	}
	return {
		ok: true,
		details: ctx.t('inspectDone', { prefixes: rows.length, live: state.stats.live }),
		data: { revision: String(state.revision), stats: state.stats, prefixes: rows },
	};
}

/**
 * The first endpoint that answers /health.
 * @param {Context} ctx @param {string} list
 */
async function connectEtcd(ctx, list) {
	const endpoints = list
		.split(',')
		.map((s) => s.trim())
		.filter(Boolean);
	let reason = '';
	for (const ep of endpoints) {
		try {
			const client = etcdHttp(ep);
			await client.count();
			return client;
		} catch (e) {
			reason = e instanceof Error ? e.message : String(e);
		}
	}
	throw new StepFailedError(
		ctx.t('endpointDown', { endpoints: endpoints.join(', ') || list, reason }),
	);
}

/**
 * Restore with the target check: empty, or (cluster flow resuming) holding only keys of this backup.
 * @param {Context} ctx
 * @param {import('./lib/etcd-http.mjs').EtcdHttp} client
 * @param {import('./lib/mvcc.mjs').KeyValue[]} kvs
 * @param {{ allowNonEmpty: boolean, allowPartial: boolean }} o
 */
async function restoreInto(ctx, client, kvs, o) {
	const count = await client.count();
	ctx.out.info(ctx.t('restoreTarget', { endpoint: client.endpoint, count }));
	let allow = o.allowNonEmpty;
	if (count > 0 && !allow && o.allowPartial) {
		const { kvs: present } = await client.getAll();
		const foreign = compareKvs(present, kvs);
		// Keys of this backup with its values are a restore that was cut short; anything else is someone else's data.
		const notOurs = [...foreign.missing, ...foreign.different];
		if (notOurs.length)
			throw new RefusedError(
				ctx.t('targetForeign', {
					endpoint: client.endpoint,
					count,
					foreign: notOurs.length,
					first: notOurs[0] ?? '',
				}),
			);
		ctx.out.warn(ctx.t('targetPartial', { endpoint: client.endpoint, count }));
		allow = true;
	}
	try {
		const r = await restoreKvs(client, kvs, { allowNonEmpty: allow });
		return ctx.t('restoreDone', {
			written: r.written,
			batches: r.batches,
			endpoint: client.endpoint,
			readBack: r.readBack,
		});
	} catch (e) {
		throw toRunbookError(ctx, e);
	}
}

/** @param {Context} ctx @param {string} dir */
async function loadBackup(ctx, dir) {
	try {
		return await readBackup(dir);
	} catch (e) {
		throw toRunbookError(ctx, e);
	}
}

/** `--restore DIR --endpoints URL`. @param {Context} ctx */
async function restoreMode(ctx) {
	const dir = String(ctx.flags.restore);
	const endpoints = ctx.flags.endpoints;
	if (typeof endpoints !== 'string' || !endpoints)
		throw new UsageError(ctx.t('usageRestoreNeedsEndpoints'));
	// The checksum is verified before anything touches the target.
	const { manifest, kvs } = await loadBackup(ctx, dir);
	ctx.out.info(
		ctx.t('restoreReading', {
			dir,
			count: kvs.length,
			revision: String(manifest.source?.revision ?? '?'),
		}),
	);
	const client = await connectEtcd(ctx, endpoints);
	if (ctx.dryRun) {
		const count = await client.count();
		ctx.out.info(ctx.t('restoreTarget', { endpoint: client.endpoint, count }));
		if (count > 0 && ctx.flags['allow-non-empty'] !== true)
			throw new RefusedError(
				tLookup(BACKUP_MESSAGES, ctx.lang, 'targetNotEmpty', { endpoint: client.endpoint, count }),
			);
		ctx.out.info(ctx.t('restoreDry', { count: kvs.length, endpoint: client.endpoint }));
		return {
			ok: true,
			details: ctx.t('restoreDry', { count: kvs.length, endpoint: client.endpoint }),
		};
	}
	if (!ctx.opts.yes && !ctx.prompts.interactive) throw new RefusedError(ctx.t('restoreNoTty'));
	if (
		!(await ctx.prompts.confirm(
			ctx.t('restoreConfirm', { count: kvs.length, endpoint: client.endpoint }),
			'restore',
		))
	)
		throw new RefusedError(ctx.t('restoreRefused'));
	const details = await restoreInto(ctx, client, kvs, {
		allowNonEmpty: ctx.flags['allow-non-empty'] === true,
		allowPartial: false,
	});
	return { ok: true, details, data: { restored: kvs.length, endpoint: client.endpoint } };
}

// ---------------------------------------------------------------------------------------------------------
// cluster mode helpers

/** @param {number} [ms] */
const sleep = (ms = 1000) => new Promise((r) => setTimeout(r, ms));

/** @param {Context} ctx */
function timeoutMs(ctx) {
	return Number(ctx.flags.timeout) * 1000;
}

/** The StatefulSet's pods, by ordinal. @param {Context} ctx */
async function etcdPods(ctx) {
	return [...(await podsByOrdinal(ctx)).values()].sort((a, b) => a.ordinal - b.ordinal);
}

/** @param {Context} ctx */
async function sts(ctx) {
	return ctx.kube.json(['get', 'sts', ctx.names.sts]);
}

/** @param {Context} ctx @param {string} pvc */
async function pvcIdentity(ctx, pvc) {
	const r = await ctx.kube.run(['get', 'pvc', pvc, '-o', 'json'], { check: false });
	if (!r.ok) return null;
	try {
		const o = JSON.parse(r.stdout);
		return String(o?.metadata?.uid ?? o?.metadata?.creationTimestamp ?? 'present');
	} catch {
		return 'present';
	}
}

/** @param {Context} ctx */
function backupDir(ctx) {
	return typeof ctx.flags.backup === 'string'
		? ctx.flags.backup
		: nodePath.join(String(ctx.flags['work-dir']), 'backup');
}

/** What this process learned while running, shared between steps. */
const run = {
	/** @type {string | null} */ chosen: null,
	/** @type {{ kill(): void, endpoint: string } | null} */ portForward: null,
};

/** @param {Context} ctx */
function localEndpoint(ctx) {
	return `http://127.0.0.1:${Number(ctx.flags['local-port'])}`;
}

/**
 * Starts `kubectl port-forward` in the background (through zx, argv only) and waits for its ready line.
 * @param {Context} ctx
 */
async function startPortForward(ctx) {
	stopPortForward();
	const argv = ctx.kube.argv(
		'port-forward',
		`pod/${ctx.names.pod(0)}`,
		`${Number(ctx.flags['local-port'])}:2379`,
	);
	// Its own process group, so it can be stopped synchronously (also from an 'exit' handler) with its shell.
	const p = $({ quiet: true, nothrow: true, detached: true })`${argv}`;
	const killGroup = () => {
		const pid = p.child?.pid;
		try {
			if (pid) process.kill(-pid, 'SIGTERM');
		} catch {
			// already gone
		}
	};
	let output = '';
	const ready = new Promise((resolve, reject) => {
		p.stdout.on('data', (/** @type {Buffer} */ d) => {
			output += d.toString();
			if (/Forwarding from/.test(output)) resolve(true);
		});
		p.stderr.on('data', (/** @type {Buffer} */ d) => {
			output += d.toString();
		});
		p.then((r) =>
			reject(new Error((r.stderr || r.stdout || `exit ${r.exitCode}`).trim().split('\n')[0])),
		);
	});
	const timer = new Promise((_, reject) =>
		setTimeout(() => reject(new Error('no "Forwarding from" line in 30 s')), 30_000).unref(),
	);
	try {
		await Promise.race([ready, timer]);
	} catch (e) {
		killGroup();
		throw new StepFailedError(
			ctx.t('portForwardFailed', { reason: e instanceof Error ? e.message : String(e) }),
		);
	}
	const endpoint = localEndpoint(ctx);
	run.portForward = { endpoint, kill: killGroup };
	// Never leave a port-forward behind, whatever way this process ends.
	process.once('exit', stopPortForward);
	return endpoint;
}

function stopPortForward() {
	run.portForward?.kill();
	run.portForward = null;
}

/** @param {Context} ctx @param {string} pod */
async function etcdctlJson(ctx, pod, /** @type {string[]} */ args) {
	const r = await ctx.kube.exec(pod, ['etcdctl', ...args, '-w', 'json'], { check: false });
	if (!r.ok)
		throw new StepFailedError(
			ctx.t('execFailed', { pod, reason: (r.stderr || r.stdout).trim().split('\n')[0] ?? '' }),
		);
	try {
		return parseJsonBig(r.stdout);
	} catch {
		throw new StepFailedError(ctx.t('execFailed', { pod, reason: 'no JSON from etcdctl' }));
	}
}

/** @param {Context} ctx @param {number} want */
async function startedMembers(ctx, want) {
	try {
		const list = await etcdctlJson(ctx, ctx.names.pod(0), ['member', 'list']);
		const started = (list.members ?? []).filter(
			(/** @type {any} */ m) => m.name && (m.clientURLs ?? []).length,
		);
		return started.length >= want;
	} catch {
		return false;
	}
}

/** @param {Context} ctx @param {number} i */
async function podIsReady(ctx, i) {
	return (await podsByOrdinal(ctx)).get(i)?.ready === true;
}

// ---------------------------------------------------------------------------------------------------------

const flags = /** @type {import('./lib/cli.mjs').FlagSpec[]} */ ([
	{ name: 'db', type: 'string', help: { en: messages.en.flagDb, id: messages.id.flagDb } },
	{
		name: 'backup',
		type: 'string',
		help: { en: messages.en.flagBackup, id: messages.id.flagBackup },
	},
	{
		name: 'inspect',
		type: 'boolean',
		default: false,
		help: { en: messages.en.flagInspect, id: messages.id.flagInspect },
	},
	{
		name: 'restore',
		type: 'string',
		help: { en: messages.en.flagRestore, id: messages.id.flagRestore },
	},
	{
		name: 'endpoints',
		type: 'string',
		help: { en: messages.en.flagEndpoints, id: messages.id.flagEndpoints },
	},
	{
		name: 'allow-non-empty',
		type: 'boolean',
		default: false,
		help: { en: messages.en.flagAllowNonEmpty, id: messages.id.flagAllowNonEmpty },
	},
	{
		name: 'root-path',
		type: 'string',
		default: DEFAULT_ROOT_PATH,
		help: { en: messages.en.flagRootPath, id: messages.id.flagRootPath },
	},
	{
		name: 'keep-leased',
		type: 'boolean',
		default: false,
		help: { en: messages.en.flagKeepLeased, id: messages.id.flagKeepLeased },
	},
	{
		name: 'work-dir',
		type: 'string',
		default: 'etcd-rescue',
		help: { en: messages.en.flagWorkDir, id: messages.id.flagWorkDir },
	},
	{
		name: 'local-port',
		type: 'number',
		default: 2379,
		help: { en: messages.en.flagLocalPort, id: messages.id.flagLocalPort },
	},
	timeoutFlag(messages),
]);

const exampleInitialCluster = [0, 1, 2]
	.map(
		(i) =>
			`my-release-etcd-${i}=http://my-release-etcd-${i}.my-release-etcd-headless.default.svc.cluster.local:2380`,
	)
	.join(',');

/** @type {Facts} */
const exampleFacts = {
	replicas: 3,
	initialCluster: exampleInitialCluster,
	singleMember: exampleInitialCluster.split(',')[0] ?? null,
	clusterState: 'new',
	pvcUids: {},
	workDir: 'etcd-rescue',
	backupDir: 'etcd-rescue/backup',
};

await defineRunbook({
	name: 'etcd-all-crash',
	summary: {
		en: "Every etcd member crash-loops: back up the keys from the members' db files, rebuild etcd, restore them",
		id: 'Semua member etcd crash loop: backup key dari file db member, bangun ulang etcd, lalu restore',
	},
	description: {
		en: 'Use when all etcd pods of the Milvus chart are in CrashLoopBackOff and no member has quorum. It scales etcd to 0, copies member/snap/db out of every PVC through a helper pod, picks the copy with the highest key revision and writes a checked backup (manifest.json + kvs.jsonl) on this machine. Only then, after you type the StatefulSet name, it deletes the PVCs, starts one fresh member, restores the keys through a port-forward and compares every key with the backup, puts the original member list back with state existing and scales up one member at a time. Stop Milvus first so nothing writes into the empty etcd. Offline: --db FILE --backup DIR | --inspect, and --restore DIR --endpoints URL for any reachable etcd (docker compose, port-forward).',
		id: 'Dipakai kalau semua pod etcd dari chart Milvus berstatus CrashLoopBackOff dan tidak ada member yang punya kuorum. Runbook ini mengecilkan etcd ke 0 replika, menyalin member/snap/db dari setiap PVC lewat pod bantuan, dan memilih salinan dengan revision key tertinggi. Dari salinan itu ia menulis backup yang sudah diperiksa (manifest.json + kvs.jsonl) di mesin ini. Baru setelah Anda mengetik nama StatefulSet, PVC dihapus dan satu member baru dinyalakan. Key dipulihkan lewat port-forward dan dibandingkan satu per satu dengan backup. Lalu daftar member asli dipasang lagi dengan state existing, dan member lain ditambahkan satu per satu. Hentikan Milvus dulu supaya tidak ada yang menulis ke etcd yang masih kosong. Mode offline: --db FILE --backup DIR | --inspect, dan --restore DIR --endpoints URL untuk etcd mana pun yang bisa dijangkau (docker compose, port-forward).',
	},
	target: 'kubernetes',
	flags,
	messages,
	exampleFacts,

	async main(ctx) {
		const db = ctx.flags.db;
		const restore = ctx.flags.restore;
		const inspect = ctx.flags.inspect === true;
		if (typeof db === 'string') {
			if (restore !== undefined || inspect === (typeof ctx.flags.backup === 'string'))
				throw new UsageError(ctx.t('usageMode'));
			return inspect
				? inspectDb(ctx, db)
				: backupFromDb(ctx, db, /** @type {string} */ (ctx.flags.backup));
		}
		if (typeof restore === 'string') {
			if (inspect) throw new UsageError(ctx.t('usageMode'));
			return restoreMode(ctx);
		}
		if (inspect || typeof ctx.flags.endpoints === 'string')
			throw new UsageError(ctx.t('usageMode'));
		return undefined; // the cluster runbook: plan, steps, verify
	},

	async preflight(ctx) {
		checkTimeout(ctx);
		/** @type {Facts} */
		const base = {
			replicas: 0,
			initialCluster: null,
			singleMember: null,
			clusterState: 'new',
			pvcUids: {},
			workDir: String(ctx.flags['work-dir']),
			backupDir: backupDir(ctx),
		};
		if (ctx.resume?.facts) {
			ctx.out.warn(ctx.t('resuming'));
			return ctx.resume.facts;
		}
		const set = await sts(ctx);
		const env = stsEnv(set);
		const replicas = Number(set?.spec?.replicas ?? 0);
		const pods = await etcdPods(ctx);
		const ready = pods.find((p) => p.ready);
		if (ready) throw new NotThisSymptomError(ctx.t('notKubernetesCrash', { pod: ready.name }));
		const pending = pods.filter((p) => p.phase === 'Pending');
		if (pending.length && pending.length === pods.length)
			throw new NotThisSymptomError(
				ctx.t('pendingPods', { pods: pending.map((p) => p.name).join(', ') }),
			);
		// The PVCs hold what we recover from; count up to the size the chart asked for (replicas may be 0 already).
		const size = Math.max(
			replicas,
			pods.length,
			Number(env.ETCD_INITIAL_CLUSTER?.split(',').length ?? 0),
			1,
		);
		/** @type {Record<string, string>} */
		const pvcUids = {};
		for (let i = 0; i < size; i++) {
			const id = await pvcIdentity(ctx, ctx.names.pvc(i));
			if (id) pvcUids[ctx.names.pvc(i)] = id;
		}
		if (Object.keys(pvcUids).length === 0)
			throw new NotThisSymptomError(ctx.t('noPvcs', { sts: ctx.names.sts }));
		if (replicas > 0 && pods.length === 0)
			throw new NotThisSymptomError(ctx.t('noPods', { sts: ctx.names.sts, replicas }));
		ctx.out.info(
			ctx.t('crashingList', {
				n: pods.length || size,
				pods: pods.map((p) => `${p.name} (${p.status})`).join(', ') || '-',
			}),
		);
		// A valueFrom variable reads as '': no value to go back to.
		const initialCluster = env.ETCD_INITIAL_CLUSTER || null;
		const single =
			initialCluster?.split(',').find((e) => e.startsWith(`${ctx.names.pod(0)}=`)) ?? null;
		return {
			...base,
			replicas: Math.max(replicas, size),
			initialCluster,
			singleMember: single,
			clusterState: env.ETCD_INITIAL_CLUSTER_STATE ?? 'new',
			pvcUids,
		};
	},

	steps(ctx, /** @type {Facts} */ facts) {
		const n = facts.replicas;
		const pvcs = Array.from({ length: n }, (_, i) => ctx.names.pvc(i));
		const endpoint = localEndpoint(ctx);
		const chosenDefault = nodePath.join(facts.workDir, `${ctx.names.pod(0)}.db`);
		/** @type {Step[]} */
		const steps = [];

		steps.push({
			id: 'list-pods',
			title: { en: 'List the etcd pods', id: 'Lihat pod etcd' },
			mode: 'read',
			command: ctx.kube.argv('get', 'pods', '-l', ctx.names.selector),
		});

		steps.push({
			id: 'scale-to-zero',
			title: {
				en: 'Stop every etcd pod, so the PVCs can be mounted elsewhere',
				id: 'Hentikan semua pod etcd supaya PVC bisa dipasang di tempat lain',
			},
			mode: 'change',
			command: ctx.kube.argv('scale', 'sts', ctx.names.sts, '--replicas=0'),
			async run(c) {
				await c.kube.run(['scale', 'sts', c.names.sts, '--replicas=0']);
				await waitFor(c, c.t('waitPodsGone'), async () => (await etcdPods(c)).length === 0);
			},
			async done(c) {
				// After the PVCs were replaced (a resumed run), scaling to 0 again would take the restored member down.
				if (
					c.resume &&
					(await pvcIdentity(c, c.names.pvc(0))) !== (facts.pvcUids[c.names.pvc(0)] ?? null)
				)
					return true;
				return Number((await sts(c))?.spec?.replicas) === 0 && (await etcdPods(c)).length === 0;
			},
		});

		for (let i = 0; i < n; i++) {
			const pod = `etcd-rescue-${ctx.names.pod(i)}`;
			const pvc = ctx.names.pvc(i);
			const local = nodePath.join(facts.workDir, `${ctx.names.pod(i)}.db`);
			steps.push({
				id: 'copy-db',
				title: {
					en: `Copy member/snap/db out of ${pvc} (helper pod)`,
					id: `Salin member/snap/db dari ${pvc} (pod bantuan)`,
				},
				mode: 'read',
				command: ctx.kube.argv('cp', `${pod}:${DB_IN_POD}`, local),
				async run(c) {
					if (!(pvc in facts.pvcUids)) return c.t('copyFailed', { pvc, reason: 'PVC not found' });
					if (c.dryRun) return c.t('copyDry', { pvc, pod, src: DB_IN_POD });
					nodeFs.mkdirSync(facts.workDir, { recursive: true });
					const tmp = `${local}.part`;
					nodeFs.rmSync(tmp, { force: true });
					const r = await c.kube.withHelperPod(pvc, pod, async () =>
						c.kube.run(['cp', `${pod}:${DB_IN_POD}`, tmp], { check: false }),
					);
					if (!r.ok || !nodeFs.existsSync(tmp) || nodeFs.statSync(tmp).size === 0) {
						nodeFs.rmSync(tmp, { force: true });
						// One member without a db is survivable; the choice step fails if none is usable.
						return c.t('copyFailed', {
							pvc,
							reason: (r.stderr || 'empty file').trim().split('\n')[0] ?? '',
						});
					}
					nodeFs.renameSync(tmp, local);
					try {
						return c.t('copied', {
							file: local,
							bytes: nodeFs.statSync(local).size,
							revision: String(latestRevision(local)),
						});
					} catch (e) {
						return c.t('copyUnreadable', {
							file: local,
							reason: e instanceof Error ? e.message : String(e),
						});
					}
				},
				// Only a run that continues an earlier one may reuse copies: a fresh run must not trust old files.
				done: (c) => Boolean(c.resume) && nodeFs.existsSync(local),
			});
		}

		steps.push({
			id: 'pick-newest',
			title: {
				en: 'Pick the copy with the highest key revision',
				id: 'Pilih salinan dengan revision key tertinggi',
			},
			mode: 'read',
			command: null,
			run(c) {
				/** @type {Array<{ file: string, revision: bigint }>} */
				const usable = [];
				for (let i = 0; i < n; i++) {
					const file = nodePath.join(facts.workDir, `${c.names.pod(i)}.db`);
					if (!nodeFs.existsSync(file)) continue;
					try {
						usable.push({ file, revision: latestRevision(file) });
					} catch (e) {
						c.out.warn(
							c.t('copyUnreadable', { file, reason: e instanceof Error ? e.message : String(e) }),
						);
					}
				}
				if (usable.length === 0) {
					if (c.dryRun) return c.t('dryNoCopy');
					throw new StepFailedError(c.t('noCopies'));
				}
				// Highest revision wins; ties go to the lowest ordinal (stable, and etcd-0 is what the chart starts first).
				usable.sort((a, b) => (a.revision === b.revision ? 0 : a.revision > b.revision ? -1 : 1));
				const best = /** @type {{ file: string, revision: bigint }} */ (usable[0]);
				run.chosen = best.file;
				backupStep.command = ['npx', 'zx', SCRIPT, '--db', best.file, '--backup', facts.backupDir];
				return c.t('chosen', {
					file: best.file,
					revision: String(best.revision),
					others:
						usable
							.slice(1)
							.map((u) => `${u.file} (${u.revision})`)
							.join(', ') || '-',
				});
			},
		});

		/** @type {Step} */
		const backupStep = {
			id: 'backup',
			title: {
				en: 'Write and verify the backup on this machine',
				id: 'Tulis dan verifikasi backup di mesin ini',
			},
			mode: 'read',
			command: ['npx', 'zx', SCRIPT, '--db', chosenDefault, '--backup', facts.backupDir],
			async run(c) {
				if (!run.chosen) return c.t('dryNoCopy');
				const r = await backupFromDb(c, run.chosen, facts.backupDir);
				return r.details;
			},
			async done() {
				// A backup made earlier counts only if it was made from exactly the copy chosen now.
				if (!run.chosen || !nodeFs.existsSync(nodePath.join(facts.backupDir, 'manifest.json')))
					return false;
				try {
					const { manifest } = await readBackup(facts.backupDir);
					return manifest.source?.sha256 === (await sha256File(run.chosen));
				} catch {
					return false;
				}
			},
		};
		steps.push(backupStep);

		steps.push({
			id: 'delete-pvcs',
			title: {
				en: 'Delete the PVCs of every member (the backup is checked first)',
				id: 'Hapus PVC semua member (backup diperiksa dulu)',
			},
			mode: 'destroy',
			command: ctx.kube.argv('delete', 'pvc', ...pvcs),
			confirmName: ctx.names.sts,
			async run(c) {
				// Last gate before data goes away: the backup must read back with its checksum, and no pod may run.
				const { kvs } = await loadBackup(c, facts.backupDir);
				const set = await sts(c);
				if (Number(set?.spec?.replicas) !== 0)
					throw new StepFailedError(
						c.t('gateReplicas', { sts: c.names.sts, replicas: Number(set?.spec?.replicas) }),
					);
				const left = await etcdPods(c);
				if (left.length)
					throw new StepFailedError(
						c.t('gatePodsLeft', { pods: left.map((p) => p.name).join(', ') }),
					);
				c.out.info(c.t('deleteGate', { dir: facts.backupDir, count: kvs.length }));
				const existing = [];
				for (const pvc of pvcs) if (await pvcIdentity(c, pvc)) existing.push(pvc);
				if (existing.length) await c.kube.run(['delete', 'pvc', ...existing, '--wait=false']);
				await waitFor(c, c.t('waitPvcsGone'), async () => {
					for (const pvc of pvcs) if (await pvcIdentity(c, pvc)) return false;
					return true;
				});
			},
			async done(c) {
				for (const pvc of pvcs) {
					const id = await pvcIdentity(c, pvc);
					if (id !== null && id === facts.pvcUids[pvc]) return false; // an original PVC is still there
				}
				return true;
			},
		});

		steps.push({
			id: 'single-member',
			title: {
				en: 'Let etcd-0 start as a cluster of one',
				id: 'Biarkan etcd-0 berjalan sebagai cluster satu member',
			},
			mode: 'change',
			command: facts.singleMember
				? ctx.kube.argv(
						'set',
						'env',
						`sts/${ctx.names.sts}`,
						`ETCD_INITIAL_CLUSTER=${facts.singleMember}`,
						'ETCD_INITIAL_CLUSTER_STATE=new',
					)
				: null,
			async run(c) {
				if (!facts.singleMember) return undefined;
				c.out.info(c.t('helmSingle'));
				await c.kube.run([
					'set',
					'env',
					`sts/${c.names.sts}`,
					`ETCD_INITIAL_CLUSTER=${facts.singleMember}`,
					'ETCD_INITIAL_CLUSTER_STATE=new',
				]);
				return undefined;
			},
			async done(c) {
				if (!facts.singleMember) return true; // replicaCount=1 charts render no initial cluster at all
				const env = stsEnv(await sts(c));
				return (
					(env.ETCD_INITIAL_CLUSTER === facts.singleMember &&
						env.ETCD_INITIAL_CLUSTER_STATE === 'new') ||
					(env.ETCD_INITIAL_CLUSTER === facts.initialCluster &&
						env.ETCD_INITIAL_CLUSTER_STATE === 'existing')
				);
			},
		});

		steps.push({
			id: 'scale-to-one',
			title: { en: 'Start one fresh etcd member', id: 'Nyalakan satu member etcd baru' },
			mode: 'change',
			command: ctx.kube.argv('scale', 'sts', ctx.names.sts, '--replicas=1'),
			async run(c) {
				await c.kube.run(['scale', 'sts', c.names.sts, '--replicas=1']);
				await waitFor(c, c.t('waitReady', { pod: c.names.pod(0) }), () => podIsReady(c, 0));
			},
			async done(c) {
				return Number((await sts(c))?.spec?.replicas) >= 1 && (await podIsReady(c, 0));
			},
		});

		steps.push({
			id: 'port-forward',
			title: {
				en: 'Forward a local port to the fresh member',
				id: 'Teruskan port lokal ke member baru',
			},
			mode: 'read',
			command: ctx.kube.argv(
				'port-forward',
				`pod/${ctx.names.pod(0)}`,
				`${Number(ctx.flags['local-port'])}:2379`,
			),
			async run(c) {
				if (c.dryRun) return undefined;
				return c.t('portForwardUp', { endpoint: await startPortForward(c) });
			},
		});

		steps.push({
			id: 'restore',
			title: {
				en: 'Restore the keys in transactions and compare every one with the backup',
				id: 'Restore key dalam transaksi dan bandingkan satu per satu dengan backup',
			},
			mode: 'change',
			command: ['npx', 'zx', SCRIPT, '--restore', facts.backupDir, '--endpoints', endpoint],
			async run(c) {
				try {
					const { kvs } = await loadBackup(c, facts.backupDir);
					const client = await connectEtcd(c, run.portForward?.endpoint ?? endpoint);
					return await restoreInto(c, client, kvs, { allowNonEmpty: false, allowPartial: true });
				} finally {
					stopPortForward();
				}
			},
			async done() {
				if (!run.portForward) return false;
				try {
					const { kvs } = await readBackup(facts.backupDir);
					const { kvs: remote } = await etcdHttp(run.portForward.endpoint).getAll();
					const d = compareKvs(kvs, remote);
					const ok = d.missing.length === 0 && d.different.length === 0;
					if (ok) stopPortForward();
					return ok;
				} catch {
					return false;
				}
			},
		});

		steps.push({
			id: 'set-existing',
			title: {
				en: 'Put the original member list back, with state existing',
				id: 'Kembalikan daftar member asli, dengan state existing',
			},
			mode: 'change',
			command: facts.initialCluster
				? ctx.kube.argv(
						'set',
						'env',
						`sts/${ctx.names.sts}`,
						`ETCD_INITIAL_CLUSTER=${facts.initialCluster}`,
						'ETCD_INITIAL_CLUSTER_STATE=existing',
					)
				: null,
			async run(c) {
				if (facts.initialCluster) {
					await c.kube.run([
						'set',
						'env',
						`sts/${c.names.sts}`,
						`ETCD_INITIAL_CLUSTER=${facts.initialCluster}`,
						'ETCD_INITIAL_CLUSTER_STATE=existing',
					]);
					// The env change restarts etcd-0; it keeps its data and must be back before anyone joins it.
					await sleep(1500);
					await waitFor(c, c.t('waitReady', { pod: c.names.pod(0) }), () => podIsReady(c, 0));
				}
				return c.t('helmAfter', { replicas: n });
			},
			async done(c) {
				if (!facts.initialCluster) return true;
				const env = stsEnv(await sts(c));
				return (
					env.ETCD_INITIAL_CLUSTER === facts.initialCluster &&
					env.ETCD_INITIAL_CLUSTER_STATE === 'existing' &&
					(await podIsReady(c, 0))
				);
			},
		});

		for (let size = 2; size <= n; size++) {
			const want = size;
			steps.push({
				id: 'scale-up',
				title: {
					en: `Add member ${want - 1} (one at a time, it joins with member add)`,
					id: `Tambah member ${want - 1} (satu per satu, masuk lewat member add)`,
				},
				mode: 'change',
				command: ctx.kube.argv('scale', 'sts', ctx.names.sts, `--replicas=${want}`),
				async run(c) {
					await c.kube.run(['scale', 'sts', c.names.sts, `--replicas=${want}`]);
					await waitFor(c, c.t('waitReady', { pod: c.names.pod(want - 1) }), () =>
						podIsReady(c, want - 1),
					);
					await waitFor(c, c.t('waitMembers', { n: want }), () => startedMembers(c, want));
				},
				async done(c) {
					return (
						Number((await sts(c))?.spec?.replicas) >= want &&
						(await podIsReady(c, want - 1)) &&
						(await startedMembers(c, want))
					);
				},
			});
		}

		steps.push({
			id: 'verify',
			title: {
				en: 'Check every member and the cluster id',
				id: 'Periksa semua member dan cluster id',
			},
			mode: 'read',
			command: ctx.kube.argv(
				'exec',
				ctx.names.pod(0),
				'--',
				'etcdctl',
				'endpoint',
				'status',
				'--cluster',
				'-w',
				'table',
			),
			async run(c) {
				// In a dry run nothing was rebuilt, so the crash-looping members cannot answer yet.
				if (c.dryRun) return c.t('verifyDry');
				// A member that joined seconds ago may still be opening its client port: retry until the timeout.
				const args = [
					'exec',
					c.names.pod(0),
					'--',
					'etcdctl',
					'endpoint',
					'status',
					'--cluster',
					'-w',
					'table',
				];
				/** @type {import('./lib/shell.mjs').RunResult | null} */
				let last = null;
				await waitFor(c, c.t('waitMembers', { n }), async () => {
					last = await c.kube.run(args, { check: false });
					return last.ok;
				});
				return /** @type {import('./lib/shell.mjs').RunResult} */ (/** @type {unknown} */ (last))
					.stdout;
			},
		});
		return steps;
	},

	async verify(ctx, /** @type {Facts} */ facts) {
		// Members that just joined can restart once while raft settles; judge the cluster after a short grace.
		const deadline = Date.now() + Math.min(timeoutMs(ctx), 60_000);
		for (;;) {
			const v = await verifyOnce(ctx, facts);
			if (v.ok || Date.now() > deadline) return v;
			await sleep(2000);
		}
	},
}).main();
// A run that stops early (a "no" at a prompt, a failed step) returns here with the port-forward still up; it
// would keep Node alive and the port open.
stopPortForward();

/** @param {Context} ctx @param {Facts} facts */
async function verifyOnce(ctx, facts) {
	const pods = await etcdPods(ctx);
	const notReady = pods.filter((p) => !p.ready).map((p) => p.name);
	/** @type {string[]} */
	const problems = [];
	if (pods.length < facts.replicas)
		problems.push(ctx.t('verifyMembers', { got: pods.length, want: facts.replicas }));
	if (notReady.length) problems.push(ctx.t('verifyNotReady', { pods: notReady.join(', ') }));
	/** @type {any[]} */
	let statuses = [];
	try {
		statuses = await etcdctlJson(ctx, ctx.names.pod(0), ['endpoint', 'status', '--cluster']);
	} catch (e) {
		problems.push(e instanceof Error ? e.message : String(e));
	}
	const ids = [...new Set(statuses.map((s) => String(s?.Status?.header?.cluster_id ?? '?')))];
	if (statuses.length && statuses.length < facts.replicas)
		problems.push(ctx.t('verifyMembers', { got: statuses.length, want: facts.replicas }));
	if (ids.length > 1) problems.push(ctx.t('verifyIds', { ids: ids.join(', ') }));
	let want = 0;
	try {
		want = (await readBackup(facts.backupDir)).kvs.length;
	} catch (e) {
		problems.push(backupText(ctx, e));
	}
	let keys = 0;
	try {
		// count is the size of the whole range whatever the limit (etcdctl 3.4 has no --count-only).
		keys = Number(
			(
				await etcdctlJson(ctx, ctx.names.pod(0), [
					'get',
					'',
					'--from-key',
					'--limit=1',
					'--keys-only',
				])
			).count ?? 0,
		);
		if (keys < want) problems.push(ctx.t('verifyKeys', { got: keys, want }));
	} catch (e) {
		problems.push(e instanceof Error ? e.message : String(e));
	}
	const id = ids[0] ?? '?';
	if (problems.length) return { ok: false, details: problems.join('; ') };
	const hex = /^\d+$/.test(id) ? BigInt(id).toString(16) : id;
	return {
		ok: true,
		details: ctx.t('verifiedAll', { n: statuses.length, id: hex, keys, want }),
		data: { clusterId: hex, keys, backupKeys: want },
	};
}
