#!/usr/bin/env zx
// @ts-check
// etcd-multi-crash: etcd members of the Milvus chart crash-loop while at least one member still runs.
//
// The seed's recipe (scale to 1, delete the other PVCs, scale back) is unsafe: with two of three members
// dead etcd-0 has no quorum, the fork's preStop removes nobody, and fresh members started with
// ETCD_INITIAL_CLUSTER_STATE=new either crash for good ("has already been bootstrapped") or bootstrap a
// second, empty cluster that the Service then hands to Milvus. This runbook does it safely:
// pick the survivor (the member with quorum, else the running one with the newest data, any ordinal),
// back it up first (snapshot copied to this machine, key count and revision recorded), refuse to force it
// when a dead member's disk holds a newer revision, give it quorum on its own (member remove while it has
// quorum, else one restart with ETCD_FORCE_NEW_CLUSTER), switch the StatefulSet to `existing` so new pods
// `member add` themselves into THIS cluster, delete only the dead members' PVCs, bring members back one at
// a time, and prove one cluster id and an unchanged key count at the end. A StatefulSet cannot run pod N
// without pods 0..N-1, so with a survivor N > 0 the dead pods below it get empty disks before the forced
// restart, and ETCD_INITIAL_CLUSTER names only the survivor while the flag is set: they cannot start then,
// and join through member add once the flag is gone.
import * as nodeFs from 'node:fs';
import * as nodePath from 'node:path';
import { createHash } from 'node:crypto';
import { defineRunbook } from './lib/runbook.mjs';
import { NotThisSymptomError, RefusedError, StepFailedError } from './lib/exit.mjs';
import { latestRevision } from './lib/mvcc.mjs';
import { ETCD_MOUNT } from './lib/kube.mjs';
import {
	ETCD_MEMBER_MESSAGES,
	endpointStatus,
	etcdctl,
	healthy,
	hexId,
	memberList,
	parseJsonBig,
	pickSurvivor,
	podState,
	podsByOrdinal,
	stsEnv,
	waitFor,
} from './lib/etcd-members.mjs';
import { messageText, tx } from './lib/i18n.mjs';

/** @typedef {import('./lib/runbook.mjs').Context} Context */
/** @typedef {import('./lib/runbook.mjs').Step} Step */

/**
 * @typedef {object} Facts
 * @property {number} replicas        the StatefulSet's size before we touched it
 * @property {number} [survivor]      ordinal of the member the cluster is rebuilt around (absent: 0)
 * @property {number} [survivorRevision]  its store revision at preflight
 * @property {string} [initialCluster]    ETCD_INITIAL_CLUSTER at preflight
 * @property {number[]} dead          ordinals of the members to rebuild (every other one without quorum)
 * @property {boolean} quorum         the survivor could commit (linearizable health) at preflight
 * @property {string} selfId          the survivor's member id (hex)
 * @property {string[]} removeIds     member ids to drop (quorum path: the dead ones; else all but the survivor)
 * @property {Record<string, string>} pvcUids  uid of each dead member's PVC, to tell "already recreated" apart
 * @property {string} clusterState    ETCD_INITIAL_CLUSTER_STATE at preflight
 * @property {{ db: string, manifest: string }} backup  local backup files (absolute)
 */

/** Set when this run continues an earlier one; only then may an existing backup stand in for a new one. */
let resumedRun = false;

const SNAPSHOT_IN_POD = '/tmp/etcd-backup.db';
const DB_IN_POD = `${ETCD_MOUNT}/data/member/snap/db`;
// While a survivor above etcd-0 is forced, the pods below it have empty disks and must not start: etcd
// reads ETCD_INITIAL_CLUSTER only for a member without data, and rejects this one (a peer URL with a path)
// before it writes anything, while the survivor, which has data, never looks at it. A valid list would
// not do: a member whose name is missing from it still leaves a member/snap/db behind before it fails,
// and the setup scripts then take that for data from a previous deployment.
const PAUSED_INITIAL_CLUSTER = 'rescue=http://rescue.invalid:2380/in-progress';

const messages = {
	en: {
		...ETCD_MEMBER_MESSAGES.en,
		dryVerify: 'dry run: the members are checked after a real run',
		waitRolled: 'every member to run the new StatefulSet settings',
		flagBackupDir: 'folder on this machine for the backup of the survivor (snapshot + manifest)',
		notEnoughReplicas:
			'StatefulSet {sts} has {n} replica(s); this runbook is for a multi-member etcd',
		noCrash: 'no etcd member is crash-looping',
		survivorDown:
			'no etcd member runs and answers ({pods}); when every member crash-loops use etcd-all-crash',
		survivorMute:
			'{pods} runs but does not answer etcdctl: a member restarted after losing quorum serves no clients, so its data can only be read from its disk. Use etcd-all-crash, which does that',
		survivorPicked:
			'survivor: {pod} (revision {revision}, raft index {index}, raft term {term}); the cluster is rebuilt around it',
		removedEarlier:
			'{pod} was removed from the cluster earlier and still has its old data: it gets an empty disk and joins again',
		pvcStillThere:
			'PVC {pvc} still holds its old data; delete it first so that pod cannot start with it',
		quorumOfTwo:
			'while {pod} joins, the cluster has two members and needs both: if {pod} never starts, {survivor} has no quorum again. Back-out while both run: etcdctl member remove <id of {pod}>. If {pod} never started, member remove cannot commit: scale back to {survivor} alone and repeat force-new-cluster.',
		compareDry: '[dry run] would mount {pvc} in helper pod {pod} and read the revision of its db',
		compareOk: '{pvc}: revision {deadRev}, not newer than {pod} (revision {rev})',
		compareUnknown:
			'{pvc}: its db cannot be read ({reason}); whether it held newer data cannot be checked',
		deadNewer:
			"{pvc} holds revision {deadRev}, newer than {pod} at revision {rev}: forcing {pod} would throw away the writes only {pods} has. Nothing has been changed. Recover from the newest copy with etcd-all-crash (it reads every member's db and picks the newest).",
		pendingPods: 'pods {pods} are Pending, not crashing; run etcd-pending first',
		badMemberIdOnly:
			'the crashing pods ({pods}) fail with "bad member ID arg"; run etcd-bad-member-id instead, it keeps their data',
		execFailed: 'cannot run etcdctl in {pod}: {reason}',
		quorumYes:
			'{pod} has quorum: the dead members are removed with member remove, nothing is force-restarted',
		quorumNo:
			'{pod} has no quorum: it will be restarted once with ETCD_FORCE_NEW_CLUSTER=true (data kept)',
		deadList: 'crash-looping members: {pods}',
		splitBrainLive:
			'the running members belong to different clusters ({groups}); nothing has been changed. This runbook does not choose between them: compare their data (etcdctl endpoint status -w json in each pod) and recover from the right one with etcd-all-crash',
		resuming: 'continuing the rescue started earlier (dead members: {pods})',
		backupSaved: 'backup {file}: {keys} keys at revision {revision}, sha256 {sha}',
		backupFailed: 'could not back up {pod}: {reason}; nothing has been changed',
		backupTooSmall: 'backup copied from {pod} is empty or unreadable; nothing has been changed',
		backupMissing: 'backup manifest {file} is missing or unreadable; cannot compare the key count',
		podStillThere: 'pod {pod} still exists; its PVC would stay in use. Scale down first',
		waitPodsGone: 'pods {pods} to stop',
		waitSingle: '{pod} to run as the only member with quorum',
		waitRollout: '{pod} to restart with the new settings',
		waitJoin: '{pod} to join as a started, healthy member',
		membersNow: 'members now: {members}',
		helmNote:
			'Keep this across helm upgrades: set etcd.initialClusterState=existing in your values (helm upgrade renders existing anyway; a reinstall would not).',
		stillDead: 'member {id} is still listed; cannot continue safely',
		forceStillSet:
			'ETCD_FORCE_NEW_CLUSTER is still set on the StatefulSet; remove it before adding members',
		notReady: '{pod} is not Ready',
		clusterIds: 'members report different cluster ids: {ids} (split brain)',
		memberCount: 'expected {want} started members, found {got}',
		keyCount: 'key count {got} differs from the backup ({want})',
		revisionBack: 'revision {got} is lower than the backup ({want})',
		healthyDetails: '{n} members healthy, cluster id {id}, {keys} keys (same as the backup)',
	},
	id: {
		...ETCD_MEMBER_MESSAGES.id,
		dryVerify: 'dry run: member diperiksa setelah run yang sebenarnya',
		waitRolled: 'semua member berjalan dengan setelan StatefulSet yang baru',
		flagBackupDir:
			'folder di mesin ini untuk backup member yang dipertahankan (snapshot + manifest)',
		notEnoughReplicas:
			'StatefulSet {sts} punya {n} replika; runbook ini untuk etcd dengan beberapa member',
		noCrash: 'tidak ada member etcd yang crash loop',
		survivorDown:
			'tidak ada member etcd yang berjalan dan menjawab ({pods}); kalau semua member crash loop, pakai etcd-all-crash',
		survivorMute:
			'{pods} berjalan tetapi tidak menjawab etcdctl. Member yang dimulai ulang setelah kehilangan kuorum tidak melayani klien, jadi datanya hanya bisa dibaca dari disk. Pakai etcd-all-crash, yang memang membaca dari sana',
		survivorPicked:
			'survivor: {pod} (revision {revision}, raft index {index}, raft term {term}); cluster dibangun ulang dari member ini',
		removedEarlier:
			'{pod} sudah dikeluarkan dari cluster sebelumnya dan masih menyimpan data lamanya: pod ini mendapat disk kosong lalu bergabung lagi',
		pvcStillThere:
			'PVC {pvc} masih menyimpan data lama; hapus dulu supaya pod-nya tidak bisa berjalan dengan data itu',
		quorumOfTwo:
			'selama {pod} bergabung, cluster punya dua member dan butuh keduanya. Kalau {pod} tidak pernah berjalan, {survivor} kembali tanpa kuorum. Selama keduanya berjalan, Anda bisa mundur dengan "etcdctl member remove <id {pod}>". Kalau {pod} tidak pernah berjalan, member remove tidak akan berhasil: kecilkan lagi sampai tinggal {survivor} dan ulangi force-new-cluster.',
		compareDry: '[dry run] akan memasang {pvc} di pod bantuan {pod} lalu membaca revision db-nya',
		compareOk: '{pvc}: revision {deadRev}, tidak lebih baru dari {pod} (revision {rev})',
		compareUnknown:
			'{pvc}: db-nya tidak terbaca ({reason}); tidak bisa dipastikan apakah datanya lebih baru',
		deadNewer:
			'{pvc} menyimpan revision {deadRev}, lebih baru dari {pod} di revision {rev}: memaksa {pod} berarti membuang tulisan yang hanya ada di {pods}. Belum ada yang diubah. Pulihkan dari salinan terbaru dengan etcd-all-crash (runbook itu membaca db setiap member dan memilih yang terbaru).',
		pendingPods: 'pod {pods} berstatus Pending, bukan crash; jalankan etcd-pending dulu',
		badMemberIdOnly:
			'pod yang crash ({pods}) gagal dengan "bad member ID arg"; pakai etcd-bad-member-id saja, datanya tetap utuh',
		execFailed: 'tidak bisa menjalankan etcdctl di {pod}: {reason}',
		quorumYes:
			'{pod} masih punya kuorum: member yang mati dihapus dengan member remove, tidak ada restart paksa',
		quorumNo:
			'{pod} tidak punya kuorum: pod ini dimulai ulang sekali dengan ETCD_FORCE_NEW_CLUSTER=true (data tetap ada)',
		deadList: 'member yang crash loop: {pods}',
		splitBrainLive:
			'member yang berjalan berasal dari cluster yang berbeda ({groups}); belum ada yang diubah. Runbook ini tidak memilih di antara keduanya: bandingkan datanya (etcdctl endpoint status -w json di setiap pod) lalu pulihkan dari yang benar dengan etcd-all-crash',
		resuming: 'melanjutkan penyelamatan yang sudah dimulai sebelumnya (member mati: {pods})',
		backupSaved: 'backup {file}: {keys} key pada revision {revision}, sha256 {sha}',
		backupFailed: 'gagal membuat backup {pod}: {reason}; belum ada yang diubah',
		backupTooSmall:
			'backup yang disalin dari {pod} kosong atau tidak terbaca; belum ada yang diubah',
		backupMissing:
			'manifest backup {file} hilang atau tidak terbaca; jumlah key tidak bisa dibandingkan',
		podStillThere: 'pod {pod} masih ada, jadi PVC-nya masih dipakai. Kecilkan replika dulu',
		waitPodsGone: 'pod {pods} berhenti',
		waitSingle: '{pod} berjalan sebagai satu-satunya member dengan kuorum',
		waitRollout: '{pod} dimulai ulang dengan setelan baru',
		waitJoin: '{pod} bergabung sebagai member yang started dan sehat',
		membersNow: 'member sekarang: {members}',
		helmNote:
			'Supaya tetap berlaku setelah "helm upgrade", isi etcd.initialClusterState=existing di values. "helm upgrade" memang menulis existing, tetapi instalasi ulang tidak.',
		stillDead: 'member {id} masih terdaftar; tidak aman untuk lanjut',
		forceStillSet:
			'ETCD_FORCE_NEW_CLUSTER masih terpasang di StatefulSet; hapus dulu sebelum menambah member',
		notReady: '{pod} belum Ready',
		clusterIds: 'member melaporkan cluster id yang berbeda: {ids} (split brain)',
		memberCount: 'seharusnya ada {want} member started, yang ada {got}',
		keyCount: 'jumlah key {got} berbeda dari backup ({want})',
		revisionBack: 'revision {got} lebih kecil dari backup ({want})',
		healthyDetails: '{n} member sehat, cluster id {id}, {keys} key (sama dengan backup)',
	},
};

// ---------------------------------------------------------------------------------------------------------
// Cluster reading helpers

/** @param {Context} ctx */
async function getSts(ctx) {
	return ctx.kube.json(['get', 'sts', ctx.names.sts]);
}

/** @param {{ stderr: string, stdout: string }} r */
const reasonOf = (r) =>
	r.stderr
		.split('\n')
		.map((s) => s.trim())
		.filter(Boolean)
		.pop() ??
	r.stdout.trim().split('\n')[0] ??
	'?';

/**
 * Key count and revision. Serializable when the member may lack quorum (the backup), else linearizable.
 * @param {Context} ctx
 * @param {string} pod
 * @param {boolean} serializable
 */
async function keyCount(ctx, pod, serializable) {
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

/** @param {string} file */
function sha256File(file) {
	return createHash('sha256').update(nodeFs.readFileSync(file)).digest('hex');
}

/**
 * @param {string} file
 * @returns {{ keys: number, revision: number, sha256: string, clusterId: string } | null}
 */
function readManifest(file) {
	try {
		const m = JSON.parse(nodeFs.readFileSync(file, 'utf8'));
		return typeof m?.keys === 'number' && typeof m?.sha256 === 'string' ? m : null;
	} catch {
		return null;
	}
}

/**
 * The journal keeps the facts from the backup on, because the toolkit saves them only once the first
 * change has finished: a run killed in the middle of scale-down would otherwise come back to a cluster
 * that no longer shows the symptom, and stop with exit 4 half-way through the rescue.
 * @param {Context} ctx
 */
function journalFile(ctx) {
	const dir = nodePath.resolve(String(ctx.flags['backup-dir'] ?? 'etcd-rescue'));
	const target = `${ctx.context ?? ''}_${ctx.namespace}_${ctx.names.sts}`.replace(
		/[^A-Za-z0-9_.-]/g,
		'_',
	);
	return nodePath.join(dir, `rescue-${target}.json`);
}

/** @param {string} file @returns {Facts | null} */
function readJournal(file) {
	try {
		return JSON.parse(nodeFs.readFileSync(file, 'utf8'));
	} catch {
		return null;
	}
}

// ---------------------------------------------------------------------------------------------------------
// Progress predicates: each says whether an effect is in place, and stays true after later steps ran, so
// a resumed run never redoes (or undoes) an earlier step.

/** etcd-0 no longer lists any member we meant to drop. @param {Context} ctx @param {Facts} f */
async function membersDropped(ctx, f) {
	const list = await memberList(ctx, ctx.names.pod(survivorOf(f)));
	if (!list) return false;
	return !list.some((m) => f.removeIds.includes(m.id));
}

/** @param {Context} ctx @param {Facts} f @param {number} i */
async function memberBack(ctx, f, i) {
	const pod = ctx.names.pod(i);
	const [pods, list] = await Promise.all([
		podsByOrdinal(ctx),
		memberList(ctx, ctx.names.pod(survivorOf(f))),
	]);
	if (!pods.get(i)?.ready) return false;
	return Boolean(list?.some((m) => m.started && m.name === pod && !f.removeIds.includes(m.id)));
}

// ---------------------------------------------------------------------------------------------------------

/** @type {Facts} */
const exampleFacts = {
	replicas: 3,
	survivor: 0,
	survivorRevision: 918273,
	initialCluster: [0, 1, 2]
		.map(
			(i) =>
				`my-release-etcd-${i}=http://my-release-etcd-${i}.my-release-etcd-headless.default.svc.cluster.local:2380`,
		)
		.join(','),
	dead: [1, 2],
	quorum: false,
	selfId: '8e9e05c52164694d',
	removeIds: ['91e9d1ed8d9d1c4f', 'fe4b7beda8f034de'],
	pvcUids: {},
	clusterState: 'new',
	backup: {
		db: 'etcd-rescue/my-release-etcd-0.db',
		manifest: 'etcd-rescue/my-release-etcd-0.json',
	},
};

export default defineRunbook(
	{
		name: 'etcd-multi-crash',
		summary: tx(
			'Recover etcd when some members crash-loop while one still runs, without a split brain or lost writes',
			'Pulihkan etcd saat sebagian member crash loop sementara satu masih berjalan, tanpa split brain dan tanpa kehilangan data yang sudah ditulis',
		),
		description: tx(
			'Use it when at least one etcd member of the release still runs and others stay in CrashLoopBackOff, ' +
				'including a member removed from a cluster that kept quorum. It picks the survivor (a member with ' +
				'quorum, else the running member with the highest revision, whatever its ordinal) and backs it up to ' +
				'this machine first (snapshot, key count, revision). Without quorum it reads the database on every ' +
				"dead member's PVC through a helper pod and refuses to go on if one is newer. It gives the survivor " +
				'quorum on its own (member remove while it still has quorum, otherwise one restart with ' +
				'ETCD_FORCE_NEW_CLUSTER=true that keeps the data), sets ETCD_INITIAL_CLUSTER_STATE=existing on the ' +
				'StatefulSet so new pods join this cluster instead of forming an empty one, deletes the PVCs of the ' +
				'dead members only (you type each name), adds the members back one at a time, and checks that every ' +
				'member is healthy, that all report one cluster id and that the key count equals the backup. ' +
				"Changes: StatefulSet replicas and env, the dead members' PVCs and etcd membership. Milvus loses etcd " +
				'while it runs.',
			'Pakai saat setidaknya satu member etcd dari release ini masih berjalan sementara yang lain terus ' +
				'CrashLoopBackOff, termasuk member yang dikeluarkan dari cluster yang kuorumnya masih ada. Runbook ini ' +
				'memilih member yang dipertahankan: member yang punya kuorum, atau kalau tidak ada, member berjalan ' +
				'dengan revision tertinggi, apa pun ordinalnya. Runbook lebih dulu membuat backup member itu di mesin ' +
				'ini (snapshot, jumlah key, revision). Tanpa kuorum, runbook membaca database di PVC setiap member yang ' +
				'mati lewat pod bantuan dan menolak lanjut kalau ada yang lebih baru. Lalu member itu dibuat punya ' +
				'kuorum sendiri: dengan member remove selama kuorum masih ada, kalau tidak, dengan sekali mulai ulang ' +
				'memakai ETCD_FORCE_NEW_CLUSTER=true, yang tetap menyimpan data. ETCD_INITIAL_CLUSTER_STATE=existing ' +
				'diisi di StatefulSet supaya pod baru bergabung ke cluster ini dan tidak membentuk cluster kosong. ' +
				'Hanya PVC member yang mati yang dihapus (Anda mengetik tiap namanya). Member ditambahkan kembali satu ' +
				'per satu, lalu runbook memeriksa bahwa semua member sehat, cluster id-nya sama, dan jumlah key sama ' +
				'dengan backup. Yang diubah: replika dan env StatefulSet, PVC member yang mati, dan keanggotaan etcd. ' +
				'Selama runbook berjalan, Milvus kehilangan etcd.',
		),
		target: 'kubernetes',
		flagGroups: ['kube', 'timeout'],
		exitCodes: {
			3: tx(
				'refused or aborted, also when a dead member holds newer data than every running one, or the running members belong to two clusters; nothing was changed then',
				'ditolak atau dibatalkan, juga kalau ada member mati yang datanya lebih baru daripada semua member yang berjalan, atau member yang berjalan berasal dari dua cluster; dalam hal itu belum ada yang diubah',
			),
			4: tx(
				'not this symptom: no member is crash-looping, or no member runs and answers (then use etcd-all-crash)',
				'bukan gejala ini: tidak ada member yang crash loop, atau tidak ada member yang berjalan dan menjawab (pakai etcd-all-crash)',
			),
		},
		flags: [
			{
				name: 'backup-dir',
				type: 'string',
				default: 'etcd-rescue',
				help: messageText(messages, 'flagBackupDir'),
			},
		],
		messages,
		exampleFacts,

		async preflight(ctx) {
			const fromState = /** @type {Facts | null} */ (ctx.resume?.facts ?? null);
			if (isFacts(fromState)) return resumeWith(ctx, fromState);
			try {
				return await detect(ctx);
			} catch (e) {
				// Killed before the toolkit saved any progress, e.g. in the middle of scale-down: the cluster no
				// longer shows the symptom, but the journal written after the backup knows the plan.
				const journal = readJournal(journalFile(ctx));
				if (e instanceof NotThisSymptomError && isFacts(journal)) return resumeWith(ctx, journal);
				throw e;
			}
		},

		steps(ctx, /** @type {Facts} */ f) {
			return planSteps(ctx, f);
		},

		async verify(ctx, /** @type {Facts} */ f) {
			return verifyCluster(ctx, f);
		},
	},
	import.meta.url,
);

/** @param {unknown} f @returns {f is Facts} */
function isFacts(f) {
	return Boolean(
		f &&
		typeof f === 'object' &&
		Array.isArray(/** @type {any} */ (f).dead) &&
		Array.isArray(/** @type {any} */ (f).removeIds),
	);
}

/** @param {Context} ctx @param {Facts} f */
function resumeWith(ctx, f) {
	// The cluster is half-fixed by design now (scaled down, members dropped): judge it by the plan the
	// first run made, not by today's symptoms.
	resumedRun = true;
	ctx.out.warn(ctx.t('resuming', { pods: f.dead.map((i) => ctx.names.pod(i)).join(', ') }));
	return f;
}

/**
 * Look at the cluster as it is: at least one member running, others crash-looping. The survivor is the
 * member with quorum if one has it, else the running member with the newest data, whatever its ordinal.
 * @param {Context} ctx
 * @returns {Promise<Facts>}
 */
async function detect(ctx) {
	const sts = await getSts(ctx);
	const replicas = Number(sts?.spec?.replicas ?? 0);
	if (replicas < 2)
		throw new NotThisSymptomError(ctx.t('notEnoughReplicas', { sts: ctx.names.sts, n: replicas }));
	const env = stsEnv(sts);
	let pods = await podsByOrdinal(ctx);
	const pending = [...pods.values()].filter((p) => p.phase === 'Pending').map((p) => p.name);
	if (pending.length > 0)
		throw new NotThisSymptomError(ctx.t('pendingPods', { pods: pending.join(', ') }));
	let live = await probeLive(ctx, pods, replicas);
	// A survivor between two restarts by its liveness probe shows no running container for a moment; give
	// it that moment. A running container that does not answer will not start to: etcd serves clients only
	// once it has published itself through raft, which a member restarted without quorum never does.
	const anyRunning = () => [...pods.values()].some((p) => p.running);
	for (let tries = 0; tries < 5 && live.length === 0 && !anyRunning(); tries++) {
		await new Promise((r) => setTimeout(r, 2000));
		pods = await podsByOrdinal(ctx);
		live = await probeLive(ctx, pods, replicas);
	}
	// Two clusters side by side (a split brain): the one with quorum may be the empty one Milvus was sent to.
	const clusters = new Map();
	for (const m of live)
		clusters.set(m.clusterId, [...(clusters.get(m.clusterId) ?? []), m.ordinal]);
	if (clusters.size > 1) {
		const groups = [...clusters]
			.map(
				([id, ords]) =>
					`${id}: ${ords.map((/** @type {number} */ i) => ctx.names.pod(i)).join(', ')}`,
			)
			.join('; ');
		throw new RefusedError(ctx.t('splitBrainLive', { groups }));
	}
	const picked = pickSurvivor(live);
	if (!picked) {
		const mute = [...pods.values()].filter((p) => p.running).map((p) => p.name);
		if (mute.length > 0)
			throw new NotThisSymptomError(ctx.t('survivorMute', { pods: mute.join(', ') }));
		const shown = [...pods.values()].map((p) => `${p.name} ${p.status}`).join(', ');
		throw new NotThisSymptomError(ctx.t('survivorDown', { pods: shown || ctx.names.sts }));
	}
	const s = picked.ordinal;
	const podS = ctx.names.pod(s);
	const alive = new Set(live.map((m) => m.ordinal));
	const crashing = [...pods.values()]
		.filter((p) => p.ordinal < replicas && !alive.has(p.ordinal) && (p.crashing || !p.running))
		.map((p) => p.ordinal)
		.sort((a, b) => a - b);
	if (crashing.length === 0) throw new NotThisSymptomError(ctx.t('noCrash'));
	const quorum = picked.healthy;
	// Without quorum the survivor is made a one-member cluster: every other member is rebuilt, including a
	// running one that was behind it.
	const dead = quorum
		? crashing
		: Array.from({ length: replicas }, (_, i) => i).filter((i) => i !== s);

	// Independent reads run together: every kubectl call costs a process start.
	const [logs, status, list, uids] = await Promise.all([
		Promise.all(
			crashing.map(async (i) =>
				[
					await ctx.kube.logs(ctx.names.pod(i)).catch(() => ''),
					await ctx.kube.logs(ctx.names.pod(i), { previous: true }).catch(() => ''),
				].join('\n'),
			),
		),
		waitFor(ctx, ctx.t('execFailed', { pod: podS, reason: 'endpoint status' }), () =>
			endpointStatus(ctx, podS),
		),
		memberList(ctx, podS),
		Promise.all(
			dead.map((i) =>
				ctx.kube.run(['get', 'pvc', ctx.names.pvc(i), '-o', 'jsonpath={.metadata.uid}'], {
					check: false,
				}),
			),
		),
	]);
	// A member that only lost its member_id keeps good data: the gentler runbook fixes it in place.
	if (logs.every((text) => text.includes('bad member ID arg')))
		throw new NotThisSymptomError(
			ctx.t('badMemberIdOnly', { pods: crashing.map((i) => ctx.names.pod(i)).join(', ') }),
		);
	if (!list) throw new StepFailedError(ctx.t('execFailed', { pod: podS, reason: 'member list' }));
	const deadNames = dead.map((i) => ctx.names.pod(i));
	const initial = String(env.ETCD_INITIAL_CLUSTER ?? '');
	// A member removed earlier (its log says so) is no longer listed: nothing to remove, only its disk.
	const removedEarlier = crashing.filter((i, j) =>
		/permanently removed from the cluster|failed to find member/.test(logs[j] ?? ''),
	);
	const removeIds = list
		.filter((m) => m.id !== status.memberId)
		.filter(
			(m) =>
				!quorum ||
				deadNames.includes(m.name) ||
				deadNames.some((n) => m.peerURLs.includes(peerOf(initial, n) ?? '-')),
		)
		.map((m) => m.id);

	/** @type {Record<string, string>} */
	const pvcUids = {};
	dead.forEach((i, j) => {
		const r = uids[j];
		if (r?.ok) pvcUids[ctx.names.pvc(i)] = r.stdout.trim();
	});

	const dir = nodePath.resolve(String(ctx.flags['backup-dir'] ?? 'etcd-rescue'));
	const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
	const base = nodePath.join(dir, `${podS}-${stamp}`);
	ctx.out.info(ctx.t('deadList', { pods: crashing.map((i) => ctx.names.pod(i)).join(', ') }));
	for (const i of removedEarlier) ctx.out.info(ctx.t('removedEarlier', { pod: ctx.names.pod(i) }));
	ctx.out.info(
		ctx.t('survivorPicked', {
			pod: podS,
			revision: picked.revision,
			index: picked.raftIndex,
			term: picked.raftTerm,
		}),
	);
	ctx.out.info(ctx.t(quorum ? 'quorumYes' : 'quorumNo', { pod: podS }));
	/** @type {Facts} */
	const facts = {
		replicas,
		survivor: s,
		survivorRevision: picked.revision,
		dead,
		quorum,
		selfId: status.memberId,
		removeIds,
		pvcUids,
		clusterState: env.ETCD_INITIAL_CLUSTER_STATE ?? 'new',
		initialCluster: initial,
		backup: { db: `${base}.db`, manifest: `${base}.json` },
	};
	return facts;
}

/**
 * The peer URL of one member in an ETCD_INITIAL_CLUSTER value.
 * @param {string} initial
 * @param {string} name
 */
function peerOf(initial, name) {
	const hit = initial.split(',').find((e) => e.startsWith(`${name}=`));
	return hit ? hit.slice(name.length + 1) : null;
}

/**
 * Every running pod that answers `endpoint status`, with its progress and whether it can commit.
 * @param {Context} ctx
 * @param {Map<number, import('./lib/etcd-members.mjs').PodState>} pods
 * @param {number} replicas
 * @returns {Promise<Array<import('./lib/etcd-members.mjs').Progress & { clusterId: string }>>}
 */
async function probeLive(ctx, pods, replicas) {
	const running = [...pods.values()].filter((p) => p.ordinal < replicas && (p.running || p.ready));
	const seen = await Promise.all(
		running.map(async (p) => {
			const [st, ok] = await Promise.all([endpointStatus(ctx, p.name), healthy(ctx, p.name)]);
			return st
				? {
						ordinal: p.ordinal,
						clusterId: st.clusterId,
						revision: st.revision,
						raftIndex: st.raftIndex,
						raftTerm: st.raftTerm,
						healthy: ok,
					}
				: null;
		}),
	);
	return seen.filter((m) => m !== null);
}

/**
 * @param {Context} ctx
 * @param {Facts} f
 * @returns {Step[]}
 */
function planSteps(ctx, f) {
	const k = ctx.kube;
	const n = ctx.names;
	const s = survivorOf(f);
	const podS = n.pod(s);
	const sts = n.sts;
	const below = f.dead.filter((i) => i < s);
	const above = f.dead.filter((i) => i > s);
	/** @type {Step[]} */
	const steps = [];

	steps.push({
		id: 'list-pods',
		title: tx('List the etcd pods', 'Lihat pod etcd'),
		mode: 'read',
		command: k.argv('get', 'pods', '-l', n.selector),
	});
	steps.push({
		id: 'check-quorum',
		title: tx(`Ask ${podS} whether it has a leader`, `Tanya ${podS} apakah ada leader`),
		mode: 'read',
		command: k.execArgv(podS, ['etcdctl', 'endpoint', 'status', '-w', 'table']),
		// Without quorum the command fails, and what it says is the answer.
		check: false,
		parse: (r) => `${r.stdout}${r.ok ? '' : r.stderr}`,
	});
	steps.push({
		id: 'backup',
		title: tx(
			`Back up ${podS} to this machine and record key count and revision`,
			`Backup ${podS} ke mesin ini dan catat jumlah key serta revision`,
		),
		mode: 'read',
		command: k.execArgv(podS, ['etcdctl', 'snapshot', 'save', SNAPSHOT_IN_POD]),
		done: () => {
			// Only a backup made for THIS rescue counts (its path is in the saved facts).
			if (!resumedRun) return false;
			const m = readManifest(f.backup.manifest);
			return Boolean(m && nodeFs.existsSync(f.backup.db) && sha256File(f.backup.db) === m.sha256);
		},
		run: async (c) => backup(c, f),
	});

	if (f.quorum) {
		for (const id of f.removeIds) {
			steps.push({
				id: 'member-remove',
				title: tx(
					`Remove dead member ${id} while ${podS} has quorum`,
					`Hapus member mati ${id} selagi ${podS} punya kuorum`,
				),
				mode: 'change',
				command: k.execArgv(podS, ['etcdctl', 'member', 'remove', id]),
				done: async (c) => {
					const list = await memberList(c, podS);
					return Boolean(list && !list.some((m) => m.id === id));
				},
			});
		}
		steps.push(setExistingStep(ctx));
		for (const i of f.dead) {
			steps.push({
				id: 'delete-pvc',
				title: tx(`Delete the PVC of dead member ${n.pod(i)}`, `Hapus PVC member mati ${n.pod(i)}`),
				mode: 'destroy',
				// --wait=false: the crash-looping pod still holds the claim until it is deleted next.
				command: k.argv('delete', 'pvc', n.pvc(i), '--wait=false'),
				confirmName: n.pvc(i),
				done: (c) => pvcReplaced(c, f, i),
			});
			steps.push({
				id: 'restart-pod',
				title: tx(
					`Recreate ${n.pod(i)} with an empty volume; it joins with member add`,
					`Buat ulang ${n.pod(i)} dengan volume kosong; pod bergabung lewat member add`,
				),
				mode: 'change',
				// The set env rollout may be recreating this very pod: already gone is as good as deleted.
				command: k.argv('delete', 'pod', n.pod(i), '--wait=false', '--ignore-not-found'),
				done: (c) => memberBack(c, f, i),
				after: async (c) => {
					await waitJoined(c, f, i);
					return c.t('membersNow', { members: await membersText(c, f) });
				},
			});
		}
	} else {
		for (const i of f.dead) {
			const pvc = n.pvc(i);
			const helper = `etcd-rescue-${n.pod(i)}`;
			const local = nodePath.join(nodePath.dirname(f.backup.db), `${n.pod(i)}-dead.db`);
			steps.push({
				id: 'compare-data',
				title: tx(
					`Check that ${pvc} holds nothing newer than ${podS} (helper pod)`,
					`Pastikan ${pvc} tidak menyimpan data yang lebih baru dari ${podS} (pod bantuan)`,
				),
				mode: 'read',
				command: k.argv('cp', `${helper}:${DB_IN_POD}`, local),
				run: async (c) => compareDead(c, f, i, helper, local),
			});
		}
		// The quorum branch's first step, as the alternative to the forced restart: the plan (and the page)
		// show what a survivor that still has quorum would get instead. Chosen only with quorum, which this
		// branch did not find, so a run reports it as not needed here.
		const id = f.removeIds[0] ?? '';
		steps.push({
			id: 'member-remove',
			title: tx(
				`Only when ${podS} still has quorum: remove dead member ${id} (replaces the next steps up to delete-pvc)`,
				`Hanya kalau ${podS} masih punya kuorum: hapus member mati ${id} (menggantikan langkah berikutnya sampai delete-pvc)`,
			),
			mode: 'change',
			command: k.execArgv(podS, ['etcdctl', 'member', 'remove', id]),
			when: () => f.quorum,
			alternativeTo: 'force-new-cluster',
		});
		if (s + 1 < f.replicas) {
			steps.push({
				id: 'scale-down',
				title: tx(`Stop every member above ${podS}`, `Hentikan semua member di atas ${podS}`),
				mode: 'change',
				command: k.argv('scale', 'sts', sts, `--replicas=${s + 1}`),
				done: async (c) => (await scaledDown(c, f)) || (await membersDropped(c, f)),
				after: async (c) => {
					const others = above.map((i) => n.pod(i));
					await waitFor(c, c.t('waitPodsGone', { pods: others.join(', ') }), () =>
						scaledDown(c, f),
					);
				},
			});
		}
		// A StatefulSet keeps pods 0..s-1 while pod s runs: their disks go first, so that none of them can
		// start with its old data (or take part in the forced restart) once the rollout recreates it.
		for (const i of below) {
			steps.push({
				id: 'delete-pvc',
				title: tx(
					`Delete the PVC of dead member ${n.pod(i)} (its pod is recreated empty later)`,
					`Hapus PVC member mati ${n.pod(i)} (pod-nya nanti dibuat ulang dalam keadaan kosong)`,
				),
				mode: 'destroy',
				command: k.argv('delete', 'pvc', n.pvc(i), '--wait=false'),
				confirmName: n.pvc(i),
				done: (c) => pvcGoingOrReplaced(c, f, i),
			});
		}
		const forceArgs =
			s === 0
				? ['ETCD_FORCE_NEW_CLUSTER=true']
				: ['ETCD_FORCE_NEW_CLUSTER=true', `ETCD_INITIAL_CLUSTER=${PAUSED_INITIAL_CLUSTER}`];
		steps.push({
			id: 'force-new-cluster',
			title: tx(
				s === 0
					? `Restart ${podS} once as a one-member cluster (data kept)`
					: `Restart ${podS} once as a one-member cluster (data kept); the pods below it cannot start meanwhile`,
				s === 0
					? `Restart ${podS} sekali sebagai cluster satu member (data tetap)`
					: `Restart ${podS} sekali sebagai cluster satu member (data tetap); pod di bawahnya tidak bisa start selama itu`,
			),
			mode: 'change',
			command: k.argv('set', 'env', `sts/${sts}`, ...forceArgs),
			done: (c) => membersDropped(c, f),
			run: async (c) => {
				// Refuse to force while another member could still start with old data: it would come back
				// with the old membership, or as a second one-member cluster.
				if (!(await scaledDown(c, f)))
					throw new StepFailedError(c.t('podStillThere', { pod: n.pod(above[0] ?? s) }));
				for (const i of below)
					if (!(await pvcGoingOrReplaced(c, f, i)))
						throw new StepFailedError(c.t('pvcStillThere', { pvc: n.pvc(i) }));
				await c.kube.run(['set', 'env', `sts/${sts}`, ...forceArgs]);
				await waitFor(
					c,
					c.t('waitSingle', { pod: podS }),
					async () => (await membersDropped(c, f)) && (await healthy(c, podS)),
				);
				return c.t('membersNow', { members: await membersText(c, f) });
			},
		});
		const clearArgs =
			s === 0
				? ['ETCD_FORCE_NEW_CLUSTER-', 'ETCD_INITIAL_CLUSTER_STATE=existing']
				: [
						'ETCD_FORCE_NEW_CLUSTER-',
						`ETCD_INITIAL_CLUSTER=${f.initialCluster ?? ''}`,
						'ETCD_INITIAL_CLUSTER_STATE=existing',
					];
		steps.push({
			id: 'clear-force-new-cluster',
			title: tx(
				'Remove ETCD_FORCE_NEW_CLUSTER and make new pods join this cluster (member add), in one restart',
				'Hapus ETCD_FORCE_NEW_CLUSTER dan buat pod baru bergabung ke cluster ini (member add), dalam satu restart',
			),
			mode: 'change',
			command: k.argv('set', 'env', `sts/${sts}`, ...clearArgs),
			done: async (c) => {
				const env = stsEnv(await getSts(c));
				if ('ETCD_FORCE_NEW_CLUSTER' in env || env.ETCD_INITIAL_CLUSTER_STATE !== 'existing')
					return false;
				if (s > 0 && env.ETCD_INITIAL_CLUSTER !== f.initialCluster) return false;
				for (const i of below) if (!(await memberBack(c, f, i))) return false;
				return true;
			},
			run: async (c) => {
				const before = await podUid(c, s);
				await c.kube.run(['set', 'env', `sts/${sts}`, ...clearArgs]);
				await waitRestarted(c, s, before);
				// The rollout goes on downwards: each pod below the survivor starts empty and joins through
				// member add, one at a time (the StatefulSet waits for each to be Ready).
				for (const i of below) await waitJoined(c, f, i);
				return below.length > 0 ? c.t('membersNow', { members: await membersText(c, f) }) : '';
			},
		});
		for (const i of above) {
			steps.push({
				id: 'delete-pvc',
				title: tx(`Delete the PVC of dead member ${n.pod(i)}`, `Hapus PVC member mati ${n.pod(i)}`),
				mode: 'destroy',
				command: k.argv('delete', 'pvc', n.pvc(i)),
				confirmName: n.pvc(i),
				done: (c) => pvcReplaced(c, f, i),
				run: async (c) => {
					const pods = await podsByOrdinal(c);
					if (pods.has(i)) throw new StepFailedError(c.t('podStillThere', { pod: n.pod(i) }));
					const r = await c.kube.run(['delete', 'pvc', n.pvc(i)]);
					return r.stdout;
				},
			});
		}
		for (let i = s + 1; i < f.replicas; i++) {
			const idx = i;
			steps.push({
				id: 'scale-up',
				title: tx(
					`Add ${n.pod(idx)} back and wait until it has joined`,
					`Tambahkan ${n.pod(idx)} kembali dan tunggu sampai bergabung`,
				),
				mode: 'change',
				command: k.argv('scale', 'sts', sts, `--replicas=${idx + 1}`),
				done: (c) => memberBack(c, f, idx),
				run: async (c) => {
					if (!(await membersDropped(c, f)))
						throw new StepFailedError(c.t('stillDead', { id: f.removeIds.join(', ') }));
					// A restart of the survivor with the flag still set would throw the new members out again.
					if ('ETCD_FORCE_NEW_CLUSTER' in stsEnv(await getSts(c)))
						throw new StepFailedError(c.t('forceStillSet'));
					await c.kube.run(['scale', 'sts', sts, `--replicas=${idx + 1}`]);
					await waitJoined(c, f, idx);
					return c.t('membersNow', { members: await membersText(c, f) });
				},
			});
		}
	}

	steps.push({
		id: 'verify',
		title: tx(
			'Show every member with its cluster id',
			'Tampilkan semua member beserta cluster id-nya',
		),
		mode: 'read',
		command: k.execArgv(podS, ['etcdctl', 'endpoint', 'status', '--cluster', '-w', 'table']),
		run: async (c) => {
			// In a dry run the dead members are still listed and each one only times out.
			if (c.dryRun) return c.t('dryVerify');
			// The template changes roll through the survivors after the new members are in; let it finish.
			await waitFor(c, c.t('waitRolled'), () => rolledOut(c, f));
			const r = await c.kube.exec(
				podS,
				['etcdctl', 'endpoint', 'status', '--cluster', '-w', 'table'],
				{ check: false },
			);
			return `${r.stdout}${r.ok ? '' : r.stderr}\n${c.t('helmNote')}`;
		},
	});
	return steps;
}

/** Facts saved by an older run have no survivor: it was always etcd-0 then. @param {Facts} f */
function survivorOf(f) {
	return f.survivor ?? 0;
}

/**
 * Wait until member i has joined, saying what the two-member window means while it does.
 * @param {Context} ctx @param {Facts} f @param {number} i
 */
async function waitJoined(ctx, f, i) {
	const list = (await memberList(ctx, ctx.names.pod(survivorOf(f)))) ?? [];
	if (list.length <= 1)
		ctx.out.warn(
			ctx.t('quorumOfTwo', { pod: ctx.names.pod(i), survivor: ctx.names.pod(survivorOf(f)) }),
		);
	await waitFor(ctx, ctx.t('waitJoin', { pod: ctx.names.pod(i) }), () => memberBack(ctx, f, i));
}

/**
 * Copy a dead member's db through a helper pod and refuse when it is newer than the survivor.
 * @param {Context} ctx @param {Facts} f @param {number} i @param {string} helper @param {string} local
 */
async function compareDead(ctx, f, i, helper, local) {
	const pvc = ctx.names.pvc(i);
	const podS = ctx.names.pod(survivorOf(f));
	if (!(pvc in f.pvcUids)) return ctx.t('compareUnknown', { pvc, reason: 'PVC not found' });
	if (ctx.dryRun) return ctx.t('compareDry', { pvc, pod: helper });
	// Facts saved by an older version of this runbook carry no revision to compare with.
	if (f.survivorRevision === undefined) return '';
	nodeFs.mkdirSync(nodePath.dirname(local), { recursive: true });
	const tmp = `${local}.part`;
	nodeFs.rmSync(tmp, { force: true });
	let r;
	try {
		r = await ctx.kube.withHelperPod(pvc, helper, async () =>
			ctx.kube.run(['cp', `${helper}:${DB_IN_POD}`, tmp], { check: false }),
		);
	} catch (e) {
		return ctx.t('compareUnknown', { pvc, reason: e instanceof Error ? e.message : String(e) });
	}
	if (!r.ok || !nodeFs.existsSync(tmp) || nodeFs.statSync(tmp).size === 0) {
		nodeFs.rmSync(tmp, { force: true });
		return ctx.t('compareUnknown', { pvc, reason: reasonOf(r) });
	}
	nodeFs.renameSync(tmp, local);
	let rev;
	try {
		rev = Number(latestRevision(local));
	} catch (e) {
		return ctx.t('compareUnknown', { pvc, reason: e instanceof Error ? e.message : String(e) });
	}
	const own = f.survivorRevision ?? 0;
	if (rev > own)
		throw new RefusedError(
			ctx.t('deadNewer', { pvc, deadRev: rev, pod: podS, rev: own, pods: ctx.names.pod(i) }),
		);
	return ctx.t('compareOk', { pvc, deadRev: rev, pod: podS, rev: own });
}

/**
 * @param {Context} ctx
 * @param {Facts} f
 * @returns {Promise<import('./lib/runbook.mjs').VerifyResult>}
 */
async function verifyCluster(ctx, f) {
	const pods = await podsByOrdinal(ctx);
	/** @type {string[]} */
	const problems = [];
	/** @type {Set<string>} */
	const ids = new Set();
	const manifest = readManifest(f.backup.manifest);
	if (!manifest) problems.push(ctx.t('backupMissing', { file: f.backup.manifest }));
	const ordinals = Array.from({ length: f.replicas }, (_, i) => i);
	// Every member is asked on its own: a split brain shows up as a second cluster id or another count.
	const views = await Promise.all(
		ordinals.map(async (i) => {
			const pod = ctx.names.pod(i);
			const [ok, st, kc] = await Promise.all([
				healthy(ctx, pod),
				endpointStatus(ctx, pod),
				keyCount(ctx, pod, false),
			]);
			return { pod, ready: Boolean(pods.get(i)?.ready) && ok, st, kc };
		}),
	);
	let keys = -1;
	for (const v of views) {
		if (!v.ready) {
			problems.push(ctx.t('notReady', { pod: v.pod }));
			continue;
		}
		if (v.st) ids.add(v.st.clusterId);
		if (!v.kc || !manifest) continue;
		keys = v.kc.count;
		if (v.kc.count !== manifest.keys)
			problems.push(ctx.t('keyCount', { got: v.kc.count, want: manifest.keys }));
		if (v.kc.revision < manifest.revision)
			problems.push(ctx.t('revisionBack', { got: v.kc.revision, want: manifest.revision }));
	}
	if (ids.size > 1) problems.push(ctx.t('clusterIds', { ids: [...ids].join(', ') }));
	const list = (await memberList(ctx, ctx.names.pod(survivorOf(f)))) ?? [];
	const started = list.filter((m) => m.started).length;
	if (started !== f.replicas || list.length !== f.replicas)
		problems.push(ctx.t('memberCount', { want: f.replicas, got: started }));
	if (problems.length > 0) return { ok: false, details: [...new Set(problems)].join('; ') };
	nodeFs.rmSync(journalFile(ctx), { force: true });
	return {
		ok: true,
		details: ctx.t('healthyDetails', { n: f.replicas, id: [...ids][0] ?? '?', keys }),
	};
}

// ---------------------------------------------------------------------------------------------------------
// Step bodies

/** @param {Context} ctx @returns {Step} */
function setExistingStep(ctx) {
	const sts = ctx.names.sts;
	return {
		id: 'set-existing',
		title: tx(
			'Make new pods join this cluster (member add) instead of bootstrapping a new one',
			'Buat pod baru bergabung ke cluster ini (member add), bukan membentuk cluster baru',
		),
		mode: 'change',
		command: ctx.kube.argv('set', 'env', `sts/${sts}`, 'ETCD_INITIAL_CLUSTER_STATE=existing'),
		done: async (c) => stsEnv(await getSts(c)).ETCD_INITIAL_CLUSTER_STATE === 'existing',
	};
}

/** @param {Context} ctx @param {number} i */
async function podUid(ctx, i) {
	const r = await ctx.kube.run(['get', 'pod', ctx.names.pod(i), '-o', 'jsonpath={.metadata.uid}'], {
		check: false,
	});
	return r.ok ? r.stdout.trim() : '';
}

/**
 * After a template change, wait until pod i is a new pod (or was already replaced) and healthy.
 * @param {Context} ctx @param {number} i @param {string} before uid before the change
 */
async function waitRestarted(ctx, i, before) {
	const pod = ctx.names.pod(i);
	await waitFor(ctx, ctx.t('waitRollout', { pod }), async () => {
		const sts = await getSts(ctx);
		const rev = sts?.status?.updateRevision;
		const r = await ctx.kube.run(['get', 'pod', pod, '-o', 'json'], { check: false });
		if (!r.ok) return false;
		const p = JSON.parse(r.stdout);
		const fresh =
			p?.metadata?.uid !== before ||
			(rev && p?.metadata?.labels?.['controller-revision-hash'] === rev);
		return fresh && podState(p).ready && (await healthy(ctx, pod));
	});
}

/** Every replica Ready on the StatefulSet's current template. @param {Context} ctx @param {Facts} f */
async function rolledOut(ctx, f) {
	const [sts, pods] = await Promise.all([getSts(ctx), podsByOrdinal(ctx)]);
	for (let i = 0; i < f.replicas; i++) if (!pods.get(i)?.ready) return false;
	const st = sts?.status ?? {};
	return !st.updateRevision || !st.currentRevision || st.updateRevision === st.currentRevision;
}

/** The pods above the survivor are gone and the sts stops at it. @param {Context} ctx @param {Facts} f */
async function scaledDown(ctx, f) {
	const s = survivorOf(f);
	const [sts, pods] = await Promise.all([getSts(ctx), podsByOrdinal(ctx)]);
	if (Number(sts?.spec?.replicas) !== s + 1) return false;
	return [...pods.keys()].every((i) => i <= s) && f.replicas > 1;
}

/**
 * The dead member's claim can no longer give its old data to a new pod: gone, being deleted, or replaced.
 * @param {Context} ctx @param {Facts} f @param {number} i
 */
async function pvcGoingOrReplaced(ctx, f, i) {
	const r = await ctx.kube.run(['get', 'pvc', ctx.names.pvc(i), '-o', 'json'], { check: false });
	if (!r.ok) return /not ?found/i.test(r.stderr);
	const pvc = JSON.parse(r.stdout);
	if (pvc?.metadata?.deletionTimestamp) return true;
	const was = f.pvcUids[ctx.names.pvc(i)];
	return Boolean(was) && pvc?.metadata?.uid !== was;
}

/** The dead member's PVC is gone, or already replaced by a fresh one. @param {Context} ctx @param {Facts} f @param {number} i */
async function pvcReplaced(ctx, f, i) {
	const r = await ctx.kube.run(['get', 'pvc', ctx.names.pvc(i), '-o', 'jsonpath={.metadata.uid}'], {
		check: false,
	});
	if (!r.ok) return /not ?found/i.test(r.stderr);
	const was = f.pvcUids[ctx.names.pvc(i)];
	return Boolean(was) && r.stdout.trim() !== was;
}

/** @param {Context} ctx @param {Facts} f */
async function membersText(ctx, f) {
	const list = (await memberList(ctx, ctx.names.pod(survivorOf(f)))) ?? [];
	return list.map((m) => `${m.name || '?'}=${m.id}${m.started ? '' : ' (unstarted)'}`).join(', ');
}

/**
 * Snapshot the survivor (or copy member/snap/db when the snapshot API fails), copy it here, record counts.
 * @param {Context} ctx
 * @param {Facts} f
 */
async function backup(ctx, f) {
	const pod0 = ctx.names.pod(survivorOf(f));
	nodeFs.mkdirSync(nodePath.dirname(f.backup.db), { recursive: true });
	// Counted before the snapshot: nothing writes to a member without quorum, and with quorum Milvus
	// should be stopped anyway; the revision recorded shows if that was not so.
	const counted = await keyCount(ctx, pod0, true);
	if (!counted)
		throw new StepFailedError(
			ctx.t('backupFailed', { pod: pod0, reason: 'etcdctl get --consistency=s' }),
		);
	let snap = await etcdctl(ctx, pod0, ['snapshot', 'save', SNAPSHOT_IN_POD]);
	if (!snap.ok) {
		snap = await ctx.kube.exec(pod0, ['cp', `${ETCD_MOUNT}/data/member/snap/db`, SNAPSHOT_IN_POD], {
			check: false,
		});
		if (!snap.ok)
			throw new StepFailedError(ctx.t('backupFailed', { pod: pod0, reason: reasonOf(snap) }));
	}
	const tmp = `${f.backup.db}.part`;
	const cp = await ctx.kube.run(['cp', `${pod0}:${SNAPSHOT_IN_POD}`, tmp], { check: false });
	if (!cp.ok) throw new StepFailedError(ctx.t('backupFailed', { pod: pod0, reason: reasonOf(cp) }));
	const size = nodeFs.existsSync(tmp) ? nodeFs.statSync(tmp).size : 0;
	if (size < 4096) throw new StepFailedError(ctx.t('backupTooSmall', { pod: pod0 }));
	nodeFs.renameSync(tmp, f.backup.db);
	const sha256 = sha256File(f.backup.db);
	const manifest = {
		pod: pod0,
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
	if (ctx.dryRun)
		return ctx.t('backupSaved', {
			file: f.backup.db,
			keys: counted.count,
			revision: counted.revision,
			sha: sha256.slice(0, 16),
		});
	const journal = journalFile(ctx);
	nodeFs.writeFileSync(`${journal}.part`, `${JSON.stringify(f, null, 2)}\n`);
	nodeFs.renameSync(`${journal}.part`, journal);
	return ctx.t('backupSaved', {
		file: f.backup.db,
		keys: counted.count,
		revision: counted.revision,
		sha: sha256.slice(0, 16),
	});
}
