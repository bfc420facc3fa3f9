import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createOutput, colorEnabled, stripAnsi, safeJson } from '../../runbooks/lib/output.mjs';
import { UsageError } from '../../runbooks/lib/exit.mjs';
import { tmpDir } from '../support/index.ts';

function sink(isTTY = false) {
	const s = new PassThrough() as PassThrough & { isTTY?: boolean };
	s.isTTY = isTTY;
	let text = '';
	s.on('data', (d: Buffer) => (text += d.toString()));
	return { stream: s, text: () => text };
}

test('colours only on a terminal, never with NO_COLOR, forced by FORCE_COLOR', () => {
	assert.equal(colorEnabled({ isTTY: true }, {}), true);
	assert.equal(colorEnabled({ isTTY: false }, {}), false);
	assert.equal(colorEnabled({ isTTY: true }, { NO_COLOR: '1' }), false);
	assert.equal(colorEnabled({ isTTY: false }, { FORCE_COLOR: '1' }), true);
	assert.equal(colorEnabled({ isTTY: true }, { NO_COLOR: '1', FORCE_COLOR: '1' }), false);
});

test('plain text on a pipe, ANSI on a terminal', () => {
	const pipe = sink(false);
	createOutput({ stdout: pipe.stream, stderr: pipe.stream, env: {} }).ok('fine');
	assert.equal(pipe.text(), '✔ fine\n');
	const tty = sink(true);
	createOutput({ stdout: tty.stream, stderr: tty.stream, env: {} }).ok('fine');
	assert.notEqual(tty.text(), stripAnsi(tty.text()));
	assert.equal(stripAnsi(tty.text()), '✔ fine\n');
});

test('--json keeps stdout for the report; human text and errors go to stderr', () => {
	const out = sink();
	const err = sink();
	const o = createOutput({
		json: true,
		stdout: out.stream,
		stderr: err.stream,
		env: {},
		lang: 'id',
	});
	o.info('hello');
	o.error('broken');
	o.report({ ok: true });
	assert.deepEqual(JSON.parse(out.text()), { ok: true });
	assert.equal(err.text(), 'hello\ngalat: broken\n');
});

test('--log appends everything, without colour codes, including the report', async (t) => {
	const dir = await tmpDir(t);
	const log = path.join(dir, 'run.log');
	const tty = sink(true);
	const o = createOutput({ log, stdout: tty.stream, stderr: tty.stream, env: {} });
	o.heading('Plan');
	o.warn('careful');
	o.block('line1\nline2\n');
	o.logOnly('Run this change? [y/N] y');
	o.report({ exitCode: 0 });
	o.close();
	const text = readFileSync(log, 'utf8');
	assert.equal(text, stripAnsi(text));
	assert.equal(
		text,
		'\nPlan\n! careful\n    line1\n    line2\nRun this change? [y/N] y\n{\n  "exitCode": 0\n}\n',
	);
	const again = createOutput({ log, stdout: sink().stream, stderr: sink().stream, env: {} });
	again.info('second run');
	again.close();
	assert.ok(readFileSync(log, 'utf8').endsWith('}\nsecond run\n'), 'appends, never truncates');
});

test('an unwritable --log is a usage error in one line', async (t) => {
	const dir = await tmpDir(t);
	assert.throws(
		() => createOutput({ log: path.join(dir, 'missing', 'run.log'), env: {} }),
		(e: unknown) =>
			e instanceof UsageError &&
			e.code === 2 &&
			/^cannot write log file .*run\.log: ENOENT$/.test(e.message),
	);
});

test('reports and state survive BigInt revisions and circular facts', () => {
	const shared = { pod: 'my-release-etcd-1' };
	const facts: Record<string, unknown> = {
		rev: 12345678901234567890n,
		list: [1n],
		dead: [shared],
		crashing: [shared],
		at: new Date(0),
	};
	facts.self = facts;
	assert.equal(
		safeJson(facts, 0),
		'{"rev":"12345678901234567890","list":["1"],"dead":[{"pod":"my-release-etcd-1"}],"crashing":[{"pod":"my-release-etcd-1"}],"at":"1970-01-01T00:00:00.000Z","self":"[circular]"}',
	);
});
