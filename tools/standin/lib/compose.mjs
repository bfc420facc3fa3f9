// @ts-check
/**
 * The supervisor of the docker compose standalone model (Milvus's docker-compose.yml): `milvus-etcd` is a
 * real etcd with its volume folder at `<dir>/volumes/etcd` (mounted at /etcd), `milvus-minio` and
 * `milvus-standalone` are listed containers without a process.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { reservePort } from './common.mjs';

/**
 * @typedef {object} Box
 * @property {string} name
 * @property {string} id
 * @property {string} image
 * @property {string} command
 * @property {number} created
 * @property {number | null} startedAt
 * @property {number | null} finishedAt
 * @property {number} exitCode
 * @property {boolean} running
 * @property {string} ports
 * @property {import('node:child_process').ChildProcess | null} proc
 * @property {Promise<void> | null} exited
 * @property {string} logFile
 * @property {string} volume host folder of its main volume
 * @property {string} mount where that volume is mounted inside
 */

/**
 * @param {string} dir
 * @param {number} ownerPid
 * @param {boolean} ownDir
 */
export async function runCompose(dir, ownerPid, ownDir) {
	const clientPort = await reservePort();
	const peerPort = await reservePort();
	const etcdUrl = `http://127.0.0.1:${clientPort}`;
	const now = Date.now();
	/** @type {Map<string, Box>} */
	const boxes = new Map();
	/** @param {Partial<Box> & { name: string, image: string, command: string, mount: string, ports: string }} b */
	const add = (b) => {
		const volume = path.join(dir, 'volumes', b.name.replace(/^milvus-/, ''));
		fs.mkdirSync(volume, { recursive: true });
		fs.mkdirSync(path.join(dir, 'logs'), { recursive: true });
		boxes.set(b.name, {
			id: randomBytes(32).toString('hex'),
			created: now,
			startedAt: null,
			finishedAt: null,
			exitCode: 0,
			running: false,
			proc: null,
			exited: null,
			logFile: path.join(dir, 'logs', `${b.name}.log`),
			volume,
			...b,
		});
	};
	add({
		name: 'milvus-etcd',
		image: 'quay.io/coreos/etcd:v3.5.5',
		command:
			'etcd -advertise-client-urls=http://127.0.0.1:2379 -listen-client-urls http://0.0.0.0:2379 --data-dir /etcd',
		mount: '/etcd',
		ports: '2379-2380/tcp',
	});
	add({
		name: 'milvus-minio',
		image: 'minio/minio:RELEASE.2023-03-20T20-16-18Z',
		command: 'minio server /minio_data --console-address :9001',
		mount: '/minio_data',
		ports: '0.0.0.0:9000-9001->9000-9001/tcp',
	});
	add({
		name: 'milvus-standalone',
		image: 'milvusdb/milvus:v2.4.15',
		command: 'milvus run standalone',
		mount: '/var/lib/milvus',
		ports: '0.0.0.0:9091->9091/tcp, 0.0.0.0:19530->19530/tcp',
	});

	/** @param {Box} b */
	const start = (b) => {
		if (b.running) return;
		b.running = true;
		b.startedAt = Date.now();
		if (b.name !== 'milvus-etcd') {
			fs.appendFileSync(b.logFile, `${new Date().toISOString()} ${b.name} started\n`);
			return;
		}
		const fd = fs.openSync(b.logFile, 'a');
		const child = spawn(
			'etcd',
			[
				'--name',
				'default',
				'--data-dir',
				b.volume,
				'--listen-client-urls',
				etcdUrl,
				'--advertise-client-urls',
				etcdUrl,
				'--listen-peer-urls',
				`http://127.0.0.1:${peerPort}`,
				'--initial-advertise-peer-urls',
				`http://127.0.0.1:${peerPort}`,
				'--initial-cluster',
				`default=http://127.0.0.1:${peerPort}`,
				'--logger',
				'zap',
				'--log-outputs',
				'stderr',
			],
			{ stdio: ['ignore', fd, fd] },
		);
		fs.closeSync(fd);
		b.proc = child;
		b.exited = new Promise((resolve) => {
			child.on('exit', (code, sig) => {
				b.running = false;
				b.proc = null;
				b.finishedAt = Date.now();
				b.exitCode = code ?? (sig === 'SIGKILL' ? 137 : 0);
				resolve();
			});
		});
	};

	/** @param {Box} b */
	const stop = async (b) => {
		if (!b.running) return;
		if (!b.proc) {
			b.running = false;
			b.finishedAt = Date.now();
			b.exitCode = 0;
			return;
		}
		b.proc.kill('SIGTERM');
		const t = setTimeout(() => b.proc?.kill('SIGKILL'), 10_000);
		await b.exited;
		clearTimeout(t);
	};

	/** @param {Box} b */
	const view = (b) => ({
		name: b.name,
		id: b.id,
		image: b.image,
		command: b.command,
		created: b.created,
		startedAt: b.startedAt,
		finishedAt: b.finishedAt,
		exitCode: b.exitCode,
		running: b.running,
		ports: b.ports,
		logFile: b.logFile,
		volume: b.volume,
		mount: b.mount,
	});

	/** @param {string} name */
	const find = (name) =>
		[...boxes.values()].find((b) => b.name === name || (name.length >= 4 && b.id.startsWith(name)));

	/** @type {Record<string, (b: any) => any>} */
	const ops = {
		info: () => ({ ok: true, kind: 'compose', etcdUrl }),
		ps: () => ({ ok: true, containers: [...boxes.values()].map(view) }),
		get: (q) => {
			const b = find(q.name);
			return b
				? { ok: true, container: view(b), etcdUrl }
				: { ok: false, error: `Error response from daemon: No such container: ${q.name}` };
		},
		start: (q) => {
			const b = find(q.name);
			if (!b)
				return { ok: false, error: `Error response from daemon: No such container: ${q.name}` };
			start(b);
			return { ok: true };
		},
		// Without a name this is the Node API's "stop everything".
		stop: async (q) => {
			if (!q.name) {
				setImmediate(() => void shutdown());
				return { ok: true };
			}
			const b = find(q.name);
			if (!b)
				return { ok: false, error: `Error response from daemon: No such container: ${q.name}` };
			await stop(b);
			return { ok: true };
		},
		// Test hook: give a listed container the logs and exit state a scenario needs.
		set: (q) => {
			const b = find(q.name);
			if (!b)
				return { ok: false, error: `Error response from daemon: No such container: ${q.name}` };
			if (b.name === 'milvus-etcd')
				return { ok: false, error: 'milvus-etcd is a real etcd: use docker stop/start' };
			if (typeof q.logs === 'string') fs.writeFileSync(b.logFile, q.logs);
			if (typeof q.appendLogs === 'string') fs.appendFileSync(b.logFile, q.appendLogs);
			if (typeof q.exitCode === 'number') {
				b.running = false;
				b.finishedAt = Date.now();
				b.exitCode = q.exitCode;
			} else if (q.running === true && !b.running) {
				b.running = true;
				b.startedAt = Date.now();
			}
			return { ok: true };
		},
		restart: async (q) => {
			const b = find(q.name);
			if (!b)
				return { ok: false, error: `Error response from daemon: No such container: ${q.name}` };
			await stop(b);
			start(b);
			return { ok: true };
		},
	};

	let stopping = false;
	/** @param {boolean} [ownerGone] the test process died without stop(): remove a folder it did not name */
	const shutdown = async (ownerGone = false) => {
		if (stopping) return;
		stopping = true;
		for (const b of boxes.values()) b.proc?.kill('SIGKILL');
		await Promise.race([
			Promise.all([...boxes.values()].map((b) => b.exited)),
			new Promise((r) => setTimeout(r, 3000)),
		]);
		fs.rmSync(path.join(dir, 'api.json'), { force: true });
		if (ownerGone && ownDir) fs.rmSync(dir, { recursive: true, force: true });
		process.exit(0);
	};
	process.on('SIGTERM', () => void shutdown());
	process.on('SIGINT', () => void shutdown());
	process.on('exit', () => {
		for (const b of boxes.values()) b.proc?.kill('SIGKILL');
	});

	for (const b of boxes.values()) start(b);

	const server = http.createServer((req, res) => {
		/** @type {Buffer[]} */
		const chunks = [];
		req.on('data', (c) => chunks.push(c));
		req.on('end', async () => {
			let out;
			try {
				const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
				const op = ops[body.op];
				out = op ? await op(body) : { ok: false, error: `unknown op ${body.op}` };
			} catch (e) {
				out = { ok: false, error: `stand-in error: ${e instanceof Error ? e.message : String(e)}` };
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
	if (ownerPid) {
		setInterval(() => {
			try {
				process.kill(ownerPid, 0);
			} catch {
				void shutdown(true);
			}
		}, 1000);
	}
}
