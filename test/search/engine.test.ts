import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
	MAX_INPUT,
	clipInput,
	excerptParts,
	planQuery,
	runSearch,
	wordsOf,
	type PagefindApi,
	type PagefindResult,
	type SymptomPage,
} from '../../src/components/search/engine.ts';

/**
 * A stand-in for Pagefind with its two traits that matter here: every query word must match (AND), and a
 * word matches any indexed word it is a prefix of. Scores count matching words.
 */
function fakePagefind(
	pages: Record<string, { text: string; category?: string; symptom?: string }>,
) {
	const calls: Array<{ term: string | null; filters: unknown }> = [];
	const api: PagefindApi = {
		async search(term, options) {
			calls.push({ term, filters: options?.filters });
			const words = (term ?? '')
				.toLowerCase()
				.split(/[^\p{L}\p{N}_]+/u)
				.filter(Boolean);
			const wanted = options?.filters?.category;
			const results: PagefindResult[] = [];
			for (const [url, page] of Object.entries(pages)) {
				if (wanted !== undefined && page.category !== wanted) continue;
				const indexed = page.text.toLowerCase().split(/[^\p{L}\p{N}_]+/u);
				const hits = words.map((w) => indexed.filter((i) => i.startsWith(w)).length);
				if (words.length === 0 || hits.some((h) => h === 0)) continue;
				results.push({
					id: url,
					score: hits.reduce((a, b) => a + b, 0),
					data: async () => ({
						url,
						excerpt: `…${page.text.slice(0, 40)}…`,
						meta: { title: `Title of ${url}`, ...(page.symptom ? { symptom: page.symptom } : {}) },
					}),
				});
			}
			return { results: results.sort((a, b) => b.score - a.score) };
		},
	};
	return { api, calls };
}

const SYMPTOMS: SymptomPage[] = [
	{
		id: 'etcd-bad-member-id',
		title: 'Bad member ID',
		url: '/en/etcd-bad-member-id/',
		category: 'etcd',
		runbook: 'etcd-bad-member-id',
	},
	{ id: 'boot', title: 'Boot', url: '/en/boot/', category: 'boot', runbook: 'boot' },
	{
		id: 'etcd-pending',
		title: 'Pending',
		url: '/en/etcd-pending/',
		category: 'etcd',
		runbook: 'etcd-pending',
	},
];

const SITE = {
	'/en/etcd-bad-member-id/': {
		text: 'bad member ID arg strconv ParseUint member_id file etcd pod crash',
		category: 'etcd',
		symptom: 'etcd-bad-member-id',
	},
	'/en/boot/': {
		text: 'failed to create etcd client context deadline exceeded minio access denied',
		category: 'boot',
		symptom: 'boot',
	},
	'/en/etcd-pending/': {
		text: 'pod has unbound immediate PersistentVolumeClaims StorageClass default PVC pending device',
		category: 'etcd',
		symptom: 'etcd-pending',
	},
	'/en/help/': { text: 'ask on discord with logs and versions' },
};

test('typed words stay a plain query; pasted text becomes a log query', () => {
	for (const q of ['member_id', 'PVC pending', 'StorageClass', '  StorageClass  ']) {
		const plan = planQuery(q);
		assert.equal(plan.mode, 'plain', q);
		assert.equal(plan.query, q.trim());
	}
	assert.equal(planQuery('   ').mode, 'empty');
	const line =
		'[2024/02/19 04:51:33.120 +00:00] [ERROR] [etcd/x.go:12] ["bad member ID arg"] [pod=milvus-etcd-2]';
	assert.equal(planQuery(line).mode, 'log');
	assert.equal(planQuery('first line\nsecond line').mode, 'log');
});

test('a pasted line loses what varies: timestamps, IPs, ids, durations, pod hashes', () => {
	const plan = planQuery(
		'2024-03-05T10:22:14.880Z  Warning  FailedScheduling  3m2s (x4 over 18m)  default-scheduler  ' +
			'my-release-milvus-proxy-7d9c8b6f5d-x7k2p dial tcp 10.0.3.17:6650 id 8e9e05c52164694d 0xc0001a2000 unbound',
	);
	assert.equal(plan.mode, 'log');
	for (const gone of [
		'2024',
		'3m2s',
		'x4',
		'18m',
		'10',
		'8e9e05c52164694d',
		'0xc0001a2000',
		'x7k2p',
		'7d9c8b6f5d',
	]) {
		assert.ok(!plan.terms.includes(gone), `${gone} is not searched: ${plan.terms.join(' ')}`);
	}
	for (const kept of ['failed', 'scheduling', 'dial', 'tcp', 'unbound']) {
		assert.ok(plan.terms.includes(kept), `${kept} is searched: ${plan.terms.join(' ')}`);
	}
});

test('words split where Pagefind splits indexed tokens', () => {
	assert.deepEqual(wordsOf('strconv.ParseUint: parsing ""'), [
		'strconv',
		'parse',
		'uint',
		'parsing',
	]);
	assert.deepEqual(wordsOf('the member_id of it'), ['member']);
});

test('a huge paste is cut to MAX_INPUT, keeping its start and its end, and says so', async () => {
	const plan = planQuery('a'.repeat(MAX_INPUT + 10));
	assert.equal(plan.truncated, true);
	assert.equal(planQuery('short').truncated, false);
	const filler = 'I0101 00:00:00.000000   1 main.go:1] all good\n'.repeat(4000);
	assert.ok(filler.length > MAX_INPUT);
	const clipped = clipInput(`first line\n${filler}etcdserver: no leader`);
	assert.ok(clipped.text.length <= MAX_INPUT + 1);
	assert.ok(clipped.text.startsWith('first line'));
	assert.ok(clipped.text.endsWith('etcdserver: no leader'));
	const { api } = fakePagefind(SITE);
	const out = await runSearch(api, `${filler}etcdserver: no leader`, {
		lang: 'en',
		symptoms: SYMPTOMS,
	});
	assert.equal(out.plan.truncated, true);
	assert.equal(
		out.matches[0]?.symptom,
		'etcd-multi-crash',
		'the fatal line at the end of a long log counts',
	);
});

test('a recognised error puts its page first and names it', async () => {
	const { api } = fakePagefind(SITE);
	const out = await runSearch(
		api,
		'etcd 08:30:12.52 INFO  ==> Updating member\nError: bad member ID arg (strconv.ParseUint: parsing "": invalid syntax), expecting ID in Hex',
		{ lang: 'en', symptoms: SYMPTOMS },
	);
	assert.equal(out.matches[0]?.symptom, 'etcd-bad-member-id');
	assert.equal(out.matches[0]?.lineNumber, 2);
	assert.equal(out.matches[0]?.page?.url, '/en/etcd-bad-member-id/');
	assert.equal(out.results[0]?.url, '/en/etcd-bad-member-id/');
	assert.equal(out.results[0]?.recognised, true);
	assert.equal(new Set(out.results.map((r) => r.url)).size, out.results.length, 'no page twice');
});

test('an unknown error is no match, but its best text match still comes back', async () => {
	const { api } = fakePagefind(SITE);
	// "device" exists only on another page: with Pagefind's AND alone the boot page would vanish.
	const out = await runSearch(api, '2024-01-01T00:00:00Z minio access device context', {
		lang: 'en',
		symptoms: SYMPTOMS,
	});
	assert.deepEqual(out.matches, []);
	assert.equal(out.results[0]?.url, '/en/boot/');
	assert.ok(out.results.every((r) => !r.recognised));
});

test('a category filter reaches Pagefind and hides recognised pages of other categories', async () => {
	const { api, calls } = fakePagefind(SITE);
	const out = await runSearch(
		api,
		'panic: failed to create etcd client: context deadline exceeded',
		{
			lang: 'en',
			symptoms: SYMPTOMS,
			category: 'etcd',
		},
	);
	assert.equal(out.matches[0]?.symptom, 'boot', 'the banner still says what the error is');
	assert.ok(
		out.results.every((r) => r.url !== '/en/boot/'),
		'but the list keeps to etcd pages',
	);
	assert.ok(
		calls.length > 0 && calls.every((c) => JSON.stringify(c.filters) === '{"category":"etcd"}'),
	);
});

test('explanations follow the reader language', async () => {
	const { api } = fakePagefind(SITE);
	const en = await runSearch(api, 'Error: bad member ID arg', { lang: 'en', symptoms: SYMPTOMS });
	const id = await runSearch(api, 'Error: bad member ID arg', { lang: 'id', symptoms: SYMPTOMS });
	assert.notEqual(en.matches[0]?.explain, id.matches[0]?.explain);
	assert.match(id.matches[0]?.explain ?? '', /Hapus/);
});

test('excerpts come back as text pieces, never markup', () => {
	const parts = excerptParts(
		'a &lt;script&gt;alert(1)&lt;/script&gt; <mark>member</mark> <img src=x onerror=alert(1)> &#x1F600; &#99999999;',
	);
	assert.deepEqual(
		parts.map((p) => p.mark),
		[false, true, false],
	);
	assert.equal(parts[0]?.text, 'a <script>alert(1)</script> ');
	assert.equal(parts[1]?.text, 'member');
	assert.equal(parts[2]?.text, ' <img src=x onerror=alert(1)> 😀 &#99999999;');
});
