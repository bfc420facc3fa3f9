// The runbook data the site is built from is kept between builds; a change under runbooks/ must never be
// served from the old copy.
import assert from 'node:assert/strict';
import { cp, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { ROOT, tmpDir } from '../support/index.ts';
import { loadRunbooksCached } from '../../runbooks/build/load.ts';

test('a cached load is reused only while runbooks/ is unchanged', async (t) => {
	// A project with one runbook and the real toolkit, using this repository's node_modules.
	const root = await tmpDir(t, 'milvus-rescue-cache-');
	await mkdir(path.join(root, 'runbooks'));
	await cp(path.join(ROOT, 'runbooks', 'lib'), path.join(root, 'runbooks', 'lib'), {
		recursive: true,
	});
	const runbook = path.join(root, 'runbooks', 'boot.mjs');
	await cp(path.join(ROOT, 'runbooks', 'boot.mjs'), runbook);
	await symlink(path.join(ROOT, 'node_modules'), path.join(root, 'node_modules'));

	const first = await loadRunbooksCached(root, ['en']);
	const summary = first.index.boot?.describe.en?.summary ?? '';
	assert.match(summary, /Milvus/);
	assert.deepEqual(await loadRunbooksCached(root, ['en']), first, 'unchanged: the same data');

	const source = await readFile(runbook, 'utf8');
	assert.ok(source.includes(summary));
	await writeFile(runbook, source.replace(summary, 'A summary changed after the first build'));
	const changed = await loadRunbooksCached(root, ['en']);
	assert.equal(changed.index.boot?.describe.en?.summary, 'A summary changed after the first build');
	assert.notEqual(changed.index.boot?.standalone.sha256, first.index.boot?.standalone.sha256);
});
