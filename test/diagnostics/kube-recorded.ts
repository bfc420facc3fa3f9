// Recorded Kubernetes API answers for the diagnostics scenarios, served to the real kubectl by the stand-in's
// API layer (tools/standin/lib/kube-api.mjs): `kube/objects.json` holds the objects as an API server
// returned them (timestamps moved forward so ages read as when they were recorded), `kube/logs/<pod>.log`
// and `<pod>.previous.log` the container logs. Read-only: every change is refused.
import http from 'node:http';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ApiError, badRequest, createKubeApi } from '../../tools/standin/lib/kube-api.mjs';
import { reservePort } from '../../tools/standin/lib/common.mjs';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- recorded objects of any kind
type KubeObject = Record<string, any>;

/** One request kubectl sent: method, path and query, and the context whose server it went to. */
export interface KubeCall {
	method: string;
	url: string;
	context: string;
}

const TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

/** Every timestamp in `o` moved by `shift` ms. */
function shifted(o: unknown, shift: number): unknown {
	if (typeof o === 'string' && TIME.test(o))
		return new Date(Date.parse(o) + shift).toISOString().replace(/\.\d+Z$/, 'Z');
	if (Array.isArray(o)) return o.map((x) => shifted(x, shift));
	if (o && typeof o === 'object')
		return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, shifted(v, shift)]));
	return o;
}

export interface RecordedKube {
	kubeconfig: string;
	calls: KubeCall[];
	close(): Promise<void>;
}

/** Serves `<scenario>/kube` (or an empty cluster) and writes a kubeconfig for its context into `dir`. */
export async function serveRecorded(scenarioDir: string, dir: string): Promise<RecordedKube> {
	const kubeDir = path.join(scenarioDir, 'kube');
	const file = path.join(kubeDir, 'objects.json');
	// A scenario without Kubernetes objects is a reachable cluster without Milvus.
	const recorded = (
		existsSync(file)
			? JSON.parse(readFileSync(file, 'utf8'))
			: { recordedAt: new Date().toISOString(), context: 'kind-milvus', items: [] }
	) as { recordedAt: string; context: string; items: KubeObject[] };
	const shift = Date.now() - Date.parse(recorded.recordedAt);
	// The namespaces exist as objects too: a runbook's toolkit reads its namespace before anything else.
	const NAMESPACES = ['default', 'kube-system'];
	const namespaces = NAMESPACES.map((name) => ({
		apiVersion: 'v1',
		kind: 'Namespace',
		metadata: { name, creationTimestamp: recorded.recordedAt },
		status: { phase: 'Active' },
	}));
	const items = shifted([...namespaces, ...recorded.items], shift) as KubeObject[];
	const refuse = () => {
		throw new ApiError(405, 'MethodNotAllowed', 'a recorded cluster does not change');
	};
	const calls: KubeCall[] = [];
	const kube = createKubeApi(
		{
			objects: () => structuredClone(items),
			namespaces: () => new Set(NAMESPACES),
			create: refuse,
			remove: refuse,
			update: refuse,
			log: async (_ns, name, q, res) => {
				const pod = items.find((o) => o.kind === 'Pod' && o.metadata.name === name);
				const container = q.get('container') ?? pod?.spec?.containers?.[0]?.name ?? '';
				const previous = q.get('previous') === 'true';
				const file = path.join(kubeDir, 'logs', `${name}${previous ? '.previous' : ''}.log`);
				if (!existsSync(file)) {
					if (previous)
						throw badRequest(
							`previous terminated container "${container}" in pod "${name}" not found`,
						);
					res.writeHead(200, { 'Content-Type': 'text/plain' });
					return void res.end('');
				}
				let text = readFileSync(file, 'utf8');
				const tail = q.get('tailLines');
				if (tail !== null) {
					const lines = text.replace(/\n$/, '').split('\n');
					text = `${lines.slice(-Number(tail)).join('\n')}\n`;
				}
				res.writeHead(200, { 'Content-Type': 'text/plain' });
				res.end(text);
			},
			upgrade: (_req, socket) => {
				socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n');
			},
		},
		{ port: () => port },
	);
	const server = http.createServer((req, res) => {
		const m = /^\/ctx-([^/]+)(\/.*)?$/.exec(req.url ?? '/');
		const context = m ? decodeURIComponent(m[1] ?? '') : '';
		if (m) req.url = m[2] ?? '/';
		const segs = new URL(req.url ?? '/', 'http://localhost').pathname.split('/').filter(Boolean);
		if ((segs[0] === 'api' && segs.length > 2) || (segs[0] === 'apis' && segs.length > 3))
			calls.push({ method: req.method ?? 'GET', url: req.url ?? '/', context });
		void kube.handle(req, res);
	});
	const port = await reservePort();
	await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
	const kubeconfig = path.join(dir, 'kubeconfig');
	const ctx = recorded.context;
	writeFileSync(
		kubeconfig,
		JSON.stringify({
			apiVersion: 'v1',
			kind: 'Config',
			clusters: [{ name: ctx, cluster: { server: `http://127.0.0.1:${port}/ctx-${ctx}` } }],
			contexts: [{ name: ctx, context: { cluster: ctx, user: ctx } }],
			'current-context': ctx,
			users: [{ name: ctx, user: {} }],
		}),
	);
	return {
		kubeconfig,
		calls,
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}
