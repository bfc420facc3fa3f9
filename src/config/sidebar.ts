import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { StarlightUserConfig } from '@astrojs/starlight/types';
import { listRunbookNames } from '../plugins/runbook-links/list.ts';
import { CATEGORIES, SYMPTOM_IDS, SYMPTOMS } from './symptoms.ts';

type Sidebar = NonNullable<StarlightUserConfig['sidebar']>;
type Strings = Record<string, string>;

const DOCS = new URL('../content/docs/', import.meta.url);
const I18N = new URL('../content/i18n/', import.meta.url);

function readStrings(lang: string): Strings {
	return JSON.parse(readFileSync(new URL(`${lang}.json`, I18N), 'utf8')) as Strings;
}

/** A group label in English with its Indonesian translation, both from src/content/i18n. */
function label(
	key: string,
	en: Strings,
	id: Strings,
): { label: string; translations: { id: string } } {
	const english = en[key];
	const indonesian = id[key];
	if (!english || !indonesian)
		throw new Error(`UI string "${key}" is missing in en.json or id.json`);
	return { label: english, translations: { id: indonesian } };
}

/**
 * The sidebar, grouped by symptom category. Starlight fails the build on a sidebar slug with no page, and
 * symptom pages arrive one by one, so only pages that exist in English are listed (the site tests fail
 * when a page misses its Indonesian twin).
 */
export function buildSidebar(): Sidebar {
	const en = readStrings('en');
	const id = readStrings('id');
	const exists = (slug: string) => existsSync(fileURLToPath(new URL(`en/${slug}.mdx`, DOCS)));
	const sidebar: Sidebar = [];
	if (exists('index')) sidebar.push({ slug: 'index' });
	for (const category of CATEGORIES) {
		const items = SYMPTOM_IDS.filter((s) => SYMPTOMS[s].category === category && exists(s)).map(
			(slug) => ({ slug }),
		);
		if (items.length > 0) sidebar.push({ ...label(`mr.category.${category}`, en, id), items });
	}
	// Runbook pages are generated per runbook (src/pages/[lang]/runbooks/), not written as content.
	const runbooks = listRunbookNames(fileURLToPath(new URL('../../', import.meta.url)));
	if (runbooks.length > 0) {
		sidebar.push({
			...label('mr.sidebar.runbooks', en, id),
			collapsed: true,
			items: runbooks.map((name) => ({ label: name, link: `/runbooks/${name}/` })),
		});
	}
	if (exists('help')) sidebar.push({ slug: 'help' });
	return sidebar;
}
