#!/usr/bin/env node
// @ts-check
/**
 * A stand-in cluster from the shell, for demo recordings and poking around:
 *
 *   node tools/standin/cli.mjs [options] -- <command> [args…]   run the command against a fresh cluster
 *   node tools/standin/cli.mjs [options]                         print the env to use, wait for Ctrl-C
 *
 * Options: --generation bitnami-2022|milvusdb-fork, --replicas N, --no-default-storage-class,
 * --keys N (Milvus-like keys to write first), --fault <fault>[:<ordinals>] (repeatable, e.g.
 * --fault empty-member-id:1), --compose (the docker compose model instead of Kubernetes).
 */
import { spawn } from 'node:child_process';
import { createCluster, createCompose, FAULTS, GENERATIONS, stopAll } from './index.mjs';

/** @param {string} msg @returns {never} */
function usage(msg) {
	process.stderr.write(`standin: ${msg}\n`);
	process.exit(2);
}

const argv = process.argv.slice(2);
const dd = argv.indexOf('--');
const opts = dd >= 0 ? argv.slice(0, dd) : argv;
const command = dd >= 0 ? argv.slice(dd + 1) : [];

/** @type {import('./index.mjs').Generation} */
let generation = 'bitnami-2022';
let replicas = 3;
let defaultStorageClass = true;
let keys = 0;
let compose = false;
/** @type {{ fault: import('./index.mjs').Fault, pods: number[] }[]} */
const faults = [];
for (let i = 0; i < opts.length; i++) {
	const a = opts[i];
	const value = () => opts[++i] ?? usage(`${a} needs a value`);
	if (a === '--generation') {
		const g = value();
		if (!GENERATIONS.includes(/** @type {any} */ (g)))
			usage(`unknown generation ${g} (${GENERATIONS.join(', ')})`);
		generation = /** @type {import('./index.mjs').Generation} */ (g);
	} else if (a === '--replicas') replicas = Number(value());
	else if (a === '--no-default-storage-class') defaultStorageClass = false;
	else if (a === '--keys') keys = Number(value());
	else if (a === '--compose') compose = true;
	else if (a === '--fault') {
		const [f, list] = value().split(':');
		if (!FAULTS.includes(/** @type {any} */ (f)))
			usage(`unknown fault ${f} (${FAULTS.join(', ')})`);
		faults.push({
			fault: /** @type {import('./index.mjs').Fault} */ (f),
			pods: list ? list.split(',').map(Number) : [],
		});
	} else usage(`unknown option ${a}`);
}
if (!Number.isInteger(replicas) || replicas < 0) usage('--replicas must be a whole number');
if (!Number.isInteger(keys) || keys < 0) usage('--keys must be a whole number');

process.on('SIGINT', () => void stopAll().then(() => process.exit(130)));
process.on('SIGTERM', () => void stopAll().then(() => process.exit(143)));

let env;
try {
	if (compose) {
		env = (await createCompose()).env;
	} else {
		const c = await createCluster({ generation, replicas, defaultStorageClass });
		if (keys) await c.putMilvusKeys(keys);
		for (const f of faults) {
			await c.inject(f.fault, f.pods);
			const crashing = f.fault === 'all-down' ? [...Array(replicas).keys()] : f.pods;
			if (
				f.fault === 'corrupt-data' ||
				f.fault === 'all-down' ||
				(f.fault === 'empty-member-id' && generation === 'bitnami-2022')
			) {
				for (const p of crashing) await c.waitPod(p, 'CrashLoopBackOff');
			}
		}
		env = c.env;
	}
} catch (e) {
	await stopAll();
	usage(e instanceof Error ? e.message : String(e));
	throw e;
}

if (command.length) {
	const child = spawn(/** @type {string} */ (command[0]), command.slice(1), {
		env,
		stdio: 'inherit',
	});
	const code = await new Promise((resolve) =>
		child.on('exit', (c, sig) => resolve(c ?? (sig ? 128 : 1))),
	);
	await stopAll();
	process.exit(/** @type {number} */ (code));
} else {
	process.stdout.write(
		`export STANDIN_DIR=${JSON.stringify(env.STANDIN_DIR)}\nexport KUBECONFIG=${JSON.stringify(env.KUBECONFIG)}\nexport PATH=${JSON.stringify(env.PATH)}\nexport DOCKER_HOST=${JSON.stringify(env.DOCKER_HOST)}\n# Ctrl-C stops the cluster.\n`,
	);
	setInterval(() => {}, 1 << 30);
}
