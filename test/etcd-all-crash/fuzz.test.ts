// Mutated and truncated db files: every one must end in a result or a clear BboltError/MvccError, with work
// bounded by the file size (each page visited at most once per meta), never a hang or a stray exception.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { tmpDir } from '../../tools/support/tmp.ts';
import { startEtcd, prng } from '../../tools/support/etcd.ts';
import {
	BboltError,
	openBbolt,
	fnv1a64,
	fnv1a64Reference,
	PAGE_HEADER_SIZE,
} from '../../runbooks/lib/bbolt.mjs';
import {
	MvccError,
	readMvcc,
	readEtcdDb,
	encodeKeyValue,
	decodeKeyValue,
} from '../../runbooks/lib/mvcc.mjs';

let base: Buffer;
let pageSize: number;
let expectedLive: number;
let beforeMarker: Array<{ key: Buffer; value: Buffer }>;
const cleanups: Array<() => unknown> = [];

before(async () => {
	const hooks = { after: (fn: () => unknown) => cleanups.push(fn) };
	const dir = await tmpDir(hooks, 'fuzz-');
	const etcd = await startEtcd(hooks, dir);
	const rnd = prng(99);
	const ops = [];
	for (let i = 0; i < 600; i++) {
		// A few large values force overflow pages; the rest fill several leaves under a branch.
		const size = i % 150 === 1 ? 9000 : 20 + (i % 90);
		ops.push({ key: Buffer.from(`by-dev/meta/fuzz/${i}`), value: rnd(size) });
	}
	await etcd.client.txnBatches(ops);
	await etcd.client.txnBatches(
		ops.filter((_, i) => i % 5 === 0).map((o) => ({ key: o.key, del: true })),
	);
	// etcd commits its bbolt batch every 100 ms: wait for it, remember what was served, then make exactly one
	// more commit (the marker), so the older meta page holds precisely the state served before the marker.
	await new Promise((r) => setTimeout(r, 400));
	beforeMarker = (await etcd.client.getAll()).kvs;
	expectedLive = beforeMarker.length + 1;
	await etcd.client.put('by-dev/meta/fuzz/marker', 'newest');
	await new Promise((r) => setTimeout(r, 400));
	await etcd.kill9();
	base = readFileSync(etcd.dbFile);
	const db = openBbolt(base);
	pageSize = db.pageSize;
	db.close();
});
after(async () => {
	for (const fn of cleanups.reverse()) await fn();
});

/** Parses a mutated file and checks the outcome is a result or a clear error, with bounded work. */
function check(buf: Buffer): 'ok' | 'error' {
	let db;
	try {
		db = openBbolt(buf);
	} catch (e) {
		assertClear(e);
		return 'error';
	}
	try {
		const state = readMvcc(db);
		// Bounded work: each page at most once per walk, one walk per bucket, at most one fallback.
		assert.ok(
			db.pagesRead <= 2 * 4 * (db.pageCount + 1),
			`read ${db.pagesRead} pages of ${db.pageCount}`,
		);
		// Bounded memory: results can only be made of bytes that are in the file.
		const bytes = state.kvs.reduce((n, kv) => n + kv.key.length + kv.value.length, 0);
		assert.ok(bytes <= buf.length, 'result larger than the file');
		return 'ok';
	} catch (e) {
		assertClear(e);
		return 'error';
	} finally {
		db.close();
	}
}

function assertClear(e: unknown): void {
	assert.ok(
		e instanceof BboltError || e instanceof MvccError,
		`unexpected ${(e as Error)?.name}: ${(e as Error)?.message}`,
	);
	assert.ok(e.message.length > 0 && !e.message.includes('\n'), 'error must be one line');
}

test('the unmodified file parses, with every live key, the same from disk as from memory', async (t) => {
	const state = readEtcdDb(base);
	assert.equal(state.kvs.length, expectedLive);
	assert.ok(pageSize >= 1024);
	// etcd's small buckets (meta, members, ...) are inline: reading consistent_index goes through one.
	assert.ok(state.consistentIndex !== null && state.consistentIndex > 0n);
	const db = openBbolt(base);
	const buckets = db.buckets();
	db.close();
	for (const b of ['key', 'meta', 'lease', 'members', 'cluster'])
		assert.ok(buckets.includes(b), `bucket ${b}`);
	// The file reader reuses one page buffer; overflow pages (the 9000-byte values) must still come out whole.
	const dir = await tmpDir(t, 'disk-');
	const file = path.join(dir, 'db');
	writeFileSync(file, base);
	const fromDisk = readEtcdDb(file);
	assert.equal(fromDisk.kvs.length, state.kvs.length);
	fromDisk.kvs.forEach((kv, i) => {
		assert.deepEqual(kv, state.kvs[i]);
	});
	assert.ok(state.kvs.some((kv) => kv.value.length === 9000));
	const wanted = new Map(beforeMarker.map((kv) => [kv.key.toString('latin1'), kv.value]));
	for (const kv of state.kvs) {
		const v = wanted.get(kv.key.toString('latin1'));
		if (v) assert.ok(v.equals(kv.value));
	}
});

test('fast FNV-1a matches the reference on random input', () => {
	fc.assert(
		fc.property(fc.uint8Array({ maxLength: 200 }), (a) => fnv1a64(a) === fnv1a64Reference(a)),
		{ seed: 1, numRuns: 300 },
	);
});

test('mvccpb.KeyValue encode/decode round trip, 64-bit fields exact', () => {
	fc.assert(
		fc.property(
			fc.uint8Array({ minLength: 1, maxLength: 40 }),
			fc.uint8Array({ maxLength: 60 }),
			fc.bigInt({ min: 0n, max: (1n << 63n) - 1n }),
			fc.bigInt({ min: 0n, max: (1n << 63n) - 1n }),
			(k, v, rev, lease) => {
				const kv = {
					key: Buffer.from(k),
					value: Buffer.from(v),
					createRevision: rev,
					modRevision: rev,
					version: 1n,
					lease,
				};
				const back = decodeKeyValue(encodeKeyValue(kv));
				assert.deepEqual(back.key, kv.key);
				assert.deepEqual(back.value, kv.value);
				assert.equal(back.modRevision, rev);
				assert.equal(back.lease, lease);
			},
		),
		{ seed: 2, numRuns: 300 },
	);
});

test('random byte flips anywhere end in a result or a clear error', () => {
	let errors = 0;
	fc.assert(
		fc.property(
			fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), {
				minLength: 1,
				maxLength: 12,
			}),
			(flips) => {
				const buf = Buffer.from(base);
				for (const [at, x] of flips) buf[at % buf.length] = buf[at % buf.length]! ^ x;
				if (check(buf) === 'error') errors++;
			},
		),
		{ seed: 3, numRuns: 1500 },
	);
	assert.ok(errors > 0, 'mutations never produced an error: the fuzzer is not reaching the parser');
});

test('page headers and element tables overwritten with random words', () => {
	const pages = Math.floor(base.length / pageSize);
	fc.assert(
		fc.property(
			fc.integer({ min: 2, max: pages - 1 }),
			fc.integer({ min: 0, max: 16 }),
			fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
			(page, slot, word) => {
				const buf = Buffer.from(base);
				// Slots 0-1 hit the header (id, flags/count/overflow); the rest hit element pos/ksize/pgid fields.
				buf.writeBigUInt64LE(word, page * pageSize + slot * 8);
				check(buf);
			},
		),
		{ seed: 4, numRuns: 1500 },
	);
});

test('truncated files end in a clear error, also when read from disk', async (t) => {
	fc.assert(
		fc.property(fc.integer({ min: 0, max: base.length - 1 }), (len) => {
			check(base.subarray(0, len));
		}),
		{ seed: 5, numRuns: 500 },
	);
	const dir = await tmpDir(t, 'trunc-');
	for (const len of [0, 10, pageSize, 2 * pageSize + 5, Math.floor(base.length / 2)]) {
		const file = path.join(dir, `db-${len}`);
		writeFileSync(file, base.subarray(0, len));
		try {
			// Half a file may still hold the whole older tree (a valid fallback); anything else must be a clear error.
			const state = readEtcdDb(file);
			assert.ok(state.bbolt.fellBack, `a ${len}-byte truncation parsed without falling back`);
		} catch (e) {
			assertClear(e);
		}
	}
	assert.throws(() => readEtcdDb(path.join(dir, 'missing')), /cannot open/);
});

test('a cycle in the tree is reported with the page, not followed', () => {
	const db = openBbolt(base);
	const keyBucket = db.entries([]).find((e) => e.bucket && e.key.toString() === 'key');
	db.close();
	const page = Number(keyBucket!.value.readBigUInt64LE(0));
	assert.equal(
		base.readUInt16LE(page * pageSize + 8),
		1,
		'fixture: the key bucket root should be a branch page',
	);
	const count = base.readUInt16LE(page * pageSize + 10);
	const buf = Buffer.from(base);
	// Point the branch's last child back at the branch itself.
	buf.writeBigUInt64LE(BigInt(page), page * pageSize + PAGE_HEADER_SIZE + (count - 1) * 16 + 8);
	const db2 = openBbolt(buf);
	assert.throws(
		() => db2.forEach(['key'], () => {}),
		(e: unknown) =>
			e instanceof BboltError &&
			e.message.includes(`page ${page}`) &&
			/twice|cycle/.test(e.message),
	);
	// The MVCC layer then falls back to the previous commit, whose tree does not contain the damaged page, and
	// says so; the marker written in the newest commit is therefore missing from that result.
	const state = readMvcc(db2);
	db2.close();
	assert.ok(state.bbolt.fellBack);
	assert.ok(
		state.bbolt.problems.some((p) => p.includes(`page ${page}`)),
		state.bbolt.problems.join('; '),
	);
	assert.equal(state.kvs.length, beforeMarker.length);
});

test('a corrupt newer meta falls back to the older one', () => {
	const db = openBbolt(base);
	const newer = db.meta.page;
	const older = 1 - newer;
	const olderTxid = db.metas[older]!.txid;
	db.close();
	const buf = Buffer.from(base);
	flip(buf, newer * pageSize + PAGE_HEADER_SIZE + 20); // inside the root pgid: checksum no longer matches
	const db2 = openBbolt(buf);
	assert.equal(db2.meta.page, older);
	assert.equal(db2.meta.txid, olderTxid);
	assert.match(db2.metas[newer]!.problem ?? '', /checksum/);
	const state = readMvcc(db2);
	db2.close();
	assert.ok(state.bbolt.problems.some((p) => p.includes(`meta page ${newer}`)));
	// The older meta is the commit before the marker: exactly what etcd served then.
	assert.equal(state.kvs.length, beforeMarker.length);
	state.kvs.forEach((kv, i) => {
		assert.deepEqual(kv.key, beforeMarker[i]!.key);
		assert.deepEqual(kv.value, beforeMarker[i]!.value);
	});
	assert.ok(readEtcdDb(base).kvs.some((kv) => kv.key.toString() === 'by-dev/meta/fuzz/marker'));
	// Both metas broken: a clear error, not a guess.
	flip(buf, older * pageSize + PAGE_HEADER_SIZE + 20);
	assert.throws(() => openBbolt(buf), /no valid meta page/);
});

test('the page size comes from the meta: a db re-laid at 8 KiB pages still parses', () => {
	// Every page moves to id*8192; page ids, flags and offsets within pages are unchanged, only the meta's
	// pageSize (and its checksum) differ, which is exactly what a db created on a 64 KiB-page host looks like.
	const pages = Math.floor(base.length / pageSize);
	const big = 8192;
	const out = Buffer.alloc(pages * big);
	for (let p = 0; p < pages; p++) base.copy(out, p * big, p * pageSize, (p + 1) * pageSize);
	// Overflow spans must stay contiguous: copy spans, not single pages, by re-laying each page's overflow too.
	for (let p = 0; p < pages; p++) {
		const ov = base.readUInt32LE(p * pageSize + 12);
		const flags = base.readUInt16LE(p * pageSize + 8);
		if (
			(flags === 1 || flags === 2) &&
			ov > 0 &&
			base.readBigUInt64LE(p * pageSize) === BigInt(p)
		) {
			const span = base.subarray(p * pageSize, (p + 1 + ov) * pageSize);
			// The span now needs (ov+1)*4096 bytes inside a page that is 8192 long per overflow unit: fits.
			span.copy(out, p * big);
		}
	}
	for (const m of [0, 1]) {
		const at = m * big + PAGE_HEADER_SIZE;
		out.writeUInt32LE(big, at + 8);
		out.writeBigUInt64LE(fnv1a64(out.subarray(at, at + 56)), at + 56);
	}
	const db = openBbolt(out);
	assert.equal(db.pageSize, big);
	db.close();
	assert.equal(readEtcdDb(out).kvs.length, expectedLive);
});

function flip(buf: Buffer, at: number): void {
	buf[at] = buf[at]! ^ 0x40;
}
