// What the runbook protects against: the seed's naive sequence, done by hand, leaves the new members
// crash-looping for good; and the runbook itself, killed half-way, picks up and ends healthy.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import * as path from 'node:path';
import {
	assertHealthyWithKeys,
	cleanup,
	kubectl,
	newCluster,
	retry,
	runRunbook,
	seedKeys,
} from './helpers.ts';

after(cleanup);

describe('etcd-multi-crash: unsafe paths', { concurrency: 2 }, () => {
	it("the seed's sequence (scale 1, delete PVCs of etcd-1/2, scale 3) ends in a crash loop", async () => {
		const c = await newCluster({ generation: 'milvusdb-fork' });
		try {
			const before = await seedKeys(c, 2000);
			await c.inject('corrupt-data', [1, 2]);
			await c.waitPod(1, 'CrashLoopBackOff');
			await c.waitPod(2, 'CrashLoopBackOff');

			await kubectl(c, 'scale', 'sts', c.sts, '--replicas=1');
			await c.waitPod(1, 'Gone');
			await c.waitPod(2, 'Gone');
			await kubectl(c, 'delete', 'pvc', `data-${c.sts}-1`, `data-${c.sts}-2`);
			await kubectl(c, 'scale', 'sts', c.sts, '--replicas=3');

			// Fresh members with ETCD_INITIAL_CLUSTER_STATE=new and their old (deterministic) ids find
			// themselves already in etcd-0's member list and stop; etcd-0 stays without quorum.
			const logs = async () => {
				const text = await Promise.all(
					[1, 2].map(
						async (i) =>
							(await retry(() => c.kubectl(['logs', `${c.sts}-${i}`, '--previous']))).stdout,
					),
				);
				return text.join('\n');
			};
			let seen = '';
			const deadline = Date.now() + 60_000;
			while (!/has already been bootstrapped/.test(seen) && Date.now() < deadline) {
				await new Promise((r) => setTimeout(r, 1000));
				seen = await logs();
			}
			assert.match(seen, /has already been bootstrapped/);
			await assert.rejects(() => c.waitHealthy({ timeoutMs: 8000, replicas: 3 }));
			// And nothing can be written: the data is out of Milvus's reach.
			await assert.rejects(() =>
				c.put('by-dev/kv/probe', 'x', { endpoint: c.clientUrl(0), timeoutMs: 3000 }),
			);

			// Every key is still on etcd-0's disk (serializable reads work without quorum), just unreachable.
			const r = await retry(() =>
				c.kubectl([
					'exec',
					`${c.sts}-0`,
					'--',
					'etcdctl',
					'get',
					'',
					'--from-key',
					'--keys-only',
					'--limit=1',
					'--consistency=s',
					'-w',
					'json',
				]),
			);
			assert.equal(JSON.parse(r.stdout).count, before.length);
		} finally {
			await c.stop();
		}
	});

	it('a run killed after the forced restart continues and ends healthy with every key', async () => {
		const c = await newCluster({ generation: 'bitnami-2022' });
		try {
			const before = await seedKeys(c, 2000);
			await c.inject('corrupt-data', [1, 2]);
			await c.waitPod(1, 'CrashLoopBackOff');
			await c.waitPod(2, 'CrashLoopBackOff');
			const args = ['--yes', '--backup-dir', path.join(c.dir, 'rescue'), '--timeout', '150'];

			// SIGKILL as soon as step 9 (clear-force-new-cluster) starts: etcd-0 runs alone with ETCD_FORCE_NEW_CLUSTER still set.
			const first = await runRunbook('etcd-multi-crash', args, {
				env: c.env,
				killOn: /Step 9\/14/,
			});
			assert.equal(first.killed, true, first.stdout + first.stderr);
			assert.doesNotMatch(first.stdout, /Step 10\/14/);

			const second = await runRunbook('etcd-multi-crash', args, { env: c.env });
			assert.equal(second.code, 0, second.stdout + second.stderr);
			assert.match(second.stdout, /Continuing an earlier run/);
			// The finished steps were checked and skipped, not done twice.
			assert.match(second.stdout, /Step 7\/14[^\n]*\n[^\n]*\n✔ already done \(checked\), skipping/);
			await assertHealthyWithKeys(c, before);
		} finally {
			await c.stop();
		}
	});
});
