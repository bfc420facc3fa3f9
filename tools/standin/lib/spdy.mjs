// @ts-check
/**
 * The kubelet's streaming endpoints behind the stand-in API server: `pods/{name}/exec` and `attach`
 * (remotecommand, protocols v4.channel.k8s.io down to channel.k8s.io) and `pods/{name}/portforward`
 * (portforward.k8s.io), both over SPDY/3.1 as the real kubectl speaks them. Each handler takes the raw
 * arguments of a Node `http.Server` 'upgrade' event.
 *
 * kubectl ≥ 1.30 first asks for a WebSocket (exec, cp) and ≥ 1.31 (port-forward); any answer but 101 is
 * an upgrade failure to client-go, which then falls back to SPDY. We answer 400 with a Status, as an
 * API server without the WebSocket streaming feature does.
 *
 * ```js
 * server.on('upgrade', (req, socket, head) => {
 *   const { pathname } = new URL(req.url ?? '/', 'http://x');
 *   if (containerGone) rejectUpgrade(socket, 500, 'container not found ("etcd")');
 *   else if (/\/pods\/[^/]+\/(exec|attach)$/.test(pathname)) handleExec(req, socket, head, run);
 *   else if (/\/pods\/[^/]+\/portforward$/.test(pathname)) handlePortForward(req, socket, head, connect);
 * });
 * ```
 */
import { STATUS_CODES } from 'node:http';
import { Writable } from 'node:stream';
import { SpdySession } from './spdy-session.mjs';

/** @typedef {import('node:http').IncomingMessage} IncomingMessage */
/** @typedef {import('node:stream').Duplex} Duplex */
/** @typedef {import('./spdy-session.mjs').SpdyStream} SpdyStream */

/** The remotecommand protocols we serve; the client's order of preference decides, as in the kubelet. */
const EXEC_PROTOCOLS = [
	'v4.channel.k8s.io',
	'v3.channel.k8s.io',
	'v2.channel.k8s.io',
	'channel.k8s.io',
];
const PORT_FORWARD_PROTOCOL = 'portforward.k8s.io';
/** How long the client gets to open the streams it asked for (the kubelet's default). */
const STREAM_CREATION_TIMEOUT_MS = 30_000;

/**
 * @typedef {object} ExecRequest
 * @property {string[]} command empty for attach
 * @property {string | null} container the `container` query parameter, null if not given
 * @property {import('node:stream').Readable | null} stdin the client's stdin, ends when it does
 * @property {import('node:stream').Writable} stdout
 * @property {import('node:stream').Writable | null} stderr null with a tty (merged into stdout) or when not asked for
 * @property {boolean} tty
 * @property {AbortSignal} signal aborted when the client goes away before `run` settles
 */
/**
 * Runs the command and resolves with its exit code once all its output has been written to `stdout` and
 * `stderr` (wait for the child's 'close', not 'exit'). `run` may end those streams itself; they are ended
 * for it when it settles. A rejection is reported to kubectl as an internal error with its message.
 * @typedef {(req: ExecRequest) => Promise<number>} ExecRun
 */

/**
 * Serves `/api/v1/namespaces/{ns}/pods/{name}/exec` and `.../attach`.
 * @param {IncomingMessage} req
 * @param {Duplex} socket
 * @param {Buffer} head
 * @param {ExecRun} run
 */
export function handleExec(req, socket, head, run) {
	const url = new URL(req.url ?? '/', 'http://standin');
	const q = url.searchParams;
	const isAttach = /\/attach$/.test(url.pathname);
	if (!upgradeOrRefuse(req, socket, EXEC_PROTOCOLS)) return;
	const protocol = negotiate(req, EXEC_PROTOCOLS);
	if (!protocol) return refuseProtocol(req, socket, EXEC_PROTOCOLS);

	const command = q.getAll('command');
	if (!isAttach && command.length === 0)
		return refuse(socket, 400, 'BadRequest', 'you must specify at least 1 command');
	const container = q.get('container') || null;
	const tty = flag(q.get('tty'));
	const wantStdin = flag(q.get('stdin'));
	const wantStdout = flag(q.get('stdout'));
	// With a tty stderr is merged into stdout, and the client opens no stderr stream (as in the kubelet).
	const wantStderr = flag(q.get('stderr')) && !tty;
	const v4 = protocol === 'v4.channel.k8s.io';
	const resize = tty && protocol !== 'v2.channel.k8s.io' && protocol !== 'channel.k8s.io';
	const expected = 1 + Number(wantStdin) + Number(wantStdout) + Number(wantStderr) + Number(resize);

	/** @type {Partial<Record<'error' | 'stdin' | 'stdout' | 'stderr' | 'resize', SpdyStream>>} */
	const streams = {};
	let received = 0;
	let started = false;
	const abort = new AbortController();
	const timer = setTimeout(() => {
		if (started) return;
		started = true;
		void finish(internalError('timed out waiting for client to create streams'));
	}, STREAM_CREATION_TIMEOUT_MS);
	timer.unref();

	switchProtocols(socket, protocol);
	const session = new SpdySession(socket, head, (stream) => {
		stream.reply();
		const type = stream.header('streamtype') ?? '';
		if (started || !['error', 'stdin', 'stdout', 'stderr', 'resize'].includes(type)) {
			stream.discard();
			return;
		}
		const key = /** @type {keyof typeof streams} */ (type);
		if (streams[key]) {
			stream.discard();
			return;
		}
		streams[key] = stream;
		// Only stdin is read; terminal sizes and anything on the error stream are of no use here.
		if (key !== 'stdin') stream.discard();
		if (++received === expected) start();
	});
	let settled = false;
	session.onClose(() => {
		clearTimeout(timer);
		if (!settled) abort.abort();
	});

	function start() {
		if (started) return;
		started = true;
		clearTimeout(timer);
		const stdout = streams.stdout ?? sink();
		const stderr = streams.stderr ?? null;
		/** @type {Promise<number>} */
		let result;
		try {
			result = Promise.resolve(
				run({
					command,
					container,
					stdin: streams.stdin ?? null,
					stdout,
					stderr,
					tty,
					signal: abort.signal,
				}),
			);
		} catch (err) {
			result = Promise.reject(err);
		}
		result.then(
			(code) => finish(code === 0 ? success() : exitStatus(command, code)),
			(err) =>
				finish(
					internalError(
						`error executing command in container: ${/** @type {Error} */ (err)?.message ?? err}`,
					),
				),
		);
	}

	/** @param {Status} status */
	async function finish(status) {
		settled = true;
		// Whatever the client still sends on stdin goes nowhere now.
		streams.stdin?.discard();
		// As the kubelet does: the status first, then the end of the output streams. kubectl cp stops reading
		// when stdout ends, so a status that came later would be lost and a failed copy would exit 0.
		const error = streams.error;
		if (error && !session.closed) {
			const message = v4
				? JSON.stringify(status)
				: status.status === 'Success'
					? ''
					: status.message;
			await endStream(error, message ? Buffer.from(message) : undefined);
		}
		await Promise.all([endStream(streams.stdout), endStream(streams.stderr)]);
		session.end();
	}
}

/**
 * Serves `/api/v1/namespaces/{ns}/pods/{name}/portforward`: every connection kubectl accepts locally
 * arrives as an error stream and a data stream sharing a `requestid`; the data stream is piped both ways
 * to `connect(port)`'s socket, and a failure to connect is written to the error stream.
 * @param {IncomingMessage} req
 * @param {Duplex} socket
 * @param {Buffer} head
 * @param {(port: number) => Promise<import('node:net').Socket>} connect
 */
export function handlePortForward(req, socket, head, connect) {
	if (!upgradeOrRefuse(req, socket, [PORT_FORWARD_PROTOCOL])) return;
	const protocol = negotiate(req, [PORT_FORWARD_PROTOCOL]);
	if (!protocol) return refuseProtocol(req, socket, [PORT_FORWARD_PROTOCOL]);
	const match = /\/namespaces\/([^/]+)\/pods\/([^/]+)\/portforward/.exec(
		new URL(req.url ?? '/', 'http://standin').pathname,
	);
	// The kubelet names the pod by its full name, name_namespace.
	const podName = match
		? `${decodeURIComponent(match[2] ?? '')}_${decodeURIComponent(match[1] ?? '')}`
		: '';

	/** @type {Map<string, { error?: SpdyStream, data?: SpdyStream }>} */
	const pairs = new Map();
	/** @type {Set<import('node:net').Socket>} */
	const sockets = new Set();

	switchProtocols(socket, protocol);
	const session = new SpdySession(socket, head, (stream) => {
		const type = stream.header('streamtype');
		let requestId = stream.header('requestid');
		if (requestId === undefined) {
			// Clients older than the requestid header open the error stream, then the data stream, so
			// their ids are two apart (the kubelet's best effort, kept here for the same clients).
			requestId = String(type === 'data' ? stream.id - 2 : stream.id);
		}
		if (type !== 'error' && type !== 'data') {
			stream.reply();
			stream.discard();
			return;
		}
		stream.reply();
		const pair = pairs.get(requestId) ?? {};
		if (pair[type]) {
			stream.destroy();
			return;
		}
		pair[type] = stream;
		pairs.set(requestId, pair);
		if (pair.error && pair.data) {
			pairs.delete(requestId);
			forward(pair.error, pair.data);
		}
	});
	session.onClose(() => {
		for (const s of sockets) s.destroy();
		sockets.clear();
	});

	/**
	 * @param {SpdyStream} error
	 * @param {SpdyStream} data
	 */
	function forward(error, data) {
		error.discard();
		const portText = data.header('port') ?? '';
		const port = Number(portText);
		if (!/^\d+$/.test(portText) || port < 1 || port > 65535) {
			fail(`invalid port "${portText}"`);
			return;
		}
		/** @param {string} message */
		function fail(message) {
			void endStream(error, Buffer.from(message));
			void endStream(data);
		}
		connect(port).then(
			(tcp) => {
				if (data.destroyed || session.closed) {
					tcp.destroy();
					return;
				}
				sockets.add(tcp);
				tcp.on('error', () => {});
				data.pipe(tcp);
				tcp.pipe(data);
				tcp.on('close', () => {
					sockets.delete(tcp);
					void endStream(data);
					void endStream(error);
				});
				// A reset from the client or a dead session: the target connection goes too.
				data.on('close', () => {
					if (!data.readableEnded || !data.writableFinished) tcp.destroy();
				});
			},
			(err) =>
				fail(
					`error forwarding port ${port} to pod ${podName}, uid : ${/** @type {Error} */ (err)?.message ?? err}`,
				),
		);
	}
}

/**
 * @typedef {object} Status a metav1.Status, fields in Go's order so the JSON reads like the kubelet's
 * @property {{}} metadata
 * @property {'Success' | 'Failure'} status
 * @property {string} [message]
 * @property {string} [reason]
 * @property {{ causes: Array<{ reason?: string, message: string }> }} [details]
 * @property {number} [code]
 */

/** @returns {Status} */
function success() {
	return { metadata: {}, status: 'Success' };
}

/**
 * @param {string[]} command
 * @param {number} code
 * @returns {Status}
 */
function exitStatus(command, code) {
	// client-go reads the exit code as an 8-bit number; a shell reports the same code modulo 256.
	const rc = ((code % 256) + 256) % 256;
	return {
		metadata: {},
		status: 'Failure',
		message: `command terminated with non-zero exit code: error executing command [${command.join(' ')}], exit code ${rc}`,
		reason: 'NonZeroExitCode',
		details: { causes: [{ reason: 'ExitCode', message: String(rc) }] },
	};
}

/**
 * @param {string} message
 * @returns {Status}
 */
function internalError(message) {
	return {
		metadata: {},
		status: 'Failure',
		message: `Internal error occurred: ${message}`,
		reason: 'InternalError',
		details: { causes: [{ message }] },
		code: 500,
	};
}

/** @param {string | null} v */
function flag(v) {
	return v === 'true' || v === '1' || v === 'True' || v === 'TRUE';
}

/** A stdout for a client that did not ask for one. */
function sink() {
	return new Writable({ write: (_c, _e, cb) => cb() });
}

/**
 * Ends our side of a stream (sending FIN) after `last`, and resolves once it is out or the stream is gone.
 * @param {import('node:stream').Writable | null | undefined} stream
 * @param {Buffer} [last]
 * @returns {Promise<void>}
 */
function endStream(stream, last) {
	return new Promise((resolve) => {
		if (!stream || stream.writableFinished || stream.destroyed) return resolve();
		stream.once('finish', () => resolve());
		stream.once('close', () => resolve());
		if (!stream.writableEnded) {
			if (last) stream.end(last);
			else stream.end();
		}
	});
}

/**
 * The protocols the client offers, each X-Stream-Protocol-Version header (or comma-separated value) once.
 * @param {IncomingMessage} req
 */
function offered(req) {
	return (req.headersDistinct['x-stream-protocol-version'] ?? [])
		.flatMap((v) => v.split(','))
		.map((v) => v.trim())
		.filter(Boolean);
}

/**
 * The first protocol in the client's order that we serve (httpstream.Handshake's rule).
 * @param {IncomingMessage} req
 * @param {string[]} ours
 */
function negotiate(req, ours) {
	return offered(req).find((p) => ours.includes(p)) ?? '';
}

/**
 * Refuses anything but a SPDY/3.1 upgrade: a WebSocket request gets a 400 Status, which client-go treats
 * as an upgrade failure and retries over SPDY.
 * @param {IncomingMessage} req
 * @param {Duplex} socket
 * @param {string[]} ours
 */
function upgradeOrRefuse(req, socket, ours) {
	const upgrade = String(req.headers.upgrade ?? '').toLowerCase();
	if (upgrade.startsWith('spdy/3')) return true;
	if (upgrade === 'websocket')
		refuse(
			socket,
			400,
			'BadRequest',
			`unable to upgrade connection: WebSocket streaming is not supported here, use SPDY/3.1 (${ours[0]})`,
		);
	else refuse(socket, 400, 'BadRequest', 'Upgrade request required');
	return false;
}

/**
 * @param {IncomingMessage} req
 * @param {Duplex} socket
 * @param {string[]} ours
 */
function refuseProtocol(req, socket, ours) {
	const client = offered(req);
	const message = client.length
		? `unable to upgrade: unable to negotiate protocol: client supports [${client.join(' ')}], server accepts [${ours.join(' ')}]`
		: 'unable to upgrade: X-Stream-Protocol-Version is required';
	const extra = ours.map((p) => `X-Accepted-Stream-Protocol-Versions: ${p}\r\n`).join('');
	refuse(socket, 403, 'Forbidden', message, extra);
}

/**
 * Refuses an exec/attach/portforward upgrade (of either kind, SPDY or WebSocket) the way the kubelet does
 * when it cannot serve it, with a plain-text reason: kubectl prints
 * `error: unable to upgrade connection: <message>` (kubectl ≥ 1.30 falls back to SPDY first and gets the
 * same answer). For example `rejectUpgrade(socket, 404, 'container not found ("etcd")')`.
 * @param {Duplex} socket
 * @param {number} code an HTTP status other than 101
 * @param {string} message
 */
export function rejectUpgrade(socket, code, message) {
	respond(socket, code, 'text/plain; charset=utf-8', `${message}\n`);
}

/**
 * Answers the upgrade request with an error Status and closes the connection.
 * @param {Duplex} socket
 * @param {number} code
 * @param {string} reason
 * @param {string} message
 * @param {string} [extraHeaders]
 */
function refuse(socket, code, reason, message, extraHeaders = '') {
	const body = JSON.stringify({
		kind: 'Status',
		apiVersion: 'v1',
		metadata: {},
		status: 'Failure',
		message,
		reason,
		code,
	});
	respond(socket, code, 'application/json', body, extraHeaders);
}

/**
 * @param {Duplex} socket
 * @param {number} code
 * @param {string} type
 * @param {string} body
 * @param {string} [extraHeaders]
 */
function respond(socket, code, type, body, extraHeaders = '') {
	const text = STATUS_CODES[code] ?? 'Error';
	socket.on('error', () => {});
	socket.end(
		`HTTP/1.1 ${code} ${text}\r\nContent-Type: ${type}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
			`${extraHeaders}Connection: close\r\n\r\n${body}`,
	);
}

/**
 * @param {Duplex} socket
 * @param {string} protocol
 */
function switchProtocols(socket, protocol) {
	/** @type {import('node:net').Socket} */ (socket).setNoDelay?.(true);
	socket.write(
		'HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n' +
			`X-Stream-Protocol-Version: ${protocol}\r\n\r\n`,
	);
}
