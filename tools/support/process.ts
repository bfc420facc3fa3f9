import {
	spawn,
	type ChildProcess,
	type SpawnOptions,
	type SpawnOptionsWithoutStdio,
} from 'node:child_process';
import type { Cleanup } from './tmp.ts';

/**
 * Spawns a command as the leader of its own process group and kills the whole group when the test ends,
 * so grandchildren (a shell's children, an etcd started by a script) never outlive the test.
 */
export function spawnGroup(
	cleanup: Cleanup,
	command: string,
	args: readonly string[],
	options: SpawnOptions = {},
): ChildProcess {
	const child = spawn(command, args, { ...options, detached: true });
	cleanup.after(() => killGroup(child));
	return child;
}

export interface CollectedRun {
	code: number | null;
	stdout: string;
	stderr: string;
	/** stdout and stderr interleaved as they arrived: what a failure report shows. */
	output: string;
}

/**
 * Runs a command to its end as the leader of its own process group and collects what it prints. If this
 * process exits first (a bench stopped with Ctrl-C, a test run that dies), the whole group goes with it, so
 * an astro build's Pagefind child or Lighthouse's Chromium never outlives it.
 */
export async function runCollected(
	command: string,
	args: readonly string[],
	options: SpawnOptionsWithoutStdio = {},
): Promise<CollectedRun> {
	const child = spawn(command, args, {
		...options,
		stdio: ['ignore', 'pipe', 'pipe'],
		detached: true,
	});
	const killOnExit = () => {
		if (child.pid !== undefined) signalGroup(child.pid, 'SIGKILL');
	};
	process.once('exit', killOnExit);
	const run: CollectedRun = { code: null, stdout: '', stderr: '', output: '' };
	child.stdout.on('data', (d: Buffer) => {
		run.stdout += d.toString();
		run.output += d.toString();
	});
	child.stderr.on('data', (d: Buffer) => {
		run.stderr += d.toString();
		run.output += d.toString();
	});
	try {
		run.code = await new Promise<number | null>((resolve, reject) => {
			child.once('error', reject);
			child.once('close', resolve);
		});
	} finally {
		process.removeListener('exit', killOnExit);
	}
	return run;
}

/** Sends SIGTERM to the child's process group, then SIGKILL if it is still there after `graceMs`. */
export async function killGroup(child: ChildProcess, graceMs = 3000): Promise<void> {
	const pid = child.pid;
	if (pid === undefined) return;
	if (child.exitCode !== null || child.signalCode !== null) {
		// The leader is gone but its children may not be: they share its group id.
		signalGroup(pid, 'SIGKILL');
		return;
	}
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	signalGroup(pid, 'SIGTERM');
	let timer: NodeJS.Timeout | undefined;
	const timedOut = new Promise<boolean>((resolve) => {
		timer = setTimeout(() => resolve(true), graceMs);
	});
	const late = await Promise.race([exited.then(() => false), timedOut]);
	clearTimeout(timer);
	if (late) {
		signalGroup(pid, 'SIGKILL');
		await exited;
	}
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
	try {
		process.kill(-pid, signal);
	} catch {
		// The group is already gone: nothing left to stop.
	}
}
