import { isLocale, type Locale } from '../config/locales.ts';

/**
 * The path of the same page in another language: `/en/etcd-pending/` → `/id/etcd-pending/`. Pages outside a
 * language folder (the 404 page) have no twin, so they point at that language's overview.
 */
export function twinPath(pathname: string, target: Locale): string {
	const parts = pathname.split('/');
	// parts[0] is the empty string before the leading slash.
	if (isLocale(parts[1])) {
		parts[1] = target;
		const joined = parts.join('/');
		return parts.length === 2 ? `${joined}/` : joined;
	}
	return `/${target}/`;
}
