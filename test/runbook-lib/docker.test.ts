import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { createDocker } from '../../runbooks/lib/docker.mjs';
import { StepFailedError } from '../../runbooks/lib/exit.mjs';
import { sandbox, pathWithoutKubectl } from './helpers.ts';

test('docker wrapper: ps rows, inspect object or null, logs with stderr, failures in one line', async (t) => {
	const sb = await sandbox(t);
	const log = path.join(sb.dir, 'docker.log');
	for (const [k, v] of Object.entries({ ...sb.env, FAKE_DOCKER_LOG: log })) process.env[k] = v;
	const docker = createDocker({ check: true });
	const rows = await docker.ps();
	assert.deepEqual(
		rows.map((r) => r.Names),
		['milvus-standalone', 'milvus-etcd'],
	);
	assert.equal((await docker.inspect('milvus-standalone'))?.State?.ExitCode, 1);
	assert.equal(await docker.inspect('nope'), null);
	assert.equal(
		await docker.logs('milvus-standalone', { tail: 200 }),
		'milvus starting\npanic: etcd health check failed\n',
	);
	await assert.rejects(
		docker.logs('nope'),
		(e: unknown) =>
			e instanceof StepFailedError &&
			e.message ===
				'docker logs nope exited with code 1: Error response from daemon: No such container: nope',
	);
	const calls = readFileSync(log, 'utf8')
		.trim()
		.split('\n')
		.map((l) => JSON.parse(l) as string[]);
	assert.deepEqual(calls[0], ['ps', '-a', '--format', '{{json .}}']);
	assert.deepEqual(calls[3], ['logs', 'milvus-standalone', '--tail', '200']);
});

test('a missing docker is named in one line (exit 1)', async (t) => {
	const sb = await sandbox(t);
	process.env.PATH = pathWithoutKubectl(sb.dir);
	assert.throws(
		() => createDocker({ check: true, lang: 'id' }),
		(e: unknown) =>
			e instanceof StepFailedError &&
			e.code === 1 &&
			e.message.startsWith('docker tidak ditemukan di PATH'),
	);
});
