/**
 * The fingerprint a recording carries: sha256 of its runbook and every module that runbook imports
 * (relative imports, followed recursively), so editing any of them makes the recording stale.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const IMPORT =
	/(?:^|[\s;])(?:import|export)\s[^'"`]*?from\s*['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)|^\s*import\s*['"](\.{1,2}\/[^'"]+)['"]/gm;

/** The runbook file and its relative imports, as paths relative to `root`, sorted. */
export function sourceClosure(root: string, runbook: string): string[] {
	const seen = new Set<string>();
	const visit = (abs: string) => {
		if (seen.has(abs)) return;
		seen.add(abs);
		const text = readFileSync(abs, 'utf8');
		for (const m of text.matchAll(IMPORT)) {
			const spec = m[1] ?? m[2] ?? m[3];
			// Usage examples in doc comments look like imports too; only files that exist count.
			const target = spec ? path.resolve(path.dirname(abs), spec) : null;
			if (target && existsSync(target)) visit(target);
		}
	};
	visit(path.join(root, 'runbooks', `${runbook}.mjs`));
	return [...seen].map((p) => path.relative(root, p).split(path.sep).join('/')).sort();
}

/** sha256 of each file, by path relative to `root`. */
export function fileHashes(root: string, files: readonly string[]): Record<string, string> {
	return Object.fromEntries(
		files.map((f) => [
			f,
			createHash('sha256')
				.update(readFileSync(path.join(root, f)))
				.digest('hex'),
		]),
	);
}

/** One sha256 over the files' paths and contents. */
export function sourceHash(root: string, files: readonly string[]): string {
	const h = createHash('sha256');
	for (const [f, sum] of Object.entries(fileHashes(root, files)).sort(([a], [b]) =>
		a < b ? -1 : 1,
	)) {
		h.update(f);
		h.update('\0');
		h.update(sum);
		h.update('\0');
	}
	return h.digest('hex');
}
