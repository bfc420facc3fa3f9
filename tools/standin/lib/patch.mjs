// @ts-check
/**
 * The three patch types kube-apiserver accepts: JSON merge patch (RFC 7386), JSON patch (RFC 6902) and
 * strategic merge patch (what `kubectl set env`, `set image`, `patch` and `run --overrides` send), with the
 * list merge keys of the core types this stand-in serves.
 */

/** Merge keys by field name, as the core types declare them (`patchMergeKey`). */
const MERGE_KEYS = /** @type {Record<string, string>} */ ({
	containers: 'name',
	initContainers: 'name',
	ephemeralContainers: 'name',
	env: 'name',
	volumes: 'name',
	volumeMounts: 'mountPath',
	volumeDevices: 'devicePath',
	ports: 'containerPort',
	imagePullSecrets: 'name',
	conditions: 'type',
	ownerReferences: 'uid',
	hostAliases: 'ip',
	topologySpreadConstraints: 'topologyKey',
	resourceClaims: 'name',
});
/** Lists of scalars with `patchStrategy: merge` (a union, not a replacement). */
const PRIMITIVE_MERGE = new Set(['finalizers']);

export class PatchError extends Error {}

/** @param {unknown} x @returns {x is Record<string, any>} */
const isObj = (x) => typeof x === 'object' && x !== null && !Array.isArray(x);

/**
 * RFC 7386.
 * @param {any} target
 * @param {any} patch
 * @returns {any}
 */
export function mergePatch(target, patch) {
	if (!isObj(patch)) return structuredClone(patch);
	const out = isObj(target) ? structuredClone(target) : {};
	for (const [k, v] of Object.entries(patch)) {
		if (v === null) delete out[k];
		else out[k] = mergePatch(out[k], v);
	}
	return out;
}

/** @param {string} p */
function pointer(p) {
	if (p === '') return [];
	if (!p.startsWith('/')) throw new PatchError(`invalid JSON pointer ${JSON.stringify(p)}`);
	return p
		.slice(1)
		.split('/')
		.map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/**
 * RFC 6902.
 * @param {any} doc
 * @param {any} ops
 */
export function jsonPatch(doc, ops) {
	if (!Array.isArray(ops)) throw new PatchError('json patch must be an array');
	let out = structuredClone(doc);
	/** @param {string[]} parts */
	const parentOf = (parts) => {
		let cur = out;
		for (const k of parts.slice(0, -1)) {
			cur = Array.isArray(cur) ? cur[Number(k)] : cur?.[k];
			if (cur === undefined || cur === null)
				throw new PatchError(`doc is missing path: /${parts.join('/')}`);
		}
		return cur;
	};
	/** @param {string} p */
	const get = (p) => {
		let cur = out;
		for (const k of pointer(p)) {
			cur = Array.isArray(cur) ? cur[Number(k)] : cur?.[k];
			if (cur === undefined) throw new PatchError(`doc is missing path: ${p}`);
		}
		return cur;
	};
	/** @param {string} p @param {any} v */
	const add = (p, v) => {
		const parts = pointer(p);
		if (!parts.length) {
			out = v;
			return;
		}
		const parent = parentOf(parts);
		const last = /** @type {string} */ (parts[parts.length - 1]);
		if (Array.isArray(parent)) {
			const i = last === '-' ? parent.length : Number(last);
			if (!(i >= 0 && i <= parent.length)) throw new PatchError(`index out of range: ${p}`);
			parent.splice(i, 0, v);
		} else parent[last] = v;
	};
	/** @param {string} p */
	const remove = (p) => {
		const parts = pointer(p);
		const parent = parentOf(parts);
		const last = /** @type {string} */ (parts[parts.length - 1]);
		if (Array.isArray(parent)) {
			const i = Number(last);
			if (!(i >= 0 && i < parent.length)) throw new PatchError(`index out of range: ${p}`);
			parent.splice(i, 1);
		} else {
			if (!(last in parent)) throw new PatchError(`Unable to remove nonexistent key: ${last}`);
			delete parent[last];
		}
	};
	for (const op of ops) {
		switch (op?.op) {
			case 'add':
				add(op.path, structuredClone(op.value));
				break;
			case 'remove':
				remove(op.path);
				break;
			case 'replace':
				get(op.path);
				remove(op.path);
				add(op.path, structuredClone(op.value));
				break;
			case 'move': {
				const v = get(op.from);
				remove(op.from);
				add(op.path, v);
				break;
			}
			case 'copy':
				add(op.path, structuredClone(get(op.from)));
				break;
			case 'test':
				if (JSON.stringify(get(op.path)) !== JSON.stringify(op.value))
					throw new PatchError(`testing value ${op.path} failed`);
				break;
			default:
				throw new PatchError(`Unexpected kind: ${op?.op}`);
		}
	}
	return out;
}

/**
 * Strategic merge patch: maps merge like JSON merge patch; lists with a merge key merge element by element
 * (`$patch: delete` removes one, `$setElementOrder/<field>` orders them), `$retainKeys` and
 * `$deleteFromPrimitiveList/<field>` are honoured; every other list is replaced.
 * @param {any} target
 * @param {any} patch
 * @returns {any}
 */
export function strategicMergePatch(target, patch) {
	if (!isObj(patch)) return structuredClone(patch);
	if (patch.$patch === 'replace') {
		const { $patch, ...rest } = patch;
		void $patch;
		return structuredClone(rest);
	}
	const out = isObj(target) ? structuredClone(target) : {};
	/** @type {Record<string, any[]>} */
	const orders = {};
	for (const [k, v] of Object.entries(patch)) {
		if (k === '$patch') continue;
		if (k === '$retainKeys') continue;
		if (k.startsWith('$setElementOrder/')) {
			orders[k.slice('$setElementOrder/'.length)] = v;
			continue;
		}
		if (k.startsWith('$deleteFromPrimitiveList/')) {
			const f = k.slice('$deleteFromPrimitiveList/'.length);
			if (Array.isArray(out[f])) out[f] = out[f].filter((x) => !v.includes(x));
			continue;
		}
		if (v === null) {
			delete out[k];
			continue;
		}
		if (isObj(v) && v.$patch === 'delete') {
			delete out[k];
			continue;
		}
		if (Array.isArray(v)) {
			const key = MERGE_KEYS[k];
			if (key && v.every(isObj)) out[k] = mergeList(Array.isArray(out[k]) ? out[k] : [], v, key);
			else if (PRIMITIVE_MERGE.has(k)) {
				const cur = Array.isArray(out[k]) ? out[k] : [];
				out[k] = [...cur, ...v.filter((x) => !cur.includes(x))];
			} else out[k] = structuredClone(v);
			continue;
		}
		out[k] = isObj(v) ? strategicMergePatch(out[k], v) : structuredClone(v);
	}
	if (Array.isArray(patch.$retainKeys)) {
		for (const k of Object.keys(out)) if (!patch.$retainKeys.includes(k)) delete out[k];
	}
	for (const [f, order] of Object.entries(orders)) {
		const key = MERGE_KEYS[f];
		if (!Array.isArray(out[f]) || !Array.isArray(order)) continue;
		if (!key) {
			const rank = (/** @type {any} */ x) => {
				const i = order.indexOf(x);
				return i === -1 ? order.length : i;
			};
			out[f] = [...out[f]].sort((a, b) => rank(a) - rank(b));
			continue;
		}
		const rank = (/** @type {any} */ x) => {
			const i = order.findIndex((o) => isObj(o) && o[key] === x?.[key]);
			return i === -1 ? order.length : i;
		};
		out[f] = [...out[f]].sort((a, b) => rank(a) - rank(b));
	}
	return out;
}

/**
 * @param {any[]} cur
 * @param {any[]} patch
 * @param {string} key
 */
function mergeList(cur, patch, key) {
	const out = structuredClone(cur);
	for (const el of patch) {
		if (el.$patch === 'replace') return patch.filter((x) => x.$patch !== 'replace');
		const i = out.findIndex((x) => isObj(x) && x[key] === el[key]);
		if (el.$patch === 'delete') {
			if (i !== -1) out.splice(i, 1);
			continue;
		}
		if (i === -1) out.push(strategicMergePatch({}, el));
		else out[i] = strategicMergePatch(out[i], el);
	}
	return out;
}

/**
 * Applies a patch by its Content-Type.
 * @param {any} obj
 * @param {string} contentType
 * @param {any} patch
 */
export function applyPatch(obj, contentType, patch) {
	const ct = contentType.split(';')[0]?.trim();
	if (ct === 'application/json-patch+json') return jsonPatch(obj, patch);
	if (ct === 'application/merge-patch+json') return mergePatch(obj, patch);
	if (ct === 'application/strategic-merge-patch+json') return strategicMergePatch(obj, patch);
	throw new PatchError(`unsupported patch type ${ct}`);
}
