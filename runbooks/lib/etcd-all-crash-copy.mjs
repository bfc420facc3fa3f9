// @ts-check
// The copies etcd-all-crash makes on Kubernetes before anything is deleted: each member's db and WAL, through a
// helper pod that mounts its PVC (on the node the volume is tied to), then the copy that reaches furthest once
// the committed WAL is replayed on it, and the backup written from that copy. The helper pod lives exactly as
// long as its `kubectl cp`: made in before(), deleted in after(), and by the toolkit on Ctrl-C.
import * as nodeFs from 'node:fs';
import * as nodePath from 'node:path';
import { StepFailedError } from './exit.mjs';
import { ETCD_MOUNT } from './kube.mjs';
import { latestRevisionAsync } from './mvcc.mjs';
import { pickNewest } from './etcd-offline.mjs';
import { backupStep } from './etcd-all-crash-backup.mjs';
import { pvcIdentity } from './etcd-all-crash-preflight.mjs';

/** @typedef {import('./runbook.mjs').Context} Context */
/** @typedef {import('./runbook.mjs').Step} Step */
/** @typedef {import('./etcd-all-crash-preflight.mjs').Facts} Facts */
/** @typedef {import('./etcd-all-crash-backup.mjs').BackupSource} BackupSource */

const DB_IN_POD = `${ETCD_MOUNT}/data/member/snap/db`;
const WAL_IN_POD = `${ETCD_MOUNT}/data/member/wal`;

export const ALL_CRASH_COPY_MESSAGES = {
	en: {
		copyFailed: 'no db copied from {pvc}: {reason}',
		copied: 'copied {file} ({bytes} bytes), key revision {revision}',
		copyUnreadable: 'copy {file} is unreadable: {reason}',
		walCopied: 'copied {dir} ({files} WAL segments)',
		noCopies: 'no usable db copy from any member; nothing has been changed',
		helperReused: 'helper pod {pod} from an interrupted run mounts {pvc} and runs: reusing it',
		flagHelperImage: 'image for the helper pods that copy the db (needs sleep and cp)',
	},
	id: {
		copyFailed: 'tidak ada db yang tersalin dari {pvc}: {reason}',
		copied: '{file} tersalin ({bytes} byte), revision key {revision}',
		copyUnreadable: 'salinan {file} tidak bisa dibaca: {reason}',
		walCopied: '{dir} tersalin ({files} segmen WAL)',
		noCopies: 'tidak ada salinan db yang bisa dipakai dari member mana pun; belum ada yang diubah',
		helperReused:
			'pod bantuan {pod} dari run yang terputus masih memasang {pvc} dan berjalan: dipakai lagi',
		flagHelperImage: 'image untuk pod bantuan yang menyalin db (butuh sleep dan cp)',
	},
};

/** Name of the helper pod that mounts member `i`'s PVC. @param {Context} ctx @param {number} i */
export const helperPod = (ctx, i) => `etcd-rescue-${ctx.names.pod(i)}`;

/** @param {Facts} facts @param {Context} ctx @param {number} i */
const localDb = (facts, ctx, i) => nodePath.join(facts.workDir, `${ctx.names.pod(i)}.db`);
/** @param {Facts} facts @param {Context} ctx @param {number} i */
const localWal = (facts, ctx, i) => nodePath.join(facts.workDir, `${ctx.names.pod(i)}.wal`);

/** @param {import('./shell.mjs').RunResult} r @param {string} fallback */
const firstLine = (r, fallback) => (r.stderr || fallback).trim().split('\n')[0] ?? '';

/**
 * `kubectl cp` of `src` out of member `i`'s PVC into `local`, as data. A copy is under way while its marker
 * `<local>.part` exists: a run cut short leaves the marker, and only a copy without one is ever reused.
 * @param {Context} ctx @param {Facts} facts @param {number} i
 * @param {{ id: string, title: import('./i18n.mjs').Text, src: string, local: string,
 *   done: (c: Context, r: import('./shell.mjs').RunResult) => Promise<string> }} o  what a finished copy says
 * @returns {Step}
 */
function copyStep(ctx, facts, i, o) {
	const pod = helperPod(ctx, i);
	const pvc = ctx.names.pvc(i);
	const marker = `${o.local}.part`;
	const remove = () => nodeFs.rmSync(o.local, { recursive: true, force: true });
	/** @type {import('./kube.mjs').HelperPod | null} the helper of this step while its copy runs */
	let helper = null;
	return {
		id: o.id,
		title: o.title,
		mode: 'read',
		command: ctx.kube.argv('cp', `${pod}:${o.src}`, o.local),
		check: false,
		// A dry run makes no helper pod; a PVC that is gone (or recreated since the first run) has nothing to copy.
		when: async (c) =>
			!c.dryRun &&
			pvc in facts.pvcUids &&
			(!c.resume || (await pvcIdentity(c, pvc)) === facts.pvcUids[pvc]),
		async before(c) {
			nodeFs.mkdirSync(facts.workDir, { recursive: true });
			// Runbooks before steps as data copied into a `.part` folder of the same name: replaced by the marker.
			nodeFs.rmSync(marker, { recursive: true, force: true });
			nodeFs.writeFileSync(marker, '');
			remove();
			helper = await c.kube.helperPod(pvc, pod, { node: facts.nodes?.[pvc] ?? null });
			if (helper.reused) c.out.info(c.t('helperReused', { pod, pvc }));
		},
		parse: (r) => r,
		async after(c, value) {
			const r = /** @type {import('./shell.mjs').RunResult} */ (value);
			await helper?.delete();
			helper = null;
			return o.done(c, r);
		},
		// Only a run that continues an earlier one may reuse copies: a fresh run must not trust old files.
		done: (c) => Boolean(c.resume) && nodeFs.existsSync(o.local) && !nodeFs.existsSync(marker),
	};
}

/**
 * copy-db and copy-wal for every member.
 * @param {Context} ctx @param {Facts} facts
 * @returns {Step[]}
 */
export function copySteps(ctx, facts) {
	return Array.from({ length: facts.replicas }, (_, i) => {
		const pvc = ctx.names.pvc(i);
		const db = localDb(facts, ctx, i);
		const wal = localWal(facts, ctx, i);
		return [
			copyStep(ctx, facts, i, {
				id: 'copy-db',
				title: {
					en: `Copy member/snap/db out of ${pvc} (helper pod)`,
					id: `Salin member/snap/db dari ${pvc} (pod bantuan)`,
				},
				src: DB_IN_POD,
				local: db,
				async done(c, r) {
					if (!r.ok || !nodeFs.existsSync(db) || nodeFs.statSync(db).size === 0) {
						nodeFs.rmSync(db, { force: true });
						// One member without a db is survivable; the choice step fails if none is usable.
						return c.t('copyFailed', { pvc, reason: firstLine(r, 'empty file') });
					}
					nodeFs.rmSync(`${db}.part`, { force: true });
					try {
						const revision = String(await latestRevisionAsync(db));
						return c.t('copied', { file: db, bytes: nodeFs.statSync(db).size, revision });
					} catch (e) {
						const reason = e instanceof Error ? e.message : String(e);
						return c.t('copyUnreadable', { file: db, reason });
					}
				},
			}),
			copyStep(ctx, facts, i, {
				id: 'copy-wal',
				title: {
					en: `Copy member/wal out of ${pvc} (helper pod): the writes the db may not have yet`,
					id: `Salin member/wal dari ${pvc} (pod bantuan): penulisan yang mungkin belum ada di db`,
				},
				src: WAL_IN_POD,
				local: wal,
				async done(c, r) {
					if (!r.ok || !nodeFs.existsSync(wal)) {
						nodeFs.rmSync(wal, { recursive: true, force: true });
						return c.t('copyFailed', { pvc, reason: firstLine(r, 'no folder') });
					}
					nodeFs.rmSync(`${wal}.part`, { force: true });
					const files = nodeFs.readdirSync(wal).filter((f) => f.endsWith('.wal')).length;
					return c.t('walCopied', { dir: wal, files });
				},
			}),
		];
	}).flat();
}

/**
 * pick-newest and backup: the copy that reaches furthest, and the backup written from it. `chosen` is this
 * run's memory of that choice (a dry run without copies has none).
 * @param {Context} ctx @param {Facts} facts
 * @returns {Step[]}
 */
export function backupSteps(ctx, facts) {
	/** @type {{ source: BackupSource | null }} */
	const chosen = { source: null };
	return [
		{
			id: 'pick-newest',
			title: {
				en: 'Pick the copy that reaches furthest with the WAL (then the highest key revision)',
				id: 'Pilih salinan yang paling jauh bersama WAL (lalu revision key tertinggi)',
			},
			mode: 'read',
			command: null,
			async action(c) {
				const members = Array.from({ length: facts.replicas }, (_, i) => ({
					db: localDb(facts, c, i),
					wal: localWal(facts, c, i),
				}));
				const best = await pickNewest(c, members, facts.replicas);
				if (!best) {
					if (c.dryRun) return c.t('dryNoCopy');
					throw new StepFailedError(c.t('noCopies'));
				}
				chosen.source = { db: best.db, walDirs: best.walDirs };
				return best.text;
			},
		},
		backupStep({
			id: 'backup',
			title: {
				en: 'Write and verify the backup on this machine',
				id: 'Tulis dan verifikasi backup di mesin ini',
			},
			backupDir: facts.backupDir,
			source: (c) => chosen.source ?? c.t('dryNoCopy'),
		}),
	];
}
