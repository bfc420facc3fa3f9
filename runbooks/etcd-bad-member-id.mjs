#!/usr/bin/env zx
// @ts-check
// etcd-bad-member-id: an etcd pod crash-loops with
//   Error: bad member ID arg (strconv.ParseUint: parsing "": invalid syntax), expecting ID in Hex
// The 2022 Bitnami etcd scripts (Milvus charts before July 2022) may store an EMPTY
// /bitnami/etcd/data/member_id; on the next start with data present they run `etcdctl member update ""`,
// which exits 128 and crash-loops the pod for good. Removing the file sends the script down its "member
// will try to join the cluster by its own" branch, where etcd simply starts on its intact data.
// The runbook finds the pods whose current or previous logs show the error, removes the file (kubectl exec
// when the container is up, else through a helper pod mounting the PVC), restarts each pod and checks the
// member is healthy, listed as started, and in the same cluster as the others. No data is deleted.
import { defineRunbook } from './lib/runbook.mjs';
import { NotThisSymptomError } from './lib/exit.mjs';
import { ETCD_MOUNT, HELPER_IMAGE_FLAG } from './lib/kube.mjs';
import {
	ETCD_MEMBER_MESSAGES,
	healthy,
	listEtcdPodsStep,
	memberList,
	podsByOrdinal,
	readyOneCluster,
	waitFor,
} from './lib/etcd-members.mjs';
import { tx } from './lib/i18n.mjs';

/** @typedef {import('./lib/runbook.mjs').Context} Context */
/** @typedef {import('./lib/runbook.mjs').Step} Step */

/**
 * @typedef {object} Facts
 * @property {number} replicas
 * @property {{ ordinal: number, running: boolean }[]} bad  pods that crash with the error
 * @property {number} witness  ordinal of a healthy member to ask for the member list
 */

const SIGNATURE = 'bad member ID arg';
const MEMBER_ID_FILE = `${ETCD_MOUNT}/data/member_id`;

const messages = {
	en: {
		...ETCD_MEMBER_MESSAGES.en,
		noSignature: 'no etcd pod shows "{signature}" in its current or previous logs',
		found: '{pod}: {line}',
		viaHelper: 'container of {pod} is not running; removing the file through helper pod {helper}',
		viaExec: 'removed {file} in {pod}',
		removedHelper: 'removed {file} on PVC {pvc}',
		waitReady: '{pod} to become Ready',
		notListed: '{pod} is not a started member in the member list',
		still: '{pod} still logs "{signature}"',
		healthyDetails: '{pods} healthy and listed; {n} members, cluster id {id}',
	},
	id: {
		...ETCD_MEMBER_MESSAGES.id,
		noSignature:
			'tidak ada pod etcd yang menampilkan "{signature}" di log sekarang maupun log sebelumnya',
		found: '{pod}: {line}',
		viaHelper: 'container {pod} sedang tidak berjalan; file dihapus lewat pod bantuan {helper}',
		viaExec: '{file} di {pod} sudah dihapus',
		removedHelper: '{file} di PVC {pvc} sudah dihapus',
		waitReady: '{pod} menjadi Ready',
		notListed: '{pod} tidak tercantum sebagai member started di member list',
		still: '{pod} masih mencatat "{signature}" di log',
		healthyDetails: '{pods} sehat dan terdaftar; {n} member, cluster id {id}',
	},
};

/**
 * The error line from the pod's current and previous logs, or null.
 * @param {Context} ctx @param {string} pod
 */
async function signatureLine(ctx, pod) {
	const texts = await Promise.all(
		[false, true].map((previous) => ctx.kube.logs(pod, { previous }).catch(() => '')),
	);
	const line = texts
		.join('\n')
		.split('\n')
		.find((l) => l.includes(SIGNATURE));
	return line ? line.trim() : null;
}

/** The member runs, answers health checks and is listed as started. @param {Context} ctx @param {Facts} f @param {number} i */
async function memberHealthy(ctx, f, i) {
	const pod = ctx.names.pod(i);
	if (!(await podsByOrdinal(ctx)).get(i)?.ready) return false;
	if (!(await healthy(ctx, pod))) return false;
	return Boolean((await memberList(ctx, pod))?.some((m) => m.started && m.name === pod));
}

/** @type {Facts} */
const exampleFacts = { replicas: 3, bad: [{ ordinal: 1, running: true }], witness: 0 };

export default defineRunbook(
	{
		name: 'etcd-bad-member-id',
		summary: tx(
			'Fix etcd pods crash-looping on "bad member ID arg" (empty member_id file)',
			'Perbaiki pod etcd yang crash loop karena "bad member ID arg" (file member_id kosong)',
		),
		description: tx(
			'Use it when an etcd pod of the Milvus chart keeps restarting and its logs (or the logs of its previous ' +
				'container) end with: Error: bad member ID arg (strconv.ParseUint: parsing "": invalid syntax), ' +
				'expecting ID in Hex. This comes from the 2022 Bitnami etcd image, which stored an empty ' +
				'/bitnami/etcd/data/member_id. The runbook removes that one file (with kubectl exec when the container ' +
				'is up, otherwise through a short-lived helper pod that mounts the PVC), deletes the pod so it starts ' +
				'at once, and checks that the member is healthy and listed. It changes only that file and restarts ' +
				'the pod; the etcd data stays as it is.',
			'Pakai saat pod etcd dari chart Milvus terus dimulai ulang dan log-nya (atau log container sebelumnya) ' +
				'berakhir dengan: Error: bad member ID arg (strconv.ParseUint: parsing "": invalid syntax), ' +
				'expecting ID in Hex. Penyebabnya adalah image etcd Bitnami versi 2022 yang menyimpan ' +
				'/bitnami/etcd/data/member_id kosong. Runbook ini menghapus file itu saja, dengan "kubectl exec" ' +
				'kalau container-nya hidup, atau lewat pod bantuan sementara yang memasang PVC-nya. Lalu pod-nya ' +
				'dihapus supaya langsung berjalan lagi, dan runbook memeriksa bahwa member-nya sehat dan terdaftar. ' +
				'Yang diubah hanya file itu dan pod-nya. Data etcd tetap utuh.',
		),
		target: 'kubernetes',
		flagGroups: ['kube', 'timeout'],
		flags: [HELPER_IMAGE_FLAG],
		messages,
		exampleFacts,

		async preflight(ctx) {
			const sts = await ctx.kube.json(['get', 'sts', ctx.names.sts]);
			const replicas = Number(sts?.spec?.replicas ?? 0);
			const pods = await podsByOrdinal(ctx);
			const resumed = /** @type {Facts | null} */ (ctx.resume?.facts ?? null);
			/** @type {Facts['bad']} */
			const bad = [];
			// A Ready pod that logged the error once has recovered; only the ones still failing need the fix.
			const wasBad = (/** @type {number} */ i) =>
				resumed?.bad?.some((b) => b.ordinal === i) ?? false;
			const candidates = [...pods.values()]
				.filter((p) => !p.ready || wasBad(p.ordinal))
				.sort((a, b) => a.ordinal - b.ordinal);
			const lines = await Promise.all(candidates.map((p) => signatureLine(ctx, p.name)));
			candidates.forEach((p, j) => {
				const line = lines[j];
				if (!line && !wasBad(p.ordinal)) return;
				bad.push({ ordinal: p.ordinal, running: p.running });
				if (line) ctx.out.info(ctx.t('found', { pod: p.name, line }));
			});
			if (bad.length === 0)
				throw new NotThisSymptomError(ctx.t('noSignature', { signature: SIGNATURE }));
			const witness =
				[...pods.values()].find((p) => p.ready && !bad.some((b) => b.ordinal === p.ordinal))
					?.ordinal ?? 0;
			return { replicas, bad, witness };
		},

		steps(ctx, /** @type {Facts} */ f) {
			const k = ctx.kube;
			const n = ctx.names;
			/** @type {Step[]} */
			const steps = [listEtcdPodsStep(ctx)];
			for (const b of f.bad) {
				const pod = n.pod(b.ordinal);
				steps.push({
					id: 'read-logs',
					title: tx(
						`Read the log of the crashed container of ${pod}`,
						`Baca log container ${pod} yang crash`,
					),
					mode: 'read',
					command: k.argv('logs', pod, '--previous'),
					check: false,
					parse: (r) => {
						// The whole log is noise here; the lines around the error tell the story.
						const lines = (r.ok ? r.stdout : r.stderr).split('\n');
						const at = lines.findIndex((l) => l.includes(SIGNATURE));
						return (at === -1 ? lines.slice(-8) : lines.slice(Math.max(0, at - 4), at + 1)).join(
							'\n',
						);
					},
				});
			}
			for (const b of f.bad) {
				const i = b.ordinal;
				const pod = n.pod(i);
				const helper = `etcd-rescue-${pod}`.slice(0, 63);
				steps.push({
					id: 'remove-member-id',
					title: tx(`Remove the empty member_id of ${pod}`, `Hapus member_id kosong milik ${pod}`),
					mode: 'change',
					command: k.execArgv(pod, ['rm', '-f', MEMBER_ID_FILE]),
					check: false,
					parse: (r) => r.ok,
					done: (c) => memberHealthy(c, f, i),
					after: async (c, removed) => {
						if (removed) return c.t('viaExec', { file: MEMBER_ID_FILE, pod });
						// CrashLoopBackOff leaves no container to exec into most of the time: mount the PVC instead.
						c.out.info(c.t('viaHelper', { pod, helper }));
						for (const argv of c.kube.helperPodArgvs(n.pvc(i), helper))
							c.out.dim(`$ ${c.formatCommand(argv)}`);
						return c.kube.withHelperPod(n.pvc(i), helper, async () => {
							await c.kube.exec(helper, ['rm', '-f', MEMBER_ID_FILE]);
							return c.t('removedHelper', { file: MEMBER_ID_FILE, pvc: n.pvc(i) });
						});
					},
				});
				steps.push({
					id: 'restart-pod',
					title: tx(
						`Restart ${pod} now instead of waiting for the back-off`,
						`Restart ${pod} sekarang, tanpa menunggu back-off`,
					),
					mode: 'change',
					command: k.argv('delete', 'pod', pod),
					done: (c) => memberHealthy(c, f, i),
					after: async (c) => {
						await waitFor(c, c.t('waitReady', { pod }), () => memberHealthy(c, f, i));
					},
				});
			}
			const witness = n.pod(f.witness);
			steps.push({
				id: 'verify-members',
				title: tx('Show the member list', 'Tampilkan daftar member'),
				mode: 'read',
				command: k.execArgv(witness, ['etcdctl', 'member', 'list', '-w', 'table']),
			});
			return steps;
		},

		async verify(ctx, /** @type {Facts} */ f) {
			/** @type {string[]} */
			const problems = [];
			const pods = await podsByOrdinal(ctx);
			for (const b of f.bad) {
				const pod = ctx.names.pod(b.ordinal);
				if (!(await memberHealthy(ctx, f, b.ordinal)))
					problems.push(ctx.t(pods.get(b.ordinal)?.ready ? 'notListed' : 'notReady', { pod }));
			}
			const members = await readyOneCluster(ctx, f.replicas);
			problems.push(...members.problems);
			const ids = members.ids;
			if (problems.length > 0) return { ok: false, details: [...new Set(problems)].join('; ') };
			return {
				ok: true,
				details: ctx.t('healthyDetails', {
					pods: f.bad.map((b) => ctx.names.pod(b.ordinal)).join(', '),
					n: f.replicas,
					id: ids[0] ?? '?',
				}),
			};
		},
	},
	import.meta.url,
);
