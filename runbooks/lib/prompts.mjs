// @ts-check
// THE prompt module: every question a runbook asks goes through here, so the safety rules live in one
// place. A change defaults to No; deleting data needs the object's name typed; without a terminal we
// refuse instead of guessing; --yes answers for scripts; --dry-run never asks.
import { RefusedError } from './exit.mjs';
import { toolkitText } from './i18n.mjs';

/** @typedef {import('./i18n.mjs').Lang} Lang */

/**
 * @typedef {object} PromptOptions
 * @property {NodeJS.ReadableStream & { isTTY?: boolean }} [input]   default process.stdin
 * @property {NodeJS.WritableStream & { isTTY?: boolean }} [output]  where questions are written (default process.stderr)
 * @property {boolean} [yes]       answer yes to everything (typed names included)
 * @property {boolean} [dryRun]    never ask; every answer is "no"
 * @property {boolean} [interactive] override TTY detection
 * @property {Lang} [lang]
 * @property {Record<string, string | undefined>} [env]  for MILVUS_RESCUE_ASSUME_TTY (default process.env)
 * @property {(line: string) => void} [echo]  records question + answer (the --log tee)
 */

/**
 * @typedef {object} Prompter
 * @property {boolean} interactive  whether questions can be asked
 * @property {(text: string, id?: string) => Promise<boolean>} confirm
 *   Ask a yes/no question, default No. Throws RefusedError (exit 3) when there is no TTY and no --yes.
 *   Returns false in --dry-run without asking.
 * @property {(expected: string, text?: string, id?: string) => Promise<boolean>} confirmTyped
 *   Ask the user to type `expected` exactly. Same refusal rules as confirm.
 * @property {() => void} close  stop listening to the input stream
 */

/**
 * Whether we may ask questions: both ends are terminals, or MILVUS_RESCUE_ASSUME_TTY=1 says so (tests and
 * the recorder drive runbooks through pipes or a pseudo-terminal and answer the prompts themselves).
 * @param {{ isTTY?: boolean }} input
 * @param {Record<string, string | undefined>} [env]
 */
export function isInteractive(input, env = process.env) {
	if (env.MILVUS_RESCUE_ASSUME_TTY === '1') return true;
	if (env.MILVUS_RESCUE_ASSUME_TTY === '0') return false;
	return input.isTTY === true;
}

/**
 * Reads lines from a stream, keeping what arrives early (piped "y\ny\n") for later questions.
 * @param {NodeJS.ReadableStream} input
 */
function lineReader(input) {
	let buffer = '';
	let ended = false;
	/** @type {((line: string | null) => void) | null} */
	let waiting = null;
	let listening = false;
	/** @returns {boolean} whether a waiting reader got its line */
	const flush = () => {
		if (!waiting) return false;
		const nl = buffer.indexOf('\n');
		if (nl !== -1) {
			const line = buffer.slice(0, nl).replace(/\r$/, '');
			buffer = buffer.slice(nl + 1);
			const w = waiting;
			waiting = null;
			pause();
			w(line);
			return true;
		}
		if (ended) {
			const rest = buffer;
			buffer = '';
			const w = waiting;
			waiting = null;
			w(rest.length > 0 ? rest : null);
			return true;
		}
		return false;
	};
	/** @param {Buffer | string} chunk */
	const onData = (chunk) => {
		buffer += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
		flush();
	};
	const onEnd = () => {
		ended = true;
		flush();
	};
	const listen = () => {
		if (listening) return;
		listening = true;
		input.on('data', onData);
		input.on('end', onEnd);
		input.on('close', onEnd);
		input.resume();
	};
	// Paused between questions so an idle stdin does not keep the process alive.
	const pause = () => {
		if (!listening) return;
		listening = false;
		input.off('data', onData);
		input.off('end', onEnd);
		input.off('close', onEnd);
		input.pause();
	};
	return {
		/** @returns {Promise<string | null>} null at end of input */
		read() {
			return new Promise((resolve) => {
				waiting = resolve;
				// An input that ended while we were not listening never emits 'end' again.
				if ('readableEnded' in input && input.readableEnded) ended = true;
				if (!flush()) listen();
			});
		},
		close: pause,
	};
}

/**
 * Create the prompter a runbook run uses. Streams and TTY detection are injectable for tests.
 * @param {PromptOptions} [options]
 * @returns {Prompter}
 */
export function createPrompter(options = {}) {
	const input = options.input ?? process.stdin;
	const output = options.output ?? process.stderr;
	const env = options.env ?? process.env;
	const tr = toolkitText(options.lang ?? 'en');
	const interactive = options.interactive ?? isInteractive(input, env);
	/** @type {ReturnType<typeof lineReader> | null} */
	let reader = null;

	/** @param {string} question */
	const ask = async (question) => {
		output.write(question);
		reader ??= lineReader(input);
		const answer = await reader.read();
		// A closed input (Ctrl-D, pipe ran dry) is an answer of "no", never an implicit yes.
		if (answer === null) output.write('\n');
		options.echo?.(`${question}${answer ?? ''}`);
		return answer;
	};

	/** @param {string | undefined} id */
	const guard = (id) => {
		if (!interactive) throw new RefusedError(tr('refusedNoTty', { id: id ?? '?' }));
	};

	return {
		interactive,
		async confirm(text, id) {
			if (options.dryRun) return false;
			if (options.yes) return true;
			guard(id);
			const answer = await ask(text.endsWith(' ') ? text : `${text} `);
			return answer !== null && /^\s*(y|yes|ya|iya)\s*$/i.test(answer);
		},
		async confirmTyped(expected, text, id) {
			if (options.dryRun) return false;
			if (options.yes) return true;
			guard(id);
			const answer = await ask(text ?? tr('confirmDestroy', { name: expected }));
			return answer !== null && answer.trim() === expected;
		},
		close() {
			reader?.close();
		},
	};
}
