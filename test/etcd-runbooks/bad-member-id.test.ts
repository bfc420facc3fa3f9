// etcd-bad-member-id on the stand-in cluster. Only the 2022 Bitnami scripts keep member_id, so only that
// generation can show the symptom; the fork restarts fine and the runbook must say it is not this.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import {
	assertHealthyWithKeys,
	cleanup,
	newCluster,
	retry,
	runRunbook,
	seedKeys,
	untouchable,
} from './helpers.ts';

after(cleanup);

const SIGNATURE =
	'Error: bad member ID arg (strconv.ParseUint: parsing "": invalid syntax), expecting ID in Hex';

describe('etcd-bad-member-id', { concurrency: 2 }, () => {
	it('removes the empty member_id and the member rejoins with its data (bitnami-2022)', async () => {
		const c = await newCluster({ generation: 'bitnami-2022' });
		try {
			const before = await seedKeys(c, 3000);
			await c.inject('empty-member-id', [1]);
			await c.waitPod(1, 'CrashLoopBackOff');
			const logs = await retry(() => c.kubectl(['logs', `${c.sts}-1`, '--previous']));
			assert.ok(logs.stdout.includes(SIGNATURE), logs.stdout);

			const snapshot = await untouchable(c);
			const dry = await runRunbook('etcd-bad-member-id', ['--dry-run'], { env: c.env });
			assert.equal(dry.code, 0, dry.stdout + dry.stderr);
			assert.match(
				dry.stdout,
				/would run: kubectl --context standin -n default exec my-release-etcd-1 -- rm -f \/bitnami\/etcd\/data\/member_id/,
			);
			assert.deepEqual(await untouchable(c), snapshot, 'dry run changed the cluster');
			const refused = await runRunbook('etcd-bad-member-id', [], { env: c.env });
			assert.equal(refused.code, 3, refused.stdout + refused.stderr);

			const run = await runRunbook('etcd-bad-member-id', ['--yes', '--timeout', '120'], {
				env: c.env,
			});
			assert.equal(run.code, 0, run.stdout + run.stderr);
			await assertHealthyWithKeys(c, before);
			// The member kept its identity: same id as before the crash, nothing was re-added.
			const members = await retry(() => c.memberList());
			assert.deepEqual(
				members.map((m) => `${m.id}:${m.name}`).sort(),
				(snapshot as { members: string[] }).members,
			);
		} finally {
			await c.stop();
		}
	});

	it('a run killed after removing the file continues and ends healthy (bitnami-2022)', async () => {
		const c = await newCluster({ generation: 'bitnami-2022' });
		try {
			const before = await seedKeys(c, 2000);
			await c.inject('empty-member-id', [2]);
			await c.waitPod(2, 'CrashLoopBackOff');
			const first = await runRunbook('etcd-bad-member-id', ['--yes'], {
				env: c.env,
				killOn: /Step 4\/5/,
			});
			assert.equal(first.killed, true, first.stdout + first.stderr);
			const second = await runRunbook('etcd-bad-member-id', ['--yes', '--timeout', '120'], {
				env: c.env,
			});
			assert.equal(second.code, 0, second.stdout + second.stderr);
			await assertHealthyWithKeys(c, before);
		} finally {
			await c.stop();
		}
	});
});
