// @ts-check
// The safety net of a partial etcd crash: a snapshot of the running survivor copied to this machine with its key
// count, revision and sha256 in a manifest, a journal of the plan next to it (so a run killed before the toolkit
// saved any progress can continue), and the check that no dead member's disk holds newer data than the survivor
// (its db copied out through a helper pod, its newest revision read here). Used by etcd-multi-crash: the hooks
// below belong to its `backup` and `compare-data` steps, whose commands the toolkit runs.
import * as nodeFs from 'node:fs';
import * as nodePath from 'node:path';
import { RefusedError, StepFailedError } from './exit.mjs';
import { ETCD_MOUNT } from './kube.mjs';
import { latestRevisionAsync } from './mvcc.mjs';
import { sha256File } from './etcd-backup.mjs';
import { etcdctl, hexId, memberList, parseJsonBig, readyOneCluster } from './etcd-members.mjs';
import { survivorOf } from './etcd-survivor.mjs';
import { membersText } from './etcd-rejoin.mjs';

/** @typedef {import('./runbook.mjs').Context} Context */
/** @typedef {import('./runbook.mjs').Step} Step */
/** @typedef {import('./shell.mjs').RunResult} RunResult */
/** @typedef {import('./etcd-survivor.mjs').Facts} Facts */
/** @typedef {{ count: number, revision: number, clusterId: string }} KeyCount */

/** Where the survivor's snapshot is written inside its pod (etcdctl snapshot save). */
export const SNAPSHOT_IN_POD = '/tmp/etcd-backup.db';
/** A member's database on its PVC, as a helper pod mounts it. */
export const DB_IN_POD = `${ETCD_MOUNT}/data/member/snap/db`;

export const LIVE_BACKUP_MESSAGES = {
	en: {
		compareDry: '[dry run] would mount {pvc} in helper pod {pod} and read the revision of its db',
		compareOk: '{pvc}: revision {deadRev}, not newer than {pod} (revision {rev})',
		compareUnknown:
			'{pvc}: its db cannot be read ({reason}); whether it held newer data cannot be checked',
		deadNewer:
			"{pvc} holds revision {deadRev}, newer than {pod} at revision {rev}: forcing {pod} would throw away the writes only {pods} has. Nothing has been changed. Recover from the newest copy with etcd-all-crash (it reads every member's db and picks the newest).",
		backupSaved: 'backup {file}: {keys} keys at revision {revision}, sha256 {sha}',
		backupFailed: 'could not back up {pod}: {reason}; nothing has been changed',
		backupTooSmall: 'backup copied from {pod} is empty or unreadable; nothing has been changed',
		backupMissing: 'backup manifest {file} is missing or unreadable; cannot compare the key count',
		memberCount: 'expected {want} started members, found {got}',
		keyCount: 'key count {got} differs from the backup ({want})',
		revisionBack: 'revision {got} is lower than the backup ({want})',
		healthyDetails: '{n} members healthy, cluster id {id}, {keys} keys (same as the backup)',
	},
	id: {
		compareDry: '[dry run] akan memasang {pvc} di pod bantuan {pod} lalu membaca revision db-nya',
		compareOk: '{pvc}: revision {deadRev}, tidak lebih baru dari {pod} (revision {rev})',
		compareUnknown:
			'{pvc}: db-nya tidak terbaca ({reason}); tidak bisa dipastikan apakah datanya lebih baru',
		deadNewer:
			'{pvc} menyimpan revision {deadRev}, lebih baru dari {pod} di revision {rev}: memaksa {pod} berarti membuang tulisan yang hanya ada di {pods}. Belum ada yang diubah. Pulihkan dari salinan terbaru dengan etcd-all-crash (runbook itu membaca db setiap member dan memilih yang terbaru).',
		backupSaved: 'backup {file}: {keys} key pada revision {revision}, sha256 {sha}',
		backupFailed: 'gagal membuat backup {pod}: {reason}; belum ada yang diubah',
		backupTooSmall:
			'backup yang disalin dari {pod} kosong atau tidak terbaca; belum ada yang diubah',
		backupMissing:
			'manifest backup {file} hilang atau tidak terbaca; jumlah key tidak bisa dibandingkan',
		memberCount: 'seharusnya ada {want} member started, yang ada {got}',
		keyCount: 'jumlah key {got} berbeda dari backup ({want})',
		revisionBack: 'revision {got} lebih kecil dari backup ({want})',
		healthyDetails: '{n} member sehat, cluster id {id}, {keys} key (sama dengan backup)',
	},
};

/** The line of a failed command that says why. @param {{ stderr: string, stdout: string }} r */
const reasonOf = (r) =>
	r.stderr
		.split('\n')
		.map((s) => s.trim())
		.filter(Boolean)
		.pop() ??
	r.stdout.trim().split('\n')[0] ??
	'?';

/** @param {unknown} e */
const messageOf = (e) => (e instanceof Error ? e.message : String(e));

/** @param {Context} ctx */
const backupDir = (ctx) => nodePath.resolve(String(ctx.flags['backup-dir'] ?? 'etcd-rescue'));

/**
 * Key count and revision. Serializable when the member may lack quorum (the backup), else linearizable.
 * @param {Context} ctx
 * @param {string} pod
 * @param {boolean} serializable
 * @returns {Promise<KeyCount | null>}
 */
export async function keyCount(ctx, pod, serializable) {
	const args = ['get', '', '--from-key', '--keys-only', '--limit=1', '-w', 'json'];
	if (serializable) args.push('--consistency=s');
	const r = await etcdctl(ctx, pod, args);
	if (!r.ok) return null;
	try {
		const j = parseJsonBig(r.stdout);
		return {
			count: Number(j.count ?? 0),
			revision: Number(j.header?.revision ?? 0),
			clusterId: hexId(j.header?.cluster_id),
		};
	} catch {
		return null;
	}
}

/**
 * @param {string} file
 * @returns {{ keys: number, revision: number, sha256: string, clusterId: string } | null}
 */
export function readManifest(file) {
	try {
		const m = JSON.parse(nodeFs.readFileSync(file, 'utf8'));
		return typeof m?.keys === 'number' && typeof m?.sha256 === 'string' ? m : null;
	} catch {
		return null;
	}
}

/**
 * The files a new backup of `pod` goes to: `<backup-dir>/<pod>-<UTC time>.db` and `.json`.
 * @param {Context} ctx
 * @param {string} pod
 * @returns {Facts['backup']}
 */
export function backupFiles(ctx, pod) {
	const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
	const base = nodePath.join(backupDir(ctx), `${pod}-${stamp}`);
	return { db: `${base}.db`, manifest: `${base}.json` };
}

/**
 * The journal keeps the facts from the backup on, because the toolkit saves them only once the first
 * change has finished: a run killed in the middle of scale-down would otherwise come back to a cluster
 * that no longer shows the symptom, and stop with exit 4 half-way through the rescue.
 * @param {Context} ctx
 */
export function journalFile(ctx) {
	const target = `${ctx.context ?? ''}_${ctx.namespace}_${ctx.names.sts}`.replace(
		/[^A-Za-z0-9_.-]/g,
		'_',
	);
	return nodePath.join(backupDir(ctx), `rescue-${target}.json`);
}

/** The facts an earlier run journaled, or null. @param {Context} ctx @returns {unknown} */
export function readJournal(ctx) {
	try {
		return JSON.parse(nodeFs.readFileSync(journalFile(ctx), 'utf8'));
	} catch {
		return null;
	}
}

/** @param {Context} ctx @param {Facts} f */
function writeJournal(ctx, f) {
	const journal = journalFile(ctx);
	nodeFs.writeFileSync(`${journal}.part`, `${JSON.stringify(f, null, 2)}\n`);
	nodeFs.renameSync(`${journal}.part`, journal);
}

/** The rescue is over: nothing left to continue. @param {Context} ctx */
export function dropJournal(ctx) {
	nodeFs.rmSync(journalFile(ctx), { force: true });
}

/**
 * The hooks of the `backup` step, whose command is `etcdctl snapshot save` in the survivor: the key count is
 * read first, a failed snapshot falls back to copying member/snap/db, then the file is copied here and the
 * manifest (and outside a dry run the journal) written.
 * @param {Facts} f
 * @param {boolean} resumed  this run continues an earlier one: only then may an existing backup stand in
 * @returns {Pick<Step, 'done' | 'before' | 'after'>}
 */
export function backupHooks(f, resumed) {
	/** @type {KeyCount | null} */
	let counted = null;
	return {
		// Only a backup made for THIS rescue counts (its path is in the saved facts).
		done: async () => {
			if (!resumed) return false;
			const m = readManifest(f.backup.manifest);
			return Boolean(
				m && nodeFs.existsSync(f.backup.db) && (await sha256File(f.backup.db)) === m.sha256,
			);
		},
		// Counted before the snapshot: nothing writes to a member without quorum, and with quorum Milvus
		// should be stopped anyway; the revision recorded shows if that was not so. A survivor that cannot
		// even answer this is not backed up, and nothing is changed.
		before: async (c) => {
			const pod = c.names.pod(survivorOf(f));
			counted = await keyCount(c, pod, true);
			if (!counted)
				throw new StepFailedError(
					c.t('backupFailed', { pod, reason: 'etcdctl get --consistency=s' }),
				);
		},
		after: async (c, snapshot) => {
			if (!counted) throw new Error('backup: before() did not run');
			return saveBackup(c, f, /** @type {RunResult} */ (snapshot), counted);
		},
	};
}

/**
 * Run one more kubectl command of a step, shown the way the step's own command is.
 * @param {Context} ctx @param {string[]} args
 */
async function runShown(ctx, args) {
	const argv = ctx.kube.argv(...args);
	ctx.out.dim(`$ ${ctx.formatCommand(argv)}`);
	return ctx.run(argv, { check: false });
}

/**
 * Copy the snapshot (or, when the snapshot failed, the db file) to this machine and record what it holds.
 * @param {Context} ctx @param {Facts} f @param {RunResult} snapshot @param {KeyCount} counted
 */
async function saveBackup(ctx, f, snapshot, counted) {
	const pod = ctx.names.pod(survivorOf(f));
	if (!snapshot.ok) {
		const copy = await runShown(ctx, ['exec', pod, '--', 'cp', DB_IN_POD, SNAPSHOT_IN_POD]);
		if (!copy.ok) throw new StepFailedError(ctx.t('backupFailed', { pod, reason: reasonOf(copy) }));
	}
	nodeFs.mkdirSync(nodePath.dirname(f.backup.db), { recursive: true });
	const tmp = `${f.backup.db}.part`;
	const cp = await runShown(ctx, ['cp', `${pod}:${SNAPSHOT_IN_POD}`, tmp]);
	if (!cp.ok) throw new StepFailedError(ctx.t('backupFailed', { pod, reason: reasonOf(cp) }));
	const size = nodeFs.existsSync(tmp) ? nodeFs.statSync(tmp).size : 0;
	if (size < 4096) throw new StepFailedError(ctx.t('backupTooSmall', { pod }));
	nodeFs.renameSync(tmp, f.backup.db);
	const sha256 = await sha256File(f.backup.db);
	const manifest = {
		pod,
		file: nodePath.basename(f.backup.db),
		sha256,
		bytes: size,
		keys: counted.count,
		revision: counted.revision,
		clusterId: counted.clusterId,
		members: await membersText(ctx, f),
		at: new Date().toISOString(),
	};
	const tmpManifest = `${f.backup.manifest}.part`;
	nodeFs.writeFileSync(tmpManifest, `${JSON.stringify(manifest, null, 2)}\n`);
	nodeFs.renameSync(tmpManifest, f.backup.manifest);
	if (!ctx.dryRun) writeJournal(ctx, f);
	return ctx.t('backupSaved', {
		file: f.backup.db,
		keys: counted.count,
		revision: counted.revision,
		sha: sha256.slice(0, 16),
	});
}

/**
 * Where dead member i's db is read from and copied to: helper pod and local file.
 * @param {Context} ctx @param {Facts} f @param {number} i
 */
export function deadCopy(ctx, f, i) {
	return {
		pvc: ctx.names.pvc(i),
		helper: `etcd-rescue-${ctx.names.pod(i)}`,
		local: nodePath.join(nodePath.dirname(f.backup.db), `${ctx.names.pod(i)}-dead.db`),
	};
}

/**
 * The hooks of a `compare-data` step, whose command copies dead member i's db out of a helper pod that mounts
 * its PVC: when() leaves out what cannot or need not be compared (no PVC, a dry run, facts of an older version
 * without a revision), before() starts the helper, after() removes it, reads the copy's newest revision and
 * refuses (exit 3, nothing changed) when it is newer than the survivor's.
 * @param {Context} ctx @param {Facts} f @param {number} i
 * @returns {Pick<Step, 'when' | 'before' | 'after'>}
 */
export function compareHooks(ctx, f, i) {
	const { pvc, helper, local } = deadCopy(ctx, f, i);
	/** @type {import('./kube.mjs').HelperPod | null} */
	let mounted = null;
	return {
		when: (c) => {
			if (!(pvc in f.pvcUids)) {
				c.out.warn(c.t('compareUnknown', { pvc, reason: 'PVC not found' }));
				return false;
			}
			// A helper pod is a change to the cluster: a dry run only says what it would read.
			if (c.dryRun) {
				c.out.info(c.t('compareDry', { pvc, pod: helper }));
				return false;
			}
			// Facts saved by an older version of this runbook carry no revision to compare with.
			return f.survivorRevision !== undefined;
		},
		before: async (c) => {
			nodeFs.mkdirSync(nodePath.dirname(local), { recursive: true });
			// A copy left by an interrupted run must not be read as this one.
			nodeFs.rmSync(local, { force: true });
			try {
				mounted = await c.kube.helperPod(pvc, helper);
			} catch (e) {
				throw new StepFailedError(c.t('compareUnknown', { pvc, reason: messageOf(e) }));
			}
		},
		after: async (c, copied) => {
			try {
				return await judgeCopy(c, f, i, /** @type {RunResult} */ (copied));
			} finally {
				await mounted?.delete();
				mounted = null;
			}
		},
	};
}

/**
 * Read the newest revision of dead member i's copy and refuse when it is newer than the survivor's.
 * @param {Context} ctx @param {Facts} f @param {number} i @param {RunResult} copied
 */
async function judgeCopy(ctx, f, i, copied) {
	const { pvc, local } = deadCopy(ctx, f, i);
	const podS = ctx.names.pod(survivorOf(f));
	if (!copied.ok || !nodeFs.existsSync(local) || nodeFs.statSync(local).size === 0) {
		nodeFs.rmSync(local, { force: true });
		return ctx.t('compareUnknown', { pvc, reason: reasonOf(copied) });
	}
	let rev;
	try {
		// Pauses between pages, so Ctrl-C is handled while a large db is read.
		rev = Number(await latestRevisionAsync(local));
	} catch (e) {
		return ctx.t('compareUnknown', { pvc, reason: messageOf(e) });
	}
	const own = f.survivorRevision ?? 0;
	if (rev > own)
		throw new RefusedError(
			ctx.t('deadNewer', { pvc, deadRev: rev, pod: podS, rev: own, pods: ctx.names.pod(i) }),
		);
	return ctx.t('compareOk', { pvc, deadRev: rev, pod: podS, rev: own });
}

/**
 * Every member Ready, healthy and in one cluster, each with the backup's key count and at least its revision,
 * and the member list as long as the StatefulSet. Each member is asked on its own: a split brain shows up as a
 * second cluster id or another count.
 * @param {Context} ctx
 * @param {Facts} f
 * @returns {Promise<import('./runbook.mjs').VerifyResult>}
 */
export async function verifyAgainstBackup(ctx, f) {
	const manifest = readManifest(f.backup.manifest);
	const ordinals = Array.from({ length: f.replicas }, (_, i) => i);
	const [members, counts, list] = await Promise.all([
		readyOneCluster(ctx, f.replicas, { health: true }),
		Promise.all(ordinals.map((i) => keyCount(ctx, ctx.names.pod(i), false))),
		memberList(ctx, ctx.names.pod(survivorOf(f))),
	]);
	const problems = [...members.problems];
	if (!manifest) problems.push(ctx.t('backupMissing', { file: f.backup.manifest }));
	let keys = -1;
	for (const i of members.ready) {
		const kc = counts[i];
		if (!kc || !manifest) continue;
		keys = kc.count;
		if (kc.count !== manifest.keys)
			problems.push(ctx.t('keyCount', { got: kc.count, want: manifest.keys }));
		if (kc.revision < manifest.revision)
			problems.push(ctx.t('revisionBack', { got: kc.revision, want: manifest.revision }));
	}
	const started = (list ?? []).filter((m) => m.started).length;
	if (started !== f.replicas || (list ?? []).length !== f.replicas)
		problems.push(ctx.t('memberCount', { want: f.replicas, got: started }));
	if (problems.length > 0) return { ok: false, details: [...new Set(problems)].join('; ') };
	dropJournal(ctx);
	return {
		ok: true,
		details: ctx.t('healthyDetails', { n: f.replicas, id: members.ids[0] ?? '?', keys }),
	};
}
