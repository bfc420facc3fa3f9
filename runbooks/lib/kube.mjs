// @ts-check
// kubectl with the context and namespace pinned once at start: every command this toolkit runs is
// `kubectl --context <ctx> -n <ns> …`, so switching contexts in another terminal mid-run cannot send a
// destructive step to another cluster. In --describe mode the same builders render without pins,
// which is the form the site shows.
//
import { StepFailedError, UsageError } from './exit.mjs';
import { toolkitText } from './i18n.mjs';
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
 * `--helper-image`, for runbooks that start helper pods: clusters that cannot pull from Docker Hub
 * (air-gapped, mirrors) name an image of their own registry that has `sleep`, `cp` and `rm`.
 * @type {import('./cli.mjs').FlagSpec}
 */
export const HELPER_IMAGE_FLAG = {
	name: 'helper-image',
	type: 'string',
	default: HELPER_IMAGE,
	help: {
		en: 'image for helper pods (needs sleep, cp and rm), e.g. a mirror of busybox in your registry',
		id: 'image untuk pod bantuan (butuh sleep, cp dan rm), misalnya mirror busybox di registry Anda',
	},
};

/**
 * @typedef {object} HelperPod
 * @property {string} name
 * @property {string | null} pvc
 * @property {boolean} reused              true when a pod left by an interrupted run was taken over
 * @property {() => Promise<void>} delete   remove the pod (ignores an already-gone pod)
 */

/**
 * Where a helper pod must run: node selector terms (any one must match), e.g. the PV's own node affinity,
 * or `metadata.name In [node]` for the node the volume's last pod ran on. Null: let the scheduler choose.
 * @typedef {Array<Record<string, unknown>> | null} HelperPlacement
 */

/**
 * @typedef {object} HelperOptions
 * @property {string | null} [node]   node the volume's last pod ran on (used when the PV names none);
 *   undefined: the node of a pod that mounts the PVC now, if any (a crash-looping pod still has one)
 * @property {string} [image]         image with `sleep`, `cp` and `rm` (default: the kube's helper image)
 */

/**
 * @typedef {object} Kube
 * @property {string | null} context     null in describe mode
 * @property {string} namespace
 * @property {boolean} pinned
 * @property {string} helperImage        image of helper pods (`--helper-image`, default busybox)
 * @property {(...args: string[]) => string[]} argv   full kubectl argv (pinned unless describing)
 * @property {(args: readonly string[], options?: RunOptions) => Promise<RunResult>} run
 * @property {(args: readonly string[]) => Promise<any>} json   runs with `-o json`, parsed
 * @property {(pod: string, cmd: readonly string[], options?: RunOptions) => Promise<RunResult>} exec
 * @property {(pod: string, cmd: readonly string[]) => string[]} execArgv
 * @property {(pod: string, options?: { previous?: boolean, tail?: number, container?: string }) => Promise<string>} logs
 * @property {(selector: string) => Promise<any[]>} podsByLabel   pod objects (items of `get pods -l`)
 * @property {(pvc: string | null, name: string, placement?: HelperPlacement, image?: string) => string[][]} helperPodArgvs  the two commands helperPod runs
 * @property {(pvc: string, node?: string | null) => Promise<HelperPlacement>} helperPlacement
 * @property {(pvc: string | null, name: string, options?: HelperOptions) => Promise<HelperPod>} helperPod
 *   creates the pod, or takes over a Running one of that name mounting the same PVC (an interrupted run
 *   left it); any other pod of that name is deleted first. pvc null: a pod that mounts nothing (a probe)
 * @property {<T>(pvc: string | null, name: string, fn: (pod: HelperPod) => Promise<T>, options?: HelperOptions) => Promise<T>} withHelperPod
 * @property {() => Promise<void>} deleteHelpers  delete every helper pod this process still has (Ctrl-C)
 * @property {(argv: readonly string[]) => string[]} pin  add the pins to a plain `kubectl …` argv
 * @property {(target: string, localPort: number, remotePort: number) => Promise<PortForward>} portForward
 *   `kubectl port-forward <target> <local>:<remote>` in the background, once it says "Forwarding from"
 */

/**
 * A running `kubectl port-forward`. It never keeps Node alive and ends with this process whatever way it
 * ends; stop() ends it sooner (again a no-op).
 * @typedef {object} PortForward
 * @property {string} endpoint   http://127.0.0.1:<local port>
 * @property {string[]} argv     the command it runs (pinned)
 * @property {() => void} stop
 */

/**
 * The JSON for `kubectl run --overrides`: the whole container (the overrides replace kubectl's own), the PVC
 * mounted where the chart mounts it, and a required node affinity when the volume is tied to a node. Without
 * a PVC (null) the pod only runs: a probe from inside the cluster.
 * @param {string | null} pvc
 * @param {string} name
 * @param {{ image?: string, placement?: HelperPlacement }} [options]
 */
export function helperOverrides(pvc, name, options = {}) {
	/** @type {Record<string, unknown>} */
	const spec = {
		containers: [
			{
				name,
				image: options.image ?? HELPER_IMAGE,
				command: ['sleep', '3600'],
				...(pvc ? { volumeMounts: [{ name: 'data', mountPath: ETCD_MOUNT }] } : {}),
			},
		],
		...(pvc ? { volumes: [{ name: 'data', persistentVolumeClaim: { claimName: pvc } }] } : {}),
	};
	// A ReadWriteOnce block volume attaches to one node at a time: a helper elsewhere hits Multi-Attach.
	if (options.placement?.length)
		spec.affinity = {
			nodeAffinity: {
				requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: options.placement },
			},
		};
	return JSON.stringify({ apiVersion: 'v1', spec });
}

/**
 * Is this pod object a usable helper for `pvc`: mounts it (null: mounts no PVC), runs, Ready, not being
 * deleted.
 * @param {any} pod
 * @param {string | null} pvc
 */
export function isRunningHelperFor(pod, pvc) {
	const claims = (pod?.spec?.volumes ?? []).filter(
		(/** @type {any} */ v) => v?.persistentVolumeClaim?.claimName,
	);
	const mounts = pvc
		? claims.some((/** @type {any} */ v) => v.persistentVolumeClaim.claimName === pvc)
		: claims.length === 0;
	const ready = (pod?.status?.conditions ?? []).some(
		(/** @type {any} */ c) => c?.type === 'Ready' && c?.status === 'True',
	);
	return mounts && pod?.status?.phase === 'Running' && ready && !pod?.metadata?.deletionTimestamp;
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
 * @param {{ context: string | null, namespace: string, lang?: Lang, helperImage?: string }} options
 *   context null = describe mode: builders render without pins and nothing may run.
 * @returns {Kube}
 */
export function createKube(options) {
	const { context, namespace, lang = 'en' } = options;
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
				toolkitText(lang)('badJson', { command: formatCommand(argv(...full)) }),
			);
		}
	};
	/** @param {string} pod @param {readonly string[]} cmd */
	const execArgv = (pod, cmd) => argv('exec', pod, '--', ...cmd);
	const helperImage = options.helperImage || HELPER_IMAGE;
	const helpers = createHelpers({ argv, run, lang, helperImage });
	return {
		context,
		namespace,
		pinned,
		helperImage,
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
		...helpers,
		portForward: (target, localPort, remotePort) =>
			portForward(argv('port-forward', target, `${localPort}:${remotePort}`), localPort),
	};
}

/**
 * The helper-pod half of a Kube: pods that mount a PVC (or nothing) for a copy or a probe, tracked so that
 * Ctrl-C can delete every one this process still has.
 * @param {{ argv: Kube['argv'], run: Kube['run'], lang: Lang, helperImage: string }} k
 * @returns {Pick<Kube, 'helperPodArgvs' | 'helperPlacement' | 'helperPod' | 'withHelperPod' | 'deleteHelpers'>}
 */
function createHelpers({ argv, run, lang, helperImage }) {
	/** Helper pods this process created or took over and has not deleted yet. @type {Set<string>} */
	const liveHelpers = new Set();
	/** `kubectl run` calls still under way: Ctrl-C cleanup waits for them, or their pod would outlive it. */
	/** @type {Set<Promise<unknown>>} */
	const creating = new Set();
	/** @param {string} name */
	const deleteHelper = async (name) => {
		await run(['delete', 'pod', name, '--ignore-not-found', '--wait=false'], { check: false });
		liveHelpers.delete(name);
	};
	/** @type {Kube['helperPodArgvs']} */
	const helperPodArgvs = (pvc, name, placement = null, image = helperImage) => [
		argv(
			'run',
			name,
			`--image=${image}`,
			'--restart=Never',
			`--overrides=${helperOverrides(pvc, name, { image, placement })}`,
		),
		argv('wait', '--for=condition=Ready', `pod/${name}`, '--timeout=120s'),
	];
	/** @param {readonly string[]} args */
	const jsonOrNull = async (args) => {
		const r = await run([...args, '-o', 'json'], { check: false });
		if (!r.ok) return null;
		try {
			return JSON.parse(r.stdout);
		} catch {
			return null;
		}
	};
	/** @type {Kube['helperPlacement']} */
	const helperPlacement = async (pvc, node = null) => {
		// The PV's own node affinity (local and zonal volumes) names where its data can be reached.
		const claim = await jsonOrNull(['get', 'pvc', pvc]);
		const volume = claim?.spec?.volumeName;
		if (typeof volume === 'string' && volume) {
			const pv = await jsonOrNull(['get', 'pv', volume]);
			const terms = pv?.spec?.nodeAffinity?.required?.nodeSelectorTerms;
			if (Array.isArray(terms) && terms.length) return terms;
		}
		// Else the node the volume was last attached to, when that node still exists.
		if (!node) return null;
		const gone = await run(['get', 'node', node, '-o', 'name'], { check: false });
		if (!gone.ok && /not ?found/i.test(gone.stderr)) return null;
		return [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [node] }] }];
	};
	/** @type {Kube['helperPod']} */
	const helperPod = async (pvc, name, opts = {}) => {
		const del = () => deleteHelper(name);
		// An interrupted run may have left this pod: take it over if it serves the same PVC, else remove it.
		const left = await jsonOrNull(['get', 'pod', name]);
		if (left && isRunningHelperFor(left, pvc)) {
			liveHelpers.add(name);
			return { name, pvc, reused: true, delete: del };
		}
		if (left) await run(['delete', 'pod', name, '--ignore-not-found']);
		let node = opts.node;
		if (node === undefined && pvc) {
			const pods = await jsonOrNull(['get', 'pods']);
			const user = (pods?.items ?? []).find(
				(/** @type {any} */ p) =>
					p?.metadata?.name !== name &&
					p?.spec?.nodeName &&
					(p?.spec?.volumes ?? []).some(
						(/** @type {any} */ v) => v?.persistentVolumeClaim?.claimName === pvc,
					),
			);
			node = user ? String(user.spec.nodeName) : null;
		}
		const placement = pvc ? await helperPlacement(pvc, node ?? null) : null;
		const [create, wait] = /** @type {string[][]} */ (
			helperPodArgvs(pvc, name, placement, opts.image ?? helperImage)
		);
		liveHelpers.add(name);
		const started = runArgv(/** @type {string[]} */ (create), { lang });
		creating.add(started);
		try {
			await started;
		} finally {
			creating.delete(started);
		}
		const ready = await runArgv(/** @type {string[]} */ (wait), { lang, check: false });
		if (!ready.ok) {
			// Never leave a pod holding the PVC behind: it would block the very steps that follow.
			await del();
			const reason =
				ready.stderr
					.split('\n')
					.map((s) => s.trim())
					.find(Boolean) ?? `exit ${ready.exitCode}`;
			throw new StepFailedError(
				toolkitText(lang)('helperNotReady', { name, pvc: pvc ?? '-', reason }),
			);
		}
		return { name, pvc, reused: false, delete: del };
	};
	return {
		helperPodArgvs,
		helperPlacement,
		helperPod,
		withHelperPod: async (pvc, name, fn, opts) => {
			const pod = await helperPod(pvc, name, opts);
			try {
				return await fn(pod);
			} finally {
				await pod.delete();
			}
		},
		deleteHelpers: async () => {
			await Promise.allSettled([...creating]);
			await Promise.all([...liveHelpers].map((name) => deleteHelper(name)));
		},
	};
}

/**
 * Starts `argv` (a kubectl port-forward) in its own process group and waits for its "Forwarding from" line.
 * The handle is all the state there is: the child is unreferenced (a run that stops before using it still
 * exits) and killed on process exit, so no forward outlives the runbook.
 * @param {string[]} argv @param {number} localPort
 * @returns {Promise<PortForward>}
 */
async function portForward(argv, localPort) {
	if (argv[1] !== '--context') throw new Error('kube.portForward called in describe mode');
	// Loaded when first needed, as in shell.mjs.
	const { $ } = await import('./zx.mjs');
	const p = $({ quiet: true, nothrow: true, detached: true })`${argv}`;
	const stop = () => {
		process.off('exit', stop);
		const pid = p.child?.pid;
		try {
			if (pid) process.kill(-pid, 'SIGTERM');
		} catch {
			// already gone
		}
	};
	process.once('exit', stop);
	let output = '';
	const ready = new Promise((resolve, reject) => {
		p.stdout.on('data', (/** @type {Buffer} */ d) => {
			output += d.toString();
			if (/Forwarding from/.test(output)) resolve(true);
		});
		p.stderr.on('data', (/** @type {Buffer} */ d) => {
			output += d.toString();
		});
		p.then((r) =>
			reject(new Error((r.stderr || r.stdout || `exit ${r.exitCode}`).trim().split('\n')[0])),
		);
	});
	/** @type {NodeJS.Timeout | undefined} */
	let timer;
	const late = new Promise((_, reject) => {
		timer = setTimeout(() => reject(new Error('no "Forwarding from" line in 30 s')), 30_000);
	});
	try {
		await Promise.race([ready, late]);
	} catch (e) {
		stop();
		throw e;
	} finally {
		clearTimeout(timer);
	}
	const child = /** @type {any} */ (p.child);
	for (const handle of [child, child?.stdout, child?.stderr, child?.stdin]) handle?.unref?.();
	return { endpoint: `http://127.0.0.1:${localPort}`, argv, stop };
}

/**
 * Resolve the context once (`--context`, else the kubeconfig's current context) and the namespace (`-n`,
 * else the context's namespace, else default), from one `kubectl config view --minify`. Requires kubectl on
 * PATH (exit 1 otherwise).
 * @param {{ context?: string, namespace?: string, lang?: Lang }} options
 * @returns {Promise<{ context: string, namespace: string }>}
 */
export async function resolveTarget({ context, namespace, lang = 'en' }) {
	requireTool('kubectl', lang);
	const tr = toolkitText(lang);
	const r = await runArgv(
		[
			'kubectl',
			...(context ? ['--context', context] : []),
			'config',
			'view',
			'--minify',
			'-o',
			'json',
		],
		{ check: false, lang },
	);
	/** @type {any} */
	let view = null;
	try {
		view = r.ok ? JSON.parse(r.stdout) : null;
	} catch {
		view = null;
	}
	const ctx = context || String(view?.['current-context'] ?? '');
	if (!ctx) throw new UsageError(tr('noContext'));
	const own = (view?.contexts ?? []).find((/** @type {any} */ c) => c?.name === ctx);
	const ns = namespace || String(own?.context?.namespace ?? '') || 'default';
	return { context: ctx, namespace: ns };
}

/**
 * Exit 2 with one line unless the kube's namespace exists. Users limited to their own namespace may not
 * read Namespace objects (Forbidden): then this check is skipped and later commands speak for themselves.
 * @param {Kube} kube
 * @param {Lang} [lang]
 */
export async function requireNamespace(kube, lang = 'en') {
	const tr = toolkitText(lang);
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
	const set = await kube.run(['get', 'sts', sts, '-o', 'name'], { check: false });
	if (set.ok) return;
	// Only a failure needs the namespace looked at: it names the missing context or namespace precisely.
	await requireNamespace(kube, lang);
	if (/not ?found/i.test(set.stderr)) {
		throw new UsageError(
			toolkitText(lang)('stsMissing', {
				namespace: kube.namespace,
				context: kube.context ?? '',
				sts,
			}),
		);
	}
	throw new StepFailedError(describeFailure(kube.argv('get', 'sts', sts, '-o', 'name'), set, lang));
}
