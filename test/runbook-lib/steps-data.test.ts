// Steps as data (issue 14): a step declares its argv once; the toolkit runs it, parse()/after() see the
// result, action() does in-process work for command: null, when()/alternativeTo choose at run time, and a
// runbook file run by import does not start. Driven in-process through handle.run() with captured streams.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
	defineRunbook,
	isScript,
	type Context,
	type RunbookDef,
	type Step,
} from '../../runbooks/lib/runbook.mjs';

function sink() {
	let text = '';
	const stream = Object.assign(new PassThrough(), { isTTY: false });
	stream.on('data', (d: Buffer) => (text += d.toString()));
	return { stream, text: () => text };
}

async function runIt(def: RunbookDef, args: string[]) {
	const out = sink();
	const err = sink();
	const stdin = Object.assign(new PassThrough(), { isTTY: false });
	stdin.end();
	const state = mkdtempSync(path.join(tmpdir(), 'steps-data-'));
	try {
		const code = await defineRunbook(def).run({
			args,
			stdout: out.stream,
			stderr: err.stream,
			stdin,
			env: { PATH: process.env.PATH, LANG: 'C.UTF-8', MILVUS_RESCUE_STATE_DIR: state },
			handleSignals: false,
		});
		await new Promise((r) => setImmediate(r));
		return { code, stdout: out.text(), stderr: err.text() };
	} finally {
		rmSync(state, { recursive: true, force: true });
	}
}

const node = (code: string) => [process.execPath, '-e', code];

function stepsRunbook(seen: Record<string, unknown>): RunbookDef {
	return {
		name: 'steps-data',
		summary: { en: 'Steps as data', id: 'Langkah sebagai data' },
		description: { en: 'Runs local commands.', id: 'Menjalankan perintah lokal.' },
		target: 'local',
		exampleFacts: { big: true },
		preflight: () => ({ big: true }),
		steps: (_ctx: Context, facts: { big: boolean }): Step[] => [
			{
				id: 'count',
				title: { en: 'Count', id: 'Hitung' },
				mode: 'read',
				command: node('console.log(JSON.stringify({ n: 3 }))'),
				parse: (r) => JSON.parse(r.stdout).n,
			},
			{
				id: 'grow',
				title: { en: 'Grow', id: 'Besarkan' },
				mode: 'change',
				command: node('console.log("grown")'),
				after: (ctx, value) => {
					seen.grewWith = (value as { stdout: string }).stdout.trim();
					seen.countBefore = ctx.results.count;
					return 'waited for growth';
				},
			},
			{
				id: 'shrink',
				title: { en: 'Shrink', id: 'Kecilkan' },
				mode: 'change',
				command: node('process.exit(5)'),
				when: () => !facts.big,
			},
			{
				id: 'shrink-big',
				title: { en: 'Shrink a big one', id: 'Kecilkan yang besar' },
				mode: 'change',
				command: null,
				alternativeTo: 'shrink',
				when: () => facts.big,
				action: (ctx) => {
					seen.actionSaw = ctx.results.count;
					return 'shrunk in process';
				},
			},
			{
				id: 'probe',
				title: { en: 'Probe', id: 'Periksa' },
				mode: 'read',
				command: node('process.exit(3)'),
				check: false,
				parse: (r) => `exit ${r.exitCode}`,
			},
		],
		verify: (ctx) => ({ ok: ctx.results.probe === 'exit 3', details: String(ctx.results.probe) }),
	};
}

test('the toolkit runs each declared command once; parse, after, action, when and results work together', async () => {
	const seen: Record<string, unknown> = {};
	const r = await runIt(stepsRunbook(seen), ['--yes', '--json']);
	assert.equal(r.code, 0, r.stderr + r.stdout);
	const report = JSON.parse(r.stdout);
	const status = Object.fromEntries(
		report.steps.map((s: { id: string; status: string }) => [s.id, s.status]),
	);
	assert.deepEqual(status, {
		count: 'ran',
		grow: 'ran',
		shrink: 'skipped',
		'shrink-big': 'ran',
		probe: 'ran',
	});
	assert.equal(seen.grewWith, 'grown', 'after() gets the RunResult when there is no parse()');
	assert.equal(seen.countBefore, 3, 'a later step sees the parsed value of an earlier one');
	assert.equal(seen.actionSaw, 3);
	assert.equal(report.verify.details, 'exit 3', 'check: false hands a failed result to parse()');
	const grow = report.steps.find((s: { id: string }) => s.id === 'grow');
	assert.match(grow.output, /grown\n?[\s\S]*waited for growth/);
});

test('--describe lists an alternative step with the step it replaces; a failing command fails its step', async () => {
	const d = (await defineRunbook(stepsRunbook({})).describe('en')) as {
		steps: { id: string; alternativeTo?: string }[];
	};
	const ids = d.steps.map((s) => s.id);
	assert.deepEqual(ids, ['count', 'grow', 'shrink', 'shrink-big', 'probe']);
	assert.equal(d.steps[3]?.alternativeTo, 'shrink');
	assert.equal(d.steps[2]?.alternativeTo, undefined);

	const failing = stepsRunbook({});
	const steps = failing.steps!;
	failing.preflight = () => ({ big: false });
	failing.steps = async (ctx, facts) => (await steps(ctx, facts)).filter((s) => s.id !== 'probe');
	const r = await runIt(failing, ['--yes', '--json']);
	assert.equal(r.code, 1);
	const shrink = JSON.parse(r.stdout).steps.find((s: { id: string }) => s.id === 'shrink');
	assert.equal(shrink.status, 'failed');
});

test('definitions that mix the hooks wrongly are refused', async () => {
	const bad = stepsRunbook({});
	bad.steps = () => [
		{
			id: 'both',
			title: { en: 'Both', id: 'Keduanya' },
			mode: 'read',
			command: node('1'),
			action: () => 'x',
		},
	];
	const r = await runIt(bad, ['--yes']);
	assert.equal(r.code, 1);
	assert.match(r.stdout + r.stderr, /action\(\) is for command: null steps/);

	const legacy = stepsRunbook({});
	legacy.steps = () => [
		{
			id: 'legacy',
			title: { en: 'Legacy', id: 'Lama' },
			mode: 'read',
			command: null,
			...({ run: () => 'typed twice' } as object),
		} as Step,
	];
	const refused = await runIt(legacy, ['--yes']);
	assert.equal(refused.code, 1);
	assert.match(refused.stdout + refused.stderr, /run\(\) is gone/);
});

test('a runbook file runs only when it is the script', async () => {
	const file = path.resolve('runbooks/etcd-bad-member-id.mjs');
	const url = `file://${file}`;
	assert.equal(isScript(url, ['node', file, '--help']), true);
	assert.equal(
		isScript(url, ['node', '/usr/lib/node_modules/zx/build/cli.js', '--quiet', file]),
		true,
	);
	assert.equal(isScript(url, ['node', 'test/x.test.ts']), false);
	const mod = await import('../../runbooks/etcd-bad-member-id.mjs');
	assert.equal(
		typeof mod.default.run,
		'function',
		'importing gives the definition and runs nothing',
	);
	assert.equal(process.exitCode ?? 0, 0);
	const d = (await mod.default.describe('en')) as { name: string };
	assert.equal(d.name, 'etcd-bad-member-id');
});

test('a destroy step asks done() again once the name is typed: a guard that trips meanwhile still stops the delete', async () => {
	const marker = mkdtempSync(path.join(tmpdir(), 'steps-data-destroy-'));
	const deleted = path.join(marker, 'deleted');
	const destroyRunbook = (done: () => boolean): RunbookDef => ({
		name: 'steps-data-destroy',
		summary: { en: 'Destroy', id: 'Hapus' },
		description: { en: 'Deletes a thing.', id: 'Menghapus sesuatu.' },
		target: 'local',
		exampleFacts: {},
		preflight: () => ({}),
		steps: (): Step[] => [
			{
				id: 'delete-thing',
				title: { en: 'Delete the thing', id: 'Hapus barangnya' },
				mode: 'destroy',
				confirmName: 'thing',
				command: node(`require('fs').writeFileSync(${JSON.stringify(deleted)}, 'x')`),
				done,
			},
		],
		verify: () => ({ ok: true, details: 'checked' }),
	});
	try {
		// Not done when planned, done by the time the name is typed: skipped, nothing deleted.
		let calls = 0;
		const skipped = await runIt(
			destroyRunbook(() => ++calls > 1),
			['--yes'],
		);
		assert.equal(skipped.code, 0, skipped.stderr);
		assert.equal(calls, 2);
		assert.throws(() => rmSync(deleted), /ENOENT/);
		// A guard inside done() that trips after the confirmation refuses the step.
		let checks = 0;
		const guarded = await runIt(
			destroyRunbook(() => {
				if (++checks > 1) throw new Error('the claim has a volume now');
				return false;
			}),
			['--yes'],
		);
		assert.notEqual(guarded.code, 0);
		assert.match(guarded.stdout + guarded.stderr, /the claim has a volume now/);
		assert.throws(() => rmSync(deleted), /ENOENT/);
	} finally {
		rmSync(marker, { recursive: true, force: true });
	}
});

test('before() guards the command: a guard that throws stops the step and its argv never runs', async () => {
	const marker = mkdtempSync(path.join(tmpdir(), 'steps-data-before-'));
	const ran = path.join(marker, 'ran');
	const guarded = (allow: boolean): RunbookDef => ({
		name: 'steps-data-before',
		summary: { en: 'Guarded', id: 'Dijaga' },
		description: { en: 'Writes a marker.', id: 'Menulis penanda.' },
		target: 'local',
		exampleFacts: {},
		preflight: () => ({}),
		steps: (): Step[] => [
			{
				id: 'write-marker',
				title: { en: 'Write the marker', id: 'Tulis penanda' },
				mode: 'change',
				command: node(`require('fs').writeFileSync(${JSON.stringify(ran)}, 'x')`),
				before: () => {
					if (!allow) throw new Error('the pod is still there');
				},
			},
		],
		verify: () => ({ ok: true, details: 'ok' }),
	});
	try {
		const refused = await runIt(guarded(false), ['--yes']);
		assert.equal(refused.code, 1);
		assert.match(refused.stdout + refused.stderr, /the pod is still there/);
		assert.equal(existsSync(ran), false, 'the guard ran before the command');
		const allowed = await runIt(guarded(true), ['--yes']);
		assert.equal(allowed.code, 0, allowed.stderr);
		assert.equal(existsSync(ran), true);
	} finally {
		rmSync(marker, { recursive: true, force: true });
	}
});
