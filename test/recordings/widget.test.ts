// The terminal widget in Chromium on built pages: nothing of xterm loads until the reader opens it; then
// the recorded run plays, restarts, skips to its end and jumps to a step; the transcript is in the HTML for
// readers without JavaScript; the terminal follows the site's theme.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { Page, Response } from 'playwright-core';
import { castPath } from '../../tools/recorder/record.ts';
import type { Lang } from '../../tools/recorder/scenarios.ts';
import { parseCast, plainText, stepMarkers } from '../../src/components/terminal/cast.ts';
import { decodeEntities, openBrowser, useSiteInBrowser } from '../support/index.ts';

const RUNBOOK = 'etcd-bad-member-id';
const TIMEOUT = 180_000;

const site = useSiteInBrowser({ timeout: 15 * 60_000 });

const transcript = (lang: Lang) =>
	plainText(parseCast(readFileSync(castPath(RUNBOOK, lang), 'utf8')).events);
const lines = (text: string) => text.split('\n').filter((l) => l.trim() !== '');

/** xterm's code and stylesheet, recognised by what they contain rather than by a chunk name. */
const XTERM_MARKS = ['xterm-helper-textarea', '.xterm-viewport'];

interface Fetched {
	url: string;
	body: string;
}

async function watchAssets(page: Page): Promise<Fetched[]> {
	const seen: Fetched[] = [];
	page.on('response', (res: Response) => {
		const type = res.request().resourceType();
		if (type !== 'script' && type !== 'stylesheet' && type !== 'fetch') return;
		void res
			.text()
			.then((body) => seen.push({ url: res.url(), body }))
			.catch(() => undefined);
	});
	return seen;
}

const hasXterm = (assets: Fetched[]) =>
	assets.filter((a) => XTERM_MARKS.some((m) => a.body.includes(m))).map((a) => a.url);

const termText = (page: Page) =>
	page.evaluate(() =>
		(document.querySelector('mr-terminal') as unknown as { text(): Promise<string> }).text(),
	);
const state = (page: Page) =>
	page.evaluate(() => document.querySelector<HTMLElement>('mr-terminal')?.dataset.state ?? '');

test(
	'symptom page: no xterm until opened; then play, skip, restart and jump to a step',
	{ timeout: TIMEOUT },
	async (t) => {
		const page = await site.browser.context.newPage();
		t.after(() => page.close());
		const assets = await watchAssets(page);
		await page.goto(`${site.server.url}/en/${RUNBOOK}/`, { waitUntil: 'load' });
		await page.waitForLoadState('networkidle');
		assert.ok(assets.length > 0, 'the page loaded its own scripts or styles');
		assert.deepEqual(hasXterm(assets), [], 'xterm was fetched before the widget was opened');
		assert.ok(
			!assets.some((a) => a.url.endsWith('.cast')),
			'the recording was fetched before the widget was opened',
		);

		await page.locator('mr-terminal button[data-part="open"]').click();
		await page.locator('mr-terminal .xterm').waitFor({ state: 'visible', timeout: 60_000 });
		await page.waitForLoadState('networkidle');
		assert.ok(hasXterm(assets).length > 0, 'opening the widget loads xterm');

		const all = lines(transcript('en'));
		const first = all[0] ?? '';
		const last = all[all.length - 1] ?? '';
		assert.match(first, /^\$ npx zx runbooks\/etcd-bad-member-id\.mjs/);

		// Skip to the end: the whole run is in the terminal's buffer.
		await page.locator('mr-terminal [data-part="skip"]').click();
		await page.waitForFunction(
			() => document.querySelector<HTMLElement>('mr-terminal')?.dataset.state === 'ended',
		);
		let text = await termText(page);
		assert.ok(text.includes(first), `first line missing:\n${text.slice(0, 500)}`);
		assert.ok(text.includes(last), `last line missing:\n${text.slice(-500)}`);

		// Restart: the screen starts over from the first line; the end is not there yet.
		await page.locator('mr-terminal [data-part="speed"]').selectOption('0.5');
		await page.locator('mr-terminal [data-part="restart"]').click();
		assert.equal(await state(page), 'playing');
		text = await termText(page);
		assert.ok(text.includes(first), 'restart shows the first line');
		assert.ok(!text.includes(last), 'restart cleared the end of the run');

		// Pause holds the screen.
		await page.locator('mr-terminal [data-part="toggle"]').click();
		assert.equal(await state(page), 'paused');

		// A jump to a step shows the run up to that step's heading, and not what comes after it.
		const markers = stepMarkers(parseCast(readFileSync(castPath(RUNBOOK, 'en'), 'utf8')).events);
		assert.ok(markers.some((m) => m.id === 'restart-pod'));
		// Paused right at the jump (same task), so a slow machine cannot let the run play past the step.
		const found = await page.evaluate(() =>
			(
				document.querySelector('mr-terminal') as unknown as {
					seekToStep(id: string, play: boolean): Promise<boolean>;
				}
			).seekToStep('restart-pod', false),
		);
		assert.equal(found, true);
		assert.equal(await state(page), 'paused');
		text = await termText(page);
		assert.match(text, /Step 4\/5 \[changes\] Restart my-release-etcd-1/);
		assert.doesNotMatch(text, /Step 5\/5/);
		assert.ok(!text.includes(last));
	},
);

test(
	'the transcript is in the HTML, without escape codes, in the page language',
	{ timeout: TIMEOUT },
	async () => {
		for (const lang of ['en', 'id'] as const) {
			for (const path of [`/${lang}/${RUNBOOK}/`, `/${lang}/runbooks/${RUNBOOK}/`]) {
				const html = await (await fetch(`${site.server.url}${path}`)).text();
				const pre =
					/<details class="mr-terminal__transcript[^"]*"[^>]*>[\s\S]*?<pre[^>]*><code[^>]*>([\s\S]*?)<\/code><\/pre>/.exec(
						html,
					);
				assert.ok(pre, `no transcript on ${path}`);
				const shown = decodeEntities(pre[1] ?? '');
				assert.equal(shown, transcript(lang), `${path} shows a different transcript`);
				assert.doesNotMatch(shown, /\u001b/);
				assert.match(
					html,
					/<mr-terminal[^>]*data-src="\/recordings\/etcd-bad-member-id\.[a-z]{2}\.cast"/,
				);
				// The page links the recording but loads no xterm: its module scripts mention no xterm chunk.
				assert.doesNotMatch(html, /xterm/i, `${path} references xterm in its HTML`);
			}
		}
		const id = await (await fetch(`${site.server.url}/id/${RUNBOOK}/`)).text();
		assert.match(
			id,
			/cluster demo/,
			'the Indonesian page says it is a test cluster, in Indonesian',
		);
		const en = await (await fetch(`${site.server.url}/en/${RUNBOOK}/`)).text();
		assert.match(en, /demo cluster/);
	},
);

test(
	'without JavaScript the controls stay hidden and the transcript is there',
	{ timeout: TIMEOUT },
	async (t) => {
		const noJs = await openBrowser({ javaScriptEnabled: false });
		t.after(() => noJs.close());
		await noJs.page.goto(`${site.server.url}/en/${RUNBOOK}/`);
		assert.equal(
			await noJs.page.locator('mr-terminal button[data-part="open"]').isVisible(),
			false,
		);
		await noJs.page.locator('.mr-terminal__transcript summary').click();
		const pre = await noJs.page.locator('.mr-terminal__transcript pre').innerText();
		assert.ok(pre.includes('Step 5/5'), pre.slice(-300));
	},
);

test('the terminal follows the light/dark theme', { timeout: TIMEOUT }, async (t) => {
	const page = await site.browser.context.newPage();
	t.after(() => page.close());
	await page.goto(`${site.server.url}/en/runbooks/${RUNBOOK}/`);
	await page.locator('mr-terminal button[data-part="open"]').click();
	await page.locator('mr-terminal .xterm').waitFor({ state: 'visible', timeout: 60_000 });
	const background = () =>
		page.evaluate(
			() =>
				getComputedStyle(document.querySelector('mr-terminal .xterm-scrollable-element') as Element)
					.backgroundColor,
		);
	await page.evaluate(() => (document.documentElement.dataset.theme = 'dark'));
	await page.waitForTimeout(100);
	const dark = await background();
	await page.evaluate(() => (document.documentElement.dataset.theme = 'light'));
	await page.waitForFunction(
		(before) =>
			getComputedStyle(document.querySelector('mr-terminal .xterm-scrollable-element') as Element)
				.backgroundColor !== before,
		dark,
	);
	const light = await background();
	assert.notEqual(light, dark);
});

test(
	'a block linked to a runbook step gets a button that jumps the recording to that step',
	{ timeout: TIMEOUT },
	async (t) => {
		const page = await site.browser.context.newPage();
		t.after(() => page.close());
		// The contract with the code-block UI: an element carrying data-runbook-step (and data-runbook).
		await page.route(`${site.server.url}/en/${RUNBOOK}/`, async (route) => {
			const response = await route.fetch();
			const body = (await response.text()).replace(
				'<div class="sl-markdown-content">',
				`<div class="sl-markdown-content"><pre id="linked" data-runbook="${RUNBOOK}" data-runbook-step="restart-pod">kubectl delete pod my-release-etcd-1</pre><pre id="other" data-runbook="${RUNBOOK}" data-runbook-step="no-such-step">x</pre>`,
			);
			await route.fulfill({ response, body });
		});
		await page.goto(`${site.server.url}/en/${RUNBOOK}/`);
		const jump = page.locator('#linked + button.mr-terminal-jump');
		await jump.waitFor({ state: 'visible' });
		assert.equal(
			await page.locator('#other + button.mr-terminal-jump').count(),
			0,
			'no button for a step the run lacks',
		);
		// Opened paused and slowed down first, so the run cannot reach the next step before we pause it.
		await page.evaluate(() =>
			(
				document.querySelector('mr-terminal') as unknown as {
					open(autoplay: boolean): Promise<unknown>;
				}
			).open(false),
		);
		await page.locator('mr-terminal [data-part="speed"]').selectOption('0.5');
		await jump.click();
		await page.waitForFunction(
			() => document.querySelector<HTMLElement>('mr-terminal')?.dataset.state === 'playing',
		);
		await page.locator('mr-terminal [data-part="toggle"]').click();
		const text = await termText(page);
		assert.match(text, /Step 4\/5 \[changes\] Restart my-release-etcd-1/);
		assert.doesNotMatch(text, /Step 5\/5/);
	},
);
