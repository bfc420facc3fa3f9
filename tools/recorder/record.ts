/**
 * Records one runbook run: prepares its scenario, runs the runbook in a pty answering every prompt as a
 * user would (y, or the typed name), and builds the asciicast. Used by tools/record.ts and the tests.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Cast } from '../../src/components/terminal/cast.ts';
import { castEvents, markSteps, normalizer, type StepInfo } from './build.ts';
import { fileHashes, sourceClosure, sourceHash } from './hash.ts';
import { runInPty } from './pty.ts';
import { ROOT, scenarioOf, type Lang } from './scenarios.ts';

export { ROOT };
export const RECORDINGS = path.join(ROOT, 'public', 'recordings');
export const COLS = 100;
export const ROWS = 32;

export const castPath = (runbook: string, lang: Lang) =>
	path.join(RECORDINGS, `${runbook}.${lang}.cast`);

/** The answer to a prompt at the end of `pending`, or null while no prompt is waiting. */
export function answerFor(pending: string): string | null {
	const tail = pending.replace(/\s+$/, ' ');
	const typed = /(?:Type|Ketik) (\S+) (?:to confirm|untuk konfirmasi): $/.exec(tail);
	if (typed?.[1]) return typed[1];
	if (/\[y\/N\] $/i.test(tail)) return 'y';
	return null;
}

async function describeSteps(runbook: string, lang: Lang): Promise<StepInfo[]> {
	const { stdout } = await promisify(execFile)(
		process.execPath,
		[path.join(ROOT, 'runbooks', `${runbook}.mjs`), '--describe', '--lang', lang],
		{ cwd: ROOT, maxBuffer: 16 * 1024 * 1024 },
	);
	const d = JSON.parse(stdout) as { steps: StepInfo[] };
	return d.steps;
}

/** The source fingerprint a recording of `runbook` must carry to be current. */
export function currentSources(runbook: string): { sources: Record<string, string>; hash: string } {
	const files = sourceClosure(ROOT, runbook);
	return { sources: fileHashes(ROOT, files), hash: sourceHash(ROOT, files) };
}

/** Records scenario `name`: a runbook's own (named like it) or a variant (etcd-all-crash-compose). */
export async function record(name: string, lang: Lang): Promise<Cast> {
	const scenario = scenarioOf(name);
	if (!scenario) throw new Error(`no recording scenario ${name}`);
	const runbook = scenario.runbook;
	// Fingerprint first: a runbook edited while we record must not look current afterwards.
	const { sources, hash } = currentSources(runbook);
	const steps = await describeSteps(runbook, lang);
	const prepared = await scenario.prepare(lang);
	try {
		const file = path.join(ROOT, 'runbooks', `${runbook}.mjs`);
		const run = await runInPty(
			[process.execPath, file, ...prepared.shownArgs, ...prepared.hiddenArgs],
			{
				cwd: prepared.cwd,
				env: prepared.env,
				cols: COLS,
				rows: ROWS,
				answer: answerFor,
				timeoutMs: 300_000,
			},
		);
		const shown = ['npx', 'zx', `runbooks/${runbook}.mjs`, ...prepared.shownArgs];
		const events = markSteps(castEvents(run, shown, normalizer(prepared.replace)), steps);
		return {
			header: {
				version: 2,
				width: COLS,
				height: ROWS,
				title: `${shown.slice(2).join(' ')} (${lang})`,
				env: { TERM: 'xterm-256color', SHELL: '/bin/bash' },
				runbook,
				lang,
				command: shown.join(' '),
				source_hash: hash,
				sources,
				exit_code: run.code,
			},
			events,
		};
	} finally {
		await prepared.teardown();
	}
}
