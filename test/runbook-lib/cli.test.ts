import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
	parseArgs,
	peekLang,
	checkFlagSpecs,
	groupFlags,
	FLAG_GROUP_NAMES,
	type FlagSpec,
} from '../../runbooks/lib/cli.mjs';
import { defineRunbook } from '../../runbooks/lib/runbook.mjs';
import { UsageError, EXIT } from '../../runbooks/lib/exit.mjs';
import { scriptArgs } from '../../runbooks/lib/runbook.mjs';
import { sandbox, runFixture, lines } from './helpers.ts';

const extra: FlagSpec[] = [
	{ name: 'db', type: 'string', help: { en: 'db file', id: 'file db' } },
	{ name: 'count', alias: 'c', type: 'number', default: 2, help: { en: 'count', id: 'jumlah' } },
	{ name: 'force', type: 'boolean', default: false, help: { en: 'force', id: 'paksa' } },
	{ name: 'mode', type: 'string', choices: ['fast', 'safe'], help: { en: 'mode', id: 'mode' } },
];

test('common and runbook flags parse in every supported form', () => {
	const { opts, flags } = parseArgs(
		[
			'--context',
			'kind-x',
			'-n',
			'milvus',
			'--release=prod',
			'--dry-run',
			'-y',
			'--lang',
			'id',
			'--log',
			'run.log',
			'--json',
			'--db',
			'x.db',
			'-c',
			'5',
			'--force',
			'--mode=safe',
		],
		extra,
		'en',
		['kube'],
	);
	assert.deepEqual(opts, {
		context: 'kind-x',
		namespace: 'milvus',
		release: 'prod',
		sts: undefined,
		dryRun: true,
		yes: true,
		lang: 'id',
		log: 'run.log',
		json: true,
		help: false,
		describe: false,
	});
	assert.deepEqual(flags, { db: 'x.db', count: 5, force: true, mode: 'safe' });
	const defaults = parseArgs([], extra, 'en', ['kube']);
	assert.equal(defaults.opts.release, 'my-release');
	assert.equal(defaults.opts.dryRun, false);
	assert.deepEqual(defaults.flags, { db: undefined, count: 2, force: false, mode: undefined });
	assert.equal(parseArgs(['--force=false'], extra).flags.force, false);
	assert.equal(parseArgs(['--count=-1'], extra).flags.count, -1);
	assert.equal(parseArgs(['-n=ns1'], extra, 'en', ['kube']).opts.namespace, 'ns1');
	assert.equal(parseArgs(['-nns2'], extra, 'en', ['kube']).opts.namespace, 'ns2');
	assert.equal(
		parseArgs(['--count', '1', '--count', '3'], extra).flags.count,
		3,
		'the last one wins',
	);
});

test('--sts alone also names the release; --release keeps its own value', () => {
	const kube = (args: string[]) => parseArgs(args, [], 'en', ['kube']).opts;
	assert.deepEqual(
		[kube(['--sts', 'prod-etcd']).release, kube(['--sts', 'prod-etcd']).sts],
		['prod', 'prod-etcd'],
	);
	assert.equal(kube(['--sts', 'prod-etcd', '--release', 'other']).release, 'other');
	assert.equal(kube(['--sts', 'custom']).release, 'my-release');
});

test('bad flags and values are UsageErrors (exit 2) with one translated line', () => {
	const cases: Array<[string[], string]> = [
		[['--bogus'], 'unknown flag --bogus (see --help)'],
		[['-x'], 'unknown flag -x (see --help)'],
		[['--dryrun'], 'unknown flag --dryrun (see --help)'],
		[['stray'], 'unexpected argument stray (see --help)'],
		[['--context'], '--context needs a value'],
		[['--namespace', '--dry-run'], '--namespace needs a value'],
		[['--release='], '--release needs a value'],
		[['--count', 'three'], '--count expects a number, got three'],
		[['--count', '1e400'], '--count expects a number, got 1e400'],
		[['--count', '0x10'], '--count expects a number, got 0x10'],
		[['--count', '-1'], '--count needs a value'],
		[['--', 'x'], 'unexpected argument -- (see --help)'],
		[[''], "unexpected argument '' (see --help)"],
		[['--force=maybe'], '--force takes no value (or =true/=false), got maybe'],
		[['--lang', 'fr'], '--lang must be one of en, id, got fr'],
		[['--mode', 'slow'], '--mode must be one of fast, safe, got slow'],
		[
			['--release', 'My_Release'],
			'--release must be a Kubernetes name (lowercase letters, digits and -), got My_Release',
		],
		[
			['-n', 'a/b'],
			'--namespace must be a Kubernetes name (lowercase letters, digits and -), got a/b',
		],
	];
	for (const [args, message] of cases) {
		assert.throws(
			() => parseArgs(args, extra, 'en', ['kube']),
			(e: unknown) =>
				e instanceof UsageError &&
				e.code === EXIT.USAGE &&
				e.message === message &&
				!e.message.includes('\n'),
			args.join(' '),
		);
	}
	assert.throws(() => parseArgs(['--bogus'], extra, 'id'), {
		message: 'flag tidak dikenal: --bogus (lihat --help)',
	});
});

test('flag groups: a runbook gets only the groups it names; their values are checked where declared', () => {
	// Without the kube group the cluster flags do not exist.
	for (const args of [
		['--context', 'x'],
		['-n', 'milvus'],
		['--release', 'r'],
		['--sts', 's'],
	])
		assert.throws(() => parseArgs(args, extra), { message: /^unknown flag / }, args.join(' '));
	const milvus = parseArgs(['--host', 'db', '--grpc-port=19531'], [], 'en', ['milvus']);
	assert.deepEqual(milvus.flags, { host: 'db', 'grpc-port': 19531, 'health-port': 9091 });
	assert.equal(milvus.opts.release, 'my-release', 'kube options keep their defaults');
	assert.deepEqual(parseArgs([], [], 'en', ['timeout']).flags, { timeout: 300 });
	const cases: Array<[string[], string]> = [
		[['--grpc-port', '0'], '--grpc-port must be a port between 1 and 65535, got 0'],
		[['--health-port=65536'], '--health-port must be a port between 1 and 65535, got 65536'],
		[['--grpc-port', '1.5'], '--grpc-port must be a port between 1 and 65535, got 1.5'],
		[['--timeout', '0'], '--timeout must be a number above 0, got 0'],
		[['--timeout=-5'], '--timeout must be a number above 0, got -5'],
	];
	for (const [args, message] of cases)
		assert.throws(
			() => parseArgs(args, [], 'en', ['milvus', 'timeout']),
			(e: unknown) => e instanceof UsageError && e.message === message,
			args.join(' '),
		);
	assert.throws(() => parseArgs(['--timeout', '0'], [], 'id', ['timeout']), {
		message: '--timeout harus angka di atas 0, bukan 0',
	});
	// Common flags come last, after the groups in the order named.
	assert.deepEqual(
		groupFlags(['milvus']).map((f) => f.name),
		[
			'host',
			'grpc-port',
			'health-port',
			'dry-run',
			'yes',
			'lang',
			'log',
			'json',
			'help',
			'describe',
		],
	);
});

test('--help lists only the groups a runbook names, in en and id', async () => {
	const base = {
		name: 'probe',
		summary: { en: 'Probe Milvus', id: 'Periksa Milvus' },
		description: { en: 'Reads only.', id: 'Hanya membaca.' },
		target: 'local' as const,
		main: () => 0,
	};
	const local = defineRunbook({ ...base, flagGroups: ['milvus'] });
	assert.deepEqual(local.problems, []);
	for (const lang of ['en', 'id'] as const) {
		const help = await local.help(lang);
		assert.match(help, /--grpc-port <n>/);
		assert.match(help, /--dry-run/);
		assert.doesNotMatch(help, /--context|--namespace|--release|--sts|--timeout/, lang);
	}
	assert.match(await local.help('id'), /port gRPC Milvus/);
	const described = (await local.describe('en')) as { flags: { name: string; common: boolean }[] };
	assert.deepEqual(
		described.flags.filter((f) => f.common).map((f) => f.name),
		groupFlags(['milvus']).map((f) => f.name),
	);
	const cluster = defineRunbook({ ...base, target: 'kubernetes', flagGroups: ['timeout'] });
	assert.ok(cluster.problems.includes("target kubernetes needs the 'kube' flag group"));
	const unknown = defineRunbook({ ...base, flagGroups: ['etcd' as never] });
	assert.ok(unknown.problems.some((p) => p.startsWith('unknown flag group etcd')));
});

test('peekLang finds --lang before parsing so errors come out in that language', () => {
	assert.equal(peekLang(['--bogus', '--lang', 'id']), 'id');
	assert.equal(peekLang(['--lang=en']), 'en');
	assert.equal(peekLang(['--lang', 'fr']), undefined);
});

test('checkFlagSpecs: a runbook flag may not redeclare a group flag, in any group', () => {
	assert.deepEqual(checkFlagSpecs(extra), []);
	const problems = checkFlagSpecs([
		{ name: 'release', type: 'string', help: { en: 'x', id: 'x' } },
		{ name: 'port', type: 'number', help: { en: 'x', id: 'y' } },
		{ name: 'port', type: 'number', help: { en: 'x', id: 'y' } },
		{ name: 'grpc-port', type: 'number', help: { en: 'x', id: 'y' } },
		{ name: 'timeout', type: 'number', help: { en: 'x', id: 'y' } },
		{ name: 'other', alias: 'n', type: 'string', help: { en: 'x', id: '' } },
	]);
	assert.ok(problems.includes('flag --release belongs to the kube flag group: name the group'));
	assert.ok(problems.includes('flag --grpc-port belongs to the milvus flag group: name the group'));
	assert.ok(problems.includes('flag --timeout belongs to the timeout flag group: name the group'));
	assert.ok(problems.includes('flag --port is defined twice'));
	assert.ok(problems.includes('alias -n is defined twice'));
	assert.ok(problems.includes('flag --other needs help in en and id'));
	for (const f of groupFlags(FLAG_GROUP_NAMES))
		assert.ok(f.help.en && f.help.id && f.help.en !== f.help.id, f.name);
});

test('scriptArgs finds the runbook arguments under node, zx and npx zx with zx flags', () => {
	assert.deepEqual(scriptArgs(['/usr/bin/node', '/r/runbooks/x.mjs', '--yes']), ['--yes']);
	assert.deepEqual(
		scriptArgs(['/usr/bin/node', '/r/node_modules/zx/build/cli.js', 'runbooks/x.mjs', '-n', 'a']),
		['-n', 'a'],
	);
	assert.deepEqual(
		scriptArgs([
			'/usr/bin/node',
			'/r/node_modules/.bin/zx',
			'--quiet',
			'--shell',
			'/bin/bash',
			'x.mjs',
			'--help',
		]),
		['--help'],
	);
});

test('a real run with a bad flag prints exactly one line on stderr and exits 2', async (t) => {
	const sb = await sandbox(t);
	for (const args of [['--bogus'], ['--replicas', 'abc'], ['--lang', 'id', '--replicas']]) {
		const r = await runFixture(t, sb, args);
		assert.equal(r.code, 2, args.join(' '));
		assert.equal(r.stdout, '');
		assert.equal(lines(r.stderr).length, 1, r.stderr);
		assert.match(r.stderr, /^(error|galat): /);
		assert.doesNotMatch(r.stderr, /\bat .*\.mjs:\d+/);
	}
	assert.deepEqual(sb.calls(), [], 'no kubectl call before flags are valid');
});
