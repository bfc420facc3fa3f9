// @ts-check
// Commands are argv arrays from start to finish: shown with formatCommand, run through zx's `$` with the
// array interpolated (zx quotes each element), never glued into a shell string.
import * as nodeFs from 'node:fs';
import * as nodePath from 'node:path';
import { StepFailedError } from './exit.mjs';
import { toolkitText } from './i18n.mjs';

/** @typedef {import('./i18n.mjs').Lang} Lang */

/**
 * @typedef {object} RunResult
 * @property {string} stdout
 * @property {string} stderr
 * @property {number} exitCode
 * @property {boolean} ok
 */

/**
 * @typedef {object} RunOptions
 * @property {boolean} [check]   throw StepFailedError on a non-zero exit (default true)
 * @property {string} [input]    text fed to stdin
 * @property {string} [cwd]
 * @property {Record<string, string | undefined>} [env]  extra environment
 * @property {Lang} [lang]       language of the failure message
 * @property {(chunk: string) => void} [onStdout]  called as output arrives (live display of slow commands)
 * @property {(chunk: string) => void} [onStderr]
 */

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/**
 * Quote one argument for POSIX sh: left bare when every character is in [A-Za-z0-9_@%+=:,./-], else
 * single-quoted with embedded quotes as '\''; the empty string is ''.
 * @param {string} arg
 */
export function quoteArg(arg) {
	if (arg === '') return "''";
	if (SAFE.test(arg)) return arg;
	return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/**
 * The command line a user would type for `argv` (what plans, --describe and the site show).
 * @param {readonly string[]} argv
 */
export function formatCommand(argv) {
	return argv.map(quoteArg).join(' ');
}

/**
 * Run `argv` (no shell parsing of its elements), capturing output.
 * @param {readonly string[]} argv
 * @param {RunOptions} [options]
 * @returns {Promise<RunResult>}
 */
export async function run(argv, options = {}) {
	if (argv.length === 0) throw new Error('run: empty argv');
	const { check = true } = options;
	// Name a missing tool in our own words instead of bash's "command not found" (exit 127).
	const tool = /** @type {string} */ (argv[0]);
	if (!tool.includes('/'))
		requireTool(tool, options.lang, { PATH: options.env?.PATH ?? process.env.PATH });
	/** @type {Record<string, unknown>} */
	const zxOptions = { quiet: true, nothrow: true };
	if (options.input !== undefined) zxOptions.input = options.input;
	if (options.cwd !== undefined) zxOptions.cwd = options.cwd;
	if (options.env !== undefined) zxOptions.env = { ...process.env, ...options.env };
	zxOptions.verbose = false;
	// zx is loaded on the first command: a run that only reads files (an offline backup) does not pay for
	// it at start (a tenth of a second or more).
	const { $ } = await import('./zx.mjs');
	const proc = $(/** @type {any} */ (zxOptions))`${[...argv]}`;
	const { onStdout, onStderr } = options;
	// Under the zx CLI (bundled runbooks) these are the child's streams as well; typed loosely by zx.
	const streams = /** @type {{ stdout: NodeJS.ReadableStream, stderr: NodeJS.ReadableStream }} */ (
		/** @type {unknown} */ (proc)
	);
	if (onStdout) streams.stdout.on('data', (/** @type {Buffer} */ d) => onStdout(d.toString()));
	if (onStderr) streams.stderr.on('data', (/** @type {Buffer} */ d) => onStderr(d.toString()));
	const p = await proc;
	const exitCode = p.exitCode ?? 1;
	/** @type {RunResult} */
	const result = { stdout: p.stdout, stderr: p.stderr, exitCode, ok: exitCode === 0 };
	if (check && !result.ok) throw new StepFailedError(describeFailure(argv, result, options.lang));
	return result;
}

/**
 * One line saying which command failed how (first non-empty stderr line).
 * @param {readonly string[]} argv
 * @param {{ exitCode: number, stderr: string }} result
 * @param {Lang} [lang]
 */
export function describeFailure(argv, result, lang = 'en') {
	const tr = toolkitText(lang);
	const stderr = result.stderr
		.split(/\r?\n/)
		.map((s) => s.trim())
		.find(Boolean);
	const command = formatCommand(argv);
	return stderr
		? tr('commandFailed', { command, code: result.exitCode, stderr })
		: tr('commandFailedNoStderr', { command, code: result.exitCode });
}

/**
 * Full path of `tool` on PATH, or null.
 * @param {string} tool
 * @param {Record<string, string | undefined>} [env]
 */
export function findOnPath(tool, env = process.env) {
	for (const dir of (env.PATH ?? '').split(nodePath.delimiter)) {
		if (!dir) continue;
		const candidate = nodePath.join(dir, tool);
		try {
			nodeFs.accessSync(candidate, nodeFs.constants.X_OK);
			if (nodeFs.statSync(candidate).isFile()) return candidate;
		} catch {
			// not here; keep looking
		}
	}
	return null;
}

/**
 * Throw (exit 1, one line naming the tool) unless `tool` is on PATH.
 * @param {string} tool
 * @param {Lang} [lang]
 * @param {Record<string, string | undefined>} [env]
 */
export function requireTool(tool, lang = 'en', env = process.env) {
	const found = findOnPath(tool, env);
	if (!found) throw new StepFailedError(toolkitText(lang)('toolMissing', { tool }));
	return found;
}
