export { ROOT, DIST, TEST_TMP } from '../../tools/support/paths.ts';
export { SYMPTOM_IDS } from '../../runbooks/lib/symptoms.mjs';
export { tmpDir, type Cleanup } from '../../tools/support/tmp.ts';
export { freePort } from '../../tools/support/port.ts';
export {
	spawnGroup,
	killGroup,
	runCollected,
	type CollectedRun,
} from '../../tools/support/process.ts';
export { serveStatic, type StaticServer } from '../../tools/support/server.ts';
export {
	openBrowser,
	CHROMIUM_PATH,
	CHROMIUM_ARGS,
	type OpenBrowser,
	type BrowserOptions,
} from '../../tools/support/browser.ts';
export { ensureBuilt, isFresh, runAstroBuild, BUILD_STAMP } from '../../tools/support/build.ts';
export { useSiteInBrowser, type SiteInBrowser, type SiteInBrowserOptions } from './site-browser.ts';
export { tags, htmlLang, decodeEntities, htmlFiles, type Tag } from '../../tools/support/html.ts';
export { auditDocs, parseFrontmatter, type AuditOptions } from './content-audit.ts';
