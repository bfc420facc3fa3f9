#!/usr/bin/env zx
// @ts-check
// etcd-image-pull: the etcd pods stay in ErrImagePull / ImagePullBackOff with
//   Failed to pull image "docker.io/bitnami/etcd:3.5.…": … not found
// because Bitnami moved its versioned images out of docker.io/bitnami in August 2025: the tag the chart
// pins no longer exists there. The same image lives on as docker.io/bitnamilegacy/etcd with the same tag.
// The cure points the StatefulSet at it (`kubectl set image`), deletes the pods that are stuck pulling the old
// image (a StatefulSet does not replace a pod that never became Ready; the PVCs and their data stay), and
// waits for the rollout. Helm or the operator would put the old image back on the next upgrade, so the run
// ends by printing the values that make the change last.
import { defineRunbook } from './lib/runbook.mjs';
import { NotThisSymptomError, RefusedError, UsageError } from './lib/exit.mjs';
import {
	ETCD_MEMBER_MESSAGES,
	checkTimeout,
	etcdctl,
	timeoutFlag,
	waitFor,
} from './lib/etcd-members.mjs';

/** @typedef {import('./lib/runbook.mjs').Context} Context */
/** @typedef {import('./lib/runbook.mjs').Step} Step */

/**
 * @typedef {object} Facts
 * @property {string} container  the etcd container's name in the pod template
 * @property {string} image      the image the StatefulSet asks for (the one that cannot be pulled)
 * @property {string} target     the image to use instead
 * @property {string[]} stuck    pods waiting on a pull of the old image
 * @property {string} reason     the kubelet's words for the first stuck pod (event or waiting message)
 */

const PULL_FAILURES = ['ErrImagePull', 'ImagePullBackOff'];

const messages = {
	en: {
		...ETCD_MEMBER_MESSAGES.en,
		flagImage:
			'image to use instead (default: the same tag from docker.io/bitnamilegacy/etcd); e.g. milvusdb/etcd:3.5.18-r1',
		flagTimeout: 'seconds to wait for the rollout',
		badImage: '--image {image} is not an image reference (repository:tag or repository@digest)',
		noContainer: 'the StatefulSet {sts} has no container',
		noStuckPod:
			'no etcd pod is waiting on an image pull (ErrImagePull/ImagePullBackOff); the StatefulSet asks for {image}',
		seen: '{pod}: {reason}',
		notBitnami:
			'{image} is not a Bitnami etcd image, so there is no bitnamilegacy copy to offer: name the image to use with --image',
		sameImage:
			'the StatefulSet already asks for {image}, and it cannot be pulled: name another one with --image',
		rolledOut: 'every etcd pod runs {image}',
		notReady: '{pods} not ready on {image}',
		unhealthy: '{pod} runs {image} but etcd does not answer: {error}',
		healthyDetails: 'every etcd pod runs {image} and answers',
		lasting:
			'Make it last (otherwise the next helm upgrade puts {image} back), Milvus Helm chart:\n' +
			'  helm upgrade {release} milvus/milvus --reuse-values \\\n' +
			'    --set etcd.image.repository={repository} --set etcd.image.tag={tag} \\\n' +
			'    --set etcd.global.security.allowInsecureImages=true\n' +
			'Milvus Operator: spec.dependencies.etcd.inCluster.values.image.repository: {repository}, image.tag: {tag}',
	},
	id: {
		...ETCD_MEMBER_MESSAGES.id,
		flagImage:
			'image pengganti (default: tag yang sama dari docker.io/bitnamilegacy/etcd); misalnya milvusdb/etcd:3.5.18-r1',
		flagTimeout: 'berapa detik menunggu rollout selesai',
		badImage: '--image {image} bukan referensi image (repository:tag atau repository@digest)',
		noContainer: 'StatefulSet {sts} tidak punya container',
		noStuckPod:
			'tidak ada pod etcd yang tertahan menarik image (ErrImagePull/ImagePullBackOff); StatefulSet memakai {image}',
		seen: '{pod}: {reason}',
		notBitnami:
			'{image} bukan image etcd Bitnami, jadi tidak ada salinan bitnamilegacy yang bisa ditawarkan: sebutkan image pengganti dengan --image',
		sameImage:
			'StatefulSet sudah memakai {image}, dan image itu tidak bisa ditarik: sebutkan image lain dengan --image',
		rolledOut: 'semua pod etcd memakai {image}',
		notReady: '{pods} belum ready dengan {image}',
		unhealthy: '{pod} memakai {image} tetapi etcd tidak menjawab: {error}',
		healthyDetails: 'semua pod etcd memakai {image} dan menjawab',
		lasting:
			'Supaya perubahan ini bertahan (kalau tidak, helm upgrade berikutnya memasang {image} lagi), chart Helm Milvus:\n' +
			'  helm upgrade {release} milvus/milvus --reuse-values \\\n' +
			'    --set etcd.image.repository={repository} --set etcd.image.tag={tag} \\\n' +
			'    --set etcd.global.security.allowInsecureImages=true\n' +
			'Milvus Operator: spec.dependencies.etcd.inCluster.values.image.repository: {repository}, image.tag: {tag}',
	},
};

/** @param {string} en @param {string} id */
const tx = (en, id) => ({ en, id });

// repository[:tag] or repository@digest, as `kubectl set image` accepts them.
const IMAGE_RE = /^[a-z0-9][a-z0-9._\-/:]*(?::[\w][\w.-]{0,127}|@sha256:[0-9a-f]{64})$/;

/**
 * Split an image into repository and tag/digest suffix (`docker.io/bitnami/etcd:3.5.18` → repository
 * `docker.io/bitnami/etcd`, suffix `:3.5.18`); a port in the host is not a tag.
 * @param {string} image
 */
function splitImage(image) {
	const at = image.indexOf('@');
	if (at >= 0) return { repository: image.slice(0, at), suffix: image.slice(at) };
	const slash = image.lastIndexOf('/');
	const colon = image.lastIndexOf(':');
	if (colon > slash) return { repository: image.slice(0, colon), suffix: image.slice(colon) };
	return { repository: image, suffix: '' };
}

/**
 * The bitnamilegacy copy of a Bitnami etcd image, same tag; null for any other image.
 * @param {string} image
 */
function legacyImageOf(image) {
	const { repository, suffix } = splitImage(image);
	if (
		!/^(?:(?:docker\.io|index\.docker\.io|registry-1\.docker\.io)\/)?bitnami\/etcd$/.test(
			repository,
		)
	)
		return null;
	return `docker.io/bitnamilegacy/etcd${suffix || ':latest'}`;
}

/**
 * Pods of the StatefulSet whose etcd container waits on a pull, with the kubelet's reason.
 * @param {Context} ctx @param {string} container
 */
async function stuckPods(ctx, container) {
	const prefix = `${ctx.names.sts}-`;
	/** @type {{ name: string, image: string, message: string }[]} */
	const stuck = [];
	for (const p of await ctx.kube.podsByLabel(ctx.names.selector)) {
		const name = String(p?.metadata?.name ?? '');
		if (!name.startsWith(prefix) || p?.metadata?.deletionTimestamp) continue;
		const cs = (p?.status?.containerStatuses ?? []).find(
			(/** @type {any} */ s) => s?.name === container,
		);
		const waiting = cs?.state?.waiting;
		if (!PULL_FAILURES.includes(waiting?.reason)) continue;
		const image = String(
			p?.spec?.containers?.find((/** @type {any} */ s) => s?.name === container)?.image ?? '',
		);
		stuck.push({ name, image, message: `${waiting.reason}: ${waiting.message ?? ''}` });
	}
	return stuck.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * The kubelet's `Failed to pull image "…": …` event for a pod, the words that say why; null when none.
 * @param {Context} ctx @param {string} pod
 */
async function pullEvent(ctx, pod) {
	const r = await ctx.kube.run(
		['get', 'events', '--field-selector', `involvedObject.name=${pod}`, '-o', 'json'],
		{
			check: false,
		},
	);
	if (!r.ok) return null;
	try {
		const items = JSON.parse(r.stdout)?.items ?? [];
		const failed = items
			.map((/** @type {any} */ e) => String(e?.message ?? ''))
			.filter((/** @type {string} */ m) => m.startsWith('Failed to pull image'));
		return failed.at(-1) ?? null;
	} catch {
		return null;
	}
}

/** @type {Facts} */
const exampleFacts = {
	container: 'etcd',
	image: 'docker.io/bitnami/etcd:3.5.18-debian-12-r4',
	target: 'docker.io/bitnamilegacy/etcd:3.5.18-debian-12-r4',
	stuck: ['my-release-etcd-0', 'my-release-etcd-1', 'my-release-etcd-2'],
	reason: 'Failed to pull image "docker.io/bitnami/etcd:3.5.18-debian-12-r4": … not found',
};

/** @param {Context} ctx @param {string} image */
async function stsImage(ctx, image) {
	const sts = await ctx.kube.json(['get', 'sts', ctx.names.sts]);
	return (sts?.spec?.template?.spec?.containers ?? []).some(
		(/** @type {any} */ c) => c?.image === image,
	);
}

export default defineRunbook(
	{
		name: 'etcd-image-pull',
		summary: tx(
			'Move etcd off an image that can no longer be pulled (Bitnami images moved in August 2025)',
			'Pindahkan etcd dari image yang tidak bisa ditarik lagi (image Bitnami pindah sejak Agustus 2025)',
		),
		description: tx(
			'Use it when the etcd pods stay in ErrImagePull or ImagePullBackOff and their events say ' +
				'"Failed to pull image \\"docker.io/bitnami/etcd:…\\": … not found". The runbook reads the image from ' +
				'the StatefulSet and the kubelet events, points the StatefulSet at docker.io/bitnamilegacy/etcd with the ' +
				'same tag (or the image you name with --image), deletes the pods stuck on the old image so the ' +
				'StatefulSet recreates them (their PVCs and data stay), waits for the rollout and checks that every ' +
				'member answers. It ends with the Helm values that keep the new image on the next upgrade.',
			'Pakai saat pod etcd tertahan di ErrImagePull atau ImagePullBackOff dan event-nya berbunyi ' +
				'"Failed to pull image \\"docker.io/bitnami/etcd:…\\": … not found". Runbook ini membaca image dari ' +
				'StatefulSet dan event kubelet, mengganti image StatefulSet ke docker.io/bitnamilegacy/etcd dengan tag yang ' +
				'sama (atau image yang Anda sebutkan lewat --image), menghapus pod yang tertahan pada image lama supaya ' +
				'dibuat ulang oleh StatefulSet (PVC dan datanya tetap ada), menunggu rollout selesai, lalu memeriksa ' +
				'bahwa setiap member menjawab. Di akhir, runbook menampilkan value Helm supaya image baru tetap dipakai ' +
				'pada upgrade berikutnya.',
		),
		target: 'kubernetes',
		exitCodes: {
			0: tx(
				'every etcd pod runs the new image and answers',
				'semua pod etcd memakai image baru dan menjawab',
			),
			1: tx(
				'a step failed, or the new image cannot be pulled either',
				'ada langkah yang gagal, atau image baru juga tidak bisa ditarik',
			),
			3: tx(
				'refused or aborted, also when no replacement image is known (give --image)',
				'ditolak atau dibatalkan, juga saat image pengganti tidak diketahui (pakai --image)',
			),
			4: tx(
				'no etcd pod is waiting on an image pull',
				'tidak ada pod etcd yang tertahan menarik image',
			),
		},
		flags: [
			{
				name: 'image',
				type: 'string',
				help: { en: messages.en.flagImage, id: messages.id.flagImage },
			},
			timeoutFlag(messages),
		],
		messages,
		exampleFacts,

		async preflight(ctx) {
			checkTimeout(ctx);
			const wanted = typeof ctx.flags.image === 'string' ? ctx.flags.image.trim() : '';
			if (wanted && !IMAGE_RE.test(wanted))
				throw new UsageError(ctx.t('badImage', { image: wanted }));
			if (ctx.resume?.facts) return ctx.resume.facts;
			const sts = await ctx.kube.json(['get', 'sts', ctx.names.sts]);
			const containers = sts?.spec?.template?.spec?.containers ?? [];
			const c = containers.find((/** @type {any} */ x) => x?.name === 'etcd') ?? containers[0];
			if (!c?.name) throw new RefusedError(ctx.t('noContainer', { sts: ctx.names.sts }));
			const image = String(c.image ?? '');
			const stuck = (await stuckPods(ctx, c.name)).filter((p) => p.image === image);
			if (stuck.length === 0) throw new NotThisSymptomError(ctx.t('noStuckPod', { image }));
			const first = stuck[0];
			const reason = (first && (await pullEvent(ctx, first.name))) ?? first?.message ?? '';
			for (const p of stuck)
				ctx.out.info(ctx.t('seen', { pod: p.name, reason: p === first ? reason : p.message }));
			const target = wanted || legacyImageOf(image);
			if (!target) throw new RefusedError(ctx.t('notBitnami', { image }));
			if (target === image) throw new RefusedError(ctx.t('sameImage', { image }));
			return { container: c.name, image, target, stuck: stuck.map((p) => p.name), reason };
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
				{
					id: 'pull-events',
					title: tx(
						`Show why ${f.stuck[0] ?? n.pod(0)} cannot pull its image`,
						`Tampilkan mengapa ${f.stuck[0] ?? n.pod(0)} tidak bisa menarik image-nya`,
					),
					mode: 'read',
					command: k.argv(
						'get',
						'events',
						'--field-selector',
						`involvedObject.name=${f.stuck[0] ?? n.pod(0)}`,
					),
				},
				{
					id: 'set-image',
					title: tx(
						`Point the StatefulSet at ${f.target}`,
						`Ganti image StatefulSet ke ${f.target}`,
					),
					mode: 'change',
					command: k.argv('set', 'image', `sts/${n.sts}`, `${f.container}=${f.target}`),
					done: (c) => stsImage(c, f.target),
				},
				{
					id: 'delete-stuck-pods',
					title: tx(
						'Delete the pods stuck on the old image (a StatefulSet does not replace a pod that never became Ready; PVCs and data stay)',
						'Hapus pod yang tertahan pada image lama (StatefulSet tidak mengganti pod yang belum pernah ready; PVC dan datanya tetap ada)',
					),
					mode: 'change',
					command: k.argv('delete', 'pod', ...f.stuck, '--ignore-not-found'),
					// Pods already recreated on the new image are not deleted a second time.
					done: async (c) => (await stuckPods(c, f.container)).every((p) => p.image !== f.image),
				},
				{
					id: 'rollout',
					title: tx(
						'Wait for the rollout to finish (skipped in a dry run: nothing was rolled out)',
						'Tunggu rollout selesai (dilewati saat dry run: tidak ada rollout yang dimulai)',
					),
					// A wait, not a change; `change` keeps a dry run from waiting on a rollout it never started.
					mode: 'change',
					command: k.argv(
						'rollout',
						'status',
						`sts/${n.sts}`,
						`--timeout=${Number(ctx.flags.timeout ?? 300)}s`,
					),
				},
			];
			return steps;
		},

		async verify(ctx, /** @type {Facts} */ f) {
			const prefix = `${ctx.names.sts}-`;
			/** @type {string[]} */
			const notReady = [];
			/** @type {string[]} */
			const pods = [];
			await waitFor(ctx, ctx.t('rolledOut', { image: f.target }), async () => {
				notReady.length = 0;
				pods.length = 0;
				for (const p of await ctx.kube.podsByLabel(ctx.names.selector)) {
					const name = String(p?.metadata?.name ?? '');
					if (!name.startsWith(prefix)) continue;
					pods.push(name);
					const image = p?.spec?.containers?.find(
						(/** @type {any} */ s) => s?.name === f.container,
					)?.image;
					const cs = (p?.status?.containerStatuses ?? []).find(
						(/** @type {any} */ s) => s?.name === f.container,
					);
					if (image !== f.target || cs?.ready !== true) notReady.push(name);
				}
				return pods.length > 0 && notReady.length === 0;
			}).catch(() => null);
			if (notReady.length > 0 || pods.length === 0)
				return {
					ok: false,
					details: ctx.t('notReady', {
						pods: notReady.join(', ') || ctx.names.sts,
						image: f.target,
					}),
				};
			for (const pod of pods.sort()) {
				const r = await etcdctl(ctx, pod, ['endpoint', 'health']);
				if (!r.ok)
					return {
						ok: false,
						details: ctx.t('unhealthy', {
							pod,
							image: f.target,
							error: (r.stderr || r.stdout).trim().split('\n').pop() ?? '',
						}),
					};
			}
			const { repository, suffix } = splitImage(f.target);
			ctx.out.info(
				ctx.t('lasting', {
					image: f.image,
					release: ctx.names.release,
					repository: repository.replace(/^docker\.io\//, ''),
					tag: suffix.replace(/^:/, ''),
				}),
			);
			return { ok: true, details: ctx.t('healthyDetails', { image: f.target }) };
		},
	},
	import.meta.url,
);
