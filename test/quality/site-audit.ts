import { existsSync, statSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { decodeEntities, htmlLang, tags, type Tag } from '../../tools/support/html.ts';

/**
 * Static audit of a built site folder: every internal link and asset resolves (fragments included), and every
 * page carries the head a search engine and a screen reader need. Pure over files, so the tests can run it on
 * small fixture folders with known defects as well as on `dist/`.
 */

export interface AuditSiteOptions {
	/** The published origin (src/config/site.ts); absolute links to it count as internal. */
	site: string;
	/** Language folder codes, e.g. `['en', 'id']`. */
	locales: readonly string[];
}

export interface BuiltPage {
	/** Path the page is served at: `/en/boot/`, `/404.html`. */
	urlPath: string;
	file: string;
	html: string;
}

/** Every HTML page of a built site, sorted by URL path. */
export async function builtPages(dir: string): Promise<BuiltPage[]> {
	const root = path.resolve(dir);
	const pages: BuiltPage[] = [];
	const walk = async (sub: string): Promise<void> => {
		for (const entry of await readdir(sub, { withFileTypes: true })) {
			const full = path.join(sub, entry.name);
			if (entry.isDirectory()) await walk(full);
			else if (entry.name.endsWith('.html')) {
				const rel = path.relative(root, full).split(path.sep).join('/');
				const urlPath = rel.endsWith('index.html')
					? `/${rel.slice(0, -'index.html'.length)}`
					: `/${rel}`;
				pages.push({ urlPath, file: full, html: await readFile(full, 'utf8') });
			}
		}
	};
	await walk(root);
	return pages.sort((a, b) => a.urlPath.localeCompare(b.urlPath));
}

/** The file a static host serves for `pathname`, or undefined when it would answer 404. */
export function fileFor(root: string, pathname: string): string | undefined {
	let decoded: string;
	try {
		decoded = decodeURIComponent(pathname);
	} catch {
		return undefined;
	}
	const target = path.join(root, decoded);
	if (target !== root && !target.startsWith(root + path.sep)) return undefined;
	const info = existsSync(target) ? statSync(target) : undefined;
	if (info?.isFile() && !pathname.endsWith('/')) return target;
	if (info?.isDirectory()) {
		const index = path.join(target, 'index.html');
		return existsSync(index) ? index : undefined;
	}
	return undefined;
}

/** Ids and named anchors a page offers as fragment targets. */
export function anchorsOf(html: string): Set<string> {
	const ids = new Set<string>();
	for (const tag of tags(html)) {
		if (tag.attrs.id !== undefined) ids.add(tag.attrs.id);
		if (tag.name === 'a' && tag.attrs.name !== undefined) ids.add(tag.attrs.name);
	}
	return ids;
}

/** Attributes that reference another resource, per element. */
const REFS: Record<string, string[]> = {
	a: ['href'],
	area: ['href'],
	link: ['href'],
	script: ['src'],
	img: ['src'],
	source: ['src'],
	iframe: ['src'],
	video: ['src', 'poster'],
	audio: ['src'],
	form: ['action'],
};

/** Every reference a page makes: links, stylesheets, scripts, images (srcset candidates included). */
function references(pageTags: Tag[]): { tag: Tag; url: string }[] {
	const refs: { tag: Tag; url: string }[] = [];
	for (const tag of pageTags) {
		for (const attr of REFS[tag.name] ?? []) {
			const value = tag.attrs[attr];
			if (value !== undefined) refs.push({ tag, url: value.trim() });
		}
		const srcset = tag.attrs.srcset;
		if (srcset !== undefined && (tag.name === 'img' || tag.name === 'source')) {
			for (const candidate of srcset.split(',')) {
				const url = candidate.trim().split(/\s+/)[0];
				if (url) refs.push({ tag, url });
			}
		}
	}
	return refs;
}

/**
 * Broken internal references in the built site, one line each (`/en/boot/: <a href="/en/nope/">: no such
 * page`). External links (other hosts, mailto:, tel:) are not fetched: the tests run offline.
 */
export async function brokenLinks(dir: string, options: AuditSiteOptions): Promise<string[]> {
	const root = path.resolve(dir);
	const site = new URL(options.site);
	const pages = await builtPages(root);
	const anchorCache = new Map<string, Set<string>>();
	const anchorsIn = async (file: string): Promise<Set<string>> => {
		let found = anchorCache.get(file);
		if (!found) {
			found = anchorsOf(await readFile(file, 'utf8'));
			anchorCache.set(file, found);
		}
		return found;
	};
	const problems: string[] = [];
	for (const page of pages) {
		const base = new URL(page.urlPath, site);
		for (const { tag, url } of references(tags(page.html))) {
			const where = `${page.urlPath}: <${tag.name} ${url}>`;
			if (url === '') {
				problems.push(`${where}: empty reference`);
				continue;
			}
			if (/^(javascript|data|blob):/i.test(url)) continue;
			let target: URL;
			try {
				target = new URL(url, base);
			} catch {
				problems.push(`${where}: not a valid URL`);
				continue;
			}
			if (target.origin !== site.origin) continue;
			// A bare `#` is the conventional "this page" link (skip links, back-to-top) and needs no id.
			const fragment = target.hash.length > 1 ? decodeURIComponent(target.hash.slice(1)) : '';
			// Preconnect/dns-prefetch name an origin, not a document.
			if (tag.name === 'link' && /\b(preconnect|dns-prefetch)\b/.test(tag.attrs.rel ?? ''))
				continue;
			const file = fileFor(root, target.pathname);
			if (!file) {
				problems.push(`${where}: no such file in the build`);
				continue;
			}
			if (fragment && file.endsWith('.html') && !(await anchorsIn(file)).has(fragment)) {
				problems.push(`${where}: no element with id "${fragment}" on ${target.pathname}`);
			}
		}
	}
	return problems;
}

export interface HeadFacts {
	title?: string;
	description?: string;
	lang?: string;
	canonical?: string;
	/** hreflang → absolute href */
	alternates: Map<string, string>;
	noindex: boolean;
}

/** What a page's <head> says about itself. */
export function headFacts(html: string): HeadFacts {
	const head = /<head\b[^>]*>([\s\S]*?)<\/head>/i.exec(html)?.[1] ?? '';
	const titleMatch = /<title\b[^>]*>([\s\S]*?)<\/title>/i.exec(head);
	const facts: HeadFacts = {
		title: titleMatch ? decodeEntities(titleMatch[1] ?? '').trim() : undefined,
		lang: htmlLang(html),
		alternates: new Map(),
		noindex: false,
	};
	for (const tag of tags(head)) {
		const { attrs } = tag;
		if (tag.name === 'meta' && attrs.name === 'description') facts.description = attrs.content;
		if (tag.name === 'meta' && attrs.name === 'robots' && /noindex/i.test(attrs.content ?? '')) {
			facts.noindex = true;
		}
		if (tag.name === 'link' && attrs.rel === 'canonical') facts.canonical = attrs.href;
		if (tag.name === 'link' && attrs.rel === 'alternate' && attrs.hreflang && attrs.href) {
			facts.alternates.set(attrs.hreflang, attrs.href);
		}
	}
	return facts;
}

/**
 * Frequent short words of each language. A description "in its language" uses more of its own language's
 * than of the other's; error strings quoted verbatim in English do not tip an Indonesian sentence over.
 */
const FUNCTION_WORDS: Record<string, string[]> = {
	en: [
		'the',
		'and',
		'a',
		'an',
		'of',
		'to',
		'in',
		'is',
		'are',
		'your',
		'with',
		'for',
		'from',
		'when',
		'or',
		'its',
		'it',
		'that',
		'then',
		'how',
		'what',
		'not',
		'does',
		'you',
		'on',
	],
	id: [
		'dan',
		'yang',
		'di',
		'ke',
		'dari',
		'untuk',
		'dengan',
		'atau',
		'tidak',
		'lalu',
		'karena',
		'saat',
		'ini',
		'itu',
		'Anda',
		'kalau',
		'apa',
		'cara',
		'belum',
		'ada',
		'sudah',
		'tertahan',
		'dulu',
		'pada',
		'gagal',
	],
};

/** Which of `locales` a piece of prose reads as, by function words; undefined on a tie. */
export function guessLanguage(text: string, locales: readonly string[]): string | undefined {
	// Quoted error strings are English in every language; they say nothing about the sentence around them.
	const prose = text.replace(/"[^"]*"|“[^”]*”|`[^`]*`/g, ' ');
	const words = prose.toLowerCase().match(/[\p{L}]+/gu) ?? [];
	let best: string | undefined;
	let bestScore = 0;
	let tie = false;
	for (const locale of locales) {
		const list = new Set((FUNCTION_WORDS[locale] ?? []).map((w) => w.toLowerCase()));
		const score = words.filter((w) => list.has(w)).length;
		if (score > bestScore) {
			best = locale;
			bestScore = score;
			tie = false;
		} else if (score === bestScore && score > 0) tie = true;
	}
	return tie ? undefined : best;
}

/**
 * Head problems, one line each: a missing or duplicated title, a missing description or one in the wrong
 * language, and on every indexable page a canonical URL on `site` equal to the page's own address and
 * hreflang alternates naming one existing page per language (plus x-default where given).
 */
export async function headProblems(dir: string, options: AuditSiteOptions): Promise<string[]> {
	const root = path.resolve(dir);
	const site = new URL(options.site);
	const pages = await builtPages(root);
	const problems: string[] = [];
	const titles = new Map<string, string[]>();
	for (const page of pages) {
		const facts = headFacts(page.html);
		const where = page.urlPath;
		const folder = page.urlPath.split('/')[1] ?? '';
		const locale = options.locales.includes(folder) ? folder : undefined;

		if (!facts.title) problems.push(`${where}: no <title>`);
		else titles.set(facts.title, [...(titles.get(facts.title) ?? []), where]);

		if (!facts.lang) problems.push(`${where}: <html> has no lang`);
		else if (locale && facts.lang.split('-')[0] !== locale) {
			problems.push(`${where}: <html lang="${facts.lang}"> in the ${locale} folder`);
		}

		const description = facts.description?.trim() ?? '';
		if (!description) problems.push(`${where}: no meta description`);
		else {
			const expected = locale ?? facts.lang?.split('-')[0];
			const guessed = guessLanguage(description, options.locales);
			if (expected && guessed !== expected) {
				problems.push(
					`${where}: meta description does not read as ${expected} (${guessed ?? 'undecided'}): "${description}"`,
				);
			}
		}

		if (facts.noindex) continue;
		const own = new URL(page.urlPath, site).href;
		if (!facts.canonical) problems.push(`${where}: no canonical URL`);
		else if (facts.canonical !== own) {
			problems.push(`${where}: canonical is ${facts.canonical}, expected ${own}`);
		}
		for (const code of options.locales) {
			const href = facts.alternates.get(code);
			if (!href) {
				problems.push(`${where}: no hreflang="${code}" alternate`);
				continue;
			}
			problems.push(...alternateProblems(root, site, where, code, href));
		}
		const xDefault = facts.alternates.get('x-default');
		if (xDefault) problems.push(...alternateProblems(root, site, where, 'x-default', xDefault));
		if (locale && facts.alternates.get(locale) !== own) {
			problems.push(`${where}: hreflang="${locale}" should name the page itself (${own})`);
		}
	}
	for (const [title, where] of titles) {
		if (where.length > 1) problems.push(`title "${title}" is used by ${where.join(', ')}`);
	}
	return problems;
}

function alternateProblems(
	root: string,
	site: URL,
	where: string,
	code: string,
	href: string,
): string[] {
	let target: URL;
	try {
		target = new URL(href);
	} catch {
		return [`${where}: hreflang="${code}" href "${href}" is not an absolute URL`];
	}
	if (target.origin !== site.origin) {
		return [`${where}: hreflang="${code}" points off the site: ${href}`];
	}
	if (!fileFor(root, target.pathname)) {
		return [`${where}: hreflang="${code}" points at a missing page: ${target.pathname}`];
	}
	return [];
}
