// Issue 19: every acknowledged write survives an all-member SIGKILL. Real etcd (1 member and 3), several
// clients writing at full speed, every member killed at a random moment; then the db alone and the db plus the
// WAL replay are compared with what the clients were told. The db alone may miss acknowledged writes (etcd
// applies to it in batches); db + WAL must have every one of them with its final value, and nothing that no
// client ever sent.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import {
	startCluster,
	runCli,
	prng,
	writeUntilKilled,
	checkFates,
	type Member,
} from '../../tools/support/etcd.ts';
import { tmpDir } from '../../tools/support/tmp.ts';
import { ROOT } from '../../tools/support/paths.ts';
import { readEtcdDb } from '../../runbooks/lib/mvcc.mjs';
import { committedLog, readWal, type WalLog } from '../../runbooks/lib/etcd-wal.mjs';
import { readDbExtras, replay } from '../../runbooks/lib/etcd-replay.mjs';
import { reachOf } from '../../runbooks/lib/etcd-offline.mjs';
import { parseRecord } from '../../runbooks/lib/etcd-backup.mjs';

const cleanups: Array<() => unknown> = [];
const hooks = { after: (fn: () => unknown) => cleanups.push(fn) };
after(async () => {
	for (const fn of cleanups.reverse()) await fn();
});

const RUNBOOK = path.join(ROOT, 'runbooks', 'etcd-all-crash.mjs');

/** The db of `m` and the WALs of all members, the way the runbook combines them. */
function recover(members: Member[]) {
	const logs: WalLog[] = members.map((m) => readWal(m.walDir));
	const cl = committedLog(logs, members.length);
	const dbs = members.map((m) => ({ m, state: readEtcdDb(m.dbFile) }));
	const best = dbs
		.map((d) => ({ ...d, reach: reachOf(d.state.consistentIndex ?? 0n, cl) }))
		.sort((a, b) => (a.reach === b.reach ? 0 : a.reach > b.reach ? -1 : 1))[0]!;
	const r = replay(best.state, readDbExtras(best.m.dbFile), cl.entries, cl.commitIndex);
	return { db: best.state, replayed: r, cl, best };
}

async function trial(size: number, seed: number, dir: string) {
	const members = await startCluster(hooks, path.join(dir, `t${seed}`), size);
	const rnd = prng(seed);
	let kill!: () => void;
	const killed = new Promise<void>((r) => (kill = r));
	const writing = writeUntilKilled(
		members.map((m) => m.endpoint),
		killed,
		seed,
	);
	// Some writes first, then every member at its own random moment within a few milliseconds.
	await new Promise((r) => setTimeout(r, 150 + (rnd(1)[0]! % 250)));
	await Promise.all(
		members.map(async (m, i) => {
			await new Promise((r) => setTimeout(r, (rnd(1)[0]! + i * 37) % 15));
			await m.kill9();
		}),
	);
	kill();
	const { fates, acked } = await writing;
	const { db, replayed, cl } = recover(members);
	const dbMissing = checkFates(db.kvs, fates, 'db alone');
	const missing = checkFates(replayed.state.kvs, fates, 'db + WAL');
	assert.equal(missing, 0, `seed ${seed}, ${size} members: ${missing} acknowledged writes missing`);
	return { members, acked: acked(), dbMissing, replayed: replayed.entries, cl, fates };
}

test('SIGKILL of every member at random moments: db + WAL hold every acknowledged write', async () => {
	const dir = await tmpDir(hooks, 'wal-crash-');
	let trials = 0;
	let lagging = 0;
	let acked = 0;
	let replayedTotal = 0;
	for (const [size, count] of [
		[1, 12],
		[3, 8],
	] as const) {
		for (let i = 0; i < count; i++) {
			const seed = size * 1000 + i + 1;
			const r = await trial(size, seed, dir);
			trials++;
			acked += r.acked;
			replayedTotal += r.replayed;
			if (r.dbMissing > 0) lagging++;
			// Offline mode once per cluster size, through the CLI, with every member's WAL: same keys.
			if (i === 0) {
				const out = path.join(dir, `backup-${seed}`);
				const res = await runCli(
					process.execPath,
					[
						RUNBOOK,
						'--db',
						r.members[0]!.dbFile,
						'--wal',
						r.members.map((m) => m.walDir).join(','),
						'--backup',
						out,
						'--root-path',
						'wal-test',
					],
					{ cwd: ROOT, env: { ...process.env, LANG: 'C' } },
				);
				assert.equal(res.code, 0, res.stderr);
				assert.match(res.stdout + res.stderr, /writes possibly missing: none/);
				const kvs = readFileSync(path.join(out, 'kvs.jsonl'), 'utf8')
					.split('\n')
					.filter(Boolean)
					.map(parseRecord);
				assert.equal(checkFates(kvs, r.fates, 'offline backup'), 0);
				const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8'));
				assert.equal(manifest.source.wal.verdict, 'none');
				assert.equal(manifest.source.wal.commitIndex, String(r.cl.commitIndex));
				assert.equal(typeof manifest.records.largestValueBytes, 'number');
			}
		}
	}
	assert.ok(trials >= 20);
	assert.ok(acked > trials * 10, `only ${acked} acknowledged writes in ${trials} trials`);
	// The point of the WAL: in some trials the db alone lost acknowledged writes, and the replay brought them back.
	assert.ok(replayedTotal > 0, 'no trial needed the WAL');
	process.stdout.write(
		`# ${trials} trials, ${acked} acknowledged writes, db alone short in ${lagging} trials, ${replayedTotal} entries replayed\n`,
	);
});
