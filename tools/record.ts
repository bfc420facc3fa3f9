/**
 * `npm run record [runbook…] [--lang en|id] [--jobs n]`: re-records public/recordings/<runbook>.<lang>.cast by
 * running each runbook for real against its broken stand-in (see tools/recorder/scenarios.ts), and the
 * variants there (public/recordings/<variant>.<lang>.cast, e.g. etcd-all-crash-compose). The
 * recordings are only ever written by this script.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { serializeCast } from '../src/components/terminal/cast.ts';
import { castPath, record, RECORDINGS } from './recorder/record.ts';
import { RUNBOOK_NAMES, VARIANT_NAMES, scenarioOf, type Lang } from './recorder/scenarios.ts';
import { stopAll } from './standin/index.mjs';

function usage(message: string): never {
	process.stderr.write(
		`record: ${message}\nusage: npm run record -- [runbook…] [--lang en|id] [--jobs n]\n`,
	);
	process.exit(2);
}

const names: string[] = [];
let langs: Lang[] = ['en', 'id'];
let jobs = 3;
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
	const a = args[i] ?? '';
	if (a === '--lang') {
		const v = args[++i];
		if (v !== 'en' && v !== 'id') usage(`--lang takes en or id, not ${v ?? 'nothing'}`);
		langs = [v];
	} else if (a === '--jobs') {
		jobs = Number(args[++i]);
		if (!Number.isInteger(jobs) || jobs < 1) usage('--jobs takes a positive whole number');
	} else if (a.startsWith('-')) usage(`unknown flag ${a}`);
	else if (!scenarioOf(a))
		usage(`unknown runbook ${a} (one of: ${[...RUNBOOK_NAMES, ...VARIANT_NAMES].join(', ')})`);
	else names.push(a);
}

const queue = (names.length ? names : [...RUNBOOK_NAMES, ...VARIANT_NAMES]).flatMap((runbook) =>
	langs.map((lang) => ({ runbook, lang })),
);
mkdirSync(RECORDINGS, { recursive: true });
let failed = 0;
const worker = async () => {
	for (let job = queue.shift(); job; job = queue.shift()) {
		const { runbook, lang } = job;
		const started = Date.now();
		try {
			const cast = await record(runbook, lang);
			writeFileSync(castPath(runbook, lang), serializeCast(cast));
			const markers = cast.events.filter((e) => e.type === 'm').length;
			process.stdout.write(
				`recorded ${runbook}.${lang}.cast: exit ${cast.header.exit_code}, ${cast.events.length} events, ${markers} step markers (${Math.round((Date.now() - started) / 1000)}s)\n`,
			);
		} catch (e) {
			failed++;
			process.stderr.write(
				`record: ${runbook} (${lang}) failed: ${e instanceof Error ? e.message : String(e)}\n`,
			);
		}
	}
};
try {
	await Promise.all(Array.from({ length: jobs }, worker));
} finally {
	await stopAll();
}
process.exitCode = failed ? 1 : 0;
