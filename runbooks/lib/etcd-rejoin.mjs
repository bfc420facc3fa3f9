// @ts-check
// Rebuilding an etcd StatefulSet around one survivor, as progress checks: each says whether an effect is in
// place (the dead members dropped, the pods above the survivor gone, a dead member's claim replaced, a member
// back and started) and stays true after later steps ran, so a resumed run never redoes or undoes a step.
// Plus the waits that follow a change (a restart on the new template, a member joining) and the guards that
// refuse a change while it would be unsafe. Used by etcd-multi-crash; everything goes through ctx.kube.
import { StepFailedError } from './exit.mjs';
import { healthy, memberList, podState, podsByOrdinal, stsEnv, waitFor } from './etcd-members.mjs';
import { survivorOf } from './etcd-survivor.mjs';

/** @typedef {import('./runbook.mjs').Context} Context */
/** @typedef {import('./runbook.mjs').Step} Step */
/** @typedef {import('./etcd-survivor.mjs').Facts} Facts */

// While a survivor above etcd-0 is forced, the pods below it have empty disks and must not start: etcd
// reads ETCD_INITIAL_CLUSTER only for a member without data, and rejects this one (a peer URL with a path)
// before it writes anything, while the survivor, which has data, never looks at it. A valid list would
// not do: a member whose name is missing from it still leaves a member/snap/db behind before it fails,
// and the setup scripts then take that for data from a previous deployment.
export const PAUSED_INITIAL_CLUSTER = 'rescue=http://rescue.invalid:2380/in-progress';

export const REJOIN_MESSAGES = {
	en: {
		waitRolled: 'every member to run the new StatefulSet settings',
		pvcStillThere:
			'PVC {pvc} still holds its old data; delete it first so that pod cannot start with it',
		quorumOfTwo:
			'while {pod} joins, the cluster has two members and needs both: if {pod} never starts, {survivor} has no quorum again. Back-out while both run: etcdctl member remove <id of {pod}>. If {pod} never started, member remove cannot commit: scale back to {survivor} alone and repeat force-new-cluster.',
		podStillThere: 'pod {pod} still exists; its PVC would stay in use. Scale down first',
		waitPodsGone: 'pods {pods} to stop',
		waitSingle: '{pod} to run as the only member with quorum',
		waitRollout: '{pod} to restart with the new settings',
		waitJoin: '{pod} to join as a started, healthy member',
		membersNow: 'members now: {members}',
		stillDead: 'member {id} is still listed; cannot continue safely',
		forceStillSet:
			'ETCD_FORCE_NEW_CLUSTER is still set on the StatefulSet; remove it before adding members',
	},
	id: {
		waitRolled: 'semua member berjalan dengan setelan StatefulSet yang baru',
		pvcStillThere:
			'PVC {pvc} masih menyimpan data lama; hapus dulu supaya pod-nya tidak bisa berjalan dengan data itu',
		quorumOfTwo:
			'selama {pod} bergabung, cluster punya dua member dan butuh keduanya. Kalau {pod} tidak pernah berjalan, {survivor} kembali tanpa kuorum. Selama keduanya berjalan, Anda bisa mundur dengan "etcdctl member remove <id {pod}>". Kalau {pod} tidak pernah berjalan, member remove tidak akan berhasil: kecilkan lagi sampai tinggal {survivor} dan ulangi force-new-cluster.',
		podStillThere: 'pod {pod} masih ada, jadi PVC-nya masih dipakai. Kecilkan replika dulu',
		waitPodsGone: 'pod {pods} berhenti',
		waitSingle: '{pod} berjalan sebagai satu-satunya member dengan kuorum',
		waitRollout: '{pod} dimulai ulang dengan setelan baru',
		waitJoin: '{pod} bergabung sebagai member yang started dan sehat',
		membersNow: 'member sekarang: {members}',
		stillDead: 'member {id} masih terdaftar; tidak aman untuk lanjut',
		forceStillSet:
			'ETCD_FORCE_NEW_CLUSTER masih terpasang di StatefulSet; hapus dulu sebelum menambah member',
	},
};

/** @param {Context} ctx */
export async function getSts(ctx) {
	return ctx.kube.json(['get', 'sts', ctx.names.sts]);
}

/** The survivor no longer lists any member we meant to drop. @param {Context} ctx @param {Facts} f */
export async function membersDropped(ctx, f) {
	const list = await memberList(ctx, ctx.names.pod(survivorOf(f)));
	if (!list) return false;
	return !list.some((m) => f.removeIds.includes(m.id));
}

/** Member i runs, is Ready and is listed as started (with a new id). @param {Context} ctx @param {Facts} f @param {number} i */
export async function memberBack(ctx, f, i) {
	const pod = ctx.names.pod(i);
	// The pod first: while it is not Ready (most of a wait), the member list need not be asked for.
	if (!(await podsByOrdinal(ctx)).get(i)?.ready) return false;
	const list = await memberList(ctx, ctx.names.pod(survivorOf(f)));
	return Boolean(list?.some((m) => m.started && m.name === pod && !f.removeIds.includes(m.id)));
}

/** The member list as one line, for the step's output. @param {Context} ctx @param {Facts} f */
export async function membersText(ctx, f) {
	const list = (await memberList(ctx, ctx.names.pod(survivorOf(f)))) ?? [];
	return list.map((m) => `${m.name || '?'}=${m.id}${m.started ? '' : ' (unstarted)'}`).join(', ');
}

/** "members now: …", what a step that changed the membership prints. @param {Context} ctx @param {Facts} f */
export async function membersNow(ctx, f) {
	return ctx.t('membersNow', { members: await membersText(ctx, f) });
}

/** How many members the survivor lists now (0 when it does not answer). @param {Context} ctx @param {Facts} f */
async function memberCount(ctx, f) {
	return ((await memberList(ctx, ctx.names.pod(survivorOf(f)))) ?? []).length;
}

/**
 * Wait until member i has joined. `aloneBefore`: the survivor was the only member before the change that
 * brings i back, so until i has started the cluster has two members and needs both; said before waiting.
 * (Counted before the change: after it, whether the new member is listed yet is a matter of timing.)
 * @param {Context} ctx @param {Facts} f @param {number} i @param {boolean} aloneBefore
 */
export async function waitJoined(ctx, f, i, aloneBefore) {
	const survivor = ctx.names.pod(survivorOf(f));
	if (aloneBefore) ctx.out.warn(ctx.t('quorumOfTwo', { pod: ctx.names.pod(i), survivor }));
	await waitFor(ctx, ctx.t('waitJoin', { pod: ctx.names.pod(i) }), () => memberBack(ctx, f, i));
}

/** The uid of pod i ('' when it does not exist). @param {Context} ctx @param {number} i */
export async function podUid(ctx, i) {
	const r = await ctx.kube.run(['get', 'pod', ctx.names.pod(i), '-o', 'jsonpath={.metadata.uid}'], {
		check: false,
	});
	return r.ok ? r.stdout.trim() : '';
}

/**
 * After a template change, wait until pod i is a new pod (or was already replaced) and healthy.
 * @param {Context} ctx @param {number} i @param {string} before uid before the change
 */
export async function waitRestarted(ctx, i, before) {
	const pod = ctx.names.pod(i);
	await waitFor(ctx, ctx.t('waitRollout', { pod }), async () => {
		const r = await ctx.kube.run(['get', 'pod', pod, '-o', 'json'], { check: false });
		if (!r.ok) return false;
		const p = JSON.parse(r.stdout);
		if (!podState(p).ready) return false;
		// A Ready pod with the old uid may still be the new one: the StatefulSet's revision tells.
		if (p?.metadata?.uid === before) {
			const rev = (await getSts(ctx))?.status?.updateRevision;
			if (!rev || p?.metadata?.labels?.['controller-revision-hash'] !== rev) return false;
		}
		return healthy(ctx, pod);
	});
}

/** Every replica Ready on the StatefulSet's current template. @param {Context} ctx @param {Facts} f */
export async function rolledOut(ctx, f) {
	const [sts, pods] = await Promise.all([getSts(ctx), podsByOrdinal(ctx)]);
	for (let i = 0; i < f.replicas; i++) if (!pods.get(i)?.ready) return false;
	const st = sts?.status ?? {};
	return !st.updateRevision || !st.currentRevision || st.updateRevision === st.currentRevision;
}

/** The pods above the survivor are gone and the sts stops at it. @param {Context} ctx @param {Facts} f */
export async function scaledDown(ctx, f) {
	const s = survivorOf(f);
	const [sts, pods] = await Promise.all([getSts(ctx), podsByOrdinal(ctx)]);
	if (Number(sts?.spec?.replicas) !== s + 1) return false;
	return [...pods.keys()].every((i) => i <= s) && f.replicas > 1;
}

/**
 * The dead member's claim can no longer give its old data to a new pod: gone, being deleted, or replaced.
 * @param {Context} ctx @param {Facts} f @param {number} i
 */
export async function pvcGoingOrReplaced(ctx, f, i) {
	const r = await ctx.kube.run(['get', 'pvc', ctx.names.pvc(i), '-o', 'json'], { check: false });
	if (!r.ok) return /not ?found/i.test(r.stderr);
	const pvc = JSON.parse(r.stdout);
	if (pvc?.metadata?.deletionTimestamp) return true;
	const was = f.pvcUids[ctx.names.pvc(i)];
	return Boolean(was) && pvc?.metadata?.uid !== was;
}

/** The dead member's PVC is gone, or already replaced by a fresh one. @param {Context} ctx @param {Facts} f @param {number} i */
export async function pvcReplaced(ctx, f, i) {
	const r = await ctx.kube.run(['get', 'pvc', ctx.names.pvc(i), '-o', 'jsonpath={.metadata.uid}'], {
		check: false,
	});
	if (!r.ok) return /not ?found/i.test(r.stderr);
	const was = f.pvcUids[ctx.names.pvc(i)];
	return Boolean(was) && r.stdout.trim() !== was;
}

/**
 * Guard of the forced restart: no other member may still start with old data, or it would come back with the
 * old membership, or as a second one-member cluster. The pods above the survivor are gone, the claims of those
 * below it are going.
 * @param {Context} ctx @param {Facts} f
 */
export async function refuseUnlessAlone(ctx, f) {
	const s = survivorOf(f);
	const above = f.dead.filter((i) => i > s);
	if (!(await scaledDown(ctx, f)))
		throw new StepFailedError(ctx.t('podStillThere', { pod: ctx.names.pod(above[0] ?? s) }));
	for (const i of f.dead.filter((d) => d < s))
		if (!(await pvcGoingOrReplaced(ctx, f, i)))
			throw new StepFailedError(ctx.t('pvcStillThere', { pvc: ctx.names.pvc(i) }));
}

/**
 * Guard of a scale-up: the dropped members are gone for good and the forced-restart flag is off (a restart of
 * the survivor with the flag still set would throw the new members out again).
 * @param {Context} ctx @param {Facts} f
 */
export async function refuseUnlessJoinable(ctx, f) {
	if (!(await membersDropped(ctx, f)))
		throw new StepFailedError(ctx.t('stillDead', { id: f.removeIds.join(', ') }));
	if ('ETCD_FORCE_NEW_CLUSTER' in stsEnv(await getSts(ctx)))
		throw new StepFailedError(ctx.t('forceStillSet'));
}

/** Guard of a PVC delete: the pod that mounts it is gone. @param {Context} ctx @param {number} i */
export async function refuseWhilePodRuns(ctx, i) {
	if ((await podsByOrdinal(ctx)).has(i))
		throw new StepFailedError(ctx.t('podStillThere', { pod: ctx.names.pod(i) }));
}

/**
 * The hooks of `force-new-cluster` (a `set env` of ETCD_FORCE_NEW_CLUSTER=true): done once the dropped members
 * are gone from the survivor's list; refused while another member could start with old data; then a wait until
 * the survivor runs alone with quorum.
 * @param {Facts} f
 * @returns {Pick<Step, 'done' | 'before' | 'after'>}
 */
export function forceHooks(f) {
	return {
		done: (c) => membersDropped(c, f),
		before: (c) => refuseUnlessAlone(c, f),
		after: async (c) => {
			const pod = c.names.pod(survivorOf(f));
			await waitFor(
				c,
				c.t('waitSingle', { pod }),
				async () => (await membersDropped(c, f)) && (await healthy(c, pod)),
			);
			return membersNow(c, f);
		},
	};
}

/**
 * The hooks of `clear-force-new-cluster` (one `set env`: the flag off, `existing`, and for a survivor above
 * etcd-0 the chart's member list back): done once the StatefulSet says so and the pods below the survivor have
 * joined; before() notes the survivor pod's uid, so after() can tell the restarted pod from the old one, then
 * waits for that restart and for each pod below to join (the rollout goes downwards, one pod at a time).
 * @param {Facts} f
 * @returns {Pick<Step, 'done' | 'before' | 'after'>}
 */
export function clearForceHooks(f) {
	const s = survivorOf(f);
	const below = f.dead.filter((i) => i < s);
	let survivorUid = '';
	let aloneBefore = false;
	return {
		done: async (c) => {
			const env = stsEnv(await getSts(c));
			if ('ETCD_FORCE_NEW_CLUSTER' in env || env.ETCD_INITIAL_CLUSTER_STATE !== 'existing')
				return false;
			if (s > 0 && env.ETCD_INITIAL_CLUSTER !== f.initialCluster) return false;
			for (const i of below) if (!(await memberBack(c, f, i))) return false;
			return true;
		},
		before: async (c) => {
			survivorUid = await podUid(c, s);
			aloneBefore = (await memberCount(c, f)) <= 1;
		},
		after: async (c) => {
			await waitRestarted(c, s, survivorUid);
			for (const [n, i] of below.entries()) await waitJoined(c, f, i, aloneBefore && n === 0);
			return below.length > 0 ? membersNow(c, f) : '';
		},
	};
}

/**
 * The hooks of a step that brings member i back (scale-up, or the quorum path's pod restart): done once it is
 * back and started; then a wait until it has joined. `guard` refuses the step while that is unsafe.
 * @param {Facts} f @param {number} i @param {((c: Context) => Promise<void>)} [guard]
 * @returns {Pick<Step, 'done' | 'before' | 'after'>}
 */
export function joinHooks(f, i, guard) {
	let aloneBefore = false;
	return {
		done: (c) => memberBack(c, f, i),
		before: async (c) => {
			await guard?.(c);
			aloneBefore = (await memberCount(c, f)) <= 1;
		},
		after: async (c) => {
			await waitJoined(c, f, i, aloneBefore);
			return membersNow(c, f);
		},
	};
}

/**
 * The hooks of `scale-down` (the pods above the survivor stop): done once they are gone, or once the members
 * were dropped already (a later step then scaled up again); then a wait until they are gone.
 * @param {Facts} f
 * @returns {Pick<Step, 'done' | 'after'>}
 */
export function scaleDownHooks(f) {
	return {
		done: async (c) => (await scaledDown(c, f)) || (await membersDropped(c, f)),
		after: async (c) => {
			const above = f.dead.filter((i) => i > survivorOf(f)).map((i) => c.names.pod(i));
			await waitFor(c, c.t('waitPodsGone', { pods: above.join(', ') }), () => scaledDown(c, f));
		},
	};
}

/** Wait until every replica runs the StatefulSet's current template. @param {Context} ctx @param {Facts} f */
export async function waitRolledOut(ctx, f) {
	await waitFor(ctx, ctx.t('waitRolled'), () => rolledOut(ctx, f));
}
