/**
 * The drift check: the commands on the site and the commands the runbooks run must be one and the same.
 * Pure functions over a page's code blocks and the runbooks' `--describe` output, so the build (through
 * the remark plugin) and the tests (on fixture pages) run exactly the same rules.
 */
import type { Code, Root } from 'mdast';
import remarkMdx from 'remark-mdx';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { visit } from 'unist-util-visit';
import type { Describe, DescribeStep, StepMode } from '../../../runbooks/build/types.ts';

/** Fence languages that hold commands a reader would paste into a shell. */
export const SHELL_LANGS: ReadonlySet<string> = new Set([
	'sh',
	'bash',
	'shell',
	'shellscript',
	'zsh',
	'console',
	'shellsession',
	'shell-session',
	'fish',
]);

export interface CodeBlock {
	lang: string | null;
	meta: string | null;
	value: string;
	/** 1-based line of the opening fence, for messages. */
	line?: number;
}

export interface BlockLink {
	runbook?: string;
	step?: string;
}

export interface CheckOptions {
	/** Symptom pages must link every shell block; other pages only must not link to things that are not there. */
	symptomPage: boolean;
	/** Used as the prefix of every problem line. */
	file: string;
}

/** Describe output per runbook name, in English (commands do not depend on the language). */
export type DescribeIndex = Readonly<Record<string, Pick<Describe, 'flags' | 'steps'>>>;

const META_ATTR = /([A-Za-z_][\w-]*)=(?:"([^"]*)"|'([^']*)'|([^\s"']+))/g;

/** `runbook="x" step="y"` out of a fence's meta string (the same attribute syntax Expressive Code reads). */
export function parseLink(meta: string | null | undefined): BlockLink {
	const link: BlockLink = {};
	for (const m of (meta ?? '').matchAll(META_ATTR)) {
		const value = m[2] ?? m[3] ?? m[4] ?? '';
		if (m[1] === 'runbook') link.runbook = value;
		else if (m[1] === 'step') link.step = value;
	}
	return link;
}

/** The command as a reader sees it: no trailing newline or indentation noise. */
export function blockCommand(value: string): string {
	return value.replace(/\s+$/, '').replace(/^\s+/, '');
}

/** Steps of `describe` with this id; a runbook may run one step id several times (once per member). */
export function stepsWithId(describe: Pick<Describe, 'steps'>, id: string): DescribeStep[] {
	return describe.steps.filter((s) => s.id === id);
}

const SEVERITY: Record<StepMode, number> = { read: 0, change: 1, destroy: 2 };

/** The strongest mode among a runbook's steps: what running the whole runbook may do. */
export function runbookMode(describe: Pick<Describe, 'steps'>): StepMode {
	let mode: StepMode = 'read';
	for (const s of describe.steps) if (SEVERITY[s.mode] > SEVERITY[mode]) mode = s.mode;
	return mode;
}

/**
 * Splits a one-line command into words the way a POSIX shell would for the simple commands we allow, or
 * returns a reason why it is not such a command (pipes, redirections, substitutions, several lines).
 */
export function shellWords(command: string): string[] | string {
	if (command.includes('\n')) return 'holds more than one line';
	const words: string[] = [];
	let word = '';
	let inWord = false;
	for (let i = 0; i < command.length; i++) {
		const c = command[i] as string;
		if (c === "'") {
			const end = command.indexOf("'", i + 1);
			if (end < 0) return 'has an unclosed quote';
			word += command.slice(i + 1, end);
			inWord = true;
			i = end;
		} else if (c === '"') {
			const end = command.indexOf('"', i + 1);
			if (end < 0) return 'has an unclosed quote';
			const inner = command.slice(i + 1, end);
			if (/[$`\\]/.test(inner)) return 'expands variables inside double quotes';
			word += inner;
			inWord = true;
			i = end;
		} else if (c === ' ' || c === '\t') {
			if (inWord) words.push(word);
			word = '';
			inWord = false;
		} else if (/[|&;<>()$`\\#*?]/.test(c)) {
			return `uses the shell character "${c}" (a linked block holds one plain command)`;
		} else {
			word += c;
			inWord = true;
		}
	}
	if (inWord) words.push(word);
	return words;
}

/** The words a runbook invocation starts with: `npx zx runbooks/<name>.mjs`. */
export function invocationPrefix(name: string): string[] {
	return ['npx', 'zx', `runbooks/${name}.mjs`];
}

/** Problems with a runbook invocation's arguments: unknown flags, missing values, stray words. */
function checkInvocationArgs(args: string[], describe: Pick<Describe, 'flags'>): string[] {
	const problems: string[] = [];
	for (let i = 0; i < args.length; i++) {
		const arg = args[i] as string;
		let flag;
		let inlineValue = false;
		if (arg.startsWith('--')) {
			const name = arg.slice(2).split('=')[0];
			inlineValue = arg.includes('=');
			flag = describe.flags.find((f) => f.name === name);
			if (!flag) {
				problems.push(`unknown flag --${name}`);
				continue;
			}
		} else if (/^-[A-Za-z]$/.test(arg)) {
			flag = describe.flags.find((f) => f.alias === arg.slice(1));
			if (!flag) {
				problems.push(`unknown flag ${arg}`);
				continue;
			}
		} else {
			problems.push(`unexpected word "${arg}" (not the value of a flag)`);
			continue;
		}
		if (flag.type === 'boolean' || inlineValue) continue;
		const value = args[i + 1];
		if (value === undefined || value.startsWith('-')) problems.push(`--${flag.name} needs a value`);
		else {
			if (flag.choices && !flag.choices.includes(value)) {
				problems.push(`--${flag.name} must be one of ${flag.choices.join(', ')}`);
			}
			i++;
		}
	}
	return problems;
}

/**
 * Every problem with one page's code blocks, one line each; an empty list means the page is sound:
 * - a block names a runbook that does not exist, or a step that runbook does not have;
 * - a step block's command differs from what the runbook's `--describe` says that step runs;
 * - a runbook block (no step) is not `npx zx runbooks/<name>.mjs` with flags the runbook knows;
 * - on a symptom page, a shell block is linked to no runbook.
 */
export function checkBlocks(
	blocks: readonly CodeBlock[],
	runbooks: DescribeIndex,
	options: CheckOptions,
): string[] {
	const problems: string[] = [];
	for (const block of blocks) {
		const where = `${options.file}${block.line ? `:${block.line}` : ''}`;
		const lang = (block.lang ?? '').toLowerCase();
		const shell = SHELL_LANGS.has(lang);
		const link = parseLink(block.meta);
		const command = blockCommand(block.value);
		if (link.runbook === undefined) {
			if (link.step !== undefined) {
				problems.push(`${where}: step="${link.step}" without runbook="…"`);
			} else if (options.symptomPage && shell) {
				problems.push(
					`${where}: shell block linked to no runbook (add runbook="…" and, for one step of it, step="…"): ${firstLine(command)}`,
				);
			} else if (options.symptomPage && lang === '') {
				problems.push(
					`${where}: code block without a language (use sh with runbook="…" for a command, text for output)`,
				);
			}
			continue;
		}
		if (!shell) {
			problems.push(
				`${where}: runbook="${link.runbook}" on a "${lang || 'plain'}" block; linked blocks are sh blocks`,
			);
		}
		const describe = runbooks[link.runbook];
		if (!describe) {
			const known = Object.keys(runbooks).sort().join(', ');
			problems.push(
				`${where}: runbook "${link.runbook}" does not exist (runbooks/${link.runbook}.mjs; known: ${known})`,
			);
			continue;
		}
		if (link.step !== undefined) {
			const steps = stepsWithId(describe, link.step);
			if (steps.length === 0) {
				const known = [...new Set(describe.steps.map((s) => s.id))].join(', ');
				problems.push(
					`${where}: runbook "${link.runbook}" has no step "${link.step}" (its steps: ${known})`,
				);
				continue;
			}
			const commands = steps.map((s) => s.command).filter((c): c is string => c !== null);
			if (commands.length === 0) {
				problems.push(
					`${where}: step "${link.step}" of "${link.runbook}" runs no command, so no block can show one`,
				);
			} else if (!commands.includes(command)) {
				problems.push(
					`${where}: command differs from runbook "${link.runbook}" step "${link.step}": the page shows \`${command}\`, the runbook runs \`${commands.join('` or `')}\``,
				);
			}
			continue;
		}
		const words = shellWords(command);
		if (typeof words === 'string') {
			problems.push(`${where}: runbook block ${words}: ${firstLine(command)}`);
			continue;
		}
		const prefix = invocationPrefix(link.runbook);
		if (prefix.some((w, i) => words[i] !== w)) {
			problems.push(
				`${where}: a runbook block without step="…" must start with \`${prefix.join(' ')}\`, found \`${firstLine(command)}\``,
			);
			continue;
		}
		for (const p of checkInvocationArgs(words.slice(prefix.length), describe)) {
			problems.push(`${where}: runbook "${link.runbook}": ${p}`);
		}
	}
	return problems;
}

function firstLine(text: string): string {
	const line = text.split('\n')[0] ?? '';
	return text.includes('\n') ? `${line} …` : line;
}

/** The fenced code blocks of a parsed Markdown/MDX tree, in document order. */
export function collectBlocks(tree: Root): { node: Code; block: CodeBlock }[] {
	const found: { node: Code; block: CodeBlock }[] = [];
	visit(tree, 'code', (node: Code) => {
		found.push({
			node,
			block: {
				lang: node.lang ?? null,
				meta: node.meta ?? null,
				value: node.value,
				line: node.position?.start.line,
			},
		});
	});
	return found;
}

const FRONTMATTER = /^---\r?\n([\s\S]*?)\r?\n---\r?(?:\n|$)/;

/**
 * Checks a page given as source text (`.md` or `.mdx`, with frontmatter): the same rules as the build, for
 * fixture pages and scripts. A page is a symptom page when its frontmatter has a `symptom` key.
 */
export function checkPageSource(
	source: string,
	runbooks: DescribeIndex,
	options: { file: string; mdx?: boolean },
): string[] {
	const fm = FRONTMATTER.exec(source);
	const symptomPage = fm !== null && /^symptom:/m.test(fm[1] ?? '');
	// Blank lines instead of the frontmatter keep line numbers equal to the file's.
	const body = fm ? '\n'.repeat(fm[0].split('\n').length - 1) + source.slice(fm[0].length) : source;
	const processor = unified().use(remarkParse);
	if (options.mdx ?? options.file.endsWith('.mdx')) processor.use(remarkMdx);
	let tree: Root;
	try {
		tree = processor.parse(body) as Root;
	} catch (error) {
		return [`${options.file}: cannot be parsed: ${(error as Error).message.split('\n')[0]}`];
	}
	return checkBlocks(
		collectBlocks(tree).map((b) => b.block),
		runbooks,
		{ file: options.file, symptomPage },
	);
}
