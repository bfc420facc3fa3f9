/**
 * Build-time access to recordings/<runbook>.<lang>.cast (committed; written only by `npm run record`).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseCast, plainText, stepMarkers, type Cast } from './cast.ts';

/** The repository's recordings folder; `astro build` runs from the repository root. */
export const RECORDINGS_DIR = path.join(process.cwd(), 'recordings');

export const castFileName = (runbook: string, lang: string) => `${runbook}.${lang}.cast`;

/** Public URL of a recording (served by src/pages/recordings/[file].ts). */
export const castUrl = (runbook: string, lang: string) =>
	`/recordings/${castFileName(runbook, lang)}`;

export function castFiles(): string[] {
	if (!existsSync(RECORDINGS_DIR)) return [];
	return readdirSync(RECORDINGS_DIR).filter((f) => /^[a-z0-9-]+\.[a-z]{2}\.cast$/.test(f));
}

export interface RecordingView {
	url: string;
	cast: Cast;
	transcript: string;
	steps: string[];
}

/** The recording of `runbook` in `lang`, or null when there is none. */
export function loadRecording(runbook: string, lang: string): RecordingView | null {
	const file = path.join(RECORDINGS_DIR, castFileName(runbook, lang));
	if (!existsSync(file)) return null;
	const cast = parseCast(readFileSync(file, 'utf8'));
	return {
		url: castUrl(runbook, lang),
		cast,
		transcript: plainText(cast.events),
		steps: [...new Set(stepMarkers(cast.events).map((m) => m.id))],
	};
}
