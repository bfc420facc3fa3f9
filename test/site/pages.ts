import { LOCALE_CODES, type Locale } from '../../src/config/locales.ts';
import { GENERAL_PAGES, SYMPTOM_IDS } from '../../src/config/symptoms.ts';

/** Every page the site must have in every language. */
export const PAGES: readonly string[] = [...GENERAL_PAGES, ...SYMPTOM_IDS];
export const LOCALES: readonly Locale[] = LOCALE_CODES;

/** The URL path of a page: `index` is the language's root. */
export function pagePath(locale: Locale, slug: string): string {
	return slug === 'index' ? `/${locale}/` : `/${locale}/${slug}/`;
}
