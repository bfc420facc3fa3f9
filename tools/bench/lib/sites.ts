import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LOCALE_CODES } from '../../../src/config/locales.ts';
import { runAstroBuild } from '../../support/build.ts';
import { htmlFiles } from '../../support/html.ts';
import { ROOT } from '../../support/paths.ts';

/**
 * The two sites every bench figure compares: this repository's, and a bare Starlight site (same astro and
 * Starlight from this repo's node_modules, same languages, same number of pages) generated in a temp dir.
 * Both are built in this process, twice each (the first run fills caches, the second is the one timed), into
 * folders removed at exit: `dist/` belongs to the test suite and is never touched here. Built once per process and shared
 * by the bench modules, so `npm run bench` builds each site only once.
 */

export interface BuiltSite {
	name: 'milvus-rescue' | 'bare-starlight';
	/** The build output folder. */
	outDir: string;
	/** Wall time of the timed (second, warm-cache) build. */
	buildMs: number;
	/**
	 * CPU time (user + system, the build and every process it waited for) of the timed build: on a machine
	 * shared with other work the wall time measures the neighbours too. Undefined without /proc.
	 */
	buildCpuMs: number | undefined;
	/** Wall time of the first build, with whatever caches the project had. */
	firstBuildMs: number;
	/** HTML pages in the output. */
	pageCount: number;
}

export interface Sites {
	ours: BuiltSite;
	bare: BuiltSite;
}

/** The pages the bench measures in each language: the overview and two symptom pages. */
export function measuredPaths(site: BuiltSite): string[] {
	const slugs =
		site.name === 'milvus-rescue'
			? ['', 'etcd-pending/', 'etcd-multi-crash/']
			: ['', 'page-1/', 'page-2/'];
	return LOCALE_CODES.flatMap((code) => slugs.map((slug) => `/${code}/${slug}`));
}

let shared: Promise<Sites> | undefined;
const tempDirs: string[] = [];

/** Builds both sites on first call; later calls in the same process get the same builds. */
export function buildSites(): Promise<Sites> {
	shared ??= buildBoth();
	return shared;
}

/** Removes the temp folders; registered to run when the process exits. */
async function cleanup(): Promise<void> {
	await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
}

async function buildBoth(): Promise<Sites> {
	const work = await mkdtemp(path.join(tmpdir(), 'milvus-rescue-bench-'));
	tempDirs.push(work);
	process.once('beforeExit', () => void cleanup());

	const oursOut = path.join(work, 'ours');
	const ours = await buildTwice('milvus-rescue', ROOT, oursOut, ['--outDir', oursOut]);

	// Same number of content pages as ours: the pages in language folders, split evenly across languages.
	const localePages = (await htmlFiles(oursOut)).filter((f) =>
		LOCALE_CODES.some((code) => f.startsWith(path.join(oursOut, code) + path.sep)),
	).length;
	const perLocale = Math.max(3, Math.ceil(localePages / LOCALE_CODES.length));
	// Inside the repo (git-ignored .bench/) so Node and Vite find this repo's node_modules by walking up; a
	// symlinked node_modules makes Vite see each Starlight component under two paths and fail the build.
	const bareRoot = path.join(ROOT, '.bench', `bare-starlight-${process.pid}`);
	tempDirs.push(bareRoot);
	await writeBareStarlight(bareRoot, perLocale);
	const bare = await buildTwice('bare-starlight', bareRoot, path.join(bareRoot, 'dist'), []);
	return { ours, bare };
}

/** Builds the site in `root` twice: the first run fills caches, the second is the one timed. */
async function buildTwice(
	name: BuiltSite['name'],
	root: string,
	outDir: string,
	args: string[],
): Promise<BuiltSite> {
	const { wallMs: firstBuildMs } = await timedBuild(root, args);
	const { wallMs: buildMs, cpuMs: buildCpuMs } = await timedBuild(root, args);
	return {
		name,
		outDir,
		firstBuildMs,
		buildMs,
		buildCpuMs,
		pageCount: (await htmlFiles(outDir)).length,
	};
}

/**
 * CPU time of this process's finished children (`cutime` + `cstime` of /proc/self/stat, which count
 * their own waited-for children too), in ms; undefined where there is no /proc.
 */
async function childrenCpuMs(): Promise<number | undefined> {
	const stat = await readFile('/proc/self/stat', 'utf8').catch(() => undefined);
	if (stat === undefined) return undefined;
	// Fields 16 and 17, counted after the parenthesised command name (which may hold spaces).
	const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
	const ticks = Number(fields[13]) + Number(fields[14]);
	// Linux reports these in USER_HZ, 100 per second on every architecture Node runs on.
	return Number.isFinite(ticks) ? ticks * 10 : undefined;
}

/** Runs `astro build` in `root`: its wall and CPU time; the output is only shown when it fails. */
async function timedBuild(
	root: string,
	args: string[],
): Promise<{ wallMs: number; cpuMs: number | undefined }> {
	const cpuBefore = await childrenCpuMs();
	const started = performance.now();
	await runAstroBuild(root, args);
	const wallMs = performance.now() - started;
	const cpuAfter = await childrenCpuMs();
	return {
		wallMs,
		cpuMs: cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore,
	};
}

/** Total bytes of every file under `dir`. */
export async function folderBytes(dir: string): Promise<number> {
	let total = 0;
	for (const entry of await readdir(dir, { withFileTypes: true })) {
		const full = path.join(dir, entry.name);
		if (entry.isDirectory()) total += await folderBytes(full);
		else if (entry.isFile()) total += (await stat(full)).size;
	}
	return total;
}

/**
 * A Starlight site as `npm create astro -- --template starlight` would give, with our languages and
 * `perLocale` pages in each: an overview (`index`) and `page-1`… Pages carry prose, a list, a table and a
 * shell block, so Expressive Code and Pagefind have the same kinds of work as on our pages.
 */
async function writeBareStarlight(root: string, perLocale: number): Promise<void> {
	const docs = path.join(root, 'src', 'content', 'docs');
	await mkdir(docs, { recursive: true });
	await writeFile(
		path.join(root, 'package.json'),
		'{ "name": "bare-starlight", "type": "module" }\n',
	);
	const locales = Object.fromEntries(
		LOCALE_CODES.map((code) => [code, { label: code.toUpperCase(), lang: code }]),
	);
	await writeFile(
		path.join(root, 'astro.config.mjs'),
		[
			`import { defineConfig } from 'astro/config';`,
			`import starlight from '@astrojs/starlight';`,
			// Its own cache, so it never shares the repo's node_modules/.astro.
			`export default defineConfig({`,
			`\tcacheDir: './.cache',`,
			`\tintegrations: [starlight({ title: 'Bare Starlight', defaultLocale: ${JSON.stringify(LOCALE_CODES[0])}, locales: ${JSON.stringify(locales)} })],`,
			`});`,
			'',
		].join('\n'),
	);
	await writeFile(
		path.join(root, 'src', 'content.config.ts'),
		[
			`import { defineCollection } from 'astro:content';`,
			`import { docsLoader } from '@astrojs/starlight/loaders';`,
			`import { docsSchema } from '@astrojs/starlight/schema';`,
			`export const collections = { docs: defineCollection({ loader: docsLoader(), schema: docsSchema() }) };`,
			'',
		].join('\n'),
	);
	for (const code of LOCALE_CODES) {
		await mkdir(path.join(docs, code), { recursive: true });
		for (let i = 0; i < perLocale; i++) {
			const slug = i === 0 ? 'index' : `page-${i}`;
			await writeFile(path.join(docs, code, `${slug}.md`), barePage(code, i));
		}
	}
}

function barePage(code: string, i: number): string {
	const title = i === 0 ? `Overview (${code})` : `Page ${i} (${code})`;
	const paragraph =
		'When a service stops answering, read the first error it printed, compare it with the known causes ' +
		'listed below, and apply the fix that matches. Each step says what it changes and how to undo it.';
	return [
		'---',
		`title: ${title}`,
		`description: A sample page of a bare Starlight site, used as the bench baseline (${code}, ${i}).`,
		'---',
		'',
		paragraph,
		'',
		'## What you see',
		'',
		paragraph,
		'',
		'- The pod restarts every few seconds.',
		'- The logs end with the same fatal line.',
		'- Clients time out.',
		'',
		'## Fix',
		'',
		'| step | command |',
		'| --- | --- |',
		'| list | `kubectl get pods` |',
		'| logs | `kubectl logs my-pod --previous` |',
		'',
		'```sh',
		'kubectl get pods -l app.kubernetes.io/name=etcd',
		'kubectl logs my-release-etcd-0 --previous',
		'```',
		'',
		paragraph,
		'',
	].join('\n');
}

/** `a / b` as `1.23x`, or `n/a` when the baseline is zero. */
export function ratio(a: number, b: number): string {
	return b === 0 ? 'n/a' : `${(a / b).toFixed(2)}x`;
}

export function kb(bytes: number): string {
	return `${(bytes / 1024).toFixed(1)} KB`;
}
