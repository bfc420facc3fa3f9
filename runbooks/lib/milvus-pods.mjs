// @ts-check
// Reads the Milvus components of a Helm release (Deployments and pods labelled by the chart with
// app.kubernetes.io/instance=<release> and component=<name>): image versions, readiness, restarts and the
// last termination. Shared by the read-only channel-unavailable and upgrade-2-6 runbooks.

/** @typedef {import('./runbook.mjs').Context} Context */

/**
 * @typedef {object} PodState
 * @property {string} name
 * @property {string} component      the chart's `component` label (querynode, proxy, mixcoord…)
 * @property {boolean} ready
 * @property {number} restarts
 * @property {string | null} waiting  containerStatuses[].state.waiting.reason (CrashLoopBackOff…)
 * @property {string | null} lastTerminated  lastState.terminated.reason (OOMKilled, Error…)
 * @property {string} image
 */

/** The chart's selector for a release's Milvus pods. @param {string} release */
export const milvusSelector = (release) =>
	`app.kubernetes.io/instance=${release},app.kubernetes.io/name=milvus`;

/** @param {any} pod @returns {PodState} */
export function podState(pod) {
	const statuses = pod?.status?.containerStatuses ?? [];
	const main = statuses[0] ?? {};
	return {
		name: pod?.metadata?.name ?? '',
		component: pod?.metadata?.labels?.component ?? 'unknown',
		ready: statuses.length > 0 && statuses.every((/** @type {any} */ s) => s.ready === true),
		restarts: statuses.reduce(
			(/** @type {number} */ n, /** @type {any} */ s) => n + (s.restartCount ?? 0),
			0,
		),
		waiting: main.state?.waiting?.reason ?? null,
		lastTerminated: main.lastState?.terminated?.reason ?? null,
		image: main.image ?? pod?.spec?.containers?.[0]?.image ?? '',
	};
}

/** The version in an image reference (milvusdb/milvus:v2.5.16 → 2.5.16), null without one. @param {string} image */
export function imageVersion(image) {
	const m = /:v?(\d+)\.(\d+)\.(\d+)/.exec(image);
	return m ? `${m[1]}.${m[2]}.${m[3]}` : null;
}

/** Compares two x.y.z versions. @param {string} a @param {string} b */
export function compareVersions(a, b) {
	const pa = a.split('.').map(Number);
	const pb = b.split('.').map(Number);
	for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return (pa[i] ?? 0) - (pb[i] ?? 0);
	return 0;
}
