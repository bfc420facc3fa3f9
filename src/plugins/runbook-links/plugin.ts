/**
 * Ties the runbooks into the site, as a Starlight plugin: reads them once per build (describe in every
 * language, source, standalone bundle: runbooks/build/), checks and decorates code blocks through the remark
 * plugin (in the page's language, from Starlight's `useTranslations`), and hands the data to the routes as
 * virtual modules: `virtual:milvus-rescue/runbooks` for the runbook pages and the search,
 * `virtual:milvus-rescue/runbook-bundles` for the standalone files (src/pages/runbooks/[name].mjs.ts).
 */
import { fileURLToPath } from 'node:url';
import type { StarlightPlugin } from '@astrojs/starlight/types';
import type { AstroIntegration } from 'astro';
import { LOCALE_CODES } from '../../config/locales.ts';
import remarkRunbookLinks from './remark.ts';
import {
	loadRunbooksCached,
	RunbookLoadError,
	type LoadedRunbooks,
} from '../../../runbooks/build/load.ts';

type ConfigSetup = Parameters<NonNullable<StarlightPlugin['hooks']['config:setup']>>[0];
/** Starlight's language of a content file and UI strings of a language, as its plugins receive them. */
export type StarlightHelpers = Pick<ConfigSetup, 'absolutePathToLang' | 'useTranslations'>;

const MODULES = {
	'virtual:milvus-rescue/runbooks': (data: LoadedRunbooks) =>
		`export const RUNBOOKS = ${JSON.stringify(data.index)};`,
	'virtual:milvus-rescue/runbook-bundles': (data: LoadedRunbooks) =>
		`export const BUNDLES = ${JSON.stringify(data.bundles)};`,
} as const;

function isModule(id: string): id is keyof typeof MODULES {
	return Object.hasOwn(MODULES, id);
}

export function runbookLinks(): StarlightPlugin {
	return {
		name: 'milvus-rescue:runbook-links',
		hooks: {
			'config:setup': ({ addIntegration, useTranslations, absolutePathToLang }) => {
				addIntegration(runbookData({ useTranslations, absolutePathToLang }));
			},
		},
	};
}

/**
 * The Astro side of the plugin. It loads the runbooks in its own config hook, which Astro runs after the
 * site's other integrations (Starlight adds plugin integrations last): the symptom index the standalone
 * diagnose bundles is current by then.
 */
function runbookData(starlight: StarlightHelpers): AstroIntegration {
	return {
		name: 'milvus-rescue:runbook-data',
		hooks: {
			'astro:config:setup': async ({ config, updateConfig, injectScript }) => {
				const root = fileURLToPath(config.root);
				let data: LoadedRunbooks;
				try {
					data = await loadRunbooksCached(root, LOCALE_CODES);
				} catch (error) {
					// One line, no stack: the runbook named in it is what needs fixing.
					if (error instanceof RunbookLoadError) throw new Error(error.message);
					throw error;
				}
				updateConfig({
					markdown: {
						remarkPlugins: [[remarkRunbookLinks, { runbooks: data.index, ...starlight }]],
					},
					vite: {
						plugins: [
							{
								name: 'milvus-rescue:runbook-data',
								resolveId: (id: string) => (isModule(id) ? `\0${id}` : undefined),
								load: (id: string) => {
									const name = id.startsWith('\0') ? id.slice(1) : '';
									return isModule(name) ? MODULES[name](data) : undefined;
								},
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
		},
	};
}
