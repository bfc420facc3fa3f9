/**
 * How each runbook's symptom is produced for its recording: the etcd runbooks against a stand-in cluster
 * broken the way their page describes (same faults as their tests), the diagnostic runbooks against the
 * fixtures of test/diagnostics. A scenario sets up, names the arguments, and tears down.
 */
import {
	copyFileSync,
	existsSync,
	mkdirSync,
	mkdtempSync,
	readFileSync,
	rmSync,
	symlinkSync,
	writeFileSync,
} from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCluster, createCompose } from '../standin/index.mjs';
import { etcdHttp } from '../../runbooks/lib/etcd-http.mjs';
import type { ClusterOptions, StandinCluster } from '../standin/index.mjs';
import {
	loadScenario,
	scenarioFromSpec,
	serveDockerEngine,
} from '../../tools/standin/lib/docker-engine.mjs';

export const ROOT = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));
const DIAG_FIXTURES = path.join(ROOT, 'test', 'diagnostics', 'fixtures');

export type Lang = 'en' | 'id';

export interface Prepared {
	cwd: string;
	env: NodeJS.ProcessEnv;
	/** arguments the recording shows at its prompt (what a user types) */
	shownArgs: string[];
	/** arguments that only point the run at the test cluster's ports; their values equal the defaults
	 *  once `replace` has been applied, so the recording does not show them */
	hiddenArgs: string[];
	/** literal text → what the recording shows instead (ports, temp folders) */
	replace: [string, string][];
	teardown: () => Promise<void>;
}

export interface Scenario {
	runbook: string;
	/** what the scenario breaks, for the recorder's progress lines */
	about: string;
	/** stand-in clusters are heavy: the recorder runs at most a few at once */
	heavy: boolean;
	/**
	 * Why a re-recording does not yet reproduce this recording text for text (figures that come from the
	 * run itself: a revision to compact at, WAL read errors). test/recordings/reproduce.test.ts lists these.
	 */
	notReproducible?: string;
	prepare: (lang: Lang) => Promise<Prepared>;
}

const baseEnv = (): NodeJS.ProcessEnv => {
	const env: NodeJS.ProcessEnv = {
		...process.env,
		TERM: 'xterm-256color',
		COLUMNS: '100',
		LINES: '32',
	};
	// Colours come from the pty; anything forcing them off (or on) here would not be what a user sees.
	delete env.NO_COLOR;
	delete env.FORCE_COLOR;
	delete env.MILVUS_RESCUE_ASSUME_TTY;
	delete env.MILVUS_RESCUE_DEBUG;
	return env;
};

function tempDir(prefix: string): { dir: string; remove: () => void } {
	const dir = mkdtempSync(path.join(tmpdir(), `mr-rec-${prefix}-`));
	return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Clusters are created with a fixed release/namespace/context so the output names what the pages name. */
async function clusterScenario(
	lang: Lang,
	generation: 'bitnami-2022' | 'milvusdb-fork',
	breakIt: (c: StandinCluster) => Promise<void>,
	opts: {
		defaultStorageClass?: boolean;
		keys?: number;
		shownArgs?: string[];
		hiddenArgs?: string[];
		/** Milvus Deployments beside etcd, as the Helm chart installs them */
		milvus?: 'cluster' | 'standalone';
		/** the etcd StatefulSet's image, instead of the generation's */
		etcdImage?: string;
		/** the chart's MinIO and the ConfigMap Milvus reads */
		objectStorage?: ClusterOptions['objectStorage'];
		/** the Milvus containers' resources and the namespace's ConfigMaps */
		milvusSetup?: Pick<ClusterOptions, 'milvusResources' | 'configMaps'>;
	} = {},
): Promise<Prepared> {
	const work = tempDir('work');
	const c = await createCluster({
		generation,
		// What a reader sees in every pinned command: a context named like a user's, not the tool's.
		context: 'demo',
		...(opts.milvus ? { milvus: opts.milvus } : {}),
		...(opts.etcdImage ? { etcdImage: opts.etcdImage } : {}),
		...(opts.objectStorage ? { objectStorage: opts.objectStorage } : {}),
		...opts.milvusSetup,
		defaultStorageClass: opts.defaultStorageClass ?? true,
		wait: opts.defaultStorageClass !== false,
		// A crashed container is not restarted by itself while the runbook runs: otherwise whether a step
		// finds its work already done, and the RESTARTS column, would depend on the back-off's timing.
		backoffMs: 45_000,
	});
	try {
		if (opts.keys) {
			await c.putMilvusKeys(opts.keys);
			// etcd commits its bbolt file in batches (every 100 ms); give every member time to hold every key
			// on disk before a fault hits, or which copy is newest would change from run to run.
			await new Promise((r) => setTimeout(r, 2000));
		}
		await breakIt(c);
	} catch (e) {
		await c.stop();
		work.remove();
		throw e;
	}
	// Same length as the stand-in's node name, so that `-o wide` tables keep their columns.
	const replace: [string, string][] = [
		[c.dir, '/tmp/demo-cluster'],
		['standin-node', 'demo-node-01'],
	];
	for (let i = 0; i < 3; i++) {
		const pod = `my-release-etcd-${i}`;
		const host = `${pod}.my-release-etcd-headless.default.svc.cluster.local`;
		try {
			replace.push([c.clientUrl(i).replace(/^http:\/\//, ''), `${host}:2379`]);
			replace.push([c.peerUrl(i).replace(/^http:\/\//, ''), `${host}:2380`]);
		} catch {
			// fewer members
		}
	}
	replace.push([work.dir, '~']);
	return {
		cwd: work.dir,
		env: {
			...baseEnv(),
			...c.env,
			HOME: work.dir,
			LANG: lang === 'id' ? 'id_ID.UTF-8' : 'en_US.UTF-8',
		},
		shownArgs: opts.shownArgs ?? [],
		hiddenArgs: opts.hiddenArgs ?? [],
		replace,
		teardown: async () => {
			await c.stop();
			work.remove();
		},
	};
}

/** Real listeners on 127.0.0.1 for the proxy's gRPC port and /healthz (closed ones for a dead proxy). */
async function listener(
	kind: 'grpc' | 'healthz' | 'closed',
): Promise<{ port: number; close: () => Promise<void> }> {
	const sockets = new Set<Socket>();
	const server: Server | ReturnType<typeof createHttpServer> =
		kind === 'healthz'
			? createHttpServer((req, res) => {
					res.writeHead(req.url === '/healthz' ? 200 : 404, { 'Content-Type': 'text/plain' });
					res.end(req.url === '/healthz' ? 'OK' : '404 page not found');
				})
			: createTcpServer((s) => {
					sockets.add(s);
					s.on('close', () => sockets.delete(s));
					s.on('error', () => {});
				});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => resolve());
	});
	const address = server.address();
	const port = typeof address === 'object' && address ? address.port : 0;
	const close = () =>
		new Promise<void>((resolve) => {
			for (const s of sockets) s.destroy();
			if ('closeAllConnections' in server) server.closeAllConnections();
			server.close(() => resolve());
		});
	if (kind === 'closed') await close();
	return { port, close };
}

/**
 * The diagnostics fixture's containers (`<scenario>/engine/containers.json`, none without a scenario) served
 * by the Docker Engine API stand-in on a socket in `dir`, for the real docker CLI.
 */
async function diagDockerEngine(
	scenario: string | null,
	dir: string,
): Promise<{ host: string; close: () => Promise<void> }> {
	const socketPath = path.join(dir, '.docker.sock');
	const file = scenario
		? path.join(DIAG_FIXTURES, 'scenarios', scenario, 'engine', 'containers.json')
		: null;
	const sc = file && existsSync(file) ? loadScenario(file) : scenarioFromSpec({ containers: [] });
	if (sc.daemonDown) return { host: `unix://${socketPath}`, close: async () => {} };
	const engine = await serveDockerEngine({ socketPath, backend: sc.backend });
	return { host: engine.host, close: engine.close };
}

/** PATH with the diagnostics fixtures' pip/…, the real docker CLI, node and bash, nothing else (no kubectl). */
function diagEnv(lang: Lang, scenario: string | null, dir: string): NodeJS.ProcessEnv {
	const bin = path.join(dir, '.bin');
	mkdirSync(bin);
	symlinkSync(process.execPath, path.join(bin, 'node'));
	const docker = (process.env.PATH ?? '')
		.split(path.delimiter)
		.map((d) => path.join(d, 'docker'))
		.find((f) => path.isAbsolute(f) && existsSync(f));
	if (docker) symlinkSync(docker, path.join(bin, 'docker'));
	const bash = ['/usr/bin/bash', '/bin/bash'].find((p) => existsSync(p));
	if (bash) symlinkSync(bash, path.join(bin, 'bash'));
	for (const tool of ['stty', 'script'])
		for (const d of ['/usr/bin', '/bin'])
			if (existsSync(path.join(d, tool)) && !existsSync(path.join(bin, tool)))
				symlinkSync(path.join(d, tool), path.join(bin, tool));
	return {
		...baseEnv(),
		PATH: `${path.join(DIAG_FIXTURES, 'bin')}${path.delimiter}${bin}`,
		HOME: dir,
		LANG: lang === 'id' ? 'id_ID.UTF-8' : 'en_US.UTF-8',
		MILVUS_RESCUE_STATE_DIR: path.join(dir, '.state'),
		DIAG_CALLS: path.join(dir, '.calls.jsonl'),
		...(scenario ? { DIAG_SCENARIO: path.join(DIAG_FIXTURES, 'scenarios', scenario) } : {}),
	};
}

async function proxyScenario(
	lang: Lang,
	scenario: string | null,
	proxy: 'up' | 'down',
	shownArgs: string[],
	hidden: (grpc: number, health: number) => string[],
	setup?: (dir: string) => void,
): Promise<Prepared> {
	const work = tempDir('diag');
	const grpc = await listener(proxy === 'up' ? 'grpc' : 'closed');
	const health = await listener(proxy === 'up' ? 'healthz' : 'closed');
	const engine = await diagDockerEngine(scenario, work.dir);
	setup?.(work.dir);
	return {
		cwd: work.dir,
		env: { ...diagEnv(lang, scenario, work.dir), DOCKER_HOST: engine.host },
		shownArgs,
		hiddenArgs: hidden(grpc.port, health.port),
		replace: [
			[`:${grpc.port}`, ':19530'],
			[` ${grpc.port}`, ' 19530'],
			[`:${health.port}`, ':9091'],
			[` ${health.port}`, ' 9091'],
			[work.dir, '~/my-rag-app'],
		],
		teardown: async () => {
			await grpc.close();
			await health.close();
			await engine.close();
			work.remove();
		},
	};
}

const MILVUS_LOG = [
	'[2024/06/03 08:14:02.790 +00:00] [INFO] [etcd/etcd_util.go:52] ["create etcd client"] [endpoints="[etcd:2379]"]',
	'[2024/06/03 08:14:03.100 +00:00] [WARN] [grpcclient/client.go:209] ["failed to get client address"] [error="find no available rootcoord, check rootcoord state"]',
	'panic: failed to create etcd client: context deadline exceeded',
	'{"level":"panic","ts":"2024-06-03T08:10:51.402Z","caller":"etcdserver/server.go:515","msg":"failed to recover v3 backend from snapshot","error":"failed to find database snapshot file (snap: snapshot file doesn\'t exist)"}',
	'',
].join('\n');

/** The Milvus pods of a stand-in cluster, once every one of them is ready (what a healthy release shows). */
async function readyMilvusPods(c: StandinCluster): Promise<{ name: string; component: string }[]> {
	const deadline = Date.now() + 90_000;
	for (;;) {
		const r = await c.kubectl(['get', 'pods', '-l', 'app.kubernetes.io/name=milvus', '-o', 'json']);
		if (r.code !== 0) throw new Error(`kubectl get pods: ${r.stderr}`);
		const items = (
			JSON.parse(r.stdout) as {
				items: {
					metadata: { name: string; labels: Record<string, string> };
					status: { containerStatuses?: { ready: boolean }[] };
				}[];
			}
		).items;
		if (items.length > 0 && items.every((p) => p.status.containerStatuses?.every((s) => s.ready)))
			return items.map((p) => ({
				name: p.metadata.name,
				component: p.metadata.labels.component ?? '',
			}));
		if (Date.now() > deadline) throw new Error('the Milvus pods never became ready');
		await new Promise((r) => setTimeout(r, 300));
	}
}

/** `kubectl set image` on one Milvus component's Deployment (the chart names its container after it). */
async function setMilvusImage(c: StandinCluster, component: string, image: string): Promise<void> {
	const r = await c.kubectl([
		'set',
		'image',
		`deployment/my-release-milvus-${component}`,
		`${component}=${image}`,
	]);
	if (r.code !== 0) throw new Error(`kubectl set image ${component}: ${r.stderr}`);
}

const MILVUS_FIXTURES = path.join(ROOT, 'test', 'milvus-runbooks', 'fixtures');
const milvusFixture = (name: string): string =>
	readFileSync(path.join(MILVUS_FIXTURES, name), 'utf8');

/** The Milvus pod of one component, ready. */
async function milvusPod(c: StandinCluster, component: string): Promise<string> {
	const pod = (await readyMilvusPods(c)).find((p) => p.component === component);
	if (!pod) throw new Error(`the stand-in has no ${component} pod`);
	return pod.name;
}

const MILVUS_SCENARIOS: Record<string, Scenario> = {
	'object-storage': {
		runbook: 'object-storage',
		about:
			'bucketName misspelt in user.yaml: the data node crash-loops on "The specified bucket does not exist"',
		heavy: true,
		prepare: (lang) =>
			clusterScenario(
				lang,
				'milvusdb-fork',
				async (c) => {
					const datanode = (await readyMilvusPods(c)).find((p) => p.component === 'datanode');
					if (!datanode) throw new Error('the stand-in has no datanode pod');
					await c.setContainerState(datanode.name, {
						exitCode: 1,
						restartCount: 4,
						logs: [
							'[2025/04/14 09:12:03.402 +00:00] [INFO] [datanode/service.go:287] ["DataNode server initializing"]',
							'[2025/04/14 09:12:03.511 +00:00] [WARN] [storage/minio_chunk_manager.go:115] ["failed to check blob bucket exist"] [bucket=milvus-bukcet] [error="The specified bucket does not exist"]',
							'[2025/04/14 09:12:03.511 +00:00] [WARN] [retry/retry.go:46] ["retry func failed"] [retried=0] [error="The specified bucket does not exist"]',
							'panic: The specified bucket does not exist',
							'',
						].join('\n'),
					});
				},
				{ milvus: 'cluster', objectStorage: { user: { bucketName: 'milvus-bukcet' } } },
			),
	},
	'querynode-oom': {
		runbook: 'querynode-oom',
		about: 'the query node OOMKilled 4 times at an 8Gi limit with a 4Gi request, crash-looping',
		heavy: true,
		prepare: (lang) =>
			clusterScenario(
				lang,
				'milvusdb-fork',
				async (c) => {
					await c.setContainerState(await milvusPod(c, 'querynode'), {
						reason: 'OOMKilled',
						exitCode: 137,
						restartCount: 4,
						previousLog: milvusFixture('querynode-oomkilled.previous.log'),
					});
				},
				{
					milvus: 'cluster',
					milvusSetup: {
						milvusResources: {
							querynode: { requests: { memory: '4Gi' }, limits: { memory: '8Gi' } },
						},
						configMaps: {
							'my-release-milvus': { 'default.yaml': milvusFixture('chart-default.yaml') },
						},
					},
				},
			),
	},
	'write-denied': {
		runbook: 'write-denied',
		about:
			'inserts denied with code 53 while the quota center logs a query node above its water level',
		heavy: true,
		prepare: (lang) =>
			clusterScenario(
				lang,
				'milvusdb-fork',
				async (c) => {
					await c.setContainerState(await milvusPod(c, 'rootcoord'), {
						running: true,
						log: milvusFixture('rootcoord-memory.log'),
					});
				},
				{
					milvus: 'cluster',
					shownArgs: [
						'--error',
						'deny to write, reason: memory quota exhausted, please allocate more resources',
					],
					milvusSetup: {
						configMaps: {
							'my-release-milvus': {
								'default.yaml': milvusFixture('chart-default.yaml'),
								'user.yaml':
									'quotaAndLimits:\n  limitWriting:\n    memProtection:\n      queryNodeMemoryHighWaterLevel: 0.9\n',
							},
						},
					},
				},
			),
	},
	'channel-unavailable': {
		runbook: 'channel-unavailable',
		about: 'the query node OOMKilled and crash-looping, every other Milvus component ready',
		heavy: true,
		prepare: (lang) =>
			clusterScenario(
				lang,
				'milvusdb-fork',
				async (c) => {
					const querynode = (await readyMilvusPods(c)).find((p) => p.component === 'querynode');
					if (!querynode) throw new Error('the stand-in has no querynode pod');
					await c.setContainerState(querynode.name, {
						reason: 'OOMKilled',
						exitCode: 137,
						restartCount: 3,
					});
				},
				{ milvus: 'cluster' },
			),
	},
	'upgrade-2-6': {
		runbook: 'upgrade-2-6',
		about: 'a 2.5.4 release whose query node and root coordinator were moved to 2.6.3 directly',
		heavy: true,
		prepare: (lang) =>
			clusterScenario(
				lang,
				'milvusdb-fork',
				async (c) => {
					await readyMilvusPods(c);
					for (const component of [
						'proxy',
						'rootcoord',
						'querycoord',
						'datacoord',
						'indexcoord',
						'querynode',
						'datanode',
						'indexnode',
					])
						await setMilvusImage(c, component, 'milvusdb/milvus:v2.5.4');
					await setMilvusImage(c, 'querynode', 'milvusdb/milvus:v2.6.3');
					await setMilvusImage(c, 'rootcoord', 'milvusdb/milvus:v2.6.3');
				},
				{ milvus: 'cluster' },
			),
	},
};

export const SCENARIOS: Record<string, Scenario> = {
	boot: {
		runbook: 'boot',
		about: 'docker compose standalone whose etcd crashed (fixture compose-etcd-crash)',
		heavy: false,
		prepare: (lang) =>
			proxyScenario(lang, 'compose-etcd-crash', 'down', [], (g, h) => [
				'--grpc-port',
				String(g),
				'--health-port',
				String(h),
			]),
	},
	'runtime-compat': {
		runbook: 'runtime-compat',
		about: 'server 2.2.8 and pymilvus 2.4.1 (fixture compose-old-server)',
		heavy: false,
		prepare: (lang) =>
			proxyScenario(lang, 'compose-old-server', 'up', [], (g) => ['--uri', `127.0.0.1:${g}`]),
	},
	'api-errors': {
		runbook: 'api-errors',
		about: 'a reachable proxy and the error "collection not loaded"',
		heavy: false,
		prepare: (lang) =>
			proxyScenario(lang, null, 'up', ['--error', 'collection not loaded'], (g, h) => [
				'--grpc-port',
				String(g),
				'--health-port',
				String(h),
			]),
	},
	diagnose: {
		runbook: 'diagnose',
		about: 'a Milvus log with an etcd crash and the etcd-client panic',
		heavy: false,
		prepare: (lang) =>
			proxyScenario(
				lang,
				null,
				'up',
				['--file', 'milvus.log'],
				() => [],
				(dir) => writeFileSync(path.join(dir, 'milvus.log'), MILVUS_LOG),
			),
	},
	'etcd-pending': {
		runbook: 'etcd-pending',
		about: 'fresh install without a default StorageClass: every etcd pod Pending',
		heavy: true,
		prepare: (lang) =>
			clusterScenario(
				lang,
				'bitnami-2022',
				async (c) => {
					await c.waitPod(0, 'Pending');
				},
				{ defaultStorageClass: false },
			),
	},
	'etcd-bad-member-id': {
		runbook: 'etcd-bad-member-id',
		about: 'bitnami-2022 scripts, empty member_id on my-release-etcd-1',
		heavy: true,
		prepare: (lang) =>
			clusterScenario(
				lang,
				'bitnami-2022',
				async (c) => {
					await c.inject('empty-member-id', [1]);
					await c.waitPod(1, 'CrashLoopBackOff', { timeoutMs: 90_000 });
				},
				{ keys: 300 },
			),
	},
	'etcd-multi-crash': {
		runbook: 'etcd-multi-crash',
		about: 'my-release-etcd-1 and -2 crash-looping on a corrupt WAL, etcd-0 running',
		heavy: true,
		prepare: (lang) =>
			clusterScenario(
				lang,
				'milvusdb-fork',
				async (c) => {
					await c.inject('corrupt-data', [1, 2]);
					await c.waitPod(1, 'CrashLoopBackOff', { timeoutMs: 90_000 });
					await c.waitPod(2, 'CrashLoopBackOff', { timeoutMs: 90_000 });
				},
				{ keys: 300 },
			),
	},
	'etcd-all-crash': {
		runbook: 'etcd-all-crash',
		notReproducible: 'the members’ WAL read errors and db index depend on when the fault hit',
		about: 'every member crash-looping on a corrupt WAL',
		heavy: true,
		prepare: async (lang) => {
			const { reservePort } = await import('../standin/lib/common.mjs');
			const port = await reservePort();
			const p = await clusterScenario(
				lang,
				'milvusdb-fork',
				async (c) => {
					await c.inject('all-down');
					for (let i = 0; i < 3; i++) await c.waitPod(i, 'CrashLoopBackOff', { timeoutMs: 90_000 });
				},
				{ keys: 300, hiddenArgs: ['--local-port', String(port)] },
			);
			p.replace.push(
				[`127.0.0.1:${port}`, '127.0.0.1:2379'],
				[`${port}:2379`, '2379:2379'],
				[`--local-port ${port}`, ''],
			);
			return p;
		},
	},
	'etcd-nospace': {
		runbook: 'etcd-nospace',
		notReproducible:
			'the revision to compact at and which members raised the alarm depend on timing',
		about: 'a 16 MiB quota filled by rewriting one key: NOSPACE alarm, every write refused',
		heavy: true,
		prepare: (lang) =>
			clusterScenario(
				lang,
				'milvusdb-fork',
				async (c) => {
					// The chart's extraEnvVars route, shrunk so that a few MiB of history fill it.
					const set = await c.kubectl([
						'set',
						'env',
						`sts/${c.sts}`,
						`ETCD_QUOTA_BACKEND_BYTES=${16 * 1024 * 1024}`,
					]);
					if (set.code !== 0) throw new Error(`kubectl set env: ${set.stderr}`);
					const rollout = await c.kubectl(['rollout', 'status', `sts/${c.sts}`, '--timeout=180s']);
					if (rollout.code !== 0) throw new Error(`kubectl rollout status: ${rollout.stderr}`);
					await c.waitHealthy({ timeoutMs: 90_000 });
					const value = Buffer.alloc(512 * 1024, 'x');
					for (let i = 0; ; i++) {
						if (i >= 400) throw new Error('etcd never reported database space exceeded');
						value.write(String(i).padStart(8, '0'));
						try {
							await c.put('by-dev/kv/gid/filler', value, { timeoutMs: 30_000 });
						} catch (e) {
							if (String(e).includes('database space exceeded')) break;
							throw e;
						}
					}
				},
				{ keys: 300 },
			),
	},
	'etcd-slow-disk': {
		runbook: 'etcd-slow-disk',
		// The stand-in's etcd writes to a local disk that is never slow on purpose: the recording judges the
		// recorded /metrics of a slow member and a fast one, saved as an operator saves them with curl.
		about: 'saved /metrics of a member on a slow shared disk (p99 fsync ~80 ms) and of a fast one',
		heavy: false,
		prepare: async (lang) => {
			const work = tempDir('work');
			const fixtures = path.join(ROOT, 'test', 'etcd-runbooks', 'fixtures');
			copyFileSync(
				path.join(fixtures, 'metrics-slow-disk.txt'),
				path.join(work.dir, 'my-release-etcd-0.txt'),
			);
			copyFileSync(
				path.join(fixtures, 'metrics-fast-disk.txt'),
				path.join(work.dir, 'my-release-etcd-1.txt'),
			);
			return {
				cwd: work.dir,
				env: {
					...baseEnv(),
					HOME: work.dir,
					LANG: lang === 'id' ? 'id_ID.UTF-8' : 'en_US.UTF-8',
				},
				shownArgs: ['--metrics-file', 'my-release-etcd-0.txt,my-release-etcd-1.txt'],
				hiddenArgs: [],
				replace: [[work.dir, '~']],
				teardown: async () => work.remove(),
			};
		},
	},
	'etcd-image-pull': {
		runbook: 'etcd-image-pull',
		about:
			'the Bitnami etcd image gone from the registry and the node: all three pods in ErrImagePull',
		heavy: true,
		prepare: (lang) =>
			clusterScenario(
				lang,
				// The fork's scripts leave the member list alone when a pod is deleted, as the chart's newer ones do.
				'milvusdb-fork',
				async (c) => {
					const image = 'docker.io/bitnami/etcd:3.5.18-debian-12-r5';
					// A node without the image (replaced, or its cache cleaned) and a tag Docker Hub no longer has.
					await c.setImagePullable(image, false);
					const del = await c.kubectl([
						'delete',
						'pod',
						'-l',
						'app.kubernetes.io/name=etcd',
						'--wait=false',
					]);
					if (del.code !== 0) throw new Error(`kubectl delete pod: ${del.stderr}`);
					for (let i = 0; i < 3; i++) await c.waitPod(i, 'ErrImagePull', { timeoutMs: 90_000 });
				},
				{ keys: 300, etcdImage: 'docker.io/bitnami/etcd:3.5.18-debian-12-r5' },
			),
	},
	...MILVUS_SCENARIOS,
};

export const RUNBOOK_NAMES = Object.keys(SCENARIOS);

/**
 * The Docker Compose install of Milvus: `milvus-etcd` (a real etcd, volume folder `volumes/etcd`) exits on a
 * corrupt WAL beside a running `milvus-standalone`; the runbook runs in the compose folder, as its page says.
 */
async function composeScenario(lang: Lang): Promise<Prepared> {
	const c = await createCompose();
	try {
		// Milvus-like keys, a few binary, all committed to the db file before the fault.
		const client = etcdHttp(c.etcdUrl);
		const items = Array.from({ length: 300 }, (_, i) => ({
			key: Buffer.from(`by-dev/meta/root-coord/fields/${1000 + (i % 30)}/${i}`),
			value:
				i % 5 ? Buffer.from(`{"fieldID":${i},"name":"f${i}"}`) : Buffer.from([8, i & 0xff, 16, 1]),
		}));
		await client.txnBatches(items);
		await new Promise((r) => setTimeout(r, 1000));
		await c.inject('corrupt-wal');
	} catch (e) {
		await c.stop();
		throw e;
	}
	return {
		cwd: c.dir,
		env: {
			...baseEnv(),
			...c.env,
			HOME: c.dir,
			LANG: lang === 'id' ? 'id_ID.UTF-8' : 'en_US.UTF-8',
		},
		shownArgs: [],
		hiddenArgs: [],
		replace: [
			[c.dir, '/home/demo/milvus'],
			[c.etcdUrl.replace(/^http:\/\//, ''), '127.0.0.1:2379'],
			[c.peerUrl.replace(/^http:\/\//, ''), '127.0.0.1:2380'],
		],
		teardown: () => c.stop(),
	};
}

/**
 * Recordings of a runbook on another target, `public/recordings/<name>.<lang>.cast`: what the pages show beside the
 * runbook's own recording.
 */
export const VARIANT_SCENARIOS: Record<string, Scenario> = {
	'etcd-all-crash-compose': {
		runbook: 'etcd-all-crash',
		notReproducible:
			'the WAL read error and the time in the member.broken-<time> folder name depend on the run',
		about: 'docker compose: milvus-etcd exiting on a corrupt WAL, milvus-standalone running',
		heavy: false,
		prepare: composeScenario,
	},
};

export const VARIANT_NAMES = Object.keys(VARIANT_SCENARIOS);

/** The scenario a recording name stands for: a runbook's own, or a variant. */
export const scenarioOf = (name: string): Scenario | undefined =>
	SCENARIOS[name] ?? VARIANT_SCENARIOS[name];
