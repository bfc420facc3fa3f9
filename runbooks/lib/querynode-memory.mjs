// @ts-check
// What a Milvus pod shows about memory: its last termination, its requests and limits, and a query node's
// refused load (`load segment failed, OOM if load, …`) with the numbers the refusal was decided on.
import { crashCause } from './etcd-crash-cause.mjs';
import { setting } from './milvus-config.mjs';
import { podState } from './milvus-pods.mjs';

/** @typedef {import('./milvus-config.mjs').MilvusConfig} MilvusConfig */

export const REFUSAL = /load segment failed, OOM if load/;

/**
 * @typedef {object} Refusal
 * @property {string} line
 * @property {number | null} predictMb   predictMemUsage (2.4+) or usedMemAfterLoad (2.3)
 * @property {number | null} totalMb
 * @property {number | null} factor      thresholdFactor
 */

/**
 * @typedef {object} PodMemory
 * @property {string} name
 * @property {string} component
 * @property {boolean} ready
 * @property {number} restarts
 * @property {string | null} waiting
 * @property {string | null} runningSince   state.running.startedAt
 * @property {{ reason: string, exitCode: number | null, startedAt: string | null, finishedAt: string | null } | null} last
 * @property {boolean} oomKilled             lastState.terminated.reason is OOMKilled
 * @property {boolean} sigkill               exit 137 without OOMKilled
 * @property {string} cause                  one line: what decided it (crashCause detail)
 * @property {string | null} request         resources.requests.memory
 * @property {string | null} limit           resources.limits.memory
 * @property {Refusal | null} refusal        the newest refused load in the current or previous log
 */

/** @param {string} line @returns {Refusal} */
export function parseRefusal(line) {
	/** @param {string} name */
	const num = (name) => {
		const m = new RegExp(`\\b${name}\\s*=\\s*([\\d.]+)`).exec(line);
		return m ? Number(m[1]) : null;
	};
	return {
		line: line.trim().slice(0, 400),
		predictMb: num('predictMemUsage') ?? num('usedMemAfterLoad'),
		totalMb: num('totalMem'),
		factor: num('thresholdFactor'),
	};
}

/** The newest refused load in a log, or null. @param {string} text */
function lastRefusal(text) {
	const line = text
		.split('\n')
		.filter((l) => REFUSAL.test(l))
		.pop();
	return line ? parseRefusal(line) : null;
}

/**
 * What one pod shows about memory.
 * @param {any} pod  the Pod object
 * @param {string} current   `kubectl logs` (tail)
 * @param {string} previous  `kubectl logs --previous` (empty when none)
 * @returns {PodMemory}
 */
export function podMemory(pod, current, previous) {
	const s = podState(pod);
	const cs = pod?.status?.containerStatuses?.[0] ?? {};
	const t = cs.lastState?.terminated ?? null;
	const exitCode = t?.exitCode === undefined ? null : Number(t.exitCode);
	const res = pod?.spec?.containers?.[0]?.resources ?? {};
	const why = crashCause({ pod, logs: previous });
	return {
		name: s.name,
		component: s.component,
		ready: s.ready,
		restarts: s.restarts,
		waiting: s.waiting,
		runningSince: cs.state?.running?.startedAt ?? null,
		last: t
			? {
					reason: String(t.reason ?? 'Error'),
					exitCode,
					startedAt: t.startedAt ?? null,
					finishedAt: t.finishedAt ?? null,
				}
			: null,
		oomKilled: t?.reason === 'OOMKilled',
		sigkill: exitCode === 137 && t?.reason !== 'OOMKilled',
		cause: why.detail,
		request: res.requests?.memory ?? null,
		limit: res.limits?.memory ?? null,
		refusal: lastRefusal(current) ?? lastRefusal(previous),
	};
}

/**
 * The memory settings that decide a refusal, from the chart's ConfigMap or Milvus's defaults.
 * @param {MilvusConfig} config
 */
export function memorySettings(config) {
	return {
		// 2.4+ reads it under queryNode; older releases under queryCoord (both default 90 percent).
		threshold: setting(
			config,
			[
				'queryNode.overloadedMemoryThresholdPercentage',
				'queryCoord.overloadedMemoryThresholdPercentage',
			],
			'90',
		),
		mmap: setting(config, ['queryNode.mmap.mmapEnabled', 'queryNode.mmap.vectorField'], 'false'),
		taskCap: setting(config, ['queryCoord.taskExecutionCap'], '256'),
	};
}

/** A percentage setting (90) or a factor (0.9) as a factor. @param {string} v */
export const asFactor = (v) => {
	const n = Number(v);
	return Number.isFinite(n) ? (n > 1 ? n / 100 : n) : null;
};
