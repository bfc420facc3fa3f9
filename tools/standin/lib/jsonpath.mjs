// @ts-check
/**
 * The part of kubectl's JSONPath templates the runbooks use: `{.a.b}`, `{.items[*].metadata.name}`,
 * `{.items[0]}`, `{['a.b']}`, escaped dots (`storageclass\.kubernetes\.io/is-default-class`), filters
 * `[?(@.name=="X")]`, recursive `..key`, `{range …}…{end}` and string literals `{"\n"}`.
 */

/**
 * @typedef {{ t: 'key', k: string } | { t: 'idx', i: number } | { t: 'all' } | { t: 'rec', k: string }
 *   | { t: 'filter', path: Step[], op: string, value: unknown } | { t: 'slice', a: number | null, b: number | null }} Step
 */

/**
 * @param {string} expr path like `.a.b[*].c` (leading `$` allowed)
 * @returns {Step[]}
 */
export function parsePath(expr) {
	let s = expr.trim();
	if (s.startsWith('$')) s = s.slice(1);
	if (s.startsWith('@')) s = s.slice(1);
	/** @type {Step[]} */
	const steps = [];
	let i = 0;
	const readKey = () => {
		let k = '';
		while (i < s.length) {
			const ch = s[i];
			if (ch === '\\' && i + 1 < s.length) {
				k += s[i + 1];
				i += 2;
				continue;
			}
			if (ch === '.' || ch === '[') break;
			k += ch;
			i++;
		}
		return k;
	};
	while (i < s.length) {
		const ch = s[i];
		if (ch === '.') {
			if (s[i + 1] === '.') {
				i += 2;
				steps.push({ t: 'rec', k: readKey() });
				continue;
			}
			i++;
			const k = readKey();
			if (k === '*') steps.push({ t: 'all' });
			else if (k) steps.push({ t: 'key', k });
			continue;
		}
		if (ch === '[') {
			const end = findClose(s, i);
			const inner = s.slice(i + 1, end).trim();
			i = end + 1;
			if (inner === '*') steps.push({ t: 'all' });
			else if (/^-?\d+$/.test(inner)) steps.push({ t: 'idx', i: Number(inner) });
			else if (/^-?\d*:-?\d*$/.test(inner)) {
				const [a, b] = inner.split(':');
				steps.push({ t: 'slice', a: a ? Number(a) : null, b: b ? Number(b) : null });
			} else if (/^'.*'$|^".*"$/.test(inner)) steps.push({ t: 'key', k: inner.slice(1, -1) });
			else if (inner.startsWith('?(') && inner.endsWith(')')) {
				const cond = inner.slice(2, -1).trim();
				const m = /^(@[^=!<>]*?)\s*(==|!=)\s*(.+)$/.exec(cond);
				if (m) {
					steps.push({
						t: 'filter',
						path: parsePath(m[1] ?? '@'),
						op: m[2] ?? '==',
						value: literal(m[3] ?? ''),
					});
				} else {
					steps.push({ t: 'filter', path: parsePath(cond), op: 'exists', value: null });
				}
			} else throw new Error(`unsupported jsonpath segment [${inner}]`);
			continue;
		}
		const k = readKey();
		if (k) steps.push({ t: 'key', k });
		else i++;
	}
	return steps;
}

/** @param {string} s @param {number} open */
function findClose(s, open) {
	let depth = 0;
	let q = '';
	for (let i = open; i < s.length; i++) {
		const ch = s[i];
		if (q) {
			if (ch === q) q = '';
			continue;
		}
		if (ch === '"' || ch === "'") q = ch;
		else if (ch === '[' || ch === '(') depth++;
		else if (ch === ']' || ch === ')') {
			depth--;
			if (depth === 0 && ch === ']') return i;
		}
	}
	throw new Error('unclosed [ in jsonpath');
}

/** @param {string} v */
function literal(v) {
	const t = v.trim();
	if (/^".*"$|^'.*'$/.test(t)) return t.slice(1, -1);
	if (t === 'true') return true;
	if (t === 'false') return false;
	if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t);
	return t;
}

/**
 * @param {unknown[]} roots
 * @param {Step[]} steps
 * @returns {unknown[]}
 */
export function evalPath(roots, steps) {
	let cur = roots;
	for (const st of steps) {
		/** @type {unknown[]} */
		const next = [];
		for (const v of cur) {
			if (st.t === 'key') {
				if (v && typeof v === 'object' && !Array.isArray(v) && st.k in v)
					next.push(/** @type {any} */ (v)[st.k]);
			} else if (st.t === 'idx') {
				if (Array.isArray(v)) {
					const x = v[st.i < 0 ? v.length + st.i : st.i];
					if (x !== undefined) next.push(x);
				}
			} else if (st.t === 'slice') {
				if (Array.isArray(v)) next.push(...v.slice(st.a ?? 0, st.b ?? v.length));
			} else if (st.t === 'all') {
				if (Array.isArray(v)) next.push(...v);
				else if (v && typeof v === 'object') next.push(...Object.values(v));
			} else if (st.t === 'rec') {
				const walk = (/** @type {unknown} */ x) => {
					if (Array.isArray(x)) x.forEach(walk);
					else if (x && typeof x === 'object') {
						for (const [k, y] of Object.entries(x)) {
							if (k === st.k) next.push(y);
							walk(y);
						}
					}
				};
				walk(v);
			} else if (st.t === 'filter') {
				const arr = Array.isArray(v) ? v : [v];
				for (const item of arr) {
					const got = evalPath([item], st.path);
					if (
						st.op === 'exists'
							? got.length > 0
							: st.op === '=='
								? got.some((g) => g === st.value)
								: got.every((g) => g !== st.value)
					) {
						next.push(item);
					}
				}
			}
		}
		cur = next;
	}
	return cur;
}

/** @param {unknown} v */
function show(v) {
	if (typeof v === 'string') return v;
	if (v === null || v === undefined) return '';
	if (typeof v === 'object') return JSON.stringify(v);
	return String(v);
}

/**
 * @typedef {{ t: 'text', s: string } | { t: 'expr', path: Step[] } | { t: 'range', path: Step[], body: Node[] }} Node
 */

/**
 * @param {string} tpl
 * @returns {Node[]}
 */
export function parseTemplate(tpl) {
	/** @type {Node[]} */
	const root = [];
	/** @type {{ nodes: Node[] }[]} */
	const stack = [{ nodes: root }];
	let i = 0;
	const top = () => /** @type {{ nodes: Node[] }} */ (stack[stack.length - 1]);
	while (i < tpl.length) {
		const open = tpl.indexOf('{', i);
		if (open < 0) {
			top().nodes.push({ t: 'text', s: tpl.slice(i) });
			break;
		}
		if (open > i) top().nodes.push({ t: 'text', s: tpl.slice(i, open) });
		// find matching } honouring quotes
		let j = open + 1;
		let q = '';
		for (; j < tpl.length; j++) {
			const ch = tpl[j];
			if (q) {
				if (ch === '\\') j++;
				else if (ch === q) q = '';
				continue;
			}
			if (ch === '"') q = ch;
			else if (ch === '}') break;
		}
		if (j >= tpl.length) throw new Error('unclosed action');
		const body = tpl.slice(open + 1, j).trim();
		i = j + 1;
		if (body.startsWith('"')) {
			top().nodes.push({ t: 'text', s: JSON.parse(body) });
		} else if (body.startsWith('range ')) {
			/** @type {Node} */
			const n = { t: 'range', path: parsePath(body.slice(6)), body: [] };
			top().nodes.push(n);
			stack.push({ nodes: n.body });
		} else if (body === 'end') {
			if (stack.length < 2) throw new Error('unexpected {end}');
			stack.pop();
		} else {
			top().nodes.push({ t: 'expr', path: parsePath(body) });
		}
	}
	if (stack.length > 1) throw new Error('unclosed {range}');
	return root;
}

/**
 * Renders a kubectl JSONPath template against an object.
 * @param {string} tpl
 * @param {unknown} data
 */
export function renderJsonPath(tpl, data) {
	const nodes = parseTemplate(tpl);
	const run = (/** @type {Node[]} */ ns, /** @type {unknown} */ cur) => {
		let out = '';
		for (const n of ns) {
			if (n.t === 'text') out += n.s;
			else if (n.t === 'expr') out += evalPath([cur], n.path).map(show).join(' ');
			else {
				const got = evalPath([cur], n.path);
				const items = got.length === 1 && Array.isArray(got[0]) ? got[0] : got;
				for (const item of items) out += run(n.body, item);
			}
		}
		return out;
	};
	return run(nodes, data);
}
