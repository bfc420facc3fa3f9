// The runbook's contract with the site: --describe renders exactly the canonical commands of ARCHITECTURE.md,
// in both languages; flag mistakes are one line and exit 2; every message exists in English and Indonesian.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ROOT } from '../../tools/support/paths.ts';
import { runCli } from '../../tools/support/etcd.ts';
import { BACKUP_MESSAGES } from '../../runbooks/lib/etcd-backup.mjs';
import { PROOF_MESSAGES } from '../../runbooks/lib/etcd-restore-proof.mjs';
import { OFFLINE_MESSAGES } from '../../runbooks/lib/etcd-offline.mjs';
import { missingTranslations, placeholderMismatches } from '../../runbooks/lib/i18n.mjs';

const RUNBOOK = path.join(ROOT, 'runbooks', 'etcd-all-crash.mjs');
const cli = (args: string[]) =>
	runCli(process.execPath, [RUNBOOK, ...args], { cwd: ROOT, env: { ...process.env, LANG: 'C' } });

const headless = (i: number) =>
	`my-release-etcd-${i}=http://my-release-etcd-${i}.my-release-etcd-headless.default.svc.cluster.local:2380`;
// The backup, the port-forward and the restore run in this process (command null): what the page shows for
// them by hand is the offline mode (`--backup`, `--restore`) and a port-forward in prose, not a step.
const CANONICAL: Array<[string, string, string | null]> = [
	[
		'list-pods',
		'read',
		'kubectl get pods -l app.kubernetes.io/name=etcd,app.kubernetes.io/instance=my-release',
	],
	['read-logs', 'read', 'kubectl logs my-release-etcd-0 --previous --tail=20'],
	[
		'list-milvus',
		'read',
		'kubectl get deployment,statefulset -l app.kubernetes.io/instance=my-release,app.kubernetes.io/name=milvus',
	],
	['scale-to-zero', 'change', 'kubectl scale sts my-release-etcd --replicas=0'],
	[
		'copy-db',
		'read',
		'kubectl cp etcd-rescue-my-release-etcd-0:/bitnami/etcd/data/member/snap/db etcd-rescue/my-release-etcd-0.db',
	],
	[
		'copy-wal',
		'read',
		'kubectl cp etcd-rescue-my-release-etcd-0:/bitnami/etcd/data/member/wal etcd-rescue/my-release-etcd-0.wal',
	],
	['backup', 'read', null],
	[
		'stop-milvus',
		'change',
		'kubectl scale deployment,statefulset -l app.kubernetes.io/instance=my-release,app.kubernetes.io/name=milvus --replicas=0',
	],
	[
		'delete-helpers',
		'change',
		'kubectl delete pod etcd-rescue-my-release-etcd-0 etcd-rescue-my-release-etcd-1 etcd-rescue-my-release-etcd-2 --ignore-not-found',
	],
	[
		'delete-pvcs',
		'destroy',
		'kubectl delete pvc data-my-release-etcd-0 data-my-release-etcd-1 data-my-release-etcd-2',
	],
	[
		'single-member',
		'change',
		`kubectl set env sts/my-release-etcd ETCD_INITIAL_CLUSTER=${headless(0)} ETCD_INITIAL_CLUSTER_STATE=new`,
	],
	['scale-to-one', 'change', 'kubectl scale sts my-release-etcd --replicas=1'],
	['port-forward', 'read', null],
	['restore', 'change', null],
	[
		'set-existing',
		'change',
		`kubectl set env sts/my-release-etcd ETCD_INITIAL_CLUSTER=${[0, 1, 2].map(headless).join(',')} ETCD_INITIAL_CLUSTER_STATE=existing`,
	],
	['scale-up', 'change', 'kubectl scale sts my-release-etcd --replicas=2'],
	[
		'verify',
		'read',
		'kubectl exec my-release-etcd-0 -- etcdctl endpoint status --cluster -w table',
	],
];

interface Described {
	steps: Array<{ id: string; title: string; mode: string; command: string | null }>;
	flags: Array<{ name: string; help: string; default: unknown }>;
	summary: string;
}

test('--describe has every canonical step with its exact command, in en and id', async () => {
	const en = JSON.parse((await cli(['--describe'])).stdout) as Described;
	const id = JSON.parse((await cli(['--describe', '--lang', 'id'])).stdout) as Described;
	for (const [stepId, mode, command] of CANONICAL) {
		const found = en.steps.find((s) => s.id === stepId && s.command === command);
		assert.ok(found, `step ${stepId} with command ${command}`);
		assert.equal(found.mode, mode, `mode of ${stepId}`);
	}
	// One copy per member and one scale-up per added member, in order.
	assert.equal(en.steps.filter((s) => s.id === 'copy-db').length, 3);
	assert.equal(en.steps.filter((s) => s.id === 'copy-wal').length, 3);
	assert.deepEqual(
		en.steps.filter((s) => s.id === 'scale-up').map((s) => s.command),
		[
			'kubectl scale sts my-release-etcd --replicas=2',
			'kubectl scale sts my-release-etcd --replicas=3',
		],
	);
	assert.deepEqual(
		en.steps.filter((s) => s.id === 'start-milvus').map((s) => s.command),
		[
			'kubectl scale deployment my-release-milvus-proxy --replicas=1',
			'kubectl scale deployment my-release-milvus-mixcoord --replicas=1',
			'kubectl scale deployment my-release-milvus-datanode --replicas=1',
			'kubectl scale deployment my-release-milvus-querynode --replicas=2',
		],
	);
	// The backup is written and proven before anything is deleted, Milvus is stopped before etcd comes back
	// empty and started after every key was compared, and the restore comes before members are added.
	const order = en.steps.map((s) => s.id);
	assert.ok(order.indexOf('backup') < order.indexOf('check-backup'));
	assert.ok(order.indexOf('check-backup') < order.indexOf('stop-milvus'));
	assert.ok(order.indexOf('stop-milvus') < order.indexOf('delete-helpers'));
	assert.ok(order.indexOf('delete-helpers') < order.indexOf('delete-pvcs'));
	assert.ok(order.indexOf('verify') < order.indexOf('start-milvus'));
	assert.ok(order.indexOf('backup') < order.indexOf('delete-pvcs'));
	assert.ok(order.indexOf('restore') < order.indexOf('set-existing'));
	assert.ok(order.lastIndexOf('scale-up') < order.indexOf('verify'));
	assert.deepEqual(
		id.steps.map((s) => [s.id, s.command]),
		en.steps.map((s) => [s.id, s.command]),
	);
	assert.notEqual(id.summary, en.summary);
	id.steps.forEach((s, i) =>
		assert.notEqual(s.title, en.steps[i]!.title, `title of ${s.id} not translated`),
	);
	const flagNames = en.flags.map((f) => f.name);
	for (const f of [
		'db',
		'wal',
		'backup',
		'inspect',
		'restore',
		'endpoints',
		'root-path',
		'allow-non-empty',
		'max-request-bytes',
		'helper-image',
	])
		assert.ok(flagNames.includes(f), f);
	assert.equal(en.flags.find((f) => f.name === 'root-path')?.default, 'by-dev');
	assert.equal(en.flags.find((f) => f.name === 'max-request-bytes')?.default, 1572864);
});

test('flag mistakes: one line, exit 2', async () => {
	for (const args of [
		['--nope'],
		['--db'],
		['--db', 'x.db'],
		['--db', 'x.db', '--backup', 'b', '--inspect'],
		['--restore', 'b'],
		['--inspect'],
		['--local-port', 'abc'],
	]) {
		const r = await cli(args);
		assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
		assert.equal(r.stderr.trim().split('\n').length, 1, `${args.join(' ')}: ${r.stderr}`);
		assert.ok(!r.stderr.includes('    at '), 'no stack trace');
	}
	const help = await cli(['--help', '--lang', 'id']);
	assert.equal(help.code, 0);
	assert.match(help.stdout, /--restore/);
	assert.match(help.stdout, /Kode keluar/);
});

test('backup and restore messages exist in both languages with the same placeholders', () => {
	for (const m of [BACKUP_MESSAGES, PROOF_MESSAGES, OFFLINE_MESSAGES]) {
		assert.deepEqual(missingTranslations(m), []);
		assert.deepEqual(placeholderMismatches(m), []);
	}
});

// The Docker Compose target (lib/etcd-all-crash-compose.mjs): its steps follow the Kubernetes ones, in the order
// the run takes them, with the commands the pages show.
const COMPOSE: Array<[string, string, string | null]> = [
	['compose-list', 'read', 'docker ps -a --filter label=com.docker.compose.project=milvus'],
	['compose-read-logs', 'read', 'docker logs --tail 20 milvus-etcd'],
	['compose-stop-etcd', 'change', 'docker stop milvus-etcd'],
	[
		'compose-copy-db',
		'read',
		'docker cp milvus-etcd:/etcd/member/snap/db etcd-rescue/milvus-etcd.db',
	],
	[
		'compose-copy-wal',
		'read',
		'docker cp milvus-etcd:/etcd/member/wal/. etcd-rescue/milvus-etcd.wal',
	],
	['compose-backup', 'read', null],
	['compose-check-backup', 'read', null],
	['compose-stop-milvus', 'change', 'docker stop milvus-standalone'],
	['compose-gate', 'read', null],
	[
		'compose-move-aside',
		'destroy',
		'mv volumes/etcd/member volumes/etcd/member.broken-2025-01-01T00-00-00Z',
	],
	['compose-start-etcd', 'change', 'docker start milvus-etcd'],
	['compose-restore', 'change', null],
	['compose-verify', 'read', 'docker exec milvus-etcd etcdctl endpoint status -w table'],
	['compose-start-milvus', 'change', 'docker start milvus-standalone'],
];

test('--describe lists the Docker Compose steps after the Kubernetes ones', async () => {
	const en = JSON.parse((await cli(['--describe'])).stdout) as Described;
	const compose = en.steps.filter((s) => s.id.startsWith('compose-'));
	assert.deepEqual(
		compose.map((s) => [s.id, s.mode, s.command]),
		COMPOSE,
	);
	const first = en.steps.findIndex((s) => s.id.startsWith('compose-'));
	assert.ok(en.steps.slice(0, first).every((s) => !s.id.startsWith('compose-')));
	assert.equal(first + COMPOSE.length, en.steps.length);
	const help = (await cli(['--help', '--lang', 'id'])).stdout;
	assert.match(help, /--target <auto\|kubernetes\|compose>/);
	assert.match(help, /\[MENGHAPUS DATA\] compose-move-aside/);
});
