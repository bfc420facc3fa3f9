import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { createDocker } from '../../runbooks/lib/docker.mjs';
import { StepFailedError } from '../../runbooks/lib/exit.mjs';
import { sandbox, pathWithoutKubectl, dockerEngine } from './helpers.ts';

test('docker wrapper: ps rows, inspect object or null, logs with stderr, failures in one line', async (t) => {
	const sb = await sandbox(t);
	const engine = await dockerEngine(t, sb.dir, [
		{
			name: 'milvus-etcd',
			image: 'quay.io/coreos/etcd:v3.5.5',
			command: ['etcd'],
			state: 'running',
			createdAgo: 200,
			startedAgo: 180,
		},
		{
			name: 'milvus-standalone',
			image: 'milvusdb/milvus:v2.4.5',
			command: ['milvus', 'run', 'standalone'],
			state: 'exited',
			exitCode: 1,
			createdAgo: 190,
			finishedAgo: 120,
			logs: { stdout: 'milvus starting\n', stderr: 'panic: etcd health check failed\n' },
		},
	]);
	// The wrapper runs the real docker CLI, found on PATH, against the engine stand-in.
	for (const [k, v] of Object.entries({ ...sb.env, DOCKER_HOST: engine.host })) process.env[k] = v;
	const docker = createDocker({ check: true });
	const rows = await docker.ps();
	assert.deepEqual(
		rows.map((r) => [r.Names, r.State, r.Status]),
		[
			['milvus-standalone', 'exited', 'Exited (1) 2 minutes ago'],
			['milvus-etcd', 'running', 'Up 3 minutes'],
		],
	);
	assert.deepEqual(
		(await docker.ps('name=standalone')).map((r) => r.Names),
		['milvus-standalone'],
	);
	assert.equal((await docker.inspect('milvus-standalone'))?.State?.ExitCode, 1);
	assert.equal(await docker.inspect('nope'), null);
	assert.equal(
		await docker.logs('milvus-standalone', { tail: 200 }),
		'milvus starting\npanic: etcd health check failed\n',
	);
	assert.equal(
		await docker.logs('milvus-standalone', { tail: 1 }),
		'panic: etcd health check failed\n',
	);
	await assert.rejects(
		docker.logs('nope'),
		(e: unknown) =>
			e instanceof StepFailedError &&
			e.message ===
				'docker logs nope exited with code 1: Error response from daemon: No such container: nope',
	);
	const requests = engine.requests.filter((r) => r.path !== '/_ping');
	// `{{json .}}` holds .Size, so the CLI asks for sizes too.
	assert.deepEqual(requests[0], {
		method: 'GET',
		path: '/containers/json',
		query: { all: '1', size: '1' },
		container: null,
	});
	assert.ok(
		requests.some(
			(r) =>
				r.container === 'milvus-standalone' && r.path.endsWith('/logs') && r.query.tail === '200',
		),
	);
	assert.ok(requests.every((r) => r.method === 'GET'));
});

test('docker wrapper: a daemon that is not running fails in one line', async (t) => {
	const sb = await sandbox(t);
	const host = `unix://${path.join(sb.dir, 'no-daemon.sock')}`;
	for (const [k, v] of Object.entries({ ...sb.env, DOCKER_HOST: host })) process.env[k] = v;
	await assert.rejects(
		createDocker().ps(),
		(e: unknown) =>
			e instanceof StepFailedError &&
			e.message ===
				`docker ps -a --format '{{json .}}' exited with code 1: Cannot connect to the Docker daemon at ${host}. Is the docker daemon running?`,
	);
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
