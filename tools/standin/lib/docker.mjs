// @ts-check
/**
 * The stand-in `docker`: ps, logs, exec, stop/start/restart, cp and inspect against the compose model.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { age, callApi, replaceInBuffer, table } from './common.mjs';

class DockerError extends Error {
	/** @param {string} msg @param {number} [code] */
	constructor(msg, code = 1) {
		super(msg);
		this.code = code;
	}
}

/** @param {NodeJS.WritableStream} s @param {string | Buffer} d */
const write = (s, d) => new Promise((r) => s.write(d, () => r(null)));

let dir = '';

/** @param {Record<string, unknown>} body */
async function api(body) {
	let r;
	try {
		r = await callApi(dir, body);
	} catch {
		throw new DockerError(
			'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?',
		);
	}
	if (!r.ok) throw new DockerError(r.error);
	return r;
}

/** @param {any} c */
function status(c) {
	if (c.running)
		return `Up ${human(Date.now() - c.startedAt)}${c.name === 'milvus-etcd' ? ' (healthy)' : ''}`;
	if (!c.finishedAt) return 'Created';
	return `Exited (${c.exitCode}) ${human(Date.now() - c.finishedAt)} ago`;
}

/** @param {number} ms */
function human(ms) {
	const s = Math.floor(ms / 1000);
	if (s < 60) return s < 2 ? 'Less than a second' : `${s} seconds`;
	const m = Math.floor(s / 60);
	return m === 1 ? 'About a minute' : `${m} minutes`;
}

/**
 * `{{.State.Status}}`-style Go templates over an object: field paths and `json`.
 * @param {string} tpl
 * @param {any} obj
 */
function goTemplate(tpl, obj) {
	return tpl.replace(/\{\{\s*(json\s+)?\.?([A-Za-z0-9_.]*)\s*\}\}/g, (_all, json, p) => {
		let v = obj;
		for (const k of String(p).split('.').filter(Boolean)) v = v?.[k];
		if (json) return JSON.stringify(v ?? null);
		return v === undefined || v === null
			? '<no value>'
			: typeof v === 'object'
				? JSON.stringify(v)
				: String(v);
	});
}

/** @param {any} c */
function inspectObject(c) {
	return {
		Id: c.id,
		Created: new Date(c.created).toISOString(),
		Name: `/${c.name}`,
		State: {
			Status: c.running ? 'running' : c.finishedAt ? 'exited' : 'created',
			Running: c.running,
			ExitCode: c.exitCode,
			StartedAt: c.startedAt ? new Date(c.startedAt).toISOString() : '0001-01-01T00:00:00Z',
			FinishedAt: c.finishedAt ? new Date(c.finishedAt).toISOString() : '0001-01-01T00:00:00Z',
			...(c.name === 'milvus-etcd'
				? { Health: { Status: c.running ? 'healthy' : 'unhealthy' } }
				: {}),
		},
		Config: {
			Image: c.image,
			Cmd: c.command.split(' '),
			Labels: {
				'com.docker.compose.project': 'milvus',
				'com.docker.compose.service': c.name.replace(/^milvus-/, ''),
			},
		},
		Mounts: [{ Type: 'bind', Source: c.volume, Destination: c.mount, RW: true }],
	};
}

/** @param {string[]} argv */
async function ps(argv) {
	const all = argv.includes('-a') || argv.includes('--all');
	const fi = argv.indexOf('--format');
	const format = fi >= 0 ? argv[fi + 1] : argv.find((a) => a.startsWith('--format='))?.slice(9);
	const filters = argv.flatMap((a, i) =>
		argv[i - 1] === '--filter' || argv[i - 1] === '-f'
			? [a]
			: a.startsWith('--filter=')
				? [a.slice(9)]
				: [],
	);
	/** @type {any[]} */
	let cs = (await api({ op: 'ps' })).containers;
	if (!all) cs = cs.filter((c) => c.running);
	for (const f of filters) {
		const [k, v = ''] = f.split('=');
		if (k === 'name') cs = cs.filter((c) => c.name.includes(v));
		else if (k === 'status') cs = cs.filter((c) => (c.running ? 'running' : 'exited') === v);
	}
	if (argv.includes('-q') || argv.includes('--quiet')) {
		await write(process.stdout, cs.map((c) => `${c.id.slice(0, 12)}\n`).join(''));
		return 0;
	}
	if (format) {
		const rows = cs.map((c) =>
			goTemplate(format.replace(/^table\s+/, ''), {
				ID: c.id.slice(0, 12),
				Names: c.name,
				Image: c.image,
				Status: status(c),
				State: c.running ? 'running' : 'exited',
				Ports: c.ports,
				Command: JSON.stringify(c.command),
			}),
		);
		await write(process.stdout, rows.map((r) => `${r}\n`).join(''));
		return 0;
	}
	const rows = [['CONTAINER ID', 'IMAGE', 'COMMAND', 'CREATED', 'STATUS', 'PORTS', 'NAMES']];
	for (const c of cs) {
		const cmd = c.command.length > 20 ? `${c.command.slice(0, 19)}…` : c.command;
		rows.push([
			c.id.slice(0, 12),
			c.image,
			`"${cmd}"`,
			`${age(Date.now() - c.created)} ago`,
			status(c),
			c.running ? c.ports : '',
			c.name,
		]);
	}
	await write(process.stdout, `${table(rows)}\n`);
	return 0;
}

/** @param {string[]} argv */
async function logs(argv) {
	let tail;
	/** @type {string | undefined} */
	let name;
	for (let i = 0; i < argv.length; i++) {
		const a = /** @type {string} */ (argv[i]);
		if (a === '--tail' || a === '-n') tail = argv[++i];
		else if (a.startsWith('--tail=')) tail = a.slice(7);
		else if (a === '-f' || a === '--follow' || a === '-t' || a === '--timestamps') continue;
		else if (a.startsWith('-'))
			throw new DockerError(`unknown flag: ${a}\nSee 'docker logs --help'.`);
		else name = a;
	}
	if (!name)
		throw new DockerError(
			'"docker logs" requires exactly 1 argument.\nSee \'docker logs --help\'.',
		);
	const c = (await api({ op: 'get', name })).container;
	let text = fs.existsSync(c.logFile) ? fs.readFileSync(c.logFile, 'utf8') : '';
	if (tail !== undefined && tail !== 'all') {
		const lines = text.split('\n');
		if (lines[lines.length - 1] === '') lines.pop();
		text = lines.slice(-Number(tail)).join('\n') + (lines.length ? '\n' : '');
	}
	// etcd logs to stderr, and docker logs replays each stream on its own.
	await write(c.name === 'milvus-etcd' ? process.stderr : process.stdout, text);
	return 0;
}

/** @param {string[]} argv */
async function exec(argv) {
	let i = 0;
	let stdin = false;
	for (; i < argv.length; i++) {
		const a = /** @type {string} */ (argv[i]);
		if (a === '-i' || a === '-it' || a === '-ti' || a === '--interactive') stdin = true;
		else if (a === '-t' || a === '--tty') continue;
		else if (a === '-e' || a === '--env' || a === '-w' || a === '-u') i++;
		else break;
	}
	const name = argv[i];
	const cmd = argv.slice(i + 1);
	if (!name || !cmd.length)
		throw new DockerError(
			'"docker exec" requires at least 2 arguments.\nSee \'docker exec --help\'.',
		);
	const r = await api({ op: 'get', name });
	const c = r.container;
	if (!c.running)
		throw new DockerError(`Error response from daemon: container ${c.id} is not running`);
	const mount = c.mount;
	const map = (/** @type {string} */ a) =>
		a.replace(
			new RegExp(`(^|[\\s='"(:,])${mount.replace(/\//g, '\\/')}(?=\\/|$|[\\s'";),])`, 'g'),
			`$1${c.volume}`,
		);
	const args = cmd.map(map);
	const env = {
		PATH: '/usr/local/bin:/usr/bin:/bin',
		ETCDCTL_API: '3',
		...(c.name === 'milvus-etcd' ? { ETCDCTL_ENDPOINTS: r.etcdUrl } : {}),
	};
	return new Promise((resolve) => {
		const child = spawn(/** @type {string} */ (args[0]), args.slice(1), {
			env,
			cwd: c.volume,
			stdio: [stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
		});
		if (stdin && child.stdin) process.stdin.pipe(child.stdin);
		/** @type {Buffer[]} */
		const out = [];
		/** @type {Buffer[]} */
		const err = [];
		child.stdout?.on('data', (d) => out.push(d));
		child.stderr?.on('data', (d) => err.push(d));
		child.on('error', async () => {
			await write(
				process.stderr,
				`OCI runtime exec failed: exec failed: unable to start container process: exec: "${cmd[0]}": executable file not found in $PATH: unknown\n`,
			);
			resolve(126);
		});
		child.on('close', async (code) => {
			await write(process.stdout, replaceInBuffer(Buffer.concat(out), c.volume, mount));
			await write(process.stderr, replaceInBuffer(Buffer.concat(err), c.volume, mount));
			resolve(code ?? 1);
		});
	});
}

/** @param {string[]} argv */
async function cp(argv) {
	const [src, dst] = argv.filter((a) => !a.startsWith('-'));
	if (!src || !dst)
		throw new DockerError('"docker cp" requires exactly 2 arguments.\nSee \'docker cp --help\'.');
	const remote = (/** @type {string} */ s) => {
		const m = /^([A-Za-z0-9][A-Za-z0-9_.-]*):(.*)$/.exec(s);
		return m && !s.startsWith('/') && !s.startsWith('.')
			? { name: m[1] ?? '', path: m[2] ?? '' }
			: null;
	};
	const rs = remote(src);
	const rd = remote(dst);
	if ((rs && rd) || (!rs && !rd))
		throw new DockerError('copying between containers is not supported');
	const r = /** @type {{ name: string, path: string }} */ (rs ?? rd);
	const c = (await api({ op: 'get', name: r.name })).container;
	const host = (/** @type {string} */ p) => {
		if (p === c.mount || p.startsWith(`${c.mount}/`)) return c.volume + p.slice(c.mount.length);
		throw new DockerError(
			`Error response from daemon: the stand-in maps only ${c.mount} in ${c.name}`,
		);
	};
	if (rs) {
		const from = host(rs.path);
		if (!fs.existsSync(from))
			throw new DockerError(
				`Error response from daemon: Could not find the file ${rs.path} in container ${c.name}`,
			);
		fs.cpSync(
			from,
			fs.existsSync(dst) && fs.statSync(dst).isDirectory()
				? path.join(dst, path.basename(from))
				: dst,
			{ recursive: true },
		);
		await write(process.stdout, `Successfully copied ${fs.statSync(from).size}B to ${dst}\n`);
	} else if (rd) {
		if (!fs.existsSync(src))
			throw new DockerError(`lstat ${path.resolve(src)}: no such file or directory`);
		fs.cpSync(src, host(rd.path), { recursive: true });
	}
	return 0;
}

/** @param {string} op @param {string[]} names */
async function lifecycle(op, names) {
	const list = names.filter((a) => !a.startsWith('-'));
	if (!list.length)
		throw new DockerError(
			`"docker ${op}" requires at least 1 argument.\nSee 'docker ${op} --help'.`,
		);
	for (const n of list) {
		await api({ op, name: n });
		await write(process.stdout, `${n}\n`);
	}
	return 0;
}

/** @param {string[]} argv */
async function inspect(argv) {
	let format;
	/** @type {string[]} */
	const names = [];
	for (let i = 0; i < argv.length; i++) {
		const a = /** @type {string} */ (argv[i]);
		if (a === '--format' || a === '-f') format = argv[++i];
		else if (a.startsWith('--format=')) format = a.slice(9);
		else names.push(a);
	}
	const objs = [];
	for (const n of names) objs.push(inspectObject((await api({ op: 'get', name: n })).container));
	if (format) {
		const f = format;
		await write(process.stdout, objs.map((o) => `${goTemplate(f, o)}\n`).join(''));
	} else await write(process.stdout, `${JSON.stringify(objs, null, 4)}\n`);
	return 0;
}

/** @param {string[]} argv */
export async function run(argv) {
	try {
		const [cmd, ...rest] = argv;
		if (!cmd || cmd === '--help') {
			await write(
				process.stdout,
				'Usage: docker COMMAND (stand-in: ps, logs, exec, cp, start, stop, restart, inspect)\n',
			);
			return 0;
		}
		dir = process.env.STANDIN_DIR ?? '';
		if (!dir)
			throw new DockerError(
				'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?',
			);
		switch (cmd) {
			case 'ps':
				return await ps(rest);
			case 'logs':
				return await logs(rest);
			case 'exec':
				return await exec(rest);
			case 'cp':
				return await cp(rest);
			case 'start':
			case 'stop':
			case 'restart':
				return await lifecycle(cmd, rest);
			case 'inspect':
				return await inspect(rest);
			case 'compose':
				if (rest[0] === 'ps') return await ps(['-a', ...rest.slice(1)]);
				throw new DockerError(`the stand-in supports only "docker compose ps"`);
			default:
				throw new DockerError(`docker: '${cmd}' is not a docker command.\nSee 'docker --help'`);
		}
	} catch (e) {
		const msg = e instanceof Error ? e.message : String(e);
		await write(process.stderr, `${msg}\n`);
		return e instanceof DockerError ? e.code : 1;
	}
}
