import { z } from 'astro/zod';
import { CATEGORIES, SYMPTOM_IDS } from './symptoms.ts';

/**
 * Frontmatter our pages add to Starlight's (see ARCHITECTURE.md). Kept apart from content.config.ts so
 * tests and scripts can validate frontmatter with the very same schema outside an Astro build.
 */
export const symptomSchema = z
	.object({
		id: z.enum(SYMPTOM_IDS),
		category: z.enum(CATEGORIES),
		components: z.array(z.string().min(1)),
		runbook: z.string().min(1),
		/** Verbatim English error strings; never translated, so search finds a pasted log line. */
		errors: z.array(z.string().min(1)).min(1),
	})
	.strict();

export type SymptomFrontmatter = z.infer<typeof symptomSchema>;

export const pageSchema = z.object({
	// Starlight makes it optional; every page of ours needs its own meta description.
	description: z.string().min(1),
	symptom: symptomSchema.optional(),
});
