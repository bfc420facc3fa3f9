/**
 * Builds every runbook (or the ones named) as one self-contained file that runs with `npx zx <file>` on a
 * machine with only Node: the same bundler the site build uses for `/runbooks/<name>.mjs`.
 *
 *   node --import tsx scripts/build-runbooks.ts [--out <dir>] [name…]
 *
 * Prints `<sha256>  <file>` per runbook (the format `sha256sum -c` reads). Default folder: dist/runbooks.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { listRunbookNames } from '../src/plugins/runbook-links/list.ts';
import {
	RunbookLoadError,
	bundleRunbook,
	sha256,
	zxShimSource,
} from '../src/plugins/runbook-links/runbooks.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function usage(message: string): never {
	process.stderr.write(
		`build-runbooks: ${message} (usage: build-runbooks.ts [--out <dir>] [name…])\n`,
	);
	process.exit(2);
}

async function main(): Promise<void> {
	const args = process.argv.slice(2);
	let out = path.join(ROOT, 'dist', 'runbooks');
	const wanted: string[] = [];
	for (let i = 0; i < args.length; i++) {
		const arg = args[i] as string;
		if (arg === '--out') {
			const value = args[++i];
			if (!value) usage('--out needs a folder');
			out = path.resolve(value);
		} else if (arg.startsWith('-')) usage(`unknown flag ${arg}`);
		else wanted.push(arg);
	}
	const all = listRunbookNames(ROOT);
	const unknown = wanted.filter((n) => !all.includes(n));
	if (unknown.length > 0) usage(`no runbook ${unknown.join(', ')} (known: ${all.join(', ')})`);
	const names = wanted.length > 0 ? wanted : all;
	await mkdir(out, { recursive: true });
	const shim = await zxShimSource(ROOT);
	for (const name of names) {
		const code = await bundleRunbook(ROOT, name, shim);
		const file = path.join(out, `${name}.mjs`);
		await writeFile(file, code);
		process.stdout.write(`${sha256(code)}  ${path.relative(process.cwd(), file)}\n`);
	}
}

main().catch((error: unknown) => {
	const message = error instanceof RunbookLoadError ? error.message : String(error);
	process.stderr.write(`build-runbooks: ${message.split('\n')[0]}\n`);
	process.exit(1);
});
