/** Provided by the runbook-links plugin (plugin.ts): every runbook, read once per build. */
declare module 'virtual:milvus-rescue/runbooks' {
	export const RUNBOOKS: import('../../../runbooks/build/types.ts').RunbookIndex;
}

/** The standalone file of each runbook (runbooks/build/load.ts), served by src/pages/runbooks/[name].mjs.ts. */
declare module 'virtual:milvus-rescue/runbook-bundles' {
	export const BUNDLES: Record<string, string>;
}
