// etcd-pending: choosing the StorageClass when several exist and none is default (asked at a terminal,
// refused under --yes without --storage-class), and a run killed half-way that is run again.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import {
	assertHealthyWithKeys,
	cleanup,
	kubectl,
	loseVolumeWithoutDefault,
	newCluster,
	retry,
	runRunbook,
	seedKeys,
	untouchable,
	type KubeObject,
} from './helpers.ts';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { EXTRA_CLASS, withExtraClass } from './extra-storageclass.ts';

after(cleanup);

/** The classes as the runbook sees them, each with its default mark, and the claims with their uids. */
async function classesAndClaims(x: { env: NodeJS.ProcessEnv; kubectl: string }): Promise<unknown> {
	const run = async (...args: string[]) => {
		const r = await retry(() => promisify(execFile)(x.kubectl, args, { env: x.env }));
		return JSON.parse(r.stdout) as { items: KubeObject[] };
	};
	const scs = await run('get', 'storageclass', '-o', 'json');
	const pvcs = await run('get', 'pvc', '-o', 'json');
	return {
		scs: scs.items.map((s) => `${s.metadata.name}:${JSON.stringify(s.metadata.annotations ?? {})}`),
		pvcs: pvcs.items.map((p) => `${p.metadata.name}:${p.metadata.uid}:${p.status?.phase}`).sort(),
	};
}

describe('etcd-pending: StorageClass choice and resume', { concurrency: 2 }, () => {
	it('several classes, none default: --yes needs --storage-class; at a terminal the user picks', async () => {
		const c = await newCluster({
			generation: 'milvusdb-fork',
			defaultStorageClass: false,
			wait: false,
		});
		try {
			for (const i of [0, 1, 2]) await c.waitPod(i, 'Pending');
			const listed = await kubectl(c, 'get', 'storageclass');
			assert.doesNotMatch(listed, new RegExp(EXTRA_CLASS), 'the stand-in itself has one class');
			const extra = await withExtraClass(c);
			const env = extra.env;
			const before = await classesAndClaims(extra);
			assert.match(JSON.stringify(before), new RegExp(`${EXTRA_CLASS}:`));

			// No way to ask and no flag: stop before any change, with one line that names the flag.
			const yes = await runRunbook('etcd-pending', ['--yes', '--timeout', '150'], { env });
			assert.equal(yes.code, 2, yes.stdout + yes.stderr);
			const errorLines = yes.stderr.split('\n').filter((l) => l.trim() !== '');
			assert.equal(errorLines.length, 1, yes.stderr);
			assert.match(errorLines[0]!, /--storage-class/);
			assert.match(errorLines[0]!, new RegExp(`${EXTRA_CLASS}, standard`));
			assert.doesNotMatch(yes.stdout + yes.stderr, /\n\s+at .+:\d+:\d+\)?/, 'no stack trace');
			assert.deepEqual(
				await classesAndClaims(extra),
				before,
				'--yes without a choice changed something',
			);

			// At a terminal: "no" to the first class offered, "yes" to standard, "yes" to marking it default;
			// the input then ends, which answers "no" to whatever the run still wants to ask.
			const asked = await runRunbook('etcd-pending', ['--timeout', '150'], {
				env,
				input: 'n\ny\ny\n',
			});
			const text = asked.stdout + asked.stderr;
			assert.ok(asked.code === 0 || asked.code === 3, `exit ${asked.code}: ${text}`);
			assert.match(text, new RegExp(`Make StorageClass ${EXTRA_CLASS} the default\\? \\[y/N\\]`));
			assert.match(text, /Make StorageClass standard the default\? \[y\/N\]/);
			assert.match(text, /using: standard/);
			assert.match(text, /patch storageclass standard -p/);
			assert.doesNotMatch(text, new RegExp(`patch storageclass ${EXTRA_CLASS}`));
			const scs = JSON.parse(await kubectl(c, 'get', 'storageclass', 'standard', '-o', 'json'));
			assert.equal(
				scs.metadata.annotations['storageclass.kubernetes.io/is-default-class'],
				'true',
				'the chosen class is the default now',
			);

			// The claims may bind as soon as standard is the default, so the later steps are either skipped as
			// done (exit 0) or asked for after the input ended (exit 3, progress kept): then a rerun finishes,
			// and needs no choice any more, standard being the default.
			if (asked.code === 3) {
				assert.match(asked.stderr, /not confirmed/);
				const rest = await runRunbook('etcd-pending', ['--yes', '--timeout', '150'], { env });
				assert.equal(rest.code, 0, rest.stdout + rest.stderr);
				assert.match(rest.stdout, /Continuing an earlier run/);
			}
			await retry(() => c.waitHealthy({ timeoutMs: 90_000 }));
			assert.equal((await retry(() => c.clusterIds())).length, 1);
			assert.doesNotMatch(await kubectl(c, 'get', 'pvc'), /Pending/);
		} finally {
			await c.stop();
		}
	});

	it('a run killed after a step continues and ends healthy with every key (milvusdb-fork)', async () => {
		const c = await newCluster({ generation: 'milvusdb-fork' });
		try {
			const before = await seedKeys(c, 2000);
			await loseVolumeWithoutDefault(c, 2);
			const members = ((await untouchable(c)) as { members: string[] }).members;
			assert.equal(members.length, 3, 'the lost member is still listed');

			// Killed as the step after member-remove starts: the old entry is gone, the rest not done yet.
			const first = await runRunbook('etcd-pending', ['--yes', '--timeout', '150'], {
				env: c.env,
				killOn: /Step \d+\/\d+ \S+ Make the new pods join/,
			});
			assert.equal(first.killed, true, first.stdout + first.stderr);
			assert.match(first.stdout, /etcdctl member remove [0-9a-f]+/);
			const left = await retry(() => c.memberList({ endpoint: c.clientUrl(0) }));
			assert.equal(left.length, 2, `members after the kill: ${JSON.stringify(left)}`);

			const second = await runRunbook('etcd-pending', ['--yes', '--timeout', '150'], {
				env: c.env,
			});
			assert.equal(second.code, 0, second.stdout + second.stderr);
			assert.match(second.stdout + second.stderr, /Continuing an earlier run/);
			// member-remove was checked and skipped, not run twice.
			assert.match(second.stdout, /already done \(checked\), skipping/);
			await assertHealthyWithKeys(c, before);
			assert.match(await kubectl(c, 'get', 'storageclass'), /standard \(default\)/);
		} finally {
			await c.stop();
		}
	});
});
