/**
 * THE search of the site: the header dialog, the `/<lang>/search/` page, the tests and the bench all call
 * `runSearch`. It takes anything from a word to a pasted log and asks the matcher `diagnose` uses
 * (runbooks/lib/retrieve.mjs): catalog signatures first (the only answers shown as "this is the error of"),
 * then symptom pages ranked by their own text ("closest pages"), then Pagefind for everything else.
 *
 * Pasted logs defeat Pagefind on its own: it ANDs every term and falls back to prefixes, so one stray word
 * (a pod name, "device", a port) empties the result. So a pasted text is reduced to its distinctive words,
 * each is searched alone, and the per-word scores are fused (weighted by how rare the word is); a page that
 * holds all of them still comes first. Pure module: no DOM, so it runs in Node for tests and the bench.
 */
import { normalizeLogText } from '../../../runbooks/lib/catalog.mjs';
import { diagnoseText } from '../../../runbooks/lib/retrieve.mjs';

/**
 * Characters of input that are looked at (the catalog matches 100 KB of log in a few milliseconds). Of a
 * longer paste the start and, mostly, the end are kept: a crash log ends with its fatal line.
 */
export const MAX_INPUT = 100_000;
const KEEP_HEAD = 20_000;

/** The part of the input that is searched: all of it, or its start and end when it is too long. */
export function clipInput(input: string): { text: string; truncated: boolean } {
	if (input.length <= MAX_INPUT) return { text: input, truncated: false };
	const head = input.slice(0, KEEP_HEAD);
	const tail = input.slice(input.length - (MAX_INPUT - KEEP_HEAD));
	return { text: `${head}\n${tail}`, truncated: true };
}
/** Distinct words of a pasted text that are searched one by one. */
export const MAX_TERMS = 12;
/** Words searched when the catalog recognised the text (fewer searches: the first result is known). */
const MAX_FOCUS_TERMS = 6;
/** Result links shown. */
export const MAX_RESULTS = 8;

/** Field weights at query time: an error string in a symptom page's `errors` meta outweighs body text. */
export const RANKING = { metaWeights: { title: 5, errors: 10 } } as const;

export interface PagefindData {
	url: string;
	excerpt: string;
	meta: Record<string, string | undefined>;
}
export interface PagefindResult {
	id: string;
	score: number;
	data(): Promise<PagefindData>;
}
export interface PagefindSearchOptions {
	filters?: Record<string, string | string[]>;
}
/** The part of Pagefind's browser API (`/pagefind/pagefind.js`) the search needs. */
export interface PagefindApi {
	search(
		term: string | null,
		options?: PagefindSearchOptions,
	): Promise<{ results: PagefindResult[] } | null>;
}

/** A symptom page in the reader's language, sent by the server so a match can name page and runbook. */
export interface SymptomPage {
	id: string;
	title: string;
	/** The page's meta description: what a "closest" result shows (it says what the page is about). */
	description?: string | undefined;
	url: string;
	category: string;
	runbook: string;
	/** The runbook's own page, when the site has one. */
	runbookUrl?: string | undefined;
}

export type Lang = 'en' | 'id';

export interface Plan {
	/** `plain`: typed words, searched as Pagefind would. `log`: pasted text, reduced to its words. */
	mode: 'empty' | 'plain' | 'log';
	/** What is sent to Pagefind as one query. */
	query: string;
	/** The words searched one by one (log mode). */
	terms: string[];
	/** True when the input was longer than MAX_INPUT and only its start was used. */
	truncated: boolean;
}

export interface SignatureHit {
	symptom: string;
	signature: string;
	/** The pasted line that matched, as pasted (capped by the catalog). */
	line: string;
	lineNumber: number;
	explain: string;
	page: SymptomPage | undefined;
}

export interface ResultItem {
	url: string;
	title: string;
	/** Pagefind's excerpt: text with `<mark>` around hits. Render with `excerptParts`, never as HTML. */
	excerpt: string;
	/** The symptom this page is about, when it is a symptom page. */
	symptom?: string | undefined;
	/** True when the catalog recognised this page's error in the input. */
	recognised: boolean;
	/** True when the shared matcher ranked this symptom page among the closest (no signature for it). */
	closest?: boolean | undefined;
}

export interface Outcome {
	plan: Plan;
	/** Known errors found in the input, strongest first. Empty: nothing is known, say so. */
	matches: SignatureHit[];
	/** Symptom pages closest to the input by their own words: a hint, never "the error of". */
	closest: string[];
	/** Pages, best first. */
	results: ResultItem[];
}

export interface SearchOptions {
	lang: Lang;
	symptoms: readonly SymptomPage[];
	/** Only pages of this symptom category (boot, runtime, api, etcd). */
	category?: string | undefined;
}

// Words that say nothing about which failure it is, in both languages and in log boilerplate.
const STOP = new Set(
	(
		'the and for with that this from are was were has have had not but you your our can could would should ' +
		"will into onto out via per its it's than then there their they them been being also any all one two " +
		'yang dan atau dengan untuk dari pada ini itu ada tidak bisa akan sudah belum juga karena saat ' +
		'error err errors info warn warning debug trace fatal panic level msg message caller logger ts time ' +
		'timestamp stacktrace traceback most recent call last file line true false null none nil ' +
		'http https www com io org default pod pods'
	).split(' '),
);

// Lines that carry the failure usually say so; their words are searched before the rest.
const ERRORISH =
	/error|fail|fatal|panic|refused|denied|exception|invalid|cannot|can't|unable|not found|timeout|timed out|crash|mismatch|unimplemented|incompatible|pending|unbound|no such|corrupt/i;

/**
 * Decide how to search a text. Short typed words stay a plain Pagefind query; anything that looks pasted
 * (several lines, log prefixes, long) is normalized with the catalog and reduced to distinctive words.
 */
export function planQuery(input: string, focus?: readonly string[]): Plan {
	const { text, truncated } = clipInput(input);
	const trimmed = text.trim();
	if (trimmed === '') return { mode: 'empty', query: '', terms: [], truncated };
	const words = trimmed.split(/\s+/);
	const looksPasted =
		/[\r\n]/.test(trimmed) ||
		trimmed.length > 60 ||
		words.length > 6 ||
		normalizeLogText(trimmed) !== trimmed;
	if (!looksPasted) return { mode: 'plain', query: trimmed, terms: wordsOf(trimmed), truncated };
	// Lines the catalog recognised already decide the first result; their words are enough for the rest.
	const lines = (
		focus && focus.length > 0 ? [...focus] : normalizeLogText(text).split('\n')
	).filter((l) => l.trim() !== '');
	const limit = focus && focus.length > 0 ? MAX_FOCUS_TERMS : MAX_TERMS;
	// Error-ish lines first, each keeping its own word order.
	const ordered = [
		...lines.filter((l) => ERRORISH.test(l)),
		...lines.filter((l) => !ERRORISH.test(l)),
	];
	const terms: string[] = [];
	for (const line of ordered) {
		for (const w of wordsOf(line)) {
			if (!terms.includes(w)) terms.push(w);
			if (terms.length >= limit) break;
		}
		if (terms.length >= limit) break;
	}
	return { mode: 'log', query: terms.join(' '), terms, truncated };
}

/**
 * The searchable words of a normalized line: split where Pagefind would split an indexed token
 * (punctuation, camelCase), lowercased, without numbers, stop words and one- or two-letter scraps.
 */
export function wordsOf(line: string): string[] {
	const out: string[] = [];
	for (const raw of line.split(/[^\p{L}\p{N}]+/u)) {
		for (const part of raw.split(/(?<=[\p{Ll}\p{N}])(?=\p{Lu})|(?<=\p{Lu})(?=\p{Lu}\p{Ll})/u)) {
			const w = part.toLowerCase();
			if (w.length < 3 || w.length > 40) continue;
			if (!/\p{L}/u.test(w)) continue;
			// Hex ids, durations and counters ("2m11s", "x41", "t02") vary from one paste to the next.
			if ((/^[0-9a-f]+$/.test(w) && /\d/.test(w)) || /^\d/.test(w) || /^[a-z]\d+$/.test(w))
				continue;
			if (STOP.has(w)) continue;
			if (!out.includes(w)) out.push(w);
		}
	}
	return out;
}

// Per-word results, per Pagefind instance. The index never changes while a page is open, and pasted
// logs (and a query typed letter by letter) repeat most of their words, so each word is searched once.
const wordCache = new WeakMap<PagefindApi, Map<string, Promise<PagefindResult[]>>>();
const WORD_CACHE_SIZE = 2000;

function searchWord(
	pagefind: PagefindApi,
	term: string,
	options: PagefindSearchOptions,
): Promise<PagefindResult[]> {
	let cache = wordCache.get(pagefind);
	if (!cache) wordCache.set(pagefind, (cache = new Map()));
	const key = `${JSON.stringify(options.filters ?? {})}\u0000${term}`;
	let hit = cache.get(key);
	if (!hit) {
		if (cache.size >= WORD_CACHE_SIZE) cache.clear();
		hit = pagefind.search(term, options).then((r) => r?.results ?? []);
		// A failed search must not poison the cache.
		hit.catch(() => cache.delete(key));
		cache.set(key, hit);
	}
	return hit;
}

function searchAll(
	pagefind: PagefindApi,
	terms: readonly string[],
	options: PagefindSearchOptions,
): Promise<Array<PagefindResult[]>> {
	return Promise.all(terms.map((t) => searchWord(pagefind, t, options)));
}

interface Scored {
	id: string;
	score: number;
	best: PagefindResult;
	all: boolean;
}

/** Rank pages for a plan: the AND query first, then words fused by rarity. */
async function rankPages(
	pagefind: PagefindApi,
	plan: Plan,
	options: PagefindSearchOptions,
): Promise<Scored[]> {
	const whole = await searchWord(pagefind, plan.query, options);
	if (plan.mode === 'plain' && whole.length > 0) {
		return whole.map((r) => ({ id: r.id, score: r.score, best: r, all: true }));
	}
	const perTerm = await searchAll(pagefind, plan.terms, options);
	const seen = new Set<string>();
	for (const results of perTerm) for (const r of results) seen.add(r.id);
	const n = Math.max(seen.size, 1);
	const byId = new Map<string, Scored>();
	perTerm.forEach((results) => {
		if (results.length === 0) return;
		// Rare words decide; a word on every page adds almost nothing.
		const idf = Math.log(1 + (n - results.length + 0.5) / (results.length + 0.5));
		const top = Math.max(...results.map((r) => r.score), 1e-9);
		for (const r of results) {
			const gain = idf * (0.5 + r.score / top) * Math.log(1 + r.score);
			const cur = byId.get(r.id);
			if (!cur) byId.set(r.id, { id: r.id, score: gain, best: r, all: false });
			else {
				cur.score += gain;
				if (r.score > cur.best.score) cur.best = r;
			}
		}
	});
	// A page holding every word of the paste is the strongest text evidence there is.
	const wholeTop = Math.max(...whole.map((r) => r.score), 1e-9);
	const maxFused = Math.max(0, ...[...byId.values()].map((s) => s.score));
	for (const r of whole) {
		const cur = byId.get(r.id) ?? { id: r.id, score: 0, best: r, all: true };
		cur.all = true;
		cur.best = r;
		cur.score += maxFused * (r.score / wholeTop);
		byId.set(r.id, cur);
	}
	return [...byId.values()].sort((a, b) => b.score - a.score);
}

/**
 * Search `input`. Known errors (catalog signatures) put their symptom page first and are reported in
 * `matches`; without one, `matches` is empty and the results are only text matches, never a diagnosis.
 */
export async function runSearch(
	pagefind: PagefindApi,
	input: string,
	options: SearchOptions,
): Promise<Outcome> {
	const { text } = clipInput(input);
	if (text.trim() === '') return { plan: planQuery(input), matches: [], closest: [], results: [] };
	const diagnosis = diagnoseText(text);
	const found = diagnosis.signatures;
	const plan = planQuery(
		input,
		found.map((m) => m.normalized),
	);
	const pages = new Map(options.symptoms.map((p) => [p.id, p]));
	const matches: SignatureHit[] = found.map((m) => ({
		symptom: m.symptom,
		signature: m.signature,
		line: m.line,
		lineNumber: m.lineNumber,
		explain: m.explain[options.lang],
		page: pages.get(m.symptom),
	}));
	const closest = diagnosis.closest.map((c) => c.symptom);

	const filters: PagefindSearchOptions = options.category
		? { filters: { category: options.category } }
		: {};
	const ranked = await rankPages(pagefind, plan, filters);

	const results: ResultItem[] = [];
	const recognised = new Set(matches.map((m) => m.symptom));
	for (const m of matches) {
		const page = m.page;
		if (!page || (options.category && page.category !== options.category)) continue;
		results.push({
			url: page.url,
			title: page.title,
			excerpt: escapeText(m.explain),
			symptom: page.id,
			recognised: true,
		});
	}
	const datas = await Promise.all(
		ranked.slice(0, MAX_RESULTS + results.length).map((s) => s.best.data()),
	);
	// The closest symptom pages come next, each with what it is about.
	for (const c of diagnosis.closest) {
		const page = pages.get(c.symptom);
		if (!page || recognised.has(c.symptom)) continue;
		if (options.category && page.category !== options.category) continue;
		results.push({
			url: page.url,
			title: page.title,
			excerpt: escapeText(page.description ?? c.terms.join(' · ')),
			symptom: page.id,
			recognised: false,
			closest: true,
		});
	}
	const shown = new Set(results.map((r) => r.url));
	for (const data of datas) {
		if (results.length >= MAX_RESULTS) break;
		const url = data.url;
		if (shown.has(url)) continue;
		shown.add(url);
		const symptom = data.meta.symptom;
		results.push({
			url,
			title: data.meta.title ?? url,
			excerpt: data.excerpt,
			symptom,
			recognised: symptom !== undefined && recognised.has(symptom),
		});
	}
	return { plan, matches, closest, results };
}

/** Text made safe to sit in an excerpt string, which is split on `<mark>` and decoded by `excerptParts`. */
function escapeText(s: string): string {
	return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * A Pagefind excerpt as plain-text pieces, `mark: true` for highlighted words. Pagefind escapes page text
 * and only adds `<mark>`; anything else that looks like a tag is kept as text, so nothing is ever parsed
 * as HTML.
 */
export function excerptParts(excerpt: string): Array<{ text: string; mark: boolean }> {
	const parts: Array<{ text: string; mark: boolean }> = [];
	const re = /<mark>([\s\S]*?)<\/mark>/g;
	let last = 0;
	for (const m of excerpt.matchAll(re)) {
		if (m.index > last) parts.push({ text: decode(excerpt.slice(last, m.index)), mark: false });
		parts.push({ text: decode(m[1] ?? ''), mark: true });
		last = m.index + m[0].length;
	}
	if (last < excerpt.length) parts.push({ text: decode(excerpt.slice(last)), mark: false });
	return parts;
}

function decode(s: string): string {
	return s.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos|#39);/gi, (whole, e: string) => {
		const lower = e.toLowerCase();
		if (lower.startsWith('#x')) return safeCodePoint(parseInt(lower.slice(2), 16), whole);
		if (lower.startsWith('#')) return safeCodePoint(parseInt(lower.slice(1), 10), whole);
		return (
			({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" } as Record<string, string>)[lower] ??
			whole
		);
	});
}

function safeCodePoint(n: number, fallback: string): string {
	return Number.isInteger(n) && n > 0 && n <= 0x10ffff ? String.fromCodePoint(n) : fallback;
}
