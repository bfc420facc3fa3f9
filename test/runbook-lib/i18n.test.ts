import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
	LIB_MESSAGES,
	missingTranslations,
	placeholderMismatches,
	pickLang,
	t,
	translator,
	type Messages,
} from '../../runbooks/lib/i18n.mjs';
import { sandbox, runFixture } from './helpers.ts';

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
