/**
 * Runbook links and paths shared by the remark plugin and the runbook pages. Their words are UI strings
 * (`mr.runbook.*` in src/content/i18n/<lang>.json), read through Starlight's translations.
 */
import type { StepMode } from '../../../runbooks/build/types.ts';

/** UI string keys of the step mode badges: the mode of one step, and of a whole runbook by its strongest step. */
export const MODE_KEYS = {
	read: 'mr.runbook.mode.read',
	change: 'mr.runbook.mode.change',
	destroy: 'mr.runbook.mode.destroy',
} as const satisfies Record<StepMode, string>;

export const RUNBOOK_MODE_KEYS = {
	read: 'mr.runbook.runbookMode.read',
	change: 'mr.runbook.runbookMode.change',
	destroy: 'mr.runbook.runbookMode.destroy',
} as const satisfies Record<StepMode, string>;

/**
 * Options for `t(key, vars)` that fill `{{name}}` placeholders with plain text: i18next would HTML-escape
 * the values, and Astro and the markdown pipeline escape what they output already.
 */
export function plain<T extends Record<string, string>>(
	vars: T,
): T & { interpolation: { escapeValue: false } } {
	return { ...vars, interpolation: { escapeValue: false } };
}

/** The URL path of a runbook's page in a language. */
export function runbookPagePath(lang: string, name: string): string {
	return `/${lang}/runbooks/${name}/`;
}

/** The anchor of a step on its runbook's page. */
export function stepAnchor(stepId: string): string {
	return `step-${stepId}`;
}

/**
 * What a visitor should paste on a page in `lang`: runbook invocations carry the page's language, so the
 * runbook answers in the language the reader chose (English is the runbooks' own default).
 */
export function withPageLang(command: string, lang: string, defaultLang = 'en'): string {
	if (lang === defaultLang) return command;
	return command
		.split('\n')
		.map((line) =>
			/(^|\s)--lang(\s|=|$)/.test(line)
				? line
				: line.replace(/^(\s*npx zx \S*runbooks\/[a-z0-9-]+\.mjs)(?=\s|$)/, `$1 --lang ${lang}`),
		)
		.join('\n');
}
