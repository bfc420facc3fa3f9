// @ts-check
// The Milvus workloads of a Helm release: every Deployment and StatefulSet the Milvus chart labels
// `app.kubernetes.io/name=milvus,app.kubernetes.io/instance=<release>` (proxy, coordinators, nodes, or the
// standalone). A runbook that brings etcd back empty stops them first, so no Milvus process writes its own
// fresh metadata into it before the restore, and starts them again with the replica counts they had.

/** @typedef {import('./kube.mjs').Kube} Kube */

/**
 * @typedef {object} MilvusWorkload
 * @property {'deployment' | 'statefulset'} kind
 * @property {string} name
 * @property {number} replicas   spec.replicas before the runbook touched it
 */

/** @param {string} release */
export function milvusSelector(release) {
	return `app.kubernetes.io/instance=${release},app.kubernetes.io/name=milvus`;
}

/** The one command that stops them all (what the page shows). @param {Kube} kube @param {string} release */
export function stopMilvusArgv(kube, release) {
	return kube.argv(
		'scale',
		'deployment,statefulset',
		'-l',
		milvusSelector(release),
		'--replicas=0',
	);
}

/** @param {Kube} kube @param {MilvusWorkload} w */
export function startMilvusArgv(kube, w) {
	return kube.argv('scale', w.kind, w.name, `--replicas=${w.replicas}`);
}

/**
 * The release's Milvus Deployments and StatefulSets with their replica counts. `listed` is false when the
 * API would not list them (RBAC, or a server without that kind): the caller then relies on milvusPods.
 * @param {Kube} kube
 * @param {string} release
 * @returns {Promise<{ listed: boolean, workloads: MilvusWorkload[] }>}
 */
export async function listMilvusWorkloads(kube, release) {
	/** @type {MilvusWorkload[]} */
	const workloads = [];
	let listed = true;
	for (const kind of /** @type {const} */ (['deployment', 'statefulset'])) {
		const r = await kube.run(['get', kind, '-l', milvusSelector(release), '-o', 'json'], {
			check: false,
		});
		/** @type {any} */
		let list = null;
		try {
			list = r.ok ? JSON.parse(r.stdout) : null;
		} catch {
			list = null;
		}
		if (!list) {
			listed = false;
			continue;
		}
		for (const o of list.items ?? []) {
			const name = String(o?.metadata?.name ?? '');
			if (name) workloads.push({ kind, name, replicas: Number(o?.spec?.replicas ?? 1) });
		}
	}
	return { listed, workloads };
}

/**
 * Names of the release's Milvus pods that exist and are not being deleted: anything that may still write.
 * @param {Kube} kube
 * @param {string} release
 */
export async function milvusPods(kube, release) {
	const pods = await kube.podsByLabel(milvusSelector(release));
	return pods
		.filter(
			(p) => !p?.metadata?.deletionTimestamp && !['Succeeded', 'Failed'].includes(p?.status?.phase),
		)
		.map((p) => String(p?.metadata?.name ?? ''))
		.filter(Boolean);
}

/**
 * Current spec.replicas of one workload, null when it is gone.
 * @param {Kube} kube
 * @param {MilvusWorkload} w
 */
export async function currentReplicas(kube, w) {
	const r = await kube.run(['get', w.kind, w.name, '-o', 'json'], { check: false });
	if (!r.ok) return null;
	try {
		return Number(JSON.parse(r.stdout)?.spec?.replicas ?? 0);
	} catch {
		return null;
	}
}
