import { defineRouteMiddleware } from '@astrojs/starlight/route-data';
import { SITE_TITLE } from '../../config/site.ts';
import { LOCALES, isLocale } from '../../config/locales.ts';

type HeadEntry = { tag: 'meta' | 'link'; attrs: Record<string, string> };

/**
 * Feeds Pagefind from the frontmatter of symptom pages: the verbatim English error strings become the
 * searchable `errors` meta field (boosted at query time, see RANKING in engine.ts) on the page of either
 * language, so an English log line finds the Indonesian page too; `category` and `component` become
 * filters. Every page also advertises the OpenSearch description of its language.
 */
export const onRequest = defineRouteMiddleware((context) => {
	const route = context.locals.starlightRoute;
	const locale = isLocale(route.locale) ? route.locale : 'en';
	route.head.push({
		tag: 'link',
		attrs: {
			rel: 'search',
			type: 'application/opensearchdescription+xml',
			title: `${SITE_TITLE} (${LOCALES[locale].label})`,
			href: `/${locale}/opensearch.xml`,
		},
	});

	const symptom = route.entry.data.symptom;
	if (!symptom) return;
	const entries: HeadEntry[] = [
		meta('data-pagefind-meta', 'errors', symptom.errors.join(' \n ')),
		meta('data-pagefind-meta', 'symptom', symptom.id),
		meta('data-pagefind-meta', 'runbook', symptom.runbook),
		meta('data-pagefind-filter', 'category', symptom.category),
		...symptom.components.map((c) => meta('data-pagefind-filter', 'component', c)),
	];
	route.head.push(...entries);
});

function meta(
	kind: 'data-pagefind-meta' | 'data-pagefind-filter',
	key: string,
	value: string,
): HeadEntry {
	return { tag: 'meta', attrs: { [kind]: `${key}[content]`, content: value } };
}
