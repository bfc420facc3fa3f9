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
import net from 'node:net';
import path from 'node:path';
import { corruptWal, reservePort, VOLUME_MOUNT } from './common.mjs';
import { runInContainer } from './exec.mjs';
import { serveS3 } from './s3.mjs';
import { ApiError, badRequest, createKubeApi, notFound } from './kube-api.mjs';
import { ExitError, preStop, startScript, stamp, storeMemberId } from './scripts.mjs';
import { handleExec, handlePortForward, rejectUpgrade } from './spdy.mjs';

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
 * @property {'cluster' | 'standalone' | null} [milvus] Milvus Deployments as the Milvus chart names them
 * @property {ObjectStorageSpec | null} [objectStorage] the chart's MinIO and Milvus's `minio:` settings
 * @property {string[]} [unpullableImages]
 * @property {string} [etcdImage] the StatefulSet's image, instead of the generation's
 * @property {Record<string, any>} [milvusResources] container `resources` of a Milvus component, by component
 * @property {Record<string, Record<string, string>>} [configMaps] ConfigMaps of the namespace: name → data
 * @property {number} backoffMs
 * @property {boolean} [retroactiveDefaultClass] absent: true
 * @property {boolean} [ownDir] the Node API made the folder (and removes it)
 */
/**
 * The Milvus chart's bundled MinIO (Deployment, Service and Secret `<release>-minio`) serving the S3 API on
 * 127.0.0.1, and the `minio:` settings Milvus reads from its ConfigMap `<release>-milvus`.
 * @typedef {object} ObjectStorageSpec
 * @property {import('./s3.mjs').S3State & { running: boolean }} server
 * @property {Record<string, string | number | boolean>} user  `minio:` keys of user.yaml (the chart's
 *   extraConfigFiles), over default.yaml's chart defaults
 */
/** @type {Spec} */
const spec = JSON.parse(fs.readFileSync(path.join(dir, 'cluster.json'), 'utf8'));
const STS = `${spec.release}-etcd`;
const NS = spec.namespace;
const NODE = 'standin-node';
const DOMAIN = `${STS}-headless.${NS}.svc.cluster.local`;
// The etcd image the chart rendered; the node has it already (pulled when the cluster was installed).
const IMAGE =
	spec.etcdImage ??
	(spec.generation === 'bitnami-2022'
		? 'docker.io/bitnami/etcd:3.5.0-debian-10-r24'
		: 'docker.io/milvusdb/etcd:3.5.5-r2');

/** @typedef {{ name: string, value?: string, valueFrom?: unknown }} EnvVar */
/**
 * @typedef {object} Terminated
 * @property {number} exitCode
 * @property {string} reason
 * @property {string} startedAt
 * @property {string} finishedAt
 * @property {string} [containerID]
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
 * @property {any} podSpec the spec a created pod was posted with (helper pods)
 * @property {Record<string, string>} annotations
 * @property {{ mountPath: string, claim: string }[]} mounts PVC mounts of its (first) container
 * @property {string} image
 * @property {string} owner the Deployment that made it ('' for others)
 * @property {boolean} probing
 * @property {number} probedAt when its readiness probe last started (ms), 0 for never
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
 * @property {string} [reclaimPolicy]
 * @property {string} [volumeBindingMode]
 * @property {boolean} [allowVolumeExpansion]
 */
/**
 * @typedef {object} KEvent
 * @property {string} kind
 * @property {string} name
 * @property {string} objUid
 * @property {string} uid
 * @property {string} type
 * @property {string} reason
 * @property {string} source
 * @property {string} message
 * @property {number} first
 * @property {number} last
 * @property {number} count
 * @property {number} seq
 */

const LABELS = { 'app.kubernetes.io/name': 'etcd', 'app.kubernetes.io/instance': spec.release };

/**
 * A Milvus Deployment of the Milvus chart; its pods run no process and are Ready once their image is pulled.
 * @typedef {object} Deploy
 * @property {string} name
 * @property {string} uid
 * @property {string} component
 * @property {number} created
 * @property {number} generation
 * @property {number} replicas
 * @property {string} image
 * @property {Record<string, string>} [selector]  default: the Milvus chart's labels with `component`
 * @property {string[]} [args]
 * @property {number} [port]
 * @property {any} [resources]  the container's `resources` (requests/limits), `{}` as the chart's default
 * @property {number} [podsMade] pods its ReplicaSets have made so far (names them)
 */

/**
 * @typedef {object} ConfigMap
 * @property {string} name
 * @property {string} uid
 * @property {number} created
 * @property {Record<string, string>} labels
 * @property {Record<string, string>} data
 */

const MILVUS_IMAGE = 'milvusdb/milvus:v2.4.4';
/** @param {string} image */
const templateHash = (image) => createHash('sha1').update(image).digest('hex').slice(0, 10);
/** @param {Deploy} d @returns {Record<string, string>} */
const deploySelector = (d) =>
	d.selector ?? {
		'app.kubernetes.io/name': 'milvus',
		'app.kubernetes.io/instance': spec.release,
		component: d.component,
	};
/** @param {Deploy} d */
const deployContainer = (d) => ({
	name: d.component,
	image: d.image,
	args: d.args ?? ['milvus', 'run', d.component],
	resources: structuredClone(d.resources ?? {}),
	ports: [
		d.port
			? { name: 'http', containerPort: d.port, protocol: 'TCP' }
			: { name: 'milvus', containerPort: 19530, protocol: 'TCP' },
	],
});

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
		uid: randomUUID(),
		generation: 1,
		observedGeneration: 1,
		revision: '',
		currentRevision: '',
		image: IMAGE,
		/** @type {'RollingUpdate' | 'OnDelete'} */
		updateStrategy: 'RollingUpdate',
		deleted: false,
		/** ControllerRevisions: template hash name → revision number and template. */
		/** @type {Map<string, { n: number, created: number, env: EnvVar[], image: string }>} */
		revisions: new Map(),
		/** @type {Record<string, string>} */
		annotations: {
			'meta.helm.sh/release-name': spec.release,
			'meta.helm.sh/release-namespace': NS,
		},
		/** @type {Record<string, string>} */
		labels: { ...LABELS, 'app.kubernetes.io/managed-by': 'Helm', 'helm.sh/chart': 'etcd-6.3.3' },
	},
	/** @type {Map<string, Deploy>} */
	deploys: new Map(),
	/** @type {Map<string, ConfigMap>} */
	configMaps: new Map(
		Object.entries(spec.configMaps ?? {}).map(([name, data]) => [
			name,
			{ name, uid: randomUUID(), created: Date.now(), labels: {}, data: { ...data } },
		]),
	),
	/** @type {Set<string>} images the node cannot pull */
	unpullable: new Set(spec.unpullableImages ?? []),
	/** @type {Set<string>} images on the node: the chart's etcd image came with the install, unless it cannot be pulled */
	pulled: new Set([IMAGE].filter((i) => !(spec.unpullableImages ?? []).includes(i))),
	/** @type {Map<string, number>} pod name → when its last pod object went away */
	goneAt: new Map(),
	/** @type {Map<string, number>} namespace → creation time */
	nsCreated: new Map(),
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

let eventSeq = 0;
/**
 * How long a deleted StatefulSet pod's name stays free before the controller creates it again: the real
 * controller reacts through an informer and a work queue, and kubectl's delete wait relies on that gap
 * (it lists by name after the DELETE and then waits for the DELETED event).
 */
const RECREATE_DELAY_MS = 1000;

/**
 * How often a Ready etcd pod's readiness is probed again. The chart's probes run every 10 s; once a second
 * keeps tests from waiting, where probing on every tick (4 a second, each a linearizable read in etcd) was a
 * large share of an idle cluster's CPU.
 */
const PROBE_PERIOD_MS = 1000;

/** @type {Map<number, string>} */
const isoTexts = new Map();
/** A time as the API server writes it (seconds); the same few times are written again on every sync. */
const iso = (/** @type {number} */ t) => {
	let text = isoTexts.get(t);
	if (text === undefined) {
		text = new Date(t).toISOString().replace(/\.\d+Z$/, 'Z');
		if (isoTexts.size > 10_000) isoTexts.clear();
		isoTexts.set(t, text);
	}
	return text;
};

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
	const objUid =
		kind === 'Pod'
			? (S.pods.get(name)?.uid ?? '')
			: kind === 'PersistentVolumeClaim'
				? (S.pvcs.get(name)?.uid ?? '')
				: kind === 'StatefulSet'
					? S.sts.uid
					: '';
	const e = S.events.find(
		(x) =>
			x.kind === kind &&
			x.name === name &&
			x.objUid === objUid &&
			x.reason === reason &&
			x.message === message,
	);
	if (e) {
		if (now - e.last < 10_000) return;
		e.last = now;
		e.count++;
		return;
	}
	S.events.push({
		kind,
		name,
		objUid,
		uid: randomUUID(),
		seq: ++eventSeq,
		type,
		reason,
		source,
		message,
		first: now,
		last: now,
		count: 1,
	});
}

/**
 * The template's ControllerRevision name, `<sts>-<hash>`; a template seen for the first time gets the next
 * revision number.
 * @param {EnvVar[]} env
 * @param {string} image
 */
function revisionOf(env, image) {
	const name = `${STS}-${createHash('sha1')
		.update(JSON.stringify([env, image]))
		.digest('hex')
		.slice(0, 10)}`;
	const known = S.sts.revisions.get(name);
	const n = Math.max(0, ...[...S.sts.revisions.values()].map((r) => r.n)) + 1;
	if (known) known.n = n;
	else S.sts.revisions.set(name, { n, created: Date.now(), env: structuredClone(env), image });
	return name;
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
 * @param {{ podSpec?: any, annotations?: Record<string, string>, mounts?: Pod['mounts'] }} [extra]
 */
function createPod(name, kind, ordinal, pvc, helper, labels, extra = {}) {
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
		podSpec: extra.podSpec ?? null,
		annotations: extra.annotations ?? {},
		mounts: extra.mounts ?? (pvc ? [{ mountPath: VOLUME_MOUNT, claim: pvc }] : []),
		image: kind === 'etcd' ? S.sts.image : (helper?.image ?? ''),
		owner: '',
		probing: false,
		probedAt: 0,
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
	if (S.pulled.has(pod.image)) {
		event(
			'Pod',
			pod.name,
			'Normal',
			'Pulled',
			'kubelet',
			`Container image "${pod.image}" already present on machine`,
		);
	} else {
		event('Pod', pod.name, 'Normal', 'Pulling', 'kubelet', `Pulling image "${pod.image}"`);
		event(
			'Pod',
			pod.name,
			'Normal',
			'Pulled',
			'kubelet',
			`Successfully pulled image "${pod.image}" in 1.204s (1.204s including waiting). Image size: 61834516 bytes.`,
		);
		S.pulled.add(pod.image);
	}
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
		if (S.pods.get(pod.name) === pod) {
			S.pods.delete(pod.name);
			S.goneAt.set(pod.name, Date.now());
			// The controller sees the deletion through its informer and queue, not in the same instant.
			setTimeout(kick, RECREATE_DELAY_MS + 10).unref?.();
		}
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
	if (pod.rt !== rt || pod.c.ready === ok) return;
	pod.c.ready = ok;
	// The controllers run again at once, so the StatefulSet's status follows its pods' readiness within a
	// turn of the event loop instead of waiting for the next tick, as a real controller follows its informer.
	kick();
}

// ---------------------------------------------------------------- controllers

function reconcilePvcs() {
	const def = defaultSc();
	for (const pvc of S.pvcs.values()) {
		if (pvc.deleting) {
			const inUse = [...S.pods.values()].some(
				(p) => p.nodeName && p.mounts.some((m) => m.claim === pvc.name),
			);
			if (!inUse || !pvc.protection) {
				S.pvcs.delete(pvc.name);
				S.goneAt.set(`pvc/${pvc.name}`, Date.now());
				setTimeout(kick, RECREATE_DELAY_MS + 10).unref?.();
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

/**
 * An event of the StatefulSet controller about its own objects.
 * @param {'SuccessfulCreate' | 'SuccessfulDelete'} reason
 * @param {string} message
 */
function controllerEvent(reason, message) {
	event('StatefulSet', STS, 'Normal', reason, 'statefulset-controller', message);
}

/**
 * The controller's claim for one of its pods, from the claim template, with the event it records.
 * @param {string} podName
 */
function createClaimFor(podName) {
	const claim = `data-${podName}`;
	createPvc(claim, { ...LABELS }, null);
	controllerEvent(
		'SuccessfulCreate',
		`create Claim ${claim} Pod ${podName} in StatefulSet ${STS} success`,
	);
}

function reconcileSts() {
	if (S.sts.deleted) return;
	S.sts.observedGeneration = S.sts.generation;
	const st = stsStatus();
	// The controller moves currentRevision on once every pod runs the update revision and is Ready.
	if (
		st.updated === S.sts.replicas &&
		st.ready === S.sts.replicas &&
		st.replicas === S.sts.replicas
	)
		S.sts.currentRevision = S.sts.revision;
	const pods = stsPods();
	for (let i = 0; i < S.sts.replicas; i++) {
		const name = `${STS}-${i}`;
		if (S.pods.has(name)) continue;
		if (Date.now() - (S.goneAt.get(name) ?? 0) < RECREATE_DELAY_MS) continue;
		const claim = `data-${name}`;
		if (!S.pvcs.has(claim)) createClaimFor(name);
		createPod(name, 'etcd', i, claim, null, {
			...LABELS,
			'app.kubernetes.io/managed-by': 'Helm',
			'helm.sh/chart': 'etcd-6.3.3',
			'controller-revision-hash': S.sts.revision,
			'statefulset.kubernetes.io/pod-name': name,
		});
		controllerEvent('SuccessfulCreate', `create Pod ${name} in StatefulSet ${STS} successful`);
	}
	// Kubernetes >= 1.26 (kubernetes/kubernetes#113270): a Pending pod whose claim is gone gets the claim back,
	// so a pod recreated while its old claim was still terminating does not stay Pending for good.
	for (const p of pods) {
		if (p.ordinal >= S.sts.replicas || p.deleting || p.nodeName) continue;
		const claim = `data-${p.name}`;
		if (S.pvcs.has(claim)) continue;
		// The controller learns of the deletion at its next sync, not in the same instant: kubectl's own wait
		// for the delete sees the claim gone first.
		if (Date.now() - (S.goneAt.get(`pvc/${claim}`) ?? 0) < RECREATE_DELAY_MS) continue;
		createClaimFor(p.name);
	}
	// podManagementPolicy Parallel: every surplus pod goes at once.
	for (const p of pods) {
		if (p.ordinal >= S.sts.replicas && !p.deleting) {
			deletePod(p);
			controllerEvent('SuccessfulDelete', `delete Pod ${p.name} in StatefulSet ${STS} successful`);
		}
	}
	// RollingUpdate, as the sts controller does it: from the highest ordinal down, delete the first pod on an
	// old revision; stop at a current-revision pod that is not healthy.
	const current = stsPods().filter((p) => p.ordinal < S.sts.replicas);
	if (S.sts.updateStrategy === 'OnDelete') return;
	if (current.length < S.sts.replicas || current.some((p) => p.deleting)) return;
	for (let t = current.length - 1; t >= 0; t--) {
		const p = current[t];
		if (!p) continue;
		if (p.revision !== S.sts.revision) {
			deletePod(p);
			controllerEvent('SuccessfulDelete', `delete Pod ${p.name} in StatefulSet ${STS} successful`);
			return;
		}
		if (!(p.c.state === 'running' && p.c.ready)) return;
	}
}

/**
 * Why the scheduler cannot place the pod ('' when it can), in the scheduler's words.
 * @param {Pod} pod
 */
function unschedulable(pod) {
	for (const m of pod.mounts) {
		const pvc = S.pvcs.get(m.claim);
		if (!pvc) return `persistentvolumeclaim "${m.claim}" not found`;
		if (pvc.deleting) return `persistentvolumeclaim "${m.claim}" is being deleted`;
		if (pvc.phase !== 'Bound') return 'pod has unbound immediate PersistentVolumeClaims';
	}
	return '';
}

function schedule() {
	for (const pod of S.pods.values()) {
		if (pod.nodeName || pod.deleting) continue;
		const why = unschedulable(pod);
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
		// Deployment and etcd pods pull their image; helper pods run an image every node has.
		if (
			(pod.owner || pod.kind === 'etcd') &&
			pod.c.state === 'waiting' &&
			now >= pod.c.nextStartAt &&
			S.unpullable.has(pod.image)
		) {
			pullFailed(pod);
			continue;
		}
		if (pod.c.state === 'waiting' && !pod.rt && now >= pod.c.nextStartAt) startContainer(pod);
		// A pod not Ready yet is probed on every tick, so it turns Ready as soon as etcd answers (recordings
		// show `rollout status` at that moment); a Ready one once a PROBE_PERIOD_MS.
		if (pod.c.state === 'running' && (!pod.c.ready || now - pod.probedAt >= PROBE_PERIOD_MS)) {
			pod.probedAt = now;
			void probe(pod);
		}
	}
}

/**
 * What containerd's CRI answers when a tag does not exist; the kubelet puts it verbatim in the `Failed` event and
 * in the container's waiting message (pkg/kubelet/images: `imagePullResult.err.Error()`). containerd names the
 * image by its normalized reference: `etcd:3.5` is `docker.io/library/etcd:3.5`, a host stays as written.
 * @param {string} image
 */
function pullNotFoundError(image) {
	const first = image.split('/')[0] ?? '';
	const hasHost = image.includes('/') && (/[.:]/.test(first) || first === 'localhost');
	const ref = hasHost
		? image
		: image.includes('/')
			? `docker.io/${image}`
			: `docker.io/library/${image}`;
	return `rpc error: code = NotFound desc = failed to pull and unpack image "${ref}": failed to resolve reference "${ref}": ${ref}: not found`;
}

/**
 * The kubelet's image pull failing: ErrImagePull, then ImagePullBackOff with a doubling back-off, with its
 * events.
 * @param {Pod} pod
 */
function pullFailed(pod) {
	const img = pod.image;
	if (pod.c.reason !== 'ErrImagePull') {
		event('Pod', pod.name, 'Normal', 'Pulling', 'kubelet', `Pulling image "${img}"`);
		event(
			'Pod',
			pod.name,
			'Warning',
			'Failed',
			'kubelet',
			`Failed to pull image "${img}": ${pullNotFoundError(img)}`,
		);
		event('Pod', pod.name, 'Warning', 'Failed', 'kubelet', 'Error: ErrImagePull');
		pod.c.reason = 'ErrImagePull';
		pod.c.nextStartAt = Date.now() + spec.backoffMs;
		return;
	}
	event('Pod', pod.name, 'Normal', 'BackOff', 'kubelet', `Back-off pulling image "${img}"`);
	event('Pod', pod.name, 'Warning', 'Failed', 'kubelet', 'Error: ImagePullBackOff');
	pod.c.reason = 'ImagePullBackOff';
	pod.c.nextStartAt = Date.now() + spec.backoffMs * 4;
}

/**
 * The five characters the ReplicaSet controller appends to a pod name, from the alphabet Kubernetes uses
 * (no vowels, no look-alike digits). Random there; here drawn from the Deployment's own count of pods made,
 * so the same scenario names its pods the same way every run and a recording replays to the byte.
 * @param {Deploy} d
 */
function podNameSuffix(d) {
	const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
	d.podsMade = (d.podsMade ?? 0) + 1;
	const digest = createHash('sha256').update(`${d.name}#${d.podsMade}`).digest();
	return [...digest.subarray(0, 5)].map((b) => alphabet[b % alphabet.length]).join('');
}

/** The Deployment controller (one ReplicaSet per template, replaced at once when the template changes). */
function reconcileDeploys() {
	for (const d of S.deploys.values()) {
		const hash = templateHash(d.image);
		const mine = [...S.pods.values()].filter((p) => p.owner === d.name && !p.deleting);
		const current = mine.filter((p) => p.revision === hash);
		for (let i = current.length; i < d.replicas; i++) {
			let name;
			do name = `${d.name}-${hash.slice(0, 9)}-${podNameSuffix(d)}`;
			while (S.pods.has(name));
			const labels = { ...deploySelector(d), 'pod-template-hash': hash.slice(0, 9) };
			const pod = createPod(
				name,
				'helper',
				-1,
				'',
				{ image: d.image, command: [], containerName: d.component },
				labels,
				{
					podSpec: { containers: [deployContainer(d)], restartPolicy: 'Always' },
					mounts: [],
				},
			);
			pod.owner = d.name;
			pod.revision = hash;
			pod.annotations = {};
		}
		const surplus = current.length - d.replicas;
		// Scale-down removes the newest pods first; a new template retires the old pods once it runs.
		current
			.sort((a, b) => b.created - a.created)
			.slice(0, Math.max(0, surplus))
			.forEach((p) => deletePod(p, 0));
		const newReady = current.filter((p) => p.c.state === 'running' && p.c.ready).length;
		if (newReady >= Math.min(d.replicas, current.length))
			for (const p of mine) if (p.revision !== hash) deletePod(p, 0);
	}
}

/** @param {Deploy} d */
function deployObject(d) {
	const hash = templateHash(d.image);
	const pods = [...S.pods.values()].filter((p) => p.owner === d.name && !p.deleting);
	const ready = pods.filter((p) => p.nodeName && p.c.state === 'running' && p.c.ready).length;
	const updated = pods.filter((p) => p.revision === hash).length;
	const selector = deploySelector(d);
	return {
		apiVersion: 'apps/v1',
		kind: 'Deployment',
		metadata: {
			name: d.name,
			namespace: NS,
			uid: d.uid,
			creationTimestamp: iso(d.created),
			generation: d.generation,
			labels: {
				...selector,
				'app.kubernetes.io/managed-by': 'Helm',
				'helm.sh/chart': d.selector ? 'minio-8.0.17' : 'milvus-4.1.34',
			},
			annotations: {
				'deployment.kubernetes.io/revision': '1',
				'meta.helm.sh/release-name': spec.release,
			},
		},
		spec: {
			replicas: d.replicas,
			selector: { matchLabels: selector },
			strategy: {
				type: 'RollingUpdate',
				rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' },
			},
			revisionHistoryLimit: 10,
			progressDeadlineSeconds: 600,
			template: {
				metadata: { labels: selector },
				spec: {
					containers: [{ ...deployContainer(d), imagePullPolicy: 'IfNotPresent' }],
					restartPolicy: 'Always',
				},
			},
		},
		status: {
			observedGeneration: d.generation,
			replicas: pods.length,
			updatedReplicas: updated,
			readyReplicas: ready,
			availableReplicas: ready,
			...(pods.length - ready > 0 ? { unavailableReplicas: pods.length - ready } : {}),
			conditions: [
				{
					type: 'Available',
					status: ready >= d.replicas ? 'True' : 'False',
					reason: ready >= d.replicas ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable',
					message:
						ready >= d.replicas
							? 'Deployment has minimum availability.'
							: 'Deployment does not have minimum availability.',
				},
			],
		},
	};
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
		reconcileDeploys();
		schedule();
		kubelet();
		writeState();
		kubeApi?.sync();
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

/** @type {Map<string, string>} */
const uids = new Map();
/** A uid that stays the same for one object key for the cluster's life. @param {string} key */
function stableUid(key) {
	let u = uids.get(key);
	if (!u) uids.set(key, (u = randomUUID()));
	return u;
}

/** @param {Pod} pod */
const containerNameOf = (pod) =>
	pod.kind === 'etcd' ? 'etcd' : (pod.helper?.containerName ?? pod.name);

/** @param {Pod} pod */
function stsOwner(pod) {
	if (pod.kind !== 'etcd' || S.sts.deleted) return {};
	return {
		ownerReferences: [
			{
				apiVersion: 'apps/v1',
				kind: 'StatefulSet',
				name: STS,
				uid: S.sts.uid,
				controller: true,
				blockOwnerDeletion: true,
			},
		],
	};
}

/**
 * The pod as the API shows it; `internal` adds the stand-in's address annotations (Node API only).
 * @param {Pod} pod
 * @param {boolean} [internal]
 */
function podObject(pod, internal = false) {
	const c = pod.c;
	/** @type {any} */
	let state;
	if (pod.deleting && c.state !== 'running')
		state = { terminated: c.last ?? { exitCode: 0, reason: 'Completed' } };
	else if (c.state === 'running') state = { running: { startedAt: c.startedAt } };
	else if (c.state === 'waiting') {
		state = {
			waiting:
				c.reason === 'ErrImagePull' || c.reason === 'ImagePullBackOff'
					? {
							reason: c.reason,
							message:
								c.reason === 'ErrImagePull'
									? pullNotFoundError(pod.image)
									: // The kubelet keeps the last pull error in the back-off message (the event has only the first part).
										`Back-off pulling image "${pod.image}": ErrImagePull: ${pullNotFoundError(pod.image)}`,
						}
					: c.reason === 'CrashLoopBackOff'
						? {
								reason: 'CrashLoopBackOff',
								message: `back-off ${Math.round((spec.backoffMs * 2 ** Math.min(c.restartCount - 1, 3)) / 1000)}s restarting failed container=${containerNameOf(pod)} pod=${pod.name}_${NS}(${pod.uid})`,
							}
						: { reason: 'ContainerCreating' },
		};
	} else state = { terminated: c.last ?? { exitCode: 0, reason: 'Completed' } };
	const scheduled = !!pod.nodeName;
	const ready = scheduled && c.state === 'running' && c.ready && !pod.deleting;
	const started = c.state === 'running' || c.restartCount > 0 || !!c.last;
	const unsched = scheduled
		? ''
		: `0/1 nodes are available: ${unschedulable(pod) || 'no nodes available to schedule pods'}. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.`;
	const containerName = containerNameOf(pod);
	const p = pod.kind === 'etcd' ? S.ports.get(pod.ordinal) : undefined;
	const created = iso(pod.created);
	/** @type {any} */
	let podSpec;
	if (pod.kind === 'etcd') {
		podSpec = {
			containers: [
				{
					name: containerName,
					image: pod.image,
					imagePullPolicy: 'IfNotPresent',
					env: structuredClone(pod.env),
					ports: [
						{ name: 'client', containerPort: 2379, protocol: 'TCP' },
						{ name: 'peer', containerPort: 2380, protocol: 'TCP' },
					],
					lifecycle: {
						preStop: { exec: { command: ['/opt/bitnami/scripts/etcd/prestop.sh'] } },
					},
					volumeMounts: [{ name: 'data', mountPath: VOLUME_MOUNT }],
					terminationMessagePath: '/dev/termination-log',
					terminationMessagePolicy: 'File',
				},
			],
			volumes: [{ name: 'data', persistentVolumeClaim: { claimName: pod.pvc } }],
			restartPolicy: 'Always',
			hostname: pod.name,
			subdomain: `${STS}-headless`,
		};
	} else {
		podSpec = structuredClone(pod.podSpec ?? {});
		podSpec.containers = (podSpec.containers ?? []).map((/** @type {any} */ x) => ({
			imagePullPolicy: String(x.image ?? '').endsWith(':latest') ? 'Always' : 'IfNotPresent',
			terminationMessagePath: '/dev/termination-log',
			terminationMessagePolicy: 'File',
			...x,
		}));
		podSpec.restartPolicy ??= 'Always';
	}
	podSpec.dnsPolicy ??= 'ClusterFirst';
	podSpec.schedulerName ??= 'default-scheduler';
	podSpec.serviceAccountName ??= 'default';
	podSpec.terminationGracePeriodSeconds ??= 30;
	podSpec.enableServiceLinks ??= true;
	podSpec.preemptionPolicy ??= 'PreemptLowerPriority';
	podSpec.priority ??= 0;
	if (scheduled) podSpec.nodeName = pod.nodeName;
	/** @type {any} */
	const obj = {
		apiVersion: 'v1',
		kind: 'Pod',
		metadata: {
			name: pod.name,
			namespace: NS,
			uid: pod.uid,
			creationTimestamp: created,
			labels: { ...pod.labels },
			...(Object.keys(pod.annotations).length || (internal && p)
				? {
						annotations: {
							...pod.annotations,
							...(internal && p
								? {
										'standin/client-url': `http://127.0.0.1:${p.client}`,
										'standin/peer-url': `http://127.0.0.1:${p.peer}`,
									}
								: {}),
						},
					}
				: {}),
			...stsOwner(pod),
			...(pod.deleting
				? {
						deletionTimestamp: iso(pod.deleting),
						deletionGracePeriodSeconds: podSpec.terminationGracePeriodSeconds,
					}
				: {}),
		},
		spec: podSpec,
		status: {
			phase: scheduled && started ? 'Running' : 'Pending',
			conditions: scheduled
				? [
						{
							type: 'Initialized',
							status: 'True',
							lastProbeTime: null,
							lastTransitionTime: created,
						},
						{
							type: 'Ready',
							status: ready ? 'True' : 'False',
							lastProbeTime: null,
							lastTransitionTime: created,
							...(ready
								? {}
								: {
										reason: 'ContainersNotReady',
										message: `containers with unready status: [${containerName}]`,
									}),
						},
						{
							type: 'ContainersReady',
							status: ready ? 'True' : 'False',
							lastProbeTime: null,
							lastTransitionTime: created,
							...(ready
								? {}
								: {
										reason: 'ContainersNotReady',
										message: `containers with unready status: [${containerName}]`,
									}),
						},
						{
							type: 'PodScheduled',
							status: 'True',
							lastProbeTime: null,
							lastTransitionTime: created,
						},
					]
				: [
						{
							type: 'PodScheduled',
							status: 'False',
							lastProbeTime: null,
							lastTransitionTime: created,
							reason: 'Unschedulable',
							message: unsched,
						},
					],
			qosClass: qosClass(podSpec),
		},
	};
	if (scheduled) {
		obj.status.hostIP = '127.0.0.1';
		obj.status.hostIPs = [{ ip: '127.0.0.1' }];
		obj.status.podIP = '127.0.0.1';
		obj.status.podIPs = [{ ip: '127.0.0.1' }];
		obj.status.startTime = iso(pod.startTime ?? pod.created);
		obj.status.containerStatuses = podSpec.containers.map((/** @type {any} */ x) => ({
			name: x.name,
			image: x.image,
			imageID: '',
			...(c.state === 'running'
				? { containerID: `containerd://${pod.uid.replace(/-/g, '')}` }
				: {}),
			ready,
			started: c.state === 'running',
			restartCount: c.restartCount,
			state,
			lastState: c.last && c.restartCount > 0 ? { terminated: c.last } : {},
		}));
	}
	return obj;
}

/**
 * The kubelet's QoS class: Guaranteed when every container's requests equal its limits for cpu and memory,
 * BestEffort without any, Burstable otherwise.
 * @param {any} podSpec
 */
function qosClass(podSpec) {
	const res = (podSpec?.containers ?? []).map((/** @type {any} */ c) => c.resources ?? {});
	const none = (/** @type {any} */ r) =>
		!Object.keys(r.requests ?? {}).length && !Object.keys(r.limits ?? {}).length;
	if (res.every(none)) return 'BestEffort';
	const guaranteed = res.every((/** @type {any} */ r) =>
		['cpu', 'memory'].every(
			(k) => r.limits?.[k] !== undefined && (r.requests?.[k] ?? r.limits[k]) === r.limits[k],
		),
	);
	return guaranteed ? 'Guaranteed' : 'Burstable';
}

/**
 * @param {Pvc} pvc
 * @param {boolean} [internal]
 */
function pvcObject(pvc, internal = false) {
	const bound = pvc.phase === 'Bound';
	/** @type {Record<string, string>} */
	const annotations = {
		...(bound
			? {
					'pv.kubernetes.io/bind-completed': 'yes',
					'pv.kubernetes.io/bound-by-controller': 'yes',
				}
			: {}),
		...(bound && pvc.storageClassName
			? {
					'volume.beta.kubernetes.io/storage-provisioner': 'rancher.io/local-path',
					'volume.kubernetes.io/storage-provisioner': 'rancher.io/local-path',
				}
			: {}),
		...(internal ? { 'standin/host-path': pvc.hostDir } : {}),
	};
	return {
		apiVersion: 'v1',
		kind: 'PersistentVolumeClaim',
		metadata: {
			name: pvc.name,
			namespace: NS,
			uid: pvc.uid,
			creationTimestamp: iso(pvc.created),
			labels: { ...pvc.labels },
			...(Object.keys(annotations).length ? { annotations } : {}),
			...(pvc.protection ? { finalizers: ['kubernetes.io/pvc-protection'] } : {}),
			...(pvc.deleting
				? { deletionTimestamp: iso(pvc.deleting), deletionGracePeriodSeconds: 0 }
				: {}),
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

/** @param {Pvc} pvc */
function pvObject(pvc) {
	return {
		apiVersion: 'v1',
		kind: 'PersistentVolume',
		metadata: {
			name: pvc.volumeName,
			uid: stableUid(`pv/${pvc.volumeName}`),
			creationTimestamp: iso(pvc.created),
			annotations: {
				'local.path.provisioner/selected-node': NODE,
				'pv.kubernetes.io/provisioned-by': 'rancher.io/local-path',
			},
			finalizers: ['kubernetes.io/pv-protection'],
		},
		spec: {
			capacity: { storage: '10Gi' },
			accessModes: ['ReadWriteOnce'],
			claimRef: {
				kind: 'PersistentVolumeClaim',
				namespace: NS,
				name: pvc.name,
				uid: pvc.uid,
				apiVersion: 'v1',
			},
			persistentVolumeReclaimPolicy: 'Delete',
			storageClassName: pvc.storageClassName ?? '',
			volumeMode: 'Filesystem',
			hostPath: {
				path: `/opt/local-path-provisioner/${pvc.volumeName}_${NS}_${pvc.name}`,
				type: 'DirectoryOrCreate',
			},
		},
		status: { phase: 'Bound' },
	};
}

/** @param {SC} sc */
function scObject(sc) {
	return {
		apiVersion: 'storage.k8s.io/v1',
		kind: 'StorageClass',
		metadata: {
			name: sc.name,
			uid: stableUid(`sc/${sc.name}/${sc.created}`),
			creationTimestamp: iso(sc.created),
			...(Object.keys(sc.annotations).length ? { annotations: { ...sc.annotations } } : {}),
			...(Object.keys(sc.labels).length ? { labels: { ...sc.labels } } : {}),
		},
		provisioner: sc.provisioner,
		reclaimPolicy: sc.reclaimPolicy ?? 'Delete',
		volumeBindingMode: sc.volumeBindingMode ?? 'Immediate',
		...(sc.allowVolumeExpansion !== undefined
			? { allowVolumeExpansion: sc.allowVolumeExpansion }
			: {}),
	};
}

/** The etcd container of the pod template, as the chart renders it. @param {EnvVar[]} env @param {string} image */
function etcdContainer(env, image) {
	return {
		name: 'etcd',
		image,
		imagePullPolicy: 'IfNotPresent',
		env: structuredClone(env),
		ports: [
			{ name: 'client', containerPort: 2379, protocol: 'TCP' },
			{ name: 'peer', containerPort: 2380, protocol: 'TCP' },
		],
		lifecycle: {
			preStop: { exec: { command: ['/opt/bitnami/scripts/etcd/prestop.sh'] } },
		},
		volumeMounts: [{ name: 'data', mountPath: VOLUME_MOUNT }],
		terminationMessagePath: '/dev/termination-log',
		terminationMessagePolicy: 'File',
	};
}

/**
 * The StatefulSet's status as the statefulset controller counts it.
 */
function stsStatus() {
	const pods = stsPods();
	let replicas = 0;
	let ready = 0;
	let current = 0;
	let updated = 0;
	for (const p of pods) {
		replicas++;
		if (p.nodeName && p.c.state === 'running' && p.c.ready && !p.deleting) ready++;
		if (p.deleting) continue;
		if (p.revision === S.sts.currentRevision) current++;
		if (p.revision === S.sts.revision) updated++;
	}
	return { replicas, ready, current, updated };
}

function stsObject() {
	const st = stsStatus();
	return {
		apiVersion: 'apps/v1',
		kind: 'StatefulSet',
		metadata: {
			name: STS,
			namespace: NS,
			uid: S.sts.uid,
			creationTimestamp: iso(S.sts.created),
			generation: S.sts.generation,
			labels: { ...S.sts.labels },
			annotations: { ...S.sts.annotations },
		},
		spec: {
			replicas: S.sts.replicas,
			podManagementPolicy: 'Parallel',
			serviceName: `${STS}-headless`,
			selector: { matchLabels: { ...LABELS } },
			// The chart sets the type only; apps/v1 defaults a partition only when rollingUpdate is given.
			updateStrategy: { type: S.sts.updateStrategy },
			revisionHistoryLimit: 10,
			persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
			template: {
				metadata: {
					labels: {
						...LABELS,
						'app.kubernetes.io/managed-by': 'Helm',
						'helm.sh/chart': 'etcd-6.3.3',
					},
				},
				spec: {
					containers: [etcdContainer(S.sts.env, S.sts.image)],
					restartPolicy: 'Always',
					terminationGracePeriodSeconds: 30,
					dnsPolicy: 'ClusterFirst',
					schedulerName: 'default-scheduler',
				},
			},
			volumeClaimTemplates: [
				{
					apiVersion: 'v1',
					kind: 'PersistentVolumeClaim',
					metadata: { name: 'data' },
					spec: {
						accessModes: ['ReadWriteOnce'],
						resources: { requests: { storage: '10Gi' } },
						volumeMode: 'Filesystem',
					},
					status: { phase: 'Pending' },
				},
			],
		},
		status: {
			observedGeneration: S.sts.observedGeneration,
			replicas: st.replicas,
			readyReplicas: st.ready,
			availableReplicas: st.ready,
			currentReplicas: st.current,
			updatedReplicas: st.updated,
			currentRevision: S.sts.currentRevision,
			updateRevision: S.sts.revision,
			collisionCount: 0,
		},
	};
}

function controllerRevisionObjects() {
	return [...S.sts.revisions].map(([name, r]) => ({
		apiVersion: 'apps/v1',
		kind: 'ControllerRevision',
		metadata: {
			name,
			namespace: NS,
			uid: stableUid(`cr/${name}`),
			creationTimestamp: iso(r.created),
			labels: { ...LABELS, 'controller.kubernetes.io/hash': name.slice(STS.length + 1) },
			ownerReferences: [
				{
					apiVersion: 'apps/v1',
					kind: 'StatefulSet',
					name: STS,
					uid: S.sts.uid,
					controller: true,
					blockOwnerDeletion: true,
				},
			],
		},
		data: {
			spec: {
				template: {
					$patch: 'replace',
					metadata: { labels: { ...LABELS } },
					spec: { containers: [etcdContainer(r.env, r.image)] },
				},
			},
		},
		revision: r.n,
	}));
}

const KIND_API = /** @type {Record<string, string>} */ ({
	StatefulSet: 'apps/v1',
	Deployment: 'apps/v1',
	Pod: 'v1',
	PersistentVolumeClaim: 'v1',
});

/** @param {KEvent} e */
function eventObject(e) {
	return {
		apiVersion: 'v1',
		kind: 'Event',
		metadata: {
			name: `${e.name}.${(BigInt(e.first) * 1000000n + BigInt(e.seq % 1000000)).toString(16)}`,
			namespace: NS,
			uid: e.uid,
			creationTimestamp: iso(e.first),
		},
		involvedObject: {
			kind: e.kind,
			namespace: NS,
			name: e.name,
			uid: e.objUid,
			apiVersion: KIND_API[e.kind] ?? 'v1',
		},
		reason: e.reason,
		message: e.message,
		source: {
			component: e.source,
			...(e.source === 'kubelet' ? { host: NODE } : {}),
		},
		firstTimestamp: iso(e.first),
		lastTimestamp: iso(e.last),
		count: e.count,
		type: e.type,
		eventTime: null,
		reportingComponent: e.source,
		reportingInstance: e.source === 'kubelet' ? NODE : '',
	};
}

function namespaceObjects() {
	return [...S.namespaces].map((n) => ({
		apiVersion: 'v1',
		kind: 'Namespace',
		metadata: {
			name: n,
			uid: stableUid(`ns/${n}`),
			creationTimestamp: iso(S.nsCreated.get(n) ?? S.created),
			labels: { 'kubernetes.io/metadata.name': n },
		},
		spec: { finalizers: ['kubernetes'] },
		status: { phase: 'Active' },
	}));
}

function nodeObject() {
	return {
		apiVersion: 'v1',
		kind: 'Node',
		metadata: {
			name: NODE,
			uid: stableUid('node'),
			creationTimestamp: iso(S.created),
			labels: {
				'kubernetes.io/arch': 'amd64',
				'kubernetes.io/hostname': NODE,
				'kubernetes.io/os': 'linux',
				'node-role.kubernetes.io/control-plane': '',
			},
		},
		spec: {},
		status: {
			conditions: [
				{
					type: 'Ready',
					status: 'True',
					reason: 'KubeletReady',
					message: 'kubelet is posting ready status',
					lastHeartbeatTime: iso(S.created),
					lastTransitionTime: iso(S.created),
				},
			],
			addresses: [
				{ type: 'InternalIP', address: '127.0.0.1' },
				{ type: 'Hostname', address: NODE },
			],
			nodeInfo: {
				kubeletVersion: 'v1.32.0',
				kubeProxyVersion: 'v1.32.0',
				osImage: 'Debian GNU/Linux 12 (bookworm)',
				containerRuntimeVersion: 'containerd://1.7.24',
				kernelVersion: '6.1.0',
				operatingSystem: 'linux',
				architecture: 'amd64',
			},
		},
	};
}

/** @param {ConfigMap} cm */
function configMapObject(cm) {
	return {
		apiVersion: 'v1',
		kind: 'ConfigMap',
		metadata: {
			name: cm.name,
			namespace: NS,
			uid: cm.uid,
			creationTimestamp: iso(cm.created),
			...(Object.keys(cm.labels).length ? { labels: { ...cm.labels } } : {}),
		},
		data: { ...cm.data },
	};
}

function serviceObjects() {
	if (S.sts.deleted) return [];
	const ports = [
		{ name: 'client', port: 2379, protocol: 'TCP', targetPort: 'client' },
		{ name: 'peer', port: 2380, protocol: 'TCP', targetPort: 'peer' },
	];
	/** @param {string} name @param {any} extra */
	const svc = (name, extra) => ({
		apiVersion: 'v1',
		kind: 'Service',
		metadata: {
			name,
			namespace: NS,
			uid: stableUid(`svc/${name}`),
			creationTimestamp: iso(S.sts.created),
			labels: { ...S.sts.labels },
			annotations: { ...S.sts.annotations },
		},
		spec: { ports, selector: { ...LABELS }, sessionAffinity: 'None', ...extra },
		status: { loadBalancer: {} },
	});
	return [
		svc(STS, { type: 'ClusterIP', clusterIP: '10.96.0.20', clusterIPs: ['10.96.0.20'] }),
		svc(`${STS}-headless`, {
			type: 'ClusterIP',
			clusterIP: 'None',
			clusterIPs: ['None'],
			publishNotReadyAddresses: true,
		}),
	];
}

// ---------------------------------------------------------------- object storage (the chart's MinIO)

const MINIO = `${spec.release}-minio`;
const MINIO_PORT = 9000;
const MINIO_IMAGE = 'minio/minio:RELEASE.2023-03-20T20-16-18Z';
/** The S3 server standing for the MinIO pods, and the 127.0.0.1 port their Service leads to. */
const objectStorage = {
	/** @type {number} */
	port: 0,
	/** @type {{ close: () => Promise<void> } | null} */
	server: null,
	created: Date.now(),
};

/** `default.yaml` as the chart's config.tpl renders its `minio:` section with the chart's values. */
function chartMinioYaml() {
	return [
		'minio:',
		`  address: ${MINIO}`,
		`  port: ${MINIO_PORT}`,
		'  accessKeyID: minioadmin',
		'  secretAccessKey: minioadmin',
		'  useSSL: false',
		'  bucketName: milvus-bucket',
		'  rootPath: file',
		'  useIAM: false',
		'  iamEndpoint: ',
		'  region: ',
		'  useVirtualHost: false',
	].join('\n');
}

function configMapObjects() {
	const os = spec.objectStorage;
	// A ConfigMap the test made itself (createCluster({ configMaps })) is the one the cluster has.
	if (!os || S.configMaps.has(`${spec.release}-milvus`)) return [];
	const user = Object.entries(os.user);
	const userYaml = user.length
		? [
				'minio:',
				...user.map(([k, v]) => `  ${k}: ${typeof v === 'string' && v === '' ? '""' : v}`),
			].join('\n')
		: '#    For example enable rest http for milvus proxy\n#    proxy:\n#      http:\n#        enabled: true';
	return [
		{
			apiVersion: 'v1',
			kind: 'ConfigMap',
			metadata: {
				name: `${spec.release}-milvus`,
				namespace: NS,
				uid: stableUid(`cm/${spec.release}-milvus`),
				creationTimestamp: iso(objectStorage.created),
				labels: { 'app.kubernetes.io/managed-by': 'Helm' },
				annotations: {
					'meta.helm.sh/release-name': spec.release,
					'meta.helm.sh/release-namespace': NS,
				},
			},
			data: {
				'default.yaml': `etcd:\n  endpoints:\n    - ${STS}:2379\n\nmetastore:\n  type: etcd\n\n${chartMinioYaml()}\n`,
				'user.yaml': userYaml,
			},
		},
	];
}

function secretObjects() {
	const os = spec.objectStorage;
	if (!os) return [];
	const b64 = (/** @type {string} */ v) => Buffer.from(v).toString('base64');
	return [
		{
			apiVersion: 'v1',
			kind: 'Secret',
			type: 'Opaque',
			metadata: {
				name: MINIO,
				namespace: NS,
				uid: stableUid(`secret/${MINIO}`),
				creationTimestamp: iso(objectStorage.created),
				labels: { app: 'minio', chart: 'minio-8.0.17', release: spec.release, heritage: 'Helm' },
			},
			data: { accesskey: b64(os.server.accessKey), secretkey: b64(os.server.secretKey) },
		},
	];
}

function minioServiceObjects() {
	if (!spec.objectStorage) return [];
	return [
		{
			apiVersion: 'v1',
			kind: 'Service',
			metadata: {
				name: MINIO,
				namespace: NS,
				uid: stableUid(`svc/${MINIO}`),
				creationTimestamp: iso(objectStorage.created),
				labels: { app: 'minio', chart: 'minio-8.0.17', release: spec.release, heritage: 'Helm' },
			},
			spec: {
				type: 'ClusterIP',
				clusterIP: '10.96.0.30',
				clusterIPs: ['10.96.0.30'],
				ports: [{ name: 'http', port: MINIO_PORT, protocol: 'TCP', targetPort: MINIO_PORT }],
				selector: { app: 'minio', release: spec.release },
				sessionAffinity: 'None',
			},
			status: { loadBalancer: {} },
		},
	];
}

/**
 * MinIO up: the S3 server listens and the pods run. Down: nothing listens behind the Service (connection
 * refused, as kube-proxy answers a Service without ready endpoints) and the pods crash-loop.
 */
async function applyObjectStorage() {
	const os = spec.objectStorage;
	if (!os) return;
	if (!objectStorage.port) objectStorage.port = await reservePort();
	if (os.server.running && !objectStorage.server)
		objectStorage.server = await serveS3(objectStorage.port, () => os.server);
	if (!os.server.running && objectStorage.server) {
		await objectStorage.server.close();
		objectStorage.server = null;
	}
	for (const pod of S.pods.values()) {
		if (pod.owner !== MINIO || pod.deleting) continue;
		if (os.server.running && pod.c.state !== 'running') crashLoop(pod, { running: true });
		else if (!os.server.running && pod.c.state === 'running') {
			crashLoop(pod, {
				exitCode: 1,
				reason: 'Error',
				restartCount: pod.c.restartCount + 1,
				logs: 'ERROR Unable to initialize backend: Unable to use the drive /export: drive not found\n',
			});
		}
	}
	kick();
}

/** Every object of the model, as the API serves it. */
function allObjects() {
	/** @type {any[]} */
	const out = [];
	for (const p of S.pods.values()) out.push(podObject(p));
	for (const p of S.pvcs.values()) {
		out.push(pvcObject(p));
		if (p.phase === 'Bound') out.push(pvObject(p));
	}
	if (!S.sts.deleted) {
		out.push(stsObject());
		out.push(...controllerRevisionObjects());
	}
	for (const d of S.deploys.values()) out.push(deployObject(d));
	for (const cm of S.configMaps.values()) out.push(configMapObject(cm));
	for (const sc of S.scs.values()) out.push(scObject(sc));
	for (const e of S.events) out.push(eventObject(e));
	out.push(...namespaceObjects(), nodeObject(), ...serviceObjects(), ...minioServiceObjects());
	out.push(...configMapObjects(), ...secretObjects());
	return out;
}

// ---------------------------------------------------------------- API server backend

/** @param {string} ns */
function requireNs(ns) {
	if (ns !== NS)
		throw new ApiError(
			403,
			'Forbidden',
			`this cluster runs workloads only in namespace "${NS}", not "${ns}"`,
		);
}

/**
 * A pod posted to the API (`kubectl run`, a helper pod): its first container, and the PVCs its volumes
 * claim, mounted where the container mounts them.
 * @param {string} ns
 * @param {any} body
 */
function createPodFromApi(ns, body) {
	requireNs(ns);
	const name = body.metadata.name;
	const podSpec = structuredClone(body.spec ?? {});
	const cs = Array.isArray(podSpec.containers) ? podSpec.containers : [];
	if (!cs.length)
		throw new ApiError(
			422,
			'Invalid',
			`Pod "${name}" is invalid: spec.containers: Required value`,
			{
				name,
				kind: 'Pod',
			},
		);
	const cont = cs[0];
	if (!cont.image)
		throw new ApiError(
			422,
			'Invalid',
			`Pod "${name}" is invalid: spec.containers[0].image: Required value`,
			{ name, kind: 'Pod' },
		);
	/** @type {Map<string, string>} */
	const claims = new Map();
	for (const v of podSpec.volumes ?? []) {
		if (v?.persistentVolumeClaim?.claimName) claims.set(v.name, v.persistentVolumeClaim.claimName);
	}
	/** @type {Pod['mounts']} */
	const mounts = [];
	for (const m of cont.volumeMounts ?? []) {
		const claim = claims.get(m.name);
		if (claim && m.mountPath)
			mounts.push({ mountPath: String(m.mountPath).replace(/\/+$/, ''), claim });
		else if (!podSpec.volumes?.some((/** @type {any} */ v) => v.name === m.name))
			throw new ApiError(
				422,
				'Invalid',
				`Pod "${name}" is invalid: spec.containers[0].volumeMounts[0].name: Not found: "${m.name}"`,
				{ name, kind: 'Pod' },
			);
	}
	createPod(
		name,
		'helper',
		-1,
		mounts[0]?.claim ?? '',
		{
			image: cont.image,
			command: [...(cont.command ?? []), ...(cont.args ?? [])],
			containerName: cont.name ?? name,
		},
		{ ...(body.metadata.labels ?? {}) },
		{ podSpec, annotations: { ...(body.metadata.annotations ?? {}) }, mounts },
	);
}

/** @type {import('./kube-api.mjs').Backend} */
const backend = {
	objects: allObjects,
	namespaces: () => S.namespaces,
	create: (r, ns, body) => {
		const name = body.metadata.name;
		switch (r.name) {
			case 'pods':
				createPodFromApi(ns, body);
				break;
			case 'persistentvolumeclaims':
				requireNs(ns);
				createPvc(name, { ...(body.metadata.labels ?? {}) }, body.spec?.storageClassName ?? null);
				break;
			case 'storageclasses':
				if (!body.provisioner)
					throw new ApiError(
						422,
						'Invalid',
						`StorageClass.storage.k8s.io "${name}" is invalid: provisioner: Required value`,
						{ name, group: 'storage.k8s.io', kind: 'StorageClass' },
					);
				S.scs.set(name, {
					name,
					created: Date.now(),
					annotations: { ...(body.metadata.annotations ?? {}) },
					labels: { ...(body.metadata.labels ?? {}) },
					provisioner: body.provisioner,
					reclaimPolicy: body.reclaimPolicy,
					volumeBindingMode: body.volumeBindingMode,
					allowVolumeExpansion: body.allowVolumeExpansion,
				});
				break;
			case 'configmaps':
				requireNs(ns);
				if (S.configMaps.has(name))
					throw new ApiError(409, 'AlreadyExists', `configmaps "${name}" already exists`, {
						name,
						kind: 'configmaps',
					});
				S.configMaps.set(name, {
					name,
					uid: randomUUID(),
					created: Date.now(),
					labels: { ...(body.metadata.labels ?? {}) },
					data: { ...(body.data ?? {}) },
				});
				break;
			case 'namespaces':
				S.namespaces.add(name);
				S.nsCreated.set(name, Date.now());
				break;
			default:
				throw new ApiError(405, 'MethodNotAllowed', `this cluster does not create ${r.name}`);
		}
		kick();
		tick();
	},
	remove: (r, ns, name, opts) => {
		switch (r.name) {
			case 'pods': {
				const pod = S.pods.get(name);
				if (!pod) throw notFound(r, name);
				const grace = opts.gracePeriodSeconds;
				deletePod(pod, grace === null || grace === undefined ? 5000 : grace * 1000);
				break;
			}
			case 'persistentvolumeclaims': {
				const pvc = S.pvcs.get(name);
				if (!pvc) throw notFound(r, name);
				if (!pvc.deleting) pvc.deleting = Date.now();
				break;
			}
			case 'statefulsets':
				if (name !== STS || S.sts.deleted) throw notFound(r, name);
				S.sts.deleted = true;
				if (opts.propagationPolicy !== 'Orphan') {
					for (const p of stsPods()) deletePod(p);
				}
				break;
			case 'storageclasses':
				if (!S.scs.delete(name)) throw notFound(r, name);
				break;
			case 'configmaps':
				if (!S.configMaps.delete(name)) throw notFound(r, name);
				break;
			case 'events': {
				const i = S.events.findIndex((e) => eventObject(e).metadata.name === name);
				if (i === -1) throw notFound(r, name);
				S.events.splice(i, 1);
				break;
			}
			default:
				throw new ApiError(405, 'MethodNotAllowed', `this cluster does not delete ${r.name}`);
		}
		kick();
		tick();
	},
	update: async (r, ns, name, next, sub) => {
		if (r.name === 'statefulsets') {
			if (name !== STS || S.sts.deleted) throw notFound(r, name);
			const replicas = next?.spec?.replicas;
			if (typeof replicas !== 'number' || replicas < 0 || !Number.isInteger(replicas))
				throw new ApiError(
					422,
					'Invalid',
					`StatefulSet.apps "${name}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`,
					{ name, group: 'apps', kind: 'StatefulSet' },
				);
			let changed = false;
			if (replicas !== S.sts.replicas) {
				await ensurePorts(replicas);
				S.sts.replicas = replicas;
				changed = true;
			}
			if (sub !== 'scale') {
				const c = (next.spec?.template?.spec?.containers ?? []).find(
					(/** @type {any} */ x) => x.name === 'etcd',
				);
				if (!c)
					throw new ApiError(
						422,
						'Invalid',
						`StatefulSet.apps "${name}" is invalid: spec.template.spec.containers: Required value`,
						{ name, group: 'apps', kind: 'StatefulSet' },
					);
				/** @type {EnvVar[]} */
				const env = (c.env ?? []).map((/** @type {any} */ e) =>
					e.valueFrom
						? { name: e.name, valueFrom: e.valueFrom }
						: { name: e.name, value: e.value ?? '' },
				);
				const image = String(c.image ?? S.sts.image);
				if (JSON.stringify([env, image]) !== JSON.stringify([S.sts.env, S.sts.image])) {
					S.sts.env = env;
					S.sts.image = image;
					S.sts.revision = revisionOf(env, image);
					changed = true;
				}
				const type = next.spec?.updateStrategy?.type === 'OnDelete' ? 'OnDelete' : 'RollingUpdate';
				if (type !== S.sts.updateStrategy) {
					S.sts.updateStrategy = type;
					changed = true;
				}
				S.sts.annotations = { ...(next.metadata?.annotations ?? {}) };
				S.sts.labels = { ...(next.metadata?.labels ?? {}) };
			}
			if (changed) S.sts.generation++;
		} else if (r.name === 'deployments') {
			const d = S.deploys.get(name);
			if (!d) throw notFound(r, name);
			const replicas = next?.spec?.replicas;
			if (typeof replicas !== 'number' || replicas < 0 || !Number.isInteger(replicas))
				throw new ApiError(
					422,
					'Invalid',
					`Deployment.apps "${name}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`,
					{ name, group: 'apps', kind: 'Deployment' },
				);
			let changed = replicas !== d.replicas;
			d.replicas = replicas;
			if (sub !== 'scale') {
				const c = (next.spec?.template?.spec?.containers ?? []).find(
					(/** @type {any} */ x) => x.name === d.component,
				);
				if (c?.image && c.image !== d.image) {
					d.image = String(c.image);
					changed = true;
				}
			}
			if (changed) d.generation++;
		} else if (r.name === 'storageclasses') {
			const sc = S.scs.get(name);
			if (!sc) throw notFound(r, name);
			sc.annotations = { ...(next.metadata?.annotations ?? {}) };
			sc.labels = { ...(next.metadata?.labels ?? {}) };
			if (next.allowVolumeExpansion !== undefined)
				sc.allowVolumeExpansion = next.allowVolumeExpansion;
		} else if (r.name === 'persistentvolumeclaims') {
			const pvc = S.pvcs.get(name);
			if (!pvc) throw notFound(r, name);
			const f = next.metadata?.finalizers;
			pvc.protection = Array.isArray(f) && f.includes('kubernetes.io/pvc-protection');
			pvc.labels = { ...(next.metadata?.labels ?? {}) };
		} else if (r.name === 'configmaps') {
			const cm = S.configMaps.get(name);
			if (!cm) throw notFound(r, name);
			cm.labels = { ...(next.metadata?.labels ?? {}) };
			cm.data = { ...(next.data ?? {}) };
		} else if (r.name === 'pods') {
			const pod = S.pods.get(name);
			if (!pod) throw notFound(r, name);
			pod.labels = { ...(next.metadata?.labels ?? {}) };
			pod.annotations = { ...(next.metadata?.annotations ?? {}) };
		} else {
			throw new ApiError(405, 'MethodNotAllowed', `this cluster does not change ${r.name}`);
		}
		kick();
		tick();
	},
	log: async (ns, name, q, res) => {
		const pod = S.pods.get(name);
		if (!pod || ns !== NS) throw notFound(/** @type {any} */ ({ name: 'pods', group: '' }), name);
		const containerName = containerNameOf(pod);
		const want = q.get('container');
		if (want && want !== containerName)
			throw badRequest(`container ${want} is not valid for pod ${pod.name}`);
		const logs = podDirs(pod).logs;
		const n = pod.c.restartCount;
		let file;
		if (q.get('previous') === 'true') {
			file = path.join(logs, `${n - 1}.log`);
			if (n === 0 || !fs.existsSync(file))
				throw badRequest(
					`previous terminated container "${containerName}" in pod "${pod.name}" not found`,
				);
		} else {
			if (!pod.nodeName || (n === 0 && pod.c.state === 'waiting'))
				throw badRequest(
					`container "${containerName}" in pod "${pod.name}" is waiting to start: ContainerCreating`,
				);
			const cur = path.join(logs, `${n}.log`);
			file = fs.existsSync(cur) ? cur : path.join(logs, `${n - 1}.log`);
		}
		let text = fs.existsSync(file) ? fs.readFileSync(file) : Buffer.alloc(0);
		const tail = q.get('tailLines');
		if (tail !== null && Number(tail) >= 0) {
			const lines = text.toString('utf8').split('\n');
			if (lines[lines.length - 1] === '') lines.pop();
			const keep = Number(tail) === 0 ? [] : lines.slice(-Number(tail));
			text = Buffer.from(keep.length ? `${keep.join('\n')}\n` : '');
		}
		res.writeHead(200, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-cache, private' });
		res.write(text);
		if (q.get('follow') !== 'true' || q.get('previous') === 'true') return void res.end();
		// Follow: stream what the container appends until it stops (the kubelet ends the stream then).
		let offset = fs.existsSync(file) ? fs.statSync(file).size : 0;
		const uid = pod.uid;
		const restarts = pod.c.restartCount;
		let closed = false;
		res.on('close', () => (closed = true));
		while (!closed) {
			await new Promise((r) => setTimeout(r, 200));
			let size = 0;
			try {
				size = fs.statSync(file).size;
			} catch {
				size = offset;
			}
			if (size > offset) {
				const fd = fs.openSync(file, 'r');
				const buf = Buffer.alloc(size - offset);
				fs.readSync(fd, buf, 0, buf.length, offset);
				fs.closeSync(fd);
				offset = size;
				res.write(buf);
			}
			const now = S.pods.get(name);
			if (!now || now.uid !== uid || now.c.restartCount !== restarts || now.c.state !== 'running')
				break;
		}
		res.end();
	},
	proxy: proxyToPod,
	upgrade: (req, socket, head, ns, name, sub, q) => {
		const pod = S.pods.get(name);
		/** @param {number} code @param {string} text */
		const refuse = (code, text) => rejectUpgrade(socket, code, text);
		if (!pod || ns !== NS) throw notFound(/** @type {any} */ ({ name: 'pods', group: '' }), name);
		const containerName = containerNameOf(pod);
		if (!pod.nodeName) return refuse(400, 'pod does not have a host assigned');
		if (sub === 'portforward') {
			if (!(pod.c.state === 'running' && !pod.deleting))
				return refuse(500, `container not found ("${containerName}")`);
			handlePortForward(req, socket, head, (port) => connectPodPort(pod, port));
			return;
		}
		const want = q.get('container') || containerName;
		if (want !== containerName || !(pod.c.state === 'running' && !pod.deleting))
			return refuse(500, `container not found ("${want}")`);
		if (sub !== 'exec') return refuse(400, 'attach is not supported by this cluster');
		const target = execTarget(pod);
		handleExec(req, socket, head, (io) => runInContainer(target, io));
	},
};

/**
 * GET through the API server's pod proxy (`kubectl get --raw …/pods/<[scheme:]name[:port]>/proxy/<path>`):
 * an etcd pod's 2379 is its member's client port. Errors read like kube-apiserver's: 404 for an unknown
 * pod, 503 "error trying to reach service" when nothing listens.
 * @param {string} ns @param {string} target @param {string} rest @param {string} search
 * @param {import('node:http').ServerResponse} res
 */
async function proxyToPod(ns, target, rest, search, res) {
	const bits = target.split(':');
	const scheme = bits.length === 3 ? bits[0] : 'http';
	const name = /** @type {string} */ (bits.length === 3 ? bits[1] : bits[0]);
	const port = Number(bits.length === 3 ? bits[2] : (bits[1] ?? 80));
	const pod = S.pods.get(name);
	if (!pod || ns !== NS) throw notFound(/** @type {any} */ ({ name: 'pods', group: '' }), name);
	const p = pod.kind === 'etcd' ? S.ports.get(pod.ordinal) : undefined;
	const local = port === 2379 ? p?.client : port === 2380 ? p?.peer : undefined;
	const unreachable = (/** @type {string} */ why) =>
		new ApiError(503, 'ServiceUnavailable', `error trying to reach service: ${why}`);
	if (!pod.nodeName || pod.c.state !== 'running' || pod.deleting || !local)
		throw unreachable(`dial tcp 127.0.0.1:${port}: connect: connection refused`);
	if (scheme !== 'http') throw unreachable('tls: first record does not look like a TLS handshake');
	/** @type {Response} */
	let answer;
	try {
		answer = await fetch(`http://127.0.0.1:${local}${rest}${search}`, {
			signal: AbortSignal.timeout(30_000),
		});
	} catch {
		throw unreachable(`dial tcp 127.0.0.1:${port}: connect: connection refused`);
	}
	const body = Buffer.from(await answer.arrayBuffer());
	res.writeHead(answer.status, {
		'Content-Type': answer.headers.get('content-type') ?? 'text/plain',
		'Content-Length': body.length,
	});
	res.end(body);
}

/** @param {Pod} pod */
function execTarget(pod) {
	const p = pod.kind === 'etcd' ? portsOf(pod.ordinal) : null;
	return {
		mounts: pod.mounts.flatMap((m) => {
			const pvc = S.pvcs.get(m.claim);
			return pvc ? [{ mountPath: m.mountPath, hostDir: pvc.hostDir }] : [];
		}),
		tmpDir: podDirs(pod).tmp,
		clientUrl: p ? `http://127.0.0.1:${p.client}` : null,
		peerUrl: p ? `http://127.0.0.1:${p.peer}` : null,
		sts: STS,
		ports: Object.fromEntries([...S.ports].map(([k, v]) => [String(k), v])),
		services: objectStorage.port
			? Object.fromEntries(
					[MINIO, `${MINIO}.${NS}`, `${MINIO}.${NS}.svc`, `${MINIO}.${NS}.svc.cluster.local`].map(
						(h) => [`${h}:${MINIO_PORT}`, `127.0.0.1:${objectStorage.port}`],
					),
				)
			: {},
	};
}

/**
 * A connection to a port of the pod: an etcd pod's 2379/2380 are its member's ports.
 * @param {Pod} pod
 * @param {number} port
 * @returns {Promise<import('node:net').Socket>}
 */
function connectPodPort(pod, port) {
	const p = pod.kind === 'etcd' ? S.ports.get(pod.ordinal) : undefined;
	const target = port === 2379 ? p?.client : port === 2380 ? p?.peer : undefined;
	return new Promise((resolve, reject) => {
		if (!target) {
			reject(
				new Error(
					`failed to connect to localhost:${port} inside namespace "${pod.uid}", IPv4: dial tcp4 127.0.0.1:${port}: connect: connection refused`,
				),
			);
			return;
		}
		const s = net.connect(target, '127.0.0.1');
		s.once('connect', () => resolve(s));
		s.once('error', reject);
	});
}

/**
 * A container state as the kubelet reports it (OOMKilled, CrashLoopBackOff, …), for pods without a process
 * of their own (Milvus, MinIO and helper pods); `logs` is what the container printed (`kubectl logs`, or
 * `--previous` once it is waiting).
 * @param {Pod} pod
 * @param {{ exitCode?: number, reason?: string, restartCount?: number, running?: boolean, ready?: boolean, waiting?: string, logs?: string, log?: string, previousLog?: string, startedAt?: string, finishedAt?: string }} b
 */
function crashLoop(pod, b) {
	const now = Date.now();
	if (b.exitCode !== undefined)
		pod.c.last = {
			exitCode: b.exitCode,
			reason: b.reason ?? (b.exitCode === 0 ? 'Completed' : 'Error'),
			startedAt: pod.c.startedAt || iso(now - 1000),
			finishedAt: typeof b.finishedAt === 'string' ? b.finishedAt : iso(now),
			containerID: `containerd://${createHash('sha256').update(`${pod.uid}/${pod.c.restartCount}`).digest('hex')}`,
		};
	if (typeof b.restartCount === 'number') pod.c.restartCount = b.restartCount;
	if (b.running) {
		pod.c.state = 'running';
		pod.c.reason = '';
		pod.c.startedAt = typeof b.startedAt === 'string' ? b.startedAt : iso(now);
		pod.c.ready = b.ready ?? true;
	} else {
		pod.c.state = 'waiting';
		pod.c.reason = b.waiting ?? 'CrashLoopBackOff';
		pod.c.ready = false;
		// The kubelet never restarts it on its own: the test decides.
		pod.c.nextStartAt = Number.MAX_SAFE_INTEGER;
		if (pod.c.reason === 'CrashLoopBackOff')
			event(
				'Pod',
				pod.name,
				'Warning',
				'BackOff',
				'kubelet',
				`Back-off restarting failed container ${containerNameOf(pod)} in pod ${pod.name}_${NS}(${pod.uid})`,
			);
	}
	// What the kubelet keeps: the last container's log (logs --previous) and the current one's.
	const logs = podDirs(pod).logs;
	if (typeof b.previousLog === 'string' && pod.c.restartCount > 0)
		fs.writeFileSync(path.join(logs, `${pod.c.restartCount - 1}.log`), b.previousLog);
	if (typeof b.log === 'string')
		fs.writeFileSync(path.join(logs, `${pod.c.restartCount}.log`), b.log);
	if (b.logs !== undefined) {
		// The file `kubectl logs` serves: the running container's, else the one that last terminated.
		const n = pod.c.state === 'running' ? pod.c.restartCount : Math.max(0, pod.c.restartCount - 1);
		fs.writeFileSync(path.join(logs, `${n}.log`), b.logs);
	}
}

// ---------------------------------------------------------------- operations (the Node API's own)

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
	// With the stand-in's own annotations (member addresses, PVC folders), which the API never shows.
	list: (b) => {
		/** @type {any[]} */
		let items = [];
		if (b.resource === 'pods')
			items = [...S.pods.values()]
				.sort((a, c) => a.name.localeCompare(c.name))
				.map((p) => podObject(p, true));
		else if (b.resource === 'statefulsets') items = S.sts.deleted ? [] : [stsObject()];
		else if (b.resource === 'persistentvolumeclaims')
			items = [...S.pvcs.values()].map((p) => pvcObject(p, true));
		else return err(`unknown resource ${b.resource}`);
		return { ok: true, items };
	},
	ports: () => ({ ok: true, ports: Object.fromEntries(S.ports) }),
	// A container's state as the kubelet reports it (OOMKilled, CrashLoopBackOff, …), for pods without a
	// process of their own (Milvus pods, helper pods).
	setContainerState: (b) => {
		const pod = S.pods.get(b.name);
		if (!pod || pod.kind === 'etcd') return err(`no Milvus or helper pod ${b.name}`);
		crashLoop(pod, b);
		kick();
		return { ok: true };
	},
	// The chart's MinIO and Milvus's `minio:` settings, changed as a scenario needs (server keys, buckets,
	// region, TLS, up or down; user.yaml keys).
	objectStorage: async (b) => {
		const os = spec.objectStorage;
		if (!os) return err('this cluster was created without objectStorage');
		if (b.server) Object.assign(os.server, b.server);
		if (b.user) os.user = { ...b.user };
		await applyObjectStorage();
		return { ok: true, port: objectStorage.port };
	},
	setImagePullable: (b) => {
		if (b.pullable) S.unpullable.delete(b.image);
		else {
			// A node that cannot pull an image and does not have it either: a new node, or one whose image
			// cache was cleaned. Pods that start there wait on the pull.
			S.unpullable.add(b.image);
			S.pulled.delete(b.image);
		}
		kick();
		return { ok: true };
	},
	pvcDir: (b) => {
		const pvc = S.pvcs.get(b.name);
		return pvc
			? { ok: true, dir: pvc.hostDir, phase: pvc.phase }
			: err(`persistentvolumeclaims "${b.name}" not found`);
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
			if (b.fault === 'oom' || b.fault === 'liveness') {
				// Killed from outside with its data intact, and killed again each time it starts: the pod stays in
				// CrashLoopBackOff with the termination and events the kubelet reports (the OOM killer's reason
				// OOMKilled; a probe kill is a bare SIGKILL after the prober's events).
				if (b.fault === 'liveness') {
					event(
						'Pod',
						pod.name,
						'Warning',
						'Unhealthy',
						'kubelet',
						'Liveness probe failed: command "/opt/bitnami/scripts/etcd/healthcheck.sh" timed out',
					);
					event(
						'Pod',
						pod.name,
						'Normal',
						'Killing',
						'kubelet',
						'Container etcd failed liveness probe, will be restarted',
					);
				}
				await killAndWait(pod);
				if (pod.c.last) {
					pod.c.last.exitCode = 137;
					pod.c.last.reason = b.fault === 'oom' ? 'OOMKilled' : 'Error';
				}
				pod.c.nextStartAt = Number.MAX_SAFE_INTEGER;
				continue;
			}
			if (b.fault === 'corrupt-data') {
				// A node going down stops its containers with SIGTERM first: etcd's graceful stop commits the
				// backend, so the db holds every acknowledged write before the WAL is broken.
				await killAndWait(pod, 'SIGTERM');
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
async function killAndWait(pod, signal = /** @type {NodeJS.Signals} */ ('SIGKILL')) {
	const rt = pod.rt;
	if (!rt) return;
	rt.aborted = true;
	for (const c of rt.children) c.kill('SIGKILL');
	rt.proc?.kill(signal);
	const forced = signal === 'SIGKILL' ? null : setTimeout(() => rt.proc?.kill('SIGKILL'), 10_000);
	await rt.exited;
	if (forced) clearTimeout(forced);
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

/** @type {ReturnType<typeof createKubeApi> | null} */
let kubeApi = null;

/**
 * The Node API's own requests (inject a fault, ports, stop): JSON in, JSON out.
 * @param {http.IncomingMessage} req
 * @param {http.ServerResponse} res
 */
function privateOp(req, res) {
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
}

/**
 * The kubeconfig kubectl reads (`KUBECONFIG`): one context naming the cluster and its namespace.
 * @param {number} port
 */
function writeKubeconfig(port) {
	const text = [
		'apiVersion: v1',
		'kind: Config',
		'clusters:',
		`- name: ${spec.context}`,
		'  cluster:',
		`    server: http://127.0.0.1:${port}`,
		'contexts:',
		`- name: ${spec.context}`,
		'  context:',
		`    cluster: ${spec.context}`,
		`    user: ${spec.context}`,
		`    namespace: ${NS}`,
		`current-context: ${spec.context}`,
		'preferences: {}',
		'users:',
		`- name: ${spec.context}`,
		'  user: {}',
		'',
	].join('\n');
	fs.writeFileSync(path.join(dir, 'kubeconfig.tmp'), text, { mode: 0o600 });
	fs.renameSync(path.join(dir, 'kubeconfig.tmp'), path.join(dir, 'kubeconfig'));
}

async function main() {
	// Ports for up to seven members up front, so the Node API can name every member synchronously.
	await ensurePorts(Math.max(spec.replicas, 7));
	S.sts.env = chartEnv();
	S.sts.revision = revisionOf(S.sts.env, S.sts.image);
	S.sts.currentRevision = S.sts.revision;
	S.scs.set('standard', {
		name: 'standard',
		created: Date.now(),
		annotations: spec.defaultStorageClass
			? { 'storageclass.kubernetes.io/is-default-class': 'true' }
			: {},
		labels: {},
		provisioner: 'rancher.io/local-path',
	});
	const components =
		spec.milvus === 'cluster'
			? [
					'proxy',
					'rootcoord',
					'querycoord',
					'datacoord',
					'indexcoord',
					'querynode',
					'datanode',
					'indexnode',
				]
			: spec.milvus === 'standalone'
				? ['standalone']
				: [];
	for (const component of components) {
		const name = `${spec.release}-milvus-${component}`;
		S.deploys.set(name, {
			name,
			uid: randomUUID(),
			component,
			created: Date.now(),
			generation: 1,
			replicas: 1,
			image: MILVUS_IMAGE,
			resources: structuredClone(spec.milvusResources?.[component] ?? {}),
		});
	}
	if (spec.objectStorage) {
		S.deploys.set(MINIO, {
			name: MINIO,
			uid: randomUUID(),
			component: 'minio',
			created: Date.now(),
			generation: 1,
			replicas: 1,
			image: MINIO_IMAGE,
			selector: { app: 'minio', release: spec.release },
			args: ['server', '/export'],
			port: MINIO_PORT,
		});
		await applyObjectStorage();
	}
	const port = await reservePort();
	const kube = createKubeApi(backend, { port: () => port });
	kubeApi = kube;
	const server = http.createServer((req, res) => {
		const url = req.url ?? '/';
		if (req.method === 'POST' && url === '/op') return void privateOp(req, res);
		void kube.handle(req, res);
	});
	server.on('upgrade', (req, socket, head) => kube.upgrade(req, socket, head));
	await new Promise((r) => server.listen(port, '127.0.0.1', () => r(null)));
	writeKubeconfig(port);
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
