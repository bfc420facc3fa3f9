import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import {
	openState,
	sameTarget,
	stateFile,
	stateDir,
	stepKey,
	writeJsonAtomic,
} from '../../runbooks/lib/state.mjs';
import { RefusedError, StepFailedError } from '../../runbooks/lib/exit.mjs';
import { tmpDir } from '../support/index.ts';

const target = {
	runbook: 'etcd-multi-crash',
	context: 'arn:aws:eks:eu-west-1:1:cluster/prod',
	namespace: 'milvus',
	release: 'my-release',
};

test('state lives under MILVUS_RESCUE_STATE_DIR, else ~/.local/state/milvus-rescue', () => {
	assert.equal(stateDir({ MILVUS_RESCUE_STATE_DIR: '/x/y' }), '/x/y');
	assert.match(stateDir({}), /\.local\/state\/milvus-rescue$/);
});

test('one file per runbook/context/namespace/release, always inside the state dir', () => {
	const env = { MILVUS_RESCUE_STATE_DIR: '/s' };
	const files = new Set([
		stateFile(target, env),
		stateFile({ ...target, runbook: 'etcd-all-crash' }, env),
		stateFile({ ...target, context: 'kind-b' }, env),
		stateFile({ ...target, namespace: 'default' }, env),
		stateFile({ ...target, release: 'other' }, env),
		stateFile({ ...target, context: 'arn:aws:eks:eu-west-1:1:cluster_prod' }, env),
	]);
	assert.equal(files.size, 6);
	for (const f of files) assert.equal(path.dirname(f), '/s');
	assert.equal(path.dirname(stateFile({ ...target, context: '../../etc' }, env)), '/s');
});

test('step keys tell apart repeated ids by their command', () => {
	const a = stepKey({ id: 'delete-pvc', command: ['kubectl', 'delete', 'pvc', 'data-1'] }, 3);
	const b = stepKey({ id: 'delete-pvc', command: ['kubectl', 'delete', 'pvc', 'data-2'] }, 4);
	assert.notEqual(a, b);
	assert.notEqual(stepKey({ id: 'x', command: null }, 1), stepKey({ id: 'x', command: null }, 2));
});

test('progress survives a reopen, is written atomically, and is gone after clear', async (t) => {
	const dir = await tmpDir(t);
	const env = { MILVUS_RESCUE_STATE_DIR: dir };
	const s1 = openState(target, { env });
	assert.equal(s1.resumed, false);
	s1.markDone(
		'scale-down k',
		{ id: 'scale-down', command: 'kubectl scale sts x --replicas=1' },
		{ dead: [1, 2] },
	);
	s1.markDone('set-env k', { id: 'set-env', command: null }, { dead: ['ignored'] });
	assert.deepEqual(
		readdirSync(dir).filter((f) => f.endsWith('.tmp')),
		[],
		'no temp file left behind',
	);
	s1.release();

	const s2 = openState(target, { env });
	assert.equal(s2.resumed, true);
	assert.equal(s2.isDone('scale-down k'), true);
	assert.equal(s2.isDone('other'), false);
	assert.deepEqual(s2.data.facts, { dead: [1, 2] }, 'facts from before the first change are kept');
	s2.clear();
	assert.equal(existsSync(s2.file), false);
	assert.deepEqual(readdirSync(dir), [], 'lock released too');
});

test('a live run holds the lock (exit 3 for a second run); a dead one does not', async (t) => {
	const dir = await tmpDir(t);
	const env = { MILVUS_RESCUE_STATE_DIR: dir };
	const file = stateFile(target, env);
	writeJsonAtomic(file, { version: 1, target, startedAt: '', updatedAt: '', completed: {} });

	const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], {
		stdio: 'ignore',
	});
	t.after(() => sleeper.kill('SIGKILL'));
	writeFileSync(`${file}.lock`, String(sleeper.pid));
	assert.throws(
		() => openState(target, { env }),
		(e: unknown) =>
			e instanceof RefusedError && e.code === 3 && e.message.includes(String(sleeper.pid)),
	);

	const dead = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
	await new Promise((r) => dead.once('exit', r));
	writeFileSync(`${file}.lock`, String(dead.pid));
	const s = openState(target, { env });
	assert.equal(readFileSync(`${file}.lock`, 'utf8'), String(process.pid));
	s.release();
	assert.equal(existsSync(`${file}.lock`), false);
});

test('an unreadable state file stops the run (exit 1) and is left untouched', async (t) => {
	const dir = await tmpDir(t);
	const env = { MILVUS_RESCUE_STATE_DIR: dir };
	const file = stateFile(target, env);
	writeFileSync(file, '{"version":1,"completed":');
	assert.throws(
		() => openState(target, { env, lang: 'id' }),
		(e: unknown) =>
			e instanceof StepFailedError &&
			e.code === 1 &&
			e.message.startsWith(`file state ${file} tidak bisa dibaca`),
	);
	assert.equal(readFileSync(file, 'utf8'), '{"version":1,"completed":');
	assert.equal(existsSync(`${file}.lock`), false);
});

test('identity: for every kind both sides know, one value must be shared', () => {
	const saved = ['sts:u1', 'pvc:a', 'pvc:b', 'pvc:c', 'pvc:a2', 'etcd-cluster:9f'];
	assert.equal(sameTarget(saved, ['sts:u1', 'pvc:a', 'pvc:b']), true);
	// PVCs recreated by the run itself were recorded as it went.
	assert.equal(sameTarget(saved, ['sts:u1', 'pvc:a2', 'etcd-cluster:9f']), true);
	// Every PVC gone: nothing to compare for that kind.
	assert.equal(sameTarget(saved, ['sts:u1']), true);
	assert.equal(sameTarget([], ['sts:u1', 'pvc:x']), true, 'old state without identity');
	// Another cluster behind the same names.
	assert.equal(sameTarget(saved, ['sts:u2', 'pvc:a']), false);
	assert.equal(
		sameTarget(saved, ['sts:u1', 'pvc:x', 'pvc:y']),
		false,
		'other PVCs: another incident',
	);
	assert.equal(sameTarget(saved, ['etcd-cluster:01']), false);
});

test('identity is saved with the progress; restart sets the old progress aside', async (t) => {
	const dir = await tmpDir(t);
	const env = { MILVUS_RESCUE_STATE_DIR: dir };
	const s1 = openState(target, { env });
	s1.bind(['pvc:a']);
	assert.equal(existsSync(s1.file), false, 'no progress, no file');
	s1.markDone(
		'scale k',
		{ id: 'scale', command: null },
		{ replicas: 3, milvus: [{ name: 'p', replicas: 2 }] },
	);
	s1.bind(['pvc:b']);
	s1.release();

	const s2 = openState(target, { env });
	assert.equal(s2.resumed, true);
	assert.deepEqual(s2.data.identity, ['pvc:a', 'pvc:b']);
	assert.deepEqual(s2.data.facts, { replicas: 3, milvus: [{ name: 'p', replicas: 2 }] });
	assert.equal(s2.belongsTo(['pvc:b']), true);
	assert.equal(s2.belongsTo(['pvc:z']), false);
	const aside = s2.restart();
	assert.equal(s2.resumed, false);
	assert.deepEqual(s2.data.completed, {});
	assert.equal(existsSync(s2.file), false);
	assert.ok(existsSync(aside) && aside.endsWith('.old.json'), aside);
	assert.deepEqual(JSON.parse(readFileSync(aside, 'utf8')).identity, ['pvc:a', 'pvc:b']);
	// Back on the first cluster: its progress is taken back; another cluster's tokens find nothing.
	assert.equal(s2.adopt(['pvc:z']), null);
	assert.equal(s2.adopt(['pvc:b']), aside);
	assert.equal(s2.resumed, true);
	assert.ok(existsSync(s2.file) && !existsSync(aside));
	const again = s2.restart();
	// A dry run only ignores the saved progress.
	s2.release();
	writeFileSync(s2.file, readFileSync(again));
	const s3 = openState(target, { env, lock: false });
	assert.equal(s3.restart(false), s3.file);
	assert.equal(s3.resumed, false);
	assert.ok(existsSync(s3.file), 'left in place');
});
