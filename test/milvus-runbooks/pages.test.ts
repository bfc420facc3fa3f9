// The querynode-oom and write-denied pages (en + id) against their runbooks: every shell block is the
// runbook's invocation or exactly one step's --describe command, every step is shown, each error string of
// the frontmatter appears verbatim, and the page compiles with Starlight's remark plugins.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runRunbook } from '../etcd-runbooks/helpers.ts';
import {
	LANGS,
	assertPlainMarkdown,
	assertErrorsShownVerbatim,
	assertNamesChartDefaults,
	assertOpensWithInvocation,
	assertRunbookBlocks,
	codeBlocks,
	loadPage,
} from '../content/page-source.ts';

for (const slug of ['querynode-oom', 'write-denied']) {
	test(`${slug}: the pages show each step of the runbook's --describe, verbatim`, async () => {
		const r = await runRunbook(slug, ['--describe'], { env: process.env });
		assert.equal(r.code, 0, r.stderr);
		const steps = new Map(
			(JSON.parse(r.stdout).steps as { id: string; command: string }[]).map((s) => [
				s.id,
				s.command,
			]),
		);
		for (const lang of LANGS) {
			const page = await assertPlainMarkdown(slug, lang);
			const blocks = codeBlocks((await loadPage(slug, lang)).tree);
			assertOpensWithInvocation(blocks, slug);
			const seen = assertRunbookBlocks(blocks, slug, (step) => steps.get(step));
			assert.deepEqual([...seen].sort(), [...steps.keys()].sort(), `${lang}/${slug}: every step`);
			assertErrorsShownVerbatim(page);
			assertNamesChartDefaults(page.tree);
		}
	});
}
