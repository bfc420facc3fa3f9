// @ts-check
// The error-signature catalog and its matcher, shared by the runbooks (diagnose, boot, runtime-compat,
// api-errors) and the site's search (bundled for the browser): pure ESM, no Node imports, no globals.
//
//   import { matchText, normalizeLogText, pagePath } from './catalog.mjs';
//   const matches = matchText(logText);            // strongest first, [] = no known symptom
//   for (const m of matches) console.log(m.symptom, m.line, pagePath(m.symptom, 'id'));

import { SIGNATURES } from './catalog-data.mjs';

export { SIGNATURES };

/** @typedef {import('./symptoms.mjs').SymptomId} SymptomId */
/** @typedef {import('./catalog-data.mjs').Signature} Signature */

/**
 * One recognised signature in the input.
 * @typedef {object} Match
 * @property {string} signature      Signature.id
 * @property {SymptomId} symptom
 * @property {number} weight
 * @property {string} line           the original input line that matched (trimmed, capped)
 * @property {string} normalized     that line after normalizeLogText
 * @property {number} lineNumber     1-based line in the input
 * @property {number} count          how many lines matched this signature
 * @property {boolean} transient     also seen during a normal start-up (Signature.transient)
 * @property {boolean} fallback      generic shape, not a cause (Signature.fallback): never "the error of"
 * @property {{ en: string, id: string }} explain
 * @property {string} source
 */

/** What to say when nothing is recognised; never replaced by a best guess. */
export const NO_KNOWN_SYMPTOM = Object.freeze({
	en: 'no known symptom',
	id: 'tidak ada gejala yang dikenali',
});

/**
 * The guide page for a symptom, in the reader's language.
 * @param {SymptomId | string} symptom
 * @param {'en' | 'id'} [lang]
 */
export function pagePath(symptom, lang = 'en') {
	return `/${lang === 'id' ? 'id' : 'en'}/${symptom}/`;
}

/** Where the guide is published unless `MILVUS_RESCUE_SITE` names a mirror (src/config/site.ts reads it too). */
export const DEFAULT_SITE_URL = 'https://milvus-rescue.pages.dev';

/**
 * The guide's origin for links a runbook prints: `MILVUS_RESCUE_SITE`, else DEFAULT_SITE_URL. In the browser
 * (no `process`) it is the default; the site links with paths there anyway.
 * @param {Record<string, string | undefined>} [env]
 */
export function siteUrl(env = globalThis.process?.env ?? {}) {
	const url = env.MILVUS_RESCUE_SITE?.trim() || DEFAULT_SITE_URL;
	return url.replace(/\/+$/, '');
}

/**
 * The full URL of a page, for terminal output: a bare `/en/boot/` is not a link anywhere.
 * @param {SymptomId | string} page a symptom id or another slug (`help`)
 * @param {'en' | 'id'} [lang]
 * @param {Record<string, string | undefined>} [env]
 */
export function pageUrl(page, lang = 'en', env) {
	return `${siteUrl(env)}${pagePath(page, lang)}`;
}

/** The runbook command that handles a symptom. @param {SymptomId | string} symptom */
export function runbookCommand(symptom) {
	return `npx zx runbooks/${symptom}.mjs`;
}

// One case-insensitive alternation of every pattern: a line it rejects cannot match any signature, so the
// per-signature tests run only on the few lines that might (a 200k-line log goes from seconds to a blink).
// Holds because patterns use no flag other than `i` (checked by the tests).
const ANY = new RegExp(
	SIGNATURES.flatMap((s) => s.patterns.map((p) => `(?:${p.source})`)).join('|'),
	'i',
);

// Lines longer than this are cut before matching: keeps every regex linear-time in practice and a
// pasted megabyte of base64 from freezing the browser.
const MAX_LINE = 4000;
const MAX_SHOWN = 400;

const LEVEL_WORDS =
	'TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|ERR|FATAL|PANIC|CRITICAL|CRIT|DPANIC';
// Log prefixes, tried repeatedly at the start of a line until none applies.
const PREFIXES = [
	// docker compose: "milvus-etcd        | "
	/^[\w.-]+\s*\|\s/,
	// kubectl logs --prefix: "[pod/my-release-etcd-0/etcd] "
	/^\[pod\/[^\]]*\]\s*/,
	// ISO 8601 / RFC 3339 (kubectl --timestamps, python logging, etcd 3.2 capnslog)
	/^\[?\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|\s?[+-]\d{2}:?\d{2})?\]?\s*/,
	// Milvus / Go log: "[2024/05/28 17:19:04.123 +00:00]" or "2024/05/28 17:19:04"
	/^\[?\d{4}\/\d{2}\/\d{2}[ T]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:\s?[+-]\d{2}:?\d{2})?\]?\s*/,
	// syslog / journald: "Dec 08 00:29:03 host unit[123]: "
	/^[A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2}\s+(?:\S+\s+[\w.@/-]+(?:\[\d+\])?:\s+)?/,
	// glog / klog: "E0528 17:19:04.123456   12345 file.go:123] "
	/^[IWEF]\d{4} \d{2}:\d{2}:\d{2}\.\d+\s+\d+\s+[\w./-]+:\d+\]\s*/,
	// Bitnami scripts: "etcd 08:30:12.34 INFO  ==> "
	/^[\w-]+ \d{2}:\d{2}:\d{2}\.\d+\s+\w+\s+==>\s*/,
	// a bare time of day
	/^\d{2}:\d{2}:\d{2}(?:[.,]\d+)?\s+/,
	// python logging "- pymilvus.client - ERROR - "
	/^-\s+[\w.]+\s+-\s+\w+\s+-\s+/,
	// levels: "[WARN] ", "ERROR ", "level=error ", capnslog "C | ", uvicorn "E: "
	new RegExp(`^\\[(?:${LEVEL_WORDS})\\]\\s*`, 'i'),
	new RegExp(`^(?:${LEVEL_WORDS})(?:\\s*[:|]\\s*|\\s+)`),
	/^level=\w+\s+/i,
	/^[DINWECF]\s?[|:]\s+/,
];

// Keys in structured logs that carry no diagnostic meaning.
const NOISE_KEYS = new Set([
	'level',
	'lvl',
	'severity',
	'ts',
	'time',
	'timestamp',
	'@timestamp',
	'caller',
	'logger',
	'stacktrace',
	'L',
	'T',
	'C',
	'N',
	'S',
	'M',
	'msg',
	'message',
	'log',
	'stream',
	'pid',
	'hostname',
]);

/**
 * Normalize one log line: strip timestamps, levels, callers, pod names, IPs and ids, unwrap JSON and the
 * Milvus `[key=value]` format, undo escaped quotes. The result is what signatures are matched against and
 * what the site's search indexes.
 * @param {string} raw
 * @returns {string}
 */
export function normalizeLine(raw) {
	let s = String(raw).slice(0, MAX_LINE);
	// ANSI colours and other control characters
	s = s
		.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '')
		.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, ' ');
	s = stripPrefixes(s.trim());
	s = unwrapStructured(s);
	return scrub(s);
}

/**
 * Normalize a whole text, line by line; blank lines are dropped.
 * @param {string} text
 * @returns {string}
 */
export function normalizeLogText(text) {
	return splitLines(text)
		.map(normalizeLine)
		.filter((l) => l.length > 0)
		.join('\n');
}

/** @param {string} text */
function splitLines(text) {
	return String(text ?? '').split(/\r\n|\r|\n/);
}

/** @param {string} s */
function stripPrefixes(s) {
	for (let guard = 0; guard < 12; guard++) {
		const before = s;
		for (const re of PREFIXES) s = s.replace(re, '');
		if (s === before) break;
	}
	return s;
}

/**
 * JSON logs (etcd, zap, Kubernetes wrappers), possibly with text before the brace, and the Milvus
 * bracket format. Falls back to the input when it is neither.
 * @param {string} s
 */
function unwrapStructured(s) {
	const brace = s.indexOf('{');
	if (brace >= 0 && s.trimEnd().endsWith('}')) {
		const obj = tryJson(s.slice(brace));
		if (obj && typeof obj === 'object' && !Array.isArray(obj)) {
			const head = stripPrefixes(s.slice(0, brace).trim());
			return [head, flattenJson(/** @type {Record<string, unknown>} */ (obj))]
				.filter(Boolean)
				.join(' ');
		}
	}
	if (s.startsWith('[')) return flattenBrackets(s);
	return s;
}

/** @param {string} s */
function tryJson(s) {
	try {
		return JSON.parse(s);
	} catch {
		return undefined;
	}
}

/**
 * `{"level":"panic","msg":"failed to …","error":"…"}` → `failed to … error=…`. A message that is itself a
 * log line (JSON inside JSON, as Kubernetes log shippers write) is normalized recursively.
 * @param {Record<string, unknown>} obj
 * @param {number} [depth]
 * @returns {string}
 */
function flattenJson(obj, depth = 0) {
	const msgKey = ['msg', 'message', 'M', 'log'].find((k) => typeof obj[k] === 'string');
	const parts = [];
	if (msgKey) {
		const msg = String(obj[msgKey]);
		const inner = msg.trim().startsWith('{') && depth < 3 ? tryJson(msg.trim()) : undefined;
		if (inner && typeof inner === 'object' && !Array.isArray(inner)) {
			parts.push(flattenJson(/** @type {Record<string, unknown>} */ (inner), depth + 1));
		} else {
			parts.push(depth < 3 ? unwrapStructured(stripPrefixes(msg.trim())) : msg);
		}
	}
	for (const [key, value] of Object.entries(obj)) {
		if (NOISE_KEYS.has(key) || value === null || value === undefined) continue;
		const text = typeof value === 'string' ? value : JSON.stringify(value);
		if (text === '' || text === '""') continue;
		parts.push(`${key}=${text}`);
	}
	return parts.join(' ');
}

/**
 * Milvus text logs: `[ts] [LEVEL] [file.go:12] ["msg"] [key=value] [key="v \"q\" [x]"]`.
 * @param {string} s
 */
function flattenBrackets(s) {
	/** @type {string[]} */
	const tokens = [];
	let i = 0;
	while (i < s.length && s[i] === '[') {
		let j = i + 1;
		let inQuote = false;
		let depth = 0;
		for (; j < s.length; j++) {
			const c = s[j];
			if (inQuote) {
				if (c === '\\') j++;
				else if (c === '"') inQuote = false;
			} else if (c === '"') inQuote = true;
			else if (c === '[') depth++;
			else if (c === ']') {
				if (depth === 0) break;
				depth--;
			}
		}
		if (j >= s.length) break;
		tokens.push(s.slice(i + 1, j));
		i = j + 1;
		while (s[i] === ' ') i++;
	}
	if (tokens.length === 0) return s;
	const rest = s.slice(i);
	const kept = [];
	for (const tok of tokens) {
		const t = tok.trim();
		if (/^\d{4}[-/]\d{2}[-/]\d{2}[ T]/.test(t)) continue;
		if (new RegExp(`^(?:${LEVEL_WORDS})$`, 'i').test(t)) continue;
		if (/^[\w./-]+\.(?:go|py|cc|cpp|h|rs|java|ts|js):\d+$/.test(t)) continue;
		const kv = /^([\w.-]+)=(.*)$/s.exec(t);
		if (kv) kept.push(`${kv[1]}=${unquote(kv[2] ?? '')}`);
		else kept.push(unquote(t));
	}
	return [...kept, rest].filter(Boolean).join(' ');
}

/** @param {string} v */
function unquote(v) {
	const t = v.trim();
	if (
		t.length >= 2 &&
		((t.startsWith('"') && t.endsWith('"')) || (t.startsWith("'") && t.endsWith("'")))
	) {
		return t.slice(1, -1).replace(/\\(["'\\])/g, '$1');
	}
	return t;
}

/**
 * Remove what differs between two occurrences of the same error: escapes, callers, addresses, ids, pod
 * names. Ports stay (":2379" tells etcd from MinIO).
 * @param {string} s
 */
function scrub(s) {
	return (
		s
			.replace(/\\+n|\\+t/g, ' ')
			.replace(/\\+(["'])/g, '$1')
			.replace(/\[?\b[\w./-]+\.(?:go|py|cc|cpp|h|rs|java):\d+\]?/g, '')
			// Deployment pod names: <name>-<pod-template-hash>-<suffix>, both from Kubernetes' safe alphabet
			.replace(
				/\b[a-z0-9](?:[-a-z0-9]*[a-z0-9])?-[bcdfghjklmnpqrstvwxz2456789]{6,10}-[bcdfghjklmnpqrstvwxz2456789]{5}\b/g,
				'',
			)
			.replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '')
			.replace(/\[(?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{0,4}\]/gi, '')
			.replace(/\b(?:\d{1,3}\.){3}\d{1,3}\b/g, '')
			.replace(/\b0x[0-9a-f]+\b/gi, '')
			.replace(/\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{8,}\b/gi, '')
			.replace(/\b\d{12,}\b/g, '')
			.replace(/[ \t]+/g, ' ')
			.trim()
	);
}

/**
 * Recognise known errors in raw text (one line or a whole log). Each signature is reported once, with
 * the first line it matched; the result is sorted strongest first, then by position. An empty array means
 * "no known symptom": the caller must say so and never present a guess as a match.
 * @param {string} text
 * @returns {Match[]}
 */
export function matchText(text) {
	/** @type {Map<string, Match>} */
	const found = new Map();
	const lines = splitLines(text);
	for (let n = 0; n < lines.length; n++) {
		const raw = lines[n] ?? '';
		if (raw.trim() === '') continue;
		const norm = normalizeLine(raw);
		if (norm === '' || !ANY.test(norm)) continue;
		const hits = SIGNATURES.filter((sig) => sig.patterns.some((re) => re.test(norm)));
		const specific = hits.some((h) => !h.fallback);
		for (const sig of hits) {
			if (sig.fallback && specific) continue;
			const prev = found.get(sig.id);
			if (prev) {
				prev.count++;
				continue;
			}
			found.set(sig.id, {
				signature: sig.id,
				symptom: sig.symptom,
				weight: sig.weight,
				line: shorten(raw.trim()),
				normalized: shorten(norm),
				lineNumber: n + 1,
				count: 1,
				transient: sig.transient === true,
				fallback: sig.fallback === true,
				explain: sig.explain,
				source: sig.source,
			});
		}
	}
	return [...found.values()].sort((a, b) => b.weight - a.weight || a.lineNumber - b.lineNumber);
}

/**
 * One match per symptom (its strongest signature), strongest first: what diagnose prints.
 * @param {Match[]} matches output of matchText, already sorted
 * @returns {Match[]}
 */
export function strongestPerSymptom(matches) {
	/** @type {Map<string, Match>} */
	const best = new Map();
	for (const m of matches) if (!best.has(m.symptom)) best.set(m.symptom, m);
	return [...best.values()];
}

/** @param {string} s */
function shorten(s) {
	return s.length > MAX_SHOWN ? `${s.slice(0, MAX_SHOWN - 1)}…` : s;
}
