import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { createCompose, stopAll } from '../../tools/standin/index.mjs';
import {
	scenarioFromSpec,
	serveDockerEngine,
	type DockerEngine,
} from '../../tools/standin/lib/docker-engine.mjs';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'standin-docker-'));
after(async () => {
	await stopAll();
	fs.rmSync(tmp, { recursive: true, force: true });
});

interface Run {
	code: number;
	stdout: string;
	stderr: string;
}

/** The real docker CLI against `host`, with a HOME of its own. */
function docker(host: string, args: string[]): Promise<Run> {
	const home = path.join(tmp, 'home');
	fs.mkdirSync(home, { recursive: true });
	return new Promise((resolve) => {
		execFile(
			'docker',
			args,
			{ env: { PATH: process.env.PATH ?? '', HOME: home, DOCKER_HOST: host }, timeout: 60_000 },
			(err, stdout, stderr) => {
				const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
				resolve({ code, stdout: String(stdout), stderr: String(stderr) });
			},
		);
	});
}

/** One raw request on the engine's socket. */
function raw(
	engine: DockerEngine,
	method: string,
	urlPath: string,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
	return new Promise((resolve, reject) => {
		const req = http.request({ socketPath: engine.socketPath, method, path: urlPath }, (res) => {
			let body = '';
			res.setEncoding('utf8').on('data', (d: string) => (body += d));
			res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
		});
		req.on('error', reject);
		req.end();
	});
}

describe('docker compose standalone model, through the real docker CLI', () => {
	test('ps, inspect, logs, exec, stop and start on a real etcd; errors in docker words', async () => {
		const d = await createCompose();
		const host = String(d.env.DOCKER_HOST);
		assert.equal(host, `unix://${path.join(d.dir, 'docker.sock')}`);
		const run = (args: string[]) => d.docker(args);

		const ps = await run(['ps', '-a', '--format', '{{.Names}} {{.State}} {{.Image}}']);
		assert.equal(ps.code, 0, ps.stderr);
		assert.equal(
			ps.stdout,
			'milvus-standalone running milvusdb/milvus:v2.4.15\n' +
				'milvus-minio running minio/minio:RELEASE.2023-03-20T20-16-18Z\n' +
				'milvus-etcd running quay.io/coreos/etcd:v3.5.5\n',
		);
		const rows = (await run(['ps', '--format', '{{json .}}'])).stdout
			.trim()
			.split('\n')
			.map((l) => JSON.parse(l) as Record<string, string>);
		const etcdRow = rows.find((r) => r.Names === 'milvus-etcd');
		assert.match(etcdRow?.Status ?? '', /^Up .*\((healthy|health: starting)\)$/);
		assert.equal(etcdRow?.Ports, '2379-2380/tcp');
		assert.match(etcdRow?.Labels ?? '', /com\.docker\.compose\.service=etcd/);
		assert.equal(
			rows.find((r) => r.Names === 'milvus-standalone')?.Ports,
			'0.0.0.0:9091->9091/tcp, [::]:9091->9091/tcp, 0.0.0.0:19530->19530/tcp, [::]:19530->19530/tcp',
		);
		const table = (await run(['ps', '-a', '--filter', 'name=milvus-et'])).stdout.split('\n');
		assert.match(table[0] ?? '', /^CONTAINER ID {3}IMAGE {2,}COMMAND {2,}CREATED {2,}STATUS/);
		assert.match(
			table[1] ?? '',
			/^[0-9a-f]{12} {3}quay\.io\/coreos\/etcd:v3\.5\.5 +"etcd -advertise-cli…"/,
		);
		assert.equal(table.length, 3);

		const inspect = JSON.parse((await run(['inspect', 'milvus-etcd'])).stdout);
		assert.equal(inspect.length, 1);
		const c = inspect[0];
		assert.match(c.Id, /^[0-9a-f]{64}$/);
		assert.equal(c.Name, '/milvus-etcd');
		assert.equal(c.State.Status, 'running');
		assert.equal(c.State.Running, true);
		assert.equal(c.State.ExitCode, 0);
		assert.ok(Date.parse(c.State.StartedAt) > 0);
		assert.equal(c.State.FinishedAt, '0001-01-01T00:00:00Z');
		assert.equal(c.Config.Image, 'quay.io/coreos/etcd:v3.5.5');
		assert.equal(c.Config.Labels['com.docker.compose.project'], 'milvus');
		assert.equal(c.Config.Labels['com.docker.compose.service'], 'etcd');
		assert.deepEqual(
			c.Mounts.map((m: { Source: string; Destination: string }) => [m.Source, m.Destination]),
			[[path.join(d.dir, 'volumes', 'etcd'), '/etcd']],
		);
		assert.deepEqual(c.NetworkSettings.Ports, { '2379/tcp': null, '2380/tcp': null });

		const put = await run(['exec', 'milvus-etcd', 'etcdctl', 'put', 'by-dev/kv/x', 'hello']);
		assert.equal(put.stdout, 'OK\n', put.stderr);
		const getValue = () =>
			run(['exec', 'milvus-etcd', 'etcdctl', 'get', 'by-dev/kv/x', '--print-value-only']);
		assert.equal((await getValue()).stdout, 'hello\n');
		const ls = await run(['exec', 'milvus-etcd', 'sh', '-c', 'ls /etcd; exit 3']);
		assert.equal(ls.code, 3);
		assert.equal(ls.stdout, 'member\n');
		const missing = await run(['exec', 'milvus-etcd', 'no-such-tool']);
		assert.equal(missing.code, 127);
		assert.match(missing.stdout, /exec: "no-such-tool": executable file not found in \$PATH/);

		assert.equal((await run(['stop', 'milvus-etcd'])).stdout, 'milvus-etcd\n');
		const down = await run(['exec', 'milvus-etcd', 'etcdctl', 'endpoint', 'health']);
		assert.equal(down.code, 1);
		assert.match(
			down.stderr,
			/^Error response from daemon: container [0-9a-f]{64} is not running\n$/,
		);
		assert.match((await run(['ps', '-a'])).stdout, /Exited \(0\) .* milvus-etcd\n/);
		assert.equal((await run(['ps', '-q', '--filter', 'name=milvus-etcd'])).stdout, '');
		assert.equal(
			(await run(['inspect', '--format', '{{.State.Status}} {{.State.Running}}', 'milvus-etcd']))
				.stdout,
			'exited false\n',
		);

		// docker cp out of the volume (a file, and a folder through a tar the CLI unpacks)
		const db = path.join(tmp, 'db');
		assert.equal((await run(['cp', 'milvus-etcd:/etcd/member/snap/db', db])).code, 0);
		const volumeDb = path.join(d.dir, 'volumes', 'etcd', 'member', 'snap', 'db');
		assert.ok(fs.readFileSync(db).equals(fs.readFileSync(volumeDb)));
		assert.equal((await run(['cp', 'milvus-etcd:/etcd/member', path.join(tmp, 'member')])).code, 0);
		assert.ok(
			fs.readFileSync(path.join(tmp, 'member', 'snap', 'db')).equals(fs.readFileSync(volumeDb)),
		);
		const outside = await run(['cp', 'milvus-etcd:/etc/passwd', path.join(tmp, 'passwd')]);
		assert.equal(outside.code, 1);
		assert.equal(
			outside.stderr,
			'Error response from daemon: Could not find the file /etc/passwd in container milvus-etcd\n',
		);

		assert.equal((await run(['start', 'milvus-etcd'])).stdout, 'milvus-etcd\n');
		let again = '';
		for (let i = 0; i < 100 && again !== 'hello\n'; i++) {
			again = (await getValue()).stdout;
			if (again !== 'hello\n') await new Promise((r) => setTimeout(r, 200));
		}
		assert.equal(again, 'hello\n');
		// etcd logs on stderr; docker logs keeps the streams apart.
		const logs = await run(['logs', '--tail', '50', 'milvus-etcd']);
		assert.equal(logs.stdout, '');
		assert.match(logs.stderr, /"msg":"serving client traffic insecurely/);
		assert.equal(logs.stderr.trim().split('\n').length, 50);

		// docker logs -f: what is written while it runs, until the container stops.
		const follow = spawn('docker', ['logs', '-f', 'milvus-standalone'], { env: d.env });
		let followed = '';
		follow.stdout.setEncoding('utf8').on('data', (s: string) => (followed += s));
		const ended = new Promise((r) => follow.on('close', r));
		const waitFor = async (text: string) => {
			for (let i = 0; i < 300 && !followed.includes(text); i++)
				await new Promise((r) => setTimeout(r, 100));
			assert.ok(followed.includes(text), followed);
		};
		await waitFor('milvus-standalone started\n');
		await d.setContainer('milvus-standalone', { appendLogs: 'a line written later\n' });
		await waitFor('a line written later\n');
		await d.setContainer('milvus-standalone', {
			logs: 'milvus starting\n[2024/11/28 07:00:00.000 +00:00] [ERROR] [server] ["Milvus exited"]\n',
			exitCode: 1,
		});
		assert.equal(await ended, 0);
		assert.match((await run(['ps', '-a'])).stdout, /Exited \(1\) .* milvus-standalone\n/);
		assert.equal((await run(['ps'])).stdout.includes('milvus-standalone'), false);
		const tail = await run(['logs', '--tail', '1', 'milvus-standalone']);
		assert.equal(
			tail.stdout,
			'[2024/11/28 07:00:00.000 +00:00] [ERROR] [server] ["Milvus exited"]\n',
		);
		assert.equal(tail.stderr, '');
		const stamped = await run(['logs', '-t', 'milvus-standalone']);
		assert.match(stamped.stdout, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z milvus starting\n/);

		const nope = await run(['logs', 'milvus-nothing']);
		assert.equal(nope.code, 1);
		assert.equal(nope.stderr, 'Error response from daemon: No such container: milvus-nothing\n');
		const nobj = await run(['inspect', 'milvus-nothing']);
		assert.equal(nobj.code, 1);
		assert.equal(nobj.stderr, 'Error: No such object: milvus-nothing\n');

		const version = await run(['version']);
		assert.equal(version.code, 0, version.stderr);
		assert.match(version.stdout, /^Server: Docker Engine stand-in/m);
		assert.match(version.stdout, /^ {2}API version: {6}1\.49 \(minimum version 1\.24\)$/m);
		assert.equal(
			(await run(['version', '--format', '{{.Client.APIVersion}} {{.Server.Version}}'])).stdout,
			'1.49 28.1.1\n',
		);

		await d.stop();
		assert.throws(() => process.kill(d.pid, 0), /ESRCH/);
		assert.equal(fs.existsSync(path.join(d.dir, 'docker.sock')), false);
		const gone = await docker(host, ['ps']);
		assert.equal(gone.code, 1);
		assert.equal(
			gone.stderr,
			`Cannot connect to the Docker daemon at ${host}. Is the docker daemon running?\n`,
		);
	});
});

describe('Docker Engine API stand-in over a fixed scenario', () => {
	const spec = {
		containers: [
			{
				name: 'milvus-etcd',
				image: 'quay.io/coreos/etcd:v3.5.5',
				command: ['etcd', '--data-dir', '/etcd'],
				state: 'exited' as const,
				exitCode: 2,
				createdAgo: 750,
				finishedAgo: 180,
				ports: ['2379-2380/tcp'],
				mounts: [{ Source: '/srv/milvus/volumes/etcd', Destination: '/etcd' }],
			},
			{
				name: 'milvus-standalone',
				image: 'milvusdb/milvus:v2.4.5',
				command: ['/tini', '--', 'milvus', 'run', 'standalone'],
				state: 'restarting' as const,
				exitCode: 2,
				createdAgo: 749,
				finishedAgo: 8,
				ports: ['0.0.0.0:19530->19530/tcp'],
			},
			{
				name: 'other',
				image: 'nginx:1.27',
				command: ['nginx', '-g', 'daemon off;'],
				state: 'running' as const,
				health: 'unhealthy' as const,
				createdAgo: 7300,
				startedAgo: 7200,
				ports: ['0.0.0.0:8080->80/tcp'],
				project: null,
			},
		],
	};

	test('status texts, filters, ping, version negotiation and the daemon-down text', async (t) => {
		const sc = scenarioFromSpec(spec);
		const engine = await serveDockerEngine({
			socketPath: path.join(tmp, 'fixed.sock'),
			backend: sc.backend,
		});
		t.after(() => engine.close());
		const run = (args: string[]) => docker(engine.host, args);

		const table = await run([
			'ps',
			'-a',
			'--format',
			'{{.Names}}|{{.State}}|{{.Status}}|{{.Ports}}',
		]);
		assert.equal(
			table.stdout,
			'milvus-standalone|restarting|Restarting (2) 8 seconds ago|\n' +
				'milvus-etcd|exited|Exited (2) 3 minutes ago|\n' +
				'other|running|Up 2 hours (unhealthy)|0.0.0.0:8080->80/tcp\n',
		);
		assert.equal(
			(await run(['ps', '--format', '{{.Names}} {{.RunningFor}}'])).stdout,
			'milvus-standalone 12 minutes ago\nother 2 hours ago\n',
			'without -a: running and restarting containers',
		);
		assert.equal(
			(await run(['ps', '-a', '--filter', 'name=milvus', '--format', '{{.Names}}'])).stdout,
			'milvus-standalone\nmilvus-etcd\n',
		);
		assert.equal(
			(
				await run([
					'ps',
					'-a',
					'--filter',
					'label=com.docker.compose.service=etcd',
					'--format',
					'{{.Names}}',
				])
			).stdout,
			'milvus-etcd\n',
		);
		assert.equal(
			(await run(['ps', '-a', '--filter', 'status=exited', '--format', '{{.Names}}'])).stdout,
			'milvus-etcd\n',
		);
		// Older clients send filters as lists.
		const legacy = await raw(
			engine,
			'GET',
			`/v1.41/containers/json?all=1&filters=${encodeURIComponent('{"name":["etcd"]}')}`,
		);
		assert.deepEqual(
			(JSON.parse(legacy.body) as { Names: string[] }[]).map((c) => c.Names),
			[['/milvus-etcd']],
		);

		const state = await run([
			'inspect',
			'--format',
			'{{.State.Status}} {{.State.Restarting}} {{.State.ExitCode}} {{json .State.Health}}',
			'milvus-standalone',
			'other',
		]);
		assert.equal(
			state.stdout,
			'restarting true 2 null\nrunning false 0 {"Status":"unhealthy","FailingStreak":3,"Log":[]}\n',
		);
		assert.equal(
			(await run(['inspect', '--format', '{{json .NetworkSettings.Ports}}', 'other'])).stdout,
			'{"80/tcp":[{"HostIp":"0.0.0.0","HostPort":"8080"}]}\n',
		);
		assert.equal(
			(
				await run([
					'inspect',
					'--format',
					'{{index .Config.Labels "com.docker.compose.project"}}',
					'milvus-etcd',
				])
			).stdout,
			'milvus\n',
		);

		for (const method of ['HEAD', 'GET']) {
			const ping = await raw(engine, method, '/_ping');
			assert.equal(ping.status, 200);
			assert.equal(ping.headers['api-version'], '1.49');
			assert.equal(ping.body, method === 'GET' ? 'OK' : '');
		}
		const tooNew = await raw(engine, 'GET', '/v1.50/version');
		assert.equal(tooNew.status, 400);
		assert.equal(
			JSON.parse(tooNew.body).message,
			'client version 1.50 is too new. Maximum supported API version is 1.49',
		);
		const missing = await raw(engine, 'GET', '/v1.49/containers/nope/json');
		assert.equal(missing.status, 404);
		assert.deepEqual(JSON.parse(missing.body), { message: 'No such container: nope' });
		const noExec = await run(['exec', 'other', 'true']);
		assert.equal(noExec.code, 1);
		assert.equal(
			noExec.stderr,
			'Error response from daemon: the stand-in runs no process in other\n',
		);
		assert.equal((await run(['stop', 'milvus-etcd'])).code, 0, 'stopping a stopped container: 304');

		assert.deepEqual(
			engine.requests
				.filter((r) => r.path.endsWith('/json') && r.container)
				.map((r) => r.container)[0],
			'milvus-standalone',
		);
		await engine.close();
		const down = await run(['ps']);
		assert.equal(down.code, 1);
		assert.equal(
			down.stderr,
			`Cannot connect to the Docker daemon at ${engine.host}. Is the docker daemon running?\n`,
		);
	});
});
