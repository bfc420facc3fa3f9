// The symptom pages list, in their frontmatter, the exact errors each failure prints; those strings feed the
// site's search and this catalog. Every one of them must be recognised, with the page's own symptom on top,
// so `diagnose` and the search send a reader to the same page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { YAML } from 'zx';
import { matchText } from '../../runbooks/lib/catalog.mjs';
import { ROOT, SYMPTOM_IDS } from '../support/index.ts';
import { runRunbook } from './helpers.ts';

test('every error string on a symptom page is recognised as that page symptom', () => {
	let checked = 0;
	for (const lang of ['en', 'id']) {
		for (const id of SYMPTOM_IDS) {
			const file = path.join(ROOT, 'src', 'content', 'docs', lang, `${id}.md`);
			const text = readFileSync(file, 'utf8');
			const front = YAML.parse(text.split(/^---\s*$/m)[1] ?? '') as {
				symptom?: { id: string; errors?: string[] };
			};
			assert.equal(front.symptom?.id, id, `${lang}/${id}.md frontmatter`);
			for (const error of front.symptom?.errors ?? []) {
				const top = matchText(error)[0];
				assert.equal(
					top?.symptom,
					id,
					`${lang}/${id}.md: "${error}" → ${top ? `${top.signature}/${top.symptom}` : 'no known symptom'}`,
				);
				checked++;
			}
		}
	}
	assert.ok(checked >= 30, `only ${checked} error strings found on the pages`);
	assert.ok(readdirSync(path.join(ROOT, 'src', 'content', 'docs', 'en')).length > 0);
});

test('every step block on the boot, runtime-compat and api-errors pages equals the runbook --describe command', async (t) => {
	const steps = new Map<string, Map<string, string>>();
	for (const name of ['boot', 'runtime-compat', 'api-errors']) {
		const r = await runRunbook(t, name, ['--describe']);
		assert.equal(r.code, 0, r.stderr);
		const list = r.json().steps as { id: string; command: string }[];
		steps.set(name, new Map(list.map((s) => [s.id, s.command])));
	}
	let blocks = 0;
	for (const lang of ['en', 'id']) {
		for (const page of ['boot', 'runtime-compat', 'api-errors']) {
			const text = readFileSync(
				path.join(ROOT, 'src', 'content', 'docs', lang, `${page}.md`),
				'utf8',
			);
			for (const m of text.matchAll(
				/^[ \t]*```sh runbook="([\w-]+)"(?: step="([\w-]+)")?[^\n]*\n([\s\S]*?)\n[ \t]*```/gm,
			)) {
				const [, runbook = '', step, body = ''] = m;
				const command = body.trim();
				if (!step) {
					assert.match(
						command,
						new RegExp(`^npx zx runbooks/${runbook}\\.mjs( |$)`),
						`${lang}/${page}: ${command}`,
					);
					continue;
				}
				const expected = steps.get(runbook)?.get(step);
				assert.equal(command, expected, `${lang}/${page}.md step ${runbook}/${step}`);
				blocks++;
			}
		}
	}
	assert.ok(blocks >= 10, `only ${blocks} step blocks found`);
});
