#!/usr/bin/env zx
// @ts-check
// etcd-pending: etcd pods of the Milvus chart stay Pending because their PVCs never bind.
// With `persistence.storageClass` empty the chart renders no storageClassName, so a claim binds only
// when the cluster has a default StorageClass. Without one the PVC logs "no persistent volumes available
// for this claim and no storage class is set" and the scheduler "pod has unbound immediate
// PersistentVolumeClaims". The fix: mark one StorageClass as default (the user picks, or
// --storage-class), recreate the unbound claims (empty by definition: nothing to lose) and their pods,
// wait and verify. When a member that used to run lost its volume, it must come back as a NEW member:
// its stale entry is removed while the others have quorum and the StatefulSet is switched to
// `existing` BEFORE its claim can bind, else it would crash on "has already been bootstrapped".
// --helm prints the chart values to set instead and changes nothing.
import { defineRunbook } from './lib/runbook.mjs';
import { NotThisSymptomError, StepFailedError, UsageError } from './lib/exit.mjs';
import {
	ETCD_MEMBER_MESSAGES,
	healthy,
	memberList,
	podsByOrdinal,
	readyOneCluster,
	stsEnv,
	waitFor,
} from './lib/etcd-members.mjs';
import { messageText, tx } from './lib/i18n.mjs';

/** @typedef {import('./lib/runbook.mjs').Context} Context */
/** @typedef {import('./lib/runbook.mjs').Step} Step */

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

const DEFAULT_ANNOTATION = 'storageclass.kubernetes.io/is-default-class';
const BETA_ANNOTATION = 'storageclass.beta.kubernetes.io/is-default-class';
// The events that tell this story; a pod's other events (Scheduled, Killing…) only add noise.
const BINDING_REASONS = new Set(['FailedBinding', 'FailedScheduling', 'ProvisioningFailed']);

const messages = {
	en: {
		...ETCD_MEMBER_MESSAGES.en,
		flagStorageClass: 'StorageClass to make the default (asked for when several exist)',
		flagHelm: 'print the Helm values that fix it instead of changing the cluster',
		noPending: 'no etcd pod of release {release} is Pending',
		otherReason: '{pod} is Pending for another reason: {reason}',
		classNamed:
			'PVC {pvc} asks for StorageClass {sc}, which {state}; fix etcd.persistence.storageClass in the Helm values (see --helm)',
		classMissingState: 'does not exist',
		classExistsState: 'exists but has not provisioned it (check its provisioner)',
		noClasses:
			'the cluster has no StorageClass at all; install a provisioner (for example local-path-provisioner) and run again',
		unknownClass: 'StorageClass {sc} not found; existing: {list}',
		otherDefault:
			'StorageClass {other} is already the default; pass --storage-class {other}, or remove its default mark first',
		chooseNeedsFlag: 'several StorageClasses exist ({list}); choose one with --storage-class',
		choose: 'Make StorageClass {sc} the default? [y/N] ',
		noneChosen: 'no StorageClass chosen; nothing changed',
		dryChoice: 'dry run: would ask which StorageClass to use; showing {sc}',
		pendingList: 'Pending: {pods}',
		eventLine: '{object}: {message}',
		classes: 'StorageClasses: {list}; default: {def}; using: {sc}',
		noneDefault: 'none',
		staleMembers:
			'{pods} used to be members and lost their volume; they will rejoin as new members',
		noQuorum:
			'{pods} must rejoin, but the running members have no quorum; after this, run etcd-multi-crash',
		helmIntro:
			'Set this in the values of release {release} (persistence.storageClass of the etcd subchart):',
		helmImmutable:
			'volumeClaimTemplates cannot change in place; apply it like this (the PVCs that are already Bound stay):',
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
		flagStorageClass: 'StorageClass yang dijadikan default (ditanyakan kalau ada beberapa)',
		flagHelm: 'cetak values Helm yang memperbaikinya, tanpa mengubah cluster',
		noPending: 'tidak ada pod etcd dari release {release} yang Pending',
		otherReason: '{pod} Pending karena hal lain: {reason}',
		classNamed:
			'PVC {pvc} meminta StorageClass {sc}, yang {state}; perbaiki etcd.persistence.storageClass di values Helm (lihat --helm)',
		classMissingState: 'tidak ada',
		classExistsState: 'ada tetapi belum menyediakan volume-nya (periksa provisioner-nya)',
		noClasses:
			'cluster ini sama sekali tidak punya StorageClass; pasang provisioner (misalnya local-path-provisioner) lalu jalankan lagi',
		unknownClass: 'StorageClass {sc} tidak ditemukan; yang ada: {list}',
		otherDefault:
			'StorageClass {other} sudah jadi default; pakai --storage-class {other}, atau hapus dulu tanda default-nya',
		chooseNeedsFlag: 'ada beberapa StorageClass ({list}); pilih salah satu dengan --storage-class',
		choose: 'Jadikan StorageClass {sc} sebagai default? [y/N] ',
		noneChosen: 'tidak ada StorageClass yang dipilih; tidak ada yang diubah',
		dryChoice: 'dry run: seharusnya bertanya StorageClass mana yang dipakai; yang ditampilkan {sc}',
		pendingList: 'Pending: {pods}',
		eventLine: '{object}: {message}',
		classes: 'StorageClass: {list}; default: {def}; dipakai: {sc}',
		noneDefault: 'tidak ada',
		staleMembers:
			'{pods} dulunya member dan kehilangan volume-nya; pod ini akan bergabung lagi sebagai member baru',
		noQuorum:
			'{pods} harus bergabung lagi, tetapi member yang berjalan tidak punya kuorum; setelah ini, jalankan etcd-multi-crash',
		helmIntro:
			'Isi ini di values release {release} (persistence.storageClass milik subchart etcd):',
		helmImmutable:
			'volumeClaimTemplates tidak bisa diubah di tempat; terapkan seperti ini (PVC yang sudah Bound tetap ada):',
		helmNothing: 'values Helm sudah dicetak; tidak ada yang diubah',
		waitReady: 'semua pod etcd Ready',
		pvcNotBound: 'PVC {pvc} belum Bound',
		pvcNotGone:
			'PVC lama {pvc} hilang (`kubectl describe pvc {pvc}` menunjukkan apa yang menahannya: pod yang lebih dulu mendapat node menahannya sampai pod itu dihapus)',
		memberCount: 'seharusnya ada {want} member started, yang ada {got}',
		healthyDetails: '{n} pod Ready dengan StorageClass {sc}, cluster id {id}',
	},
};

/** @param {Context} ctx @param {string} name */
async function getPvc(ctx, name) {
	const r = await ctx.kube.run(['get', 'pvc', name, '-o', 'json'], { check: false });
	if (!r.ok) {
		if (/not ?found/i.test(r.stderr)) return null;
		throw new StepFailedError(r.stderr.trim().split('\n')[0] ?? `kubectl get pvc ${name}`);
	}
	return JSON.parse(r.stdout);
}

/** A read whose failure is worth showing as it is. @param {import('./lib/shell.mjs').RunResult} r */
const stdoutOrError = (r) => (r.ok ? r.stdout : r.stderr);

/** @param {any} sc */
const isDefault = (sc) => {
	const a = sc?.metadata?.annotations ?? {};
	return a[DEFAULT_ANNOTATION] === 'true' || a[BETA_ANNOTATION] === 'true';
};

/** @param {Context} ctx @returns {Promise<any[]>} */
async function storageClasses(ctx) {
	const list = await ctx.kube.json(['get', 'storageclass']);
	return Array.isArray(list?.items) ? list.items : [];
}

/**
 * Choose the class: --storage-class, else the existing default, else the only one, else ask.
 * @param {Context} ctx
 * @param {any[]} classes
 */
async function chooseClass(ctx, classes) {
	const names = classes.map((c) => String(c.metadata?.name)).sort();
	const list = names.join(', ');
	if (names.length === 0) throw new StepFailedError(ctx.t('noClasses'));
	const current = classes.find(isDefault)?.metadata?.name;
	const wanted =
		typeof ctx.flags['storage-class'] === 'string' ? ctx.flags['storage-class'] : undefined;
	if (wanted) {
		if (!names.includes(wanted)) throw new UsageError(ctx.t('unknownClass', { sc: wanted, list }));
		// Two defaults make the API server pick one by age: never create that ambiguity.
		if (current && current !== wanted && !ctx.flags.helm)
			throw new UsageError(ctx.t('otherDefault', { other: current }));
		return wanted;
	}
	if (current) return current;
	if (names.length === 1) return /** @type {string} */ (names[0]);
	if (ctx.dryRun) {
		ctx.out.warn(ctx.t('dryChoice', { sc: names[0] ?? '' }));
		return /** @type {string} */ (names[0]);
	}
	if (ctx.opts.yes || !ctx.prompts.interactive)
		throw new UsageError(ctx.t('chooseNeedsFlag', { list }));
	for (const name of names) {
		if (await ctx.prompts.confirm(ctx.t('choose', { sc: name }), 'set-default-storageclass'))
			return name;
	}
	throw new UsageError(ctx.t('noneChosen'));
}

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

		async preflight(ctx) {
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
					const state = ctx.t(
						classNames.includes(named) ? 'classExistsState' : 'classMissingState',
					);
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
				const initial = String(env.ETCD_INITIAL_CLUSTER ?? '').split(',');
				for (const p of pending) {
					const name = n.pod(p.ordinal);
					const peer = initial.find((e) => e.startsWith(`${name}=`))?.slice(name.length + 1);
					const hit = list.find(
						(m) => m.name === name || (peer !== undefined && m.peerURLs.includes(peer)),
					);
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
		},

		steps(ctx, /** @type {Facts} */ f) {
			const k = ctx.kube;
			const n = ctx.names;
			/** @type {Step[]} */
			const steps = [
				{
					id: 'list-pods',
					title: tx('List the etcd pods', 'Lihat pod etcd'),
					mode: 'read',
					command: k.argv('get', 'pods', '-l', n.selector),
				},
			];
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

			if (f.helm) {
				steps.push({
					id: 'helm-values',
					title: tx('Print the Helm values that fix it', 'Cetak values Helm yang memperbaikinya'),
					mode: 'read',
					command: null,
					action: (c) => helmText(c, f),
				});
				return steps;
			}

			const wpod = f.witness === null ? n.pod(0) : n.pod(f.witness);
			const rejoin = f.stale.length > 0 && f.quorum;
			for (const s of rejoin ? f.stale : []) {
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
						stsEnv(await c.kube.json(['get', 'sts', n.sts])).ETCD_INITIAL_CLUSTER_STATE ===
						'existing',
				});
			}
			steps.push({
				id: 'set-default-storageclass',
				title: tx(
					`Mark StorageClass ${f.storageClass} as the default`,
					`Tandai StorageClass ${f.storageClass} sebagai default`,
				),
				mode: 'change',
				command: k.argv(
					'patch',
					'storageclass',
					f.storageClass,
					'-p',
					JSON.stringify({ metadata: { annotations: { [DEFAULT_ANNOTATION]: 'true' } } }),
				),
				done: async (c) =>
					(await storageClasses(c)).some(
						(sc) => sc.metadata?.name === f.storageClass && isDefault(sc),
					),
			});
			for (const p of f.pending) {
				const pvcName = n.pvc(p.ordinal);
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
			}
			steps.push({
				id: 'wait-ready',
				title: tx('Wait until every etcd pod is Ready', 'Tunggu sampai semua pod etcd Ready'),
				mode: 'read',
				command: k.argv(
					'rollout',
					'status',
					`sts/${n.sts}`,
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
			});
			return steps;
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

/** Every replica Ready and the sts rollout finished. @param {Context} ctx @param {Facts} f */
async function allReady(ctx, f) {
	const pods = await podsByOrdinal(ctx);
	for (let i = 0; i < f.replicas; i++) if (!pods.get(i)?.ready) return false;
	const sts = await ctx.kube.json(['get', 'sts', ctx.names.sts]);
	const st = sts?.status ?? {};
	return !st.updateRevision || !st.currentRevision || st.updateRevision === st.currentRevision;
}

/** @param {Context} ctx @param {Facts} f */
function helmText(ctx, f) {
	const n = ctx.names;
	const release = n.release;
	const pvcs = f.pending.map((p) => n.pvc(p.ordinal));
	const pods = f.pending.map((p) => n.pod(p.ordinal));
	// helm is pinned like kubectl, so the values land on the cluster this run looked at.
	const pins = ctx.context ? ['--kube-context', ctx.context, '-n', ctx.namespace] : [];
	const helm = [
		'helm',
		'upgrade',
		release,
		'milvus/milvus',
		...pins,
		'--reuse-values',
		'--set',
		`etcd.persistence.storageClass=${f.storageClass}`,
	];
	return [
		ctx.t('helmIntro', { release }),
		'',
		'  etcd:',
		'    persistence:',
		`      storageClass: ${f.storageClass}`,
		'',
		ctx.t('helmImmutable'),
		'',
		`  ${ctx.formatCommand(['kubectl', 'delete', 'sts', n.sts, '--cascade=orphan'])}`,
		`  ${ctx.formatCommand(helm)}`,
		`  ${ctx.formatCommand(['kubectl', 'delete', 'pvc', ...pvcs])}`,
		`  ${ctx.formatCommand(['kubectl', 'delete', 'pod', ...pods])}`,
	].join('\n');
}
