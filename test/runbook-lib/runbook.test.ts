import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import {
	sandbox,
	runFixture,
	lines,
	pathWithoutKubectl,
	defaultCluster,
	FIXTURES,
	TINY,
	type ApiCall,
} from './helpers.ts';
import { ROOT } from '../support/index.ts';

const CHANGING = new Set(['scale', 'annotate', 'delete', 'patch', 'run', 'create']);
/** what each API request kubectl sent stands for (get, logs, scale, annotate, delete, …) */
const verbs = (calls: ApiCall[]) => calls.map((c) => c.verb);
const changed = (calls: ApiCall[]) => verbs(calls).filter((v) => CHANGING.has(v));

test('--help prints usage, what it changes, flags and exit codes in both languages, touching nothing', async (t) => {
	const sb = await sandbox(t);
	const en = await runFixture(t, sb, ['--help']);
	assert.equal(en.code, 0);
	for (const part of [
		'Usage: npx zx runbooks/tiny.mjs [flags]',
		'What it does:',
		'What it may change (example values):',
		'[DELETES DATA] delete-pvc',
		'kubectl scale sts my-release-etcd --replicas=1',
		'--replicas <n>',
		'-n, --namespace',
		'Exit codes:',
		'  4  preflight',
	]) {
		assert.ok(en.stdout.includes(part), part);
	}
	for (const code of [0, 1, 2, 3, 4]) assert.match(en.stdout, new RegExp(`^  ${code}  \\S`, 'm'));
	const id = await runFixture(t, sb, ['-h', '--lang', 'id']);
	assert.equal(id.code, 0);
	for (const part of [
		'Cara pakai:',
		'Yang mungkin diubah',
		'[MENGHAPUS DATA]',
		'jumlah replika yang dipertahankan',
		'Kode keluar:',
		'ditolak atau dibatalkan',
	]) {
		assert.ok(id.stdout.includes(part), part);
	}
	assert.deepEqual(sb.calls(), []);
});

test('--describe prints the runbook as JSON with unpinned commands from example facts, without kubectl', async (t) => {
	const sb = await sandbox(t);
	const r = await runFixture(t, sb, ['--describe', '--lang', 'id'], {
		env: { PATH: pathWithoutKubectl(sb.dir) },
	});
	assert.equal(r.code, 0, r.stderr);
	const d = JSON.parse(r.stdout);
	assert.equal(d.name, 'tiny');
	assert.equal(d.summary, 'Kecilkan etcd (fixture tes)');
	assert.ok(d.description.startsWith('Fixture untuk tes toolkit'));
	assert.deepEqual(
		d.exitCodes.map((e: { code: number }) => e.code),
		[0, 1, 2, 3, 4],
	);
	assert.deepEqual(d.flags[0], {
		name: 'replicas',
		alias: null,
		type: 'number',
		default: 1,
		help: 'jumlah replika yang dipertahankan',
		common: false,
	});
	assert.ok(
		d.flags.some((f: { name: string; alias: string }) => f.name === 'namespace' && f.alias === 'n'),
	);
	assert.deepEqual(d.steps, [
		{
			id: 'list-pods',
			title: 'Lihat pod etcd',
			mode: 'read',
			command:
				'kubectl get pods -l app.kubernetes.io/name=etcd,app.kubernetes.io/instance=my-release',
		},
		{
			id: 'scale-down',
			title: 'Kecilkan replika etcd',
			mode: 'change',
			command: 'kubectl scale sts my-release-etcd --replicas=1',
		},
		{
			id: 'annotate',
			title: 'Tandai StatefulSet',
			mode: 'change',
			command: "kubectl annotate sts my-release-etcd 'milvus-rescue/note=tiny run' --overwrite",
		},
		{
			id: 'delete-pvc',
			title: 'Hapus PVC member 1',
			mode: 'destroy',
			command: 'kubectl delete pvc data-my-release-etcd-1',
		},
	]);
	const other = JSON.parse((await runFixture(t, sb, ['--describe', '--release', 'prod'])).stdout);
	assert.equal(other.steps[1].command, 'kubectl scale sts prod-etcd --replicas=1');
	assert.deepEqual(sb.calls(), []);
});

test('at run time every kubectl command is pinned to the context resolved once', async (t) => {
	const sb = await sandbox(t, { ...defaultCluster(), contextNamespace: 'milvus' });
	const r = await runFixture(t, sb, ['--yes', '--dead', '1,2']);
	assert.equal(r.code, 0, r.stderr);
	const calls = sb.calls();
	assert.ok(calls.length > 0);
	for (const call of calls) {
		assert.equal(call.context, 'kind-a', `${call.method} ${call.path}`);
		if (!/^\/api\/v1\/namespaces\/[^/]+$/.test(call.path))
			assert.match(call.path, /\/namespaces\/milvus\//, `${call.method} ${call.path}`);
	}
	assert.match(r.stdout, /Context: kind-a {3}Namespace: milvus/);
	assert.match(
		r.stdout,
		/\$ kubectl --context kind-a -n milvus scale sts my-release-etcd --replicas=1/,
	);
	assert.deepEqual(sb.cluster().pvcs, []);
	assert.equal(sb.cluster().sts?.['my-release-etcd']?.replicas, 1);
	assert.deepEqual(sb.stateFiles(), [], 'state cleared after a healthy finish');

	// --context names the cluster even when the kubeconfig's current context is another one.
	const sb2 = await sandbox(t, { ...defaultCluster(), context: 'kind-other' });
	const explicit = await runFixture(t, sb2, ['--yes', '--context', 'kind-a']);
	assert.notEqual(explicit.code, 0, 'kind-a is not in this kubeconfig');
	assert.match(explicit.stderr, /kind-a/);
	const sb3 = await sandbox(t);
	const pinned = await runFixture(t, sb3, ['--yes', '--context', 'kind-other']);
	assert.equal(pinned.code, 0, pinned.stderr);
	assert.ok(sb3.calls().length > 0);
	assert.ok(
		sb3.calls().every((c) => c.context === 'kind-other'),
		'every request went to --context',
	);
});

test('--dry-run never prompts and runs no changing command; read steps still run', async (t) => {
	for (const env of [{}, { MILVUS_RESCUE_ASSUME_TTY: '1' }]) {
		const sb = await sandbox(t);
		const r = await runFixture(t, sb, ['--dry-run', '--dead', '1'], {
			env,
			input: 'y\ny\ndata-my-release-etcd-1\n',
		});
		assert.equal(r.code, 0, r.stderr);
		assert.deepEqual(changed(sb.calls()), []);
		assert.ok(verbs(sb.calls()).includes('get'));
		assert.doesNotMatch(r.stdout + r.stderr, /\[y\/N\]|Type data/);
		assert.match(
			r.stdout,
			/\[dry run\] would run: kubectl --context kind-a -n default scale sts my-release-etcd --replicas=1/,
		);
		assert.match(
			r.stdout,
			/\[dry run\] would run: kubectl --context kind-a -n default delete pvc data-my-release-etcd-1/,
		);
		assert.match(r.stdout, /Dry run finished: nothing was changed\./);
		assert.deepEqual(sb.cluster(), defaultCluster());
		assert.deepEqual(sb.stateFiles(), []);
	}
});

test('the plan with every command and its mode comes before the first change', async (t) => {
	const sb = await sandbox(t);
	const r = await runFixture(t, sb, ['--dead', '1'], {
		env: { MILVUS_RESCUE_ASSUME_TTY: '1' },
		input: 'n\n',
	});
	const plan = r.stdout.indexOf('\nPlan\n');
	const ask = r.stdout.indexOf('Run this change? [y/N]');
	assert.ok(plan > 0 && ask > plan);
	const planText = r.stdout.slice(plan, r.stdout.indexOf('Step 1/'));
	assert.match(
		planText,
		/1\. \[read-only\] List the etcd pods\n +kubectl --context kind-a -n default get pods/,
	);
	assert.match(
		planText,
		/2\. \[changes\] Scale etcd down\n +kubectl --context kind-a -n default scale sts my-release-etcd --replicas=1/,
	);
	assert.match(
		planText,
		/4\. \[DELETES DATA\] Delete PVC of member 1\n +kubectl --context kind-a -n default delete pvc data-my-release-etcd-1/,
	);
	assert.equal(r.code, 3, 'answered no');
	assert.deepEqual(changed(sb.calls()), []);
	assert.equal(lines(r.stderr).length, 1);
	assert.match(r.stderr, /scale-down not confirmed/);
});

test('without a TTY and without --yes a changing step refuses with exit 3, before running it', async (t) => {
	const sb = await sandbox(t);
	const r = await runFixture(t, sb, ['--lang', 'id'], { input: 'y\n' });
	assert.equal(r.code, 3);
	assert.equal(lines(r.stderr).length, 1);
	assert.match(
		r.stderr,
		/^galat: langkah scale-down mengubah cluster dan tidak ada terminal .*--yes/,
	);
	assert.deepEqual(changed(sb.calls()), []);
});

test('destroy asks for the typed name; a wrong name deletes nothing', async (t) => {
	const sb = await sandbox(t);
	const r = await runFixture(t, sb, ['--dead', '2'], {
		env: { MILVUS_RESCUE_ASSUME_TTY: '1' },
		input: 'y\ny\ndata-my-release-etcd-1\n',
	});
	assert.equal(r.code, 3);
	assert.match(r.stdout, /Type data-my-release-etcd-2 to confirm: /);
	assert.match(r.stderr, /did not match data-my-release-etcd-2; step delete-pvc not run/);
	assert.deepEqual(sb.cluster().pvcs, defaultCluster().pvcs);
});

test('resume: a recorded step whose done() is false is re-run, one whose done() is true is skipped', async (t) => {
	for (const undo of [true, false]) {
		const sb = await sandbox(t);
		const first = await runFixture(t, sb, ['--dead', '1'], {
			env: { MILVUS_RESCUE_ASSUME_TTY: '1' },
			input: 'y\ny\nno\n',
		});
		assert.equal(first.code, 3);
		assert.deepEqual(sb.stateFiles().length, 1);
		assert.equal(sb.cluster().annotated, 1);
		const before = sb.calls().length;
		// Someone scaled etcd back up while the run was stopped: scale-down's effect is gone.
		if (undo) sb.setCluster({ ...sb.cluster(), sts: { 'my-release-etcd': { replicas: 3 } } });

		const second = await runFixture(t, sb, ['--dead', '1'], {
			env: { MILVUS_RESCUE_ASSUME_TTY: '1' },
			input: undo ? 'y\ndata-my-release-etcd-1\n' : 'data-my-release-etcd-1\n',
		});
		assert.equal(second.code, 0, second.stderr);
		assert.match(second.stdout, /Continuing an earlier run/);
		const again = changed(sb.calls().slice(before));
		assert.deepEqual(again, undo ? ['scale', 'delete'] : ['delete']);
		assert.equal(sb.cluster().annotated, 1, 'a recorded step without done() is not repeated');
		assert.deepEqual(sb.stateFiles(), []);
	}
});

test('preflight NotThisSymptom exits 4 with one line', async (t) => {
	const sb = await sandbox(t, { ...defaultCluster(), sts: { 'my-release-etcd': { replicas: 1 } } });
	const r = await runFixture(t, sb, ['--yes']);
	assert.equal(r.code, 4);
	assert.deepEqual(lines(r.stderr), [
		'error: not this symptom: StatefulSet has 1 replicas already',
	]);
	assert.deepEqual(changed(sb.calls()), []);
});

test('missing kubectl, namespace or release: one line each, exit 1 / 2 / 2', async (t) => {
	const sb = await sandbox(t);
	const noKubectl = await runFixture(t, sb, ['--yes'], {
		env: { PATH: pathWithoutKubectl(sb.dir) },
	});
	assert.equal(noKubectl.code, 1);
	assert.deepEqual(lines(noKubectl.stderr), [
		'error: kubectl not found on PATH; install it or fix PATH',
	]);

	const noNs = await runFixture(t, sb, ['--yes', '-n', 'nope']);
	assert.equal(noNs.code, 2);
	assert.deepEqual(lines(noNs.stderr), ['error: namespace nope not found in context kind-a']);

	const noSts = await runFixture(t, sb, [
		'--yes',
		'--release',
		'prod',
		'-n',
		'milvus',
		'--lang',
		'id',
	]);
	assert.equal(noSts.code, 2);
	assert.equal(lines(noSts.stderr).length, 1);
	assert.match(
		noSts.stderr,
		/^galat: StatefulSet prod-etcd tidak ditemukan di namespace milvus \(context kind-a\)/,
	);
	assert.deepEqual(changed(sb.calls()), []);
});

test('a failing step exits 1 in one line and keeps the progress for the next run', async (t) => {
	const sb = await sandbox(t, { ...defaultCluster(), fail: ['annotate'] });
	const r = await runFixture(t, sb, ['--yes']);
	assert.equal(r.code, 1);
	assert.deepEqual(lines(r.stderr), [
		"error: step annotate failed: kubectl --context kind-a -n default annotate sts my-release-etcd 'milvus-rescue/note=tiny run' --overwrite exited with code 1: Error from server (InternalError): Internal error occurred: simulated failure of annotate",
	]);
	assert.match(r.stdout, /Progress saved in .*; run the same command again to continue\./);
	const [file] = sb.stateFiles();
	const saved = JSON.parse(readFileSync(path.join(sb.stateDir, file ?? ''), 'utf8'));
	assert.deepEqual(
		Object.values(saved.completed).map((c) => (c as { id: string }).id),
		['scale-down'],
	);
	assert.equal(existsSync(path.join(sb.stateDir, `${file}.lock`)), false, 'lock released');
});

test('--json prints only a JSON report on stdout; --log gets everything including prompts', async (t) => {
	const sb = await sandbox(t);
	const log = path.join(sb.dir, 'run.log');
	const r = await runFixture(t, sb, ['--json', '--log', log, '--dead', '1'], {
		env: { MILVUS_RESCUE_ASSUME_TTY: '1' },
		input: 'y\ny\ndata-my-release-etcd-1\n',
	});
	assert.equal(r.code, 0, r.stderr);
	const report = JSON.parse(r.stdout);
	assert.equal(report.exitCode, 0);
	assert.equal(report.context, 'kind-a');
	assert.deepEqual(report.verify, { ok: true, details: '1 replica(s), dead PVCs gone' });
	assert.deepEqual(
		report.steps.map((s: { id: string; status: string }) => `${s.id}:${s.status}`),
		['list-pods:ran', 'scale-down:ran', 'annotate:ran', 'delete-pvc:ran'],
	);
	assert.match(r.stderr, /Plan/);
	const text = readFileSync(log, 'utf8');
	assert.match(text, /Run this change\? \[y\/N\] y\n/);
	assert.match(text, /Type data-my-release-etcd-1 to confirm: data-my-release-etcd-1\n/);
	assert.match(text, /Healthy: 1 replica\(s\), dead PVCs gone/);
	assert.ok(text.trimEnd().endsWith('}'), 'the report is in the log too');
	assert.doesNotMatch(text, /\u001b\[/);
});

test('Ctrl-C (or kill, or a lost terminal) at a prompt exits 3 with one line, keeps progress, frees the lock', async (t) => {
	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
		const sb = await sandbox(t);
		const r = await runFixture(t, sb, ['--dead', '1'], {
			env: { MILVUS_RESCUE_ASSUME_TTY: '1' },
			input: 'y\n',
			keepStdinOpen: true,
			during: async (child, waitFor) => {
				await waitFor('Step 3/4');
				await waitFor('Run this change? [y/N]');
				child.kill(signal);
			},
		});
		assert.equal(r.code, 3, signal);
		assert.deepEqual(lines(r.stderr), [
			'error: interrupted; completed steps are saved, run the same command again to continue',
		]);
		assert.equal(sb.stateFiles().length, 1);
		assert.deepEqual(
			readdirSync(sb.stateDir).filter((f) => f.endsWith('.lock')),
			[],
		);
		assert.equal(sb.cluster().annotated, undefined, 'the step being asked about did not run');
	}
});

test('the same runbook file runs under the zx CLI (how users and bundles start it)', async (t) => {
	const sb = await sandbox(t);
	const zxCli = path.join(ROOT, 'node_modules', 'zx', 'build', 'cli.js');
	const r = await runFixture(t, sb, ['--quiet', TINY, '--describe', '--release', 'prod'], {
		script: zxCli,
	});
	assert.equal(r.code, 0, r.stderr);
	assert.equal(JSON.parse(r.stdout).steps[1].command, 'kubectl scale sts prod-etcd --replicas=1');
	const bad = await runFixture(t, sb, [TINY, '--nope'], { script: zxCli });
	assert.equal(bad.code, 2);
	assert.deepEqual(lines(bad.stderr), ['error: unknown flag --nope (see --help)']);
});

test('main() runbooks run without a cluster and report their own data; broken definitions are refused', async (t) => {
	const sb = await sandbox(t);
	const env = { PATH: pathWithoutKubectl(sb.dir) };
	const script = path.join(FIXTURES, 'offline.mjs');
	const good = await runFixture(t, sb, ['--word', 'good', '--json'], { env, script });
	assert.equal(good.code, 0, good.stderr);
	const report = JSON.parse(good.stdout);
	assert.deepEqual(report.data, { word: 'good', length: 4 });
	const bad = await runFixture(t, sb, ['--word', 'meh', '--lang', 'id'], { env, script });
	assert.equal(bad.code, 1);
	assert.deepEqual(lines(bad.stderr), ['galat: masih belum sehat: meh tidak bagus']);

	const broken = await runFixture(t, sb, [], { script: path.join(FIXTURES, 'broken.mjs') });
	assert.equal(broken.code, 1);
	assert.deepEqual(lines(broken.stderr), [
		'error: runbook definition: flag --yes is defined twice; message missing in id: onlyEnglish',
	]);
});

test('an optional read step that fails is a warning; the run goes on', async (t) => {
	const sb = await sandbox(t, { ...defaultCluster(), fail: ['logs'] });
	const r = await runFixture(t, sb, ['--yes', '--with-logs']);
	assert.equal(r.code, 0, r.stderr);
	assert.match(
		r.stdout,
		/! step read-logs failed: kubectl --context kind-a -n default logs my-release-etcd-1 --previous exited with code 1: Error from server \(InternalError\): Internal error occurred: simulated failure of logs/,
	);
	assert.deepEqual(changed(sb.calls()), ['scale', 'annotate']);

	const sb2 = await sandbox(t);
	const ok = await runFixture(t, sb2, ['--yes', '--with-logs']);
	assert.equal(ok.code, 0, ok.stderr);
	assert.match(ok.stdout, /\n {4}line one\n {4}line two\n/, 'command output is shown, indented');
});
