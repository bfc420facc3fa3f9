// @ts-check
// Expressive Code options, in their own file because the runbook pages render code with Starlight's <Code>
// component, which cannot take options (like the plugin below) from astro.config.mjs.
import { defineEcConfig } from '@astrojs/starlight/expressive-code';

/** @typedef {{ type: string, tagName?: string, properties?: Record<string, unknown>, children?: HastNode[] }} HastNode */

/**
 * Frame titles ("Terminal window", a file name) and the copy button are UI, not page text: Pagefind must not
 * index them, or search excerpts start with "Terminal window".
 */
function pagefindIgnoresFrameChrome() {
	/** @param {HastNode} node */
	const mark = (node) => {
		const cls = node.properties?.['className'];
		const classes = Array.isArray(cls)
			? cls.map(String)
			: typeof cls === 'string'
				? cls.split(' ')
				: [];
		if (node.tagName === 'figcaption' || classes.includes('copy') || classes.includes('sr-only'))
			node.properties = { ...node.properties, dataPagefindIgnore: '' };
		for (const child of node.children ?? []) mark(child);
	};
	return {
		name: 'milvus-rescue:pagefind-ignores-frame-chrome',
		hooks: {
			/** @param {{ renderData: { blockAst: HastNode } }} context */
			postprocessRenderedBlock: ({ renderData }) => mark(renderData.blockAst),
		},
	};
}

/**
 * Output samples (` ```text `) wrap too, unless they are tables: a long log line or a command sequence reads
 * better wrapped than cut at the edge, while a wrapped `kubectl get` or `etcdctl -w table` would scramble its
 * columns (those samples are trimmed to the columns that decide instead).
 */
function wrapUntabularText() {
	/** @param {string} code */
	const tabular = (code) => {
		const lines = code.split('\n').filter((l) => l.trim() !== '');
		const columned = lines.filter((l) => /^[+|]-|\|.*\||\S {2,}\S.* {2,}\S/.test(l)).length;
		return lines.length > 1 && columned >= 2;
	};
	return {
		name: 'milvus-rescue:wrap-untabular-text',
		hooks: {
			/** @param {{ codeBlock: { language: string, code: string, props: { wrap?: boolean, preserveIndent?: boolean } } }} context */
			preprocessCode: ({ codeBlock }) => {
				if (!['text', 'txt', 'plaintext', 'log'].includes(codeBlock.language)) return;
				if (codeBlock.props.wrap !== undefined || tabular(codeBlock.code)) return;
				codeBlock.props.wrap = true;
				codeBlock.props.preserveIndent = true;
			},
		},
	};
}

export default defineEcConfig({
	// Keep tabs: a copied runbook source must be the file byte for byte (tab-size is set in CSS).
	tabWidth: 0,
	// Commands wrap instead of scrolling, continuation lines indented under their start, so a flag is never
	// cut off at the edge of a phone. Output samples keep their columns (trimmed to what decides on the page).
	defaultProps: {
		overridesByLang: {
			'sh,bash,shell,zsh,console': { wrap: true, preserveIndent: true, hangingIndent: 2 },
		},
	},
	plugins: [pagefindIgnoresFrameChrome(), wrapUntabularText()],
});
