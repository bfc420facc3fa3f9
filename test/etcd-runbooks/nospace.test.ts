// etcd-nospace on the stand-in cluster: etcd gets a 16 MiB quota through the StatefulSet env (the chart's
// extraEnvVars), one key is rewritten until etcd raises NOSPACE and refuses writes, then the runbook heals it.
// Proven afterwards: no alarm, writes work, every key that existed is still there byte for byte, no PVC was
// touched; and with quorum lost the runbook refuses instead of touching anything.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import {
	assertHealthyWithKeys,
	cleanup,
	kubectl,
	newCluster,
	retry,
	runRunbook,
	seedKeys,
	untouchable,
} from './helpers.ts';
import type { StandinCluster } from '../../tools/standin/index.mjs';

after(cleanup);

const QUOTA = 16 * 1024 * 1024;
const NOSPACE = 'etcdserver: mvcc: database space exceeded';

/** Rewrite one key with big values until etcd refuses; returns how many writes went through. */
async function fillUntilNoSpace(c: StandinCluster): Promise<number> {
	const value = Buffer.alloc(512 * 1024, 'x');
	for (let i = 0; i < 400; i++) {
		value.write(String(i).padStart(8, '0'));
		try {
			await c.put('by-dev/kv/gid/filler', value, { timeoutMs: 30_000 });
		} catch (e) {
			const message = e instanceof Error ? e.message : String(e);
			assert.ok(message.includes(NOSPACE), `put failed with something else: ${message}`);
			return i;
		}
	}
	assert.fail('etcd never reported database space exceeded');
}

async function alarmList(c: StandinCluster): Promise<string> {
	const pod = `${c.sts}-0`;
	return kubectl(c, 'exec', pod, '--', 'etcdctl', 'alarm', 'list');
}

describe('etcd-nospace', () => {
	it('compacts, defragments one member at a time, disarms: writes work, keys and PVCs intact', async () => {
		const c = await newCluster({ generation: 'milvusdb-fork' });
		try {
			await seedKeys(c, 500);
			// A healthy cluster far below its quota is not this symptom.
			const healthy = await runRunbook('etcd-nospace', ['--yes'], { env: c.env });
			assert.equal(healthy.code, 4, healthy.stdout + healthy.stderr);

			await kubectl(c, 'set', 'env', `sts/${c.sts}`, `ETCD_QUOTA_BACKEND_BYTES=${QUOTA}`);
			await kubectl(c, 'rollout', 'status', `sts/${c.sts}`, '--timeout=180s');
			await retry(() => c.waitHealthy({ timeoutMs: 90_000 }));

			const writes = await fillUntilNoSpace(c);
			assert.ok(writes > 5, `only ${writes} writes before the alarm`);
			assert.match(await alarmList(c), /alarm:NOSPACE/);
			const before = await retry(() => c.dumpKeys());
			const snapshot = await untouchable(c);

			const dry = await runRunbook('etcd-nospace', ['--dry-run'], { env: c.env });
			assert.equal(dry.code, 0, dry.stdout + dry.stderr);
			assert.match(
				dry.stdout,
				/would run: kubectl --context standin -n default exec my-release-etcd-0 -- etcdctl alarm disarm/,
			);
			assert.match(await alarmList(c), /alarm:NOSPACE/, 'dry run disarmed the alarm');
			const refused = await runRunbook('etcd-nospace', [], { env: c.env });
			assert.equal(refused.code, 3, refused.stdout + refused.stderr);
			// At a terminal: yes to the compaction, no to the first defrag; the run stops there (exit 3)...
			const partial = await runRunbook('etcd-nospace', ['--lang', 'en'], {
				env: c.env,
				input: 'y\nn\n',
			});
			assert.equal(partial.code, 3, partial.stdout + partial.stderr);
			assert.match(partial.stdout, /history before revision \d+ compacted/);

			const run = await runRunbook('etcd-nospace', ['--yes', '--lang', 'id'], { env: c.env });
			assert.equal(run.code, 0, run.stdout + run.stderr);
			// ...and the next run continues from the saved progress without compacting again.
			assert.match(run.stdout + run.stderr, /Melanjutkan run sebelumnya/);
			assert.doesNotMatch(run.stdout, /sudah dibuang lewat compaction/);
			// One member at a time, in order, each against its own endpoint only.
			const defrags = [
				...run.stdout.matchAll(
					/exec (my-release-etcd-\d) -- etcdctl defrag --command-timeout=600s$/gm,
				),
			].map((m) => m[1]);
			assert.deepEqual(
				[...new Set(defrags)],
				['my-release-etcd-0', 'my-release-etcd-1', 'my-release-etcd-2'],
			);
			assert.doesNotMatch(run.stdout + run.stderr, /delete pvc|delete pod/);

			assert.equal((await alarmList(c)).trim(), '', 'the alarm is gone');
			await c.put('by-dev/kv/after-rescue', 'written', { timeoutMs: 10_000 });
			const after = (await retry(() => c.dumpKeys())).filter(
				(kv) => kv.key.toString() !== 'by-dev/kv/after-rescue',
			);
			assert.deepEqual(after, before, 'every key is still there, byte for byte');
			await assertHealthyWithKeys(
				c,
				[
					...after,
					...(await retry(() => c.dumpKeys())).filter(
						(kv) => kv.key.toString() === 'by-dev/kv/after-rescue',
					),
				].sort((a, b) => Buffer.compare(a.key, b.key)),
			);
			const now = (await untouchable(c)) as { pvcs: string[] };
			assert.deepEqual(now.pvcs, (snapshot as { pvcs: string[] }).pvcs, 'no PVC was touched');

			// Quorum lost: the runbook refuses and sends the reader to the crash runbooks.
			await c.inject('corrupt-data', [1, 2]);
			await c.waitPod(1, 'CrashLoopBackOff');
			await c.waitPod(2, 'CrashLoopBackOff');
			const noQuorum = await runRunbook('etcd-nospace', ['--yes'], { env: c.env });
			assert.equal(noQuorum.code, 3, noQuorum.stdout + noQuorum.stderr);
			assert.match(noQuorum.stderr + noQuorum.stdout, /etcd-multi-crash/);
		} finally {
			await c.stop();
		}
	});
});
