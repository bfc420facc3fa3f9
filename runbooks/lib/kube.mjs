// @ts-check
// kubectl with the context and namespace pinned once at start: every command this toolkit runs is
// `kubectl --context <ctx> -n <ns> …`, so switching contexts in another terminal mid-run cannot send a
// destructive step to another cluster. In --describe mode the same builders render without pins,
// which is the form the site shows.
//
import { StepFailedError, UsageError } from './exit.mjs';
import { translator } from './i18n.mjs';
import { run as runArgv, formatCommand, requireTool, describeFailure } from './shell.mjs';

/** @typedef {import('./i18n.mjs').Lang} Lang */
/** @typedef {import('./shell.mjs').RunResult} RunResult */
/** @typedef {import('./shell.mjs').RunOptions} RunOptions */

/**
 * Names the Bitnami etcd chart derives from a Helm release.
 * @typedef {object} EtcdNames
 * @property {string} release
 * @property {string} sts         StatefulSet, `<release>-etcd` unless --sts
 * @property {string} selector    `app.kubernetes.io/name=etcd,app.kubernetes.io/instance=<release>`
 * @property {string} headless    headless Service, `<sts>-headless`
 * @property {(i: number) => string} pod   `<sts>-<i>`
 * @property {(i: number) => string} pvc   `data-<sts>-<i>`
 */

/**
 * @param {string} release
 * @param {string} [sts]
 * @returns {EtcdNames}
 */
export function etcdNames(release, sts) {
	const set = sts ?? `${release}-etcd`;
	return {
		release,
		sts: set,
		selector: `app.kubernetes.io/name=etcd,app.kubernetes.io/instance=${release}`,
		headless: `${set}-headless`,
		pod: (i) => `${set}-${i}`,
		pvc: (i) => `data-${set}-${i}`,
	};
}

/** Mount path of etcd's data in the Bitnami chart (and in helper pods). */
export const ETCD_MOUNT = '/bitnami/etcd';
export const HELPER_IMAGE = 'busybox:1.36';

/**
 * @typedef {object} HelperPod
 * @property {string} name
 * @property {string} pvc
 * @property {() => Promise<void>} delete   remove the pod (ignores an already-gone pod)
 */

/**
 * @typedef {object} Kube
 * @property {string | null} context     null in describe mode
 * @property {string} namespace
 * @property {boolean} pinned
 * @property {(...args: string[]) => string[]} argv   full kubectl argv (pinned unless describing)
 * @property {(args: readonly string[], options?: RunOptions) => Promise<RunResult>} run
 * @property {(args: readonly string[]) => Promise<any>} json   runs with `-o json`, parsed
 * @property {(pod: string, cmd: readonly string[], options?: RunOptions) => Promise<RunResult>} exec
 * @property {(pod: string, cmd: readonly string[]) => string[]} execArgv
 * @property {(pod: string, options?: { previous?: boolean, tail?: number, container?: string }) => Promise<string>} logs
 * @property {(selector: string) => Promise<any[]>} podsByLabel   pod objects (items of `get pods -l`)
 * @property {(pvc: string, name: string) => string[][]} helperPodArgvs  the two commands helperPod runs
 * @property {(pvc: string, name: string) => Promise<HelperPod>} helperPod
 * @property {<T>(pvc: string, name: string, fn: (pod: HelperPod) => Promise<T>) => Promise<T>} withHelperPod
 * @property {(argv: readonly string[]) => string[]} pin  add the pins to a plain `kubectl …` argv
 */

/**
 * The JSON for `kubectl run --overrides`: kubectl merges it into the Pod it builds, so the helper mounts
 * the PVC where the etcd image mounts it.
 * @param {string} pvc
 * @param {string} name
 */
export function helperOverrides(pvc, name) {
	return JSON.stringify({
		apiVersion: 'v1',
		spec: {
			containers: [
				{
					name,
					image: HELPER_IMAGE,
					command: ['sleep', '3600'],
					volumeMounts: [{ name: 'data', mountPath: ETCD_MOUNT }],
				},
			],
			volumes: [{ name: 'data', persistentVolumeClaim: { claimName: pvc } }],
		},
	});
}

/**
 * Insert `--context <ctx> -n <ns>` after `kubectl` unless already pinned; other argvs pass through.
 * @param {readonly string[]} argv
 * @param {string | null} context
 * @param {string} namespace
 */
export function pinKubectl(argv, context, namespace) {
	if (argv[0] !== 'kubectl' || context === null) return [...argv];
	if (argv[1] === '--context') return [...argv];
	return ['kubectl', '--context', context, '-n', namespace, ...argv.slice(1)];
}

/**
 * @param {{ context: string | null, namespace: string, lang?: Lang }} options
 *   context null = describe mode: builders render without pins and nothing may run.
 * @returns {Kube}
 */
export function createKube({ context, namespace, lang = 'en' }) {
	const pinned = context !== null;
	/** @param {readonly string[]} argv */
	const pin = (argv) => pinKubectl(argv, context, namespace);
	/** @param {string[]} args */
	const argv = (...args) => pin(['kubectl', ...args]);
	/** @type {Kube['run']} */
	const run = async (args, options = {}) => {
		if (!pinned) throw new Error('kube.run called in describe mode');
		return runArgv(argv(...args), { lang, ...options });
	};
	/** @type {Kube['json']} */
	const json = async (args) => {
		const full = [...args, '-o', 'json'];
		const result = await run(full);
		try {
			return JSON.parse(result.stdout);
		} catch {
			throw new StepFailedError(
				translator(lang)('badJson', { command: formatCommand(argv(...full)) }),
			);
		}
	};
	/** @param {string} pod @param {readonly string[]} cmd */
	const execArgv = (pod, cmd) => argv('exec', pod, '--', ...cmd);
	/** @type {Kube['helperPodArgvs']} */
	const helperPodArgvs = (pvc, name) => [
		argv(
			'run',
			name,
			`--image=${HELPER_IMAGE}`,
			'--restart=Never',
			`--overrides=${helperOverrides(pvc, name)}`,
			'--',
			'sleep',
			'3600',
		),
		argv('wait', '--for=condition=Ready', `pod/${name}`, '--timeout=120s'),
	];
	/** @type {Kube['helperPod']} */
	const helperPod = async (pvc, name) => {
		const [create, wait] = /** @type {string[][]} */ (helperPodArgvs(pvc, name));
		const del = async () => {
			await run(['delete', 'pod', name, '--ignore-not-found', '--wait=false'], { check: false });
		};
		await runArgv(/** @type {string[]} */ (create), { lang });
		const ready = await runArgv(/** @type {string[]} */ (wait), { lang, check: false });
		if (!ready.ok) {
			// Never leave a pod holding the PVC behind: it would block the very steps that follow.
			await del();
			const reason =
				ready.stderr
					.split('\n')
					.map((s) => s.trim())
					.find(Boolean) ?? `exit ${ready.exitCode}`;
			throw new StepFailedError(translator(lang)('helperNotReady', { name, pvc, reason }));
		}
		return { name, pvc, delete: del };
	};
	return {
		context,
		namespace,
		pinned,
		argv,
		pin,
		run,
		json,
		execArgv,
		exec: (pod, cmd, options) => run(['exec', pod, '--', ...cmd], options),
		logs: async (pod, options = {}) => {
			const args = ['logs', pod];
			if (options.container) args.push('-c', options.container);
			if (options.previous) args.push('--previous');
			if (options.tail !== undefined) args.push(`--tail=${options.tail}`);
			return (await run(args)).stdout;
		},
		podsByLabel: async (selector) => {
			const list = await json(['get', 'pods', '-l', selector]);
			return Array.isArray(list?.items) ? list.items : [];
		},
		helperPodArgvs,
		helperPod,
		withHelperPod: async (pvc, name, fn) => {
			const pod = await helperPod(pvc, name);
			try {
				return await fn(pod);
			} finally {
				await pod.delete();
			}
		},
	};
}

/**
 * Resolve the context once (`--context`, else `kubectl config current-context`) and the namespace
 * (`-n`, else the context's namespace, else default). Requires kubectl on PATH (exit 1 otherwise).
 * @param {{ context?: string, namespace?: string, lang?: Lang }} options
 * @returns {Promise<{ context: string, namespace: string }>}
 */
export async function resolveTarget({ context, namespace, lang = 'en' }) {
	requireTool('kubectl', lang);
	const tr = translator(lang);
	let ctx = context;
	if (!ctx) {
		const r = await runArgv(['kubectl', 'config', 'current-context'], { check: false, lang });
		ctx = r.stdout.trim();
		if (!r.ok || !ctx) throw new UsageError(tr('noContext'));
	}
	let ns = namespace;
	if (!ns) {
		const r = await runArgv(
			['kubectl', '--context', ctx, 'config', 'view', '--minify', '-o', 'jsonpath={..namespace}'],
			{
				check: false,
				lang,
			},
		);
		ns = (r.ok && r.stdout.trim()) || 'default';
	}
	return { context: ctx, namespace: ns };
}

/**
 * Exit 2 with one line unless the kube's namespace exists. Users limited to their own namespace may not
 * read Namespace objects (Forbidden): then this check is skipped and later commands speak for themselves.
 * @param {Kube} kube
 * @param {Lang} [lang]
 */
export async function requireNamespace(kube, lang = 'en') {
	const tr = translator(lang);
	// Namespaces are cluster-scoped: no -n pin here.
	const argv = [
		'kubectl',
		'--context',
		kube.context ?? '',
		'get',
		'namespace',
		kube.namespace,
		'-o',
		'name',
	];
	const ns = await runArgv(argv, { check: false, lang });
	if (ns.ok || /forbidden/i.test(ns.stderr)) return;
	// kubectl: `context was not found for specified context: x` / `context "x" does not exist`.
	if (/context.*(not (been )?found|does not exist)/i.test(ns.stderr))
		throw new UsageError(tr('contextMissing', { context: kube.context ?? '' }));
	if (/not ?found/i.test(ns.stderr))
		throw new UsageError(
			tr('namespaceMissing', { namespace: kube.namespace, context: kube.context ?? '' }),
		);
	throw new StepFailedError(describeFailure(argv, ns, lang));
}

/**
 * Exit 2 with one line unless the namespace and the etcd StatefulSet exist.
 * @param {Kube} kube
 * @param {string} sts
 * @param {Lang} [lang]
 */
export async function requireStatefulSet(kube, sts, lang = 'en') {
	await requireNamespace(kube, lang);
	const set = await kube.run(['get', 'sts', sts, '-o', 'name'], { check: false });
	if (set.ok) return;
	if (/not ?found/i.test(set.stderr)) {
		throw new UsageError(
			translator(lang)('stsMissing', {
				namespace: kube.namespace,
				context: kube.context ?? '',
				sts,
			}),
		);
	}
	throw new StepFailedError(describeFailure(kube.argv('get', 'sts', sts, '-o', 'name'), set, lang));
}
