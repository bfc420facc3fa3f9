import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { freePort, spawnGroup, tmpDir } from '../support/index.ts';
import {
	closedPort,
	dockerRequestLine,
	healthz,
	httpServer,
	nonReadCalls,
	nonReadDockerRequests,
	runRunbook,
	tcpServer,
} from './helpers.ts';

interface BootReport {
	deployment: {
		kind: string;
		containers?: { name: string; failing: boolean }[];
		pods?: { name: string; failing: boolean }[];
	};
	logs: { name: string; command: string; fatal: string[]; started: boolean | null }[];
	checks: {
		healthz?: { ok: boolean; status: number | null };
		grpc?: { accepts: boolean };
		etcd?: { name: string; healthy: boolean }[];
	};
	matches: { symptom: string; signature: string; line: string; page: string; source: string }[];
	problems: string[];
	exitCode: number;
}

const report = (r: { json(): Record<string, unknown> }) => r.json() as unknown as BootReport;

test('docker compose, etcd crashed: etcd-all-crash and the etcd-client panic, fatal lines, exit 1', async (t) => {
	const [health, grpc] = [await closedPort(), await closedPort()];
	const r = await runRunbook(
		t,
		'boot',
		['--json', '--health-port', String(health), '--grpc-port', String(grpc)],
		{ scenario: 'compose-etcd-crash' },
	);
	assert.equal(r.code, 1, r.stderr);
	const rep = report(r);
	assert.equal(rep.deployment.kind, 'docker');
	assert.deepEqual(
		rep.matches.map((m) => [m.symptom, m.signature, m.source]),
		[
			['etcd-all-crash', 'recover-backend-from-snapshot', 'milvus-etcd'],
			['boot', 'etcd-client-create-failed', 'milvus-standalone'],
		],
	);
	assert.equal(rep.matches[1]?.page, '/en/boot/');
	const standalone = rep.logs.find((l) => l.name === 'milvus-standalone');
	assert.equal(standalone?.command, 'docker logs --tail 500 milvus-standalone');
	assert.equal(
		standalone?.started,
		false,
		'the log never reached "Milvus Proxy successfully started"',
	);
	assert.equal(rep.logs.find((l) => l.name === 'milvus-etcd')?.started, null);
	assert.ok(
		standalone?.fatal.includes('panic: failed to create etcd client: context deadline exceeded'),
		'the panic on stderr is a fatal line',
	);
	assert.ok(
		rep.problems.some((p) => /milvus-etcd is not healthy: Exited \(2\)/.test(p)),
		rep.problems.join('\n'),
	);
	assert.equal(rep.checks.healthz?.ok, false);
	assert.deepEqual(nonReadCalls(r.calls), []);
	assert.deepEqual(nonReadDockerRequests(r.docker), []);
	const requests = r.docker.map(dockerRequestLine);
	assert.ok(
		requests.includes('GET /containers/json?all=1&filters={"name":{"milvus":true}}'),
		requests.join('\n'),
	);
	assert.ok(requests.includes('GET /containers/milvus-standalone/logs?stderr=1&stdout=1&tail=500'));
	// minio is healthy: its log is not read.
	assert.ok(!r.docker.some((q) => q.container === 'milvus-minio' && q.path.endsWith('/logs')));
});

test('docker compose, healthy: /healthz OK on a real server, transient rootcoord line ignored, exit 0', async (t) => {
	const health = await httpServer(t, healthz(200, 'OK'));
	const grpc = await tcpServer(t);
	const r = await runRunbook(
		t,
		'boot',
		['--json', '--health-port', String(health), '--grpc-port', String(grpc)],
		{ scenario: 'compose-healthy' },
	);
	assert.equal(r.code, 0, r.stderr);
	const rep = report(r);
	assert.equal(rep.checks.healthz?.ok, true);
	assert.equal(rep.checks.grpc?.accepts, true);
	assert.deepEqual(rep.matches, []);
	assert.deepEqual(rep.problems, []);
	assert.equal(rep.logs.find((l) => l.name === 'milvus-standalone')?.started, true);
	const human = await runRunbook(
		t,
		'boot',
		['--health-port', String(health), '--grpc-port', String(grpc), '--lang', 'id'],
		{ scenario: 'compose-healthy' },
	);
	assert.equal(human.code, 0);
	assert.match(human.stdout, /Milvus sudah berjalan dan tidak ada masalah boot/);
});

test('docker compose, /healthz answers 500: its text goes through the catalog, exit 1', async (t) => {
	const health = await httpServer(t, healthz(500, 'Not all components are healthy, 2/3'));
	const grpc = await tcpServer(t);
	const r = await runRunbook(
		t,
		'boot',
		['--json', '--health-port', String(health), '--grpc-port', String(grpc)],
		{ scenario: 'compose-healthy' },
	);
	assert.equal(r.code, 1, r.stderr);
	const rep = report(r);
	assert.equal(rep.checks.healthz?.status, 500);
	assert.ok(
		rep.matches.some(
			(m) => m.signature === 'healthz-components-unhealthy' && m.source === '/healthz',
		),
	);
	assert.equal(rep.matches[0]?.symptom, 'boot');
	assert.ok(
		rep.problems.some((p) => p.includes('answers 500')),
		rep.problems.join('\n'),
	);
});

test('port conflict: the bind error in the log and a squatter on the gRPC port', async (t) => {
	const squatter = await tcpServer(t);
	const health = await closedPort();
	const r = await runRunbook(
		t,
		'boot',
		['--json', '--grpc-port', String(squatter), '--health-port', String(health)],
		{ scenario: 'compose-port-conflict' },
	);
	assert.equal(r.code, 1, r.stderr);
	const rep = report(r);
	assert.equal(rep.matches[0]?.signature, 'port-in-use');
	assert.ok(
		rep.problems.some((p) =>
			p.includes(`port ${squatter} on 127.0.0.1 answers, but Milvus is not running`),
		),
		rep.problems.join('\n'),
	);
});

test('Milvus is up but the logs show API errors: exit 4 and the api-errors page', async (t) => {
	const health = await httpServer(t, healthz());
	const grpc = await tcpServer(t);
	const r = await runRunbook(
		t,
		'boot',
		['--json', '--health-port', String(health), '--grpc-port', String(grpc)],
		{ scenario: 'compose-api-only' },
	);
	assert.equal(r.code, 4, r.stderr);
	assert.deepEqual(
		report(r).matches.map((m) => [m.symptom, m.page]),
		[['api-errors', '/en/api-errors/']],
	);
});

test('Kubernetes, two etcd members crash-looping: logs --previous, pinned kubectl, etcd-multi-crash first', async (t) => {
	const r = await runRunbook(t, 'boot', ['--json', '--source', 'kubernetes'], {
		scenario: 'k8s-multi-crash',
	});
	assert.equal(r.code, 1, r.stderr);
	const rep = report(r);
	assert.equal(rep.deployment.kind, 'kubernetes');
	assert.equal(rep.matches[0]?.symptom, 'etcd-multi-crash');
	assert.equal(rep.matches[0]?.page, '/en/etcd-multi-crash/');
	// What reached the cluster: the pinned context, the release's pods, the previous logs of the failing ones.
	const requests = r.kubeCalls.map((c) => `${c.context} ${c.method} ${decodeURIComponent(c.url)}`);
	assert.ok(requests.length > 0);
	assert.ok(
		r.kubeCalls.every((c) => c.context === 'kind-milvus'),
		requests.join('\n'),
	);
	assert.ok(
		requests.some((c) =>
			c.includes(
				'GET /api/v1/namespaces/default/pods?labelSelector=app.kubernetes.io/instance=my-release',
			),
		),
		requests.join('\n'),
	);
	for (const pod of ['my-release-etcd-1', 'my-release-milvus-standalone-7c4b9d5f8-2xk9p'])
		assert.ok(
			requests.some((c) =>
				new RegExp(`GET /api/v1/namespaces/default/pods/${pod}/log\\?.*previous=true`).test(c),
			),
			`${pod}: ${requests.join('\n')}`,
		);
	assert.ok(
		!requests.some((c) => c.includes('pods/my-release-etcd-0/log')),
		'a healthy pod is not read',
	);
	assert.deepEqual(nonReadCalls(r.calls), []);
});

test('Kubernetes, etcd Pending: the scheduler event points to etcd-pending', async (t) => {
	const r = await runRunbook(t, 'boot', ['--json', '--lang', 'id'], { scenario: 'k8s-pending' });
	assert.equal(r.code, 1, r.stderr);
	const rep = report(r);
	assert.deepEqual(
		rep.matches.map((m) => m.symptom),
		['etcd-pending', 'boot'],
	);
	assert.equal(rep.matches[0]?.page, '/id/etcd-pending/');
});

test('--describe lists the read-only steps with exactly the commands the pages show', async (t) => {
	const r = await runRunbook(t, 'boot', ['--describe']);
	assert.equal(r.code, 0, r.stderr);
	const d = r.json() as { steps: { id: string; mode: string; command: string }[] };
	const byId = Object.fromEntries(d.steps.map((s) => [s.id, s.command]));
	assert.equal(byId['docker-ps'], 'docker ps -a --filter name=milvus');
	assert.equal(byId['docker-logs'], 'docker logs --tail 500 milvus-standalone');
	assert.equal(byId['kubectl-pods'], 'kubectl get pods -l app.kubernetes.io/instance=my-release');
	assert.equal(
		byId['kubectl-logs-previous'],
		'kubectl logs my-release-milvus-standalone-7c4b9d5f8-2xk9p --previous',
	);
	assert.ok(d.steps.every((s) => s.mode === 'read'));
	assert.deepEqual(r.calls, [], '--describe touches nothing');
	assert.deepEqual(r.docker, [], '--describe asks docker nothing');
	const help = await runRunbook(t, 'boot', ['--help', '--lang', 'id']);
	assert.equal(help.code, 0);
	assert.match(help.stdout, /Kode keluar:\n {2}0 {2}Milvus berjalan/);
});

test('bad input and missing tools: one line, non-zero exit', async (t) => {
	const cases: {
		args: string[];
		standins?: boolean;
		scenario?: string;
		code: number;
		line: RegExp;
	}[] = [
		{ args: ['--grpc-port', '70000'], code: 2, line: /--grpc-port must be a port/ },
		{ args: ['--source', 'podman'], code: 2, line: /--source must be one of/ },
		{ args: ['--source', 'docker'], standins: false, code: 1, line: /docker not found on PATH/ },
		{
			args: ['--source', 'kubernetes'],
			standins: false,
			code: 1,
			line: /kubectl not found on PATH/,
		},
		{ args: ['--etcd-endpoint', 'http://'], code: 2, line: /--etcd-endpoint must be host:port/ },
		{
			args: ['--source', 'kubernetes', '--release', 'other'],
			scenario: 'k8s-pending',
			code: 2,
			line: /no pod with label app\.kubernetes\.io\/instance=other/,
		},
	];
	for (const c of cases) {
		const r = await runRunbook(t, 'boot', c.args, {
			standins: c.standins,
			scenario: c.scenario ?? 'compose-healthy',
		});
		assert.equal(r.code, c.code, `${c.args.join(' ')}: ${r.stderr}`);
		const errs = r.stderr.trim().split('\n');
		assert.equal(errs.length, 1, r.stderr);
		assert.match(errs[0] ?? '', c.line);
	}
});

test('docker daemon down: one line naming the docker error', async (t) => {
	const forced = await runRunbook(t, 'boot', ['--source', 'docker'], {
		scenario: 'docker-daemon-down',
	});
	assert.equal(forced.code, 1, forced.stderr);
	assert.match(
		forced.stderr.trim(),
		/^error: docker could not list containers: Cannot connect to the Docker daemon at unix:\/\/\/\S+\/docker\.sock\. Is the docker daemon running\?$/,
	);
	// auto: docker fails, kubectl finds no pod of the release either; both facts in one line.
	const auto = await runRunbook(t, 'boot', [], { scenario: 'docker-daemon-down' });
	assert.equal(auto.code, 2, auto.stderr);
	const lines = auto.stderr.trim().split('\n');
	assert.equal(lines.length, 1, auto.stderr);
	assert.match(
		lines[0] ?? '',
		/^error: no Milvus deployment found.*; docker could not list containers/,
	);
});

test('--etcd-endpoint asks a real etcd for /health; --minio-endpoint asks /minio/health/live', async (t) => {
	const dir = await tmpDir(t, 'diag-etcd-');
	const [client, peer] = [await freePort(), await freePort()];
	const etcd = spawnGroup(
		t,
		'/usr/bin/etcd',
		[
			'--name',
			'diag',
			'--data-dir',
			path.join(dir, 'data'),
			'--listen-client-urls',
			`http://127.0.0.1:${client}`,
			'--advertise-client-urls',
			`http://127.0.0.1:${client}`,
			'--listen-peer-urls',
			`http://127.0.0.1:${peer}`,
			'--initial-advertise-peer-urls',
			`http://127.0.0.1:${peer}`,
			'--initial-cluster',
			`diag=http://127.0.0.1:${peer}`,
		],
		{ stdio: 'ignore' },
	);
	assert.ok(etcd.pid);
	await waitFor(async () =>
		(
			await fetch(`http://127.0.0.1:${client}/health`).then(
				(r) => r.text(),
				() => '',
			)
		).includes('"health":"true"'),
	);
	const minio = await httpServer(t, (req, res) => {
		res.writeHead(req.url === '/minio/health/live' ? 200 : 404);
		res.end();
	});
	const health = await httpServer(t, healthz());
	const grpc = await tcpServer(t);
	const ports = ['--health-port', String(health), '--grpc-port', String(grpc)];
	const r = await runRunbook(
		t,
		'boot',
		[
			'--json',
			...ports,
			'--etcd-endpoint',
			`127.0.0.1:${client}`,
			'--minio-endpoint',
			`127.0.0.1:${minio}`,
		],
		{ scenario: 'compose-healthy' },
	);
	assert.equal(r.code, 0, r.stderr);
	const checks = r.json().checks as {
		etcdEndpoint: { ok: boolean };
		minioEndpoint: { ok: boolean };
	};
	assert.equal(checks.etcdEndpoint.ok, true);
	assert.equal(checks.minioEndpoint.ok, true);
	const down = await runRunbook(
		t,
		'boot',
		['--json', ...ports, '--etcd-endpoint', `127.0.0.1:${await closedPort()}`],
		{ scenario: 'compose-healthy' },
	);
	assert.equal(down.code, 1, down.stderr);
	assert.ok(
		(down.json().problems as string[]).some((p) =>
			/etcd at 127\.0\.0\.1:\d+ does not answer healthy/.test(p),
		),
	);
});

/** Poll `check` until it is true (bounded by attempts, not by wall-clock assertions). */
async function waitFor(check: () => Promise<boolean>, attempts = 100): Promise<void> {
	for (let i = 0; i < attempts; i++) {
		if (await check()) return;
		await new Promise((r) => setTimeout(r, 100));
	}
	throw new Error('condition not reached');
}
