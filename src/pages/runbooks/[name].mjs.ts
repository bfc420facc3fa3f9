/**
 * `/runbooks/<name>.mjs`: each runbook's standalone file (one ESM file with its toolkit inside, built by
 * runbooks/build/load.ts), for download and for `npx zx <url>`. The runbook pages show its size and SHA-256.
 */
import type { APIRoute, GetStaticPaths } from 'astro';
import { BUNDLES } from 'virtual:milvus-rescue/runbook-bundles';

export const getStaticPaths = (() =>
	Object.keys(BUNDLES).map((name) => ({ params: { name } }))) satisfies GetStaticPaths;

export const GET: APIRoute = ({ params }) => {
	const code = BUNDLES[String(params.name)];
	if (code === undefined) return new Response(null, { status: 404 });
	return new Response(code, { headers: { 'Content-Type': 'text/javascript; charset=utf-8' } });
};
