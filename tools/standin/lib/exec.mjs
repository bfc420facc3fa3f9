// @ts-check
/**
 * What runs "inside" a stand-in container for `kubectl exec` and `kubectl cp`: the command runs on this
 * machine with the container's paths mapped to host folders (each volume mount to its PVC folder, `/tmp` to
 * a per-pod folder) and the pod's addresses mapped to the member's 127.0.0.1 ports; host paths in what it
 * prints are mapped back. `tar` (what kubectl cp runs) keeps the in-container member names.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { replaceInBuffer } from './common.mjs';

/**
 * @typedef {object} ExecTarget
 * @property {{ mountPath: string, hostDir: string }[]} mounts
 * @property {string} tmpDir host folder standing for /tmp
 * @property {string | null} clientUrl the pod's own etcd member (null: not an etcd pod)
 * @property {string | null} peerUrl
 * @property {string} sts StatefulSet whose pod DNS names are mapped
 * @property {Record<string, { client: number, peer: number }>} ports by ordinal
 * @property {Record<string, string>} [services] `name:port` of a Service (every DNS form of it) → the
 *   127.0.0.1 address behind it: what cluster DNS and kube-proxy do for a client in the pod
 */

/**
 * @typedef {object} ExecStreams
 * @property {string[]} command
 * @property {import('node:stream').Readable | null} stdin
 * @property {import('node:stream').Writable} stdout
 * @property {import('node:stream').Writable | null} stderr
 * @property {boolean} tty
 */

const esc = (/** @type {string} */ s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Every mapped folder, longest container path first.
 * @param {ExecTarget} t
 */
function folders(t) {
	return [...t.mounts, { mountPath: '/tmp', hostDir: t.tmpDir }].sort(
		(a, b) => b.mountPath.length - a.mountPath.length,
	);
}

/**
 * Maps in-container paths and addresses in one argument to the host.
 * @param {string} arg
 * @param {ExecTarget} t
 */
export function mapArg(arg, t) {
	const fs = folders(t);
	// One pass, so a mapped path is never mapped again.
	const re = new RegExp(
		`(^|[\\s='"(:,])(${fs.map((f) => esc(f.mountPath)).join('|')})(?=/|$|[\\s'";),])`,
		'g',
	);
	let a = arg.replace(re, (all, pre, p) => {
		const f = fs.find((x) => x.mountPath === p);
		return f ? `${pre}${f.hostDir}` : all;
	});
	a = a.replace(
		new RegExp(`${esc(t.sts)}-(\\d+)(?:\\.[A-Za-z0-9.-]*)?:(2379|2380)`, 'g'),
		(all, n, port) => {
			const pp = t.ports[n];
			if (!pp) return all;
			return `127.0.0.1:${port === '2379' ? pp.client : pp.peer}`;
		},
	);
	if (t.clientUrl && t.peerUrl) {
		const own = new URL(t.clientUrl).port;
		const ownPeer = new URL(t.peerUrl).port;
		a = a.replace(
			/(127\.0\.0\.1|localhost):(2379|2380)(?!\d)/g,
			(_all, _h, port) => `127.0.0.1:${port === '2379' ? own : ownPeer}`,
		);
	}
	return a;
}

/**
 * The host folder and in-container prefix of a container path, or null when nothing is mounted there.
 * @param {string} p
 * @param {ExecTarget} t
 */
function hostOf(p, t) {
	const abs = path.posix.resolve('/', p);
	for (const f of folders(t)) {
		if (abs === f.mountPath || abs.startsWith(`${f.mountPath}/`))
			return { f, rel: abs.slice(f.mountPath.length).replace(/^\//, '') };
	}
	return null;
}

/**
 * `tar cf - <paths>` as the container's GNU tar writes it: member names are the container paths without
 * the leading slash.
 * @param {string[]} paths
 * @param {ExecTarget} t
 * @param {ExecStreams} io
 * @returns {Promise<number>}
 */
async function tarCreate(paths, t, io) {
	let code = 0;
	if (paths.some((p) => p.startsWith('/')))
		io.stderr?.write("tar: Removing leading `/' from member names\n");
	for (const p of paths) {
		const h = hostOf(p, t);
		if (!h) {
			io.stderr?.write(
				`tar: ${p.replace(/^\/+/, '')}: Cannot stat: No such file or directory\ntar: Exiting with failure status due to previous errors\n`,
			);
			code = 2;
			continue;
		}
		const prefix = h.f.mountPath.replace(/^\//, '');
		if (!fs.existsSync(path.join(h.f.hostDir, h.rel))) {
			io.stderr?.write(
				`tar: ${path.posix.join(prefix, h.rel)}: Cannot stat: No such file or directory\ntar: Exiting with failure status due to previous errors\n`,
			);
			code = 2;
			continue;
		}
		const args = h.rel
			? ['-C', h.f.hostDir, '-cf', '-', `--transform=s,^,${prefix}/,`, h.rel]
			: ['-C', h.f.hostDir, '-cf', '-', `--transform=s,^\\.,${prefix},`, '.'];
		const c = await spawnRaw('tar', args, io, null, (b) =>
			replaceInBuffer(b, h.f.hostDir, h.f.mountPath),
		);
		if (c !== 0) code = c;
	}
	return code;
}

/**
 * @param {string} cmd
 * @param {string[]} args
 * @param {ExecStreams} io
 * @param {import('node:stream').Readable | null} stdin
 * @param {(b: Buffer) => Buffer} unmapErr
 * @param {{ cwd?: string, env?: NodeJS.ProcessEnv }} [opts]
 * @returns {Promise<number>}
 */
function spawnRaw(cmd, args, io, stdin, unmapErr, opts = {}) {
	return new Promise((resolve) => {
		const child = spawn(cmd, args, {
			cwd: opts.cwd,
			env: opts.env ?? { PATH: process.env.PATH ?? '/usr/bin:/bin' },
			stdio: [stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
		});
		if (stdin && child.stdin) {
			stdin.pipe(child.stdin);
			child.stdin.on('error', () => {});
		}
		child.stdout?.pipe(io.stdout, { end: false });
		/** @type {Buffer[]} */
		const err = [];
		child.stderr?.on('data', (c) => err.push(c));
		child.on('error', () => resolve(127));
		child.on('close', (code, sig) => {
			if (err.length) io.stderr?.write(unmapErr(Buffer.concat(err)));
			resolve(code ?? (sig ? 137 : 1));
		});
	});
}

/**
 * Runs one exec command in the container `t` stands for; resolves with its exit code.
 * @param {ExecTarget} t
 * @param {ExecStreams} io
 * @returns {Promise<number>}
 */
export async function runInContainer(t, io) {
	const [first, ...rest] = io.command;
	if (!first) return 1;
	// kubectl cp: `tar cf - <path>` out of the container, `tar xmf - [-C dir]` into it.
	if (path.posix.basename(first) === 'tar') {
		const flags = (rest[0] ?? '').replace(/^-/, '');
		if (/c/.test(flags) && /f/.test(flags) && rest[1] === '-')
			return tarCreate(rest.slice(2), t, io);
	}
	const unmap = (/** @type {Buffer} */ b) => {
		let x = b;
		for (const f of folders(t)) x = replaceInBuffer(x, f.hostDir, f.mountPath);
		return x;
	};
	let cmd = mapArg(first, t);
	const args = rest.map((a) => mapArg(a, t));
	if (cmd === '/opt/bitnami/etcd/bin/etcdctl') cmd = 'etcdctl';
	// curl in the pod reaches a Service by its DNS name; the URL may come on stdin (`-K -`), so the
	// name is resolved the way curl itself offers (--connect-to), not by rewriting arguments.
	if (path.posix.basename(first) === 'curl')
		args.unshift(
			...Object.entries(t.services ?? {}).flatMap(([from, to]) => [
				'--connect-to',
				`${from}:${to}`,
			]),
		);
	/** @type {NodeJS.ProcessEnv} */
	const env = { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: t.tmpDir, ETCDCTL_API: '3' };
	if (t.clientUrl) env.ETCDCTL_ENDPOINTS = t.clientUrl;
	const isTar = path.posix.basename(first) === 'tar';
	return new Promise((resolve) => {
		const child = spawn(cmd, args, {
			cwd: t.tmpDir,
			env,
			stdio: [io.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
		});
		if (io.stdin && child.stdin) {
			io.stdin.pipe(child.stdin);
			child.stdin.on('error', () => {});
		}
		/** @type {Buffer[]} */
		const out = [];
		/** @type {Buffer[]} */
		const errb = [];
		// Binary streams (tar) pass through untouched; text is buffered so host paths can be mapped back.
		if (isTar) child.stdout?.pipe(io.stdout, { end: false });
		else child.stdout?.on('data', (c) => out.push(c));
		child.stderr?.on('data', (c) => errb.push(c));
		child.on('error', (e) => {
			const notFound = /** @type {NodeJS.ErrnoException} */ (e).code === 'ENOENT';
			io.stderr?.write(
				`OCI runtime exec failed: exec failed: unable to start container process: exec: "${first}": ${notFound ? 'executable file not found in $PATH' : 'permission denied'}: unknown\n`,
			);
			resolve(notFound ? 127 : 126);
		});
		child.on('close', (code, sig) => {
			if (out.length) io.stdout.write(unmap(Buffer.concat(out)));
			if (errb.length) (io.stderr ?? io.stdout).write(unmap(Buffer.concat(errb)));
			resolve(code ?? (sig ? 137 : 1));
		});
	});
}
