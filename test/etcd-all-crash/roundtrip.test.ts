// Round trip on real etcd: Milvus-like keys → db file copied while etcd runs and after kill -9 → backup with the
// runbook's offline mode → restore into fresh etcds → every key and value byte-equal to what etcd served.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { tmpDir } from '../../tools/support/tmp.ts';
import { ROOT } from '../../tools/support/paths.ts';
import { startEtcd, writeMilvusKeys, runCli, type Etcd } from '../../tools/support/etcd.ts';
import { readBackup, parseRecord } from '../../runbooks/lib/etcd-backup.mjs';
import type { RemoteKeyValue } from '../../runbooks/lib/etcd-http.mjs';

const cleanups: Array<() => unknown> = [];
const hooks = { after: (fn: () => unknown) => cleanups.push(fn) };
after(async () => {
	for (const fn of cleanups.reverse()) await fn();
});

const RUNBOOK = path.join(ROOT, 'runbooks', 'etcd-all-crash.mjs');
const ZX = path.join(ROOT, 'node_modules', '.bin', 'zx');
const cli = (args: string[], opts: { input?: string } = {}) =>
	runCli(process.execPath, [RUNBOOK, ...args], { cwd: ROOT, ...opts });

const str = (b: Buffer) => b.toString('latin1');
const isSession = (kv: { key: Buffer }) => str(kv.key).startsWith('by-dev/meta/session/');

/** What a correct backup must bring back: everything served except leased session keys. */
function expectedFrom(served: RemoteKeyValue[]): RemoteKeyValue[] {
	return served.filter((kv) => !(isSession(kv) && kv.lease !== 0n));
}

function assertSameKeys(actual: RemoteKeyValue[], expected: RemoteKeyValue[]): void {
	assert.equal(actual.length, expected.length, 'key count');
	const want = new Map(expected.map((kv) => [str(kv.key), kv.value]));
	for (const kv of actual) {
		const v = want.get(str(kv.key));
		assert.ok(v, `unexpected key ${str(kv.key)}`);
		assert.ok(v.equals(kv.value), `value of ${str(kv.key)} differs`);
	}
}

test('backup from a running and a killed etcd, restore into fresh etcds, byte-equal', async (t) => {
	const dir = await tmpDir(hooks, 'roundtrip-');
	const source = await startEtcd(hooks, path.join(dir, 'source'));
	await writeMilvusKeys(source.client, 20_000);
	// etcd commits its bbolt batch every 100 ms; what was acknowledged before that lives only in the WAL.
	await new Promise((r) => setTimeout(r, 500));
	const served = (await source.client.getAll()).kvs;
	assert.ok(served.length >= 18_000, `only ${served.length} keys served`);
	assert.ok(
		served.some((kv) => isSession(kv) && kv.lease !== 0n),
		'fixture has leased session keys',
	);
	assert.ok(
		served.some((kv) => kv.value.includes(0)),
		'fixture has binary values',
	);
	const running = path.join(dir, 'running.db');
	copyFileSync(source.dbFile, running);
	await source.kill9();
	const killed = path.join(dir, 'killed.db');
	copyFileSync(source.dbFile, killed);
	const expected = expectedFrom(served);

	for (const [name, db] of [
		['running', running],
		['killed', killed],
	] as const) {
		await t.test(
			`copy taken ${name === 'running' ? 'while etcd runs' : 'after kill -9'}`,
			async () => {
				const backup = path.join(dir, `backup-${name}`);
				// One of the two through zx itself, as the site tells users to run it.
				const r =
					name === 'killed'
						? await runCli(ZX, [RUNBOOK, '--db', db, '--backup', backup], { cwd: ROOT })
						: await cli(['--db', db, '--backup', backup]);
				assert.equal(r.code, 0, r.stderr);
				const { manifest, kvs } = await readBackup(backup);
				assert.equal(manifest.counts.written, expected.length);
				assert.equal(manifest.excluded.find((e) => e.rule === 'session-leased')?.count, 7);
				// The ServerID counter and the allocators are kept; sessions are not.
				const keys = new Set(kvs.map((kv) => str(kv.key)));
				assert.ok(keys.has('by-dev/meta/session/id'));
				assert.ok(keys.has('by-dev/kv/tso/timestamp') && keys.has('by-dev/kv/gid/idTimestamp'));
				assert.ok(!keys.has('by-dev/meta/session/rootcoord'));
				// kvs.jsonl is in etcdctl's shape and its int64s are exact.
				const first = JSON.parse(
					readFileSync(path.join(backup, 'kvs.jsonl'), 'utf8').split('\n')[0]!,
				);
				assert.deepEqual(Object.keys(first), [
					'key',
					'create_revision',
					'mod_revision',
					'version',
					'value',
					'lease',
				]);
				const servedByKey = new Map(served.map((kv) => [str(kv.key), kv]));
				for (const kv of kvs) {
					const s = servedByKey.get(str(kv.key))!;
					assert.equal(kv.modRevision, s.modRevision);
					assert.equal(kv.createRevision, s.createRevision);
					assert.equal(kv.version, s.version);
				}

				const target = await startEtcd(hooks, path.join(dir, `target-${name}`));
				const restored = await cli(['--restore', backup, '--endpoints', target.endpoint, '--yes']);
				assert.equal(restored.code, 0, restored.stderr);
				const back = (await target.client.getAll()).kvs;
				assertSameKeys(back, expected);
				assert.equal(str(back.find((kv) => str(kv.key) === 'by-dev/meta/session/id')!.value), '42');

				// A non-empty target is refused unless allowed, and nothing is written.
				const rev = (await target.client.status()).revision;
				const again = await cli(['--restore', backup, '--endpoints', target.endpoint, '--yes']);
				assert.equal(again.code, 3, again.stderr);
				assert.match(again.stderr, /already holds \d+ keys/);
				assert.equal((await target.client.status()).revision, rev);
				if (name === 'killed') {
					const forced = await cli([
						'--restore',
						backup,
						'--endpoints',
						target.endpoint,
						'--yes',
						'--allow-non-empty',
					]);
					assert.equal(forced.code, 0, forced.stderr);
				}
				await target.kill9();
			},
		);
	}
});

test('restore refuses without a terminal or --yes, and --dry-run writes nothing', async () => {
	const dir = await tmpDir(hooks, 'refuse-');
	const source = await startEtcd(hooks, path.join(dir, 'source'));
	await writeMilvusKeys(source.client, 300, { compact: false });
	await new Promise((r) => setTimeout(r, 400));
	await source.kill9();
	const backup = path.join(dir, 'backup');
	assert.equal((await cli(['--db', source.dbFile, '--backup', backup])).code, 0);
	// Writing into a folder that already holds a backup is refused: an earlier backup is never overwritten.
	const over = await cli(['--db', source.dbFile, '--backup', backup]);
	assert.equal(over.code, 3);
	assert.match(over.stderr, /not empty/);

	const target: Etcd = await startEtcd(hooks, path.join(dir, 'target'));
	const noTty = await cli(['--restore', backup, '--endpoints', target.endpoint]);
	assert.equal(noTty.code, 3, noTty.stderr);
	assert.equal(
		noTty.stderr
			.trim()
			.split('\n')
			.filter((l) => /error|galat/.test(l)).length,
		1,
	);
	assert.equal(await target.client.count(), 0);

	const dry = await cli([
		'--restore',
		backup,
		'--endpoints',
		target.endpoint,
		'--dry-run',
		'--lang',
		'id',
	]);
	assert.equal(dry.code, 0, dry.stderr);
	assert.match(dry.stdout + dry.stderr, /dry run/);
	assert.equal(await target.client.count(), 0);

	// Typing "n" at a (simulated) terminal prompt declines.
	const declined = await runCli(
		process.execPath,
		[RUNBOOK, '--restore', backup, '--endpoints', target.endpoint],
		{
			cwd: ROOT,
			env: { ...process.env, MILVUS_RESCUE_ASSUME_TTY: '1' },
			input: 'n\n',
		},
	);
	assert.equal(declined.code, 3, declined.stderr);
	assert.equal(await target.client.count(), 0);

	// One changed byte in kvs.jsonl: the checksum no longer matches and nothing is restored.
	const records = path.join(backup, 'kvs.jsonl');
	const text = readFileSync(records, 'utf8');
	const lines = text.split('\n');
	const rec = parseRecord(lines[0]!);
	lines[0] = lines[0]!.replace(
		`"value":"${rec.value.toString('base64')}"`,
		`"value":"${Buffer.from('tampered').toString('base64')}"`,
	);
	writeFileSync(records, lines.join('\n'));
	const bad = await cli(['--restore', backup, '--endpoints', target.endpoint, '--yes']);
	assert.equal(bad.code, 3, bad.stderr);
	assert.match(bad.stderr, /sha256/);
	assert.equal(await target.client.count(), 0);
	assert.ok(!bad.stderr.includes('    at '), 'no stack trace');

	// Unreachable etcd and bad input files: one line each, never a stack.
	const down = await cli([
		'--restore',
		path.join(dir, 'nope'),
		'--endpoints',
		'http://127.0.0.1:1',
	]);
	assert.notEqual(down.code, 0);
	const garbage = path.join(dir, 'garbage.db');
	writeFileSync(garbage, 'not a bbolt file at all'.repeat(500));
	const g = await cli(['--db', garbage, '--inspect']);
	assert.equal(g.code, 1);
	assert.match(g.stderr, /no valid meta page/);
	assert.equal(g.stderr.trim().split('\n').length, 1);
	assert.ok(!existsSync(path.join(dir, 'garbage-backup')));
});
