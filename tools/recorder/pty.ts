/**
 * Runs a command in a pseudo-terminal without native addons: util-linux `script` owns the pty, we drive its
 * stdin through a pipe and answer the runbook's prompts when their text appears, as a user at a terminal
 * would (the pty echoes what we type, so the answer shows up in the recording too).
 */
import { spawn } from 'node:child_process';
import { formatCommand } from '../../runbooks/lib/shell.mjs';
import { stripAnsi } from '../../src/components/terminal/cast.ts';

export interface Chunk {
	/** seconds since the start */
	time: number;
	data: string;
}

export interface PtyResult {
	code: number | null;
	chunks: Chunk[];
	/** offsets into the joined output where an answer was typed (the prompt ends there) */
	answers: number[];
}

export interface PtyOptions {
	cwd: string;
	env: NodeJS.ProcessEnv;
	cols: number;
	rows: number;
	/** Given the output since the last answer (colours stripped), what to type, or null to wait. */
	answer: (pending: string) => string | null;
	timeoutMs: number;
}

const live = new Set<number>();
// The recorder may be interrupted mid-run: take every pty session (and the runbook under it) down with it.
process.on('exit', () => {
	for (const pid of live) {
		try {
			process.kill(-pid, 'SIGKILL');
		} catch {
			// already gone
		}
	}
});

export function runInPty(argv: readonly string[], opts: PtyOptions): Promise<PtyResult> {
	// script(1) takes one shell command string; every element is quoted by the toolkit's POSIX quoting, so
	// nothing in argv is ever parsed by the shell.
	const inner = `stty cols ${opts.cols} rows ${opts.rows} 2>/dev/null; exec ${formatCommand(argv)}`;
	const child = spawn('script', ['-q', '-f', '-e', '-c', inner, '/dev/null'], {
		cwd: opts.cwd,
		env: opts.env,
		stdio: ['pipe', 'pipe', 'pipe'],
		detached: true,
	});
	if (child.pid !== undefined) live.add(child.pid);
	const started = process.hrtime.bigint();
	const chunks: Chunk[] = [];
	const answers: number[] = [];
	let total = 0;
	let sinceAnswer = '';
	let errText = '';
	let answering = false;
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => {
			if (child.pid !== undefined) {
				try {
					process.kill(-child.pid, 'SIGKILL');
				} catch {
					// exited meanwhile
				}
			}
		}, opts.timeoutMs);
		child.stdin.on('error', () => {});
		child.stderr.setEncoding('utf8').on('data', (d: string) => (errText += d));
		child.stdout.setEncoding('utf8').on('data', (data: string) => {
			const time = Number(process.hrtime.bigint() - started) / 1e9;
			chunks.push({ time, data });
			total += data.length;
			sinceAnswer += data;
			if (answering) return;
			const reply = opts.answer(stripAnsi(sinceAnswer));
			if (reply === null) return;
			answering = true;
			answers.push(total);
			// A short pause, as a person reading the question would take; it also lets the prompt arrive whole.
			setTimeout(() => {
				sinceAnswer = '';
				answering = false;
				child.stdin.write(`${reply}\n`);
			}, 400);
		});
		child.on('error', reject);
		child.on('close', (code) => {
			clearTimeout(timer);
			if (child.pid !== undefined) live.delete(child.pid);
			if (chunks.length === 0 && errText) reject(new Error(`script: ${errText.trim()}`));
			else resolve({ code, chunks, answers });
		});
	});
}
