// Shared set-up for the diagnostics runbook tests: run a runbook as a real subprocess with the stand-in
// docker/pip/npm/go/mvn of fixtures/bin and the machine's real kubectl on a PATH that holds nothing else;
// kubectl reaches only the scenario's recorded API answers (kube-recorded.ts) through its own kubeconfig.
// Real servers on 127.0.0.1 stand for /healthz and the gRPC port.
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
	/** false: no stand-ins on PATH (docker/kubectl "not installed") */
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
	const PATH = standins ? `${FAKE_BIN}${path.delimiter}${bin}` : bin;
	const newest = kubectlBinaries().at(-1);
	if (standins && newest) symlinkSync(newest.path, path.join(bin, 'kubectl'));
	const scenarioDir = options.scenario ? path.join(SCENARIOS, options.scenario) : null;
	const kube = standins && scenarioDir ? await serveRecorded(scenarioDir, dir) : null;
	if (kube) cleanup.after(() => kube.close());
	const env: Record<string, string> = {
		PATH,
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
		kubeCalls,
		json: () => JSON.parse(stdout) as Record<string, unknown>,
	};
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

/** Calls whose verb is not a read (only `docker ps|logs|inspect`, kubectl's GET requests, `pip show`,
 * `npm ls`, `go list`, `mvn dependency:tree` are): none may appear in a diagnostic runbook. */
export function nonReadCalls(calls: string[][]): string[][] {
	const reads: Record<string, string[]> = {
		docker: ['ps', 'logs', 'inspect'],
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
