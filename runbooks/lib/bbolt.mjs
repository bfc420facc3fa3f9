// @ts-check
// A read-only reader for bbolt files (etcd's `member/snap/db`), in plain JavaScript so the runbook works on any
// machine with Node and no Go toolchain. Layouts: go.etcd.io/bbolt (page.go, node.go, bucket.go) @4e65d8f.
//
// Design choices, and why:
// - Positional reads only: a 4 GiB db must never be loaded whole into memory. Synchronous reads are used because
//   a tree walk issues one small read per page and awaiting each one would be several times slower.
// - Only pages reachable from the chosen meta's root are visited: copy-on-write leaves stale pages behind, and
//   etcd does not sync the freelist (meta.freelist = 0xFFFF…), so the freelist is ignored entirely.
// - Every page is visited at most once (a bitmap of seen page ids), so a corrupt file with cycles or shared
//   subtrees ends in a BboltError naming the page instead of a hang, and the walk is linear in the file size.

import fs from 'node:fs';

export const MAGIC = 0xed0cdaed;
export const VERSION = 2;
export const PAGE_HEADER_SIZE = 16;
export const META_SIZE = 64;
export const BRANCH_ELEMENT_SIZE = 16;
export const LEAF_ELEMENT_SIZE = 16;
export const BUCKET_HEADER_SIZE = 16;

export const FLAG_BRANCH = 0x01;
export const FLAG_LEAF = 0x02;
export const FLAG_META = 0x04;
export const FLAG_FREELIST = 0x10;
export const BUCKET_LEAF_FLAG = 0x01;

// bbolt's own limits (bolt_amd64.go maxAllocSize is 2 GiB; minimum page size 1024 from its probe loop).
const MIN_PAGE_SIZE = 1024;
const MAX_PAGE_SIZE = 1024 << 14;
// Nesting deeper than this is not a B+tree bbolt would ever write (fan-out >= 2 means depth <= 64 for 2^64 pages).
const MAX_DEPTH = 64;

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK64 = 0xffffffffffffffffn;

/** Raised for anything that is not a valid bbolt file; `page` names the page at fault when there is one. */
export class BboltError extends Error {
	/**
	 * @param {string} message
	 * @param {{ page?: number | bigint, code?: string }} [info]
	 */
	constructor(message, info = {}) {
		super(info.page !== undefined ? `page ${info.page}: ${message}` : message);
		this.name = 'BboltError';
		/** @type {number | bigint | undefined} */
		this.page = info.page;
		/** @type {string} */
		this.code = info.code ?? 'EBBOLT';
	}
}

/**
 * @typedef {object} Meta
 * @property {number} page        meta page it came from (0 or 1)
 * @property {number} magic
 * @property {number} version
 * @property {number} pageSize
 * @property {number} flags
 * @property {bigint} root        root page id of the root bucket
 * @property {bigint} sequence
 * @property {bigint} freelist
 * @property {bigint} pgid        high-water mark: pages >= pgid were never allocated
 * @property {bigint} txid
 * @property {bigint} checksum
 * @property {boolean} valid
 * @property {string} [problem]   why it is invalid
 */

/**
 * @typedef {object} Entry
 * @property {Buffer} key
 * @property {Buffer} value       for a sub-bucket: its raw bucket value (header + inline page)
 * @property {boolean} bucket     true when this element is a nested bucket
 */

/**
 * FNV-1a 64 over a byte range, as bbolt's meta.sum64(). Computed in two 32-bit halves because BigInt arithmetic
 * per byte is slow and this runs for every meta candidate while probing.
 * @param {Uint8Array} bytes
 * @returns {bigint}
 */
export function fnv1a64(bytes) {
	// 64-bit multiply by 0x100000001b3 = x * 0x1b3 + (x << 40), split into 16-bit limbs to stay exact in doubles.
	let h0 = 0x2325,
		h1 = 0x8422,
		h2 = 0x9ce4,
		h3 = 0xcbf2;
	for (let i = 0; i < bytes.length; i++) {
		h0 ^= /** @type {number} */ (bytes[i]);
		const t0 = h0 * 0x1b3;
		const t1 = h1 * 0x1b3;
		const t2 = h2 * 0x1b3 + (h0 << 8);
		const t3 = h3 * 0x1b3 + (h1 << 8);
		h0 = t0 & 0xffff;
		const c1 = t1 + (t0 >>> 16);
		h1 = c1 & 0xffff;
		const c2 = t2 + Math.floor(c1 / 0x10000);
		h2 = c2 & 0xffff;
		h3 = (t3 + Math.floor(c2 / 0x10000)) & 0xffff;
	}
	return (BigInt(h3) << 48n) | (BigInt(h2) << 32n) | (BigInt(h1) << 16n) | BigInt(h0);
}

/** Reference implementation, kept for the tests to check the fast one against. @param {Uint8Array} bytes */
export function fnv1a64Reference(bytes) {
	let h = FNV_OFFSET;
	for (const b of bytes) h = ((h ^ BigInt(b)) * FNV_PRIME) & MASK64;
	return h;
}

/**
 * Decodes a meta struct from the 64 bytes that follow a meta page's header.
 * @param {Buffer} buf   at least PAGE_HEADER_SIZE + META_SIZE bytes, starting at the page
 * @param {number} pageNo
 * @returns {Meta}
 */
export function decodeMeta(buf, pageNo) {
	const o = PAGE_HEADER_SIZE;
	/** @type {Meta} */
	const m = {
		page: pageNo,
		magic: buf.readUInt32LE(o),
		version: buf.readUInt32LE(o + 4),
		pageSize: buf.readUInt32LE(o + 8),
		flags: buf.readUInt32LE(o + 12),
		root: buf.readBigUInt64LE(o + 16),
		sequence: buf.readBigUInt64LE(o + 24),
		freelist: buf.readBigUInt64LE(o + 32),
		pgid: buf.readBigUInt64LE(o + 40),
		txid: buf.readBigUInt64LE(o + 48),
		checksum: buf.readBigUInt64LE(o + 56),
		valid: false,
	};
	if (m.magic !== MAGIC) m.problem = `bad magic 0x${m.magic.toString(16)}`;
	else if (m.version !== VERSION) m.problem = `unsupported version ${m.version}`;
	else if (fnv1a64(buf.subarray(o, o + 56)) !== m.checksum) m.problem = 'checksum mismatch';
	else if (
		m.pageSize < MIN_PAGE_SIZE ||
		m.pageSize > MAX_PAGE_SIZE ||
		(m.pageSize & (m.pageSize - 1)) !== 0
	)
		m.problem = `implausible page size ${m.pageSize}`;
	else m.valid = true;
	return m;
}

/**
 * A leaf element in place: key is buf[kStart, kEnd), value is buf[kEnd, vEnd); only valid during the call.
 * `index` is the element's position in its page (with the page id from `leaves`, where to find it again).
 * @typedef {(buf: Buffer, kStart: number, kEnd: number, vEnd: number, bucket: boolean, index: number) => void} RawVisitor
 */

/**
 * Where the bytes come from: a file (positional reads) or a Buffer (tests, fuzzing). `read` may return a view
 * into a buffer that the next `read` overwrites.
 * `readFresh` returns a buffer of its own, leaving the one `read` returned intact.
 * @typedef {{ size: number, read(pos: number, len: number): Buffer, readFresh(pos: number, len: number): Buffer, close(): void }} Source
 */

/** @param {string} file @returns {Source} */
function fileSource(file) {
	let fd;
	try {
		fd = fs.openSync(file, 'r');
	} catch (e) {
		const err = /** @type {NodeJS.ErrnoException} */ (e);
		throw new BboltError(`cannot open ${file}: ${err.code ?? err.message}`, { code: 'EOPEN' });
	}
	const size = fs.fstatSync(fd).size;
	const handle = fd;
	// One reusable buffer: a walk visits ~size/pageSize pages and callers copy what they keep, so allocating a
	// fresh buffer per page would only feed the garbage collector.
	let scratch = Buffer.allocUnsafe(64 * 1024);
	/** @param {Buffer} out @param {number} pos */
	const fill = (out, pos) => {
		let done = 0;
		while (done < out.length) {
			const n = fs.readSync(handle, out, done, out.length - done, pos + done);
			if (n === 0) throw new BboltError(`unexpected end of file at offset ${pos + done}`);
			done += n;
		}
		return out;
	};
	return {
		size,
		read(pos, len) {
			if (scratch.length < len) scratch = Buffer.allocUnsafe(Math.max(len, scratch.length * 2));
			return fill(scratch.subarray(0, len), pos);
		},
		readFresh(pos, len) {
			return fill(Buffer.allocUnsafe(len), pos);
		},
		close() {
			fs.closeSync(handle);
		},
	};
}

/** @param {Buffer} buf @returns {Source} */
function bufferSource(buf) {
	return {
		size: buf.length,
		read(pos, len) {
			if (pos + len > buf.length)
				throw new BboltError(`unexpected end of data at offset ${buf.length}`);
			return buf.subarray(pos, pos + len);
		},
		readFresh(pos, len) {
			return Buffer.from(this.read(pos, len));
		},
		close() {},
	};
}

/**
 * An open bbolt file. Construct with `openBbolt`.
 */
export class BboltDb {
	/**
	 * @param {Source} src
	 * @param {Meta} meta
	 * @param {Meta[]} metas
	 */
	constructor(src, meta, metas) {
		/** @private */ this.src = src;
		/** The meta page in use (valid, highest txid). */
		this.meta = meta;
		/** Both candidates as read, with the reason an invalid one was rejected. */
		this.metas = metas;
		this.pageSize = meta.pageSize;
		this.fileSize = src.size;
		// Pages past the end of the file cannot be read even if the meta's high-water mark claims them.
		const fromFile = Math.floor(src.size / meta.pageSize);
		const hw =
			meta.pgid > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(meta.pgid);
		/** Number of addressable pages. */
		this.pageCount = Math.min(fromFile, hw);
		/** @private one bit per page: set once the page has been visited in the current walk */
		this.seen = new Uint8Array(Math.ceil(this.pageCount / 8) || 1);
		/** Pages read during walks (stats for the manifest and the bench). */
		this.pagesRead = 0;
	}

	close() {
		this.src.close();
	}

	/**
	 * Switches to the other valid meta page (the previous transaction), for when the tree under the newest one
	 * turns out to be damaged. Returns false when there is no other valid meta.
	 * @returns {boolean}
	 */
	fallBackToOlderMeta() {
		const other = this.metas.find(
			(m) => m.valid && m !== this.meta && m.pageSize === this.pageSize,
		);
		if (!other) return false;
		this.meta = other;
		const hw =
			other.pgid > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(other.pgid);
		this.pageCount = Math.min(Math.floor(this.fileSize / this.pageSize), hw);
		this.seen = new Uint8Array(Math.ceil(this.pageCount / 8) || 1);
		return true;
	}

	/** Forget visited pages so another independent walk may start. */
	resetWalk() {
		this.seen.fill(0);
	}

	/**
	 * Reads a branch or leaf page (with its overflow) and checks its header; each page once per walk.
	 * @param {bigint | number} id @param {number} [partial] see readChecked
	 * @returns {{ buf: Buffer, flags: number, count: number, size: number }}
	 */
	readPage(id, partial = 0) {
		return this.readChecked(id, true, 1, partial);
	}

	/**
	 * Reads a page again by id, outside of a walk (no once-per-walk check): for going back to a record whose
	 * place a walk noted. The buffer is only valid until the next read. `pages`, the page's length in pages
	 * when a walk saw it, reads it in one go (a page that changed since is read again at its new length).
	 * @param {number} id @param {number} [pages]
	 * @returns {{ buf: Buffer, flags: number, count: number }}
	 */
	readPageAt(id, pages = 1) {
		return this.readChecked(id, false, pages);
	}

	/**
	 * Bytes [start, end) of the page span that starts at page `id`, in a buffer of their own: for a walk that
	 * read a leaf only in part (see leaves) and needs a little more of one element.
	 * @param {number} id @param {number} start @param {number} end
	 */
	readPageBytes(id, start, end) {
		return this.src.readFresh(id * this.pageSize + start, end - start);
	}

	/**
	 * @private
	 * @param {bigint | number} id
	 * @param {boolean} once
	 * @param {number} [pages] pages to read at once, when known
	 * @param {number} [partial] for a leaf with overflow: read only the element table and this many bytes
	 *   of each element's value (`size` is then the whole span's length)
	 * @returns {{ buf: Buffer, flags: number, count: number, size: number }}
	 */
	readChecked(id, once, pages = 1, partial = 0) {
		const big = typeof id === 'bigint' ? id : BigInt(id);
		if (big < 2n) throw new BboltError(`page id ${big} points at a meta page`, { page: big });
		if (big >= BigInt(this.pageCount))
			throw new BboltError(
				`page id out of range (file has ${this.pageCount} pages${this.pageCount < Number(this.meta.pgid) ? ', truncated?' : ''})`,
				{ page: big },
			);
		const n = Number(big);
		const bit = 1 << (n & 7);
		const slot = n >> 3;
		if (once) {
			if (/** @type {number} */ (this.seen[slot]) & bit)
				throw new BboltError('page reached twice (cycle or shared subtree)', { page: n });
			this.seen[slot] = /** @type {number} */ (this.seen[slot]) | bit;
		}
		const ps = this.pageSize;
		const want = Math.max(1, Math.min(pages, this.pageCount - n));
		const head = this.src.read(n * ps, want * ps);
		const hid = head.readBigUInt64LE(0);
		if (hid !== big) throw new BboltError(`header says page ${hid}`, { page: n });
		const flags = head.readUInt16LE(8);
		const count = head.readUInt16LE(10);
		const overflow = head.readUInt32LE(12);
		if (flags !== FLAG_BRANCH && flags !== FLAG_LEAF)
			throw new BboltError(`unexpected page flags 0x${flags.toString(16)} (want branch or leaf)`, {
				page: n,
			});
		if (n + overflow >= this.pageCount)
			throw new BboltError(`overflow of ${overflow} pages runs past the end of the file`, {
				page: n,
			});
		if (once)
			for (let i = 1; i <= overflow; i++) {
				const s = (n + i) >> 3;
				const b = 1 << ((n + i) & 7);
				if (/** @type {number} */ (this.seen[s]) & b)
					throw new BboltError(`overflow overlaps page ${n + i} already visited`, { page: n });
				this.seen[s] = /** @type {number} */ (this.seen[s]) | b;
			}
		const size = (overflow + 1) * ps;
		if (head.length === size) {
			this.pagesRead += want;
			return { buf: head, flags, count, size };
		}
		let len = size;
		if (partial > 0 && flags === FLAG_LEAF && overflow > 0) {
			// Only what a walk for keys needs: the element table, each key and the start of each value.
			const table = PAGE_HEADER_SIZE + count * LEAF_ELEMENT_SIZE;
			if (table <= head.length) {
				// Elements in a row from the start; one that starts after a large value is left to the caller.
				len = table;
				for (let i = 0; i < count; i++) {
					const at = PAGE_HEADER_SIZE + i * LEAF_ELEMENT_SIZE;
					const kStart = at + head.readUInt32LE(at + 4);
					if (kStart > len + partial) break;
					const kEnd = kStart + head.readUInt32LE(at + 8);
					len = Math.max(len, kEnd + Math.min(head.readUInt32LE(at + 12), partial));
				}
				len = Math.min(size, Math.ceil(len / ps) * ps);
			}
		}
		this.pagesRead += len / ps;
		// The source may reuse its buffer, so read the span again rather than appending to `head`.
		const buf = len === head.length ? head : this.src.read(n * ps, len);
		return { buf, flags, count, size };
	}

	/**
	 * Where the bucket at `path` starts: a root page id, or its inline page (a copy) when it has none.
	 * @param {Array<string | Buffer>} path
	 * @returns {{ root: bigint, inline: Buffer | null }}
	 */
	findBucket(path) {
		let root = this.meta.root;
		/** @type {Buffer | null} */
		let inline = null;
		for (const name of path) {
			const want = typeof name === 'string' ? Buffer.from(name) : name;
			/** @type {Buffer | null} */
			let found = null;
			for (const leaf of this.leafPages(root, inline))
				readLeafElements(leaf.buf, leaf.count, leaf.id, (buf, ks, ke, ve, isBucket) => {
					if (
						isBucket &&
						ke - ks === want.length &&
						buf.compare(want, 0, want.length, ks, ke) === 0
					)
						found = Buffer.from(buf.subarray(ke, ve));
				});
			if (!found)
				throw new BboltError(`bucket ${path.map(String).join('/')} not found`, {
					code: 'ENOBUCKET',
				});
			const header = /** @type {Buffer} */ (found);
			if (header.length < BUCKET_HEADER_SIZE)
				throw new BboltError(
					`bucket ${String(name)} has a ${header.length}-byte value (too short)`,
				);
			root = header.readBigUInt64LE(0);
			inline = root === 0n ? header : null;
		}
		return { root, inline };
	}

	/**
	 * The leaf pages of the bucket at `path` in key order, one at a time, so a caller can pause between pages
	 * (and let a signal be handled) without holding more than one page. Each page is valid until the next one.
	 * `id` is the page id, or -1 for an inline bucket (its page lives in the parent's value). `size` is the
	 * page's length with its overflow. With `partial`, a leaf with overflow is read only as far as its element
	 * table, keys and the first `partial` bytes of each value go (`buf` may then be shorter than `size`; see
	 * readPageBytes for more): a walk that wants keys need not read every large value.
	 * @param {Array<string | Buffer>} path @param {{ partial?: number }} [opts]
	 * @returns {Generator<{ buf: Buffer, count: number, id: number, size: number }>}
	 */
	*leaves(path, opts = {}) {
		const { root, inline } = this.findBucket(path);
		yield* this.leafPages(root, inline, opts.partial ?? 0);
	}

	/**
	 * @private
	 * @param {bigint} root @param {Buffer | null} inline @param {number} [partial]
	 * @returns {Generator<{ buf: Buffer, count: number, id: number, size: number }>}
	 */
	*leafPages(root, inline, partial = 0) {
		if (inline) {
			yield inlineLeaf(inline);
			return;
		}
		// Each walk may visit a page once; sibling buckets share no pages.
		this.resetWalk();
		// Depth-first with an explicit stack (children pushed in reverse), so leaves come in key order.
		/** @type {Array<{ id: bigint, depth: number }>} */
		const stack = [{ id: root, depth: 0 }];
		while (stack.length) {
			const { id, depth } = /** @type {{ id: bigint, depth: number }} */ (stack.pop());
			if (depth > MAX_DEPTH)
				throw new BboltError(`tree deeper than ${MAX_DEPTH} levels`, { page: id });
			const { buf, flags, count, size } = this.readPage(id, partial);
			if (flags === FLAG_LEAF) {
				yield { buf, count, id: Number(id), size };
				continue;
			}
			const end = PAGE_HEADER_SIZE + count * BRANCH_ELEMENT_SIZE;
			if (end > buf.length)
				throw new BboltError(`${count} branch elements do not fit in the page`, { page: id });
			if (count === 0) throw new BboltError('empty branch page', { page: id });
			for (let i = count - 1; i >= 0; i--)
				stack.push({
					id: buf.readBigUInt64LE(PAGE_HEADER_SIZE + i * BRANCH_ELEMENT_SIZE + 8),
					depth: depth + 1,
				});
		}
	}

	/**
	 * Visits every key/value of the bucket at `path` (a list of bucket names from the root) in key order.
	 * The callback receives views into page buffers: copy what you keep beyond the call.
	 * @param {Array<string | Buffer>} path
	 * @param {(key: Buffer, value: Buffer, bucket: boolean) => void} cb
	 */
	forEach(path, cb) {
		this.forEachRaw(path, (buf, ks, ke, ve, isBucket) =>
			cb(buf.subarray(ks, ke), buf.subarray(ke, ve), isBucket),
		);
	}

	/**
	 * Like forEach, without creating views: the key is buf[kStart, kEnd) and the value buf[kEnd, vEnd). For hot
	 * loops over millions of rows, where two Buffer views per row are most of the garbage.
	 * @param {Array<string | Buffer>} path
	 * @param {RawVisitor} cb
	 */
	forEachRaw(path, cb) {
		for (const leaf of this.leaves(path)) readLeafElements(leaf.buf, leaf.count, leaf.id, cb);
	}

	/**
	 * Names of the buckets at the top level (etcd: key, meta, lease, members, ...).
	 * @returns {string[]}
	 */
	buckets() {
		/** @type {string[]} */
		const out = [];
		this.forEach([], (k, _v, isBucket) => {
			if (isBucket) out.push(k.toString('latin1'));
		});
		return out;
	}

	/**
	 * @param {Array<string | Buffer>} path
	 * @returns {Entry[]}
	 */
	entries(path) {
		/** @type {Entry[]} */
		const out = [];
		this.forEach(path, (key, value, bucket) =>
			out.push({ key: Buffer.from(key), value: Buffer.from(value), bucket }),
		);
		return out;
	}
}

/**
 * An inline bucket: its page lives inside the parent's value, after the 16-byte bucket header.
 * @param {Buffer} value
 * @returns {{ buf: Buffer, count: number, id: number, size: number }}
 */
function inlineLeaf(value) {
	const page = value.subarray(BUCKET_HEADER_SIZE);
	if (page.length < PAGE_HEADER_SIZE)
		throw new BboltError('inline bucket shorter than a page header');
	const flags = page.readUInt16LE(8);
	const count = page.readUInt16LE(10);
	if (flags !== FLAG_LEAF)
		throw new BboltError(`inline bucket page has flags 0x${flags.toString(16)}, want leaf`);
	return { buf: page, count, id: -1, size: page.length };
}

/**
 * One element of a leaf page, by its index, with the same checks as a walk.
 * @param {Buffer} buf @param {number} count @param {number} index @param {number} pageId
 * @returns {{ kStart: number, kEnd: number, vEnd: number, bucket: boolean }}
 */
export function leafElement(buf, count, index, pageId) {
	const label = pageId >= 0 ? { page: pageId } : {};
	if (index >= count) throw new BboltError(`no element ${index} (page has ${count})`, label);
	const at = PAGE_HEADER_SIZE + index * LEAF_ELEMENT_SIZE;
	if (at + LEAF_ELEMENT_SIZE > buf.length)
		throw new BboltError(`element ${index} does not fit in the page`, label);
	const flags = buf.readUInt32LE(at);
	const kStart = at + buf.readUInt32LE(at + 4);
	const kEnd = kStart + buf.readUInt32LE(at + 8);
	const vEnd = kEnd + buf.readUInt32LE(at + 12);
	if (vEnd > buf.length || kStart < PAGE_HEADER_SIZE + count * LEAF_ELEMENT_SIZE)
		throw new BboltError(`element ${index} points outside the page`, label);
	if ((flags & ~BUCKET_LEAF_FLAG) !== 0)
		throw new BboltError(`element ${index} has unknown flags 0x${flags.toString(16)}`, label);
	return { kStart, kEnd, vEnd, bucket: (flags & BUCKET_LEAF_FLAG) !== 0 };
}

/**
 * @param {Buffer} buf
 * @param {number} count
 * @param {number | string} where
 * @param {RawVisitor} cb
 * @param {number} [size] the page's whole length when `buf` holds only its start (a partial read); elements
 *   are checked against it, and the visitor must not read past `buf.length`
 */
export function readLeafElements(buf, count, where, cb, size = buf.length) {
	const inline = where === 'inline' || where === -1;
	const label = inline ? {} : { page: /** @type {number} */ (where) };
	const prefix = inline ? 'inline bucket: ' : '';
	if (PAGE_HEADER_SIZE + count * LEAF_ELEMENT_SIZE > Math.min(buf.length, size))
		throw new BboltError(`${prefix}${count} leaf elements do not fit in the page`, label);
	// bbolt lays element data out in element order right after the element table; requiring that (no overlap,
	// no going backwards) keeps the work per page bounded by its size even when a corrupt table repeats offsets.
	let dataFloor = PAGE_HEADER_SIZE + count * LEAF_ELEMENT_SIZE;
	for (let i = 0; i < count; i++) {
		const at = PAGE_HEADER_SIZE + i * LEAF_ELEMENT_SIZE;
		const flags = buf.readUInt32LE(at);
		const pos = buf.readUInt32LE(at + 4);
		const ksize = buf.readUInt32LE(at + 8);
		const vsize = buf.readUInt32LE(at + 12);
		const kstart = at + pos;
		const vend = kstart + ksize + vsize;
		if (vend > size)
			throw new BboltError(
				`${prefix}element ${i} points past the end of the page (offset ${vend} > ${size})`,
				label,
			);
		if (kstart < dataFloor)
			throw new BboltError(
				`${prefix}element ${i} overlaps the element table or the previous element`,
				label,
			);
		dataFloor = vend;
		if ((flags & ~BUCKET_LEAF_FLAG) !== 0)
			throw new BboltError(
				`${prefix}element ${i} has unknown flags 0x${flags.toString(16)}`,
				label,
			);
		cb(buf, kstart, kstart + ksize, vend, (flags & BUCKET_LEAF_FLAG) !== 0, i);
	}
}

/**
 * Finds both meta pages and picks the valid one with the higher txid.
 * @param {Source} src
 * @returns {{ meta: Meta, metas: Meta[] }}
 */
function chooseMeta(src) {
	const need = PAGE_HEADER_SIZE + META_SIZE;
	if (src.size < need)
		throw new BboltError(`file is ${src.size} bytes, too small to be a bbolt db`, {
			code: 'ETOOSMALL',
		});
	const m0 = decodeMeta(src.read(0, need), 0);
	/** @type {Meta | null} */
	let m1 = null;
	// The page size lives in meta 0; if that is damaged, probe for meta 1 at every plausible page size the way
	// bbolt's getPageSizeFromSecondMeta does, instead of assuming 4096.
	const sizes = m0.valid ? [m0.pageSize] : [];
	for (let i = 0; i <= 14; i++)
		if (!sizes.includes(MIN_PAGE_SIZE << i)) sizes.push(MIN_PAGE_SIZE << i);
	for (const ps of sizes) {
		if (ps + need > src.size) continue;
		const cand = decodeMeta(src.read(ps, need), 1);
		if (cand.valid && cand.pageSize === ps) {
			m1 = cand;
			break;
		}
		if (m0.valid && ps === m0.pageSize) m1 = cand; // keep the reason it failed
	}
	if (!m1) {
		m1 = /** @type {Meta} */ ({
			...m0,
			page: 1,
			valid: false,
			problem: 'not found at any page size',
		});
	}
	const metas = [m0, m1];
	for (const m of metas) {
		if (m.valid && m.pageSize * 2 > src.size) {
			m.valid = false;
			m.problem = `page size ${m.pageSize} but the file is only ${src.size} bytes`;
		}
	}
	// A meta whose page id disagrees with where it sits is a torn write or a copy at the wrong offset.
	const valid = metas.filter((m) => m.valid);
	if (valid.length === 0)
		throw new BboltError(
			`no valid meta page (meta 0: ${m0.problem ?? 'ok'}; meta 1: ${m1.problem ?? 'ok'}); not a bbolt file, or both metas are damaged`,
			{ code: 'ENOMETA' },
		);
	valid.sort((a, b) => (a.txid === b.txid ? 0 : a.txid > b.txid ? -1 : 1));
	return { meta: /** @type {Meta} */ (valid[0]), metas };
}

/**
 * Opens a bbolt db read-only. Throws BboltError for anything that is not a usable bbolt file.
 * @param {string | Buffer} fileOrBuffer
 * @returns {BboltDb}
 */
export function openBbolt(fileOrBuffer) {
	const src =
		typeof fileOrBuffer === 'string' ? fileSource(fileOrBuffer) : bufferSource(fileOrBuffer);
	try {
		const { meta, metas } = chooseMeta(src);
		return new BboltDb(src, meta, metas);
	} catch (e) {
		src.close();
		throw e;
	}
}
