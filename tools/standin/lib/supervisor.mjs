// @ts-check
/**
 * The stand-in cluster's one long-running process: API server, StatefulSet/PVC controllers, scheduler and
 * kubelet in one event loop, so every change is applied in order without file locks. Started detached by
 * the Node API (`node supervisor.mjs <dir> <ownerPid>`); every etcd it starts is its child and dies with it.
 */
import { execFile, spawn } from 'node:child_process';
import { randomUUID, createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { reservePort, VOLUME_MOUNT } from './common.mjs';
import { ExitError, preStop, startScript, stamp, storeMemberId } from './scripts.mjs';

const dir = process.argv[2] ?? '';
const ownerPid = Number(process.argv[3] ?? 0);
if (!dir) {
	process.stderr.write('usage: supervisor.mjs <dir> [ownerPid]\n');
	process.exit(2);
}

/**
 * @typedef {object} Spec
 * @property {'k8s' | 'compose'} kind
 * @property {'bitnami-2022' | 'milvusdb-fork'} generation
 * @property {number} replicas
 * @property {string} release
 * @property {string} namespace
 * @property {string} context
 * @property {boolean} defaultStorageClass
 * @property {'new' | 'existing'} initialClusterState
 * @property {number} backoffMs
 * @property {boolean} [retroactiveDefaultClass] absent: true
 * @property {boolean} [ownDir] the Node API made the folder (and removes it)
 */
/** @type {Spec} */
const spec = JSON.parse(fs.readFileSync(path.join(dir, 'cluster.json'), 'utf8'));
const STS = `${spec.release}-etcd`;
const NS = spec.namespace;
const NODE = 'standin-node';
const DOMAIN = `${STS}-headless.${NS}.svc.cluster.local`;
const IMAGE =
	spec.generation === 'bitnami-2022'
		? 'docker.io/bitnami/etcd:3.5.0-debian-10-r24'
		: 'docker.io/milvusdb/etcd:3.5.5-r2';

/** @typedef {{ name: string, value?: string, valueFrom?: unknown }} EnvVar */
/**
 * @typedef {object} Terminated
 * @property {number} exitCode
 * @property {string} reason
 * @property {string} startedAt
 * @property {string} finishedAt
 */
/**
 * @typedef {object} Container
 * @property {'waiting' | 'running' | 'terminated'} state
 * @property {string} reason
 * @property {string} startedAt
 * @property {number} restartCount
 * @property {boolean} ready
 * @property {Terminated | null} last
 * @property {number} nextStartAt
 */
/**
 * @typedef {object} Runtime
 * @property {boolean} aborted
 * @property {Set<import('node:child_process').ChildProcess>} children
 * @property {import('node:child_process').ChildProcess | null} proc
 * @property {Promise<void> | null} exited
 */
/**
 * @typedef {object} Pod
 * @property {string} name
 * @property {string} uid
 * @property {'etcd' | 'helper'} kind
 * @property {number} ordinal
 * @property {number} created
 * @property {Record<string, string>} labels
 * @property {string} pvc
 * @property {EnvVar[]} env
 * @property {string} revision
 * @property {string | null} nodeName
 * @property {number | null} startTime
 * @property {number | null} deleting
 * @property {Container} c
 * @property {string} root
 * @property {Runtime | null} rt
 * @property {{ image: string, command: string[], containerName: string } | null} helper
 * @property {boolean} probing
 */
/**
 * @typedef {object} Pvc
 * @property {string} name
 * @property {string} uid
 * @property {number} created
 * @property {Record<string, string>} labels
 * @property {string | null} storageClassName
 * @property {'Pending' | 'Bound'} phase
 * @property {string} volumeName
 * @property {string} hostDir
 * @property {number | null} deleting
 * @property {boolean} protection
 */
/**
 * @typedef {object} SC
 * @property {string} name
 * @property {number} created
 * @property {Record<string, string>} annotations
 * @property {Record<string, string>} labels
 * @property {string} provisioner
 */
/**
 * @typedef {object} KEvent
 * @property {string} kind
 * @property {string} name
 * @property {string} type
 * @property {string} reason
 * @property {string} source
 * @property {string} message
 * @property {number} first
 * @property {number} last
 * @property {number} count
 */

const LABELS = { 'app.kubernetes.io/name': 'etcd', 'app.kubernetes.io/instance': spec.release };

const S = {
	created: Date.now(),
	/** @type {Set<string>} */
	namespaces: new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease', NS]),
	/** @type {Map<string, SC>} */
	scs: new Map(),
	sts: {
		replicas: spec.replicas,
		/** @type {EnvVar[]} */
		env: [],
		created: Date.now(),
		generation: 1,
		revision: '',
		/** @type {Record<string, string>} */
		annotations: {
			'meta.helm.sh/release-name': spec.release,
			'meta.helm.sh/release-namespace': NS,
		},
	},
	/** @type {Map<number, { client: number, peer: number }>} */
	ports: new Map(),
	/** @type {Map<string, Pvc>} */
	pvcs: new Map(),
	/** @type {Map<string, Pod>} */
	pods: new Map(),
	/** @type {KEvent[]} */
	events: [],
	stopping: false,
};

// ---------------------------------------------------------------- helpers

const iso = (/** @type {number} */ t) => new Date(t).toISOString().replace(/\.\d+Z$/, 'Z');

/**
 * Records an event; repeats of the same event within 10 s only bump its count (the API server aggregates).
 * @param {string} kind
 * @param {string} name
 * @param {string} type
 * @param {string} reason
 * @param {string} source
 * @param {string} message
 */
function event(kind, name, type, reason, source, message) {
	const now = Date.now();
	const e = S.events.find(
		(x) => x.kind === kind && x.name === name && x.reason === reason && x.message === message,
	);
	if (e) {
		if (now - e.last < 10_000) return;
		e.last = now;
		e.count++;
		return;
	}
	S.events.push({ kind, name, type, reason, source, message, first: now, last: now, count: 1 });
}

/** @param {EnvVar[]} env */
function revisionOf(env) {
	return `${STS}-${createHash('sha1').update(JSON.stringify(env)).digest('hex').slice(0, 10)}`;
}

/** @param {number} n */
async function ensurePorts(n) {
	for (let i = 0; i < n; i++) {
		if (!S.ports.has(i)) S.ports.set(i, { client: await reservePort(), peer: await reservePort() });
	}
}

/** @param {number} i */
const portsOf = (i) => {
	const p = S.ports.get(i);
	if (!p) throw new Error(`no ports for ordinal ${i}`);
	return p;
};

function chartEnv() {
	const peers = [...Array(spec.replicas).keys()].map(
		(i) => `${STS}-${i}=http://127.0.0.1:${portsOf(i).peer}`,
	);
	/** @type {EnvVar[]} */
	const env = [
		{ name: 'BITNAMI_DEBUG', value: 'false' },
		{ name: 'MY_POD_IP', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'status.podIP' } } },
		{
			name: 'MY_POD_NAME',
			valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } },
		},
		{ name: 'ETCDCTL_API', value: '3' },
		{ name: 'ETCD_ON_K8S', value: 'yes' },
		{ name: 'ETCD_START_FROM_SNAPSHOT', value: 'no' },
		{ name: 'ETCD_DISASTER_RECOVERY', value: 'no' },
		{ name: 'ETCD_NAME', value: '$(MY_POD_NAME)' },
		{ name: 'ETCD_DATA_DIR', value: `${VOLUME_MOUNT}/data` },
		{ name: 'ETCD_LOG_LEVEL', value: 'info' },
		{ name: 'ALLOW_NONE_AUTHENTICATION', value: 'yes' },
		{ name: 'ETCD_ADVERTISE_CLIENT_URLS', value: `http://$(MY_POD_NAME).${DOMAIN}:2379` },
		{ name: 'ETCD_LISTEN_CLIENT_URLS', value: 'http://0.0.0.0:2379' },
		{ name: 'ETCD_INITIAL_ADVERTISE_PEER_URLS', value: `http://$(MY_POD_NAME).${DOMAIN}:2380` },
		{ name: 'ETCD_LISTEN_PEER_URLS', value: 'http://0.0.0.0:2380' },
		{ name: 'ETCD_AUTO_COMPACTION_MODE', value: 'revision' },
		{ name: 'ETCD_AUTO_COMPACTION_RETENTION', value: '1000' },
		{ name: 'ETCD_QUOTA_BACKEND_BYTES', value: '4294967296' },
	];
	if (spec.replicas > 1) {
		env.push(
			{ name: 'ETCD_INITIAL_CLUSTER_TOKEN', value: 'etcd-cluster-k8s' },
			{ name: 'ETCD_INITIAL_CLUSTER_STATE', value: spec.initialClusterState },
			{ name: 'ETCD_INITIAL_CLUSTER', value: peers.join(',') },
			{ name: 'ETCD_CLUSTER_DOMAIN', value: DOMAIN },
		);
	}
	return env;
}

/**
 * Maps a URL as the chart writes it (pod DNS name, 0.0.0.0, 127.0.0.1) to the stand-in address.
 * @param {string} url
 * @param {number} selfOrdinal
 */
function resolveUrl(url, selfOrdinal) {
	let u;
	try {
		u = new URL(url);
	} catch {
		return url;
	}
	const port = u.port || '80';
	let ordinal = -1;
	if (u.hostname === '0.0.0.0') ordinal = selfOrdinal;
	const m = new RegExp(`^${STS.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-(\\d+)(\\.|$)`).exec(
		u.hostname,
	);
	if (m) ordinal = Number(m[1]);
	if (ordinal < 0 || !S.ports.has(ordinal)) return url.replace(/\/$/, '');
	const p = portsOf(ordinal);
	if (port === '2379') return `${u.protocol}//127.0.0.1:${p.client}`;
	if (port === '2380') return `${u.protocol}//127.0.0.1:${p.peer}`;
	return url.replace(/\/$/, '');
}

/**
 * The env a container sees: values with `$(VAR)` references expanded like the kubelet does.
 * @param {Pod} pod
 */
function containerEnv(pod) {
	/** @type {Record<string, string>} */
	const out = {};
	for (const e of pod.env) {
		if (e.valueFrom) {
			const fp = /** @type {any} */ (e.valueFrom)?.fieldRef?.fieldPath;
			out[e.name] = fp === 'metadata.name' ? pod.name : fp === 'status.podIP' ? '127.0.0.1' : '';
			continue;
		}
		out[e.name] = (e.value ?? '').replace(
			/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g,
			(all, v) => out[v] ?? all,
		);
	}
	return out;
}

/** @param {Pod} pod */
const pvcOf = (pod) => S.pvcs.get(pod.pvc);

/** @param {Pod} pod */
function podDirs(pod) {
	const root = pod.root;
	return { tmp: path.join(root, 'tmp'), logs: path.join(root, 'logs') };
}

/** Pods of the StatefulSet, by ordinal. */
function stsPods() {
	return [...S.pods.values()]
		.filter((p) => p.kind === 'etcd')
		.sort((a, b) => a.ordinal - b.ordinal);
}

function defaultSc() {
	for (const sc of S.scs.values()) {
		if (sc.annotations['storageclass.kubernetes.io/is-default-class'] === 'true') return sc.name;
	}
	return null;
}

// ---------------------------------------------------------------- objects

/** @param {string} name @param {Record<string, string>} labels @param {string | null} storageClassName */
function createPvc(name, labels, storageClassName) {
	const uid = randomUUID();
	/** @type {Pvc} */
	const pvc = {
		name,
		uid,
		created: Date.now(),
		labels,
		// The DefaultStorageClass admission plugin fills the class in at creation when a default exists.
		storageClassName: storageClassName ?? defaultSc(),
		phase: 'Pending',
		volumeName: '',
		hostDir: path.join(dir, 'volumes', `${name}-${uid.slice(0, 8)}`),
		deleting: null,
		protection: true,
	};
	S.pvcs.set(name, pvc);
	return pvc;
}

/**
 * @param {string} name
 * @param {'etcd' | 'helper'} kind
 * @param {number} ordinal
 * @param {string} pvc
 * @param {Pod['helper']} helper
 * @param {Record<string, string>} labels
 */
function createPod(name, kind, ordinal, pvc, helper, labels) {
	const uid = randomUUID();
	/** @type {Pod} */
	const pod = {
		name,
		uid,
		kind,
		ordinal,
		created: Date.now(),
		labels,
		pvc,
		env: kind === 'etcd' ? structuredClone(S.sts.env) : [],
		revision: S.sts.revision,
		nodeName: null,
		startTime: null,
		deleting: null,
		c: {
			state: 'waiting',
			reason: 'ContainerCreating',
			startedAt: '',
			restartCount: 0,
			ready: false,
			last: null,
			nextStartAt: 0,
		},
		root: path.join(dir, 'pods', `${name}-${uid.slice(0, 8)}`),
		rt: null,
		helper,
		probing: false,
	};
	const d = podDirs(pod);
	fs.mkdirSync(d.tmp, { recursive: true });
	fs.mkdirSync(d.logs, { recursive: true });
	S.pods.set(name, pod);
	return pod;
}

// ---------------------------------------------------------------- kubelet

/**
 * @param {Pod} pod
 * @param {Runtime} rt
 * @returns {import('./scripts.mjs').ScriptCtx}
 */
function scriptCtx(pod, rt) {
	const pvc = pvcOf(pod);
	const volumeDir = pvc ? pvc.hostDir : path.join(pod.root, 'novolume');
	const p = portsOf(pod.ordinal);
	const logFile = path.join(podDirs(pod).logs, `${pod.c.restartCount}.log`);
	const env = containerEnv(pod);
	return {
		generation: spec.generation,
		podName: pod.name,
		env,
		resolve: (url) => resolveUrl(url, pod.ordinal),
		dataDir: path.join(volumeDir, 'data'),
		volumeDir,
		clientUrl: `http://127.0.0.1:${p.client}`,
		peerUrl: `http://127.0.0.1:${p.peer}`,
		log: (level, msg) => {
			if (level === 'DEBUG' && env.BITNAMI_DEBUG !== 'true') return;
			fs.appendFileSync(logFile, `etcd ${stamp()} ${level.padEnd(5)} ==> ${msg}\n`);
		},
		raw: (line) => fs.appendFileSync(logFile, `${line}\n`),
		etcdctl: (args, opts = {}) => runEtcdctl(rt, args, opts.timeoutMs ?? 6000),
		clientEndpoints: (onlyOthers) =>
			stsPods()
				.filter((x) => x.nodeName && !(onlyOthers && x.name === pod.name))
				.map((x) => `127.0.0.1:${portsOf(x.ordinal).client}`),
		headlessIps: () => stsPods().filter((x) => x.nodeName).length,
		sleep: (ms) =>
			new Promise((resolve, reject) => {
				const t = setTimeout(() => (rt.aborted ? reject(new ExitError(137)) : resolve()), ms);
				t.unref?.();
			}),
		retries: 12,
		retryMs: 500,
	};
}

/**
 * @param {Runtime} rt
 * @param {string[]} args
 * @param {number} timeoutMs
 * @returns {Promise<{ code: number, stdout: string, stderr: string }>}
 */
function runEtcdctl(rt, args, timeoutMs) {
	if (rt.aborted) return Promise.reject(new ExitError(137));
	return new Promise((resolve) => {
		const child = execFile(
			'etcdctl',
			['--dial-timeout=1s', '--command-timeout=3s', ...args],
			{
				env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ETCDCTL_API: '3' },
				timeout: timeoutMs,
				encoding: 'utf8',
			},
			(err, stdout, stderr) => {
				rt.children.delete(child);
				const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
				resolve({ code, stdout: String(stdout), stderr: String(stderr) });
			},
		);
		rt.children.add(child);
	});
}

const ETCD_FLAGS = new Set([
	'ETCD_NAME',
	'ETCD_DATA_DIR',
	'ETCD_WAL_DIR',
	'ETCD_INITIAL_CLUSTER',
	'ETCD_INITIAL_CLUSTER_STATE',
	'ETCD_INITIAL_CLUSTER_TOKEN',
	'ETCD_FORCE_NEW_CLUSTER',
	'ETCD_AUTO_COMPACTION_MODE',
	'ETCD_AUTO_COMPACTION_RETENTION',
	'ETCD_QUOTA_BACKEND_BYTES',
	'ETCD_HEARTBEAT_INTERVAL',
	'ETCD_ELECTION_TIMEOUT',
	'ETCD_SNAPSHOT_COUNT',
	'ETCD_LOG_LEVEL',
	'ETCD_MAX_REQUEST_BYTES',
	'ETCD_MAX_TXN_OPS',
	'ETCD_STRICT_RECONFIG_CHECK',
	'ETCD_ENABLE_V2',
]);

/**
 * The process env `exec etcd` gets: the flags etcd knows, addresses mapped to 127.0.0.1, paths to the PVC.
 * @param {Pod} pod
 * @param {Record<string, string>} env
 * @param {string} volumeDir
 */
function etcdProcessEnv(pod, env, volumeDir) {
	const p = portsOf(pod.ordinal);
	/** @type {Record<string, string>} */
	const out = {
		PATH: process.env.PATH ?? '/usr/bin:/bin',
		ETCD_LOGGER: 'zap',
		ETCD_LOG_OUTPUTS: 'stderr',
	};
	for (const [k, v] of Object.entries(env)) if (ETCD_FLAGS.has(k)) out[k] = v;
	const mapPath = (/** @type {string} */ v) =>
		v.startsWith(VOLUME_MOUNT) ? volumeDir + v.slice(VOLUME_MOUNT.length) : v;
	if (out.ETCD_DATA_DIR) out.ETCD_DATA_DIR = mapPath(out.ETCD_DATA_DIR);
	if (out.ETCD_WAL_DIR) out.ETCD_WAL_DIR = mapPath(out.ETCD_WAL_DIR);
	out.ETCD_ADVERTISE_CLIENT_URLS = `http://127.0.0.1:${p.client}`;
	out.ETCD_LISTEN_CLIENT_URLS = `http://127.0.0.1:${p.client}`;
	out.ETCD_INITIAL_ADVERTISE_PEER_URLS = `http://127.0.0.1:${p.peer}`;
	out.ETCD_LISTEN_PEER_URLS = `http://127.0.0.1:${p.peer}`;
	if (out.ETCD_INITIAL_CLUSTER) {
		out.ETCD_INITIAL_CLUSTER = out.ETCD_INITIAL_CLUSTER.split(',')
			.filter(Boolean)
			.map((m) => {
				const i = m.indexOf('=');
				return `${m.slice(0, i)}=${m
					.slice(i + 1)
					.split(/\s+/)
					.filter(Boolean)
					.map((u) => resolveUrl(u, pod.ordinal))
					.join(',')}`;
			})
			.join(',');
	}
	if (env.ETCD_INITIAL_ADVERTISE_PEER_URLS) {
		// new_member_envs carries etcd's own idea of the peer URL; keep it when it is already a stand-in one.
		const r = resolveUrl(env.ETCD_INITIAL_ADVERTISE_PEER_URLS, pod.ordinal);
		if (r.startsWith('http://127.0.0.1:')) out.ETCD_INITIAL_ADVERTISE_PEER_URLS = r;
	}
	return out;
}

/** @param {Pod} pod */
function startContainer(pod) {
	/** @type {Runtime} */
	const rt = { aborted: false, children: new Set(), proc: null, exited: null };
	pod.rt = rt;
	pod.c.state = 'running';
	pod.c.reason = '';
	pod.c.startedAt = iso(Date.now());
	pod.c.ready = false;
	if (!pod.startTime) pod.startTime = Date.now();
	const logFile = path.join(podDirs(pod).logs, `${pod.c.restartCount}.log`);
	fs.writeFileSync(logFile, '');
	if (pod.kind === 'helper') {
		pod.c.ready = true;
		event(
			'Pod',
			pod.name,
			'Normal',
			'Started',
			'kubelet',
			`Started container ${pod.helper?.containerName ?? pod.name}`,
		);
		return;
	}
	event(
		'Pod',
		pod.name,
		'Normal',
		'Pulled',
		'kubelet',
		`Container image "${IMAGE}" already present on machine`,
	);
	event('Pod', pod.name, 'Normal', 'Created', 'kubelet', 'Created container etcd');
	event('Pod', pod.name, 'Normal', 'Started', 'kubelet', 'Started container etcd');
	const ctx = scriptCtx(pod, rt);
	let resolveExit = () => {};
	rt.exited = new Promise((r) => (resolveExit = r));
	(async () => {
		let code = 0;
		try {
			const { env, storeMemberId: store } = await startScript(ctx);
			if (rt.aborted) throw new ExitError(143);
			const fd = fs.openSync(logFile, 'a');
			const child = spawn('etcd', [], {
				env: etcdProcessEnv(pod, env, ctx.volumeDir),
				stdio: ['ignore', fd, fd],
			});
			fs.closeSync(fd);
			rt.proc = child;
			if (store) storeMemberId(ctx).catch(() => {});
			code = await new Promise((resolve) => {
				child.on('error', () => resolve(127));
				child.on('exit', (c, sig) =>
					resolve(c ?? (sig === 'SIGKILL' ? 137 : sig === 'SIGTERM' ? 143 : 1)),
				);
			});
		} catch (e) {
			code = e instanceof ExitError ? e.code : 1;
			if (!(e instanceof ExitError)) ctx.raw(String(e));
		}
		rt.aborted = true;
		for (const c of rt.children) c.kill('SIGKILL');
		resolveExit();
		containerExited(pod, rt, code);
	})();
}

/**
 * @param {Pod} pod
 * @param {Runtime} rt
 * @param {number} code
 */
function containerExited(pod, rt, code) {
	if (pod.rt !== rt) return;
	pod.rt = null;
	const now = Date.now();
	pod.c.last = {
		exitCode: code,
		reason: code === 0 ? 'Completed' : 'Error',
		startedAt: pod.c.startedAt,
		finishedAt: iso(now),
	};
	pod.c.ready = false;
	if (pod.deleting || S.stopping) {
		pod.c.state = 'terminated';
		return;
	}
	pod.c.restartCount++;
	pod.c.state = 'waiting';
	pod.c.reason = 'CrashLoopBackOff';
	const factor = 2 ** Math.min(pod.c.restartCount - 1, 3);
	pod.c.nextStartAt = now + spec.backoffMs * factor;
	event(
		'Pod',
		pod.name,
		'Warning',
		'BackOff',
		'kubelet',
		`Back-off restarting failed container etcd in pod ${pod.name}_${NS}(${pod.uid})`,
	);
	kick();
}

/**
 * Stops a container: preStop (only when it is running), SIGTERM, SIGKILL after the grace period.
 * @param {Pod} pod
 * @param {number} graceMs
 */
async function stopContainer(pod, graceMs) {
	const rt = pod.rt;
	if (!rt) return;
	if (pod.kind === 'etcd' && pod.c.state === 'running' && rt.proc && rt.proc.exitCode === null) {
		const hookRt = { aborted: false, children: new Set(), proc: null, exited: null };
		/** @type {{ code: number, stdout: string, stderr: string } | null} */
		const r = await Promise.race([
			preStop(scriptCtx(pod, hookRt)).catch((e) => ({ code: 1, stdout: '', stderr: String(e) })),
			new Promise((res) => setTimeout(() => res(null), 8000)).then(() => null),
		]);
		for (const c of hookRt.children) c.kill('SIGKILL');
		if (r && r.code !== 0) {
			const cmd = '/opt/bitnami/scripts/etcd/prestop.sh';
			event(
				'Pod',
				pod.name,
				'Warning',
				'FailedPreStopHook',
				'kubelet',
				`Exec lifecycle hook ([${cmd}]) for Container "etcd" in Pod "${pod.name}_${NS}(${pod.uid})" failed - error: command '${cmd}' exited with ${r.code}: ${r.stderr.trim().split('\n').pop() ?? ''}, message: "${r.stdout.trim()}"`,
			);
		}
	}
	event(
		'Pod',
		pod.name,
		'Normal',
		'Killing',
		'kubelet',
		`Stopping container ${pod.kind === 'etcd' ? 'etcd' : pod.helper?.containerName}`,
	);
	rt.aborted = true;
	for (const c of rt.children) c.kill('SIGKILL');
	if (rt.proc && rt.proc.exitCode === null) {
		rt.proc.kill('SIGTERM');
		const t = setTimeout(() => rt.proc?.kill('SIGKILL'), graceMs);
		await rt.exited;
		clearTimeout(t);
	} else if (rt.exited) {
		await rt.exited;
	}
	if (pod.rt === rt) pod.rt = null;
}

/**
 * Graceful pod deletion: Terminating, stop the container, then the object is gone.
 * @param {Pod} pod
 * @param {number} graceMs
 */
function deletePod(pod, graceMs = 5000) {
	if (pod.deleting) return;
	pod.deleting = Date.now();
	(async () => {
		await stopContainer(pod, graceMs);
		if (S.pods.get(pod.name) === pod) S.pods.delete(pod.name);
		fs.rmSync(pod.root, { recursive: true, force: true });
		kick();
	})();
}

async function probe(/** @type {Pod} */ pod) {
	if (pod.probing || pod.kind !== 'etcd') return;
	const rt = pod.rt;
	if (!rt || !rt.proc || rt.proc.exitCode !== null) {
		pod.c.ready = false;
		return;
	}
	pod.probing = true;
	const url = `http://127.0.0.1:${portsOf(pod.ordinal).client}/health`;
	let ok = false;
	try {
		const ctrl = AbortSignal.timeout(1500);
		const res = await fetch(url, { signal: ctrl });
		const body = /** @type {any} */ (await res.json());
		ok = body?.health === 'true' || body?.health === true;
	} catch {
		ok = false;
	}
	pod.probing = false;
	if (pod.rt === rt) pod.c.ready = ok;
}

// ---------------------------------------------------------------- controllers

function reconcilePvcs() {
	const def = defaultSc();
	for (const pvc of S.pvcs.values()) {
		if (pvc.deleting) {
			const inUse = [...S.pods.values()].some((p) => p.pvc === pvc.name && p.nodeName);
			if (!inUse || !pvc.protection) {
				S.pvcs.delete(pvc.name);
				fs.rmSync(pvc.hostDir, { recursive: true, force: true });
			}
			continue;
		}
		if (pvc.phase !== 'Pending') continue;
		// Kubernetes >= 1.28 gives class-less Pending claims the default class retroactively; older ones
		// give it only to claims created while the default exists.
		if (!pvc.storageClassName && def && spec.retroactiveDefaultClass !== false)
			pvc.storageClassName = def;
		if (!pvc.storageClassName) {
			event(
				'PersistentVolumeClaim',
				pvc.name,
				'Normal',
				'FailedBinding',
				'persistentvolume-controller',
				'no persistent volumes available for this claim and no storage class is set',
			);
			continue;
		}
		const sc = S.scs.get(pvc.storageClassName);
		if (!sc) {
			event(
				'PersistentVolumeClaim',
				pvc.name,
				'Warning',
				'ProvisioningFailed',
				'persistentvolume-controller',
				`storageclass.storage.k8s.io "${pvc.storageClassName}" not found`,
			);
			continue;
		}
		pvc.phase = 'Bound';
		pvc.volumeName = `pvc-${pvc.uid}`;
		fs.mkdirSync(pvc.hostDir, { recursive: true });
		event(
			'PersistentVolumeClaim',
			pvc.name,
			'Normal',
			'ProvisioningSucceeded',
			`${sc.provisioner}_local-path-provisioner`,
			`Successfully provisioned volume ${pvc.volumeName}`,
		);
	}
}

function reconcileSts() {
	const pods = stsPods();
	for (let i = 0; i < S.sts.replicas; i++) {
		const name = `${STS}-${i}`;
		if (S.pods.has(name)) continue;
		const claim = `data-${name}`;
		if (!S.pvcs.has(claim)) {
			createPvc(claim, { ...LABELS }, null);
			event(
				'StatefulSet',
				STS,
				'Normal',
				'SuccessfulCreate',
				'statefulset-controller',
				`create Claim ${claim} Pod ${name} in StatefulSet ${STS} success`,
			);
		}
		createPod(name, 'etcd', i, claim, null, {
			...LABELS,
			'app.kubernetes.io/managed-by': 'Helm',
			'helm.sh/chart': 'etcd-6.3.3',
			'controller-revision-hash': S.sts.revision,
			'statefulset.kubernetes.io/pod-name': name,
		});
		event(
			'StatefulSet',
			STS,
			'Normal',
			'SuccessfulCreate',
			'statefulset-controller',
			`create Pod ${name} in StatefulSet ${STS} successful`,
		);
	}
	// podManagementPolicy Parallel: every surplus pod goes at once.
	for (const p of pods) {
		if (p.ordinal >= S.sts.replicas && !p.deleting) {
			deletePod(p);
			event(
				'StatefulSet',
				STS,
				'Normal',
				'SuccessfulDelete',
				'statefulset-controller',
				`delete Pod ${p.name} in StatefulSet ${STS} successful`,
			);
		}
	}
	// RollingUpdate, as the sts controller does it: from the highest ordinal down, delete the first pod on an
	// old revision; stop at a current-revision pod that is not healthy.
	const current = stsPods().filter((p) => p.ordinal < S.sts.replicas);
	if (current.length < S.sts.replicas || current.some((p) => p.deleting)) return;
	for (let t = current.length - 1; t >= 0; t--) {
		const p = current[t];
		if (!p) continue;
		if (p.revision !== S.sts.revision) {
			deletePod(p);
			event(
				'StatefulSet',
				STS,
				'Normal',
				'SuccessfulDelete',
				'statefulset-controller',
				`delete Pod ${p.name} in StatefulSet ${STS} successful`,
			);
			return;
		}
		if (!(p.c.state === 'running' && p.c.ready)) return;
	}
}

function schedule() {
	for (const pod of S.pods.values()) {
		if (pod.nodeName || pod.deleting) continue;
		const pvc = pvcOf(pod);
		let why = '';
		if (!pvc) why = `persistentvolumeclaim "${pod.pvc}" not found`;
		else if (pvc.deleting) why = `persistentvolumeclaim "${pod.pvc}" is being deleted`;
		else if (pvc.phase !== 'Bound') why = 'pod has unbound immediate PersistentVolumeClaims';
		if (why) {
			event(
				'Pod',
				pod.name,
				'Warning',
				'FailedScheduling',
				'default-scheduler',
				`0/1 nodes are available: ${why}. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.`,
			);
			continue;
		}
		pod.nodeName = NODE;
		pod.c.nextStartAt = Date.now();
		event(
			'Pod',
			pod.name,
			'Normal',
			'Scheduled',
			'default-scheduler',
			`Successfully assigned ${NS}/${pod.name} to ${NODE}`,
		);
	}
}

function kubelet() {
	const now = Date.now();
	for (const pod of S.pods.values()) {
		if (!pod.nodeName || pod.deleting) continue;
		if (pod.c.state === 'waiting' && !pod.rt && now >= pod.c.nextStartAt) startContainer(pod);
		if (pod.c.state === 'running') void probe(pod);
	}
}

let ticking = false;
let kicked = false;
function tick() {
	if (S.stopping) return;
	if (ticking) {
		kicked = true;
		return;
	}
	ticking = true;
	try {
		reconcilePvcs();
		reconcileSts();
		schedule();
		kubelet();
		writeState();
	} finally {
		ticking = false;
	}
	if (kicked) {
		kicked = false;
		setImmediate(tick);
	}
}
function kick() {
	setImmediate(tick);
}

let lastState = '';
/**
 * state.json: a snapshot for people debugging a test and for the Node API's synchronous pvcDir(). Written
 * after every tick that changed it, through a rename so a reader never sees half a file.
 */
function writeState() {
	const text = JSON.stringify(
		{
			sts: { replicas: S.sts.replicas, revision: S.sts.revision, env: S.sts.env },
			ports: Object.fromEntries(S.ports),
			pods: [...S.pods.values()].map((p) => ({
				name: p.name,
				node: p.nodeName,
				c: p.c,
				pid: p.rt?.proc?.pid ?? null,
			})),
			pvcs: [...S.pvcs.values()],
		},
		null,
		1,
	);
	if (text === lastState) return;
	lastState = text;
	fs.writeFileSync(path.join(dir, 'state.json.tmp'), text);
	fs.renameSync(path.join(dir, 'state.json.tmp'), path.join(dir, 'state.json'));
}

// ---------------------------------------------------------------- API objects

/** @param {Pod} pod */
function podObject(pod) {
	const c = pod.c;
	/** @type {any} */
	let state;
	if (pod.deleting && c.state !== 'running')
		state = { terminated: c.last ?? { exitCode: 0, reason: 'Completed' } };
	else if (c.state === 'running') state = { running: { startedAt: c.startedAt } };
	else if (c.state === 'waiting') {
		state = {
			waiting:
				c.reason === 'CrashLoopBackOff'
					? {
							reason: 'CrashLoopBackOff',
							message: `back-off ${Math.round((spec.backoffMs * 2 ** Math.min(c.restartCount - 1, 3)) / 1000)}s restarting failed container=etcd pod=${pod.name}_${NS}(${pod.uid})`,
						}
					: { reason: 'ContainerCreating' },
		};
	} else state = { terminated: c.last ?? { exitCode: 0, reason: 'Completed' } };
	const scheduled = !!pod.nodeName;
	const ready = scheduled && c.state === 'running' && c.ready && !pod.deleting;
	const pvc = pvcOf(pod);
	let unsched = '';
	if (!scheduled) {
		if (!pvc) unsched = `persistentvolumeclaim "${pod.pvc}" not found`;
		else if (pvc.deleting) unsched = `persistentvolumeclaim "${pod.pvc}" is being deleted`;
		else unsched = 'pod has unbound immediate PersistentVolumeClaims';
		unsched = `0/1 nodes are available: ${unsched}. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.`;
	}
	const containerName = pod.kind === 'etcd' ? 'etcd' : (pod.helper?.containerName ?? pod.name);
	const p = pod.kind === 'etcd' ? S.ports.get(pod.ordinal) : undefined;
	/** @type {any} */
	const obj = {
		apiVersion: 'v1',
		kind: 'Pod',
		metadata: {
			name: pod.name,
			namespace: NS,
			uid: pod.uid,
			creationTimestamp: iso(pod.created),
			labels: { ...pod.labels },
			annotations: p
				? {
						'standin/client-url': `http://127.0.0.1:${p.client}`,
						'standin/peer-url': `http://127.0.0.1:${p.peer}`,
					}
				: {},
			...(pod.kind === 'etcd'
				? {
						ownerReferences: [
							{
								apiVersion: 'apps/v1',
								kind: 'StatefulSet',
								name: STS,
								uid: 'sts',
								controller: true,
								blockOwnerDeletion: true,
							},
						],
					}
				: {}),
			...(pod.deleting
				? { deletionTimestamp: iso(pod.deleting), deletionGracePeriodSeconds: 30 }
				: {}),
		},
		spec: {
			containers: [
				{
					name: containerName,
					image: pod.kind === 'etcd' ? IMAGE : (pod.helper?.image ?? ''),
					...(pod.kind === 'helper' ? { command: pod.helper?.command ?? [] } : {}),
					...(pod.kind === 'etcd'
						? {
								env: structuredClone(pod.env),
								ports: [
									{ name: 'client', containerPort: 2379, protocol: 'TCP' },
									{ name: 'peer', containerPort: 2380, protocol: 'TCP' },
								],
								lifecycle: {
									preStop: { exec: { command: ['/opt/bitnami/scripts/etcd/prestop.sh'] } },
								},
							}
						: {}),
					volumeMounts: [{ name: 'data', mountPath: VOLUME_MOUNT }],
				},
			],
			volumes: [{ name: 'data', persistentVolumeClaim: { claimName: pod.pvc } }],
			restartPolicy: pod.kind === 'etcd' ? 'Always' : 'Never',
			...(pod.kind === 'etcd' ? { hostname: pod.name, subdomain: `${STS}-headless` } : {}),
			...(scheduled ? { nodeName: pod.nodeName } : {}),
		},
		status: {
			phase: scheduled ? 'Running' : 'Pending',
			conditions: scheduled
				? [
						{ type: 'Initialized', status: 'True' },
						{
							type: 'Ready',
							status: ready ? 'True' : 'False',
							...(ready ? {} : { reason: 'ContainersNotReady' }),
						},
						{ type: 'ContainersReady', status: ready ? 'True' : 'False' },
						{ type: 'PodScheduled', status: 'True' },
					]
				: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: unsched }],
			qosClass: 'BestEffort',
		},
	};
	if (scheduled) {
		obj.status.hostIP = '127.0.0.1';
		obj.status.podIP = '127.0.0.1';
		obj.status.podIPs = [{ ip: '127.0.0.1' }];
		obj.status.startTime = iso(pod.startTime ?? pod.created);
		obj.status.containerStatuses = [
			{
				name: containerName,
				image: obj.spec.containers[0].image,
				ready,
				started: c.state === 'running',
				restartCount: c.restartCount,
				state,
				lastState: c.last && c.restartCount > 0 ? { terminated: c.last } : {},
			},
		];
	}
	return obj;
}

/** @param {Pvc} pvc */
function pvcObject(pvc) {
	const bound = pvc.phase === 'Bound';
	return {
		apiVersion: 'v1',
		kind: 'PersistentVolumeClaim',
		metadata: {
			name: pvc.name,
			namespace: NS,
			uid: pvc.uid,
			creationTimestamp: iso(pvc.created),
			labels: { ...pvc.labels },
			annotations: {
				...(bound
					? {
							'pv.kubernetes.io/bind-completed': 'yes',
							'pv.kubernetes.io/bound-by-controller': 'yes',
						}
					: {}),
				...(bound && pvc.storageClassName
					? { 'volume.kubernetes.io/storage-provisioner': 'rancher.io/local-path' }
					: {}),
				'standin/host-path': pvc.hostDir,
			},
			finalizers: pvc.protection ? ['kubernetes.io/pvc-protection'] : [],
			...(pvc.deleting ? { deletionTimestamp: iso(pvc.deleting) } : {}),
		},
		spec: {
			accessModes: ['ReadWriteOnce'],
			resources: { requests: { storage: '10Gi' } },
			...(pvc.storageClassName ? { storageClassName: pvc.storageClassName } : {}),
			volumeMode: 'Filesystem',
			...(bound ? { volumeName: pvc.volumeName } : {}),
		},
		status: bound
			? { phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '10Gi' } }
			: { phase: 'Pending' },
	};
}

/** @param {SC} sc */
function scObject(sc) {
	return {
		apiVersion: 'storage.k8s.io/v1',
		kind: 'StorageClass',
		metadata: {
			name: sc.name,
			creationTimestamp: iso(sc.created),
			annotations: { ...sc.annotations },
			labels: { ...sc.labels },
		},
		provisioner: sc.provisioner,
		reclaimPolicy: 'Delete',
		volumeBindingMode: 'Immediate',
		allowVolumeExpansion: false,
	};
}

function stsObject() {
	const pods = stsPods().filter((p) => !p.deleting);
	const ready = pods.filter((p) => p.nodeName && p.c.state === 'running' && p.c.ready).length;
	const updated = pods.filter((p) => p.revision === S.sts.revision).length;
	const oldRev = pods.find((p) => p.revision !== S.sts.revision)?.revision ?? S.sts.revision;
	return {
		apiVersion: 'apps/v1',
		kind: 'StatefulSet',
		metadata: {
			name: STS,
			namespace: NS,
			creationTimestamp: iso(S.sts.created),
			generation: S.sts.generation,
			labels: { ...LABELS, 'app.kubernetes.io/managed-by': 'Helm', 'helm.sh/chart': 'etcd-6.3.3' },
			annotations: { ...S.sts.annotations },
		},
		spec: {
			replicas: S.sts.replicas,
			podManagementPolicy: 'Parallel',
			serviceName: `${STS}-headless`,
			selector: { matchLabels: { ...LABELS } },
			updateStrategy: { type: 'RollingUpdate' },
			template: {
				metadata: {
					labels: {
						...LABELS,
						'app.kubernetes.io/managed-by': 'Helm',
						'helm.sh/chart': 'etcd-6.3.3',
					},
				},
				spec: {
					containers: [
						{
							name: 'etcd',
							image: IMAGE,
							env: structuredClone(S.sts.env),
							ports: [
								{ name: 'client', containerPort: 2379, protocol: 'TCP' },
								{ name: 'peer', containerPort: 2380, protocol: 'TCP' },
							],
							lifecycle: {
								preStop: { exec: { command: ['/opt/bitnami/scripts/etcd/prestop.sh'] } },
							},
							volumeMounts: [{ name: 'data', mountPath: VOLUME_MOUNT }],
						},
					],
				},
			},
			volumeClaimTemplates: [
				{
					metadata: { name: 'data' },
					spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } } },
				},
			],
		},
		status: {
			observedGeneration: S.sts.generation,
			replicas: pods.length,
			readyReplicas: ready,
			availableReplicas: ready,
			currentReplicas: updated === pods.length ? pods.length : pods.length - updated,
			updatedReplicas: updated,
			currentRevision: updated === pods.length ? S.sts.revision : oldRev,
			updateRevision: S.sts.revision,
		},
	};
}

/**
 * @param {KEvent} e
 */
function eventObject(e) {
	return {
		apiVersion: 'v1',
		kind: 'Event',
		metadata: { name: `${e.name}.${e.first.toString(16)}`, namespace: NS },
		involvedObject: { kind: e.kind, name: e.name, namespace: NS },
		type: e.type,
		reason: e.reason,
		message: e.message,
		source: { component: e.source },
		firstTimestamp: iso(e.first),
		lastTimestamp: iso(e.last),
		count: e.count,
	};
}

// ---------------------------------------------------------------- operations

/**
 * @param {string} msg
 * @param {number} [code]
 */
const err = (msg, code = 1) => ({ ok: false, error: msg, code });

/** @type {Record<string, (b: any) => any>} */
const ops = {
	info: () => ({
		ok: true,
		context: spec.context,
		namespaces: [...S.namespaces],
		release: spec.release,
		namespace: NS,
		sts: STS,
		generation: spec.generation,
		kind: spec.kind,
		created: iso(S.created),
	}),
	list: (b) => {
		if (b.namespace !== undefined && !S.namespaces.has(b.namespace)) return { ok: true, items: [] };
		const other = b.namespace !== undefined && b.namespace !== NS;
		/** @type {any[]} */
		let items = [];
		switch (b.resource) {
			case 'pods':
				items = other
					? []
					: [...S.pods.values()].sort((a, c) => a.name.localeCompare(c.name)).map(podObject);
				break;
			case 'persistentvolumeclaims':
				items = other
					? []
					: [...S.pvcs.values()].sort((a, c) => a.name.localeCompare(c.name)).map(pvcObject);
				break;
			case 'statefulsets':
				items = other ? [] : [stsObject()];
				break;
			case 'storageclasses':
				items = [...S.scs.values()].sort((a, c) => a.name.localeCompare(c.name)).map(scObject);
				break;
			case 'events':
				items = other ? [] : S.events.map(eventObject);
				break;
			case 'namespaces':
				items = [...S.namespaces].map((n) => ({
					apiVersion: 'v1',
					kind: 'Namespace',
					metadata: { name: n },
					status: { phase: 'Active' },
				}));
				break;
			case 'nodes':
				items = [
					{
						apiVersion: 'v1',
						kind: 'Node',
						metadata: {
							name: NODE,
							creationTimestamp: iso(S.created),
							labels: {
								'kubernetes.io/hostname': NODE,
								'node-role.kubernetes.io/control-plane': '',
							},
						},
						status: {
							conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady' }],
							addresses: [{ type: 'InternalIP', address: '127.0.0.1' }],
							nodeInfo: { kubeletVersion: 'v1.29.0' },
						},
					},
				];
				break;
			default:
				return err(`error: the server doesn't have a resource type "${b.resource}"`);
		}
		return { ok: true, items };
	},
	scale: async (b) => {
		if (b.name !== STS)
			return err(`Error from server (NotFound): statefulsets.apps "${b.name}" not found`);
		await ensurePorts(b.replicas);
		S.sts.replicas = b.replicas;
		S.sts.generation++;
		kick();
		return { ok: true };
	},
	setEnv: (b) => {
		if (b.name !== STS)
			return err(`Error from server (NotFound): statefulsets.apps "${b.name}" not found`);
		/** @type {EnvVar[]} */
		const env = structuredClone(S.sts.env);
		for (const [k, v] of /** @type {[string, string][]} */ (b.set)) {
			const e = env.find((x) => x.name === k);
			if (e) {
				delete e.valueFrom;
				e.value = v;
			} else env.push({ name: k, value: v });
		}
		const removed = env.filter((x) => !b.unset.includes(x.name));
		const changed = JSON.stringify(removed) !== JSON.stringify(S.sts.env);
		if (changed) {
			S.sts.env = removed;
			S.sts.revision = revisionOf(removed);
			S.sts.generation++;
			kick();
		}
		return { ok: true, changed };
	},
	patch: (b) => {
		/** @type {any} */
		const p = b.patch;
		if (b.resource === 'storageclasses') {
			const sc = S.scs.get(b.name);
			if (!sc)
				return err(
					`Error from server (NotFound): storageclasses.storage.k8s.io "${b.name}" not found`,
				);
			const before = JSON.stringify(sc);
			const ann = p?.metadata?.annotations;
			if (ann && typeof ann === 'object') {
				for (const [k, v] of Object.entries(ann)) {
					if (v === null) delete sc.annotations[k];
					else sc.annotations[k] = String(v);
				}
			}
			const lab = p?.metadata?.labels;
			if (lab && typeof lab === 'object') {
				for (const [k, v] of Object.entries(lab)) {
					if (v === null) delete sc.labels[k];
					else sc.labels[k] = String(v);
				}
			}
			kick();
			return { ok: true, changed: before !== JSON.stringify(sc) };
		}
		if (b.resource === 'persistentvolumeclaims') {
			const pvc = S.pvcs.get(b.name);
			if (!pvc)
				return err(`Error from server (NotFound): persistentvolumeclaims "${b.name}" not found`);
			const before = pvc.protection;
			if (p?.metadata && 'finalizers' in p.metadata) {
				const f = p.metadata.finalizers;
				pvc.protection = Array.isArray(f) && f.includes('kubernetes.io/pvc-protection');
			}
			kick();
			return { ok: true, changed: before !== pvc.protection };
		}
		if (b.resource === 'statefulsets') {
			if (b.name !== STS)
				return err(`Error from server (NotFound): statefulsets.apps "${b.name}" not found`);
			if (typeof p?.spec?.replicas === 'number')
				return ops.scale?.({ name: STS, replicas: p.spec.replicas });
			return err('error: the stand-in only patches spec.replicas of a StatefulSet');
		}
		return err(`error: the stand-in cannot patch ${b.resource}`);
	},
	delete: (b) => {
		if (b.resource === 'pods') {
			const pod = S.pods.get(b.name);
			if (!pod) return err(`Error from server (NotFound): pods "${b.name}" not found`);
			deletePod(pod, b.force ? 0 : 5000);
			return { ok: true };
		}
		if (b.resource === 'persistentvolumeclaims') {
			const pvc = S.pvcs.get(b.name);
			if (!pvc)
				return err(`Error from server (NotFound): persistentvolumeclaims "${b.name}" not found`);
			if (!pvc.deleting) pvc.deleting = Date.now();
			kick();
			return { ok: true };
		}
		if (b.resource === 'statefulsets')
			return err('error: the stand-in does not delete its StatefulSet');
		if (b.resource === 'storageclasses') {
			if (!S.scs.delete(b.name))
				return err(
					`Error from server (NotFound): storageclasses.storage.k8s.io "${b.name}" not found`,
				);
			return { ok: true };
		}
		return err(`error: the stand-in cannot delete ${b.resource}`);
	},
	run: (b) => {
		if (S.pods.has(b.name))
			return err(`Error from server (AlreadyExists): pods "${b.name}" already exists`);
		/** @type {any} */
		const o = b.overrides ?? {};
		const vols = o?.spec?.volumes ?? [];
		const cont = o?.spec?.containers?.[0] ?? {};
		/** @type {any} */
		const mount =
			(cont.volumeMounts ?? []).find((/** @type {any} */ m) => m.mountPath === VOLUME_MOUNT) ??
			cont.volumeMounts?.[0];
		const vol = vols.find((/** @type {any} */ v) => v.name === mount?.name) ?? vols[0];
		const claim = vol?.persistentVolumeClaim?.claimName;
		if (!claim)
			return err(
				'error: the stand-in only runs helper pods that mount a PVC at /bitnami/etcd (--overrides)',
			);
		if (mount && mount.mountPath !== VOLUME_MOUNT)
			return err(`error: the stand-in mounts PVCs only at ${VOLUME_MOUNT}`);
		createPod(
			b.name,
			'helper',
			-1,
			claim,
			{
				image: b.image,
				command: cont.command ?? b.command ?? [],
				containerName: cont.name ?? b.name,
			},
			{ run: b.name },
		);
		kick();
		return { ok: true };
	},
	execInfo: (b) => {
		const pod = S.pods.get(b.name);
		if (!pod) return err(`Error from server (NotFound): pods "${b.name}" not found`);
		const containerName = pod.kind === 'etcd' ? 'etcd' : (pod.helper?.containerName ?? pod.name);
		if (b.container && b.container !== containerName) {
			return err(`error: unable to upgrade connection: container not found ("${b.container}")`);
		}
		const running = pod.nodeName && pod.c.state === 'running' && !pod.deleting;
		if (!running) {
			if (!pod.nodeName)
				return err(`Error from server (BadRequest): pod ${pod.name} does not have a host assigned`);
			return err(`error: unable to upgrade connection: container not found ("${containerName}")`);
		}
		const pvc = pvcOf(pod);
		const p = pod.kind === 'etcd' ? portsOf(pod.ordinal) : null;
		return {
			ok: true,
			kind: pod.kind,
			volumeDir: pvc ? pvc.hostDir : null,
			tmpDir: podDirs(pod).tmp,
			clientUrl: p ? `http://127.0.0.1:${p.client}` : null,
			peerUrl: p ? `http://127.0.0.1:${p.peer}` : null,
			phase: 'Running',
		};
	},
	portInfo: (b) => {
		const pod = S.pods.get(b.name);
		if (!pod) return err(`Error from server (NotFound): pods "${b.name}" not found`);
		if (!(pod.nodeName && pod.c.state === 'running')) {
			return err(
				`error: unable to forward port because pod is not running. Current status=${pod.nodeName ? 'Running' : 'Pending'}`,
			);
		}
		if (pod.kind !== 'etcd') return err('error: the stand-in forwards only etcd pods');
		const p = portsOf(pod.ordinal);
		return { ok: true, ports: { 2379: p.client, 2380: p.peer } };
	},
	logs: (b) => {
		const pod = S.pods.get(b.name);
		if (!pod) return err(`Error from server (NotFound): pods "${b.name}" not found`);
		const containerName = pod.kind === 'etcd' ? 'etcd' : (pod.helper?.containerName ?? pod.name);
		if (b.container && b.container !== containerName) {
			return err(`error: container ${b.container} is not valid for pod ${pod.name}`);
		}
		const logs = podDirs(pod).logs;
		const n = pod.c.restartCount;
		if (b.previous) {
			const f = path.join(logs, `${n - 1}.log`);
			if (n === 0 || !fs.existsSync(f)) {
				return err(
					`Error from server (BadRequest): previous terminated container "${containerName}" in pod "${pod.name}" not found`,
				);
			}
			return { ok: true, file: f };
		}
		if (!pod.nodeName || (n === 0 && pod.c.state === 'waiting')) {
			return err(
				`Error from server (BadRequest): container "${containerName}" in pod "${pod.name}" is waiting to start: ContainerCreating`,
			);
		}
		const cur = path.join(logs, `${n}.log`);
		return { ok: true, file: fs.existsSync(cur) ? cur : path.join(logs, `${n - 1}.log`) };
	},
	ports: () => ({ ok: true, ports: Object.fromEntries(S.ports) }),
	pvcDir: (b) => {
		const pvc = S.pvcs.get(b.name);
		return pvc
			? { ok: true, dir: pvc.hostDir, phase: pvc.phase }
			: err(`Error from server (NotFound): persistentvolumeclaims "${b.name}" not found`);
	},
	inject: async (b) => {
		/** @type {string[]} */
		const names = b.pods;
		for (const name of names) {
			const pod = S.pods.get(name);
			if (!pod || pod.kind !== 'etcd') return err(`no etcd pod ${name}`);
		}
		for (const name of names) {
			const pod = /** @type {Pod} */ (S.pods.get(name));
			const pvc = pvcOf(pod);
			const data = pvc ? path.join(pvc.hostDir, 'data') : '';
			if (b.fault === 'kill') {
				pod.rt?.proc?.kill('SIGKILL');
				continue;
			}
			if (b.fault === 'empty-member-id') {
				// Only the 2022 scripts keep member_id; the fork never reads it.
				await killAndWait(pod);
				if (
					spec.generation === 'bitnami-2022' &&
					data &&
					fs.existsSync(path.join(data, 'member'))
				) {
					fs.writeFileSync(path.join(data, 'member_id'), '');
				}
				restartNow(pod);
				continue;
			}
			if (b.fault === 'corrupt-data') {
				await killAndWait(pod);
				corruptWal(path.join(data, 'member', 'wal'));
				restartNow(pod);
				continue;
			}
			if (b.fault === 'remove-member') {
				const id = await memberIdOf(pod);
				if (!id) return err(`cannot find the member id of ${name}`);
				const others = stsPods()
					.filter((x) => x.name !== name && x.rt?.proc)
					.map((x) => `127.0.0.1:${portsOf(x.ordinal).client}`);
				// etcd refuses removals until peers have been connected for 5 s ("unhealthy cluster").
				/** @type {{ code: number, out: string }} */
				let r = { code: 1, out: '' };
				for (let attempt = 0; attempt < 40; attempt++) {
					r = await new Promise((resolve) =>
						execFile(
							'etcdctl',
							['--endpoints', others.join(','), 'member', 'remove', id],
							{ env: { PATH: process.env.PATH ?? '', ETCDCTL_API: '3' } },
							(e, so, se) => resolve({ code: e ? 1 : 0, out: String(so) + String(se) }),
						),
					);
					if (r.code === 0 || !/unhealthy cluster/.test(r.out)) break;
					await new Promise((res) => setTimeout(res, 500));
				}
				if (r.code !== 0) return err(`member remove failed: ${r.out.trim().split('\n').pop()}`);
				continue;
			}
			return err(`unknown fault ${b.fault}`);
		}
		kick();
		return { ok: true };
	},
	stop: () => {
		setImmediate(() => shutdown(0));
		return { ok: true };
	},
};

/** @param {Pod} pod */
async function killAndWait(pod) {
	const rt = pod.rt;
	if (!rt) return;
	rt.aborted = true;
	for (const c of rt.children) c.kill('SIGKILL');
	rt.proc?.kill('SIGKILL');
	await rt.exited;
}

/**
 * An injected fault stands for a node restart: the container comes back at once, so the pod shows
 * CrashLoopBackOff only when the restarted container itself fails.
 * @param {Pod} pod
 */
function restartNow(pod) {
	if (pod.c.state === 'waiting' && !pod.rt && !pod.deleting && pod.nodeName) startContainer(pod);
}

/** @param {Pod} pod */
async function memberIdOf(pod) {
	const p = portsOf(pod.ordinal);
	try {
		const res = await fetch(`http://127.0.0.1:${p.client}/v3/maintenance/status`, {
			method: 'POST',
			body: '{}',
			signal: AbortSignal.timeout(2000),
		});
		const body = /** @type {any} */ (await res.json());
		return BigInt(body.header.member_id).toString(16);
	} catch {
		return '';
	}
}

/**
 * Overwrites the records after the WAL header with garbage: etcd fails to replay it on every start, while
 * member/snap/db stays readable for offline recovery.
 * @param {string} walDir
 */
function corruptWal(walDir) {
	let files = [];
	try {
		files = fs
			.readdirSync(walDir)
			.filter((f) => f.endsWith('.wal'))
			.sort();
	} catch {
		return;
	}
	const last = files[files.length - 1];
	if (!last) return;
	const f = path.join(walDir, last);
	const fd = fs.openSync(f, 'r+');
	const junk = Buffer.alloc(64 * 1024, 0xa5);
	fs.writeSync(fd, junk, 0, junk.length, 256);
	fs.closeSync(fd);
}

// ---------------------------------------------------------------- server & lifecycle

/**
 * @param {number} code
 * @param {boolean} [ownerGone] the test process died without stop(): also remove a folder it did not name
 */
async function shutdown(code, ownerGone = false) {
	if (S.stopping) return;
	S.stopping = true;
	for (const pod of S.pods.values()) {
		const rt = pod.rt;
		if (!rt) continue;
		rt.aborted = true;
		for (const c of rt.children) c.kill('SIGKILL');
		rt.proc?.kill('SIGKILL');
	}
	await Promise.race([
		Promise.all([...S.pods.values()].map((p) => p.rt?.exited)),
		new Promise((r) => setTimeout(r, 3000)),
	]);
	fs.rmSync(path.join(dir, 'api.json'), { force: true });
	if (ownerGone && spec.ownDir) fs.rmSync(dir, { recursive: true, force: true });
	process.exit(code);
}

async function main() {
	// Ports for up to seven members up front, so the Node API can name every member synchronously.
	await ensurePorts(Math.max(spec.replicas, 7));
	S.sts.env = chartEnv();
	S.sts.revision = revisionOf(S.sts.env);
	S.scs.set('standard', {
		name: 'standard',
		created: Date.now(),
		annotations: spec.defaultStorageClass
			? { 'storageclass.kubernetes.io/is-default-class': 'true' }
			: {},
		labels: {},
		provisioner: 'rancher.io/local-path',
	});
	const server = http.createServer((req, res) => {
		/** @type {Buffer[]} */
		const chunks = [];
		req.on('data', (c) => chunks.push(c));
		req.on('end', async () => {
			/** @type {any} */
			let out;
			try {
				const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
				const op = ops[body.op];
				out = op ? await op(body) : err(`unknown op ${body.op}`);
				kick();
			} catch (e) {
				out = err(`stand-in error: ${e instanceof Error ? e.message : String(e)}`);
			}
			res.setHeader('content-type', 'application/json');
			res.end(JSON.stringify(out));
		});
	});
	await new Promise((r) => server.listen(0, '127.0.0.1', () => r(null)));
	const addr = server.address();
	const port = typeof addr === 'object' && addr ? addr.port : 0;
	fs.writeFileSync(path.join(dir, 'api.json.tmp'), JSON.stringify({ port, pid: process.pid }));
	fs.renameSync(path.join(dir, 'api.json.tmp'), path.join(dir, 'api.json'));
	setInterval(tick, 250);
	if (ownerPid) {
		setInterval(() => {
			try {
				process.kill(ownerPid, 0);
			} catch {
				void shutdown(0, true);
			}
		}, 1000);
	}
	tick();
}

process.on('SIGTERM', () => void shutdown(0));
process.on('SIGINT', () => void shutdown(0));
process.on('exit', () => {
	for (const pod of S.pods.values()) pod.rt?.proc?.kill('SIGKILL');
});

if (spec.kind === 'compose') {
	const { runCompose } = await import('./compose.mjs');
	await runCompose(dir, ownerPid, !!spec.ownDir);
} else {
	await main();
}
