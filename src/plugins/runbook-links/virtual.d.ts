/** Provided by the runbook-links plugin (plugin.ts): every runbook, read once per build. */
declare module 'virtual:milvus-rescue/runbooks' {
	export const RUNBOOKS: import('../../../runbooks/build/types.ts').RunbookIndex;
	/** Per runbook file (`runbooks/boot.mjs`), the file its highlighted source is kept in between builds. */
	export const SOURCE_CACHE: Record<string, string>;
}

/** The standalone file of each runbook (runbooks/build/load.ts), served by src/pages/runbooks/[name].mjs.ts. */
declare module 'virtual:milvus-rescue/runbook-bundles' {
	/** Per runbook name, the file holding its standalone build (read when the route is rendered). */
	export const BUNDLE_FILES: Record<string, string>;
}
