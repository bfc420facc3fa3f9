import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
	LIB_MESSAGES,
	missingTranslations,
	placeholderMismatches,
	pickLang,
	t,
	translator,
	type Messages,
} from '../../runbooks/lib/i18n.mjs';
import { DIAG_MESSAGES } from '../../runbooks/lib/diag.mjs';
import { sandbox, runFixture, pathWithoutKubectl, lines } from './helpers.ts';
import { ROOT } from '../support/index.ts';

const TOOLKIT = ['runbook', 'cli', 'i18n', 'output', 'exit', 'prompts', 'state', 'shell', 'kube']
	.concat(['docker', 'zx', 'diag'])
	.map((m) => path.join(ROOT, 'runbooks', 'lib', `${m}.mjs`));

/** Message keys a source file looks up literally: tr('k'), ctx.t('k'), translator(…)('k'), err('k'), libText('k'). */
function keysUsed(file: string): string[] {
	const code = readFileSync(file, 'utf8')
		.replace(/\/\*[\s\S]*?\*\//g, '')
		.replace(/^\s*\/\/.*$/gm, '');
	const re =
		/(?:\btr|\bctx\.t|\berr|\blibText|\b(?:translator|toolkitText)\((?:[^()]|\([^()]*\))*\))\(\s*'([A-Za-z][A-Za-z0-9]*)'/g;
	return [...new Set([...code.matchAll(re)].map((m) => m[1] ?? ''))].sort();
}

// Words that only appear in an Indonesian text when part of it was left in English.
const ENGLISH =
	/\b(the|is|are|was|were|not|found|failed|with|and|or|cannot|could|does|did|must|should|this|that|from|into|only|already|still|nothing|every|missing|unknown|needs|got|expects|exited|your|please|when|which|will|would)\b/i;

/** Indonesian texts containing English words, flags, placeholders and commands aside. */
function englishLeftovers(dict: Messages): string[] {
	return Object.entries(dict.id)
		.filter(([, v]) => ENGLISH.test(v.replace(/\{\w+\}/g, '').replace(/--?[\w=-]+/g, '')))
		.map(([k]) => k)
		.sort();
}

test('every toolkit message exists, non-empty, in both en and id, with the same placeholders', () => {
	assert.deepEqual(missingTranslations(LIB_MESSAGES), []);
	assert.deepEqual(placeholderMismatches(LIB_MESSAGES), []);
	assert.ok(Object.keys(LIB_MESSAGES.en).length > 40);
});

test('the check catches a key present in one language only, or left empty', () => {
	const dict: Messages = {
		en: { a: 'A', b: 'B {x}', c: 'C' },
		id: { a: 'A-id', b: 'B-id', d: 'D-id', c: ' ' },
	};
	assert.deepEqual(missingTranslations(dict), ['id: c', 'en: d']);
	assert.deepEqual(placeholderMismatches(dict), ['b']);
});

test('Indonesian is actually translated, not copied', () => {
	const same = Object.keys(LIB_MESSAGES.en).filter(
		(k) => LIB_MESSAGES.en[k] === LIB_MESSAGES.id[k],
	);
	// Only labels that Indonesian engineers say in English may stay identical.
	assert.deepEqual(
		same.sort(),
		[
			'helpDefault',
			'labelContext',
			'labelNamespace',
			'labelRelease',
			'labelStatefulSet',
			'labelTarget',
		].sort(),
	);
});

test('every message key the toolkit looks up exists in both languages (no silent English fallback)', () => {
	const used = new Map(TOOLKIT.map((f) => [path.basename(f), keysUsed(f)]));
	// The scan itself must see the lookups, or this test would pass on nothing.
	for (const [file, key] of [
		['shell.mjs', 'toolMissing'],
		['shell.mjs', 'commandFailed'],
		['runbook.mjs', 'stepFailed'],
		['cli.mjs', 'flagContext'],
		['kube.mjs', 'stsMissing'],
		['prompts.mjs', 'refusedNoTty'],
		['diag.mjs', 'dNoTools'],
	] as const)
		assert.ok(used.get(file)?.includes(key), `${file} looks up ${key}`);
	const problems: string[] = [];
	for (const [file, keys] of used) {
		const known = file === 'diag.mjs' ? [LIB_MESSAGES, DIAG_MESSAGES] : [LIB_MESSAGES];
		for (const key of keys)
			for (const lang of ['en', 'id'] as const)
				if (!known.some((d) => typeof d[lang][key] === 'string'))
					problems.push(`${file}: ${key} missing in ${lang}`);
	}
	assert.deepEqual(problems, []);
	// --help builds `exit${code}` keys from the generic codes.
	assert.deepEqual(
		Object.keys(LIB_MESSAGES.id).filter((k) => /^exit\d+$/.test(k)),
		['exit0', 'exit1', 'exit2', 'exit3', 'exit4'],
	);
});

test('no Indonesian toolkit text is left half in English', () => {
	assert.deepEqual(englishLeftovers(LIB_MESSAGES), []);
	assert.deepEqual(englishLeftovers(DIAG_MESSAGES), []);
	assert.deepEqual(missingTranslations(DIAG_MESSAGES), []);
	assert.deepEqual(placeholderMismatches(DIAG_MESSAGES), []);
	assert.deepEqual(
		Object.keys(DIAG_MESSAGES.en).filter((k) => DIAG_MESSAGES.en[k] === DIAG_MESSAGES.id[k]),
		[],
	);
	// The checks catch what they are meant to: a copy, and a half translation.
	const sloppy: Messages = {
		en: { toolMissing: '{tool} not found on PATH', ok: 'done' },
		id: { toolMissing: '{tool} not found di PATH', ok: 'selesai' },
	};
	assert.deepEqual(englishLeftovers(sloppy), ['toolMissing']);
});

test('a real run in Indonesian: a missing tool and a failing command are reported in Indonesian', async (t) => {
	const sb = await sandbox(t, {
		context: 'kind-a',
		namespaces: ['default'],
		sts: { 'my-release-etcd': { replicas: 3 } },
		pvcs: [],
		fail: ['annotate'],
	});
	const failed = await runFixture(t, sb, ['--yes', '--lang', 'id']);
	assert.equal(failed.code, 1);
	assert.deepEqual(lines(failed.stderr), [
		"galat: langkah annotate gagal: kubectl --context kind-a -n default annotate sts my-release-etcd 'milvus-rescue/note=tiny run' --overwrite keluar dengan kode 1: Error from server (InternalError): Internal error occurred: simulated failure of annotate",
	]);
	assert.match(failed.stdout, /Progres tersimpan di /);

	const missing = await runFixture(t, sb, ['--yes'], {
		env: { PATH: pathWithoutKubectl(sb.dir), LANG: 'id_ID.UTF-8' },
	});
	assert.equal(missing.code, 1);
	assert.deepEqual(lines(missing.stderr), [
		'galat: kubectl tidak ditemukan di PATH; pasang dulu atau perbaiki PATH',
	]);
});

test('pickLang: --lang wins, then LC_ALL, LC_MESSAGES, LANG', () => {
	assert.equal(pickLang('en', { LANG: 'id_ID.UTF-8' }), 'en');
	assert.equal(pickLang(undefined, { LANG: 'id_ID.UTF-8' }), 'id');
	assert.equal(pickLang(undefined, { LANG: 'id' }), 'id');
	assert.equal(pickLang(undefined, { LC_ALL: 'C', LANG: 'id_ID.UTF-8' }), 'en');
	assert.equal(pickLang(undefined, { LC_ALL: 'id_ID.UTF-8', LANG: 'en_US.UTF-8' }), 'id');
	assert.equal(pickLang(undefined, { LANG: 'ida_XX' }), 'en');
	assert.equal(pickLang(undefined, {}), 'en');
});

test('t fills placeholders, falls back to English then to the key', () => {
	const dict: Messages = { en: { hi: 'hi {name}', only: 'en only' }, id: { hi: 'halo {name}' } };
	assert.equal(t(dict, 'id', 'hi', { name: 'Budi' }), 'halo Budi');
	assert.equal(t(dict, 'id', 'only'), 'en only');
	assert.equal(t(dict, 'en', 'nope'), 'nope');
	assert.equal(t(dict, 'en', 'hi'), 'hi {name}');
	const tr = translator('id', dict);
	assert.equal(tr('hi', { name: 'Sari' }), 'halo Sari');
	assert.equal(tr('stepOk'), 'selesai');
});

test('LANG=id makes a real run speak Indonesian without --lang', async (t) => {
	const sb = await sandbox(t);
	const r = await runFixture(t, sb, ['--help'], { env: { LANG: 'id_ID.UTF-8' } });
	assert.equal(r.code, 0);
	assert.match(r.stdout, /Kode keluar:/);
	assert.match(r.stdout, /Cara pakai: npx zx runbooks\/tiny\.mjs/);
});
