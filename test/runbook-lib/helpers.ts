// Shared set-up for the toolkit tests: a small cluster (state file served through the stand-in's API layer
// to the real kubectl, see kube-fixture.ts) and a way to run the fixture runbook as a real subprocess with
// its own kubeconfig, state dir and stdin.
import { spawn } from 'node:child_process';
import {
	readFileSync,
	writeFileSync,
	existsSync,
	readdirSync,
	symlinkSync,
	mkdirSync,
} from 'node:fs';
import path from 'node:path';
import { ROOT, tmpDir, killGroup, type Cleanup } from '../support/index.ts';
import {
	scenarioFromSpec,
	serveDockerEngine,
	type DockerEngine,
	type ScenarioContainer,
} from '../../tools/standin/lib/docker-engine.mjs';
import { startFixtureApi, type FakeCluster, type ApiCall } from './kube-fixture.ts';

export const FIXTURES = path.join(ROOT, 'test', 'runbook-lib', 'fixtures');
export const FAKE_BIN = path.join(FIXTURES, 'bin');
export const TINY = path.join(FIXTURES, 'tiny.mjs');

export type { FakeCluster, ApiCall } from './kube-fixture.ts';

export interface Sandbox {
	dir: string;
	stateFile: string;
	stateDir: string;
	env: Record<string, string>;
	cluster(): FakeCluster;
	setCluster(c: FakeCluster): void;
	/** the API requests kubectl sent, in order (discovery left out) */
	calls(): ApiCall[];
	stateFiles(): string[];
}

export function defaultCluster(): FakeCluster {
	return {
		context: 'kind-a',
		namespaces: ['default', 'milvus'],
		sts: { 'my-release-etcd': { replicas: 3 } },
		pvcs: ['data-my-release-etcd-1', 'data-my-release-etcd-2'],
	};
}

export async function sandbox(
	cleanup: Cleanup,
	cluster: FakeCluster = defaultCluster(),
): Promise<Sandbox> {
	const dir = await tmpDir(cleanup, 'runbook-lib-');
	const stateFile = path.join(dir, 'cluster.json');
	const kubeconfig = path.join(dir, 'kubeconfig');
	const stateDir = path.join(dir, 'state');
	writeFileSync(stateFile, JSON.stringify(cluster));
	const api = await startFixtureApi(stateFile, kubeconfig);
	cleanup.after(() => api.close());
	const env: Record<string, string> = {
		PATH: `${FAKE_BIN}${path.delimiter}${process.env.PATH ?? ''}`,
		HOME: dir,
		LANG: 'C.UTF-8',
		KUBECONFIG: kubeconfig,
		MILVUS_RESCUE_STATE_DIR: stateDir,
	};
	return {
		dir,
		stateFile,
		stateDir,
		env,
		cluster: () => JSON.parse(readFileSync(stateFile, 'utf8')) as FakeCluster,
		setCluster: (c) => {
			writeFileSync(stateFile, JSON.stringify(c));
			api.writeKubeconfig();
		},
		calls: () => [...api.calls],
		stateFiles: () =>
			existsSync(stateDir) ? readdirSync(stateDir).filter((f) => f.endsWith('.json')) : [],
	};
}

/** A PATH holding only bash (zx needs it) and nothing else: kubectl is "missing". */
/**
 * A Docker Engine API stand-in serving `containers` (logs given inline, as text) on a socket in `dir`, for
 * the real docker CLI (`DOCKER_HOST=engine.host`); closed when the test ends.
 */
export async function dockerEngine(
	cleanup: Cleanup,
	dir: string,
	containers: (Omit<ScenarioContainer, 'logs'> & { logs?: { stdout?: string; stderr?: string } })[],
): Promise<DockerEngine> {
	const logDir = path.join(dir, 'engine-logs');
	mkdirSync(logDir, { recursive: true });
	const spec = containers.map((c) => {
		const logs: { stdout?: string; stderr?: string } = {};
		for (const stream of ['stdout', 'stderr'] as const) {
			const text = c.logs?.[stream];
			if (text === undefined) continue;
			logs[stream] = path.join(logDir, `${c.name}.${stream}.log`);
			writeFileSync(logs[stream], text);
		}
		return { ...c, logs };
	});
	const engine = await serveDockerEngine({
		socketPath: path.join(dir, 'docker.sock'),
		backend: scenarioFromSpec({ containers: spec }).backend,
	});
	cleanup.after(() => engine.close());
	return engine;
}

export function pathWithoutKubectl(dir: string): string {
	const bin = path.join(dir, 'bare-bin');
	mkdirSync(bin, { recursive: true });
	for (const tool of ['bash', 'sh']) {
		const found = ['/usr/bin', '/bin'].map((d) => path.join(d, tool)).find((p) => existsSync(p));
		if (found && !existsSync(path.join(bin, tool))) symlinkSync(found, path.join(bin, tool));
	}
	return bin;
}

export interface RunResult {
	code: number | null;
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
}

export interface RunOptions {
	env?: Record<string, string | undefined>;
	input?: string;
	/** keep stdin open (for prompts answered later, or signals) */
	keepStdinOpen?: boolean;
	/** called with the child while it runs, with a way to wait for text on its output */
	during?: (
		child: import('node:child_process').ChildProcess,
		waitFor: (text: string) => Promise<void>,
	) => Promise<void>;
	script?: string;
	timeoutMs?: number;
}

/** Runs a fixture runbook with `node`, as a process group killed when the test ends. */
export function runFixture(
	cleanup: Cleanup,
	sb: Sandbox,
	args: string[],
	options: RunOptions = {},
): Promise<RunResult> {
	const env: Record<string, string> = {};
	for (const [k, v] of Object.entries({ ...sb.env, ...options.env }))
		if (v !== undefined) env[k] = v;
	const child = spawn(process.execPath, [options.script ?? TINY, ...args], {
		env,
		cwd: sb.dir,
		detached: true,
		stdio: ['pipe', 'pipe', 'pipe'],
	});
	cleanup.after(() => killGroup(child));
	let stdout = '';
	let stderr = '';
	const watchers: Array<{ text: string; resolve: () => void }> = [];
	const check = () => {
		for (const w of [...watchers]) {
			if (stdout.includes(w.text) || stderr.includes(w.text)) {
				watchers.splice(watchers.indexOf(w), 1);
				w.resolve();
			}
		}
	};
	child.stdout.on('data', (d: Buffer) => {
		stdout += d.toString();
		check();
	});
	child.stderr.on('data', (d: Buffer) => {
		stderr += d.toString();
		check();
	});
	if (options.input !== undefined) child.stdin.write(options.input);
	if (!options.keepStdinOpen) child.stdin.end();
	const waitFor = (text: string) =>
		new Promise<void>((resolve) => {
			watchers.push({ text, resolve });
			check();
		});
	const exited = new Promise<RunResult>((resolve) => {
		child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
	});
	return (async () => {
		if (options.during) await options.during(child, waitFor);
		const timeout = options.timeoutMs ?? 30_000;
		let timer: NodeJS.Timeout | undefined;
		const timedOut = new Promise<never>((_, reject) => {
			timer = setTimeout(
				() => reject(new Error(`fixture did not exit; stdout:\n${stdout}\nstderr:\n${stderr}`)),
				timeout,
			);
		});
		try {
			return await Promise.race([exited, timedOut]);
		} finally {
			clearTimeout(timer);
			child.stdin.destroy();
		}
	})();
}

/** Non-empty lines of a text. */
export const lines = (s: string): string[] => s.split('\n').filter((l) => l.trim() !== '');
