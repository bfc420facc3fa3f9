/**
 * Ties the runbooks into the site: reads them once per build (describe in every language, source,
 * standalone bundle), checks and decorates code blocks through the remark plugin, hands the data to the
 * runbook pages as `virtual:milvus-rescue/runbooks`, and serves the standalone files at
 * `/runbooks/<name>.mjs` (dev server) or writes them into the build output, never into the source tree.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
import { LOCALE_CODES } from '../../config/locales.ts';
import remarkRunbookLinks from './remark.ts';
import { loadRunbooksCached, RunbookLoadError, type LoadedRunbooks } from './runbooks.ts';

const VIRTUAL_ID = 'virtual:milvus-rescue/runbooks';
const RESOLVED_ID = `\0${VIRTUAL_ID}`;

export function runbookLinks(): AstroIntegration {
	let loaded: LoadedRunbooks | undefined;
	return {
		name: 'milvus-rescue:runbook-links',
		hooks: {
			'astro:config:setup': async ({ config, updateConfig, injectScript }) => {
				const root = fileURLToPath(config.root);
				try {
					loaded = await loadRunbooksCached(root, LOCALE_CODES);
				} catch (error) {
					// One line, no stack: the runbook named in it is what needs fixing.
					if (error instanceof RunbookLoadError) throw new Error(error.message);
					throw error;
				}
				const data = loaded;
				updateConfig({
					markdown: { remarkPlugins: [[remarkRunbookLinks, { runbooks: data.index }]] },
					vite: {
						plugins: [
							{
								name: 'milvus-rescue:runbook-data',
								resolveId: (id: string) => (id === VIRTUAL_ID ? RESOLVED_ID : undefined),
								load: (id: string) =>
									id === RESOLVED_ID
										? `export const RUNBOOKS = ${JSON.stringify(data.index)};`
										: undefined,
							},
						],
					},
				});
				// Blocks on every page may carry the bar, so its styles go everywhere (they are small).
				injectScript(
					'page-ssr',
					`import ${JSON.stringify(fileURLToPath(new URL('../../components/runbook/runbook.css', import.meta.url)))};`,
				);
			},
			'astro:server:setup': ({ server }) => {
				server.middlewares.use((req, res, next) => {
					const m = /^\/runbooks\/([a-z0-9-]+)\.mjs$/.exec((req.url ?? '').split('?')[0] ?? '');
					const code = m ? loaded?.bundles[m[1] as string] : undefined;
					if (code === undefined) return next();
					res.setHeader('Content-Type', 'text/javascript; charset=utf-8');
					res.end(code);
				});
			},
			'astro:build:done': async ({ dir }) => {
				if (!loaded) return;
				const out = new URL('runbooks/', dir);
				await mkdir(out, { recursive: true });
				for (const [name, code] of Object.entries(loaded.bundles)) {
					await writeFile(new URL(`${name}.mjs`, out), code);
				}
			},
		},
	};
}
