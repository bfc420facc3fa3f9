/**
 * The shape of `npx zx runbooks/<name>.mjs --describe --lang <lang>` (see ARCHITECTURE.md), as far as the
 * site reads it. Validated once when it is loaded, so every later reader can trust it.
 */
export type StepMode = 'read' | 'change' | 'destroy';

export const STEP_MODES: readonly StepMode[] = ['read', 'change', 'destroy'];

export interface DescribeFlag {
	name: string;
	alias: string | null;
	type: 'string' | 'number' | 'boolean';
	default: string | number | boolean | null;
	help: string;
	choices?: string[];
	common: boolean;
}

export interface DescribeStep {
	id: string;
	title: string;
	mode: StepMode;
	/** Null for a step that runs no command of its own (it decides, or computes). */
	command: string | null;
}

export interface Describe {
	name: string;
	summary: string;
	description: string;
	target: string;
	flags: DescribeFlag[];
	exitCodes: { code: number; meaning: string }[];
	steps: DescribeStep[];
}

/** What the site knows about one runbook: enough for the drift check, the code blocks and its page. */
export interface RunbookInfo {
	name: string;
	/** Path from the repository root, e.g. `runbooks/boot.mjs`. */
	file: string;
	/** `--describe` output per site language. */
	describe: Record<string, Describe>;
	/** The runbook's own file, as it is in the repository. */
	source: string;
	standalone: { sha256: string; bytes: number };
}

export type RunbookIndex = Record<string, RunbookInfo>;
