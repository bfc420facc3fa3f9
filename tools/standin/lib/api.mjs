// @ts-check
/**
 * The stand-in's Node API: the contract (typedefs) first, then the implementation.
 */
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { callApi, readApiInfo, sleep } from './common.mjs';

/**
 * `bitnami-2022`: the Bitnami scripts of 2022 that keep `data/member_id` (member add on first boot,
 * `member update $(cat member_id)` on restart with data, preStop `member remove $(cat member_id)`).
 * `milvusdb-fork`: the `milvusdb/etcd` fork (no member_id, `add_self_to_cluster`, preStop does nothing).
 * @typedef {'bitnami-2022' | 'milvusdb-fork'} Generation
 */

/**
 * Faults for {@link StandinCluster.inject}. Except `kill`, a fault stops the container, changes its data and
 * starts it again at once (a node restart), so CrashLoopBackOff appears only when that restart itself fails:
 * wait for it with `waitPod(n, 'CrashLoopBackOff')` or `waitLog(n, text, { previous: true })`.
 * - `empty-member-id`: empties `/bitnami/etcd/data/member_id`; on `bitnami-2022` the restart runs
 *   `member update ""` → crash loop with `Error: bad member ID arg (strconv.ParseUint: parsing "": invalid
 *   syntax), expecting ID in Hex` (exit 128). The fork has no member_id: the pod just restarts.
 * - `corrupt-data`: stops etcd with SIGTERM (its graceful stop commits the db), then corrupts the member's WAL
 *   (`data/member/wal`) → etcd exits with `walpb: crc mismatch` on
 *   every start, CrashLoopBackOff. `member/snap/db` is left intact, so offline recovery from it works.
 * - `remove-member`: `etcdctl member remove` of the pod's member through a live member (needs quorum); the
 *   removed etcd exits and crash-loops with "the member has been permanently removed from the cluster".
 * - `kill`: SIGKILLs the etcd process once; the kubelet restarts it after the back-off.
 * - `all-down`: `corrupt-data` on every pod (the pods argument is ignored).
 * - `oom`, `liveness`: SIGKILLs etcd and keeps it down in CrashLoopBackOff with its data intact; `oom` leaves
 *   `lastState.terminated` reason `OOMKilled` (exit 137), `liveness` a bare `Error` (exit 137) after the
 *   kubelet's `Unhealthy` ("Liveness probe failed: …") and `Killing` ("Container etcd failed liveness probe,
 *   will be restarted") events.
 * @typedef {'empty-member-id' | 'corrupt-data' | 'remove-member' | 'kill' | 'all-down' | 'oom' | 'liveness'} Fault
 */

/**
 * @typedef {object} ClusterOptions
 * @property {Generation} [generation] default `bitnami-2022`
 * @property {number} [replicas] default 3
 * @property {string} [release] default `my-release` (sts `<release>-etcd`, pods `<release>-etcd-N`)
 * @property {string} [namespace] default `default`
 * @property {string} [context] default `standin`
 * @property {boolean} [defaultStorageClass] default true; false: StorageClass `standard` exists but none is
 *   default, so the PVCs stay Pending (real event texts) until one is made default
 * @property {'new' | 'existing'} [initialClusterState] the sts's `ETCD_INITIAL_CLUSTER_STATE`, default `new`
 *   (what `helm install` renders; `helm upgrade` renders `existing`)
 * @property {string} [dir] state folder; default a fresh folder under os.tmpdir(), removed by stop()
 * @property {boolean} [wait] default true: resolve only when every member is healthy (skipped when the PVCs
 *   cannot bind)
 * @property {number} [backoffMs] base crash back-off of the stand-in kubelet, default 1000 (doubles, max 8×)
 * @property {boolean} [retroactiveDefaultClass] default true (Kubernetes >= 1.28): a new default StorageClass
 *   is given to class-less Pending PVCs; false models older clusters, where such a PVC must be recreated
 * @property {'cluster' | 'standalone'} [milvus] also Milvus Deployments named as the Milvus chart names them
 *   (`<release>-milvus-standalone`, or `-proxy`, `-rootcoord`, `-querycoord`, `-datacoord`, `-indexcoord`,
 *   `-querynode`, `-datanode`, `-indexnode`), labelled `app.kubernetes.io/name=milvus`,
 *   `app.kubernetes.io/instance=<release>`, `component=<c>`, one replica each; their pods run no process
 *   and are Ready once their image is pulled; `kubectl scale`/`set image` work on them
 * @property {string[]} [unpullableImages] images the node cannot pull (ErrImagePull, ImagePullBackOff)
 * @property {string} [etcdImage] the etcd StatefulSet's image (already on the node), instead of the
 *   generation's (`docker.io/bitnami/etcd:3.5.0-debian-10-r24`, `docker.io/milvusdb/etcd:3.5.5-r2`); the
 *   start scripts stay the generation's
 * @property {ObjectStorage} [objectStorage] the chart's bundled MinIO (Deployment, Service and Secret
 *   `<release>-minio`, keys `accesskey`/`secretkey`; its pods labelled `app=minio,release=<release>`) and the
 *   ConfigMap `<release>-milvus` (`default.yaml` with the chart's `minio:` section, `user.yaml`)
 * @property {Record<string, { requests?: Record<string, string>, limits?: Record<string, string> }>} [milvusResources]
 *   the container `resources` of Milvus components, by component (`{ querynode: { limits: { memory: '8Gi' } } }`);
 *   the chart's default is none (QoS BestEffort)
 * @property {Record<string, Record<string, string>>} [configMaps] ConfigMaps of the namespace, name → data
 *   (the Milvus chart's `<release>-milvus` holds `default.yaml` and the values' `extraConfigFiles`, e.g. `user.yaml`)
 */

/**
 * The S3 side of a stand-in cluster: what MinIO runs with, and what Milvus is told in user.yaml.
 * @typedef {object} ObjectStorage
 * @property {{ accessKey?: string, secretKey?: string, buckets?: string[], region?: string, tls?: boolean, running?: boolean, denied?: string[] }} [server]
 *   default: keys `minioadmin`, bucket `milvus-bucket`, region '' (any), plain HTTP, running. `denied`:
 *   buckets the user's policy does not allow (AccessDenied). `running: false` closes the port behind the
 *   Service and crash-loops the MinIO pod
 * @property {Record<string, string | number | boolean>} [user] `minio:` keys of user.yaml, e.g.
 *   `{ bucketName: 'other' }`, over default.yaml's chart values
 */

/**
 * A container state as the kubelet reports it, for {@link StandinCluster.setContainerState}.
 * @typedef {object} ContainerState
 * @property {number} [exitCode] the last termination's exit code (lastState.terminated)
 * @property {string} [reason] its reason, e.g. `OOMKilled` (default `Error`, or `Completed` for 0)
 * @property {number} [restartCount]
 * @property {boolean} [running] running again (Ready unless `ready: false`); otherwise waiting
 * @property {boolean} [ready]
 * @property {string} [waiting] the waiting reason, default `CrashLoopBackOff`
 * @property {string} [logs] what the container printed: `kubectl logs` (running) or `--previous` (waiting)
 * @property {string} [startedAt] when the running container started (ISO), default now
 * @property {string} [finishedAt] when the last one ended (lastState.terminated.finishedAt, ISO), default now
 * @property {string} [previousLog] what `kubectl logs --previous` prints (needs restartCount > 0)
 * @property {string} [log] what `kubectl logs` prints for the current container
 */

/**
 * One `kubectl` (the real one on the env's PATH) or stand-in `docker` run.
 * @typedef {object} RunResult
 * @property {number} code exit code
 * @property {string} stdout
 * @property {string} stderr
 */

/**
 * @typedef {object} Member
 * @property {string} id hex member id as etcdctl prints it
 * @property {string} name
 * @property {string[]} peerURLs
 * @property {string[]} clientURLs
 * @property {boolean} isLearner
 */

/**
 * @typedef {object} KV
 * @property {Buffer} key
 * @property {Buffer} value
 */

/**
 * A pod as `kubectl get pods` would describe it.
 * @typedef {object} PodView
 * @property {string} name
 * @property {'Pending' | 'Running' | 'CrashLoopBackOff' | 'Error' | 'Terminating' | 'ContainerCreating' | 'Completed' | 'ErrImagePull' | 'ImagePullBackOff'} status
 *   the STATUS column
 * @property {boolean} ready
 * @property {number} restarts
 * @property {string | null} clientUrl `http://127.0.0.1:<port>` (null for helper pods)
 */

/**
 * @typedef {object} StandinCluster
 * @property {string} dir the state folder (`STANDIN_DIR`)
 * @property {NodeJS.ProcessEnv} env process.env plus `PATH` with the stand-in bin (docker) first, `STANDIN_DIR`,
 *   `KUBECONFIG` (the cluster's API server, for the real kubectl), and `MILVUS_RESCUE_STATE_DIR` inside `dir`
 * @property {Generation} generation
 * @property {string} release
 * @property {string} namespace
 * @property {string} context
 * @property {string} sts StatefulSet name, `<release>-etcd`
 * @property {(args: string[], opts?: { input?: string | Buffer, timeoutMs?: number }) => Promise<RunResult>} kubectl
 *   runs the kubectl first on `env`'s PATH against this cluster (`KUBECONFIG`); never throws on a non-zero exit
 * @property {(opts?: { timeoutMs?: number, replicas?: number }) => Promise<void>} waitHealthy
 *   resolves when `replicas` (default: the sts's spec.replicas) pods are Ready and all report one cluster id;
 *   rejects on timeout (default 60 s) with the pods' state in the message
 * @property {() => Promise<void>} settle waitHealthy, then until the members have been connected for etcd's 5 s
 *   health interval: before that etcd refuses `member remove`/`member add` with "unhealthy cluster" (and so
 *   does the 2022 preStop)
 * @property {(pod: number | string, status: PodView['status'] | 'Ready' | 'Gone', opts?: { timeoutMs?: number }) => Promise<PodView | null>} waitPod
 *   waits until the pod shows that STATUS (or is Ready / does not exist)
 * @property {() => Promise<PodView[]>} pods every pod of the namespace, helper pods included
 * @property {(pod: number | string) => string} clientUrl the member's client URL (`http://127.0.0.1:<port>`)
 * @property {(pod: number | string) => string} peerUrl
 * @property {(pod: number | string) => string} pvcDir host folder of `data-<sts>-N` (mounted at /bitnami/etcd)
 * @property {(n: number, opts?: { prefix?: string, binary?: boolean, batch?: number, endpoint?: string }) => Promise<number>} putMilvusKeys
 *   writes n Milvus-like keys (`by-dev/meta/...`, `by-dev/kv/...`; with `binary` (default true) every third
 *   value is non-UTF-8 bytes) in transactions through etcd's HTTP gateway `/v3/kv/txn`; returns how many
 *   were written; rejects if etcd refuses (e.g. no quorum)
 * @property {(key: string | Buffer, value: string | Buffer, opts?: { endpoint?: string, timeoutMs?: number }) => Promise<void>} put
 * @property {(opts?: { endpoint?: string, serializable?: boolean }) => Promise<KV[]>} dumpKeys every key/value
 *   (sorted by key bytes) from a live member (the first that answers), byte-exact. The range is linearizable
 *   (needs quorum) unless `serializable`, which reads one member's own data even without quorum
 * @property {() => Promise<string[]>} clusterIds distinct cluster ids (hex) reported by the members that
 *   answer `/v3/maintenance/status`
 * @property {(opts?: { endpoint?: string }) => Promise<Member[]>} memberList
 * @property {(fault: Fault, pods?: Array<number | string>) => Promise<void>} inject
 * @property {(pod: number | string, text: string | RegExp, opts?: { previous?: boolean, timeoutMs?: number }) => Promise<string>} waitLog
 *   waits until `kubectl logs <pod> [--previous]` contains `text`; resolves with the whole log
 * @property {(pod: string, state: ContainerState) => Promise<void>} setContainerState sets the container state of
 *   a Milvus or helper pod, e.g. `{ reason: 'OOMKilled', exitCode: 137, restartCount: 3 }` (then waiting in
 *   CrashLoopBackOff with lastState.terminated)
 * @property {(change: ObjectStorage) => Promise<void>} objectStorage changes the MinIO server (merged
 *   into its state) and replaces user.yaml's `minio:` keys, at once
 * @property {(image: string, pullable: boolean) => Promise<void>} setImagePullable whether the node can pull
 *   an image; pods waiting on it retry at their next back-off
 * @property {number} pid the supervisor's pid, which is also the process group of every etcd it runs
 * @property {() => Promise<void>} stop stops the supervisor and every etcd it started (SIGKILL to the process
 *   group if it does not exit), removes `dir` unless it was given
 */

/**
 * @typedef {object} ComposeOptions
 * @property {string} [dir]
 * @property {string} [project] compose project, default `milvus`
 */

/**
 * The docker compose standalone model: containers `milvus-etcd` (a real etcd, volume folder
 * `<dir>/volumes/etcd` mounted at `/etcd`), `milvus-minio` and `milvus-standalone` (listed only).
 * @typedef {object} StandinCompose
 * @property {string} dir
 * @property {NodeJS.ProcessEnv} env with `DOCKER_HOST=unix://<dir>/docker.sock`, the Docker Engine API stand-in
 *   that the real `docker` CLI talks to
 * @property {(args: string[], opts?: { input?: string | Buffer, timeoutMs?: number }) => Promise<RunResult>} docker
 *   runs the real `docker` CLI (from `env.PATH`) with `env`; never throws on a non-zero exit
 * @property {string} etcdUrl client URL of milvus-etcd on 127.0.0.1
 * @property {string} peerUrl its peer URL (in its log)
 * @property {number} pid the supervisor's pid and process group
 * @property {(name: 'milvus-minio' | 'milvus-standalone', state: { logs?: string, appendLogs?: string, exitCode?: number, running?: boolean }) => Promise<void>} setContainer
 *   gives a listed container the logs (`docker logs` prints them on stdout) and state a scenario needs:
 *   `exitCode` shows it `Exited (code)`, `running: true` brings it back `Up`
 * @property {(fault: 'corrupt-wal' | 'oom') => Promise<number>} inject breaks milvus-etcd and resolves with
 *   its exit code: `corrupt-wal` (its newest WAL segment overwritten; etcd exits on start, the db stays
 *   readable), `oom` (killed as the OOM killer does: exit 137, `State.OOMKilled`)
 * @property {() => Promise<void>} stop
 */

const here = path.dirname(fileURLToPath(import.meta.url));
/** @type {readonly Generation[]} */
export const GENERATIONS = Object.freeze(['bitnami-2022', 'milvusdb-fork']);
/** @type {readonly Fault[]} */
export const FAULTS = Object.freeze([
	'empty-member-id',
	'corrupt-data',
	'remove-member',
	'oom',
	'liveness',
	'kill',
	'all-down',
]);

/** @type {Set<{ stop: () => Promise<void>, pgid: number }>} */
const live = new Set();

// A test that dies without its teardown must not leave etcd behind: kill the process groups synchronously.
process.on('exit', () => {
	for (const l of live) {
		try {
			process.kill(-l.pgid, 'SIGKILL');
		} catch {
			/* already gone */
		}
	}
});

/** Stops every cluster and compose model this process started. */
export async function stopAll() {
	await Promise.all([...live].map((l) => l.stop()));
}

/**
 * @param {string} dir
 * @param {Record<string, unknown>} spec
 */
async function startSupervisor(dir, spec) {
	fs.writeFileSync(path.join(dir, 'cluster.json'), JSON.stringify(spec, null, 2));
	const child = spawn(
		process.execPath,
		[path.join(here, 'supervisor.mjs'), dir, String(process.pid)],
		{
			detached: true,
			stdio: [
				'ignore',
				fs.openSync(path.join(dir, 'supervisor.log'), 'a'),
				fs.openSync(path.join(dir, 'supervisor.log'), 'a'),
			],
		},
	);
	child.unref();
	const pgid = /** @type {number} */ (child.pid);
	const deadline = Date.now() + 20_000;
	while (!readApiInfo(dir)) {
		if (child.exitCode !== null || Date.now() > deadline) {
			let log = '';
			try {
				log = fs.readFileSync(path.join(dir, 'supervisor.log'), 'utf8');
			} catch {
				/* none */
			}
			try {
				process.kill(-pgid, 'SIGKILL');
			} catch {
				/* gone */
			}
			throw new Error(
				`stand-in supervisor did not start: ${log.trim().split('\n').slice(-5).join(' | ')}`,
			);
		}
		await sleep(50);
	}
	return { child, pgid };
}

/**
 * @param {string} dir
 * @param {number} pgid
 * @param {import('node:child_process').ChildProcess} child
 */
async function stopSupervisor(dir, pgid, child) {
	await callApi(dir, { op: 'stop' }, 5000).catch(() => null);
	const deadline = Date.now() + 5000;
	while (Date.now() < deadline && groupAlive(pgid)) await sleep(50);
	try {
		process.kill(-pgid, 'SIGKILL');
	} catch {
		/* already gone */
	}
	while (groupAlive(pgid)) await sleep(20);
	void child;
}

/** @param {number} pgid */
function groupAlive(pgid) {
	try {
		process.kill(-pgid, 0);
		return true;
	} catch {
		return false;
	}
}

/**
 * @param {string} bin
 * @param {string[]} args
 * @param {NodeJS.ProcessEnv} env
 * @param {{ input?: string | Buffer, timeoutMs?: number }} [opts]
 * @returns {Promise<RunResult>}
 */
function runTool(bin, args, env, opts = {}) {
	return new Promise((resolve) => {
		// The real kubectl and docker, found on env.PATH.
		const child = execFile(
			bin,
			args,
			{ env, timeout: opts.timeoutMs ?? 120_000, maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' },
			(err, stdout, stderr) => {
				const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
				resolve({ code, stdout: String(stdout), stderr: String(stderr) });
			},
		);
		if (opts.input !== undefined) child.stdin?.end(opts.input);
		else child.stdin?.end();
	});
}

/**
 * @param {string} dir
 * @param {Record<string, string>} extra
 */
function toolEnv(dir, extra = {}) {
	return {
		...process.env,
		PATH: process.env.PATH ?? '',
		STANDIN_DIR: dir,
		// The real docker CLI talks to the compose model's engine stand-in; a cluster has none (daemon down).
		DOCKER_HOST: `unix://${path.join(dir, 'docker.sock')}`,
		KUBECONFIG: path.join(dir, 'kubeconfig'),
		MILVUS_RESCUE_STATE_DIR: path.join(dir, 'rescue-state'),
		...extra,
	};
}

/**
 * @param {string} url
 * @param {unknown} body
 * @param {number} timeoutMs
 */
async function gateway(url, body, timeoutMs) {
	const res = await fetch(url, {
		method: 'POST',
		body: JSON.stringify(body),
		headers: { 'content-type': 'application/json' },
		signal: AbortSignal.timeout(timeoutMs),
	});
	const json = /** @type {any} */ (await res.json());
	if (!res.ok || json.error || json.code)
		throw new Error(`etcd ${url}: ${json.error ?? json.message ?? res.status}`);
	return json;
}

const b64 = (/** @type {string | Buffer} */ x) => Buffer.from(x).toString('base64');

/**
 * Milvus-like keys: `by-dev/meta/...` (protobuf-ish binary values) and `by-dev/kv/...` (text).
 * @param {number} i
 * @param {string} prefix
 * @param {boolean} binary
 */
function milvusKey(i, prefix, binary) {
	const kinds = [
		[`${prefix}/meta/root-coord/collection/${440000000000000000n + BigInt(i)}`, 'collection'],
		[
			`${prefix}/meta/datacoord-meta/s/${441000000000000000n + BigInt(i)}/1/${442000000000000000n + BigInt(i)}`,
			'segment',
		],
		[`${prefix}/kv/gid/timestamp`, 'ts'],
	];
	const [key, kind] = /** @type {[string, string]} */ (kinds[i % 3]);
	const k = kind === 'ts' ? `${prefix}/kv/session/${i}/timestamp` : key;
	if (binary && i % 3 === 0) {
		// Bytes that are not valid UTF-8 and include NUL: dumps must stay byte-exact.
		const v = Buffer.alloc(24 + (i % 17));
		for (let j = 0; j < v.length; j++) v[j] = (i * 31 + j * 7) & 0xff;
		v[0] = 0x0a;
		v[1] = 0xff;
		v[2] = 0x00;
		return { key: k, value: v };
	}
	return {
		key: k,
		value: Buffer.from(JSON.stringify({ kind, id: i, name: `c${i}`, ts: 440000000 + i })),
	};
}

/**
 * Creates a stand-in Kubernetes cluster with the Milvus chart's etcd StatefulSet.
 * @param {ClusterOptions} [options]
 * @returns {Promise<StandinCluster>}
 */
export async function createCluster(options = {}) {
	const generation = options.generation ?? 'bitnami-2022';
	if (!GENERATIONS.includes(generation)) throw new Error(`unknown generation ${generation}`);
	const release = options.release ?? 'my-release';
	const namespace = options.namespace ?? 'default';
	const context = options.context ?? 'standin';
	const replicas = options.replicas ?? 3;
	const ownDir = !options.dir;
	const dir = options.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'standin-'));
	fs.mkdirSync(dir, { recursive: true });
	const spec = {
		kind: 'k8s',
		generation,
		replicas,
		release,
		namespace,
		context,
		defaultStorageClass: options.defaultStorageClass ?? true,
		initialClusterState: options.initialClusterState ?? 'new',
		backoffMs: options.backoffMs ?? 1000,
		retroactiveDefaultClass: options.retroactiveDefaultClass ?? true,
		milvus: options.milvus ?? null,
		objectStorage: options.objectStorage
			? {
					server: {
						accessKey: 'minioadmin',
						secretKey: 'minioadmin',
						buckets: ['milvus-bucket'],
						region: '',
						tls: false,
						running: true,
						denied: [],
						...options.objectStorage.server,
					},
					user: { ...options.objectStorage.user },
				}
			: null,
		unpullableImages: options.unpullableImages ?? [],
		...(options.etcdImage ? { etcdImage: options.etcdImage } : {}),
		milvusResources: options.milvusResources ?? {},
		configMaps: options.configMaps ?? {},
		ownDir,
	};
	const { child, pgid } = await startSupervisor(dir, spec);
	const sts = `${release}-etcd`;
	const env = toolEnv(dir);
	/** @type {Record<string, { client: number, peer: number }>} */
	const ports = (await callApi(dir, { op: 'ports' })).ports;
	const ordinalOf = (/** @type {number | string} */ p) =>
		typeof p === 'number' ? p : Number(String(p).replace(/^.*-/, ''));
	const podName = (/** @type {number | string} */ p) => (typeof p === 'number' ? `${sts}-${p}` : p);
	const clientUrl = (/** @type {number | string} */ p) => {
		const x = ports[ordinalOf(p)];
		if (!x) throw new Error(`no member ${p}`);
		return `http://127.0.0.1:${x.client}`;
	};
	/** @param {string[]} args @param {{ input?: string | Buffer, timeoutMs?: number }} [opts] */
	const kubectl = (args, opts) => runTool('kubectl', args, env, opts);

	/** @returns {Promise<PodView[]>} */
	const pods = async () => {
		const r = await callApi(dir, { op: 'list', resource: 'pods', namespace });
		return r.items.map((/** @type {any} */ p) => {
			const cs = p.status.containerStatuses?.[0];
			/** @type {PodView['status']} */
			let status = p.status.phase;
			if (p.metadata.deletionTimestamp) status = 'Terminating';
			else if (cs?.state?.waiting?.reason) status = cs.state.waiting.reason;
			return {
				name: p.metadata.name,
				status,
				ready: !!cs?.ready,
				restarts: cs?.restartCount ?? 0,
				clientUrl: p.metadata.annotations?.['standin/client-url'] ?? null,
			};
		});
	};

	/** Client URLs of members whose pod is Running, etcd-0 first. */
	const liveEndpoints = async () =>
		(await pods())
			.filter((p) => p.clientUrl && p.status === 'Running')
			.map((p) => /** @type {string} */ (p.clientUrl));

	/** @param {string | undefined} endpoint */
	const endpointsFor = async (endpoint) => (endpoint ? [endpoint] : await liveEndpoints());

	const describeState = async () =>
		(await pods())
			.map((p) => `${p.name}:${p.status}${p.ready ? '/ready' : ''}(r${p.restarts})`)
			.join(' ');

	/** @type {StandinCluster['memberList']} */
	const memberList = async (opts = {}) => {
		let lastErr;
		for (const ep of await endpointsFor(opts.endpoint)) {
			try {
				const r = await gateway(`${ep}/v3/cluster/member/list`, {}, 3000);
				return (r.members ?? []).map((/** @type {any} */ m) => ({
					id: BigInt(m.ID).toString(16),
					name: m.name ?? '',
					peerURLs: m.peerURLs ?? [],
					clientURLs: m.clientURLs ?? [],
					isLearner: !!m.isLearner,
				}));
			} catch (e) {
				lastErr = e;
			}
		}
		throw new Error(
			`no member answered member list: ${lastErr instanceof Error ? lastErr.message : lastErr}`,
		);
	};

	/** @type {StandinCluster['clusterIds']} */
	const clusterIds = async () => {
		const ids = new Set();
		for (const ep of await liveEndpoints()) {
			try {
				const r = await gateway(`${ep}/v3/maintenance/status`, {}, 2000);
				ids.add(BigInt(r.header.cluster_id).toString(16));
			} catch {
				/* not answering */
			}
		}
		return [...ids].sort();
	};

	/** When waitHealthy last saw the cluster turn healthy (0: not healthy when last looked). */
	let healthySince = 0;

	/** @type {StandinCluster['waitHealthy']} */
	const waitHealthy = async (opts = {}) => {
		const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
		for (let first = true; ; first = false) {
			const want =
				opts.replicas ??
				(await callApi(dir, { op: 'list', resource: 'statefulsets', namespace })).items[0].spec
					.replicas;
			const ps = (await pods()).filter((p) => p.clientUrl);
			const ready = ps.filter((p) => p.ready && p.status === 'Running');
			if (ready.length === want && ps.length === want) {
				const ids = await clusterIds();
				if (ids.length === 1 || want === 0) {
					if (!first || !healthySince) healthySince = Date.now();
					return;
				}
			}
			if (Date.now() > deadline)
				throw new Error(
					`stand-in cluster not healthy (want ${want} ready): ${await describeState()}`,
				);
			await sleep(200);
		}
	};

	/** @type {StandinCluster['settle']} */
	const settle = async () => {
		await waitHealthy();
		const wait = healthySince + 5500 - Date.now();
		if (wait > 0) await sleep(wait);
	};

	/** @type {StandinCluster['waitPod']} */
	const waitPod = async (pod, status, opts = {}) => {
		const name = podName(pod);
		const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
		for (;;) {
			const p = (await pods()).find((x) => x.name === name) ?? null;
			if (
				status === 'Gone'
					? !p
					: p && (status === 'Ready' ? p.ready && p.status === 'Running' : p.status === status)
			)
				return p;
			if (Date.now() > deadline)
				throw new Error(`${name} not ${status} in time: ${await describeState()}`);
			await sleep(150);
		}
	};

	/** @type {StandinCluster['waitLog']} */
	const waitLog = async (pod, text, opts = {}) => {
		const name = podName(pod);
		const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
		for (;;) {
			const r = await kubectl(['logs', name, ...(opts.previous ? ['--previous'] : [])]);
			if (
				r.code === 0 &&
				(typeof text === 'string' ? r.stdout.includes(text) : text.test(r.stdout))
			)
				return r.stdout;
			if (Date.now() > deadline)
				throw new Error(
					`${name} logs${opts.previous ? ' --previous' : ''} never showed ${text}: ${await describeState()}`,
				);
			await sleep(250);
		}
	};

	/** @type {StandinCluster['put']} */
	const put = async (key, value, opts = {}) => {
		const eps = await endpointsFor(opts.endpoint);
		const ep = eps[0];
		if (!ep) throw new Error('no running etcd member');
		await gateway(`${ep}/v3/kv/put`, { key: b64(key), value: b64(value) }, opts.timeoutMs ?? 5000);
	};

	/** @type {StandinCluster['putMilvusKeys']} */
	const putMilvusKeys = async (n, opts = {}) => {
		const prefix = opts.prefix ?? 'by-dev';
		const batch = Math.min(opts.batch ?? 100, 128);
		const eps = await endpointsFor(opts.endpoint);
		const ep = eps[0];
		if (!ep) throw new Error('no running etcd member');
		let written = 0;
		for (let start = 0; start < n; start += batch) {
			const success = [];
			for (let i = start; i < Math.min(n, start + batch); i++) {
				const { key, value } = milvusKey(i, prefix, opts.binary ?? true);
				success.push({ request_put: { key: b64(key), value: b64(value) } });
			}
			await gateway(`${ep}/v3/kv/txn`, { success }, 5000);
			written += success.length;
		}
		return written;
	};

	/** @type {StandinCluster['dumpKeys']} */
	const dumpKeys = async (opts = {}) => {
		let lastErr;
		for (const ep of await endpointsFor(opts.endpoint)) {
			try {
				const r = await gateway(
					`${ep}/v3/kv/range`,
					{ key: b64('\0'), range_end: b64('\0'), serializable: !!opts.serializable },
					5000,
				);
				const kvs = (r.kvs ?? []).map((/** @type {any} */ kv) => ({
					key: Buffer.from(kv.key ?? '', 'base64'),
					value: Buffer.from(kv.value ?? '', 'base64'),
				}));
				return kvs.sort((/** @type {KV} */ a, /** @type {KV} */ b) => Buffer.compare(a.key, b.key));
			} catch (e) {
				lastErr = e;
			}
		}
		throw new Error(
			`no member answered a range: ${lastErr instanceof Error ? lastErr.message : lastErr}`,
		);
	};

	/** @type {StandinCluster['inject']} */
	const inject = async (fault, which = []) => {
		if (!FAULTS.includes(fault)) throw new Error(`unknown fault ${fault}`);
		let names = which.map(podName);
		let f = fault;
		if (fault === 'all-down') {
			names = (await pods()).filter((p) => p.clientUrl).map((p) => p.name);
			f = 'corrupt-data';
		}
		const r = await callApi(dir, { op: 'inject', fault: f, pods: names });
		if (!r.ok) throw new Error(r.error);
	};

	let stopped = false;
	const handle = {
		pgid,
		stop: async () => {
			if (stopped) return;
			stopped = true;
			live.delete(handle);
			await stopSupervisor(dir, pgid, child);
			if (ownDir) fs.rmSync(dir, { recursive: true, force: true });
		},
	};
	live.add(handle);

	/** @type {StandinCluster} */
	const cluster = {
		dir,
		env,
		generation,
		release,
		namespace,
		context,
		sts,
		kubectl,
		waitHealthy,
		settle,
		waitPod,
		pods,
		clientUrl,
		peerUrl: (p) => {
			const x = ports[ordinalOf(p)];
			if (!x) throw new Error(`no member ${p}`);
			return `http://127.0.0.1:${x.peer}`;
		},
		pvcDir: (p) => {
			const st = JSON.parse(fs.readFileSync(path.join(dir, 'state.json'), 'utf8'));
			const pvc = st.pvcs.find((/** @type {any} */ x) => x.name === `data-${podName(p)}`);
			if (!pvc) throw new Error(`no PVC data-${podName(p)}`);
			return pvc.hostDir;
		},
		putMilvusKeys,
		put,
		dumpKeys,
		clusterIds,
		memberList,
		inject,
		waitLog,
		setContainerState: async (pod, state) => {
			const r = await callApi(dir, { op: 'setContainerState', name: pod, ...state });
			if (!r.ok) throw new Error(r.error);
		},
		objectStorage: async (change) => {
			const r = await callApi(dir, { op: 'objectStorage', ...change });
			if (!r.ok) throw new Error(r.error);
		},
		setImagePullable: async (image, pullable) => {
			const r = await callApi(dir, { op: 'setImagePullable', image, pullable });
			if (!r.ok) throw new Error(r.error);
		},
		pid: pgid,
		stop: handle.stop,
	};
	if ((options.wait ?? true) && (options.defaultStorageClass ?? true) && replicas > 0) {
		try {
			await waitHealthy({ timeoutMs: 60_000 });
		} catch (e) {
			await handle.stop();
			throw e;
		}
	}
	return cluster;
}

/**
 * Creates the docker compose standalone model.
 * @param {ComposeOptions} [options]
 * @returns {Promise<StandinCompose>}
 */
export async function createCompose(options = {}) {
	const ownDir = !options.dir;
	const dir = options.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'standin-compose-'));
	fs.mkdirSync(dir, { recursive: true });
	const { child, pgid } = await startSupervisor(dir, {
		kind: 'compose',
		project: options.project ?? 'milvus',
		ownDir,
	});
	const env = toolEnv(dir);
	const info = await callApi(dir, { op: 'info' });
	let stopped = false;
	const handle = {
		pgid,
		stop: async () => {
			if (stopped) return;
			stopped = true;
			live.delete(handle);
			await stopSupervisor(dir, pgid, child);
			if (ownDir) fs.rmSync(dir, { recursive: true, force: true });
		},
	};
	live.add(handle);
	const deadline = Date.now() + 30_000;
	for (;;) {
		try {
			const res = await fetch(`${info.etcdUrl}/health`, { signal: AbortSignal.timeout(1000) });
			const body = /** @type {any} */ (await res.json());
			if (body.health === 'true') break;
		} catch {
			/* starting */
		}
		if (Date.now() > deadline) {
			await handle.stop();
			throw new Error('milvus-etcd did not become healthy');
		}
		await sleep(100);
	}
	return {
		dir,
		env,
		etcdUrl: info.etcdUrl,
		peerUrl: info.peerUrl,
		pid: pgid,
		setContainer: async (name, state) => {
			const r = await callApi(dir, { op: 'set', name, ...state });
			if (!r.ok) throw new Error(r.error);
		},
		inject: async (fault) => {
			const r = await callApi(dir, { op: 'fault', fault });
			if (!r.ok) throw new Error(r.error);
			return Number(r.exitCode);
		},
		// the real docker CLI, found on env.PATH
		docker: (args, opts) => runTool('docker', args, env, opts),
		stop: handle.stop,
	};
}
