// @ts-check
/**
 * The supervisor of the docker compose standalone model (Milvus's docker-compose.yml): `milvus-etcd` is a
 * real etcd with its volume folder at `<dir>/volumes/etcd` (mounted at /etcd), `milvus-minio` and
 * `milvus-standalone` are listed containers without a process. The real `docker` CLI reaches them through
 * the Docker Engine API stand-in (`docker-engine.mjs`) on `<dir>/docker.sock`; logs are kept as dockerd's
 * json-file driver keeps them, one JSON object per line.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { corruptWal, reservePort, replaceInBuffer } from './common.mjs';
import { newId, parsePorts, serveDockerEngine } from './docker-engine.mjs';

/**
 * @typedef {import('./docker-engine.mjs').EngineContainer & {
 *   proc: import('node:child_process').ChildProcess | null,
 *   exited: Promise<void> | null,
 *   logFile: string,
 *   volume: string,
 *   followers: Set<(e: import('./docker-engine.mjs').LogEntry | null) => void>,
 * }} Box
 */

/**
 * @param {string} dir
 * @param {number} ownerPid
 * @param {boolean} ownDir
 */
export async function runCompose(dir, ownerPid, ownDir) {
	const project =
		JSON.parse(fs.readFileSync(path.join(dir, 'cluster.json'), 'utf8')).project ?? 'milvus';
	const clientPort = await reservePort();
	const peerPort = await reservePort();
	const etcdUrl = `http://127.0.0.1:${clientPort}`;
	const now = Date.now();
	/** @type {Map<string, Box>} */
	const boxes = new Map();
	fs.mkdirSync(path.join(dir, 'logs'), { recursive: true });
	/**
	 * @param {{ name: string, image: string, cmd: string[], mount: string, ports: string[], env?: string[] }} b
	 * @param {number} order creation order (compose creates etcd and minio before standalone)
	 */
	const add = (b, order) => {
		const service = b.name.replace(/^milvus-/, '');
		const volume = path.join(dir, 'volumes', service);
		fs.mkdirSync(volume, { recursive: true });
		boxes.set(b.name, {
			id: newId(),
			name: b.name,
			image: b.image,
			cmd: b.cmd,
			created: now + order,
			state: 'created',
			exitCode: 0,
			startedAt: null,
			finishedAt: null,
			health: null,
			restartCount: 0,
			ports: b.ports.flatMap(parsePorts),
			labels: {
				'com.docker.compose.project': project,
				'com.docker.compose.service': service,
				'com.docker.compose.container-number': '1',
				'com.docker.compose.oneoff': 'False',
				'com.docker.compose.project.working_dir': dir,
				'com.docker.compose.project.config_files': path.join(dir, 'docker-compose.yml'),
			},
			mounts: [{ Source: volume, Destination: b.mount }],
			env: b.env ?? [],
			pid: 0,
			proc: null,
			exited: null,
			logFile: path.join(dir, 'logs', `${b.name}-json.log`),
			volume,
			followers: new Set(),
		});
	};
	add(
		{
			name: 'milvus-etcd',
			image: 'quay.io/coreos/etcd:v3.5.5',
			cmd: [
				'etcd',
				'-advertise-client-urls=http://127.0.0.1:2379',
				'-listen-client-urls',
				'http://0.0.0.0:2379',
				'--data-dir',
				'/etcd',
			],
			mount: '/etcd',
			ports: ['2379-2380/tcp'],
			env: ['ETCD_AUTO_COMPACTION_MODE=revision', 'ETCD_QUOTA_BACKEND_BYTES=4294967296'],
		},
		0,
	);
	add(
		{
			name: 'milvus-minio',
			image: 'minio/minio:RELEASE.2023-03-20T20-16-18Z',
			cmd: ['minio', 'server', '/minio_data', '--console-address', ':9001'],
			mount: '/minio_data',
			ports: ['0.0.0.0:9000-9001->9000-9001/tcp', '[::]:9000-9001->9000-9001/tcp'],
		},
		1,
	);
	add(
		{
			name: 'milvus-standalone',
			image: 'milvusdb/milvus:v2.4.15',
			cmd: ['milvus', 'run', 'standalone'],
			mount: '/var/lib/milvus',
			ports: [
				'0.0.0.0:9091->9091/tcp',
				'[::]:9091->9091/tcp',
				'0.0.0.0:19530->19530/tcp',
				'[::]:19530->19530/tcp',
			],
			env: ['ETCD_ENDPOINTS=etcd:2379', 'MINIO_ADDRESS=minio:9000'],
		},
		2,
	);

	/** @param {Box} b @param {'stdout' | 'stderr'} stream @param {string} text whole lines */
	const appendLog = (b, stream, text) => {
		const time = Date.now();
		const lines = text.split(/(?<=\n)/).filter(Boolean);
		fs.appendFileSync(
			b.logFile,
			lines
				.map(
					(line) =>
						`${JSON.stringify({ log: line, stream, time: new Date(time).toISOString() })}\n`,
				)
				.join(''),
		);
		for (const line of lines) for (const f of b.followers) f({ stream, line, time });
	};

	/** @param {Box} b */
	const readLog = (b) => {
		let text = '';
		try {
			text = fs.readFileSync(b.logFile, 'utf8');
		} catch {
			return [];
		}
		return text
			.split('\n')
			.filter(Boolean)
			.map((l) => {
				const e = JSON.parse(l);
				return {
					stream: /** @type {'stdout' | 'stderr'} */ (e.stream),
					line: String(e.log),
					time: Date.parse(e.time),
				};
			});
	};

	/** @param {Box} b @param {number} code */
	const stopped = (b, code) => {
		b.state = 'exited';
		b.proc = null;
		b.pid = 0;
		b.health = null;
		b.finishedAt = Date.now();
		b.exitCode = code;
		for (const f of b.followers) f(null);
	};

	/** @param {Box} b */
	const start = (b) => {
		if (b.state === 'running') return;
		b.state = 'running';
		b.startedAt = Date.now();
		b.oomKilled = false;
		b.health = b.name === 'milvus-etcd' ? 'starting' : null;
		if (b.name !== 'milvus-etcd') {
			appendLog(b, 'stdout', `${new Date().toISOString()} ${b.name} started\n`);
			return;
		}
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
			{ stdio: ['ignore', 'pipe', 'pipe'] },
		);
		b.proc = child;
		b.pid = child.pid ?? 0;
		for (const stream of /** @type {const} */ (['stdout', 'stderr'])) {
			let partial = '';
			child[stream]?.setEncoding('utf8').on('data', (/** @type {string} */ d) => {
				const text = partial + d;
				const cut = text.lastIndexOf('\n') + 1;
				partial = text.slice(cut);
				if (cut) appendLog(b, stream, text.slice(0, cut));
			});
		}
		b.exited = new Promise((resolve) => {
			child.on('exit', (code, sig) => {
				// In its container etcd is pid 1 and exits 0 after SIGTERM instead of re-raising it.
				stopped(b, code ?? (sig === 'SIGKILL' ? 137 : sig === 'SIGTERM' ? 0 : 128));
				resolve();
			});
		});
	};

	/** @param {Box} b @param {number} timeoutS */
	const stop = async (b, timeoutS = 10) => {
		if (b.state !== 'running') return;
		if (!b.proc) {
			stopped(b, 0);
			return;
		}
		b.proc.kill('SIGTERM');
		const t = setTimeout(() => b.proc?.kill('SIGKILL'), timeoutS * 1000);
		await b.exited;
		clearTimeout(t);
	};

	// The compose file's healthcheck for etcd is `etcdctl endpoint health`: its /health, asked when someone looks.
	const refreshHealth = async () => {
		const b = /** @type {Box} */ (boxes.get('milvus-etcd'));
		if (b.state !== 'running') return;
		let ok = false;
		try {
			const res = await fetch(`${etcdUrl}/health`, { signal: AbortSignal.timeout(1000) });
			ok = /** @type {any} */ (await res.json()).health === 'true';
		} catch {
			/* not answering */
		}
		if (b.state !== 'running') return;
		if (ok) b.health = 'healthy';
		else if (b.health !== 'starting' || Date.now() - (b.startedAt ?? 0) > 30_000)
			b.health = 'unhealthy';
	};

	const engine = await serveDockerEngine({
		socketPath: path.join(dir, 'docker.sock'),
		backend: {
			list: async () => {
				await refreshHealth();
				return [...boxes.values()];
			},
			logs: (c) => readLog(/** @type {Box} */ (c)),
			follow: (c, push) => {
				const b = /** @type {Box} */ (c);
				b.followers.add(push);
				return () => b.followers.delete(push);
			},
			start: async (c) => start(/** @type {Box} */ (c)),
			stop: (c, t) => stop(/** @type {Box} */ (c), t),
			restart: async (c, t) => {
				const b = /** @type {Box} */ (c);
				await stop(b, t);
				start(b);
			},
			exec: (c, spec) => execIn(/** @type {Box} */ (c), spec),
			// Only the volume is on the host: the image's own files are not.
			hostPath: (c, inner) => {
				const b = /** @type {Box} */ (c);
				const mount = /** @type {{ Destination: string }} */ (b.mounts[0]).Destination;
				const p = path.posix.normalize(inner);
				if (p === mount) return b.volume;
				return p.startsWith(`${mount}/`) ? path.join(b.volume, p.slice(mount.length + 1)) : null;
			},
		},
	});

	/**
	 * Runs the command on the host with the container's volume where its mount is: paths under the mount
	 * in the arguments point into the volume folder, and the folder's path in the output reads as the mount.
	 * @param {Box} b
	 * @param {import('./docker-engine.mjs').ExecSpec} spec
	 * @returns {import('./docker-engine.mjs').ExecRun}
	 */
	const execIn = (b, spec) => {
		const mount = /** @type {{ Destination: string }} */ (b.mounts[0]).Destination;
		const escaped = mount.replace(/[/.]/g, '\\$&');
		const map = (/** @type {string} */ a) =>
			a.replace(new RegExp(`(^|[\\s='"(:,])${escaped}(?=\\/|$|[\\s'";),])`, 'g'), `$1${b.volume}`);
		const args = spec.cmd.map(map);
		/** @type {NodeJS.ProcessEnv} */
		const env = {
			PATH: '/usr/local/bin:/usr/bin:/bin',
			ETCDCTL_API: '3',
			...(b.name === 'milvus-etcd' ? { ETCDCTL_ENDPOINTS: etcdUrl } : {}),
			...Object.fromEntries(
				spec.env.map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
			),
		};
		const child = spawn(/** @type {string} */ (args[0]), args.slice(1), {
			env,
			cwd: spec.workdir ? map(spec.workdir) : b.volume,
			stdio: [spec.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
		});
		/** @type {Buffer[]} */
		const out = [];
		/** @type {Buffer[]} */
		const err = [];
		child.stdout?.on('data', (d) => out.push(d));
		child.stderr?.on('data', (d) => err.push(d));
		child.stdin?.on('error', () => {});
		return {
			stdin: child.stdin,
			done: new Promise((resolve) => {
				child.on('error', () =>
					resolve({
						stdout: Buffer.alloc(0),
						stderr: Buffer.alloc(0),
						code: 127,
						error: `OCI runtime exec failed: exec failed: unable to start container process: exec: "${spec.cmd[0]}": executable file not found in $PATH: unknown`,
					}),
				);
				child.on('close', (code, sig) =>
					resolve({
						stdout: replaceInBuffer(Buffer.concat(out), b.volume, mount),
						stderr: replaceInBuffer(Buffer.concat(err), b.volume, mount),
						code: code ?? (sig ? 128 + 9 : 1),
					}),
				);
			}),
		};
	};

	/** @param {string} name */
	const find = (name) => boxes.get(name);

	/** @type {Record<string, (b: any) => any>} */
	const ops = {
		info: () => ({
			ok: true,
			kind: 'compose',
			etcdUrl,
			peerUrl: `http://127.0.0.1:${peerPort}`,
			socket: engine.socketPath,
		}),
		// The Node API's "stop everything".
		stop: async () => {
			setImmediate(() => void shutdown());
			return { ok: true };
		},
		// Test hook: break milvus-etcd as users find it. corrupt-wal: stopped, its newest WAL segment overwritten
		// and started again, so etcd exits on every start while member/snap/db stays readable (compose sets no
		// restart policy: it stays Exited). oom: killed as the kernel's OOM killer does (exit 137, OOMKilled).
		fault: async (q) => {
			const b = /** @type {Box} */ (boxes.get('milvus-etcd'));
			if (q.fault === 'corrupt-wal') {
				await stop(b);
				corruptWal(path.join(b.volume, 'member', 'wal'));
				start(b);
				const deadline = Date.now() + 30_000;
				while (b.state === 'running' && Date.now() < deadline)
					await new Promise((r) => setTimeout(r, 100));
				return b.state === 'running'
					? { ok: false, error: 'milvus-etcd still runs on the corrupted WAL' }
					: { ok: true, exitCode: b.exitCode };
			}
			if (q.fault === 'oom') {
				if (b.state !== 'running' || !b.proc)
					return { ok: false, error: 'milvus-etcd is not running' };
				b.proc.kill('SIGKILL');
				await b.exited;
				b.exitCode = 137;
				b.oomKilled = true;
				return { ok: true, exitCode: 137 };
			}
			return { ok: false, error: `unknown compose fault ${q.fault}` };
		},
		// Test hook: give a listed container the logs and exit state a scenario needs.
		set: (q) => {
			const b = find(q.name);
			if (!b) return { ok: false, error: `no container ${q.name} in the compose model` };
			if (b.name === 'milvus-etcd')
				return { ok: false, error: 'milvus-etcd is a real etcd: use docker stop/start' };
			if (typeof q.logs === 'string') {
				fs.writeFileSync(b.logFile, '');
				appendLog(b, 'stdout', q.logs);
			}
			if (typeof q.appendLogs === 'string') appendLog(b, 'stdout', q.appendLogs);
			if (typeof q.exitCode === 'number') stopped(b, q.exitCode);
			else if (q.running === true && b.state !== 'running') {
				b.state = 'running';
				b.startedAt = Date.now();
			}
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
		await engine.close();
		fs.rmSync(path.join(dir, 'api.json'), { force: true });
		if (ownerGone && ownDir) fs.rmSync(dir, { recursive: true, force: true });
		process.exit(0);
	};
	process.on('SIGTERM', () => void shutdown());
	process.on('SIGINT', () => void shutdown());
	process.on('exit', () => {
		for (const b of boxes.values()) b.proc?.kill('SIGKILL');
		fs.rmSync(engine.socketPath, { force: true });
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
