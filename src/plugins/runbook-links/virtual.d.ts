/** Provided by the runbook-links integration (integration.ts): every runbook, read once per build. */
declare module 'virtual:milvus-rescue/runbooks' {
	export const RUNBOOKS: import('./types.ts').RunbookIndex;
}
