import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { createCompose, stopAll } from '../../tools/standin/index.mjs';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'standin-docker-'));
after(async () => {
	await stopAll();
	fs.rmSync(tmp, { recursive: true, force: true });
});

describe('docker compose standalone model', () => {
	test('milvus-etcd is a real etcd that docker can stop, start, exec into and copy from', async () => {
		const d = await createCompose();
		const ps = await d.docker(['ps', '--format', '{{.Names}} {{.State}}']);
		assert.equal(
			ps.stdout,
			'milvus-etcd running\nmilvus-minio running\nmilvus-standalone running\n',
		);

		const put = await d.docker(['exec', 'milvus-etcd', 'etcdctl', 'put', 'by-dev/kv/x', 'hello']);
		assert.equal(put.stdout, 'OK\n');
		const getValue = () =>
			d.docker(['exec', 'milvus-etcd', 'etcdctl', 'get', 'by-dev/kv/x', '--print-value-only']);
		assert.equal((await getValue()).stdout, 'hello\n');

		assert.equal((await d.docker(['stop', 'milvus-etcd'])).stdout, 'milvus-etcd\n');
		const down = await d.docker(['exec', 'milvus-etcd', 'etcdctl', 'endpoint', 'health']);
		assert.equal(down.code, 1);
		assert.match(
			down.stderr,
			/^Error response from daemon: container [0-9a-f]{64} is not running\n$/,
		);
		assert.match((await d.docker(['ps', '-a'])).stdout, /Exited \(0\) .* milvus-etcd/);
		assert.equal(
			(await d.docker(['inspect', '--format', '{{.State.Status}}', 'milvus-etcd'])).stdout,
			'exited\n',
		);

		const db = path.join(tmp, 'db');
		assert.equal((await d.docker(['cp', 'milvus-etcd:/etcd/member/snap/db', db])).code, 0);
		assert.ok(
			fs
				.readFileSync(db)
				.equals(fs.readFileSync(path.join(d.dir, 'volumes', 'etcd', 'member', 'snap', 'db'))),
		);

		assert.equal((await d.docker(['start', 'milvus-etcd'])).code, 0);
		let again = '';
		for (let i = 0; i < 50 && again !== 'hello\n'; i++) {
			again = (await getValue()).stdout;
			if (again !== 'hello\n') await new Promise((r) => setTimeout(r, 200));
		}
		assert.equal(again, 'hello\n');
		const logs = await d.docker(['logs', '--tail', '50', 'milvus-etcd']);
		assert.match(logs.stderr, /"msg":"serving client traffic insecurely/);
		await d.setContainer('milvus-standalone', {
			logs: '[2024/11/28 07:00:00.000 +00:00] [ERROR] [server] ["Milvus exited"]\n',
			exitCode: 1,
		});
		assert.match((await d.docker(['ps', '-a'])).stdout, /Exited \(1\) .* milvus-standalone/);
		assert.equal((await d.docker(['ps'])).stdout.includes('milvus-standalone'), false);
		const sl = await d.docker(['logs', 'milvus-standalone']);
		assert.equal(
			sl.stdout,
			'[2024/11/28 07:00:00.000 +00:00] [ERROR] [server] ["Milvus exited"]\n',
		);
		const nope = await d.docker(['logs', 'milvus-nothing']);
		assert.equal(nope.stderr, 'Error response from daemon: No such container: milvus-nothing\n');
		await d.stop();
		assert.throws(() => process.kill(d.pid, 0), /ESRCH/);
	});
});
