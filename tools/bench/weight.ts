// Page weight and build cost against a bare Starlight site built in the same run: the JS and CSS each
// measured page loads before any interaction (gzip, what a static host sends), the build time and the size of
// the output folder. Prints figures and ratios; targets are reported, never asserted.
import { gzipSync } from 'node:zlib';
import { openBrowser } from '../support/browser.ts';
import { serveStatic } from '../support/server.ts';
import { buildSites, folderBytes, kb, measuredPaths, ratio, type BuiltSite } from './lib/sites.ts';

/** No more JS before interaction than bare Starlight plus this much (compressed). */
const JS_BUDGET_OVER_BARE = 5 * 1024;
/** Build time at most this multiple of bare Starlight's. */
const BUILD_RATIO_TARGET = 1.5;

interface Weight {
	js: number;
	css: number;
	/** External files fetched (scripts, stylesheets), for the reader who wants to know what they are. */
	files: string[];
}

const gz = (text: Buffer | string) => gzipSync(text, { level: 9 }).length;

/** What `urlPath` loads before anyone touches it: external scripts and stylesheets plus inline ones. */
async function weigh(site: BuiltSite, urlPaths: string[]): Promise<Map<string, Weight>> {
	const server = await serveStatic(site.outDir);
	const browser = await openBrowser({ viewport: { width: 412, height: 823 } });
	const weights = new Map<string, Weight>();
	try {
		for (const urlPath of urlPaths) {
			const page = await browser.context.newPage();
			const weight: Weight = { js: 0, css: 0, files: [] };
			const pending: Promise<void>[] = [];
			let lastActivity = performance.now();
			page.on('request', () => (lastActivity = performance.now()));
			page.on('response', (response) => {
				lastActivity = performance.now();
				const type = response.request().resourceType();
				if (type !== 'script' && type !== 'stylesheet') return;
				pending.push(
					response
						.body()
						.then((body) => {
							if (type === 'script') weight.js += gz(body);
							else weight.css += gz(body);
							weight.files.push(new URL(response.url()).pathname);
						})
						.catch(() => undefined),
				);
			});
			await page.goto(`${server.url}${urlPath}`, { waitUntil: 'load' });
			// Scripts may fetch more after `load` (module chunks); wait for a quiet second, at most 15 s.
			// Playwright's networkidle never settles on a loaded machine with a keep-alive socket open.
			const deadline = performance.now() + 15_000;
			while (performance.now() - lastActivity < 1000 && performance.now() < deadline) {
				await new Promise((r) => setTimeout(r, 100));
			}
			const inline = await page.evaluate(() => ({
				js: [...document.querySelectorAll('script:not([src])')]
					.filter(
						(s) =>
							!s.getAttribute('type') || /module|javascript/.test(s.getAttribute('type') ?? ''),
					)
					.map((s) => s.textContent ?? ''),
				css: [...document.querySelectorAll('style')].map((s) => s.textContent ?? ''),
			}));
			await Promise.all(pending);
			for (const text of inline.js) if (text.trim()) weight.js += gz(text);
			for (const text of inline.css) if (text.trim()) weight.css += gz(text);
			weights.set(urlPath, weight);
			await page.close();
		}
	} finally {
		await browser.close();
		await server.close();
	}
	return weights;
}

const pad = (s: string, n: number) => s.padEnd(n);
const padStart = (s: string, n: number) => s.padStart(n);

export async function run(): Promise<void> {
	const { ours, bare } = await buildSites();
	const oursPaths = measuredPaths(ours);
	const barePaths = measuredPaths(bare);
	const oursWeights = await weigh(ours, oursPaths);
	const bareWeights = await weigh(bare, barePaths);

	console.log(
		`Baseline: bare Starlight, same astro/Starlight, ${bare.pageCount} HTML pages (ours: ${ours.pageCount}).`,
	);
	console.log('\nJS and CSS loaded before any interaction (gzip -9, external + inline):');
	console.log(
		[
			pad('page', 26),
			padStart('JS', 10),
			padStart('bare JS', 10),
			padStart('ratio', 7),
			padStart('over bare', 10),
			padStart('CSS', 10),
			padStart('bare CSS', 10),
			padStart('ratio', 7),
			'  JS target (bare + 5 KB)',
		].join(''),
	);
	let jsMisses = 0;
	oursPaths.forEach((urlPath, i) => {
		const mine = oursWeights.get(urlPath);
		const base = bareWeights.get(barePaths[i] ?? '');
		if (!mine || !base) return;
		const over = mine.js - base.js;
		const ok = over <= JS_BUDGET_OVER_BARE;
		if (!ok) jsMisses += 1;
		console.log(
			[
				pad(urlPath, 26),
				padStart(kb(mine.js), 10),
				padStart(kb(base.js), 10),
				padStart(ratio(mine.js, base.js), 7),
				padStart(`${over >= 0 ? '+' : ''}${kb(over)}`, 10),
				padStart(kb(mine.css), 10),
				padStart(kb(base.css), 10),
				padStart(ratio(mine.css, base.css), 7),
				`  ${ok ? 'met' : 'MISSED'}`,
			].join(''),
		);
	});
	const sample = oursWeights.get(oursPaths[1] ?? '');
	if (sample) console.log(`  files on ${oursPaths[1]}: ${sample.files.join(', ')}`);

	const buildRatio = ours.buildMs / bare.buildMs;
	console.log('\nBuild time (second of two builds, warm caches):');
	console.log(
		`  ours ${(ours.buildMs / 1000).toFixed(1)} s, bare ${(bare.buildMs / 1000).toFixed(1)} s, ` +
			`${ratio(ours.buildMs, bare.buildMs)} (target <= ${BUILD_RATIO_TARGET}x: ${buildRatio <= BUILD_RATIO_TARGET ? 'met' : 'MISSED'})`,
	);
	console.log(
		`  first builds: ours ${(ours.firstBuildMs / 1000).toFixed(1)} s, bare ${(bare.firstBuildMs / 1000).toFixed(1)} s`,
	);
	if (ours.buildCpuMs !== undefined && bare.buildCpuMs !== undefined) {
		// CPU seconds do not grow with the machine's other load the way wall time does.
		console.log(
			`  CPU (user + system): ours ${(ours.buildCpuMs / 1000).toFixed(1)} s, bare ${(bare.buildCpuMs / 1000).toFixed(1)} s, ` +
				`${ratio(ours.buildCpuMs, bare.buildCpuMs)}`,
		);
	}

	const oursBytes = await folderBytes(ours.outDir);
	const bareBytes = await folderBytes(bare.outDir);
	console.log('\nSize of the built site (dist/):');
	console.log(`  ours ${kb(oursBytes)}, bare ${kb(bareBytes)}, ${ratio(oursBytes, bareBytes)}`);
	console.log(
		`\nTargets: JS before interaction ${jsMisses === 0 ? 'met on every page' : `MISSED on ${jsMisses} page(s)`}; ` +
			`build time ${buildRatio <= BUILD_RATIO_TARGET ? 'met' : 'MISSED'}.`,
	);
}
