// @ts-check
// docker wrapper for the Docker-based runbooks (Milvus standalone): the same argv-only discipline as
// kube.mjs. Nothing to pin: docker talks to one daemon.
import { StepFailedError } from './exit.mjs';
import { toolkitText } from './i18n.mjs';
import { run as runArgv, formatCommand, requireTool } from './shell.mjs';

/** @typedef {import('./i18n.mjs').Lang} Lang */
/** @typedef {import('./shell.mjs').RunResult} RunResult */
/** @typedef {import('./shell.mjs').RunOptions} RunOptions */

/**
 * @typedef {object} Docker
 * @property {(...args: string[]) => string[]} argv
 * @property {(args: readonly string[], options?: RunOptions) => Promise<RunResult>} run
 * @property {(args: readonly string[]) => Promise<any>} json  parses stdout as JSON (use with inspect, or --format '{{json .}}')
 * @property {(container: string, options?: { tail?: number }) => Promise<string>} logs  stdout and stderr together
 * @property {(name: string) => Promise<any | null>} inspect   the object, or null when there is no such container
 * @property {(filter?: string) => Promise<Array<Record<string, string>>>} ps  `docker ps -a` rows
 */

/**
 * @param {{ lang?: Lang, check?: boolean }} [options] check: require docker on PATH now (exit 1 otherwise)
 * @returns {Docker}
 */
export function createDocker({ lang = 'en', check = false } = {}) {
	if (check) requireTool('docker', lang);
	/** @param {string[]} args */
	const argv = (...args) => ['docker', ...args];
	/** @type {Docker['run']} */
	const run = (args, options = {}) => runArgv(argv(...args), { lang, ...options });
	return {
		argv,
		run,
		json: async (args) => {
			const r = await run(args);
			try {
				return JSON.parse(r.stdout);
			} catch {
				throw new StepFailedError(
					toolkitText(lang)('badJson', { command: formatCommand(argv(...args)) }),
				);
			}
		},
		logs: async (container, options = {}) => {
			const args = ['logs', container];
			if (options.tail !== undefined) args.push('--tail', String(options.tail));
			const r = await run(args);
			// docker logs replays the container's stderr on stderr; error signatures live there too.
			return `${r.stdout}${r.stderr}`;
		},
		inspect: async (name) => {
			const r = await run(['inspect', name], { check: false });
			if (!r.ok) return null;
			try {
				const parsed = JSON.parse(r.stdout);
				return Array.isArray(parsed) ? (parsed[0] ?? null) : parsed;
			} catch {
				return null;
			}
		},
		ps: async (filter) => {
			const args = ['ps', '-a', '--format', '{{json .}}'];
			if (filter) args.push('--filter', filter);
			const r = await run(args);
			return r.stdout
				.split('\n')
				.filter((l) => l.trim())
				.map((l) => JSON.parse(l));
		},
	};
}
