import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
	parseArgs,
	peekLang,
	checkFlagSpecs,
	COMMON_FLAGS,
	type FlagSpec,
} from '../../runbooks/lib/cli.mjs';
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
	const defaults = parseArgs([], extra);
	assert.equal(defaults.opts.release, 'my-release');
	assert.equal(defaults.opts.dryRun, false);
	assert.deepEqual(defaults.flags, { db: undefined, count: 2, force: false, mode: undefined });
	assert.equal(parseArgs(['--force=false'], extra).flags.force, false);
	assert.equal(parseArgs(['--count=-1'], extra).flags.count, -1);
	assert.equal(parseArgs(['-n=ns1'], extra).opts.namespace, 'ns1');
});

test('--sts alone also names the release; --release keeps its own value', () => {
	assert.deepEqual(
		[parseArgs(['--sts', 'prod-etcd']).opts.release, parseArgs(['--sts', 'prod-etcd']).opts.sts],
		['prod', 'prod-etcd'],
	);
	assert.equal(parseArgs(['--sts', 'prod-etcd', '--release', 'other']).opts.release, 'other');
	assert.equal(parseArgs(['--sts', 'custom']).opts.release, 'my-release');
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
			() => parseArgs(args, extra),
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

test('peekLang finds --lang before parsing so errors come out in that language', () => {
	assert.equal(peekLang(['--bogus', '--lang', 'id']), 'id');
	assert.equal(peekLang(['--lang=en']), 'en');
	assert.equal(peekLang(['--lang', 'fr']), undefined);
});

test('checkFlagSpecs rejects clashes with common flags and missing translations', () => {
	assert.deepEqual(checkFlagSpecs(extra), []);
	const problems = checkFlagSpecs([
		{ name: 'release', type: 'string', help: { en: 'x', id: 'x' } },
		{ name: 'other', alias: 'n', type: 'string', help: { en: 'x', id: '' } },
	]);
	assert.ok(problems.includes('flag --release is defined twice'));
	assert.ok(problems.includes('alias -n is defined twice'));
	assert.ok(problems.includes('flag --other needs help in en and id'));
	for (const f of COMMON_FLAGS)
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
