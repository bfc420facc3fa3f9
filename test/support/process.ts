import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
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
