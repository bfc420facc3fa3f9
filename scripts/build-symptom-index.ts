/**
 * Writes runbooks/lib/symptom-index.mjs from the symptom pages (see src/utils/symptom-index.ts). The site
 * build does the same; run this after editing a page when you will not build the site.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSymptomIndexModule, INDEX_FILE } from '../src/utils/symptom-index.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const text = buildSymptomIndexModule(root);
writeFileSync(path.join(root, INDEX_FILE), text);
console.log(`${INDEX_FILE}: ${Buffer.byteLength(text)} bytes`);
