// `npm run bench`: runs every benchmark module in tools/bench/ in one process and prints their figures.
// Each module exports `run()`; a module that fails is reported and the others still run.
import { readdir } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';

interface BenchModule {
	run: () => Promise<void>;
}

const benchDir = fileURLToPath(new URL('./bench/', import.meta.url));
const only = process.argv.slice(2);
const names = (await readdir(benchDir))
	.filter((file) => file.endsWith('.ts'))
	.map((file) => file.replace(/\.ts$/, ''))
	.filter((name) => only.length === 0 || only.includes(name))
	.sort();

let failures = 0;
for (const name of names) {
	console.log(`\n=== ${name} ===`);
	const started = performance.now();
	try {
		const mod = (await import(
			pathToFileURL(path.join(benchDir, `${name}.ts`)).href
		)) as BenchModule;
		await mod.run();
	} catch (error) {
		failures += 1;
		console.log(`${name}: failed: ${error instanceof Error ? error.message : String(error)}`);
	}
	console.log(`(${name} took ${((performance.now() - started) / 1000).toFixed(1)} s)`);
}
process.exitCode = failures === 0 ? 0 : 1;
