/**
 * Just enough HTML reading for tests on Astro's build output: its HTML files, and the start tags in them with
 * their attributes. Not a full parser; Astro writes well-formed, double-quoted markup, which is all it has to
 * handle.
 */

import { readdir } from 'node:fs/promises';
import path from 'node:path';

export interface Tag {
	name: string;
	attrs: Record<string, string>;
}

const TAG =
	/<([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*)\s*\/?>/g;
const ATTR = /([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;

/** Every start tag in `html` (optionally only those named `name`), with entity-decoded attributes. */
export function tags(html: string, name?: string): Tag[] {
	const found: Tag[] = [];
	const source = stripIgnored(html);
	for (const match of source.matchAll(TAG)) {
		const tagName = (match[1] ?? '').toLowerCase();
		if (name !== undefined && tagName !== name) continue;
		const attrs: Record<string, string> = {};
		for (const a of (match[2] ?? '').matchAll(ATTR)) {
			const key = (a[1] ?? '').toLowerCase();
			attrs[key] = decodeEntities(a[2] ?? a[3] ?? a[4] ?? '');
		}
		found.push({ name: tagName, attrs });
	}
	return found;
}

/** The `lang` of the <html> element, or undefined. */
export function htmlLang(html: string): string | undefined {
	return tags(html, 'html')[0]?.attrs.lang;
}

/** Decodes the entities Astro emits in attribute values and text. */
export function decodeEntities(text: string): string {
	return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);/g, (_, e: string) => {
		if (e.startsWith('#x')) return String.fromCodePoint(parseInt(e.slice(2), 16));
		if (e.startsWith('#')) return String.fromCodePoint(parseInt(e.slice(1), 10));
		return (
			({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" } as Record<string, string>)[e] ?? ''
		);
	});
}

/** Script bodies, styles and comments can contain `<a href=…>` text that is not markup. */
function stripIgnored(html: string): string {
	return html
		.replace(/<!--[\s\S]*?-->/g, '')
		.replace(/(<script\b[^>]*>)[\s\S]*?(<\/script>)/gi, '$1$2')
		.replace(/(<style\b[^>]*>)[\s\S]*?(<\/style>)/gi, '$1$2');
}

/** Every .html file below `dir` (a build output), at any depth. */
export async function htmlFiles(dir: string): Promise<string[]> {
	const found: string[] = [];
	for (const entry of await readdir(dir, { withFileTypes: true })) {
		const full = path.join(dir, entry.name);
		if (entry.isDirectory()) found.push(...(await htmlFiles(full)));
		else if (entry.name.endsWith('.html')) found.push(full);
	}
	return found;
}
