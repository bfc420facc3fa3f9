// @ts-check
// Exit codes and error classes shared by every runbook. Errors carry their exit code so the runner can
// turn any expected failure into one line on stderr and the right code, never a stack trace.

/** Exit codes, documented in every runbook's --help. */
export const EXIT = Object.freeze({ OK: 0, FAILED: 1, USAGE: 2, REFUSED: 3, NOT_THIS_SYMPTOM: 4 });

/** @typedef {0|1|2|3|4} ExitCode */

/** Base class: an expected failure with a one-line, already-translated message. */
export class RunbookError extends Error {
	/**
	 * @param {string} message one line, in the user's language
	 * @param {ExitCode} [code]
	 */
	constructor(message, code = EXIT.FAILED) {
		super(message);
		this.name = 'RunbookError';
		/** @type {ExitCode} */
		this.code = code;
	}
}

/** Bad flags, unknown release/namespace, unreadable input file: exit 2. */
export class UsageError extends RunbookError {
	/** @param {string} message */
	constructor(message) {
		super(message, EXIT.USAGE);
		this.name = 'UsageError';
	}
}

/** The user said no, there is no TTY to ask on, or the run was interrupted: exit 3. */
export class RefusedError extends RunbookError {
	/** @param {string} message */
	constructor(message) {
		super(message, EXIT.REFUSED);
		this.name = 'RefusedError';
	}
}

/** Thrown by preflight(ctx) when the cluster does not show this runbook's symptom: exit 4. */
export class NotThisSymptomError extends RunbookError {
	/** @param {string} message */
	constructor(message) {
		super(message, EXIT.NOT_THIS_SYMPTOM);
		this.name = 'NotThisSymptomError';
	}
}
/** Short alias used in the issue text: `throw new NotThisSymptom('…')`. */
export const NotThisSymptom = NotThisSymptomError;

/** A step or a command failed, or a required tool is missing: exit 1. */
export class StepFailedError extends RunbookError {
	/** @param {string} message */
	constructor(message) {
		super(message, EXIT.FAILED);
		this.name = 'StepFailedError';
	}
}

/**
 * The exit code for any thrown value: our errors carry one; anything else is a bug and counts as failed.
 * @param {unknown} err
 * @returns {ExitCode}
 */
export function exitCodeOf(err) {
	return err instanceof RunbookError ? err.code : EXIT.FAILED;
}

/**
 * Reduce any thrown value to a single line (first line of the message, no stack).
 * @param {unknown} err
 * @returns {string}
 */
export function oneLine(err) {
	const raw = err instanceof Error ? err.message : String(err);
	const first =
		raw
			.split(/\r?\n/)
			.map((s) => s.trim())
			.find((s) => s.length > 0) ?? '';
	return first || (err instanceof Error ? err.name : 'error');
}
