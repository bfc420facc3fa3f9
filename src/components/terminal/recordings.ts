/**
 * Build-time access to public/recordings/<runbook>.<lang>.cast (committed; written only by `npm run record`,
 * served as they are from public/, so the widget fetches the very file the transcript is built from).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseCast, plainText, stepMarkers, type Cast } from './cast.ts';

/** The repository's recordings folder; `astro build` runs from the repository root. */
export const RECORDINGS_DIR = path.join(process.cwd(), 'public', 'recordings');

export const castFileName = (runbook: string, lang: string) => `${runbook}.${lang}.cast`;

/** Public URL of a recording (public/recordings/ is served at /recordings/). */
export const castUrl = (runbook: string, lang: string) =>
	`/recordings/${castFileName(runbook, lang)}`;

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
