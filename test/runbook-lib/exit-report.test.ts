// Per-runbook exit codes (def.exitCodes) and a runbook's own --json report (ctx.setReport), driven
// in-process through handle.run() with captured streams: these paths need no cluster at all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import {
	defineRunbook,
	exitCodeMeanings,
	StepFailedError,
	type Context,
	type RunbookDef,
} from '../../runbooks/lib/runbook.mjs';

interface Captured {
	code: number;
	stdout: string;
	stderr: string;
}

function sink() {
	let text = '';
	const stream = Object.assign(new PassThrough(), { isTTY: false });
	stream.on('data', (d: Buffer) => (text += d.toString()));
	return { stream, text: () => text };
}

async function runIt(def: RunbookDef, args: string[]): Promise<Captured> {
	const out = sink();
	const err = sink();
	const stdin = Object.assign(new PassThrough(), { isTTY: false });
	stdin.end();
	const code = await defineRunbook(def).run({
		args,
		stdout: out.stream,
		stderr: err.stream,
		stdin,
		env: { PATH: process.env.PATH, LANG: 'C.UTF-8' },
		handleSignals: false,
	});
	// PassThrough delivers on the next tick; let the last writes arrive.
	await new Promise((r) => setImmediate(r));
	return { code, stdout: out.text(), stderr: err.text() };
}

/** A local runbook whose main() decides the outcome from --word, like a diagnostic runbook. */
function wordRunbook(extra: Partial<RunbookDef> = {}): RunbookDef {
	return {
		name: 'word-check',
		summary: { en: 'Check a word', id: 'Periksa kata' },
		description: {
			en: 'Checks --word. Changes nothing.',
			id: 'Memeriksa --word. Tidak mengubah apa pun.',
		},
		target: 'local',
		flags: [{ name: 'word', type: 'string', help: { en: 'the word', id: 'katanya' } }],
		exitCodes: {
			0: { en: 'the word is good', id: 'katanya bagus' },
			4: { en: 'the word belongs to another check', id: 'kata itu urusan pemeriksaan lain' },
			7: { en: 'the word is empty', id: 'katanya kosong' },
		},
		main(ctx: Context) {
			const word = String(ctx.flags.word ?? '');
			if (word === '') return 7;
			if (word === 'eight') return 8;
			if (word === 'other') return 4;
			return word === 'good' ? 0 : 1;
		},
		...extra,
	};
}

test('exitCodes merge over the generic five, ascending, in the chosen language', () => {
	const own = wordRunbook().exitCodes;
	assert.deepEqual(
		exitCodeMeanings(own, 'en').map((c) => c.code),
		[0, 1, 2, 3, 4, 7],
	);
	const en = Object.fromEntries(exitCodeMeanings(own, 'en').map((c) => [c.code, c.meaning]));
	assert.equal(en[0], 'the word is good');
	assert.equal(en[7], 'the word is empty');
	assert.match(
		en[1] ?? '',
		/^failed: /,
		'codes the runbook does not declare keep the generic text',
	);
	const id = Object.fromEntries(exitCodeMeanings(own, 'id').map((c) => [c.code, c.meaning]));
	assert.equal(id[4], 'kata itu urusan pemeriksaan lain');
	assert.match(id[3] ?? '', /^ditolak atau dibatalkan/);
	assert.deepEqual(
		exitCodeMeanings(undefined, 'en').map((c) => c.code),
		[0, 1, 2, 3, 4],
	);
});

test('--help and --describe show the runbook exit codes in the chosen language', async () => {
	const help = await runIt(wordRunbook(), ['--help']);
	assert.equal(help.code, 0, help.stderr);
	const section = help.stdout.slice(help.stdout.indexOf('Exit codes:'));
	assert.deepEqual(
		section
			.trimEnd()
			.split('\n')
			.slice(1, 7)
			.map((l) => l.slice(0, 5)),
		['  0  ', '  1  ', '  2  ', '  3  ', '  4  ', '  7  '],
	);
	assert.match(section, /\n {2}0 {2}the word is good\n/);
	assert.match(section, /\n {2}4 {2}the word belongs to another check\n/);
	assert.match(section, /\n {2}7 {2}the word is empty\n/);
	assert.match(section, /\n {2}2 {2}usage: /);

	const idHelp = await runIt(wordRunbook(), ['--help', '--lang', 'id']);
	assert.match(idHelp.stdout, /Kode keluar:\n {2}0 {2}katanya bagus\n/);
	assert.match(idHelp.stdout, /\n {2}7 {2}katanya kosong\n/);

	const d = await runIt(wordRunbook(), ['--describe', '--lang', 'id']);
	assert.equal(d.code, 0, d.stderr);
	const described = JSON.parse(d.stdout) as { exitCodes: { code: number; meaning: string }[] };
	assert.deepEqual(described.exitCodes, exitCodeMeanings(wordRunbook().exitCodes, 'id'));
	assert.deepEqual(described.exitCodes.at(-1), { code: 7, meaning: 'katanya kosong' });
});

test('main() ends with a declared code; an undeclared one is a runbook bug (exit 1, one line)', async () => {
	assert.equal(
		(await runIt(wordRunbook(), ['--word', ''])).code,
		2,
		'empty value is a usage error',
	);
	assert.equal((await runIt(wordRunbook(), [])).code, 7);
	assert.equal((await runIt(wordRunbook(), ['--word', 'other'])).code, 4);
	const bad = await runIt(wordRunbook(), ['--word', 'eight']);
	assert.equal(bad.code, 1);
	assert.deepEqual(bad.stderr.trim().split('\n'), [
		'error: runbook word-check returned exit code 8, not listed in its exitCodes',
	]);
});

test('bad exitCodes are definition problems, refused before anything runs', async () => {
	const problems = (exitCodes: unknown) =>
		defineRunbook(wordRunbook({ exitCodes: exitCodes as RunbookDef['exitCodes'] })).problems;
	assert.deepEqual(problems(undefined), []);
	assert.deepEqual(problems({ 130: { en: 'a', id: 'b' } }), [
		'exit code 130 must be a whole number from 0 to 125',
	]);
	assert.deepEqual(problems({ '-1': { en: 'a', id: 'b' } }), [
		'exit code -1 must be a whole number from 0 to 125',
	]);
	assert.deepEqual(problems({ 5: { en: 'only English' } }), [
		'exit code 5 needs a meaning in en and id',
	]);
	assert.deepEqual(problems({ 5: { en: 'same', id: 'same' } }), [
		'exit code 5: the id meaning is a copy of the en one',
	]);
	assert.deepEqual(problems([]), ['exitCodes must be an object like { 0: { en, id } }']);
	const r = await runIt(wordRunbook({ exitCodes: { 5: { en: 'x', id: '' } } }), ['--help']);
	assert.equal(r.code, 1);
	assert.equal(r.stdout, '');
	assert.match(r.stderr, /^error: runbook definition: exit code 5 needs a meaning in en and id\n$/);
});

/** A runbook with its own report, like diagnose's { matches: [...] }. */
function reportRunbook(after?: (ctx: Context) => void): RunbookDef {
	return wordRunbook({
		main(ctx: Context) {
			ctx.out.info('human text');
			ctx.setReport({ matches: [{ symptom: 'boot', line: 'panic: x' }], exitCode: 1 });
			// The last call wins: a runbook may refine its report as it learns more.
			ctx.setReport({ matches: [{ symptom: 'etcd-pending', line: 'Pending' }], exitCode: 1 });
			after?.(ctx);
			return 1;
		},
	});
}

test('ctx.setReport: --json prints exactly that object as the only document on stdout', async () => {
	const r = await runIt(reportRunbook(), ['--json']);
	assert.equal(r.code, 1, r.stderr);
	assert.deepEqual(JSON.parse(r.stdout), {
		matches: [{ symptom: 'etcd-pending', line: 'Pending' }],
		exitCode: 1,
	});
	assert.equal(r.stdout.trim().split('\n').at(-1), '}', 'one document, nothing after it');
	assert.match(r.stderr, /human text/, 'human text goes to stderr under --json');

	const plain = await runIt(reportRunbook(), []);
	assert.equal(plain.code, 1);
	assert.equal(plain.stdout, 'human text\n', 'no JSON without --json');
});

test('an error after setReport prints the generic report with the error instead', async () => {
	const r = await runIt(
		reportRunbook(() => {
			throw new StepFailedError('the second log could not be read');
		}),
		['--json'],
	);
	assert.equal(r.code, 1);
	const report = JSON.parse(r.stdout);
	assert.equal(report.matches, undefined);
	assert.equal(report.runbook, 'word-check');
	assert.equal(report.error, 'the second log could not be read');
	assert.equal(report.exitCode, 1);
});

test('without setReport the generic report stays, with data from main()', async () => {
	const r = await runIt(
		wordRunbook({ main: () => ({ ok: true, details: 'fine', data: { n: 1 } }) }),
		['--json', '--lang', 'id'],
	);
	assert.equal(r.code, 0, r.stderr);
	const report = JSON.parse(r.stdout);
	assert.deepEqual(
		[report.runbook, report.lang, report.exitCode, report.verify, report.data],
		['word-check', 'id', 0, { ok: true, details: 'fine' }, { n: 1 }],
	);
	assert.deepEqual(report.steps, []);
});

/** The word read by a step, judged by verify(), which answers with an exit code of the table. */
function verdictRunbook(): RunbookDef {
	return wordRunbook({
		main: () => undefined,
		exampleFacts: { word: 'good' },
		preflight: (ctx: Context) => ({ word: String(ctx.flags.word ?? '') }),
		steps: (_ctx: Context, facts: { word: string }) => [
			{
				id: 'echo-word',
				title: { en: 'Say the word', id: 'Ucapkan katanya' },
				mode: 'read',
				command: ['node', '-e', 'process.stdout.write(process.argv[1])', facts.word],
			},
		],
		verify(ctx: Context) {
			const said = (ctx.results['echo-word'] as { stdout: string }).stdout;
			ctx.setReport({ said, exitCode: said === 'other' ? 4 : said === 'eight' ? 8 : 0 });
			return said === 'other' ? 4 : said === 'eight' ? 8 : 0;
		},
	});
}

test('verify() may answer with a listed exit code; the own report then carries the steps', async () => {
	const other = await runIt(verdictRunbook(), ['--json', '--word', 'other']);
	assert.equal(other.code, 4, other.stderr);
	const report = JSON.parse(other.stdout);
	assert.equal(report.said, 'other');
	assert.deepEqual(
		report.steps.map((s: { id: string; status: string }) => [s.id, s.status]),
		[['echo-word', 'ran']],
	);
	assert.doesNotMatch(other.stderr, /error/, 'the runbook said its verdict: no failure line');
	// A code the table does not list is a runbook bug, as from main().
	const eight = await runIt(verdictRunbook(), ['--word', 'eight']);
	assert.equal(eight.code, 1);
	assert.match(eight.stderr, /returned exit code 8, not listed in its exitCodes/);
});
