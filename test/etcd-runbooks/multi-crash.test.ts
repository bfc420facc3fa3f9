// etcd-multi-crash on the stand-in cluster: etcd-1 and etcd-2 crash-loop on corrupted data while etcd-0
// runs without quorum. Both image generations; dry run and refusal first, then the real run.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
	assertHealthyWithKeys,
	cleanup,
	clusterReport,
	newCluster,
	runRunbook,
	seedKeys,
	untouchable,
} from './helpers.ts';

after(cleanup);

describe('etcd-multi-crash', { concurrency: 3 }, () => {
	for (const generation of ['milvusdb-fork', 'bitnami-2022'] as const) {
		it(`recovers two crash-looping members without losing a key (${generation})`, async () => {
			const c = await newCluster({ generation });
			try {
				const before = await seedKeys(c, 3000);
				await c.inject('corrupt-data', [1, 2]);
				await c.waitPod(1, 'CrashLoopBackOff');
				await c.waitPod(2, 'CrashLoopBackOff');
				const backupDir = path.join(c.dir, 'rescue');
				const common = ['--backup-dir', backupDir, '--timeout', '150'];

				// Dry run and refusal are the same code on both generations: one cluster checks them.
				if (generation === 'milvusdb-fork') {
					const snapshot = await untouchable(c);
					const dry = await runRunbook('etcd-multi-crash', ['--dry-run', ...common], {
						env: c.env,
					});
					assert.equal(dry.code, 0, dry.stderr);
					assert.match(
						dry.stdout,
						/\[dry run\] would run: kubectl --context standin -n default scale sts my-release-etcd --replicas=1/,
					);
					assert.deepEqual(await untouchable(c), snapshot, 'dry run changed the cluster');

					// No terminal and no --yes: the read steps run, the first change is refused.
					const refused = await runRunbook('etcd-multi-crash', common, { env: c.env });
					assert.equal(refused.code, 3, refused.stdout + refused.stderr);
					assert.match(refused.stderr, /scale-down/);
					assert.deepEqual(await untouchable(c), snapshot, 'refused run changed the cluster');
				}

				const run = await runRunbook('etcd-multi-crash', ['--yes', '--json', ...common], {
					env: c.env,
				});
				assert.equal(run.code, 0, run.stderr);
				const report = JSON.parse(run.stdout);
				assert.equal(report.verify.ok, true);
				const ran = report.steps.map((s: { id: string; status: string }) => `${s.id}:${s.status}`);
				assert.ok(ran.includes('force-new-cluster:ran'), ran.join(' '));
				assert.equal(ran.filter((s: string) => s === 'scale-up:ran').length, 2, ran.join(' '));
				// The two-member window is named once, for the first member added beside the survivor alone
				// (counted before the scale-up, so it does not depend on how fast the new pod registers).
				assert.equal(run.stderr.match(/has two members and needs both/g)?.length, 1, run.stderr);

				// The backup is on this machine, with the key count the verification compared against.
				const manifests = fs
					.readdirSync(backupDir)
					.filter((f) => /^my-release-etcd-0-.*\.json$/.test(f));
				assert.ok(manifests.length >= 1, fs.readdirSync(backupDir).join(', '));
				const manifest = JSON.parse(fs.readFileSync(path.join(backupDir, manifests[0]!), 'utf8'));
				assert.equal(manifest.keys, before.length);

				await assertHealthyWithKeys(c, before);
				const sts = JSON.parse((await c.kubectl(['get', 'sts', c.sts, '-o', 'json'])).stdout);
				const env = Object.fromEntries(
					sts.spec.template.spec.containers[0].env.map((e: { name: string; value?: string }) => [
						e.name,
						e.value,
					]),
				);
				assert.equal(env.ETCD_INITIAL_CLUSTER_STATE, 'existing');
				assert.ok(!('ETCD_FORCE_NEW_CLUSTER' in env), 'force-new-cluster flag left on');
			} finally {
				await c.stop();
			}
		});
	}

	it('removes a dead member while etcd-0 still has quorum, without a forced restart', async () => {
		const c = await newCluster({ generation: 'bitnami-2022' });
		try {
			const before = await seedKeys(c, 2000);
			await c.inject('corrupt-data', [2]);
			await c.waitPod(2, 'CrashLoopBackOff');
			const run = await runRunbook(
				'etcd-multi-crash',
				['--yes', '--json', '--backup-dir', path.join(c.dir, 'rescue'), '--timeout', '150'],
				{ env: c.env },
			);
			if (run.code !== 0) assert.fail(`exit ${run.code}\n${run.stderr}\n${await clusterReport(c)}`);
			const ids = JSON.parse(run.stdout).steps.map((s: { id: string }) => s.id);
			assert.ok(ids.includes('member-remove') && !ids.includes('force-new-cluster'), ids.join(' '));
			await assertHealthyWithKeys(c, before);
		} finally {
			await c.stop();
		}
	});
});
