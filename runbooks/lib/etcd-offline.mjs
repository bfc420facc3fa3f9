// @ts-check
// The offline modes of etcd-all-crash, which touch no cluster:
//   --db FILE [--wal DIR[,DIR...]] --inspect        what a db (plus its WAL) holds, prefix by prefix
//   --db FILE [--wal DIR[,DIR...]] --backup DIR     a checked backup (manifest.json + kvs.jsonl)
//   --restore DIR --endpoints URL                   that backup into any reachable etcd
// The cluster flow calls the same functions for its backup and restore steps.
//
// With --wal, the committed WAL entries above the db's consistent_index are replayed on top of the db (etcd
// applies to the db in batches but acknowledges a write once it is in the WAL, so after a crash the db alone
// can miss acknowledged writes). Several folders are the WALs of several members: an entry a majority of
// them hold is committed even when no HardState says so yet.
import * as nodeFs from 'node:fs';
import * as nodePath from 'node:path';
import { RefusedError, StepFailedError, UsageError } from './exit.mjs';
import { t as tLookup } from './i18n.mjs';
import { BboltError, openBbolt } from './bbolt.mjs';
import { MvccError, latestRevisionAsync, openEtcdDb } from './mvcc.mjs';
import { DEFAULT_MAX_REQUEST_BYTES, etcdHttp, EtcdHttpError } from './etcd-http.mjs';
import { WalError, committedLog, readWal } from './etcd-wal.mjs';
import { readDbExtras, replay } from './etcd-replay.mjs';
import {
	BACKUP_MESSAGES,
	BackupError,
	DEFAULT_ROOT_PATH,
	PrefixSummary,
	compareStreams,
	keySelector,
	openBackup,
	recordsOf,
	remoteRecords,
	restoreKvs,
	writeBackup,
} from './etcd-backup.mjs';

/** @typedef {import('./runbook.mjs').Context} Context */
/** @typedef {import('./mvcc.mjs').MvccState} MvccState */

/** @type {import('./i18n.mjs').Messages} */
export const OFFLINE_MESSAGES = {
	en: {
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
		targetPartial:
			'target {endpoint} holds {count} keys, all from this backup (an earlier interrupted restore); continuing',
		targetForeign:
			'target {endpoint} holds {count} keys, {foreign} of them not in the backup (first: {first}); is Milvus writing already? Stop Milvus, then run again',
		targetForeignClear:
			'the fresh etcd holds {foreign} keys that are not in the backup (first: {first}); something wrote into it. Make sure Milvus is stopped, clear it with `{command}` (the backup on this machine is kept), then run again',
		flagWal:
			"offline: etcd's WAL folder(s) (member/wal) to replay on top of --db, comma-separated, one per member",
		walRead:
			'WAL {dir}: {files} segments, entries {first}..{last}, HardState commit {commit}{torn}',
		walTorn: ', last record torn by the crash at {file} offset {offset} (left out, as etcd does)',
		walUnreadable: 'WAL {dir} cannot be read: {reason}',
		walReplayed:
			'db index {dbIndex}, committed index {commit}: replayed {entries} entries ({writes} writes) on top of the db; key revision now {revision}',
		walUncommitted:
			'{count} entries after index {commit} were written but never committed by a quorum: no client was told they succeeded, so they are left out',
		walNothing:
			'db index {dbIndex} already covers the committed WAL (index {commit}): nothing to replay',
		verdictNone:
			'writes possibly missing: none (every committed write up to index {commit} is included)',
		verdictUnknown:
			'writes possibly missing: unknown. {reason}; writes acknowledged after the db index {dbIndex} may be lost',
		verdictAtLeast:
			'writes possibly missing: at least {count} raft entries after the db index {dbIndex} ({reason})',
		reasonNoWal: 'no WAL was read',
		reasonWalBroken: 'no WAL could be read',
		reasonGap: 'the WAL starts at index {first}, after the db index {dbIndex}',
		pickTorn:
			'copy {file} looks torn (copied while etcd was writing, or damaged), left out: {reason}',
		pickChosen:
			'newest copy: {file} (key revision {revision}, db index {index}, with the WAL up to index {reach}); the others: {others}',
	},
	id: {
		flagDb:
			'offline: file db etcd (member/snap/db) yang dibaca; dipakai dengan --backup atau --inspect',
		flagBackup: 'folder untuk backup (manifest.json + kvs.jsonl); harus baru atau kosong',
		flagInspect: 'offline: tampilkan prefix key dan jumlahnya dari --db, tidak mengubah apa pun',
		flagRestore: 'restore backup di folder ini ke --endpoints',
		flagEndpoints:
			'URL klien etcd untuk --restore, dipisah koma (misalnya lewat "kubectl port-forward")',
		flagAllowNonEmpty: 'izinkan --restore menulis ke etcd yang sudah berisi key',
		flagRootPath: 'rootPath etcd milik Milvus (etcd.rootPath di milvus.yaml)',
		flagKeepLeased:
			'ikut backup key yang terikat lease di luar prefix session (dipulihkan tanpa lease)',
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
			'Alternatif: `etcdctl snapshot restore {db} --skip-hash-check --data-dir <dir>` (3.5+: etcdutl) membangun ulang direktori data member lengkap dengan revision dan lease. Direktori itu lalu harus dipasang ke PVC member dengan --name/--initial-cluster yang cocok. Runbook ini memilih restore key.',
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
		targetPartial:
			'etcd tujuan {endpoint} berisi {count} key, semuanya dari backup ini (restore sebelumnya terputus); dilanjutkan',
		targetForeign:
			'etcd tujuan {endpoint} berisi {count} key, {foreign} di antaranya tidak ada di backup (pertama: {first}); apakah Milvus sudah menulis? Hentikan Milvus, lalu jalankan lagi',
		targetForeignClear:
			'etcd baru berisi {foreign} key yang tidak ada di backup (pertama: {first}); ada yang sudah menulis ke sana. Pastikan Milvus berhenti, kosongkan dengan `{command}` (backup di mesin ini tetap aman), lalu jalankan lagi',
		flagWal:
			'offline: folder WAL etcd (member/wal) yang diputar ulang di atas --db, dipisah koma, satu per member',
		walRead: 'WAL {dir}: {files} segmen, entry {first}..{last}, commit HardState {commit}{torn}',
		walTorn:
			', record terakhir terpotong oleh crash di {file} offset {offset} (tidak dipakai, sama seperti etcd)',
		walUnreadable: 'WAL {dir} tidak bisa dibaca: {reason}',
		walReplayed:
			'index db {dbIndex}, index committed {commit}: {entries} entry ({writes} penulisan) diputar ulang di atas db; revision key sekarang {revision}',
		walUncommitted:
			'{count} entry setelah index {commit} sudah ditulis, tetapi tidak pernah disepakati oleh kuorum. Tidak ada klien yang diberi tahu bahwa penulisan itu berhasil, jadi entry itu tidak dipakai',
		walNothing:
			'index db {dbIndex} sudah mencakup WAL yang committed (index {commit}): tidak ada yang perlu diputar ulang',
		verdictNone:
			'penulisan yang mungkin hilang: tidak ada (semua penulisan committed sampai index {commit} sudah disertakan)',
		verdictUnknown:
			'penulisan yang mungkin hilang: tidak diketahui. {reason}; penulisan yang sudah dikonfirmasi setelah index db {dbIndex} bisa hilang',
		verdictAtLeast:
			'penulisan yang mungkin hilang: paling sedikit {count} entry raft setelah index db {dbIndex} ({reason})',
		reasonNoWal: 'tidak ada WAL yang dibaca',
		reasonWalBroken: 'tidak ada WAL yang bisa dibaca',
		reasonGap: 'WAL baru mulai di index {first}, sesudah index db {dbIndex}',
		pickTorn:
			'salinan {file} tampaknya terpotong (disalin saat etcd sedang menulis, atau rusak), tidak dipakai: {reason}',
		pickChosen:
			'salinan terbaru: {file} (revision key {revision}, index db {index}, bersama WAL sampai index {reach}); yang lain: {others}',
	},
};

/** @param {string} key */
const help = (key) => ({
	en: OFFLINE_MESSAGES.en[key] ?? key,
	id: OFFLINE_MESSAGES.id[key] ?? key,
});

/** The offline flags, in the order --help lists them. */
export const OFFLINE_FLAGS = /** @type {import('./cli.mjs').FlagSpec[]} */ ([
	{ name: 'db', type: 'string', help: help('flagDb') },
	{ name: 'wal', type: 'string', help: help('flagWal') },
	{ name: 'backup', type: 'string', help: help('flagBackup') },
	{ name: 'inspect', type: 'boolean', default: false, help: help('flagInspect') },
	{ name: 'restore', type: 'string', help: help('flagRestore') },
	{ name: 'endpoints', type: 'string', help: help('flagEndpoints') },
	{ name: 'allow-non-empty', type: 'boolean', default: false, help: help('flagAllowNonEmpty') },
	{
		name: 'root-path',
		type: 'string',
		default: DEFAULT_ROOT_PATH,
		help: help('flagRootPath'),
	},
	{ name: 'keep-leased', type: 'boolean', default: false, help: help('flagKeepLeased') },
]);

/**
 * Runs an offline mode when its flags are given; undefined means "no offline flag: the cluster runbook".
 * @param {Context} ctx
 */
export async function offlineMain(ctx) {
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
	if (inspect || typeof ctx.flags.endpoints === 'string' || typeof ctx.flags.wal === 'string')
		throw new UsageError(ctx.t('usageMode'));
	return undefined;
}

/** @param {Context} ctx @param {unknown} e */
export function backupText(ctx, e) {
	if (e instanceof BackupError) return tLookup(BACKUP_MESSAGES, ctx.lang, e.key, e.vars);
	return e instanceof Error ? e.message : String(e);
}

/** Library errors become one translated line with the right exit code. @param {Context} ctx @param {unknown} e */
export function toRunbookError(ctx, e) {
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

/**
 * Pass 1 of the db (pass 2 streams its records later); the caller closes it. Only a regular file is read:
 * opening a FIFO would block the process where no signal can reach it, and /proc files have no size.
 * @param {Context} ctx @param {string} file
 */
async function openDbOrFail(ctx, file) {
	/** @type {nodeFs.Stats} */
	let st;
	try {
		st = nodeFs.statSync(file);
	} catch {
		throw new UsageError(ctx.t('usageDbMissing', { file }));
	}
	if (!st.isFile())
		throw new StepFailedError(ctx.t('dbUnreadable', { file, reason: 'not a regular file' }));
	try {
		return await openEtcdDb(file);
	} catch (e) {
		if (e instanceof BboltError || e instanceof MvccError)
			throw new StepFailedError(ctx.t('dbUnreadable', { file, reason: e.message }));
		throw e;
	}
}

/**
 * A pass-2 failure (the file changed under the read) as the same one line as a pass-1 failure.
 * @param {Context} ctx @param {string} file @param {unknown} e
 */
function dbError(ctx, file, e) {
	if (e instanceof BboltError || e instanceof MvccError)
		return new StepFailedError(ctx.t('dbUnreadable', { file, reason: e.message }));
	return e;
}

/** @param {Context} ctx @param {string} file @param {{ revision: bigint, stats: MvccState['stats'], bbolt: MvccState['bbolt'] }} s */
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
 * `--db FILE [--wal DIRS] --backup DIR`: also the in-process body of the cluster flow's backup step.
 * @param {Context} ctx @param {string} db @param {string} dir @param {string[]} [walDirs]
 */
export async function backupFromDb(ctx, db, dir, walDirs = walFlag(ctx)) {
	const scan = await openDbOrFail(ctx, db);
	try {
		printDbSummary(ctx, db, scan);
		const { state, wal } = await applyWal(ctx, db, scan, walDirs);
		const rootPath = String(ctx.flags['root-path']);
		const root = `${rootPath.replace(/\/+$/, '')}/`;
		if (!hasPrefix(state, root)) ctx.out.warn(ctx.t('dbNoRootKeys', { root: rootPath }));
		/** @type {import('./etcd-backup.mjs').Manifest} */
		let manifest;
		try {
			manifest = await writeBackup(dir, state, {
				rootPath,
				keepLeased: ctx.flags['keep-leased'] === true,
				source: {
					file: nodePath.resolve(db),
					bytes: nodeFs.statSync(db).size,
					...(wal ? { wal } : {}),
				},
				// Its sha256 is computed while the records are written.
				sourceFile: db,
			});
		} catch (e) {
			throw toRunbookError(ctx, dbError(ctx, db, e));
		}
		return backupDone(ctx, db, dir, manifest);
	} finally {
		scan.close();
	}
}

/**
 * Whether any live key starts with `prefix` (latin1, like the scan's key ids).
 * @param {MvccState | import('./mvcc.mjs').DbScan} state @param {string} prefix
 */
function hasPrefix(state, prefix) {
	if ('liveIds' in state) {
		// liveIds are sorted: the first id at or after the prefix tells.
		const ids = state.liveIds;
		let lo = 0;
		let hi = ids.length;
		while (lo < hi) {
			const mid = (lo + hi) >>> 1;
			if (/** @type {string} */ (ids[mid]) < prefix) lo = mid + 1;
			else hi = mid;
		}
		return ids[lo]?.startsWith(prefix) ?? false;
	}
	const p = Buffer.from(prefix, 'latin1');
	return state.kvs.some((kv) => kv.key.subarray(0, p.length).equals(p));
}

/** @param {Context} ctx @param {string} db @param {string} dir @param {import('./etcd-backup.mjs').Manifest} manifest */
function backupDone(ctx, db, dir, manifest) {
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
async function inspectDb(ctx, db) {
	const scan = await openDbOrFail(ctx, db);
	try {
		printDbSummary(ctx, db, scan);
		const { state, wal } = await applyWal(ctx, db, scan, walFlag(ctx));
		const summary = new PrefixSummary();
		const { keep, rules } = keySelector({
			rootPath: String(ctx.flags['root-path']),
			keepLeased: ctx.flags['keep-leased'] === true,
		});
		let live = 0;
		try {
			for await (const kv of recordsOf(state)) {
				live++;
				summary.add(kv);
				keep(kv);
			}
		} catch (e) {
			throw dbError(ctx, db, e);
		}
		const rows = summary.rows();
		ctx.out.info(ctx.t('inspectHeader'));
		for (const r of rows)
			ctx.out.info(
				`${r.prefix.padEnd(48)} ${String(r.keys).padStart(7)} ${String(r.bytes).padStart(10)} ${String(r.leased).padStart(7)}`,
			);
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
		const leased = rows.reduce((n, r) => n + r.leased, 0);
		return {
			ok: true,
			details: ctx.t('inspectDone', { prefixes: rows.length, live }),
			data: {
				revision: String(state.revision),
				stats: { ...state.stats, live, leased },
				prefixes: rows,
				...(wal ? { wal } : {}),
			},
		};
	} finally {
		scan.close();
	}
}

/**
 * The first endpoint that answers /health.
 * @param {Context} ctx @param {string} list
 */
export async function connectEtcd(ctx, list) {
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
 * @param {import('./etcd-http.mjs').EtcdHttp} client
 * @param {import('./etcd-backup.mjs').OpenedBackup} backup  from loadBackup: streamed, never held whole
 * @param {{ allowNonEmpty: boolean, allowPartial: boolean, clearCommand?: string }} o
 */
export async function restoreInto(ctx, client, backup, o) {
	const count = await client.count();
	ctx.out.info(ctx.t('restoreTarget', { endpoint: client.endpoint, count }));
	let allow = o.allowNonEmpty;
	if (count > 0 && !allow && o.allowPartial) {
		// Keys of this backup with its values are a restore that was cut short; anything else is someone else's
		// data: what the target holds is "expected" here, so missing/different are the keys that are not ours.
		/** @type {string[]} */
		const first = [];
		const foreign = await compareStreams(
			() => remoteRecords(client),
			() => backup.records(),
		).catch((e) => {
			throw toRunbookError(ctx, e);
		});
		const notOurs = foreign.missing + foreign.different;
		if (foreign.first) first.push(foreign.first);
		if (notOurs)
			throw new RefusedError(
				o.clearCommand
					? ctx.t('targetForeignClear', {
							foreign: notOurs,
							first: first[0] ?? '',
							command: o.clearCommand,
						})
					: ctx.t('targetForeign', {
							endpoint: client.endpoint,
							count,
							foreign: notOurs,
							first: first[0] ?? '',
						}),
			);
		ctx.out.warn(ctx.t('targetPartial', { endpoint: client.endpoint, count }));
		allow = true;
	}
	try {
		const r = await restoreKvs(client, backup, {
			allowNonEmpty: allow,
			maxRequestBytes: Number(ctx.flags['max-request-bytes'] ?? DEFAULT_MAX_REQUEST_BYTES),
		});
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

/**
 * Opens and checks a backup (streamed: checksum, count, every record); `onRecord` sees each record.
 * @param {Context} ctx @param {string} dir @param {{ onRecord?: (kv: import('./mvcc.mjs').KeyValue) => void }} [opts]
 */
export async function loadBackup(ctx, dir, opts) {
	try {
		return await openBackup(dir, opts);
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
	const backup = await loadBackup(ctx, dir);
	const { manifest } = backup;
	const kvs = { length: backup.count };
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
	const details = await restoreInto(ctx, client, backup, {
		allowNonEmpty: ctx.flags['allow-non-empty'] === true,
		allowPartial: false,
	});
	return { ok: true, details, data: { restored: kvs.length, endpoint: client.endpoint } };
}

// ---------------------------------------------------------------------------------------------------------
// the WAL

/** @param {Context} ctx @returns {string[]} */
function walFlag(ctx) {
	const w = ctx.flags.wal;
	if (typeof w !== 'string') return [];
	return w
		.split(',')
		.map((d) => d.trim())
		.filter(Boolean);
}

/**
 * What the WAL added and how sure the backup is, as the manifest records it.
 * @typedef {object} WalSummary
 * @property {string[]} dirs
 * @property {string[]} unreadable           one line per WAL that could not be read
 * @property {string} dbIndex                the db's consistent_index
 * @property {string} commitIndex            the highest committed index the WALs show
 * @property {string} hardStateCommit        the highest HardState commit of the WALs
 * @property {number} replayedEntries
 * @property {number} replayedWrites
 * @property {number} uncommitted            entries written past the commit index, left out
 * @property {'none' | 'unknown' | 'atLeast'} verdict   writes possibly missing
 * @property {number | null} missing         for atLeast: how many raft entries at least
 * @property {string} verdictText            the verdict in the run's language
 */

/**
 * Reads the WAL folders; one that cannot be read is reported (one line) and counts as missing.
 * @param {Context} ctx @param {string[]} dirs
 */
export function readWals(ctx, dirs) {
	/** @type {Array<import('./etcd-wal.mjs').WalLog | null>} */
	const logs = [];
	/** @type {string[]} */
	const unreadable = [];
	for (const dir of dirs) {
		try {
			const log = readWal(dir);
			logs.push(log);
			const first = log.entries[0]?.index ?? 0n;
			const last = log.entries[log.entries.length - 1]?.index ?? 0n;
			ctx.out.info(
				ctx.t('walRead', {
					dir,
					files: log.files.length,
					first: String(first),
					last: String(last),
					commit: String(log.hardState.commit),
					torn: log.torn
						? ctx.t('walTorn', { file: nodePath.basename(log.torn.file), offset: log.torn.offset })
						: '',
				}),
			);
		} catch (e) {
			if (!(e instanceof WalError)) throw e;
			logs.push(null);
			const line = ctx.t('walUnreadable', { dir, reason: e.message });
			unreadable.push(line);
			ctx.out.warn(line);
		}
	}
	return { logs, unreadable };
}

/**
 * How far a db gets with the committed log: the commit index when the log continues right after the db's
 * consistent_index, else the db's own index.
 * @param {bigint} dbIndex @param {import('./etcd-wal.mjs').CommittedLog} cl
 */
export function reachOf(dbIndex, cl) {
	if (cl.commitIndex <= dbIndex) return dbIndex;
	return cl.entries.has(dbIndex + 1n) ? cl.commitIndex : dbIndex;
}

/**
 * Replays the committed WAL on top of the db and says how many writes may still be missing. A db scan that
 * needs no replay is returned as it is (its records still stream from the file); a replay works on its keys
 * and revisions, with values read from the file only when a compare asks for one.
 * @template {MvccState | import('./mvcc.mjs').DbScan} S
 * @param {Context} ctx @param {string} db @param {S} state @param {string[]} dirs
 * @returns {Promise<{ state: S | MvccState, wal: WalSummary | null }>}
 */
export async function applyWal(ctx, db, state, dirs) {
	if (dirs.length === 0) return { state, wal: null };
	const { logs, unreadable } = readWals(ctx, dirs);
	const extras = readDbExtras(db);
	const members = Math.max(extras.members, dirs.length, 1);
	const dbIndex = state.consistentIndex ?? 0n;
	const cl = committedLog(logs, members);
	const readable = logs.filter(Boolean).length;
	// An acknowledged write is on a majority, so it is in at least one WAL when no more than a minority is lost.
	const quorum = Math.floor(members / 2) + 1;
	const enough = readable >= members - quorum + 1;
	/** @type {WalSummary} */
	const wal = {
		dirs,
		unreadable,
		dbIndex: String(dbIndex),
		commitIndex: String(cl.commitIndex),
		hardStateCommit: String(cl.hardStateCommit),
		replayedEntries: 0,
		replayedWrites: 0,
		uncommitted: cl.uncommitted,
		verdict: 'none',
		missing: null,
		verdictText: '',
	};
	/** @param {'none' | 'unknown' | 'atLeast'} kind @param {string} reason @param {number | null} [count] */
	const verdict = (kind, reason, count = null) => {
		wal.verdict = kind;
		wal.missing = count;
		wal.verdictText =
			kind === 'none'
				? ctx.t('verdictNone', { commit: String(cl.commitIndex) })
				: kind === 'unknown'
					? ctx.t('verdictUnknown', { reason, dbIndex: String(dbIndex) })
					: ctx.t('verdictAtLeast', { count: count ?? 0, dbIndex: String(dbIndex), reason });
		if (kind === 'none') ctx.out.info(wal.verdictText);
		else ctx.out.warn(wal.verdictText);
	};
	if (readable === 0) {
		verdict('unknown', ctx.t('reasonWalBroken'));
		return { state, wal };
	}
	/** @type {S | MvccState} */
	let out = state;
	if (cl.commitIndex <= dbIndex)
		ctx.out.info(ctx.t('walNothing', { dbIndex: String(dbIndex), commit: String(cl.commitIndex) }));
	else if (reachOf(dbIndex, cl) === dbIndex) {
		const missing = Number(cl.commitIndex - dbIndex);
		verdict(
			'atLeast',
			ctx.t('reasonGap', { first: String(cl.firstIndex), dbIndex: String(dbIndex) }),
			missing,
		);
		return { state, wal };
	} else {
		try {
			const base = 'liveIds' in state ? await state.lazyState() : /** @type {MvccState} */ (state);
			const r = replay(base, extras, cl.entries, cl.commitIndex);
			out = r.state;
			wal.replayedEntries = r.entries;
			wal.replayedWrites = r.writes;
			ctx.out.info(
				ctx.t('walReplayed', {
					dbIndex: String(dbIndex),
					commit: String(cl.commitIndex),
					entries: r.entries,
					writes: r.writes,
					revision: String(out.revision),
				}),
			);
		} catch (e) {
			if (!(e instanceof WalError)) throw e;
			verdict('atLeast', e.message, Number(cl.commitIndex - dbIndex));
			return { state, wal };
		}
	}
	if (cl.uncommitted)
		ctx.out.warn(
			ctx.t('walUncommitted', { count: cl.uncommitted, commit: String(cl.commitIndex) }),
		);
	if (!enough || (unreadable.length && cl.uncommitted))
		verdict('unknown', unreadable[0] ?? ctx.t('reasonWalBroken'));
	else verdict('none', '');
	return { state: out, wal };
}

/**
 * Where a db copy stands: its highest key revision, finishedCompactRev and consistent_index.
 * @param {string} file
 */
async function dbPosition(file) {
	const revision = await latestRevisionAsync(file);
	let index = 0n;
	let compacted = 0n;
	const db = openBbolt(file);
	try {
		if (db.buckets().includes('meta'))
			db.forEach(['meta'], (k, v) => {
				const name = k.toString('latin1');
				if (name === 'consistent_index' && v.length === 8) index = v.readBigUInt64BE(0);
				if (name === 'finishedCompactRev' && v.length >= 8) compacted = v.readBigInt64BE(0);
			});
	} finally {
		db.close();
	}
	return { revision, index, top: revision > compacted ? revision : compacted };
}

/**
 * Picks the member copy whose db, with the committed WAL of all members replayed on top, reaches the
 * highest raft index; ties go to the highest of key revision and finishedCompactRev, then consistent_index,
 * then the lowest ordinal. Copies that cannot be read are named (torn) and left out. Null: none is usable.
 * @param {Context} ctx
 * @param {Array<{ db: string, wal: string }>} members  by ordinal
 * @param {number} clusterSize
 * @returns {Promise<{ db: string, walDirs: string[], text: string } | null>}
 */
export async function pickNewest(ctx, members, clusterSize) {
	/** @type {Array<{ db: string, ordinal: number, revision: bigint, index: bigint, top: bigint, reach: bigint }>} */
	const usable = [];
	for (const [ordinal, m] of members.entries()) {
		if (!nodeFs.existsSync(m.db)) continue;
		try {
			usable.push({ db: m.db, ordinal, ...(await dbPosition(m.db)), reach: 0n });
		} catch (e) {
			if (!(e instanceof BboltError || e instanceof MvccError)) throw e;
			ctx.out.warn(ctx.t('pickTorn', { file: m.db, reason: e.message }));
		}
	}
	if (usable.length === 0) return null;
	const walDirs = members.map((m) => m.wal).filter((d) => nodeFs.existsSync(d));
	const { logs } = readWals(ctx, walDirs);
	const cl = committedLog(logs, clusterSize);
	for (const u of usable) u.reach = reachOf(u.index, cl);
	/** @param {bigint} a @param {bigint} b */
	const desc = (a, b) => (a === b ? 0 : a > b ? -1 : 1);
	usable.sort(
		(a, b) =>
			desc(a.reach, b.reach) ||
			desc(a.top, b.top) ||
			desc(a.index, b.index) ||
			a.ordinal - b.ordinal,
	);
	const best = /** @type {(typeof usable)[number]} */ (usable[0]);
	return {
		db: best.db,
		walDirs,
		text: ctx.t('pickChosen', {
			file: best.db,
			revision: String(best.top),
			index: String(best.index),
			reach: String(best.reach),
			others:
				usable
					.slice(1)
					.map((u) => `${u.db} (${u.top}, ${u.index}, ${u.reach})`)
					.join(', ') || '-',
		}),
	};
}
