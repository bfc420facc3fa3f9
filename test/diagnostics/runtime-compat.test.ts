import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { tmpDir, type Cleanup } from '../support/index.ts';
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

interface Client {
	sdk: string;
	client: string;
	server: string;
	status: string;
	level: string;
	moveSdkTo: string | null;
	moveServerTo: string | null;
	advice: string;
}
interface CompatReport {
	server: { version: string; from: string } | null;
	clients: Client[];
	address?: { port: number; problem: string | null };
	compatible: boolean;
	problems: string[];
	otherSymptom: { symptom: string; page: string } | null;
	exitCode: number;
}

const report = (r: { json(): Record<string, unknown> }) => r.json() as unknown as CompatReport;

/** A client project folder with the given manifest files. */
async function project(t: Cleanup, files: string[]): Promise<string> {
	const dir = await tmpDir(t, 'diag-project-');
	for (const f of files)
		writeFileSync(
			path.join(dir, f),
			f === 'go.mod'
				? 'module example.com/search\n\ngo 1.22\n'
				: f === 'package.json'
					? '{"name":"my-rag-app","version":"1.0.0"}\n'
					: '<project/>\n',
		);
	return dir;
}

test('server 2.2.8 from the image tag, pymilvus 2.4.1 from pip: the Connect break, exact versions, exit 1', async (t) => {
	const dir = await project(t, []);
	const r = await runRunbook(t, 'runtime-compat', ['--json', '--project', dir], {
		scenario: 'compose-old-server',
	});
	assert.equal(r.code, 1, r.stderr);
	const rep = report(r);
	assert.deepEqual(rep.server, { version: '2.2.8', from: 'image milvusdb/milvus:v2.2.8' });
	assert.equal(rep.clients[0]?.sdk, 'python');
	assert.equal(rep.clients[0]?.status, 'connect-break');
	assert.equal(rep.clients[0]?.moveServerTo, '2.2.16');
	assert.equal(rep.clients[0]?.moveSdkTo, '2.2.8');
	assert.equal(rep.compatible, false);
	const commands = r.calls.map((c) => c.join(' '));
	// docker inspect: the container's JSON, and nothing else. Read twice: once to choose where the version
	// comes from (docker, else the release's pods), once by the step that shows the tag.
	assert.deepEqual(
		r.docker.map(dockerRequestLine).filter((l) => !l.endsWith('/_ping')),
		['GET /containers/milvus-standalone/json', 'GET /containers/milvus-standalone/json'],
	);
	assert.ok(commands.includes('pip show pymilvus'));
	assert.deepEqual(nonReadCalls(r.calls), []);
	assert.deepEqual(nonReadDockerRequests(r.docker), []);
});

test('image tag "latest": the version comes from the log banner; pymilvus and Node SDK match, exit 0', async (t) => {
	const dir = await project(t, ['package.json']);
	const r = await runRunbook(t, 'runtime-compat', ['--json', '--project', dir], {
		scenario: 'compose-healthy',
	});
	assert.equal(r.code, 0, r.stderr);
	const rep = report(r);
	assert.deepEqual(rep.server, { version: '2.4.5', from: 'docker logs milvus-standalone' });
	assert.deepEqual(
		rep.clients.map((c) => [c.sdk, c.client, c.level]),
		[
			['python', '2.4.3', 'ok'],
			['node', '2.4.9', 'ok'],
		],
	);
	assert.equal(rep.compatible, true);
	assert.ok(r.calls.some((c) => c.join(' ') === 'npm ls @zilliz/milvus2-sdk-node'));
});

test('Kubernetes images: server 2.5.16; Go SDK on the old module is older, Java 2.6.1 is newer, exit 1', async (t) => {
	const dir = await project(t, ['go.mod', 'pom.xml']);
	const r = await runRunbook(
		t,
		'runtime-compat',
		['--json', '--source', 'kubernetes', '--project', dir, '--lang', 'id'],
		{ scenario: 'k8s-versions' },
	);
	assert.equal(r.code, 1, r.stderr);
	const rep = report(r);
	assert.equal(rep.server?.version, '2.5.16');
	const go = rep.clients.find((c) => c.sdk === 'go');
	const java = rep.clients.find((c) => c.sdk === 'java');
	assert.equal(go?.status, 'older');
	assert.equal(go?.moveSdkTo, '2.5.14');
	assert.equal(java?.status, 'newer');
	assert.equal(java?.moveSdkTo, '2.5.14');
	assert.equal(java?.moveServerTo, '2.6.22');
	assert.match(java?.advice ?? '', /lebih baru/, 'advice in Indonesian');
	const commands = r.calls.map((c) => c.join(' '));
	assert.ok(
		r.kubeCalls.some(
			(c) =>
				c.context === 'kind-milvus' &&
				decodeURIComponent(c.url) ===
					'/api/v1/namespaces/default/pods?labelSelector=app.kubernetes.io/instance=my-release&limit=500',
		),
		JSON.stringify(r.kubeCalls),
	);
	assert.ok(commands.includes('mvn dependency:tree -Dincludes=io.milvus:milvus-sdk-java'));
	assert.ok(commands.includes('go list -m github.com/milvus-io/milvus/client/v2'));
	assert.deepEqual(nonReadCalls(r.calls), []);
});

test('the wrong-port false alarm: versions match, but --uri points at the /healthz port', async (t) => {
	const health = await httpServer(t, healthz());
	const versions = ['--source', 'none', '--server-version', '2.4.5', '--pymilvus', '2.4.3'];
	const r = await runRunbook(t, 'runtime-compat', [
		'--json',
		...versions,
		'--uri',
		`http://127.0.0.1:${health}`,
		'--error',
		'<MilvusException: (code=1, message=Incorrect port or sdk is incompatible with server, please check your port or downgrade your sdk or upgrade your server)>',
	]);
	assert.equal(r.code, 1, r.stderr);
	const rep = report(r);
	assert.equal(rep.clients[0]?.level, 'ok');
	assert.match(rep.address?.problem ?? '', /answers \/healthz like the Milvus metrics port/);
	assert.deepEqual(r.calls, [], 'explicit versions: no tool was asked');
	const known = await runRunbook(t, 'runtime-compat', [...versions, '--uri', 'localhost:9091']);
	assert.equal(known.code, 1);
	assert.match(known.stdout, /the Milvus metrics\/health HTTP port, not the gRPC port/);
});

test('the right port and matching versions: exit 0; an --error from another symptom: exit 4', async (t) => {
	const grpc = await tcpServer(t);
	const ok = await runRunbook(t, 'runtime-compat', [
		'--json',
		'--source',
		'none',
		'--server-version',
		'v2.5.16',
		'--node-sdk',
		'2.5.13',
		'--uri',
		`127.0.0.1:${grpc}`,
	]);
	assert.equal(ok.code, 0, ok.stderr);
	assert.equal(report(ok).address?.problem, null);
	const versions = ['--source', 'none', '--server-version', '2.5.16', '--pymilvus', '2.5.18'];
	const other = await runRunbook(t, 'runtime-compat', [
		'--json',
		...versions,
		'--error',
		'panic: failed to create etcd client: context deadline exceeded',
	]);
	assert.equal(other.code, 4, other.stderr);
	assert.deepEqual(report(other).otherSymptom, { symptom: 'boot', page: '/en/boot/' });
	const closed = await closedPort();
	const down = await runRunbook(t, 'runtime-compat', [...versions, '--uri', `127.0.0.1:${closed}`]);
	assert.equal(down.code, 1);
	assert.match(down.stdout, /nothing accepts connections/);
});

test('--describe shows the version steps with the page commands', async (t) => {
	const r = await runRunbook(t, 'runtime-compat', ['--describe']);
	assert.equal(r.code, 0, r.stderr);
	const byId = Object.fromEntries(
		(r.json().steps as { id: string; command: string }[]).map((s) => [s.id, s.command]),
	);
	assert.equal(
		byId['server-image'],
		"docker inspect --format '{{.Config.Image}}' milvus-standalone",
	);
	assert.equal(byId['pymilvus-version'], 'pip show pymilvus');
	assert.equal(byId['node-sdk-version'], 'npm ls @zilliz/milvus2-sdk-node');
	assert.equal(byId['go-sdk-version'], 'go list -m github.com/milvus-io/milvus-sdk-go/v2');
	assert.equal(
		byId['java-sdk-version'],
		'mvn dependency:tree -Dincludes=io.milvus:milvus-sdk-java',
	);
	assert.equal(
		byId['kubectl-image'],
		"kubectl get pods -l app.kubernetes.io/instance=my-release -o 'jsonpath={.items[*].spec.containers[*].image}'",
	);
});

test('bad input and missing tools: one line, non-zero exit', async (t) => {
	const cases: { args: string[]; standins?: boolean; code: number; line: RegExp }[] = [
		{
			args: ['--server-version', 'banana'],
			code: 2,
			line: /--server-version must look like 2\.4\.5/,
		},
		{ args: ['--pymilvus', 'x.y'], code: 2, line: /--pymilvus must look like 2\.4\.5/ },
		{ args: ['--uri', 'http://'], code: 2, line: /--uri must be host:port/ },
		{
			args: ['--project', '/nonexistent/dir'],
			code: 2,
			line: /--project \/nonexistent\/dir is not a folder/,
		},
		{ args: ['--source', 'docker'], standins: false, code: 1, line: /docker not found on PATH/ },
		{
			args: ['--source', 'kubernetes'],
			standins: false,
			code: 1,
			line: /kubectl not found on PATH/,
		},
		{ args: [], standins: false, code: 1, line: /could not find the Milvus server version/ },
		{
			args: ['--source', 'none', '--server-version', '2.4.5'],
			standins: false,
			code: 1,
			line: /no Milvus SDK found here/,
		},
	];
	for (const c of cases) {
		const r = await runRunbook(t, 'runtime-compat', c.args, {
			standins: c.standins,
			scenario: 'compose-healthy',
		});
		assert.equal(r.code, c.code, `${c.args.join(' ')}: ${r.stderr}`);
		const errs = r.stderr.trim().split('\n');
		assert.equal(errs.length, 1, r.stderr);
		assert.match(errs[0] ?? '', c.line);
	}
});
