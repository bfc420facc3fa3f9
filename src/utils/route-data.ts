import { defineRouteMiddleware } from '@astrojs/starlight/route-data';
import { LOCALES, LOCALE_CODES } from '../config/locales.ts';

/**
 * Adjusts Starlight's 404 page, which is built once, in English, for every language:
 * - Starlight gives it a canonical URL and hreflang alternates built from its own path (`/404/`,
 *   `/id/404/`), which do not exist; a not-found page should have neither and should not be indexed.
 * - A visitor who came from `/id/…` gets the message and a way back in their language too.
 */
export const onRequest = defineRouteMiddleware((context) => {
	const route = context.locals.starlightRoute;
	if (route.id !== '404') return;
	route.head = route.head.filter(
		({ tag, attrs }) =>
			!(tag === 'link' && (attrs?.rel === 'canonical' || attrs?.rel === 'alternate')) &&
			!(tag === 'meta' && attrs?.property === 'og:url'),
	);
	route.head.push({ tag: 'meta', attrs: { name: 'robots', content: 'noindex' }, content: '' });
	// The 404 page has no frontmatter description; browsers and link previews still show one.
	if (!route.head.some(({ tag, attrs }) => tag === 'meta' && attrs?.name === 'description')) {
		route.head.push({
			tag: 'meta',
			attrs: { name: 'description', content: context.locals.t('404.text') },
			content: '',
		});
	}

	const { t } = context.locals;
	const hero = route.entry.data.hero;
	if (!hero) return;
	hero.tagline = LOCALE_CODES.map(
		(code) =>
			`<p lang="${LOCALES[code].lang}">${escapeHtml(t('404.text', { lng: LOCALES[code].lang }))}</p>`,
	).join('');
	hero.actions = LOCALE_CODES.map((code) => ({
		text: t('mr.notFound.overview', { lng: LOCALES[code].lang }),
		link: `/${code}/`,
		variant: code === LOCALE_CODES[0] ? 'primary' : 'secondary',
		attrs: { lang: LOCALES[code].lang, hreflang: LOCALES[code].lang },
	}));
});

function escapeHtml(text: string): string {
	return text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
}
