import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import yaml from 'js-yaml';
import { LOCALE_CODES } from '../../src/config/locales.ts';
import { pageSchema } from '../../src/config/schema.ts';
import { GENERAL_PAGES, SYMPTOM_IDS, SYMPTOMS, isSymptomId } from '../../src/config/symptoms.ts';

export interface AuditOptions {
	/** Language folders expected under the docs folder. Default: the site's locales. */
	locales?: readonly string[];
	/** Slugs that must exist in every language. Default: overview, help and the seven symptom ids. */
	required?: readonly string[];
}

/**
 * Checks a `src/content/docs`-shaped folder: every page exists in every language under the same slug, has
 * frontmatter that passes the site schema, and symptom pages carry `symptom` data that matches their slug,
 * the symptom table and their twin (error strings are verbatim English, so identical in both languages).
 * Returns one line per problem; an empty list means the folder is sound.
 */
export async function auditDocs(docsDir: string, options: AuditOptions = {}): Promise<string[]> {
	const locales = options.locales ?? LOCALE_CODES;
	const required = options.required ?? [...GENERAL_PAGES, ...SYMPTOM_IDS];
	const problems: string[] = [];

	const top = await readdir(docsDir, { withFileTypes: true }).catch(() => undefined);
	if (!top) return [`${docsDir}: folder not found`];
	for (const entry of top) {
		if (!entry.isDirectory() || !locales.includes(entry.name)) {
			problems.push(`${entry.name}: not a language folder (expected only ${locales.join(', ')})`);
		}
	}

	/** slug → locale → parsed frontmatter (undefined when the file could not be read as such). */
	const pages = new Map<string, Map<string, Record<string, unknown> | undefined>>();
	for (const locale of locales) {
		const dir = path.join(docsDir, locale);
		if (!(await stat(dir).catch(() => undefined))?.isDirectory()) {
			problems.push(`${locale}/: language folder missing`);
			continue;
		}
		for (const file of await listPages(dir)) {
			const slug = file
				.replace(/\.mdx?$/, '')
				.split(path.sep)
				.join('/');
			const rel = `${locale}/${file}`;
			const data = parseFrontmatter(await readFile(path.join(dir, file), 'utf8'));
			if (typeof data === 'string') problems.push(`${rel}: ${data}`);
			else problems.push(...checkPage(rel, slug, data));
			const byLocale = pages.get(slug) ?? new Map<string, Record<string, unknown> | undefined>();
			byLocale.set(locale, typeof data === 'string' ? undefined : data);
			pages.set(slug, byLocale);
		}
	}

	for (const slug of required) {
		if (!pages.has(slug)) problems.push(`${slug}: page missing in every language`);
	}
	for (const [slug, byLocale] of pages) {
		const present = [...byLocale.keys()];
		for (const locale of locales) {
			if (!byLocale.has(locale)) {
				problems.push(`${locale}/${slug}: missing, but exists in ${present.join(', ')}`);
			}
		}
		problems.push(...checkTwins(slug, byLocale));
	}
	return problems;
}

async function listPages(dir: string, prefix = ''): Promise<string[]> {
	const files: string[] = [];
	for (const entry of await readdir(path.join(dir, prefix), { withFileTypes: true })) {
		const rel = path.join(prefix, entry.name);
		if (entry.isDirectory()) files.push(...(await listPages(dir, rel)));
		else if (/\.mdx?$/.test(entry.name)) files.push(rel);
	}
	return files.sort();
}

/** The YAML frontmatter as an object, or a one-line reason why there is none. */
export function parseFrontmatter(source: string): Record<string, unknown> | string {
	const match = /^---\r?\n([\s\S]*?)\r?\n---\r?(?:\n|$)/.exec(source);
	if (!match) return 'no frontmatter (the file must start with a --- block)';
	let data: unknown;
	try {
		data = yaml.load(match[1] ?? '');
	} catch (error) {
		return `frontmatter is not valid YAML: ${(error as Error).message.split('\n')[0]}`;
	}
	if (data === null || typeof data !== 'object' || Array.isArray(data))
		return 'frontmatter is empty';
	return data as Record<string, unknown>;
}

function checkPage(rel: string, slug: string, data: Record<string, unknown>): string[] {
	const problems: string[] = [];
	if (typeof data.title !== 'string' || data.title.trim() === '')
		problems.push(`${rel}: title missing`);
	const parsed = pageSchema.safeParse(data);
	if (!parsed.success) {
		for (const issue of parsed.error.issues) {
			problems.push(`${rel}: ${issue.path.join('.') || '(frontmatter)'}: ${issue.message}`);
		}
		return problems;
	}
	const symptom = parsed.data.symptom;
	if (isSymptomId(slug)) {
		if (!symptom) {
			problems.push(`${rel}: symptom page without "symptom" frontmatter`);
			return problems;
		}
		const expected = SYMPTOMS[slug];
		if (symptom.id !== slug)
			problems.push(`${rel}: symptom.id is "${symptom.id}", expected "${slug}"`);
		if (symptom.category !== expected.category) {
			problems.push(
				`${rel}: symptom.category is "${symptom.category}", expected "${expected.category}"`,
			);
		}
		if (symptom.runbook !== expected.runbook) {
			problems.push(
				`${rel}: symptom.runbook is "${symptom.runbook}", expected "${expected.runbook}"`,
			);
		}
	} else if (symptom) {
		problems.push(`${rel}: has "symptom" frontmatter but "${slug}" is not a symptom id`);
	}
	return problems;
}

function checkTwins(
	slug: string,
	byLocale: Map<string, Record<string, unknown> | undefined>,
): string[] {
	const problems: string[] = [];
	const entries = [...byLocale].filter(
		(e): e is [string, Record<string, unknown>] => e[1] !== undefined,
	);
	const [first, ...rest] = entries;
	if (!first) return problems;
	const reference = JSON.stringify(first[1].symptom ?? null);
	for (const [locale, data] of rest) {
		if (JSON.stringify(data.symptom ?? null) !== reference) {
			problems.push(
				`${slug}: "symptom" frontmatter differs between ${first[0]} and ${locale} (it must be identical)`,
			);
		}
	}
	return problems;
}
