// Preflight and bad input for the three etcd runbooks: a healthy cluster is "not this symptom" (exit 4),
// wrong target or flags are one line with the right exit code, and --describe matches the canonical step
// tables in ARCHITECTURE.md that the pages are written against.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { StandinCluster } from '../../tools/standin/index.mjs';
import {
	ROOT,
	assertOneLineError,
	cleanup,
	newCluster,
	runRunbook,
	untouchable,
} from './helpers.ts';

const RUNBOOKS = ['etcd-pending', 'etcd-bad-member-id', 'etcd-multi-crash'] as const;

after(cleanup);

/** Rows `| \`id\` | mode | \`command\` |` of the runbook's table in ARCHITECTURE.md. */
function canonicalSteps(name: string): { id: string; mode: string; command: string }[] {
	const text = fs.readFileSync(path.join(ROOT, 'ARCHITECTURE.md'), 'utf8');
	const start = text.indexOf(`**${name}**`);
	assert.ok(start >= 0, `no table for ${name}`);
	const rows: { id: string; mode: string; command: string }[] = [];
	for (const line of text.slice(start).split('\n').slice(1)) {
		if (line.startsWith('**')) break;
		const m = /^\| `([a-z-]+)` \| (\w+) \| `(.+)` \|$/.exec(line.trim());
		if (m) rows.push({ id: m[1]!, mode: m[2]!, command: m[3]! });
	}
	assert.ok(rows.length >= 5, `parsed ${rows.length} rows for ${name}`);
	return rows;
}

describe('etcd runbooks without a cluster', { concurrency: 3 }, () => {
	for (const name of RUNBOOKS) {
		it(`${name} --describe has the canonical steps, in both languages`, async () => {
			for (const lang of ['en', 'id']) {
				const out = await runRunbook(name, ['--describe', '--lang', lang], { env: process.env });
				assert.equal(out.code, 0, out.stderr);
				const d = JSON.parse(out.stdout);
				assert.equal(d.name, name);
				for (const row of canonicalSteps(name)) {
					const hit = d.steps.find(
						(s: { id: string; command: string }) => s.id === row.id && s.command === row.command,
					);
					assert.ok(hit, `${name} ${lang}: step ${row.id} with \`${row.command}\` missing`);
					assert.equal(hit.mode, row.mode, `${name}: mode of ${row.id}`);
				}
			}
		});

		it(`${name}: unknown flag is one line, exit 2; --help lists exit codes in en and id`, async () => {
			const bad = await runRunbook(name, ['--bogus'], { env: process.env });
			assert.equal(bad.code, 2);
			assertOneLineError(bad, /--bogus/);
			assert.equal(bad.stderr.trim().split('\n').length, 1, bad.stderr);
			const en = await runRunbook(name, ['--help', '--lang', 'en'], { env: process.env });
			const id = await runRunbook(name, ['--help', '--lang', 'id'], { env: process.env });
			assert.equal(en.code, 0);
			assert.equal(id.code, 0);
			assert.match(en.stdout, /Exit codes/);
			assert.match(id.stdout, /Kode keluar|kode keluar/i);
			assert.notEqual(en.stdout, id.stdout);
		});
	}
});

describe('etcd runbooks on a healthy cluster', { concurrency: 3 }, () => {
	let c: StandinCluster;
	before(async () => {
		c = await newCluster({ generation: 'milvusdb-fork' });
		await c.putMilvusKeys(200);
		// On the fork an empty member_id is harmless: the pod restarts and rejoins.
		await c.inject('empty-member-id', [1]);
		await c.waitHealthy({ timeoutMs: 60_000 });
	});
	after(async () => c?.stop());

	for (const name of RUNBOOKS) {
		it(`${name} exits 4 and changes nothing when the cluster is healthy`, async () => {
			const snapshot = await untouchable(c);
			const out = await runRunbook(name, ['--yes'], { env: c.env });
			assert.equal(out.code, 4, out.stdout + out.stderr);
			assert.match(out.stdout + out.stderr, /not this symptom/);
			assert.deepEqual(await untouchable(c), snapshot);
		});
	}

	it('wrong namespace or release: one line naming what was looked for, exit 2', async () => {
		const ns = await runRunbook('etcd-multi-crash', ['--yes', '-n', 'nope'], { env: c.env });
		assert.equal(ns.code, 2, ns.stdout + ns.stderr);
		assertOneLineError(ns, /nope/);
		const rel = await runRunbook('etcd-pending', ['--yes', '--release', 'other'], { env: c.env });
		assert.equal(rel.code, 2, rel.stdout + rel.stderr);
		assertOneLineError(rel, /other-etcd/);
		const id = await runRunbook('etcd-bad-member-id', ['--release', 'other', '--lang', 'id'], {
			env: c.env,
		});
		assert.equal(id.code, 2);
		assertOneLineError(id, /tidak ditemukan/);
	});

	it('kubectl missing from PATH: one line naming it, exit 1', async () => {
		// A PATH with a shell (zx needs one) but no kubectl: the machine may have a real one in /usr/bin.
		const bin = fs.mkdtempSync(path.join(c.dir, 'nokubectl-'));
		fs.symlinkSync('/bin/bash', path.join(bin, 'bash'));
		const env = { ...c.env, PATH: bin };
		for (const name of RUNBOOKS) {
			const out = await runRunbook(name, ['--yes'], { env });
			assert.equal(out.code, 1, out.stdout + out.stderr);
			assertOneLineError(out, /kubectl/);
		}
	});
});
