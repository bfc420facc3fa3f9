// @ts-check
import { defineConfig } from 'astro/config';
import { integrations } from './src/config/integrations.ts';
import { SITE_URL } from './src/config/site.ts';

// Everything lives in src/config/; this file only wires it together.
export default defineConfig({
	site: SITE_URL,
	integrations: integrations(),
});
