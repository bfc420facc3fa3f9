// etcd-all-crash under Docker Compose, on the compose stand-in (milvus-etcd is a real etcd with its volume
// folder, reached only through the real docker CLI): a healthy etcd is not this symptom, a dry run and a run
// without a terminal change nothing, a run stopped right after the old member folder was renamed aside is
// finished by the next run, every key comes back (a 1.4 MB value too), the old data stays aside, Milvus runs
// again; an etcd killed for memory is not rebuilt.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createCompose, stopAll, type StandinCompose } from '../../tools/standin/index.mjs';
import { tmpDir } from '../../tools/support/tmp.ts';
import { ROOT } from '../../tools/support/paths.ts';
import { runCli, writeMilvusKeys } from '../../tools/support/etcd.ts';
import { etcdHttp } from '../../runbooks/lib/etcd-http.mjs';
import { goQuote } from '../../runbooks/lib/etcd-all-crash-compose.mjs';

const cleanups: Array<() => unknown> = [];
const hooks = { after: (fn: () => unknown) => cleanups.push(fn) };
after(async () => {
	for (const fn of cleanups.reverse()) await fn();
	await stopAll();
});

const RUNBOOK = path.join(ROOT, 'runbooks', 'etcd-all-crash.mjs');
const BIG = 1_400_000;

async function state(c: StandinCompose, name: string) {
	const r = await c.docker(['inspect', name]);
	assert.equal(r.code, 0, r.stderr);
	return JSON.parse(r.stdout)[0].State as {
		Running: boolean;
		ExitCode: number;
		OOMKilled: boolean;
	};
}

/** What the volume folder holds: the member folder and anything renamed aside. */
function volumeEntries(c: StandinCompose): string[] {
	return fs.readdirSync(path.join(c.dir, 'volumes', 'etcd')).sort();
}

/** Every key and value in milvus-etcd, as latin1 strings (the byte-exact comparison). */
async function dump(c: StandinCompose) {
	const { kvs } = await etcdHttp(c.etcdUrl).getAll();
	return new Map(kvs.map((kv) => [kv.key.toString('latin1'), kv]));
}

test('goQuote writes what etcdctl txn reads back byte for byte', () => {
	assert.equal(goQuote(Buffer.from('by-dev/a "b"\\')), '"by-dev/a \\x22b\\x22\\x5c"');
	assert.equal(goQuote(Buffer.from([0, 10, 0xff])), '"\\x00\\x0a\\xff"');
	assert.equal(goQuote(Buffer.alloc(0)), '""');
});

test('compose: crashed milvus-etcd is rebuilt from its volume, every key restored, old data kept aside', async () => {
	const c = await createCompose();
	const work = await tmpDir(hooks, 'all-crash-compose-');
	const run = (args: string[], opts: { env?: NodeJS.ProcessEnv; input?: string } = {}) =>
		runCli(process.execPath, [RUNBOOK, '--work-dir', work, '--timeout', '60', ...args], {
			env: { ...c.env, ...opts.env },
			cwd: work,
			timeoutMs: 240_000,
			input: opts.input,
		});

	const client = etcdHttp(c.etcdUrl);
	await writeMilvusKeys(client, 300, { seed: 11 });
	// A Milvus value near etcd's default request limit (1.5 MiB) must come back whole.
	const big = Buffer.alloc(BIG);
	for (let i = 0; i < BIG; i++) big[i] = (i * 7919) % 251;
	await client.txnBatches([
		{ key: Buffer.from('by-dev/meta/root-coord/big-collection'), value: big },
	]);
	const before = await dump(c);
	// Leased session keys belong to the Milvus processes of the old etcd: a backup leaves them out.
	const expected = [...before.values()].filter((kv) => !kv.lease);
	assert.ok(expected.length > 250 && expected.length < before.size, `${expected.length} keys`);

	// Healthy: not this symptom, nothing touched.
	const healthy = await run(['--yes']);
	assert.equal(healthy.code, 4, healthy.stderr);
	assert.match(healthy.stderr + healthy.stdout, /endpoint health/);
	assert.equal((await state(c, 'milvus-etcd')).Running, true);
	assert.equal((await state(c, 'milvus-standalone')).Running, true);

	const exitCode = await c.inject('corrupt-wal');
	assert.notEqual(exitCode, 0);
	assert.equal((await state(c, 'milvus-etcd')).Running, false);
	assert.deepEqual(volumeEntries(c), ['member']);

	// Dry run: the plan, the copy and the proof, but no container stopped or started and nothing moved.
	const dry = await run(['--dry-run']);
	assert.equal(dry.code, 0, dry.stderr);
	assert.match(dry.stdout, /Docker Compose target/);
	assert.match(dry.stdout, /docker stop milvus-standalone/);
	assert.match(dry.stdout, /mv .*member .*member\.broken-/);
	assert.deepEqual(volumeEntries(c), ['member']);
	assert.equal((await state(c, 'milvus-standalone')).Running, true);
	assert.equal((await state(c, 'milvus-etcd')).Running, false);

	// No terminal and no --yes: refused at the first change, nothing changed.
	const refused = await run([]);
	assert.equal(refused.code, 3, refused.stderr);
	assert.deepEqual(volumeEntries(c), ['member']);
	assert.equal((await state(c, 'milvus-standalone')).Running, true);

	// Typed at a terminal: stop Milvus (y), move the member folder (the container name), then "n" to starting
	// etcd: the run stops right after the rename, as an interruption there would.
	const stopped = await run([], {
		env: { MILVUS_RESCUE_ASSUME_TTY: '1' },
		input: 'y\nmilvus-etcd\nn\n',
	});
	assert.equal(stopped.code, 3, stopped.stdout + stopped.stderr);
	const aside = volumeEntries(c).filter((e) => e.startsWith('member.broken-'));
	assert.equal(aside.length, 1, volumeEntries(c).join(', '));
	assert.ok(!volumeEntries(c).includes('member'));
	assert.equal((await state(c, 'milvus-standalone')).Running, false);
	assert.equal((await state(c, 'milvus-etcd')).Running, false);

	// The next run continues: etcd starts empty, every key is restored and compared, Milvus starts again.
	const done = await run(['--yes']);
	const text = done.stdout + done.stderr;
	assert.match(text, /continuing the rescue started earlier/);
	// Every key of the backup is back; the fault broke the only WAL, so the writes after the db's last commit
	// cannot be known, and the run says so instead of "healthy" (as on Kubernetes with every WAL broken).
	assert.equal(done.code, 1, text.slice(-3000));
	assert.match(
		text,
		/still not healthy: every key of the backup \(\d+\) is in etcd with the same value; etcd is rebuilt, but not every acknowledged write is known to be back/,
	);
	assert.match(text, /restored \d+ keys in \d+ transactions into docker exec milvus-etcd/);
	const now = await dump(c);
	for (const kv of expected) {
		const got = now.get(kv.key.toString('latin1'));
		assert.ok(got, `missing ${kv.key.toString('utf8')}`);
		assert.ok(got.value.equals(kv.value), `value of ${kv.key.toString('utf8')} differs`);
	}
	assert.equal(now.get('by-dev/meta/root-coord/big-collection')?.value.length, BIG);
	// The old member folder is still there, renamed, with its db.
	assert.deepEqual(
		volumeEntries(c),
		['member', ...aside].sort(),
		'fresh member plus the old one aside',
	);
	assert.ok(fs.existsSync(path.join(c.dir, 'volumes', 'etcd', aside[0]!, 'snap', 'db')));
	assert.equal((await state(c, 'milvus-etcd')).Running, true);
	assert.equal((await state(c, 'milvus-standalone')).Running, true);

	// Killed for memory: the data is intact, so the runbook names the fix and changes nothing.
	assert.equal(await c.inject('oom'), 137);
	assert.equal((await state(c, 'milvus-etcd')).OOMKilled, true);
	// A new incident: its own resume state, so the run judges it afresh.
	const oom = await run(['--yes'], {
		env: { MILVUS_RESCUE_STATE_DIR: path.join(work, 'state-oom') },
	});
	assert.equal(oom.code, 4, oom.stdout + oom.stderr);
	assert.match(oom.stdout + oom.stderr, /killed for memory/);
	assert.deepEqual(volumeEntries(c), ['member', ...aside].sort());
	assert.equal((await state(c, 'milvus-standalone')).Running, true);
});
