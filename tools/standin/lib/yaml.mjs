// @ts-check
/** A small YAML emitter for `-o yaml` (objects, arrays, scalars; strings quoted when YAML would misread them). */

/** @param {string} s */
function scalar(s) {
	const plain =
		s !== '' &&
		!/^\s|\s$|: |:$| #|\n/.test(s) &&
		!/^[-?:,[\]{}#&*!|>'"%@`]/.test(s) &&
		!/^(true|false|null|yes|no|on|off|y|n|~)$/i.test(s) &&
		!/^[-+]?(\d[\d_]*\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s);
	return plain ? s : JSON.stringify(s);
}

/**
 * @param {unknown} v
 * @param {number} indent
 * @returns {string}
 */
function emit(v, indent) {
	const pad = ' '.repeat(indent);
	if (Array.isArray(v)) {
		if (!v.length) return ' []\n';
		return `\n${v
			.map((x) => {
				if (x && typeof x === 'object' && !Array.isArray(x) && Object.keys(x).length) {
					const body = emit(x, indent + 2).replace(/^\n/, '');
					return `${pad}- ${body.slice(indent + 2)}`;
				}
				return `${pad}-${emit(x, indent + 2)}`;
			})
			.join('')}`;
	}
	if (v && typeof v === 'object') {
		const e = Object.entries(v);
		if (!e.length) return ' {}\n';
		return `\n${e.map(([k, x]) => `${pad}${scalar(k)}:${emit(x, indent + 2)}`).join('')}`;
	}
	if (typeof v === 'string') return ` ${scalar(v)}\n`;
	if (v === null || v === undefined) return ' null\n';
	return ` ${String(v)}\n`;
}

/** @param {unknown} v */
export function toYaml(v) {
	return emit(v, 0).replace(/^\n/, '');
}
