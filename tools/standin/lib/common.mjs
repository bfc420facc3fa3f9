// @ts-check
/** Small pieces shared by the supervisor, the CLIs and the Node API. */
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** The mount path of the etcd data volume inside the Bitnami image. */
export const VOLUME_MOUNT = '/bitnami/etcd';

/**
 * @param {string} dir
 * @returns {{ port: number, pid: number } | null}
 */
export function readApiInfo(dir) {
	try {
		return JSON.parse(fs.readFileSync(path.join(dir, 'api.json'), 'utf8'));
	} catch {
		return null;
	}
}

/**
 * Sends one request to the supervisor. Resolves with its JSON answer; rejects with code 'ECONNREFUSED'-like
 * errors when the supervisor is gone.
 * @param {string} dir
 * @param {Record<string, unknown>} body
 * @param {number} [timeoutMs]
 * @returns {Promise<any>}
 */
export function callApi(dir, body, timeoutMs = 120_000) {
	const info = readApiInfo(dir);
	if (!info)
		return Promise.reject(Object.assign(new Error('no api.json'), { code: 'ECONNREFUSED' }));
	const data = Buffer.from(JSON.stringify(body));
	return new Promise((resolve, reject) => {
		const req = http.request(
			{
				host: '127.0.0.1',
				port: info.port,
				method: 'POST',
				path: '/op',
				// A fresh connection per call: Node 20's keep-alive agent would reuse a socket the
				// supervisor already closed, and the call would fail with "socket hang up".
				agent: false,
				headers: { 'content-type': 'application/json', 'content-length': data.length },
				timeout: timeoutMs,
			},
			(res) => {
				/** @type {Buffer[]} */
				const chunks = [];
				res.on('data', (c) => chunks.push(c));
				res.on('end', () => {
					try {
						resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
					} catch (e) {
						reject(e);
					}
				});
			},
		);
		req.on('timeout', () =>
			req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })),
		);
		req.on('error', reject);
		req.end(data);
	});
}

/** Where ports handed out by `reservePort` are claimed, one file per port holding the owner's pid. */
const PORT_CLAIMS = path.join(os.tmpdir(), 'milvus-rescue-ports');
/** @type {Set<string>} */
const claimedHere = new Set();

/**
 * The ports `reservePort` hands out: below the kernel's ephemeral range, which outgoing connections and
 * `listen(0)` draw from; `MILVUS_RESCUE_STANDIN_PORTS=first-last` sets them instead.
 * @returns {[number, number]} first and last port
 */
function reservableRange() {
	const set = /^(\d+)-(\d+)$/.exec(process.env.MILVUS_RESCUE_STANDIN_PORTS ?? '');
	if (set) return [Number(set[1]), Number(set[2])];
	let ephemeralLow = 32768;
	try {
		const [low] = fs
			.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
			.trim()
			.split(/\s+/);
		if (Number(low) > 0) ephemeralLow = Number(low);
	} catch {
		/* not Linux: keep the usual default */
	}
	const last = Math.min(ephemeralLow, 32768) - 1;
	return [Math.min(15000, last - 2000), last];
}

/** @param {number} pid */
function isAlive(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch (e) {
		return /** @type {NodeJS.ErrnoException} */ (e).code === 'EPERM';
	}
}

/**
 * Claims `port` for this process: creates its claim file, or takes over one whose owner has died.
 * @param {number} port
 */
function claim(port) {
	const file = path.join(PORT_CLAIMS, String(port));
	for (let attempt = 0; attempt < 2; attempt++) {
		try {
			fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
			claimedHere.add(file);
			return true;
		} catch (e) {
			if (/** @type {NodeJS.ErrnoException} */ (e).code !== 'EEXIST') throw e;
		}
		const owner = Number(fs.readFileSync(file, 'utf8').trim() || '0');
		if (owner > 0 && isAlive(owner)) return false;
		fs.rmSync(file, { force: true });
	}
	return false;
}

/** @param {number} port */
function canListen(port) {
	return new Promise((resolve) => {
		const srv = net.createServer();
		srv.unref();
		srv.once('error', () => resolve(false));
		srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
	});
}

/**
 * A TCP port on 127.0.0.1 that stays this process's until it exits. An etcd member keeps its ports across
 * restarts and sits unbound between them, so a port merely free a moment ago (bind 0, close) can meanwhile
 * become another test's member or an outgoing connection's source port, and the member then crash-loops on
 * "address already in use". So ports come from below the ephemeral range, claimed in a file that every
 * stand-in and test process on the machine respects; the claim goes when the process exits.
 * @returns {Promise<number>}
 */
export async function reservePort() {
	fs.mkdirSync(PORT_CLAIMS, { recursive: true });
	const [first, last] = reservableRange();
	const size = last - first + 1;
	const start = Math.floor(Math.random() * size);
	for (let i = 0; i < size; i++) {
		const port = first + ((start + i) % size);
		if (!claim(port)) continue;
		if (await canListen(port)) return port;
		releasePort(port);
	}
	throw new Error(`no free port left in ${first}-${last}`);
}

/**
 * Gives a port from `reservePort` back before the process exits.
 * @param {number} port
 */
export function releasePort(port) {
	const file = path.join(PORT_CLAIMS, String(port));
	if (claimedHere.delete(file)) fs.rmSync(file, { force: true });
}

process.on('exit', () => {
	for (const file of claimedHere) fs.rmSync(file, { force: true });
});

/** @param {number} ms */
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Kubernetes-style age: 5s, 3m12s, 2h, 4d.
 * @param {number} ms
 */
export function age(ms) {
	const s = Math.max(0, Math.floor(ms / 1000));
	if (s < 120) return `${s}s`;
	const m = Math.floor(s / 60);
	if (m < 10) return `${m}m${s % 60 ? `${s % 60}s` : ''}`;
	if (m < 180) return `${m}m`;
	const h = Math.floor(m / 60);
	if (h < 48) return `${h}h`;
	return `${Math.floor(h / 24)}d`;
}

/**
 * Left-aligned columns separated by three spaces, like kubectl's tabwriter.
 * @param {string[][]} rows
 */
export function table(rows) {
	/** @type {number[]} */
	const widths = [];
	for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
	return rows
		.map((r) =>
			r
				.map((c, i) => (i === r.length - 1 ? c : c.padEnd((widths[i] ?? 0) + 3)))
				.join('')
				.trimEnd(),
		)
		.join('\n');
}

/**
 * Replaces every occurrence of `from` by `to` in a buffer (byte-level, so binary output survives).
 * @param {Buffer} buf
 * @param {string} from
 * @param {string} to
 */
export function replaceInBuffer(buf, from, to) {
	const f = Buffer.from(from);
	const t = Buffer.from(to);
	let i = buf.indexOf(f);
	if (i < 0) return buf;
	/** @type {Buffer[]} */
	const parts = [];
	let start = 0;
	while (i >= 0) {
		parts.push(buf.subarray(start, i), t);
		start = i + f.length;
		i = buf.indexOf(f, start);
	}
	parts.push(buf.subarray(start));
	return Buffer.concat(parts);
}

/**
 * Parses a label selector of the equality form kubectl accepts (`a=b,c!=d,e`).
 * @param {string} sel
 * @returns {(labels: Record<string, string> | undefined) => boolean}
 */
export function labelMatcher(sel) {
	const terms = sel
		.split(',')
		.map((s) => s.trim())
		.filter(Boolean)
		.map((t) => {
			let m = /^([^!=\s]+)\s*!=\s*(.*)$/.exec(t);
			if (m) return { key: m[1] ?? '', op: '!=', value: m[2] ?? '' };
			m = /^([^!=\s]+)\s*==?\s*(.*)$/.exec(t);
			if (m) return { key: m[1] ?? '', op: '=', value: m[2] ?? '' };
			if (t.startsWith('!')) return { key: t.slice(1), op: '!', value: '' };
			return { key: t, op: 'exists', value: '' };
		});
	return (labels = {}) =>
		terms.every((t) => {
			const v = labels[t.key];
			if (t.op === '=') return v === t.value;
			if (t.op === '!=') return v !== t.value;
			if (t.op === '!') return v === undefined;
			return v !== undefined;
		});
}

/**
 * Overwrites the records after the WAL header with garbage: etcd fails to replay it on every start, while
 * member/snap/db stays readable for offline recovery.
 * @param {string} walDir
 */
export function corruptWal(walDir) {
	let files = [];
	try {
		files = fs
			.readdirSync(walDir)
			.filter((f) => f.endsWith('.wal'))
			.sort();
	} catch {
		return;
	}
	const last = files[files.length - 1];
	if (!last) return;
	const f = path.join(walDir, last);
	const fd = fs.openSync(f, 'r+');
	const junk = Buffer.alloc(64 * 1024, 0xa5);
	fs.writeSync(fd, junk, 0, junk.length, 256);
	fs.closeSync(fd);
}
