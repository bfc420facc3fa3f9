// @ts-check
// Backup and restore of etcd's keys in a form people and existing tools can read:
//   manifest.json  what was read, counts, what was left out and why, and the sha256 of kvs.jsonl
//   kvs.jsonl      one object per line shaped like an entry of `etcdctl get -w json`'s "kvs"
//                  (base64 key/value, create_revision, mod_revision, version, lease), so `jq` works on it.
// int64 fields are written as exact JSON integers (lease ids exceed 2^53); this module reads them back exactly.
// The manifest is written last and both files via tmp + rename, so a folder with a manifest is a complete backup.

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { prefixEnd } from './etcd-http.mjs';
import { YIELD_MS, pause } from './mvcc.mjs';

export const FORMAT = 'milvus-rescue/etcd-backup';
export const FORMAT_VERSION = 1;
export const DEFAULT_ROOT_PATH = 'by-dev';
export const MANIFEST = 'manifest.json';
export const RECORDS = 'kvs.jsonl';

/** Messages of this module, for runbooks to translate a BackupError (`err.key`, `err.vars`). */
/** @type {import('./i18n.mjs').Messages} */
export const BACKUP_MESSAGES = {
	en: {
		backupExists:
			'folder {dir} is not empty; pick a new folder so no earlier backup is overwritten',
		noManifest:
			'{dir} holds no {file}; not a backup written by this runbook (or it was not finished)',
		badManifest: '{file} is not a valid backup manifest: {reason}',
		checksumMismatch:
			'sha256 of {file} is {actual} but the manifest says {expected}: the backup was changed or damaged; refusing to restore',
		countMismatch:
			'{file} has {actual} records but the manifest says {expected}; refusing to restore',
		badRecord: '{file} line {line}: {reason}',
		targetNotEmpty:
			'target etcd {endpoint} already holds {count} keys; restore only into an empty etcd, or pass --allow-non-empty to write over it',
		verifyMismatch:
			'read-back differs from the backup: {missing} missing, {different} different (first: {first})',
		writeFailed: 'cannot write {file}: {reason}',
	},
	id: {
		backupExists:
			'folder {dir} tidak kosong; pilih folder baru supaya backup sebelumnya tidak tertimpa',
		noManifest:
			'{dir} tidak berisi {file}; ini bukan backup dari runbook ini (atau prosesnya belum selesai)',
		badManifest: '{file} bukan manifest backup yang valid: {reason}',
		checksumMismatch:
			'sha256 {file} adalah {actual}, padahal manifest mencatat {expected}: backup sudah berubah atau rusak; restore ditolak',
		countMismatch:
			'{file} berisi {actual} record, padahal manifest mencatat {expected}; restore ditolak',
		badRecord: '{file} baris {line}: {reason}',
		targetNotEmpty:
			'etcd tujuan {endpoint} sudah berisi {count} key; restore hanya ke etcd yang kosong, atau pakai --allow-non-empty untuk menimpanya',
		verifyMismatch:
			'hasil baca ulang berbeda dari backup: {missing} hilang, {different} berbeda (pertama: {first})',
		writeFailed: 'tidak bisa menulis {file}: {reason}',
	},
};

/** A backup or restore problem with a translatable message (`key`, `vars`); `message` is the English text. */
export class BackupError extends Error {
	/** @param {string} key @param {Record<string, string | number>} [vars] */
	constructor(key, vars = {}) {
		const tpl = BACKUP_MESSAGES.en[key] ?? key;
		super(tpl.replace(/\{(\w+)\}/g, (w, n) => (n in vars ? String(vars[n]) : w)));
		this.name = 'BackupError';
		this.key = key;
		this.vars = vars;
	}
}

/** @typedef {import('./mvcc.mjs').KeyValue} KeyValue */

/**
 * @typedef {object} Rule
 * @property {string} id
 * @property {string} prefix
 * @property {'exclude' | 'keep'} action
 * @property {string} reason
 * @property {number} count
 * @property {string[]} examples
 */

/**
 * The default selection: everything in the `key` bucket except what must not come back.
 * - Leased keys under `<root>/meta/session/`: Milvus sessions, each tied to a lease of a process that is gone.
 *   Restored, they would advertise dead nodes and block the new ones (coordinators are exclusive).
 * - Other leased keys: their lease does not exist in the new cluster, so they could only come back as
 *   permanent keys, which would outlive the process that owned them.
 * - Kept on purpose: non-leased keys under the session prefix (`<root>/meta/session/id` is the ServerID
 *   counter; resetting it makes new nodes reuse ids still referenced in metadata) and `<root>/kv/...` (the
 *   timestamp oracle and the global id allocator; resetting them makes timestamps and ids go backwards).
 * Decided one record at a time (`keep(kv)` counts it under its rule), so a backup can stream.
 * @param {{ rootPath?: string, keepLeased?: boolean }} [opts]
 * @returns {{ keep: (kv: KeyValue) => boolean, rules: Rule[] }}
 */
export function keySelector(opts = {}) {
	const root = (opts.rootPath ?? DEFAULT_ROOT_PATH).replace(/\/+$/, '');
	const session = `${root}/meta/session/`;
	/** @type {Rule[]} */
	const rules = [
		{
			id: 'session-leased',
			prefix: session,
			action: 'exclude',
			reason:
				'Milvus session keys: attached to leases of processes that are gone; every node writes a new one at start',
			count: 0,
			examples: [],
		},
		{
			id: 'other-leased',
			prefix: '',
			action: opts.keepLeased ? 'keep' : 'exclude',
			reason: opts.keepLeased
				? 'leased keys outside the session prefix, kept on request (--keep-leased); restored without a lease'
				: 'attached to a lease that does not exist in a new cluster (ephemeral); pass --keep-leased to keep them',
			count: 0,
			examples: [],
		},
		{
			id: 'session-persistent',
			prefix: session,
			action: 'keep',
			reason: `non-leased keys under the session prefix (${session}id is Milvus's ServerID counter)`,
			count: 0,
			examples: [],
		},
		{
			id: 'kv',
			prefix: `${root}/kv/`,
			action: 'keep',
			reason: 'timestamp oracle and global id allocator (tso/timestamp, gid/idTimestamp)',
			count: 0,
			examples: [],
		},
	];
	const [sessLeased, otherLeased, sessPersistent, kvRule] =
		/** @type {[Rule, Rule, Rule, Rule]} */ (rules);
	const sessionBuf = Buffer.from(session);
	const kvBuf = Buffer.from(kvRule.prefix);
	/** @param {Rule} r @param {KeyValue} kv */
	const note = (r, kv) => {
		r.count++;
		if (r.examples.length < 3) r.examples.push(kv.key.toString('utf8'));
	};
	/** @param {KeyValue} kv */
	const keep = (kv) => {
		const inSession = startsWith(kv.key, sessionBuf);
		if (kv.lease !== 0n) {
			if (inSession) {
				note(sessLeased, kv);
				return false;
			}
			note(otherLeased, kv);
			if (!opts.keepLeased) return false;
		} else if (inSession) note(sessPersistent, kv);
		if (startsWith(kv.key, kvBuf)) note(kvRule, kv);
		return true;
	};
	return { keep, rules };
}

/**
 * The default selection over a list in memory (see keySelector).
 * @param {Iterable<KeyValue>} kvs
 * @param {{ rootPath?: string, keepLeased?: boolean }} [opts]
 * @returns {{ kept: KeyValue[], rules: Rule[] }}
 */
export function selectKeys(kvs, opts = {}) {
	const { keep, rules } = keySelector(opts);
	/** @type {KeyValue[]} */
	const kept = [];
	for (const kv of kvs) if (keep(kv)) kept.push(kv);
	return { kept, rules };
}

/** @param {Buffer} b @param {Buffer} prefix */
function startsWith(b, prefix) {
	return b.length >= prefix.length && b.compare(prefix, 0, prefix.length, 0, prefix.length) === 0;
}

/** @typedef {{ prefix: string, keys: number, bytes: number, leased: number }} PrefixRow */

/** Prefix counts for `--inspect`, one record at a time: keys grouped by their first `depth` path segments. */
export class PrefixSummary {
	/** @param {number} [depth] */
	constructor(depth = 3) {
		this.depth = depth;
		/** @type {Map<string, PrefixRow>} */
		this.groups = new Map();
	}

	/** @param {KeyValue} kv */
	add(kv) {
		const parts = kv.key.toString('utf8').split('/');
		const prefix =
			parts.length > this.depth
				? `${parts.slice(0, this.depth).join('/')}/`
				: parts.slice(0, -1).join('/') + (parts.length > 1 ? '/' : '');
		const g = this.groups.get(prefix) ?? { prefix, keys: 0, bytes: 0, leased: 0 };
		g.keys++;
		g.bytes += kv.key.length + kv.value.length;
		if (kv.lease !== 0n) g.leased++;
		this.groups.set(prefix, g);
	}

	/** @returns {PrefixRow[]} */
	rows() {
		return [...this.groups.values()].sort((a, b) =>
			a.prefix < b.prefix ? -1 : a.prefix > b.prefix ? 1 : 0,
		);
	}
}

/**
 * Prefix counts of a list in memory (see PrefixSummary).
 * @param {Iterable<KeyValue>} kvs
 * @param {number} [depth]
 * @returns {PrefixRow[]}
 */
export function prefixSummary(kvs, depth = 3) {
	const p = new PrefixSummary(depth);
	for (const kv of kvs) p.add(kv);
	return p.rows();
}

/**
 * The records of a key space as a stream that lets signals through: a DbScan streams from the file, an
 * MvccState (in memory, or lazy after a WAL replay) from its list. With `views`, a DbScan's records are views
 * valid until the next one (see DbScan.rowsSync).
 * @param {{ records?: (opts?: { views?: boolean }) => AsyncIterable<KeyValue>, kvs?: KeyValue[] }} state
 * @param {{ views?: boolean }} [opts]
 * @returns {AsyncGenerator<KeyValue>}
 */
export async function* recordsOf(state, opts = {}) {
	if (typeof state.records === 'function') {
		yield* state.records(opts);
		return;
	}
	let since = performance.now();
	for (const kv of state.kvs ?? []) {
		yield kv;
		if (performance.now() - since > YIELD_MS) {
			await pause();
			since = performance.now();
		}
	}
}

/** @param {KeyValue} kv the part of a record line before the value's base64 */
function recordHead(kv) {
	return `{"key":"${kv.key.toString('base64')}","create_revision":${kv.createRevision},"mod_revision":${kv.modRevision},"version":${kv.version},"value":"`;
}
/** @param {KeyValue} kv the part after it */
function recordTail(kv) {
	return `","lease":${kv.lease}}\n`;
}

/**
 * One line of kvs.jsonl, same field names and order as etcdctl's JSON. Built by hand so int64s stay exact.
 * @param {KeyValue} kv
 */
export function recordLine(kv) {
	return recordHead(kv) + kv.value.toString('base64') + recordTail(kv);
}

// Node 20's base64 encoder makes a string of each value (then copied into the write buffer) at about
// 250 MB/s, most of a backup's time; this loop writes into the buffer at about four times that.
const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
// Two characters per 12 bits of input, first in the low byte: half the lookups of one per character.
const BASE64_PAIRS = Uint16Array.from(
	{ length: 4096 },
	(_, i) => BASE64_ALPHABET.charCodeAt(i >> 6) | (BASE64_ALPHABET.charCodeAt(i & 63) << 8),
);

/**
 * Base64 of src[start, end) into dst from `at`, without padding: `end - start` must be a multiple of 3 (the
 * caller encodes a last partial group itself). Returns where the text ends in dst.
 * @param {Uint8Array} src @param {number} start @param {number} end @param {Uint8Array} dst @param {number} at
 */
export function encodeBase64(src, start, end, dst, at) {
	for (let i = start; i < end; i += 3) {
		const b0 = /** @type {number} */ (src[i]);
		const b1 = /** @type {number} */ (src[i + 1]);
		const b2 = /** @type {number} */ (src[i + 2]);
		const x = (b0 << 16) | (b1 << 8) | b2;
		const hi = /** @type {number} */ (BASE64_PAIRS[x >>> 12]);
		const lo = /** @type {number} */ (BASE64_PAIRS[x & 0xfff]);
		dst[at] = hi & 0xff;
		dst[at + 1] = hi >>> 8;
		dst[at + 2] = lo & 0xff;
		dst[at + 3] = lo >>> 8;
		at += 4;
	}
	return at;
}

// Record lines are read back a few MiB at a time.
const READ_BYTES = 4 * 1024 * 1024;

/**
 * Writes record lines to a file through the hash's shared buffers: each is filled, written to the file, then
 * handed to the hashing thread as it is (no string per line to join, no copy). A line longer than a buffer
 * continues in the next one, so memory does not follow the largest record here.
 */
class RecordSink {
	/** @param {number} fd @param {Sha256} hash */
	constructor(fd, hash) {
		this.fd = fd;
		this.hash = hash;
		this.slab = -1;
		/** @type {Buffer | null} */
		this.buf = null;
		this.pos = 0;
		this.bytes = 0;
	}

	/** @param {KeyValue} kv @param {Buffer} value read once (after a WAL replay it is a getter) */
	async add(kv, value) {
		await this.put(recordHead(kv));
		// The whole groups of three bytes go straight into the buffer; the last one or two bytes (with their
		// padding) as Node's own text.
		const whole = value.length - (value.length % 3);
		for (let at = 0; at < whole;) {
			if (!this.buf) await this.next();
			const buf = /** @type {Buffer} */ (this.buf);
			const end = Math.min(whole, at + Math.floor((buf.length - this.pos) / 4) * 3);
			if (end === at) {
				await this.flush();
				continue;
			}
			this.pos = encodeBase64(value, at, end, buf, this.pos);
			at = end;
		}
		if (whole < value.length) await this.put(value.toString('base64', whole));
		await this.put(recordTail(kv));
	}

	/** @private */
	async next() {
		const { slab, bytes } = await this.hash.take();
		this.slab = slab;
		this.buf = bytes;
	}

	/** @private @param {string} text ASCII (base64 and digits): latin1 is the same bytes, and faster */
	async put(text) {
		for (;;) {
			if (!this.buf) await this.next();
			const buf = /** @type {Buffer} */ (this.buf);
			const n = buf.write(text, this.pos, 'latin1');
			this.pos += n;
			if (n === text.length) return;
			text = text.slice(n);
			await this.flush();
		}
	}

	async flush() {
		if (!this.buf || this.pos === 0) return;
		const out = this.buf.subarray(0, this.pos);
		let off = 0;
		while (off < out.length) off += fs.writeSync(this.fd, out, off, out.length - off);
		this.bytes += out.length;
		this.hash.submit(this.slab, out.length);
		this.buf = null;
		this.pos = 0;
	}
}

const B64 = /^[A-Za-z0-9+/]*={0,2}$/;
const INT = /^-?\d{1,20}$/;

/**
 * The exact shape recordLine writes, or null (then the general parser decides). Base64 is checked by
 * length: Node's decoder skips characters outside the alphabet, so a decoded length that does not match
 * the text's means a character that is not base64.
 * @param {string} line
 * @returns {KeyValue | null}
 */
function parseRecordLine(line) {
	let at = 0;
	/** @param {string} label */
	const expect = (label) => {
		if (!line.startsWith(label, at)) return false;
		at += label.length;
		return true;
	};
	/** @param {string} end @returns {string | null} */
	const until = (end) => {
		const i = line.indexOf(end, at);
		if (i === -1) return null;
		const text = line.slice(at, i);
		at = i + end.length;
		return text;
	};
	if (!expect('{"key":"')) return null;
	const key = until('","create_revision":');
	const create = until(',"mod_revision":');
	const mod = create === null ? null : until(',"version":');
	const version = mod === null ? null : until(',"value":"');
	const value = version === null ? null : until('","lease":');
	if (key === null || value === null || create === null || mod === null || version === null)
		return null;
	if (!line.endsWith('}') || at >= line.length) return null;
	const lease = line.slice(at, line.length - 1);
	for (const n of [create, mod, version, lease]) if (!INT.test(n)) return null;
	const k = strictBase64(key);
	const v = strictBase64(value);
	if (!k || k.length === 0 || !v) return null;
	return {
		key: k,
		value: v,
		createRevision: BigInt(create),
		modRevision: BigInt(mod),
		version: BigInt(version),
		lease: BigInt(lease),
	};
}

/** @typedef {KeyValue & { valueLength: number }} ParsedRecord */

/**
 * The byte-level reader of record lines and the fingerprint of a record, in one function that uses nothing
 * from outside itself but Node's globals: the hashing thread runs its very source (see HASH_WORKER) to check
 * the lines while they are written, with the parser a restore uses.
 */
function recordReader() {
	const LINE_START = Buffer.from('{"key":"');
	const LINE_SEPARATORS = [
		'","create_revision":',
		',"mod_revision":',
		',"version":',
		',"value":"',
		'","lease":',
	].map((t) => Buffer.from(t));

	// The value of a record read without its value (see parseRecordBytes).
	const VALUE_NOT_READ = Buffer.alloc(0);

	/**
	 * parseRecordLine on the bytes of a line, buf[start, end), without making a string of it (a line holds up to
	 * 2 MiB of base64). Null when the bytes are not exactly that shape: the caller then parses the line as text,
	 * with the same result as before, since any byte outside ASCII fails a check here.
	 * Without `decodeValue` the value is not decoded (`value` is empty, `valueLength` follows from the base64's
	 * length): for bytes known to be this module's own output, where decoding would prove nothing.
	 * @param {Buffer} buf @param {number} start @param {number} end @param {boolean} [decodeValue]
	 * @returns {ParsedRecord | null}
	 */
	function parseRecordBytes(buf, start, end, decodeValue = true) {
		if (
			end - start < LINE_START.length ||
			buf.compare(LINE_START, 0, LINE_START.length, start, start + LINE_START.length) !== 0
		)
			return null;
		let at = start + LINE_START.length;
		/** @type {number[]} */
		const bounds = [];
		for (const sep of LINE_SEPARATORS) {
			const i = buf.indexOf(sep, at);
			if (i === -1 || i + sep.length > end) return null;
			bounds.push(at, i);
			at = i + sep.length;
		}
		if (buf[end - 1] !== 0x7d || at >= end) return null;
		const [ks, ke, cs, ce, ms, me, vs, ve, xs, xe] =
			/** @type {[number, number, number, number, number, number, number, number, number, number]} */ (
				bounds
			);
		const create = intBytes(buf, cs, ce);
		const mod = intBytes(buf, ms, me);
		const version = intBytes(buf, vs, ve);
		const lease = intBytes(buf, at, end - 1);
		if (create === null || mod === null || version === null || lease === null) return null;
		const key = strictBase64Bytes(buf, ks, ke);
		if (!key || key.length === 0) return null;
		if (!decodeValue) {
			const valueLength = base64Length(buf, xs, xe);
			if (valueLength < 0) return null;
			return {
				key,
				value: VALUE_NOT_READ,
				valueLength,
				createRevision: create,
				modRevision: mod,
				version,
				lease,
			};
		}
		const value = strictBase64Bytes(buf, xs, xe);
		if (!value) return null;
		return {
			key,
			value,
			valueLength: value.length,
			createRevision: create,
			modRevision: mod,
			version,
			lease,
		};
	}

	/** Bytes that base64 buf[s, e) decodes to, by its length and padding; -1 when the length is not base64's. @param {Buffer} buf @param {number} s @param {number} e */
	function base64Length(buf, s, e) {
		const len = e - s;
		if (len % 4 !== 0) return -1;
		const pad = len >= 2 && buf[e - 1] === 0x3d ? (buf[e - 2] === 0x3d ? 2 : 1) : 0;
		return (len / 4) * 3 - pad;
	}

	/** An int64 field as INT matches it (optional minus, 1-20 digits), from bytes. @param {Buffer} buf @param {number} s @param {number} e */
	function intBytes(buf, s, e) {
		const digits = s < e && buf[s] === 0x2d ? s + 1 : s;
		if (e - digits < 1 || e - digits > 20) return null;
		for (let i = digits; i < e; i++) {
			const c = /** @type {number} */ (buf[i]);
			if (c < 0x30 || c > 0x39) return null;
		}
		return BigInt(buf.toString('latin1', s, e));
	}

	/** strictBase64 on bytes. @param {Buffer} buf @param {number} s @param {number} e @returns {Buffer | null} */
	function strictBase64Bytes(buf, s, e) {
		const want = base64Length(buf, s, e);
		if (want < 0) return null;
		const out = Buffer.from(buf.toString('latin1', s, e), 'base64');
		return out.length === want ? out : null;
	}

	/**
	 * A record's key, revisions, lease and value size, for checking that the records read back are the records
	 * written. Value bytes are not hashed a second time: the file's sha256 covers them, and base64 has one text
	 * per value, so the same text decodes to the same bytes.
	 * @param {import('node:crypto').Hash} hash @param {KeyValue} kv @param {number} valueLength
	 */
	function fingerprintRecord(hash, kv, valueLength) {
		hash.update(
			`${kv.key.length},${valueLength},${kv.createRevision},${kv.modRevision},${kv.version},${kv.lease};`,
		);
		hash.update(kv.key);
	}

	return { parseRecordBytes, fingerprintRecord };
}
const { parseRecordBytes, fingerprintRecord } = recordReader();

/** @param {string} text @returns {Buffer | null} */
function strictBase64(text) {
	if (text.length % 4 !== 0) return null;
	const pad = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
	const buf = Buffer.from(text, 'base64');
	return buf.length === (text.length / 4) * 3 - pad ? buf : null;
}

/**
 * Parses one record. Accepts exact integers or strings (the gateway's form) for int64 fields.
 * @param {string} line
 * @returns {KeyValue}
 */
export function parseRecord(line) {
	// Lines this module wrote have one exact shape: read them with indexOf, without a regular expression or
	// JSON.parse walking a value of up to 2 MiB character by character.
	const fast = parseRecordLine(line);
	if (fast) return fast;
	// Quote bare integers before JSON.parse so values above 2^53 are not rounded.
	const safe = line.replace(/"(create_revision|mod_revision|version|lease)":(-?\d+)/g, '"$1":"$2"');
	/** @type {any} */
	let o;
	try {
		o = JSON.parse(safe);
	} catch {
		throw new Error('not valid JSON');
	}
	if (!o || typeof o !== 'object' || Array.isArray(o)) throw new Error('not a JSON object');
	if (typeof o.key !== 'string' || !B64.test(o.key) || o.key.length === 0)
		throw new Error('"key" must be non-empty base64');
	if (o.value !== undefined && (typeof o.value !== 'string' || !B64.test(o.value)))
		throw new Error('"value" must be base64');
	/** @param {string} f */
	const int = (f) => {
		const v = o[f];
		if (v === undefined) return 0n;
		if (typeof v !== 'string' || !/^-?\d+$/.test(v)) throw new Error(`"${f}" must be an integer`);
		return BigInt(v);
	};
	return {
		key: Buffer.from(o.key, 'base64'),
		value: Buffer.from(o.value ?? '', 'base64'),
		createRevision: int('create_revision'),
		modRevision: int('mod_revision'),
		version: int('version'),
		lease: int('lease'),
	};
}

/**
 * @typedef {object} Manifest
 * @property {string} format
 * @property {number} formatVersion
 * @property {string} createdAt
 * @property {string} rootPath
 * @property {Record<string, unknown>} source
 * @property {Record<string, number>} counts
 * @property {Array<{ rule: string, prefix: string, reason: string, count: number, examples: string[] }>} excluded
 * @property {Array<{ rule: string, prefix: string, reason: string, count: number, examples: string[] }>} kept
 * @property {{ file: string, count: number, bytes: number, sha256: string, largestValueBytes: number }} records
 */

/**
 * @typedef {object} LinesChecked
 * @property {number} lines        lines seen
 * @property {number} records      lines that parsed as records
 * @property {number} firstBad     number of the first line that did not (0: none)
 * @property {number} valueBytes   @property {number} largestValueBytes
 * @property {string} fingerprint  sha256 of every record's fingerprint, in order
 */

/**
 * Checks record lines as their bytes go by, in pieces cut anywhere (the write buffers): each line is read
 * with the restore's byte parser (without decoding its value) and fingerprinted. A line cut between pieces
 * is put together in a buffer that grows to the longest line, so memory follows the largest value. Uses
 * nothing from outside itself: the hashing thread runs its source.
 * @param {ReturnType<typeof recordReader>} reader @param {typeof import('node:crypto')} nodeCrypto
 */
function lineChecker(reader, nodeCrypto) {
	const fingerprint = nodeCrypto.createHash('sha256');
	/** @type {LinesChecked} */
	const r = {
		lines: 0,
		records: 0,
		firstBad: 0,
		valueBytes: 0,
		largestValueBytes: 0,
		fingerprint: '',
	};
	let carry = Buffer.allocUnsafe(0);
	let carried = 0;
	/** @param {Buffer} buf @param {number} start @param {number} end */
	const check = (buf, start, end) => {
		r.lines++;
		const kv = reader.parseRecordBytes(buf, start, end, false);
		if (!kv) {
			r.firstBad ||= r.lines;
			return;
		}
		r.records++;
		r.valueBytes += kv.valueLength;
		if (kv.valueLength > r.largestValueBytes) r.largestValueBytes = kv.valueLength;
		reader.fingerprintRecord(fingerprint, kv, kv.valueLength);
	};
	/** @param {Buffer} buf @param {number} start @param {number} end */
	const keep = (buf, start, end) => {
		const need = carried + end - start;
		if (need > carry.length) {
			const bigger = Buffer.allocUnsafe(Math.max(need, carry.length * 2));
			carry.copy(bigger, 0, 0, carried);
			carry = bigger;
		}
		buf.copy(carry, carried, start, end);
		carried = need;
	};
	return {
		/** @param {Buffer} buf the next bytes */
		add(buf) {
			let start = 0;
			for (let nl = buf.indexOf(0x0a); nl !== -1; nl = buf.indexOf(0x0a, start)) {
				if (carried > 0) {
					keep(buf, start, nl);
					check(carry, 0, carried);
					carried = 0;
				} else check(buf, start, nl);
				start = nl + 1;
			}
			if (start < buf.length) keep(buf, start, buf.length);
		},
		/** @returns {LinesChecked} */
		end() {
			// Every line this module writes ends with a newline: bytes after the last one are a line cut short.
			if (carried > 0) {
				r.lines++;
				r.firstBad ||= r.lines;
			}
			r.fingerprint = fingerprint.digest('hex');
			return r;
		},
	};
}

// sha256 runs in a worker thread: a backup hashes the db, the records as they are written and the records
// read back, each about the db's size, and on a second core that work runs beside the reading, encoding and
// parsing instead of after it; while a backup is written, the worker also checks its lines (lineChecker).
// Bytes reach the worker through a few shared buffers (no allocation, no transfer per chunk; a slow worker
// makes the writer wait, so memory stays fixed). The worker is plain code evaluated as CommonJS, with the
// source of the self-contained recordReader and lineChecker in it, so it works wherever this module is
// loaded from (a checkout, a URL, a standalone bundle).
const HASH_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const crypto = require('node:crypto');
const fs = require('node:fs');
const hash = crypto.createHash('sha256');
const slabs = ((workerData && workerData.slabs) || []).map((s) => Buffer.from(s));
const lines = workerData && workerData.lines ? (${lineChecker})((${recordReader})(), crypto) : null;
parentPort.on('message', async (m) => {
	try {
		if (m.op === 'update') {
			const bytes = slabs[m.slab].subarray(0, m.length);
			hash.update(bytes);
			if (lines) lines.add(bytes);
			parentPort.postMessage({ id: m.id });
		} else if (m.op === 'file') {
			// One buffer for the whole file: a GiB read in fresh chunks would only be garbage.
			const fd = fs.openSync(m.file, 'r');
			try {
				const buf = Buffer.allocUnsafe(4 << 20);
				for (let n; (n = fs.readSync(fd, buf, 0, buf.length, null)) > 0; ) hash.update(buf.subarray(0, n));
			} finally {
				fs.closeSync(fd);
			}
			parentPort.postMessage({ id: m.id, hex: hash.digest('hex') });
		} else parentPort.postMessage({ id: m.id, hex: hash.digest('hex'), lines: lines && lines.end() });
	} catch (e) {
		parentPort.postMessage({ id: m.id, error: String((e && e.message) || e) });
	}
});`;
const HASH_SLABS = 4;
const HASH_SLAB_BYTES = 4 * 1024 * 1024;

/**
 * An incremental sha256: in a worker thread when one can be started, else in this thread. Bytes go in
 * through a few buffers shared with the worker: `take` waits for a free one, `submit` hands its first
 * `length` bytes over (the buffer is not touched again until `take` returns it). `update` copies bytes in;
 * `digest` ends it, `close` stops it early. With `lines`, the bytes are record lines, checked on the way
 * (see lineChecker): `checked` holds the result once `digest` has returned.
 * @typedef {{ take(): Promise<{ slab: number, bytes: Buffer }>, submit(slab: number, length: number): void,
 *   update(bytes: Uint8Array): Promise<void>, digest(): Promise<string>, close(): void,
 *   checked: LinesChecked | null }} Sha256
 * @param {{ lines?: boolean }} [opts]
 * @returns {Sha256}
 */
function sha256Stream(opts = {}) {
	/** @type {Worker | null} */
	let worker = null;
	/** @type {Buffer[]} */
	let slabs;
	try {
		const shared = Array.from({ length: HASH_SLABS }, () => new SharedArrayBuffer(HASH_SLAB_BYTES));
		worker = new Worker(HASH_WORKER, {
			eval: true,
			workerData: { slabs: shared, lines: opts.lines === true },
		});
		// Only a pending request keeps the process alive: a stream abandoned half-read (a reader that
		// stopped early) must not hold it open.
		worker.unref();
		slabs = shared.map((b) => Buffer.from(b));
	} catch {
		slabs = Array.from({ length: HASH_SLABS }, () => Buffer.allocUnsafe(HASH_SLAB_BYTES));
	}
	/** @typedef {{ id: number, hex?: string, error?: string, lines?: LinesChecked | null }} Reply */
	/** @type {Map<number, { resolve: (m: Reply) => void, reject: (e: Error) => void }>} */
	const waiting = new Map();
	/** @type {Error | null} */
	let failed = null;
	let nextId = 0;
	const free = slabs.map((_, i) => i);
	/** @type {Array<() => void>} */
	const wantSlab = [];
	/** @type {Set<Promise<unknown>>} */
	const queued = new Set();
	const inThread = worker ? null : crypto.createHash('sha256');
	const linesInThread = !worker && opts.lines ? lineChecker(recordReader(), crypto) : null;
	/** @param {Error} e */
	const fail = (e) => {
		failed ??= e;
		for (const w of waiting.values()) w.reject(e);
		waiting.clear();
		for (const wake of wantSlab.splice(0)) wake();
	};
	worker?.on('message', (/** @type {Reply} */ m) => {
		const w = waiting.get(m.id);
		waiting.delete(m.id);
		if (waiting.size === 0) worker?.unref();
		if (m.error !== undefined) w?.reject(new Error(m.error));
		else w?.resolve(m);
	});
	worker?.on('error', fail);
	worker?.on('exit', () => fail(new Error('the hashing thread stopped')));
	/** @param {object} msg @returns {Promise<Reply>} */
	const ask = (msg) => {
		if (failed) return Promise.reject(failed);
		const id = nextId++;
		return new Promise((resolve, reject) => {
			if (waiting.size === 0) worker?.ref();
			waiting.set(id, { resolve, reject });
			/** @type {Worker} */ (worker).postMessage({ ...msg, id });
		});
	};
	/** @param {number} slab */
	const release = (slab) => {
		free.push(slab);
		wantSlab.shift()?.();
	};
	const close = () => {
		failed ??= new Error('the hash was stopped');
		void worker?.terminate();
	};
	/** @type {Sha256} */
	const stream = {
		async take() {
			while (free.length === 0 && !failed)
				await new Promise((resolve) => wantSlab.push(() => resolve(undefined)));
			if (failed) throw failed;
			const slab = /** @type {number} */ (free.pop());
			return { slab, bytes: /** @type {Buffer} */ (slabs[slab]) };
		},
		submit(slab, length) {
			if (inThread) {
				const bytes = /** @type {Buffer} */ (slabs[slab]).subarray(0, length);
				inThread.update(bytes);
				linesInThread?.add(bytes);
				release(slab);
				return;
			}
			const done = ask({ op: 'update', slab, length }).then(() => release(slab));
			done.catch(() => {}); // a failure is thrown by the next take or by digest
			queued.add(done);
			void done.finally(() => queued.delete(done)).catch(() => {});
		},
		async update(bytes) {
			for (let off = 0; off < bytes.length;) {
				const { slab, bytes: into } = await stream.take();
				const n = Math.min(into.length, bytes.length - off);
				into.set(bytes.subarray(off, off + n));
				off += n;
				stream.submit(slab, n);
			}
		},
		async digest() {
			try {
				await Promise.all(queued);
				if (inThread) {
					stream.checked = linesInThread?.end() ?? null;
					return inThread.digest('hex');
				}
				const m = await ask({ op: 'digest' });
				stream.checked = m.lines ?? null;
				return m.hex ?? '';
			} finally {
				close();
			}
		},
		close,
		checked: null,
	};
	return stream;
}

/**
 * sha256 of a file, streamed (db files can be GiBs), in a worker thread when one can be started.
 * @param {string} file
 * @returns {Promise<string>}
 */
export function sha256File(file) {
	return hashFile(file).hex;
}

/**
 * sha256File that can be stopped (`close`), for a hash that runs beside other work which may fail.
 * @param {string} file
 * @returns {{ hex: Promise<string>, close: () => void }}
 */
function hashFile(file) {
	/** @type {Worker} */
	let worker;
	try {
		worker = new Worker(HASH_WORKER, { eval: true });
	} catch {
		const inThread = async () => {
			const hash = crypto.createHash('sha256');
			for await (const chunk of fs.createReadStream(file))
				hash.update(/** @type {Buffer} */ (chunk));
			return hash.digest('hex');
		};
		return { hex: inThread(), close() {} };
	}
	const close = () => void worker.terminate();
	/** @type {Promise<string>} */
	const hex = new Promise((resolve, reject) => {
		worker.once('message', (/** @type {{ hex?: string, error?: string }} */ m) =>
			m.error !== undefined ? reject(new Error(m.error)) : resolve(m.hex ?? ''),
		);
		worker.once('error', reject);
		worker.once('exit', () => reject(new Error('the hashing thread stopped')));
		worker.postMessage({ op: 'file', file, id: 0 });
	});
	const done = hex.finally(close);
	// Nobody waits for a hash stopped by a failure elsewhere: its rejection is not an error of its own.
	done.catch(() => {});
	return { hex: done, close };
}

/**
 * Writes kvs.jsonl and manifest.json into `dir` (created; must be empty or absent), checking every line as
 * it is written and the file as read back against what was written. Records stream from `state` to the file
 * one at a time: memory follows the largest record, not the db. The sha256s (the db's, kvs.jsonl's as
 * written and as read back) and the line checks run in other threads beside the reading and writing (see
 * sha256Stream).
 * @param {string} dir
 * @param {import('./mvcc.mjs').MvccState | import('./mvcc.mjs').DbScan} state
 * @param {{ rootPath?: string, keepLeased?: boolean, source?: Record<string, unknown>, sourceFile?: string, now?: Date }} [opts]
 *   sourceFile: the db file, whose sha256 goes into `source.sha256` (hashed while the records are written)
 * @returns {Promise<Manifest>}
 */
export async function writeBackup(dir, state, opts = {}) {
	const rootPath = (opts.rootPath ?? DEFAULT_ROOT_PATH).replace(/\/+$/, '');
	let existing = [];
	try {
		existing = fs.readdirSync(dir);
	} catch (e) {
		if (/** @type {NodeJS.ErrnoException} */ (e).code !== 'ENOENT')
			throw new BackupError('writeFailed', { file: dir, reason: /** @type {Error} */ (e).message });
	}
	if (existing.length > 0) throw new BackupError('backupExists', { dir });
	const { keep, rules } = keySelector({ rootPath, keepLeased: opts.keepLeased });
	const keepAgain = keySelector({ rootPath, keepLeased: opts.keepLeased }).keep;
	const recordsPath = path.join(dir, RECORDS);
	const tmpRecords = path.join(dir, `.${RECORDS}.tmp`);
	const content = crypto.createHash('sha256');
	let bytes = 0;
	let valueBytes = 0;
	let written = 0;
	let live = 0;
	let leased = 0;
	// What a restore must be able to send in one request (the restore-proof step reads it).
	let largestValueBytes = 0;
	// Partial output goes away on any failure and on a signal (the runbook exits from its signal handler, so
	// only an 'exit' hook still runs); a folder with a manifest is complete and stays.
	/** @type {string[]} */
	const created = [];
	const manifestPath = path.join(dir, MANIFEST);
	const tmpManifest = path.join(dir, `.${MANIFEST}.tmp`);
	const removePartial = () => {
		if (fs.existsSync(manifestPath)) return;
		for (const f of [tmpRecords, recordsPath, tmpManifest]) fs.rmSync(f, { force: true });
		for (const d of [...created].reverse()) {
			try {
				fs.rmdirSync(d);
			} catch {
				// not empty: someone else's files
			}
		}
	};
	process.once('exit', removePartial);
	const sourceHash = opts.sourceFile ? hashFile(opts.sourceFile) : null;
	const hash = sha256Stream({ lines: true });
	try {
		return await writeBackupFiles();
	} catch (e) {
		removePartial();
		throw e;
	} finally {
		process.off('exit', removePartial);
		sourceHash?.close();
		hash.close();
	}

	async function writeBackupFiles() {
		let recordsSha256 = '';
		let readBackSha256 = '';
		/** @type {{ hex: Promise<string>, close: () => void } | null} */
		let readBack = null;
		try {
			makeDirs(dir, created);
			const fd = fs.openSync(tmpRecords, 'wx');
			try {
				const sink = new RecordSink(fd, hash);
				let since = performance.now();
				// Views into the db's pages: each record is written before the next is read.
				for await (const kv of recordsOf(state, { views: true })) {
					live++;
					if (kv.lease !== 0n) leased++;
					if (!keep(kv)) continue;
					// After a WAL replay `value` is a getter that reads the db file: read it once per record.
					const value = kv.value;
					written++;
					valueBytes += value.length;
					if (value.length > largestValueBytes) largestValueBytes = value.length;
					fingerprintRecord(content, kv, value.length);
					await sink.add(kv, value);
					if (performance.now() - since > YIELD_MS) {
						// Let a pending signal (Ctrl-C, SIGTERM) be handled.
						await pause();
						since = performance.now();
					}
				}
				await sink.flush();
				bytes = sink.bytes;
				// The read-back: the file, read again from its path, hashed by another thread while this one
				// waits for the disk.
				readBack = hashFile(tmpRecords);
				fs.fsyncSync(fd);
			} finally {
				fs.closeSync(fd);
			}
			recordsSha256 = await hash.digest();
			readBackSha256 = await readBack.hex;
			fs.renameSync(tmpRecords, recordsPath);
		} catch (e) {
			if (e instanceof BackupError) throw e;
			throw new BackupError('writeFailed', {
				file: recordsPath,
				reason: /** @type {Error} */ (e).message,
			});
		} finally {
			readBack?.close();
		}
		// Trust nothing just written. The hashing thread read every line with the restore's parser as its bytes
		// were written (lineChecker), and the file read back has the sha256 of those bytes, so the file holds
		// exactly the lines checked. The records in them must be the ones written: as many, same keys, revisions,
		// leases and value sizes, in the same order. Values are not decoded: the bytes are the encoder's own, and
		// base64 gives each value one text. (The restore proof and the restore decode every value.) All of it
		// before the manifest exists, so a backup that fails it is removed.
		if (readBackSha256 !== recordsSha256)
			throw new BackupError('checksumMismatch', {
				file: recordsPath,
				actual: readBackSha256,
				expected: recordsSha256,
			});
		const checked = /** @type {LinesChecked} */ (hash.checked);
		if (checked.firstBad)
			throw new BackupError('badRecord', {
				file: recordsPath,
				line: checked.firstBad,
				reason: 'not a record line as this runbook writes them',
			});
		if (checked.records !== written)
			throw new BackupError('countMismatch', {
				file: recordsPath,
				actual: checked.records,
				expected: written,
			});
		if (
			checked.fingerprint !== content.digest('hex') ||
			checked.valueBytes !== valueBytes ||
			checked.largestValueBytes !== largestValueBytes
		) {
			const d = await compareStreams(
				async function* () {
					for await (const kv of recordsOf(state)) if (keepAgain(kv)) yield kv;
				},
				async function* () {
					for await (const { buf, start, end } of recordLines(recordsPath, null))
						yield parseRecordAt(buf, start, end);
				},
			);
			throw new BackupError('verifyMismatch', {
				missing: d.missing,
				different: d.different,
				first: d.first ?? '-',
			});
		}
		const excludedCount = rules
			.filter((r) => r.action === 'exclude')
			.reduce((n, r) => n + r.count, 0);
		/** @param {Rule} r */
		const ruleOut = (r) => ({
			rule: r.id,
			prefix: r.prefix,
			reason: r.reason,
			count: r.count,
			examples: r.examples,
		});
		/** @type {Manifest} */
		const manifest = {
			format: FORMAT,
			formatVersion: FORMAT_VERSION,
			createdAt: (opts.now ?? new Date()).toISOString(),
			rootPath,
			source: {
				...opts.source,
				...(sourceHash ? { sha256: await sourceHash.hex } : {}),
				revision: String(state.revision),
				compactRevision: state.compactRevision === null ? null : String(state.compactRevision),
				consistentIndex: state.consistentIndex === null ? null : String(state.consistentIndex),
				bboltMetaPage: state.bbolt.page,
				bboltTxid: String(state.bbolt.txid),
				pageSize: state.bbolt.pageSize,
				fellBackToOlderMeta: state.bbolt.fellBack,
				problems: state.bbolt.problems,
			},
			counts: {
				revisionRows: state.stats.rows,
				tombstoneRows: state.stats.tombstones,
				distinctKeys: state.stats.keys,
				deletedKeys: state.stats.deleted,
				liveKeys: live,
				leasedLiveKeys: leased,
				excluded: excludedCount,
				written,
			},
			excluded: rules.filter((r) => r.action === 'exclude').map(ruleOut),
			kept: rules.filter((r) => r.action === 'keep').map(ruleOut),
			records: {
				file: RECORDS,
				count: written,
				bytes,
				sha256: recordsSha256,
				largestValueBytes,
			},
		};
		try {
			fs.writeFileSync(tmpManifest, JSON.stringify(manifest, null, 2) + '\n', { flag: 'wx' });
			fs.renameSync(tmpManifest, manifestPath);
		} catch (e) {
			throw new BackupError('writeFailed', {
				file: manifestPath,
				reason: /** @type {Error} */ (e).message,
			});
		}
		// The manifest as a restore reads it; one that does not read back goes, so the folder is removed.
		try {
			const back = readManifest(dir);
			if (back.manifest.records.sha256 !== recordsSha256 || back.manifest.records.count !== written)
				throw new BackupError('badManifest', {
					file: manifestPath,
					reason: 'it does not say what was written',
				});
		} catch (e) {
			fs.rmSync(manifestPath, { force: true });
			throw e;
		}
		return manifest;
	}
}

/**
 * Creates `dir` and its missing parents one at a time, adding each to `created` (outermost first) as it is
 * made. (Node's recursive mkdir spins forever on some paths under /proc.)
 * @param {string} dir @param {string[]} created
 */
function makeDirs(dir, created) {
	/** @type {string[]} */
	const missing = [];
	let p = path.resolve(dir);
	while (!fs.existsSync(p)) {
		missing.unshift(p);
		const up = path.dirname(p);
		if (up === p) break;
		p = up;
	}
	for (const d of missing) {
		fs.mkdirSync(d);
		created.push(d);
	}
}

/**
 * @typedef {object} OpenedBackup
 * @property {Manifest} manifest
 * @property {string} recordsPath
 * @property {number} count              records in kvs.jsonl (equal to the manifest's)
 * @property {number} largestValueBytes
 * @property {() => AsyncGenerator<KeyValue>} records   reads kvs.jsonl again, one record at a time; throws
 *   checksumMismatch at the end if the file changed since it was checked
 */

/**
 * The manifest of a backup folder, checked (format, version, records entry) and the records file it names
 * (a regular file); BackupError otherwise. Nothing of kvs.jsonl is read here.
 * @param {string} dir
 * @returns {{ manifest: any, recordsPath: string }}
 */
function readManifest(dir) {
	const manifestPath = path.join(dir, MANIFEST);
	/** @type {any} */
	let manifest;
	let text;
	try {
		text = fs.readFileSync(manifestPath, 'utf8');
	} catch {
		throw new BackupError('noManifest', { dir, file: MANIFEST });
	}
	try {
		manifest = JSON.parse(text);
	} catch {
		throw new BackupError('badManifest', { file: manifestPath, reason: 'not valid JSON' });
	}
	if (manifest?.format !== FORMAT)
		throw new BackupError('badManifest', { file: manifestPath, reason: `format is not ${FORMAT}` });
	if (manifest.formatVersion !== FORMAT_VERSION)
		throw new BackupError('badManifest', {
			file: manifestPath,
			reason: `unsupported formatVersion ${manifest.formatVersion}`,
		});
	const rec = manifest.records;
	if (
		!rec ||
		typeof rec.sha256 !== 'string' ||
		typeof rec.count !== 'number' ||
		typeof rec.file !== 'string' ||
		rec.file.includes('/') ||
		rec.file.includes('\\')
	)
		throw new BackupError('badManifest', {
			file: manifestPath,
			reason: 'records {file, count, sha256} missing or invalid',
		});
	const recordsPath = path.join(dir, rec.file);
	try {
		if (!fs.statSync(recordsPath).isFile()) throw Object.assign(new Error(), { code: 'ENOTFILE' });
	} catch (e) {
		throw new BackupError('badManifest', {
			file: manifestPath,
			reason: `cannot read ${rec.file}: ${/** @type {NodeJS.ErrnoException} */ (e).code}`,
		});
	}
	return { manifest, recordsPath };
}

/**
 * Opens and checks a backup as a stream: manifest format, then one pass over kvs.jsonl for its sha256, its
 * record count and every record well-formed (`onRecord` sees each one, e.g. for the restore proof). Nothing
 * is returned unless all of it holds, so a restore never starts from a damaged backup; memory follows the
 * largest record, not the backup.
 * @param {string} dir
 * @param {{ onRecord?: (kv: ParsedRecord) => void, decodeValues?: boolean }} [opts]
 *   decodeValues: false leaves values undecoded in this pass (`valueLength` only), for a caller that needs
 *   their sizes only
 * @returns {Promise<OpenedBackup>}
 */
export async function openBackup(dir, opts = {}) {
	const { manifest, recordsPath } = readManifest(dir);
	const rec = manifest.records;
	const hash = sha256Stream();
	let count = 0;
	let largestValueBytes = 0;
	/** @type {BackupError | null} */
	let firstBad = null;
	let actual;
	try {
		for await (const { buf, start, end, lineNo } of recordLines(recordsPath, hash)) {
			/** @type {ParsedRecord} */
			let kv;
			try {
				kv = parseRecordAt(buf, start, end, opts.decodeValues !== false);
			} catch (e) {
				// Reported after the checksum: a damaged file is a checksum mismatch before it is a bad line.
				firstBad ??= new BackupError('badRecord', {
					file: recordsPath,
					line: lineNo,
					reason: /** @type {Error} */ (e).message,
				});
				continue;
			}
			count++;
			if (kv.valueLength > largestValueBytes) largestValueBytes = kv.valueLength;
			opts.onRecord?.(kv);
		}
		actual = await hash.digest();
	} finally {
		hash.close();
	}
	if (actual !== rec.sha256)
		throw new BackupError('checksumMismatch', { file: recordsPath, actual, expected: rec.sha256 });
	if (firstBad) throw firstBad;
	if (count !== rec.count)
		throw new BackupError('countMismatch', {
			file: recordsPath,
			actual: count,
			expected: rec.count,
		});
	return {
		manifest,
		recordsPath,
		count,
		largestValueBytes,
		async *records() {
			const again = sha256Stream();
			let now;
			try {
				for await (const { buf, start, end } of recordLines(recordsPath, again))
					yield parseRecordAt(buf, start, end);
				now = await again.digest();
			} finally {
				again.close();
			}
			if (now !== rec.sha256)
				throw new BackupError('checksumMismatch', {
					file: recordsPath,
					actual: now,
					expected: rec.sha256,
				});
		},
	};
}

/**
 * The non-empty lines of a records file as byte ranges of a read buffer, valid until the next line is asked
 * for; read a few MiB at a time into one buffer (it grows for a line longer than itself: a 1.5 MiB value is a
 * ~2 MiB line). Every byte goes through `hash` (when there is one).
 * @param {string} file @param {Sha256 | null} hash
 * @returns {AsyncGenerator<{ buf: Buffer, start: number, end: number, lineNo: number }>}
 */
async function* recordLines(file, hash) {
	const fh = await fs.promises.open(file, 'r');
	try {
		let buf = Buffer.allocUnsafe(READ_BYTES);
		let filled = 0;
		let lineNo = 0;
		for (;;) {
			if (filled === buf.length) {
				const bigger = Buffer.allocUnsafe(buf.length * 2);
				buf.copy(bigger, 0, 0, filled);
				buf = bigger;
			}
			const { bytesRead } = await fh.read(buf, filled, buf.length - filled, null);
			await hash?.update(buf.subarray(filled, filled + bytesRead));
			filled += bytesRead;
			const data = buf.subarray(0, filled);
			let start = 0;
			for (;;) {
				const end = data.indexOf(0x0a, start);
				if (end === -1) break;
				lineNo++;
				if (hasContent(data, start, end)) yield { buf: data, start, end, lineNo };
				start = end + 1;
			}
			if (bytesRead === 0) {
				if (start < filled && hasContent(data, start, filled))
					yield { buf: data, start, end: filled, lineNo: lineNo + 1 };
				return;
			}
			buf.copyWithin(0, start, filled);
			filled -= start;
		}
	} finally {
		await fh.close();
	}
}

/** Whether buf[start, end) is more than white space (as String.trim sees it). @param {Buffer} buf @param {number} start @param {number} end */
function hasContent(buf, start, end) {
	return buf[start] === 0x7b || buf.toString('utf8', start, end).trim() !== '';
}

/**
 * One record from the bytes of its line: the fast reader when the line has the exact shape this module
 * writes, else the general parser on its text (which always decodes the value).
 * @param {Buffer} buf @param {number} start @param {number} end @param {boolean} [decodeValue]
 * @returns {ParsedRecord}
 */
function parseRecordAt(buf, start, end, decodeValue = true) {
	const fast = parseRecordBytes(buf, start, end, decodeValue);
	if (fast) return fast;
	const kv = parseRecord(buf.toString('utf8', start, end));
	return { ...kv, valueLength: kv.value.length };
}

/**
 * Reads and checks a backup into memory (see openBackup, which streams).
 * @param {string} dir
 * @returns {Promise<{ manifest: Manifest, kvs: KeyValue[] }>}
 */
export async function readBackup(dir) {
	const b = await openBackup(dir);
	/** @type {KeyValue[]} */
	const kvs = [];
	for await (const kv of b.records()) kvs.push(kv);
	return { manifest: b.manifest, kvs };
}

/**
 * Compares two streams of records by key and value, keeping neither when both come sorted by key bytes (a
 * backup's order and etcd's): `missing` are keys of `expected` not in `actual`, `different` have another
 * value, `extra` are only in `actual`. A stream out of order (a hand-made backup) is compared again from the
 * start, in memory. The arguments make fresh streams.
 * @typedef {{ key: Buffer, value: Buffer }} Pair
 * @param {() => AsyncIterable<Pair>} expected
 * @param {() => AsyncIterable<Pair>} actual
 * @returns {Promise<{ missing: number, different: number, extra: number, actual: number, first: string | undefined }>}
 */
export async function compareStreams(expected, actual) {
	const merged = await mergeCompare(expected(), actual());
	if (merged) return merged;
	/** @type {Pair[]} */
	const all = [];
	for await (const kv of expected()) all.push(kv);
	/** @type {Pair[]} */
	const got = [];
	for await (const kv of actual()) got.push(kv);
	const d = compareKvs(all, got);
	return {
		missing: d.missing.length,
		different: d.different.length,
		extra: d.extra.length,
		actual: got.length,
		first: d.missing[0] ?? d.different[0],
	};
}

/**
 * @param {AsyncIterable<Pair>} expected @param {AsyncIterable<Pair>} actual
 * @returns {Promise<{ missing: number, different: number, extra: number, actual: number, first: string | undefined } | null>}
 *   null when a stream is out of order
 */
async function mergeCompare(expected, actual) {
	const a = expected[Symbol.asyncIterator]();
	const b = actual[Symbol.asyncIterator]();
	let missing = 0;
	let different = 0;
	let extra = 0;
	let seen = 0;
	/** @type {string | undefined} */
	let first;
	let sorted = true;
	/** @param {AsyncIterator<Pair>} it @param {{ last: Buffer | null }} st */
	const next = async (it, st) => {
		const r = await it.next();
		if (r.done) return null;
		if (st.last && Buffer.compare(st.last, r.value.key) >= 0) sorted = false;
		st.last = r.value.key;
		return r.value;
	};
	const sa = { last: /** @type {Buffer | null} */ (null) };
	const sb = { last: /** @type {Buffer | null} */ (null) };
	let x = await next(a, sa);
	let y = await next(b, sb);
	if (y) seen++;
	while (x || y) {
		if (!sorted) {
			await a.return?.();
			await b.return?.();
			return null;
		}
		const c = !x ? 1 : !y ? -1 : Buffer.compare(x.key, y.key);
		if (c <= 0 && x) {
			if (c < 0) {
				missing++;
				first ??= x.key.toString('utf8');
			} else if (y && !x.value.equals(y.value)) {
				different++;
				first ??= x.key.toString('utf8');
			}
			x = await next(a, sa);
		} else extra++;
		if (c >= 0 && y) {
			y = await next(b, sb);
			if (y) seen++;
		}
	}
	return sorted ? { missing, different, extra, actual: seen, first } : null;
}

/**
 * Compares by key and value bytes (revisions differ after a restore by design).
 * @param {Array<{ key: Buffer, value: Buffer }>} expected
 * @param {Array<{ key: Buffer, value: Buffer }>} actual
 */
export function compareKvs(expected, actual) {
	/** @type {Map<string, Buffer>} */
	const got = new Map();
	for (const kv of actual) got.set(kv.key.toString('latin1'), kv.value);
	/** @type {string[]} */
	const missing = [];
	/** @type {string[]} */
	const different = [];
	const seen = new Set();
	for (const kv of expected) {
		const id = kv.key.toString('latin1');
		seen.add(id);
		const v = got.get(id);
		if (v === undefined) missing.push(kv.key.toString('utf8'));
		else if (!v.equals(kv.value)) different.push(kv.key.toString('utf8'));
	}
	/** @type {string[]} */
	const extra = [];
	for (const kv of actual)
		if (!seen.has(kv.key.toString('latin1'))) extra.push(kv.key.toString('utf8'));
	return { missing, different, extra, first: missing[0] ?? different[0] ?? extra[0] };
}

/**
 * Restores a verified backup into a reachable etcd in transactions, then reads everything back and compares.
 * Leases are not re-attached: the lease ids of the old cluster do not exist in the target. `kvs` is a list in
 * memory or an opened backup, which is streamed: a few MiB of records are in flight at a time.
 * @param {import('./etcd-http.mjs').EtcdHttp} client
 * @param {KeyValue[] | OpenedBackup} kvs
 * @param {{ allowNonEmpty?: boolean, onProgress?: (done: number, total: number) => void, maxRequestBytes?: number }} [opts]
 * @returns {Promise<{ written: number, batches: number, readBack: number, extra: number }>}
 */
export async function restoreKvs(client, kvs, opts = {}) {
	const count = await client.count();
	if (count > 0 && !opts.allowNonEmpty)
		throw new BackupError('targetNotEmpty', { endpoint: client.endpoint, count });
	const total = Array.isArray(kvs) ? kvs.length : kvs.count;
	let written = 0;
	let batches = 0;
	/** @type {Array<{ key: Buffer, value: Buffer }>} */
	let chunk = [];
	let chunkBytes = 0;
	const send = async () => {
		if (!chunk.length) return;
		const before = written;
		const r = await client.txnBatches(chunk, {
			// Keys in a backup are unique, so several transactions may be in flight at once.
			concurrency: 4,
			maxRequestBytes: opts.maxRequestBytes,
			onBatch: opts.onProgress && ((done) => opts.onProgress?.(before + done, total)),
		});
		batches += r.batches;
		written += chunk.length;
		chunk = [];
		chunkBytes = 0;
	};
	for await (const kv of Array.isArray(kvs) ? recordsOf({ kvs }) : kvs.records()) {
		chunk.push({ key: kv.key, value: kv.value });
		chunkBytes += kv.key.length + kv.value.length;
		if (chunkBytes >= RESTORE_CHUNK_BYTES || chunk.length >= RESTORE_CHUNK_RECORDS) await send();
	}
	await send();
	const result = await verifyTarget(client, kvs);
	return { written, batches, readBack: result.readBack, extra: result.extra };
}
// Enough for four transactions of etcd's default 1.5 MiB in flight, little enough to stay a few MiB.
const RESTORE_CHUNK_BYTES = 8 * 1024 * 1024;
const RESTORE_CHUNK_RECORDS = 4 * 128;

/**
 * Every key of an etcd in key order, read in pages at one revision, as a stream.
 * @param {import('./etcd-http.mjs').EtcdHttp} client
 * @param {{ pageSize?: number }} [o]
 * @returns {AsyncGenerator<{ key: Buffer, value: Buffer }>}
 */
export async function* remoteRecords(client, o = {}) {
	if (typeof client.range !== 'function') {
		// A client without ranged reads (etcdctl through docker exec) reads everything at once.
		yield* (await client.getAll()).kvs;
		return;
	}
	const pageSize = o.pageSize ?? 500;
	const end = Buffer.from([0]);
	let key = Buffer.from([0]);
	/** @type {bigint | undefined} */
	let revision;
	for (;;) {
		const r = await client.range({ key, rangeEnd: end, limit: pageSize, revision });
		revision ??= r.revision;
		yield* r.kvs;
		if (!r.more || r.kvs.length === 0) return;
		// Next page starts right after the last key: append a zero byte.
		key = Buffer.concat([/** @type {{ key: Buffer }} */ (r.kvs[r.kvs.length - 1]).key, end]);
	}
}

/**
 * Reads every key back from the target and compares with the backup; throws BackupError on any difference.
 * Keys in the target that are not in the backup are counted (`extra`), not an error: Milvus may already be
 * writing, or the user allowed a non-empty target. Both sides stream when they are sorted (they are when
 * this module wrote the backup).
 * @param {import('./etcd-http.mjs').EtcdHttp} client
 * @param {KeyValue[] | OpenedBackup} kvs
 */
export async function verifyTarget(client, kvs) {
	const d = await compareStreams(
		() => (Array.isArray(kvs) ? recordsOf({ kvs }) : kvs.records()),
		() => remoteRecords(client),
	);
	if (d.missing || d.different)
		throw new BackupError('verifyMismatch', {
			missing: d.missing,
			different: d.different,
			first: d.first ?? '-',
		});
	return { readBack: d.actual, extra: d.extra };
}

export { prefixEnd };
