/**
 * `<mr-search>`: the client side of the search, in the header dialog and on `/<lang>/search/`. It owns
 * input handling, the URL (page mode) and rendering; ranking is engine.ts. Everything it shows is built
 * with text nodes, so a pasted `<script>` stays text.
 */
import {
	excerptParts,
	runSearch,
	RANKING,
	type Lang,
	type Outcome,
	type PagefindApi,
	type PagefindResult,
	type SymptomPage,
} from './engine.ts';

export interface SearchConfig {
	lang: Lang;
	/** `home`: the paste box of the landing pages, which works like the dialog (no URL of its own). */
	mode: 'dialog' | 'page' | 'home';
	searchPage: string;
	symptoms: SymptomPage[];
	strings: Record<
		| 'matchHeading'
		| 'matchAlso'
		| 'matchLine'
		| 'matchRunbook'
		| 'matchRunbookPage'
		| 'none'
		| 'empty'
		| 'searching'
		| 'loadError'
		| 'truncated'
		| 'recognised'
		| 'closestNote'
		| 'closest',
		string
	>;
}

interface PagefindModule extends PagefindApi {
	options(o: Record<string, unknown>): Promise<void>;
	init(): Promise<void>;
}

/** Pause after the last keystroke before searching: long enough to batch a paste, short for the 100 ms goal. */
const SETTLE_MS = 20;
/** Longest query written back into the page URL; a pasted log stays out of the history entry. */
const MAX_URL_QUERY = 2000;

let pagefindPromise: Promise<PagefindModule> | undefined;

/** Pagefind for this page's language (it reads `<html lang>`), loaded once for every `<mr-search>`. */
export function loadPagefind(): Promise<PagefindModule> {
	pagefindPromise ??= (async () => {
		const url = `${import.meta.env.BASE_URL.replace(/\/$/, '')}/pagefind/pagefind.js`;
		const pagefind = (await import(/* @vite-ignore */ url)) as PagefindModule;
		await pagefind.options({ ranking: RANKING, excerptLength: 22 });
		await pagefind.init();
		const idle = window.requestIdleCallback ?? ((cb: () => void) => setTimeout(cb, 50));
		idle(() => void warmUp(pagefind).catch(() => undefined));
		return pagefind;
	})();
	pagefindPromise.catch(() => {
		// A failed load (offline, missing index) may succeed on the next attempt.
		pagefindPromise = undefined;
	});
	return pagefindPromise;
}

/**
 * Pagefind fetches index chunks and page fragments the first time a word or page comes up, which would
 * put network round trips inside the first searches. The whole index of one language is small (see
 * `npm run bench`), so load all of it while the reader is still pasting.
 */
async function warmUp(pagefind: PagefindModule): Promise<void> {
	const pages = new Map<string, PagefindResult>();
	for (const prefix of 'abcdefghijklmnopqrstuvwxyz0123456789') {
		for (const r of (await pagefind.search(prefix))?.results ?? []) pages.set(r.id, r);
	}
	await Promise.all([...pages.values()].map((r) => r.data()));
}

export class MrSearch extends HTMLElement {
	#config!: SearchConfig;
	#input!: HTMLTextAreaElement;
	#status!: HTMLElement;
	#matches!: HTMLElement;
	#none!: HTMLElement;
	#results!: HTMLOListElement;
	#resultsHeading!: HTMLElement;
	#openPage: HTMLElement | null = null;
	#timer: ReturnType<typeof setTimeout> | undefined;
	#seq = 0;

	connectedCallback(): void {
		if (this.#input) return;
		this.#config = JSON.parse(this.dataset.config ?? '{}') as SearchConfig;
		this.#input = this.querySelector('[data-search-input]')!;
		this.#status = this.querySelector('[data-search-status]')!;
		this.#matches = this.querySelector('[data-search-matches]')!;
		this.#none = this.querySelector('[data-search-none]')!;
		this.#results = this.querySelector('[data-search-results]')!;
		this.#resultsHeading = this.querySelector('[data-search-results-heading]')!;
		this.#openPage = this.querySelector('[data-search-open-page]');
		const form = this.querySelector<HTMLFormElement>('[data-search-form]')!;

		this.#input.addEventListener('input', () => this.#schedule());
		this.#input.addEventListener('focus', () => void loadPagefind().catch(() => undefined), {
			once: true,
		});
		this.#input.addEventListener('keydown', (event) => {
			// Enter searches (Shift+Enter adds a line); in the dialog it opens the first result.
			if (event.key !== 'Enter' || event.shiftKey || event.isComposing) return;
			event.preventDefault();
			const first = this.#results.querySelector('a');
			if (this.#config.mode !== 'page' && first) first.click();
			else this.#schedule(0);
		});
		form.addEventListener('change', (event) => {
			if ((event.target as HTMLInputElement).name === 'category') this.#schedule(0);
		});
		form.addEventListener('submit', (event) => {
			if (this.#config.mode === 'page') {
				event.preventDefault();
				this.#schedule(0);
			}
		});

		if (this.#config.mode === 'page') {
			const params = new URLSearchParams(location.search);
			const q = params.get('q') ?? '';
			const category = params.get('category') ?? '';
			const radio = this.querySelector<HTMLInputElement>(
				`input[name="category"][value="${CSS.escape(category)}"]`,
			);
			if (radio) radio.checked = true;
			this.#input.value = q;
			void loadPagefind().catch(() => undefined);
			if (q.trim() !== '') {
				this.#schedule(0);
				return;
			}
		}
		this.dataset.state = 'idle';
	}

	/** Focus the text box (the dialog calls this when it opens). */
	focusInput(): void {
		this.#input.focus();
		void loadPagefind().catch(() => undefined);
	}

	#category(): string {
		return this.querySelector<HTMLInputElement>('input[name="category"]:checked')?.value ?? '';
	}

	#schedule(delay = SETTLE_MS): void {
		clearTimeout(this.#timer);
		const seq = ++this.#seq;
		this.dataset.state = 'searching';
		this.#timer = setTimeout(() => void this.#run(seq), delay);
	}

	async #run(seq: number): Promise<void> {
		const text = this.#input.value;
		const category = this.#category();
		if (this.#config.mode === 'page') this.#syncUrl(text, category);
		if (this.#openPage) {
			const link = this.#openPage.querySelector('a')!;
			link.href = this.#pageUrl(text, category);
			this.#openPage.hidden = text.trim() === '';
		}
		if (text.trim() === '') {
			this.#render(seq, undefined);
			return;
		}
		this.#status.textContent = this.#config.strings.searching;
		try {
			const pagefind = await loadPagefind();
			const started = performance.now();
			const outcome = await runSearch(pagefind, text, {
				lang: this.#config.lang,
				symptoms: this.#config.symptoms,
				category: category || undefined,
			});
			// How long ranking took, for the bench (tools/bench/search.ts).
			this.dataset.searchMs = (performance.now() - started).toFixed(1);
			this.#render(seq, outcome);
		} catch {
			if (seq !== this.#seq) return;
			this.#clear();
			this.#status.textContent = this.#config.strings.loadError;
			this.dataset.state = 'error';
		}
	}

	#pageUrl(text: string, category: string): string {
		const params = new URLSearchParams();
		if (text.trim() !== '') params.set('q', text.slice(0, MAX_URL_QUERY));
		if (category) params.set('category', category);
		const query = params.toString();
		return query ? `${this.#config.searchPage}?${query}` : this.#config.searchPage;
	}

	#syncUrl(text: string, category: string): void {
		if (text.length > MAX_URL_QUERY) return;
		const next = this.#pageUrl(text, category);
		if (next !== location.pathname + location.search) history.replaceState(null, '', next);
	}

	#clear(): void {
		this.#matches.replaceChildren();
		this.#matches.hidden = true;
		this.#none.hidden = true;
		this.#results.replaceChildren();
		this.#resultsHeading.hidden = true;
	}

	#render(seq: number, outcome: Outcome | undefined): void {
		if (seq !== this.#seq) return;
		this.#clear();
		this.#status.textContent = '';
		if (!outcome) {
			this.dataset.state = 'idle';
			return;
		}
		const s = this.#config.strings;
		const notes: string[] = [];
		if (outcome.plan.truncated) notes.push(s.truncated);

		if (outcome.matches.length > 0) {
			outcome.matches.forEach((m, i) => {
				const box = el('div', { class: 'mr-search-match', 'data-signature-match': m.symptom });
				const head = el('p');
				head.append(el('strong', {}, i === 0 ? s.matchHeading : s.matchAlso), ' ');
				if (m.page) head.append(el('a', { href: m.page.url }, m.page.title));
				else head.append(m.symptom);
				box.append(head, el('p', {}, m.explain));
				const line = el('p');
				line.append(
					s.matchLine.replace('{{line}}', String(m.lineNumber)),
					' ',
					el('code', { class: 'mr-search-line', dir: 'auto' }, m.line),
				);
				box.append(line);
				const runbook = el('p');
				runbook.append(
					`${s.matchRunbook} `,
					el('code', {}, `npx zx runbooks/${m.page?.runbook ?? m.symptom}.mjs`),
				);
				if (m.page?.runbookUrl) {
					runbook.append(' · ', el('a', { href: m.page.runbookUrl }, s.matchRunbookPage));
				}
				box.append(runbook);
				this.#matches.append(box);
			});
			this.#matches.hidden = false;
		} else {
			// No signature: never "this is the error of". Closest pages, if any, are labelled as a hint.
			this.#none.textContent = outcome.closest.length > 0 ? s.closestNote : s.none;
			this.#none.hidden = false;
		}

		for (const r of outcome.results) {
			const item = el('li', { class: 'mr-search-result' });
			const link = el('a', { href: r.url, class: 'pagefind-ui__result-link' }, r.title);
			item.append(link);
			if (r.recognised) item.append(el('span', { class: 'mr-search-badge' }, s.recognised));
			else if (r.closest)
				item.append(el('span', { class: 'mr-search-badge mr-search-badge--closest' }, s.closest));
			const excerpt = el('p', { dir: 'auto' });
			for (const part of excerptParts(r.excerpt)) {
				excerpt.append(part.mark ? el('mark', {}, part.text) : part.text);
			}
			item.append(excerpt);
			this.#results.append(item);
		}
		this.#resultsHeading.hidden = outcome.results.length === 0;
		if (outcome.results.length === 0) notes.push(s.empty);
		this.#status.textContent = notes.join(' ');
		this.dataset.state = 'done';
	}
}

function el<K extends keyof HTMLElementTagNameMap>(
	tag: K,
	attrs: Record<string, string> = {},
	text?: string,
): HTMLElementTagNameMap[K] {
	const node = document.createElement(tag);
	for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
	if (text !== undefined) node.textContent = text;
	return node;
}

export function defineSearchElement(): void {
	if (!customElements.get('mr-search')) customElements.define('mr-search', MrSearch);
}
