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
//   every key with the backup and start Milvus with the replica counts it had.
//   compose mode (lib/etcd-all-crash-compose.mjs): `--target compose`, or auto when kubectl has no context and
//   docker has `milvus-etcd`: the same proof and backup from the container's volume, the old member folder
//   renamed aside (never deleted), etcd started empty and the keys restored through `docker exec … etcdctl`.
//   offline modes (lib/etcd-offline.mjs): `--db FILE [--wal DIRS] --inspect | --backup DIR`, `--restore DIR --endpoints URL`.
//
// Why keys and not `etcdctl snapshot restore --skip-hash-check`: the restored member must then be placed into
// a PVC with the right name and peer URLs, which cannot be done from outside a crash-looping pod; restoring
// keys works through any reachable etcd (compose, port-forward). The snapshot route is printed as the
// alternative.
import * as nodeFs from 'node:fs';
import * as nodePath from 'node:path';
import { defineRunbook } from './lib/runbook.mjs';
import { NotThisSymptomError, RefusedError, StepFailedError } from './lib/exit.mjs';
import { ETCD_MOUNT, HELPER_IMAGE_FLAG } from './lib/kube.mjs';
import { $ } from './lib/zx.mjs';
import {
	ETCD_MEMBER_MESSAGES,
	parseJsonBig,
	podsByOrdinal,
	stsEnv,
	waitFor,
	endpointStatus,
} from './lib/etcd-members.mjs';
import { DATA_INTACT, crashCause } from './lib/etcd-crash-cause.mjs';
import {
	currentReplicas,
	listMilvusWorkloads,
	milvusPods,
	milvusSelector,
	startMilvusArgv,
	stopMilvusArgv,
} from './lib/milvus-workloads.mjs';
import { PROOF_MESSAGES, restoreProof } from './lib/etcd-restore-proof.mjs';
import { DEFAULT_MAX_REQUEST_BYTES, etcdHttp } from './lib/etcd-http.mjs';
import { formatCommand } from './lib/shell.mjs';
import { latestRevisionAsync } from './lib/mvcc.mjs';
import { compareStreams, openBackup, remoteRecords, sha256File } from './lib/etcd-backup.mjs';
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
import {
	COMPOSE_FLAGS,
	COMPOSE_MESSAGES,
	chooseTarget,
	composeIdentity,
	composePreflight,
	composeSteps,
	composeVerify,
	exampleComposeFacts,
} from './lib/etcd-all-crash-compose.mjs';
import { messageText } from './lib/i18n.mjs';

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
 * @property {Record<string, string>} [nodes]  node each PVC's last pod ran on (helper pods go there)
 * @property {import('./lib/milvus-workloads.mjs').MilvusWorkload[]} [milvus]  Milvus workloads and their
 *   replica counts before the run stopped them
 */

const DB_IN_POD = `${ETCD_MOUNT}/data/member/snap/db`;
const WAL_IN_POD = `${ETCD_MOUNT}/data/member/wal`;
const SCRIPT = 'runbooks/etcd-all-crash.mjs';

const messages = {
	en: {
		...ETCD_MEMBER_MESSAGES.en,
		...PROOF_MESSAGES.en,
		...OFFLINE_MESSAGES.en,
		...COMPOSE_MESSAGES.en,
		flagWorkDir: 'folder on this machine for the db copies and the backup',
		flagLocalPort: 'local port for kubectl port-forward to the fresh member',
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
			'The StatefulSet is changed with `kubectl set env`, so Helm is not needed. Do not run helm upgrade until this runbook has finished.',
		helmAfter:
			'Helm values: keep etcd.replicaCount: {replicas}; the chart renders ETCD_INITIAL_CLUSTER_STATE=existing on every helm upgrade, which matches what this runbook set. If your values pin etcd.initialClusterState: new, change it to existing.',
		portForwardUp: 'port-forward ready: {endpoint}',
		portForwardFailed: 'kubectl port-forward did not come up: {reason}',
		flagMaxRequestBytes:
			"etcd's --max-request-bytes: a value bigger than this cannot be restored, so the run refuses before deleting anything",
		flagHelperImage: 'image for the helper pods that copy the db (needs sleep and cp)',
		causeLine: '{pod}: {cause} ({detail})',
		causeBadMemberId:
			'{pod} stops at `bad member ID arg`: its data is intact. Run etcd-bad-member-id instead: npx zx runbooks/etcd-bad-member-id.mjs',
		causeOom:
			'{pod} is killed for memory ({detail}): its data is intact. Raise the etcd memory limit (etcd.resources.limits.memory in the Milvus values) instead; nothing was changed',
		causeLiveness:
			'{pod} is killed by its liveness probe ({detail}): its data is intact. Raise etcd.livenessProbe.initialDelaySeconds or failureThreshold in the Milvus values instead; nothing was changed',
		flagIgnoreCrashCause:
			'go on although a member crashes with its data intact (out of memory, liveness probe): only after you have fixed that cause and the members still crash',
		causeIgnored:
			'{pod}: {cause} would leave the data intact; going on because of --ignore-crash-cause',
		milvusFound: 'Milvus workloads of release {release}: {list}',
		milvusNone: 'no Milvus Deployment or StatefulSet with {selector} found',
		milvusUnlisted:
			'cannot list Milvus Deployments/StatefulSets ({selector}); the run will refuse while Milvus pods exist',
		milvusStopped: 'Milvus stopped: {list}',
		milvusStillRunning:
			'Milvus pods {pods} still exist; they would write their own metadata into the empty etcd. Stop them (`{command}`) and run again; nothing deleted',
		milvusWaitGone: 'the Milvus pods to stop',
		milvusStarted: '{kind}/{name} back to {replicas} replicas',
		milvusWasZero: '{kind}/{name} had 0 replicas before; left at 0',
		milvusGone: '{kind}/{name} no longer exists; not started',
		helperReused: 'helper pod {pod} from an interrupted run mounts {pvc} and runs: reusing it',
		workDirFresh:
			'files of an earlier run are in {dir}; they are kept, and this run writes into {fresh}',
		verifyCompare:
			'live keys differ from the backup {dir}: {missing} missing, {different} different (first: {first})',
		verifyCompared: 'every key of the backup ({count}) is in etcd with the same value',
		proofDry: '[dry run] the backup would be checked here before anything is deleted',
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
		...PROOF_MESSAGES.id,
		...OFFLINE_MESSAGES.id,
		...COMPOSE_MESSAGES.id,
		flagWorkDir: 'folder di mesin ini untuk salinan db dan backup',
		flagLocalPort: 'port lokal untuk kubectl port-forward ke member baru',
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
		copyDry: '[dry run] akan memasang {pvc} di pod bantuan {pod} lalu menyalin {src}',
		copyFailed: 'tidak ada db yang tersalin dari {pvc}: {reason}',
		copied: '{file} tersalin ({bytes} byte), revision key {revision}',
		copyUnreadable: 'salinan {file} tidak bisa dibaca: {reason}',
		walCopied: '{dir} tersalin ({files} segmen WAL)',
		noCopies: 'tidak ada salinan db yang bisa dipakai dari member mana pun; belum ada yang diubah',
		dryNoCopy: '[dry run] belum ada salinan; backup akan ditulis dari salinan terbaru',
		deleteGate:
			'backup {dir} diperiksa ulang ({count} key, checksum cocok); StatefulSet di 0 replika tanpa pod',
		gatePodsLeft:
			'pod {pods} masih ada; menghapus PVC-nya sekarang bisa gagal atau menghilangkan data. Tidak ada yang dihapus',
		gateReplicas: 'StatefulSet {sts} punya {replicas} replika, bukan 0. Tidak ada yang dihapus',
		helmSingle:
			'StatefulSet diubah dengan `kubectl set env`, jadi tidak perlu Helm. Jangan jalankan helm upgrade sebelum runbook ini selesai.',
		helmAfter:
			'Values Helm: biarkan "etcd.replicaCount: {replicas}". Setiap "helm upgrade" menulis ETCD_INITIAL_CLUSTER_STATE=existing, sama seperti runbook ini. Kalau values Anda mengunci "etcd.initialClusterState: new", ganti menjadi existing.',
		portForwardUp: 'port-forward siap: {endpoint}',
		portForwardFailed: 'kubectl port-forward tidak berjalan: {reason}',
		flagMaxRequestBytes:
			'--max-request-bytes milik etcd: value yang lebih besar dari ini tidak bisa dipulihkan, jadi run ditolak sebelum ada yang dihapus',
		flagHelperImage: 'image untuk pod bantuan yang menyalin db (butuh sleep dan cp)',
		causeLine: '{pod}: {cause} ({detail})',
		causeBadMemberId:
			'{pod} berhenti di `bad member ID arg`: datanya utuh. Jalankan etcd-bad-member-id saja: npx zx runbooks/etcd-bad-member-id.mjs',
		causeOom:
			'{pod} dimatikan karena kehabisan memori ({detail}): datanya utuh. Naikkan batas memori etcd (etcd.resources.limits.memory di values Milvus); tidak ada yang diubah',
		causeLiveness:
			'{pod} dimatikan oleh liveness probe ({detail}): datanya utuh. Naikkan etcd.livenessProbe.initialDelaySeconds atau failureThreshold di values Milvus; tidak ada yang diubah',
		flagIgnoreCrashCause:
			'tetap lanjut walaupun ada member yang crash dengan data masih utuh (kehabisan memori, liveness probe): pakai hanya setelah penyebab itu Anda perbaiki dan member masih crash',
		causeIgnored:
			'{pod}: {cause} biasanya tidak merusak data; tetap dilanjutkan karena --ignore-crash-cause',
		milvusFound: 'workload Milvus dari release {release}: {list}',
		milvusNone: 'tidak ada Deployment atau StatefulSet Milvus dengan {selector}',
		milvusUnlisted:
			'Deployment/StatefulSet Milvus ({selector}) tidak bisa dilihat; run akan ditolak selama masih ada pod Milvus',
		milvusStopped: 'Milvus dihentikan: {list}',
		milvusStillRunning:
			'pod Milvus {pods} masih ada; pod itu akan menulis metadata-nya sendiri ke etcd yang masih kosong. Hentikan (`{command}`) lalu jalankan lagi; tidak ada yang dihapus',
		milvusWaitGone: 'pod Milvus berhenti',
		milvusStarted: '{kind}/{name} kembali ke {replicas} replika',
		milvusWasZero: '{kind}/{name} memang 0 replika sebelumnya; dibiarkan 0',
		milvusGone: '{kind}/{name} sudah tidak ada; tidak dinyalakan',
		helperReused:
			'pod bantuan {pod} dari run yang terputus masih memasang {pvc} dan berjalan: dipakai lagi',
		workDirFresh:
			'file dari run sebelumnya ada di {dir}; semuanya disimpan, dan run ini menulis ke {fresh}',
		verifyCompare:
			'key di etcd berbeda dari backup {dir}: {missing} hilang, {different} berbeda (pertama: {first})',
		verifyCompared: 'semua key di backup ({count}) ada di etcd dengan value yang sama',
		proofDry: '[dry run] backup akan diperiksa di sini sebelum ada yang dihapus',
		verifyMembers: 'member: {got} dari {want} berjalan',
		verifyIds: 'member melaporkan cluster id yang berbeda: {ids} (split brain)',
		verifyNotReady: 'belum Ready: {pods}',
		verifyKeys: 'ada {got} key di etcd, backup berisi {want}',
		verifyWal:
			'etcd sudah dibangun ulang, tetapi belum pasti semua penulisan yang sudah dikonfirmasi kembali: {verdict}',
		verifiedAll: '{n} member sehat, cluster id {id}, {keys} key (backup: {want})',
		execFailed: 'tidak bisa menjalankan etcdctl di {pod}: {reason}',
		verifyDry:
			'[dry run] akan memeriksa bahwa semua member berjalan dan sehat, dengan satu cluster id',
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
 * The work folder of a new run. Copies and backups an earlier run left behind may be the only copy of that
 * incident's data, so a fresh run never writes over them: it takes a sub-folder of its own.
 * @param {Context} ctx @param {number} size
 */
function freshWorkDir(ctx, size) {
	const workDir = String(ctx.flags['work-dir']);
	if (typeof ctx.flags.backup === 'string') return { workDir, backupDir: ctx.flags.backup };
	const used =
		nodeFs.existsSync(nodePath.join(workDir, 'backup')) ||
		Array.from({ length: size }, (_, i) => nodePath.join(workDir, `${ctx.names.pod(i)}.db`)).some(
			(f) => nodeFs.existsSync(f),
		);
	if (!used) return { workDir, backupDir: nodePath.join(workDir, 'backup') };
	const fresh = nodePath.join(workDir, new Date().toISOString().replace(/[:.]/g, '-'));
	ctx.out.warn(ctx.t('workDirFresh', { dir: workDir, fresh }));
	return { workDir: fresh, backupDir: nodePath.join(fresh, 'backup') };
}

/**
 * The backup, read and checked (manifest, sha256, count) and proven restorable under --max-request-bytes;
 * RefusedError otherwise, so the caller stops before anything is deleted.
 * @param {Context} ctx @param {string} dir
 */
async function provenBackup(ctx, dir) {
	const limit = Number(ctx.flags['max-request-bytes'] ?? DEFAULT_MAX_REQUEST_BYTES);
	// Proven while the backup is read and checked: one pass, one record in memory at a time.
	const proving = restoreProof({ maxRequestBytes: limit });
	const backup = await loadBackup(ctx, dir, { onRecord: (kv) => proving.add(kv) });
	const proof = proving.result(backup.manifest);
	if (!proof.ok) throw new RefusedError(proof.problems.map((p) => ctx.t(p.key, p.vars)).join('; '));
	return {
		...backup,
		text: ctx.t('proofOk', {
			count: proof.count,
			largest: proof.largestValueBytes,
			limit,
		}),
	};
}

/**
 * Every key of the backup must be in etcd with its value (compared through a port-forward). Keys etcd has
 * beyond the backup are not an error here; `lenientValues` accepts changed values (Milvus is running again
 * and moves its timestamp keys on).
 * @param {Context} ctx @param {Facts} facts @param {{ lenientValues?: boolean }} [o]
 */
async function compareWithBackup(ctx, facts, o = {}) {
	const backup = await openBackup(facts.backupDir);
	const endpoint = await startPortForward(ctx);
	try {
		const client = etcdHttp(endpoint);
		const d = await compareStreams(
			() => backup.records(),
			() => remoteRecords(client),
		);
		const different = o.lenientValues ? 0 : d.different;
		if (d.missing || different)
			return {
				ok: false,
				count: backup.count,
				text: ctx.t('verifyCompare', {
					dir: facts.backupDir,
					missing: d.missing,
					different,
					first: d.first ?? '-',
				}),
			};
		return {
			ok: true,
			count: backup.count,
			text: ctx.t('verifyCompared', { count: backup.count }),
		};
	} finally {
		stopPortForward();
	}
}

/**
 * What tells this cluster apart from another behind the same context and names: the StatefulSet, the PVCs
 * (their uids change when they are recreated, which the run records as it goes) and, once a member answers,
 * the etcd cluster id.
 * @param {Context} ctx
 */
async function clusterIdentity(ctx) {
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

// ---------------------------------------------------------------------------------------------------------

const flags = /** @type {import('./lib/cli.mjs').FlagSpec[]} */ ([
	...OFFLINE_FLAGS,
	...COMPOSE_FLAGS,
	{
		name: 'work-dir',
		type: 'string',
		default: 'etcd-rescue',
		help: messageText(messages, 'flagWorkDir'),
	},
	{
		name: 'local-port',
		type: 'number',
		default: 2379,
		help: messageText(messages, 'flagLocalPort'),
	},
	{
		name: 'max-request-bytes',
		type: 'number',
		default: DEFAULT_MAX_REQUEST_BYTES,
		help: messageText(messages, 'flagMaxRequestBytes'),
	},
	{
		...HELPER_IMAGE_FLAG,
		help: messageText(messages, 'flagHelperImage'),
	},
	{
		name: 'ignore-crash-cause',
		type: 'boolean',
		default: false,
		help: messageText(messages, 'flagIgnoreCrashCause'),
	},
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

await defineRunbook({
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
	flagGroups: ['kube', 'timeout'],
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

	async preflight(ctx) {
		if (ctx.target === 'docker') return composePreflight(ctx);
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
		const raw = new Map(
			(await ctx.kube.podsByLabel(ctx.names.selector)).map((p) => [String(p?.metadata?.name), p]),
		);
		const ready = pods.find((p) => p.ready);
		if (ready) {
			// With a live peer, a member whose data is intact has a runbook of its own: name it when it shows.
			for (const p of pods.filter((x) => x.crashing)) {
				const ev = await crashEvidence(ctx, p.name, raw.get(p.name));
				if (ev.cause === 'bad-member-id')
					throw new NotThisSymptomError(ctx.t('causeBadMemberId', { pod: p.name }));
			}
			throw new NotThisSymptomError(ctx.t('notKubernetesCrash', { pod: ready.name }));
		}
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
		// The destructive path is only for data etcd cannot read; a member killed from outside keeps every key.
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
		/** @type {Record<string, string>} */
		const nodes = {};
		for (const [name, p] of raw) {
			const claim = (p?.spec?.volumes ?? []).find(
				(/** @type {any} */ v) => v?.persistentVolumeClaim?.claimName,
			)?.persistentVolumeClaim?.claimName;
			if (claim && p?.spec?.nodeName && name.startsWith(`${ctx.names.sts}-`))
				nodes[claim] = String(p.spec.nodeName);
		}
		const selector = milvusSelector(ctx.names.release);
		const milvus = await listMilvusWorkloads(ctx.kube, ctx.names.release);
		if (milvus.workloads.length)
			ctx.out.info(
				ctx.t('milvusFound', {
					release: ctx.names.release,
					list: milvus.workloads.map((w) => `${w.kind}/${w.name}=${w.replicas}`).join(', '),
				}),
			);
		else if (milvus.listed) ctx.out.info(ctx.t('milvusNone', { selector }));
		else ctx.out.warn(ctx.t('milvusUnlisted', { selector }));
		const dirs = freshWorkDir(ctx, size);
		// A valueFrom variable reads as '': no value to go back to.
		const initialCluster = env.ETCD_INITIAL_CLUSTER || null;
		const single =
			initialCluster?.split(',').find((e) => e.startsWith(`${ctx.names.pod(0)}=`)) ?? null;
		return {
			...base,
			...dirs,
			replicas: Math.max(replicas, size),
			initialCluster,
			singleMember: single,
			clusterState: env.ETCD_INITIAL_CLUSTER_STATE ?? 'new',
			pvcUids,
			nodes,
			milvus: milvus.workloads,
		};
	},

	steps(ctx, /** @type {any} */ anyFacts) {
		if (anyFacts?.target === 'compose') return composeSteps(ctx, anyFacts);
		/** @type {Facts} */
		const facts = anyFacts;
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

		for (let i = 0; i < n; i++)
			steps.push({
				id: 'read-logs',
				title: {
					en: `Why ${ctx.names.pod(i)} crashes: the end of its previous log`,
					id: `Mengapa ${ctx.names.pod(i)} crash: akhir log sebelumnya`,
				},
				mode: 'read',
				command: ctx.kube.argv('logs', ctx.names.pod(i), '--previous', '--tail=20'),
				// A member that never restarted (or is already gone) has no previous log.
				optional: true,
			});

		const milvusSel = milvusSelector(ctx.names.release);
		const milvus = facts.milvus ?? [];
		steps.push({
			id: 'list-milvus',
			title: {
				en: 'List the Milvus Deployments and StatefulSets (they are stopped before etcd comes back empty)',
				id: 'Lihat Deployment dan StatefulSet Milvus (dihentikan sebelum etcd kembali dalam keadaan kosong)',
			},
			mode: 'read',
			command: ctx.kube.argv('get', 'deployment,statefulset', '-l', milvusSel),
			run(c) {
				if (!milvus.length) return c.t('milvusNone', { selector: milvusSel });
				return c.t('milvusFound', {
					release: c.names.release,
					list: milvus.map((w) => `${w.kind}/${w.name}=${w.replicas}`).join(', '),
				});
			},
		});

		steps.push({
			id: 'scale-to-zero',
			title: {
				en: 'Stop every etcd pod, so the PVCs can be mounted elsewhere',
				id: 'Hentikan semua pod etcd supaya PVC bisa dipasang di tempat lain',
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
					const r = await c.kube.withHelperPod(
						pvc,
						pod,
						async (h) => {
							if (h.reused) c.out.info(c.t('helperReused', { pod, pvc }));
							return c.kube.run(['cp', `${pod}:${DB_IN_POD}`, tmp], { check: false });
						},
						{ node: facts.nodes?.[pvc] ?? null },
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
							revision: String(await latestRevisionAsync(local)),
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
			async run(c) {
				const members = Array.from({ length: n }, (_, i) => ({
					db: nodePath.join(facts.workDir, `${c.names.pod(i)}.db`),
					wal: nodePath.join(facts.workDir, `${c.names.pod(i)}.wal`),
				}));
				const best = await pickNewest(c, members, n);
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
					const { manifest } = await openBackup(facts.backupDir);
					return manifest.source?.sha256 === (await sha256File(run.chosen));
				} catch {
					return false;
				}
			},
		};
		steps.push(backupStep);

		steps.push({
			id: 'check-backup',
			title: {
				en: 'Prove the backup can be restored (checksum, count, not empty, every value within --max-request-bytes)',
				id: 'Buktikan backup bisa dipulihkan (checksum, jumlah, tidak kosong, semua value di bawah --max-request-bytes)',
			},
			mode: 'read',
			command: null,
			async run(c) {
				if (c.dryRun && !nodeFs.existsSync(nodePath.join(facts.backupDir, 'manifest.json')))
					return c.t('proofDry');
				return (await provenBackup(c, facts.backupDir)).text;
			},
		});

		steps.push({
			id: 'stop-milvus',
			title: {
				en: 'Stop Milvus, so nothing writes into etcd before the restore',
				id: 'Hentikan Milvus supaya tidak ada yang menulis ke etcd sebelum restore',
			},
			mode: 'change',
			command: stopMilvusArgv(ctx.kube, ctx.names.release),
			async run(c) {
				const up = milvus.filter((w) => w.replicas > 0);
				if (up.length) {
					for (const w of up)
						await c.kube.run(['scale', w.kind, w.name, '--replicas=0'], { check: false });
					await c.kube.run(['scale', 'deployment,statefulset', '-l', milvusSel, '--replicas=0'], {
						check: false,
					});
				}
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
				for (const w of milvus)
					if (w.replicas > 0 && ((await currentReplicas(c.kube, w)) ?? 0) > 0) return false;
				return (await milvusPods(c.kube, c.names.release)).length === 0;
			},
		});

		const helpers = Array.from({ length: n }, (_, i) => `etcd-rescue-${ctx.names.pod(i)}`);
		steps.push({
			id: 'delete-helpers',
			title: {
				en: 'Delete the helper pods, so no pod holds a PVC',
				id: 'Hapus pod bantuan supaya tidak ada pod yang menahan PVC',
			},
			mode: 'change',
			command: ctx.kube.argv('delete', 'pod', ...helpers, '--ignore-not-found'),
			async done(c) {
				for (const h of helpers)
					if ((await c.kube.run(['get', 'pod', h, '-o', 'name'], { check: false })).ok)
						return false;
				return true;
			},
		});

		steps.push({
			id: 'delete-pvcs',
			title: {
				en: 'Delete the PVCs of every member (the backup is checked first)',
				id: 'Hapus PVC semua member (backup diperiksa dulu)',
			},
			mode: 'destroy',
			command: ctx.kube.argv('delete', 'pvc', ...pvcs),
			confirmName: ctx.names.sts,
			async run(c) {
				// Last gate before data goes away: the backup must be restorable, and no etcd, Milvus or helper pod
				// may run (a helper still mounting a PVC would keep it, and Milvus would write into the empty etcd).
				const proven = await provenBackup(c, facts.backupDir);
				const writers = await milvusPods(c.kube, c.names.release);
				if (writers.length)
					throw new RefusedError(
						c.t('milvusStillRunning', {
							pods: writers.join(', '),
							command: c.formatCommand(stopMilvusArgv(c.kube, c.names.release)),
						}),
					);
				await c.kube.run(['delete', 'pod', ...helpers, '--ignore-not-found'], { check: false });
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
				c.out.info(c.t('deleteGate', { dir: facts.backupDir, count: proven.count }));
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
					const backup = await loadBackup(c, facts.backupDir);
					const client = await connectEtcd(c, run.portForward?.endpoint ?? endpoint);
					return await restoreInto(c, client, backup, {
						allowNonEmpty: false,
						allowPartial: true,
						clearCommand: formatCommand(
							c.kube.execArgv(c.names.pod(0), ['etcdctl', 'del', '', '--from-key']),
						),
					});
				} finally {
					stopPortForward();
				}
			},
			async done() {
				if (!run.portForward) return false;
				try {
					const backup = await openBackup(facts.backupDir);
					const client = etcdHttp(run.portForward.endpoint);
					const d = await compareStreams(
						() => backup.records(),
						() => remoteRecords(client),
					);
					const ok = d.missing === 0 && d.different === 0;
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
			title: {
				en: 'Check every member and the cluster id',
				id: 'Periksa semua member dan cluster id',
			},
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
				const table = /** @type {import('./lib/shell.mjs').RunResult} */ (
					/** @type {unknown} */ (last)
				).stdout;
				// Before Milvus starts again nothing else writes: every key must be there with its value.
				const cmp = await compareWithBackup(c, facts);
				if (!cmp.ok) throw new StepFailedError(cmp.text);
				return `${table.trimEnd()}\n${cmp.text}`;
			},
		});

		for (const w of milvus)
			steps.push({
				id: 'start-milvus',
				title: {
					en: `Start ${w.kind} ${w.name} again with its ${w.replicas} replica(s)`,
					id: `Nyalakan lagi ${w.kind} ${w.name} dengan ${w.replicas} replika seperti semula`,
				},
				mode: 'change',
				command: startMilvusArgv(ctx.kube, w),
				async run(c) {
					if (w.replicas === 0) return c.t('milvusWasZero', w);
					if ((await currentReplicas(c.kube, w)) === null) return c.t('milvusGone', w);
					await c.kube.run(['scale', w.kind, w.name, `--replicas=${w.replicas}`]);
					return c.t('milvusStarted', w);
				},
				async done(c) {
					const now = await currentReplicas(c.kube, w);
					return now === null || now === w.replicas;
				},
			});
		return steps;
	},

	async verify(ctx, /** @type {any} */ facts) {
		if (facts?.target === 'compose') return composeVerify(ctx, facts);
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
		const b = await openBackup(facts.backupDir);
		want = b.count;
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
	if (!problems.length) {
		// Milvus, started again by this run, moves its timestamp keys on: only missing keys count then.
		const cmp = await compareWithBackup(ctx, facts, {
			lenientValues: (facts.milvus ?? []).some((w) => w.replicas > 0),
		}).catch((e) => ({ ok: false, text: e instanceof Error ? e.message : String(e) }));
		if (!cmp.ok) problems.push(cmp.text);
	}
	const id = ids[0] ?? '?';
	if (problems.length) return { ok: false, details: problems.join('; ') };
	const hex = /^\d+$/.test(id) ? BigInt(id).toString(16) : id;
	const details = ctx.t('verifiedAll', { n: statuses.length, id: hex, keys, want });
	// The cluster is fine, so waiting longer changes nothing; the run still does not end "Healthy".
	if (walProblem) return { ok: false, final: true, details: `${details}; ${walProblem}` };
	return { ok: true, details, data: { clusterId: hex, keys, backupKeys: want } };
}
