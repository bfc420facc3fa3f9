// @ts-check
// A small client for etcd's v3 HTTP/JSON gateway (grpc-gateway, served on the client port since etcd 3.3).
// Why HTTP and not etcdctl: a restore of 100,000 keys must not start 100,000 processes, and the gateway works
// through `kubectl port-forward` or a docker-published port with nothing but Node's fetch.
// Byte fields are base64 and int64 fields come back as JSON strings (the gateway's JSON mapping of protobuf).

/** Raised for any failure talking to etcd: unreachable, HTTP error, or an error object from the gateway. */
export class EtcdHttpError extends Error {
	/** @param {string} message @param {{ status?: number, grpcCode?: number }} [info] */
	constructor(message, info = {}) {
		super(message);
		this.name = 'EtcdHttpError';
		this.status = info.status;
		this.grpcCode = info.grpcCode;
	}
}

/**
 * @typedef {object} RemoteKeyValue
 * @property {Buffer} key
 * @property {Buffer} value
 * @property {bigint} createRevision
 * @property {bigint} modRevision
 * @property {bigint} version
 * @property {bigint} lease
 */

/**
 * etcd's defaults: --max-txn-ops 128 and --max-request-bytes 1.5 MiB. Small keys share transactions of up to
 * MAX_TXN_BYTES; a value too big for that goes alone, up to what the server accepts in one request.
 */
export const MAX_TXN_OPS = 128;
export const MAX_TXN_BYTES = 1024 * 1024;
export const DEFAULT_MAX_REQUEST_BYTES = 1572864;

/** @param {number} n */
const varintLen = (n) => {
	let len = 1;
	for (let v = n; v >= 128; v = Math.floor(v / 128)) len++;
	return len;
};

/**
 * Encoded size of one put inside a transaction (a RequestOp wrapping a PutRequest), as etcd measures it.
 * @param {number} keyBytes @param {number} valueBytes @param {boolean} [leased]
 */
export function txnOpBytes(keyBytes, valueBytes, leased = false) {
	const put =
		1 + varintLen(keyBytes) + keyBytes + 1 + varintLen(valueBytes) + valueBytes + (leased ? 11 : 0);
	return 1 + varintLen(put) + put;
}

/**
 * What etcd compares with --max-request-bytes for a transaction whose operations encode to `opsBytes`: the
 * raft request (TxnRequest inside InternalRaftRequest, with a request header of id, user name and auth
 * revision at their largest), not the HTTP body. 64 bytes cover the header and the framing with room.
 * @param {number} opsBytes
 */
export function txnRequestBytes(opsBytes) {
	return opsBytes + 64;
}

/**
 * Whether one key with its value can be written at all under `maxRequestBytes` (alone in a request).
 * @param {number} keyBytes @param {number} valueBytes @param {number} [maxRequestBytes]
 */
export function fitsOneRequest(keyBytes, valueBytes, maxRequestBytes = DEFAULT_MAX_REQUEST_BYTES) {
	return txnRequestBytes(txnOpBytes(keyBytes, valueBytes)) <= maxRequestBytes;
}

/** @param {Buffer | string} b */
const b64 = (b) => (typeof b === 'string' ? Buffer.from(b) : b).toString('base64');
/** @param {unknown} s */
const big = (s) => (typeof s === 'string' || typeof s === 'number' ? BigInt(s) : 0n);

/**
 * The key after every key starting with `prefix` (etcd's clientv3.GetPrefixRangeEnd).
 * @param {Buffer} prefix
 */
export function prefixEnd(prefix) {
	const end = Buffer.from(prefix);
	for (let i = end.length - 1; i >= 0; i--) {
		if (/** @type {number} */ (end[i]) < 0xff) {
			end[i] = /** @type {number} */ (end[i]) + 1;
			return end.subarray(0, i + 1);
		}
	}
	return Buffer.from([0]); // all 0xff: no upper bound, "\0" means "to the end" in etcd
}

/** @param {any} raw @returns {RemoteKeyValue} */
function fromWire(raw) {
	return {
		key: Buffer.from(raw.key ?? '', 'base64'),
		value: Buffer.from(raw.value ?? '', 'base64'),
		createRevision: big(raw.create_revision),
		modRevision: big(raw.mod_revision),
		version: big(raw.version),
		lease: big(raw.lease),
	};
}

/**
 * @param {string} endpoint  e.g. http://127.0.0.1:2379
 * @param {{ timeoutMs?: number }} [opts]
 */
export function etcdHttp(endpoint, opts = {}) {
	let base;
	try {
		base = new URL(endpoint);
	} catch {
		throw new EtcdHttpError(`not a URL: ${endpoint}`);
	}
	if (base.protocol !== 'http:' && base.protocol !== 'https:')
		throw new EtcdHttpError(`endpoint must start with http:// or https://: ${endpoint}`);
	const timeoutMs = opts.timeoutMs ?? 30_000;
	const origin = base.origin;

	/**
	 * @param {string} path
	 * @param {unknown} [body]
	 * @returns {Promise<any>}
	 */
	async function call(path, body) {
		let res;
		try {
			res = await fetch(origin + path, {
				method: body === undefined ? 'GET' : 'POST',
				headers: body === undefined ? {} : { 'content-type': 'application/json' },
				body: body === undefined ? undefined : JSON.stringify(body),
				signal: AbortSignal.timeout(timeoutMs),
			});
		} catch (e) {
			const err = /** @type {any} */ (e);
			const why = err?.cause?.code ?? err?.cause?.message ?? err?.name ?? String(e);
			throw new EtcdHttpError(`cannot reach etcd at ${origin}${path}: ${why}`);
		}
		const text = await res.text();
		/** @type {any} */
		let json = null;
		try {
			json = text ? JSON.parse(text) : {};
		} catch {
			throw new EtcdHttpError(
				`etcd at ${origin} answered ${path} with HTTP ${res.status} and no JSON (is this etcd's client port?)`,
				{
					status: res.status,
				},
			);
		}
		if (
			!res.ok ||
			(json && typeof json.code === 'number' && json.code !== 0 && (json.error || json.message))
		) {
			const msg = json?.error ?? json?.message ?? `HTTP ${res.status}`;
			throw new EtcdHttpError(`etcd ${path}: ${msg}`, { status: res.status, grpcCode: json?.code });
		}
		return json;
	}

	/**
	 * @param {{ key: Buffer, rangeEnd?: Buffer, limit?: number, keysOnly?: boolean, countOnly?: boolean, revision?: bigint }} q
	 */
	async function range(q) {
		/** @type {Record<string, unknown>} */
		const body = { key: b64(q.key) };
		if (q.rangeEnd) body.range_end = b64(q.rangeEnd);
		if (q.limit) body.limit = String(q.limit);
		if (q.keysOnly) body.keys_only = true;
		if (q.countOnly) body.count_only = true;
		if (q.revision) body.revision = String(q.revision);
		const r = await call('/v3/kv/range', body);
		return {
			revision: big(r.header?.revision),
			kvs: /** @type {RemoteKeyValue[]} */ ((r.kvs ?? []).map(fromWire)),
			more: Boolean(r.more),
			count: Number(r.count ?? 0),
		};
	}

	return {
		endpoint: origin,
		call,
		range,

		/** Number of keys in the whole keyspace (or under `prefix`). @param {Buffer} [prefix] */
		async count(prefix) {
			const key = prefix && prefix.length ? prefix : Buffer.from([0]);
			const rangeEnd = prefix && prefix.length ? prefixEnd(prefix) : Buffer.from([0]);
			return (await range({ key, rangeEnd, countOnly: true })).count;
		},

		/**
		 * Every key (or every key under `prefix`), page by page at one revision so the listing is consistent.
		 * @param {{ prefix?: Buffer, pageSize?: number }} [o]
		 * @returns {Promise<{ revision: bigint, kvs: RemoteKeyValue[] }>}
		 */
		async getAll(o = {}) {
			const pageSize = o.pageSize ?? 1000;
			const end = o.prefix && o.prefix.length ? prefixEnd(o.prefix) : Buffer.from([0]);
			let key = o.prefix && o.prefix.length ? o.prefix : Buffer.from([0]);
			/** @type {RemoteKeyValue[]} */
			const out = [];
			/** @type {bigint | undefined} */
			let revision;
			for (;;) {
				const r = await range({ key, rangeEnd: end, limit: pageSize, revision });
				revision ??= r.revision;
				out.push(...r.kvs);
				if (!r.more || r.kvs.length === 0) break;
				// Next page starts right after the last key: append a zero byte.
				key = Buffer.concat([
					/** @type {RemoteKeyValue} */ (r.kvs[r.kvs.length - 1]).key,
					Buffer.from([0]),
				]);
			}
			return { revision: revision ?? 0n, kvs: out };
		},

		/** @param {Buffer | string} key @param {Buffer | string} value @param {bigint} [lease] */
		async put(key, value, lease) {
			/** @type {Record<string, unknown>} */
			const body = { key: b64(key), value: b64(value) };
			if (lease) body.lease = String(lease);
			return call('/v3/kv/put', body);
		},

		/** @param {Buffer | string} key @param {Buffer} [rangeEnd] */
		async deleteRange(key, rangeEnd) {
			/** @type {Record<string, unknown>} */
			const body = { key: b64(key) };
			if (rangeEnd) body.range_end = b64(rangeEnd);
			const r = await call('/v3/kv/deleterange', body);
			return Number(r.deleted ?? 0);
		},

		/**
		 * Runs puts (and deletes) as transactions of at most MAX_TXN_OPS operations and MAX_TXN_BYTES bytes; an
		 * operation bigger than that goes alone, refused only above `maxRequestBytes` (the server's flag).
		 * `concurrency` > 1 keeps several transactions in flight so etcd can share one fsync among them; only safe
		 * when no key appears twice in `ops` (their order across transactions is then irrelevant).
		 * @param {Array<{ key: Buffer, value?: Buffer, lease?: bigint, del?: boolean }>} ops
		 * @param {{ onBatch?: (done: number, total: number) => void, maxOps?: number, maxBytes?: number, maxRequestBytes?: number, concurrency?: number }} [o]
		 * @returns {Promise<{ batches: number }>}
		 */
		async txnBatches(ops, o = {}) {
			const maxOps = o.maxOps ?? MAX_TXN_OPS;
			const limit = o.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES;
			const budget = Math.min(o.maxBytes ?? MAX_TXN_BYTES, limit);
			/** @type {Array<{ body: unknown, end: number }>} */
			const batches = [];
			let i = 0;
			while (i < ops.length) {
				/** @type {unknown[]} */
				const success = [];
				let bytes = 0;
				while (i < ops.length && success.length < maxOps) {
					const op = /** @type {{ key: Buffer, value?: Buffer, lease?: bigint, del?: boolean }} */ (
						ops[i]
					);
					const size = txnOpBytes(op.key.length, op.value?.length ?? 0, Boolean(op.lease));
					// A big value goes in a transaction of its own, which may use the server's whole request limit.
					if (success.length > 0 && txnRequestBytes(bytes + size) > budget) break;
					if (txnRequestBytes(size) > limit)
						throw new EtcdHttpError(
							`key ${JSON.stringify(op.key.toString('latin1').slice(0, 80))} holds ${op.value?.length ?? 0} bytes, more than etcd accepts in one request (--max-request-bytes ${limit})`,
						);
					bytes += size;
					if (op.del) success.push({ request_delete_range: { key: b64(op.key) } });
					else {
						/** @type {Record<string, unknown>} */
						const put = { key: b64(op.key), value: b64(op.value ?? Buffer.alloc(0)) };
						if (op.lease) put.lease = String(op.lease);
						success.push({ request_put: put });
					}
					i++;
				}
				batches.push({ body: { compare: [], success, failure: [] }, end: i });
			}
			let next = 0;
			let done = 0;
			const worker = async () => {
				while (next < batches.length) {
					const b = /** @type {{ body: unknown, end: number }} */ (batches[next++]);
					const r = await call('/v3/kv/txn', b.body);
					if (r.succeeded !== true) throw new EtcdHttpError('etcd rejected a restore transaction');
					done++;
					o.onBatch?.(Math.min(b.end, ops.length), ops.length);
				}
			};
			const workers = Array.from(
				{ length: Math.max(1, Math.min(o.concurrency ?? 1, batches.length)) },
				worker,
			);
			await Promise.all(workers);
			return { batches: done };
		},

		/** @param {bigint | number} ttl @returns {Promise<bigint>} */
		async grantLease(ttl) {
			const r = await call('/v3/lease/grant', { TTL: String(ttl) });
			return big(r.ID);
		},

		/** `endpoint status`: cluster id, member id, revision, leader, db size. */
		async status() {
			const r = await call('/v3/maintenance/status', {});
			return {
				clusterId: big(r.header?.cluster_id),
				memberId: big(r.header?.member_id),
				revision: big(r.header?.revision),
				leader: big(r.leader),
				version: String(r.version ?? ''),
				dbSize: Number(r.dbSize ?? 0),
			};
		},

		/** @returns {Promise<Array<{ id: bigint, name: string, peerURLs: string[], clientURLs: string[] }>>} */
		async memberList() {
			const r = await call('/v3/cluster/member/list', {});
			return (r.members ?? []).map((/** @type {any} */ m) => ({
				id: big(m.ID),
				name: String(m.name ?? ''),
				peerURLs: m.peerURLs ?? [],
				clientURLs: m.clientURLs ?? [],
			}));
		},

		/** True when etcd's /health says so (needs a leader and a working quorum). */
		async healthy() {
			try {
				const r = await call('/health');
				return r.health === 'true' || r.health === true;
			} catch {
				return false;
			}
		},
	};
}

/** @typedef {ReturnType<typeof etcdHttp>} EtcdHttp */
