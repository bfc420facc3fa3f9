import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DIST, ROOT, TEST_TMP } from './paths.ts';
import { runCollected } from './process.ts';

/**
 * Pagefind indexes the built pages last in `astro build` (Starlight's build-done hook): its entry file
 * exists only in a finished build, and its mtime is when that build ended.
 */
const FINISHED = path.join('pagefind', 'pagefind-entry.json');

/**
 * Written into `dist/` by `ensureBuilt` right after its own build: when that build *started*, so an edit
 * made during the build still counts as newer. A build run by hand (`npx astro build`) has no stamp for
 * its output and is dated by its end.
 */
export const BUILD_STAMP = '.build-stamp';

/** What the built site depends on: a change to any of these makes `dist/` stale. */
const SOURCES = ['src', 'public', 'runbooks', 'astro.config.mjs', 'package.json', 'tsconfig.json'];

const LOCK = path.join(TEST_TMP, 'build.lock');

/**
 * Builds the site into `dist/` unless it is already newer than every source. Safe to call from test files
 * running in parallel: one process builds while the others wait on a lock, then reuse its output. Within
 * one `node --test` run the site is built at most once, so a source edited mid-run never makes a later test
 * file rebuild (and empty) `dist/` under a test file that is still reading it. Returns the path of `dist/`.
 */
export async function ensureBuilt(): Promise<string> {
	const run = await testRunId();
	if (run !== undefined && (await readFile(RUN_MARK, 'utf8').catch(() => '')) === run) {
		if ((await builtAt()) !== undefined) return DIST;
	}
	if (!(await isFresh())) {
		const builtBefore = await builtAt();
		await withLock(async () => {
			// Another test file built while we waited for the lock: use its output even if a source was
			// edited meanwhile, or parallel test files would rebuild one after another while someone edits.
			if ((await builtAt()) !== builtBefore || (await isFresh())) return;
			const started = Date.now();
			await runAstroBuild();
			const finished = await stat(path.join(DIST, FINISHED)).catch(() => undefined);
			if (!finished) {
				throw new Error(`astro build finished without writing ${path.join(DIST, FINISHED)}`);
			}
			const stamp: Stamp = { started, finished: finished.mtimeMs };
			await writeFile(path.join(DIST, BUILD_STAMP), `${JSON.stringify(stamp)}\n`);
		});
	}
	if (run !== undefined) {
		await mkdir(TEST_TMP, { recursive: true });
		await writeFile(RUN_MARK, run);
	}
	return DIST;
}

/** Records which test run last settled on the current `dist/`. */
const RUN_MARK = path.join(TEST_TMP, 'build.run');

/**
 * Identifies the `node --test` run this file belongs to: the runner is our parent process, named by its
 * pid and start time (pids get reused). Undefined outside the test runner or without /proc.
 */
async function testRunId(): Promise<string | undefined> {
	if (!process.env.NODE_TEST_CONTEXT) return undefined;
	const stat = await readFile(`/proc/${process.ppid}/stat`, 'utf8').catch(() => undefined);
	// Field 22 (start time) comes after the command name, which is parenthesised and may hold spaces.
	const startTime = stat?.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
	return startTime ? `${process.ppid}:${startTime}` : undefined;
}

interface Stamp {
	/** When `ensureBuilt` started the build (ms since the epoch). */
	started: number;
	/** The mtime of the finished marker that build wrote: the stamp speaks for that output only. */
	finished: number;
}

/**
 * When the build in `dist/` started (ours, from the stamp) or ended (one run by hand), or undefined
 * when `dist/` holds no finished build.
 */
async function builtAt(): Promise<number | undefined> {
	const finished = await stat(path.join(DIST, FINISHED)).catch(() => undefined);
	if (!finished) return undefined;
	const stamp = await readFile(path.join(DIST, BUILD_STAMP), 'utf8')
		.then((text) => JSON.parse(text) as Stamp)
		.catch(() => undefined);
	return stamp && stamp.finished === finished.mtimeMs ? stamp.started : finished.mtimeMs;
}

/** True when `dist/` holds a finished build newer than every source file. */
export async function isFresh(): Promise<boolean> {
	const built = await builtAt();
	if (built === undefined) return false;
	const newest = await newestMtime(SOURCES.map((p) => path.join(ROOT, p)));
	return built >= newest;
}

async function newestMtime(paths: string[]): Promise<number> {
	let newest = 0;
	for (const p of paths) {
		const info = await stat(p).catch(() => undefined);
		if (!info) continue;
		newest = Math.max(newest, info.mtimeMs);
		if (info.isDirectory()) {
			const entries = await readdir(p);
			newest = Math.max(
				newest,
				await newestMtime(entries.filter((e) => e !== 'node_modules').map((e) => path.join(p, e))),
			);
		}
	}
	return newest;
}

/** Runs `astro build` in `root` with `args`; when it fails, the error carries the end of its output. */
export async function runAstroBuild(root = ROOT, args: readonly string[] = []): Promise<void> {
	const astro = path.join(ROOT, 'node_modules', 'astro', 'astro.js');
	const { code, output } = await runCollected(process.execPath, [astro, 'build', ...args], {
		cwd: root,
		env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' },
	});
	if (code !== 0) {
		const tail = output.trim().split('\n').slice(-40).join('\n');
		throw new Error(`astro build in ${root} failed (exit ${code}):\n${tail}`);
	}
}

async function withLock(fn: () => Promise<void>): Promise<void> {
	await mkdir(TEST_TMP, { recursive: true });
	for (;;) {
		try {
			await mkdir(LOCK);
			break;
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
			if (await lockIsStale()) {
				await rm(LOCK, { recursive: true, force: true });
				continue;
			}
			await new Promise((r) => setTimeout(r, 250));
		}
	}
	try {
		await writeFile(path.join(LOCK, 'pid'), String(process.pid));
		await fn();
	} finally {
		await rm(LOCK, { recursive: true, force: true });
	}
}

/** A lock whose owner died (crashed test run) must not block every later run. */
async function lockIsStale(): Promise<boolean> {
	const pidText = await readFile(path.join(LOCK, 'pid'), 'utf8').catch(() => undefined);
	if (pidText === undefined) {
		// The owner may be between mkdir and writeFile; only call it stale once it is old.
		const info = await stat(LOCK).catch(() => undefined);
		return info !== undefined && Date.now() - info.mtimeMs > 10_000;
	}
	const pid = Number(pidText);
	if (!Number.isInteger(pid) || pid <= 0) return true;
	try {
		process.kill(pid, 0);
		return false;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'ESRCH';
	}
}
