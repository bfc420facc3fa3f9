// @ts-check
// Replays committed raft entries from the WAL on top of the key space read from a db file, with etcd 3.4's
// apply semantics (etcdserver/apply.go, mvcc/kvstore_txn.go, lease/lessor.go):
// - an entry whose index is <= the db's consistent_index is already in the db and is skipped;
// - each write transaction that changes something takes revision current+1; a put keeps the key's create
//   revision and bumps its version, a put after a delete starts again at version 1;
// - put: ignore_value/ignore_lease need the key to exist, a lease must exist; otherwise the request fails and
//   changes nothing (as it failed for the client);
// - txn: every compare is evaluated on the state before the txn (range_end "\0" meaning every key >= key; a
//   value compare on no key is false), nested txns pick their branch on that same state, puts of the chosen
//   branch are checked first and a failed check fails the whole txn;
// - lease revoke deletes the keys attached to the lease in one revision; grants and revokes update the set of
//   leases that later puts may use;
// - a NOSPACE alarm makes puts, txns with puts and lease grants fail; a CORRUPT alarm makes everything fail.
// Auth (users, roles, permissions) is not modelled: Milvus does not enable etcd auth.

import { openBbolt } from './bbolt.mjs';
import { decodeMessage, decodeRequest, ProtoError, WalError } from './etcd-wal.mjs';

/** @typedef {import('./mvcc.mjs').KeyValue} KeyValue */
/** @typedef {import('./mvcc.mjs').MvccState} MvccState */
/** @typedef {import('./etcd-wal.mjs').Request} Request */
/** @typedef {import('./etcd-wal.mjs').Op} Op */
/** @typedef {import('./etcd-wal.mjs').TxnOp} TxnOp */
/** @typedef {import('./etcd-wal.mjs').Compare} Compare */

const MAX_LEASE_TTL = 9_000_000_000n;
const ALARM = { NOSPACE: 1, CORRUPT: 2 };

/**
 * What of a db, besides the key space, the replay needs: leases, alarms and the member count.
 * @typedef {object} DbExtras
 * @property {Set<bigint>} leases
 * @property {Set<string>} alarms     "<memberId>:<alarm type>"
 * @property {number} members         entries of the `members` bucket (the cluster size etcd knows)
 */

/**
 * @param {string | Buffer} fileOrBuffer
 * @returns {DbExtras}
 */
export function readDbExtras(fileOrBuffer) {
	const db = openBbolt(fileOrBuffer);
	try {
		const buckets = new Set(db.buckets());
		/** @type {DbExtras} */
		const x = { leases: new Set(), alarms: new Set(), members: 0 };
		if (buckets.has('lease'))
			db.forEach(['lease'], (k) => {
				if (k.length === 8) x.leases.add(k.readBigInt64BE(0));
			});
		if (buckets.has('alarm'))
			db.forEach(['alarm'], (k) => {
				try {
					const m = decodeMessage(Buffer.from(k), { 1: 'v', 2: 'v' });
					x.alarms.add(`${m.get(1)?.[0] ?? 0n}:${m.get(2)?.[0] ?? 0n}`);
				} catch {
					// an alarm key etcd could not have written: ignored, as etcd's alarm store would fail to start
				}
			});
		if (buckets.has('members'))
			db.forEach(['members'], () => {
				x.members++;
			});
		return x;
	} finally {
		db.close();
	}
}

/**
 * @typedef {object} ReplayResult
 * @property {MvccState} state        the key space after the replay (same shape as the db's)
 * @property {number} entries         entries looked at (index above the db's consistent_index, up to `to`)
 * @property {number} writes          entries that changed the key space (each one revision)
 * @property {number} failed          requests that failed in etcd too (failed compares are not failures)
 * @property {number} skipped         v2, conf-change, no-op and other entries with no effect on keys
 * @property {{ puts: number, deletes: number, txns: number, leaseGrants: number, leaseRevokes: number, compactions: number }} counts
 */

/**
 * @param {MvccState} state   the db's key space (not changed)
 * @param {DbExtras} extras
 * @param {Map<bigint, import('./etcd-wal.mjs').RaftEntry>} entries   committed entries by index
 * @param {bigint} to         the last index to apply (the commit index)
 * @returns {ReplayResult}
 */
export function replay(state, extras, entries, to) {
	const from = state.consistentIndex ?? 0n;
	/** @type {Map<string, KeyValue>} */
	const live = new Map();
	for (const kv of state.kvs) live.set(kv.key.toString('latin1'), kv);
	const base = state.kvs.map((kv) => kv.key.toString('latin1'));
	/** @type {Set<string>} */
	const added = new Set();
	/** @type {Map<bigint, Set<string>>} */
	const byLease = new Map();
	for (const [id, kv] of live) if (kv.lease !== 0n) attach(byLease, kv.lease, id);
	let rev = state.revision > 1n ? state.revision : 1n;
	if (state.compactRevision !== null && state.compactRevision > rev) rev = state.compactRevision;
	let compactRev = state.compactRevision ?? -1n;
	const leases = new Set(extras.leases);
	const alarms = new Set(extras.alarms);
	/** @param {number} t */
	const alarmOn = (t) => [...alarms].some((a) => a.endsWith(`:${t}`));
	const counts = {
		puts: 0,
		deletes: 0,
		txns: 0,
		leaseGrants: 0,
		leaseRevokes: 0,
		compactions: 0,
	};
	let failed = 0;
	let skipped = 0;
	let writes = 0;
	let looked = 0;

	// ---- the write transaction: one revision for all its changes
	let changes = 0;
	/** @param {Buffer} key @param {Buffer} value @param {bigint} lease */
	const put = (key, value, lease) => {
		const id = key.toString('latin1');
		const old = live.get(id);
		const r = rev + 1n;
		if (old && old.lease !== 0n) detach(byLease, old.lease, id);
		live.set(id, {
			key: Buffer.from(key),
			value: Buffer.from(value),
			createRevision: old ? old.createRevision : r,
			modRevision: r,
			version: old ? old.version + 1n : 1n,
			lease,
		});
		if (!old) added.add(id);
		if (lease !== 0n) attach(byLease, lease, id);
		changes++;
	};
	/** @param {string} id */
	const del = (id) => {
		const old = live.get(id);
		if (!old) return;
		if (old.lease !== 0n) detach(byLease, old.lease, id);
		live.delete(id);
		changes++;
	};
	const end = () => {
		if (changes) {
			rev++;
			writes++;
		}
		changes = 0;
	};

	/**
	 * Live keys in [key, rangeEnd): rangeEnd null is the key alone, empty (or "\0") every key >= key.
	 * @param {Buffer} key @param {Buffer | null} rangeEnd
	 * @returns {string[]}
	 */
	const range = (key, rangeEnd) => {
		const start = key.toString('latin1');
		if (rangeEnd === null) return live.has(start) ? [start] : [];
		const stop =
			rangeEnd.length === 0 || (rangeEnd.length === 1 && rangeEnd[0] === 0)
				? null
				: rangeEnd.toString('latin1');
		/** @type {string[]} */
		const out = [];
		let lo = 0;
		let hi = base.length;
		while (lo < hi) {
			const mid = (lo + hi) >>> 1;
			if (/** @type {string} */ (base[mid]) < start) lo = mid + 1;
			else hi = mid;
		}
		for (let i = lo; i < base.length; i++) {
			const id = /** @type {string} */ (base[i]);
			if (stop !== null && id >= stop) break;
			if (live.has(id) && !added.has(id)) out.push(id);
		}
		for (const id of added)
			if (id >= start && (stop === null || id < stop) && live.has(id)) out.push(id);
		return out.sort();
	};

	/** @param {Compare} c */
	const compare = (c) => {
		const ids = range(c.key, c.rangeEnd);
		if (ids.length === 0) {
			if (c.target === 3) return false;
			return compareKv(c, null);
		}
		return ids.every((id) => compareKv(c, /** @type {KeyValue} */ (live.get(id))));
	};

	/**
	 * The branches a txn and its nested txns take, decided on the state before any of them writes.
	 * @typedef {{ ok: boolean, nested: Path[] }} Path
	 * @param {TxnOp} t @returns {Path}
	 */
	const pathOf = (t) => {
		const ok = t.compares.every(compare);
		const ops = ok ? t.success : t.failure;
		return {
			ok,
			nested: ops.filter((o) => o?.kind === 'txn').map((o) => pathOf(/** @type {TxnOp} */ (o))),
		};
	};
	/** @param {TxnOp} t @param {Path} p @param {(op: Op) => boolean} check */
	const checkPath = (t, p, check) => {
		let n = 0;
		for (const op of p.ok ? t.success : t.failure) {
			if (!op) continue;
			if (op.kind === 'txn') {
				if (!checkPath(op, /** @type {Path} */ (p.nested[n++]), check)) return false;
			} else if (!check(op)) return false;
		}
		return true;
	};
	/** @param {Op} op */
	const putAllowed = (op) => {
		if (op.kind !== 'put') return true;
		if ((op.ignoreValue || op.ignoreLease) && !live.has(op.key.toString('latin1'))) return false;
		return op.lease === 0n || leases.has(op.lease);
	};
	/** @param {Op} op */
	const rangeAllowed = (op) => {
		if (op.kind !== 'range' || op.revision <= 0n) return true;
		return op.revision <= rev && op.revision >= compactRev;
	};
	/** @param {Op} op */
	const applyPut = (op) => {
		if (op.kind !== 'put') return;
		const cur = live.get(op.key.toString('latin1'));
		// etcd panics on this inside a txn (the check ran on the state before it); leave the key as it is.
		if ((op.ignoreValue || op.ignoreLease) && !cur) return;
		put(
			op.key,
			op.ignoreValue && cur ? cur.value : op.value,
			op.ignoreLease && cur ? cur.lease : op.lease,
		);
	};
	/** @param {TxnOp} t @param {Path} p */
	const applyTxn = (t, p) => {
		let n = 0;
		for (const op of p.ok ? t.success : t.failure) {
			if (!op) continue;
			if (op.kind === 'put') applyPut(op);
			else if (op.kind === 'delete') for (const id of range(op.key, op.rangeEnd)) del(id);
			else if (op.kind === 'txn') applyTxn(op, /** @type {Path} */ (p.nested[n++]));
		}
	};

	for (let i = from + 1n; i <= to; i++) {
		const e = entries.get(i);
		if (!e)
			throw new WalError(
				`entry ${i} is missing from every WAL (the replay needs ${from + 1n}..${to})`,
			);
		looked++;
		if (e.type !== 0) {
			skipped++;
			continue;
		}
		/** @type {Request} */
		let r;
		try {
			r = decodeRequest(e.data);
		} catch (err) {
			if (err instanceof ProtoError) throw new WalError(`entry ${i}: ${err.message}`);
			throw err;
		}
		const corrupt = alarmOn(ALARM.CORRUPT);
		const capped = alarmOn(ALARM.NOSPACE);
		switch (r.kind) {
			case 'put': {
				counts.puts++;
				if (corrupt || capped || !putAllowed(r)) {
					failed++;
					break;
				}
				applyPut(r);
				end();
				break;
			}
			case 'delete': {
				counts.deletes++;
				if (corrupt) {
					failed++;
					break;
				}
				for (const id of range(r.key, r.rangeEnd)) del(id);
				end();
				break;
			}
			case 'txn': {
				counts.txns++;
				if (corrupt || (capped && hasPut(r))) {
					failed++;
					break;
				}
				const p = pathOf(r);
				if (!checkPath(r, p, putAllowed) || !checkPath(r, p, rangeAllowed)) {
					failed++;
					break;
				}
				applyTxn(r, p);
				end();
				break;
			}
			case 'compaction': {
				counts.compactions++;
				if (corrupt || r.revision <= compactRev || r.revision > rev) failed++;
				else compactRev = r.revision;
				break;
			}
			case 'leaseGrant': {
				counts.leaseGrants++;
				if (corrupt || capped || r.id === 0n || r.ttl > MAX_LEASE_TTL || leases.has(r.id)) failed++;
				else leases.add(r.id);
				break;
			}
			case 'leaseRevoke': {
				counts.leaseRevokes++;
				if (corrupt || !leases.has(r.id)) {
					failed++;
					break;
				}
				for (const id of [...(byLease.get(r.id) ?? [])].sort()) del(id);
				leases.delete(r.id);
				end();
				break;
			}
			case 'alarm': {
				const a = `${r.memberId}:${r.alarm}`;
				if (r.action === 1 && (r.alarm === ALARM.NOSPACE || r.alarm === ALARM.CORRUPT))
					alarms.add(a);
				else if (r.action === 2) alarms.delete(a);
				skipped++;
				break;
			}
			default:
				skipped++;
		}
	}

	const ids = [...live.keys()].sort();
	/** @type {KeyValue[]} */
	const kvs = ids.map((id) => /** @type {KeyValue} */ (live.get(id)));
	let leased = 0;
	for (const kv of kvs) if (kv.lease !== 0n) leased++;
	return {
		state: {
			...state,
			kvs,
			revision: rev,
			compactRevision: compactRev < 0n ? null : compactRev,
			consistentIndex: to > from ? to : from,
			stats: { ...state.stats, live: kvs.length, leased },
		},
		entries: looked,
		writes,
		failed,
		skipped,
		counts,
	};
}

/** @param {Map<bigint, Set<string>>} m @param {bigint} lease @param {string} id */
function attach(m, lease, id) {
	const s = m.get(lease);
	if (s) s.add(id);
	else m.set(lease, new Set([id]));
}
/** @param {Map<bigint, Set<string>>} m @param {bigint} lease @param {string} id */
function detach(m, lease, id) {
	m.get(lease)?.delete(id);
}

/** etcd's quota cost of a txn is above zero when any branch, at any depth, puts. @param {TxnOp} t @returns {boolean} */
function hasPut(t) {
	return [...t.success, ...t.failure].some(
		(o) => o?.kind === 'put' || (o?.kind === 'txn' && hasPut(o)),
	);
}

/**
 * etcd's compareKV: missing fields of the target union compare as zero / empty.
 * @param {Compare} c @param {KeyValue | null} kv
 */
function compareKv(c, kv) {
	let result = 0;
	/** @param {bigint} a @param {bigint} b */
	const cmp = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
	const want = (/** @type {number} */ field) => (c.union === field ? c.num : 0n);
	switch (c.target) {
		case 3: {
			const v = c.union === 7 ? c.value : Buffer.alloc(0);
			result = Buffer.compare(kv ? kv.value : Buffer.alloc(0), v);
			break;
		}
		case 1:
			result = cmp(kv ? kv.createRevision : 0n, want(5));
			break;
		case 2:
			result = cmp(kv ? kv.modRevision : 0n, want(6));
			break;
		case 0:
			result = cmp(kv ? kv.version : 0n, want(4));
			break;
		case 4:
			result = cmp(kv ? kv.lease : 0n, want(8));
			break;
		default:
			return true;
	}
	switch (c.result) {
		case 0:
			return result === 0;
		case 3:
			return result !== 0;
		case 1:
			return result > 0;
		case 2:
			return result < 0;
		default:
			return true;
	}
}
