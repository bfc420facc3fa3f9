/**
 * The drift check without a site build: every code block of every page in src/content/docs against the
 * runbooks' `--describe` output (the build runs the same check and fails on the first bad page).
 *
 *   node --import tsx scripts/check-runbook-links.ts
 *
 * Prints one line per problem and exits 1 if there is any.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkPageSource, type DescribeIndex } from '../src/plugins/runbook-links/check.ts';
import { listRunbookNames } from '../runbooks/build/list.ts';
import { describeRunbook, RunbookLoadError } from '../runbooks/build/load.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

async function main(): Promise<number> {
	if (process.argv.length > 2) {
		process.stderr.write('check-runbook-links: takes no arguments\n');
		return 2;
	}
	const names = listRunbookNames(ROOT);
	const describes: DescribeIndex = Object.fromEntries(
		await Promise.all(names.map(async (n) => [n, await describeRunbook(ROOT, n, 'en')] as const)),
	);
	const docs = path.join(ROOT, 'src', 'content', 'docs');
	const problems: string[] = [];
	let pages = 0;
	for (const entry of (await readdir(docs, { recursive: true })).sort()) {
		if (!/\.mdx?$/.test(entry)) continue;
		pages++;
		const file = path.join('src', 'content', 'docs', entry);
		const source = await readFile(path.join(ROOT, file), 'utf8');
		problems.push(...checkPageSource(source, describes, { file }));
	}
	for (const p of problems) process.stdout.write(`${p}\n`);
	process.stderr.write(
		`check-runbook-links: ${pages} pages, ${names.length} runbooks, ${problems.length} problem(s)\n`,
	);
	return problems.length > 0 ? 1 : 0;
}

main().then(
	(code) => process.exit(code),
	(error: unknown) => {
		const message = error instanceof RunbookLoadError ? error.message : String(error);
		process.stderr.write(`check-runbook-links: ${message.split('\n')[0]}\n`);
		process.exit(1);
	},
);
