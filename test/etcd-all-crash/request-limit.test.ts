// Restore under etcd's request limit, on a real etcd started with a small --max-request-bytes so the property
// runs fast: every record the proof accepts is written and read back byte-equal (big values alone in their
// transaction), and it refuses only records within a few dozen bytes of the limit or over it.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import fc from 'fast-check';
import { tmpDir } from '../../tools/support/tmp.ts';
import { startEtcd } from '../../tools/support/etcd.ts';
import { fitsOneRequest, txnOpBytes, txnRequestBytes } from '../../runbooks/lib/etcd-http.mjs';
import { restoreKvs } from '../../runbooks/lib/etcd-backup.mjs';
import { proveRestorable } from '../../runbooks/lib/etcd-restore-proof.mjs';

const cleanups: Array<() => unknown> = [];
const hooks = { after: (fn: () => unknown) => cleanups.push(fn) };
after(async () => {
	for (const fn of cleanups.reverse()) await fn();
});

const LIMIT = 8192;
const kv = (key: string, size: number, seed: number) => ({
	key: Buffer.from(key),
	value: Buffer.alloc(size, seed & 0xff),
	createRevision: 1n,
	modRevision: 1n,
	version: 1n,
	lease: 0n,
});

test('values up to the request limit restore; the proof refuses exactly what etcd would', async () => {
	const dir = await tmpDir(hooks, 'request-limit-');
	const etcd = await startEtcd(hooks, path.join(dir, 'e'), 'default', [
		'--max-request-bytes',
		String(LIMIT),
	]);
	let round = 0;
	await fc.assert(
		fc.asyncProperty(
			fc.array(fc.integer({ min: 0, max: LIMIT }), { minLength: 1, maxLength: 12 }),
			async (sizes) => {
				round++;
				await etcd.client.deleteRange(Buffer.from([0]), Buffer.from([0]));
				const kvs = sizes.map((size, i) => kv(`by-dev/meta/r${round}/k${i}`, size, i + round));
				const proof = proveRestorable({ manifest: {}, kvs }, { maxRequestBytes: LIMIT });
				const fits = kvs.filter((x) => fitsOneRequest(x.key.length, x.value.length, LIMIT));
				assert.equal(proof.ok, fits.length === kvs.length);
				assert.equal(proof.largestValueBytes, Math.max(...sizes));
				const r = await restoreKvs(etcd.client, fits, { maxRequestBytes: LIMIT });
				assert.equal(r.readBack, fits.length);
				// The proof refuses only records at the limit (within the framing it counts), never smaller ones.
				for (const x of kvs.filter((y) => !fits.includes(y)))
					assert.ok(x.key.length + x.value.length > LIMIT - 100, `${x.value.length} refused`);
			},
		),
		{ numRuns: 25, seed: 13 },
	);
});

test('the boundary: one byte more than fits is refused by the proof, the largest that fits restores', async () => {
	const dir = await tmpDir(hooks, 'request-edge-');
	const etcd = await startEtcd(hooks, path.join(dir, 'e'), 'default', [
		'--max-request-bytes',
		String(LIMIT),
	]);
	const key = 'by-dev/edge';
	let size = LIMIT;
	while (!fitsOneRequest(key.length, size, LIMIT)) size--;
	assert.ok(txnRequestBytes(txnOpBytes(key.length, size)) <= LIMIT);
	await restoreKvs(etcd.client, [kv(key, size, 1)], { maxRequestBytes: LIMIT });
	// Over the limit etcd itself says no: the limit the proof enforces is real.
	await assert.rejects(etcd.client.put(key, Buffer.alloc(LIMIT + 1)), /request is too large/);
	const tooBig = proveRestorable(
		{ manifest: {}, kvs: [kv(key, size + 1, 1)] },
		{ maxRequestBytes: LIMIT },
	);
	assert.equal(tooBig.ok, false);
	assert.equal(tooBig.problems[0]?.key, 'proofTooBig');
	const empty = proveRestorable({ manifest: {}, kvs: [] });
	assert.deepEqual(
		empty.problems.map((p) => p.key),
		['proofEmpty'],
	);
	const lying = proveRestorable({ manifest: { largestValueBytes: 10 }, kvs: [kv(key, 11, 1)] });
	assert.deepEqual(
		lying.problems.map((p) => p.key),
		['proofLargest'],
	);
});
