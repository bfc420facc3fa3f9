import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { StarlightPlugin, StarlightUserConfig } from '@astrojs/starlight/types';
import { listRunbookNames } from '../../runbooks/build/list.ts';
import { DEFAULT_LOCALE, LOCALE_CODES } from './locales.ts';
import { CATEGORIES, SYMPTOM_IDS, SYMPTOMS } from './symptoms.ts';

type Sidebar = NonNullable<StarlightUserConfig['sidebar']>;
type UseTranslations = Parameters<
	NonNullable<StarlightPlugin['hooks']['config:setup']>
>[0]['useTranslations'];
type LabelKey = 'mr.sidebar.runbooks' | `mr.category.${(typeof CATEGORIES)[number]}`;

const DOCS = new URL('../content/docs/', import.meta.url);

/**
 * A group label in the default language with its translations, from the site's UI strings
 * (src/content/i18n/<lang>.json through Starlight's `useTranslations`).
 */
function label(
	key: LabelKey,
	useTranslations: UseTranslations,
): { label: string; translations: Record<string, string> } {
	// test/site/content.test.ts checks that every language defines every mr.* key.
	const text = (lang: string) => useTranslations(lang)(key);
	return {
		label: text(DEFAULT_LOCALE),
		translations: Object.fromEntries(
			LOCALE_CODES.filter((lang) => lang !== DEFAULT_LOCALE).map((lang) => [lang, text(lang)]),
		),
	};
}

/** Sets the sidebar once Starlight's translations are at hand (a plugin's config hook). */
export function sidebarPlugin(): StarlightPlugin {
	return {
		name: 'milvus-rescue:sidebar',
		hooks: {
			'config:setup': ({ updateConfig, useTranslations }) => {
				updateConfig({ sidebar: buildSidebar(useTranslations) });
			},
		},
	};
}

/**
 * The sidebar, grouped by symptom category. Starlight fails the build on a sidebar slug with no page, and
 * symptom pages arrive one by one, so only pages that exist in English are listed (the site tests fail
 * when a page misses its Indonesian twin).
 */
export function buildSidebar(useTranslations: UseTranslations): Sidebar {
	// Symptom pages are Markdown; the overview, the one page with components, is MDX.
	const exists = (slug: string) =>
		['md', 'mdx'].some((ext) => existsSync(fileURLToPath(new URL(`en/${slug}.${ext}`, DOCS))));
	const sidebar: Sidebar = [];
	if (exists('index')) sidebar.push({ slug: 'index' });
	for (const category of CATEGORIES) {
		const items = SYMPTOM_IDS.filter((s) => SYMPTOMS[s].category === category && exists(s)).map(
			(slug) => ({ slug }),
		);
		if (items.length > 0)
			sidebar.push({ ...label(`mr.category.${category}`, useTranslations), items });
	}
	// Runbook pages are generated per runbook (src/pages/[lang]/runbooks/), not written as content.
	const runbooks = listRunbookNames(fileURLToPath(new URL('../../', import.meta.url)));
	if (runbooks.length > 0) {
		sidebar.push({
			...label('mr.sidebar.runbooks', useTranslations),
			collapsed: true,
			items: runbooks.map((name) => ({ label: name, link: `/runbooks/${name}/` })),
		});
	}
	if (exists('help')) sidebar.push({ slug: 'help' });
	return sidebar;
}
