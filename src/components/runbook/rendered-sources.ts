/**
 * Highlighted runbook sources (see RunbookSource.astro), kept for the whole build in memory and between
 * builds on disk: highlighting the runbooks' few thousand lines of JavaScript is most of what rendering the
 * pages costs. A file on disk is named by everything its HTML depends on (sourceCacheFile), so a changed
 * source, Expressive Code setting or package version never reads an old one.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface RenderedSource {
	code: string;
	html: string;
	/** The copy button's opening tag as rendered, in the language of the first page that rendered it. */
	copyButton: string;
}

export const renderedSources = new Map<string, RenderedSource>();

/**
 * Where the highlighted `code` of `file` is kept: `dir`, under a name hashed from the file, its text and
 * `salt` (what else shapes the HTML: the Expressive Code settings and the versions that render them).
 */
export function sourceCacheFile(dir: string, salt: string, file: string, code: string): string {
	const key = createHash('sha256')
		.update(JSON.stringify([salt, file, code]))
		.digest('hex');
	return path.join(dir, `${key}.json`);
}

/**
 * The highlighted `code` of `file` when it is known already, from this build or from the file kept by an
 * earlier one (`cacheFile`); undefined when it must be rendered.
 */
export function knownRenderedSource(
	file: string,
	code: string,
	cacheFile: string | undefined,
): RenderedSource | undefined {
	const inMemory = renderedSources.get(file);
	if (inMemory?.code === code) return inMemory;
	const onDisk = cacheFile ? readRenderedSource(cacheFile, code) : undefined;
	if (onDisk) renderedSources.set(file, onDisk);
	return onDisk;
}

/** The entry kept in `cacheFile` for exactly this `code`; undefined when there is none (or it is torn). */
export function readRenderedSource(cacheFile: string, code: string): RenderedSource | undefined {
	try {
		const entry = JSON.parse(readFileSync(cacheFile, 'utf8')) as Partial<RenderedSource>;
		if (
			entry.code === code &&
			typeof entry.html === 'string' &&
			typeof entry.copyButton === 'string'
		)
			return { code, html: entry.html, copyButton: entry.copyButton };
	} catch {
		// Not there yet, or not ours: render afresh.
	}
	return undefined;
}

/** Keeps `entry` in `cacheFile`, written aside and renamed so a reader never sees half of it. */
export function writeRenderedSource(cacheFile: string, entry: RenderedSource): void {
	mkdirSync(path.dirname(cacheFile), { recursive: true });
	const aside = `${cacheFile}.${process.pid}.tmp`;
	writeFileSync(aside, JSON.stringify(entry));
	renameSync(aside, cacheFile);
}
