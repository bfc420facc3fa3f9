// The stand-in's kubelet streaming endpoints (tools/standin/lib/spdy.mjs) against the REAL kubectl binaries:
// exec (exit codes, stdout/stderr, a 5 MB stdin round trip), cp out of a pod, port-forward to a real etcd and
// an echo server over concurrent connections, and a kubectl killed mid-exec.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { accessSync, constants, realpathSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, test } from 'node:test';
import { reservePort } from '../../tools/standin/lib/common.mjs';
import type { ExecRequest } from '../../tools/standin/lib/spdy.mjs';
import { ETCDCTL_BIN, startEtcd, type Etcd } from '../../tools/support/etcd.ts';
import { ROOT } from '../../tools/support/paths.ts';
import { tmpDir } from '../../tools/support/tmp.ts';
import { GONE_POD, POD, startKubeApiStub, type KubeApiStub } from './kube-api-stub.ts';

/** The real kubectl on PATH (never the stand-in's own bin/kubectl) and the versioned ones beside it. */
function kubectls(): { name: string; bin: string }[] {
	for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
		if (!dir || path.resolve(dir).startsWith(ROOT)) continue;
		const candidate = path.join(dir, 'kubectl');
		try {
			accessSync(candidate, constants.X_OK);
		} catch {
			continue;
		}
		const real = realpathSync(candidate);
		const versioned = ['1.27', '1.33'].map((v) => ({
			name: `kubectl ${v}`,
			bin: path.join(path.dirname(real), `kubectl.${v}`),
		}));
		for (const v of versioned) accessSync(v.bin, constants.X_OK);
		return [{ name: 'kubectl (PATH)', bin: candidate }, ...versioned];
	}
	throw new Error('no kubectl on PATH');
}
const KUBECTLS = kubectls();

interface RunRecord {
	command: string[];
	tty: boolean;
	aborted: boolean;
	done: Promise<number>;
}
const runs: RunRecord[] = [];

let dir = '';
/** The pod's filesystem: absolute paths in exec'd commands are taken relative to it. */
let podRoot = '';
let stub: KubeApiStub;
let etcd: Etcd;
let echoPort = 0;
let echo: net.Server;
const echoConnections = () =>
	new Promise<number>((resolve, reject) =>
		echo.getConnections((e, n) => (e ? reject(e) : resolve(n))),
	);
const children = new Set<ChildProcess>();

/**
 * The "container runtime": runs the command as a local process in `podRoot`, with absolute path arguments
 * made relative to it (so `tar cf - /data/f` archives `data/f`, as tar in a container would).
 */
function run(req: ExecRequest): Promise<number> {
	const args = req.command.map((a) => (a.startsWith('/') && a.length > 1 ? a.slice(1) : a));
	const record: RunRecord = {
		command: req.command,
		tty: req.tty,
		aborted: false,
		done: Promise.resolve(0),
	};
	record.done = new Promise<number>((resolve, reject) => {
		// attach has no command: the container's main process is this one.
		const argv = args.length ? args : ['echo', 'attached to the main process'];
		const child = spawn(argv[0] ?? 'true', argv.slice(1), { cwd: podRoot, stdio: 'pipe' });
		req.signal.addEventListener('abort', () => {
			record.aborted = true;
			child.kill('SIGKILL');
		});
		child.stdin.on('error', () => {});
		if (req.stdin) req.stdin.pipe(child.stdin);
		else child.stdin.end();
		if (req.stderr) {
			// Separate streams: the pipes end them.
			child.stdout.pipe(req.stdout);
			child.stderr.pipe(req.stderr);
		} else {
			// A terminal has one output; spdy.mjs ends it when run settles.
			child.stdout.pipe(req.stdout, { end: false });
			child.stderr.pipe(req.stdout, { end: false });
		}
		child.on('error', reject);
		child.on('close', (code, signal) => resolve(code ?? (signal === 'SIGKILL' ? 137 : 128)));
	});
	runs.push(record);
	return record.done;
}

/** The pod's ports: 2379 is the etcd, 7 an echo server, anything else refuses like a closed port. */
function connect(port: number): Promise<net.Socket> {
	const target = port === 2379 ? Number(new URL(etcd.endpoint).port) : port === 7 ? echoPort : 0;
	if (!target)
		return Promise.reject(new Error(`dial tcp4 127.0.0.1:${port}: connect: connection refused`));
	return new Promise((resolve, reject) => {
		const s = net.connect(target, '127.0.0.1');
		s.once('connect', () => resolve(s));
		s.once('error', reject);
	});
}

interface Result {
	code: number | null;
	stdout: Buffer;
	stderr: string;
}

function kubectl(bin: string, args: string[], input?: Buffer) {
	return kubectlIn([bin, ...args], input);
}

/**
 * Runs `argv` (kubectl, or something that runs it) with the stub's kubeconfig and collects its output.
 * `input` is written to its stdin, or 'open' leaves stdin open (as a terminal's) until it exits.
 */
function kubectlIn(
	argv: string[],
	input?: Buffer | 'open',
): { child: ChildProcess; output: () => string; result: Promise<Result> } {
	const child = spawn(argv[0] ?? 'kubectl', argv.slice(1), {
		cwd: dir,
		env: { PATH: process.env.PATH, HOME: dir, KUBECONFIG: stub.kubeconfig },
		stdio: [input ? 'pipe' : 'ignore', 'pipe', 'pipe'],
	});
	children.add(child);
	const out: Buffer[] = [];
	let stderr = '';
	child.stdout?.on('data', (d: Buffer) => out.push(d));
	child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
	child.stdin?.on('error', () => {});
	if (Buffer.isBuffer(input)) child.stdin?.end(input);
	const result = new Promise<Result>((resolve, reject) => {
		child.once('error', reject);
		child.once('close', (code) => {
			children.delete(child);
			child.stdin?.destroy();
			resolve({ code, stdout: Buffer.concat(out), stderr });
		});
	});
	return { child, output: () => Buffer.concat(out).toString(), result };
}

async function until(what: string, check: () => boolean | Promise<boolean>) {
	for (let i = 0; i < 600; i++) {
		if (await check()) return;
		await new Promise((r) => setTimeout(r, 100));
	}
	throw new Error(`gave up waiting for ${what}`);
}

// Hooks registered inside before() would run when it ends, so cleanups gather here for the file's end.
const cleanups: Array<() => unknown> = [];
const cleanup = { after: (fn: () => unknown) => void cleanups.push(fn) };
after(async () => {
	for (const c of children) c.kill('SIGKILL');
	for (const fn of cleanups.reverse()) await fn();
});

before(async () => {
	dir = await tmpDir(cleanup, 'milvus-rescue-spdy-');
	podRoot = path.join(dir, 'pod');
	await mkdir(path.join(podRoot, 'data'), { recursive: true });
	etcd = await startEtcd(cleanup, path.join(dir, 'etcd'));
	echo = net.createServer((s) => s.pipe(s));
	echoPort = await reservePort();
	await new Promise<void>((resolve) => echo.listen(echoPort, '127.0.0.1', resolve));
	cleanup.after(() => new Promise<void>((resolve) => echo.close(() => resolve())));
	stub = await startKubeApiStub(dir, run, connect);
	cleanup.after(() => stub.close());
});

for (const { name, bin } of KUBECTLS) {
	describe(name, () => {
		test('exec passes stdout, stderr and the exit code through', { timeout: 120_000 }, async () => {
			const r = await kubectl(bin, [
				'exec',
				POD,
				'--',
				'sh',
				'-c',
				'echo out; echo err >&2; exit 3',
			]).result;
			assert.equal(r.stdout.toString(), 'out\n');
			assert.match(r.stderr, /^err\n/);
			assert.match(r.stderr, /command terminated with exit code 3/);
			assert.equal(r.code, 3);

			const ok = await kubectl(bin, ['exec', POD, '--', 'sh', '-c', 'printf done']).result;
			assert.deepEqual([ok.code, ok.stdout.toString(), ok.stderr], [0, 'done', '']);
		});

		test("a refused upgrade reads like the kubelet's refusal", { timeout: 120_000 }, async () => {
			const before = runs.length;
			const r = await kubectl(bin, ['exec', GONE_POD, '--', 'true']).result;
			assert.equal(r.code, 1);
			assert.equal(r.stderr, 'error: unable to upgrade connection: container not found ("etcd")\n');
			assert.equal(runs.length, before);
		});

		test('attach, and a command that cannot start', { timeout: 120_000 }, async () => {
			const attached = await kubectl(bin, ['attach', POD]).result;
			assert.equal(attached.code, 0, attached.stderr);
			assert.equal(attached.stdout.toString(), 'attached to the main process\n');
			assert.deepEqual(runs.at(-1)?.command, []);

			const missing = await kubectl(bin, ['exec', POD, '--', 'no-such-command']).result;
			assert.equal(missing.code, 1);
			assert.equal(
				missing.stderr,
				'error: Internal error occurred: error executing command in container: spawn no-such-command ENOENT\n',
			);
		});

		test('exec -i round-trips 5 MB of binary stdin byte-exact', { timeout: 120_000 }, async () => {
			const blob = randomBytes(5 * 1024 * 1024);
			const r = await kubectl(bin, ['exec', '-i', POD, '--', 'cat'], blob).result;
			assert.equal(r.stderr, '');
			assert.equal(r.code, 0);
			assert.ok(r.stdout.equals(blob), `got ${r.stdout.length} bytes, not the ${blob.length} sent`);

			// A command that reads late: stdin piles up in the stand-in (which stops reading the
			// connection meanwhile) and must all arrive once it reads.
			const late = await kubectl(bin, ['exec', '-i', POD, '--', 'sh', '-c', 'sleep 1; cat'], blob)
				.result;
			assert.equal(late.code, 0, late.stderr);
			assert.ok(late.stdout.equals(blob), `got ${late.stdout.length} bytes, not ${blob.length}`);
		});

		test('cp copies a 5 MB file out of the pod byte-exact', { timeout: 120_000 }, async () => {
			const blob = randomBytes(5 * 1024 * 1024);
			const file = `cp-${name.replace(/\W+/g, '-')}.bin`;
			await writeFile(path.join(podRoot, 'data', file), blob);
			const r = await kubectl(bin, ['cp', `${POD}:/data/${file}`, `./${file}`]).result;
			assert.equal(r.code, 0, r.stderr);
			const got = await readFile(path.join(dir, file));
			assert.ok(got.equals(blob), `got ${got.length} bytes, not the ${blob.length} in the pod`);
			assert.deepEqual(runs.at(-1)?.command, ['tar', 'cf', '-', `/data/${file}`]);
		});

		test('cp copies a 5 MB file into the pod byte-exact', { timeout: 120_000 }, async () => {
			const blob = randomBytes(5 * 1024 * 1024);
			const file = `up-${name.replace(/\W+/g, '-')}.bin`;
			await writeFile(path.join(dir, file), blob);
			const r = await kubectl(bin, ['cp', `./${file}`, `${POD}:/data/${file}`]).result;
			assert.equal(r.code, 0, r.stderr);
			const got = await readFile(path.join(podRoot, 'data', file));
			assert.ok(got.equals(blob), `got ${got.length} bytes, not the ${blob.length} sent`);
			assert.equal(runs.at(-1)?.command[0], 'tar');
		});

		test(
			'port-forward carries concurrent etcd and echo connections',
			{ timeout: 120_000 },
			async () => {
				const etcdLocal = await reservePort();
				const echoLocal = await reservePort();
				const pf = kubectl(bin, [
					'port-forward',
					'--address',
					'127.0.0.1',
					`pod/${POD}`,
					`${etcdLocal}:2379`,
					`${echoLocal}:7`,
				]);
				const lines = createInterface({ input: pf.child.stdout! });
				let forwarding = 0;
				lines.on(
					'line',
					(l) => (forwarding += /^Forwarding from 127\.0\.0\.1:\d+ -> \d+$/.test(l) ? 1 : 0),
				);
				await until(
					'kubectl to forward both ports',
					() => forwarding === 2 || pf.child.exitCode !== null,
				);
				assert.equal(pf.child.exitCode, null, 'kubectl port-forward exited early');

				const etcdctl = async (...args: string[]) => {
					const c = spawn(ETCDCTL_BIN, ['--endpoints', `127.0.0.1:${etcdLocal}`, ...args], {
						env: { PATH: process.env.PATH, ETCDCTL_API: '3' },
					});
					let out = '';
					c.stdout.on('data', (d: Buffer) => (out += d.toString()));
					c.stderr.on('data', (d: Buffer) => (out += d.toString()));
					const [code] = await once(c, 'close');
					return { code, out };
				};
				const keys = Array.from({ length: 6 }, (_, i) => `/spdy/${name}/${i}`);
				const puts = await Promise.all(keys.map((k, i) => etcdctl('put', k, `v${i}`)));
				for (const p of puts) assert.deepEqual(p, { code: 0, out: 'OK\n' });
				const got = await etcdctl('get', '--prefix', `/spdy/${name}/`, '--print-value-only');
				assert.deepEqual(got, { code: 0, out: keys.map((_, i) => `v${i}\n`).join('') });

				// Eight echo connections at once, 512 KiB each, each with its own bytes.
				const echoes = await Promise.all(
					Array.from({ length: 8 }, async () => {
						const data = randomBytes(512 * 1024);
						const s = net.connect(echoLocal, '127.0.0.1');
						const back: Buffer[] = [];
						s.on('data', (d: Buffer) => back.push(d));
						await once(s, 'connect');
						s.end(data);
						await once(s, 'close');
						return Buffer.concat(back).equals(data);
					}),
				);
				assert.deepEqual(echoes, Array(8).fill(true));

				// A connection still open when kubectl dies: the stand-in closes its side to the pod too.
				const open = net.connect(echoLocal, '127.0.0.1');
				open.on('error', () => {});
				open.write('ping');
				await once(open, 'data');
				assert.equal(await echoConnections(), 1);
				pf.child.kill('SIGKILL');
				await pf.result;
				await until(
					'the pod side of the connection to close',
					async () => (await echoConnections()) === 0,
				);
				open.destroy();
			},
		);

		test('port-forward reports a port nothing listens on', { timeout: 120_000 }, async () => {
			const local = await reservePort();
			const pf = kubectl(bin, [
				'port-forward',
				'--address',
				'127.0.0.1',
				`pod/${POD}`,
				`${local}:9`,
			]);
			let output = '';
			pf.child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
			await until(
				'kubectl to forward',
				() => output.includes('Forwarding from') || pf.child.exitCode !== null,
			);
			const s = net.connect(local, '127.0.0.1');
			s.on('data', () => assert.fail('data from a closed port'));
			s.on('error', () => {});
			await once(s, 'close');
			const stderr = () => pf.result.then((r) => r.stderr).catch(() => '');
			pf.child.kill('SIGTERM');
			assert.match(
				await stderr(),
				/error forwarding port 9 to pod p_ns, uid : dial tcp4 127\.0\.0\.1:9: connect: connection refused/,
			);
		});

		test(
			'exec -it runs with a terminal: one output stream, exit code kept',
			{ timeout: 120_000 },
			async () => {
				// kubectl asks for a tty only when its stdin is a terminal: `script` gives it one.
				const cmd = `exec ${bin} exec -it ${POD} -- sh -c 'echo to-stdout; echo to-stderr >&2; exit 5'`;
				const before = runs.length;
				const got = await kubectlIn(['script', '-qec', cmd, '/dev/null'], 'open').result;
				assert.equal(got.code, 5, got.stdout.toString() + got.stderr);
				assert.match(got.stdout.toString(), /to-stdout\r?\n(.|\n)*to-stderr/);
				assert.match(got.stdout.toString(), /command terminated with exit code 5/);
				assert.equal(runs.length, before + 1);
				assert.equal(runs[before]?.tty, true);
			},
		);

		test(
			'kubectl killed mid-exec: the command is stopped, the next exec works',
			{ timeout: 120_000 },
			async () => {
				const before = runs.length;
				const victim = kubectl(bin, [
					'exec',
					POD,
					'--',
					'sh',
					'-c',
					'echo started; exec sleep 300',
				]);
				// Once its output has reached kubectl, the session is fully up when kubectl dies.
				await until('kubectl to print the output', () => victim.output() === 'started\n');
				const rec = runs[before]!;
				assert.equal(rec.aborted, false);
				victim.child.kill('SIGKILL');
				await victim.result;
				assert.equal(await rec.done, 137);
				assert.equal(rec.aborted, true);

				const next = await kubectl(bin, ['exec', POD, '--', 'echo', 'still here']).result;
				assert.deepEqual([next.code, next.stdout.toString()], [0, 'still here\n']);
			},
		);
	});
}

test('kubectl 1.33 asks for a WebSocket first and falls back to SPDY', () => {
	const upgrades = stub.requests.filter((r) => r.includes('[upgrade:'));
	assert.ok(
		upgrades.some(
			(r, i) =>
				r.endsWith('[upgrade: websocket]') && upgrades[i + 1]?.endsWith('[upgrade: SPDY/3.1]'),
		),
		upgrades.join('\n'),
	);
	assert.ok(
		upgrades.some((r) => /portforward.*\[upgrade: websocket\]/.test(r)),
		upgrades.join('\n'),
	);
});

/** Sends an upgrade request by hand; resolves with the response head, the bytes after it and the socket. */
async function rawUpgrade(
	headers: string[],
): Promise<{ head: string; rest: Buffer; socket: net.Socket }> {
	const socket = net.connect(stub.port, '127.0.0.1');
	await once(socket, 'connect');
	socket.write(
		[
			`POST /api/v1/namespaces/ns/pods/${POD}/exec?command=true&stdout=true HTTP/1.1`,
			`Host: 127.0.0.1:${stub.port}`,
			'Connection: Upgrade',
			...headers,
			'',
			'',
		].join('\r\n'),
	);
	let buf = Buffer.alloc(0);
	for (;;) {
		const end = buf.indexOf('\r\n\r\n');
		if (end >= 0) {
			socket.pause();
			return { head: buf.subarray(0, end).toString(), rest: buf.subarray(end + 4), socket };
		}
		const [chunk] = (await once(socket, 'data')) as [Buffer];
		buf = Buffer.concat([buf, chunk]);
	}
}

/** Everything the server sends until it closes the connection. */
async function readToEnd(socket: net.Socket, first: Buffer): Promise<Buffer> {
	const parts = [first];
	socket.on('data', (d: Buffer) => parts.push(d));
	socket.resume();
	await once(socket, 'close');
	return Buffer.concat(parts);
}

test('a WebSocket request gets a 400 Status, an unknown protocol a 403', async () => {
	const ws = await rawUpgrade([
		'Upgrade: websocket',
		'Sec-WebSocket-Version: 13',
		'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
		'Sec-WebSocket-Protocol: v5.channel.k8s.io',
	]);
	assert.match(ws.head, /^HTTP\/1\.1 400 /);
	const body = JSON.parse((await readToEnd(ws.socket, ws.rest)).toString());
	assert.deepEqual([body.kind, body.status, body.code], ['Status', 'Failure', 400]);

	const old = await rawUpgrade([
		'Upgrade: SPDY/3.1',
		'X-Stream-Protocol-Version: v0.channel.example',
	]);
	assert.match(old.head, /^HTTP\/1\.1 403 /);
	assert.match(old.head, /X-Accepted-Stream-Protocol-Versions: v4\.channel\.k8s\.io/);
	await readToEnd(old.socket, old.rest);
});

test('a SPDY session answers PING and ends a broken session with GOAWAY', async () => {
	const s = await rawUpgrade(['Upgrade: SPDY/3.1', 'X-Stream-Protocol-Version: v4.channel.k8s.io']);
	assert.match(s.head, /^HTTP\/1\.1 101 /);
	assert.match(s.head, /X-Stream-Protocol-Version: v4\.channel\.k8s\.io/);
	const ping = Buffer.from([0x80, 3, 0, 6, 0, 0, 0, 4, 0, 0, 0, 7]);
	const spdy2 = Buffer.from([0x80, 2, 0, 6, 0, 0, 0, 4, 0, 0, 0, 9]);
	s.socket.write(Buffer.concat([ping, spdy2]));
	const got = await readToEnd(s.socket, s.rest);
	// Our PING back, then GOAWAY (type 7) with last stream 0 and status 1 (PROTOCOL_ERROR).
	assert.deepEqual([...got], [...ping, ...[0x80, 3, 0, 7, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 1]]);
});
