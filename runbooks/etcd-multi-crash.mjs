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
import { defineRunbook } from './lib/runbook.mjs';
import { NotThisSymptomError } from './lib/exit.mjs';
import { HELPER_IMAGE_FLAG } from './lib/kube.mjs';
import {
	CLUSTER_STATUS_TABLE,
	ETCD_MEMBER_MESSAGES,
	listEtcdPodsStep,
	memberList,
	stsEnv,
} from './lib/etcd-members.mjs';
import { messageText, tx } from './lib/i18n.mjs';
import { SURVIVOR_MESSAGES, isFacts, surveyCluster, survivorOf } from './lib/etcd-survivor.mjs';
import {
	LIVE_BACKUP_MESSAGES,
	DB_IN_POD,
	SNAPSHOT_IN_POD,
	backupFiles,
	backupHooks,
	compareHooks,
	deadCopy,
	readJournal,
	verifyAgainstBackup,
} from './lib/etcd-live-backup.mjs';
import {
	REJOIN_MESSAGES,
	PAUSED_INITIAL_CLUSTER,
	clearForceHooks,
	forceHooks,
	getSts,
	joinHooks,
	pvcGoingOrReplaced,
	pvcReplaced,
	refuseUnlessJoinable,
	refuseWhilePodRuns,
	scaleDownHooks,
	waitRolledOut,
} from './lib/etcd-rejoin.mjs';

/** @typedef {import('./lib/runbook.mjs').Context} Context */
/** @typedef {import('./lib/runbook.mjs').Step} Step */
/** @typedef {import('./lib/etcd-survivor.mjs').Facts} Facts */

const messages = {
	en: {
		...ETCD_MEMBER_MESSAGES.en,
		...SURVIVOR_MESSAGES.en,
		...LIVE_BACKUP_MESSAGES.en,
		...REJOIN_MESSAGES.en,
		dryVerify: 'dry run: the members are checked after a real run',
		flagBackupDir: 'folder on this machine for the backup of the survivor (snapshot + manifest)',
		resuming: 'continuing the rescue started earlier (dead members: {pods})',
		helmNote:
			'Keep this across helm upgrades: set etcd.initialClusterState=existing in your values (helm upgrade renders existing anyway; a reinstall would not).',
		clusterIds: 'members report different cluster ids: {ids} (split brain)',
	},
	id: {
		...ETCD_MEMBER_MESSAGES.id,
		...SURVIVOR_MESSAGES.id,
		...LIVE_BACKUP_MESSAGES.id,
		...REJOIN_MESSAGES.id,
		dryVerify: 'dry run: member diperiksa setelah run yang sebenarnya',
		flagBackupDir:
			'folder di mesin ini untuk backup member yang dipertahankan (snapshot + manifest)',
		resuming: 'melanjutkan penyelamatan yang sudah dimulai sebelumnya (member mati: {pods})',
		helmNote:
			'Supaya tetap berlaku setelah "helm upgrade", isi etcd.initialClusterState=existing di values. "helm upgrade" memang menulis existing, tetapi instalasi ulang tidak.',
		clusterIds: 'member melaporkan cluster id yang berbeda: {ids} (split brain)',
	},
};

/** Facts of runs that continue an earlier one: only there may an existing backup stand in for a new one. */
const resumedFacts = new WeakSet();

/** @param {Context} ctx @param {Facts} f */
function resumeWith(ctx, f) {
	// The cluster is half-fixed by design now (scaled down, members dropped): judge it by the plan the
	// first run made, not by today's symptoms.
	resumedFacts.add(f);
	ctx.out.warn(ctx.t('resuming', { pods: f.dead.map((i) => ctx.names.pod(i)).join(', ') }));
	return f;
}

/** The facts to plan from: the saved ones when continuing, else the cluster as it is. @param {Context} ctx */
async function preflight(ctx) {
	const fromState = ctx.resume?.facts ?? null;
	if (isFacts(fromState)) return resumeWith(ctx, fromState);
	try {
		const survey = await surveyCluster(ctx);
		return { ...survey, backup: backupFiles(ctx, ctx.names.pod(survivorOf(survey))) };
	} catch (e) {
		// Killed before the toolkit saved any progress, e.g. in the middle of scale-down: the cluster no
		// longer shows the symptom, but the journal written after the backup knows the plan.
		const journal = readJournal(ctx);
		if (e instanceof NotThisSymptomError && isFacts(journal)) return resumeWith(ctx, journal);
		throw e;
	}
}

/**
 * Delete dead member i's PVC: the user types its name.
 * @param {Context} ctx @param {number} i @param {string[]} options e.g. --wait=false
 * @returns {Step}
 */
function deletePvcStep(ctx, i, ...options) {
	const pod = ctx.names.pod(i);
	return {
		id: 'delete-pvc',
		title: tx(`Delete the PVC of dead member ${pod}`, `Hapus PVC member mati ${pod}`),
		mode: 'destroy',
		command: ctx.kube.argv('delete', 'pvc', ctx.names.pvc(i), ...options),
		confirmName: ctx.names.pvc(i),
	};
}

/**
 * Look before changing anything: the pods, the survivor's view of the leader, the backup and, without
 * quorum, each dead member's db compared with the survivor.
 * @param {Context} ctx @param {Facts} f @returns {Step[]}
 */
function readSteps(ctx, f) {
	const k = ctx.kube;
	const podS = ctx.names.pod(survivorOf(f));
	/** @type {Step[]} */
	const steps = [
		listEtcdPodsStep(ctx),
		{
			id: 'check-quorum',
			title: tx(`Ask ${podS} whether it has a leader`, `Tanya ${podS} apakah ada leader`),
			mode: 'read',
			command: k.execArgv(podS, ['etcdctl', 'endpoint', 'status', '-w', 'table']),
			// Without quorum the command fails, and what it says is the answer.
			check: false,
			parse: (r) => `${r.stdout}${r.ok ? '' : r.stderr}`,
		},
		{
			id: 'backup',
			title: tx(
				`Back up ${podS} to this machine and record key count and revision`,
				`Backup ${podS} ke mesin ini dan catat jumlah key serta revision`,
			),
			mode: 'read',
			command: k.execArgv(podS, ['etcdctl', 'snapshot', 'save', SNAPSHOT_IN_POD]),
			// A failed snapshot (the API can refuse) falls back to copying member/snap/db. etcdctl's log lines
			// are noise here: what the backup holds is printed instead.
			check: false,
			parse: (r) => r,
			...backupHooks(f, resumedFacts.has(f)),
		},
	];
	if (f.quorum) return steps;
	for (const i of f.dead) {
		const { pvc, helper, local } = deadCopy(ctx, f, i);
		steps.push({
			id: 'compare-data',
			title: tx(
				`Check that ${pvc} holds nothing newer than ${podS} (helper pod)`,
				`Pastikan ${pvc} tidak menyimpan data yang lebih baru dari ${podS} (pod bantuan)`,
			),
			mode: 'read',
			command: k.argv('cp', `${helper}:${DB_IN_POD}`, local),
			// A failed copy is reported with its reason; tar's notes on a good one are noise.
			check: false,
			parse: (r) => r,
			// A db that cannot be read is reported and the run goes on; a newer one refuses the run.
			optional: true,
			...compareHooks(ctx, f, i),
		});
	}
	return steps;
}

/**
 * With quorum: drop the dead members, make new pods join, and give each dead member an empty disk.
 * @param {Context} ctx @param {Facts} f @returns {Step[]}
 */
function quorumSteps(ctx, f) {
	const k = ctx.kube;
	const n = ctx.names;
	const podS = n.pod(survivorOf(f));
	/** @type {Step[]} */
	const steps = f.removeIds.map((id) => ({
		id: 'member-remove',
		title: tx(
			`Remove dead member ${id} while ${podS} has quorum`,
			`Hapus member mati ${id} selagi ${podS} punya kuorum`,
		),
		mode: /** @type {const} */ ('change'),
		command: k.execArgv(podS, ['etcdctl', 'member', 'remove', id]),
		done: async (/** @type {Context} */ c) => {
			const list = await memberList(c, podS);
			return Boolean(list && !list.some((m) => m.id === id));
		},
	}));
	steps.push({
		id: 'set-existing',
		title: tx(
			'Make new pods join this cluster (member add) instead of bootstrapping a new one',
			'Buat pod baru bergabung ke cluster ini (member add), bukan membentuk cluster baru',
		),
		mode: 'change',
		command: k.argv('set', 'env', `sts/${n.sts}`, 'ETCD_INITIAL_CLUSTER_STATE=existing'),
		done: async (c) => stsEnv(await getSts(c)).ETCD_INITIAL_CLUSTER_STATE === 'existing',
	});
	for (const i of f.dead) {
		// --wait=false: the crash-looping pod still holds the claim until it is deleted next.
		steps.push({ ...deletePvcStep(ctx, i, '--wait=false'), done: (c) => pvcReplaced(c, f, i) });
		steps.push({
			id: 'restart-pod',
			title: tx(
				`Recreate ${n.pod(i)} with an empty volume; it joins with member add`,
				`Buat ulang ${n.pod(i)} dengan volume kosong; pod bergabung lewat member add`,
			),
			mode: 'change',
			// The set env rollout may be recreating this very pod: already gone is as good as deleted.
			command: k.argv('delete', 'pod', n.pod(i), '--wait=false', '--ignore-not-found'),
			...joinHooks(f, i),
		});
	}
	return steps;
}

/**
 * Without quorum: the quorum path's first step as the alternative, stop the members above the survivor, empty
 * the disks below it, force the survivor to a one-member cluster, then clear the flag with `existing`.
 * @param {Context} ctx @param {Facts} f @returns {Step[]}
 */
function forceSteps(ctx, f) {
	const k = ctx.kube;
	const n = ctx.names;
	const s = survivorOf(f);
	const podS = n.pod(s);
	const below = f.dead.filter((i) => i < s);
	const firstId = f.removeIds[0] ?? '';
	/** @type {Step[]} */
	const steps = [
		// The plan (and the page) show what a survivor that still has quorum would get instead. Chosen only
		// with quorum, which this branch did not find, so a run reports it as not needed here.
		{
			id: 'member-remove',
			title: tx(
				`Only when ${podS} still has quorum: remove dead member ${firstId} (replaces the next steps up to delete-pvc)`,
				`Hanya kalau ${podS} masih punya kuorum: hapus member mati ${firstId} (menggantikan langkah berikutnya sampai delete-pvc)`,
			),
			mode: 'change',
			command: k.execArgv(podS, ['etcdctl', 'member', 'remove', firstId]),
			when: () => f.quorum,
			alternativeTo: 'force-new-cluster',
		},
	];
	if (s + 1 < f.replicas) {
		steps.push({
			id: 'scale-down',
			title: tx(`Stop every member above ${podS}`, `Hentikan semua member di atas ${podS}`),
			mode: 'change',
			command: k.argv('scale', 'sts', n.sts, `--replicas=${s + 1}`),
			...scaleDownHooks(f),
		});
	}
	// A StatefulSet keeps pods 0..s-1 while pod s runs: their disks go first, so that none of them can
	// start with its old data (or take part in the forced restart) once the rollout recreates it.
	for (const i of below) {
		steps.push({
			...deletePvcStep(ctx, i, '--wait=false'),
			title: tx(
				`Delete the PVC of dead member ${n.pod(i)} (its pod is recreated empty later)`,
				`Hapus PVC member mati ${n.pod(i)} (pod-nya nanti dibuat ulang dalam keadaan kosong)`,
			),
			done: (c) => pvcGoingOrReplaced(c, f, i),
		});
	}
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
		command: k.argv(
			'set',
			'env',
			`sts/${n.sts}`,
			'ETCD_FORCE_NEW_CLUSTER=true',
			...(s === 0 ? [] : [`ETCD_INITIAL_CLUSTER=${PAUSED_INITIAL_CLUSTER}`]),
		),
		...forceHooks(f),
	});
	steps.push(clearForceStep(ctx, f));
	return steps;
}

/**
 * One `set env` (one restart) clears the flag, makes new pods join with member add, and for a survivor above
 * etcd-0 puts the chart's member list back; the pods below it then start empty and join, one at a time.
 * @param {Context} ctx @param {Facts} f @returns {Step}
 */
function clearForceStep(ctx, f) {
	const s = survivorOf(f);
	return {
		id: 'clear-force-new-cluster',
		title: tx(
			'Remove ETCD_FORCE_NEW_CLUSTER and make new pods join this cluster (member add), in one restart',
			'Hapus ETCD_FORCE_NEW_CLUSTER dan buat pod baru bergabung ke cluster ini (member add), dalam satu restart',
		),
		mode: 'change',
		command: ctx.kube.argv(
			'set',
			'env',
			`sts/${ctx.names.sts}`,
			'ETCD_FORCE_NEW_CLUSTER-',
			...(s === 0 ? [] : [`ETCD_INITIAL_CLUSTER=${f.initialCluster ?? ''}`]),
			'ETCD_INITIAL_CLUSTER_STATE=existing',
		),
		...clearForceHooks(f),
	};
}

/**
 * After a forced restart: the dead members above the survivor get an empty disk and come back one at a time.
 * @param {Context} ctx @param {Facts} f @returns {Step[]}
 */
function rejoinSteps(ctx, f) {
	const k = ctx.kube;
	const n = ctx.names;
	const s = survivorOf(f);
	/** @type {Step[]} */
	const steps = [];
	for (const i of f.dead.filter((d) => d > s)) {
		steps.push({
			...deletePvcStep(ctx, i),
			done: (c) => pvcReplaced(c, f, i),
			before: (c) => refuseWhilePodRuns(c, i),
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
			command: k.argv('scale', 'sts', n.sts, `--replicas=${idx + 1}`),
			...joinHooks(f, idx, (c) => refuseUnlessJoinable(c, f)),
		});
	}
	return steps;
}

/** @param {Context} ctx @param {Facts} f @returns {Step} */
function verifyStep(ctx, f) {
	return {
		id: 'verify',
		title: tx(
			'Show every member with its cluster id',
			'Tampilkan semua member beserta cluster id-nya',
		),
		mode: 'read',
		command: ctx.kube.execArgv(ctx.names.pod(survivorOf(f)), CLUSTER_STATUS_TABLE),
		check: false,
		// In a dry run the dead members are still listed and each one only times out.
		when: (c) => {
			if (c.dryRun) c.out.info(c.t('dryVerify'));
			return !c.dryRun;
		},
		// The template changes roll through the survivors after the new members are in; let it finish.
		before: (c) => waitRolledOut(c, f),
		parse: (r) => `${r.stdout}${r.ok ? '' : r.stderr}`,
		after: (c) => c.t('helmNote'),
	};
}

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
			HELPER_IMAGE_FLAG,
		],
		messages,
		exampleFacts,
		preflight,
		steps: (ctx, /** @type {Facts} */ f) => [
			...readSteps(ctx, f),
			...(f.quorum ? quorumSteps(ctx, f) : [...forceSteps(ctx, f), ...rejoinSteps(ctx, f)]),
			verifyStep(ctx, f),
		],
		verify: (ctx, /** @type {Facts} */ f) => verifyAgainstBackup(ctx, f),
	},
	import.meta.url,
);
