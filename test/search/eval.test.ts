/**
 * The evaluation of THE matcher (runbooks/lib/retrieve.mjs) on real pasted errors (pasted.ts, with their
 * issue URLs) and the realistic set (queries.ts): top-1 and top-3 per symptom, as `diagnose` answers. The
 * site's half of the evaluation (its search page, both languages) is test/search/queries.test.ts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diagnoseText } from '../../runbooks/lib/retrieve.mjs';
import { runCollected, ROOT } from '../support/index.ts';
import { PASTED } from '../../tools/search-eval/pasted.ts';
import { CASES } from '../../tools/search-eval/queries.ts';

/** diagnose must name the right symptom first for at least this share of texts that have one. */
const DIAGNOSE_TOP1 = 0.9;

const ALL = [
	...PASTED.map((c) => ({ ...c, source: c.url })),
	...CASES.map((c) => ({ ...c, avoid: undefined, source: c.note })),
];

/** The symptoms named by the matcher, best first: signatures, then closest pages. */
function named(text: string): string[] {
	const d = diagnoseText(text);
	return [...new Set([...d.signatures.map((m) => m.symptom), ...d.closest.map((c) => c.symptom)])];
}

test('every pasted case cites a real GitHub issue or pull request, once per text', () => {
	for (const c of PASTED) {
		assert.match(c.url, /^https:\/\/github\.com\/[\w.-]+\/[\w.-]+\/(?:issues|pull)\/\d+$/, c.url);
		assert.ok(c.text.trim().length > 0);
	}
	assert.equal(new Set(PASTED.map((c) => c.text)).size, PASTED.length, 'no text twice');
	assert.ok(PASTED.filter((c) => c.expect !== null).length >= 30, 'at least 30 real pastes');
});

test(`diagnose: top-1 at least ${DIAGNOSE_TOP1 * 100}% on the evaluation set, reported per symptom`, () => {
	const per = new Map<string, { n: number; top1: number; top3: number }>();
	const misses: string[] = [];
	for (const c of ALL) {
		if (c.expect === null) continue;
		const got = named(c.text);
		const row = per.get(c.expect) ?? { n: 0, top1: 0, top3: 0 };
		row.n++;
		if (got[0] === c.expect) row.top1++;
		else misses.push(`${c.expect} ← ${got[0] ?? '(none)'}: ${c.source}`);
		if (got.slice(0, 3).includes(c.expect)) row.top3++;
		per.set(c.expect, row);
	}
	let n = 0;
	let top1 = 0;
	for (const [symptom, r] of [...per].sort()) {
		n += r.n;
		top1 += r.top1;
		console.log(`# diagnose ${symptom}: top-1 ${r.top1}/${r.n}, top-3 ${r.top3}/${r.n}`);
	}
	for (const m of misses) console.log(`#   miss: ${m}`);
	console.log(`# diagnose overall: top-1 ${top1}/${n} (${((top1 / n) * 100).toFixed(1)}%)`);
	assert.ok(top1 / n >= DIAGNOSE_TOP1, `top-1 ${top1}/${n}:\n${misses.join('\n')}`);
});

test('a text of no known symptom is never claimed: no signature, at most "closest pages"', () => {
	for (const c of ALL) {
		if (c.expect !== null) continue;
		const d = diagnoseText(c.text);
		if (c.avoid) {
			assert.ok(
				!d.signatures.some((m) => m.symptom === c.avoid),
				`${c.source}: claimed ${c.avoid} with a signature`,
			);
		} else {
			assert.deepEqual(
				d.signatures.map((m) => m.symptom),
				[],
				`${c.source}: a text of no symptom got a signature`,
			);
		}
		assert.notEqual(d.kind, 'signature', c.source);
	}
});

test('generic API statuses lead "closest pages", never "the error of"', () => {
	const d = diagnoseText(
		'<MilvusException: (code=2100, message=something the catalog does not know)>',
	);
	assert.equal(d.kind, 'closest');
	assert.deepEqual(d.signatures, []);
	assert.equal(d.closest[0]?.symptom, 'api-errors');
});

test('the diagnose runbook answers with the same matcher: free text gets closest pages, exit 0', async () => {
	const r = await runCollected(
		process.execPath,
		[
			'node_modules/zx/build/cli.js',
			'runbooks/diagnose.mjs',
			'--json',
			'--text',
			'Pod not supported on Fargate: volumes not supported: data not supported because: PVC data-milvus-etcd-0 not bound',
		],
		{ cwd: ROOT },
	);
	assert.equal(r.code, 0, r.stderr);
	const report = JSON.parse(r.stdout) as {
		confidence: string;
		matches: unknown[];
		closest: { symptom: string; url: string }[];
	};
	assert.equal(report.confidence, 'closest');
	assert.deepEqual(report.matches, []);
	assert.equal(report.closest[0]?.symptom, 'etcd-pending');
	assert.match(report.closest[0]?.url ?? '', /^https?:\/\/[^/]+\/en\/etcd-pending\/$/);
});
