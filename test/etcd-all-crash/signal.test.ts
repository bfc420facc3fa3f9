// A backup must never hold up a signal or leave half a backup behind: SIGTERM while kvs.jsonl is being written
// ends the run with the runbook's "interrupted" line and exit 3, and the folder it created is gone. A backup
// folder that cannot be created (/proc/x made Node's recursive mkdir spin) is one error line, and a FIFO
// where a file is expected is refused before it is opened.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { tmpDir } from '../../tools/support/tmp.ts';
import { ROOT } from '../../tools/support/paths.ts';
import { startEtcd, runCli, prng } from '../../tools/support/etcd.ts';

const cleanups: Array<() => unknown> = [];
const hooks = { after: (fn: () => unknown) => cleanups.push(fn) };
after(async () => {
	for (const fn of cleanups.reverse()) await fn();
});
const RUNBOOK = path.join(ROOT, 'runbooks', 'etcd-all-crash.mjs');

test('SIGTERM during the backup: exit 3, a clean message, no partial output', async () => {
	const dir = await tmpDir(hooks, 'signal-');
	const etcd = await startEtcd(hooks, dir);
	const rnd = prng(5);
	// About 40 MB of values, so writing kvs.jsonl takes a while.
	const ops = Array.from({ length: 320 }, (_, i) => ({
		key: Buffer.from(`by-dev/meta/big/${i}`),
		value: rnd(120_000),
	}));
	await etcd.client.txnBatches(ops);
	await etcd.kill9();

	const out = path.join(dir, 'nested', 'backup');
	const child = spawn(process.execPath, [RUNBOOK, '--db', etcd.dbFile, '--backup', out], {
		cwd: ROOT,
		env: { ...process.env, LANG: 'C' },
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let stderr = '';
	child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
	child.stdout.resume();
	const exited = new Promise<number | null>((resolve) =>
		child.once('exit', (code) => resolve(code)),
	);
	let done = false;
	void exited.then(() => (done = true));
	// Wait for the records file to exist, then signal.
	const tmp = path.join(out, '.kvs.jsonl.tmp');
	while (!done && !existsSync(tmp)) await new Promise((r) => setImmediate(r));
	assert.ok(!done, `the backup finished before it could be interrupted: ${stderr}`);
	child.kill('SIGTERM');
	const code = await exited;
	assert.equal(code, 3, stderr);
	assert.match(stderr, /interrupted/);
	assert.ok(!stderr.includes('    at '), 'no stack trace');
	assert.equal(existsSync(out), false, 'partial backup removed');
	assert.equal(existsSync(path.dirname(out)), false, 'the folder it created removed too');
});

test('a backup folder that cannot be created: one line, exit 1', async () => {
	const dir = await tmpDir(hooks, 'signal-proc-');
	const etcd = await startEtcd(hooks, dir);
	await etcd.client.put('by-dev/meta/a', 'b');
	await etcd.kill9();
	const r = await runCli(process.execPath, [RUNBOOK, '--db', etcd.dbFile, '--backup', '/proc/x'], {
		cwd: ROOT,
		env: { ...process.env, LANG: 'C' },
		timeoutMs: 60_000,
	});
	assert.equal(r.code, 1, r.stderr);
	assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
	assert.match(r.stderr, /cannot write \/proc\/x/);
});

test('a FIFO as --db or as a WAL segment never blocks the run: one line, a clean exit', async () => {
	const dir = await tmpDir(hooks, 'signal-fifo-');
	const etcd = await startEtcd(hooks, dir);
	await etcd.client.put('by-dev/meta/a', 'b');
	await etcd.kill9();
	const fifo = path.join(dir, 'db.fifo');
	execFileSync('mkfifo', [fifo]);
	// Opening a FIFO for reading waits for a writer, in a system call no signal handler can interrupt.
	const r = await runCli(
		process.execPath,
		[RUNBOOK, '--db', fifo, '--backup', path.join(dir, 'b1')],
		{ cwd: ROOT, env: { ...process.env, LANG: 'C' }, timeoutMs: 60_000 },
	);
	assert.equal(r.code, 1, r.stderr);
	assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
	assert.match(r.stderr, /not a regular file/);
	assert.equal(existsSync(path.join(dir, 'b1')), false);

	const wal = path.join(dir, 'wal');
	mkdirSync(wal);
	execFileSync('mkfifo', [path.join(wal, '0000000000000000-0000000000000000.wal')]);
	const w = await runCli(
		process.execPath,
		[RUNBOOK, '--db', etcd.dbFile, '--wal', wal, '--backup', path.join(dir, 'b2')],
		{ cwd: ROOT, env: { ...process.env, LANG: 'C' }, timeoutMs: 60_000 },
	);
	assert.equal(w.code, 0, w.stderr);
	assert.match(w.stderr + w.stdout, /not a regular file/);
	assert.match(w.stderr + w.stdout, /writes possibly missing: unknown/);
	assert.ok(existsSync(path.join(dir, 'b2', 'manifest.json')));
});
