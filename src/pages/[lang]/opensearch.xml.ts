import type { APIRoute, GetStaticPaths } from 'astro';
import { LOCALES, LOCALE_CODES, type Locale } from '../../config/locales.ts';
import { SITE_TITLE, SITE_URL } from '../../config/site.ts';

/**
 * OpenSearch description per language, so a browser can add the site as a search engine and send a typed
 * or pasted error straight to `/<lang>/search/?q=`.
 */
export const getStaticPaths = (() =>
	LOCALE_CODES.map((lang) => ({ params: { lang } }))) satisfies GetStaticPaths;

function xml(text: string): string {
	return text
		.replace(/&/g, '&amp;')
		.replace(/</g, '&lt;')
		.replace(/>/g, '&gt;')
		.replace(/"/g, '&quot;');
}

export const GET: APIRoute = ({ params, site, locals }) => {
	const lang = params.lang as Locale;
	const base = (site ?? new URL(SITE_URL)).href.replace(/\/$/, '');
	const body = `<?xml version="1.0" encoding="UTF-8"?>
<OpenSearchDescription xmlns="http://a9.com/-/spec/opensearch/1.1/" xmlns:moz="http://www.mozilla.org/2006/browser/search/">
  <ShortName>${xml(`${SITE_TITLE} (${lang.toUpperCase()})`)}</ShortName>
  <Description>${xml(locals.t('mr.search.opensearch.description'))}</Description>
  <InputEncoding>UTF-8</InputEncoding>
  <Language>${xml(LOCALES[lang].lang)}</Language>
  <Image width="16" height="16" type="image/svg+xml">${xml(`${base}/favicon.svg`)}</Image>
  <Url type="text/html" method="get" template="${xml(`${base}/${lang}/search/?q={searchTerms}`)}"/>
  <Url type="application/opensearchdescription+xml" rel="self" template="${xml(`${base}/${lang}/opensearch.xml`)}"/>
  <moz:SearchForm>${xml(`${base}/${lang}/search/`)}</moz:SearchForm>
</OpenSearchDescription>
`;
	return new Response(body, {
		headers: { 'Content-Type': 'application/opensearchdescription+xml; charset=utf-8' },
	});
};
