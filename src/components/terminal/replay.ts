/**
 * Replays cast events onto a screen in real time (scaled by a speed), with pause, restart, seek and skip.
 * No xterm here: the player wires it to an xterm Terminal, tests can drive it with any `Screen`.
 */
import { stepMarkers, type CastEvent } from './cast.ts';

export interface Screen {
	write(data: string): void;
	reset(): void;
}

export type ReplayState = 'playing' | 'paused' | 'ended';

export class Replay {
	readonly output: CastEvent[];
	readonly markers: { id: string; time: number }[];
	readonly duration: number;
	private pos = 0;
	private clock = 0;
	private speedValue = 1;
	private timer: ReturnType<typeof setTimeout> | undefined;
	private lastWall = 0;
	private stateValue: ReplayState = 'paused';

	constructor(
		events: readonly CastEvent[],
		private readonly screen: Screen,
		private readonly onState: (state: ReplayState) => void = () => {},
	) {
		this.output = events.filter((e) => e.type === 'o');
		this.markers = stepMarkers(events);
		this.duration = this.output[this.output.length - 1]?.time ?? 0;
	}

	get state(): ReplayState {
		return this.stateValue;
	}

	get speed(): number {
		return this.speedValue;
	}

	set speed(value: number) {
		this.advanceClock();
		this.speedValue = value > 0 ? value : 1;
		if (this.stateValue === 'playing') this.schedule();
	}

	play(): void {
		if (this.stateValue === 'ended') {
			this.restart();
			return;
		}
		this.lastWall = performance.now();
		this.setState('playing');
		this.tick();
	}

	pause(): void {
		if (this.stateValue !== 'playing') return;
		this.advanceClock();
		clearTimeout(this.timer);
		this.setState('paused');
	}

	restart(): void {
		clearTimeout(this.timer);
		this.screen.reset();
		this.pos = 0;
		this.clock = 0;
		this.stateValue = 'paused';
		this.play();
	}

	skipToEnd(): void {
		clearTimeout(this.timer);
		this.flushUntil(Infinity);
		this.clock = this.duration;
		this.setState('ended');
	}

	/** Shows the screen as it was at `time` (seconds), then plays on from there unless `play` is false. */
	seek(time: number, play = true): void {
		const wasPlaying = this.stateValue === 'playing';
		clearTimeout(this.timer);
		if (time < this.clock || this.stateValue === 'ended') {
			this.screen.reset();
			this.pos = 0;
		}
		// Everything up to the target appears at once, the step's own heading included.
		this.flushUntil(time);
		this.clock = time;
		this.stateValue = 'paused';
		if (play && (wasPlaying || this.pos < this.output.length)) this.play();
		else this.setState('paused');
	}

	/** Jumps to where step `id` starts; false when the recording has no such step. */
	seekToStep(id: string, play = true): boolean {
		const marker = this.markers.find((m) => m.id === id);
		if (!marker) return false;
		this.seek(marker.time, play);
		return true;
	}

	stop(): void {
		clearTimeout(this.timer);
		this.setState('paused');
	}

	private setState(state: ReplayState): void {
		this.stateValue = state;
		this.onState(state);
	}

	private advanceClock(): void {
		if (this.stateValue !== 'playing') return;
		const now = performance.now();
		this.clock += ((now - this.lastWall) / 1000) * this.speedValue;
		this.lastWall = now;
	}

	private flushUntil(time: number): void {
		let chunk = '';
		while (this.pos < this.output.length && (this.output[this.pos]?.time ?? 0) <= time) {
			chunk += this.output[this.pos]?.data ?? '';
			this.pos++;
		}
		if (chunk) this.screen.write(chunk);
	}

	private tick = (): void => {
		this.advanceClock();
		this.flushUntil(this.clock);
		if (this.pos >= this.output.length) {
			this.setState('ended');
			return;
		}
		this.schedule();
	};

	private schedule(): void {
		clearTimeout(this.timer);
		const next = this.output[this.pos];
		if (!next) return;
		const wait = Math.max(0, ((next.time - this.clock) * 1000) / this.speedValue);
		this.timer = setTimeout(this.tick, wait);
	}
}
