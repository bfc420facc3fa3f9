// @ts-check
// How the matcher turns text into words, shared by the runtime (retrieve.mjs) and the index generator
// (scripts/build-symptom-index.ts), so a page and a paste are cut the same way. Pure ESM, no Node imports.

import { normalizeLine } from './catalog.mjs';

// The varying tail of a Deployment's pod name (-<pod-template-hash>-<suffix>). The catalog drops the whole
// name; retrieval keeps its base, because "my-milvus-standalone" says which component crashed.
const POD_SUFFIX =
	/(?<=[a-z0-9])-[bcdfghjklmnpqrstvwxz2456789]{6,10}-[bcdfghjklmnpqrstvwxz2456789]{5}\b/g;

/** Distinct words looked at per query, so a 100 KB log stays fast. */
const MAX_QUERY_TERMS = 400;

// Words that tell no failure from another, in English, Indonesian and log boilerplate.
const STOP = new Set(
	(
		'the and for with that this from are was were has have had not but you your our can could would should ' +
		"will into onto out via per its it's than then there their they them been being also any all one two " +
		'what when where which who how why use used using see run runs get got set may might must does did done ' +
		'only just more most some such very each other own same too here after before while about over under ' +
		'yang dan atau dengan untuk dari pada ini itu ada tidak bisa akan sudah belum juga karena saat kalau ' +
		'jika agar supaya lalu lagi masih tetap hanya sama setiap semua satu dua cara bila maka oleh dalam ke di ' +
		'anda kami kita mereka nya adalah ialah dapat perlu harus pakai buka lihat jalankan ' +
		'error err errors info warn warning debug trace fatal level msg message caller logger ts time ' +
		'timestamp stacktrace traceback recent call last file line true false null none nil ' +
		'http https www com io org github default'
	).split(' '),
);

/**
 * Mask what varies between two occurrences of one error (Drain's template step) on top of the catalog's
 * normalizeLine: numbers with a unit, long numbers, gRPC channel names, hashes, paths' variable parts.
 * @param {string} line already normalized by normalizeLine
 */
export function maskLine(line) {
	return (
		line
			// Milvus virtual channels: by-dev-rootcoord-dml_3_449785438953867264v0
			.replace(
				/\b[\w-]+-(?:rootcoord|datacoord|querycoord)-dml_\d+(?:_\d+v\d+)?\b/gi,
				' <channel> ',
			)
			// durations and sizes: 2m11s, 7.001254211s, 512Mi, 2.1GB
			.replace(/\b\d+(?:\.\d+)?(?:ns|µs|us|ms|s|m|h|d|Ki|Mi|Gi|Ti|KB|MB|GB|TB|kB)\b/g, ' ')
			// (x41 over 12m), #success=1
			.replace(/\bx\d+\b/g, ' ')
			// addresses the catalog keeps the port of: host:port → port
			.replace(/\b[\w.-]+\.(?:svc|local|internal|com|net|io)\b/gi, ' ')
	);
}

/**
 * Split into searchable words: lowercase letters and digits, camelCase split, plurals folded, numbers kept
 * only when they can name something (a port, a code: 3 to 5 digits).
 * @param {string} text
 * @returns {string[]}
 */
export function tokenize(text) {
	/** @type {string[]} */
	const out = [];
	for (const raw of String(text).split(/[^\p{L}\p{N}]+/u)) {
		if (raw === '') continue;
		const parts = raw.split(/(?<=[\p{Ll}])(?=\p{Lu})|(?<=\p{Lu})(?=\p{Lu}\p{Ll})/u);
		// Keep the joined word too: "CrashLoopBackOff" is one word to a reader, several to camelCase.
		if (parts.length > 1) parts.push(raw);
		for (const part of parts) {
			const w = fold(part.toLowerCase());
			if (w.length < 2 || w.length > 40) continue;
			if (/^\d+$/.test(w)) {
				if (w.length >= 3 && w.length <= 5) out.push(w);
				continue;
			}
			// ids and versions that vary: hex with digits, "v2", "t02"
			if (/\d/.test(w) && (/^[0-9a-f]+$/.test(w) || /^[a-z]\d+$/.test(w) || /^\d/.test(w)))
				continue;
			if (w.length < 3 && !/^(?:id|db|io|ip|k8s)$/.test(w)) continue;
			if (STOP.has(w)) continue;
			out.push(w);
		}
	}
	return out;
}

/** Fold the plural/verb "-s" so "pods" meets "pod" and "crashes" meets "crash". @param {string} w */
function fold(w) {
	if (w.length <= 4 || /\d/.test(w) || w.endsWith('ys')) return w;
	if (w.endsWith('ies')) return `${w.slice(0, -3)}y`;
	if (/(?:ss|sh|ch|x)es$/.test(w)) return w.slice(0, -2);
	if (w.endsWith('s') && !w.endsWith('ss') && !w.endsWith('us') && !w.endsWith('is'))
		return w.slice(0, -1);
	return w;
}

/**
 * Words of a pasted text, in the order they carry the failure: lines that say something failed first.
 * @param {string} text
 */
export function queryTerms(text) {
	const lines = String(text ?? '')
		.split(/\r\n|\r|\n/)
		.map((l) => maskLine(normalizeLine(l.replace(POD_SUFFIX, ''))))
		.filter((l) => l.trim() !== '');
	const errorish = (/** @type {string} */ l) =>
		/error|fail|fatal|panic|refused|denied|exception|invalid|cannot|can't|unable|not found|timeout|timed out|crash|mismatch|unimplemented|incompatible|pending|unbound|no such|corrupt|exceeded|gagal|tidak bisa/i.test(
			l,
		);
	/** @type {Set<string>} */
	const terms = new Set();
	for (const line of [...lines.filter(errorish), ...lines.filter((l) => !errorish(l))]) {
		for (const t of tokenize(line)) {
			terms.add(t);
			if (terms.size >= MAX_QUERY_TERMS) return [...terms];
		}
	}
	return [...terms];
}
