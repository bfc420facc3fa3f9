import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { ESLint } from 'eslint';
import * as prettier from 'prettier';
import { ROOT } from '../../tools/support/paths.ts';

/** Paths the style checks must leave alone (generated, recorded or byte-exact), and ones they must check. */
const IGNORED = [
	'dist/en/index.html',
	'.astro/types.d.ts',
	'public/recordings/etcd-pending.en.cast',
	'test/runbook-lib/fixtures/broken.mjs',
	'test/.tmp/scratch.ts',
	'.bench/bare-starlight-1/astro.config.mjs',
];
const CHECKED = ['src/config/site.ts', 'runbooks/lib/exit.mjs', 'test/quality/config.test.ts'];

test('prettier checks the sources and skips generated, recorded and fixture files', async () => {
	const ignorePath = path.join(ROOT, '.prettierignore');
	for (const rel of IGNORED) {
		const info = await prettier.getFileInfo(path.join(ROOT, rel), { ignorePath });
		assert.equal(info.ignored, true, `prettier should ignore ${rel}`);
	}
	for (const rel of CHECKED) {
		const info = await prettier.getFileInfo(path.join(ROOT, rel), { ignorePath });
		assert.equal(info.ignored, false, `prettier should check ${rel}`);
	}
});

test('prettier uses the project style (tabs, single quotes, width 100) and parses .astro files', async () => {
	const file = path.join(ROOT, 'src', 'components', 'Example.astro');
	const options = await prettier.resolveConfig(file);
	assert.ok(options, 'no prettier config found');
	assert.equal(options.useTabs, true);
	assert.equal(options.singleQuote, true);
	assert.equal(options.printWidth, 100);
	const formatted = await prettier.format('---\nconst a = "x"\n---\n<p>{a}</p>\n', {
		...options,
		filepath: file,
	});
	assert.match(formatted, /const a = 'x';/);
});

test('eslint lints the sources and skips generated, recorded and fixture files', async () => {
	const eslint = new ESLint({ cwd: ROOT });
	for (const rel of IGNORED) {
		assert.equal(
			await eslint.isPathIgnored(path.join(ROOT, rel)),
			true,
			`eslint should ignore ${rel}`,
		);
	}
	for (const rel of CHECKED) {
		assert.equal(
			await eslint.isPathIgnored(path.join(ROOT, rel)),
			false,
			`eslint should lint ${rel}`,
		);
	}
});

test('eslint reports a real bug (an undefined variable) in a runbook-style module', async () => {
	const eslint = new ESLint({ cwd: ROOT });
	const [result] = await eslint.lintText('// @ts-check\nexport const x = missingName + 1;\n', {
		filePath: path.join(ROOT, 'runbooks', 'lib', 'probe.mjs'),
	});
	assert.ok(
		result?.messages.some((m) => m.ruleId === 'no-undef'),
		JSON.stringify(result?.messages),
	);
});
