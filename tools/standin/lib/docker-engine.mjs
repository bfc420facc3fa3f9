// @ts-check
/**
 * A Docker Engine API stand-in on a unix socket, for the real `docker` CLI (`DOCKER_HOST=unix://…`).
 *
 * It answers what the runbooks and tests ask of dockerd 28 (API 1.49): `/_ping`, `/version`, `/info`,
 * `/containers/json`, `/containers/{id}/json`, `/containers/{id}/logs` (multiplexed frames), start, stop,
 * restart, exec (create, a hijacked `/exec/{id}/start`, `/exec/{id}/json`) and `docker cp` out of a
 * container (`/containers/{id}/archive`). Errors are the engine's
 * `{"message": …}` with its status codes, so the CLI prints its own texts ("Error response from daemon: No
 * such container: x", "Error: No such object: x"). Containers come from a backend: the compose model
 * (`compose.mjs`, a real etcd) or a fixed scenario read from JSON (`loadScenario`).
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

export const ENGINE_VERSION = '28.1.1';
export const API_VERSION = '1.49';
export const MIN_API_VERSION = '1.24';

/**
 * @typedef {'created' | 'running' | 'restarting' | 'paused' | 'exited' | 'dead'} ContainerState
 */

/**
 * A container as the backend models it.
 * @typedef {object} EngineContainer
 * @property {string} id 64 hex digits
 * @property {string} name without the leading slash
 * @property {string} image
 * @property {string[]} cmd path and arguments
 * @property {number} created ms since the epoch
 * @property {ContainerState} state
 * @property {number} exitCode
 * @property {number | null} startedAt ms, null when never started
 * @property {number | null} finishedAt ms, null when it never stopped
 * @property {'starting' | 'healthy' | 'unhealthy' | null} health null: the image has no healthcheck
 * @property {number} restartCount
 * @property {Port[]} ports
 * @property {Record<string, string>} labels
 * @property {{ Source: string, Destination: string }[]} mounts bind mounts
 * @property {string[]} env
 * @property {number} pid 0 when nothing runs
 * @property {boolean} [oomKilled] the kernel's OOM killer ended its last run (inspect State.OOMKilled)
 */

/**
 * @typedef {object} Port
 * @property {string} [IP] host address when published
 * @property {number} PrivatePort
 * @property {number} [PublicPort]
 * @property {string} Type tcp or udp
 */

/**
 * @typedef {object} LogEntry
 * @property {'stdout' | 'stderr'} stream
 * @property {string} line one line, with its newline
 * @property {number} time ms since the epoch
 */

/**
 * @typedef {object} ExecSpec
 * @property {string[]} cmd
 * @property {string[]} env
 * @property {string} workdir
 * @property {boolean} stdin the client sends stdin
 */

/**
 * A process started by exec: its output and exit code at the end. `error` is the runtime's start error
 * ("executable file not found"), written to the client's stdout as dockerd does.
 * @typedef {object} ExecRun
 * @property {NodeJS.WritableStream | null} stdin
 * @property {Promise<{ stdout: Buffer, stderr: Buffer, code: number, error?: string }>} done
 */

/**
 * @typedef {object} EngineBackend
 * @property {() => Promise<EngineContainer[]> | EngineContainer[]} list every container
 * @property {() => number} [now] the clock Status texts ("Up 5 minutes") are computed with
 * @property {(c: EngineContainer) => Promise<LogEntry[]> | LogEntry[]} logs
 * @property {(c: EngineContainer, push: (e: LogEntry | null) => void) => () => void} [follow]
 *   new entries as they are written, null when the container stops; returns the unsubscribe function
 * @property {(c: EngineContainer) => Promise<void>} [start]
 * @property {(c: EngineContainer, timeoutS: number) => Promise<void>} [stop]
 * @property {(c: EngineContainer, timeoutS: number) => Promise<void>} [restart]
 * @property {(c: EngineContainer, spec: ExecSpec) => ExecRun} [exec]
 * @property {(c: EngineContainer, path: string) => string | null} [hostPath] where a path inside the
 *   container is on the host (for `docker cp` out of it), null when the stand-in does not hold it
 */

/**
 * @typedef {object} EngineRequest
 * @property {string} method
 * @property {string} path without the `/v1.xx` prefix, as sent (a name or an id)
 * @property {Record<string, string>} query
 * @property {string | null} container the name of the container the path named, when there is one
 */

/**
 * @typedef {object} DockerEngine
 * @property {string} socketPath
 * @property {string} host the `DOCKER_HOST` value, `unix://<socketPath>`
 * @property {EngineRequest[]} requests every request so far, in order
 * @property {() => Promise<void>} close stops listening and removes the socket
 */

/** `units.HumanDuration` of go-units, which both dockerd and the CLI use. @param {number} ms */
export function humanDuration(ms) {
	const seconds = Math.floor(ms / 1000);
	if (seconds < 1) return 'Less than a second';
	if (seconds === 1) return '1 second';
	if (seconds < 60) return `${seconds} seconds`;
	const minutes = Math.floor(ms / 60_000);
	if (minutes === 1) return 'About a minute';
	if (minutes < 60) return `${minutes} minutes`;
	const hours = Math.floor(ms / 3_600_000 + 0.5);
	if (hours === 1) return 'About an hour';
	if (hours < 48) return `${hours} hours`;
	if (hours < 24 * 7 * 2) return `${Math.floor(hours / 24)} days`;
	if (hours < 24 * 30 * 2) return `${Math.floor(hours / 24 / 7)} weeks`;
	if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24 / 30)} months`;
	return `${Math.floor(ms / 3_600_000 / 24 / 365)} years`;
}

/** The Status column, as dockerd's `State.String()` words it. @param {EngineContainer} c @param {number} now */
export function statusText(c, now) {
	const since = (/** @type {number | null} */ t) => humanDuration(Math.max(0, now - (t ?? now)));
	switch (c.state) {
		case 'running':
			return c.health
				? `Up ${since(c.startedAt)} (${c.health === 'starting' ? 'health: starting' : c.health})`
				: `Up ${since(c.startedAt)}`;
		case 'paused':
			return `Up ${since(c.startedAt)} (Paused)`;
		case 'restarting':
			return `Restarting (${c.exitCode}) ${since(c.finishedAt)} ago`;
		case 'dead':
			return 'Dead';
		case 'created':
			return 'Created';
		default:
			return c.finishedAt === null ? '' : `Exited (${c.exitCode}) ${since(c.finishedAt)} ago`;
	}
}

/** Go's zero time when unset, else RFC 3339 with nanoseconds. @param {number | null} ms */
function isoTime(ms) {
	if (ms === null) return '0001-01-01T00:00:00Z';
	return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');
}

/** `sha256:` + hex of a text: stable ids for images and scenario containers. @param {string} s */
export function digest(s) {
	return createHash('sha256').update(s).digest('hex');
}

/** A new container id. */
export function newId() {
	return randomBytes(32).toString('hex');
}

/**
 * `0.0.0.0:9000-9001->9000-9001/tcp`, `[::]:19530->19530/tcp` or `2379-2380/tcp` as Port entries.
 * @param {string} spec
 * @returns {Port[]}
 */
export function parsePorts(spec) {
	const m =
		/^(?:(\[[^\]]+\]|[^:[\]]+):(\d+)(?:-(\d+))?->)?(\d+)(?:-(\d+))?(?:\/(tcp|udp|sctp))?$/.exec(
			spec.trim(),
		);
	if (!m) throw new Error(`bad port spec ${spec}`);
	const ip = m[1]?.replace(/^\[|\]$/g, '');
	const first = Number(m[4]);
	const last = Number(m[5] ?? m[4]);
	const pub = m[2] === undefined ? null : Number(m[2]);
	/** @type {Port[]} */
	const out = [];
	for (let p = first; p <= last; p++) {
		/** @type {Port} */
		const port = { PrivatePort: p, Type: m[6] ?? 'tcp' };
		if (ip !== undefined && pub !== null) {
			port.IP = ip;
			port.PublicPort = pub + (p - first);
		}
		out.push(port);
	}
	return out;
}

class EngineError extends Error {
	/** @param {number} status @param {string} message */
	constructor(status, message) {
		super(message);
		this.status = status;
	}
}

/** @param {string} a @param {string} b */
function versionLess(a, b) {
	const [a1 = 0, a2 = 0] = a.split('.').map(Number);
	const [b1 = 0, b2 = 0] = b.split('.').map(Number);
	return a1 !== b1 ? a1 < b1 : a2 < b2;
}

/** The `/containers/json` entry. @param {EngineContainer} c @param {number} now */
function summary(c, now) {
	return {
		Id: c.id,
		Names: [`/${c.name}`],
		Image: c.image,
		ImageID: `sha256:${digest(c.image)}`,
		Command: c.cmd.join(' '),
		Created: Math.floor(c.created / 1000),
		// dockerd lists no ports for a container that is not running (restarting included)
		Ports: c.state === 'running' || c.state === 'paused' ? c.ports.map((p) => ({ ...p })) : [],
		Labels: { ...c.labels },
		State: c.state,
		Status: statusText(c, now),
		HostConfig: { NetworkMode: networkName(c) },
		NetworkSettings: { Networks: { [networkName(c)]: network(c) } },
		Mounts: c.mounts.map(mount),
	};
}

/** @param {EngineContainer} c */
function networkName(c) {
	const project = c.labels['com.docker.compose.project'];
	return project ? `${project}_default` : 'bridge';
}

/** @param {EngineContainer} c */
function network(c) {
	const up = c.state === 'running' || c.state === 'paused';
	return {
		IPAMConfig: null,
		Links: null,
		Aliases: null,
		MacAddress: '',
		NetworkID: digest(networkName(c)),
		EndpointID: up ? digest(`${c.id}/endpoint`) : '',
		Gateway: up ? '172.18.0.1' : '',
		IPAddress: up ? '172.18.0.2' : '',
		IPPrefixLen: up ? 16 : 0,
		IPv6Gateway: '',
		GlobalIPv6Address: '',
		GlobalIPv6PrefixLen: 0,
		DriverOpts: null,
		DNSNames: null,
	};
}

/** @param {{ Source: string, Destination: string }} m */
function mount(m) {
	return {
		Type: 'bind',
		Source: m.Source,
		Destination: m.Destination,
		Mode: 'rw',
		RW: true,
		Propagation: 'rprivate',
	};
}

/** The `/containers/{id}/json` object. @param {EngineContainer} c */
function inspectObject(c) {
	const running = c.state === 'running' || c.state === 'paused' || c.state === 'restarting';
	const up = c.state === 'running' || c.state === 'paused';
	/** @type {Record<string, {}>} */
	const exposed = {};
	/** @type {Record<string, { HostIp: string, HostPort: string }[] | null>} */
	const bindings = {};
	for (const p of c.ports) {
		const key = `${p.PrivatePort}/${p.Type}`;
		exposed[key] = {};
		if (p.PublicPort !== undefined) {
			bindings[key] = [
				...(bindings[key] ?? []),
				{ HostIp: p.IP ?? '', HostPort: String(p.PublicPort) },
			];
		} else if (!(key in bindings)) bindings[key] = null;
	}
	const [pathName = '', ...args] = c.cmd;
	return {
		Id: c.id,
		Created: isoTime(c.created),
		Path: pathName,
		Args: args,
		State: {
			Status: c.state,
			Running: running,
			Paused: c.state === 'paused',
			Restarting: c.state === 'restarting',
			OOMKilled: c.oomKilled === true,
			Dead: c.state === 'dead',
			Pid: c.pid,
			ExitCode: c.exitCode,
			Error: '',
			StartedAt: isoTime(c.startedAt),
			FinishedAt: isoTime(c.finishedAt),
			...(c.health
				? {
						Health: {
							Status: c.health,
							FailingStreak: c.health === 'unhealthy' ? 3 : 0,
							Log: [],
						},
					}
				: {}),
		},
		Image: `sha256:${digest(c.image)}`,
		ResolvConfPath: `/var/lib/docker/containers/${c.id}/resolv.conf`,
		HostnamePath: `/var/lib/docker/containers/${c.id}/hostname`,
		HostsPath: `/var/lib/docker/containers/${c.id}/hosts`,
		LogPath: `/var/lib/docker/containers/${c.id}/${c.id}-json.log`,
		Name: `/${c.name}`,
		RestartCount: c.restartCount,
		Driver: 'overlay2',
		Platform: 'linux',
		MountLabel: '',
		ProcessLabel: '',
		AppArmorProfile: '',
		ExecIDs: null,
		HostConfig: {
			Binds: c.mounts.map((m) => `${m.Source}:${m.Destination}:rw`),
			NetworkMode: networkName(c),
			PortBindings: Object.fromEntries(Object.entries(bindings).filter(([, v]) => v !== null)),
			RestartPolicy: { Name: 'no', MaximumRetryCount: 0 },
			LogConfig: { Type: 'json-file', Config: {} },
		},
		Mounts: c.mounts.map(mount),
		Config: {
			Hostname: c.id.slice(0, 12),
			Domainname: '',
			User: '',
			AttachStdin: false,
			AttachStdout: true,
			AttachStderr: true,
			ExposedPorts: exposed,
			Tty: false,
			OpenStdin: false,
			StdinOnce: false,
			Env: [...c.env],
			Cmd: args.length || pathName ? [...c.cmd] : null,
			Image: c.image,
			Volumes: null,
			WorkingDir: '',
			Entrypoint: null,
			OnBuild: null,
			Labels: { ...c.labels },
		},
		NetworkSettings: {
			SandboxID: running ? digest(`${c.id}/sandbox`) : '',
			SandboxKey: running ? `/var/run/docker/netns/${c.id.slice(0, 12)}` : '',
			Ports: up ? bindings : {},
			Networks: { [networkName(c)]: network(c) },
		},
	};
}

/**
 * Filters as the CLI sends them (`{"name":{"milvus":true}}`) or as older clients did (`{"name":["milvus"]}`).
 * @param {string | undefined} raw
 * @returns {Record<string, string[]>}
 */
function parseFilters(raw) {
	if (!raw) return {};
	let parsed;
	try {
		parsed = JSON.parse(raw);
	} catch {
		throw new EngineError(400, `invalid filter: ${raw}`);
	}
	/** @type {Record<string, string[]>} */
	const out = {};
	for (const [k, v] of Object.entries(parsed ?? {})) {
		out[k] = Array.isArray(v) ? v.map(String) : Object.keys(/** @type {object} */ (v ?? {}));
	}
	return out;
}

/** @param {EngineContainer} c @param {Record<string, string[]>} filters */
function matches(c, filters) {
	for (const [key, values] of Object.entries(filters)) {
		if (!values.length) continue;
		const ok = values.some((v) => {
			switch (key) {
				case 'name':
					try {
						return new RegExp(v).test(`/${c.name}`);
					} catch {
						throw new EngineError(400, `invalid filter 'name=${v}'`);
					}
				case 'id':
					return c.id.startsWith(v);
				case 'status':
					return c.state === v;
				case 'exited':
					return c.state === 'exited' && String(c.exitCode) === v;
				case 'ancestor':
					return c.image === v || c.image.split(':')[0] === v;
				case 'health':
					return (c.health ?? 'none') === v;
				case 'label': {
					const eq = v.indexOf('=');
					return eq < 0 ? v in c.labels : c.labels[v.slice(0, eq)] === v.slice(eq + 1);
				}
				default:
					throw new EngineError(400, `invalid filter '${key}'`);
			}
		});
		if (!ok) return false;
	}
	return true;
}

/** One frame of a multiplexed stream: stream type, three zero bytes, big-endian length. @param {1 | 2} type @param {Buffer} data */
export function frame(type, data) {
	const head = Buffer.alloc(8);
	head[0] = type;
	head.writeUInt32BE(data.length, 4);
	return Buffer.concat([head, data]);
}

/**
 * A ustar header block. @param {string} name @param {{ size: number, mode: number, mtime: number, type: '0' | '2' | '5', link?: string }} e
 */
function tarHeader(name, e) {
	const h = Buffer.alloc(512);
	let prefix = '';
	if (Buffer.byteLength(name) > 100) {
		const cut = name.lastIndexOf('/', name.length - 2);
		prefix = name.slice(0, cut);
		name = name.slice(cut + 1);
	}
	const octal = (/** @type {number} */ off, /** @type {number} */ len, /** @type {number} */ v) =>
		h.write(`${v.toString(8).padStart(len - 1, '0')}\0`, off, len, 'ascii');
	h.write(name, 0, 100, 'utf8');
	octal(100, 8, e.mode & 0o7777);
	octal(108, 8, 0);
	octal(116, 8, 0);
	octal(124, 12, e.size);
	octal(136, 12, Math.floor(e.mtime / 1000));
	h.fill(0x20, 148, 156);
	h.write(e.type, 156, 1, 'ascii');
	if (e.link) h.write(e.link, 157, 100, 'utf8');
	h.write('ustar\0', 257, 6, 'ascii');
	h.write('00', 263, 2, 'ascii');
	h.write(prefix, 345, 155, 'utf8');
	let sum = 0;
	for (const b of h) sum += b;
	h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'ascii');
	return h;
}

/** A tar of a host file or folder, its entries named from `name` down. @param {string} host @param {string} name */
function tar(host, name) {
	/** @type {Buffer[]} */
	const out = [];
	/** @param {string} p @param {string} n */
	const walk = (p, n) => {
		const st = fs.lstatSync(p);
		if (st.isSymbolicLink()) {
			out.push(
				tarHeader(n, {
					size: 0,
					mode: 0o777,
					mtime: st.mtimeMs,
					type: '2',
					link: fs.readlinkSync(p),
				}),
			);
		} else if (st.isDirectory()) {
			out.push(tarHeader(`${n}/`, { size: 0, mode: st.mode, mtime: st.mtimeMs, type: '5' }));
			for (const child of fs.readdirSync(p).sort()) walk(path.join(p, child), `${n}/${child}`);
		} else {
			const data = fs.readFileSync(p);
			out.push(tarHeader(n, { size: data.length, mode: st.mode, mtime: st.mtimeMs, type: '0' }));
			out.push(data, Buffer.alloc((512 - (data.length % 512)) % 512));
		}
	};
	walk(host, name);
	out.push(Buffer.alloc(1024));
	return Buffer.concat(out);
}

/** @param {http.IncomingMessage | import('node:stream').Readable} req @param {Buffer} [first] */
async function readBody(req, first) {
	/** @type {Buffer[]} */
	const chunks = first ? [first] : [];
	for await (const c of req) chunks.push(Buffer.from(c));
	return Buffer.concat(chunks);
}

/**
 * Serves the Docker Engine API for `backend` on a unix socket.
 * @param {{ socketPath: string, backend: EngineBackend }} options
 * @returns {Promise<DockerEngine>}
 */
export async function serveDockerEngine({ socketPath, backend }) {
	const now = backend.now ?? (() => Date.now());
	/** @type {EngineRequest[]} */
	const requests = [];
	/** @type {Map<string, { id: string, container: EngineContainer, spec: ExecSpec, running: boolean, exitCode: number | null, pid: number }>} */
	const execs = new Map();

	/** @param {string} ref */
	const find = async (ref) => {
		const all = await backend.list();
		const name = ref.replace(/^\//, '');
		const hit =
			all.find((c) => c.id === ref) ??
			all.find((c) => c.name === name) ??
			(ref.length > 0 ? all.filter((c) => c.id.startsWith(ref)) : []).at(0);
		if (!hit) throw new EngineError(404, `No such container: ${ref}`);
		return hit;
	};

	/**
	 * @param {string} method
	 * @param {string[]} parts path segments after the version prefix
	 * @param {URLSearchParams} q
	 * @param {EngineRequest} log
	 * @param {http.IncomingMessage} req
	 * @param {http.ServerResponse} res
	 */
	const route = async (method, parts, q, log, req, res) => {
		const [top, ref = '', action = ''] = parts;
		const json = (/** @type {number} */ status, /** @type {unknown} */ body) => {
			res.writeHead(status, { 'Content-Type': 'application/json' });
			res.end(`${JSON.stringify(body)}\n`);
		};
		if (top === '_ping' && parts.length === 1 && (method === 'GET' || method === 'HEAD')) {
			res.writeHead(200, {
				'Content-Type': 'text/plain; charset=utf-8',
				'Cache-Control': 'no-cache, no-store, must-revalidate',
				Pragma: 'no-cache',
				Swarm: 'inactive',
				'Builder-Version': '2',
			});
			res.end(method === 'HEAD' ? undefined : 'OK');
			return;
		}
		if (top === 'version' && method === 'GET') {
			const details = {
				ApiVersion: API_VERSION,
				Arch: 'amd64',
				BuildTime: '2025-04-18T09:52:10.000000000+00:00',
				Experimental: 'false',
				GitCommit: '01f442b',
				GoVersion: 'go1.23.8',
				KernelVersion: 'stand-in',
				MinAPIVersion: MIN_API_VERSION,
				Os: 'linux',
			};
			json(200, {
				Platform: { Name: 'Docker Engine stand-in (milvus-rescue tools/standin)' },
				Components: [{ Name: 'Engine', Version: ENGINE_VERSION, Details: details }],
				Version: ENGINE_VERSION,
				ApiVersion: API_VERSION,
				MinAPIVersion: MIN_API_VERSION,
				GitCommit: details.GitCommit,
				GoVersion: details.GoVersion,
				Os: 'linux',
				Arch: 'amd64',
				KernelVersion: details.KernelVersion,
				BuildTime: details.BuildTime,
			});
			return;
		}
		if (top === 'info' && method === 'GET') {
			const all = await backend.list();
			const count = (/** @type {(c: EngineContainer) => boolean} */ f) => all.filter(f).length;
			json(200, {
				ID: digest('stand-in engine'),
				Containers: all.length,
				ContainersRunning: count((c) => c.state === 'running' || c.state === 'restarting'),
				ContainersPaused: count((c) => c.state === 'paused'),
				ContainersStopped: count((c) => !['running', 'restarting', 'paused'].includes(c.state)),
				Images: new Set(all.map((c) => c.image)).size,
				Driver: 'overlay2',
				LoggingDriver: 'json-file',
				CgroupDriver: 'systemd',
				CgroupVersion: '2',
				KernelVersion: 'stand-in',
				OperatingSystem: 'Docker Engine stand-in',
				OSType: 'linux',
				Architecture: 'x86_64',
				NCPU: 2,
				MemTotal: 8 * 1024 ** 3,
				DockerRootDir: '/var/lib/docker',
				Name: 'standin',
				ServerVersion: ENGINE_VERSION,
				Swarm: {
					NodeID: '',
					NodeAddr: '',
					LocalNodeState: 'inactive',
					ControlAvailable: false,
					Error: '',
					RemoteManagers: null,
				},
				Warnings: null,
			});
			return;
		}
		if (top === 'containers' && ref === 'json' && parts.length === 2 && method === 'GET') {
			const all = q.get('all') === '1' || q.get('all') === 'true';
			const filters = parseFilters(q.get('filters') ?? undefined);
			const t = now();
			let list = (await backend.list())
				.filter(
					(c) => all || c.state === 'running' || c.state === 'restarting' || c.state === 'paused',
				)
				.filter((c) => matches(c, filters))
				// newest first, as dockerd lists them
				.sort((a, b) => b.created - a.created);
			const limit = Number(q.get('limit') ?? -1);
			if (limit > 0) list = list.slice(0, limit);
			const size = q.get('size') === '1' || q.get('size') === 'true';
			json(
				200,
				list.map((c) => ({ ...summary(c, t), ...(size ? { SizeRw: 0, SizeRootFs: 0 } : {}) })),
			);
			return;
		}
		if (top === 'containers' && parts.length >= 3) {
			const c = await find(decodeURIComponent(ref));
			log.container = c.name;
			if (action === 'json' && method === 'GET') return json(200, inspectObject(c));
			if (action === 'logs' && method === 'GET') return logs(c, q, res);
			if (method === 'POST' && (action === 'start' || action === 'stop' || action === 'restart')) {
				const up = c.state === 'running' || c.state === 'restarting' || c.state === 'paused';
				const timeout = Number(q.get('t') ?? q.get('timeout') ?? 10);
				if (action === 'start') {
					if (up) return res.writeHead(304).end();
					if (!backend.start) throw new EngineError(500, `the stand-in cannot start ${c.name}`);
					await backend.start(c);
				} else if (action === 'stop') {
					if (!up) return res.writeHead(304).end();
					if (!backend.stop) throw new EngineError(500, `the stand-in cannot stop ${c.name}`);
					await backend.stop(c, timeout);
				} else {
					if (!backend.restart) throw new EngineError(500, `the stand-in cannot restart ${c.name}`);
					await backend.restart(c, timeout);
				}
				return res.writeHead(204).end();
			}
			if (action === 'exec' && method === 'POST') {
				const body = JSON.parse((await readBody(req)).toString('utf8') || '{}');
				if (c.state !== 'running') throw new EngineError(409, `container ${c.id} is not running`);
				if (!Array.isArray(body.Cmd) || body.Cmd.length === 0)
					throw new EngineError(400, 'No exec command specified');
				if (!backend.exec) throw new EngineError(500, `the stand-in runs no process in ${c.name}`);
				const id = newId();
				execs.set(id, {
					id,
					container: c,
					spec: {
						cmd: body.Cmd.map(String),
						env: Array.isArray(body.Env) ? body.Env.map(String) : [],
						workdir: typeof body.WorkingDir === 'string' ? body.WorkingDir : '',
						stdin: body.AttachStdin === true,
					},
					running: false,
					exitCode: null,
					pid: 0,
				});
				return json(201, { Id: id });
			}
			if (action === 'archive' && (method === 'GET' || method === 'HEAD')) {
				return archive(c, q.get('path') ?? '', method, res);
			}
		}
		if (top === 'exec' && parts.length === 3) {
			const e = execs.get(ref);
			if (!e) throw new EngineError(404, `No such exec instance: ${ref}`);
			log.container = e.container.name;
			if (action === 'json' && method === 'GET') {
				return json(200, {
					ID: e.id,
					Running: e.running,
					ExitCode: e.exitCode,
					ProcessConfig: {
						tty: false,
						entrypoint: e.spec.cmd[0],
						arguments: e.spec.cmd.slice(1),
						privileged: false,
					},
					OpenStdin: e.spec.stdin,
					OpenStderr: true,
					OpenStdout: true,
					CanRemove: false,
					ContainerID: e.container.id,
					DetachKeys: '',
					Pid: e.pid,
				});
			}
			if (action === 'resize' && method === 'POST') return res.writeHead(200).end();
			if (action === 'start' && method === 'POST')
				throw new EngineError(400, 'the stand-in runs exec only attached (docker exec without -d)');
		}
		if (method === 'GET' && parts.length >= 2) {
			const name = decodeURIComponent(ref);
			// What `docker inspect` tries after containers; the CLI words the final "No such object".
			if (top === 'images') throw new EngineError(404, `No such image: ${name}`);
			if (top === 'networks') throw new EngineError(404, `network ${name} not found`);
			if (top === 'volumes') throw new EngineError(404, `get ${name}: no such volume`);
			if (top === 'plugins') throw new EngineError(404, `plugin "${name}" not found`);
		}
		throw new EngineError(404, 'page not found');
	};

	/**
	 * `docker cp` out of a container: the path's stat in `X-Docker-Container-Path-Stat`, and for GET a tar
	 * of it (a folder with everything under it).
	 * @param {EngineContainer} c
	 * @param {string} inner
	 * @param {string} method
	 * @param {http.ServerResponse} res
	 */
	const archive = (c, inner, method, res) => {
		const host = backend.hostPath?.(c, inner) ?? null;
		let st;
		try {
			st = host === null ? null : fs.lstatSync(host);
		} catch {
			st = null;
		}
		if (!host || !st)
			throw new EngineError(404, `Could not find the file ${inner} in container ${c.name}`);
		const name = path.posix.basename(inner) || '/';
		const stat = {
			name,
			size: st.size,
			// Go's os.FileMode: permission bits plus ModeDir (1 << 31) or ModeSymlink (1 << 27)
			mode:
				(st.mode & 0o777) + (st.isDirectory() ? 2 ** 31 : 0) + (st.isSymbolicLink() ? 2 ** 27 : 0),
			mtime: new Date(st.mtimeMs).toISOString(),
			linkTarget: st.isSymbolicLink() ? fs.readlinkSync(host) : '',
		};
		res.writeHead(200, {
			'Content-Type': 'application/x-tar',
			'X-Docker-Container-Path-Stat': Buffer.from(JSON.stringify(stat)).toString('base64'),
		});
		if (method === 'HEAD') return res.end();
		res.end(tar(host, name));
	};

	/** @param {EngineContainer} c @param {URLSearchParams} q @param {http.ServerResponse} res */
	const logs = async (c, q, res) => {
		const flag = (/** @type {string} */ k) => q.get(k) === '1' || q.get(k) === 'true';
		const wantOut = flag('stdout');
		const wantErr = flag('stderr');
		if (!wantOut && !wantErr)
			throw new EngineError(400, 'Bad parameters: you must choose at least one stream');
		const stamps = flag('timestamps');
		const since = Number(q.get('since') ?? 0) * 1000;
		const until = Number(q.get('until') ?? 0) * 1000;
		const tailRaw = q.get('tail') ?? 'all';
		const tail = tailRaw === 'all' || tailRaw === '' ? -1 : Number(tailRaw);
		let entries = (await backend.logs(c)).filter(
			(e) => (!since || e.time >= since) && (!until || e.time <= until),
		);
		if (tail >= 0) entries = tail === 0 ? [] : entries.slice(-tail);
		const encode = (/** @type {LogEntry} */ e) =>
			frame(
				e.stream === 'stdout' ? 1 : 2,
				Buffer.from(`${stamps ? `${isoTime(e.time)} ` : ''}${e.line}`),
			);
		const chosen = (/** @type {LogEntry} */ e) => (e.stream === 'stdout' ? wantOut : wantErr);
		res.writeHead(200, { 'Content-Type': 'application/vnd.docker.multiplexed-stream' });
		for (const e of entries) if (chosen(e)) res.write(encode(e));
		const live = c.state === 'running' || c.state === 'restarting';
		if (!flag('follow') || !live || !backend.follow) {
			res.end();
			return;
		}
		const stop = backend.follow(c, (e) => {
			if (e === null) {
				stop();
				res.end();
			} else if (chosen(e)) res.write(encode(e));
		});
		res.on('close', stop);
	};

	/**
	 * `POST /exec/{id}/start` with `Upgrade: tcp`: answer 101, then the process's output as frames on the
	 * raw socket; stdin, if attached, is whatever the client sends after the JSON body.
	 * @param {http.IncomingMessage} req
	 * @param {import('node:stream').Duplex} socket
	 * @param {Buffer} head
	 */
	const hijack = async (req, socket, head) => {
		const url = new URL(req.url ?? '/', 'http://docker');
		const parts = url.pathname.split('/').filter(Boolean);
		if (/^v[0-9.]+$/.test(parts[0] ?? '')) parts.shift();
		requests.push({
			method: req.method ?? 'POST',
			path: `/${parts.join('/')}`,
			query: Object.fromEntries(url.searchParams),
			container: null,
		});
		const e = parts[0] === 'exec' && parts[2] === 'start' ? execs.get(parts[1] ?? '') : undefined;
		if (!e || !backend.exec) {
			const msg = JSON.stringify({ message: `No such exec instance: ${parts[1] ?? ''}` });
			socket.end(
				`HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: ${msg.length + 1}\r\n\r\n${msg}\n`,
			);
			return;
		}
		/** @type {EngineRequest} */ (requests.at(-1)).container = e.container.name;
		// The JSON body arrives first; any bytes after it are the exec's stdin.
		const length = Number(req.headers['content-length'] ?? 0);
		let pending = head;
		/** @type {Buffer[]} */
		const early = [];
		while (pending.length < length) {
			const chunk = await new Promise((resolve) => socket.once('data', resolve));
			pending = Buffer.concat([pending, /** @type {Buffer} */ (chunk)]);
		}
		if (pending.length > length) early.push(pending.subarray(length));
		socket.write(
			'HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.multiplexed-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n' +
				`Api-Version: ${API_VERSION}\r\nDocker-Experimental: false\r\nOstype: linux\r\nServer: Docker/${ENGINE_VERSION} (linux)\r\n\r\n`,
		);
		e.running = true;
		const run = backend.exec(e.container, e.spec);
		if (run.stdin) {
			const stdin = run.stdin;
			for (const b of early) stdin.write(b);
			socket.on('data', (d) => stdin.write(d));
			socket.on('end', () => stdin.end());
		} else socket.resume();
		socket.on('error', () => {});
		const r = await run.done;
		if (r.error) socket.write(frame(1, Buffer.from(`${r.error}\r\n`)));
		if (r.stdout.length) socket.write(frame(1, r.stdout));
		if (r.stderr.length) socket.write(frame(2, r.stderr));
		e.exitCode = r.code;
		e.running = false;
		socket.end();
	};

	const server = http.createServer((req, res) => {
		res.setHeader('Api-Version', API_VERSION);
		res.setHeader('Docker-Experimental', 'false');
		res.setHeader('Ostype', 'linux');
		res.setHeader('Server', `Docker/${ENGINE_VERSION} (linux)`);
		const url = new URL(req.url ?? '/', 'http://docker');
		const parts = url.pathname.split('/').filter(Boolean);
		const method = req.method ?? 'GET';
		/** @type {EngineRequest} */
		const log = {
			method,
			path: '',
			query: Object.fromEntries(url.searchParams),
			container: null,
		};
		const fail = (/** @type {unknown} */ err) => {
			const status = err instanceof EngineError ? err.status : 500;
			const message = err instanceof Error ? err.message : String(err);
			if (res.headersSent) {
				res.destroy();
				return;
			}
			res.writeHead(status, { 'Content-Type': 'application/json' });
			res.end(method === 'HEAD' ? undefined : `${JSON.stringify({ message })}\n`);
		};
		const version = /^v([0-9.]+)$/.exec(parts[0] ?? '')?.[1];
		if (version !== undefined) parts.shift();
		log.path = `/${parts.join('/')}`;
		requests.push(log);
		if (version !== undefined && versionLess(API_VERSION, version)) {
			fail(
				new EngineError(
					400,
					`client version ${version} is too new. Maximum supported API version is ${API_VERSION}`,
				),
			);
			return;
		}
		if (version !== undefined && versionLess(version, MIN_API_VERSION)) {
			fail(
				new EngineError(
					400,
					`client version ${version} is too old. Minimum supported API version is ${MIN_API_VERSION}, please upgrade your client to a newer version`,
				),
			);
			return;
		}
		route(method, parts, url.searchParams, log, req, res).catch(fail);
	});
	server.on('upgrade', (req, socket, head) => {
		hijack(req, socket, head).catch(() => socket.destroy());
	});

	fs.rmSync(socketPath, { force: true });
	await new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(socketPath, () => resolve(null));
	});
	return {
		socketPath,
		host: `unix://${socketPath}`,
		requests,
		close: () =>
			new Promise((resolve) => {
				server.closeAllConnections();
				server.close(() => {
					fs.rmSync(socketPath, { force: true });
					resolve();
				});
			}),
	};
}

// ───────────────────────────── fixed scenarios ─────────────────────────────

/**
 * A container of a scenario file. Times are seconds before the moment the engine starts; the engine's
 * clock stands still at that moment, so Status texts ("Up 2 hours", "Exited (1) 20 seconds ago") read the
 * same however long a run takes.
 * @typedef {object} ScenarioContainer
 * @property {string} name
 * @property {string} [id] default: derived from the name
 * @property {string} image
 * @property {string[]} command path and arguments
 * @property {ContainerState} state
 * @property {number} [exitCode]
 * @property {number} createdAgo
 * @property {number} [startedAgo] default: createdAgo minus one second
 * @property {number} [finishedAgo] for exited and restarting containers
 * @property {'starting' | 'healthy' | 'unhealthy'} [health]
 * @property {number} [restartCount]
 * @property {string[]} [ports] `0.0.0.0:19530->19530/tcp`, `2379-2380/tcp`
 * @property {Record<string, string>} [labels] added to the compose labels
 * @property {string | null} [project] compose project, default `milvus`; null: no compose labels
 * @property {{ Source: string, Destination: string }[]} [mounts]
 * @property {string[]} [env]
 * @property {{ stdout?: string, stderr?: string }} [logs] files relative to the scenario file
 */

/**
 * @typedef {object} Scenario
 * @property {boolean} daemonDown no daemon: nothing listens on the socket
 * @property {EngineBackend} backend
 */

/**
 * Reads a scenario file: `{ "containers": [ScenarioContainer…] }`, or `{ "daemon": "down" }`.
 * @param {string} file
 * @returns {Scenario}
 */
export function loadScenario(file) {
	const spec = JSON.parse(fs.readFileSync(file, 'utf8'));
	return scenarioFromSpec(spec, path.dirname(file));
}

/**
 * @param {{ daemon?: 'down', containers?: ScenarioContainer[] }} spec
 * @param {string} [baseDir] where log file names are resolved
 * @returns {Scenario}
 */
export function scenarioFromSpec(spec, baseDir = '.') {
	const t0 = Date.now();
	const ago = (/** @type {number} */ s) => t0 - Math.round(s * 1000);
	/** @type {Map<string, LogEntry[]>} */
	const logs = new Map();
	const containers = (spec.containers ?? []).map((s) => {
		const project = s.project === undefined ? 'milvus' : s.project;
		const service = s.name.replace(/^milvus-/, '');
		const created = ago(s.createdAgo);
		const started =
			s.state === 'created' ? null : ago(s.startedAgo ?? Math.max(0, s.createdAgo - 1));
		const finished =
			s.state === 'exited' || s.state === 'restarting' || s.state === 'dead'
				? ago(s.finishedAgo ?? 0)
				: null;
		/** @type {EngineContainer} */
		const c = {
			id: s.id ?? digest(`stand-in container ${s.name}`),
			name: s.name,
			image: s.image,
			cmd: s.command,
			created,
			state: s.state,
			exitCode: s.exitCode ?? 0,
			startedAt: started,
			finishedAt: finished,
			health: s.state === 'running' ? (s.health ?? null) : null,
			restartCount: s.restartCount ?? 0,
			ports: (s.ports ?? []).flatMap(parsePorts),
			labels: {
				...(project
					? {
							'com.docker.compose.project': project,
							'com.docker.compose.service': service,
							'com.docker.compose.container-number': '1',
							'com.docker.compose.oneoff': 'False',
							'com.docker.compose.image': `sha256:${digest(s.image)}`,
						}
					: {}),
				...s.labels,
			},
			mounts: s.mounts ?? [],
			env: s.env ?? [],
			pid: s.state === 'running' ? 1000 + (spec.containers ?? []).indexOf(s) : 0,
		};
		/** @type {LogEntry[]} */
		const entries = [];
		const at = started ?? created;
		for (const stream of /** @type {const} */ (['stdout', 'stderr'])) {
			const f = s.logs?.[stream];
			if (!f) continue;
			const text = fs.readFileSync(path.resolve(baseDir, f), 'utf8');
			for (const line of text.split(/(?<=\n)/)) {
				if (line) entries.push({ stream, line, time: at + entries.length });
			}
		}
		logs.set(c.id, entries);
		return c;
	});
	return {
		daemonDown: spec.daemon === 'down',
		backend: {
			list: () => containers,
			now: () => t0,
			logs: (c) => logs.get(c.id) ?? [],
		},
	};
}
