// A tiny cluster for the toolkit tests, served by the stand-in's Kubernetes API layer
// (tools/standin/lib/kube-api.mjs) from a state file: the real kubectl talks to it through a kubeconfig,
// and every request is recorded, so a test sees what reached the cluster.
import http from 'node:http';
import { readFileSync, writeFileSync } from 'node:fs';
import { ApiError, createKubeApi } from '../../tools/standin/lib/kube-api.mjs';
import { reservePort } from '../../tools/standin/lib/common.mjs';

/** A Kubernetes object as JSON. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- objects of any kind pass through
type KubeObject = Record<string, any>;

export interface FakeCluster {
	context?: string;
	contextNamespace?: string;
	namespaces?: string[];
	sts?: Record<string, { replicas: number }>;
	pvcs?: string[];
	/** API verbs that fail with an internal error: get, logs, run, delete, scale, annotate, patch */
	fail?: string[];
	/** helper pods created through the API, with the Pod kubectl posted */
	pods?: Record<string, { namespace: string; body: KubeObject }>;
	/** a created helper pod is gone at once (evicted), so waiting for it fails */
	helperNeverReady?: boolean;
	forbidNamespaces?: boolean;
	annotated?: number;
}

/** One request kubectl sent. */
export interface ApiCall {
	method: string;
	path: string;
	query: string;
	/** kubectl's verb as the request shows it: get, logs, run, create, delete, scale, annotate, patch */
	verb: string;
	/** the context whose server URL it went to */
	context: string;
}

/** The verb a request stands for (what kubectl command sends it). */
function verbOf(method: string, pathname: string, contentType: string): string {
	if (method === 'GET') return pathname.endsWith('/log') ? 'logs' : 'get';
	if (method === 'POST') return /\/pods$/.test(pathname) ? 'run' : 'create';
	if (method === 'DELETE') return 'delete';
	if (pathname.endsWith('/scale')) return 'scale';
	return contentType.startsWith('application/merge-patch+json') ? 'annotate' : 'patch';
}

export interface FixtureApi {
	port: number;
	calls: ApiCall[];
	/** writes the kubeconfig for the state's context (none when it is empty) */
	writeKubeconfig(): void;
	close(): Promise<void>;
}

export async function startFixtureApi(stateFile: string, kubeconfig: string): Promise<FixtureApi> {
	const read = (): FakeCluster => JSON.parse(readFileSync(stateFile, 'utf8')) as FakeCluster;
	const save = (c: FakeCluster) => writeFileSync(stateFile, JSON.stringify(c));
	const created = new Date(Date.now() - 3600_000).toISOString().replace(/\.\d+Z$/, 'Z');
	const calls: ApiCall[] = [];
	const kube = createKubeApi(
		{
			objects: () => {
				const c = read();
				const out: KubeObject[] = [];
				const meta = (kind: string, name: string, namespace?: string) => ({
					name,
					...(namespace ? { namespace } : {}),
					uid: `${kind}-${namespace ?? ''}-${name}`,
					creationTimestamp: created,
				});
				for (const ns of c.namespaces ?? []) {
					out.push({
						apiVersion: 'v1',
						kind: 'Namespace',
						metadata: meta('ns', ns),
						status: { phase: 'Active' },
					});
					for (const [name, s] of Object.entries(c.sts ?? {})) {
						out.push({
							apiVersion: 'apps/v1',
							kind: 'StatefulSet',
							metadata: { ...meta('sts', name, ns), generation: 1 },
							spec: {
								replicas: s.replicas,
								selector: { matchLabels: { 'app.kubernetes.io/name': 'etcd' } },
								template: { spec: { containers: [{ name: 'etcd', image: 'bitnami/etcd' }] } },
							},
							status: { replicas: s.replicas, readyReplicas: s.replicas },
						});
					}
					for (const [name, s] of Object.entries(c.sts ?? {}))
						for (let i = 0; i < s.replicas; i++)
							out.push({
								apiVersion: 'v1',
								kind: 'Pod',
								metadata: {
									...meta('pod', `${name}-${i}`, ns),
									labels: {
										'app.kubernetes.io/name': 'etcd',
										'app.kubernetes.io/instance': name.replace(/-etcd$/, ''),
									},
								},
								spec: { containers: [{ name: 'etcd', image: 'bitnami/etcd' }] },
								status: {
									phase: 'Running',
									conditions: [{ type: 'Ready', status: 'True' }],
									containerStatuses: [
										{
											name: 'etcd',
											ready: true,
											restartCount: 0,
											state: { running: { startedAt: created } },
										},
									],
								},
							});
					for (const name of c.pvcs ?? [])
						out.push({
							apiVersion: 'v1',
							kind: 'PersistentVolumeClaim',
							metadata: meta('pvc', name, ns),
							spec: { accessModes: ['ReadWriteOnce'] },
							status: { phase: 'Bound' },
						});
				}
				for (const [name, p] of Object.entries(c.pods ?? {})) {
					out.push({
						apiVersion: 'v1',
						kind: 'Pod',
						metadata: { ...meta('pod', name, p.namespace), labels: p.body?.metadata?.labels ?? {} },
						spec: p.body?.spec ?? {},
						status: {
							phase: 'Running',
							conditions: [{ type: 'Ready', status: 'True' }],
							containerStatuses: (p.body?.spec?.containers ?? []).map((x: KubeObject) => ({
								name: x.name,
								ready: true,
								restartCount: 0,
								state: { running: { startedAt: created } },
							})),
						},
					});
				}
				return out;
			},
			namespaces: () => new Set(read().namespaces ?? []),
			create: (r, ns, body) => {
				if (r.name !== 'pods') throw new ApiError(405, 'MethodNotAllowed', `not here: ${r.name}`);
				const c = read();
				if (!c.helperNeverReady)
					c.pods = { ...(c.pods ?? {}), [body.metadata.name]: { namespace: ns, body } };
				save(c);
			},
			remove: (r, _ns, name) => {
				const c = read();
				if (r.name === 'pods') {
					const pods = { ...(c.pods ?? {}) };
					delete pods[name];
					c.pods = pods;
				} else if (r.name === 'persistentvolumeclaims') {
					c.pvcs = (c.pvcs ?? []).filter((p) => p !== name);
				} else throw new ApiError(405, 'MethodNotAllowed', `not here: ${r.name}`);
				save(c);
			},
			update: (r, _ns, name, next, sub) => {
				const c = read();
				if (r.name !== 'statefulsets' || !c.sts?.[name])
					throw new ApiError(405, 'MethodNotAllowed', `not here: ${r.name}`);
				if (sub === 'scale' || next?.spec?.replicas !== undefined)
					c.sts[name] = { replicas: next.spec.replicas };
				if (sub !== 'scale' && next?.metadata?.annotations) c.annotated = (c.annotated ?? 0) + 1;
				save(c);
			},
			log: async (_ns, _name, _q, res) => {
				res.writeHead(200, { 'Content-Type': 'text/plain' });
				res.end('line one\nline two\n');
			},
			upgrade: (_req, socket) => {
				socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n');
			},
		},
		{ port: () => port },
	);
	const server = http.createServer((req, res) => {
		// Each context's server URL has its own path prefix, /ctx-<name>, so a request names its context.
		const m = /^\/ctx-([^/]+)(\/.*)?$/.exec(req.url ?? '/');
		const context = m ? decodeURIComponent(m[1] ?? '') : '';
		if (m) req.url = m[2] ?? '/';
		const url = new URL(req.url ?? '/', 'http://localhost');
		const segs = url.pathname.split('/').filter(Boolean);
		const resource =
			(segs[0] === 'api' && segs.length > 2) || (segs[0] === 'apis' && segs.length > 3);
		if (resource) {
			const verb = verbOf(
				req.method ?? 'GET',
				url.pathname,
				String(req.headers['content-type'] ?? ''),
			);
			calls.push({
				method: req.method ?? 'GET',
				path: url.pathname,
				query: url.search,
				verb,
				context,
			});
			const c = read();
			if ((c.fail ?? []).includes(verb)) {
				const body = JSON.stringify(
					new ApiError(
						500,
						'InternalError',
						`Internal error occurred: simulated failure of ${verb}`,
					).status(),
				);
				res.writeHead(500, { 'Content-Type': 'application/json' });
				return void res.end(body);
			}
			const ns = /^\/api\/v1\/namespaces\/([^/]+)$/.exec(url.pathname);
			if (ns && c.forbidNamespaces) {
				const body = JSON.stringify(
					new ApiError(
						403,
						'Forbidden',
						`namespaces "${ns[1]}" is forbidden: User "dev" cannot get resource "namespaces" in API group "" in the namespace "${ns[1]}"`,
					).status(),
				);
				res.writeHead(403, { 'Content-Type': 'application/json' });
				return void res.end(body);
			}
		}
		void kube.handle(req, res);
	});
	const port = await reservePort();
	await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
	const writeKubeconfig = () => {
		const c = read();
		const contexts = [...new Set([c.context, 'kind-other'].filter((x): x is string => !!x))];
		writeFileSync(
			kubeconfig,
			JSON.stringify({
				apiVersion: 'v1',
				kind: 'Config',
				clusters: contexts.map((name) => ({
					name,
					cluster: { server: `http://127.0.0.1:${port}/ctx-${encodeURIComponent(name)}` },
				})),
				contexts: contexts.map((name) => ({
					name,
					context: {
						cluster: name,
						user: name,
						...(name === c.context && c.contextNamespace ? { namespace: c.contextNamespace } : {}),
					},
				})),
				'current-context': c.context ?? '',
				users: contexts.map((name) => ({ name, user: {} })),
			}),
		);
	};
	writeKubeconfig();
	return {
		port,
		calls,
		writeKubeconfig,
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}
