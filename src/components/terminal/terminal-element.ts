/**
 * <mr-terminal>: the light half of the recording widget. It ships with the page, shows the controls once
 * JavaScript runs, and only on "play" (or a "show in recording" jump) imports player.ts, which brings
 * xterm.js and its CSS. Without JavaScript the transcript next to it tells the same run.
 *
 * API for other components: `document.querySelector('mr-terminal')?.seekToStep('scale-down')` opens the
 * player if needed and jumps to where that step starts. Any step block of the runbook-links plugin
 * (`.mr-runbook-block[data-step]`), or any element with `data-runbook-step="<id>"` (and
 * `data-runbook` naming this widget's runbook, if set) gets a small "show in recording" button.
 */
import type { Player } from './player.ts';
import type { ReplayState } from './replay.ts';

interface Strings {
	play: string;
	pause: string;
	replay: string;
	loading: string;
	loadError: string;
	showStep: string;
	showStepLabel: string;
}

class MrTerminal extends HTMLElement {
	private player: Player | null = null;
	private loading: Promise<Player | null> | null = null;

	private get strings(): Strings {
		return JSON.parse(this.dataset.strings ?? '{}') as Strings;
	}

	private el<T extends HTMLElement>(name: string): T | null {
		return this.querySelector<T>(`[data-part="${name}"]`);
	}

	connectedCallback(): void {
		for (const el of this.querySelectorAll<HTMLElement>('[data-needs-js]')) el.hidden = false;
		this.el('open')?.addEventListener('click', () => void this.open(true));
		this.el('toggle')?.addEventListener('click', () => {
			const replay = this.player?.replay;
			if (!replay) return;
			if (replay.state === 'playing') replay.pause();
			else replay.play();
		});
		this.el('restart')?.addEventListener('click', () => this.player?.replay.restart());
		this.el('skip')?.addEventListener('click', () => this.player?.replay.skipToEnd());
		this.el<HTMLSelectElement>('speed')?.addEventListener('change', (e) => {
			const value = Number((e.target as HTMLSelectElement).value);
			if (this.player) this.player.replay.speed = value;
		});
		this.addStepButtons();
	}

	disconnectedCallback(): void {
		this.player?.dispose();
		this.player = null;
		this.loading = null;
	}

	/** Loads xterm and the recording, and starts playing (unless `autoplay` is false). */
	open(autoplay = true): Promise<Player | null> {
		if (this.player) return Promise.resolve(this.player);
		this.loading ??= this.load(autoplay);
		return this.loading;
	}

	/**
	 * Opens the player if needed and jumps to where step `id` starts, playing on from there unless `play` is
	 * false; false when the run has no such step.
	 */
	async seekToStep(id: string, play = true): Promise<boolean> {
		const player = await this.open(false);
		if (!player) return false;
		const found = player.replay.seekToStep(id, play);
		if (found) this.scrollIntoView({ block: 'nearest' });
		return found;
	}

	/** What the terminal shows, scrollback included (empty before it is opened). */
	async text(): Promise<string> {
		return this.player ? this.player.text() : '';
	}

	get state(): ReplayState | 'closed' {
		return this.player?.replay.state ?? 'closed';
	}

	private async load(autoplay: boolean): Promise<Player | null> {
		const status = this.el('status');
		const open = this.el<HTMLButtonElement>('open');
		if (status) status.textContent = this.strings.loading;
		// Read before disabling: Chromium moves focus off a button the moment it is disabled.
		const hadFocus = open !== null && document.activeElement === open;
		if (open) open.disabled = true;
		try {
			const [{ createPlayer, loadStyles }, castText] = await Promise.all([
				import('./player.ts'),
				fetch(this.dataset.src ?? '').then((r) => {
					if (!r.ok) throw new Error(`HTTP ${r.status}`);
					return r.text();
				}),
			]);
			await loadStyles();
			const screen = this.el('screen');
			if (!screen) return null;
			screen.hidden = false;
			this.player = createPlayer(screen, castText, (state) => this.showState(state));
			for (const el of this.querySelectorAll<HTMLElement>('[data-when-open]')) el.hidden = false;
			// The open button disappears; a keyboard user carries on at play/pause instead of the page top.
			if (open) open.hidden = true;
			if (hadFocus) this.el('toggle')?.focus();
			if (status) status.textContent = '';
			if (autoplay) this.player.replay.play();
			else this.showState(this.player.replay.state);
			return this.player;
		} catch {
			if (status) status.textContent = this.strings.loadError;
			if (open) open.disabled = false;
			this.loading = null;
			return null;
		}
	}

	private showState(state: ReplayState): void {
		this.dataset.state = state;
		const toggle = this.el('toggle');
		if (toggle)
			toggle.textContent =
				state === 'playing'
					? this.strings.pause
					: state === 'ended'
						? this.strings.replay
						: this.strings.play;
	}

	private addStepButtons(): void {
		const steps = new Set((this.dataset.steps ?? '').split(' ').filter(Boolean));
		const runbook = this.dataset.runbook;
		// Step blocks of the runbook-links plugin carry data-step; anything else may use data-runbook-step.
		const blocks = document.querySelectorAll<HTMLElement>(
			'[data-runbook-step], .mr-runbook-block[data-step]',
		);
		for (const block of blocks) {
			const id = block.dataset.runbookStep ?? block.dataset.step ?? '';
			if (!steps.has(id) || (block.dataset.runbook && block.dataset.runbook !== runbook)) continue;
			if (block.nextElementSibling?.classList.contains('mr-terminal-jump')) continue;
			const button = document.createElement('button');
			button.type = 'button';
			button.className = 'mr-terminal-jump';
			button.textContent = this.strings.showStep;
			button.setAttribute('aria-label', this.strings.showStepLabel.replace('{{step}}', id));
			button.addEventListener('click', () => void this.seekToStep(id));
			block.after(button);
		}
	}
}

if (!customElements.get('mr-terminal')) customElements.define('mr-terminal', MrTerminal);
