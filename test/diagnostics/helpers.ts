// Shared set-up for the diagnostics runbook tests: run a runbook as a real subprocess with the stand-in
// kubectl (the machine's real one, reaching only the scenario's recorded API answers in kube-recorded.ts through
// its own kubeconfig), pip/npm/go/mvn of fixtures/bin, and the real docker CLI talking to a Docker Engine API
// stand-in that serves the scenario's containers (never a real daemon), on a PATH that holds nothing else;
// real servers on 127.0.0.1 stand for /healthz and the gRPC port.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import {
	createServer as createHttpServer,
	type IncomingMessage,
	type ServerResponse,
} from 'node:http';
import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import path from 'node:path';
import { ROOT, killGroup, tmpDir, type Cleanup } from '../support/index.ts';
import {
	loadScenario,
	scenarioFromSpec,
	serveDockerEngine,
	type EngineRequest,
} from '../../tools/standin/lib/docker-engine.mjs';
import { kubectlBinaries } from '../support/kubectl.ts';
import { serveRecorded, type KubeCall } from './kube-recorded.ts';

export const FIXTURES = path.join(ROOT, 'test', 'diagnostics', 'fixtures');
export const FAKE_BIN = path.join(FIXTURES, 'bin');
export const SCENARIOS = path.join(FIXTURES, 'scenarios');

export interface RunResult {
	code: number | null;
	stdout: string;
	stderr: string;
	/** argv of every stand-in call, in order; a kubectl API request is `['kubectl', METHOD, url]` */
	calls: string[][];
	/** every request the docker CLI sent to the Docker Engine API stand-in, in order */
	docker: EngineRequest[];
	/** the API requests kubectl sent, with the context they went to */
	kubeCalls: KubeCall[];
	/** stdout parsed as JSON (throws when it is not exactly one JSON document) */
	json(): Record<string, unknown>;
}

export interface RunOptions {
	/** folder under fixtures/scenarios the stand-ins serve */
	scenario?: string;
	/** text (or bytes) fed to stdin; stdin is closed either way */
	input?: string | Buffer;
	/** false: no stand-ins on PATH and no docker CLI (docker/kubectl "not installed") */
	standins?: boolean;
	cwd?: string;
	env?: Record<string, string>;
}

/** A directory with only node and bash (zx needs bash): the base of every test PATH. */
async function basePath(cleanup: Cleanup): Promise<{ dir: string; bin: string }> {
	const dir = await tmpDir(cleanup, 'diag-');
	const bin = path.join(dir, 'bin');
	mkdirSync(bin);
	symlinkSync(process.execPath, path.join(bin, 'node'));
	const bash = ['/usr/bin/bash', '/bin/bash'].find((p) => existsSync(p));
	if (bash) symlinkSync(bash, path.join(bin, 'bash'));
	return { dir, bin };
}

/**
 * Run `runbooks/<name>.mjs` with `args`; the process group is killed when the test ends.
 */
export async function runRunbook(
	cleanup: Cleanup,
	name: string,
	args: string[],
	options: RunOptions = {},
): Promise<RunResult> {
	const { dir, bin } = await basePath(cleanup);
	const callsFile = path.join(dir, 'calls.jsonl');
	const standins = options.standins !== false;
	const PATH = standins ? [FAKE_BIN, dockerCli(dir), bin].join(path.delimiter) : bin;
	const newest = kubectlBinaries().at(-1);
	if (standins && newest) symlinkSync(newest.path, path.join(bin, 'kubectl'));
	const scenarioDir = options.scenario ? path.join(SCENARIOS, options.scenario) : null;
	const kube = standins && scenarioDir ? await serveRecorded(scenarioDir, dir) : null;
	if (kube) cleanup.after(() => kube.close());
	const engine = await dockerEngine(cleanup, dir, options.scenario);
	const env: Record<string, string> = {
		PATH,
		...engine.env,
		KUBECONFIG: kube?.kubeconfig ?? path.join(dir, 'no-kubeconfig'),
		HOME: dir,
		LANG: 'C.UTF-8',
		NO_COLOR: '1',
		DIAG_CALLS: callsFile,
		MILVUS_RESCUE_STATE_DIR: path.join(dir, 'state'),
		...(options.scenario ? { DIAG_SCENARIO: path.join(SCENARIOS, options.scenario) } : {}),
		...options.env,
	};
	const child = spawn(process.execPath, [path.join(ROOT, 'runbooks', `${name}.mjs`), ...args], {
		cwd: options.cwd ?? dir,
		env,
		detached: true,
		stdio: ['pipe', 'pipe', 'pipe'],
	});
	cleanup.after(() => killGroup(child));
	let stdout = '';
	let stderr = '';
	child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
	child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
	child.stdin.on('error', () => {});
	child.stdin.end(options.input ?? '');
	const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
	const calls = existsSync(callsFile)
		? readFileSync(callsFile, 'utf8')
				.split('\n')
				.filter(Boolean)
				.map((l) => JSON.parse(l) as string[])
		: [];
	const kubeCalls = kube ? [...kube.calls] : [];
	for (const c of kubeCalls) calls.push(['kubectl', c.method, c.url]);
	return {
		code,
		stdout,
		stderr,
		calls,
		docker: engine.requests,
		kubeCalls,
		json: () => JSON.parse(stdout) as Record<string, unknown>,
	};
}

/** A folder holding only a link to the real docker CLI found on this process's PATH. */
function dockerCli(dir: string): string {
	const folder = path.join(dir, 'docker-cli');
	mkdirSync(folder);
	const real = (process.env.PATH ?? '')
		.split(path.delimiter)
		.map((d) => path.join(d, 'docker'))
		.find((f) => path.isAbsolute(f) && existsSync(f));
	if (!real) throw new Error('the docker CLI is not on PATH');
	symlinkSync(real, path.join(folder, 'docker'));
	return folder;
}

/**
 * The Docker Engine API stand-in for a scenario: the containers of `<scenario>/engine/containers.json`
 * (none without one), on a socket in `dir`; with `"daemon": "down"` nothing listens there. `DOCKER_HOST`
 * goes into the runbook's env; the requests are recorded.
 */
async function dockerEngine(
	cleanup: Cleanup,
	dir: string,
	scenario: string | undefined,
): Promise<{ env: Record<string, string>; requests: EngineRequest[] }> {
	const socketPath = path.join(dir, 'docker.sock');
	const env = { DOCKER_HOST: `unix://${socketPath}` };
	const file = scenario ? path.join(SCENARIOS, scenario, 'engine', 'containers.json') : null;
	const sc = file && existsSync(file) ? loadScenario(file) : scenarioFromSpec({ containers: [] });
	if (sc.daemonDown) return { env, requests: [] };
	const engine = await serveDockerEngine({ socketPath, backend: sc.backend });
	cleanup.after(() => engine.close());
	return { env, requests: engine.requests };
}

/** Requests that change something (anything but GET and HEAD): none may reach the engine from a diagnostic runbook. */
export function nonReadDockerRequests(requests: EngineRequest[]): EngineRequest[] {
	return requests.filter((r) => r.method !== 'GET' && r.method !== 'HEAD');
}

/**
 * A request as one line, the container's id in the path replaced by its name and the query sorted:
 * `GET /containers/milvus-etcd/logs?stderr=1&stdout=1&tail=500`.
 */
export function dockerRequestLine(r: EngineRequest): string {
	const p = r.container
		? r.path.replace(/^\/containers\/[^/]+/, `/containers/${r.container}`)
		: r.path;
	const q = Object.keys(r.query)
		.sort()
		.map((k) => `${k}=${r.query[k]}`)
		.join('&');
	return q ? `${r.method} ${p}?${q}` : `${r.method} ${p}`;
}

/** A real HTTP server on 127.0.0.1 (port 0) answering every path with `handler`; closed after the test. */
export async function httpServer(
	cleanup: Cleanup,
	handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<number> {
	const server = createHttpServer(handler);
	return listen(cleanup, server);
}

/** Milvus's /healthz: 200 "OK", or another status and body. */
export function healthz(
	status = 200,
	body = 'OK',
): (req: IncomingMessage, res: ServerResponse) => void {
	return (req, res) => {
		if (req.url === '/healthz') {
			res.writeHead(status, { 'Content-Type': 'text/plain' });
			res.end(body);
		} else {
			res.writeHead(404);
			res.end('404 page not found');
		}
	};
}

/** A TCP listener that accepts and drops connections (stands for the gRPC port, or a port squatter). */
export async function tcpServer(cleanup: Cleanup): Promise<number> {
	const sockets = new Set<Socket>();
	const server = createTcpServer((s) => {
		sockets.add(s);
		s.on('close', () => sockets.delete(s));
		s.on('error', () => {});
	});
	cleanup.after(() => {
		for (const s of sockets) s.destroy();
	});
	return listen(cleanup, server);
}

/** A port nothing listens on: bound to get it, then closed. */
export async function closedPort(): Promise<number> {
	const server = createTcpServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const address = server.address();
	const port = typeof address === 'object' && address ? address.port : 0;
	await new Promise<void>((resolve) => server.close(() => resolve()));
	return port;
}

async function listen(
	cleanup: Cleanup,
	server: Server | ReturnType<typeof createHttpServer>,
): Promise<number> {
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => resolve());
	});
	cleanup.after(
		() =>
			new Promise<void>((resolve) => {
				if ('closeAllConnections' in server) server.closeAllConnections();
				server.close(() => resolve());
			}),
	);
	const address = server.address();
	if (address === null || typeof address === 'string') throw new Error('no port');
	return address.port;
}

/** Calls whose verb is not a read (only kubectl's GET requests, `pip show`, `npm ls`, `go list`,
 * `mvn dependency:tree` are; docker's requests are checked apart, see nonReadDockerRequests): none may appear
 * in a diagnostic runbook. */
export function nonReadCalls(calls: string[][]): string[][] {
	const reads: Record<string, string[]> = {
		kubectl: ['GET'],
		pip: ['show'],
		npm: ['ls'],
		go: ['list'],
		mvn: ['dependency:tree'],
	};
	return calls.filter((argv) => {
		const args: string[] = [];
		for (let i = 1; i < argv.length; i++) {
			const a = argv[i] ?? '';
			if (a === '--context' || a === '-n' || a === '--namespace') i++;
			else args.push(a);
		}
		return !(reads[argv[0] ?? ''] ?? []).includes(args[0] ?? '');
	});
}
