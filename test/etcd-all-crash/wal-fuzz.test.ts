// Damaged WAL files: a real etcd WAL truncated, bit-flipped, or replaced by a foreign file must end in a log
// (a torn tail is cut off, as etcd's repair does) or in one WalError line naming the file and offset; never a
// stray exception, a hang or entries that were not in the file.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { tmpDir } from '../../tools/support/tmp.ts';
import { ROOT } from '../../tools/support/paths.ts';
import { startEtcd, runCli } from '../../tools/support/etcd.ts';
import {
	ProtoError,
	WalError,
	crc32c,
	decodeRequest,
	readWalBuffers,
	type WalLog,
} from '../../runbooks/lib/etcd-wal.mjs';

const RUNBOOK = path.join(ROOT, 'runbooks', 'etcd-all-crash.mjs');
const NAME = '0000000000000000-0000000000000000.wal';
let wal: Buffer; // the used part of the segment, plus zeros
let used: number;
let original: WalLog;
let dbFile: string;
let dir: string;
const cleanups: Array<() => unknown> = [];

before(async () => {
	const hooks = { after: (fn: () => unknown) => cleanups.push(fn) };
	dir = await tmpDir(hooks, 'wal-fuzz-');
	const etcd = await startEtcd(hooks, dir);
	for (let i = 0; i < 40; i++) await etcd.client.put(`by-dev/meta/k${i % 13}`, `value-${i}`);
	await etcd.client.deleteRange('by-dev/meta/k3');
	await etcd.kill9();
	dbFile = etcd.dbFile;
	const walDir = path.join(etcd.dataDir, 'member', 'wal');
	const name = readdirSync(walDir).find((f) => f.endsWith('.wal'))!;
	const full = readFileSync(path.join(walDir, name));
	original = readWalBuffers({ [NAME]: full });
	used = original.bytesRead;
	wal = Buffer.concat([full.subarray(0, used), Buffer.alloc(4096)]);
});
after(async () => {
	for (const fn of cleanups.reverse()) await fn();
});

/**
 * A log, or a one-line WalError. With `same`, entries a log returns must be entries of the original. (A bit flip
 * in a record's type is not covered by etcd's crc: a state record read as an entry cannot be caught, by etcd
 * either, so flips only check the shape of the log.)
 */
function readOrError(buf: Buffer, same = true): WalLog | WalError {
	try {
		const log = readWalBuffers({ [NAME]: buf });
		log.entries.forEach((e, i) =>
			assert.equal(e.index, log.entries[0]!.index + BigInt(i), 'entries are contiguous'),
		);
		if (same)
			for (const e of log.entries) {
				const o = original.entries[Number(e.index - original.entries[0]!.index)];
				assert.ok(o, `entry ${e.index} was not in the file`);
				assert.ok(o.data.equals(e.data) && o.term === e.term, `entry ${e.index} differs`);
			}
		return log;
	} catch (e) {
		assert.ok(e instanceof WalError, `not a WalError: ${e instanceof Error ? e.stack : e}`);
		assert.equal(e.message.split('\n').length, 1);
		return e;
	}
}

test('the intact WAL reads whole: entries, HardState, no torn tail', () => {
	assert.ok(original.entries.length > 40);
	assert.equal(original.torn, null);
	assert.ok(original.hardState.commit >= original.entries.at(-1)!.index);
	assert.equal(crc32c(0, Buffer.from('123456789')), 0xe3069283);
});

test('truncated anywhere: a torn tail is cut off (a prefix of the entries), never an exception', () => {
	fc.assert(
		fc.property(fc.integer({ min: 0, max: used }), (at) => {
			const r = readOrError(Buffer.concat([wal.subarray(0, at), Buffer.alloc(at % 3 ? 0 : 512)]));
			if (r instanceof WalError) return;
			assert.ok(r.entries.length <= original.entries.length);
		}),
		{ numRuns: 300 },
	);
});

test('a record cut by a crash (its last sector still zeros) is a torn tail, not corruption', () => {
	// Zero everything from the middle of the last record on, as a write that never reached the disk.
	const b = Buffer.from(wal);
	let off = 0;
	let prev = 0;
	while (off < used) {
		const top = b[off + 7]!;
		prev = off;
		off += 8 + b.readUInt32LE(off) + (top & 0x80 ? top & 0x7 : 0);
	}
	b.fill(0, prev + 8);
	const r = readOrError(b);
	assert.ok(!(r instanceof WalError), String(r));
	assert.ok(r.torn, 'torn tail reported');
	assert.equal(r.torn!.offset, prev);
});

test('bit flips: a log or one line naming the offset', () => {
	fc.assert(
		fc.property(
			fc.array(fc.tuple(fc.integer({ min: 0, max: used - 1 }), fc.integer({ min: 0, max: 7 })), {
				minLength: 1,
				maxLength: 4,
			}),
			(flips) => {
				const b = Buffer.from(wal);
				for (const [at, bit] of flips) b[at] = b[at]! ^ (1 << bit);
				const r = readOrError(b, false);
				if (r instanceof WalError) assert.match(r.message, /at offset \d+/);
			},
		),
		{ numRuns: 300 },
	);
});

test('a foreign file named like a segment: a clear error, or an empty log', () => {
	for (const foreign of [
		readFileSync(dbFile),
		Buffer.from('hello, this is not a WAL\n'.repeat(50)),
	]) {
		const r = readOrError(foreign);
		assert.ok(r instanceof WalError, 'a db or a text file is refused');
	}
	fc.assert(
		fc.property(fc.uint8Array({ minLength: 0, maxLength: 2048 }), (bytes) => {
			readOrError(Buffer.from(bytes));
		}),
		{ numRuns: 300 },
	);
});

test('entry data: a request, or a ProtoError', () => {
	fc.assert(
		fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
			try {
				decodeRequest(Buffer.from(bytes));
			} catch (e) {
				assert.ok(e instanceof ProtoError, String(e));
			}
		}),
		{ numRuns: 1000 },
	);
	// v2 requests as etcd 3.4 proposes them (SYNC, PUT of member attributes) are known and skipped.
	const v2 = (method: string) =>
		Buffer.concat([Buffer.from([0x08, 0x01, 0x12, method.length]), Buffer.from(method)]);
	for (const m of ['SYNC', 'PUT', 'POST', 'DELETE', 'QGET', 'GET'])
		assert.equal(decodeRequest(v2(m)).kind, 'v2', m);
});

test('the runbook: a damaged --wal is one warning line and an "unknown" verdict, never a stack', async () => {
	const bad = path.join(dir, 'bad-wal');
	mkdirSync(bad, { recursive: true });
	const b = Buffer.from(wal);
	b.fill(0xa5, 256, 256 + 4096);
	writeFileSync(path.join(bad, NAME), b);
	const r = await runCli(process.execPath, [RUNBOOK, '--db', dbFile, '--wal', bad, '--inspect'], {
		cwd: ROOT,
		env: { ...process.env, LANG: 'C' },
	});
	assert.equal(r.code, 0, r.stderr);
	const lines = (r.stdout + r.stderr).split('\n');
	const walLine = lines.filter((l) => /cannot be read/.test(l));
	assert.equal(walLine.length, 1, r.stdout + r.stderr);
	// The offset named is where the record holding the first damaged byte starts: 256 itself, or an earlier
	// record boundary (frames are 8-byte aligned), depending on the sizes of the records etcd wrote before it.
	const offset = Number(/bad-wal.*at offset (\d+)/.exec(walLine[0]!)?.[1] ?? NaN);
	assert.ok(offset > 0 && offset <= 256 && offset % 8 === 0, walLine[0]);
	assert.match(r.stdout + r.stderr, /writes possibly missing: unknown/);
	assert.ok(!(r.stdout + r.stderr).includes('    at '), 'no stack trace');
});
