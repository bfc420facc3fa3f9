/**
 * The heavy half of the widget, loaded by terminal-element.ts with import() only when a reader opens the
 * recording: xterm.js, its fit addon and its stylesheet never reach a page that is only read.
 */
import { Terminal, type ITheme } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
// As a URL, not an import: an imported stylesheet would be linked from every page that has the widget.
import xtermCss from '@xterm/xterm/css/xterm.css?url';
import { parseCast } from './cast.ts';
import { Replay, type ReplayState } from './replay.ts';

// Close to Starlight's own code-block colours, so the terminal sits in the page in both themes.
const THEMES: Record<'light' | 'dark', ITheme> = {
	dark: {
		background: '#17181c',
		foreground: '#e6e6e6',
		cursor: '#17181c',
		black: '#3b3d45',
		red: '#ff7b72',
		green: '#7ee787',
		yellow: '#f2cc60',
		blue: '#79c0ff',
		magenta: '#d2a8ff',
		cyan: '#76e3ea',
		white: '#e6e6e6',
		brightBlack: '#8b8e98',
	},
	light: {
		background: '#f6f7f9',
		foreground: '#1f2328',
		cursor: '#f6f7f9',
		black: '#1f2328',
		red: '#b3261e',
		green: '#116329',
		yellow: '#7d4e00',
		blue: '#0550ae',
		magenta: '#8250df',
		cyan: '#0a6b75',
		white: '#6e7781',
		brightBlack: '#57606a',
	},
};

export const currentTheme = (): 'light' | 'dark' =>
	document.documentElement.dataset.theme === 'light' ? 'light' : 'dark';

export interface Player {
	replay: Replay;
	terminal: Terminal;
	/** Every line of the terminal's buffer (scrollback included), as text, once pending writes are parsed. */
	text(): Promise<string>;
	dispose(): void;
}

/** Adds xterm's stylesheet to the page (once) and resolves when it has loaded, so xterm measures right. */
export function loadStyles(): Promise<void> {
	const existing = document.querySelector<HTMLLinkElement>('link[data-xterm-css]');
	if (existing) return Promise.resolve();
	const link = document.createElement('link');
	link.rel = 'stylesheet';
	link.href = xtermCss;
	link.dataset.xtermCss = '';
	const loaded = new Promise<void>((resolve) => {
		link.addEventListener('load', () => resolve(), { once: true });
		// A stylesheet that fails still leaves a usable (if plainer) terminal.
		link.addEventListener('error', () => resolve(), { once: true });
	});
	document.head.append(link);
	return loaded;
}

export function createPlayer(
	host: HTMLElement,
	castText: string,
	onState: (state: ReplayState) => void,
): Player {
	const cast = parseCast(castText);
	const terminal = new Terminal({
		cols: cast.header.width,
		rows: cast.header.height,
		convertEol: false,
		disableStdin: true,
		cursorBlink: false,
		scrollback: 20_000,
		fontSize: 13,
		fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace',
		theme: THEMES[currentTheme()],
		// Recordings use bright ANSI colours the palettes leave at xterm's defaults (e.g. #fce94f), unreadable
		// on the light background; xterm darkens or lightens any cell below WCAG AA contrast.
		minimumContrastRatio: 4.5,
	});
	const fit = new FitAddon();
	terminal.loadAddon(fit);
	terminal.open(host);
	// The terminal is a replay, not an input, and sits inside aria-hidden: keep its helper textarea out of
	// the tab order so keyboard focus never disappears into it.
	terminal.textarea?.setAttribute('tabindex', '-1');
	const resize = () => {
		// Narrow screens get fewer columns (lines wrap); never more than the recording was made with.
		const d = fit.proposeDimensions();
		if (d && Number.isFinite(d.cols))
			terminal.resize(Math.max(20, Math.min(d.cols, cast.header.width)), cast.header.height);
	};
	resize();
	const observer = new ResizeObserver(resize);
	observer.observe(host);
	// Starlight's theme switch flips data-theme on <html>; follow it while the terminal is open.
	const themeWatch = new MutationObserver(() => {
		terminal.options.theme = THEMES[currentTheme()];
	});
	themeWatch.observe(document.documentElement, {
		attributes: true,
		attributeFilter: ['data-theme'],
	});

	const replay = new Replay(
		cast.events,
		{ write: (data) => terminal.write(data), reset: () => terminal.reset() },
		onState,
	);
	return {
		replay,
		terminal,
		async text() {
			await new Promise<void>((resolve) => terminal.write('', resolve));
			const buffer = terminal.buffer.active;
			const lines: string[] = [];
			for (let i = 0; i < buffer.length; i++)
				lines.push(buffer.getLine(i)?.translateToString(true) ?? '');
			return lines.join('\n').replace(/\n+$/, '');
		},
		dispose() {
			replay.stop();
			observer.disconnect();
			themeWatch.disconnect();
			terminal.dispose();
		},
	};
}
