// Every runbook in runbooks/ against the toolkit's contract: definitions pass the toolkit's checks (both
// languages, no flag clashes), --describe and --help work offline in en and id, and zx is imported only
// through runbooks/lib/zx.mjs so the bundler can swap that one module.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../support/index.ts';
import { sandbox, runFixture, pathWithoutKubectl } from './helpers.ts';

const RUNBOOKS = path.join(ROOT, 'runbooks');
const runbookFiles = readdirSync(RUNBOOKS)
	.filter((f) => f.endsWith('.mjs'))
	.sort();
const libFiles = readdirSync(path.join(RUNBOOKS, 'lib'))
	.filter((f) => f.endsWith('.mjs'))
	.map((f) => path.join('lib', f));

test('only runbooks/lib/zx.mjs imports zx', () => {
	const offenders = [...runbookFiles, ...libFiles].filter((f) => {
		if (f === path.join('lib', 'zx.mjs')) return false;
		const text = readFileSync(path.join(RUNBOOKS, f), 'utf8');
		return /from\s+['"]zx(\/[^'"]*)?['"]|import\(\s*['"]zx|require\(\s*['"]zx/.test(text);
	});
	assert.deepEqual(offenders, []);
});

test('every runbook describes itself offline in en and id with the toolkit shape', async (t) => {
	assert.ok(runbookFiles.length > 0);
	const sb = await sandbox(t);
	const env = { PATH: pathWithoutKubectl(sb.dir) };
	for (const file of runbookFiles) {
		const script = path.join(RUNBOOKS, file);
		const header = readFileSync(script, 'utf8').split('\n').slice(0, 2);
		assert.deepEqual(header, ['#!/usr/bin/env zx', '// @ts-check'], `${file}: header`);
		const described: Record<
			string,
			{
				steps: Array<{ id: string; title: string; mode: string; command: string | null }>;
				summary: string;
				exitCodes: Array<{ code: number; meaning: string }>;
			}
		> = {};
		for (const lang of ['en', 'id']) {
			const r = await runFixture(t, sb, ['--describe', '--lang', lang], { env, script });
			assert.equal(r.code, 0, `${file} --describe --lang ${lang}: ${r.stderr}`);
			const d = JSON.parse(r.stdout);
			assert.equal(`${d.name}.mjs`, file);
			const codes: number[] = d.exitCodes.map((e: { code: number }) => e.code);
			assert.deepEqual(
				codes.filter((c) => c <= 4),
				[0, 1, 2, 3, 4],
				`${file}: the generic codes are always there`,
			);
			assert.deepEqual(
				codes,
				[...codes].sort((a, b) => a - b),
				`${file}: codes ascending`,
			);
			// Exit-code meanings belong in exitCodes (shown as a table), not buried in the description.
			assert.doesNotMatch(d.description, /Exit codes|Kode keluar/, `${file}: description`);
			for (const s of d.steps) {
				assert.match(s.id, /^[a-z][a-z0-9-]*$/, `${file}: ${s.id}`);
				assert.ok(['read', 'change', 'destroy'].includes(s.mode), `${file}: ${s.id} mode`);
				if (s.command)
					assert.doesNotMatch(
						s.command,
						/^kubectl (--context|-n )/,
						`${file}: ${s.id} is pinned in describe`,
					);
			}
			described[lang] = d;
		}
		const [en, id] = [described.en, described.id];
		assert.ok(en && id);
		assert.notEqual(en.summary, id.summary, `${file}: summary is translated`);
		assert.deepEqual(
			en.steps.map((s) => [s.id, s.mode, s.command]),
			id.steps.map((s) => [s.id, s.mode, s.command]),
			`${file}: same steps in both languages`,
		);
		assert.deepEqual(
			en.exitCodes.map((c) => c.code),
			id.exitCodes.map((c) => c.code),
		);
		en.exitCodes.forEach((c, i) =>
			assert.notEqual(c.meaning, id.exitCodes[i]?.meaning, `${file}: exit ${c.code} translated`),
		);
		const help = await runFixture(t, sb, ['--help', '--lang', 'id'], { env, script });
		assert.equal(help.code, 0, `${file} --help: ${help.stderr}`);
		assert.match(help.stdout, /Kode keluar:\n {2}0 {2}\S/);
		const section = help.stdout.slice(help.stdout.indexOf('Kode keluar:'));
		const rows = section.split('\n').map((l) => /^ {2}(\d+) +(.*)$/.exec(l));
		for (const c of id.exitCodes)
			assert.ok(
				rows.some((m) => m?.[1] === String(c.code) && m[2] === c.meaning),
				`${file} --help: exit ${c.code}`,
			);
	}
});
