import { readdirSync } from 'node:fs';
import path from 'node:path';

/** Site order: the overall check first, then every other runbook by name. */
const FIRST = ['diagnose'];

/** Names of `runbooks/*.mjs` under `root` (not the toolkit in runbooks/lib), in site order. */
export function listRunbookNames(root: string): string[] {
	const names = readdirSync(path.join(root, 'runbooks'), { withFileTypes: true })
		.filter((e) => e.isFile() && /^[a-z][a-z0-9-]*\.mjs$/.test(e.name))
		.map((e) => e.name.replace(/\.mjs$/, ''))
		.sort();
	return [...FIRST.filter((n) => names.includes(n)), ...names.filter((n) => !FIRST.includes(n))];
}
