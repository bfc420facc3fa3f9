/**
 * Reads the runbooks the way the site needs them, once per build: their `--describe` output in every
 * language (by running them, so the site shows what they really do), their source, and a standalone build
 * of each (esbuild, toolkit bundled in) that runs with `npx zx <file>` and nothing else installed.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { promisify } from 'node:util';
import { build, type Plugin } from 'esbuild';
import { listRunbookNames } from './list.ts';
import { STEP_MODES, type Describe, type RunbookIndex } from './types.ts';

const run = promisify(execFile);

/** One line that names the runbook and what went wrong: the build prints it and stops. */
export class RunbookLoadError extends Error {
	override name = 'RunbookLoadError';
}

/** Runs `--describe --lang <lang>` and checks the answer has the shape the site relies on. */
export async function describeRunbook(root: string, name: string, lang: string): Promise<Describe> {
	const file = path.join('runbooks', `${name}.mjs`);
	let stdout: string;
	try {
		({ stdout } = await run(process.execPath, [file, '--describe', '--lang', lang], {
			cwd: root,
			env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
			maxBuffer: 16 * 1024 * 1024,
			timeout: 60_000,
		}));
	} catch (error) {
		const e = error as { stderr?: string; message: string };
		const why = (e.stderr ?? '').trim().split('\n').pop() || e.message.split('\n')[0];
		throw new RunbookLoadError(`${file} --describe --lang ${lang} failed: ${why}`);
	}
	let data: unknown;
	try {
		data = JSON.parse(stdout);
	} catch {
		throw new RunbookLoadError(`${file} --describe --lang ${lang} did not print JSON`);
	}
	const problem = describeProblem(data, name);
	if (problem) throw new RunbookLoadError(`${file} --describe --lang ${lang}: ${problem}`);
	return data as Describe;
}

function describeProblem(data: unknown, name: string): string | undefined {
	if (!isObject(data)) return 'not a JSON object';
	if (data.name !== name) return `"name" is ${JSON.stringify(data.name)}, expected "${name}"`;
	for (const key of ['summary', 'description'] as const) {
		if (typeof data[key] !== 'string' || data[key] === '') return `"${key}" missing`;
	}
	if (
		!Array.isArray(data.flags) ||
		!data.flags.every((f) => isObject(f) && typeof f.name === 'string')
	)
		return '"flags" must be a list of flags with names';
	if (
		!Array.isArray(data.exitCodes) ||
		!data.exitCodes.every(
			(c) => isObject(c) && typeof c.code === 'number' && typeof c.meaning === 'string',
		)
	)
		return '"exitCodes" must be a list of { code, meaning }';
	if (!Array.isArray(data.steps)) return '"steps" must be a list';
	for (const step of data.steps) {
		if (!isObject(step) || typeof step.id !== 'string' || typeof step.title !== 'string')
			return 'every step needs an id and a title';
		if (!STEP_MODES.includes(step.mode as never))
			return `step "${step.id}" has mode ${JSON.stringify(step.mode)}`;
		if (step.command !== null && typeof step.command !== 'string')
			return `step "${step.id}" command must be a string or null`;
	}
	return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The replacement for runbooks/lib/zx.mjs in a standalone file: the same export names, read from the
 * globals the zx CLI sets before it imports a script. Generated from the module's own export list, so a
 * name the toolkit adds later cannot be forgotten here.
 */
export async function zxShimSource(root: string): Promise<string> {
	const zxModule = path.join(root, 'runbooks', 'lib', 'zx.mjs');
	// Read the export list with esbuild rather than import(): the config runs inside Vite's module runner.
	const meta = await build({
		entryPoints: [zxModule],
		bundle: false,
		write: false,
		metafile: true,
		format: 'esm',
		outdir: path.join(root, '.zx-shim-probe'),
		logLevel: 'silent',
	});
	const names = Object.values(meta.metafile.outputs)
		.flatMap((o) => o.exports)
		.sort();
	if (!names.includes('$')) throw new RunbookLoadError('runbooks/lib/zx.mjs does not export $');
	const lines = [
		'// Standalone build: zx provides these as globals when it runs this file (npx zx <file>.mjs).',
		'const zx = globalThis;',
	];
	for (const name of names) {
		if (!/^[A-Za-z_$][\w$]*$/.test(name))
			throw new RunbookLoadError(`runbooks/lib/zx.mjs exports odd name ${name}`);
		lines.push(`export const ${name} = zx[${JSON.stringify(name)}];`);
	}
	return `${lines.join('\n')}\n`;
}

// A standalone file run with plain node says so before anything else, in the banner: the toolkit loads zx
// (the shim, in a standalone file) only when it first runs a command.
const ZX_GUARD = [
	"if (typeof globalThis.$ !== 'function') {",
	"\tprocess.stderr.write('Run this file with zx: npx zx <file>.mjs --help (jalankan file ini dengan zx: npx zx <file>.mjs --help)\\n');",
	'\tprocess.exit(2);',
	'}',
];

/** esbuild plugin: runbooks/lib/zx.mjs becomes the shim; any other import of 'zx' is a mistake. */
function zxShimPlugin(root: string, shim: string): Plugin {
	const zxModule = path.join(root, 'runbooks', 'lib', 'zx.mjs');
	return {
		name: 'milvus-rescue-zx-shim',
		setup(b) {
			b.onResolve({ filter: /^zx(\/.*)?$/ }, (args) => ({
				errors: [
					{
						text: `${path.relative(root, args.importer)} imports '${args.path}' directly; only runbooks/lib/zx.mjs may import zx`,
					},
				],
			}));
			b.onResolve({ filter: /zx\.mjs$/ }, (args) => {
				const resolved = path.resolve(args.resolveDir, args.path);
				return resolved === zxModule ? { path: resolved, namespace: 'zx-shim' } : undefined;
			});
			b.onLoad({ filter: /.*/, namespace: 'zx-shim' }, () => ({ contents: shim, loader: 'js' }));
		},
	};
}

/** One runbook as a single ESM file with the toolkit inside; Node built-ins stay imports. */
export async function bundleRunbook(root: string, name: string, shim?: string): Promise<string> {
	const entry = path.join(root, 'runbooks', `${name}.mjs`);
	const result = await build({
		entryPoints: [entry],
		bundle: true,
		write: false,
		platform: 'node',
		format: 'esm',
		target: 'node18',
		charset: 'utf8',
		legalComments: 'none',
		logLevel: 'silent',
		plugins: [zxShimPlugin(root, shim ?? (await zxShimSource(root)))],
		banner: {
			js: [
				`// Milvus Rescue runbook "${name}", standalone build of runbooks/${name}.mjs with its toolkit inside.`,
				`// Run it with nothing but Node installed: npx zx ${name}.mjs --help`,
				...ZX_GUARD,
			].join('\n'),
		},
	}).catch((error: { errors?: { text: string }[]; message: string }) => {
		throw new RunbookLoadError(
			`bundling runbooks/${name}.mjs failed: ${error.errors?.[0]?.text ?? error.message.split('\n')[0]}`,
		);
	});
	const out = result.outputFiles[0];
	if (!out) throw new RunbookLoadError(`bundling runbooks/${name}.mjs produced no file`);
	return out.text;
}

export function sha256(text: string): string {
	return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Runs `fn` over `items` with at most `limit` running at once (the machine has two cores). */
async function mapLimit<T, R>(
	items: readonly T[],
	limit: number,
	fn: (item: T) => Promise<R>,
): Promise<R[]> {
	const results: R[] = new Array(items.length);
	let next = 0;
	const worker = async () => {
		while (next < items.length) {
			const i = next++;
			results[i] = await fn(items[i] as T);
		}
	};
	await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
	return results;
}

export interface LoadedRunbooks {
	index: RunbookIndex;
	/** Standalone file text per runbook name. */
	bundles: Record<string, string>;
}

/** Everything about every runbook, for the given site languages. */
export async function loadRunbooks(
	root: string,
	langs: readonly string[],
): Promise<LoadedRunbooks> {
	const names = listRunbookNames(root);
	const shim = await zxShimSource(root);
	const jobs = names.flatMap((name) => langs.map((lang) => ({ name, lang })));
	const describes = await mapLimit(jobs, 4, (j) => describeRunbook(root, j.name, j.lang));
	const bundles: Record<string, string> = {};
	for (const name of names) bundles[name] = await bundleRunbook(root, name, shim);
	const index: RunbookIndex = {};
	const problems: string[] = [];
	for (const name of names) {
		const describe: Record<string, Describe> = {};
		jobs.forEach((j, i) => {
			if (j.name === name) describe[j.lang] = describes[i] as Describe;
		});
		problems.push(...languageDrift(name, describe));
		const code = bundles[name] as string;
		index[name] = {
			name,
			file: `runbooks/${name}.mjs`,
			describe,
			source: await readFile(path.join(root, 'runbooks', `${name}.mjs`), 'utf8'),
			standalone: { sha256: sha256(code), bytes: Buffer.byteLength(code, 'utf8') },
		};
	}
	if (problems.length > 0) throw new RunbookLoadError(problems.join('; '));
	return { index, bundles };
}

/**
 * A page in any language shows the English-checked command, so every language must run the same steps:
 * same ids, modes and commands in the same order (only titles and texts are translated).
 */
export function languageDrift(name: string, byLang: Record<string, Describe>): string[] {
	const [first, ...rest] = Object.entries(byLang);
	if (!first) return [];
	const shape = (d: Describe) => JSON.stringify(d.steps.map((s) => [s.id, s.mode, s.command]));
	return rest
		.filter(([, d]) => shape(d) !== shape(first[1]))
		.map(
			([lang]) =>
				`runbooks/${name}.mjs --describe lists other steps or commands with --lang ${lang} than with --lang ${first[0]}`,
		);
}

/** Where finished loads are kept between builds (the project's node_modules/.cache, as Vite and Astro do). */
const CACHE_DIR = fileURLToPath(
	new URL('../../node_modules/.cache/milvus-rescue-runbooks/', import.meta.url),
);

/** Every file under `dir`, as sorted paths relative to it. */
async function filesUnder(dir: string): Promise<string[]> {
	const entries = await readdir(dir, { recursive: true, withFileTypes: true });
	return entries
		.filter((e) => e.isFile())
		.map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
		.sort();
}

/**
 * What a load depends on: every file under runbooks/ (the runbooks run their own toolkit and data), the
 * Node, zx and esbuild that run and bundle them, and the languages asked for.
 */
async function loadKey(root: string, langs: readonly string[]): Promise<string> {
	const hash = createHash('sha256');
	const versionOf = async (pkg: string) =>
		(
			JSON.parse(await readFile(path.join(root, 'node_modules', pkg, 'package.json'), 'utf8')) as {
				version: string;
			}
		).version;
	hash.update(
		JSON.stringify([
			path.resolve(root),
			process.version,
			await versionOf('zx').catch(() => ''),
			await versionOf('esbuild').catch(() => ''),
			langs,
		]),
	);
	const runbooks = path.join(root, 'runbooks');
	for (const file of await filesUnder(runbooks)) {
		hash.update(`\0${file}\0`);
		hash.update(await readFile(path.join(runbooks, file)));
	}
	return hash.digest('hex');
}

/**
 * `loadRunbooks`, kept on disk between builds: running every runbook's `--describe` in every language is
 * most of what a rebuild of unchanged runbooks would cost. Any change under runbooks/ makes a new load.
 */
export async function loadRunbooksCached(
	root: string,
	langs: readonly string[],
): Promise<LoadedRunbooks> {
	const file = path.join(CACHE_DIR, `${await loadKey(root, langs)}.json`);
	const cached = await readFile(file, 'utf8').catch(() => undefined);
	if (cached !== undefined) {
		try {
			return JSON.parse(cached) as LoadedRunbooks;
		} catch {
			// A torn or foreign file: load afresh and write it again.
		}
	}
	const loaded = await loadRunbooks(root, langs);
	await mkdir(CACHE_DIR, { recursive: true });
	// Written aside and renamed, so a build that reads at the same moment never sees half a file.
	const partial = `${file}.${process.pid}.tmp`;
	await writeFile(partial, JSON.stringify(loaded));
	await rename(partial, file);
	// Only the newest load is of use: older ones describe runbooks as they no longer are.
	for (const old of await readdir(CACHE_DIR)) {
		if (old.endsWith('.json') && path.join(CACHE_DIR, old) !== file)
			await rm(path.join(CACHE_DIR, old), { force: true });
	}
	return loaded;
}
