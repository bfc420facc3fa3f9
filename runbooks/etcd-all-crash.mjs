#!/usr/bin/env zx
// @ts-check
// etcd-all-crash: every etcd member of the Milvus chart crash-loops, so there is no quorum, no member to
// snapshot and nothing `kubectl exec` can reach. What survives is each member's bbolt file
// (`/bitnami/etcd/data/member/snap/db`) on its PVC. This runbook reads those files offline (no etcd, no Go):
//
//   cluster mode (default): scale to 0, copy every member's db and WAL through a helper pod, pick the copy
//   that reaches the highest raft index once the committed WAL is replayed on it (then the highest `key`
//   revision; bbolt txids are per member and not comparable), write and verify a backup, and
//   only then, with typed confirmation, delete the PVCs, start ONE fresh member (the chart's three-member
//   ETCD_INITIAL_CLUSTER cannot bootstrap a lone pod, so the StatefulSet env is narrowed to etcd-0), restore
//   the keys in transactions through a port-forward, read everything back, put the original env back with
//   state `existing` and scale up one member at a time (each joins with `member add`, so no second cluster can
//   form), then check health and a single cluster id.
//   offline modes (lib/etcd-offline.mjs): `--db FILE [--wal DIRS] --inspect | --backup DIR`, `--restore DIR --endpoints URL`.
//
// Why keys and not `etcdctl snapshot restore --skip-hash-check`: the restored member must then be placed into
// a PVC with the right name and peer URLs, which cannot be done from outside a crash-looping pod; restoring
// keys works through any reachable etcd (compose, port-forward). The snapshot route is printed as the
// alternative. Facts and sources: /work/shared/reference/etcd-bbolt.md, bitnami-etcd.md.
import * as nodeFs from 'node:fs';
import * as nodePath from 'node:path';
import { defineRunbook } from './lib/runbook.mjs';
import { NotThisSymptomError, StepFailedError } from './lib/exit.mjs';
import { ETCD_MOUNT } from './lib/kube.mjs';
import { $ } from './lib/zx.mjs';
import {
	ETCD_MEMBER_MESSAGES,
	checkTimeout,
	parseJsonBig,
	podsByOrdinal,
	stsEnv,
	waitFor,
	timeoutFlag,
} from './lib/etcd-members.mjs';
import { latestRevision } from './lib/mvcc.mjs';
import { etcdHttp } from './lib/etcd-http.mjs';
import { compareKvs, readBackup, sha256File } from './lib/etcd-backup.mjs';
import {
	OFFLINE_FLAGS,
	OFFLINE_MESSAGES,
	backupFromDb,
	backupText,
	connectEtcd,
	loadBackup,
	offlineMain,
	pickNewest,
	restoreInto,
} from './lib/etcd-offline.mjs';

/** @typedef {import('./lib/runbook.mjs').Context} Context */
/** @typedef {import('./lib/runbook.mjs').Step} Step */

/**
 * @typedef {object} Facts
 * @property {number} replicas               StatefulSet size before we touched it
 * @property {string | null} initialCluster  ETCD_INITIAL_CLUSTER as the chart rendered it (null: replicaCount=1)
 * @property {string | null} singleMember    the etcd-0 entry of it: what a lone fresh member needs
 * @property {string} clusterState           ETCD_INITIAL_CLUSTER_STATE before we touched it
 * @property {Record<string, string>} pvcUids  uid (or creation time) of each PVC, to tell a recreated one apart
 * @property {string} workDir
 * @property {string} backupDir
 */

const DB_IN_POD = `${ETCD_MOUNT}/data/member/snap/db`;
const WAL_IN_POD = `${ETCD_MOUNT}/data/member/wal`;
const SCRIPT = 'runbooks/etcd-all-crash.mjs';

const messages = {
	en: {
		...ETCD_MEMBER_MESSAGES.en,
		...OFFLINE_MESSAGES.en,
		flagWorkDir: 'folder on this machine for the db copies and the backup',
		flagLocalPort: 'local port for kubectl port-forward to the fresh member',
		flagTimeout: 'seconds to wait for each pod',
		notKubernetesCrash:
			'pod {pod} is Ready: not every member is down. Use etcd-multi-crash (or etcd-bad-member-id)',
		pendingPods: 'pods {pods} are Pending, not crashing; run etcd-pending first',
		noPods:
			'StatefulSet {sts} has {replicas} replicas and no pods are crashing; nothing to recover',
		noPvcs: 'no PVC data-{sts}-N found: there is no etcd data left to recover from',
		crashingList: 'all {n} members are down: {pods}',
		resuming: 'continuing the rescue started earlier',
		waitPodsGone: 'the etcd pods to stop',
		waitPvcsGone: 'the PVCs to be deleted',
		waitReady: '{pod} to be Ready',
		waitMembers: '{n} started members',
		copyDry: '[dry run] would mount {pvc} in helper pod {pod} and copy {src}',
		copyFailed: 'no db copied from {pvc}: {reason}',
		copied: 'copied {file} ({bytes} bytes), key revision {revision}',
		copyUnreadable: 'copy {file} is unreadable: {reason}',
		walCopied: 'copied {dir} ({files} WAL segments)',
		noCopies: 'no usable db copy from any member; nothing has been changed',
		dryNoCopy: '[dry run] no copies yet; the backup would be written from the newest copy',
		deleteGate:
			'backup {dir} checked again ({count} keys, checksum ok); StatefulSet at 0 replicas with no pods',
		gatePodsLeft:
			'pods {pods} still exist; deleting their PVCs now would fail or lose data. Nothing deleted',
		gateReplicas: 'StatefulSet {sts} has {replicas} replicas, not 0. Nothing deleted',
		helmSingle:
			'Picked: `kubectl set env` on the StatefulSet (option 2 of bitnami-etcd.md §3b), so Helm is not needed. Do not run helm upgrade until this runbook has finished.',
		helmAfter:
			'Helm values: keep etcd.replicaCount: {replicas}; the chart renders ETCD_INITIAL_CLUSTER_STATE=existing on every helm upgrade, which matches what this runbook set. If your values pin etcd.initialClusterState: new, change it to existing.',
		portForwardUp: 'port-forward ready: {endpoint}',
		portForwardFailed: 'kubectl port-forward did not come up: {reason}',
		verifyMembers: 'members: {got} of {want} started',
		verifyIds: 'members report different cluster ids: {ids} (split brain)',
		verifyNotReady: 'not Ready: {pods}',
		verifyKeys: '{got} keys in etcd, the backup has {want}',
		verifyWal: 'etcd is rebuilt, but not every acknowledged write is known to be back: {verdict}',
		verifiedAll: '{n} members healthy, cluster id {id}, {keys} keys (backup: {want})',
		execFailed: 'cannot run etcdctl in {pod}: {reason}',
		verifyDry:
			'[dry run] would check that every member is started and healthy, with one cluster id',
	},
	id: {
		...ETCD_MEMBER_MESSAGES.id,
		...OFFLINE_MESSAGES.id,
		flagWorkDir: 'folder di mesin ini untuk salinan db dan backup',
		flagLocalPort: 'port lokal untuk kubectl port-forward ke member baru',
		flagTimeout: 'berapa detik menunggu tiap pod',
		notKubernetesCrash:
			'pod {pod} Ready: tidak semua member mati. Pakai etcd-multi-crash (atau etcd-bad-member-id)',
		pendingPods: 'pod {pods} berstatus Pending, bukan crash; jalankan etcd-pending dulu',
		noPods:
			'StatefulSet {sts} punya {replicas} replika dan tidak ada pod yang crash; tidak ada yang perlu dipulihkan',
		noPvcs: 'tidak ada PVC data-{sts}-N: tidak ada data etcd tersisa untuk dipulihkan',
		crashingList: 'semua {n} member mati: {pods}',
		resuming: 'melanjutkan pemulihan yang sudah dimulai sebelumnya',
		waitPodsGone: 'pod etcd berhenti',
		waitPvcsGone: 'PVC terhapus',
		waitReady: '{pod} Ready',
		waitMembers: '{n} member berjalan',
		copyDry: '[dry run] akan mount {pvc} di pod bantuan {pod} lalu menyalin {src}',
		copyFailed: 'tidak ada db yang tersalin dari {pvc}: {reason}',
		copied: '{file} tersalin ({bytes} byte), revision key {revision}',
		copyUnreadable: 'salinan {file} tidak bisa dibaca: {reason}',
		walCopied: '{dir} tersalin ({files} segmen WAL)',
		noCopies: 'tidak ada salinan db yang bisa dipakai dari member mana pun; belum ada yang diubah',
		dryNoCopy: '[dry run] belum ada salinan; backup akan ditulis dari salinan terbaru',
		deleteGate:
			'backup {dir} dicek ulang ({count} key, checksum cocok); StatefulSet di 0 replika tanpa pod',
		gatePodsLeft:
			'pod {pods} masih ada; menghapus PVC-nya sekarang bisa gagal atau menghilangkan data. Tidak ada yang dihapus',
		gateReplicas: 'StatefulSet {sts} punya {replicas} replika, bukan 0. Tidak ada yang dihapus',
		helmSingle:
			'Dipilih: `kubectl set env` pada StatefulSet (opsi 2 di bitnami-etcd.md §3b), jadi tidak perlu Helm. Jangan jalankan helm upgrade sebelum runbook ini selesai.',
		helmAfter:
			'Values Helm: biarkan etcd.replicaCount: {replicas}; chart me-render ETCD_INITIAL_CLUSTER_STATE=existing di setiap helm upgrade, sama dengan yang diset runbook ini. Kalau values Anda mengunci etcd.initialClusterState: new, ganti jadi existing.',
		portForwardUp: 'port-forward siap: {endpoint}',
		portForwardFailed: 'kubectl port-forward tidak jalan: {reason}',
		verifyMembers: 'member: {got} dari {want} berjalan',
		verifyIds: 'member melaporkan cluster id yang berbeda: {ids} (split brain)',
		verifyNotReady: 'belum Ready: {pods}',
		verifyKeys: 'ada {got} key di etcd, backup berisi {want}',
		verifyWal:
			'etcd sudah dibangun ulang, tapi belum pasti semua penulisan yang sudah dikonfirmasi kembali: {verdict}',
		verifiedAll: '{n} member sehat, cluster id {id}, {keys} key (backup: {want})',
		execFailed: 'tidak bisa menjalankan etcdctl di {pod}: {reason}',
		verifyDry:
			'[dry run] akan mengecek bahwa semua member berjalan dan sehat, dengan satu cluster id',
	},
};

// ---------------------------------------------------------------------------------------------------------
// cluster mode helpers

/** @param {number} [ms] */
const sleep = (ms = 1000) => new Promise((r) => setTimeout(r, ms));

/** @param {Context} ctx */
function timeoutMs(ctx) {
	return Number(ctx.flags.timeout) * 1000;
}

/** The StatefulSet's pods, by ordinal. @param {Context} ctx */
async function etcdPods(ctx) {
	return [...(await podsByOrdinal(ctx)).values()].sort((a, b) => a.ordinal - b.ordinal);
}

/** @param {Context} ctx */
async function sts(ctx) {
	return ctx.kube.json(['get', 'sts', ctx.names.sts]);
}

/** @param {Context} ctx @param {string} pvc */
async function pvcIdentity(ctx, pvc) {
	const r = await ctx.kube.run(['get', 'pvc', pvc, '-o', 'json'], { check: false });
	if (!r.ok) return null;
	try {
		const o = JSON.parse(r.stdout);
		return String(o?.metadata?.uid ?? o?.metadata?.creationTimestamp ?? 'present');
	} catch {
		return 'present';
	}
}

/** @param {Context} ctx */
function backupDir(ctx) {
	return typeof ctx.flags.backup === 'string'
		? ctx.flags.backup
		: nodePath.join(String(ctx.flags['work-dir']), 'backup');
}

/** What this process learned while running, shared between steps. */
const run = {
	/** @type {string | null} */ chosen: null,
	/** @type {string[]} */ walDirs: [],
	/** @type {{ kill(): void, endpoint: string } | null} */ portForward: null,
};

/** @param {string} db @param {string[]} walDirs @param {string} dir */
function backupCommand(db, walDirs, dir) {
	const wal = walDirs.length ? ['--wal', walDirs.join(',')] : [];
	return ['npx', 'zx', SCRIPT, '--db', db, ...wal, '--backup', dir];
}

/** @param {Context} ctx */
function localEndpoint(ctx) {
	return `http://127.0.0.1:${Number(ctx.flags['local-port'])}`;
}

/**
 * Starts `kubectl port-forward` in the background (through zx, argv only) and waits for its ready line.
 * @param {Context} ctx
 */
async function startPortForward(ctx) {
	stopPortForward();
	const argv = ctx.kube.argv(
		'port-forward',
		`pod/${ctx.names.pod(0)}`,
		`${Number(ctx.flags['local-port'])}:2379`,
	);
	// Its own process group, so it can be stopped synchronously (also from an 'exit' handler) with its shell.
	const p = $({ quiet: true, nothrow: true, detached: true })`${argv}`;
	const killGroup = () => {
		const pid = p.child?.pid;
		try {
			if (pid) process.kill(-pid, 'SIGTERM');
		} catch {
			// already gone
		}
	};
	let output = '';
	const ready = new Promise((resolve, reject) => {
		p.stdout.on('data', (/** @type {Buffer} */ d) => {
			output += d.toString();
			if (/Forwarding from/.test(output)) resolve(true);
		});
		p.stderr.on('data', (/** @type {Buffer} */ d) => {
			output += d.toString();
		});
		p.then((r) =>
			reject(new Error((r.stderr || r.stdout || `exit ${r.exitCode}`).trim().split('\n')[0])),
		);
	});
	const timer = new Promise((_, reject) =>
		setTimeout(() => reject(new Error('no "Forwarding from" line in 30 s')), 30_000).unref(),
	);
	try {
		await Promise.race([ready, timer]);
	} catch (e) {
		killGroup();
		throw new StepFailedError(
			ctx.t('portForwardFailed', { reason: e instanceof Error ? e.message : String(e) }),
		);
	}
	const endpoint = localEndpoint(ctx);
	run.portForward = { endpoint, kill: killGroup };
	// Never leave a port-forward behind, whatever way this process ends.
	process.once('exit', stopPortForward);
	return endpoint;
}

function stopPortForward() {
	run.portForward?.kill();
	run.portForward = null;
}

/** @param {Context} ctx @param {string} pod */
async function etcdctlJson(ctx, pod, /** @type {string[]} */ args) {
	const r = await ctx.kube.exec(pod, ['etcdctl', ...args, '-w', 'json'], { check: false });
	if (!r.ok)
		throw new StepFailedError(
			ctx.t('execFailed', { pod, reason: (r.stderr || r.stdout).trim().split('\n')[0] ?? '' }),
		);
	try {
		return parseJsonBig(r.stdout);
	} catch {
		throw new StepFailedError(ctx.t('execFailed', { pod, reason: 'no JSON from etcdctl' }));
	}
}

/** @param {Context} ctx @param {number} want */
async function startedMembers(ctx, want) {
	try {
		const list = await etcdctlJson(ctx, ctx.names.pod(0), ['member', 'list']);
		const started = (list.members ?? []).filter(
			(/** @type {any} */ m) => m.name && (m.clientURLs ?? []).length,
		);
		return started.length >= want;
	} catch {
		return false;
	}
}

/** @param {Context} ctx @param {number} i */
async function podIsReady(ctx, i) {
	return (await podsByOrdinal(ctx)).get(i)?.ready === true;
}

// ---------------------------------------------------------------------------------------------------------

const flags = /** @type {import('./lib/cli.mjs').FlagSpec[]} */ ([
	...OFFLINE_FLAGS,
	{
		name: 'work-dir',
		type: 'string',
		default: 'etcd-rescue',
		help: { en: messages.en.flagWorkDir, id: messages.id.flagWorkDir },
	},
	{
		name: 'local-port',
		type: 'number',
		default: 2379,
		help: { en: messages.en.flagLocalPort, id: messages.id.flagLocalPort },
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
};

await defineRunbook({
	name: 'etcd-all-crash',
	summary: {
		en: "Every etcd member crash-loops: back up the keys from the members' db files, rebuild etcd, restore them",
		id: 'Semua member etcd crash-loop: backup key dari file db member, bangun ulang etcd, lalu restore',
	},
	description: {
		en: 'Use when all etcd pods of the Milvus chart are in CrashLoopBackOff and no member has quorum. It scales etcd to 0, copies member/snap/db and member/wal out of every PVC through a helper pod, picks the copy that reaches furthest once the committed WAL is replayed on top of it, and writes a checked backup (manifest.json + kvs.jsonl) on this machine. Only then, after you type the StatefulSet name, it deletes the PVCs, starts one fresh member, restores the keys through a port-forward and compares every key with the backup, puts the original member list back with state existing and scales up one member at a time. Stop Milvus first so nothing writes into the empty etcd. Offline: --db FILE [--wal DIR,...] --backup DIR | --inspect, and --restore DIR --endpoints URL for any reachable etcd (docker compose, port-forward).',
		id: 'Dipakai kalau semua pod etcd dari chart Milvus CrashLoopBackOff dan tidak ada member yang punya quorum. Runbook ini mengecilkan etcd ke 0, menyalin member/snap/db dan member/wal dari setiap PVC lewat pod bantuan, memilih salinan yang paling jauh setelah WAL yang sudah di-commit diputar ulang di atasnya, lalu menulis backup yang sudah dicek (manifest.json + kvs.jsonl) di mesin ini. Baru setelah Anda mengetik nama StatefulSet, PVC dihapus, satu member baru dinyalakan, key di-restore lewat port-forward dan dibandingkan satu per satu dengan backup, daftar member asli dipasang lagi dengan state existing, lalu member ditambah satu per satu. Hentikan Milvus dulu supaya tidak ada yang menulis ke etcd yang masih kosong. Mode offline: --db FILE [--wal DIR,...] --backup DIR | --inspect, dan --restore DIR --endpoints URL untuk etcd mana pun yang bisa dijangkau (docker compose, port-forward).',
	},
	target: 'kubernetes',
	flags,
	messages,
	exampleFacts,

	async main(ctx) {
		return offlineMain(ctx); // undefined without an offline flag: the cluster runbook (plan, steps, verify)
	},

	async preflight(ctx) {
		checkTimeout(ctx);
		/** @type {Facts} */
		const base = {
			replicas: 0,
			initialCluster: null,
			singleMember: null,
			clusterState: 'new',
			pvcUids: {},
			workDir: String(ctx.flags['work-dir']),
			backupDir: backupDir(ctx),
		};
		if (ctx.resume?.facts) {
			ctx.out.warn(ctx.t('resuming'));
			return ctx.resume.facts;
		}
		const set = await sts(ctx);
		const env = stsEnv(set);
		const replicas = Number(set?.spec?.replicas ?? 0);
		const pods = await etcdPods(ctx);
		const ready = pods.find((p) => p.ready);
		if (ready) throw new NotThisSymptomError(ctx.t('notKubernetesCrash', { pod: ready.name }));
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
		// A valueFrom variable reads as '': no value to go back to.
		const initialCluster = env.ETCD_INITIAL_CLUSTER || null;
		const single =
			initialCluster?.split(',').find((e) => e.startsWith(`${ctx.names.pod(0)}=`)) ?? null;
		return {
			...base,
			replicas: Math.max(replicas, size),
			initialCluster,
			singleMember: single,
			clusterState: env.ETCD_INITIAL_CLUSTER_STATE ?? 'new',
			pvcUids,
		};
	},

	steps(ctx, /** @type {Facts} */ facts) {
		const n = facts.replicas;
		const pvcs = Array.from({ length: n }, (_, i) => ctx.names.pvc(i));
		const endpoint = localEndpoint(ctx);
		const chosenDefault = nodePath.join(facts.workDir, `${ctx.names.pod(0)}.db`);
		/** @type {Step[]} */
		const steps = [];

		steps.push({
			id: 'list-pods',
			title: { en: 'List the etcd pods', id: 'Lihat pod etcd' },
			mode: 'read',
			command: ctx.kube.argv('get', 'pods', '-l', ctx.names.selector),
		});

		steps.push({
			id: 'scale-to-zero',
			title: {
				en: 'Stop every etcd pod, so the PVCs can be mounted elsewhere',
				id: 'Hentikan semua pod etcd supaya PVC bisa di-mount di tempat lain',
			},
			mode: 'change',
			command: ctx.kube.argv('scale', 'sts', ctx.names.sts, '--replicas=0'),
			async run(c) {
				await c.kube.run(['scale', 'sts', c.names.sts, '--replicas=0']);
				await waitFor(c, c.t('waitPodsGone'), async () => (await etcdPods(c)).length === 0);
			},
			async done(c) {
				// After the PVCs were replaced (a resumed run), scaling to 0 again would take the restored member down.
				if (
					c.resume &&
					(await pvcIdentity(c, c.names.pvc(0))) !== (facts.pvcUids[c.names.pvc(0)] ?? null)
				)
					return true;
				return Number((await sts(c))?.spec?.replicas) === 0 && (await etcdPods(c)).length === 0;
			},
		});

		for (let i = 0; i < n; i++) {
			const pod = `etcd-rescue-${ctx.names.pod(i)}`;
			const pvc = ctx.names.pvc(i);
			const local = nodePath.join(facts.workDir, `${ctx.names.pod(i)}.db`);
			steps.push({
				id: 'copy-db',
				title: {
					en: `Copy member/snap/db out of ${pvc} (helper pod)`,
					id: `Salin member/snap/db dari ${pvc} (pod bantuan)`,
				},
				mode: 'read',
				command: ctx.kube.argv('cp', `${pod}:${DB_IN_POD}`, local),
				async run(c) {
					if (!(pvc in facts.pvcUids)) return c.t('copyFailed', { pvc, reason: 'PVC not found' });
					if (c.dryRun) return c.t('copyDry', { pvc, pod, src: DB_IN_POD });
					nodeFs.mkdirSync(facts.workDir, { recursive: true });
					const tmp = `${local}.part`;
					nodeFs.rmSync(tmp, { force: true });
					const r = await c.kube.withHelperPod(pvc, pod, async () =>
						c.kube.run(['cp', `${pod}:${DB_IN_POD}`, tmp], { check: false }),
					);
					if (!r.ok || !nodeFs.existsSync(tmp) || nodeFs.statSync(tmp).size === 0) {
						nodeFs.rmSync(tmp, { force: true });
						// One member without a db is survivable; the choice step fails if none is usable.
						return c.t('copyFailed', {
							pvc,
							reason: (r.stderr || 'empty file').trim().split('\n')[0] ?? '',
						});
					}
					nodeFs.renameSync(tmp, local);
					try {
						return c.t('copied', {
							file: local,
							bytes: nodeFs.statSync(local).size,
							revision: String(latestRevision(local)),
						});
					} catch (e) {
						return c.t('copyUnreadable', {
							file: local,
							reason: e instanceof Error ? e.message : String(e),
						});
					}
				},
				// Only a run that continues an earlier one may reuse copies: a fresh run must not trust old files.
				done: (c) => Boolean(c.resume) && nodeFs.existsSync(local),
			});
			const localWal = nodePath.join(facts.workDir, `${ctx.names.pod(i)}.wal`);
			steps.push({
				id: 'copy-wal',
				title: {
					en: `Copy member/wal out of ${pvc} (helper pod): the writes the db may not have yet`,
					id: `Salin member/wal dari ${pvc} (pod bantuan): penulisan yang mungkin belum ada di db`,
				},
				mode: 'read',
				command: ctx.kube.argv('cp', `${pod}:${WAL_IN_POD}`, localWal),
				async run(c) {
					if (!(pvc in facts.pvcUids)) return c.t('copyFailed', { pvc, reason: 'PVC not found' });
					if (c.dryRun) return c.t('copyDry', { pvc, pod, src: WAL_IN_POD });
					// A PVC recreated since the first run holds a new member's WAL, not the one to recover.
					if (c.resume && (await pvcIdentity(c, pvc)) !== facts.pvcUids[pvc])
						return c.t('copyFailed', { pvc, reason: 'PVC was replaced' });
					nodeFs.mkdirSync(facts.workDir, { recursive: true });
					const tmp = `${localWal}.part`;
					nodeFs.rmSync(tmp, { recursive: true, force: true });
					const r = await c.kube.withHelperPod(pvc, pod, async () =>
						c.kube.run(['cp', `${pod}:${WAL_IN_POD}`, tmp], { check: false }),
					);
					if (!r.ok || !nodeFs.existsSync(tmp)) {
						nodeFs.rmSync(tmp, { recursive: true, force: true });
						return c.t('copyFailed', {
							pvc,
							reason: (r.stderr || 'no folder').trim().split('\n')[0] ?? '',
						});
					}
					nodeFs.rmSync(localWal, { recursive: true, force: true });
					nodeFs.renameSync(tmp, localWal);
					return c.t('walCopied', {
						dir: localWal,
						files: nodeFs.readdirSync(localWal).filter((f) => f.endsWith('.wal')).length,
					});
				},
				done: (c) => Boolean(c.resume) && nodeFs.existsSync(localWal),
			});
		}

		steps.push({
			id: 'pick-newest',
			title: {
				en: 'Pick the copy that reaches furthest with the WAL (then the highest key revision)',
				id: 'Pilih salinan yang paling jauh bersama WAL (lalu revision key tertinggi)',
			},
			mode: 'read',
			command: null,
			run(c) {
				const members = Array.from({ length: n }, (_, i) => ({
					db: nodePath.join(facts.workDir, `${c.names.pod(i)}.db`),
					wal: nodePath.join(facts.workDir, `${c.names.pod(i)}.wal`),
				}));
				const best = pickNewest(c, members, n);
				if (!best) {
					if (c.dryRun) return c.t('dryNoCopy');
					throw new StepFailedError(c.t('noCopies'));
				}
				run.chosen = best.db;
				run.walDirs = best.walDirs;
				backupStep.command = backupCommand(best.db, best.walDirs, facts.backupDir);
				return best.text;
			},
		});

		/** @type {Step} */
		const backupStep = {
			id: 'backup',
			title: {
				en: 'Write and verify the backup on this machine',
				id: 'Tulis dan verifikasi backup di mesin ini',
			},
			mode: 'read',
			command: backupCommand(
				chosenDefault,
				pvcs.map((_, i) => nodePath.join(facts.workDir, `${ctx.names.pod(i)}.wal`)),
				facts.backupDir,
			),
			async run(c) {
				if (!run.chosen) return c.t('dryNoCopy');
				const r = await backupFromDb(c, run.chosen, facts.backupDir, run.walDirs);
				return r.details;
			},
			async done() {
				// A backup made earlier counts only if it was made from exactly the copy chosen now.
				if (!run.chosen || !nodeFs.existsSync(nodePath.join(facts.backupDir, 'manifest.json')))
					return false;
				try {
					const { manifest } = await readBackup(facts.backupDir);
					return manifest.source?.sha256 === (await sha256File(run.chosen));
				} catch {
					return false;
				}
			},
		};
		steps.push(backupStep);

		steps.push({
			id: 'delete-pvcs',
			title: {
				en: 'Delete the PVCs of every member (the backup is checked first)',
				id: 'Hapus PVC semua member (backup dicek dulu)',
			},
			mode: 'destroy',
			command: ctx.kube.argv('delete', 'pvc', ...pvcs),
			confirmName: ctx.names.sts,
			async run(c) {
				// Last gate before data goes away: the backup must read back with its checksum, and no pod may run.
				const { kvs } = await loadBackup(c, facts.backupDir);
				const set = await sts(c);
				if (Number(set?.spec?.replicas) !== 0)
					throw new StepFailedError(
						c.t('gateReplicas', { sts: c.names.sts, replicas: Number(set?.spec?.replicas) }),
					);
				const left = await etcdPods(c);
				if (left.length)
					throw new StepFailedError(
						c.t('gatePodsLeft', { pods: left.map((p) => p.name).join(', ') }),
					);
				c.out.info(c.t('deleteGate', { dir: facts.backupDir, count: kvs.length }));
				const existing = [];
				for (const pvc of pvcs) if (await pvcIdentity(c, pvc)) existing.push(pvc);
				if (existing.length) await c.kube.run(['delete', 'pvc', ...existing, '--wait=false']);
				await waitFor(c, c.t('waitPvcsGone'), async () => {
					for (const pvc of pvcs) if (await pvcIdentity(c, pvc)) return false;
					return true;
				});
			},
			async done(c) {
				for (const pvc of pvcs) {
					const id = await pvcIdentity(c, pvc);
					if (id !== null && id === facts.pvcUids[pvc]) return false; // an original PVC is still there
				}
				return true;
			},
		});

		steps.push({
			id: 'single-member',
			title: {
				en: 'Let etcd-0 start as a cluster of one',
				id: 'Biarkan etcd-0 berjalan sebagai cluster satu member',
			},
			mode: 'change',
			command: facts.singleMember
				? ctx.kube.argv(
						'set',
						'env',
						`sts/${ctx.names.sts}`,
						`ETCD_INITIAL_CLUSTER=${facts.singleMember}`,
						'ETCD_INITIAL_CLUSTER_STATE=new',
					)
				: null,
			async run(c) {
				if (!facts.singleMember) return undefined;
				c.out.info(c.t('helmSingle'));
				await c.kube.run([
					'set',
					'env',
					`sts/${c.names.sts}`,
					`ETCD_INITIAL_CLUSTER=${facts.singleMember}`,
					'ETCD_INITIAL_CLUSTER_STATE=new',
				]);
				return undefined;
			},
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
		});

		steps.push({
			id: 'scale-to-one',
			title: { en: 'Start one fresh etcd member', id: 'Nyalakan satu member etcd baru' },
			mode: 'change',
			command: ctx.kube.argv('scale', 'sts', ctx.names.sts, '--replicas=1'),
			async run(c) {
				await c.kube.run(['scale', 'sts', c.names.sts, '--replicas=1']);
				await waitFor(c, c.t('waitReady', { pod: c.names.pod(0) }), () => podIsReady(c, 0));
			},
			async done(c) {
				return Number((await sts(c))?.spec?.replicas) >= 1 && (await podIsReady(c, 0));
			},
		});

		steps.push({
			id: 'port-forward',
			title: {
				en: 'Forward a local port to the fresh member',
				id: 'Teruskan port lokal ke member baru',
			},
			mode: 'read',
			command: ctx.kube.argv(
				'port-forward',
				`pod/${ctx.names.pod(0)}`,
				`${Number(ctx.flags['local-port'])}:2379`,
			),
			async run(c) {
				if (c.dryRun) return undefined;
				return c.t('portForwardUp', { endpoint: await startPortForward(c) });
			},
		});

		steps.push({
			id: 'restore',
			title: {
				en: 'Restore the keys in transactions and compare every one with the backup',
				id: 'Restore key dalam transaksi dan bandingkan satu per satu dengan backup',
			},
			mode: 'change',
			command: ['npx', 'zx', SCRIPT, '--restore', facts.backupDir, '--endpoints', endpoint],
			async run(c) {
				try {
					const { kvs } = await loadBackup(c, facts.backupDir);
					const client = await connectEtcd(c, run.portForward?.endpoint ?? endpoint);
					return await restoreInto(c, client, kvs, { allowNonEmpty: false, allowPartial: true });
				} finally {
					stopPortForward();
				}
			},
			async done() {
				if (!run.portForward) return false;
				try {
					const { kvs } = await readBackup(facts.backupDir);
					const { kvs: remote } = await etcdHttp(run.portForward.endpoint).getAll();
					const d = compareKvs(kvs, remote);
					const ok = d.missing.length === 0 && d.different.length === 0;
					if (ok) stopPortForward();
					return ok;
				} catch {
					return false;
				}
			},
		});

		steps.push({
			id: 'set-existing',
			title: {
				en: 'Put the original member list back, with state existing',
				id: 'Kembalikan daftar member asli, dengan state existing',
			},
			mode: 'change',
			command: facts.initialCluster
				? ctx.kube.argv(
						'set',
						'env',
						`sts/${ctx.names.sts}`,
						`ETCD_INITIAL_CLUSTER=${facts.initialCluster}`,
						'ETCD_INITIAL_CLUSTER_STATE=existing',
					)
				: null,
			async run(c) {
				if (facts.initialCluster) {
					await c.kube.run([
						'set',
						'env',
						`sts/${c.names.sts}`,
						`ETCD_INITIAL_CLUSTER=${facts.initialCluster}`,
						'ETCD_INITIAL_CLUSTER_STATE=existing',
					]);
					// The env change restarts etcd-0; it keeps its data and must be back before anyone joins it.
					await sleep(1500);
					await waitFor(c, c.t('waitReady', { pod: c.names.pod(0) }), () => podIsReady(c, 0));
				}
				return c.t('helmAfter', { replicas: n });
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
		});

		for (let size = 2; size <= n; size++) {
			const want = size;
			steps.push({
				id: 'scale-up',
				title: {
					en: `Add member ${want - 1} (one at a time, it joins with member add)`,
					id: `Tambah member ${want - 1} (satu per satu, masuk lewat member add)`,
				},
				mode: 'change',
				command: ctx.kube.argv('scale', 'sts', ctx.names.sts, `--replicas=${want}`),
				async run(c) {
					await c.kube.run(['scale', 'sts', c.names.sts, `--replicas=${want}`]);
					await waitFor(c, c.t('waitReady', { pod: c.names.pod(want - 1) }), () =>
						podIsReady(c, want - 1),
					);
					await waitFor(c, c.t('waitMembers', { n: want }), () => startedMembers(c, want));
				},
				async done(c) {
					return (
						Number((await sts(c))?.spec?.replicas) >= want &&
						(await podIsReady(c, want - 1)) &&
						(await startedMembers(c, want))
					);
				},
			});
		}

		steps.push({
			id: 'verify',
			title: { en: 'Check every member and the cluster id', id: 'Cek semua member dan cluster id' },
			mode: 'read',
			command: ctx.kube.argv(
				'exec',
				ctx.names.pod(0),
				'--',
				'etcdctl',
				'endpoint',
				'status',
				'--cluster',
				'-w',
				'table',
			),
			async run(c) {
				// In a dry run nothing was rebuilt, so the crash-looping members cannot answer yet.
				if (c.dryRun) return c.t('verifyDry');
				// A member that joined seconds ago may still be opening its client port: retry until the timeout.
				const args = [
					'exec',
					c.names.pod(0),
					'--',
					'etcdctl',
					'endpoint',
					'status',
					'--cluster',
					'-w',
					'table',
				];
				/** @type {import('./lib/shell.mjs').RunResult | null} */
				let last = null;
				await waitFor(c, c.t('waitMembers', { n }), async () => {
					last = await c.kube.run(args, { check: false });
					return last.ok;
				});
				return /** @type {import('./lib/shell.mjs').RunResult} */ (/** @type {unknown} */ (last))
					.stdout;
			},
		});
		return steps;
	},

	async verify(ctx, /** @type {Facts} */ facts) {
		// Members that just joined can restart once while raft settles; judge the cluster after a short grace.
		const deadline = Date.now() + Math.min(timeoutMs(ctx), 60_000);
		for (;;) {
			const { final, ...v } = await verifyOnce(ctx, facts);
			if (v.ok || final || Date.now() > deadline) return v;
			await sleep(2000);
		}
	},
}).main();
// A run that stops early (a "no" at a prompt, a failed step) returns here with the port-forward still up; it
// would keep Node alive and the port open.
stopPortForward();

/** @param {Context} ctx @param {Facts} facts */
async function verifyOnce(ctx, facts) {
	const pods = await etcdPods(ctx);
	const notReady = pods.filter((p) => !p.ready).map((p) => p.name);
	/** @type {string[]} */
	const problems = [];
	if (pods.length < facts.replicas)
		problems.push(ctx.t('verifyMembers', { got: pods.length, want: facts.replicas }));
	if (notReady.length) problems.push(ctx.t('verifyNotReady', { pods: notReady.join(', ') }));
	/** @type {any[]} */
	let statuses = [];
	try {
		statuses = await etcdctlJson(ctx, ctx.names.pod(0), ['endpoint', 'status', '--cluster']);
	} catch (e) {
		problems.push(e instanceof Error ? e.message : String(e));
	}
	const ids = [...new Set(statuses.map((s) => String(s?.Status?.header?.cluster_id ?? '?')))];
	if (statuses.length && statuses.length < facts.replicas)
		problems.push(ctx.t('verifyMembers', { got: statuses.length, want: facts.replicas }));
	if (ids.length > 1) problems.push(ctx.t('verifyIds', { ids: ids.join(', ') }));
	let want = 0;
	let walProblem = '';
	try {
		const b = await readBackup(facts.backupDir);
		want = b.kvs.length;
		// "Healthy" promises every acknowledged write: a backup made without a readable WAL cannot.
		const wal = /** @type {any} */ (b.manifest.source?.wal);
		if (wal?.verdict !== 'none')
			walProblem = ctx.t('verifyWal', { verdict: wal?.verdictText ?? ctx.t('reasonNoWal') });
	} catch (e) {
		problems.push(backupText(ctx, e));
	}
	let keys = 0;
	try {
		// count is the size of the whole range whatever the limit (etcdctl 3.4 has no --count-only).
		keys = Number(
			(
				await etcdctlJson(ctx, ctx.names.pod(0), [
					'get',
					'',
					'--from-key',
					'--limit=1',
					'--keys-only',
				])
			).count ?? 0,
		);
		if (keys < want) problems.push(ctx.t('verifyKeys', { got: keys, want }));
	} catch (e) {
		problems.push(e instanceof Error ? e.message : String(e));
	}
	const id = ids[0] ?? '?';
	if (problems.length) return { ok: false, details: problems.join('; ') };
	const hex = /^\d+$/.test(id) ? BigInt(id).toString(16) : id;
	const details = ctx.t('verifiedAll', { n: statuses.length, id: hex, keys, want });
	// The cluster is fine, so waiting longer changes nothing; the run still does not end "Healthy".
	if (walProblem) return { ok: false, final: true, details: `${details}; ${walProblem}` };
	return { ok: true, details, data: { clusterId: hex, keys, backupKeys: want } };
}
