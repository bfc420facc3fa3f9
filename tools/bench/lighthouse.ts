// Lighthouse (mobile preset, lighthouse@12.2.3 from node_modules, Debian's Chromium) on the overview and two
// symptom pages in each language, next to the same pages of a bare Starlight site built in the same run.
// Target: 100 in every category on every measured page. Reported, never asserted.
import path from 'node:path';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../support/browser.ts';
import { ROOT } from '../support/paths.ts';
import { runCollected } from '../support/process.ts';
import { serveStatic } from '../support/server.ts';
import { buildSites, measuredPaths, ratio, type BuiltSite } from './lib/sites.ts';

const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'] as const;
type Category = (typeof CATEGORIES)[number];
type Scores = Record<Category, number>;

interface LighthouseResult {
	categories: Record<string, { score: number | null }>;
	audits: Record<string, { score: number | null; title: string; scoreDisplayMode: string }>;
	runtimeError?: { code: string; message: string };
}

/** One Lighthouse run through its CLI (a child process, so a crash or a leak stays out of the bench). */
async function lighthouse(url: string): Promise<{ scores: Scores; failing: string[] }> {
	const cli = path.join(ROOT, 'node_modules', 'lighthouse', 'cli', 'index.js');
	const args = [
		cli,
		url,
		'--output=json',
		'--output-path=stdout',
		'--quiet',
		`--only-categories=${CATEGORIES.join(',')}`,
		`--chrome-flags=${CHROMIUM_ARGS.join(' ')}`,
	];
	const { code, stdout, stderr } = await runCollected(process.execPath, args, {
		env: { ...process.env, CHROME_PATH: CHROMIUM_PATH },
	});
	if (code !== 0) {
		throw new Error(
			`lighthouse ${url} exited ${code}: ${stderr.trim().split('\n').slice(-3).join(' ')}`,
		);
	}
	const report = JSON.parse(stdout) as LighthouseResult;
	if (report.runtimeError) {
		throw new Error(
			`lighthouse ${url}: ${report.runtimeError.code} ${report.runtimeError.message}`,
		);
	}
	const scores = Object.fromEntries(
		CATEGORIES.map((c) => [c, Math.round((report.categories[c]?.score ?? 0) * 100)]),
	) as Scores;
	// Which audits cost points, so a score below 100 comes with its reason.
	const failing = Object.entries(report.audits)
		.filter(
			([, a]) =>
				a.score !== null &&
				a.score < 1 &&
				(a.scoreDisplayMode === 'binary' || a.scoreDisplayMode === 'numeric'),
		)
		.map(([id]) => id);
	return { scores, failing };
}

async function measure(
	site: BuiltSite,
): Promise<Map<string, { scores: Scores; failing: string[] }>> {
	const server = await serveStatic(site.outDir);
	const results = new Map<string, { scores: Scores; failing: string[] }>();
	try {
		for (const urlPath of measuredPaths(site)) {
			const runs: { scores: Scores; failing: string[] }[] = [];
			for (let i = 0; i < RUNS; i++) runs.push(await lighthouse(`${server.url}${urlPath}`));
			results.set(urlPath, median(runs));
		}
	} finally {
		await server.close();
	}
	return results;
}

/**
 * Runs per page (`LIGHTHOUSE_RUNS`, default 1). Performance scores swing with machine load; with several
 * runs each category's median is shown, and the audits below 100 in the median run.
 */
const RUNS = Math.max(1, Number.parseInt(process.env.LIGHTHOUSE_RUNS ?? '1', 10) || 1);

function median(runs: { scores: Scores; failing: string[] }[]): {
	scores: Scores;
	failing: string[];
} {
	const byPerf = [...runs].sort((a, b) => a.scores.performance - b.scores.performance);
	const middle = byPerf[Math.floor(byPerf.length / 2)] ?? {
		scores: byPerf[0]!.scores,
		failing: [],
	};
	const scores = Object.fromEntries(
		CATEGORIES.map((c) => {
			const sorted = runs.map((r) => r.scores[c]).sort((a, b) => a - b);
			return [c, sorted[Math.floor(sorted.length / 2)] ?? 0];
		}),
	) as Scores;
	return { scores, failing: middle.failing };
}

const SHORT: Record<Category, string> = {
	performance: 'perf',
	accessibility: 'a11y',
	'best-practices': 'bp',
	seo: 'seo',
};

export async function run(): Promise<void> {
	const { ours, bare } = await buildSites();
	const mine = await measure(ours);
	const base = await measure(bare);
	const barePaths = measuredPaths(bare);

	console.log(
		'Lighthouse 12.2.3, mobile preset (ours / bare Starlight = ratio); target 100 everywhere:',
	);
	console.log(
		['page'.padEnd(26), ...CATEGORIES.map((c) => SHORT[c].padStart(18)), '  target'].join(''),
	);
	let misses = 0;
	measuredPaths(ours).forEach((urlPath, i) => {
		const m = mine.get(urlPath);
		const b = base.get(barePaths[i] ?? '');
		if (!m || !b) return;
		const met = CATEGORIES.every((c) => m.scores[c] === 100);
		if (!met) misses += 1;
		console.log(
			[
				urlPath.padEnd(26),
				...CATEGORIES.map((c) =>
					`${m.scores[c]} / ${b.scores[c]} = ${ratio(m.scores[c], b.scores[c])}`.padStart(18),
				),
				`  ${met ? 'met' : 'MISSED'}`,
			].join(''),
		);
		if (m.failing.length > 0) console.log(`${''.padEnd(28)}below 100: ${m.failing.join(', ')}`);
	});
	console.log(
		`\nTarget (100 in all four categories): ${misses === 0 ? 'met on every measured page' : `MISSED on ${misses} page(s)`}.`,
	);
}
