// Shared helpers for the etcd runbook tests: run a runbook as a real subprocess against a stand-in
// cluster, snapshot what a run must not touch, and check "healthy, one cluster id, every key intact".
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { createCluster, stopAll } from '../../tools/standin/index.mjs';
import type { StandinCluster, ClusterOptions, KV } from '../../tools/standin/index.mjs';
import { ROOT } from '../../tools/support/paths.ts';
import { useKubectl } from '../support/kubectl.ts';

// Every scenario runs the real kubectl, newest or oldest of the machine's (MILVUS_RESCUE_KUBECTL).
useKubectl();

export { ROOT };
export const runbookPath = (name: string): string => path.join(ROOT, 'runbooks', `${name}.mjs`);

export interface RunOutcome {
	code: number | null;
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
	killed: boolean;
}

const live = new Set<ChildProcess>();

/** Kill every runbook process (group) a test started and is still running; call from `after`. */
export function killRunbooks(): void {
	for (const child of live) {
		try {
			if (child.pid) process.kill(-child.pid, 'SIGKILL');
		} catch {
			// already gone
		}
	}
	live.clear();
}

/** Stop every stand-in cluster and runbook process. */
export async function cleanup(): Promise<void> {
	killRunbooks();
	await stopAll();
}

export interface RunOptions {
	env: NodeJS.ProcessEnv;
	cwd?: string;
	/** SIGKILL the runbook's process group as soon as its output matches. */
	killOn?: RegExp;
	timeoutMs?: number;
	/** Answers typed at a terminal, one a line: stdin is piped and the runbook told it may ask. */
	input?: string;
}

/**
 * Run `runbooks/<name>.mjs` with node (what `zx file.mjs` does, minus the launcher), stdin not a TTY
 * unless `input` is given.
 */
export function runRunbook(name: string, args: string[], opts: RunOptions): Promise<RunOutcome> {
	return new Promise((resolve, reject) => {
		const env: NodeJS.ProcessEnv = { ...opts.env, NO_COLOR: '1' };
		delete env.MILVUS_RESCUE_ASSUME_TTY;
		if (opts.input !== undefined) env.MILVUS_RESCUE_ASSUME_TTY = '1';
		const child = spawn(process.execPath, [runbookPath(name), ...args], {
			env,
			cwd: opts.cwd ?? ROOT,
			stdio: ['pipe', 'pipe', 'pipe'],
			// Own process group, so a kill takes its kubectl children with it, like a lost terminal.
			detached: true,
		});
		live.add(child);
		// All answers at once, then end of input: a question past the last answer reads as "no".
		// Without answers stdin is empty at once, like </dev/null. A runbook that stops before reading every
		// answer closes the pipe; that is not a test failure.
		child.stdin.on('error', () => {});
		child.stdin.end(opts.input ?? '');
		let stdout = '';
		let stderr = '';
		let killed = false;
		const kill = () => {
			if (killed || !child.pid) return;
			killed = true;
			try {
				process.kill(-child.pid, 'SIGKILL');
			} catch {
				// exited meanwhile
			}
		};
		const limitMs = opts.timeoutMs ?? 240_000;
		// A run that never ends says first, where a failure report shows it, what it was still doing.
		const timer = setTimeout(() => {
			if (child.pid) stdout = `${stillRunning(child.pid, limitMs)}\n${stdout}`;
			kill();
		}, limitMs);
		child.stdout.on('data', (d: Buffer) => {
			stdout += d.toString('utf8');
			if (opts.killOn && opts.killOn.test(stdout)) kill();
		});
		child.stderr.on('data', (d: Buffer) => {
			stderr += d.toString('utf8');
		});
		child.on('error', reject);
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			live.delete(child);
			resolve({ code, signal, stdout, stderr, killed });
		});
	});
}

/** The processes of a runbook's group that are still running, one line each. */
function stillRunning(pgid: number, limitMs: number): string {
	const ps = spawnSync('ps', ['-o', 'pid=,etime=,args=', '-g', String(pgid)], { encoding: 'utf8' });
	return `[killed after ${limitMs / 1000} s; still running:\n${(ps.stdout || ps.stderr).trimEnd()}]`;
}

/** The stand-in's API calls can meet a connection reset right after a busy rollout; retry those. */
export async function retry<T>(fn: () => Promise<T>, tries = 4): Promise<T> {
	let last: unknown;
	for (let i = 0; i < tries; i++) {
		try {
			return await fn();
		} catch (e) {
			last = e;
			const msg = e instanceof Error ? e.message : String(e);
			if (!/socket hang up|ECONNRESET|EPIPE/i.test(msg)) throw e;
			await new Promise((r) => setTimeout(r, 500));
		}
	}
	throw last;
}

/** A stand-in cluster with a short crash back-off: crash loops show sooner, the logic is the same. */
export async function newCluster(opts: ClusterOptions): Promise<StandinCluster> {
	return createCluster({ backoffMs: 500, ...opts });
}

/**
 * The stand-in cluster as it is now, for a failure message: pods, the members one of them lists, and the last
 * events (what the StatefulSet controller, the scheduler and the kubelet did).
 */
export async function clusterReport(c: StandinCluster): Promise<string> {
	const pods = (await c.pods())
		.map((p) => `${p.name}:${p.status}${p.ready ? '/ready' : ''}(r${p.restarts})`)
		.join(' ');
	const members = await c.memberList().then(
		(list) => list.map((m) => `${m.name || '?'}=${m.id}`).join(' '),
		(e: unknown) => `(no answer: ${e instanceof Error ? e.message : String(e)})`,
	);
	const events = await c.kubectl(['get', 'events', '--sort-by=.lastTimestamp']);
	return [
		`pods: ${pods}`,
		`members: ${members}`,
		`last events:\n${events.stdout.trim().split('\n').slice(-30).join('\n')}`,
	].join('\n');
}

/** Milvus-like keys written through the gateway, returned as the exact bytes etcd serves. */
export async function seedKeys(c: StandinCluster, n = 3000): Promise<KV[]> {
	const written = await c.putMilvusKeys(n);
	assert.ok(written >= n, `wrote ${written} keys`);
	const before = await retry(() => c.dumpKeys());
	assert.ok(before.length >= n / 2, `dumped ${before.length} keys`);
	return before;
}

/** kubectl through the stand-in; fails the test on a non-zero exit. */
export async function kubectl(c: StandinCluster, ...args: string[]): Promise<string> {
	const r = await retry(() => c.kubectl(args));
	assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
	return r.stdout;
}

/** The fields of a Kubernetes object these tests read. */
export interface KubeObject {
	metadata: { name: string; uid?: string; annotations?: Record<string, string> };
	status?: { phase?: string };
}

/** Everything a dry run or a refused run must leave exactly as it was. */
export async function untouchable(c: StandinCluster): Promise<unknown> {
	const sts = JSON.parse(await kubectl(c, 'get', 'sts', c.sts, '-o', 'json'));
	const pvcs = JSON.parse(await kubectl(c, 'get', 'pvc', '-o', 'json'));
	const scs = JSON.parse(await kubectl(c, 'get', 'storageclass', '-o', 'json'));
	const members = await retry(() => c.memberList({ endpoint: c.clientUrl(0) }));
	return {
		replicas: sts.spec.replicas,
		env: sts.spec.template.spec.containers[0].env,
		pvcs: pvcs.items
			.map((p: KubeObject) => `${p.metadata.name}:${p.metadata.uid}:${p.status?.phase}`)
			.sort(),
		scs: scs.items
			.map((s: KubeObject) => `${s.metadata.name}:${JSON.stringify(s.metadata.annotations ?? {})}`)
			.sort(),
		members: members.map((m) => `${m.id}:${m.name}`).sort(),
	};
}

/**
 * Healthy with every member Ready, one cluster id, `replicas` started members, and every member serving
 * exactly the keys and values there were before, byte for byte.
 */
export async function assertHealthyWithKeys(
	c: StandinCluster,
	before: KV[],
	replicas = 3,
): Promise<void> {
	await retry(() => c.waitHealthy({ timeoutMs: 90_000, replicas }));
	const ids = await retry(() => c.clusterIds());
	assert.equal(ids.length, 1, `cluster ids: ${ids.join(', ')}`);
	const members = await retry(() => c.memberList());
	assert.equal(members.length, replicas, `members: ${JSON.stringify(members)}`);
	for (let i = 0; i < replicas; i++) {
		const after = await retry(() => c.dumpKeys({ endpoint: c.clientUrl(i) }));
		assert.equal(
			after.length,
			before.length,
			`${c.sts}-${i} serves ${after.length} keys, want ${before.length}`,
		);
		assert.ok(
			after.every((kv, j) => kv.key.equals(before[j]!.key) && kv.value.equals(before[j]!.value)),
			`${c.sts}-${i} serves different keys or values`,
		);
	}
}

/** The one error line a failing runbook prints (no stack trace). */
export function assertOneLineError(out: RunOutcome, pattern: RegExp): void {
	const text = `${out.stdout}\n${out.stderr}`;
	assert.match(text, pattern);
	assert.doesNotMatch(text, /\n\s+at .+:\d+:\d+\)?/, 'no stack trace');
}

/**
 * How etcd-pending shows up with data in etcd: the default StorageClass mark went away (a provisioner was
 * swapped), then member `ordinal` lost its volume. The recreated claim names no class and never binds, so
 * the pod stays Pending while its old member entry remains.
 */
export async function loseVolumeWithoutDefault(c: StandinCluster, ordinal: number): Promise<void> {
	const notDefault = JSON.stringify({
		metadata: { annotations: { 'storageclass.kubernetes.io/is-default-class': 'false' } },
	});
	await kubectl(c, 'patch', 'storageclass', 'standard', '-p', notDefault);
	await kubectl(c, 'delete', 'pvc', `data-${c.sts}-${ordinal}`, '--wait=false');
	await kubectl(c, 'delete', 'pod', `${c.sts}-${ordinal}`);
	await c.waitPod(ordinal, 'Pending');
}
