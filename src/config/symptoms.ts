/**
 * The symptom table from ARCHITECTURE.md (page slug, category, runbook), taken from the error catalog that
 * the runbooks use, so the site and the runbooks cannot disagree. The frontmatter schema, the sidebar and
 * the overview all read it.
 */
import { SYMPTOMS as CATALOG_SYMPTOMS } from '../../runbooks/lib/catalog.mjs';

export const CATEGORIES = ['boot', 'runtime', 'api', 'etcd', 'milvus'] as const;
export type Category = (typeof CATEGORIES)[number];

export type SymptomId = (typeof CATALOG_SYMPTOMS)[number]['id'];

/** In the catalog's order, which is the order pages appear in the sidebar and overview. */
export const SYMPTOM_IDS = CATALOG_SYMPTOMS.map((s) => s.id) as [SymptomId, ...SymptomId[]];

export const SYMPTOMS = Object.fromEntries(
	CATALOG_SYMPTOMS.map((s) => [s.id, { category: s.category, runbook: s.runbook }]),
) as Record<SymptomId, { category: Category; runbook: string }>;

/** Pages that are not symptoms but exist in both languages too. */
export const GENERAL_PAGES = ['index', 'help'] as const;

export function isSymptomId(value: unknown): value is SymptomId {
	return typeof value === 'string' && (SYMPTOM_IDS as readonly string[]).includes(value);
}
