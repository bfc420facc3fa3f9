// @ts-check
// The rebuild half of etcd-all-crash on Kubernetes: the last gate and the PVC deletion, the restore into the
// fresh member through a port-forward, the check that every key is back, and the final verdict. The
// port-forward is a handle (kube.portForward) that this run's steps pass along; nothing outlives the process.
import { StepFailedError } from './exit.mjs';
import { parseJsonBig, waitFor } from './etcd-members.mjs';
import { etcdHttp } from './etcd-http.mjs';
import { connectEtcd, loadBackup, restoreInto } from './etcd-offline.mjs';
import { describeFailure, formatCommand } from './shell.mjs';
import { backupPromise, compareWithBackup, provenBackup } from './etcd-all-crash-backup.mjs';
import { refuseWhileMilvusRuns } from './etcd-all-crash-milvus.mjs';
import { etcdPods, pvcIdentity, sts } from './etcd-all-crash-preflight.mjs';

/** @typedef {import('./runbook.mjs').Context} Context */
/** @typedef {import('./runbook.mjs').Step} Step */
/** @typedef {import('./kube.mjs').PortForward} PortForward */
/** @typedef {import('./etcd-all-crash-preflight.mjs').Facts} Facts */

export const ALL_CRASH_REBUILD_MESSAGES = {
	en: {
		waitPvcsGone: 'the PVCs to be deleted',
		deleteGate:
			'backup {dir} checked again ({count} keys, checksum ok); StatefulSet at 0 replicas with no pods',
		gatePodsLeft:
			'pods {pods} still exist; deleting their PVCs now would fail or lose data. Nothing deleted',
		gateReplicas: 'StatefulSet {sts} has {replicas} replicas, not 0. Nothing deleted',
		portForwardUp: 'port-forward ready: {endpoint}',
		portForwardFailed: 'kubectl port-forward did not come up: {reason}',
		waitMembers: '{n} started members',
		execFailed: 'cannot run etcdctl in {pod}: {reason}',
		verifyMembers: 'members: {got} of {want} started',
		verifyIds: 'members report different cluster ids: {ids} (split brain)',
		verifyNotReady: 'not Ready: {pods}',
		verifyKeys: '{got} keys in etcd, the backup has {want}',
		verifiedAll: '{n} members healthy, cluster id {id}, {keys} keys (backup: {want})',
	},
	id: {
		waitPvcsGone: 'PVC terhapus',
		deleteGate:
			'backup {dir} diperiksa ulang ({count} key, checksum cocok); StatefulSet di 0 replika tanpa pod',
		gatePodsLeft:
			'pod {pods} masih ada; menghapus PVC-nya sekarang bisa gagal atau menghilangkan data. Tidak ada yang dihapus',
		gateReplicas: 'StatefulSet {sts} punya {replicas} replika, bukan 0. Tidak ada yang dihapus',
		portForwardUp: 'port-forward siap: {endpoint}',
		portForwardFailed: 'kubectl port-forward tidak berjalan: {reason}',
		waitMembers: '{n} member berjalan',
		execFailed: 'tidak bisa menjalankan etcdctl di {pod}: {reason}',
		verifyMembers: 'member: {got} dari {want} berjalan',
		verifyIds: 'member melaporkan cluster id yang berbeda: {ids} (split brain)',
		verifyNotReady: 'belum Ready: {pods}',
		verifyKeys: 'ada {got} key di etcd, backup berisi {want}',
		verifiedAll: '{n} member sehat, cluster id {id}, {keys} key (backup: {want})',
	},
};

/** Every member's status, as a table: what the page shows as the check after the rebuild. */
const STATUS_TABLE = ['etcdctl', 'endpoint', 'status', '--cluster', '-w', 'table'];

/** @param {Context} ctx @param {string} pod @param {string[]} args */
async function etcdctlJson(ctx, pod, args) {
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

/** At least `want` members are started (named, with client URLs). @param {Context} ctx @param {number} want */
export async function startedMembers(ctx, want) {
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

/** A port-forward to the fresh member etcd-0. @param {Context} ctx @returns {Promise<PortForward>} */
async function forwardToFirst(ctx) {
	try {
		return await ctx.kube.portForward(
			`pod/${ctx.names.pod(0)}`,
			Number(ctx.flags['local-port']),
			2379,
		);
	} catch (e) {
		const reason = e instanceof Error ? e.message : String(e);
		throw new StepFailedError(ctx.t('portForwardFailed', { reason }));
	}
}

/**
 * The backup compared with the live keys, through a port-forward of its own.
 * @param {Context} ctx @param {Facts} facts @param {{ lenientValues?: boolean }} [o]
 */
async function compareLive(ctx, facts, o = {}) {
	const forward = await forwardToFirst(ctx);
	try {
		return await compareWithBackup(ctx, facts.backupDir, etcdHttp(forward.endpoint), o);
	} finally {
		forward.stop();
	}
}

/**
 * Every PVC goes, once the backup is proven again and nothing runs that holds or writes into them.
 * @param {Context} ctx @param {Facts} facts @param {string[]} deleteHelpers  the argv that removes helper pods
 * @returns {Step}
 */
export function deletePvcsStep(ctx, facts, deleteHelpers) {
	const pvcs = Array.from({ length: facts.replicas }, (_, i) => ctx.names.pvc(i));
	const command = ctx.kube.argv('delete', 'pvc', ...pvcs);
	const allGone = async (/** @type {Context} */ c) => {
		for (const pvc of pvcs) if (await pvcIdentity(c, pvc)) return false;
		return true;
	};
	return {
		id: 'delete-pvcs',
		title: {
			en: 'Delete the PVCs of every member (the backup is checked first)',
			id: 'Hapus PVC semua member (backup diperiksa dulu)',
		},
		mode: 'destroy',
		command,
		confirmName: ctx.names.sts,
		// Last gate before data goes away: the backup must be restorable, and no etcd, Milvus or helper pod may
		// run (a helper still mounting a PVC would keep it, and Milvus would write into the empty etcd).
		async before(c) {
			const proven = await provenBackup(c, facts.backupDir);
			await refuseWhileMilvusRuns(c);
			await c.run(deleteHelpers, { check: false });
			const replicas = Number((await sts(c))?.spec?.replicas);
			if (replicas !== 0)
				throw new StepFailedError(c.t('gateReplicas', { sts: c.names.sts, replicas }));
			const left = await etcdPods(c);
			if (left.length)
				throw new StepFailedError(
					c.t('gatePodsLeft', { pods: left.map((p) => p.name).join(', ') }),
				);
			c.out.info(c.t('deleteGate', { dir: facts.backupDir, count: proven.count }));
		},
		check: false,
		parse(r, c) {
			// A PVC deleted by an earlier, interrupted run is not there to delete again.
			const lines = r.stderr.split('\n').filter((l) => l.trim());
			if (!r.ok && !lines.every((l) => /NotFound|not found/.test(l)))
				throw new StepFailedError(describeFailure(command, r, c.lang));
			return r.stdout.trimEnd() || undefined;
		},
		after: async (c) => {
			await waitFor(c, c.t('waitPvcsGone'), () => allGone(c));
		},
		async done(c) {
			for (const pvc of pvcs) {
				const id = await pvcIdentity(c, pvc);
				if (id !== null && id === facts.pvcUids[pvc]) return false; // an original PVC is still there
			}
			return true;
		},
	};
}

/**
 * port-forward, then restore through it (the forward ends with the restore, whatever way it ends).
 * @param {Context} ctx @param {Facts} facts
 * @returns {Step[]}
 */
export function restoreSteps(ctx, facts) {
	/** @type {{ forward: PortForward | null }} */
	const live = { forward: null };
	const stop = () => {
		live.forward?.stop();
		live.forward = null;
	};
	const endpoint = `http://127.0.0.1:${Number(ctx.flags['local-port'])}`;
	return [
		{
			id: 'port-forward',
			title: {
				en: 'Forward a local port to the fresh member',
				id: 'Teruskan port lokal ke member baru',
			},
			mode: 'read',
			command: null,
			when: (c) => !c.dryRun,
			async action(c) {
				stop();
				live.forward = await forwardToFirst(c);
				c.out.dim(`$ ${formatCommand(live.forward.argv)}`);
				return c.t('portForwardUp', { endpoint: live.forward.endpoint });
			},
		},
		{
			id: 'restore',
			title: {
				en: 'Restore the keys in transactions and compare every one with the backup',
				id: 'Restore key dalam transaksi dan bandingkan satu per satu dengan backup',
			},
			mode: 'change',
			command: null,
			async action(c) {
				try {
					const backup = await loadBackup(c, facts.backupDir);
					const client = await connectEtcd(c, live.forward?.endpoint ?? endpoint);
					return await restoreInto(c, client, backup, {
						allowNonEmpty: false,
						allowPartial: true,
						clearCommand: c.formatCommand(
							c.kube.execArgv(c.names.pod(0), ['etcdctl', 'del', '', '--from-key']),
						),
					});
				} finally {
					stop();
				}
			},
			async done(c) {
				if (!live.forward) return false;
				try {
					const same = (
						await compareWithBackup(c, facts.backupDir, etcdHttp(live.forward.endpoint))
					).ok;
					if (same) stop();
					return same;
				} catch {
					return false;
				}
			},
		},
	];
}

/**
 * Every member answers `endpoint status`, and (before Milvus starts again, nothing else writes) every key
 * of the backup is there with its value.
 * @param {Context} ctx @param {Facts} facts
 * @returns {Step}
 */
export function verifyStep(ctx, facts) {
	const command = ctx.kube.execArgv(ctx.names.pod(0), STATUS_TABLE);
	return {
		id: 'verify',
		title: {
			en: 'Check every member and the cluster id',
			id: 'Periksa semua member dan cluster id',
		},
		mode: 'read',
		command,
		// In a dry run nothing was rebuilt, so the crash-looping members cannot answer yet.
		when: (c) => !c.dryRun,
		check: false,
		parse: (r) => r,
		async after(c, value) {
			let r = /** @type {import('./shell.mjs').RunResult} */ (value);
			// A member that joined seconds ago may still be opening its client port: the same command, until the timeout.
			if (!r.ok)
				r = await waitFor(c, c.t('waitMembers', { n: facts.replicas }), async () => {
					const again = await c.run(command, { check: false });
					return again.ok ? again : null;
				});
			const cmp = await compareLive(c, facts);
			if (!cmp.ok) throw new StepFailedError(cmp.text);
			return `${r.stdout.trimEnd()}\n${cmp.text}`;
		},
	};
}

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
	const { want, walProblem, problem } = await backupPromise(ctx, facts.backupDir);
	if (problem) problems.push(problem);
	let keys = 0;
	try {
		// count is the size of the whole range whatever the limit (etcdctl 3.4 has no --count-only).
		const args = ['get', '', '--from-key', '--limit=1', '--keys-only'];
		keys = Number((await etcdctlJson(ctx, ctx.names.pod(0), args)).count ?? 0);
		if (keys < want) problems.push(ctx.t('verifyKeys', { got: keys, want }));
	} catch (e) {
		problems.push(e instanceof Error ? e.message : String(e));
	}
	if (!problems.length) {
		// Milvus, started again by this run, moves its timestamp keys on: only missing keys count then.
		const cmp = await compareLive(ctx, facts, {
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

/**
 * The final verdict. Members that just joined can restart once while raft settles: judged after a short grace.
 * @param {Context} ctx @param {Facts} facts
 */
export async function clusterVerify(ctx, facts) {
	const deadline = Date.now() + Math.min(Number(ctx.flags.timeout) * 1000, 60_000);
	for (;;) {
		const { final, ...v } = await verifyOnce(ctx, facts);
		if (v.ok || final || Date.now() > deadline) return v;
		await new Promise((r) => setTimeout(r, 2000));
	}
}
