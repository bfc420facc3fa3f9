import { utimes, writeFile } from 'node:fs/promises';
import starlight from '@astrojs/starlight';
import type { AstroIntegration } from 'astro';
import { LOCALES, DEFAULT_LOCALE } from './locales.ts';
import { buildSidebar } from './sidebar.ts';
import { DISCORD_URL, SITE_TITLE } from './site.ts';
import { runbookLinks } from '../plugins/runbook-links/integration.ts';

/**
 * Marks a finished build for test/support/build.ts. The stamp's mtime is when the build *started*, so a
 * source edited while the build ran still makes the output stale.
 */
export function buildStamp(): AstroIntegration {
	let started = new Date();
	return {
		name: 'milvus-rescue:build-stamp',
		hooks: {
			'astro:config:setup': () => {
				started = new Date();
			},
			'astro:build:done': async ({ dir }) => {
				const stamp = new URL('.build-stamp', dir);
				await writeFile(stamp, `${started.toISOString()}\n`);
				await utimes(stamp, started, started);
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
			sidebar: buildSidebar(),
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
			// Keep tabs: a copied runbook source must be the file byte for byte (tab-size is set in CSS).
			expressiveCode: { tabWidth: 0 },
			routeMiddleware: ['./src/utils/route-data.ts', './src/components/search/route-data.ts'],
		}),
		// Checks code blocks against the runbooks, builds runbook pages' data and the standalone files.
		runbookLinks(),
		// After Starlight, so the stamp is written once Pagefind has indexed the output.
		buildStamp(),
	];
}
