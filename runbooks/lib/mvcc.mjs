// @ts-check
// etcd's MVCC store on top of the bbolt reader: the `key` bucket holds one row per revision (17-byte key
// main_sub, 18 bytes with a trailing 't' for a tombstone) whose value is a protobuf mvccpb.KeyValue. The state a
// client would see is the latest revision of every user key, dropped when that revision is a tombstone.
// Layouts: etcd's server/mvcc (revision keys, mvccpb.KeyValue) as of etcd 3.4/3.5.

import { BboltError, FLAG_LEAF, leafElement, openBbolt, readLeafElements } from './bbolt.mjs';
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

/** How long synchronous work may run before it lets the event loop handle signals and I/O. */
export const YIELD_MS = 20;

/** One turn of the event loop: a pending SIGINT/SIGTERM handler runs here. */
export function pause() {
	return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Drives a generator of work steps to its return value; the async form pauses every YIELD_MS.
 * @template T @param {Generator<unknown, T>} steps @returns {T}
 */
function runSync(steps) {
	for (;;) {
		const r = steps.next();
		if (r.done) return r.value;
	}
}
/** @template T @param {Generator<unknown, T>} steps @returns {Promise<T>} */
async function runAsync(steps) {
	let since = performance.now();
	for (;;) {
		const r = steps.next();
		if (r.done) return r.value;
		if (performance.now() - since > YIELD_MS) {
			await pause();
			since = performance.now();
		}
	}
}

// Pass 1 reads of each value only what holds its key (field 1 of the KeyValue, written first): a tag, a
// varint and the key; etcd keys are short, and a longer one is read on demand.
const KEY_PREFIX_BYTES = 1024;

// Pages kept for the second pass, which reads records in key order (not page order): a page usually holds
// several records, and their neighbours in key order are often neighbours on disk too.
const PAGE_CACHE_BYTES = 8 * 1024 * 1024;
const PAGE_CACHE_ENTRY_MAX = 256 * 1024;

/**
 * Where the latest row of every user key is in a db, without any value: pass 1 of a read whose memory does
 * not grow with the values (a 4 GiB db reads in a few MiB plus the keys). `records()` is pass 2: every live
 * key in key order, decoded from its page one at a time.
 */
export class DbScan {
	/** @param {import('./bbolt.mjs').BboltDb} db */
	constructor(db) {
		this.db = db;
		/** @type {Map<string, number>} user key (latin1) -> slot */
		this.slots = new Map();
		let cap = 1024;
		this.cap = cap;
		this.mh = new Uint32Array(cap);
		this.ml = new Uint32Array(cap);
		this.sh = new Uint32Array(cap);
		this.sl = new Uint32Array(cap);
		/** leaf page id of the latest row (-1: the inline page of a small bucket) */
		this.page = new Float64Array(cap);
		this.elem = new Uint16Array(cap);
		/** the latest row's page length in pages, with its overflow (read in one go in pass 2) */
		this.pages = new Uint32Array(cap);
		this.tomb = new Uint8Array(cap);
		/** @type {Buffer | null} the key bucket's inline page, when it has no pages of its own */
		this.inline = null;
		/** @type {string[]} live keys (latin1), sorted: latin1 strings order like their bytes */
		this.liveIds = [];
		/** @type {Map<number, Buffer>} */
		this.cache = new Map();
		this.cacheBytes = 0;
		this.revision = 0n;
		/** @type {bigint | null} */
		this.compactRevision = null;
		/** @type {bigint | null} */
		this.consistentIndex = null;
		/** `leased` is known once records() has run to the end (or after readMvcc) */
		this.stats = { rows: 0, tombstones: 0, keys: 0, live: 0, deleted: 0, leased: 0 };
		/** @type {MvccState['bbolt']} */
		this.bbolt = {
			page: db.meta.page,
			txid: db.meta.txid,
			pageSize: db.pageSize,
			fellBack: false,
			problems: [],
		};
	}

	/** @private @param {number} want */
	grow(want) {
		if (want <= this.cap) return;
		let cap = this.cap;
		while (cap < want) cap *= 2;
		/** @template {Uint32Array | Float64Array | Uint16Array | Uint8Array} A @param {A} a @returns {A} */
		const more = (a) => {
			const b = /** @type {A} */ (new /** @type {any} */ (a.constructor)(cap));
			b.set(a);
			return b;
		};
		this.mh = more(this.mh);
		this.ml = more(this.ml);
		this.sh = more(this.sh);
		this.sl = more(this.sl);
		this.page = more(this.page);
		this.elem = more(this.elem);
		this.pages = more(this.pages);
		this.tomb = more(this.tomb);
		this.cap = cap;
	}

	/**
	 * Pass 1, one leaf page per step.
	 * @returns {Generator<undefined, DbScan>}
	 */
	*index() {
		const db = this.db;
		const buckets = new Set(db.buckets());
		if (!buckets.has('key'))
			throw new MvccError(
				`no "key" bucket (buckets: ${[...buckets].join(', ') || 'none'}); not an etcd v3 db`,
			);
		let rows = 0;
		let tombstones = 0;
		let maxH = -1;
		let maxL = -1;
		const slots = this.slots;
		let pageId = 0;
		let pages = 1;
		/** @type {import('./bbolt.mjs').RawVisitor} */
		const visit = (page, pks, pke, pve, isBucket, elemIndex) => {
			// A leaf with overflow is read only in part (see leaves): an element past that part is read on its
			// own, as far as its key goes. Offsets below are into `buf`, which starts at page offset `base`.
			let buf = page;
			let base = 0;
			const want = Math.min(pve, pke + KEY_PREFIX_BYTES);
			if (want > page.length) {
				base = pks;
				buf = db.readPageBytes(pageId, base, want);
			}
			const ks = pks - base;
			const ke = pke - base;
			const ve = pve - base;
			/** @param {number} end more of the element, up to `end` */
			const upTo = (end) => {
				if (end > buf.length) buf = db.readPageBytes(pageId, base, base + end);
				return buf;
			};
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
			// Revisions are compared as (main, sub) in uint32 halves: exact for all 64 bits, no allocation per row.
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
				const head = upTo(Math.min(ve, ke + 11));
				const [len, p] = readVarint(head.subarray(0, ve), ke + 1);
				const end = p + Number(len);
				if (len < 0n || end > ve)
					throw new MvccError(`key field of length ${len} runs past the value`);
				id = upTo(end).toString('latin1', p, end);
			} else id = decodeKeyValue(upTo(ve).subarray(ke, ve)).key.toString('latin1');
			let slot = slots.get(id);
			if (slot === undefined) {
				slot = slots.size;
				this.grow(slot + 1);
				slots.set(id, slot);
			} else {
				const pmh = /** @type {number} */ (this.mh[slot]);
				const pml = /** @type {number} */ (this.ml[slot]);
				const psh = /** @type {number} */ (this.sh[slot]);
				const psl = /** @type {number} */ (this.sl[slot]);
				if (!(
					mh > pmh ||
					(mh === pmh && (ml > pml || (ml === pml && (sh > psh || (sh === psh && sl > psl)))))
				))
					return;
			}
			this.mh[slot] = mh;
			this.ml[slot] = ml;
			this.sh[slot] = sh;
			this.sl[slot] = sl;
			this.page[slot] = pageId;
			this.pages[slot] = pages;
			this.elem[slot] = elemIndex;
			this.tomb[slot] = tomb ? 1 : 0;
		};
		for (const leaf of db.leaves(['key'], { partial: KEY_PREFIX_BYTES })) {
			pageId = leaf.id;
			pages = Math.max(1, Math.ceil(leaf.size / db.pageSize));
			if (leaf.id === -1) this.inline = Buffer.from(leaf.buf);
			readLeafElements(leaf.buf, leaf.count, leaf.id, visit, leaf.size);
			yield;
		}
		/** @type {string[]} */
		const live = [];
		for (const [id, slot] of slots) if (!this.tomb[slot]) live.push(id);
		live.sort();
		this.liveIds = live;
		this.revision = maxH < 0 ? 0n : BigInt.asIntN(64, (BigInt(maxH) << 32n) | BigInt(maxL));
		if (buckets.has('meta')) {
			db.forEach(['meta'], (k, v) => {
				const name = k.toString('latin1');
				if (name === 'finishedCompactRev' && v.length >= 8)
					this.compactRevision = v.readBigInt64BE(0);
				if (name === 'consistent_index' && v.length === 8)
					this.consistentIndex = v.readBigUInt64BE(0);
			});
		}
		this.stats = {
			rows,
			tombstones,
			keys: slots.size,
			live: live.length,
			deleted: slots.size - live.length,
			leased: 0,
		};
		return this;
	}

	/** @private @param {number} id @param {number} pages @returns {{ buf: Buffer, count: number }} */
	leaf(id, pages) {
		if (id === -1) {
			const inline = /** @type {Buffer} */ (this.inline);
			return { buf: inline, count: inline.readUInt16LE(10) };
		}
		const hit = this.cache.get(id);
		if (hit) {
			this.cache.delete(id);
			this.cache.set(id, hit);
			return { buf: hit, count: hit.readUInt16LE(10) };
		}
		const { buf, flags, count } = this.db.readPageAt(id, pages);
		if (flags !== FLAG_LEAF_PAGE)
			throw new MvccError(`page ${id} is no longer a leaf: the db file changed while it was read`);
		// A page of one row (most large values) is read once: copying it into the cache would only cost.
		if (buf.length > PAGE_CACHE_ENTRY_MAX || count < 2) return { buf, count };
		// allocUnsafe + copy: Buffer.from(buf) zero-fills first, then copies element by element.
		const copy = Buffer.allocUnsafe(buf.length);
		buf.copy(copy);
		this.cache.set(id, copy);
		this.cacheBytes += copy.length;
		for (const [old, b] of this.cache) {
			if (this.cacheBytes <= PAGE_CACHE_BYTES) break;
			this.cache.delete(old);
			this.cacheBytes -= b.length;
		}
		return { buf: copy, count };
	}

	/**
	 * The latest row of a user key, decoded; views into a page buffer, valid until the next read.
	 * @private @param {string} id @returns {KeyValue}
	 */
	row(id) {
		const slot = /** @type {number} */ (this.slots.get(id));
		const pageId = /** @type {number} */ (this.page[slot]);
		const { buf, count } = this.leaf(pageId, /** @type {number} */ (this.pages[slot]));
		const e = leafElement(buf, count, /** @type {number} */ (this.elem[slot]), pageId);
		if (
			e.kEnd - e.kStart !== REV_LEN ||
			buf.readUInt32BE(e.kStart) !== this.mh[slot] ||
			buf.readUInt32BE(e.kStart + 4) !== this.ml[slot] ||
			buf.readUInt32BE(e.kStart + 9) !== this.sh[slot] ||
			buf.readUInt32BE(e.kStart + 13) !== this.sl[slot]
		)
			throw new MvccError(
				`page ${pageId} changed while the db was read (is etcd still writing it?)`,
			);
		const kv = decodeKeyValue(buf.subarray(e.kEnd, e.vEnd));
		if (kv.key.length !== id.length || kv.key.toString('latin1') !== id)
			throw new MvccError(
				`page ${pageId} changed while the db was read (is etcd still writing it?)`,
			);
		return kv;
	}

	/**
	 * Pass 2 without copies: every live key in key order, its key and value views into a page buffer that the
	 * next record may overwrite. For a consumer that is done with a record before it asks for the next (the
	 * backup writer): copying every value would be most of the work and of the garbage.
	 * @returns {Generator<KeyValue>}
	 */
	*rowsSync() {
		let leased = 0;
		for (const id of this.liveIds) {
			const kv = this.row(id);
			if (kv.lease !== 0n) leased++;
			yield kv;
		}
		this.stats.leased = leased;
	}

	/**
	 * Pass 2: every live key in key order, each with its own copies of key and value.
	 * @returns {Generator<KeyValue>}
	 */
	*recordsSync() {
		for (const kv of this.rowsSync())
			yield { ...kv, key: Buffer.from(kv.key), value: Buffer.from(kv.value) };
	}

	/**
	 * Pass 2 as an async stream that lets signals through every YIELD_MS. With `views`, records are the
	 * views of rowsSync (valid until the next one), else copies.
	 * @param {{ views?: boolean }} [opts]
	 * @returns {AsyncGenerator<KeyValue>}
	 */
	async *records(opts = {}) {
		let since = performance.now();
		for (const kv of opts.views ? this.rowsSync() : this.recordsSync()) {
			yield kv;
			if (performance.now() - since > YIELD_MS) {
				await pause();
				since = performance.now();
			}
		}
	}

	/**
	 * The key space as an MvccState whose values are read from the file when asked for (`kv.value` is a
	 * getter): what the WAL replay works on, with keys and revisions in memory and no value.
	 * @returns {Promise<MvccState>}
	 */
	async lazyState() {
		/** @type {KeyValue[]} */
		const kvs = [];
		let leased = 0;
		let since = performance.now();
		/** @param {string} id */
		const valueOf = (id) => Buffer.from(this.row(id).value);
		for (const id of this.liveIds) {
			const row = this.row(id);
			if (row.lease !== 0n) leased++;
			kvs.push({
				key: Buffer.from(row.key),
				createRevision: row.createRevision,
				modRevision: row.modRevision,
				version: row.version,
				lease: row.lease,
				get value() {
					return valueOf(id);
				},
			});
			if (performance.now() - since > YIELD_MS) {
				await pause();
				since = performance.now();
			}
		}
		this.stats.leased = leased;
		return this.summary(kvs);
	}

	/** @param {KeyValue[]} kvs @returns {MvccState} */
	summary(kvs) {
		return {
			kvs,
			revision: this.revision,
			compactRevision: this.compactRevision,
			consistentIndex: this.consistentIndex,
			stats: { ...this.stats },
			bbolt: this.bbolt,
		};
	}

	close() {
		this.cache.clear();
		this.db.close();
	}
}

/**
 * Pass 1 with bbolt's own fallback: when the newest transaction's tree is torn (a crash mid-commit), the
 * previous meta still points at an intact tree, which bbolt would have used had the newest meta failed.
 * @param {import('./bbolt.mjs').BboltDb} db
 * @returns {Generator<undefined, DbScan>}
 */
function* scanSteps(db) {
	/** @type {string[]} */
	const problems = [];
	for (const m of db.metas)
		if (!m.valid) problems.push(`meta page ${m.page} rejected: ${m.problem}`);
	for (let fellBack = false; ;) {
		const scan = new DbScan(db);
		try {
			yield* scan.index();
			scan.bbolt = {
				page: db.meta.page,
				txid: db.meta.txid,
				pageSize: db.pageSize,
				fellBack,
				problems,
			};
			return scan;
		} catch (e) {
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
 * Opens an etcd db for a streaming read: pass 1 done (pausing for signals), records() is pass 2.
 * The caller closes it. Errors are BboltError or MvccError.
 * @param {string | Buffer} fileOrBuffer
 * @returns {Promise<DbScan>}
 */
export async function openEtcdDb(fileOrBuffer) {
	const db = openBbolt(fileOrBuffer);
	try {
		return await runAsync(scanSteps(db));
	} catch (e) {
		db.close();
		throw e;
	}
}

/**
 * Reads the whole `key` bucket into memory: the latest live value per key. For small dbs and tests; the
 * backup streams through openEtcdDb instead.
 * @param {import('./bbolt.mjs').BboltDb} db
 * @returns {MvccState}
 */
export function readMvcc(db) {
	const scan = runSync(scanSteps(db));
	const kvs = [...scan.recordsSync()];
	return scan.summary(kvs);
}
const FLAG_LEAF_PAGE = FLAG_LEAF;

/**
 * Opens an etcd db file and returns its latest live state, in memory. Errors are BboltError or MvccError.
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
	return runSync(latestRevisionSteps(file));
}

/**
 * latestRevision, pausing for signals between pages (a GiB db takes seconds).
 * @param {string} file
 * @returns {Promise<bigint>}
 */
export function latestRevisionAsync(file) {
	return runAsync(latestRevisionSteps(file));
}

/** @param {string} file @returns {Generator<undefined, bigint>} */
function* latestRevisionSteps(file) {
	const db = openBbolt(file);
	try {
		/** @type {Buffer | null} */
		let max = null;
		/** @type {import('./bbolt.mjs').RawVisitor} */
		const visit = (buf, ks, ke) => {
			parseRevisionKey(buf.subarray(ks, ke));
			if (!max || buf.compare(max, 0, REV_LEN, ks, ks + REV_LEN) > 0)
				max = Buffer.from(buf.subarray(ks, ks + REV_LEN));
		};
		const scan = function* () {
			for (const leaf of db.leaves(['key'])) {
				readLeafElements(leaf.buf, leaf.count, leaf.id, visit);
				yield;
			}
		};
		try {
			yield* scan();
		} catch (e) {
			if (!(e instanceof BboltError || e instanceof MvccError) || !db.fallBackToOlderMeta())
				throw e;
			max = null;
			yield* scan();
		}
		return max ? /** @type {Buffer} */ (max).readBigInt64BE(0) : 0n;
	} finally {
		db.close();
	}
}
