// The pure half of etcd-slow-disk: Prometheus text parsing, histogram_quantile as Prometheus computes it,
// and the verdict on recorded /metrics of a slow disk (network disk shared with MinIO, p99 fsync ~80 ms), a
// fast one (local NVMe) and a member that has barely written.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import {
	byName,
	histogramBuckets,
	histogramQuantile,
	parsePrometheusText,
	scalar,
} from '../../runbooks/lib/prometheus.mjs';
import {
	NotEtcdMetricsError,
	judgeEtcdDisk,
	ms,
	overallVerdict,
} from '../../runbooks/lib/etcd-disk.mjs';
import { ROOT } from '../../tools/support/paths.ts';

const fixture = (name: string): string =>
	readFileSync(path.join(ROOT, 'test', 'etcd-runbooks', 'fixtures', name), 'utf8');

describe('Prometheus text format', () => {
	it('reads names, labels (with escapes), values, timestamps; skips comments; counts junk lines', () => {
		const { samples, invalid } = parsePrometheusText(
			[
				'# HELP x_total A counter.',
				'# TYPE x_total counter',
				'x_total 3',
				'y{path="/a\\"b",le="+Inf"} 1.5e+03 1700000000000',
				'z{} NaN',
				'',
				'<html>not metrics</html>',
				'w{unterminated="x} 1',
			].join('\n'),
		);
		assert.equal(invalid, 2);
		assert.deepEqual(
			samples.map((s) => [s.name, s.labels, s.value]),
			[
				['x_total', {}, 3],
				['y', { path: '/a"b', le: '+Inf' }, 1500],
				['z', {}, NaN],
			],
		);
	});

	it('sums a counter over its label sets and tells an absent metric from zero', () => {
		const index = byName(parsePrometheusText('a{x="1"} 2\na{x="2"} 5\nb 0\n').samples);
		assert.equal(scalar(index, 'a'), 7);
		assert.equal(scalar(index, 'b'), 0);
		assert.equal(scalar(index, 'missing'), null);
	});

	it('needs a +Inf bucket to call something a histogram', () => {
		const index = byName(parsePrometheusText('h_bucket{le="1"} 2\nh_bucket{le="2"} 4\n').samples);
		assert.equal(histogramBuckets(index, 'h'), null);
	});
});

describe('histogram_quantile', () => {
	// Values worked out by hand with Prometheus's algorithm (promql/quantile.go, bucketQuantile).
	const buckets = [
		{ le: 0.001, count: 10 },
		{ le: 0.002, count: 50 },
		{ le: 0.004, count: 90 },
		{ le: 0.008, count: 100 },
		{ le: Infinity, count: 100 },
	];

	it('interpolates linearly inside the bucket holding the rank', () => {
		// rank 99 lies in (0.004, 0.008] holding 10: 0.004 + 0.004 * (99 - 90) / 10
		assert.ok(Math.abs((histogramQuantile(0.99, buckets) ?? 0) - 0.0076) < 1e-12);
		// rank 50 is exactly the top of (0.001, 0.002]
		assert.ok(Math.abs((histogramQuantile(0.5, buckets) ?? 0) - 0.002) < 1e-12);
		// the first bucket starts at zero: rank 5 of 10 → 0.0005
		assert.ok(Math.abs((histogramQuantile(0.05, buckets) ?? 0) - 0.0005) < 1e-12);
	});

	it('answers the highest finite bound when the rank falls in +Inf', () => {
		const tail = [
			{ le: 0.5, count: 90 },
			{ le: 1, count: 95 },
			{ le: Infinity, count: 100 },
		];
		assert.equal(histogramQuantile(0.99, tail), 1);
	});

	it('has no answer without observations or for q outside [0, 1]', () => {
		assert.equal(
			histogramQuantile(0.99, [
				{ le: 1, count: 0 },
				{ le: Infinity, count: 0 },
			]),
			null,
		);
		assert.equal(histogramQuantile(1.5, buckets), null);
		assert.equal(histogramQuantile(-0.1, buckets), null);
	});
});

describe('etcd disk verdict on recorded /metrics', () => {
	it('a network disk shared with MinIO: WAL fsync p99 about 80 ms, slow', () => {
		const r = judgeEtcdDisk(fixture('metrics-slow-disk.txt'));
		assert.equal(r.verdict, 'slow');
		assert.deepEqual(r.reasons, ['wal-fsync', 'backend-commit']);
		assert.ok(Math.abs((r.walFsyncP99 ?? 0) - 0.08) < 1e-9, String(r.walFsyncP99));
		assert.ok((r.backendCommitP99 ?? 0) > 0.025);
		assert.equal(r.walFsyncCount, 100000);
		assert.equal(r.leaderChanges, 17);
		assert.equal(r.slowApplies, 3921);
		assert.equal(r.slowReadIndexes, 64);
		assert.equal(r.heartbeatFailures, 428);
		assert.equal(r.dbSize, 1946157056);
		assert.equal(ms(r.walFsyncP99), '80 ms');
	});

	it('a local NVMe SSD: p99 well under both limits, healthy', () => {
		const r = judgeEtcdDisk(fixture('metrics-fast-disk.txt'));
		assert.equal(r.verdict, 'healthy');
		assert.deepEqual(r.reasons, []);
		assert.ok((r.walFsyncP99 ?? 1) < 0.01);
		assert.ok((r.backendCommitP99 ?? 1) < 0.025);
		assert.equal(ms(r.walFsyncP99), '2.9 ms');
	});

	it('a member that fsynced a handful of times cannot be judged', () => {
		const fast = fixture('metrics-fast-disk.txt');
		// The same page after 40 fsyncs since start: every bucket scaled down.
		const young = fast.replace(
			/^(etcd_disk_(?:wal_fsync|backend_commit)_duration_seconds_(?:bucket\{[^}]*\}|count)) (\d+)$/gm,
			(_, name: string, n: string) => `${name} ${Math.round(Number(n) / 50000)}`,
		);
		const r = judgeEtcdDisk(young);
		assert.equal(r.walFsyncCount, 40);
		assert.equal(r.verdict, 'few-samples');
	});

	it('one slow member makes the cluster slow; healthy needs every member judged', () => {
		assert.equal(overallVerdict(['healthy', 'slow', 'few-samples']), 'slow');
		assert.equal(overallVerdict(['healthy', 'few-samples']), 'few-samples');
		assert.equal(overallVerdict(['healthy', 'healthy', 'healthy']), 'healthy');
		assert.equal(overallVerdict([]), 'few-samples');
	});

	it('refuses a page that is not etcd metrics', () => {
		assert.throws(
			() => judgeEtcdDisk('<html><body>502 Bad Gateway</body></html>\n'),
			NotEtcdMetricsError,
		);
		assert.throws(() => judgeEtcdDisk('milvus_num_node 3\n'), NotEtcdMetricsError);
	});
});
