#!/usr/bin/env zx
// @ts-check
// etcd-all-crash: every etcd member of the Milvus chart crash-loops, so there is no quorum, no member to
// snapshot and nothing `kubectl exec` can reach. What survives is each member's bbolt file
// (`/bitnami/etcd/data/member/snap/db`) on its PVC. This runbook reads those files offline (no etcd, no Go):
//
//   cluster mode (default): first make sure the data is what fails (a member killed for memory or by its
//   liveness probe, or one with an empty member_id, still has every key: exit 4 naming the fix). Then scale to
//   0, copy every member's db and WAL through a helper pod, pick the copy that reaches the highest raft index
//   once the committed WAL is replayed on it (then the highest `key` revision; bbolt txids are per member and
//   not comparable), write and verify a backup, and prove it can be restored (checksum, count, not empty,
//   every record within --max-request-bytes). Only then stop Milvus (so nothing writes into the empty etcd),
//   and with typed confirmation delete the PVCs, start ONE fresh member (the chart's three-member
//   ETCD_INITIAL_CLUSTER cannot bootstrap a lone pod, so the StatefulSet env is narrowed to etcd-0), restore
//   the keys through a port-forward, read everything back, put the original env back with state `existing`
//   and scale up one member at a time (each joins with `member add`, so no second cluster can form), compare
//   every key with the backup and start Milvus with the replica counts it had. The steps below read as that
//   checklist; the parts with logic of their own are lib/etcd-all-crash-preflight.mjs (crash cause, facts),
//   -copy (helper-pod copies, newest copy), -backup (backup, proof, compare), -milvus and -rebuild.
//   compose mode (lib/etcd-all-crash-compose.mjs, -compose-steps.mjs): `--target compose`, or auto when kubectl has no context and
//   docker has `milvus-etcd`: the same proof and backup from the container's volume, the old member folder
//   renamed aside (never deleted), etcd started empty and the keys restored through `docker exec … etcdctl`.
//   offline modes (lib/etcd-offline.mjs): `--db FILE [--wal DIRS] --inspect | --backup DIR`, `--restore DIR --endpoints URL`.
//
// Why keys and not `etcdctl snapshot restore --skip-hash-check`: the restored member must then be placed into
// a PVC with the right name and peer URLs, which cannot be done from outside a crash-looping pod; restoring
// keys works through any reachable etcd (compose, port-forward). The snapshot route is printed as the
// alternative.
import { defineRunbook } from './lib/runbook.mjs';
import { HELPER_IMAGE_FLAG } from './lib/kube.mjs';
import { ETCD_MEMBER_MESSAGES, stsEnv, timeoutFlag, waitFor } from './lib/etcd-members.mjs';
import { PROOF_MESSAGES } from './lib/etcd-restore-proof.mjs';
import { DEFAULT_MAX_REQUEST_BYTES } from './lib/etcd-http.mjs';
import { OFFLINE_FLAGS, OFFLINE_MESSAGES, offlineMain } from './lib/etcd-offline.mjs';
import {
	COMPOSE_FLAGS,
	COMPOSE_MESSAGES,
	chooseTarget,
	composeIdentity,
	composePreflight,
	composeVerify,
	exampleComposeFacts,
} from './lib/etcd-all-crash-compose.mjs';
import { composeSteps } from './lib/etcd-all-crash-compose-steps.mjs';
import { ALL_CRASH_BACKUP_MESSAGES, checkBackupStep } from './lib/etcd-all-crash-backup.mjs';
import {
	CLUSTER_PREFLIGHT_MESSAGES,
	clusterIdentity,
	clusterPreflight,
	etcdPods,
	podIsReady,
	pvcIdentity,
	sts,
} from './lib/etcd-all-crash-preflight.mjs';
import {
	ALL_CRASH_MILVUS_MESSAGES,
	listMilvusStep,
	startMilvusSteps,
	stopMilvusStep,
} from './lib/etcd-all-crash-milvus.mjs';
import {
	ALL_CRASH_COPY_MESSAGES,
	backupSteps,
	copySteps,
	helperPod,
} from './lib/etcd-all-crash-copy.mjs';
import {
	ALL_CRASH_REBUILD_MESSAGES,
	clusterVerify,
	deletePvcsStep,
	restoreSteps,
	startedMembers,
	verifyStep,
} from './lib/etcd-all-crash-rebuild.mjs';

/** @typedef {import('./lib/runbook.mjs').Context} Context */
/** @typedef {import('./lib/runbook.mjs').Step} Step */
/** @typedef {import('./lib/etcd-all-crash-preflight.mjs').Facts} Facts */

const messages = {
	en: {
		...ETCD_MEMBER_MESSAGES.en,
		...PROOF_MESSAGES.en,
		...OFFLINE_MESSAGES.en,
		...COMPOSE_MESSAGES.en,
		...ALL_CRASH_BACKUP_MESSAGES.en,
		...CLUSTER_PREFLIGHT_MESSAGES.en,
		...ALL_CRASH_MILVUS_MESSAGES.en,
		...ALL_CRASH_COPY_MESSAGES.en,
		...ALL_CRASH_REBUILD_MESSAGES.en,
		flagWorkDir: 'folder on this machine for the db copies and the backup',
		flagLocalPort: 'local port for kubectl port-forward to the fresh member',
		flagTimeout: 'seconds to wait for each pod',
		flagMaxRequestBytes:
			"etcd's --max-request-bytes: a value bigger than this cannot be restored, so the run refuses before deleting anything",
		flagIgnoreCrashCause:
			'go on although a member crashes with its data intact (out of memory, liveness probe): only after you have fixed that cause and the members still crash',
		waitPodsGone: 'the etcd pods to stop',
		waitReady: '{pod} to be Ready',
		helmSingle:
			'The StatefulSet is changed with `kubectl set env`, so Helm is not needed. Do not run helm upgrade until this runbook has finished.',
		helmAfter:
			'Helm values: keep etcd.replicaCount: {replicas}; the chart renders ETCD_INITIAL_CLUSTER_STATE=existing on every helm upgrade, which matches what this runbook set. If your values pin etcd.initialClusterState: new, change it to existing.',
	},
	id: {
		...ETCD_MEMBER_MESSAGES.id,
		...PROOF_MESSAGES.id,
		...OFFLINE_MESSAGES.id,
		...COMPOSE_MESSAGES.id,
		...ALL_CRASH_BACKUP_MESSAGES.id,
		...CLUSTER_PREFLIGHT_MESSAGES.id,
		...ALL_CRASH_MILVUS_MESSAGES.id,
		...ALL_CRASH_COPY_MESSAGES.id,
		...ALL_CRASH_REBUILD_MESSAGES.id,
		flagWorkDir: 'folder di mesin ini untuk salinan db dan backup',
		flagLocalPort: 'port lokal untuk kubectl port-forward ke member baru',
		flagTimeout: 'berapa detik menunggu tiap pod',
		flagMaxRequestBytes:
			'--max-request-bytes milik etcd: value yang lebih besar dari ini tidak bisa dipulihkan, jadi run ditolak sebelum ada yang dihapus',
		flagIgnoreCrashCause:
			'tetap lanjut walaupun ada member yang crash dengan data masih utuh (kehabisan memori, liveness probe): pakai hanya setelah penyebab itu Anda perbaiki dan member masih crash',
		waitPodsGone: 'pod etcd berhenti',
		waitReady: '{pod} Ready',
		helmSingle:
			'StatefulSet diubah dengan `kubectl set env`, jadi tidak perlu Helm. Jangan jalankan helm upgrade sebelum runbook ini selesai.',
		helmAfter:
			'Values Helm: biarkan "etcd.replicaCount: {replicas}". Setiap "helm upgrade" menulis ETCD_INITIAL_CLUSTER_STATE=existing, sama seperti runbook ini. Kalau values Anda mengunci "etcd.initialClusterState: new", ganti menjadi existing.',
	},
};

/** @param {keyof typeof messages.en} key */
const help = (key) => ({ en: messages.en[key], id: messages.id[key] });

const flags = /** @type {import('./lib/cli.mjs').FlagSpec[]} */ ([
	...OFFLINE_FLAGS,
	...COMPOSE_FLAGS,
	{ name: 'work-dir', type: 'string', default: 'etcd-rescue', help: help('flagWorkDir') },
	{ name: 'local-port', type: 'number', default: 2379, help: help('flagLocalPort') },
	{
		name: 'max-request-bytes',
		type: 'number',
		default: DEFAULT_MAX_REQUEST_BYTES,
		help: help('flagMaxRequestBytes'),
	},
	{ ...HELPER_IMAGE_FLAG, help: help('flagHelperImage') },
	{
		name: 'ignore-crash-cause',
		type: 'boolean',
		default: false,
		help: help('flagIgnoreCrashCause'),
	},
	timeoutFlag(messages),
]);

const exampleInitialCluster = [0, 1, 2]
	.map(
		(i) =>
			`my-release-etcd-${i}=http://my-release-etcd-${i}.my-release-etcd-headless.default.svc.cluster.local:2380`,
	)
	.join(',');

/** @type {Facts} */
const exampleFacts = {
	replicas: 3,
	initialCluster: exampleInitialCluster,
	singleMember: exampleInitialCluster.split(',')[0] ?? null,
	clusterState: 'new',
	pvcUids: {},
	workDir: 'etcd-rescue',
	backupDir: 'etcd-rescue/backup',
	nodes: {},
	milvus: [
		{ kind: 'deployment', name: 'my-release-milvus-proxy', replicas: 1 },
		{ kind: 'deployment', name: 'my-release-milvus-mixcoord', replicas: 1 },
		{ kind: 'deployment', name: 'my-release-milvus-datanode', replicas: 1 },
		{ kind: 'deployment', name: 'my-release-milvus-querynode', replicas: 2 },
	],
};

// ---------------------------------------------------------------------------------------------------------
// The cluster runbook, step by step. The steps that only change the StatefulSet are here; the copies, the
// backup, Milvus and the rebuild are in lib/etcd-all-crash-*.mjs.

/** @param {Context} ctx */
const stsReplicas = async (ctx) => Number((await sts(ctx))?.spec?.replicas);

/**
 * `kubectl set env` of the member list and its state, as data; null when the chart rendered no list.
 * @param {Context} ctx @param {string | null} list @param {'new' | 'existing'} state
 */
const setEnvArgv = (ctx, list, state) =>
	list
		? ctx.kube.argv(
				'set',
				'env',
				`sts/${ctx.names.sts}`,
				`ETCD_INITIAL_CLUSTER=${list}`,
				`ETCD_INITIAL_CLUSTER_STATE=${state}`,
			)
		: null;

/** @param {Context} ctx @param {Facts} facts @returns {Step[]} */
function inspectSteps(ctx, facts) {
	return [
		{
			id: 'list-pods',
			title: { en: 'List the etcd pods', id: 'Lihat pod etcd' },
			mode: 'read',
			command: ctx.kube.argv('get', 'pods', '-l', ctx.names.selector),
		},
		...Array.from({ length: facts.replicas }, (_, i) => ({
			id: 'read-logs',
			title: {
				en: `Why ${ctx.names.pod(i)} crashes: the end of its previous log`,
				id: `Mengapa ${ctx.names.pod(i)} crash: akhir log sebelumnya`,
			},
			mode: /** @type {const} */ ('read'),
			command: ctx.kube.argv('logs', ctx.names.pod(i), '--previous', '--tail=20'),
			// A member that never restarted (or is already gone) has no previous log.
			optional: true,
		})),
		listMilvusStep(ctx, facts.milvus ?? []),
		{
			id: 'scale-to-zero',
			title: {
				en: 'Stop every etcd pod, so the PVCs can be mounted elsewhere',
				id: 'Hentikan semua pod etcd supaya PVC bisa dipasang di tempat lain',
			},
			mode: 'change',
			command: ctx.kube.argv('scale', 'sts', ctx.names.sts, '--replicas=0'),
			after: async (c) => {
				await waitFor(c, c.t('waitPodsGone'), async () => (await etcdPods(c)).length === 0);
			},
			async done(c) {
				// After the PVCs were replaced (a resumed run), scaling to 0 again would take the restored member down.
				const pvc = c.names.pvc(0);
				if (c.resume && (await pvcIdentity(c, pvc)) !== (facts.pvcUids[pvc] ?? null)) return true;
				return (await stsReplicas(c)) === 0 && (await etcdPods(c)).length === 0;
			},
		},
	];
}

/** @param {Context} ctx @param {Facts} facts @returns {Step[]} */
function startFreshSteps(ctx, facts) {
	const pod0 = ctx.names.pod(0);
	return [
		{
			id: 'single-member',
			title: {
				en: 'Let etcd-0 start as a cluster of one',
				id: 'Biarkan etcd-0 berjalan sebagai cluster satu member',
			},
			mode: 'change',
			command: setEnvArgv(ctx, facts.singleMember, 'new'),
			after: (c) => c.t('helmSingle'),
			async done(c) {
				if (!facts.singleMember) return true; // replicaCount=1 charts render no initial cluster at all
				const env = stsEnv(await sts(c));
				return (
					(env.ETCD_INITIAL_CLUSTER === facts.singleMember &&
						env.ETCD_INITIAL_CLUSTER_STATE === 'new') ||
					(env.ETCD_INITIAL_CLUSTER === facts.initialCluster &&
						env.ETCD_INITIAL_CLUSTER_STATE === 'existing')
				);
			},
		},
		{
			id: 'scale-to-one',
			title: { en: 'Start one fresh etcd member', id: 'Nyalakan satu member etcd baru' },
			mode: 'change',
			command: ctx.kube.argv('scale', 'sts', ctx.names.sts, '--replicas=1'),
			after: async (c) => {
				await waitFor(c, c.t('waitReady', { pod: pod0 }), () => podIsReady(c, 0));
			},
			done: async (c) => (await stsReplicas(c)) >= 1 && (await podIsReady(c, 0)),
		},
	];
}

/** @param {Context} ctx @param {Facts} facts @returns {Step[]} */
function growSteps(ctx, facts) {
	const pod0 = ctx.names.pod(0);
	/** @type {Step[]} */
	const steps = [
		{
			id: 'set-existing',
			title: {
				en: 'Put the original member list back, with state existing',
				id: 'Kembalikan daftar member asli, dengan state existing',
			},
			mode: 'change',
			command: setEnvArgv(ctx, facts.initialCluster, 'existing'),
			async after(c) {
				// The env change restarts etcd-0; it keeps its data and must be back before anyone joins it.
				await new Promise((r) => setTimeout(r, 1500));
				await waitFor(c, c.t('waitReady', { pod: pod0 }), () => podIsReady(c, 0));
				return c.t('helmAfter', { replicas: facts.replicas });
			},
			async done(c) {
				if (!facts.initialCluster) return true;
				const env = stsEnv(await sts(c));
				return (
					env.ETCD_INITIAL_CLUSTER === facts.initialCluster &&
					env.ETCD_INITIAL_CLUSTER_STATE === 'existing' &&
					(await podIsReady(c, 0))
				);
			},
		},
	];
	for (let want = 2; want <= facts.replicas; want++) {
		const size = want;
		const joined = async (/** @type {Context} */ c) =>
			(await podIsReady(c, size - 1)) && (await startedMembers(c, size));
		steps.push({
			id: 'scale-up',
			title: {
				en: `Add member ${size - 1} (one at a time, it joins with member add)`,
				id: `Tambah member ${size - 1} (satu per satu, masuk lewat member add)`,
			},
			mode: 'change',
			command: ctx.kube.argv('scale', 'sts', ctx.names.sts, `--replicas=${size}`),
			async after(c) {
				await waitFor(c, c.t('waitReady', { pod: c.names.pod(size - 1) }), () =>
					podIsReady(c, size - 1),
				);
				await waitFor(c, c.t('waitMembers', { n: size }), () => startedMembers(c, size));
			},
			done: async (c) => (await stsReplicas(c)) >= size && (await joined(c)),
		});
	}
	return steps;
}

/** The Kubernetes runbook as a checklist. @param {Context} ctx @param {Facts} facts @returns {Step[]} */
function clusterSteps(ctx, facts) {
	const helpers = Array.from({ length: facts.replicas }, (_, i) => helperPod(ctx, i));
	const deleteHelpers = ctx.kube.argv('delete', 'pod', ...helpers, '--ignore-not-found');
	return [
		...inspectSteps(ctx, facts),
		...copySteps(ctx, facts),
		...backupSteps(ctx, facts),
		checkBackupStep({
			id: 'check-backup',
			title: {
				en: 'Prove the backup can be restored (checksum, count, not empty, every value within --max-request-bytes)',
				id: 'Buktikan backup bisa dipulihkan (checksum, jumlah, tidak kosong, semua value di bawah --max-request-bytes)',
			},
			backupDir: facts.backupDir,
		}),
		stopMilvusStep(ctx, facts.milvus ?? []),
		{
			id: 'delete-helpers',
			title: {
				en: 'Delete the helper pods, so no pod holds a PVC',
				id: 'Hapus pod bantuan supaya tidak ada pod yang menahan PVC',
			},
			mode: 'change',
			command: deleteHelpers,
			async done(c) {
				for (const h of helpers)
					if ((await c.kube.run(['get', 'pod', h, '-o', 'name'], { check: false })).ok)
						return false;
				return true;
			},
		},
		deletePvcsStep(ctx, facts, deleteHelpers),
		...startFreshSteps(ctx, facts),
		...restoreSteps(ctx, facts),
		...growSteps(ctx, facts),
		verifyStep(ctx, facts),
		...startMilvusSteps(ctx, facts.milvus ?? []),
	];
}

export default defineRunbook(
	{
		name: 'etcd-all-crash',
		summary: {
			en: "Every etcd member crash-loops: back up the keys from the members' db files, rebuild etcd, restore them",
			id: 'Semua member etcd crash loop: backup key dari file db member, bangun ulang etcd, lalu restore',
		},
		description: {
			en: 'Use when all etcd pods of the Milvus chart are in CrashLoopBackOff and no member has quorum. It first reads why each member crashes and stops when the data is intact (killed for memory, by a liveness probe, or an empty member_id). Then it scales etcd to 0, copies member/snap/db and member/wal out of every PVC through a helper pod, picks the copy that reaches furthest once the committed WAL is replayed on top of it, writes a backup (manifest.json + kvs.jsonl) on this machine and proves it can be restored (checksum, count, not empty, every value within --max-request-bytes). Only then it stops Milvus (its Deployments and StatefulSets go to 0, their counts are remembered), and after you type the StatefulSet name it deletes the PVCs, starts one fresh member, restores the keys through a port-forward, puts the original member list back with state existing, scales up one member at a time, compares every key with the backup and starts Milvus again. Docker Compose (--target compose, or automatically when kubectl has no context and docker has milvus-etcd): the same checks, copy, backup and proof from the volume of the container; milvus-standalone is stopped, and after you type the container name the old member folder is renamed to member.broken-<time> inside the volume (nothing is deleted), etcd starts empty, the keys are restored through docker exec etcdctl (or --endpoints), compared with the backup, and Milvus is started again. Offline: --db FILE [--wal DIR,...] --backup DIR | --inspect, and --restore DIR --endpoints URL for any reachable etcd (docker compose, port-forward).',
			id: 'Dipakai kalau semua pod etcd dari chart Milvus CrashLoopBackOff dan tidak ada member yang punya kuorum. Runbook ini lebih dulu membaca mengapa tiap member crash, dan berhenti kalau datanya masih utuh (dimatikan karena memori, oleh liveness probe, atau member_id kosong). Setelah itu etcd dikecilkan ke 0, lalu member/snap/db dan member/wal disalin dari setiap PVC lewat pod bantuan. Salinan yang paling jauh setelah WAL yang sudah disepakati diputar ulang di atasnya dipilih. Backup (manifest.json + kvs.jsonl) ditulis di mesin ini dan dibuktikan bisa dipulihkan (checksum, jumlah, tidak kosong, semua value di bawah --max-request-bytes). Baru kemudian Milvus dihentikan (Deployment dan StatefulSet-nya ke 0, jumlah replikanya diingat). Setelah Anda mengetik nama StatefulSet, PVC dihapus, satu member baru dinyalakan, dan key dipulihkan lewat port-forward. Daftar member asli dipasang lagi dengan state existing, member ditambah satu per satu, semua key dibandingkan dengan backup, lalu Milvus dinyalakan lagi. Docker Compose (--target compose, atau otomatis kalau kubectl tidak punya context dan docker punya milvus-etcd): pemeriksaan, salinan, backup, dan pembuktian yang sama dari volume container. milvus-standalone dihentikan. Setelah Anda mengetik nama container, folder member lama diganti namanya menjadi member.broken-<waktu> di dalam volume (tidak ada yang dihapus), etcd dinyalakan kosong, key dipulihkan lewat docker exec etcdctl (atau --endpoints), dibandingkan dengan backup, lalu Milvus dinyalakan lagi. Mode offline: --db FILE [--wal DIR,...] --backup DIR | --inspect, dan --restore DIR --endpoints URL untuk etcd mana pun yang bisa dijangkau (docker compose, port-forward).',
		},
		target: 'kubernetes',
		exitCodes: {
			3: {
				en: 'refused or aborted: a change was not confirmed, no terminal, interrupted, or the backup cannot be restored (nothing deleted)',
				id: 'ditolak atau dibatalkan: perubahan tidak dikonfirmasi, tidak ada terminal, terputus, atau backup tidak bisa dipulihkan (tidak ada yang dihapus)',
			},
			4: {
				en: 'not this symptom: a member is Ready (compose: milvus-etcd answers, or was stopped rather than crashed), or the members crash with their data intact (out of memory, liveness probe, bad member ID); the message names the fix',
				id: 'bukan gejala ini: ada member yang Ready (compose: milvus-etcd menjawab, atau dihentikan dan bukan crash), atau member crash dengan data masih utuh (kehabisan memori, liveness probe, bad member ID); pesannya menyebutkan perbaikannya',
			},
		},
		flags,
		messages,
		exampleFacts,
		variantFacts: [exampleComposeFacts],

		async main(ctx) {
			const offline = typeof ctx.flags.db === 'string' || typeof ctx.flags.restore === 'string';
			if (!offline && (await chooseTarget(ctx)) === 'compose') {
				ctx.target = 'docker'; // connect() then needs docker, not a kubectl context
				return undefined;
			}
			return offlineMain(ctx); // undefined without an offline flag: the cluster runbook (plan, steps, verify)
		},

		identity: (ctx) => (ctx.target === 'docker' ? composeIdentity(ctx) : clusterIdentity(ctx)),

		preflight: (ctx) => (ctx.target === 'docker' ? composePreflight(ctx) : clusterPreflight(ctx)),

		steps: (ctx, /** @type {any} */ facts) =>
			facts?.target === 'compose' ? composeSteps(ctx, facts) : clusterSteps(ctx, facts),

		verify: (ctx, /** @type {any} */ facts) =>
			facts?.target === 'compose' ? composeVerify(ctx, facts) : clusterVerify(ctx, facts),
	},
	import.meta.url,
);
