/**
 * The symptom registry (runbooks/lib/symptoms.mjs) in the shapes the site wants: the frontmatter schema, the
 * sidebar and the overview read it from here, the runbooks and the error catalog from the registry itself, so
 * the site and the runbooks cannot disagree.
 */
import {
	CATEGORIES,
	GENERAL_PAGES,
	SYMPTOMS as REGISTRY,
	isSymptomId,
	type Category,
	type SymptomId,
} from '../../runbooks/lib/symptoms.mjs';

export { CATEGORIES, GENERAL_PAGES, isSymptomId, type Category, type SymptomId };

/** In the registry's order, which is the order pages appear in the sidebar and overview. */
export const SYMPTOM_IDS = REGISTRY.map((s) => s.id) as [SymptomId, ...SymptomId[]];

export const SYMPTOMS = Object.fromEntries(
	REGISTRY.map((s) => [s.id, { category: s.category, runbook: s.runbook }]),
) as Record<SymptomId, { category: Category; runbook: string }>;
