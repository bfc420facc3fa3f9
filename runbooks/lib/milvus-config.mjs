// @ts-check
// The configuration a Milvus release runs with, read from the ConfigMap the Milvus chart renders
// (`<release>-milvus`): `default.yaml` is the chart's milvus.yaml, and each `extraConfigFiles` entry of the
// values (by convention `user.yaml`) is mounted beside it and overrides it. The Milvus operator's ConfigMap
// holds one `milvus.yaml`. Settings absent from all of them take Milvus's built-in default, which the
// caller names. Read-only: `kubectl get configmap -o json`, parsed here; a missing or forbidden ConfigMap
// is a fact to report, not an error.
import { YAML } from './zx.mjs';

/** @typedef {import('./shell.mjs').RunResult} RunResult */
/** @typedef {import('./runbook.mjs').Context} Context */
/** @typedef {import('./runbook.mjs').Step} Step */
/** @typedef {import('./i18n.mjs').Text} Text */

/**
 * @typedef {object} MilvusConfig
 * @property {boolean} found      the ConfigMap was read
 * @property {string} name        its name
 * @property {string[]} files     its YAML keys that were merged, in order (later wins)
 * @property {string | null} problem  why it was not read (kubectl's one line), null when found
 * @property {Record<string, unknown>} values  the merged settings
 */

/** The chart's ConfigMap of a release. @param {string} release */
export const milvusConfigMapName = (release) => `${release}-milvus`;

// The chart's own file first, then the operator's, then the user's overrides.
const FILE_ORDER = ['default.yaml', 'milvus.yaml'];

/**
 * The merged settings of a `kubectl get configmap … -o json` result.
 * @param {RunResult} result
 * @param {string} name
 * @returns {MilvusConfig}
 */
export function parseMilvusConfig(result, name) {
	const none = (/** @type {string} */ problem) => ({
		found: false,
		name,
		files: [],
		problem,
		values: {},
	});
	if (!result.ok)
		return none(
			((result.stderr || result.stdout).trim().split('\n')[0] ?? '').replace(
				/^Error from server \(\w+\): /,
				'',
			),
		);
	/** @type {any} */
	let cm;
	try {
		cm = JSON.parse(result.stdout);
	} catch {
		return none('not JSON');
	}
	const { files, values } = mergeConfigFiles(cm?.data ?? {});
	return { found: true, name, files, problem: null, values };
}

/**
 * The read step that fetches the release's ConfigMap and merges its files: its value is what `read` makes
 * of the MilvusConfig (the config itself by default). A missing ConfigMap is a fact, not a failed step.
 * @param {Context} ctx
 * @param {{ id: string, title: Text, read?: (config: MilvusConfig, ctx: Context) => unknown,
 *   after?: Step['after'] }} spec
 * @returns {Step}
 */
export function milvusConfigStep(ctx, { id, title, read, after }) {
	const name = milvusConfigMapName(ctx.names.release);
	return {
		id,
		title,
		mode: 'read',
		check: false,
		command: ctx.kube.argv('get', 'configmap', name, '-o', 'json'),
		parse: (r, c) => {
			const config = parseMilvusConfig(r, name);
			return read ? read(config, c) : config;
		},
		...(after ? { after } : {}),
	};
}

/**
 * The YAML files of a Milvus ConfigMap's data merged in the order Milvus reads them: default.yaml, then
 * milvus.yaml (a customConfigMap), then the values' extraConfigFiles such as user.yaml.
 * @param {Record<string, string>} data
 * @returns {{ files: string[], values: Record<string, unknown> }}
 */
export function mergeConfigFiles(data) {
	const keys = Object.keys(data).filter((k) => /\.ya?ml$/.test(k));
	const files = [
		...FILE_ORDER.filter((k) => keys.includes(k)),
		...keys.filter((k) => !FILE_ORDER.includes(k)).sort(),
	];
	/** @type {Record<string, unknown>} */
	let values = {};
	for (const f of files) {
		try {
			const doc = YAML.parse(data[f] ?? '');
			if (doc && typeof doc === 'object') values = deepMerge(values, doc);
		} catch {
			// A file Milvus could not parse either: its own log says so; the others still count.
		}
	}
	return { files, values };
}

/** @param {Record<string, any>} a @param {Record<string, any>} b @returns {Record<string, any>} */
function deepMerge(a, b) {
	/** @type {Record<string, any>} */
	const out = { ...a };
	for (const [k, v] of Object.entries(b)) {
		const prev = out[k];
		out[k] =
			v && typeof v === 'object' && !Array.isArray(v) && prev && typeof prev === 'object'
				? deepMerge(prev, v)
				: v;
	}
	return out;
}

/**
 * One setting by its dotted path (`quotaAndLimits.limitWriting.diskProtection.diskQuota`), undefined when
 * absent. Milvus matches keys without regard to case, so does this.
 * @param {Record<string, unknown>} values
 * @param {string} dotted
 * @returns {unknown}
 */
export function configValue(values, dotted) {
	/** @type {unknown} */
	let node = values;
	for (const part of dotted.split('.')) {
		if (!node || typeof node !== 'object') return undefined;
		const obj = /** @type {Record<string, unknown>} */ (node);
		const key = Object.keys(obj).find((k) => k.toLowerCase() === part.toLowerCase());
		if (key === undefined) return undefined;
		node = obj[key];
	}
	return node;
}

/**
 * @typedef {object} Setting
 * @property {string} key        the dotted key that held the value, or the first one asked for
 * @property {string} value      as written (or the built-in default)
 * @property {boolean} isDefault true when no file sets it
 */

/**
 * The first of `keys` that is set, else Milvus's built-in default under the first key.
 * @param {MilvusConfig} config
 * @param {string[]} keys   newer name first, then older names
 * @param {string} builtIn
 * @returns {Setting}
 */
export function setting(config, keys, builtIn) {
	for (const key of keys) {
		const v = configValue(config.values, key);
		if (v !== undefined && v !== null && typeof v !== 'object')
			return { key, value: String(v), isDefault: false };
	}
	return { key: keys[0] ?? '', value: builtIn, isDefault: true };
}
