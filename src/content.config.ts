import { defineCollection, z } from 'astro:content';
import { docsLoader, i18nLoader } from '@astrojs/starlight/loaders';
import { docsSchema, i18nSchema } from '@astrojs/starlight/schema';
import { pageSchema } from './config/schema.ts';

/**
 * Our own UI strings. Partial because Starlight's plugin types build translation objects from `{}`; the
 * site tests check that en.json and id.json define the same keys.
 */
const uiStrings = z
	.object({
		'mr.sidebar.runbooks': z.string(),
		'mr.category.boot': z.string(),
		'mr.category.runtime': z.string(),
		'mr.category.api': z.string(),
		'mr.category.etcd': z.string(),
		'mr.category.milvus': z.string(),
		'mr.langSwitcher.label': z.string(),
		'mr.langSwitcher.current': z.string(),
		'mr.symptoms.empty': z.string(),
		'mr.root.lead': z.string(),
		'mr.notFound.overview': z.string(),
	})
	.partial();

export const collections = {
	docs: defineCollection({
		loader: docsLoader(),
		schema: docsSchema({ extend: pageSchema }),
	}),
	i18n: defineCollection({
		loader: i18nLoader(),
		schema: i18nSchema({ extend: uiStrings }),
	}),
};
