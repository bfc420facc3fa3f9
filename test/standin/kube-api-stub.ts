// Just enough of a Kubernetes API server for the real kubectl to reach the streaming upgrade of
// `exec`, `cp` and `port-forward` on one Running pod, with the upgrade served by tools/standin/lib/spdy.mjs.
import http from 'node:http';
import type net from 'node:net';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { reservePort } from '../../tools/standin/lib/common.mjs';
import {
	handleExec,
	handlePortForward,
	rejectUpgrade,
	type ExecRun,
} from '../../tools/standin/lib/spdy.mjs';

export const NAMESPACE = 'ns';
export const POD = 'p';
export const CONTAINER = 'etcd';
/** A Running pod whose container the "kubelet" cannot find: its upgrades are refused. */
export const GONE_POD = 'gone';

export interface KubeApiStub {
	port: number;
	/** A kubeconfig file pointing at the stub, namespace `ns`, no auth. */
	kubeconfig: string;
	/** Every request line the stub saw, upgrades included (`POST /api/v1/...exec?... [upgrade: SPDY/3.1]`). */
	requests: string[];
	close(): Promise<void>;
}

function pod(name: string): unknown {
	return {
		kind: 'Pod',
		apiVersion: 'v1',
		metadata: {
			name,
			namespace: NAMESPACE,
			uid: '5f0c2c36-0d2a-4f7e-9d7b-000000000001',
			resourceVersion: '1',
			creationTimestamp: '2026-01-01T00:00:00Z',
		},
		spec: {
			containers: [
				{
					name: CONTAINER,
					image: 'docker.io/bitnami/etcd:3.5.0',
					ports: [{ name: 'client', containerPort: 2379, protocol: 'TCP' }],
				},
			],
			nodeName: 'standin-node',
		},
		status: {
			phase: 'Running',
			podIP: '127.0.0.1',
			containerStatuses: [
				{
					name: CONTAINER,
					ready: true,
					restartCount: 0,
					image: 'docker.io/bitnami/etcd:3.5.0',
					imageID: '',
					state: { running: { startedAt: '2026-01-01T00:00:00Z' } },
				},
			],
		},
	};
}

const RESOURCES = {
	kind: 'APIResourceList',
	groupVersion: 'v1',
	resources: [
		{
			name: 'pods',
			singularName: 'pod',
			namespaced: true,
			kind: 'Pod',
			verbs: ['get', 'list'],
			shortNames: ['po'],
		},
		{
			name: 'pods/exec',
			singularName: '',
			namespaced: true,
			kind: 'PodExecOptions',
			verbs: ['create', 'get'],
		},
		{
			name: 'pods/attach',
			singularName: '',
			namespaced: true,
			kind: 'PodAttachOptions',
			verbs: ['create', 'get'],
		},
		{
			name: 'pods/portforward',
			singularName: '',
			namespaced: true,
			kind: 'PodPortForwardOptions',
			verbs: ['create', 'get'],
		},
	],
};

/**
 * Starts the stub. `run` serves exec/attach, `connect` port-forward; both as in spdy.mjs.
 */
export async function startKubeApiStub(
	dir: string,
	run: ExecRun,
	connect: (port: number) => Promise<net.Socket>,
): Promise<KubeApiStub> {
	const port = await reservePort();
	const requests: string[] = [];
	const podPath = (name: string) => `/api/v1/namespaces/${NAMESPACE}/pods/${name}`;
	const server = http.createServer((req, res) => {
		requests.push(`${req.method} ${req.url}`);
		const url = new URL(req.url ?? '/', 'http://stub');
		const send = (code: number, body: unknown) => {
			res.writeHead(code, { 'content-type': 'application/json' });
			res.end(JSON.stringify(body));
		};
		if (url.pathname === '/api') {
			send(200, {
				kind: 'APIVersions',
				versions: ['v1'],
				serverAddressByClientCIDRs: [
					{ clientCIDR: '0.0.0.0/0', serverAddress: `127.0.0.1:${port}` },
				],
			});
		} else if (url.pathname === '/apis') {
			send(200, { kind: 'APIGroupList', apiVersion: 'v1', groups: [] });
		} else if (url.pathname === '/api/v1') {
			send(200, RESOURCES);
		} else if ([POD, GONE_POD].some((p) => url.pathname === podPath(p)) && req.method === 'GET') {
			send(200, pod(url.pathname.split('/').at(-1) ?? POD));
		} else {
			send(404, {
				kind: 'Status',
				apiVersion: 'v1',
				metadata: {},
				status: 'Failure',
				message: `the server could not find the requested resource (${req.method} ${url.pathname})`,
				reason: 'NotFound',
				code: 404,
			});
		}
	});
	server.on('upgrade', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
		requests.push(`${req.method} ${req.url} [upgrade: ${req.headers.upgrade}]`);
		const { pathname } = new URL(req.url ?? '/', 'http://stub');
		if (pathname.startsWith(`${podPath(GONE_POD)}/`))
			rejectUpgrade(socket, 500, `container not found ("${CONTAINER}")`);
		else if (pathname === `${podPath(POD)}/exec` || pathname === `${podPath(POD)}/attach`)
			handleExec(req, socket, head, run);
		else if (pathname === `${podPath(POD)}/portforward`)
			handlePortForward(req, socket, head, connect);
		else socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
	});
	const sockets = new Set<net.Socket>();
	server.on('connection', (s: net.Socket) => {
		sockets.add(s);
		s.on('close', () => sockets.delete(s));
	});
	await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));

	const kubeconfig = path.join(dir, 'kubeconfig');
	await writeFile(
		kubeconfig,
		[
			'apiVersion: v1',
			'kind: Config',
			'clusters:',
			'- name: stub',
			'  cluster:',
			`    server: http://127.0.0.1:${port}`,
			'contexts:',
			'- name: stub',
			'  context:',
			'    cluster: stub',
			'    user: stub',
			`    namespace: ${NAMESPACE}`,
			'current-context: stub',
			'users:',
			'- name: stub',
			'  user: {}',
			'',
		].join('\n'),
	);
	return {
		port,
		kubeconfig,
		requests,
		close: async () => {
			for (const s of sockets) s.destroy();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}
