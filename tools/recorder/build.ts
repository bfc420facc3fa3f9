/**
 * Turns a raw pty session into the committed cast: output cut into lines (and at each prompt, so the
 * question shows before its answer), everything that differs between two runs of the same scenario
 * replaced by a stable stand-in, long waits shortened, and a step marker where each step starts.
 */
import { formatCommand } from '../../runbooks/lib/shell.mjs';
import { STEP_MARKER, stripAnsi, type CastEvent } from '../../src/components/terminal/cast.ts';
import type { PtyResult } from './pty.ts';

/** Longest pause kept in a recording: waiting for a pod is shown, not sat through. */
export const MAX_PAUSE = 1.5;

export interface Segment {
	time: number;
	data: string;
}

/** Cuts the output at every newline and at every prompt; a piece is timed by the arrival of its last byte. */
export function segments(run: PtyResult): Segment[] {
	const cuts = new Set(run.answers);
	const out: Segment[] = [];
	let offset = 0;
	let current = '';
	for (const chunk of run.chunks) {
		for (const ch of chunk.data) {
			current += ch;
			offset += ch.length;
			if (ch === '\n' || cuts.has(offset)) {
				out.push({ time: chunk.time, data: current });
				current = '';
			}
		}
	}
	if (current) out.push({ time: run.chunks[run.chunks.length - 1]?.time ?? 0, data: current });
	return out;
}

/**
 * Replaces what changes from run to run. `literal` pairs (temp folders, ports the scenario knows) go first;
 * then ids, times and ages, which the stand-in and etcd make up anew each time.
 */
export function normalizer(literal: readonly [string, string][]): (text: string) => string {
	const pairs = literal.filter(([from]) => from !== '').sort((a, b) => b[0].length - a[0].length);
	const ids = new Map<string, string>();
	const perName = new Map<string, number>();
	let unnamed = 0;
	// Made-up but well-formed ids: a member's id follows from its pod name (and how many ids that name has
	// had), so table rows keep the same id from run to run; other ids (cluster ids) count up by appearance.
	const fakeId = (real: string, name: string | undefined) => {
		let v = ids.get(real);
		if (v) return v;
		if (name) {
			const n = perName.get(name) ?? 0;
			perName.set(name, n + 1);
			const ordinal = Number(/(\d+)$/.exec(name)?.[1] ?? 0);
			v = (
				0x8e9e05c52164694dn +
				BigInt(ordinal) * 0x1111111111111n +
				BigInt(n) * 0x10101n
			).toString(16);
		} else {
			v = (0xc0ffee0000000000n + BigInt(++unnamed) * 0x1234567n).toString(16);
		}
		ids.set(real, v);
		return v;
	};
	return (text) => {
		let s = text;
		for (const [from, to] of pairs) s = s.split(from).join(to);
		// An id belongs to the member named nearest to it on its line (`name=id`, a table row, a URL).
		const names = [...s.matchAll(/\b[a-z0-9-]+?-etcd-\d+\b/g)].map((m) => ({
			name: m[0],
			at: m.index ?? 0,
		}));
		// Distance is the gap between the two (a name before the id counts from its end).
		const nearest = (at: number, length: number) =>
			names.reduce<{ name: string; d: number } | null>((best, n) => {
				const d = n.at < at ? at - (n.at + n.name.length) : n.at - (at + length);
				return best && best.d <= d ? best : { name: n.name, d };
			}, null)?.name;
		return (
			s
				// Temp folders the stand-in or a runbook made (mkdtemp's six random characters).
				.replace(/\/tmp\/[A-Za-z0-9._-]*?-[A-Za-z0-9]{6}(?=[/\s'"),:]|$)/g, '/tmp/rescue-XXXXXX')
				// Member and cluster ids: etcdctl prints them as unpadded hex, so 12 to 16 digits (now and then
				// without a single letter).
				.replace(/\b(?:(?=[0-9a-f]*[a-f])[0-9a-f]{12,16}|\d{16})\b/g, (m, at: number) =>
					fakeId(m, nearest(at, m.length)),
				)
				// `a=id, b=id` lists come in the order of the real ids.
				.replace(/[\w.-]+-etcd-\d+=[0-9a-f]+(?:, [\w.-]+-etcd-\d+=[0-9a-f]+)+/g, (m) =>
					m.split(', ').sort().join(', '),
				)
				// A StatefulSet's revision hash.
				.replace(/\b([a-z0-9-]+-etcd)-[0-9a-f]{10}\b/g, '$1-7d9c6b5f84')
				// How full a member's bbolt file was when it was copied depends on etcd's batch commits. A Secret's
				// key sizes in `kubectl describe secret` (`accesskey:  10 bytes`) do not vary: they stay.
				.replace(/(?<![\w.-]+: {2,})\b\d+ (bytes?)\b/g, '77824 $1')
				.replace(/\btxid \d+/g, 'txid 10')
				.replace(/\b(meta page(?: bbolt)?) \d\b/g, '$1 0')
				.replace(
					/\b(?:\d{4}[-/]\d{2}[-/]\d{2}[T ])?\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?\b/g,
					(m) => m.replace(/\d/g, '0'),
				)
				// Backup file names carry the moment they were taken.
				.replace(/\b\d{8}T\d{6}\b/g, '20240603T081400')
				// kubectl describe's event counts grow while a pod waits.
				.replace(/ \(x\d+ over [^)]*\)/g, '')
				// kubectl's RESTARTS column of a crash-looping pod depends on how long the loop ran.
				.replace(/\b\d+ \((\S+) ago\)/g, '3 ($1 ago)')
				// kubectl's AGE column and durations ("12s", "3m4s", "1.2s", "850ms").
				.replace(/\b\d+(?:\.\d+)?(?:ms|s)\b|\b\d+m\d*s?\b|\b\d+h\d*m?\b/g, '0s')
				// A loopback port nobody mapped (helper pods, port-forwards).
				.replace(/127\.0\.0\.1:(?!(?:2379|2380|9091|19530)\b)\d{4,5}\b/g, '127.0.0.1:PORT')
		);
	};
}

/**
 * etcdctl prints table rows sorted by the real member id, which is random: sort the rows of every table
 * by their (normalised) text instead, keeping each time slot where it was.
 */
export function sortTableRows(events: CastEvent[]): CastEvent[] {
	const out = events.slice();
	const isBorder = (e: CastEvent | undefined) =>
		e?.type === 'o' && /^\s*\+-[-+]*\+\s*$/.test(stripAnsi(e.data));
	const isRow = (e: CastEvent | undefined) =>
		e?.type === 'o' && /^\s*\|.*\|\s*$/.test(stripAnsi(e.data));
	for (let i = 0; i < out.length; i++) {
		// border, header row, border, rows…, border
		if (!(isBorder(out[i]) && isRow(out[i + 1]) && isBorder(out[i + 2]))) continue;
		let j = i + 3;
		while (isRow(out[j])) j++;
		const rows = out.slice(i + 3, j);
		const sorted = rows.map((e) => e.data).sort();
		rows.forEach((e, k) => (out[i + 3 + k] = { ...e, data: sorted[k] ?? e.data }));
		i = j;
	}
	return out;
}

/**
 * The text two recordings of one scenario must share: the terminal's plain text with runs of spaces
 * collapsed (kubectl pads columns to their widest cell) and numbers inside etcdctl's tables masked (raft
 * indexes and db sizes move with timing). etcdctl sizes a table's borders to its widest cell, and a member
 * id is 15 or 16 hex digits as it happens, so borders are compared by their columns, not their widths.
 */
const TIMING_FIGURES =
	/raft index \d+|raft term \d+|^\s*WAL |entries \d+\.\.\d+|HardState commit|db index|committed index|replayed|uncommitted|writes possibly missing|of quota|kuota/;

/** kubectl's rollout status progress for a StatefulSet (kubectl/pkg/polymorphichelpers/rollout_status.go). */
const ROLLOUT_PROGRESS =
	/^\s*(?:Waiting for \d+ pods to be ready\.\.\.|Waiting for partitioned roll out to finish: .*|waiting for statefulset rolling update to complete .*)$/;

export function comparableText(plain: string): string {
	const isRow = (line: string) => /^\s*\|.*\|\s*$/.test(line);
	const isBorder = (line: string) => /^\s*\+-[-+]*\+\s*$/.test(line);
	const lines = plain
		.split('\n')
		// Which members raised the NOSPACE alarm before the writes stopped is a race.
		.filter((line) => !/^\s*(active alarm|alarm aktif): memberID:/.test(line))
		// `kubectl rollout status` prints a progress line for each state its watch happens to see before the
		// rollout completes (pods becoming Ready one by one): how many is timing, the final line is not.
		.filter((line) => !ROLLOUT_PROGRESS.test(line))
		.map((line) => {
			if (isBorder(line)) return line.trim().replace(/-+/g, '-');
			if (isRow(line)) return line.replace(/\d+/g, '#').replace(/\s+/g, ' ');
			// Figures that move with timing outside the tables: a survivor's raft index, WAL entry counts and
			// indexes. A PV folder carries a random suffix per cluster.
			const masked = TIMING_FIGURES.test(line) ? line.replace(/\d+/g, '#') : line;
			return masked
				.replace(/(\/volumes\/[a-z0-9-]+?)-[0-9a-f]{8}\b/g, '$1')
				.replace(/ {2,}/g, '  ');
		});
	// Once numbers are masked, rows of one table can no longer be told apart by id, so their order (which
	// follows the random member ids) is not part of what two runs must share.
	for (let i = 0; i < lines.length;) {
		let j = i;
		while (j < lines.length && isRow(lines[j] ?? '')) j++;
		if (j - i > 1) lines.splice(i, j - i, ...lines.slice(i, j).sort());
		i = Math.max(j, i + 1);
	}
	// `kubectl describe secret` lists a Secret's keys in Go map order, which is random: sort the lines of each
	// `Data` block (from its `====` underline to the next blank line).
	for (let i = 0; i < lines.length; i++) {
		if (lines[i]?.trim() !== '====' || lines[i - 1]?.trim() !== 'Data') continue;
		let j = i + 1;
		while (j < lines.length && (lines[j] ?? '').trim() !== '') j++;
		lines.splice(i + 1, j - i - 1, ...lines.slice(i + 1, j).sort());
		i = j;
	}
	return lines.join('\n');
}

export interface StepInfo {
	id: string;
	title: string;
	command: string | null;
}

const HEADING = /^(?:Step|Langkah) (\d+)\/(\d+) \[[^\]]*\] (.*)$/;
const PINS = /^(kubectl)((?: (?:--context|-n|--namespace) \S+)+)(?= )/;

/** `kubectl --context x -n y get pods` → `kubectl get pods`, the form --describe prints. */
export function unpin(command: string): string {
	return command.replace(PINS, '$1');
}

/**
 * Where each step starts: at a step heading (its `$ command` line names which step of the runbook's
 * --describe it is, else its title does), or for the diagnostic runbooks, which print no headings, at the
 * first `$ command` line equal to a step's command.
 */
export function markSteps(events: readonly CastEvent[], steps: readonly StepInfo[]): CastEvent[] {
	// --describe renders the steps for its example facts (one crashed member, say); a real run repeats a
	// step per member, so a member's ordinal is not part of what names a step when nothing matches exactly.
	const general = (text: string) => text.replace(/(-etcd-)\d+/g, '$1N');
	const exactCommand = new Map<string, string>();
	const exactTitle = new Map<string, string>();
	const looseCommand = new Map<string, string>();
	const looseTitle = new Map<string, string>();
	for (const s of steps) {
		if (s.command && !exactCommand.has(s.command)) exactCommand.set(s.command, s.id);
		if (s.command && !looseCommand.has(general(s.command)))
			looseCommand.set(general(s.command), s.id);
		if (!exactTitle.has(s.title)) exactTitle.set(s.title, s.id);
		if (!looseTitle.has(general(s.title))) looseTitle.set(general(s.title), s.id);
	}
	// Last resort: a figure of the run (a revision to compact at, an etcd member id in hex) differs from the
	// example's.
	const figures = (text: string) =>
		general(text)
			.replace(/\b[0-9a-f]{8,16}\b/g, '#')
			.replace(/\d+/g, '#');
	const figureCommand = new Map<string, string>();
	const figureTitle = new Map<string, string>();
	for (const s of steps) {
		if (s.command && !figureCommand.has(figures(s.command)))
			figureCommand.set(figures(s.command), s.id);
		if (!figureTitle.has(figures(s.title))) figureTitle.set(figures(s.title), s.id);
	}
	const byCommand = {
		get: (c: string) =>
			exactCommand.get(c) ?? looseCommand.get(general(c)) ?? figureCommand.get(figures(c)),
	};
	const byTitle = {
		get: (t: string) =>
			exactTitle.get(t) ?? looseTitle.get(general(t)) ?? figureTitle.get(figures(t)),
	};
	const out: CastEvent[] = [];
	let heading: { index: number; time: number; title: string } | null = null;
	const marked = new Set<string>();
	const place = (index: number, time: number, id: string) => {
		out.splice(index, 0, { time, type: 'm', data: `${STEP_MARKER}${id}` });
		marked.add(id);
	};
	for (const e of events) {
		out.push(e);
		if (e.type !== 'o') continue;
		const line = stripAnsi(e.data)
			.replace(/\r?\n$/, '')
			.trim();
		const h = HEADING.exec(line);
		if (h) {
			if (heading) {
				const id = byTitle.get(heading.title);
				if (id) place(heading.index, heading.time, id);
			}
			heading = { index: out.length - 1, time: e.time, title: h[3] ?? '' };
			continue;
		}
		if (line.startsWith('$ ')) {
			const id = byCommand.get(unpin(line.slice(2)));
			if (heading) {
				const chosen = id ?? byTitle.get(heading.title);
				if (chosen) place(heading.index, heading.time, chosen);
				heading = null;
			} else if (id && !marked.has(id)) {
				place(out.length - 1, e.time, id);
			}
			continue;
		}
		if (heading && line !== '') {
			// A step without a command (computed on this machine): only its title can name it.
			const id = byTitle.get(heading.title);
			if (id) place(heading.index, heading.time, id);
			heading = null;
		}
	}
	return out;
}

/** Output events from a pty run: normalised, pauses capped, the shown invocation first. */
export function castEvents(
	run: PtyResult,
	shown: readonly string[],
	normalize: (s: string) => string,
): CastEvent[] {
	const events: CastEvent[] = [
		{ time: 0, type: 'o', data: `\u001b[1;32m$\u001b[0m ${formatCommand(shown)}\r\n` },
	];
	let last = 0;
	let clock = 0.5;
	for (const seg of segments(run)) {
		clock += Math.min(Math.max(seg.time - last, 0), MAX_PAUSE);
		last = seg.time;
		const data = normalize(seg.data);
		if (data !== '') events.push({ time: Math.round(clock * 1000) / 1000, type: 'o', data });
	}
	return sortTableRows(events);
}
