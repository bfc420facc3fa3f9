#!/usr/bin/env zx
// @ts-check
// etcd-multi-crash: several etcd members of the Milvus chart crash-loop while etcd-0 still runs.
//
// The seed's recipe (scale to 1, delete the other PVCs, scale back) is unsafe: with two of three members
// dead etcd-0 has no quorum, the fork's preStop removes nobody, and fresh members started with
// ETCD_INITIAL_CLUSTER_STATE=new either crash for good ("has already been bootstrapped") or bootstrap a
// second, empty cluster that the Service then hands to Milvus. This runbook does it safely:
// back up etcd-0 first (snapshot copied to this machine, key count and revision recorded), give etcd-0
// quorum on its own (member remove while it has quorum, else one restart with ETCD_FORCE_NEW_CLUSTER),
// switch the StatefulSet to `existing` so new pods `member add` themselves into THIS cluster, delete only
// the dead members' PVCs, bring members back one at a time, and prove one cluster id and an unchanged key
// count at the end.
import * as nodeFs from 'node:fs';
import * as nodePath from 'node:path';
import { createHash } from 'node:crypto';
import { defineRunbook } from './lib/runbook.mjs';
import { NotThisSymptomError, StepFailedError } from './lib/exit.mjs';
import { ETCD_MOUNT } from './lib/kube.mjs';
import {
	ETCD_MEMBER_MESSAGES,
	checkTimeout,
	endpointStatus,
	etcdctl,
	healthy,
	hexId,
	memberList,
	parseJsonBig,
	podState,
	podsByOrdinal,
	stsEnv,
	waitFor,
	timeoutFlag,
} from './lib/etcd-members.mjs';

/** @typedef {import('./lib/runbook.mjs').Context} Context */
/** @typedef {import('./lib/runbook.mjs').Step} Step */

/**
 * @typedef {object} Facts
 * @property {number} replicas        the StatefulSet's size before we touched it
 * @property {number[]} dead          ordinals of the crash-looping members
 * @property {boolean} quorum         etcd-0 could commit (linearizable health) at preflight
 * @property {string} selfId          etcd-0's member id (hex)
 * @property {string[]} removeIds     member ids to drop (quorum path: the dead ones; else all but etcd-0)
 * @property {Record<string, string>} pvcUids  uid of each dead member's PVC, to tell "already recreated" apart
 * @property {string} clusterState    ETCD_INITIAL_CLUSTER_STATE at preflight
 * @property {{ db: string, manifest: string }} backup  local backup files (absolute)
 */

/** Set when this run continues an earlier one; only then may an existing backup stand in for a new one. */
let resumedRun = false;

const SNAPSHOT_IN_POD = '/tmp/etcd-backup.db';

const messages = {
	en: {
		...ETCD_MEMBER_MESSAGES.en,
		dryVerify: 'dry run: the members are checked after a real run',
		waitRolled: 'every member to run the new StatefulSet settings',
		flagBackupDir: 'folder on this machine for the etcd-0 backup (snapshot + manifest)',
		flagTimeout: 'seconds to wait for each pod or rollout',
		notEnoughReplicas:
			'StatefulSet {sts} has {n} replica(s); this runbook is for a multi-member etcd',
		noCrash: 'no etcd member other than {pod} is crash-looping',
		survivorDown: '{pod} is not running ({status}); if every member crashes use etcd-all-crash',
		pendingPods: 'pods {pods} are Pending, not crashing; run etcd-pending first',
		badMemberIdOnly:
			'the crashing pods ({pods}) fail with "bad member ID arg"; run etcd-bad-member-id instead, it keeps their data',
		execFailed: 'cannot run etcdctl in {pod}: {reason}',
		quorumYes:
			'{pod} has quorum: the dead members are removed with member remove, nothing is force-restarted',
		quorumNo:
			'{pod} has no quorum: it will be restarted once with ETCD_FORCE_NEW_CLUSTER=true (data kept)',
		deadList: 'crash-looping members: {pods}',
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
		flagBackupDir: 'folder di mesin ini untuk backup etcd-0 (snapshot + manifest)',
		flagTimeout: 'berapa detik menunggu tiap pod atau rollout',
		notEnoughReplicas:
			'StatefulSet {sts} punya {n} replika; runbook ini untuk etcd dengan beberapa member',
		noCrash: 'tidak ada member etcd selain {pod} yang crash-loop',
		survivorDown: '{pod} tidak berjalan ({status}); kalau semua member crash, pakai etcd-all-crash',
		pendingPods: 'pod {pods} berstatus Pending, bukan crash; jalankan etcd-pending dulu',
		badMemberIdOnly:
			'pod yang crash ({pods}) gagal dengan "bad member ID arg"; pakai etcd-bad-member-id saja, datanya tetap utuh',
		execFailed: 'tidak bisa menjalankan etcdctl di {pod}: {reason}',
		quorumYes:
			'{pod} masih punya quorum: member yang mati dihapus dengan member remove, tidak ada restart paksa',
		quorumNo:
			'{pod} tidak punya quorum: pod ini di-restart sekali dengan ETCD_FORCE_NEW_CLUSTER=true (data tetap ada)',
		deadList: 'member yang crash-loop: {pods}',
		resuming: 'melanjutkan penyelamatan yang sudah dimulai sebelumnya (member mati: {pods})',
		backupSaved: 'backup {file}: {keys} key pada revision {revision}, sha256 {sha}',
		backupFailed: 'gagal mem-backup {pod}: {reason}; belum ada yang diubah',
		backupTooSmall:
			'backup yang disalin dari {pod} kosong atau tidak terbaca; belum ada yang diubah',
		backupMissing:
			'manifest backup {file} hilang atau tidak terbaca; jumlah key tidak bisa dibandingkan',
		podStillThere: 'pod {pod} masih ada, jadi PVC-nya masih dipakai. Kecilkan replika dulu',
		waitPodsGone: 'pod {pods} berhenti',
		waitSingle: '{pod} berjalan sebagai satu-satunya member dengan quorum',
		waitRollout: '{pod} restart dengan setelan baru',
		waitJoin: '{pod} bergabung sebagai member yang started dan sehat',
		membersNow: 'member sekarang: {members}',
		helmNote:
			'Supaya tetap berlaku setelah helm upgrade: isi etcd.initialClusterState=existing di values (helm upgrade memang merender existing; install ulang tidak).',
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

/** @param {string} en @param {string} id */
const tx = (en, id) => ({ en, id });

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
	const list = await memberList(ctx, ctx.names.pod(0));
	if (!list) return false;
	return !list.some((m) => f.removeIds.includes(m.id));
}

/** @param {Context} ctx @param {Facts} f @param {number} i */
async function memberBack(ctx, f, i) {
	const pod = ctx.names.pod(i);
	const [pods, list] = await Promise.all([podsByOrdinal(ctx), memberList(ctx, ctx.names.pod(0))]);
	if (!pods.get(i)?.ready) return false;
	return Boolean(list?.some((m) => m.started && m.name === pod && !f.removeIds.includes(m.id)));
}

// ---------------------------------------------------------------------------------------------------------

/** @type {Facts} */
const exampleFacts = {
	replicas: 3,
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

await defineRunbook({
	name: 'etcd-multi-crash',
	summary: tx(
		'Recover etcd when several members crash-loop while etcd-0 still runs, without a split brain',
		'Pulihkan etcd saat beberapa member crash-loop sementara etcd-0 masih jalan, tanpa split brain',
	),
	description: tx(
		'Use it when etcd-0 is running and other etcd pods of the release stay in CrashLoopBackOff. It backs up ' +
			'etcd-0 to this machine first (snapshot, key count, revision), gives etcd-0 quorum on its own (member ' +
			'remove while it still has quorum, otherwise one restart with ETCD_FORCE_NEW_CLUSTER=true that keeps ' +
			'the data), sets ETCD_INITIAL_CLUSTER_STATE=existing on the StatefulSet so new pods join this cluster ' +
			'instead of forming an empty one, deletes the PVCs of the dead members only (you type each name), ' +
			'adds the members back one at a time, and checks that every member is healthy, that all report one ' +
			'cluster id and that the key count equals the backup. Changes: StatefulSet replicas and env, the dead ' +
			"members' PVCs and etcd membership. Milvus loses etcd while it runs.",
		'Pakai saat etcd-0 berjalan tetapi pod etcd lain dari release ini terus CrashLoopBackOff. Runbook ini ' +
			'mem-backup etcd-0 ke mesin ini dulu (snapshot, jumlah key, revision), membuat etcd-0 punya quorum ' +
			'sendiri (member remove selama quorum masih ada, kalau tidak, restart sekali dengan ' +
			'ETCD_FORCE_NEW_CLUSTER=true yang tetap menyimpan data), mengisi ETCD_INITIAL_CLUSTER_STATE=existing ' +
			'di StatefulSet supaya pod baru bergabung ke cluster ini dan tidak membentuk cluster kosong, menghapus ' +
			'PVC member yang mati saja (Anda mengetik tiap namanya), menambah member kembali satu per satu, lalu ' +
			'memeriksa semua member sehat, cluster id-nya sama, dan jumlah key sama dengan backup. Yang diubah: ' +
			'replika dan env StatefulSet, PVC member yang mati, dan keanggotaan etcd. Selama berjalan Milvus ' +
			'kehilangan etcd.',
	),
	target: 'kubernetes',
	flags: [
		{
			name: 'backup-dir',
			type: 'string',
			default: 'etcd-rescue',
			help: tx(messages.en.flagBackupDir, messages.id.flagBackupDir),
		},
		timeoutFlag(messages),
	],
	messages,
	exampleFacts,

	async preflight(ctx) {
		checkTimeout(ctx);
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
}).main();

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
 * Look at the cluster as it is: etcd-0 running, other members crash-looping.
 * @param {Context} ctx
 * @returns {Promise<Facts>}
 */
async function detect(ctx) {
	const pod0 = ctx.names.pod(0);
	const sts = await getSts(ctx);
	const replicas = Number(sts?.spec?.replicas ?? 0);
	if (replicas < 2)
		throw new NotThisSymptomError(ctx.t('notEnoughReplicas', { sts: ctx.names.sts, n: replicas }));
	const env = stsEnv(sts);
	let pods = await podsByOrdinal(ctx);
	// Without quorum the liveness probe restarts etcd-0 now and then; give it a moment to come back
	// before deciding that no member survives.
	for (let tries = 0; tries < 15 && pods.get(0)?.crashing && !pods.get(0)?.running; tries++) {
		await new Promise((r) => setTimeout(r, 2000));
		pods = await podsByOrdinal(ctx);
	}
	const first = pods.get(0);
	const pending = [...pods.values()].filter((p) => p.phase === 'Pending').map((p) => p.name);
	if (pending.length > 0)
		throw new NotThisSymptomError(ctx.t('pendingPods', { pods: pending.join(', ') }));
	if (!first || !(first.running || first.ready)) {
		throw new NotThisSymptomError(
			ctx.t('survivorDown', { pod: pod0, status: first?.status ?? 'missing' }),
		);
	}
	const dead = [...pods.values()]
		.filter((p) => p.ordinal > 0 && p.ordinal < replicas && p.crashing)
		.map((p) => p.ordinal)
		.sort((a, b) => a - b);
	if (dead.length === 0) throw new NotThisSymptomError(ctx.t('noCrash', { pod: pod0 }));

	// Independent reads run together: every kubectl call costs a process start.
	const [logs, status, list, quorum, uids] = await Promise.all([
		Promise.all(
			dead.map(async (i) =>
				[
					await ctx.kube.logs(ctx.names.pod(i)).catch(() => ''),
					await ctx.kube.logs(ctx.names.pod(i), { previous: true }).catch(() => ''),
				].join('\n'),
			),
		),
		waitFor(ctx, ctx.t('execFailed', { pod: pod0, reason: 'endpoint status' }), () =>
			endpointStatus(ctx, pod0),
		),
		memberList(ctx, pod0),
		healthy(ctx, pod0),
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
			ctx.t('badMemberIdOnly', { pods: dead.map((i) => ctx.names.pod(i)).join(', ') }),
		);
	if (!list) throw new StepFailedError(ctx.t('execFailed', { pod: pod0, reason: 'member list' }));
	const deadNames = dead.map((i) => ctx.names.pod(i));
	const initial = String(env.ETCD_INITIAL_CLUSTER ?? '');
	/** @param {string} name */
	const peerOf = (name) => {
		const hit = initial.split(',').find((e) => e.startsWith(`${name}=`));
		return hit ? hit.slice(name.length + 1) : null;
	};
	const removeIds = list
		.filter((m) => m.id !== status.memberId)
		.filter(
			(m) =>
				!quorum ||
				deadNames.includes(m.name) ||
				deadNames.some((n) => m.peerURLs.includes(peerOf(n) ?? '-')),
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
	const base = nodePath.join(dir, `${pod0}-${stamp}`);
	ctx.out.info(ctx.t('deadList', { pods: deadNames.join(', ') }));
	ctx.out.info(ctx.t(quorum ? 'quorumYes' : 'quorumNo', { pod: pod0 }));
	/** @type {Facts} */
	const facts = {
		replicas,
		dead,
		quorum,
		selfId: status.memberId,
		removeIds,
		pvcUids,
		clusterState: env.ETCD_INITIAL_CLUSTER_STATE ?? 'new',
		backup: { db: `${base}.db`, manifest: `${base}.json` },
	};
	return facts;
}

/**
 * @param {Context} ctx
 * @param {Facts} f
 * @returns {Step[]}
 */
function planSteps(ctx, f) {
	const k = ctx.kube;
	const n = ctx.names;
	const pod0 = n.pod(0);
	const sts = n.sts;
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
		title: tx(`Ask ${pod0} whether it has a leader`, `Tanya ${pod0} apakah ada leader`),
		mode: 'read',
		command: k.execArgv(pod0, ['etcdctl', 'endpoint', 'status', '-w', 'table']),
		run: async (c) => {
			const r = await c.kube.exec(pod0, ['etcdctl', 'endpoint', 'status', '-w', 'table'], {
				check: false,
			});
			return `${r.stdout}${r.ok ? '' : r.stderr}`;
		},
	});
	steps.push({
		id: 'backup',
		title: tx(
			`Back up ${pod0} to this machine and record key count and revision`,
			`Backup ${pod0} ke mesin ini dan catat jumlah key serta revision`,
		),
		mode: 'read',
		command: k.execArgv(pod0, ['etcdctl', 'snapshot', 'save', SNAPSHOT_IN_POD]),
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
					`Remove dead member ${id} while ${pod0} has quorum`,
					`Hapus member mati ${id} selagi ${pod0} punya quorum`,
				),
				mode: 'change',
				command: k.execArgv(pod0, ['etcdctl', 'member', 'remove', id]),
				done: async (c) => {
					const list = await memberList(c, pod0);
					return Boolean(list && !list.some((m) => m.id === id));
				},
			});
		}
		steps.push(setExistingStep(ctx, f));
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
				command: k.argv('delete', 'pod', n.pod(i)),
				done: (c) => memberBack(c, f, i),
				run: async (c) => {
					await c.kube.run(['delete', 'pod', n.pod(i), '--wait=false']);
					await waitFor(c, c.t('waitJoin', { pod: n.pod(i) }), () => memberBack(c, f, i));
					return c.t('membersNow', { members: await membersText(c) });
				},
			});
		}
	} else {
		if (ctx.describing) {
			// The plan shown on the site lists the quorum branch's first step too, so the page's
			// "etcd-0 still has quorum" alternative is a step of this runbook like every other block.
			const id = f.removeIds[0] ?? '';
			steps.push({
				id: 'member-remove',
				title: tx(
					`Only when ${pod0} still has quorum: remove dead member ${id} (replaces the next three steps)`,
					`Hanya kalau ${pod0} masih punya quorum: hapus member mati ${id} (menggantikan tiga langkah berikutnya)`,
				),
				mode: 'change',
				command: k.execArgv(pod0, ['etcdctl', 'member', 'remove', id]),
			});
		}
		steps.push({
			id: 'scale-down',
			title: tx(`Stop every member but ${pod0}`, `Hentikan semua member kecuali ${pod0}`),
			mode: 'change',
			command: k.argv('scale', 'sts', sts, '--replicas=1'),
			done: async (c) => (await scaledDown(c, f)) || (await membersDropped(c, f)),
			run: async (c) => {
				await c.kube.run(['scale', 'sts', sts, '--replicas=1']);
				const others = Array.from({ length: f.replicas - 1 }, (_, j) => n.pod(j + 1));
				await waitFor(c, c.t('waitPodsGone', { pods: others.join(', ') }), () => scaledDown(c, f));
			},
		});
		steps.push({
			id: 'force-new-cluster',
			title: tx(
				`Restart ${pod0} once as a one-member cluster (data kept)`,
				`Restart ${pod0} sekali sebagai cluster satu member (data tetap)`,
			),
			mode: 'change',
			command: k.argv('set', 'env', `sts/${sts}`, 'ETCD_FORCE_NEW_CLUSTER=true'),
			done: (c) => membersDropped(c, f),
			run: async (c) => {
				// Refuse to force while other pods still run: they would come back with the old membership.
				if (!(await scaledDown(c, f)))
					throw new StepFailedError(c.t('podStillThere', { pod: n.pod(1) }));
				await c.kube.run(['set', 'env', `sts/${sts}`, 'ETCD_FORCE_NEW_CLUSTER=true']);
				await waitFor(
					c,
					c.t('waitSingle', { pod: pod0 }),
					async () => (await membersDropped(c, f)) && (await healthy(c, pod0)),
				);
				return c.t('membersNow', { members: await membersText(c) });
			},
		});
		steps.push({
			id: 'clear-force-new-cluster',
			title: tx(
				'Remove ETCD_FORCE_NEW_CLUSTER again, so no later restart wipes the membership',
				'Hapus lagi ETCD_FORCE_NEW_CLUSTER, supaya restart berikutnya tidak menghapus keanggotaan',
			),
			mode: 'change',
			command: k.argv('set', 'env', `sts/${sts}`, 'ETCD_FORCE_NEW_CLUSTER-'),
			done: async (c) => !('ETCD_FORCE_NEW_CLUSTER' in stsEnv(await getSts(c))),
			run: async (c) => {
				const before = await podUid(c, 0);
				await c.kube.run(['set', 'env', `sts/${sts}`, 'ETCD_FORCE_NEW_CLUSTER-']);
				await waitRestarted(c, 0, before);
			},
		});
		steps.push(setExistingStep(ctx, f));
		for (const i of f.dead) {
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
		for (let i = 1; i < f.replicas; i++) {
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
					// A restart of etcd-0 with the flag still set would throw the new members out again.
					if ('ETCD_FORCE_NEW_CLUSTER' in stsEnv(await getSts(c)))
						throw new StepFailedError(c.t('forceStillSet'));
					await c.kube.run(['scale', 'sts', sts, `--replicas=${idx + 1}`]);
					await waitFor(c, c.t('waitJoin', { pod: n.pod(idx) }), () => memberBack(c, f, idx));
					return c.t('membersNow', { members: await membersText(c) });
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
		command: k.execArgv(pod0, ['etcdctl', 'endpoint', 'status', '--cluster', '-w', 'table']),
		run: async (c) => {
			// In a dry run the dead members are still listed and each one only times out.
			if (c.dryRun) return c.t('dryVerify');
			// The template changes roll through the survivors after the new members are in; let it finish.
			await waitFor(c, c.t('waitRolled'), () => rolledOut(c, f));
			const r = await c.kube.exec(
				pod0,
				['etcdctl', 'endpoint', 'status', '--cluster', '-w', 'table'],
				{ check: false },
			);
			return `${r.stdout}${r.ok ? '' : r.stderr}\n${c.t('helmNote')}`;
		},
	});
	return steps;
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
	const list = (await memberList(ctx, ctx.names.pod(0))) ?? [];
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

/** @param {Context} ctx @param {Facts} f @returns {Step} */
function setExistingStep(ctx, f) {
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
		run: async (c) => {
			const before = await podUid(c, 0);
			await c.kube.run(['set', 'env', `sts/${sts}`, 'ETCD_INITIAL_CLUSTER_STATE=existing']);
			// Without quorum-path pods around, the rollout restarts etcd-0 alone; wait until it serves again.
			if (!f.quorum) await waitRestarted(c, 0, before);
		},
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

/** Pods 1..N-1 are gone and the sts wants one replica. @param {Context} ctx @param {Facts} f */
async function scaledDown(ctx, f) {
	const [sts, pods] = await Promise.all([getSts(ctx), podsByOrdinal(ctx)]);
	if (Number(sts?.spec?.replicas) !== 1) return false;
	return [...pods.keys()].every((i) => i === 0) && f.replicas > 1;
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

/** @param {Context} ctx */
async function membersText(ctx) {
	const list = (await memberList(ctx, ctx.names.pod(0))) ?? [];
	return list.map((m) => `${m.name || '?'}=${m.id}${m.started ? '' : ' (unstarted)'}`).join(', ');
}

/**
 * Snapshot etcd-0 (or copy member/snap/db when the snapshot API fails), copy it here, record counts.
 * @param {Context} ctx
 * @param {Facts} f
 */
async function backup(ctx, f) {
	const pod0 = ctx.names.pod(0);
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
		members: await membersText(ctx),
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
