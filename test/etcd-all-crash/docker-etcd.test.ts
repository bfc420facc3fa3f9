// The Docker Compose target reaches etcd only through `docker exec milvus-etcd etcdctl …`. Its client
// (lib/docker-etcd.mjs) must restore any bytes and read etcd back in pages, so the compose verify streams both
// the backup and etcd instead of holding either (issue 13, item 8). Here `docker exec <container>` is replaced
// by the real etcdctl pointed at a real etcd: the same argv after `etcdctl`, the same stdin.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { tmpDir } from '../../tools/support/tmp.ts';
import { ETCDCTL_BIN, prng, startEtcd } from '../../tools/support/etcd.ts';
import { dockerEtcd } from '../../runbooks/lib/docker-etcd.mjs';
import { compareWithBackup } from '../../runbooks/lib/etcd-all-crash-backup.mjs';
import {
	openBackup,
	remoteRecords,
	restoreKvs,
	writeBackup,
} from '../../runbooks/lib/etcd-backup.mjs';
import { openEtcdDb } from '../../runbooks/lib/mvcc.mjs';
import { run } from '../../runbooks/lib/shell.mjs';
import type { Context } from '../../runbooks/lib/runbook.mjs';

const cleanups: Array<() => unknown> = [];
const hooks = { after: (fn: () => unknown) => cleanups.push(fn) };
after(async () => {
	for (const fn of cleanups.reverse()) await fn();
});

/** A Context with just what the client and the comparison use; docker exec runs etcdctl against `endpoint`. */
function fakeContext(endpoint: string, calls: string[][]): Context {
	const docker = {
		run: (args: string[], options: { check?: boolean; input?: string } = {}) => {
			const at = args.indexOf('etcdctl');
			calls.push(args.slice(at + 1));
			return run([ETCDCTL_BIN, '--endpoints', endpoint, ...args.slice(at + 1)], {
				check: false,
				input: options.input,
			});
		},
	};
	return {
		t: (key: string, vars?: Record<string, unknown>) => `${key} ${JSON.stringify(vars ?? {})}`,
		docker,
	} as unknown as Context;
}

test('etcdctl through docker exec: any bytes restored, read back in pages, compared while streaming', async () => {
	const dir = await tmpDir(hooks, 'docker-etcd-');
	const rnd = prng(21);
	// Keys with bytes a shell or JSON would mangle: quotes, backslashes, newlines, 0x00 and 0xff.
	const odd = [
		Buffer.from('by-dev/meta/"quoted"\\'),
		Buffer.from([...Buffer.from('by-dev/meta/bin-'), 0x00, 0x0a, 0xff]),
	];
	const ops = [
		...odd.map((key) => ({ key, value: rnd(64) })),
		...Array.from({ length: 620 }, (_, i) => ({
			key: Buffer.from(`by-dev/meta/k/${String(i).padStart(4, '0')}`),
			value: rnd(i === 7 ? 900_000 : 40 + (i % 300)),
		})),
	];
	const source = await startEtcd(hooks, dir, 'source');
	await source.client.txnBatches(ops);
	// etcd commits its backend every 100 ms: wait past that, so the db (what a backup reads) has every key.
	await new Promise((r) => setTimeout(r, 500));
	await source.kill9();
	const out = path.join(dir, 'backup');
	const scan = await openEtcdDb(source.dbFile);
	try {
		await writeBackup(out, scan, { rootPath: 'by-dev' });
	} finally {
		scan.close();
	}

	const target = await startEtcd(hooks, dir, 'target');
	const calls: string[][] = [];
	const ctx = fakeContext(target.endpoint, calls);
	const client = dockerEtcd(ctx, 'milvus-etcd');
	const backup = await openBackup(out);
	const restored = await restoreKvs(client as never, backup);
	assert.equal(restored.written, ops.length);
	assert.equal(restored.readBack, ops.length);
	assert.equal(await client.count(), ops.length);

	// Page by page, the same keys and values in the same order as etcd's own range over HTTP.
	const served = (await target.client.getAll()).kvs;
	const paged: Array<{ key: Buffer; value: Buffer }> = [];
	calls.length = 0;
	for await (const kv of remoteRecords(client as never, { pageSize: 50 })) paged.push(kv);
	assert.equal(paged.length, served.length);
	paged.forEach((kv, i) => {
		assert.ok(kv.key.equals(served[i]!.key), `key ${i}`);
		assert.ok(kv.value.equals(served[i]!.value), `value of key ${i}`);
	});
	assert.equal(calls.length, Math.ceil(ops.length / 50), 'one etcdctl call per page');

	const same = await compareWithBackup(ctx, out, client as never);
	assert.equal(same.ok, true, same.text);
	assert.equal(same.count, ops.length);

	// A changed value and a missing key are found, and named.
	await target.client.put('by-dev/meta/k/0003', 'changed');
	await target.client.deleteRange('by-dev/meta/k/0005');
	const differs = await compareWithBackup(ctx, out, client as never);
	assert.equal(differs.ok, false);
	assert.match(differs.text, /"missing":1,"different":1/);
	assert.match(differs.text, /by-dev\/meta\/k\/0003/);
	// Once Milvus runs again it moves values on: then only missing keys count.
	const lenient = await compareWithBackup(ctx, out, client as never, { lenientValues: true });
	assert.match(lenient.text, /"missing":1,"different":0/);
});
