// etcd-slow-disk against real etcd 3.4: a member started on tmpfs (fsync costs nothing there) is judged
// "not enough samples" while fresh and "fast enough" (exit 4) once it has written; the stand-in cluster's
// members are read through the API server's pod proxy with the real kubectl, the same way. A slow disk
// cannot be produced on purpose here, so its recorded /metrics go in through --metrics-file, the operator's
// route for a saved `curl /metrics`; that run must print the verdict, the numbers and what to change.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { startEtcd } from '../../tools/support/etcd.ts';
import { judgeEtcdDisk } from '../../runbooks/lib/etcd-disk.mjs';
import { assertOneLineError, cleanup, kubectl, newCluster, runRunbook } from './helpers.ts';
import { ROOT } from '../../tools/support/paths.ts';
import { freePort } from '../../tools/support/port.ts';

// tmpfs: the real etcd's fsyncs return at once, so "fast enough" does not depend on the test machine's disk.
const SHM = '/dev/shm';
const scratch = mkdtempSync(path.join(SHM, 'etcd-slow-disk-'));
after(async () => {
	await cleanup();
	rmSync(scratch, { recursive: true, force: true });
});

const FIXTURES = path.join(ROOT, 'test', 'etcd-runbooks', 'fixtures');
const SLOW = path.join(FIXTURES, 'metrics-slow-disk.txt');
const FAST = path.join(FIXTURES, 'metrics-fast-disk.txt');
const noCluster = { ...process.env, KUBECONFIG: path.join(scratch, 'no-kubeconfig') };

/** The WAL fsync count the runbook printed for `member`. */
function fsyncsShown(stdout: string, member: string): number {
	const line = stdout
		.split('\n')
		.map((l) => l.trim())
		.find((l) => l.startsWith(`${member}: `));
	assert.ok(line, `no line for ${member} in:\n${stdout}`);
	const m = /\((?:limit|batas) 10 ms, (\d+) fsync/.exec(line);
	assert.ok(m, line);
	return Number(m[1]);
}

describe('etcd-slow-disk', () => {
	it('real etcd: too few fsyncs to judge when fresh, fast enough (exit 4) after writes', async () => {
		const etcd = await startEtcd({ after }, path.join(scratch, 'single'));
		const host = new URL(etcd.endpoint).host;

		const fresh = await runRunbook('etcd-slow-disk', ['--endpoints', etcd.endpoint], {
			env: noCluster,
		});
		assert.equal(fresh.code, 1, fresh.stdout + fresh.stderr);
		assert.match(fresh.stdout, new RegExp(`${host}: not enough samples`));
		assert.match(fresh.stderr, /fewer than 100 WAL fsyncs/);

		// One fsync per sequential put.
		for (let i = 0; i < 150; i++) await etcd.client.put(`by-dev/meta/probe/${i}`, `v${i}`);
		const written = await runRunbook(
			'etcd-slow-disk',
			['--endpoints', etcd.endpoint, '--json', '--lang', 'en'],
			{ env: noCluster },
		);
		assert.equal(written.code, 4, written.stdout + written.stderr);
		const report = JSON.parse(written.stdout);
		assert.equal(report.exitCode, 4);
		assert.match(report.error, /not this symptom: every member is within etcd's guidance/);
		assert.match(written.stderr, new RegExp(`${host}: disk fast enough`));
		const shown = fsyncsShown(written.stderr, host);
		assert.ok(shown >= 150, `only ${shown} fsyncs counted`);
		// The runbook read this member's live counter: a later scrape counts at least as many.
		const res = await fetch(`${etcd.endpoint}/metrics`);
		const now = judgeEtcdDisk(await res.text());
		assert.ok(now.walFsyncCount >= shown, `${now.walFsyncCount} < ${shown}`);
		assert.equal(now.verdict, 'healthy');
	});

	it('recorded metrics of a slow disk: verdict, numbers and what to change (exit 0)', async () => {
		const r = await runRunbook('etcd-slow-disk', ['--metrics-file', `${SLOW},${FAST}`], {
			env: noCluster,
		});
		assert.equal(r.code, 0, r.stdout + r.stderr);
		assert.match(
			r.stdout,
			/metrics-slow-disk\.txt: SLOW DISK\. WAL fsync p99 80 ms \(limit 10 ms, 100000 fsyncs\), backend commit p99 \d+ ms/,
		);
		assert.match(r.stdout, /leader changes 17, slow applies 3921, slow read indexes 64/);
		assert.match(r.stdout, /heartbeat send failures 428, database 1\.8 GiB/);
		assert.match(r.stdout, /metrics-fast-disk\.txt: disk fast enough\. WAL fsync p99 2\.9 ms/);
		assert.match(r.stdout, /Put the etcd PVCs on SSD storage/);
		assert.match(r.stdout, /Give etcd a disk of its own/);
		assert.match(
			r.stdout,
			/Only as a last resort.*ETCD_HEARTBEAT_INTERVAL=500, ETCD_ELECTION_TIMEOUT=5000/,
		);

		const id = await runRunbook('etcd-slow-disk', ['--metrics-file', SLOW, '--lang', 'id'], {
			env: noCluster,
		});
		assert.equal(id.code, 0, id.stdout + id.stderr);
		assert.match(id.stdout, /DISK LAMBAT\. p99 fsync WAL 80 ms/);
		assert.match(id.stdout, /Pindahkan PVC etcd ke storage SSD/);

		const fast = await runRunbook('etcd-slow-disk', ['--metrics-file', FAST], { env: noCluster });
		assert.equal(fast.code, 4, fast.stdout + fast.stderr);
	});

	it('bad input: one line and the right exit code', async () => {
		const missing = await runRunbook(
			'etcd-slow-disk',
			['--metrics-file', path.join(scratch, 'nope.txt')],
			{ env: noCluster },
		);
		assert.equal(missing.code, 2);
		assertOneLineError(missing, /cannot read .*nope\.txt: ENOENT/);

		const html = path.join(scratch, 'gateway.html');
		writeFileSync(html, '<html><body>502 Bad Gateway</body></html>\n');
		const notMetrics = await runRunbook('etcd-slow-disk', ['--metrics-file', html], {
			env: noCluster,
		});
		assert.equal(notMetrics.code, 1);
		assertOneLineError(notMetrics, /gateway\.html: no etcd_disk_wal_fsync_duration_seconds/);

		const both = await runRunbook(
			'etcd-slow-disk',
			['--metrics-file', SLOW, '--endpoints', 'http://127.0.0.1:1'],
			{ env: noCluster },
		);
		assert.equal(both.code, 2);
		assertOneLineError(both, /either --endpoints or --metrics-file/);

		const badUrl = await runRunbook('etcd-slow-disk', ['--endpoints', 'ftp://x'], {
			env: noCluster,
		});
		assert.equal(badUrl.code, 2);
		assertOneLineError(badUrl, /not an http\(s\) URL: ftp:\/\/x/);

		const closed = await freePort();
		const down = await runRunbook('etcd-slow-disk', ['--endpoints', `http://127.0.0.1:${closed}`], {
			env: noCluster,
		});
		assert.equal(down.code, 1);
		assertOneLineError(
			down,
			new RegExp(`cannot read http://127.0.0.1:${closed}/metrics: ECONNREFUSED`),
		);
	});

	it('stand-in cluster: every member read through the pod proxy, judged on real metrics', async () => {
		const c = await newCluster({ generation: 'milvusdb-fork', dir: path.join(scratch, 'standin') });
		// What the runbook runs, by hand: kube-apiserver's pod proxy hands back etcd's own /metrics.
		const raw = await kubectl(
			c,
			'get',
			'--raw',
			`/api/v1/namespaces/default/pods/${c.sts}-1:2379/proxy/metrics`,
		);
		assert.match(raw, /^etcd_disk_wal_fsync_duration_seconds_bucket\{le="0.001"\} \d+$/m);
		const gone = await c.kubectl([
			'get',
			'--raw',
			`/api/v1/namespaces/default/pods/${c.sts}-9:2379/proxy/metrics`,
		]);
		assert.notEqual(gone.code, 0);
		assert.match(gone.stderr, /pods "my-release-etcd-9" not found/);

		for (let i = 0; i < 150; i++) await c.put(`by-dev/meta/probe/${i}`, `v${i}`);
		const r = await runRunbook('etcd-slow-disk', ['--lang', 'en'], { env: c.env });
		assert.equal(r.code, 4, r.stdout + r.stderr);
		for (let i = 0; i < 3; i++) {
			const pod = `${c.sts}-${i}`;
			assert.match(
				r.stdout,
				new RegExp(
					`\\$ kubectl --context standin -n default get --raw /api/v1/namespaces/default/pods/${pod}:2379/proxy/metrics`,
				),
			);
			assert.match(r.stdout, new RegExp(`${pod}: disk fast enough`));
			assert.match(
				r.stdout,
				new RegExp(
					`${pod}, last 5000 log lines: "apply request took too long" × 0, "slow fdatasync" × 0`,
				),
			);
			const shown = fsyncsShown(r.stdout, pod);
			assert.ok(shown >= 150, `${pod}: only ${shown} fsyncs`);
			const live = judgeEtcdDisk(await (await fetch(`${c.clientUrl(i)}/metrics`)).text());
			assert.ok(live.walFsyncCount >= shown, `${pod}: ${live.walFsyncCount} < ${shown}`);
		}
		assert.match(r.stderr, /not this symptom: every member is within etcd's guidance/);
		assert.match(r.stdout, /STORAGECLASS[\s\S]*data-my-release-etcd-0\s+Bound/);
		assert.match(r.stdout, /IS LEADER/);

		// A dry run reads as well (every step is a read) and changes nothing.
		const dry = await runRunbook('etcd-slow-disk', ['--dry-run'], { env: c.env });
		assert.equal(dry.code, 0, dry.stdout + dry.stderr);
		assert.match(dry.stdout, /my-release-etcd-2: disk fast enough/);
	});
});
