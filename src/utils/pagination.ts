import { defineRouteMiddleware } from '@astrojs/starlight/route-data';

/**
 * Starlight's "Next"/"Previous" follow the sidebar, where the runbook pages come after the last symptom
 * page: the etcd-all-crash page said "Next: diagnose". A guide page does not lead into the runbook
 * reference by its pager (each page links its own runbook), so that link is dropped.
 */
export const onRequest = defineRouteMiddleware((context) => {
	const route = context.locals.starlightRoute;
	const isRunbook = (href: string | undefined) => href !== undefined && /\/runbooks\//.test(href);
	if (isRunbook(context.url.pathname)) return;
	const { pagination } = route;
	if (isRunbook(pagination.next?.href)) pagination.next = undefined;
	if (isRunbook(pagination.prev?.href)) pagination.prev = undefined;
});
