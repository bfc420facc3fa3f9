// @ts-check
// etcd's MVCC store on top of the bbolt reader: the `key` bucket holds one row per revision (17-byte key
// main_sub, 18 bytes with a trailing 't' for a tombstone) whose value is a protobuf mvccpb.KeyValue. The state a
// client would see is the latest revision of every user key, dropped when that revision is a tombstone.
// Layouts: etcd's server/mvcc (revision keys, mvccpb.KeyValue) as of etcd 3.4/3.5.

import { BboltError, openBbolt } from './bbolt.mjs';
import { readVarint as readProtoVarint } from './protobuf-varint.mjs';

/** Raised when a row of the `key` bucket is not what etcd writes. */
export class MvccError extends Error {
	/** @param {string} message */
	constructor(message) {
		super(message);
		this.name = 'MvccError';
	}
}

/**
 * @typedef {object} KeyValue
 * @property {Buffer} key
 * @property {Buffer} value
 * @property {bigint} createRevision
 * @property {bigint} modRevision
 * @property {bigint} version
 * @property {bigint} lease            0n when the key is not attached to a lease
 */

/**
 * @typedef {object} Revision
 * @property {bigint} main
 * @property {bigint} sub
 * @property {boolean} tombstone
 */

const REV_LEN = 17;
const SEP = 0x5f; // '_'
const TOMB = 0x74; // 't'

/**
 * @param {Buffer} b
 * @returns {Revision}
 */
export function parseRevisionKey(b) {
	if ((b.length !== REV_LEN && b.length !== REV_LEN + 1) || b[8] !== SEP)
		throw new MvccError(
			`key bucket row ${b.toString('hex')} is not a revision (want 17 bytes main_sub[t])`,
		);
	if (b.length === REV_LEN + 1 && b[REV_LEN] !== TOMB)
		throw new MvccError(`key bucket row ${b.toString('hex')} has an unknown marker byte`);
	return {
		main: b.readBigInt64BE(0),
		sub: b.readBigInt64BE(9),
		tombstone: b.length === REV_LEN + 1,
	};
}

/**
 * Encodes a revision the way etcd does (for tests and for reading meta's compact revisions).
 * @param {bigint} main @param {bigint} sub @param {boolean} [tombstone]
 */
export function encodeRevisionKey(main, sub, tombstone = false) {
	const b = Buffer.alloc(tombstone ? REV_LEN + 1 : REV_LEN);
	b.writeBigInt64BE(main, 0);
	b[8] = SEP;
	b.writeBigInt64BE(sub, 9);
	if (tombstone) b[REV_LEN] = TOMB;
	return b;
}

/** @param {Buffer} b @param {number} pos @returns {[bigint, number]} an int64 varint (fields of KeyValue) */
function readVarint(b, pos) {
	return readProtoVarint(b, pos, true, mvccError);
}
/** @param {string} message */
const mvccError = (message) => new MvccError(message);

/**
 * Skips or reads one field; returns [fieldNo, wireType, start, end, varint, next].
 * @param {Buffer} b @param {number} pos
 * @returns {{ field: number, wire: number, start: number, end: number, num: bigint, next: number }}
 */
function readField(b, pos) {
	const [tag, p] = readVarint(b, pos);
	const field = Number(tag >> 3n);
	const wire = Number(tag & 7n);
	if (field === 0) throw new MvccError('field number 0');
	if (wire === 0) {
		const [num, next] = readVarint(b, p);
		return { field, wire, start: p, end: next, num, next };
	}
	if (wire === 2) {
		const [len, q] = readVarint(b, p);
		const end = q + Number(len);
		if (len < 0n || end > b.length)
			throw new MvccError(`field ${field} length ${len} runs past the value`);
		return { field, wire, start: q, end, num: len, next: end };
	}
	if (wire === 1 || wire === 5) {
		const end = p + (wire === 1 ? 8 : 4);
		if (end > b.length) throw new MvccError(`field ${field} runs past the value`);
		return { field, wire, start: p, end, num: 0n, next: end };
	}
	throw new MvccError(`unsupported wire type ${wire} for field ${field}`);
}

/**
 * Decodes mvccpb.KeyValue. Views into `b` are returned: copy them if `b` is a page buffer you do not keep.
 * @param {Buffer} b
 * @returns {KeyValue}
 */
export function decodeKeyValue(b) {
	/** @type {KeyValue} */
	const kv = {
		key: Buffer.alloc(0),
		value: Buffer.alloc(0),
		createRevision: 0n,
		modRevision: 0n,
		version: 0n,
		lease: 0n,
	};
	let pos = 0;
	while (pos < b.length) {
		const f = readField(b, pos);
		pos = f.next;
		const want = f.field === 1 || f.field === 5 ? 2 : f.field >= 2 && f.field <= 6 ? 0 : -1;
		if (want !== -1 && f.wire !== want)
			throw new MvccError(`field ${f.field} has wire type ${f.wire}, want ${want}`);
		switch (f.field) {
			case 1:
				kv.key = b.subarray(f.start, f.end);
				break;
			case 2:
				kv.createRevision = f.num;
				break;
			case 3:
				kv.modRevision = f.num;
				break;
			case 4:
				kv.version = f.num;
				break;
			case 5:
				kv.value = b.subarray(f.start, f.end);
				break;
			case 6:
				kv.lease = f.num;
				break;
			default:
				break; // unknown fields from newer etcd releases are skipped, as protobuf readers do
		}
	}
	return kv;
}

/** @param {bigint} v @param {number[]} out */
function pushVarint(v, out) {
	let x = BigInt.asUintN(64, v);
	while (x >= 0x80n) {
		out.push(Number(x & 0x7fn) | 0x80);
		x >>= 7n;
	}
	out.push(Number(x));
}

/**
 * Encodes mvccpb.KeyValue the way Go's generated code does (field order, zero fields omitted).
 * @param {Partial<KeyValue> & { key: Buffer }} kv
 */
export function encodeKeyValue(kv) {
	/** @type {Array<Buffer>} */
	const parts = [];
	/** @param {number} tag @param {bigint | undefined} v */
	const num = (tag, v) => {
		if (!v) return;
		const o = [tag];
		pushVarint(v, o);
		parts.push(Buffer.from(o));
	};
	/** @param {number} tag @param {Buffer | undefined} v */
	const bytes = (tag, v) => {
		if (!v || v.length === 0) return;
		const o = [tag];
		pushVarint(BigInt(v.length), o);
		parts.push(Buffer.from(o), v);
	};
	bytes(0x0a, kv.key);
	num(0x10, kv.createRevision);
	num(0x18, kv.modRevision);
	num(0x20, kv.version);
	bytes(0x2a, kv.value);
	num(0x30, kv.lease);
	return Buffer.concat(parts);
}

/**
 * @typedef {object} MvccState
 * @property {KeyValue[]} kvs             latest live value of every key, sorted by key bytes
 * @property {bigint} revision            highest main revision in the `key` bucket (what `etcdctl get` calls header.revision)
 * @property {bigint | null} compactRevision   meta/finishedCompactRev, when present
 * @property {bigint | null} consistentIndex   meta/consistent_index, when present
 * @property {{ rows: number, tombstones: number, keys: number, live: number, deleted: number, leased: number }} stats
 * @property {{ page: number, txid: bigint, pageSize: number, fellBack: boolean, problems: string[] }} bbolt
 */

/**
 * Reads the whole `key` bucket and reduces it to the latest live value per key.
 * @param {import('./bbolt.mjs').BboltDb} db
 * @returns {MvccState}
 */
export function readMvcc(db) {
	/** @type {string[]} */
	const problems = [];
	for (const m of db.metas)
		if (!m.valid) problems.push(`meta page ${m.page} rejected: ${m.problem}`);
	let fellBack = false;
	for (;;) {
		try {
			return {
				...reduce(db),
				bbolt: {
					page: db.meta.page,
					txid: db.meta.txid,
					pageSize: db.pageSize,
					fellBack,
					problems,
				},
			};
		} catch (e) {
			// The newest transaction's tree may be torn (a crash mid-commit); the previous meta then still points at
			// an intact tree, which is what bbolt itself would have used had the newest meta failed its checksum.
			if (!(e instanceof BboltError || e instanceof MvccError) || fellBack) throw e;
			const failedPage = db.meta.page;
			if (!db.fallBackToOlderMeta()) throw e;
			problems.push(
				`tree of meta page ${failedPage} unreadable (${e.message}); used meta page ${db.meta.page}`,
			);
			fellBack = true;
		}
	}
}

/**
 * @param {import('./bbolt.mjs').BboltDb} db
 */
function reduce(db) {
	// Revisions are compared as (main, sub) in uint32 halves: exact for all 64 bits and, unlike BigInt or a
	// Buffer copy per row, no allocation on the hot path (one call per row of the largest bucket).
	/** @type {Map<string, { mh: number, ml: number, sh: number, sl: number, raw: Buffer }>} */
	const latest = new Map();
	let rows = 0;
	let tombstones = 0;
	let maxH = -1;
	let maxL = -1;
	const buckets = new Set(db.buckets());
	if (!buckets.has('key'))
		throw new MvccError(
			`no "key" bucket (buckets: ${[...buckets].join(', ') || 'none'}); not an etcd v3 db`,
		);
	db.forEachRaw(['key'], (buf, ks, ke, ve, isBucket) => {
		const klen = ke - ks;
		if (isBucket)
			throw new MvccError(`key bucket holds a nested bucket ${buf.toString('hex', ks, ke)}`);
		if (
			(klen !== REV_LEN && klen !== REV_LEN + 1) ||
			buf[ks + 8] !== SEP ||
			(klen === REV_LEN + 1 && buf[ks + REV_LEN] !== TOMB)
		)
			parseRevisionKey(buf.subarray(ks, ke)); // throws the descriptive error
		rows++;
		const tomb = klen === REV_LEN + 1;
		if (tomb) tombstones++;
		const mh = buf.readUInt32BE(ks);
		const ml = buf.readUInt32BE(ks + 4);
		const sh = buf.readUInt32BE(ks + 9);
		const sl = buf.readUInt32BE(ks + 13);
		if (mh > maxH || (mh === maxH && ml > maxL)) {
			maxH = mh;
			maxL = ml;
		}
		// The user key is field 1 of the KeyValue; Go writes it first.
		let id;
		if (ve - ke > 1 && buf[ke] === 0x0a) {
			const [len, p] = readVarint(buf, ke + 1);
			const end = p + Number(len);
			if (len < 0n || end > ve)
				throw new MvccError(`key field of length ${len} runs past the value`);
			id = buf.toString('latin1', p, end);
		} else id = decodeKeyValue(buf.subarray(ke, ve)).key.toString('latin1');
		const prev = latest.get(id);
		if (
			prev &&
			!(
				mh > prev.mh ||
				(mh === prev.mh &&
					(ml > prev.ml || (ml === prev.ml && (sh > prev.sh || (sh === prev.sh && sl > prev.sl)))))
			)
		)
			return;
		// Copy: the reader reuses its page buffer.
		let raw = TOMBSTONE;
		if (!tomb) {
			raw = Buffer.allocUnsafe(ve - ke);
			buf.copy(raw, 0, ke, ve);
		}
		latest.set(id, { mh, ml, sh, sl, raw });
	});
	/** @type {KeyValue[]} */
	const kvs = [];
	let leased = 0;
	// latin1 strings hold one byte per char, so their default (UTF-16 unit) order is the byte order etcd uses.
	for (const id of [...latest.keys()].sort()) {
		const { raw } = /** @type {{ raw: Buffer }} */ (latest.get(id));
		if (raw === TOMBSTONE) continue;
		const kv = decodeKeyValue(raw);
		if (kv.lease !== 0n) leased++;
		kvs.push(kv);
	}
	const revision = maxH < 0 ? 0n : BigInt.asIntN(64, (BigInt(maxH) << 32n) | BigInt(maxL));
	let compactRevision = null;
	let consistentIndex = null;
	if (buckets.has('meta')) {
		db.forEach(['meta'], (k, v) => {
			const name = k.toString('latin1');
			if (name === 'finishedCompactRev' && v.length >= 8) compactRevision = v.readBigInt64BE(0);
			if (name === 'consistent_index' && v.length === 8) consistentIndex = v.readBigUInt64BE(0);
		});
	}
	return {
		kvs,
		revision,
		compactRevision,
		consistentIndex,
		stats: {
			rows,
			tombstones,
			keys: latest.size,
			live: kvs.length,
			deleted: latest.size - kvs.length,
			leased,
		},
	};
}
const TOMBSTONE = Buffer.alloc(0);

/**
 * Opens an etcd db file and returns its latest live state. Errors are BboltError or MvccError (clear messages).
 * @param {string | Buffer} fileOrBuffer
 * @returns {MvccState}
 */
export function readEtcdDb(fileOrBuffer) {
	const db = openBbolt(fileOrBuffer);
	try {
		return readMvcc(db);
	} finally {
		db.close();
	}
}

/**
 * The highest `key` revision of a db without keeping its values: used to pick the newest copy among members.
 * @param {string} file
 * @returns {bigint}
 */
export function latestRevision(file) {
	const db = openBbolt(file);
	try {
		/** @type {Buffer | null} */
		let max = null;
		const scan = () =>
			db.forEach(['key'], (k) => {
				parseRevisionKey(k);
				const rev = k.subarray(0, REV_LEN);
				if (!max || Buffer.compare(rev, max) > 0) max = Buffer.from(rev);
			});
		try {
			scan();
		} catch (e) {
			if (!(e instanceof BboltError || e instanceof MvccError) || !db.fallBackToOlderMeta())
				throw e;
			max = null;
			scan();
		}
		return max ? /** @type {Buffer} */ (max).readBigInt64BE(0) : 0n;
	} finally {
		db.close();
	}
}
