/**
 * Site languages, defined once. Every page lives under both `src/content/docs/en/` and `.../id/` with
 * the same slug, and is served at `/en/<slug>/` and `/id/<slug>/`.
 */
export const LOCALES = {
	en: { label: 'English', lang: 'en' },
	id: { label: 'Bahasa Indonesia', lang: 'id' },
} as const;

export type Locale = keyof typeof LOCALES;

export const LOCALE_CODES = Object.keys(LOCALES) as Locale[];

/** Visitors whose browser language is none of ours get this one. */
export const DEFAULT_LOCALE: Locale = 'en';

export function isLocale(value: unknown): value is Locale {
	return typeof value === 'string' && Object.hasOwn(LOCALES, value);
}
