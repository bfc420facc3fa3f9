// @ts-check
// etcd 3.4's write-ahead log (`member/wal/*.wal`), read offline. etcd appends every raft entry to the WAL and
// fsyncs it before a write is acknowledged, but applies entries to the bbolt db (`member/snap/db`) in batches;
// after a crash the db can lag the WAL, and etcd closes that gap on restart by replaying the WAL. This module
// reads the WAL so the same gap can be closed without etcd (the replay itself is in etcd-replay.mjs).
//
// Framing (server/wal encoder.go, decoder.go in 3.4): each record is an 8-byte little-endian length word, then
// a walpb.Record {type=1, crc=2, data=3} padded to 8 bytes. The low 56 bits of the word are the record's
// length; when the top bit is set, bits 56-58 hold the number of padding bytes. The crc of a record is
// crc32-Castagnoli of its data, chained from the previous record's crc; a crc-type record carries the crc of
// everything before it, so each segment starts with one. Segments are preallocated to 64 MB: a length word of
// zero means "end of this segment". A crash can tear the last record (a sector of it still zeros): etcd repairs
// that by truncating, and so does this reader. Any other broken record is corruption, named with file and offset.

import fs from 'node:fs';
import path from 'node:path';
import { readVarint } from './protobuf-varint.mjs';

export const RECORD = { METADATA: 1, ENTRY: 2, STATE: 3, CRC: 4, SNAPSHOT: 5 };
const SECTOR = 512;
// etcd's decoder refuses longer records (maxWALEntrySizeLimit): a length word beyond it is garbage, not a tear.
const MAX_RECORD = 10 * 1024 * 1024;
const WAL_NAME = /^([0-9a-f]{16})-([0-9a-f]{16})\.wal$/;

/** A WAL that is not what etcd writes. `file`/`offset` name the record. */
export class WalError extends Error {
	/** @param {string} message @param {{ file?: string, offset?: number }} [at] */
	constructor(message, at = {}) {
		super(at.file ? `${at.file} at offset ${at.offset ?? 0}: ${message}` : message);
		this.name = 'WalError';
		this.file = at.file ?? null;
		this.offset = at.offset ?? null;
	}
}

// ------------------------------------------------------------------------------------------ crc32c

const CRC_TABLES = (() => {
	/** @type {Uint32Array[]} */
	const t = Array.from({ length: 8 }, () => new Uint32Array(256));
	const t0 = /** @type {Uint32Array} */ (t[0]);
	for (let i = 0; i < 256; i++) {
		let c = i;
		for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
		t0[i] = c >>> 0;
	}
	for (let k = 1; k < 8; k++) {
		const prev = /** @type {Uint32Array} */ (t[k - 1]);
		const cur = /** @type {Uint32Array} */ (t[k]);
		for (let i = 0; i < 256; i++) {
			const p = prev[i] ?? 0;
			cur[i] = (p >>> 8) ^ (t0[p & 0xff] ?? 0);
		}
	}
	return t;
})();

/**
 * crc32 with the Castagnoli polynomial, continuing from `crc` (Go's crc32.Update): slicing by 8.
 * @param {number} crc @param {Uint8Array} b @param {number} [start] @param {number} [end]
 */
export function crc32c(crc, b, start = 0, end = b.length) {
	const [T0, T1, T2, T3, T4, T5, T6, T7] =
		/** @type {[Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array]} */ (
			CRC_TABLES
		);
	let c = ~crc >>> 0;
	let i = start;
	// Slicing by 8; indexes are always in bounds, the `?? 0` only satisfies the type checker.
	for (; i + 8 <= end; i += 8) {
		c ^= (b[i] ?? 0) | ((b[i + 1] ?? 0) << 8) | ((b[i + 2] ?? 0) << 16) | ((b[i + 3] ?? 0) << 24);
		c =
			(T7[c & 0xff] ?? 0) ^
			(T6[(c >>> 8) & 0xff] ?? 0) ^
			(T5[(c >>> 16) & 0xff] ?? 0) ^
			(T4[c >>> 24] ?? 0) ^
			(T3[b[i + 4] ?? 0] ?? 0) ^
			(T2[b[i + 5] ?? 0] ?? 0) ^
			(T1[b[i + 6] ?? 0] ?? 0) ^
			(T0[b[i + 7] ?? 0] ?? 0);
	}
	for (; i < end; i++) c = (T0[(c ^ (b[i] ?? 0)) & 0xff] ?? 0) ^ (c >>> 8);
	return ~c >>> 0;
}

// ------------------------------------------------------------------------------------------ protobuf

/** Thrown by the protobuf reader; callers turn it into a WalError with a place. */
export class ProtoError extends Error {}

/** @param {Buffer} b @param {number} pos @returns {[bigint, number]} a uint64 varint */
function varint(b, pos) {
	return readVarint(b, pos, false, protoError);
}
/** @param {string} message */
const protoError = (message) => new ProtoError(message);

/**
 * A message schema: field number -> 'v' (varint), 'b' (bytes), or a nested schema (decoded strictly, as gogo's
 * generated Unmarshal does). Unknown fields are skipped like gogo's skip functions.
 * @typedef {{ [field: number]: 'v' | 'b' | Schema }} Schema
 */
/** @typedef {Map<number, Array<bigint | Buffer | Msg>>} Msg */

/**
 * @param {Buffer} b @param {number} pos @param {number} end @param {number} wire
 * @returns {number}
 */
function skip(b, pos, end, wire) {
	if (wire === 0) return varint(b, pos)[1];
	if (wire === 1 || wire === 5) {
		const next = pos + (wire === 1 ? 8 : 4);
		if (next > end) throw new ProtoError('unexpected EOF');
		return next;
	}
	if (wire === 2) {
		const [len, p] = varint(b, pos);
		const next = p + Number(len);
		if (len > BigInt(end) || next > end) throw new ProtoError('unexpected EOF');
		return next;
	}
	if (wire === 3) {
		// A group: skip fields until its end-group tag.
		let p = pos;
		for (;;) {
			if (p >= end) throw new ProtoError('unexpected EOF');
			const [tag, q] = varint(b, p);
			const w = Number(tag & 7n);
			if (w === 4) return q;
			p = skip(b, q, end, w);
		}
	}
	throw new ProtoError(`illegal wireType ${wire}`);
}

/**
 * @param {Buffer} b @param {Schema} schema @param {number} [start] @param {number} [end]
 * @returns {Msg}
 */
export function decodeMessage(b, schema, start = 0, end = b.length) {
	/** @type {Msg} */
	const out = new Map();
	let pos = start;
	while (pos < end) {
		const [tag, p] = varint(b, pos);
		if (p > end) throw new ProtoError('unexpected EOF');
		const field = Number(tag >> 3n);
		const wire = Number(tag & 7n);
		if (wire === 4) throw new ProtoError('wiretype end group for non-group');
		if (field <= 0 || tag >> 3n > 0x1fffffffn) throw new ProtoError(`illegal tag ${field}`);
		const kind = schema[field];
		if (kind === undefined) {
			pos = skip(b, p, end, wire);
			continue;
		}
		const want = kind === 'v' ? 0 : 2;
		if (wire !== want) throw new ProtoError(`wrong wireType ${wire} for field ${field}`);
		/** @type {bigint | Buffer | Msg} */
		let value;
		if (kind === 'v') {
			[value, pos] = varint(b, p);
			if (pos > end) throw new ProtoError('unexpected EOF');
		} else {
			const [len, q] = varint(b, p);
			const next = q + Number(len);
			if (len > BigInt(end) || next > end) throw new ProtoError('unexpected EOF');
			value = kind === 'b' ? b.subarray(q, next) : decodeMessage(b, kind, q, next);
			pos = next;
		}
		const list = out.get(field);
		if (list) list.push(value);
		else out.set(field, [value]);
	}
	return out;
}

/** @param {Msg} m @param {number} f */
const num = (m, f) => {
	const l = m.get(f);
	return l ? /** @type {bigint} */ (l[l.length - 1]) : 0n;
};
/** @param {Msg} m @param {number} f */
const bytes = (m, f) => {
	const l = m.get(f);
	return l ? /** @type {Buffer} */ (l[l.length - 1]) : null;
};
/** @param {Msg} m @param {number} f */
const msg = (m, f) => {
	const l = m.get(f);
	return l ? /** @type {Msg} */ (l[l.length - 1]) : null;
};
/** @param {Msg} m @param {number} f */
const msgs = (m, f) => /** @type {Msg[]} */ (m.get(f) ?? []);
/** @param {Msg} m @param {number} f */
const has = (m, f) => m.has(f);

// Schemas of etcd 3.4's messages (walpb, raftpb, etcdserverpb).
/** @type {Schema} */ const S_RECORD = { 1: 'v', 2: 'v', 3: 'b' };
/** @type {Schema} */ const S_ENTRY = { 1: 'v', 2: 'v', 3: 'v', 4: 'b' };
/** @type {Schema} */ const S_HARDSTATE = { 1: 'v', 2: 'v', 3: 'v' };
/** @type {Schema} */ const S_SNAPSHOT = { 1: 'v', 2: 'v' };
/** @type {Schema} */ const S_METADATA = { 1: 'v', 2: 'v' };
/** @type {Schema} */
const S_V2_REQUEST = {
	1: 'v',
	2: 'b',
	3: 'b',
	4: 'b',
	5: 'v',
	6: 'b',
	7: 'v',
	8: 'v',
	9: 'v',
	10: 'v',
	11: 'v',
	12: 'v',
	13: 'v',
	14: 'v',
	15: 'v',
	16: 'v',
	17: 'v',
};
/** @type {Schema} */
const S_RANGE = {
	1: 'b',
	2: 'b',
	3: 'v',
	4: 'v',
	5: 'v',
	6: 'v',
	7: 'v',
	8: 'v',
	9: 'v',
	10: 'v',
	11: 'v',
	12: 'v',
	13: 'v',
};
/** @type {Schema} */ const S_PUT = { 1: 'b', 2: 'b', 3: 'v', 4: 'v', 5: 'v', 6: 'v' };
/** @type {Schema} */ const S_DELETE = { 1: 'b', 2: 'b', 3: 'v' };
/** @type {Schema} */
const S_COMPARE = { 1: 'v', 2: 'v', 3: 'b', 4: 'v', 5: 'v', 6: 'v', 7: 'b', 8: 'v', 64: 'b' };
/** @type {Schema} */ const S_TXN = {};
/** @type {Schema} */ const S_OP = { 1: S_RANGE, 2: S_PUT, 3: S_DELETE, 4: S_TXN };
Object.assign(S_TXN, { 1: S_COMPARE, 2: S_OP, 3: S_OP });
/** @type {Schema} */
const S_INTERNAL = {
	100: { 1: 'v', 2: 'b', 3: 'v' },
	1: 'v',
	2: S_V2_REQUEST,
	3: S_RANGE,
	4: S_PUT,
	5: S_DELETE,
	6: S_TXN,
	7: { 1: 'v', 2: 'v' },
	8: { 1: 'v', 2: 'v' },
	9: { 1: 'v' },
	10: { 1: 'v', 2: 'v', 3: 'v' },
	11: { 1: { 1: 'v', 2: 'v' } },
};
const INTERNAL_KNOWN = new Set([3, 4, 5, 6, 7, 8, 9, 10, 11]);

// ------------------------------------------------------------------------------------------ requests

/**
 * @typedef {{ kind: 'put', key: Buffer, value: Buffer, lease: bigint, ignoreValue: boolean, ignoreLease: boolean }} PutOp
 * @typedef {{ kind: 'delete', key: Buffer, rangeEnd: Buffer | null }} DeleteOp
 * @typedef {{ kind: 'range', key: Buffer, rangeEnd: Buffer | null, revision: bigint }} RangeOp
 * @typedef {{ result: number, target: number, key: Buffer, rangeEnd: Buffer | null, union: number, num: bigint, value: Buffer }} Compare
 * @typedef {{ kind: 'txn', compares: Compare[], success: Array<Op | null>, failure: Array<Op | null> }} TxnOp
 * @typedef {PutOp | DeleteOp | RangeOp | TxnOp} Op
 * @typedef {Op
 *   | { kind: 'compaction', revision: bigint }
 *   | { kind: 'leaseGrant', id: bigint, ttl: bigint }
 *   | { kind: 'leaseRevoke', id: bigint }
 *   | { kind: 'alarm', action: number, memberId: bigint, alarm: number }
 *   | { kind: 'noop' } | { kind: 'v2' } | { kind: 'confChange' } | { kind: 'other', field: number }} Request
 */

/** @param {Msg} m @returns {PutOp} */
const toPut = (m) => ({
	kind: 'put',
	key: bytes(m, 1) ?? Buffer.alloc(0),
	value: bytes(m, 2) ?? Buffer.alloc(0),
	lease: BigInt.asIntN(64, num(m, 3)),
	ignoreValue: num(m, 5) !== 0n,
	ignoreLease: num(m, 6) !== 0n,
});
/** @param {Msg} m @returns {DeleteOp} */
const toDelete = (m) => ({
	kind: 'delete',
	key: bytes(m, 1) ?? Buffer.alloc(0),
	rangeEnd: bytes(m, 2),
});
/** @param {Msg} m @returns {RangeOp} */
const toRange = (m) => ({
	kind: 'range',
	key: bytes(m, 1) ?? Buffer.alloc(0),
	rangeEnd: bytes(m, 2),
	revision: BigInt.asIntN(64, num(m, 4)),
});
/** @param {Msg} m @returns {Op | null} */
function toOp(m) {
	// A oneof: the last field on the wire wins, as in Go.
	let last = 0;
	for (const f of m.keys()) if (f >= 1 && f <= 4) last = f;
	const sub = last ? msg(m, last) : null;
	if (!sub) return null;
	if (last === 1) return toRange(sub);
	if (last === 2) return toPut(sub);
	if (last === 3) return toDelete(sub);
	return toTxn(sub);
}
/** @param {Msg} m @returns {TxnOp} */
function toTxn(m) {
	return {
		kind: 'txn',
		compares: msgs(m, 1).map((c) => {
			let union = 0;
			for (const f of c.keys()) if (f >= 4 && f <= 8) union = f;
			return {
				result: Number(num(c, 1)),
				target: Number(num(c, 2)),
				key: bytes(c, 3) ?? Buffer.alloc(0),
				rangeEnd: bytes(c, 64),
				union,
				num: union && union !== 7 ? BigInt.asIntN(64, num(c, union)) : 0n,
				value: union === 7 ? (bytes(c, 7) ?? Buffer.alloc(0)) : Buffer.alloc(0),
			};
		}),
		success: msgs(m, 2).map(toOp),
		failure: msgs(m, 3).map(toOp),
	};
}

/**
 * Decodes the data of a normal raft entry the way etcd 3.4's applyEntryNormal does: an InternalRaftRequest if
 * it unmarshals as one, else a v2 Request (the members' own attribute publishes and SYNCs), which the v3 key
 * space never sees. Data that is neither would make etcd panic: ProtoError.
 * @param {Buffer} data
 * @returns {Request}
 */
export function decodeRequest(data) {
	if (data.length === 0) return { kind: 'noop' };
	/** @type {Msg} */
	let m;
	try {
		m = decodeMessage(data, S_INTERNAL);
	} catch (e) {
		if (!(e instanceof ProtoError)) throw e;
		try {
			decodeMessage(data, S_V2_REQUEST);
		} catch (e2) {
			if (e2 instanceof ProtoError)
				throw new ProtoError(`entry data is neither a v3 nor a v2 request (${e2.message})`);
			throw e2;
		}
		return { kind: 'v2' };
	}
	if (has(m, 2)) return { kind: 'v2' };
	// etcd dispatches on the first set field in this order (applierV3backend.Apply).
	for (const f of [3, 4, 5, 6, 7, 8, 9, 10, 11]) {
		const sub = msg(m, f);
		if (!sub) continue;
		switch (f) {
			case 3:
				return toRange(sub);
			case 4:
				return toPut(sub);
			case 5:
				return toDelete(sub);
			case 6:
				return toTxn(sub);
			case 7:
				return { kind: 'compaction', revision: BigInt.asIntN(64, num(sub, 1)) };
			case 8:
				return {
					kind: 'leaseGrant',
					ttl: BigInt.asIntN(64, num(sub, 1)),
					id: BigInt.asIntN(64, num(sub, 2)),
				};
			case 9:
				return { kind: 'leaseRevoke', id: BigInt.asIntN(64, num(sub, 1)) };
			case 10:
				return {
					kind: 'alarm',
					action: Number(num(sub, 1)),
					memberId: num(sub, 2),
					alarm: Number(num(sub, 3)),
				};
			default:
				return { kind: 'other', field: f };
		}
	}
	for (const f of m.keys())
		if (!INTERNAL_KNOWN.has(f) && f >= 1000) return { kind: 'other', field: f };
	return { kind: 'other', field: 0 };
}

// ------------------------------------------------------------------------------------------ segments

/**
 * @typedef {object} RaftEntry
 * @property {bigint} index
 * @property {bigint} term
 * @property {number} type    0 normal, 1 conf change, 2 conf change v2
 * @property {Buffer} data
 */

/**
 * @typedef {object} WalLog
 * @property {string} dir
 * @property {Array<{ name: string, seq: bigint, index: bigint, bytes: number }>} files
 * @property {RaftEntry[]} entries          contiguous, ascending index; later writes of an index replace earlier ones
 * @property {{ term: bigint, vote: bigint, commit: bigint }} hardState   the last state record
 * @property {{ nodeId: bigint, clusterId: bigint } | null} metadata
 * @property {Array<{ index: bigint, term: bigint }>} snapshots
 * @property {{ file: string, offset: number, reason: string } | null} torn   where a crash cut the last record
 * @property {number} records
 * @property {number} bytesRead
 */

/**
 * The segment files of a WAL folder, in sequence order. Throws WalError when there are none or they skip.
 * @param {string} dir
 */
export function listSegments(dir) {
	/** @type {string[]} */
	let names;
	try {
		names = fs.readdirSync(dir);
	} catch (e) {
		throw new WalError(`cannot read the WAL folder ${dir}: ${/** @type {Error} */ (e).message}`);
	}
	const files = names
		.map((name) => ({ name, m: WAL_NAME.exec(name) }))
		.filter((x) => x.m)
		.map(({ name, m }) => ({
			name,
			seq: BigInt(`0x${m?.[1]}`),
			index: BigInt(`0x${m?.[2]}`),
			bytes: 0,
		}))
		.sort((a, b) => (a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0));
	if (files.length === 0) throw new WalError(`no *.wal segment in ${dir}`);
	checkSequence(files);
	return files;
}

/** etcd refuses segments whose sequence numbers skip. @param {Array<{ seq: bigint, name: string }>} files */
function checkSequence(files) {
	for (let i = 1; i < files.length; i++) {
		const a = /** @type {{ seq: bigint, name: string }} */ (files[i - 1]);
		const b = /** @type {{ seq: bigint, name: string }} */ (files[i]);
		if (b.seq !== a.seq + 1n) throw new WalError(`segments skip from ${a.name} to ${b.name}`);
	}
}

/**
 * Reads a WAL folder. A torn last record ends the log (`torn` says where); anything else that is not what
 * etcd writes throws WalError with file and offset.
 * @param {string} dir
 * @returns {WalLog}
 */
export function readWal(dir) {
	return readSegments(dir, listSegments(dir), (file) => {
		try {
			// A FIFO named like a segment would block the read where no signal can reach the process.
			if (!fs.statSync(file).isFile()) throw new Error('not a regular file');
			return fs.readFileSync(file);
		} catch (e) {
			throw new WalError(`cannot read ${file}: ${/** @type {Error} */ (e).message}`);
		}
	});
}

/**
 * The same from segments in memory (name -> contents), for tests and tools that hold the files already.
 * @param {Record<string, Buffer>} segments
 * @returns {WalLog}
 */
export function readWalBuffers(segments) {
	const files = Object.keys(segments)
		.map((name) => ({ name, m: WAL_NAME.exec(name) }))
		.filter((x) => x.m)
		.map(({ name, m }) => ({
			name,
			seq: BigInt(`0x${m?.[1]}`),
			index: BigInt(`0x${m?.[2]}`),
			bytes: 0,
		}))
		.sort((a, b) => (a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0));
	if (files.length === 0) throw new WalError('no *.wal segment');
	checkSequence(files);
	return readSegments('', files, (file) => /** @type {Buffer} */ (segments[file]));
}

/**
 * @param {string} dir
 * @param {Array<{ name: string, seq: bigint, index: bigint, bytes: number }>} files
 * @param {(file: string) => Buffer} load
 * @returns {WalLog}
 */
function readSegments(dir, files, load) {
	/** @type {RaftEntry[]} */
	const entries = [];
	/** @type {WalLog} */
	const log = {
		dir,
		files,
		entries,
		hardState: { term: 0n, vote: 0n, commit: 0n },
		metadata: null,
		snapshots: [],
		torn: null,
		records: 0,
		bytesRead: 0,
	};
	let crc = 0;
	let sawCrc = false;
	for (let fi = 0; fi < files.length; fi++) {
		const f = /** @type {{ name: string, bytes: number }} */ (files[fi]);
		const file = dir ? path.join(dir, f.name) : f.name;
		const buf = load(file);
		f.bytes = buf.length;
		const last = fi === files.length - 1;
		let off = 0;
		let inFile = 0;
		for (;;) {
			const at = { file, offset: off };
			if (off + 8 > buf.length) {
				if (inFile < 2) throw new WalError('segment ends before its crc and metadata records', at);
				if (off < buf.length && !isZero(buf, off, buf.length)) {
					if (last) {
						log.torn = { file, offset: off, reason: 'partial length word' };
						return log;
					}
					throw new WalError('partial length word at the end of a segment', at);
				}
				break;
			}
			const lo = buf.readUInt32LE(off);
			const hi = buf.readUInt32LE(off + 4);
			if (lo === 0 && hi === 0) {
				// Preallocated space: the end of this segment. etcd writes a segment's header before it names it.
				if (inFile < 2) throw new WalError('segment ends before its crc and metadata records', at);
				break;
			}
			const recBytes = (hi & 0x00ffffff) * 0x100000000 + lo;
			const padBytes = hi & 0x80000000 ? (hi >>> 24) & 0x7 : 0;
			if (recBytes >= MAX_RECORD - padBytes)
				throw new WalError(
					`record ${log.records} claims ${recBytes} bytes, more than etcd ever writes`,
					at,
				);
			const end = off + 8 + recBytes + padBytes;
			const tornHere = () => isTorn(buf, off + 8, Math.min(end, buf.length));
			if (end > buf.length) {
				if (last && inFile >= 2) {
					log.torn = { file, offset: off, reason: 'record runs past the end of the file' };
					return log;
				}
				throw new WalError(`record of ${recBytes} bytes runs past the end of the segment`, at);
			}
			/** @type {Msg} */
			let rec;
			try {
				rec = decodeMessage(buf, S_RECORD, off + 8, off + 8 + recBytes);
			} catch (e) {
				if (!(e instanceof ProtoError)) throw e;
				if (last && inFile >= 2 && tornHere()) {
					log.torn = { file, offset: off, reason: 'torn record' };
					return log;
				}
				throw new WalError(`record ${log.records} is not a walpb.Record (${e.message})`, at);
			}
			const type = Number(num(rec, 1));
			const recCrc = Number(num(rec, 2));
			const data = bytes(rec, 3) ?? Buffer.alloc(0);
			if (inFile === 0 && type !== RECORD.CRC)
				throw new WalError(
					`not an etcd WAL segment: it starts with a record of type ${type}, not crc`,
					at,
				);
			if (inFile === 1 && type !== RECORD.METADATA)
				throw new WalError(`not an etcd WAL segment: record 1 has type ${type}, not metadata`, at);
			if (type === RECORD.CRC) {
				if (sawCrc && crc !== 0 && recCrc !== crc)
					throw new WalError(
						`crc record ${log.records} says ${hex32(recCrc)} but the records before it sum to ${hex32(crc)}`,
						at,
					);
				crc = recCrc;
				sawCrc = true;
			} else {
				crc = crc32c(crc, data);
				if (recCrc !== crc) {
					if (last && inFile >= 2 && tornHere()) {
						log.torn = { file, offset: off, reason: 'torn record' };
						return log;
					}
					throw new WalError(
						`crc mismatch in record ${log.records} (type ${type}): stored ${hex32(recCrc)}, computed ${hex32(crc)}`,
						at,
					);
				}
				try {
					readRecord(log, type, data);
				} catch (e) {
					if (e instanceof ProtoError)
						throw new WalError(`record ${log.records} (type ${type}): ${e.message}`, at);
					if (e instanceof WalError) throw new WalError(e.message, at);
					throw e;
				}
			}
			log.records++;
			inFile++;
			off = end;
		}
		log.bytesRead += off;
	}
	return log;
}

/**
 * @param {WalLog} log @param {number} type @param {Buffer} data
 */
function readRecord(log, type, data) {
	switch (type) {
		case RECORD.ENTRY: {
			const m = decodeMessage(data, S_ENTRY);
			const index = num(m, 3);
			const d = bytes(m, 4);
			/** @type {RaftEntry} */
			const e = {
				index,
				term: num(m, 2),
				type: Number(num(m, 1)),
				// A copy: the segment buffer (64 MB, mostly zeros) can then be freed.
				data: d ? Buffer.from(d) : Buffer.alloc(0),
			};
			const first = log.entries[0];
			if (!first) {
				log.entries.push(e);
				break;
			}
			const at = index - first.index;
			if (at < 0n) break; // before what we hold: an older leader's entry already superseded
			if (at > BigInt(log.entries.length))
				throw new WalError(
					`entry ${index} leaves a gap after entry ${first.index + BigInt(log.entries.length) - 1n}`,
				);
			// A rewrite of an index drops everything after it: a new leader replaced uncommitted entries.
			log.entries.length = Number(at);
			log.entries.push(e);
			break;
		}
		case RECORD.STATE: {
			const m = decodeMessage(data, S_HARDSTATE);
			log.hardState = { term: num(m, 1), vote: num(m, 2), commit: num(m, 3) };
			break;
		}
		case RECORD.METADATA: {
			const m = decodeMessage(data, S_METADATA);
			log.metadata = { nodeId: num(m, 1), clusterId: num(m, 2) };
			break;
		}
		case RECORD.SNAPSHOT: {
			const m = decodeMessage(data, S_SNAPSHOT);
			log.snapshots.push({ index: num(m, 1), term: num(m, 2) });
			break;
		}
		default:
			throw new ProtoError(`unknown record type ${type}`);
	}
}

/** @param {Buffer} b @param {number} s @param {number} e */
function isZero(b, s, e) {
	for (let i = s; i < e; i++) if (b[i] !== 0) return false;
	return true;
}

/**
 * etcd's isTornEntry: the record's bytes split on 512-byte sector boundaries, one chunk of them all zeros.
 * @param {Buffer} b @param {number} s @param {number} e
 */
function isTorn(b, s, e) {
	let p = s;
	while (p < e) {
		const len = Math.min(SECTOR - (p % SECTOR), e - p);
		if (isZero(b, p, p + len)) return true;
		p += len;
	}
	return false;
}

/** @param {number} n */
const hex32 = (n) => `0x${(n >>> 0).toString(16).padStart(8, '0')}`;

// ------------------------------------------------------------------------------------------ members

/**
 * @typedef {object} CommittedLog
 * @property {bigint} commitIndex        the highest index known committed (HardState, or a quorum of logs)
 * @property {bigint} hardStateCommit    the highest HardState commit of any member
 * @property {bigint} quorumIndex        the highest index a majority of members hold with the same term
 * @property {Map<bigint, RaftEntry>} entries   committed entries by index (those the logs hold)
 * @property {bigint} firstIndex         lowest index held (0n when none)
 * @property {number} uncommitted        entries written past commitIndex by some member, left out
 */

/**
 * Combines the WALs of a cluster's members into its committed log. An entry is committed when a member's
 * HardState says so, or when a majority of the `clusterSize` members hold it with the same term (a follower
 * fsyncs before it answers, so an acknowledged write is always on a majority, even when the leader died before
 * saving its new commit index). Uncommitted entries are left out: no client was told they were written.
 * @param {Array<WalLog | null>} logs  one per member; null for a member whose WAL could not be read
 * @param {number} clusterSize
 * @returns {CommittedLog}
 */
export function committedLog(logs, clusterSize) {
	const all = /** @type {WalLog[]} */ (logs.filter(Boolean));
	// A WAL of another cluster (a member rebuilt since) must not count towards a quorum: keep the most common id.
	/** @type {Map<string, number>} */
	const ids = new Map();
	for (const l of all) {
		const id = String(l.metadata?.clusterId ?? '');
		ids.set(id, (ids.get(id) ?? 0) + 1);
	}
	const cluster = [...ids].sort((a, b) => b[1] - a[1])[0]?.[0];
	const present = all.filter((l) => String(l.metadata?.clusterId ?? '') === cluster);
	const quorum = Math.floor(Math.max(clusterSize, 1) / 2) + 1;
	let hardStateCommit = 0n;
	for (const l of present)
		if (l.hardState.commit > hardStateCommit) hardStateCommit = l.hardState.commit;
	/** @param {WalLog} l @param {bigint} i */
	const at = (l, i) => {
		const first = l.entries[0];
		if (!first || i < first.index) return null;
		return l.entries[Number(i - first.index)] ?? null;
	};
	let quorumIndex = 0n;
	let lastIndex = 0n;
	for (const l of present) {
		const e = l.entries[l.entries.length - 1];
		if (e && e.index > lastIndex) lastIndex = e.index;
	}
	for (const l of present)
		for (let k = l.entries.length - 1; k >= 0; k--) {
			const e = /** @type {RaftEntry} */ (l.entries[k]);
			if (e.index <= quorumIndex) break;
			let count = 0;
			for (const o of present) if (at(o, e.index)?.term === e.term) count++;
			if (count >= quorum) {
				quorumIndex = e.index;
				break;
			}
		}
	const commitIndex = hardStateCommit > quorumIndex ? hardStateCommit : quorumIndex;
	// Logs that hold the committed entry at commitIndex agree with the committed log up to there (raft's log
	// matching); a member whose HardState commit covers an index agrees up to its commit.
	/** @type {Map<bigint, RaftEntry>} */
	const entries = new Map();
	let ref = null;
	for (const l of present) {
		const e = at(l, commitIndex);
		if (!e) continue;
		if (commitIndex === quorumIndex) {
			let count = 0;
			for (const o of present) if (at(o, commitIndex)?.term === e.term) count++;
			if (count < quorum) continue;
		} else if (l.hardState.commit < commitIndex) continue;
		ref = e.term;
		break;
	}
	for (const l of present) {
		let upTo = l.hardState.commit < commitIndex ? l.hardState.commit : commitIndex;
		if (ref !== null && at(l, commitIndex)?.term === ref) upTo = commitIndex;
		for (const e of l.entries) {
			if (e.index > upTo) break;
			if (!entries.has(e.index)) entries.set(e.index, e);
		}
	}
	let firstIndex = 0n;
	for (const i of entries.keys()) if (firstIndex === 0n || i < firstIndex) firstIndex = i;
	return {
		commitIndex,
		hardStateCommit,
		quorumIndex,
		entries,
		firstIndex,
		uncommitted: lastIndex > commitIndex ? Number(lastIndex - commitIndex) : 0,
	};
}
