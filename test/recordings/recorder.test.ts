// The recorder's pieces that need no cluster: prompt answers, normalisation, step markers, the source
// fingerprint, and the replay engine the widget runs.
import assert from 'node:assert/strict';
import { cpSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import {
	comparableText,
	markSteps,
	normalizer,
	sortTableRows,
	unpin,
} from '../../tools/recorder/build.ts';
import { sourceClosure, sourceHash } from '../../tools/recorder/hash.ts';
import { answerFor } from '../../tools/recorder/record.ts';
import {
	parseCast,
	plainText,
	serializeCast,
	stepMarkers,
	type CastEvent,
} from '../../src/components/terminal/cast.ts';
import { Replay } from '../../src/components/terminal/replay.ts';
import { ROOT, tmpDir } from '../support/index.ts';

const o = (time: number, data: string): CastEvent => ({ time, type: 'o', data });

test('prompts are answered as a user would: y for a change, the exact name for a deletion, nothing otherwise', () => {
	assert.equal(answerFor('Step 3/5 [changes] x\n$ kubectl scale\nRun this change? [y/N] '), 'y');
	assert.equal(answerFor('Jalankan perubahan ini? [y/N] '), 'y');
	assert.equal(
		answerFor('This deletes data and cannot be undone. Type data-my-release-etcd-1 to confirm: '),
		'data-my-release-etcd-1',
	);
	assert.equal(
		answerFor(
			'Ini menghapus data dan tidak bisa dibatalkan. Ketik my-release-etcd untuk konfirmasi: ',
		),
		'my-release-etcd',
	);
	assert.equal(
		answerFor('Run this change? [y/N] y\r\n✔ done\r\n'),
		null,
		'an answered prompt is not asked again',
	);
	assert.equal(answerFor('Step 1/5 [read-only] List the etcd pods\n'), null);
});

test('normalisation: ports and folders the scenario knows, temp folders, ids by member name, times, ages', () => {
	const n = normalizer([
		['/tmp/standin-Ab12Cd', '/tmp/standin'],
		[
			'127.0.0.1:41234',
			'my-release-etcd-0.my-release-etcd-headless.default.svc.cluster.local:2379',
		],
	]);
	assert.equal(n('dir /tmp/standin-Ab12Cd/pods x'), 'dir /tmp/standin/pods x');
	assert.equal(
		n('url http://127.0.0.1:41234'),
		'url http://my-release-etcd-0.my-release-etcd-headless.default.svc.cluster.local:2379',
	);
	assert.equal(n('copy to /tmp/etcd-rescue-x7Yq2Z/db'), 'copy to /tmp/rescue-XXXXXX/db');
	assert.equal(
		n('forward 127.0.0.1:39999 and 127.0.0.1:19530'),
		'forward 127.0.0.1:PORT and 127.0.0.1:19530',
	);
	assert.equal(n('etcd 07:19:39.72 INFO ==> x'), 'etcd 00:00:00.00 INFO ==> x');
	assert.equal(
		n('my-release-etcd-1   0/1   CrashLoopBackOff   7 (12s ago)   3m4s'),
		'my-release-etcd-1   0/1   CrashLoopBackOff   3 (0s ago)   0s',
	);
	assert.equal(
		n('backup my-release-etcd-0-20261128T080626.db'),
		'backup my-release-etcd-0-20240603T081400.db',
	);
	// The same member gets the same made-up id whatever its real one, so table rows match across runs.
	const a = normalizer([])('| 1c2d3e4f5a6b7c8d | started | my-release-etcd-2 |');
	const b = normalizer([])('| 9f8e7d6c5b4a3f2e | started | my-release-etcd-2 |');
	assert.equal(a, b);
	assert.notEqual(a, normalizer([])('| 9f8e7d6c5b4a3f2e | started | my-release-etcd-1 |'));
	// etcdctl drops leading zeros (15 digits); `name=id` lists are put in one order.
	const listA = normalizer([])(
		'members now: my-release-etcd-1=ecdbed1a2c3d4e5, my-release-etcd-0=1c2d3e4f5a6b7c8d',
	);
	const listB = normalizer([])(
		'members now: my-release-etcd-0=9f8e7d6c5b4a3f2e, my-release-etcd-1=abc123abc123abc',
	);
	assert.equal(listA, listB);
	assert.match(
		listA,
		/^members now: my-release-etcd-0=[0-9a-f]{16}, my-release-etcd-1=[0-9a-f]{16}$/,
	);
	const ids = normalizer([]);
	assert.equal(
		ids('cluster id 1c2d3e4f5a6b7c8d'),
		ids('again 1c2d3e4f5a6b7c8d').replace('again', 'cluster id'),
	);
});

test('table rows are sorted and compared without their timing-dependent numbers', () => {
	const border = o(1, '    +----+----+\r\n');
	const rows = sortTableRows([
		border,
		o(1, '    | ID | NAME |\r\n'),
		border,
		o(2, '    | b | my-release-etcd-1 |\r\n'),
		o(3, '    | a | my-release-etcd-0 |\r\n'),
		border,
	]);
	assert.deepEqual(
		rows.slice(3, 5).map((e) => [e.time, e.data.trim()]),
		[
			[2, '| a | my-release-etcd-0 |'],
			[3, '| b | my-release-etcd-1 |'],
		],
	);
	assert.equal(
		comparableText('|  206 |   53 kB |\nraft 206'),
		comparableText('|    3 | 153 kB |\nraft 206'),
	);
	assert.notEqual(comparableText('revision 4'), comparableText('revision 5'));
});

test('step markers: a heading is named by its command, else by its title; diagnostic commands mark too', () => {
	const steps = [
		{ id: 'list-pods', title: 'List the etcd pods', command: 'kubectl get pods -l x' },
		{ id: 'pick-newest', title: 'Pick the newest copy', command: null },
		{
			id: 'delete-pvc',
			title: 'Delete the PVC of dead member my-release-etcd-1',
			command: 'kubectl delete pvc data-my-release-etcd-1',
		},
		{
			id: 'delete-pvc',
			title: 'Delete the PVC of dead member my-release-etcd-2',
			command: 'kubectl delete pvc data-my-release-etcd-2',
		},
	];
	assert.equal(
		unpin('kubectl --context standin -n default get pods -l x'),
		'kubectl get pods -l x',
	);
	const events = markSteps(
		[
			o(0, '$ npx zx runbooks/x.mjs\r\n'),
			o(1, '\u001b[1mStep 1/4 [read-only] List the etcd pods\u001b[0m\r\n'),
			o(1.5, '\u001b[2m$ kubectl --context standin -n default get pods -l x\u001b[0m\r\n'),
			o(2, '\u001b[1mStep 2/4 [read-only] Pick the newest copy\u001b[0m\r\n'),
			o(2.5, '    newest: a.db\r\n'),
			o(3, 'Step 3/4 [DELETES DATA] Delete the PVC of dead member my-release-etcd-2\r\n'),
			o(3.5, '$ kubectl --context standin -n default delete pvc data-my-release-etcd-2\r\n'),
		],
		steps,
	);
	assert.deepEqual(stepMarkers(events), [
		{ id: 'list-pods', time: 1 },
		{ id: 'pick-newest', time: 2 },
		{ id: 'delete-pvc', time: 3 },
	]);
	// Without headings (diagnostic runbooks) the first matching command line marks its step.
	const diag = markSteps([o(0, 'x\r\n'), o(1, '$ kubectl get pods -l x\r\n')], steps);
	assert.deepEqual(stepMarkers(diag), [{ id: 'list-pods', time: 1 }]);
});

test('a cast survives serialisation; its plain text drops colours and carriage-return redraws', () => {
	const cast = parseCast(
		serializeCast({
			header: {
				version: 2,
				width: 100,
				height: 32,
				runbook: 'x',
				lang: 'en',
				command: 'npx zx runbooks/x.mjs',
				source_hash: 'h',
				sources: {},
				exit_code: 0,
			},
			events: [
				o(0, '\u001b[1;32m$\u001b[0m npx zx\r\n'),
				{ time: 0.5, type: 'm', data: 'step:a' },
				o(1, 'wait…\rdone  \r\n'),
			],
		}),
	);
	assert.equal(plainText(cast.events), '$ npx zx\ndone');
	assert.throws(() => parseCast('{"version":1}\n'), /not an asciicast v2/);
});

test('the fingerprint covers the runbook and the lib modules it imports, and nothing else', async () => {
	const dir = await tmpDir({ after }, 'rec-hash-');
	cpSync(path.join(ROOT, 'runbooks'), path.join(dir, 'runbooks'), { recursive: true });
	const files = sourceClosure(dir, 'etcd-bad-member-id');
	assert.ok(files.includes('runbooks/etcd-bad-member-id.mjs'));
	assert.ok(files.includes('runbooks/lib/runbook.mjs'));
	assert.ok(!files.includes('runbooks/lib/bbolt.mjs'), 'bbolt is not used by this runbook');
	const before = sourceHash(dir, files);
	writeFileSync(path.join(dir, 'runbooks', 'lib', 'bbolt.mjs'), '// unrelated edit\n', {
		flag: 'a',
	});
	assert.equal(sourceHash(dir, sourceClosure(dir, 'etcd-bad-member-id')), before);
	writeFileSync(path.join(dir, 'runbooks', 'lib', 'exit.mjs'), '// edit\n', { flag: 'a' });
	assert.notEqual(sourceHash(dir, sourceClosure(dir, 'etcd-bad-member-id')), before);
});

test('replay: plays in order, pauses, skips to the end, restarts, and seeks to a step', async () => {
	let screen = '';
	const states: string[] = [];
	const replay = new Replay(
		[
			o(0, 'first\r\n'),
			{ time: 0.02, type: 'm', data: 'step:two' },
			o(0.02, 'second\r\n'),
			o(0.04, 'last\r\n'),
		],
		{ write: (d) => (screen += d), reset: () => (screen = '') },
		(s) => states.push(s),
	);
	replay.speed = 4;
	replay.play();
	await new Promise((r) => setTimeout(r, 200));
	assert.equal(screen, 'first\r\nsecond\r\nlast\r\n');
	assert.equal(replay.state, 'ended');
	replay.restart();
	assert.equal(screen, 'first\r\n', 'restart clears the screen and starts over');
	replay.pause();
	replay.skipToEnd();
	assert.equal(screen, 'first\r\nsecond\r\nlast\r\n');
	assert.equal(replay.seekToStep('two'), true);
	replay.pause();
	assert.equal(screen, 'first\r\nsecond\r\n', 'a seek shows the run up to where the step starts');
	assert.equal(replay.seekToStep('missing'), false);
	replay.stop();
	assert.ok(states.includes('playing') && states.includes('paused') && states.includes('ended'));
});

test('comparableText ignores the order of table rows, which follows random member ids', () => {
	const a = '+--+\n| ID |\n+--+\n| 1a | started |\n| 2b | unstarted |\n+--+';
	const b = '+--+\n| ID |\n+--+\n| 2b | unstarted |\n| 1a | started |\n+--+';
	assert.equal(comparableText(a), comparableText(b));
	assert.notEqual(comparableText(a), comparableText(a.replace('unstarted', 'started')));
});

test("comparableText ignores the order of a described Secret's keys, which kubectl prints in map order", () => {
	const a = 'Data\n====\nsecretkey:  10 bytes\naccesskey:  10 bytes\n\nEvents:  <none>';
	const b = 'Data\n====\naccesskey:  10 bytes\nsecretkey:  10 bytes\n\nEvents:  <none>';
	assert.equal(comparableText(a), comparableText(b));
	assert.notEqual(comparableText(a), comparableText(a.replace('10 bytes', '11 bytes')));
});

test("comparableText ignores kubectl rollout status's progress lines, whose number is timing", () => {
	const done =
		'  statefulset rolling update complete 3 pods at revision my-release-etcd-7d9c6b5f84...';
	const quick = `$ kubectl rollout status sts/my-release-etcd\n${done}\nChecking the result`;
	const slow = `$ kubectl rollout status sts/my-release-etcd\n  Waiting for 3 pods to be ready...\n  Waiting for 2 pods to be ready...\n  waiting for statefulset rolling update to complete 1 pods at revision my-release-etcd-7d9c6b5f84...\n${done}\nChecking the result`;
	assert.equal(comparableText(slow), comparableText(quick));
	// The line that says how it ended still counts.
	assert.notEqual(comparableText(quick), comparableText(quick.replace(done, '')));
});

test('comparableText compares table borders by their columns, not their widths', () => {
	// etcdctl pads the ID column to the widest id, and an unpadded hex id is 15 or 16 digits.
	const wide = '+-----+------------------+\n| ID | 8e9e05c52164694d |\n+-----+------------------+';
	const narrow = '+-----+-----------------+\n| ID | 8e9e05c5216469d |\n+-----+-----------------+';
	assert.equal(comparableText(wide), comparableText(narrow));
	const threeColumns = '+-----+-----+------+\n| ID | a | b |\n+-----+-----+------+';
	assert.notEqual(comparableText(wide), comparableText(threeColumns));
});
