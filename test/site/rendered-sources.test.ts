// The highlighted runbook sources kept between builds (src/components/runbook/rendered-sources.ts): a kept
// file serves only the exact source, settings and versions it was rendered from.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { tmpDir } from '../support/index.ts';
import {
	knownRenderedSource,
	readRenderedSource,
	renderedSources,
	sourceCacheFile,
	writeRenderedSource,
} from '../../src/components/runbook/rendered-sources.ts';

const entry = (code: string) => ({
	code,
	html: `<pre>${code}</pre><button title="Copy" data-copied="Copied!"`,
	copyButton: '<button title="Copy" data-copied="Copied!"',
});

test('a kept source is named by its file, its text and the settings that render it', async (t) => {
	const dir = await tmpDir(t, 'milvus-rescue-sources-');
	const base = sourceCacheFile(dir, 'salt', 'runbooks/boot.mjs', 'code');
	assert.equal(path.dirname(base), dir);
	assert.equal(sourceCacheFile(dir, 'salt', 'runbooks/boot.mjs', 'code'), base);
	for (const other of [
		sourceCacheFile(dir, 'other salt', 'runbooks/boot.mjs', 'code'),
		sourceCacheFile(dir, 'salt', 'runbooks/diagnose.mjs', 'code'),
		sourceCacheFile(dir, 'salt', 'runbooks/boot.mjs', 'code changed'),
	])
		assert.notEqual(other, base);
});

test('a kept source is read back only for the same text; a missing or torn file reads as nothing', async (t) => {
	const dir = await tmpDir(t, 'milvus-rescue-sources-');
	const file = path.join(dir, 'nested', 'boot.json');
	assert.equal(readRenderedSource(file, 'code'), undefined);
	writeRenderedSource(file, entry('code'));
	assert.deepEqual(readRenderedSource(file, 'code'), entry('code'));
	assert.equal(readRenderedSource(file, 'other code'), undefined);
	writeFileSync(file, '{"code": "code", "html": ');
	assert.equal(readRenderedSource(file, 'code'), undefined);
});

test('knownRenderedSource answers from this build first, then from disk, never for another text', async (t) => {
	const dir = await tmpDir(t, 'milvus-rescue-sources-');
	const file = path.join(dir, 'x.json');
	const name = `runbooks/test-${process.pid}.mjs`;
	t.after(() => renderedSources.delete(name));
	assert.equal(knownRenderedSource(name, 'v1', file), undefined);
	writeRenderedSource(file, entry('v1'));
	assert.deepEqual(knownRenderedSource(name, 'v1', file), entry('v1'));
	// Kept in memory now: the file is no longer needed for it.
	writeFileSync(file, 'torn');
	assert.deepEqual(knownRenderedSource(name, 'v1', file), entry('v1'));
	// A changed source (the dev server) is never answered with the old HTML.
	assert.equal(knownRenderedSource(name, 'v2', file), undefined);
	assert.equal(knownRenderedSource(name, 'v2', undefined), undefined);
});
