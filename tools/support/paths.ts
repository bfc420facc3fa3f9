import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** The repository root, whatever the working directory of the test run. */
export const ROOT = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));
/** Where `astro build` writes the site (only the site engineer's build writes here). */
export const DIST = path.join(ROOT, 'dist');
/** Scratch space for tests; git-ignored. */
export const TEST_TMP = path.join(ROOT, 'test', '.tmp');
