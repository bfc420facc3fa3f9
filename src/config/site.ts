import { DEFAULT_SITE_URL } from '../../runbooks/lib/catalog.mjs';

/**
 * The one place that names where the site is published. Canonical URLs, hreflang alternates and the
 * sitemap are all derived from it. `MILVUS_RESCUE_SITE` overrides it for a mirror or a preview deploy.
 */
export const SITE_URL: string = process.env.MILVUS_RESCUE_SITE || DEFAULT_SITE_URL;

export const SITE_TITLE = 'Milvus Rescue';

export const DISCORD_URL = 'https://discord.com/invite/8uyFbECzPX';
