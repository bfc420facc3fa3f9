export { ROOT, DIST, TEST_TMP } from './paths.ts';
export { SYMPTOM_IDS } from '../../runbooks/lib/symptoms.mjs';
export { tmpDir, type Cleanup } from './tmp.ts';
export { freePort } from './port.ts';
export { spawnGroup, killGroup, runCollected, type CollectedRun } from './process.ts';
export { serveStatic, type StaticServer } from './server.ts';
export {
	openBrowser,
	CHROMIUM_PATH,
	CHROMIUM_ARGS,
	type OpenBrowser,
	type BrowserOptions,
} from './browser.ts';
export { ensureBuilt, isFresh, runAstroBuild, BUILD_STAMP } from './build.ts';
export { useSiteInBrowser, type SiteInBrowser, type SiteInBrowserOptions } from './site-browser.ts';
export { tags, htmlLang, decodeEntities, htmlFiles, type Tag } from './html.ts';
export { auditDocs, parseFrontmatter, type AuditOptions } from './content-audit.ts';
