// @ts-check
/**
 * The server side of a SPDY/3.1 session, as much of it as kubectl's streaming client (moby/spdystream over
 * golang.org/x/net's framer) uses: client-created streams, SYN_REPLY, data with FIN, RST_STREAM, PING,
 * GOAWAY. spdystream does no flow control (it neither sends nor honours WINDOW_UPDATE), so neither do we;
 * backpressure is TCP's, as with the kubelet.
 */
import { Duplex } from 'node:stream';
import zlib from 'node:zlib';

const VERSION = 3;
const FLAG_FIN = 0x01;
/** @enum {number} */
const TYPE = {
	SYN_STREAM: 1,
	SYN_REPLY: 2,
	RST_STREAM: 3,
	SETTINGS: 4,
	PING: 6,
	GOAWAY: 7,
	HEADERS: 8,
	WINDOW_UPDATE: 9,
};
/** RST_STREAM status codes (SPDY/3 §2.6.3). */
export const RST = { PROTOCOL_ERROR: 1, INVALID_STREAM: 2, REFUSED_STREAM: 3, CANCEL: 5 };
/** GOAWAY status codes. */
const GOAWAY = { OK: 0, PROTOCOL_ERROR: 1 };
/** Go's io.Copy buffer size, so our frames look like the kubelet's. */
const MAX_DATA_FRAME = 32 * 1024;

/**
 * The zlib dictionary of SPDY/3 header blocks (SPDY/3 §2.6.10.1): these words, each after its length as
 * a 32-bit big-endian number, then a run of status codes, status lines, dates and content types.
 */
export const SPDY_DICTIONARY = (() => {
	const words = [
		'options', 'head', 'post', 'put', 'delete', 'trace', 'accept', 'accept-charset', 'accept-encoding',
		'accept-language', 'accept-ranges', 'age', 'allow', 'authorization', 'cache-control', 'connection',
		'content-base', 'content-encoding', 'content-language', 'content-length', 'content-location',
		'content-md5', 'content-range', 'content-type', 'date', 'etag', 'expect', 'expires', 'from', 'host',
		'if-match', 'if-modified-since', 'if-none-match', 'if-range', 'if-unmodified-since',
		'last-modified', 'location', 'max-forwards', 'pragma', 'proxy-authenticate', 'proxy-authorization',
		'range', 'referer', 'retry-after', 'server', 'te', 'trailer', 'transfer-encoding', 'upgrade',
		'user-agent', 'vary', 'via', 'warning', 'www-authenticate', 'method', 'get', 'status', '200 OK',
		'version', 'HTTP/1.1', 'url', 'public', 'set-cookie', 'keep-alive', 'origin',
	]; // prettier-ignore
	const tail =
		'100101201202205206300302303304305306307402405406407408409410411412413414415416417502504505' +
		'203 Non-Authoritative Information204 No Content301 Moved Permanently400 Bad Request' +
		'401 Unauthorized403 Forbidden404 Not Found500 Internal Server Error501 Not Implemented' +
		'503 Service UnavailableJan Feb Mar Apr May Jun Jul Aug Sept Oct Nov Dec 00:00:00 ' +
		'Mon, Tue, Wed, Thu, Fri, Sat, Sun, GMTchunked,text/html,image/png,image/jpg,image/gif,' +
		'application/xml,application/xhtml+xml,text/plain,text/javascript,publicprivatemax-age=' +
		'gzip,deflate,sdchcharset=utf-8charset=iso-8859-1,utf-,*,enq=0.';
	/** @type {Buffer[]} */
	const parts = [];
	for (const w of words) {
		const len = Buffer.alloc(4);
		len.writeUInt32BE(w.length);
		parts.push(len, Buffer.from(w, 'latin1'));
	}
	parts.push(Buffer.from(tail, 'latin1'));
	return Buffer.concat(parts);
})();

/** @typedef {Record<string, string[]>} SpdyHeaders header names are lower case; values split at NUL */

/**
 * @param {SpdyHeaders} headers
 * @param {string} name
 * @returns {string | undefined}
 */
export function header(headers, name) {
	return headers[name.toLowerCase()]?.[0];
}

/**
 * Serialises a header block (SPDY/3 §2.6.10).
 * @param {SpdyHeaders} headers
 */
function encodeHeaderBlock(headers) {
	const entries = Object.entries(headers);
	/** @type {Buffer[]} */
	const parts = [u32(entries.length)];
	for (const [name, values] of entries) {
		const n = Buffer.from(name.toLowerCase(), 'utf8');
		const v = Buffer.from(values.join('\0'), 'utf8');
		parts.push(u32(n.length), n, u32(v.length), v);
	}
	return Buffer.concat(parts);
}

/**
 * Parses one header block from the front of `buf`.
 * @param {Buffer} buf
 * @returns {{ headers: SpdyHeaders, used: number } | null} null while the block is incomplete
 */
function decodeHeaderBlock(buf) {
	if (buf.length < 4) return null;
	const count = buf.readUInt32BE(0);
	let at = 4;
	/** @type {SpdyHeaders} */
	const headers = {};
	for (let i = 0; i < count; i++) {
		if (buf.length < at + 4) return null;
		const nameLen = buf.readUInt32BE(at);
		if (buf.length < at + 4 + nameLen + 4) return null;
		const name = buf.toString('utf8', at + 4, at + 4 + nameLen).toLowerCase();
		at += 4 + nameLen;
		const valueLen = buf.readUInt32BE(at);
		if (buf.length < at + 4 + valueLen) return null;
		const value = buf.toString('utf8', at + 4, at + 4 + valueLen);
		at += 4 + valueLen;
		(headers[name] ??= []).push(...value.split('\0'));
	}
	return { headers, used: at };
}

/** @param {number} n */
function u32(n) {
	const b = Buffer.alloc(4);
	b.writeUInt32BE(n >>> 0);
	return b;
}

/**
 * One client-created stream. The readable side carries the client's data (ends at its FIN), the writable
 * side ours (end() sends FIN). destroy() resets the stream unless both sides had finished.
 */
export class SpdyStream extends Duplex {
	/**
	 * @param {SpdySession} session
	 * @param {number} id
	 * @param {SpdyHeaders} headers
	 */
	constructor(session, id, headers) {
		super({ allowHalfOpen: true, readableHighWaterMark: 1 << 20, writableHighWaterMark: 1 << 16 });
		this.session = session;
		this.id = id;
		this.headers = headers;
		/** The peer reset the stream (or the session died): nothing more may be sent on it. */
		this.aborted = false;
		/** The client sent FIN: no more data comes. */
		this.remoteEnded = false;
		// Errors here are the session's business (it logs and cleans up); no one else could act on them.
		this.on('error', () => {});
	}

	/** @param {string} name */
	header(name) {
		return header(this.headers, name);
	}

	/** Sends SYN_REPLY; the client's CreateStream waits for it. */
	reply() {
		this.session.sendControl(
			TYPE.SYN_REPLY,
			0,
			Buffer.concat([u32(this.id), this.session.compressHeaders({})]),
		);
	}

	/** The client's FIN. */
	remoteEnd() {
		if (this.remoteEnded) return;
		this.remoteEnded = true;
		this.push(null);
	}

	/** Reads and drops everything the client sends on this stream. */
	discard() {
		this.resume();
		return this;
	}

	/** @override */
	_read() {
		this.session.resumeFor(this);
	}

	/**
	 * @override
	 * @param {Buffer} chunk
	 * @param {BufferEncoding} _enc
	 * @param {(err?: Error | null) => void} cb
	 */
	_write(chunk, _enc, cb) {
		if (this.aborted) return cb();
		this.session.sendData(this.id, chunk, false, cb);
	}

	/**
	 * @override
	 * @param {(err?: Error | null) => void} cb
	 */
	_final(cb) {
		if (this.aborted) return cb();
		this.session.sendData(this.id, Buffer.alloc(0), true, cb);
	}

	/**
	 * @override
	 * @param {Error | null} err
	 * @param {(err: Error | null) => void} cb
	 */
	_destroy(err, cb) {
		if (!this.aborted && !(this.writableFinished && this.readableEnded)) {
			this.aborted = true;
			this.session.sendControl(TYPE.RST_STREAM, 0, Buffer.concat([u32(this.id), u32(RST.CANCEL)]));
		}
		this.session.forget(this);
		cb(err);
	}
}

/**
 * @typedef {object} ParsedFrame
 * @property {boolean} control
 * @property {number} type control frame type (0 for data)
 * @property {number} flags
 * @property {number} streamId data frames only
 * @property {Buffer} payload
 * @property {Promise<SpdyHeaders>} [headers] decoded header block of SYN_STREAM/SYN_REPLY/HEADERS
 * @property {string} [error] why the frame is unacceptable: the session ends when its turn comes
 */

/**
 * A SPDY/3.1 session on an upgraded socket, server side. New client streams are handed to `onStream`
 * after we have their headers; the handler must reply() (or destroy()) each.
 */
export class SpdySession {
	/**
	 * @param {import('node:stream').Duplex} socket
	 * @param {Buffer} head bytes read past the HTTP request
	 * @param {(stream: SpdyStream) => void} onStream
	 */
	constructor(socket, head, onStream) {
		this.socket = socket;
		this.onStream = onStream;
		/** @type {Map<number, SpdyStream>} */
		this.streams = new Map();
		this.closed = false;
		/** Why we ended the session, if it was a protocol error. */
		/** @type {string | undefined} */
		this.error = undefined;
		this.goneAway = false;
		this.lastStreamId = 0;
		/** @type {Buffer} */
		this.buf = Buffer.alloc(0);
		/** @type {ParsedFrame[]} */
		this.queue = [];
		this.pumping = false;
		/** Streams whose readable buffer is full: the socket stays paused while any is. */
		/** @type {Set<SpdyStream>} */
		this.full = new Set();
		/** @type {Array<() => void>} */
		this.drainWaiters = [];
		/** @type {Array<() => void>} */
		this.closeHandlers = [];

		// The client compresses all its header blocks with one zlib stream and flushes after each block.
		// Node's zlib is asynchronous, so blocks go in and come out in order, and a FIFO of waiters pairs
		// each decompressed block (they are self-delimiting) with the frame that carried it.
		this.inflater = zlib.createInflate({
			dictionary: SPDY_DICTIONARY,
			flush: zlib.constants.Z_SYNC_FLUSH,
		});
		/** @type {Buffer} */
		this.inflated = Buffer.alloc(0);
		/** @type {Array<{ resolve: (h: SpdyHeaders) => void, reject: (e: Error) => void }>} */
		this.headerWaiters = [];
		this.inflater.on('data', (/** @type {Buffer} */ chunk) => {
			this.inflated = this.inflated.length ? Buffer.concat([this.inflated, chunk]) : chunk;
			this.takeHeaderBlocks();
		});
		this.inflater.on('error', (err) => this.fail(`bad header block: ${err.message}`));
		/** Our own header blocks need no compression: stored deflate blocks are valid zlib, and tiny. */
		this.deflateStarted = false;

		socket.on('data', (/** @type {Buffer} */ chunk) => this.onData(chunk));
		socket.on('drain', () => this.flushDrainWaiters());
		socket.on('end', () => this.close());
		socket.on('close', () => this.close());
		socket.on('error', () => this.close());
		if (head.length) this.onData(head);
	}

	/** @param {() => void} fn called once when the session ends, for whatever reason */
	onClose(fn) {
		if (this.closed) fn();
		else this.closeHandlers.push(fn);
	}

	/** @param {Buffer} chunk */
	onData(chunk) {
		if (this.closed) return;
		this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
		for (;;) {
			if (this.buf.length < 8) break;
			const length = this.buf.readUIntBE(5, 3);
			if (this.buf.length < 8 + length) break;
			const frame = this.parseFrame(this.buf.subarray(0, 8 + length));
			this.buf = this.buf.subarray(8 + length);
			this.queue.push(frame);
			// Nothing after a broken frame can be trusted (its header block may be half-decoded).
			if (frame.error) {
				this.socket.pause();
				break;
			}
		}
		void this.pump();
	}

	/**
	 * @param {Buffer} raw one whole frame
	 * @returns {ParsedFrame}
	 */
	parseFrame(raw) {
		const control = (raw.readUInt8(0) & 0x80) !== 0;
		const flags = raw.readUInt8(4);
		const payload = raw.subarray(8);
		if (!control) {
			return {
				control,
				type: 0,
				flags,
				streamId: raw.readUInt32BE(0) & 0x7fffffff,
				payload,
			};
		}
		const version = raw.readUInt16BE(0) & 0x7fff;
		const type = raw.readUInt16BE(2);
		/** @type {ParsedFrame} */
		const frame = { control, type, flags, streamId: 0, payload };
		if (version !== VERSION) return { ...frame, error: `unsupported SPDY version ${version}` };
		const blockAt =
			type === TYPE.SYN_STREAM ? 10 : type === TYPE.SYN_REPLY || type === TYPE.HEADERS ? 4 : -1;
		if (blockAt >= 0) {
			if (payload.length < blockAt) return { ...frame, error: 'short control frame' };
			// Every header block goes through the one decompressor, in order, even for frames we ignore.
			frame.headers = new Promise((resolve, reject) =>
				this.headerWaiters.push({ resolve, reject }),
			);
			frame.headers.catch(() => {});
			this.inflater.write(payload.subarray(blockAt));
		}
		return frame;
	}

	takeHeaderBlocks() {
		while (this.headerWaiters.length) {
			const block = decodeHeaderBlock(this.inflated);
			if (!block) return;
			this.inflated = this.inflated.subarray(block.used);
			this.headerWaiters.shift()?.resolve(block.headers);
		}
	}

	/** Handles queued frames in order, waiting for each header block to be decompressed. */
	async pump() {
		if (this.pumping) return;
		this.pumping = true;
		try {
			while (this.queue.length && !this.closed) {
				const frame = /** @type {ParsedFrame} */ (this.queue.shift());
				if (frame.error) return this.fail(frame.error);
				const headers = frame.headers ? await frame.headers : {};
				if (this.closed) return;
				this.handleFrame(frame, headers);
			}
		} catch (err) {
			this.fail(String(/** @type {Error} */ (err).message ?? err));
		} finally {
			this.pumping = false;
		}
	}

	/**
	 * @param {ParsedFrame} frame
	 * @param {SpdyHeaders} headers
	 */
	handleFrame(frame, headers) {
		const p = frame.payload;
		if (!frame.control) {
			const stream = this.streams.get(frame.streamId);
			if (!stream) {
				// Data for a stream we reset or never saw: tell the peer, as spdystream would.
				if (!(frame.flags & FLAG_FIN) || p.length)
					this.sendControl(
						TYPE.RST_STREAM,
						0,
						Buffer.concat([u32(frame.streamId), u32(RST.INVALID_STREAM)]),
					);
				return;
			}
			// Data after the client's FIN breaks the protocol; like spdystream, drop it.
			if (p.length && !stream.remoteEnded && !stream.aborted) {
				if (!stream.push(p)) {
					this.full.add(stream);
					this.socket.pause();
				}
			}
			if (frame.flags & FLAG_FIN) stream.remoteEnd();
			return;
		}
		switch (frame.type) {
			case TYPE.SYN_STREAM: {
				const id = p.readUInt32BE(0) & 0x7fffffff;
				if (this.goneAway || id % 2 === 0 || id <= this.lastStreamId) {
					this.sendControl(TYPE.RST_STREAM, 0, Buffer.concat([u32(id), u32(RST.REFUSED_STREAM)]));
					return;
				}
				this.lastStreamId = id;
				const stream = new SpdyStream(this, id, headers);
				this.streams.set(id, stream);
				if (frame.flags & FLAG_FIN) stream.remoteEnd();
				this.onStream(stream);
				return;
			}
			case TYPE.RST_STREAM: {
				const stream = this.streams.get(p.readUInt32BE(0) & 0x7fffffff);
				if (stream) {
					stream.aborted = true;
					stream.destroy();
				}
				return;
			}
			case TYPE.PING:
				// Client pings have odd ids; an even one would be the answer to ours (we send none).
				if (p.length === 4 && p.readUInt32BE(0) % 2 === 1) this.sendControl(TYPE.PING, 0, p);
				return;
			case TYPE.GOAWAY:
				this.goneAway = true;
				return;
			default:
				// SETTINGS, WINDOW_UPDATE (spdystream keeps no windows), HEADERS, SYN_REPLY: nothing to do.
				return;
		}
	}

	/**
	 * @param {SpdyHeaders} headers
	 * @returns {Buffer} the block as the next piece of our zlib stream
	 */
	compressHeaders(headers) {
		const raw = encodeHeaderBlock(headers);
		/** @type {Buffer[]} */
		const parts = [];
		if (!this.deflateStarted) {
			this.deflateStarted = true;
			parts.push(Buffer.from([0x78, 0x01])); // zlib header: deflate, 32K window, no preset dictionary
		}
		for (let at = 0; at === 0 || at < raw.length; at += 0xffff) {
			const piece = raw.subarray(at, at + 0xffff);
			const h = Buffer.alloc(5); // non-final stored block: BFINAL=0 BTYPE=00, then LEN and NLEN
			h.writeUInt16LE(piece.length, 1);
			h.writeUInt16LE(~piece.length & 0xffff, 3);
			parts.push(h, piece);
		}
		// An empty stored block, as zlib's Z_SYNC_FLUSH writes: Go's inflater hands out what it has
		// only when it meets one, and the framer insists on consuming each block whole.
		parts.push(Buffer.from([0x00, 0x00, 0x00, 0xff, 0xff]));
		return Buffer.concat(parts);
	}

	/**
	 * @param {number} type
	 * @param {number} flags
	 * @param {Buffer} payload
	 */
	sendControl(type, flags, payload) {
		if (this.closed) return;
		const h = Buffer.alloc(8);
		h.writeUInt16BE(0x8000 | VERSION, 0);
		h.writeUInt16BE(type, 2);
		h[4] = flags;
		h.writeUIntBE(payload.length, 5, 3);
		this.socket.write(Buffer.concat([h, payload]));
	}

	/**
	 * @param {number} id
	 * @param {Buffer} data
	 * @param {boolean} fin
	 * @param {() => void} cb called when the socket can take more
	 */
	sendData(id, data, fin, cb) {
		if (this.closed) return cb();
		let ok = true;
		for (let at = 0; at === 0 || at < data.length; at += MAX_DATA_FRAME) {
			const piece = data.subarray(at, at + MAX_DATA_FRAME);
			const last = at + MAX_DATA_FRAME >= data.length;
			const h = Buffer.alloc(8);
			h.writeUInt32BE(id & 0x7fffffff, 0);
			h[4] = fin && last ? FLAG_FIN : 0;
			h.writeUIntBE(piece.length, 5, 3);
			ok = this.socket.write(piece.length ? Buffer.concat([h, piece]) : h);
		}
		if (ok) cb();
		else this.drainWaiters.push(cb);
	}

	flushDrainWaiters() {
		const waiters = this.drainWaiters;
		this.drainWaiters = [];
		for (const w of waiters) w();
	}

	/** @param {SpdyStream} stream */
	resumeFor(stream) {
		if (this.full.delete(stream) && this.full.size === 0 && !this.closed) this.socket.resume();
	}

	/** @param {SpdyStream} stream */
	forget(stream) {
		if (this.streams.get(stream.id) === stream) this.streams.delete(stream.id);
		this.resumeFor(stream);
	}

	/** Says goodbye (GOAWAY) and half-closes; the client closes its side once it has read everything. */
	end() {
		if (this.closed) return;
		this.sendControl(TYPE.GOAWAY, 0, Buffer.concat([u32(this.lastStreamId), u32(GOAWAY.OK)]));
		this.socket.end();
		// A client that never closes its side must not hold the socket forever.
		setTimeout(() => this.socket.destroy(), 10_000).unref();
	}

	/** @param {string} reason */
	fail(reason) {
		if (this.closed) return;
		this.error = reason;
		this.sendControl(
			TYPE.GOAWAY,
			0,
			Buffer.concat([u32(this.lastStreamId), u32(GOAWAY.PROTOCOL_ERROR)]),
		);
		this.close();
	}

	/** Tears everything down: the socket, every stream, the decompressor. Safe to call more than once. */
	close() {
		if (this.closed) return;
		this.closed = true;
		// Let what is already written (a GOAWAY, a status) go out, then drop the connection.
		this.socket.end();
		setTimeout(() => this.socket.destroy(), 1000).unref();
		for (const w of this.headerWaiters) w.reject(new Error('session closed'));
		this.headerWaiters = [];
		this.inflater.destroy();
		for (const stream of this.streams.values()) {
			stream.aborted = true;
			stream.destroy();
		}
		this.streams.clear();
		this.flushDrainWaiters();
		for (const fn of this.closeHandlers.splice(0)) fn();
	}
}
