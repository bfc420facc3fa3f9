// The streaming backup: pass 1 keeps where each key's latest row is, pass 2 decodes one record at a time
// through a bounded page cache; records are parsed back without JSON.parse when they have the shape this
// module writes, and two sorted streams are compared without holding either.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs, { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { tmpDir } from '../../tools/support/tmp.ts';
import { startEtcd, prng } from '../../tools/support/etcd.ts';
import {
	latestRevision,
	latestRevisionAsync,
	openEtcdDb,
	readEtcdDb,
	type KeyValue,
} from '../../runbooks/lib/mvcc.mjs';
import {
	compareKvs,
	compareStreams,
	encodeBase64,
	openBackup,
	parseRecord,
	recordLine,
	writeBackup,
} from '../../runbooks/lib/etcd-backup.mjs';
import { DEFAULT_MAX_REQUEST_BYTES } from '../../runbooks/lib/etcd-http.mjs';

const cleanups: Array<() => unknown> = [];
const hooks = { after: (fn: () => unknown) => cleanups.push(fn) };
after(async () => {
	for (const fn of cleanups.reverse()) await fn();
});

const int64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
const kvArb = fc.record({
	key: fc.uint8Array({ minLength: 1, maxLength: 300 }).map((a) => Buffer.from(a)),
	// Mostly small, sometimes up to etcd's default request limit.
	value: fc
		.oneof(
			{ weight: 8, arbitrary: fc.integer({ min: 0, max: 4096 }) },
			{ weight: 1, arbitrary: fc.integer({ min: 0, max: DEFAULT_MAX_REQUEST_BYTES }) },
		)
		.chain((n) => fc.integer().map((seed) => prng(seed >>> 0 || 1)(n))),
	createRevision: int64,
	modRevision: int64,
	version: int64,
	lease: int64,
});

test('record lines parse back exactly, by the fast reader and by the general one', () => {
	fc.assert(
		fc.property(kvArb, (kv: KeyValue) => {
			const line = recordLine(kv).trimEnd();
			const fast = parseRecord(line);
			// A space after the brace is valid JSON the fast reader does not take: the general parser reads it.
			const general = parseRecord(line.replace('{"key"', '{ "key"'));
			for (const got of [fast, general]) {
				assert.ok(got.key.equals(kv.key));
				assert.ok(got.value.equals(kv.value));
				assert.equal(got.createRevision, kv.createRevision);
				assert.equal(got.modRevision, kv.modRevision);
				assert.equal(got.version, kv.version);
				assert.equal(got.lease, kv.lease);
			}
		}),
		{ numRuns: 60 },
	);
	// A character outside base64 in a value is an error, not a silently shorter value.
	const line = recordLine({
		key: Buffer.from('k'),
		value: Buffer.from('hello world'),
		createRevision: 1n,
		modRevision: 1n,
		version: 1n,
		lease: 0n,
	}).trimEnd();
	assert.throws(() => parseRecord(line.replace('"aGVs', '"a#Vs')), /"value" must be base64/);
});

test("the writer's base64 is Node's, byte for byte, at any place in a buffer", () => {
	fc.assert(
		fc.property(
			fc.uint8Array({ maxLength: 3000 }),
			fc.nat({ max: 7 }),
			fc.nat({ max: 7 }),
			(bytes, from, at) => {
				const src = Buffer.from(bytes);
				const start = Math.min(from, src.length);
				const end = start + Math.floor((src.length - start) / 3) * 3;
				const dst = Buffer.alloc(at + 4100, 0x2a);
				const stop = encodeBase64(src, start, end, dst, at);
				assert.equal(stop, at + ((end - start) / 3) * 4);
				assert.equal(dst.toString('latin1', at, stop), src.subarray(start, end).toString('base64'));
				assert.ok(
					dst.subarray(0, at).every((b) => b === 0x2a) && dst[stop] === 0x2a,
					'nothing written outside',
				);
			},
		),
		{ numRuns: 300 },
	);
	// Every 12-bit pair of characters at least once.
	const all = Buffer.from(Array.from({ length: 3 * 4096 }, (_, i) => (i * 97) & 0xff));
	for (let i = 0; i < 4096; i++) all.writeUIntBE(i * 4096 + ((i * 2731) & 0xfff), i * 3, 3);
	const out = Buffer.alloc((all.length / 3) * 4);
	encodeBase64(all, 0, all.length, out, 0);
	assert.equal(out.toString('latin1'), all.toString('base64'));
});

async function* of(kvs: Array<{ key: Buffer; value: Buffer }>) {
	yield* kvs;
}

test('comparing streams: the same counts as in memory, sorted or not', async () => {
	const pairs = fc.array(
		fc.record({
			key: fc.uint8Array({ minLength: 1, maxLength: 4 }).map((a) => Buffer.from(a)),
			value: fc.uint8Array({ maxLength: 2 }).map((a) => Buffer.from(a)),
		}),
		{ maxLength: 40 },
	);
	const unique = (xs: Array<{ key: Buffer; value: Buffer }>) => {
		const m = new Map(xs.map((x) => [x.key.toString('latin1'), x]));
		return [...m.values()];
	};
	await fc.assert(
		fc.asyncProperty(pairs, pairs, fc.boolean(), async (a0, b0, sort) => {
			const a = unique(a0);
			const b = unique(b0);
			if (sort) for (const xs of [a, b]) xs.sort((x, y) => Buffer.compare(x.key, y.key));
			const want = compareKvs(a, b);
			const got = await compareStreams(
				() => of(a),
				() => of(b),
			);
			assert.equal(got.missing, want.missing.length);
			assert.equal(got.different, want.different.length);
			assert.equal(got.extra, want.extra.length);
			assert.equal(got.actual, b.length);
		}),
		{ numRuns: 200 },
	);
});

test('a db streams record by record: same records as the in-memory read, page cache bounded', async () => {
	const dir = await tmpDir(hooks, 'stream-');
	const etcd = await startEtcd(hooks, dir);
	const rnd = prng(9);
	const ops = Array.from({ length: 600 }, (_, i) => ({
		key: Buffer.from(`by-dev/meta/s/${(i * 7919) % 600}`),
		value: rnd(i % 100 === 0 ? 1_400_000 : 200 + (i % 900)),
	}));
	await etcd.client.txnBatches(ops, { concurrency: 2 });
	// History rows and tombstones: overwrites and deletes.
	await etcd.client.txnBatches(
		ops.filter((_, i) => i % 3 === 0).map((o) => ({ key: o.key, value: rnd(300) })),
	);
	for (let i = 0; i < 20; i++) await etcd.client.deleteRange(`by-dev/meta/s/${i}`);
	await etcd.kill9();

	const whole = readEtcdDb(etcd.dbFile);
	// The newest revision read without the values (pick-newest, the survivor check) is the full read's.
	assert.equal(latestRevision(etcd.dbFile), whole.revision);
	assert.equal(await latestRevisionAsync(etcd.dbFile), whole.revision);
	const scan = await openEtcdDb(etcd.dbFile);
	try {
		assert.equal(scan.stats.live, whole.kvs.length);
		// The db trails the WAL by etcd's backend batch interval, so none, some or all of the deletes may be in it.
		assert.ok(scan.stats.live >= 580 && scan.stats.live <= 600, String(scan.stats.live));
		const streamed: KeyValue[] = [];
		for await (const kv of scan.records()) streamed.push(kv);
		const d = compareKvs(whole.kvs, streamed);
		assert.deepEqual([d.missing.length, d.different.length, d.extra.length], [0, 0, 0]);
		assert.deepEqual(
			streamed.map((kv) => kv.key.toString('latin1')),
			whole.kvs.map((kv) => kv.key.toString('latin1')),
			'key order',
		);
		assert.ok(scan.cacheBytes <= 8 * 1024 * 1024, `page cache ${scan.cacheBytes} bytes`);

		const out = path.join(dir, 'backup');
		const manifest = await writeBackup(out, scan, { rootPath: 'by-dev' });
		assert.equal(manifest.records.count, whole.kvs.length);
		assert.equal(manifest.records.largestValueBytes, 1_400_000);
		let seen = 0;
		const opened = await openBackup(out, { onRecord: () => seen++ });
		assert.equal(seen, whole.kvs.length);
		assert.equal(opened.count, whole.kvs.length);
		const back = await compareStreams(
			() => scan.records(),
			() => opened.records(),
		);
		assert.deepEqual([back.missing, back.different, back.extra], [0, 0, 0]);
	} finally {
		scan.close();
	}
});

test('records larger than the write and read buffers, and lines in every shape, come back exactly', async () => {
	const dir = await tmpDir(hooks, 'stream-big-');
	const rnd = prng(5);
	// 5 MiB and 9 MiB values: their lines (7 and 12 MiB of base64) span several 4 MiB write buffers and
	// grow the 4 MiB read buffer; the small ones around them share buffers with the ends of the big lines.
	const sizes = [0, 3, 5 * 1024 * 1024, 10, 4 * 1024 * 1024 - 100, 9 * 1024 * 1024, 1];
	const kvs: KeyValue[] = sizes.map((n, i) => ({
		key: Buffer.from(`by-dev/meta/big/${i}`),
		value: rnd(n),
		createRevision: BigInt(i + 1),
		modRevision: 2n ** 62n + BigInt(i),
		version: BigInt(i),
		lease: 0n,
	}));
	const state = stateOf(kvs);
	const out = path.join(dir, 'backup');
	const manifest = await writeBackup(out, state, { rootPath: 'by-dev' });
	assert.equal(manifest.records.count, kvs.length);
	assert.equal(manifest.records.largestValueBytes, 9 * 1024 * 1024);
	const text = readFileSync(path.join(out, 'kvs.jsonl'), 'latin1');
	assert.equal(text, kvs.map(recordLine).join(''), 'the file is the record lines, byte for byte');
	assert.equal(createHash('sha256').update(text, 'latin1').digest('hex'), manifest.records.sha256);
	const back: KeyValue[] = [];
	for await (const kv of (await openBackup(out)).records()) back.push(kv);
	assert.equal(back.length, kvs.length);
	back.forEach((kv, i) => {
		const want = kvs[i]!;
		assert.ok(kv.key.equals(want.key) && kv.value.equals(want.value), `record ${i}`);
		assert.deepEqual(
			[kv.createRevision, kv.modRevision, kv.version, kv.lease],
			[want.createRevision, want.modRevision, want.version, want.lease],
		);
	});

	// A file written by hand: a space after the brace (the general parser), a blank line, CRLF line ends and
	// no newline at the end read the same as the exact shape; a bad character in a value is still an error.
	const lines = kvs.slice(0, 4).map((kv) => recordLine(kv).trimEnd());
	const hand = path.join(dir, 'hand');
	const write = (body: string) => {
		rmSync(hand, { recursive: true, force: true });
		mkdirSync(hand);
		writeFileSync(path.join(hand, 'kvs.jsonl'), body, 'latin1');
		const m = {
			...manifest,
			records: {
				...manifest.records,
				count: 4,
				sha256: createHash('sha256').update(body, 'latin1').digest('hex'),
			},
		};
		writeFileSync(path.join(hand, 'manifest.json'), JSON.stringify(m));
	};
	write(
		`${lines[0]!.replace('{"key"', '{ "key"')}\n\n${lines[1]}\r\n${lines[2]}\n   \n${lines[3]}`,
	);
	const opened = await openBackup(hand);
	const got: KeyValue[] = [];
	for await (const kv of opened.records()) got.push(kv);
	assert.deepEqual(
		got.map((kv) => [kv.key.toString(), kv.value.length]),
		kvs.slice(0, 4).map((kv) => [kv.key.toString(), kv.value.length]),
	);
	assert.ok(got[2]!.value.equals(kvs[2]!.value));
	write(lines.join('\n').replace('","lease":0}', '#","lease":0}'));
	await assert.rejects(openBackup(hand), /line 1: "value" must be base64/);
});

/** An in-memory key space, as writeBackup takes it. */
function stateOf(kvs: KeyValue[]) {
	return {
		kvs,
		revision: 10n,
		compactRevision: null,
		consistentIndex: null,
		stats: {
			rows: kvs.length,
			tombstones: 0,
			keys: kvs.length,
			live: kvs.length,
			deleted: 0,
			leased: 0,
		},
		bbolt: { page: 0, txid: 1n, pageSize: 4096, fellBack: false, problems: [] },
	};
}

test('a backup whose file or lines are not what was written is refused, and nothing of it is left', async () => {
	const dir = await tmpDir(hooks, 'stream-bad-');
	const rnd = prng(3);
	// Enough lines to fill several write buffers, so the damage lands away from the first one.
	const kvs: KeyValue[] = Array.from({ length: 9000 }, (_, i) => ({
		key: Buffer.from(`by-dev/meta/s/${String(i).padStart(5, '0')}`),
		value: rnd(1000 + (i % 2000)),
		createRevision: BigInt(i + 1),
		modRevision: BigInt(i + 1),
		version: 1n,
		lease: 0n,
	}));
	// What reaches the disk is not what was checked (a bad disk, another process): one full write buffer
	// goes out with one base64 character of a value changed, while the hashing thread checks the buffer as
	// made. Every line still parses; only the read-back from disk sees it. (Changed in a copy at write time,
	// so no thread can have read the file before the damage.)
	const writeSync = fs.writeSync;
	const changed = path.join(dir, 'changed', 'backup');
	let damaged = false;
	const damaging = (fd: number, data: NodeJS.ArrayBufferView, offset?: number, length?: number) => {
		const buffer = Buffer.isBuffer(data) ? data : null;
		if (
			!damaged &&
			buffer &&
			buffer.length >= 1 << 20 &&
			offset !== undefined &&
			length !== undefined
		) {
			const at = buffer.indexOf(',"value":"', offset + Math.floor(length / 2)) + 20;
			if (at > 20 && at < offset + length) {
				damaged = true;
				const copy = Buffer.from(buffer);
				copy[at] = copy[at] === 0x41 ? 0x42 : 0x41;
				return writeSync(fd, copy, offset, length);
			}
		}
		return writeSync(fd, data, offset, length);
	};
	(fs as { writeSync: unknown }).writeSync = damaging;
	try {
		await assert.rejects(
			writeBackup(changed, stateOf(kvs), { rootPath: 'by-dev' }),
			(e: Error & { key?: string }) => e.key === 'checksumMismatch',
		);
	} finally {
		fs.writeSync = writeSync;
	}
	assert.ok(damaged, 'no full write buffer went to disk');
	assert.equal(existsSync(path.join(dir, 'changed')), false, 'the folders it made are gone');

	// A record whose line the restore would not read (etcd has no empty key): refused before a manifest exists.
	const bad = [...kvs];
	bad.splice(5000, 0, { ...kvs[0]!, key: Buffer.alloc(0) });
	const badDir = path.join(dir, 'bad');
	await assert.rejects(
		writeBackup(badDir, stateOf(bad), { rootPath: 'by-dev' }),
		(e: Error & { key?: string; vars?: Record<string, unknown> }) =>
			e.key === 'badRecord' && e.vars?.line === 5001,
	);
	assert.equal(existsSync(badDir), false);

	// Undamaged, the same records make a backup that opens.
	const good = path.join(dir, 'good');
	const manifest = await writeBackup(good, stateOf(kvs), { rootPath: 'by-dev' });
	assert.equal(manifest.records.count, kvs.length);
	assert.equal((await openBackup(good)).count, kvs.length);
});
