import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import {
	ROOT,
	ensureBuilt,
	openBrowser,
	serveStatic,
	tmpDir,
	type OpenBrowser,
	type StaticServer,
} from '../support/index.ts';
import { uiStrings } from '../support/ui-strings.ts';
import type { Locale } from '../../src/config/locales.ts';
import { describeRunbook } from '../../runbooks/build/load.ts';
import type { Describe } from '../../runbooks/build/types.ts';

let dist = '';
let server: StaticServer | undefined;
let browser: OpenBrowser | undefined;

before(async () => {
	dist = await ensureBuilt();
	server = await serveStatic(dist);
	browser = await openBrowser();
	await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], {
		origin: server.url,
	});
});
after(async () => {
	await browser?.close();
	await server?.close();
});

const describes = new Map<string, Describe>();
async function described(name: string, lang: Locale): Promise<Describe> {
	const key = `${name}:${lang}`;
	if (!describes.has(key)) describes.set(key, await describeRunbook(ROOT, name, lang));
	return describes.get(key) as Describe;
}

/** Clicks the copy button inside `scope` and returns what landed on the clipboard. */
async function copyFrom(page: Page, scope: string, index: number): Promise<string> {
	await page.evaluate(() => navigator.clipboard.writeText(''));
	await page.locator(scope).nth(index).locator('.copy button').first().click();
	await page.waitForFunction(async () => (await navigator.clipboard.readText()) !== '');
	return page.evaluate(() => navigator.clipboard.readText());
}

const PAGES: [string, Locale][] = [
	['/id/etcd-multi-crash/', 'id'],
	['/en/etcd-all-crash/', 'en'],
];

for (const [pagePath, lang] of PAGES) {
	describe(`code blocks on ${pagePath}`, () => {
		test('every shell block is linked, and its copy button copies what the runbook runs', async () => {
			assert.ok(browser && server);
			const { page } = browser;
			await page.goto(`${server.url}${pagePath}`);
			const shell = await page.locator('pre[data-language="sh"]').count();
			const linked = await page.locator('.mr-runbook-block pre[data-language="sh"]').count();
			assert.ok(linked > 3, `only ${linked} linked blocks`);
			assert.equal(linked, shell, 'a shell block is not linked to a runbook');

			const blocks = page.locator('.mr-runbook-block');
			const count = await blocks.count();
			for (let i = 0; i < count; i++) {
				const block = blocks.nth(i);
				const runbook = (await block.getAttribute('data-runbook')) ?? '';
				const step = await block.getAttribute('data-step');
				const copied = await copyFrom(page, '.mr-runbook-block', i);
				const local = await described(runbook, lang);
				const badge = (await block.locator('.mr-mode').textContent())?.trim();
				if (step) {
					const runs = (await described(runbook, 'en')).steps.filter((s) => s.id === step);
					const commands = runs.map((s) => s.command);
					assert.ok(
						commands.includes(copied) ||
							// A runbook invocation inside a step also carries the page's language.
							commands.some(
								(c) => c?.replace(/(runbooks\/\S+\.mjs)/, `$1 --lang ${lang}`) === copied,
							),
						`block ${i} (${runbook}/${step}) copied ${JSON.stringify(copied)}, runbook runs ${JSON.stringify(commands)}`,
					);
					const mode = runs[0]?.mode ?? 'read';
					assert.equal(badge, uiStrings(lang)[`mr.runbook.mode.${mode}`], `badge of ${step}`);
					const title = local.steps.find((s) => s.id === step)?.title ?? '';
					assert.ok(
						(await block.locator('a').textContent())?.includes(title),
						`link of ${step} names the step`,
					);
				} else {
					const expected = `npx zx runbooks/${runbook}.mjs${lang === 'id' ? ' --lang id' : ''}`;
					assert.ok(
						copied === expected || copied.startsWith(`${expected} `),
						`block ${i} copied ${JSON.stringify(copied)}`,
					);
				}
				assert.doesNotMatch(copied, /^\s*[$#>]/m, 'no prompt characters or comments');
			}
		});

		test('the runbook link opens the runbook page, with its step and its source', async () => {
			assert.ok(browser && server);
			const { page } = browser;
			await page.goto(`${server.url}${pagePath}`);
			const block = page.locator('.mr-runbook-block[data-step]').nth(1);
			const runbook = (await block.getAttribute('data-runbook')) ?? '';
			const step = (await block.getAttribute('data-step')) ?? '';
			await Promise.all([
				page.waitForURL(`**/${lang}/runbooks/${runbook}/#step-${step}`),
				block.locator('a').click(),
			]);
			assert.equal(await page.locator(`#step-${step}`).count(), 1, 'the step has its anchor');
			assert.equal(await page.locator('html').getAttribute('lang'), lang);

			const source = await readFile(path.join(ROOT, 'runbooks', `${runbook}.mjs`), 'utf8');
			const sourceView = `[data-runbook-source="runbooks/${runbook}.mjs"]`;
			assert.equal(await page.locator(sourceView).count(), 1);
			await page.locator(`${sourceView} > summary`).click();
			// Highlighted by Shiki (coloured spans), and the copy button gives back the file exactly.
			assert.ok((await page.locator(`${sourceView} pre span[style]`).count()) > 50);
			const copied = await copyFrom(page, sourceView, 0);
			assert.equal(copied.trimEnd(), source.trimEnd());

			// The standalone file it offers is the one served, with the sha256 shown.
			const sha = (await page.locator('[data-sha256]').textContent())?.trim();
			const href = await page.locator('[data-standalone-download]').getAttribute('href');
			assert.equal(href, `/runbooks/${runbook}.mjs`);
			const served = await fetch(`${server.url}${href}`).then((r) => r.text());
			assert.equal(createHash('sha256').update(served).digest('hex'), sha);
			assert.match(served, /^(#!.*\n)?\/\/ Milvus Rescue runbook/);
			assert.doesNotMatch(served, /from ['"]zx['"]/);
		});
	});
}

describe('runbook pages', () => {
	test('each runbook has a page in both languages, in that language, listed in the sidebar', async () => {
		assert.ok(browser && server);
		const { page } = browser;
		for (const lang of ['en', 'id'] as const) {
			await page.goto(`${server.url}/${lang}/runbooks/etcd-pending/`);
			const d = await described('etcd-pending', lang);
			const main = page.locator('main');
			assert.ok((await main.textContent())?.includes(d.description), 'shows what it does');
			for (const code of d.exitCodes) {
				assert.ok((await main.textContent())?.includes(code.meaning), `exit code ${code.code}`);
			}
			const flag = d.flags.find((f) => f.name === 'dry-run');
			assert.ok(
				flag && (await main.textContent())?.includes(flag.help),
				'flag help in this language',
			);
			const run = await copyFrom(page, '#run-it ~ .expressive-code', 0);
			assert.equal(run, `npx zx runbooks/etcd-pending.mjs${lang === 'id' ? ' --lang id' : ''}`);
			const sidebar = page.locator(
				`nav.sidebar a[href="/${lang}/runbooks/etcd-pending/"][aria-current="page"]`,
			);
			assert.equal(await sidebar.count(), 1, 'listed in the sidebar');
		}
	});
});

describe('runbook source view', () => {
	test('highlighted once and shared by the languages, with the copy button in the page language', async () => {
		assert.ok(server);
		const view = async (lang: 'en' | 'id') => {
			const html = await fetch(`${server!.url}/${lang}/runbooks/etcd-pending/`).then((r) =>
				r.text(),
			);
			const start = html.indexOf('data-runbook-source="runbooks/etcd-pending.mjs"');
			assert.ok(start > 0, `${lang}: the source view is there`);
			const block = html.slice(start, html.indexOf('</details>', start));
			const pre = /<pre[^>]*>[\s\S]*<\/pre>/.exec(block)?.[0] ?? '';
			const button = /<button title="([^"]*)" data-copied="([^"]*)"/.exec(block);
			return { pre, tooltip: button?.[1], copied: button?.[2] };
		};
		const en = await view('en');
		const id = await view('id');
		assert.ok(en.pre.length > 10_000, 'the whole source, highlighted');
		assert.equal(id.pre, en.pre, 'the same highlighted source in both languages');
		for (const [lang, v] of [
			['en', en],
			['id', id],
		] as const) {
			assert.equal(
				v.tooltip,
				uiStrings(lang)['expressiveCode.copyButtonTooltip'],
				`${lang} tooltip`,
			);
			assert.equal(v.copied, uiStrings(lang)['expressiveCode.copyButtonCopied'], `${lang} copied`);
		}
	});
});

describe('standalone file from the site', () => {
	test('`npx zx <site>/runbooks/<name>.mjs` runs it with nothing beside it', async (t) => {
		assert.ok(server);
		const empty = await tmpDir(t, 'milvus-rescue-url-run-');
		const zx = path.join(ROOT, 'node_modules', '.bin', 'zx');
		const env = { ...process.env, NO_COLOR: '1' };
		const args = ['--help', '--lang', 'id'];
		const fromUrl = await run(zx, [`${server.url}/runbooks/etcd-pending.mjs`, ...args], empty, env);
		const fromRepo = await run(
			zx,
			[path.join(ROOT, 'runbooks', 'etcd-pending.mjs'), ...args],
			empty,
			env,
		);
		assert.equal(fromUrl.code, 0, fromUrl.stderr);
		assert.equal(fromUrl.stdout, fromRepo.stdout);
		assert.match(fromUrl.stdout, /Kode keluar/);
	});
});

function run(
	command: string,
	args: string[],
	cwd: string,
	env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
	return new Promise((resolve, reject) => {
		const child = execFile(
			command,
			args,
			{ cwd, env, timeout: 120_000 },
			(error, stdout, stderr) => {
				if (error && typeof error.code !== 'number') reject(error);
				else resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
			},
		);
		child.stdin?.end();
	});
}
