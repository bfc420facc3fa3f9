import assert from 'node:assert/strict';
import { test } from 'node:test';
import { twinPath } from '../../src/utils/locale-path.ts';

test('twinPath swaps the language segment and keeps the rest', () => {
	assert.equal(twinPath('/en/etcd-pending/', 'id'), '/id/etcd-pending/');
	assert.equal(twinPath('/id/runbooks/etcd-all-crash/', 'en'), '/en/runbooks/etcd-all-crash/');
	assert.equal(twinPath('/id/', 'en'), '/en/');
	assert.equal(twinPath('/id', 'en'), '/en/');
	assert.equal(twinPath('/en/help/', 'en'), '/en/help/');
});

test('twinPath sends pages outside a language folder to that language overview', () => {
	assert.equal(twinPath('/404', 'id'), '/id/');
	assert.equal(twinPath('/', 'en'), '/en/');
	assert.equal(twinPath('/english/boot/', 'id'), '/id/');
});
