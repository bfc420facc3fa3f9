// @ts-check
// etcd inside a container, reached with `docker exec <container> etcdctl …` (Milvus's docker-compose.yml
// publishes no etcd port): the part of the etcd HTTP client (etcd-http.mjs) that restore and compare need.
// Keys and values travel on stdin as Go-quoted strings inside `etcdctl txn`, so any bytes survive, including
// the NUL a range needs; reads come in pages at one revision, so a comparison never holds every key.
import { StepFailedError } from './exit.mjs';
import { parseJsonBig } from './etcd-members.mjs';
import {
	DEFAULT_MAX_REQUEST_BYTES,
	MAX_TXN_BYTES,
	MAX_TXN_OPS,
	txnOpBytes,
	txnRequestBytes,
} from './etcd-http.mjs';

/** @typedef {import('./runbook.mjs').Context} Context */
/** @typedef {{ key: Buffer, value: Buffer }} Pair */

/**
 * A Go double-quoted string (what etcdctl txn unquotes): printable ASCII as is, every other byte as \xNN.
 * @param {Buffer} b
 */
export function goQuote(b) {
	let s = '"';
	for (const x of b)
		s +=
			x >= 0x20 && x < 0x7f && x !== 0x22 && x !== 0x5c
				? String.fromCharCode(x)
				: `\\x${x.toString(16).padStart(2, '0')}`;
	return `${s}"`;
}

/**
 * Transactions of at most MAX_TXN_OPS puts and `limit` request bytes; a value too big to share one goes alone.
 * @param {Pair[]} items @param {number} limit
 */
function batchesOf(items, limit) {
	/** @type {Pair[][]} */
	const batches = [];
	/** @type {Pair[]} */
	let batch = [];
	let bytes = 0;
	for (const kv of items) {
		const cost = txnOpBytes(kv.key.length, kv.value.length);
		if (batch.length && (batch.length >= MAX_TXN_OPS || txnRequestBytes(bytes + cost) > limit)) {
			batches.push(batch);
			batch = [];
			bytes = 0;
		}
		batch.push(kv);
		bytes += cost;
	}
	if (batch.length) batches.push(batch);
	return batches;
}

/**
 * The client for `container`; a failed etcdctl is one line (message composeExecFailed of the runbook).
 * @param {Context} ctx @param {string} container
 */
export function dockerEtcd(ctx, container) {
	/** @param {string[]} args @param {string} [input] */
	const etcdctl = async (args, input) => {
		const r = await ctx.docker.run(
			['exec', ...(input === undefined ? [] : ['-i']), container, 'etcdctl', ...args],
			input === undefined ? { check: false } : { check: false, input },
		);
		if (!r.ok)
			throw new StepFailedError(
				ctx.t('composeExecFailed', {
					name: container,
					reason: (r.stderr || r.stdout).trim().split('\n')[0] ?? '',
				}),
			);
		return r.stdout;
	};
	/** @param {string[]} args @param {string} [input] */
	const json = async (args, input) => {
		const out = await etcdctl([...args, '-w', 'json'], input);
		try {
			return parseJsonBig(out);
		} catch {
			throw new StepFailedError(
				ctx.t('composeExecFailed', { name: container, reason: 'no JSON from etcdctl' }),
			);
		}
	};
	/** etcdctl txn reads compares, then success ops, then failure ops, each list ended by an empty line. @param {string[]} ops */
	const txn = (ops) => `\n${ops.join('\n')}\n\n\n`;
	return {
		endpoint: `docker exec ${container}`,
		async count() {
			// count is the size of the whole range whatever the limit (etcdctl 3.4 has no --count-only).
			return Number((await json(['get', '', '--from-key', '--limit=1', '--keys-only'])).count ?? 0);
		},
		/**
		 * One page of keys from `key` up to `rangeEnd` ([0]: to the end), as etcd-http's range returns it.
		 * @param {{ key: Buffer, rangeEnd?: Buffer, limit?: number, revision?: bigint }} q
		 */
		async range(q) {
			const flags = [
				...(q.limit ? [`--limit=${q.limit}`] : []),
				...(q.revision ? [`--rev=${q.revision}`] : []),
			];
			const end = q.rangeEnd ? ` ${goQuote(q.rangeEnd)}` : '';
			const r = await json(['txn'], txn([`get ${flags.join(' ')} -- ${goQuote(q.key)}${end}`]));
			const page = r.responses?.[0]?.Response?.ResponseRange ?? {};
			return {
				revision: BigInt(String(page.header?.revision ?? r.header?.revision ?? 0)),
				kvs: /** @type {any[]} */ (page.kvs ?? []).map((kv) => ({
					key: Buffer.from(String(kv.key ?? ''), 'base64'),
					value: Buffer.from(String(kv.value ?? ''), 'base64'),
				})),
				more: Boolean(page.more),
				count: Number(page.count ?? 0),
			};
		},
		/**
		 * @param {Pair[]} items
		 * @param {{ maxRequestBytes?: number, onBatch?: (done: number, total: number) => void }} [o]
		 */
		async txnBatches(items, o = {}) {
			const limit = Math.min(MAX_TXN_BYTES, o.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES);
			const batches = batchesOf(items, limit);
			let done = 0;
			for (const b of batches) {
				await etcdctl(
					['txn'],
					txn(b.map((kv) => `put -- ${goQuote(kv.key)} ${goQuote(kv.value)}`)),
				);
				done += b.length;
				o.onBatch?.(done, items.length);
			}
			return { batches: batches.length };
		},
	};
}
