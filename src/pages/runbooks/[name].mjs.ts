/**
 * `/runbooks/<name>.mjs`: each runbook's standalone file (one ESM file with its toolkit inside, built by
 * runbooks/build/load.ts), for download and for `npx zx <url>`. The runbook pages show its size and SHA-256.
 */
import { readFile } from 'node:fs/promises';
import type { APIRoute, GetStaticPaths } from 'astro';
import { BUNDLE_FILES } from 'virtual:milvus-rescue/runbook-bundles';

export const getStaticPaths = (() =>
	Object.keys(BUNDLE_FILES).map((name) => ({ params: { name } }))) satisfies GetStaticPaths;

export const GET: APIRoute = async ({ params }) => {
	const file = BUNDLE_FILES[String(params.name)];
	if (file === undefined) return new Response(null, { status: 404 });
	const code = await readFile(file, 'utf8');
	return new Response(code, { headers: { 'Content-Type': 'text/javascript; charset=utf-8' } });
};
