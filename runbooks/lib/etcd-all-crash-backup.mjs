// @ts-check
// The backup half of etcd-all-crash that both targets share (Kubernetes and Docker Compose): where a run writes
// its copies, the backup step, the proof that the backup can be restored (the gate before anything is deleted),
// and the comparison of a rebuilt etcd with the backup. The comparison streams both sides in key order, so
// memory follows the largest value, not the backup.
import * as nodeFs from 'node:fs';
import * as nodePath from 'node:path';
import { RefusedError } from './exit.mjs';
import { restoreProof } from './etcd-restore-proof.mjs';
import { DEFAULT_MAX_REQUEST_BYTES } from './etcd-http.mjs';
import { compareStreams, openBackup, remoteRecords, sha256File } from './etcd-backup.mjs';
import { backupFromDb, backupText, loadBackup } from './etcd-offline.mjs';

/** @typedef {import('./runbook.mjs').Context} Context */
/** @typedef {import('./runbook.mjs').Step} Step */
/** @typedef {import('./i18n.mjs').Text} Text */
/** @typedef {{ db: string, walDirs: string[] }} BackupSource */

export const ALL_CRASH_BACKUP_MESSAGES = {
	en: {
		workDirFresh:
			'files of an earlier run are in {dir}; they are kept, and this run writes into {fresh}',
		dryNoCopy: '[dry run] no copies yet; the backup would be written from the newest copy',
		proofDry: '[dry run] the backup would be checked here before anything is deleted',
		verifyCompare:
			'live keys differ from the backup {dir}: {missing} missing, {different} different (first: {first})',
		verifyCompared: 'every key of the backup ({count}) is in etcd with the same value',
		verifyWal: 'etcd is rebuilt, but not every acknowledged write is known to be back: {verdict}',
	},
	id: {
		workDirFresh:
			'file dari run sebelumnya ada di {dir}; semuanya disimpan, dan run ini menulis ke {fresh}',
		dryNoCopy: '[dry run] belum ada salinan; backup akan ditulis dari salinan terbaru',
		proofDry: '[dry run] backup akan diperiksa di sini sebelum ada yang dihapus',
		verifyCompare:
			'key di etcd berbeda dari backup {dir}: {missing} hilang, {different} berbeda (pertama: {first})',
		verifyCompared: 'semua key di backup ({count}) ada di etcd dengan value yang sama',
		verifyWal:
			'etcd sudah dibangun ulang, tetapi belum pasti semua penulisan yang sudah dikonfirmasi kembali: {verdict}',
	},
};

/**
 * The work folder of a new run. Copies and backups an earlier run left behind may be the only copy of that
 * incident's data, so a fresh run never writes over them: it takes a sub-folder of its own.
 * @param {Context} ctx @param {string[]} names  files of a run inside the work folder (copies)
 */
export function freshWorkDir(ctx, names) {
	const workDir = String(ctx.flags['work-dir']);
	if (typeof ctx.flags.backup === 'string') return { workDir, backupDir: ctx.flags.backup };
	const used = ['backup', ...names].some((f) => nodeFs.existsSync(nodePath.join(workDir, f)));
	if (!used) return { workDir, backupDir: nodePath.join(workDir, 'backup') };
	const fresh = nodePath.join(workDir, new Date().toISOString().replace(/[:.]/g, '-'));
	ctx.out.warn(ctx.t('workDirFresh', { dir: workDir, fresh }));
	return { workDir: fresh, backupDir: nodePath.join(fresh, 'backup') };
}

/**
 * The backup, read and checked (manifest, sha256, count) and proven restorable under --max-request-bytes;
 * RefusedError otherwise, so the caller stops before anything is deleted.
 * @param {Context} ctx @param {string} dir
 */
export async function provenBackup(ctx, dir) {
	const limit = Number(ctx.flags['max-request-bytes'] ?? DEFAULT_MAX_REQUEST_BYTES);
	// Proven while the backup is read and checked: one pass, one record in memory at a time.
	const proving = restoreProof({ maxRequestBytes: limit });
	const backup = await loadBackup(ctx, dir, { onRecord: (kv) => proving.add(kv) });
	const proof = proving.result(backup.manifest);
	if (!proof.ok) throw new RefusedError(proof.problems.map((p) => ctx.t(p.key, p.vars)).join('; '));
	return {
		...backup,
		text: ctx.t('proofOk', { count: proof.count, largest: proof.largestValueBytes, limit }),
	};
}

/** A backup made earlier counts only if it was made from exactly this copy. @param {string} dir @param {string} db */
async function backupMadeFrom(dir, db) {
	if (!nodeFs.existsSync(nodePath.join(dir, 'manifest.json')) || !nodeFs.existsSync(db))
		return false;
	try {
		const { manifest } = await openBackup(dir);
		return manifest.source?.sha256 === (await sha256File(db));
	} catch {
		return false;
	}
}

/**
 * Write and verify the backup from the chosen copy, in this process (no command to show).
 * @param {{ id: string, title: Text, backupDir: string,
 *   source: (ctx: Context) => BackupSource | string }} o  the copy to back up, or what to say instead (a dry
 *   run without copies); throws when the copy is missing for good
 * @returns {Step}
 */
export function backupStep(o) {
	return {
		id: o.id,
		title: o.title,
		mode: 'read',
		command: null,
		async action(c) {
			const source = o.source(c);
			if (typeof source === 'string') return source;
			return (await backupFromDb(c, source.db, o.backupDir, source.walDirs)).details;
		},
		async done(c) {
			try {
				const source = o.source(c);
				return typeof source !== 'string' && (await backupMadeFrom(o.backupDir, source.db));
			} catch {
				return false;
			}
		},
	};
}

/**
 * Prove the backup can be restored; a dry run that made no backup says what would be checked.
 * @param {{ id: string, title: Text, backupDir: string }} o
 * @returns {Step}
 */
export function checkBackupStep(o) {
	return {
		id: o.id,
		title: o.title,
		mode: 'read',
		command: null,
		async action(c) {
			if (c.dryRun && !nodeFs.existsSync(nodePath.join(o.backupDir, 'manifest.json')))
				return c.t('proofDry');
			return (await provenBackup(c, o.backupDir)).text;
		},
	};
}

/**
 * Every key of the backup must be in etcd with its value. Keys etcd has beyond the backup are not an error
 * here; `lenientValues` accepts changed values (Milvus runs again and moves its timestamp keys on). Both sides
 * are streamed in key order.
 * @param {Context} ctx @param {string} dir
 * @param {Parameters<typeof remoteRecords>[0]} client  an etcd client (HTTP, or etcdctl through docker exec)
 * @param {{ lenientValues?: boolean }} [o]
 */
export async function compareWithBackup(ctx, dir, client, o = {}) {
	const backup = await openBackup(dir);
	const d = await compareStreams(
		() => backup.records(),
		() => remoteRecords(client),
	);
	const different = o.lenientValues ? 0 : d.different;
	const base = { count: backup.count, live: d.actual };
	if (d.missing || different)
		return {
			...base,
			ok: false,
			text: ctx.t('verifyCompare', { dir, missing: d.missing, different, first: d.first ?? '-' }),
		};
	return { ...base, ok: true, text: ctx.t('verifyCompared', { count: backup.count }) };
}

/**
 * What the backup promises, for the final verdict: its key count, and a problem when it was made without a
 * readable WAL ("healthy" promises every acknowledged write, which such a backup cannot).
 * @param {Context} ctx @param {string} dir
 * @returns {Promise<{ want: number, walProblem: string, problem: string }>}
 */
export async function backupPromise(ctx, dir) {
	try {
		const b = await openBackup(dir);
		const wal = /** @type {any} */ (b.manifest.source?.wal);
		const walProblem =
			wal?.verdict !== 'none'
				? ctx.t('verifyWal', { verdict: wal?.verdictText ?? ctx.t('reasonNoWal') })
				: '';
		return { want: b.count, walProblem, problem: '' };
	} catch (e) {
		return { want: 0, walProblem: '', problem: backupText(ctx, e) };
	}
}
