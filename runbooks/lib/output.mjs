// @ts-check
// Terminal output for runbooks. Human text goes to stdout, or to stderr under --json so stdout carries
// only the JSON report; --log tees everything (without colour codes) to a file; colours only on a
// terminal and never with NO_COLOR.
import * as nodeFs from 'node:fs';
import { UsageError } from './exit.mjs';
import { toolkitText } from './i18n.mjs';

/** @typedef {import('./i18n.mjs').Lang} Lang */
/** @typedef {'read'|'change'|'destroy'} StepMode */
/** @typedef {NodeJS.WritableStream & { isTTY?: boolean }} Stream */

/**
 * @typedef {object} OutputOptions
 * @property {Lang} [lang]
 * @property {boolean} [json]     human text to stderr, stdout reserved for the report
 * @property {string} [log]       file to append everything to
 * @property {Stream} [stdout]
 * @property {Stream} [stderr]
 * @property {Record<string, string | undefined>} [env]
 * @property {boolean} [color]    override detection
 */

/**
 * @typedef {object} Output
 * @property {boolean} color
 * @property {Stream} human   the stream human text goes to (also used for prompts)
 * @property {(text?: string) => void} line       plain line
 * @property {(text: string) => void} heading
 * @property {(text: string) => void} info
 * @property {(text: string) => void} ok
 * @property {(text: string) => void} warn
 * @property {(text: string) => void} error      one line on stderr, prefixed "error:"/"galat:"
 * @property {(text: string) => void} dim
 * @property {(text: string) => void} block      command output, indented
 * @property {() => { write(chunk: string): void, end(): void }} stream  live command output, indented line by line
 * @property {(mode: StepMode) => string} modeLabel coloured, translated mode label
 * @property {(text: string) => void} logOnly    only into the --log file (prompts' answers)
 * @property {(value: unknown) => void} report   JSON on stdout (and into the log)
 * @property {() => void} close
 */

/**
 * Colours: NO_COLOR (any non-empty value) wins, then FORCE_COLOR, then whether the stream is a terminal.
 * @param {{ isTTY?: boolean }} stream
 * @param {Record<string, string | undefined>} [env]
 */
export function colorEnabled(stream, env = process.env) {
	if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
	if (
		env.FORCE_COLOR !== undefined &&
		env.FORCE_COLOR !== '' &&
		env.FORCE_COLOR !== '0' &&
		env.FORCE_COLOR !== 'false'
	)
		return true;
	return stream.isTTY === true;
}

/**
 * JSON that never throws: BigInt (etcd revisions) becomes a string, a reference back to an enclosing
 * object becomes "[circular]"; an object shared by two branches is written out twice, not lost.
 * @param {unknown} value
 * @param {number} [indent]
 */
export function safeJson(value, indent = 2) {
	return JSON.stringify(toPlain(value, []), null, indent);
}

/**
 * @param {unknown} v
 * @param {object[]} ancestors
 * @returns {unknown}
 */
function toPlain(v, ancestors) {
	if (typeof v === 'bigint') return v.toString();
	if (v === null || typeof v !== 'object') return v;
	const withJson = /** @type {{ toJSON?: () => unknown }} */ (v);
	if (typeof withJson.toJSON === 'function') return toPlain(withJson.toJSON(), ancestors);
	if (ancestors.includes(v)) return '[circular]';
	ancestors.push(v);
	const out = Array.isArray(v)
		? v.map((x) => toPlain(x, ancestors))
		: Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toPlain(x, ancestors)]));
	ancestors.pop();
	return out;
}

const ANSI = /\u001b\[[0-9;]*m/g;
/** @param {string} s */
export const stripAnsi = (s) => s.replace(ANSI, '');

/**
 * @param {OutputOptions} [options]
 * @returns {Output}
 */
export function createOutput(options = {}) {
	const stdout = options.stdout ?? process.stdout;
	const stderr = options.stderr ?? process.stderr;
	const env = options.env ?? process.env;
	const human = options.json ? stderr : stdout;
	const color = options.color ?? colorEnabled(human, env);
	const tr = toolkitText(options.lang ?? 'en');

	/** @type {number | null} */
	let logFd = null;
	if (options.log) {
		try {
			logFd = nodeFs.openSync(options.log, 'a');
		} catch (e) {
			const reason =
				e instanceof Error && 'code' in e ? String(/** @type {any} */ (e).code) : String(e);
			throw new UsageError(tr('logOpenFailed', { file: options.log, reason }));
		}
	}
	/** @param {string} text */
	const toLog = (text) => {
		// Written synchronously so the log is complete even when the run is killed.
		if (logFd !== null) nodeFs.writeSync(logFd, stripAnsi(text));
	};
	/** @param {string} code @param {string} s */
	const paint = (code, s) => (color ? `\u001b[${code}m${s}\u001b[0m` : s);
	/** @param {Stream} stream @param {string} text */
	const emit = (stream, text) => {
		stream.write(text);
		toLog(text);
	};

	/** @type {Output} */
	const out = {
		color,
		human,
		line: (text = '') => emit(human, `${text}\n`),
		heading: (text) => emit(human, `\n${paint('1', text)}\n`),
		info: (text) => emit(human, `${text}\n`),
		ok: (text) => emit(human, `${paint('32', '✔')} ${text}\n`),
		warn: (text) => emit(human, `${paint('33', '!')} ${text}\n`),
		error: (text) => emit(stderr, `${paint('31', tr('errorPrefix'))}: ${text}\n`),
		dim: (text) => emit(human, `${paint('2', text)}\n`),
		block: (text) => {
			const body = text.replace(/\s+$/, '');
			if (body)
				emit(
					human,
					`${body
						.split('\n')
						.map((l) => `    ${l}`)
						.join('\n')}\n`,
				);
		},
		stream: () => {
			let partial = '';
			/** @param {string} l */
			const put = (l) => emit(human, `    ${l.replace(/\r$/, '')}\n`);
			return {
				write(chunk) {
					const parts = (partial + chunk).split('\n');
					partial = parts.pop() ?? '';
					for (const l of parts) put(l);
				},
				end() {
					if (partial) put(partial);
					partial = '';
				},
			};
		},
		modeLabel: (mode) => {
			if (mode === 'read') return paint('36', tr('modeRead'));
			if (mode === 'change') return paint('33', tr('modeChange'));
			return paint('1;31', tr('modeDestroy'));
		},
		logOnly: (text) => toLog(`${text}\n`),
		report: (value) => emit(stdout, `${safeJson(value)}\n`),
		close: () => {
			if (logFd !== null) {
				nodeFs.closeSync(logFd);
				logFd = null;
			}
		},
	};
	return out;
}
