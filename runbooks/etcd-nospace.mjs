#!/usr/bin/env zx
// @ts-check
// etcd-nospace: etcd refuses every write with
//   etcdserver: mvcc: database space exceeded
// because its database file reached the backend quota (--quota-backend-bytes, ETCD_QUOTA_BACKEND_BYTES) and
// the NOSPACE alarm is up. Milvus then cannot save anything. The data is fine: the file is full of old
// revisions. The cure frees space without deleting a single key: compact the history up to the current
// revision, defragment the members ONE AT A TIME (defrag blocks the member it runs on; all at once would
// stall the whole cluster), then disarm the alarm, which etcd never clears by itself. Nothing here deletes
// a key, a pod or a PVC. When quorum is lost this is not the right page: the crash runbooks come first.
import { defineRunbook } from './lib/runbook.mjs';
import { NotThisSymptomError, RefusedError } from './lib/exit.mjs';
import {
	CLUSTER_STATUS_TABLE,
	ETCD_MEMBER_MESSAGES,
	etcdctl,
	listEtcdPodsStep,
	parseJsonBig,
	podsByOrdinal,
	stsEnv,
	waitFor,
} from './lib/etcd-members.mjs';
import { humanBytes } from './lib/etcd-disk.mjs';
import { tx } from './lib/i18n.mjs';

/** @typedef {import('./lib/runbook.mjs').Context} Context */
/** @typedef {import('./lib/runbook.mjs').Step} Step */

/**
 * @typedef {object} Facts
 * @property {number} witness     ordinal of the member that runs the cluster-wide commands
 * @property {number[]} members   ordinals of the running members, each defragmented in turn
 * @property {number} revision    the store revision to compact to (writes are refused, so it stands still)
 * @property {number} quota       bytes, from ETCD_QUOTA_BACKEND_BYTES (etcd's default 2 GiB when unset)
 * @property {number} dbSize      the largest member's database file, bytes
 * @property {boolean} alarm      a NOSPACE alarm was active
 */

// etcd's own default when neither --quota-backend-bytes nor ETCD_QUOTA_BACKEND_BYTES is set.
const ETCD_DEFAULT_QUOTA = 2 * 1024 * 1024 * 1024;
// Without an alarm, a database this close to its quota is worth compacting before it fills up.
const NEAR_QUOTA = 0.8;
// Defragmenting a database of a few GiB takes longer than etcdctl's 5 s default.
const DEFRAG_TIMEOUT = '--command-timeout=600s';
// The key the verification writes, reads back and deletes; nothing of Milvus lives under it.
const PROBE_KEY = 'milvus-rescue/probe/etcd-nospace';

const messages = {
	en: {
		...ETCD_MEMBER_MESSAGES.en,
		noPods:
			'no etcd pod is running; see the pages for crashing etcd pods (etcd-multi-crash, etcd-all-crash)',
		noQuorum:
			'etcd has no quorum (a read through {pod} timed out): fix the crashing members first with runbooks/etcd-multi-crash.mjs or runbooks/etcd-all-crash.mjs',
		noStatus: '{pod} does not report its status: {error}',
		sizes: '{pod}: database {size} of quota {quota} ({percent}%)',
		alarmSeen: 'active alarm: {alarm}',
		notNospace:
			'no NOSPACE alarm and the largest database is {size}, {percent}% of the {quota} quota: etcd has space',
		compacted: 'history before revision {revision} compacted',
		alreadyCompacted: 'revision {revision} was already compacted',
		answers: '{pod} to answer again after its defrag',
		disarmed: 'alarms disarmed',
		stillAlarm: 'alarm still active: {alarms}',
		writeFailed: 'a test write still fails: {error}',
		overQuota:
			'live data alone ({size}) is at or above the {quota} quota even after defrag: raise the quota (see the page, "How to avoid it")',
		readBack: 'the test key read back differs from what was written',
		healthyDetails:
			'no alarm, writes work again; databases now {sizes} of a {quota} quota, no key deleted',
	},
	id: {
		...ETCD_MEMBER_MESSAGES.id,
		noPods:
			'tidak ada pod etcd yang berjalan; lihat halaman untuk pod etcd yang crash (etcd-multi-crash, etcd-all-crash)',
		noQuorum:
			'etcd kehilangan kuorum (read lewat {pod} melewati batas waktu): perbaiki dulu member yang crash dengan runbooks/etcd-multi-crash.mjs atau runbooks/etcd-all-crash.mjs',
		noStatus: '{pod} tidak melaporkan status-nya: {error}',
		sizes: '{pod}: database {size} dari kuota {quota} ({percent}%)',
		alarmSeen: 'alarm aktif: {alarm}',
		notNospace:
			'tidak ada alarm NOSPACE dan database terbesar {size}, {percent}% dari kuota {quota}: etcd masih punya ruang',
		compacted: 'riwayat sebelum revisi {revision} sudah dibuang lewat compaction',
		alreadyCompacted: 'compaction sampai revisi {revision} memang sudah dilakukan',
		answers: '{pod} menjawab lagi setelah defrag',
		disarmed: 'alarm sudah dimatikan',
		stillAlarm: 'alarm masih aktif: {alarms}',
		writeFailed: 'write uji coba masih gagal: {error}',
		overQuota:
			'data yang masih dipakai saja ({size}) sudah mencapai kuota {quota} walaupun defrag sudah dijalankan: naikkan kuotanya (lihat halamannya, bagian "Cara mencegahnya")',
		readBack: 'isi key uji coba yang dibaca kembali berbeda dari yang ditulis',
		healthyDetails:
			'tidak ada alarm, write berjalan lagi; database sekarang {sizes} dari kuota {quota}, tidak ada key yang dihapus',
	},
};

/**
 * The member's own `endpoint status`: revision and database sizes; null when it does not answer.
 * @param {Context} ctx @param {string} pod
 */
async function ownStatus(ctx, pod) {
	const r = await etcdctl(ctx, pod, ['endpoint', 'status', '-w', 'json']);
	if (!r.ok) return { error: (r.stderr || r.stdout).trim().split('\n').pop() ?? '' };
	try {
		const st = parseJsonBig(r.stdout)?.[0]?.Status;
		if (!st?.header) return { error: r.stdout.trim().slice(0, 200) };
		return {
			revision: Number(st.header.revision ?? 0),
			dbSize: Number(st.dbSize ?? 0),
			dbSizeInUse: Number(st.dbSizeInUse ?? st.dbSize ?? 0),
		};
	} catch {
		return { error: r.stdout.trim().slice(0, 200) };
	}
}

/**
 * Active alarms as `etcdctl alarm list` prints them (`memberID:… alarm:NOSPACE`); null when it cannot tell.
 * @param {Context} ctx @param {string} pod
 */
async function alarms(ctx, pod) {
	const r = await etcdctl(ctx, pod, ['alarm', 'list']);
	if (!r.ok) return null;
	return r.stdout
		.split('\n')
		.map((l) => l.trim())
		.filter((l) => /\balarm:\w+/.test(l));
}

/**
 * A linearizable read answers only with quorum; unlike `endpoint health`, it still succeeds while the
 * NOSPACE alarm is up (health reports every alarm as unhealthy).
 * @param {Context} ctx @param {string} pod
 */
async function hasQuorum(ctx, pod) {
	const r = await etcdctl(ctx, pod, ['get', PROBE_KEY, '--keys-only', '--command-timeout=5s']);
	return r.ok;
}

/** @param {Record<string, string>} env the etcd container's env */
function quotaOf(env) {
	const q = Number(env.ETCD_QUOTA_BACKEND_BYTES ?? '');
	return Number.isFinite(q) && q > 0 ? q : ETCD_DEFAULT_QUOTA;
}

/** @type {Facts} */
const exampleFacts = {
	witness: 0,
	members: [0, 1, 2],
	revision: 1234567,
	quota: 4294967296,
	dbSize: 4294967296,
	alarm: true,
};

export default defineRunbook(
	{
		name: 'etcd-nospace',
		summary: tx(
			'Free etcd from "database space exceeded" (NOSPACE alarm) without deleting any data',
			'Bebaskan etcd dari "database space exceeded" (alarm NOSPACE) tanpa menghapus data',
		),
		description: tx(
			'Use it when Milvus or etcdctl fails with "etcdserver: mvcc: database space exceeded" or ' +
				'"Active Alarm(s): NOSPACE": the etcd database file reached its quota and etcd refuses every write. ' +
				"The runbook shows each member's database size against the quota and the active alarms, compacts " +
				'the history up to the current revision, defragments the members one at a time (each waits until the ' +
				'previous member answers again), disarms the alarm and proves that a write works again. It deletes no ' +
				'key, no pod and no PVC. When etcd has lost quorum it stops and points to the crash runbooks.',
			'Pakai saat Milvus atau etcdctl gagal dengan "etcdserver: mvcc: database space exceeded" atau ' +
				'"Active Alarm(s): NOSPACE": file database etcd sudah mencapai kuotanya, jadi etcd menolak semua write. ' +
				'Runbook ini menampilkan ukuran database tiap member dibanding kuotanya beserta alarm yang aktif, ' +
				'menjalankan compaction pada riwayat sampai revisi saat ini, menjalankan defrag di member satu per satu (member berikutnya baru ' +
				'dikerjakan setelah member sebelumnya menjawab lagi), mematikan alarm, lalu membuktikan bahwa write ' +
				'sudah bisa lagi. Tidak ada key, pod, atau PVC yang dihapus. Kalau etcd kehilangan kuorum, runbook ' +
				'berhenti dan mengarahkan Anda ke runbook untuk pod etcd yang crash.',
		),
		target: 'kubernetes',
		flagGroups: ['kube', 'timeout'],
		exitCodes: {
			0: tx(
				'no alarm left and writes work again',
				'tidak ada alarm tersisa dan write berjalan lagi',
			),
			1: tx(
				'a step failed, or writes still fail (live data above the quota: raise it)',
				'ada langkah yang gagal, atau write masih gagal (data yang dipakai melebihi kuota: naikkan kuotanya)',
			),
			3: tx(
				'refused or aborted, also when etcd has no quorum (use the crash runbooks first)',
				'ditolak atau dibatalkan, juga saat etcd tidak punya kuorum (pakai runbook crash lebih dulu)',
			),
			4: tx(
				'no NOSPACE alarm and the databases are well under the quota',
				'tidak ada alarm NOSPACE dan database masih jauh di bawah kuota',
			),
		},
		messages,
		exampleFacts,

		async preflight(ctx) {
			if (ctx.resume?.facts) return ctx.resume.facts;
			const sts = await ctx.kube.json(['get', 'sts', ctx.names.sts]);
			const quota = quotaOf(stsEnv(sts));
			const running = [...(await podsByOrdinal(ctx)).values()]
				.filter((p) => p.running)
				.sort((a, b) => a.ordinal - b.ordinal);
			if (running.length === 0) throw new RefusedError(ctx.t('noPods'));
			const first = running[0];
			if (!first) throw new RefusedError(ctx.t('noPods'));
			const witnessPod = first.name;
			if (!(await hasQuorum(ctx, witnessPod)))
				throw new RefusedError(ctx.t('noQuorum', { pod: witnessPod }));
			let dbSize = 0;
			let revision = 0;
			for (const p of running) {
				const st = await ownStatus(ctx, p.name);
				if (!('dbSize' in st) || st.dbSize === undefined) {
					ctx.out.warn(ctx.t('noStatus', { pod: p.name, error: st.error ?? '' }));
					continue;
				}
				dbSize = Math.max(dbSize, st.dbSize);
				revision = Math.max(revision, st.revision ?? 0);
				ctx.out.info(
					ctx.t('sizes', {
						pod: p.name,
						size: humanBytes(st.dbSize),
						quota: humanBytes(quota),
						percent: Math.round((100 * st.dbSize) / quota),
					}),
				);
			}
			const active = (await alarms(ctx, witnessPod)) ?? [];
			for (const a of active) ctx.out.info(ctx.t('alarmSeen', { alarm: a }));
			const alarm = active.some((a) => /alarm:NOSPACE\b/.test(a));
			if (!alarm && dbSize < NEAR_QUOTA * quota)
				throw new NotThisSymptomError(
					ctx.t('notNospace', {
						size: humanBytes(dbSize),
						quota: humanBytes(quota),
						percent: Math.round((100 * dbSize) / quota),
					}),
				);
			return {
				witness: first.ordinal,
				members: running.map((p) => p.ordinal),
				revision,
				quota,
				dbSize,
				alarm,
			};
		},

		steps(ctx, /** @type {Facts} */ f) {
			const k = ctx.kube;
			const n = ctx.names;
			const witness = n.pod(f.witness);
			/** @type {Step[]} */
			const steps = [
				listEtcdPodsStep(ctx),
				{
					id: 'endpoint-status',
					title: tx(
						"Show each member's DB SIZE (compare it with the quota)",
						'Tampilkan DB SIZE tiap member (bandingkan dengan kuotanya)',
					),
					mode: 'read',
					command: k.execArgv(witness, CLUSTER_STATUS_TABLE),
				},
				{
					id: 'alarm-list',
					title: tx('List the active alarms', 'Tampilkan alarm yang aktif'),
					mode: 'read',
					command: k.execArgv(witness, ['etcdctl', 'alarm', 'list']),
				},
				{
					id: 'compact',
					title: tx(
						`Compact the history before revision ${f.revision} (the current one; every key keeps its value)`,
						`Buang riwayat sebelum revisi ${f.revision} (revisi saat ini; semua key tetap dengan nilainya)`,
					),
					mode: 'change',
					command: k.execArgv(witness, ['etcdctl', 'compact', String(f.revision)]),
					check: false,
					parse: (r, c) => {
						if (r.ok) return c.t('compacted', { revision: f.revision });
						// A second run, or etcd's own auto-compaction, got there first: the history is gone already.
						if (/required revision has been compacted/.test(r.stderr))
							return c.t('alreadyCompacted', { revision: f.revision });
						throw new Error((r.stderr || r.stdout).trim());
					},
				},
			];
			for (const i of f.members) {
				const pod = n.pod(i);
				steps.push({
					id: 'defrag',
					title: tx(
						`Defragment ${pod} alone (it pauses while the file is rewritten)`,
						`Defrag ${pod} saja (member ini berhenti sebentar selama file-nya ditulis ulang)`,
					),
					mode: 'change',
					// Inside the pod, etcdctl's default endpoint is the pod's own member: only that one is defragmented.
					command: k.execArgv(pod, ['etcdctl', 'defrag', DEFRAG_TIMEOUT]),
					check: false,
					parse: (r) => {
						if (!r.ok) throw new Error((r.stderr || r.stdout).trim());
						return r.stdout.trim();
					},
					// The next member waits until this one serves again, so at most one is ever paused.
					after: async (c) => {
						await waitFor(c, c.t('answers', { pod }), async () => {
							const st = await ownStatus(c, pod);
							return 'dbSize' in st ? st : null;
						});
					},
				});
			}
			steps.push(
				{
					id: 'disarm',
					title: tx(
						'Disarm the NOSPACE alarm (etcd never clears it by itself)',
						'Matikan alarm NOSPACE (etcd tidak pernah mematikannya sendiri)',
					),
					mode: 'change',
					command: k.execArgv(witness, ['etcdctl', 'alarm', 'disarm']),
					done: async (c) => (await alarms(c, witness))?.length === 0,
				},
				{
					id: 'verify',
					title: tx('Show the sizes after the defrag', 'Tampilkan ukuran database setelah defrag'),
					mode: 'read',
					command: k.execArgv(witness, CLUSTER_STATUS_TABLE),
				},
			);
			return steps;
		},

		async verify(ctx, /** @type {Facts} */ f) {
			const witness = ctx.names.pod(f.witness);
			const active = await alarms(ctx, witness);
			if (active === null || active.length > 0)
				return {
					ok: false,
					details: ctx.t('stillAlarm', { alarms: (active ?? ['?']).join(', ') }),
				};
			/** @type {number[]} */
			const sizes = [];
			let inUse = 0;
			for (const i of f.members) {
				const st = await ownStatus(ctx, ctx.names.pod(i));
				if ('dbSize' in st && st.dbSize !== undefined) {
					sizes.push(st.dbSize);
					inUse = Math.max(inUse, st.dbSizeInUse ?? 0);
				}
			}
			const value = `ok ${new Date().toISOString()}`;
			const put = await etcdctl(ctx, witness, ['put', PROBE_KEY, value]);
			if (!put.ok) {
				const error = (put.stderr || put.stdout).trim().split('\n').pop() ?? '';
				if (/database space exceeded/.test(error) || inUse >= f.quota)
					return {
						ok: false,
						details: ctx.t('overQuota', { size: humanBytes(inUse), quota: humanBytes(f.quota) }),
					};
				return { ok: false, details: ctx.t('writeFailed', { error }) };
			}
			const got = await etcdctl(ctx, witness, ['get', PROBE_KEY, '--print-value-only']);
			await etcdctl(ctx, witness, ['del', PROBE_KEY]);
			if (!got.ok || got.stdout.trim() !== value) return { ok: false, details: ctx.t('readBack') };
			return {
				ok: true,
				details: ctx.t('healthyDetails', {
					sizes: sizes.map((b) => humanBytes(b)).join(', '),
					quota: humanBytes(f.quota),
				}),
			};
		},
	},
	import.meta.url,
);
