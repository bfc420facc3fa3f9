// @ts-check
// Which etcd member a partial crash is rebuilt around, and what the rebuild has to undo: the member with quorum
// if one has it, else the running member with the newest data (pickSurvivor), whatever its ordinal; the members
// to rebuild, the member ids to drop and the PVC uids that tell "already recreated" apart. Refuses (nothing
// changed) when the running members belong to two clusters, and names the right runbook when this is another
// symptom: Pending pods, only "bad member ID arg", or no member that answers. Used by etcd-multi-crash.
import { NotThisSymptomError, RefusedError, StepFailedError } from './exit.mjs';
import {
	endpointStatus,
	healthy,
	isPodMember,
	memberList,
	pickSurvivor,
	podsByOrdinal,
	stsEnv,
	waitFor,
} from './etcd-members.mjs';

/** @typedef {import('./runbook.mjs').Context} Context */
/** @typedef {import('./etcd-members.mjs').PodState} PodState */
/** @typedef {import('./etcd-members.mjs').Progress & { clusterId: string }} LiveMember */

/**
 * What the rescue is planned from: found at preflight, kept in the resume state and the journal.
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

/** @typedef {Omit<Facts, 'backup'>} Survey  the facts before the backup files are named */

export const SURVIVOR_MESSAGES = {
	en: {
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
	},
	id: {
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
	},
};

/** Facts saved by an older run have no survivor: it was always etcd-0 then. @param {Facts | Survey} f */
export function survivorOf(f) {
	return f.survivor ?? 0;
}

/** Saved facts (resume state or journal) that a run can continue from. @param {unknown} f @returns {f is Facts} */
export function isFacts(f) {
	return Boolean(
		f &&
		typeof f === 'object' &&
		Array.isArray(/** @type {any} */ (f).dead) &&
		Array.isArray(/** @type {any} */ (f).removeIds),
	);
}

/**
 * Every running pod that answers `endpoint status`, with its progress and whether it can commit.
 * @param {Context} ctx
 * @param {Map<number, PodState>} pods
 * @param {number} replicas
 * @returns {Promise<LiveMember[]>}
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
 * The running members that answer, after giving a survivor between two liveness restarts its moment, and the
 * pods as last seen. Two clusters side by side (a split brain) are refused: the one with quorum may be the
 * empty one Milvus was sent to.
 * @param {Context} ctx
 * @param {number} replicas
 */
async function liveMembers(ctx, replicas) {
	let pods = await podsByOrdinal(ctx);
	const pending = [...pods.values()].filter((p) => p.phase === 'Pending').map((p) => p.name);
	if (pending.length > 0)
		throw new NotThisSymptomError(ctx.t('pendingPods', { pods: pending.join(', ') }));
	let live = await probeLive(ctx, pods, replicas);
	// A running container that does not answer will not start to: etcd serves clients only once it has
	// published itself through raft, which a member restarted without quorum never does.
	const anyRunning = () => [...pods.values()].some((p) => p.running);
	for (let tries = 0; tries < 5 && live.length === 0 && !anyRunning(); tries++) {
		await new Promise((r) => setTimeout(r, 2000));
		pods = await podsByOrdinal(ctx);
		live = await probeLive(ctx, pods, replicas);
	}
	/** @type {Map<string, number[]>} */
	const clusters = new Map();
	for (const m of live)
		clusters.set(m.clusterId, [...(clusters.get(m.clusterId) ?? []), m.ordinal]);
	if (clusters.size > 1) {
		const groups = [...clusters]
			.map(([id, ords]) => `${id}: ${ords.map((i) => ctx.names.pod(i)).join(', ')}`)
			.join('; ');
		throw new RefusedError(ctx.t('splitBrainLive', { groups }));
	}
	return { pods, live };
}

/**
 * The survivor, or the reason there is none (exit 4 naming the runbook that fits).
 * @param {Context} ctx
 * @param {Map<number, PodState>} pods
 * @param {LiveMember[]} live
 */
function chooseSurvivor(ctx, pods, live) {
	const picked = pickSurvivor(live);
	if (picked) return picked;
	const mute = [...pods.values()].filter((p) => p.running).map((p) => p.name);
	if (mute.length > 0)
		throw new NotThisSymptomError(ctx.t('survivorMute', { pods: mute.join(', ') }));
	const shown = [...pods.values()].map((p) => `${p.name} ${p.status}`).join(', ');
	throw new NotThisSymptomError(ctx.t('survivorDown', { pods: shown || ctx.names.sts }));
}

/**
 * What the crashing members' logs say, the survivor's own status and member list, and the dead members' PVC
 * uids. Independent reads run together: every kubectl call costs a process start.
 * @param {Context} ctx
 * @param {number[]} crashing
 * @param {number[]} dead
 * @param {string} podS
 */
async function readRebuild(ctx, crashing, dead, podS) {
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
	if (!list) throw new StepFailedError(ctx.t('execFailed', { pod: podS, reason: 'member list' }));
	/** @type {Record<string, string>} */
	const pvcUids = {};
	dead.forEach((i, j) => {
		const r = uids[j];
		if (r?.ok) pvcUids[ctx.names.pvc(i)] = r.stdout.trim();
	});
	return { logs, status, list, pvcUids };
}

/**
 * Look at the cluster as it is: at least one member running, others crash-looping. Prints what it found
 * (the crashing members, the survivor, quorum or not) and returns the plan's facts, backup files aside.
 * @param {Context} ctx
 * @returns {Promise<Survey>}
 */
export async function surveyCluster(ctx) {
	const sts = await ctx.kube.json(['get', 'sts', ctx.names.sts]);
	const replicas = Number(sts?.spec?.replicas ?? 0);
	if (replicas < 2)
		throw new NotThisSymptomError(ctx.t('notEnoughReplicas', { sts: ctx.names.sts, n: replicas }));
	const env = stsEnv(sts);
	const { pods, live } = await liveMembers(ctx, replicas);
	const picked = chooseSurvivor(ctx, pods, live);
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
	const { logs, status, list, pvcUids } = await readRebuild(ctx, crashing, dead, podS);
	// A member that only lost its member_id keeps good data: the gentler runbook fixes it in place.
	if (logs.every((text) => text.includes('bad member ID arg')))
		throw new NotThisSymptomError(
			ctx.t('badMemberIdOnly', { pods: crashing.map((i) => ctx.names.pod(i)).join(', ') }),
		);
	const deadNames = dead.map((i) => ctx.names.pod(i));
	const initial = String(env.ETCD_INITIAL_CLUSTER ?? '');
	// A member removed earlier (its log says so) is no longer listed: nothing to remove, only its disk.
	const removedEarlier = crashing.filter((i, j) =>
		/permanently removed from the cluster|failed to find member/.test(logs[j] ?? ''),
	);
	const removeIds = list
		.filter((m) => m.id !== status.memberId)
		.filter((m) => !quorum || deadNames.some((n) => isPodMember(m, initial, n)))
		.map((m) => m.id);

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
	return {
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
	};
}
