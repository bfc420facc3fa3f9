// @ts-check
// Judging an etcd member's disk from its /metrics, by etcd's own guidance (etcd.io, "Tuning" and the
// hardware FAQ): the 99th percentile of WAL fsync should stay under 10 ms and of backend commit under 25 ms.
// Above that, raft heartbeats and applies wait for the disk, and the logs fill with "apply request took too
// long", "slow fdatasync" and "waiting for ReadIndex response took too long". Pure: a live scrape and a saved
// `curl /metrics` file are judged the same way.
import {
	byName,
	histogramBuckets,
	histogramQuantile,
	parsePrometheusText,
	scalar,
} from './prometheus.mjs';

export const WAL_FSYNC = 'etcd_disk_wal_fsync_duration_seconds';
export const BACKEND_COMMIT = 'etcd_disk_backend_commit_duration_seconds';
/** etcd's guidance for the 99th percentile, in seconds. */
export const WAL_FSYNC_P99_LIMIT = 0.01;
export const BACKEND_COMMIT_P99_LIMIT = 0.025;
/** Below this many fsyncs a "99th percentile" is just the slowest few calls since the member started. */
export const MIN_SAMPLES = 100;

/** @typedef {'slow' | 'healthy' | 'few-samples'} Verdict */

/**
 * @typedef {object} DiskReport
 * @property {number | null} walFsyncP99         seconds
 * @property {number} walFsyncCount             observations behind it
 * @property {number | null} backendCommitP99    seconds
 * @property {number} backendCommitCount
 * @property {number | null} leaderChanges       etcd_server_leader_changes_seen_total
 * @property {number | null} slowApplies         etcd_server_slow_apply_total (absent before etcd 3.4)
 * @property {number | null} slowReadIndexes     etcd_server_slow_read_indexes_total
 * @property {number | null} heartbeatFailures   etcd_server_heartbeat_send_failures_total
 * @property {number | null} dbSize              etcd_mvcc_db_total_size_in_bytes
 * @property {Verdict} verdict
 * @property {string[]} reasons   machine keys: `wal-fsync`, `backend-commit` (which limit was crossed)
 */

/** Raised for text that is not an etcd /metrics page (an HTML error page, a log, an empty file). */
export class NotEtcdMetricsError extends Error {}

/**
 * Judge one member from its /metrics text.
 * @param {string} text
 * @returns {DiskReport}
 */
export function judgeEtcdDisk(text) {
	const { samples } = parsePrometheusText(text);
	const index = byName(samples);
	const wal = histogramBuckets(index, WAL_FSYNC);
	const commit = histogramBuckets(index, BACKEND_COMMIT);
	if (!wal || !commit)
		throw new NotEtcdMetricsError(
			`no ${WAL_FSYNC} and ${BACKEND_COMMIT} histograms (is this the /metrics of an etcd member?)`,
		);
	const walFsyncCount = wal[wal.length - 1]?.count ?? 0;
	const backendCommitCount = commit[commit.length - 1]?.count ?? 0;
	const walFsyncP99 = histogramQuantile(0.99, wal);
	const backendCommitP99 = histogramQuantile(0.99, commit);
	/** @type {string[]} */
	const reasons = [];
	if (walFsyncCount >= MIN_SAMPLES && walFsyncP99 !== null && walFsyncP99 >= WAL_FSYNC_P99_LIMIT)
		reasons.push('wal-fsync');
	if (
		backendCommitCount >= MIN_SAMPLES &&
		backendCommitP99 !== null &&
		backendCommitP99 >= BACKEND_COMMIT_P99_LIMIT
	)
		reasons.push('backend-commit');
	/** @type {Verdict} */
	const verdict =
		reasons.length > 0 ? 'slow' : walFsyncCount < MIN_SAMPLES ? 'few-samples' : 'healthy';
	return {
		walFsyncP99,
		walFsyncCount,
		backendCommitP99,
		backendCommitCount,
		leaderChanges: scalar(index, 'etcd_server_leader_changes_seen_total'),
		slowApplies: scalar(index, 'etcd_server_slow_apply_total'),
		slowReadIndexes: scalar(index, 'etcd_server_slow_read_indexes_total'),
		heartbeatFailures: scalar(index, 'etcd_server_heartbeat_send_failures_total'),
		dbSize: scalar(index, 'etcd_mvcc_db_total_size_in_bytes'),
		verdict,
		reasons,
	};
}

/**
 * The cluster's verdict: one slow member slows every write (the leader waits for a quorum of fsyncs, and a
 * slow leader misses heartbeats), so any slow member makes the cluster slow; healthy needs every member
 * judged on enough samples.
 * @param {Verdict[]} verdicts
 * @returns {Verdict}
 */
export function overallVerdict(verdicts) {
	if (verdicts.includes('slow')) return 'slow';
	if (verdicts.length === 0 || verdicts.includes('few-samples')) return 'few-samples';
	return 'healthy';
}

/** Milliseconds with one decimal under 10 ms, whole above: "0.4 ms", "81 ms"; "-" when unknown. @param {number | null} s */
export function ms(s) {
	if (s === null) return '-';
	const v = s * 1000;
	return `${v < 10 ? v.toFixed(1) : Math.round(v)} ms`;
}

/** Bytes in binary units, as etcdctl's table prints DB SIZE: "1.2 GiB". @param {number | null} bytes */
export function humanBytes(bytes) {
	if (bytes === null) return '-';
	const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
	let v = bytes;
	let u = 0;
	while (v >= 1024 && u < units.length - 1) {
		v /= 1024;
		u++;
	}
	return `${u === 0 ? v : v.toFixed(1)} ${units[u]}`;
}
