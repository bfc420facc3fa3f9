// @ts-check
// Milvus around an etcd rebuild on Kubernetes: its Deployments and StatefulSets are listed (with their replica
// counts, kept in the resume state) before anything changes, stopped before etcd comes back empty (a running
// Milvus would write its own fresh metadata into it), and started again with the counts they had once every
// key was compared with the backup.
import { RefusedError, StepFailedError } from './exit.mjs';
import { waitFor } from './etcd-members.mjs';
import { describeFailure } from './shell.mjs';
import {
	currentReplicas,
	listMilvusWorkloads,
	milvusPods,
	milvusSelector,
	startMilvusArgv,
	stopMilvusArgv,
} from './milvus-workloads.mjs';

/** @typedef {import('./runbook.mjs').Context} Context */
/** @typedef {import('./runbook.mjs').Step} Step */
/** @typedef {import('./milvus-workloads.mjs').MilvusWorkload} MilvusWorkload */

export const ALL_CRASH_MILVUS_MESSAGES = {
	en: {
		milvusFound: 'Milvus workloads of release {release}: {list}',
		milvusNone: 'no Milvus Deployment or StatefulSet with {selector} found',
		milvusUnlisted:
			'cannot list Milvus Deployments/StatefulSets ({selector}); the run will refuse while Milvus pods exist',
		milvusStopped: 'Milvus stopped: {list}',
		milvusStillRunning:
			'Milvus pods {pods} still exist; they would write their own metadata into the empty etcd. Stop them (`{command}`) and run again; nothing deleted',
		milvusWaitGone: 'the Milvus pods to stop',
		milvusStarted: '{kind}/{name} back to {replicas} replicas',
	},
	id: {
		milvusFound: 'workload Milvus dari release {release}: {list}',
		milvusNone: 'tidak ada Deployment atau StatefulSet Milvus dengan {selector}',
		milvusUnlisted:
			'Deployment/StatefulSet Milvus ({selector}) tidak bisa dilihat; run akan ditolak selama masih ada pod Milvus',
		milvusStopped: 'Milvus dihentikan: {list}',
		milvusStillRunning:
			'pod Milvus {pods} masih ada; pod itu akan menulis metadata-nya sendiri ke etcd yang masih kosong. Hentikan (`{command}`) lalu jalankan lagi; tidak ada yang dihapus',
		milvusWaitGone: 'pod Milvus berhenti',
		milvusStarted: '{kind}/{name} kembali ke {replicas} replika',
	},
};

/** @param {MilvusWorkload[]} list */
const listText = (list) => list.map((w) => `${w.kind}/${w.name}=${w.replicas}`).join(', ');

/**
 * The release's Milvus workloads with their replica counts, said in preflight.
 * @param {Context} ctx
 */
export async function milvusFacts(ctx) {
	const selector = milvusSelector(ctx.names.release);
	const milvus = await listMilvusWorkloads(ctx.kube, ctx.names.release);
	if (milvus.workloads.length)
		ctx.out.info(
			ctx.t('milvusFound', { release: ctx.names.release, list: listText(milvus.workloads) }),
		);
	else if (milvus.listed) ctx.out.info(ctx.t('milvusNone', { selector }));
	else ctx.out.warn(ctx.t('milvusUnlisted', { selector }));
	return milvus.workloads;
}

/**
 * Refuses (exit 3, nothing deleted) while a Milvus pod exists, naming the command that stops them.
 * @param {Context} ctx
 */
export async function refuseWhileMilvusRuns(ctx) {
	const writers = await milvusPods(ctx.kube, ctx.names.release);
	if (writers.length)
		throw new RefusedError(
			ctx.t('milvusStillRunning', {
				pods: writers.join(', '),
				command: ctx.formatCommand(stopMilvusArgv(ctx.kube, ctx.names.release)),
			}),
		);
}

/**
 * @param {Context} ctx @param {MilvusWorkload[]} milvus  the workloads preflight found
 * @returns {Step}
 */
export function listMilvusStep(ctx, milvus) {
	const selector = milvusSelector(ctx.names.release);
	return {
		id: 'list-milvus',
		title: {
			en: 'List the Milvus Deployments and StatefulSets (they are stopped before etcd comes back empty)',
			id: 'Lihat Deployment dan StatefulSet Milvus (dihentikan sebelum etcd kembali dalam keadaan kosong)',
		},
		mode: 'read',
		command: ctx.kube.argv('get', 'deployment,statefulset', '-l', selector),
		// A user who may not list them still gets the rest of the run; the gate before the delete looks at pods.
		check: false,
		after: (c) =>
			milvus.length
				? c.t('milvusFound', { release: c.names.release, list: listText(milvus) })
				: c.t('milvusNone', { selector }),
	};
}

/**
 * @param {Context} ctx @param {MilvusWorkload[]} milvus
 * @returns {Step}
 */
export function stopMilvusStep(ctx, milvus) {
	const command = stopMilvusArgv(ctx.kube, ctx.names.release);
	const up = milvus.filter((w) => w.replicas > 0);
	return {
		id: 'stop-milvus',
		title: {
			en: 'Stop Milvus, so nothing writes into etcd before the restore',
			id: 'Hentikan Milvus supaya tidak ada yang menulis ke etcd sebelum restore',
		},
		mode: 'change',
		command,
		check: false,
		parse(r, c) {
			// Nothing left to scale (a workload deleted since preflight) is not a failure: its pods are waited for.
			if (!r.ok && !/no objects passed to scale/i.test(r.stderr))
				throw new StepFailedError(describeFailure(command, r, c.lang));
			return r.ok;
		},
		async after(c) {
			await waitFor(
				c,
				c.t('milvusWaitGone'),
				async () => (await milvusPods(c.kube, c.names.release)).length === 0,
			);
			return up.length
				? c.t('milvusStopped', { list: up.map((w) => `${w.kind}/${w.name}`).join(', ') })
				: undefined;
		},
		async done(c) {
			for (const w of up) if (((await currentReplicas(c.kube, w)) ?? 0) > 0) return false;
			return (await milvusPods(c.kube, c.names.release)).length === 0;
		},
	};
}

/**
 * One step per workload, back to the replica count it had (one that had 0 stays at 0; one deleted since is
 * left alone).
 * @param {Context} ctx @param {MilvusWorkload[]} milvus
 * @returns {Step[]}
 */
export function startMilvusSteps(ctx, milvus) {
	return milvus.map((w) => ({
		id: 'start-milvus',
		title: {
			en: `Start ${w.kind} ${w.name} again with its ${w.replicas} replica(s)`,
			id: `Nyalakan lagi ${w.kind} ${w.name} dengan ${w.replicas} replika seperti semula`,
		},
		mode: /** @type {const} */ ('change'),
		command: startMilvusArgv(ctx.kube, w),
		when: () => w.replicas > 0,
		after: (/** @type {Context} */ c) => c.t('milvusStarted', w),
		async done(/** @type {Context} */ c) {
			const now = await currentReplicas(c.kube, w);
			return now === null || now === w.replicas;
		},
	}));
}
