// @ts-check
// What etcd-all-crash checks on Kubernetes before it plans anything: every member is down (none Ready, not
// merely Pending), PVCs are there to recover from, and no member crashes with its data intact (killed for
// memory, by its liveness probe, or stopped at an empty member_id: each has a fix that keeps every key, and the
// run exits 4 naming it). It also records what tells this cluster apart from another behind the same names.
import { NotThisSymptomError } from './exit.mjs';
import { checkTimeout, endpointStatus, podsByOrdinal, stsEnv } from './etcd-members.mjs';
import { DATA_INTACT, crashCause } from './etcd-crash-cause.mjs';
import { freshWorkDir } from './etcd-all-crash-backup.mjs';
import { milvusFacts } from './etcd-all-crash-milvus.mjs';

/** @typedef {import('./runbook.mjs').Context} Context */

/**
 * @typedef {object} Facts
 * @property {number} replicas               StatefulSet size before we touched it
 * @property {string | null} initialCluster  ETCD_INITIAL_CLUSTER as the chart rendered it (null: replicaCount=1)
 * @property {string | null} singleMember    the etcd-0 entry of it: what a lone fresh member needs
 * @property {string} clusterState           ETCD_INITIAL_CLUSTER_STATE before we touched it
 * @property {Record<string, string>} pvcUids  uid (or creation time) of each PVC, to tell a recreated one apart
 * @property {string} workDir
 * @property {string} backupDir
 * @property {Record<string, string>} [nodes]  node each PVC's last pod ran on (helper pods go there)
 * @property {import('./milvus-workloads.mjs').MilvusWorkload[]} [milvus]  Milvus workloads and their
 *   replica counts before the run stopped them
 */

export const CLUSTER_PREFLIGHT_MESSAGES = {
	en: {
		notKubernetesCrash:
			'pod {pod} is Ready: not every member is down. Use etcd-multi-crash (or etcd-bad-member-id)',
		pendingPods: 'pods {pods} are Pending, not crashing; run etcd-pending first',
		noPods:
			'StatefulSet {sts} has {replicas} replicas and no pods are crashing; nothing to recover',
		noPvcs: 'no PVC data-{sts}-N found: there is no etcd data left to recover from',
		crashingList: 'all {n} members are down: {pods}',
		resuming: 'continuing the rescue started earlier',
		causeLine: '{pod}: {cause} ({detail})',
		causeBadMemberId:
			'{pod} stops at `bad member ID arg`: its data is intact. Run etcd-bad-member-id instead: npx zx runbooks/etcd-bad-member-id.mjs',
		causeOom:
			'{pod} is killed for memory ({detail}): its data is intact. Raise the etcd memory limit (etcd.resources.limits.memory in the Milvus values) instead; nothing was changed',
		causeLiveness:
			'{pod} is killed by its liveness probe ({detail}): its data is intact. Raise etcd.livenessProbe.initialDelaySeconds or failureThreshold in the Milvus values instead; nothing was changed',
		causeIgnored:
			'{pod}: {cause} would leave the data intact; going on because of --ignore-crash-cause',
	},
	id: {
		notKubernetesCrash:
			'pod {pod} Ready: tidak semua member mati. Pakai etcd-multi-crash (atau etcd-bad-member-id)',
		pendingPods: 'pod {pods} berstatus Pending, bukan crash; jalankan etcd-pending dulu',
		noPods:
			'StatefulSet {sts} punya {replicas} replika dan tidak ada pod yang crash; tidak ada yang perlu dipulihkan',
		noPvcs: 'tidak ada PVC data-{sts}-N: tidak ada data etcd tersisa untuk dipulihkan',
		crashingList: 'semua {n} member mati: {pods}',
		resuming: 'melanjutkan pemulihan yang sudah dimulai sebelumnya',
		causeLine: '{pod}: {cause} ({detail})',
		causeBadMemberId:
			'{pod} berhenti di `bad member ID arg`: datanya utuh. Jalankan etcd-bad-member-id saja: npx zx runbooks/etcd-bad-member-id.mjs',
		causeOom:
			'{pod} dimatikan karena kehabisan memori ({detail}): datanya utuh. Naikkan batas memori etcd (etcd.resources.limits.memory di values Milvus); tidak ada yang diubah',
		causeLiveness:
			'{pod} dimatikan oleh liveness probe ({detail}): datanya utuh. Naikkan etcd.livenessProbe.initialDelaySeconds atau failureThreshold di values Milvus; tidak ada yang diubah',
		causeIgnored:
			'{pod}: {cause} biasanya tidak merusak data; tetap dilanjutkan karena --ignore-crash-cause',
	},
};

/** The StatefulSet's pods, by ordinal. @param {Context} ctx */
export async function etcdPods(ctx) {
	return [...(await podsByOrdinal(ctx)).values()].sort((a, b) => a.ordinal - b.ordinal);
}

/** @param {Context} ctx */
export async function sts(ctx) {
	return ctx.kube.json(['get', 'sts', ctx.names.sts]);
}

/** @param {Context} ctx @param {number} i */
export async function podIsReady(ctx, i) {
	return (await podsByOrdinal(ctx)).get(i)?.ready === true;
}

/** uid (or creation time) of a PVC, null when it does not exist. @param {Context} ctx @param {string} pvc */
export async function pvcIdentity(ctx, pvc) {
	const r = await ctx.kube.run(['get', 'pvc', pvc, '-o', 'json'], { check: false });
	if (!r.ok) return null;
	try {
		const o = JSON.parse(r.stdout);
		return String(o?.metadata?.uid ?? o?.metadata?.creationTimestamp ?? 'present');
	} catch {
		return 'present';
	}
}

/**
 * Why one member crashes: its last termination, its events and its previous log.
 * @param {Context} ctx @param {string} pod @param {any} obj the Pod object
 */
async function crashEvidence(ctx, pod, obj) {
	const ev = await ctx.kube.run(
		['get', 'events', '--field-selector', `involvedObject.name=${pod}`, '-o', 'json'],
		{ check: false },
	);
	/** @type {any[]} */
	let events = [];
	try {
		events = ev.ok ? (JSON.parse(ev.stdout).items ?? []) : [];
	} catch {
		events = [];
	}
	const logs = await ctx.kube.run(['logs', pod, '--previous', '--tail=200'], { check: false });
	return crashCause({ pod: obj, events, logs: logs.ok ? logs.stdout : '' });
}

/**
 * The destructive path is only for data etcd cannot read; a member killed from outside keeps every key.
 * @param {Context} ctx @param {{ name: string }[]} pods @param {Map<string, any>} raw  Pod objects by name
 */
async function refuseIntactData(ctx, pods, raw) {
	for (const p of pods) {
		const ev = await crashEvidence(ctx, p.name, raw.get(p.name));
		ctx.out.info(ctx.t('causeLine', { pod: p.name, cause: ev.cause, detail: ev.detail }));
		if (!DATA_INTACT.has(ev.cause)) continue;
		// A bad member ID is never a reason to rebuild: its own runbook keeps every key.
		if (ctx.flags['ignore-crash-cause'] === true && ev.cause !== 'bad-member-id') {
			ctx.out.warn(ctx.t('causeIgnored', { pod: p.name, cause: ev.cause }));
			continue;
		}
		const key =
			ev.cause === 'bad-member-id'
				? 'causeBadMemberId'
				: ev.cause === 'oom'
					? 'causeOom'
					: 'causeLiveness';
		throw new NotThisSymptomError(ctx.t(key, { pod: p.name, detail: ev.detail }));
	}
}

/**
 * Not every member is down: with a live peer, a member whose data is intact has a runbook of its own.
 * @param {Context} ctx @param {import('./etcd-members.mjs').PodState[]} pods @param {Map<string, any>} raw
 */
async function refuseLivePeer(ctx, pods, raw) {
	const ready = pods.find((p) => p.ready);
	if (!ready) return;
	for (const p of pods.filter((x) => x.crashing)) {
		const ev = await crashEvidence(ctx, p.name, raw.get(p.name));
		if (ev.cause === 'bad-member-id')
			throw new NotThisSymptomError(ctx.t('causeBadMemberId', { pod: p.name }));
	}
	throw new NotThisSymptomError(ctx.t('notKubernetesCrash', { pod: ready.name }));
}

/** Node each PVC's last pod ran on (helper pods go there). @param {Context} ctx @param {Map<string, any>} raw */
function pvcNodes(ctx, raw) {
	/** @type {Record<string, string>} */
	const nodes = {};
	for (const [name, p] of raw) {
		const claim = (p?.spec?.volumes ?? []).find(
			(/** @type {any} */ v) => v?.persistentVolumeClaim?.claimName,
		)?.persistentVolumeClaim?.claimName;
		if (claim && p?.spec?.nodeName && name.startsWith(`${ctx.names.sts}-`))
			nodes[claim] = String(p.spec.nodeName);
	}
	return nodes;
}

/**
 * Preflight of the Kubernetes target (see the header). A run continuing an earlier one takes that run's facts.
 * @param {Context} ctx
 * @returns {Promise<Facts>}
 */
export async function clusterPreflight(ctx) {
	checkTimeout(ctx);
	if (ctx.resume?.facts) {
		ctx.out.warn(ctx.t('resuming'));
		return ctx.resume.facts;
	}
	const set = await sts(ctx);
	const env = stsEnv(set);
	const replicas = Number(set?.spec?.replicas ?? 0);
	const pods = await etcdPods(ctx);
	const raw = new Map(
		(await ctx.kube.podsByLabel(ctx.names.selector)).map((p) => [String(p?.metadata?.name), p]),
	);
	await refuseLivePeer(ctx, pods, raw);
	const pending = pods.filter((p) => p.phase === 'Pending');
	if (pending.length && pending.length === pods.length)
		throw new NotThisSymptomError(
			ctx.t('pendingPods', { pods: pending.map((p) => p.name).join(', ') }),
		);
	// The PVCs hold what we recover from; count up to the size the chart asked for (replicas may be 0 already).
	const size = Math.max(
		replicas,
		pods.length,
		Number(env.ETCD_INITIAL_CLUSTER?.split(',').length ?? 0),
		1,
	);
	/** @type {Record<string, string>} */
	const pvcUids = {};
	for (let i = 0; i < size; i++) {
		const id = await pvcIdentity(ctx, ctx.names.pvc(i));
		if (id) pvcUids[ctx.names.pvc(i)] = id;
	}
	if (Object.keys(pvcUids).length === 0)
		throw new NotThisSymptomError(ctx.t('noPvcs', { sts: ctx.names.sts }));
	if (replicas > 0 && pods.length === 0)
		throw new NotThisSymptomError(ctx.t('noPods', { sts: ctx.names.sts, replicas }));
	ctx.out.info(
		ctx.t('crashingList', {
			n: pods.length || size,
			pods: pods.map((p) => `${p.name} (${p.status})`).join(', ') || '-',
		}),
	);
	await refuseIntactData(ctx, pods, raw);
	const milvus = await milvusFacts(ctx);
	const copies = Array.from({ length: size }, (_, i) => `${ctx.names.pod(i)}.db`);
	// A valueFrom variable reads as '': no value to go back to.
	const initialCluster = env.ETCD_INITIAL_CLUSTER || null;
	return {
		...freshWorkDir(ctx, copies),
		replicas: Math.max(replicas, size),
		initialCluster,
		singleMember:
			initialCluster?.split(',').find((e) => e.startsWith(`${ctx.names.pod(0)}=`)) ?? null,
		clusterState: env.ETCD_INITIAL_CLUSTER_STATE ?? 'new',
		pvcUids,
		nodes: pvcNodes(ctx, raw),
		milvus,
	};
}

/**
 * What tells this cluster apart from another behind the same context and names: the StatefulSet, the PVCs
 * (their uids change when they are recreated, which the run records as it goes) and, once a member answers,
 * the etcd cluster id.
 * @param {Context} ctx
 */
export async function clusterIdentity(ctx) {
	/** @type {string[]} */
	const tokens = [];
	/** @param {readonly string[]} args */
	const get = async (args) => {
		const r = await ctx.kube.run([...args, '-o', 'json'], { check: false });
		try {
			return r.ok ? JSON.parse(r.stdout) : null;
		} catch {
			return null;
		}
	};
	const set = await get(['get', 'sts', ctx.names.sts]);
	const stsId = set?.metadata?.uid ?? set?.metadata?.creationTimestamp;
	if (stsId) tokens.push(`sts:${stsId}`);
	const pvcs = await get(['get', 'pvc']);
	const prefix = `data-${ctx.names.sts}-`;
	for (const p of pvcs?.items ?? []) {
		const name = String(p?.metadata?.name ?? '');
		const id = p?.metadata?.uid ?? p?.metadata?.creationTimestamp;
		if (name.startsWith(prefix) && /^\d+$/.test(name.slice(prefix.length)) && id)
			tokens.push(`pvc:${id}`);
	}
	if (await podIsReady(ctx, 0)) {
		const st = await endpointStatus(ctx, ctx.names.pod(0));
		if (st?.clusterId) tokens.push(`etcd-cluster:${st.clusterId}`);
	}
	return tokens;
}
