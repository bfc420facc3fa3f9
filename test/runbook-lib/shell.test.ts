import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import {
	formatCommand,
	quoteArg,
	run,
	findOnPath,
	requireTool,
} from '../../runbooks/lib/shell.mjs';
import { StepFailedError, EXIT } from '../../runbooks/lib/exit.mjs';
import { tmpDir } from '../support/index.ts';
import { pathWithoutKubectl } from './helpers.ts';

test('formatCommand leaves safe arguments bare and quotes the rest', () => {
	assert.equal(
		formatCommand(['kubectl', 'scale', 'sts', 'my-release-etcd', '--replicas=1']),
		'kubectl scale sts my-release-etcd --replicas=1',
	);
	assert.equal(
		formatCommand([
			'kubectl',
			'get',
			'pods',
			'-l',
			'app.kubernetes.io/name=etcd,app.kubernetes.io/instance=my-release',
		]),
		'kubectl get pods -l app.kubernetes.io/name=etcd,app.kubernetes.io/instance=my-release',
	);
	assert.equal(
		formatCommand([
			'kubectl',
			'patch',
			'storageclass',
			'standard',
			'-p',
			'{"metadata":{"annotations":{"storageclass.kubernetes.io/is-default-class":"true"}}}',
		]),
		`kubectl patch storageclass standard -p '{"metadata":{"annotations":{"storageclass.kubernetes.io/is-default-class":"true"}}}'`,
	);
	assert.equal(
		formatCommand(['kubectl', 'set', 'env', 'sts/my-release-etcd', 'ETCD_FORCE_NEW_CLUSTER-']),
		'kubectl set env sts/my-release-etcd ETCD_FORCE_NEW_CLUSTER-',
	);
	assert.equal(formatCommand(['echo', '']), "echo ''");
	assert.equal(quoteArg("it's"), `'it'\\''s'`);
	assert.equal(quoteArg('a b'), "'a b'");
	assert.equal(quoteArg('$HOME'), "'$HOME'");
	assert.equal(quoteArg('x*'), "'x*'");
	assert.equal(quoteArg('user@host:/p%2B+=,.'), 'user@host:/p%2B+=,.');
});

test('formatCommand output parses back to the same argv in a POSIX shell', () => {
	fc.assert(
		fc.property(
			fc.array(
				fc.string({ unit: 'grapheme-ascii' }).filter((s) => !s.includes('\0')),
				{ minLength: 1, maxLength: 6 },
			),
			(args) => {
				const out = execFileSync('/bin/sh', ['-c', `printf '%s\\0' ${formatCommand(args)}`]);
				const parsed = out.toString('latin1').split('\0').slice(0, -1);
				assert.deepEqual(parsed, args);
			},
		),
		{ numRuns: 60 },
	);
});

test('run passes each element as one argument, never through shell parsing', async () => {
	const r = await run(['printf', '%s|', 'a b', '$(echo pwned)', "it's", '']);
	assert.equal(r.stdout, "a b|$(echo pwned)|it's||");
	assert.equal(r.exitCode, 0);
	assert.equal(r.ok, true);
});

test('run feeds input and reports a failing command in one line', async () => {
	const r = await run(['cat'], { input: 'hello' });
	assert.equal(r.stdout, 'hello');
	const soft = await run(['sh', '-c', 'echo boom >&2; exit 3'], { check: false });
	assert.equal(soft.exitCode, 3);
	assert.equal(soft.ok, false);
	await assert.rejects(
		run(['sh', '-c', 'echo first >&2; echo second >&2; exit 5']),
		(e: unknown) => {
			assert.ok(e instanceof StepFailedError);
			assert.equal(e.code, EXIT.FAILED);
			assert.equal(
				e.message,
				"sh -c 'echo first >&2; echo second >&2; exit 5' exited with code 5: first",
			);
			return true;
		},
	);
});

test('running a tool that is not installed names it in one line', async () => {
	await assert.rejects(
		run(['no-such-tool-xyz', 'arg']),
		(e: unknown) =>
			e instanceof StepFailedError &&
			e.message === 'no-such-tool-xyz not found on PATH; install it or fix PATH',
	);
	await assert.rejects(run(['no-such-tool-xyz'], { check: false, lang: 'id' }), {
		message: 'no-such-tool-xyz tidak ditemukan di PATH; pasang dulu atau perbaiki PATH',
	});
});

test('requireTool names the missing tool and exits 1', async (t) => {
	const dir = await tmpDir(t);
	const bare = pathWithoutKubectl(dir);
	assert.equal(findOnPath('kubectl', { PATH: bare }), null);
	assert.ok(findOnPath('bash', { PATH: bare }));
	assert.throws(
		() => requireTool('kubectl', 'id', { PATH: bare }),
		(e: unknown) =>
			e instanceof StepFailedError &&
			e.code === 1 &&
			e.message === 'kubectl tidak ditemukan di PATH; pasang dulu atau perbaiki PATH',
	);
});

test('run streams output as it arrives, and still returns all of it', async () => {
	const seen: string[] = [];
	const r = await run(['sh', '-c', 'echo one; echo warn >&2; echo two'], {
		onStdout: (c) => seen.push(`out:${c}`),
		onStderr: (c) => seen.push(`err:${c}`),
	});
	assert.equal(r.stdout, 'one\ntwo\n');
	assert.equal(r.stderr, 'warn\n');
	assert.ok(seen.join('').includes('one\n') && seen.some((c) => c.startsWith('err:warn')));
});
