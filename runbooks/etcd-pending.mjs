#!/usr/bin/env zx
// @ts-check
// etcd-pending: etcd pods of the Milvus chart stay Pending because their PVCs never bind.
// With `persistence.storageClass` empty the chart renders no storageClassName, so a claim binds only
// when the cluster has a default StorageClass. Without one the PVC logs "no persistent volumes available
// for this claim and no storage class is set" and the scheduler "pod has unbound immediate
// PersistentVolumeClaims". The fix: mark one StorageClass as default (the user picks, or
// --storage-class), recreate the unbound claims (empty by definition: nothing to lose) and those of their
// pods that still have no node (nothing ran in them), wait and verify. When a member that used to run lost its volume, it must come back as a NEW member:
// its stale entry is removed while the others have quorum and the StatefulSet is switched to
// `existing` BEFORE its claim can bind, else it would crash on "has already been bootstrapped".
// --helm prints the chart values to set instead and changes nothing.
import { defineRunbook } from './lib/runbook.mjs';
import {
	ETCD_MEMBER_MESSAGES,
	listEtcdPodsStep,
	memberList,
	podsByOrdinal,
	readyOneCluster,
	stsEnv,
	waitFor,
} from './lib/etcd-members.mjs';
import { messageText, tx } from './lib/i18n.mjs';
import {
	getPvc,
	PENDING_PREFLIGHT_MESSAGES,
	pendingPreflight,
} from './lib/etcd-pending-preflight.mjs';
import {
	DEFAULT_ANNOTATION,
	isDefault,
	STORAGE_CLASS_MESSAGES,
	storageClasses,
	storageClassHelmText,
} from './lib/storage-classes.mjs';

/** @typedef {import('./lib/runbook.mjs').Context} Context */
/** @typedef {import('./lib/runbook.mjs').Step} Step */

/** @typedef {import('./lib/etcd-pending-preflight.mjs').Facts} Facts */
/** @typedef {import('./lib/etcd-pending-preflight.mjs').PendingPod} PendingPod */

const messages = {
	en: {
		...ETCD_MEMBER_MESSAGES.en,
		...STORAGE_CLASS_MESSAGES.en,
		...PENDING_PREFLIGHT_MESSAGES.en,
		flagStorageClass: 'StorageClass to make the default (asked for when several exist)',
		flagHelm: 'print the Helm values that fix it instead of changing the cluster',
		helmNothing: 'Helm values printed; nothing was changed',
		waitReady: 'every etcd pod to be Ready',
		pvcNotBound: 'PVC {pvc} is not Bound',
		pvcNotGone:
			'the old PVC {pvc} to be gone (`kubectl describe pvc {pvc}` shows what holds it: a pod that got a node first keeps it until that pod is deleted)',
		memberCount: 'expected {want} started members, found {got}',
		healthyDetails: '{n} pods Ready on StorageClass {sc}, cluster id {id}',
	},
	id: {
		...ETCD_MEMBER_MESSAGES.id,
		...STORAGE_CLASS_MESSAGES.id,
		...PENDING_PREFLIGHT_MESSAGES.id,
		flagStorageClass: 'StorageClass yang dijadikan default (ditanyakan kalau ada beberapa)',
		flagHelm: 'cetak values Helm yang memperbaikinya, tanpa mengubah cluster',
		helmNothing: 'values Helm sudah dicetak; tidak ada yang diubah',
		waitReady: 'semua pod etcd Ready',
		pvcNotBound: 'PVC {pvc} belum Bound',
		pvcNotGone:
			'PVC lama {pvc} hilang (`kubectl describe pvc {pvc}` menunjukkan apa yang menahannya: pod yang lebih dulu mendapat node menahannya sampai pod itu dihapus)',
		memberCount: 'seharusnya ada {want} member started, yang ada {got}',
		healthyDetails: '{n} pod Ready dengan StorageClass {sc}, cluster id {id}',
	},
};

/** A read whose failure is worth showing as it is. @param {import('./lib/shell.mjs').RunResult} r */
const stdoutOrError = (r) => (r.ok ? r.stdout : r.stderr);

/** @type {Facts} */
const exampleFacts = {
	replicas: 3,
	pending: [{ ordinal: 0, pvcUid: 'example' }],
	storageClass: 'standard',
	hadDefault: false,
	classes: ['standard'],
	witness: null,
	stale: [],
	quorum: false,
	join: false,
	helm: false,
};

export default defineRunbook(
	{
		name: 'etcd-pending',
		summary: tx(
			'Fix etcd pods stuck in Pending because their PVCs have no StorageClass',
			'Perbaiki pod etcd yang tertahan Pending karena PVC-nya tidak punya StorageClass',
		),
		description: tx(
			'Use it when etcd pods of the Milvus chart stay Pending and their PVCs (data-<release>-etcd-N) are ' +
				'Pending with "no storage class is set": the chart leaves storageClassName empty and the cluster has ' +
				'no default StorageClass. It shows the pods, PVC events and StorageClasses, marks the class you pick ' +
				'(or --storage-class) as the default, deletes the unbound PVCs (they hold no data) and their pods so ' +
				'the StatefulSet recreates both, then waits until every pod is Ready and etcd agrees on one cluster. ' +
				'A member that lost its volume rejoins as a new member (its old entry is removed first). Changes: the ' +
				"StorageClass's default annotation, unbound PVCs, pods, and then etcd membership. With --helm it only " +
				'prints the Helm values to set instead.',
			'Pakai saat pod etcd dari chart Milvus tetap Pending dan PVC-nya (data-<release>-etcd-N) Pending dengan ' +
				'pesan "no storage class is set". Artinya chart tidak mengisi storageClassName dan cluster tidak punya ' +
				'StorageClass default. Runbook ini menampilkan pod, event PVC, dan StorageClass, lalu menandai class ' +
				'yang Anda pilih (atau --storage-class) sebagai default. PVC yang belum Bound (belum berisi data) ' +
				'dihapus beserta pod-nya, supaya StatefulSet membuat ulang keduanya. Lalu runbook menunggu sampai ' +
				'semua pod Ready dan etcd sepakat pada satu cluster. Member yang kehilangan volume bergabung lagi ' +
				'sebagai member baru (entri lamanya dihapus dulu). Yang diubah: anotasi default StorageClass, PVC ' +
				'yang belum Bound, pod, lalu keanggotaan etcd. Dengan --helm, runbook hanya mencetak values Helm ' +
				'yang perlu diisi.',
		),
		target: 'kubernetes',
		flagGroups: ['kube', 'timeout'],
		flags: [
			{
				name: 'storage-class',
				type: 'string',
				format: 'k8s-name',
				help: messageText(messages, 'flagStorageClass'),
			},
			{
				name: 'helm',
				type: 'boolean',
				default: false,
				help: messageText(messages, 'flagHelm'),
			},
		],
		messages,
		exampleFacts,

		preflight: pendingPreflight,

		steps(ctx, /** @type {Facts} */ f) {
			if (f.helm) return [...readSteps(ctx, f), helmStep(f)];
			return [
				...readSteps(ctx, f),
				...rejoinSteps(ctx, f),
				defaultClassStep(ctx, f),
				...f.pending.flatMap((p) => claimSteps(ctx, p)),
				waitReadyStep(ctx, f),
			];
		},

		async verify(ctx, /** @type {Facts} */ f) {
			if (f.helm) return { ok: true, details: ctx.t('helmNothing') };
			const n = ctx.names;
			/** @type {string[]} */
			const problems = [];
			for (let i = 0; i < f.replicas; i++) {
				const pvc = await getPvc(ctx, n.pvc(i));
				if (pvc?.status?.phase !== 'Bound') problems.push(ctx.t('pvcNotBound', { pvc: n.pvc(i) }));
			}
			const members = await readyOneCluster(ctx, f.replicas, { health: true });
			problems.push(...members.problems);
			const ids = members.ids;
			const list = (await memberList(ctx, n.pod(0))) ?? [];
			const started = list.filter((m) => m.started).length;
			if (started !== f.replicas || list.length !== f.replicas)
				problems.push(ctx.t('memberCount', { want: f.replicas, got: started }));
			if (problems.length > 0) return { ok: false, details: [...new Set(problems)].join('; ') };
			return {
				ok: true,
				details: ctx.t('healthyDetails', {
					n: f.replicas,
					sc: f.storageClass,
					id: ids[0] ?? '?',
				}),
			};
		},
	},
	import.meta.url,
);

/** What the runbook shows first: the pods, each pending claim with its events, the StorageClasses. */
function readSteps(/** @type {Context} */ ctx, /** @type {Facts} */ f) {
	const k = ctx.kube;
	const n = ctx.names;
	/** @type {Step[]} */
	const steps = [listEtcdPodsStep(ctx)];
	for (const p of f.pending) {
		steps.push({
			id: 'describe-pvc',
			title: tx(
				`Show the PVC of ${n.pod(p.ordinal)} and its events`,
				`Tampilkan PVC milik ${n.pod(p.ordinal)} beserta event-nya`,
			),
			mode: 'read',
			command: k.argv('describe', 'pvc', n.pvc(p.ordinal)),
			check: false,
			parse: stdoutOrError,
		});
	}
	steps.push({
		id: 'list-storageclasses',
		title: tx(
			'List the StorageClasses; (default) marks the default',
			'Lihat StorageClass; (default) menandai yang default',
		),
		mode: 'read',
		command: k.argv('get', 'storageclass'),
		check: false,
		parse: stdoutOrError,
	});
	return steps;
}

/** --helm: the values to set instead of any change. @param {Facts} f @returns {Step} */
function helmStep(f) {
	return {
		id: 'helm-values',
		title: tx('Print the Helm values that fix it', 'Cetak values Helm yang memperbaikinya'),
		mode: 'read',
		command: null,
		action: (c) =>
			storageClassHelmText(
				c,
				f.storageClass,
				f.pending.map((p) => p.ordinal),
			),
	};
}

/**
 * Pending pods that used to be members come back as new ones: their stale entries go while the others have
 * quorum, and the StatefulSet says `existing` before any claim can bind.
 * @param {Context} ctx @param {Facts} f @returns {Step[]}
 */
function rejoinSteps(ctx, f) {
	const k = ctx.kube;
	const n = ctx.names;
	const wpod = f.witness === null ? n.pod(0) : n.pod(f.witness);
	/** @type {Step[]} */
	const steps = [];
	for (const s of f.stale.length > 0 && f.quorum ? f.stale : []) {
		steps.push({
			id: 'member-remove',
			title: tx(
				`Remove the old member entry of ${n.pod(s.ordinal)}; it rejoins as a new member`,
				`Hapus entri member lama ${n.pod(s.ordinal)}; pod ini bergabung lagi sebagai member baru`,
			),
			mode: 'change',
			command: k.execArgv(wpod, ['etcdctl', 'member', 'remove', s.id]),
			done: async (c) => {
				const list = await memberList(c, wpod);
				return Boolean(list && !list.some((m) => m.id === s.id));
			},
		});
	}
	if (f.join) {
		steps.push({
			id: 'set-existing',
			title: tx(
				'Make the new pods join the running cluster (member add) instead of bootstrapping a new one',
				'Buat pod baru bergabung ke cluster yang berjalan (member add), bukan membentuk cluster baru',
			),
			mode: 'change',
			command: k.argv('set', 'env', `sts/${n.sts}`, 'ETCD_INITIAL_CLUSTER_STATE=existing'),
			// The rolling update waits on the Pending pod; wait-ready sees it through once the claim binds.
			done: async (c) =>
				stsEnv(await c.kube.json(['get', 'sts', n.sts])).ETCD_INITIAL_CLUSTER_STATE === 'existing',
		});
	}
	return steps;
}

/** @param {Context} ctx @param {Facts} f @returns {Step} */
function defaultClassStep(ctx, f) {
	return {
		id: 'set-default-storageclass',
		title: tx(
			`Mark StorageClass ${f.storageClass} as the default`,
			`Tandai StorageClass ${f.storageClass} sebagai default`,
		),
		mode: 'change',
		command: ctx.kube.argv(
			'patch',
			'storageclass',
			f.storageClass,
			'-p',
			JSON.stringify({ metadata: { annotations: { [DEFAULT_ANNOTATION]: 'true' } } }),
		),
		done: async (c) =>
			(await storageClasses(c)).some((sc) => sc.metadata?.name === f.storageClass && isDefault(sc)),
	};
}

/**
 * One pending pod: its unbound claim goes (and is waited out), then the pod, if it still has no node.
 * @param {Context} ctx @param {PendingPod} p @returns {Step[]}
 */
function claimSteps(ctx, p) {
	const k = ctx.kube;
	const n = ctx.names;
	const pvcName = n.pvc(p.ordinal);
	/** @type {Step[]} */
	const steps = [];
	if (p.pvcUid !== null) {
		// The pod goes only once this very claim (by uid) is gone: before Kubernetes 1.26, a pod recreated
		// while its old claim is still terminating stays Pending for good on "persistentvolumeclaim not
		// found" (kubernetes/kubernetes#74374). The wait is the runbook's own, on the uid: kubectl's waits
		// (`wait --for=delete`, and `delete`'s own between its first read and its watch) follow the
		// name, and the StatefulSet may already have made a new claim of that name (the rolling update
		// of set-existing recreates the Pending pod, and with it its claim): they then wait for that one.
		steps.push({
			id: 'recreate-pvc',
			title: tx(
				`Delete the unbound PVC ${pvcName} and wait until it is gone; the StatefulSet recreates it`,
				`Hapus PVC ${pvcName} yang belum Bound dan tunggu sampai benar-benar hilang; StatefulSet membuatnya lagi`,
			),
			mode: 'destroy',
			command: k.argv('delete', 'pvc', pvcName, '--wait=false'),
			confirmName: pvcName,
			after: async (c) => {
				await waitFor(c, c.t('pvcNotGone', { pvc: pvcName }), async () => {
					const pvc = await getPvc(c, pvcName);
					return !pvc || pvc.metadata?.uid !== p.pvcUid;
				});
				return undefined;
			},
			// Done when the old claim is gone, was already replaced, or bound after all (Kubernetes >= 1.28
			// binds Pending claims to a new default). Only an unbound claim is data-free: one that has a
			// volume is not ours to delete.
			done: async (c) => {
				const pvc = await getPvc(c, pvcName);
				return (
					!pvc ||
					pvc.status?.phase === 'Bound' ||
					Boolean(pvc.spec?.volumeName) ||
					Boolean(pvc.spec?.storageClassName) ||
					pvc.metadata?.uid !== p.pvcUid
				);
			},
		});
	}
	steps.push({
		id: 'restart-pod',
		title: tx(
			`Delete ${n.pod(p.ordinal)} if it still has no node, so it is recreated with the new PVC`,
			`Hapus ${n.pod(p.ordinal)} kalau belum mendapat node, supaya dibuat ulang dengan PVC baru`,
		),
		mode: 'change',
		// Only a pod without a node goes: nothing in it ran. Since Kubernetes 1.26 the StatefulSet gives a
		// Pending pod its claim back by itself, so the pod may be scheduled by now and running the
		// chart's `member add`; killed half-way, it leaves a member that crashes for good. The field
		// selector makes kubectl itself skip a pod that got a node between the check below and the delete.
		// Not waiting for the pod to go: the StatefulSet recreates it, and wait-ready waits for that.
		command: k.argv(
			'delete',
			'pod',
			'--field-selector',
			`metadata.name=${n.pod(p.ordinal)},spec.nodeName=`,
			'--wait=false',
		),
		// Nothing to do once the pod got a node, or its new claim exists (then the scheduler places it).
		done: async (c) => {
			const pod = (await podsByOrdinal(c)).get(p.ordinal);
			if (pod && (pod.phase !== 'Pending' || pod.scheduled)) return true;
			return (await getPvc(c, pvcName)) !== null;
		},
	});
	return steps;
}

/** @param {Context} ctx @param {Facts} f @returns {Step} */
function waitReadyStep(ctx, f) {
	return {
		id: 'wait-ready',
		title: tx('Wait until every etcd pod is Ready', 'Tunggu sampai semua pod etcd Ready'),
		mode: 'read',
		command: ctx.kube.argv(
			'rollout',
			'status',
			`sts/${ctx.names.sts}`,
			`--timeout=${Number(ctx.flags.timeout ?? 300)}s`,
		),
		// Nothing was changed in a dry run, so there is nothing to wait for.
		when: (c) => !c.dryRun,
		// rollout status tells how far it got; every pod Ready on the new revision is what counts.
		check: false,
		parse: stdoutOrError,
		after: async (c) => {
			await waitFor(c, c.t('waitReady'), () => allReady(c, f));
		},
	};
}

/** Every replica Ready and the sts rollout finished. @param {Context} ctx @param {Facts} f */
async function allReady(ctx, f) {
	const pods = await podsByOrdinal(ctx);
	for (let i = 0; i < f.replicas; i++) if (!pods.get(i)?.ready) return false;
	const sts = await ctx.kube.json(['get', 'sts', ctx.names.sts]);
	const st = sts?.status ?? {};
	return !st.updateRevision || !st.currentRevision || st.updateRevision === st.currentRevision;
}
