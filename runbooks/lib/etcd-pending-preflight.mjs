// @ts-check
// etcd-pending's preflight: which pods are Pending on an unbound claim (and nothing else), which class becomes
// the default, and which of those pods were members that must rejoin as new ones.
import { NotThisSymptomError, StepFailedError } from './exit.mjs';
import { healthy, isPodMember, memberList, podsByOrdinal, stsEnv } from './etcd-members.mjs';
import { chooseClass, isDefault, storageClasses } from './storage-classes.mjs';

/** @typedef {import('./runbook.mjs').Context} Context */

/**
 * @typedef {object} PendingPod
 * @property {number} ordinal
 * @property {string | null} pvcUid   uid of the unbound claim at preflight (null: no claim yet)
 */

/**
 * @typedef {object} Facts
 * @property {number} replicas
 * @property {PendingPod[]} pending
 * @property {string} storageClass     the class that is or becomes the default
 * @property {boolean} hadDefault      it was already the default at preflight
 * @property {string[]} classes        every StorageClass at preflight
 * @property {number | null} witness   ordinal of a Ready member (null on a fresh install)
 * @property {{ ordinal: number, id: string }[]} stale  members of pending pods still listed in etcd
 * @property {boolean} quorum
 * @property {boolean} join            pending pods must join a cluster that has data
 * @property {boolean} helm
 */

// The events that tell this story; a pod's other events (Scheduled, Killing…) only add noise.
const BINDING_REASONS = new Set(['FailedBinding', 'FailedScheduling', 'ProvisioningFailed']);

export const PENDING_PREFLIGHT_MESSAGES = {
	en: {
		noPending: 'no etcd pod of release {release} is Pending',
		otherReason: '{pod} is Pending for another reason: {reason}',
		classNamed:
			'PVC {pvc} asks for StorageClass {sc}, which {state}; fix etcd.persistence.storageClass in the Helm values (see --helm)',
		classMissingState: 'does not exist',
		classExistsState: 'exists but has not provisioned it (check its provisioner)',
		pendingList: 'Pending: {pods}',
		eventLine: '{object}: {message}',
		classes: 'StorageClasses: {list}; default: {def}; using: {sc}',
		noneDefault: 'none',
		staleMembers:
			'{pods} used to be members and lost their volume; they will rejoin as new members',
		noQuorum:
			'{pods} must rejoin, but the running members have no quorum; after this, run etcd-multi-crash',
	},
	id: {
		noPending: 'tidak ada pod etcd dari release {release} yang Pending',
		otherReason: '{pod} Pending karena hal lain: {reason}',
		classNamed:
			'PVC {pvc} meminta StorageClass {sc}, yang {state}; perbaiki etcd.persistence.storageClass di values Helm (lihat --helm)',
		classMissingState: 'tidak ada',
		classExistsState: 'ada tetapi belum menyediakan volume-nya (periksa provisioner-nya)',
		pendingList: 'Pending: {pods}',
		eventLine: '{object}: {message}',
		classes: 'StorageClass: {list}; default: {def}; dipakai: {sc}',
		noneDefault: 'tidak ada',
		staleMembers:
			'{pods} dulunya member dan kehilangan volume-nya; pod ini akan bergabung lagi sebagai member baru',
		noQuorum:
			'{pods} harus bergabung lagi, tetapi member yang berjalan tidak punya kuorum; setelah ini, jalankan etcd-multi-crash',
	},
};

/** @param {Context} ctx @param {string} name */
export async function getPvc(ctx, name) {
	const r = await ctx.kube.run(['get', 'pvc', name, '-o', 'json'], { check: false });
	if (!r.ok) {
		if (/not ?found/i.test(r.stderr)) return null;
		throw new StepFailedError(r.stderr.trim().split('\n')[0] ?? `kubectl get pvc ${name}`);
	}
	return JSON.parse(r.stdout);
}

/**
 * The facts of a run; one continuing an earlier run keeps that run's, since the pods may have left Pending.
 * @param {Context} ctx
 * @returns {Promise<Facts>}
 */
export async function pendingPreflight(ctx) {
	const resumed = /** @type {Facts | null} */ (ctx.resume?.facts ?? null);
	// Half-way through, the pods may already have left Pending: the earlier run's plan still holds.
	if (resumed && Array.isArray(resumed.pending) && resumed.pending.length > 0) return resumed;

	const n = ctx.names;
	const sts = await ctx.kube.json(['get', 'sts', n.sts]);
	const replicas = Number(sts?.spec?.replicas ?? 0);
	const env = stsEnv(sts);
	const pods = await podsByOrdinal(ctx);
	const pendingPods = [...pods.values()]
		.filter((p) => p.phase === 'Pending')
		.sort((a, b) => a.ordinal - b.ordinal);
	if (pendingPods.length === 0)
		throw new NotThisSymptomError(ctx.t('noPending', { release: n.release }));
	const classes = await storageClasses(ctx);
	const classNames = classes.map((c) => String(c.metadata?.name));
	const eventList = await ctx.kube.json(['get', 'events']).catch(() => ({ items: [] }));
	/** @param {string} name */
	const lastEvent = (name) =>
		/** @type {any[]} */ (eventList?.items ?? [])
			.filter((e) => e?.involvedObject?.name === name && BINDING_REASONS.has(e?.reason))
			.map((e) => String(e.message ?? ''))
			.pop();

	/** @type {PendingPod[]} */
	const pending = [];
	/** @type {string[]} */
	const other = [];
	for (const p of pendingPods) {
		const pvc = await getPvc(ctx, n.pvc(p.ordinal));
		if (pvc && pvc.status?.phase === 'Bound') {
			other.push(ctx.t('otherReason', { pod: p.name, reason: lastEvent(p.name) ?? 'Pending' }));
			continue;
		}
		const named = pvc?.spec?.storageClassName;
		if (named) {
			const state = ctx.t(classNames.includes(named) ? 'classExistsState' : 'classMissingState');
			if (!ctx.flags.helm)
				throw new NotThisSymptomError(
					ctx.t('classNamed', { pvc: n.pvc(p.ordinal), sc: named, state }),
				);
		}
		pending.push({ ordinal: p.ordinal, pvcUid: pvc ? String(pvc.metadata?.uid ?? '') : null });
		for (const obj of [n.pvc(p.ordinal), p.name]) {
			const ev = lastEvent(obj);
			if (ev) ctx.out.info(ctx.t('eventLine', { object: obj, message: ev }));
		}
	}
	if (pending.length === 0) throw new NotThisSymptomError(other.join('; '));
	ctx.out.info(ctx.t('pendingList', { pods: pending.map((p) => n.pod(p.ordinal)).join(', ') }));

	const storageClass = await chooseClass(ctx, classes);
	const hadDefault = classes.some((c) => c.metadata?.name === storageClass && isDefault(c));
	const def = classes.find(isDefault)?.metadata?.name ?? ctx.t('noneDefault');
	ctx.out.info(ctx.t('classes', { list: classNames.join(', '), def, sc: storageClass }));

	// Members that still run hold the data; a pending pod that used to be one must rejoin as a new one.
	const witness = [...pods.values()].find((p) => p.ready)?.ordinal ?? null;
	/** @type {Facts['stale']} */
	const stale = [];
	let quorum = false;
	if (witness !== null) {
		const wpod = n.pod(witness);
		quorum = await healthy(ctx, wpod);
		const list = (await memberList(ctx, wpod)) ?? [];
		const initial = String(env.ETCD_INITIAL_CLUSTER ?? '');
		for (const p of pending) {
			const hit = list.find((m) => isPodMember(m, initial, n.pod(p.ordinal)));
			if (hit) stale.push({ ordinal: p.ordinal, id: hit.id });
		}
		if (stale.length > 0) {
			const names = stale.map((s) => n.pod(s.ordinal)).join(', ');
			ctx.out.warn(ctx.t(quorum ? 'staleMembers' : 'noQuorum', { pods: names }));
		}
	}
	return {
		replicas,
		pending,
		storageClass,
		hadDefault,
		classes: classNames,
		witness,
		stale,
		quorum,
		join: witness !== null,
		helm: ctx.flags.helm === true,
	};
}
