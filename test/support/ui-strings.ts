import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../../tools/support/paths.ts';
import type { StarlightHelpers } from '../../src/plugins/runbook-links/plugin.ts';

/** The site's UI strings of `lang` (src/content/i18n/<lang>.json), as the pages show them. */
export function uiStrings(lang: string): Record<string, string> {
	return JSON.parse(
		readFileSync(path.join(ROOT, 'src', 'content', 'i18n', `${lang}.json`), 'utf8'),
	) as Record<string, string>;
}

/**
 * Stand-ins for the two helpers Starlight hands its plugins, over the site's own strings: the language
 * folder of a content file, and `t(key, vars)` filling i18next's `{{name}}` placeholders.
 */
export function starlightHelpers(): StarlightHelpers {
	const useTranslations = (lang: string) => {
		const strings = { ...uiStrings('en'), ...uiStrings(lang) };
		return (key: string, vars: Record<string, unknown> = {}) =>
			(strings[key] ?? key).replace(/\{\{(\w+)\}\}/g, (m, name: string) =>
				typeof vars[name] === 'string' ? vars[name] : m,
			);
	};
	const absolutePathToLang = (file: string) =>
		/[\\/]content[\\/]docs[\\/]([^\\/]+)[\\/]/.exec(file)?.[1] ?? 'en';
	return {
		useTranslations: useTranslations as unknown as StarlightHelpers['useTranslations'],
		absolutePathToLang,
	};
}
