#!/usr/bin/env zx
// @ts-check
// etcd-image-pull: the etcd pods stay in ErrImagePull / ImagePullBackOff with
//   Failed to pull image "docker.io/bitnami/etcd:3.5.…": … not found
// because Bitnami moved its versioned images out of docker.io/bitnami in August 2025: the tag the release
// names no longer exists there. The same image lives on as docker.io/bitnamilegacy/etcd with the same tag;
// milvusdb/etcd (the Milvus chart's own etcd image) or a copy in a private registry are the alternatives.
// The cure points the StatefulSet at the new image (`kubectl set image`), deletes the pods that are stuck
// pulling the old one (with no member Ready, a rolling update would wait forever for the first new pod to
// become Ready; the PVCs and their data stay), and waits for the rollout. Helm or the operator would put the
// old image back on the next upgrade, so the run ends by printing the values that make the change last.
import { defineRunbook } from './lib/runbook.mjs';
import { NotThisSymptomError, RefusedError, StepFailedError, UsageError } from './lib/exit.mjs';
import { ETCD_MEMBER_MESSAGES, etcdctl, listEtcdPodsStep, waitFor } from './lib/etcd-members.mjs';
import { formatImageRef, isImageReference, parseImageRef } from './lib/image-ref.mjs';
import { messageText, tx } from './lib/i18n.mjs';

/** @typedef {import('./lib/runbook.mjs').Context} Context */
/** @typedef {import('./lib/runbook.mjs').Step} Step */
/** @typedef {import('./lib/shell.mjs').RunResult} RunResult */

/**
 * @typedef {object} Facts
 * @property {string} container  the etcd container's name in the pod template
 * @property {string} image      the image the StatefulSet asks for (the one that cannot be pulled)
 * @property {string} original   the image the release named before any run of this runbook (Helm puts it back)
 * @property {string} target     the image to use instead
 * @property {string[]} stuck    pods waiting on a pull of the old image
 * @property {string} reason     the kubelet's words for the first stuck pod (event or waiting message)
 */

const PULL_FAILURES = ['ErrImagePull', 'ImagePullBackOff'];

// The registry answered that the tag (or the repository) is not there: what Bitnami's move looks like from
// containerd (`… not found`), CRI-O and dockerd (`manifest unknown`) and Docker Hub for a missing repository.
const GONE_RE = /\bnot found\b|manifest unknown|code = NotFound|repository does not exist/i;

const MILVUSDB_EXAMPLE = 'milvusdb/etcd:3.5.18-r1';

const messages = {
	en: {
		...ETCD_MEMBER_MESSAGES.en,
		flagImage: `image to use instead (default: the same tag from docker.io/bitnamilegacy/etcd); e.g. ${MILVUSDB_EXAMPLE} or a copy in your own registry`,
		badImage:
			'--image {image} is not an image reference (repository:tag or repository@sha256:digest)',
		noContainer: 'the StatefulSet {sts} has no container',
		noStuckPod:
			'no etcd pod is waiting on an image pull (ErrImagePull/ImagePullBackOff); the StatefulSet asks for {image}',
		seen: '{pod}: {reason}',
		otherCause:
			'the image {image} exists but cannot be pulled from this node ({reason}): a registry login, rate limit or network problem, not a moved image. Fix that, or name a reachable copy with --image',
		notBitnami: `{image} is not a Bitnami etcd image, so there is no bitnamilegacy copy to offer: name the image to use with --image (for example ${MILVUSDB_EXAMPLE}, or a copy in your own registry)`,
		sameImage:
			'the StatefulSet already asks for {image}, and it cannot be pulled: name another one with --image',
		target: 'replacement image: {target} (etcd {version})',
		targetOther: 'replacement image: {target}',
		newImageFails: 'the new image {image} cannot be pulled either: {reason}',
		rolloutFailed: 'the rollout did not finish: {error}',
		stuckPodGone:
			'{pod}: the pod on the old image is gone (deleted here or by the rolling update); the StatefulSet recreates it on the new image',
		notReady: '{pods} not ready on {image}',
		unhealthy: '{pod} runs {image} but etcd does not answer: {error}',
		healthyDetails: 'every etcd pod runs {image} and answers',
		lasting:
			'Make it last (otherwise the next helm upgrade puts {image} back). Milvus Helm chart:\n' +
			'  helm upgrade {release} milvus/milvus --reuse-values {sets}\n' +
			'Milvus Operator: spec.dependencies.etcd.inCluster.values.image: {operator}\n' +
			'A Bitnami etcd chart that refuses the image ("Original containers have been substituted") also needs --set global.security.allowInsecureImages=true.',
	},
	id: {
		...ETCD_MEMBER_MESSAGES.id,
		flagImage: `image pengganti (default: tag yang sama dari docker.io/bitnamilegacy/etcd); misalnya ${MILVUSDB_EXAMPLE} atau salinan di registry Anda sendiri`,
		badImage:
			'--image {image} bukan referensi image (repository:tag atau repository@sha256:digest)',
		noContainer: 'StatefulSet {sts} tidak punya container',
		noStuckPod:
			'tidak ada pod etcd yang tertahan menarik image (ErrImagePull/ImagePullBackOff); StatefulSet memakai {image}',
		seen: '{pod}: {reason}',
		otherCause:
			'image {image} masih ada, tetapi node ini tidak bisa menariknya ({reason}). Penyebabnya login registry, batas rate, atau jaringan, bukan image yang pindah. Bereskan itu dulu, atau sebutkan salinan yang bisa dijangkau lewat --image',
		notBitnami: `{image} bukan image etcd Bitnami, jadi tidak ada salinan bitnamilegacy yang bisa ditawarkan. Sebutkan image pengganti lewat --image (misalnya ${MILVUSDB_EXAMPLE}, atau salinan di registry Anda sendiri)`,
		sameImage:
			'StatefulSet sudah memakai {image}, dan image itu tidak bisa ditarik: sebutkan image lain lewat --image',
		target: 'image pengganti: {target} (etcd {version})',
		targetOther: 'image pengganti: {target}',
		newImageFails: 'image baru {image} juga tidak bisa ditarik: {reason}',
		rolloutFailed: 'rollout tidak selesai: {error}',
		stuckPodGone:
			'{pod}: pod dengan image lama sudah tidak ada (dihapus di sini atau oleh rolling update); StatefulSet membuatnya ulang dengan image baru',
		notReady: '{pods} belum ready dengan {image}',
		unhealthy: '{pod} memakai {image} tetapi etcd tidak menjawab: {error}',
		healthyDetails: 'semua pod etcd memakai {image} dan menjawab',
		lasting:
			'Supaya bertahan (kalau tidak, helm upgrade berikutnya memasang {image} lagi), chart Helm Milvus:\n' +
			'  helm upgrade {release} milvus/milvus --reuse-values {sets}\n' +
			'Milvus Operator: spec.dependencies.etcd.inCluster.values.image: {operator}\n' +
			'Chart etcd Bitnami yang menolak image-nya ("Original containers have been substituted") juga perlu --set global.security.allowInsecureImages=true.',
	},
};

/**
 * The bitnamilegacy copy of a Bitnami etcd image, same tag (or digest: the images were copied as they are);
 * null for any other image.
 * @param {string} image
 */
export function legacyImageOf(image) {
	const ref = parseImageRef(image);
	if (ref.registry !== 'docker.io' || ref.repository !== 'bitnami/etcd') return null;
	return formatImageRef({ ...ref, repository: 'bitnamilegacy/etcd' });
}

/**
 * The Helm values that pin an image, for the Milvus chart's etcd subchart (Bitnami etcd chart keys).
 * @param {string} image
 */
export function helmImageValues(image) {
	const ref = parseImageRef(image);
	return [
		['etcd.image.registry', ref.registry],
		['etcd.image.repository', ref.repository],
		...(ref.tag ? [['etcd.image.tag', ref.tag]] : []),
		...(ref.digest ? [['etcd.image.digest', ref.digest]] : []),
	];
}

/**
 * Pods of the StatefulSet whose etcd container waits on a pull, with their image and the kubelet's message.
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
 * The kubelet's latest `Failed to pull image "…": …` event for a pod; null when none.
 * @param {Context} ctx @param {string} pod
 */
async function pullEvent(ctx, pod) {
	const list = await ctx.kube
		.json(['get', 'events', '--field-selector', `involvedObject.name=${pod}`])
		.catch(() => null);
	const failed = (list?.items ?? [])
		.map((/** @type {any} */ e) => String(e?.message ?? ''))
		.filter((/** @type {string} */ m) => m.startsWith('Failed to pull image'));
	return failed.at(-1) ?? null;
}

/** The StatefulSet's pod template asks for the image. @param {Context} ctx @param {string} image */
async function stsAsksFor(ctx, image) {
	const sts = await ctx.kube.json(['get', 'sts', ctx.names.sts]);
	return (sts?.spec?.template?.spec?.containers ?? []).some(
		(/** @type {any} */ c) => c?.image === image,
	);
}

/**
 * `describe pod` is long; what tells this story is the image, the waiting state and the kubelet's events.
 * @param {RunResult} r
 */
function pullLines(r) {
	const lines = (r.ok ? r.stdout : r.stderr).split('\n');
	const events = lines.findIndex((l) => /^Events:/.test(l));
	const head = lines
		.slice(0, events < 0 ? undefined : events)
		.filter((l) => /^\s+(?:Image|State|Reason|Message):/.test(l));
	const tail =
		events < 0
			? []
			: lines
					.slice(events)
					.filter((l) => /^Events:|^\s+(?:Type|----)\s|\b(?:Pulling|Failed|BackOff)\b/.test(l));
	return [...head, ...tail].join('\n');
}

/** @type {Facts} */
const exampleFacts = {
	container: 'etcd',
	image: 'docker.io/bitnami/etcd:3.5.18-debian-12-r5',
	original: 'docker.io/bitnami/etcd:3.5.18-debian-12-r5',
	target: 'docker.io/bitnamilegacy/etcd:3.5.18-debian-12-r5',
	stuck: ['my-release-etcd-0', 'my-release-etcd-1', 'my-release-etcd-2'],
	reason:
		'Failed to pull image "docker.io/bitnami/etcd:3.5.18-debian-12-r5": rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/bitnami/etcd:3.5.18-debian-12-r5": failed to resolve reference "docker.io/bitnami/etcd:3.5.18-debian-12-r5": docker.io/bitnami/etcd:3.5.18-debian-12-r5: not found',
};

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
				`same tag (or the image you name with --image, such as ${MILVUSDB_EXAMPLE} or a copy in your own ` +
				'registry), deletes the pods stuck on the old image so the StatefulSet recreates them (their PVCs and ' +
				'data stay), waits for the rollout and checks that every member answers. It ends with the Helm values ' +
				'that keep the new image on the next upgrade.',
			'Pakai saat pod etcd tertahan di ErrImagePull atau ImagePullBackOff dan event-nya berbunyi ' +
				'"Failed to pull image \\"docker.io/bitnami/etcd:…\\": … not found". Runbook ini membaca image dari ' +
				'StatefulSet dan event kubelet, mengganti image StatefulSet ke docker.io/bitnamilegacy/etcd dengan tag yang ' +
				`sama (atau image yang Anda sebutkan lewat --image, misalnya ${MILVUSDB_EXAMPLE} atau salinan di ` +
				'registry Anda sendiri), menghapus pod yang tertahan pada image lama supaya dibuat ulang oleh ' +
				'StatefulSet (PVC dan datanya tetap ada), menunggu rollout selesai, lalu memeriksa bahwa setiap member ' +
				'menjawab. Di akhir, runbook menampilkan values Helm supaya image baru tetap dipakai pada upgrade ' +
				'berikutnya.',
		),
		target: 'kubernetes',
		flagGroups: ['kube', 'timeout'],
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
				'no etcd pod is waiting on an image pull, or the image exists and the pull fails for another reason',
				'tidak ada pod etcd yang tertahan menarik image, atau image-nya ada dan penarikannya gagal karena hal lain',
			),
		},
		flags: [
			{
				name: 'image',
				type: 'string',
				help: messageText(messages, 'flagImage'),
			},
		],
		messages,
		exampleFacts,

		async preflight(ctx) {
			const wanted = typeof ctx.flags.image === 'string' ? ctx.flags.image.trim() : '';
			if (wanted && !isImageReference(wanted))
				throw new UsageError(ctx.t('badImage', { image: wanted }));
			// An interrupted run continues with its plan, unless that plan's image cannot be pulled either or
			// --image now names another one: then the plan starts over from what the cluster shows.
			const resumed = /** @type {Facts | null} */ (ctx.resume?.facts ?? null);
			if (resumed && (!wanted || wanted === resumed.target)) {
				const failing = (await stuckPods(ctx, resumed.container)).some(
					(p) => p.image === resumed.target,
				);
				if (!failing) return resumed;
			}
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
			// A login, rate-limit or network failure is not cured by another name for the same image; only an
			// image the user names (a reachable mirror) is worth trying then.
			const said = stuck
				.map((p) => p.message)
				.concat(reason)
				.join('\n');
			if (!wanted && /Failed to pull image|rpc error/.test(said) && !GONE_RE.test(said))
				throw new NotThisSymptomError(
					ctx.t('otherCause', { image, reason: reason.split(': ').slice(1).join(': ') || reason }),
				);
			// The image the release named before this runbook changed anything: the one Helm would put back.
			const original = resumed?.original ?? image;
			const target = wanted || legacyImageOf(image) || legacyImageOf(original);
			if (!target) throw new RefusedError(ctx.t('notBitnami', { image }));
			if (target === image) throw new RefusedError(ctx.t('sameImage', { image }));
			const tag = parseImageRef(target).tag;
			const version = /^v?(\d+\.\d+\.\d+)/.exec(tag)?.[1];
			ctx.out.info(
				version ? ctx.t('target', { target, version }) : ctx.t('targetOther', { target }),
			);
			return {
				container: c.name,
				image,
				original,
				target,
				stuck: stuck.map((p) => p.name),
				reason,
			};
		},

		steps(ctx, /** @type {Facts} */ f) {
			const k = ctx.kube;
			const n = ctx.names;
			const first = f.stuck[0] ?? n.pod(0);
			/** @type {Step[]} */
			const steps = [
				listEtcdPodsStep(ctx),
				{
					id: 'describe-pod',
					title: tx(
						`Show the image ${first} asks for and why the kubelet cannot pull it`,
						`Tampilkan image yang diminta ${first} dan mengapa kubelet tidak bisa menariknya`,
					),
					mode: 'read',
					command: k.argv('describe', 'pod', first),
					parse: pullLines,
				},
				{
					id: 'set-image',
					title: tx(
						`Point the StatefulSet at ${f.target}`,
						`Ganti image StatefulSet ke ${f.target}`,
					),
					mode: 'change',
					command: k.argv('set', 'image', `sts/${n.sts}`, `${f.container}=${f.target}`),
					done: (c) => stsAsksFor(c, f.target),
				},
				{
					id: 'delete-stuck-pods',
					title: tx(
						'Delete the pods stuck on the old image so the StatefulSet recreates them on the new one (PVCs and data stay)',
						'Hapus pod yang tertahan pada image lama supaya StatefulSet membuatnya ulang dengan image baru (PVC dan datanya tetap ada)',
					),
					mode: 'change',
					command: k.argv('delete', 'pod', ...f.stuck, '--ignore-not-found'),
					// The rolling update may delete some of these pods first, so which ones kubectl still found
					// is a race; what matters, and is shown, is that none is left on the old image.
					parse: (_r, c) =>
						f.stuck.map((/** @type {string} */ pod) => c.t('stuckPodGone', { pod })).join('\n'),
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
					check: false,
					// How many "Waiting for N pods" lines kubectl prints depends on timing: the last line says it all.
					parse: (r) => (r.ok ? (r.stdout.trim().split('\n').pop() ?? '') : r),
					after: async (c, value) => {
						if (typeof value === 'string') return undefined;
						const r = /** @type {RunResult} */ (value);
						// The commonest reason a rollout to a new image stalls: that image cannot be pulled either.
						const failing = (await stuckPods(c, f.container)).find((p) => p.image === f.target);
						if (failing)
							throw new StepFailedError(
								c.t('newImageFails', { image: f.target, reason: failing.message }),
							);
						throw new StepFailedError(
							c.t('rolloutFailed', {
								error: (r.stderr || r.stdout).trim().split('\n').pop() ?? '',
							}),
						);
					},
				},
				{
					id: 'verify',
					title: tx(
						'List the members: all of them started, with their ids unchanged (skipped in a dry run: the pods are still stuck)',
						'Tampilkan daftar member: semuanya started, dengan ID yang tidak berubah (dilewati saat dry run: pod masih tertahan)',
					),
					mode: 'read',
					command: k.execArgv(n.pod(0), ['etcdctl', 'member', 'list', '-w', 'table']),
					when: (c) => !c.dryRun,
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
			await waitFor(ctx, ctx.t('notReady', { pods: ctx.names.sts, image: f.target }), async () => {
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
			const values = helmImageValues(f.target);
			ctx.out.info(
				ctx.t('lasting', {
					image: f.original ?? f.image,
					release: ctx.names.release,
					sets: values.map(([key, value]) => `--set ${key}=${value}`).join(' '),
					operator: `{ ${values
						.map(([key, value]) => `${String(key).replace(/^etcd\.image\./, '')}: ${value}`)
						.join(', ')} }`,
				}),
			);
			return { ok: true, details: ctx.t('healthyDetails', { image: f.target }) };
		},
	},
	import.meta.url,
);
