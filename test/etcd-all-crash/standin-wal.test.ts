// Issue 19 through the whole runbook: clients write at full speed while every member is SIGKILLed (a long
// kubelet back-off keeps them down, so the db and the WAL stay exactly as the kill left them). The runbook copies every
// member's db and WAL, replays the committed WAL, and the rebuilt etcd holds every acknowledged write with its
// final value and nothing no client sent; the run ends Healthy with "writes possibly missing: none".
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { createCluster, stopAll } from '../../tools/standin/index.mjs';
import { tmpDir } from '../../tools/support/tmp.ts';
import { freePort } from '../../tools/support/port.ts';
import { ROOT } from '../../tools/support/paths.ts';
import { useKubectl } from '../support/kubectl.ts';
import { runCli, writeUntilKilled, checkFates } from '../../tools/support/etcd.ts';

// The runbook runs the real kubectl, newest or oldest of the machine's (MILVUS_RESCUE_KUBECTL).
useKubectl();

const cleanups: Array<() => unknown> = [];
const hooks = { after: (fn: () => unknown) => cleanups.push(fn) };
after(async () => {
	for (const fn of cleanups.reverse()) await fn();
	await stopAll();
});

const RUNBOOK = path.join(ROOT, 'runbooks', 'etcd-all-crash.mjs');

test('killed while writing: the runbook brings back every acknowledged write from db + WAL', async () => {
	const c = await createCluster({ generation: 'milvusdb-fork', replicas: 3, backoffMs: 60_000 });
	const work = await tmpDir(hooks, 'all-crash-wal-');
	const port = await freePort();
	await c.putMilvusKeys(300);

	let stop!: () => void;
	const stopped = new Promise<void>((r) => (stop = r));
	const writing = writeUntilKilled(
		[0, 1, 2].map((i) => c.clientUrl(i)),
		stopped,
		77,
	);
	await new Promise((r) => setTimeout(r, 300));
	// SIGKILL of every member while the clients write.
	await c.inject('kill', [0, 1, 2]);
	stop();
	const { fates, acked } = await writing;
	assert.ok(acked() > 0, 'no write was acknowledged before the kill');
	for (let i = 0; i < 3; i++) await c.waitPod(i, 'CrashLoopBackOff', { timeoutMs: 90_000 });

	const res = await runCli(
		process.execPath,
		// A bare SIGKILL (exit 137, not OOMKilled, no liveness event) says nothing about the data: the runbook
		// names it and goes on without an override.
		[RUNBOOK, '--work-dir', work, '--local-port', String(port), '--timeout', '120', '--yes'],
		{ env: c.env, cwd: work, timeoutMs: 300_000 },
	);
	const text = res.stdout + res.stderr;
	assert.equal(res.code, 0, text.slice(-3000));
	assert.match(
		text,
		/unknown \(lastState: Error \(exit 137: killed with SIGKILL, not by the OOM killer\)\)/,
	);
	assert.doesNotMatch(text, /--ignore-crash-cause/);
	assert.match(text, /writes possibly missing: none/);
	assert.match(text, /Healthy: 3 members healthy/);
	const manifest = JSON.parse(readFileSync(path.join(work, 'backup', 'manifest.json'), 'utf8'));
	assert.equal(manifest.source.wal.verdict, 'none');
	assert.equal(manifest.source.wal.dirs.length, 3);

	await c.waitHealthy({ replicas: 3, timeoutMs: 90_000 });
	const back = await c.dumpKeys();
	assert.equal(checkFates(back, fates, 'rebuilt etcd'), 0);
	process.stdout.write(
		`# ${acked()} acknowledged writes; db index ${manifest.source.wal.dbIndex}, committed ${manifest.source.wal.commitIndex}, replayed ${manifest.source.wal.replayedEntries}\n`,
	);
	await c.stop();
});
