import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
	LINES,
	compareSdk,
	parseVersion,
	versionFromBanner,
	versionFromImage,
	NOT_GRPC_PORTS,
} from '../../runbooks/lib/compat-table.mjs';
import { LEGACY, MERR, readCode } from '../../runbooks/lib/error-codes.mjs';

test('versions are read from tags, images and the log banner', () => {
	assert.deepEqual(parseVersion('v2.4.5'), { major: 2, minor: 4, patch: 5 });
	assert.deepEqual(parseVersion('2.5'), { major: 2, minor: 5, patch: 0 });
	assert.deepEqual(parseVersion('2.4.3rc7'), { major: 2, minor: 4, patch: 3 });
	assert.equal(parseVersion('latest'), null);
	assert.deepEqual(versionFromImage('milvusdb/milvus:v2.5.16'), { major: 2, minor: 5, patch: 16 });
	assert.deepEqual(
		versionFromImage('registry.local:5000/milvusdb/milvus:v2.4.0-20240417-abcdef12'),
		{ major: 2, minor: 4, patch: 0 },
	);
	assert.equal(versionFromImage('milvusdb/milvus:latest'), null);
	assert.equal(
		versionFromImage('registry.local:5000/milvusdb/milvus'),
		null,
		'a registry port is not a version',
	);
	const banner =
		'open pid file\n    __  _________\nWelcome to use Milvus!\nVersion:   v2.4.0\nBuilt:     Mon Apr 15 2024\nGitCommit: ffb6edd4\n';
	assert.deepEqual(versionFromBanner(banner), { major: 2, minor: 4, patch: 0 });
	assert.equal(versionFromBanner('no banner here\nVersion: 1.2.3'), null);
});

test('the table has the release-note SDK rows for 2.2 to 2.6', () => {
	assert.deepEqual(Object.keys(LINES), ['2.2', '2.3', '2.4', '2.5', '2.6']);
	assert.equal(LINES['2.4']?.sdk.python, '2.4.15');
	assert.equal(LINES['2.5']?.goModule, 'github.com/milvus-io/milvus/client/v2');
	assert.equal(LINES['2.4']?.goModule, 'github.com/milvus-io/milvus-sdk-go/v2');
	assert.equal(LINES['2.6']?.latest, '2.6.22');
});

test('same line is compatible; a newer SDK is incompatible with exact versions to move to', () => {
	const same = compareSdk('python', '2.4.3', '2.4.5');
	assert.equal(same.level, 'ok');
	const newer = compareSdk('java', '2.6.1', '2.5.16');
	assert.equal(newer.status, 'newer');
	assert.equal(newer.level, 'incompatible');
	assert.equal(newer.moveSdkTo, '2.5.14');
	assert.equal(newer.moveServerTo, '2.6.22');
	assert.match(newer.advice.en, /2\.5\.14/);
	assert.match(newer.advice.id, /2\.5\.14/);
	const older = compareSdk('node', '2.3.5', '2.4.5');
	assert.equal(older.status, 'older');
	assert.equal(older.level, 'warn');
	assert.equal(older.moveSdkTo, '2.4.11');
});

test('pymilvus 2.2.9+ against a server older than 2.2.9 is the Connect break', () => {
	const v = compareSdk('python', '2.4.1', 'v2.2.8');
	assert.equal(v.status, 'connect-break');
	assert.equal(v.level, 'incompatible');
	assert.equal(v.moveServerTo, '2.2.16');
	assert.equal(compareSdk('python', '2.2.5', '2.2.8').level, 'ok');
	assert.equal(compareSdk('python', '2.2.9', '2.2.9').level, 'ok');
});

test('the Go module path moved at 2.5; unknown server lines are not judged', () => {
	const moved = compareSdk('go', 'v2.5.0', '2.5.16', {
		goModule: 'github.com/milvus-io/milvus-sdk-go/v2',
	});
	assert.equal(moved.status, 'module-moved');
	assert.equal(
		compareSdk('go', 'v2.5.14', '2.5.16', { goModule: 'github.com/milvus-io/milvus/client/v2' })
			.level,
		'ok',
	);
	const unknown = compareSdk('python', '2.1.0', '2.1.4');
	assert.equal(unknown.status, 'unknown');
	assert.equal(unknown.moveSdkTo, null);
	assert.ok(NOT_GRPC_PORTS[9091]);
});

test('error codes: 2.3+ codes, legacy names, and the codes both generations use', () => {
	const loaded = readCode(
		'<MilvusException: (code=101, message=collection not loaded[collection=1])>',
	);
	assert.equal(loaded.code, 101);
	assert.equal(loaded.generation, '2.3+');
	assert.equal(loaded.meanings[0]?.name, 'CollectionNotLoaded');
	assert.equal(readCode('1100').meanings[0]?.meaning.en, 'invalid parameter');
	assert.equal(readCode('{"code": 65535, "message": "x"}').meanings[0]?.code, 65535);
	const legacy = readCode("{ error_code: 'CollectionNotExists', reason: 'x' }");
	assert.equal(legacy.generation, 'legacy');
	assert.equal(legacy.code, 4);
	const either = readCode('(code=1, message=whatever)');
	assert.equal(either.generation, 'either');
	assert.deepEqual(
		either.meanings.map((m) => m.name),
		['ServiceNotReady', 'UnexpectedError'],
	);
	assert.equal(readCode('no code in here').code, null);
	const odd = readCode('code=4242');
	assert.equal(odd.meanings.length, 0);
	assert.equal(odd.generation, '2.3+');
	for (const table of [MERR, LEGACY]) {
		for (const info of table.values()) {
			assert.ok(
				info.meaning.en && info.meaning.id && info.next.en && info.next.id,
				`code ${info.code} needs en and id`,
			);
		}
	}
});
