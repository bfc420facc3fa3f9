// @ts-check
// The protobuf varint reader shared by the WAL reader (etcd-wal.mjs) and the bbolt value decoder (mvcc.mjs).

/**
 * Reads a varint at `pos`; returns [value, nextPos]. `signed`: the value is an int64 (two's complement in 10
 * bytes when negative); otherwise a uint64. Errors are made by `fail` so each reader throws its own class.
 * @param {Buffer} b @param {number} pos @param {boolean} signed
 * @param {(message: string) => Error} fail
 * @returns {[bigint, number]}
 */
export function readVarint(b, pos, signed, fail) {
	// Fast path in doubles for up to 7 bytes (49 bits), the common case for revisions, versions and lengths.
	let n = 0;
	let mul = 1;
	for (let i = 0; i < 7; i++) {
		if (pos + i >= b.length) throw fail('truncated varint');
		const byte = /** @type {number} */ (b[pos + i]);
		n += (byte & 0x7f) * mul;
		if (byte < 0x80) return [BigInt(n), pos + i + 1];
		mul *= 128;
	}
	let v = BigInt(n);
	let shift = 49n;
	for (let i = 7; i < 10; i++) {
		if (pos + i >= b.length) throw fail('truncated varint');
		const byte = /** @type {number} */ (b[pos + i]);
		v |= BigInt(byte & 0x7f) << shift;
		if (byte < 0x80) return [signed ? BigInt.asIntN(64, v) : BigInt.asUintN(64, v), pos + i + 1];
		shift += 7n;
	}
	throw fail('varint longer than 10 bytes');
}
