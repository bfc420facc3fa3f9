// Search bench (`npm run bench search`): for each language, how much Pagefind transfers before search is
// ready (index, wasm, fragments: the goal is under 300 KB), and how long after the last keystroke the
// results of a pasted line are on screen once the index is loaded (the goal is under 100 ms), measured in
// this machine's Chromium against the built site. Prints figures; asserts nothing.
import { readFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { ensureBuilt } from '../support/build.ts';
import { openBrowser } from '../support/browser.ts';
import { serveStatic } from '../support/server.ts';
import { CASES } from '../search-eval/queries.ts';
import { PASTED } from '../search-eval/pasted.ts';
import { diagnoseText } from '../../runbooks/lib/retrieve.mjs';
import { LOCALE_CODES } from '../../src/config/locales.ts';

const BUDGET_BYTES = 300 * 1024;
const BUDGET_MS = 100;

function kb(bytes: number): string {
	return `${(bytes / 1024).toFixed(1)} KB`;
}

function percentile(sorted: number[], p: number): number {
	return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? Number.NaN;
}

/** The shared matcher alone (what `diagnose` runs), in Node: p95 over the evaluation texts. */
function benchMatcher(): void {
	const texts = [...CASES, ...PASTED].map((c) => c.text);
	for (const t of texts) diagnoseText(t); // warm-up: the index statistics are built once
	const times: number[] = [];
	for (let round = 0; round < 5; round++)
		for (const t of texts) {
			const started = performance.now();
			diagnoseText(t);
			times.push(performance.now() - started);
		}
	times.sort((a, b) => a - b);
	console.log(
		`matcher (diagnose) on ${texts.length} texts ×5: median ${percentile(times, 0.5).toFixed(2)} ms, ` +
			`p95 ${percentile(times, 0.95).toFixed(2)} ms, max ${(times.at(-1) ?? 0).toFixed(2)} ms`,
	);
}

export async function run(): Promise<void> {
	benchMatcher();
	const dist = await ensureBuilt();
	const server = await serveStatic(dist);
	const browser = await openBrowser();
	// Timings on a shared machine mean little without its load.
	const load = loadavg()[0] ?? 0;
	console.log(`machine: ${cpus().length} cores, load average ${load.toFixed(1)}`);
	try {
		for (const lang of LOCALE_CODES) {
			const page = await browser.context.newPage();
			const files = new Map<string, number>();
			browser.context.on('requestfinished', (request) => {
				const url = new URL(request.url());
				if (!url.pathname.startsWith('/pagefind/')) return;
				void request
					.sizes()
					.then((s) => files.set(url.pathname, s.responseBodySize + s.responseHeadersSize))
					.catch(() => undefined);
			});
			// A cold visit: the search page runs one search, then loads the rest of the index while idle.
			await page.goto(
				`${server.url}/${lang}/search/?q=${encodeURIComponent('etcdserver: no leader')}`,
			);
			await page.locator('main mr-search[data-state="done"]').waitFor({ timeout: 60_000 });
			await page.waitForLoadState('networkidle');
			await page.waitForTimeout(500);
			browser.context.removeAllListeners('requestfinished');

			let raw = 0;
			let gzip = 0;
			for (const [file, wire] of files) {
				raw += wire;
				const body = await readFile(path.join(dist, file)).catch(() => undefined);
				// Static hosts gzip text; Pagefind's own index files are already compressed.
				gzip += body ? Math.min(body.length, gzipSync(body).length) : wire;
			}
			console.log(
				`${lang}: index transfer ${kb(raw)} as served here, ${kb(gzip)} with gzip ` +
					`(${files.size} files; budget ${kb(BUDGET_BYTES)}: ${gzip <= BUDGET_BYTES ? 'ok' : 'OVER'})`,
			);

			// Warm: paste each text of the query set and time input → results painted.
			const times: number[] = [];
			for (const c of [...CASES, ...PASTED]) {
				const ms = await page.evaluate(async (text) => {
					const el = document.querySelector<HTMLElement>('main mr-search')!;
					const input = el.querySelector('textarea')!;
					input.value = text;
					const started = performance.now();
					input.dispatchEvent(new Event('input', { bubbles: true }));
					await new Promise<void>((resolve) => {
						const observer = new MutationObserver(() => {
							if (el.dataset.state === 'done' || el.dataset.state === 'error') {
								observer.disconnect();
								resolve();
							}
						});
						observer.observe(el, { attributes: true, attributeFilter: ['data-state'] });
					});
					await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
					return performance.now() - started;
				}, c.text);
				times.push(ms);
			}
			times.sort((a, b) => a - b);
			const over = times.filter((t) => t > BUDGET_MS).length;
			console.log(
				`${lang}: pasted line → results painted, ${times.length} texts: median ${percentile(times, 0.5).toFixed(0)} ms, ` +
					`p90 ${percentile(times, 0.9).toFixed(0)} ms, p95 ${percentile(times, 0.95).toFixed(0)} ms, ` +
					`max ${(times.at(-1) ?? 0).toFixed(0)} ms; ${over} over ${BUDGET_MS} ms`,
			);
			await page.close();
		}
	} finally {
		await browser.close();
		await server.close();
	}
}
