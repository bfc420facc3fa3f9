/**
 * Remark plugin for pages: checks every code block against the runbooks (fails the build on drift, see
 * check.ts) and wraps each runbook-linked block in a bar with the step's mode badge and a link to the
 * runbook's page. Expressive Code still renders the block itself (highlighting, copy button), after us.
 */
import type { Code, Parent, Root } from 'mdast';
import type { VFile } from 'vfile';
import {
	MODE_KEYS,
	RUNBOOK_MODE_KEYS,
	plain,
	runbookPagePath,
	stepAnchor,
	withPageLang,
} from '../../components/runbook/strings.ts';
import { isLocale, DEFAULT_LOCALE, type Locale } from '../../config/locales.ts';
import {
	checkBlocks,
	collectBlocks,
	parseLink,
	runbookMode,
	stepsWithId,
	type DescribeIndex,
} from './check.ts';
import type { RunbookIndex, StepMode } from '../../../runbooks/build/types.ts';
import type { StarlightHelpers } from './plugin.ts';

/**
 * The runbooks, and Starlight's helpers for the page's language and its UI strings (as Starlight's own
 * remark plugins take them).
 */
export interface RemarkRunbookLinksOptions extends StarlightHelpers {
	runbooks: RunbookIndex;
}

/** Thrown to stop the build; the message lists every problem of the page, one per line. */
export class RunbookDriftError extends Error {
	override name = 'RunbookDriftError';
}

/** The English describe output of every runbook: what the drift check compares against. */
export function describeIndex(runbooks: RunbookIndex): DescribeIndex {
	const index: Record<string, DescribeIndex[string]> = {};
	for (const [name, info] of Object.entries(runbooks)) {
		const describe = info.describe.en ?? Object.values(info.describe)[0];
		if (describe) index[name] = describe;
	}
	return index;
}

export default function remarkRunbookLinks(options: RemarkRunbookLinksOptions) {
	const describes = describeIndex(options.runbooks);
	return (tree: Root, file: VFile) => {
		const frontmatter = (file.data.astro as { frontmatter?: Record<string, unknown> } | undefined)
			?.frontmatter;
		const rel = file.path ? file.path.replace(`${file.cwd}/`, '') : '(page)';
		const found = collectBlocks(tree);
		const problems = checkBlocks(
			found.map((f) => f.block),
			describes,
			{ file: rel, symptomPage: frontmatter?.symptom !== undefined },
		);
		if (problems.length > 0) {
			throw new RunbookDriftError(
				`code blocks out of step with the runbooks (fix the page or the runbook):\n${problems.join('\n')}`,
			);
		}
		const pathLang = options.absolutePathToLang(file.path ?? '');
		const lang: Locale = isLocale(pathLang) ? pathLang : DEFAULT_LOCALE;
		const t = options.useTranslations(lang);
		for (const { node } of found) {
			const link = parseLink(node.meta);
			if (SHELL.test(node.lang ?? '')) node.value = withPageLang(node.value, lang);
			if (!link.runbook) continue;
			const info = options.runbooks[link.runbook];
			if (!info) continue;
			const local = info.describe[lang] ?? info.describe.en;
			if (!local) continue;
			let mode: StepMode;
			let label: string;
			let href = runbookPagePath(lang, link.runbook);
			if (link.step) {
				const step = stepsWithId(local, link.step)[0];
				mode = step?.mode ?? 'read';
				label = t(
					'mr.runbook.blockLinkStep',
					plain({ name: link.runbook, title: step?.title ?? link.step }),
				);
				href += `#${stepAnchor(link.step)}`;
			} else {
				mode = runbookMode(local);
				label = t('mr.runbook.blockLinkRunbook', plain({ name: link.runbook }));
			}
			wrap(tree, node, {
				runbook: link.runbook,
				step: link.step,
				mode,
				badge: t(link.step ? MODE_KEYS[mode] : RUNBOOK_MODE_KEYS[mode]),
				label,
				href,
			});
		}
	};
}

const SHELL = /^(sh|bash|shell|shellscript|zsh|console|shellsession|shell-session|fish)$/i;

interface Wrapping {
	runbook: string;
	step: string | undefined;
	mode: StepMode;
	badge: string;
	label: string;
	href: string;
}

/**
 * Replaces `node` in its parent by `<div class="mr-runbook-block">` holding the bar and the block. Built
 * from mdast nodes with hast hints (`data.hName`), so it works the same in .md and .mdx.
 */
function wrap(tree: Root, node: Code, w: Wrapping): void {
	const parent = findParent(tree, node);
	if (!parent) return;
	const index = parent.children.indexOf(node as never);
	const bar = {
		type: 'paragraph',
		// The badge and link are UI: search excerpts must not read "reads only Run the runbook".
		data: {
			hName: 'p',
			hProperties: { className: ['mr-runbook-block__bar'], dataPagefindIgnore: '' },
		},
		children: [
			{
				type: 'emphasis',
				data: {
					hName: 'span',
					hProperties: { className: ['mr-mode'], dataMode: w.mode },
				},
				children: [{ type: 'text', value: w.badge }],
			},
			{ type: 'text', value: ' ' },
			{
				type: 'link',
				url: w.href,
				data: { hProperties: { className: ['mr-runbook-block__link'] } },
				children: [{ type: 'text', value: w.label }],
			},
		],
	};
	const wrapper = {
		type: 'mrRunbookBlock',
		data: {
			hName: 'div',
			hProperties: {
				className: ['mr-runbook-block'],
				dataRunbook: w.runbook,
				...(w.step ? { dataStep: w.step } : {}),
				dataMode: w.mode,
			},
		},
		children: [bar, node],
	};
	parent.children.splice(index, 1, wrapper as never);
}

function findParent(tree: Parent, target: Code): Parent | undefined {
	for (const child of tree.children) {
		if (child === target) return tree;
		if ('children' in child) {
			const found = findParent(child as Parent, target);
			if (found) return found;
		}
	}
	return undefined;
}
