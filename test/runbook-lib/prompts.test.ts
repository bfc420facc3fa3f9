import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { createPrompter, isInteractive } from '../../runbooks/lib/prompts.mjs';
import { RefusedError, EXIT } from '../../runbooks/lib/exit.mjs';

function streams(answers: string | null) {
	const input = new PassThrough();
	const output = new PassThrough();
	let written = '';
	output.on('data', (d: Buffer) => (written += d.toString()));
	if (answers !== null) input.end(answers);
	return { input, output, written: () => written };
}

test('confirm defaults to No: empty answer, anything but yes, and closed input all mean no', async () => {
	for (const answer of ['\n', 'n\n', 'nope\n', 'yes please\n', '']) {
		const s = streams(answer);
		const p = createPrompter({ input: s.input, output: s.output, interactive: true });
		assert.equal(await p.confirm('Proceed? [y/N]'), false, JSON.stringify(answer));
		assert.match(s.written(), /Proceed\? \[y\/N\] /);
		p.close();
	}
});

test('confirm accepts y/yes and Indonesian ya, one answer per question from piped input', async () => {
	const s = streams('y\nYES\nya\nn\n');
	const p = createPrompter({ input: s.input, output: s.output, interactive: true });
	assert.deepEqual(
		[await p.confirm('1?'), await p.confirm('2?'), await p.confirm('3?'), await p.confirm('4?')],
		[true, true, true, false],
	);
	p.close();
});

test('confirmTyped needs the exact name; a near miss is a no', async () => {
	const s = streams('data-my-release-etcd-1\ndata-my-release-etcd-2\n  data-my-release-etcd-1  \n');
	const p = createPrompter({ input: s.input, output: s.output, interactive: true, lang: 'id' });
	assert.equal(await p.confirmTyped('data-my-release-etcd-1'), true);
	assert.equal(await p.confirmTyped('data-my-release-etcd-1'), false);
	assert.equal(
		await p.confirmTyped('data-my-release-etcd-1'),
		true,
		'surrounding spaces are forgiven',
	);
	assert.match(s.written(), /Ketik data-my-release-etcd-1 untuk konfirmasi: /);
	p.close();
});

test('answers arriving later (a person typing) are read when they come', async () => {
	const s = streams(null);
	const p = createPrompter({ input: s.input, output: s.output, interactive: true });
	const pending = p.confirm('Later?');
	setImmediate(() => s.input.write('y'));
	setImmediate(() => setImmediate(() => s.input.write('\n')));
	assert.equal(await pending, true);
	p.close();
	s.input.end();
});

test('without a TTY and without --yes, a question is refused with exit 3', async () => {
	const s = streams('y\n');
	const p = createPrompter({ input: s.input, output: s.output, env: {} });
	assert.equal(p.interactive, false);
	await assert.rejects(p.confirm('Go?', 'scale-down'), (e: unknown) => {
		assert.ok(e instanceof RefusedError);
		assert.equal(e.code, EXIT.REFUSED);
		assert.match(e.message, /scale-down .*--yes/);
		return true;
	});
	await assert.rejects(p.confirmTyped('data-x', undefined, 'delete-pvc'), RefusedError);
	assert.equal(s.written(), '', 'nothing was asked');
});

test('--yes answers both kinds without reading input; --dry-run never asks and answers no', async () => {
	const s = streams(null);
	const yes = createPrompter({ input: s.input, output: s.output, yes: true, env: {} });
	assert.equal(await yes.confirm('Go?'), true);
	assert.equal(await yes.confirmTyped('data-x'), true);
	const dry = createPrompter({
		input: s.input,
		output: s.output,
		dryRun: true,
		yes: true,
		interactive: true,
	});
	assert.equal(await dry.confirm('Go?'), false);
	assert.equal(await dry.confirmTyped('data-x'), false);
	assert.equal(s.written(), '');
	s.input.end();
});

test('TTY detection: a real terminal, or MILVUS_RESCUE_ASSUME_TTY=1 for tests and recorders', () => {
	assert.equal(isInteractive({ isTTY: true }, {}), true);
	assert.equal(isInteractive({ isTTY: false }, {}), false);
	assert.equal(isInteractive({}, { MILVUS_RESCUE_ASSUME_TTY: '1' }), true);
	assert.equal(isInteractive({ isTTY: true }, { MILVUS_RESCUE_ASSUME_TTY: '0' }), false);
});

test('questions and answers are echoed to the log hook', async () => {
	const s = streams('n\n');
	const logged: string[] = [];
	const p = createPrompter({
		input: s.input,
		output: s.output,
		interactive: true,
		echo: (l) => logged.push(l),
	});
	await p.confirm('Run it? [y/N]');
	assert.deepEqual(logged, ['Run it? [y/N] n']);
	p.close();
});

test('input that ends between two questions answers the next one with no, instead of hanging', async () => {
	const s = streams(null);
	const p = createPrompter({ input: s.input, output: s.output, interactive: true });
	s.input.write('y\n');
	assert.equal(await p.confirm('First?'), true);
	s.input.end();
	// Let the stream finish while the prompter is paused between questions.
	await new Promise((resolve) => setTimeout(resolve, 20));
	assert.equal(await p.confirm('Second?'), false);
	p.close();
});
