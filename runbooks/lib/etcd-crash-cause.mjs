// @ts-check
// Why an etcd member crash-loops, from what Kubernetes keeps about its last run: the container's
// `lastState.terminated` (reason, exit code), the pod's events, and `kubectl logs --previous`. A runbook that
// deletes data (etcd-all-crash) may only go on when the data itself is what fails; a member that is killed
// from outside (out of memory, a liveness probe) or refuses an empty member_id file still has every key, and
// the fix is elsewhere.

/**
 * - `bad-member-id`  Bitnami's start script read an empty `member_id`: data intact, etcd-bad-member-id fixes it
 * - `oom`            lastState.terminated.reason OOMKilled: data intact, raise the memory limit (a bare exit 137
 *                    is only SIGKILL, from anyone: a probe, a drain, an operator; it proves nothing about memory)
 * - `liveness`       killed by its liveness probe while starting (a big db replays slowly): data intact
 * - `removed`        the member was removed from the cluster: its own data is intact but out of date
 * - `data`           etcd cannot read its WAL, snapshot or db: the case for rebuilding
 * - `unknown`        no evidence either way
 * @typedef {'bad-member-id' | 'oom' | 'liveness' | 'removed' | 'data' | 'unknown'} CrashCause
 */

/**
 * @typedef {object} CrashEvidence
 * @property {CrashCause} cause
 * @property {string} detail   the line or field that decided it (one line, for the user)
 */

/** Causes that leave the member's data intact: rebuilding from a copy would only lose the newest writes. */
export const DATA_INTACT = /** @type {ReadonlySet<CrashCause>} */ (
	new Set(['bad-member-id', 'oom', 'liveness'])
);

const BAD_MEMBER_ID = /bad member ID arg/;
const REMOVED = /the member has been permanently removed from the cluster/;
// etcd's own words when its files are unreadable (3.4/3.5): WAL and snapshot checks, bbolt, raft's log.
const DATA_BROKEN = [
	/crc mismatch/,
	/walpb:/,
	/wal: (?:file not found|slice bounds out of range|max entry size limit exceeded)/,
	/failed to (?:find|open|recover|load) (?:database|snapshot|wal)/i,
	/snap: (?:crc mismatch|empty snapshot)/,
	/invalid page type|page \d+ already freed|database file .*corrupt/i,
	/tocommit\(\d+\) is out of range/,
	/unexpected EOF/,
];

/**
 * @param {{ pod: any, events?: any[], logs?: string }} input
 *   pod: the Pod object (`kubectl get pod -o json`), events: items of `kubectl get events` for it,
 *   logs: `kubectl logs --previous` (empty when Kubernetes kept none)
 * @returns {CrashEvidence}
 */
export function crashCause({ pod, events = [], logs = '' }) {
	const cs = (pod?.status?.containerStatuses ?? [])[0] ?? {};
	const last = cs.lastState?.terminated ?? cs.state?.terminated ?? null;
	const reason = String(last?.reason ?? '');
	const exitCode = last?.exitCode === undefined ? null : Number(last.exitCode);
	const lines = logs.split('\n');
	/** @param {RegExp} re */
	const line = (re) =>
		lines
			.find((l) => re.test(l))
			?.trim()
			.slice(0, 200);

	const badId = line(BAD_MEMBER_ID);
	if (badId) return { cause: 'bad-member-id', detail: badId };
	if (reason === 'OOMKilled')
		return { cause: 'oom', detail: `lastState: OOMKilled (exit ${exitCode ?? '?'})` };
	const probe = events.find((e) => {
		const text = `${e?.reason ?? ''} ${e?.message ?? ''}`;
		return /Liveness probe failed/i.test(text) || /failed liveness probe/i.test(text);
	});
	if (probe)
		return {
			cause: 'liveness',
			detail: String(probe.message ?? probe.reason)
				.trim()
				.slice(0, 200),
		};
	const removed = line(REMOVED);
	if (removed) return { cause: 'removed', detail: removed };
	for (const re of DATA_BROKEN) {
		const hit = line(re);
		if (hit) return { cause: 'data', detail: hit };
	}
	// A bare 137 (SIGKILL) without OOMKilled or a probe event names no cause: say what it is and prove nothing.
	if (exitCode === 137)
		return {
			cause: 'unknown',
			detail: `lastState: ${reason || 'Error'} (exit 137: killed with SIGKILL, not by the OOM killer)`,
		};
	return {
		cause: 'unknown',
		detail: last
			? `lastState: ${reason || 'Error'} (exit ${exitCode ?? '?'})`
			: 'no earlier run recorded',
	};
}
