// The committed recordings: one per runbook and language, current with their runbook's sources (a
// recording older than the code it shows fails here), normalised, and marked at every step they run.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { castPath, currentSources } from '../../tools/recorder/record.ts';
import { RUNBOOK_NAMES, VARIANT_NAMES, scenarioOf } from '../../tools/recorder/scenarios.ts';
import { parseCast, plainText, stepMarkers } from '../../src/components/terminal/cast.ts';
import { ROOT } from '../support/index.ts';

const LANGS = ['en', 'id'] as const;

test('every runbook has a recording scenario', () => {
	const runbooks = readdirSync(path.join(ROOT, 'runbooks'))
		.filter((f) => f.endsWith('.mjs'))
		.map((f) => f.replace(/\.mjs$/, ''))
		.sort();
	assert.deepEqual([...RUNBOOK_NAMES].sort(), runbooks);
});

// A runbook's own recording is named like it; a variant (etcd-all-crash-compose) records the runbook it names.
for (const name of [...RUNBOOK_NAMES, ...VARIANT_NAMES]) {
	const runbook = scenarioOf(name)?.runbook ?? name;
	for (const lang of LANGS) {
		test(`recordings/${name}.${lang}.cast is current, normalised and marked`, async () => {
			const file = castPath(name, lang);
			assert.ok(
				existsSync(file),
				`${path.relative(ROOT, file)} is missing: run npm run record -- ${name}`,
			);
			const cast = parseCast(readFileSync(file, 'utf8'));
			assert.equal(cast.header.runbook, runbook);
			assert.equal(cast.header.lang, lang);
			const now = currentSources(runbook);
			const recorded = cast.header.sources ?? {};
			const changed = [...new Set([...Object.keys(recorded), ...Object.keys(now.sources)])].filter(
				(f) => recorded[f] !== now.sources[f],
			);
			assert.deepEqual(
				changed,
				[],
				`${path.relative(ROOT, file)} is older than ${changed.join(', ')}: run npm run record -- ${name}`,
			);
			assert.equal(cast.header.source_hash, now.hash);

			const text = plainText(cast.events);
			assert.ok(text.startsWith(`$ npx zx runbooks/${runbook}.mjs`), text.slice(0, 200));
			assert.doesNotMatch(text, /\u001b/, 'plain text keeps no escape codes');
			const raw = cast.events.map((e) => e.data).join('');
			assert.match(raw, /\u001b\[[0-9;]*m/, 'the recording keeps its colours');
			assert.doesNotMatch(raw, /\/tmp\/(?:standin|mr-rec)-/, 'a temp folder was not normalised');
			assert.doesNotMatch(
				raw,
				/127\.0\.0\.1:(?!(?:2379|2380|9091|19530|PORT)\b)\d+/,
				'a port was not normalised',
			);
			for (let i = 1; i < cast.events.length; i++)
				assert.ok(
					(cast.events[i]?.time ?? 0) >= (cast.events[i - 1]?.time ?? 0),
					'event times go forward',
				);

			const { stdout } = await promisify(execFile)(process.execPath, [
				path.join(ROOT, 'runbooks', `${runbook}.mjs`),
				'--describe',
				'--lang',
				lang,
			]);
			const describe = JSON.parse(stdout) as { steps: { id: string }[] };
			const ids = new Set(describe.steps.map((s) => s.id));
			const markers = stepMarkers(cast.events);
			for (const m of markers) assert.ok(ids.has(m.id), `marker for unknown step ${m.id}`);
			if (runbook === 'etcd-slow-disk') {
				// Only reads, and the stand-in's disks are never slow: the recording judges saved /metrics of a slow
				// member and a fast one (--metrics-file, no cluster steps) and ends with the verdict, exit 0.
				assert.equal(cast.header.exit_code, 0, text.slice(-600));
				assert.match(text, /SLOW DISK\. WAL fsync p99 80 ms|DISK LAMBAT\. p99 fsync WAL 80 ms/);
				assert.match(text, /disk fast enough|disk cukup cepat/);
				assert.deepEqual(markers, [], 'no cluster step ran');
			} else if (runbook === 'diagnose') {
				// A log file judged on this machine (--file): the symptoms it names, strongest first, and no
				// step, since only --live reads a deployment.
				assert.match(text, /1\. etcd-all-crash {2}\[recover-backend-from-snapshot\]/);
				assert.match(text, /2\. boot {2}\[etcd-client-create-failed\]/);
				assert.deepEqual(markers, [], 'no deployment step ran');
			} else if (runbook.startsWith('etcd-')) {
				// The fix runbooks end healthy on their broken stand-in, and every step they ran is marked. The
				// all-crash scenario garbles every WAL, so that run ends with etcd rebuilt and the honest verdict
				// that writes after the db index cannot be vouched for (exit 1).
				if (runbook === 'etcd-all-crash') {
					assert.equal(cast.header.exit_code, 1, text.slice(-600));
					assert.match(
						text,
						/writes possibly missing: unknown|penulisan yang mungkin hilang: tidak diketahui/,
					);
					if (name === runbook) assert.match(text, /3 members healthy|3 member sehat/);
					// Under Docker Compose: one container rebuilt, every key compared, the old folder kept aside.
					else assert.match(text, /member\.broken-/);
				} else assert.equal(cast.header.exit_code, 0, text.slice(-600));
				const headings =
					text.match(lang === 'en' ? /^Step \d+\/\d+ /gm : /^Langkah \d+\/\d+ /gm) ?? [];
				assert.ok(headings.length > 0, 'no step headings in the language of the recording');
				assert.equal(markers.length, headings.length, 'one marker per step heading');
			} else if (ids.size > 0 && runbook !== 'api-errors') {
				assert.ok(markers.length > 0, 'a diagnostic run marks the steps it ran');
			}
		});
	}
}
