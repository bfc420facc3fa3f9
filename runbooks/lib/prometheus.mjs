// @ts-check
// The Prometheus text exposition format (what etcd, Milvus and every exporter serve on /metrics) and
// histogram_quantile as Prometheus computes it. Pure: no I/O, so a saved `curl /metrics` output is judged
// exactly like a live one.

/**
 * @typedef {object} Sample
 * @property {string} name                    the sample's own name (`…_bucket`, `…_sum`, `…_count` for histograms)
 * @property {Record<string, string>} labels
 * @property {number} value
 */

/**
 * @typedef {object} Bucket
 * @property {number} le     upper bound (Infinity for "+Inf")
 * @property {number} count  cumulative count of observations ≤ le
 */

/** @param {string} text */
function parseValue(text) {
	if (text === '+Inf' || text === 'Inf') return Infinity;
	if (text === '-Inf') return -Infinity;
	if (text === 'NaN') return NaN;
	const v = Number(text);
	return Number.isNaN(v) ? null : v;
}

/**
 * The label set between braces: `le="0.001",path="a\"b"`. Returns null when the line is not well formed.
 * @param {string} text
 * @returns {Record<string, string> | null}
 */
function parseLabels(text) {
	/** @type {Record<string, string>} */
	const labels = {};
	const re = /\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*(,|$)/y;
	let at = 0;
	while (at < text.length) {
		re.lastIndex = at;
		const m = re.exec(text);
		if (!m) return null;
		labels[/** @type {string} */ (m[1])] = /** @type {string} */ (m[2]).replace(/\\(.)/g, (_, c) =>
			c === 'n' ? '\n' : c,
		);
		at = re.lastIndex;
	}
	return labels;
}

/**
 * Every sample of a /metrics text, in order. Comments (`# HELP`, `# TYPE`) and blank lines are skipped;
 * a line that is not a sample is counted in `invalid`, so a caller can tell a metrics page from an HTML
 * error page or a log.
 * @param {string} text
 * @returns {{ samples: Sample[], invalid: number }}
 */
export function parsePrometheusText(text) {
	/** @type {Sample[]} */
	const samples = [];
	let invalid = 0;
	for (const raw of text.split(/\r?\n/)) {
		const line = raw.trim();
		if (line === '' || line.startsWith('#')) continue;
		const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+-?\d+)?$/.exec(line);
		const labels = m ? parseLabels(m[2] ?? '') : null;
		const value = m ? parseValue(/** @type {string} */ (m[3])) : null;
		if (!m || !labels || value === null) {
			invalid++;
			continue;
		}
		samples.push({ name: /** @type {string} */ (m[1]), labels, value });
	}
	return { samples, invalid };
}

/**
 * Index samples by name for the lookups below.
 * @param {Sample[]} samples
 * @returns {Map<string, Sample[]>}
 */
export function byName(samples) {
	/** @type {Map<string, Sample[]>} */
	const map = new Map();
	for (const s of samples) {
		const list = map.get(s.name);
		if (list) list.push(s);
		else map.set(s.name, [s]);
	}
	return map;
}

/**
 * The value of a counter or gauge, summed over its label sets; null when the metric is absent (older or
 * newer servers name some metrics differently, and absence must not read as zero).
 * @param {Map<string, Sample[]>} index
 * @param {string} name
 */
export function scalar(index, name) {
	const list = index.get(name);
	if (!list || list.length === 0) return null;
	return list.reduce((sum, s) => sum + s.value, 0);
}

/**
 * The buckets of histogram `name` (its `name_bucket` samples, summed over other labels), sorted by bound;
 * null when the histogram is absent or has no +Inf bucket.
 * @param {Map<string, Sample[]>} index
 * @param {string} name  the histogram's base name, e.g. etcd_disk_wal_fsync_duration_seconds
 * @returns {Bucket[] | null}
 */
export function histogramBuckets(index, name) {
	const list = index.get(`${name}_bucket`);
	if (!list || list.length === 0) return null;
	/** @type {Map<number, number>} */
	const byBound = new Map();
	for (const s of list) {
		const le = parseValue(s.labels.le ?? '');
		if (le === null || Number.isNaN(le)) continue;
		byBound.set(le, (byBound.get(le) ?? 0) + s.value);
	}
	const buckets = [...byBound].map(([le, count]) => ({ le, count })).sort((a, b) => a.le - b.le);
	if (buckets.length === 0 || buckets[buckets.length - 1]?.le !== Infinity) return null;
	return buckets;
}

/**
 * Prometheus's histogram_quantile: find the bucket holding rank q·total and interpolate linearly inside it
 * (the first bucket starts at 0). A rank in the +Inf bucket answers the highest finite bound, as Prometheus
 * does. null when there are no observations or the quantile is outside [0, 1].
 * @param {number} q  e.g. 0.99
 * @param {Bucket[]} buckets  sorted, cumulative, ending with +Inf
 * @returns {number | null}
 */
export function histogramQuantile(q, buckets) {
	if (!(q >= 0 && q <= 1) || buckets.length < 2) return null;
	const last = /** @type {Bucket} */ (buckets[buckets.length - 1]);
	const total = last.count;
	if (!(total > 0)) return null;
	const rank = q * total;
	let b = buckets.findIndex((x) => x.count >= rank);
	if (b === -1) b = buckets.length - 1;
	const bucket = /** @type {Bucket} */ (buckets[b]);
	if (bucket.le === Infinity) return /** @type {Bucket} */ (buckets[buckets.length - 2]).le;
	if (b === 0 && bucket.le <= 0) return bucket.le;
	const prev = b === 0 ? { le: 0, count: 0 } : /** @type {Bucket} */ (buckets[b - 1]);
	const inBucket = bucket.count - prev.count;
	if (inBucket <= 0) return bucket.le;
	return prev.le + (bucket.le - prev.le) * ((rank - prev.count) / inBucket);
}
