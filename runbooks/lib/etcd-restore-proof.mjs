// @ts-check
// Proof, before anything is deleted, that a backup can be written back: readBackup has checked the manifest,
// the sha256 and the record count; this adds what only a restore would find out too late — an empty backup
// (an empty `key` bucket reads as zero keys, and restoring it "succeeds") and a record that the target etcd
// would refuse because key and value together exceed its --max-request-bytes.
import { DEFAULT_MAX_REQUEST_BYTES, fitsOneRequest } from './etcd-http.mjs';

/** @type {import('./i18n.mjs').Messages} */
export const PROOF_MESSAGES = {
	en: {
		proofEmpty:
			'the backup holds no keys (the db copy has an empty key bucket, or every key was left out): restoring it would bring back an empty etcd',
		proofTooBig:
			'{count} record(s) cannot be restored: {key} holds {bytes} bytes, more than etcd accepts in one request (--max-request-bytes {limit}); if your etcd runs with a higher --max-request-bytes, pass the same value',
		proofLargest:
			'the manifest says the largest value has {manifest} bytes, the records have {actual}: the backup does not match its manifest',
		proofOk:
			'backup can be restored: {count} keys, checksum and count match the manifest, largest value {largest} bytes (limit {limit})',
	},
	id: {
		proofEmpty:
			'backup tidak berisi key (bucket key di salinan db kosong, atau semua key tidak diikutkan): memulihkannya hanya menghasilkan etcd kosong',
		proofTooBig:
			'{count} record tidak bisa dipulihkan: {key} berisi {bytes} byte, lebih dari yang diterima etcd dalam satu request (--max-request-bytes {limit}); kalau etcd Anda berjalan dengan --max-request-bytes yang lebih tinggi, pakai nilai yang sama',
		proofLargest:
			'manifest mencatat value terbesar {manifest} byte, sedangkan record-nya {actual} byte: backup tidak cocok dengan manifest-nya',
		proofOk:
			'backup bisa dipulihkan: {count} key, checksum dan jumlah cocok dengan manifest, value terbesar {largest} byte (batas {limit})',
	},
};

/**
 * @typedef {object} Proof
 * @property {boolean} ok
 * @property {Array<{ key: string, vars: Record<string, string | number> }>} problems  PROOF_MESSAGES keys
 * @property {number} count
 * @property {number} largestValueBytes
 * @property {string | null} largestKey
 */

/**
 * The proof, one record at a time (`add`), so it runs while a backup is read as a stream.
 * @param {{ maxRequestBytes?: number }} [opts]
 */
export function restoreProof(opts = {}) {
	const limit = opts.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES;
	let count = 0;
	let largest = 0;
	/** @type {string | null} */
	let largestKey = null;
	let tooBig = 0;
	/** @type {{ key: Buffer, bytes: number } | null} */
	let firstTooBig = null;
	return {
		/** @param {{ key: Buffer, value: Buffer }} kv */
		add(kv) {
			count++;
			if (kv.value.length > largest || largestKey === null) {
				largest = kv.value.length;
				largestKey = kv.key.toString('utf8');
			}
			if (!fitsOneRequest(kv.key.length, kv.value.length, limit)) {
				tooBig++;
				firstTooBig ??= {
					key: Buffer.from(kv.key.subarray(0, 480)),
					bytes: kv.key.length + kv.value.length,
				};
			}
		},
		/** @param {any} manifest @returns {Proof} */
		result(manifest) {
			/** @type {Proof['problems']} */
			const problems = [];
			if (count === 0) problems.push({ key: 'proofEmpty', vars: {} });
			const first = /** @type {{ key: Buffer, bytes: number } | null} */ (firstTooBig);
			if (first)
				problems.push({
					key: 'proofTooBig',
					vars: {
						count: tooBig,
						key: first.key.toString('utf8').slice(0, 120),
						bytes: first.bytes,
						limit,
					},
				});
			// Older backups have no largestValueBytes: the records above are the answer then.
			const recorded = manifest?.largestValueBytes ?? manifest?.records?.largestValueBytes;
			if (typeof recorded === 'number' && recorded !== largest)
				problems.push({ key: 'proofLargest', vars: { manifest: recorded, actual: largest } });
			return { ok: problems.length === 0, problems, count, largestValueBytes: largest, largestKey };
		},
	};
}

/**
 * @param {{ manifest: any, kvs: Iterable<{ key: Buffer, value: Buffer }> }} backup  what readBackup returned
 * @param {{ maxRequestBytes?: number }} [opts]
 * @returns {Proof}
 */
export function proveRestorable(backup, opts = {}) {
	const proof = restoreProof(opts);
	for (const kv of backup.kvs) proof.add(kv);
	return proof.result(backup.manifest);
}
