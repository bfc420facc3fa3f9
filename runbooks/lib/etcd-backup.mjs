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
 * MvccState (in memory, or lazy after a WAL replay) from its list.
 * @param {{ records?: () => AsyncIterable<KeyValue>, kvs?: KeyValue[] }} state
 * @returns {AsyncGenerator<KeyValue>}
 */
export async function* recordsOf(state) {
	if (typeof state.records === 'function') {
		yield* state.records();
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

/**
 * What a record holds, for comparing a stream written with the same stream read back, without keeping either.
 * @param {import('node:crypto').Hash} hash @param {KeyValue} kv
 */
function digestRecord(hash, kv) {
	const head = Buffer.allocUnsafe(8);
	head.writeUInt32BE(kv.key.length, 0);
	head.writeUInt32BE(kv.value.length, 4);
	hash.update(head);
	hash.update(kv.key);
	hash.update(kv.value);
	hash.update(`${kv.createRevision},${kv.modRevision},${kv.version},${kv.lease};`);
}

/**
 * One line of kvs.jsonl, same field names and order as etcdctl's JSON. Built by hand so int64s stay exact.
 * @param {KeyValue} kv
 */
export function recordLine(kv) {
	return (
		`{"key":"${kv.key.toString('base64')}","create_revision":${kv.createRevision},"mod_revision":${kv.modRevision},` +
		`"version":${kv.version},"value":"${kv.value.toString('base64')}","lease":${kv.lease}}\n`
	);
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
 * sha256 of a file, streamed (db files can be GiBs).
 * @param {string} file
 * @returns {Promise<string>}
 */
export async function sha256File(file) {
	const hash = crypto.createHash('sha256');
	for await (const chunk of fs.createReadStream(file)) hash.update(/** @type {Buffer} */ (chunk));
	return hash.digest('hex');
}

/**
 * Writes kvs.jsonl and manifest.json into `dir` (created; must be empty or absent), then reads them back and
 * checks them against what was written. Records stream from `state` to the file one at a time: memory
 * follows the largest record, not the db.
 * @param {string} dir
 * @param {import('./mvcc.mjs').MvccState | import('./mvcc.mjs').DbScan} state
 * @param {{ rootPath?: string, keepLeased?: boolean, source?: Record<string, unknown>, now?: Date }} [opts]
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
	const hash = crypto.createHash('sha256');
	const content = crypto.createHash('sha256');
	let bytes = 0;
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
	try {
		return await writeBackupFiles();
	} catch (e) {
		removePartial();
		throw e;
	} finally {
		process.off('exit', removePartial);
	}

	async function writeBackupFiles() {
		try {
			makeDirs(dir, created);
			const fd = fs.openSync(tmpRecords, 'wx');
			try {
				/** @type {string[]} */
				let chunk = [];
				let chunkLen = 0;
				const flush = () => {
					// Every character of a record line is ASCII (base64 and digits): latin1 is the same bytes, faster.
					const buf = Buffer.from(chunk.join(''), 'latin1');
					hash.update(buf);
					bytes += buf.length;
					let off = 0;
					while (off < buf.length) off += fs.writeSync(fd, buf, off, buf.length - off);
					chunk = [];
					chunkLen = 0;
				};
				let since = performance.now();
				for await (const raw of recordsOf(state)) {
					// After a WAL replay `value` is a getter that reads the db file: read it once per record.
					const kv = { ...raw };
					live++;
					if (kv.lease !== 0n) leased++;
					if (!keep(kv)) continue;
					written++;
					if (kv.value.length > largestValueBytes) largestValueBytes = kv.value.length;
					digestRecord(content, kv);
					const line = recordLine(kv);
					chunk.push(line);
					chunkLen += line.length;
					if (chunkLen > 1 << 20) flush();
					if (performance.now() - since > YIELD_MS) {
						// Let a pending signal (Ctrl-C, SIGTERM) be handled.
						await pause();
						since = performance.now();
					}
				}
				flush();
				fs.fsyncSync(fd);
			} finally {
				fs.closeSync(fd);
			}
			fs.renameSync(tmpRecords, recordsPath);
		} catch (e) {
			if (e instanceof BackupError) throw e;
			throw new BackupError('writeFailed', {
				file: recordsPath,
				reason: /** @type {Error} */ (e).message,
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
				sha256: hash.digest('hex'),
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
		// Trust nothing just written: read it back through the same path a restore takes, as a stream, and
		// compare what every record holds with what was written (one digest over all of them).
		const expected = content.digest('hex');
		/** @type {string | null} */
		let back = null;
		const check = crypto.createHash('sha256');
		await openBackup(dir, { onRecord: (kv) => digestRecord(check, kv) });
		back = check.digest('hex');
		if (back !== expected) {
			const d = await compareStreams(
				async function* () {
					for await (const kv of recordsOf(state)) if (keepAgain(kv)) yield kv;
				},
				async function* () {
					for await (const { line } of recordLines(recordsPath, crypto.createHash('sha256')))
						yield parseRecord(line);
				},
			);
			throw new BackupError('verifyMismatch', {
				missing: d.missing,
				different: d.different,
				first: d.first ?? '-',
			});
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
 * Opens and checks a backup as a stream: manifest format, then one pass over kvs.jsonl for its sha256, its
 * record count and every record well-formed (`onRecord` sees each one, e.g. for the restore proof). Nothing
 * is returned unless all of it holds, so a restore never starts from a damaged backup; memory follows the
 * largest record, not the backup.
 * @param {string} dir
 * @param {{ onRecord?: (kv: KeyValue) => void }} [opts]
 * @returns {Promise<OpenedBackup>}
 */
export async function openBackup(dir, opts = {}) {
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
	const hash = crypto.createHash('sha256');
	let count = 0;
	let largestValueBytes = 0;
	/** @type {BackupError | null} */
	let firstBad = null;
	for await (const { line, lineNo } of recordLines(recordsPath, hash)) {
		/** @type {KeyValue} */
		let kv;
		try {
			kv = parseRecord(line);
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
		if (kv.value.length > largestValueBytes) largestValueBytes = kv.value.length;
		opts.onRecord?.(kv);
	}
	const actual = hash.digest('hex');
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
			const again = crypto.createHash('sha256');
			for await (const { line } of recordLines(recordsPath, again)) yield parseRecord(line);
			const now = again.digest('hex');
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
 * The non-empty lines of a records file, read in chunks (lines of a 1.5 MiB value are ~2 MiB); every byte
 * goes through `hash`.
 * @param {string} file @param {import('node:crypto').Hash} hash
 * @returns {AsyncGenerator<{ line: string, lineNo: number }>}
 */
async function* recordLines(file, hash) {
	/** @type {Buffer | null} */
	let rest = null;
	let lineNo = 0;
	for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 })) {
		const data = /** @type {Buffer} */ (chunk);
		hash.update(data);
		const buf = /** @type {Buffer} */ (rest ? Buffer.concat([rest, data]) : data);
		let start = 0;
		for (;;) {
			const end = buf.indexOf(0x0a, start);
			if (end === -1) break;
			lineNo++;
			const line = buf.toString('utf8', start, end);
			start = end + 1;
			if (line.trim() !== '') yield { line, lineNo };
		}
		rest = start < buf.length ? Buffer.from(buf.subarray(start)) : null;
	}
	if (rest) {
		const line = rest.toString('utf8');
		if (line.trim() !== '') yield { line, lineNo: lineNo + 1 };
	}
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
