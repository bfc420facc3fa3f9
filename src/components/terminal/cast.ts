/**
 * asciicast v2 as the recorder writes it and the widget plays it. Browser-safe (no Node imports): the
 * widget, the page's plain-text transcript, the recorder and the tests all read casts through this file.
 */

export interface CastHeader {
	version: 2;
	width: number;
	height: number;
	title?: string;
	env?: Record<string, string>;
	/** Our fields (asciicast players ignore unknown header keys). */
	runbook: string;
	lang: string;
	/** The invocation shown at the top of the recording. */
	command: string;
	/** sha256 of the runbook and every lib module it imports, when it was recorded. */
	source_hash: string;
	/** sha256 of each of those files, by path relative to the repository root. */
	sources: Record<string, string>;
	/** Exit code of the recorded run. */
	exit_code: number | null;
}

/** `o`: output text; `m`: marker (we label step starts `step:<id>`). */
export interface CastEvent {
	time: number;
	type: 'o' | 'm';
	data: string;
}

export interface Cast {
	header: CastHeader;
	events: CastEvent[];
}

export const STEP_MARKER = 'step:';

/** Parses the newline-delimited JSON of a v2 cast; throws one clear message when it is not one. */
export function parseCast(text: string): Cast {
	const lines = text.split('\n').filter((l) => l.trim() !== '');
	const first = lines.shift();
	if (first === undefined) throw new Error('empty recording');
	const header = JSON.parse(first) as CastHeader;
	if (header.version !== 2)
		throw new Error(`not an asciicast v2 recording (version ${String(header.version)})`);
	const events: CastEvent[] = [];
	for (const line of lines) {
		const ev = JSON.parse(line) as unknown;
		if (!Array.isArray(ev) || typeof ev[0] !== 'number' || typeof ev[2] !== 'string')
			throw new Error(`bad event line: ${line.slice(0, 80)}`);
		if (ev[1] === 'o' || ev[1] === 'm') events.push({ time: ev[0], type: ev[1], data: ev[2] });
	}
	return { header, events };
}

export function serializeCast(cast: Cast): string {
	const lines = [JSON.stringify(cast.header)];
	for (const e of cast.events) lines.push(JSON.stringify([e.time, e.type, e.data]));
	return `${lines.join('\n')}\n`;
}

// CSI (colours, cursor moves), OSC (titles) and the lone two-byte escapes a terminal program may print.
const ANSI =
	/\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-Z\\-_]/g;

export function stripAnsi(text: string): string {
	return text.replace(ANSI, '');
}

/**
 * What the terminal ends up showing, as plain text: colours dropped, CRLF made LF, and a carriage return
 * inside a line (a progress line redrawn in place) keeps only what was written last.
 */
export function plainText(events: readonly CastEvent[]): string {
	const raw = stripAnsi(
		events
			.filter((e) => e.type === 'o')
			.map((e) => e.data)
			.join(''),
	).replace(/\r+\n/g, '\n');
	return raw
		.split('\n')
		.map((line) => {
			const parts = line.split('\r');
			return parts[parts.length - 1] ?? '';
		})
		.join('\n')
		.replace(/[ \t]+$/gm, '')
		.replace(/\n+$/, '');
}

/** Step markers in order of appearance: `[{ id, time }]` (a repeated id appears once per run of it). */
export function stepMarkers(events: readonly CastEvent[]): { id: string; time: number }[] {
	return events
		.filter((e) => e.type === 'm' && e.data.startsWith(STEP_MARKER))
		.map((e) => ({ id: e.data.slice(STEP_MARKER.length), time: e.time }));
}
