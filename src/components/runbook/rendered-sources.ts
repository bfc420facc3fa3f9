/**
 * Highlighted runbook sources, kept for the whole build (this module is loaded once per build process):
 * see RunbookSource.astro.
 */
export interface RenderedSource {
	code: string;
	html: string;
	/** The copy button's opening tag as rendered, in the language of the first page that rendered it. */
	copyButton: string;
}

export const renderedSources = new Map<string, RenderedSource>();
