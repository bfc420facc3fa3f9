import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import starlight from '@astrojs/starlight';
import type { AstroIntegration } from 'astro';
import { LOCALES, DEFAULT_LOCALE } from './locales.ts';
import { sidebarPlugin } from './sidebar.ts';
import { DISCORD_URL, SITE_TITLE } from './site.ts';
import { runbookLinks } from '../plugins/runbook-links/plugin.ts';
import { buildSymptomIndexModule, INDEX_FILE } from '../utils/symptom-index.ts';
import { remarkInlineCodeWords } from '../plugins/inline-code.ts';

/**
 * Regenerates runbooks/lib/symptom-index.mjs (the matcher's page index) from the pages at each build, at
 * config setup: before runbook-links bundles the standalone runbooks and before Vite bundles the search.
 */
function symptomIndex(): AstroIntegration {
	return {
		name: 'milvus-rescue:symptom-index',
		hooks: {
			'astro:config:setup': async () => {
				const root = fileURLToPath(new URL('../../', import.meta.url));
				const file = path.join(root, INDEX_FILE);
				const text = buildSymptomIndexModule(root);
				const current = await readFile(file, 'utf8').catch(() => '');
				// Written aside and renamed: a runbook importing the index meanwhile reads the old or the new
				// file, never a half-written one.
				if (current !== text) {
					const aside = `${file}.${process.pid}.tmp`;
					await writeFile(aside, text);
					await rename(aside, file);
				}
			},
		},
	};
}

/** One-word inline code never breaks at its hyphens (src/plugins/inline-code.ts). */
function inlineCodeWords(): AstroIntegration {
	return {
		name: 'milvus-rescue:inline-code-words',
		hooks: {
			'astro:config:setup': ({ updateConfig }) => {
				updateConfig({ markdown: { remarkPlugins: [remarkInlineCodeWords] } });
			},
		},
	};
}

/**
 * Starlight looks for an optional `docs/404` entry and Astro warns when it is absent, printing
 * "/404.htmlEntry docs → 404 was not found." in the middle of the build log, which reads like a failure. The
 * site uses Starlight's built-in 404 on purpose (adjusted in src/utils/route-data.ts), so that one expected
 * miss is not printed; every other warning is.
 */
function quietExpected404Probe(): AstroIntegration {
	return {
		name: 'milvus-rescue:quiet-404-probe',
		hooks: {
			'astro:config:setup': () => {
				const warn = console.warn;
				console.warn = (...args: unknown[]) => {
					if (args.length === 1 && args[0] === 'Entry docs \u2192 404 was not found.') return;
					warn(...args);
				};
			},
		},
	};
}

export function integrations(): AstroIntegration[] {
	return [
		starlight({
			title: SITE_TITLE,
			defaultLocale: DEFAULT_LOCALE,
			locales: LOCALES,
			social: [
				{ icon: 'github', label: 'Milvus on GitHub', href: 'https://github.com/milvus-io/milvus' },
				{ icon: 'discord', label: 'Milvus Discord', href: DISCORD_URL },
			],
			components: {
				// Plain links instead of Starlight's <select>: they work without JS and name the twin page.
				LanguageSelect: './src/components/LanguageSwitcher.astro',
				// Takes pasted errors and logs, recognises known ones (src/components/search/).
				Search: './src/components/search/Search.astro',
				// Appends the recorded run of the page's runbook (src/components/terminal/).
				MarkdownContent: './src/components/terminal/MarkdownContent.astro',
			},
			customCss: ['./src/styles/custom.css'],
			// Expressive Code options live in ec.config.mjs (the runbook pages' <Code> needs them there).
			plugins: [
				// The sidebar's group labels come from the UI strings (Starlight's translations).
				sidebarPlugin(),
				// Checks code blocks against the runbooks, builds runbook pages' data and the standalone
				// files; its Astro integration runs after the ones below (the symptom index is current).
				runbookLinks(),
			],
			routeMiddleware: [
				'./src/utils/route-data.ts',
				'./src/components/search/route-data.ts',
				'./src/utils/pagination.ts',
			],
		}),
		quietExpected404Probe(),
		inlineCodeWords(),
		// Before the runbooks are bundled, so the standalone diagnose carries the index of these pages.
		symptomIndex(),
	];
}
