// @ts-check
// Milvus API error codes: the legacy `common.ErrorCode` enum (Status.error_code) and the numeric `code`
// of Milvus 2.3+ (merr), each with its meaning and the next step, in English and Indonesian. Pure ESM,
// shared by runbooks/api-errors.mjs and the site.
// Sources: milvus-io/milvus-proto proto/common.proto (ErrorCode); milvus-io/milvus pkg/util/merr/errors.go.

/**
 * @typedef {object} CodeInfo
 * @property {number} code
 * @property {string} name
 * @property {{ en: string, id: string }} meaning
 * @property {{ en: string, id: string }} next
 */

/** @param {number} code @param {string} name @param {string} mEn @param {string} mId @param {string} nEn @param {string} nId @returns {CodeInfo} */
const c = (code, name, mEn, mId, nEn, nId) => ({
	code,
	name,
	meaning: { en: mEn, id: mId },
	next: { en: nEn, id: nId },
});

/** @type {[string, string]} */
const CHECK_LOGS = [
	'Read the proxy log around the time of the call.',
	'Baca log proxy di sekitar waktu panggilan itu.',
];

/** Milvus 2.3+ `code` (merr). */
/** @type {ReadonlyMap<number, CodeInfo>} */
export const MERR = new Map(
	[
		c(
			1,
			'ServiceNotReady',
			'service not ready',
			'service belum siap',
			'Wait until /healthz on 9091 returns OK; if it never does, run the boot runbook.',
			'Tunggu sampai /healthz di 9091 mengembalikan OK; kalau tidak pernah, jalankan runbook boot.',
		),
		c(
			2,
			'ServiceUnavailable',
			'service unavailable',
			'service tidak tersedia',
			'Check that the proxy and coordinators are running (/healthz on 9091).',
			'Periksa apakah proxy dan coordinator berjalan (/healthz di 9091).',
		),
		c(
			3,
			'MemoryLimitExceeded',
			'memory limit exceeded',
			'batas memori terlampaui',
			'Release unused collections or add query node memory.',
			'Release collection yang tidak dipakai atau tambah memori query node.',
		),
		c(
			8,
			'RateLimitExceeded',
			'rate limit exceeded',
			'rate limit terlampaui',
			'Slow down the client or raise quotaAndLimits in milvus.yaml.',
			'Kurangi laju klien, atau naikkan quotaAndLimits di milvus.yaml.',
		),
		c(
			9,
			'QuotaExceeded',
			'quota exceeded',
			'kuota terlampaui',
			'Free space or raise the quota in quotaAndLimits; writes are denied until then.',
			'Kosongkan ruang atau naikkan kuota di quotaAndLimits; write ditolak sampai itu dilakukan.',
		),
		c(
			10,
			'ServiceUnimplemented',
			'service unimplemented',
			'service belum diimplementasikan',
			'The server is older than the SDK: run the runtime-compat runbook.',
			'Server lebih lama dari SDK: jalankan runbook runtime-compat.',
		),
		c(
			100,
			'CollectionNotFound',
			'collection not found',
			'collection tidak ditemukan',
			'Check the collection name and the database (db_name); list them with list_collections.',
			'Periksa nama collection dan database-nya (db_name). Lihat daftarnya dengan list_collections.',
		),
		c(
			101,
			'CollectionNotLoaded',
			'collection not loaded',
			'collection belum dimuat (load)',
			'Call load_collection, wait until it is loaded, then search or query again.',
			'Panggil load_collection, tunggu sampai selesai, lalu ulangi search atau query.',
		),
		c(
			103,
			'CollectionNotFullyLoaded',
			'collection not fully loaded',
			'load collection belum selesai',
			'Wait for the load progress to reach 100% (get_load_state).',
			'Tunggu progress load sampai 100% (get_load_state).',
		),
		c(
			104,
			'CollectionAlreadyLoaded',
			'collection already loaded',
			'collection sudah dimuat (load)',
			'Nothing to do, or release it first to load with other options.',
			'Tidak perlu apa-apa, atau release dulu kalau mau load dengan opsi lain.',
		),
		c(
			200,
			'PartitionNotFound',
			'partition not found',
			'partition tidak ditemukan',
			'Check the partition name with list_partitions.',
			'Periksa nama partition dengan list_partitions.',
		),
		c(
			201,
			'PartitionNotLoaded',
			'partition not loaded',
			'partition belum dimuat (load)',
			'Load the partition (load_partitions) before searching it.',
			'Jalankan load untuk partition-nya (load_partitions) sebelum search.',
		),
		c(
			401,
			'ReplicaNotAvailable',
			'replica not available',
			'replika tidak tersedia',
			'Check the querynode pods; then release and load the collection again.',
			'Periksa pod querynode, lalu release dan load ulang collection-nya.',
		),
		c(
			700,
			'IndexNotFound',
			'index not found',
			'index tidak ditemukan',
			'Create an index on the vector field (create_index) before loading.',
			'Buat index di field vektor (create_index) sebelum load.',
		),
		c(
			800,
			'DatabaseNotFound',
			'database not found',
			'database tidak ditemukan',
			'Create the database or fix db_name in the connection.',
			'Buat database-nya atau perbaiki db_name di koneksi.',
		),
		c(
			1100,
			'ParameterInvalid',
			'invalid parameter',
			'parameter tidak valid',
			'The message names the parameter and what was expected: fix the call.',
			'Pesannya menyebut parameter dan nilai yang diharapkan. Perbaiki panggilannya.',
		),
		c(
			1400,
			'NotAuthenticated',
			'not authenticated',
			'belum terautentikasi',
			'Pass the right user/password or token (authorizationEnabled is on).',
			'Kirim user/password atau token yang benar (authorizationEnabled aktif).',
		),
		c(
			1401,
			'PrivilegeNotPermitted',
			'privilege not permitted',
			'privilege tidak diizinkan',
			"Grant the user's role the privilege this call needs.",
			'Berikan privilege yang dibutuhkan panggilan ini ke role user tersebut.',
		),
		c(
			1700,
			'FieldNotFound',
			'field not found',
			'field tidak ditemukan',
			'Compare the field names in the call with describe_collection.',
			'Cocokkan nama field di panggilan dengan describe_collection.',
		),
		c(
			10000,
			'Canceled',
			'canceled',
			'dibatalkan',
			'The call was cancelled (client timeout or shutdown); retry it.',
			'Panggilan dibatalkan (timeout klien atau shutdown). Ulangi panggilannya.',
		),
		c(
			10001,
			'Timeout',
			'timeout',
			'timeout',
			'Raise the client timeout, or find the slow node in the logs.',
			'Naikkan timeout di klien, atau cari node yang lambat di log.',
		),
		c(
			65535,
			'UnexpectedError',
			'unexpected error (catch-all)',
			'error tak terduga (umum)',
			`The message text is the clue. ${CHECK_LOGS[0]}`,
			`Isi pesannya yang menjadi petunjuk. ${CHECK_LOGS[1]}`,
		),
	].map((i) => [i.code, i]),
);

/** Legacy `common.ErrorCode` (Status.error_code; pymilvus before 2.3 shows it as `code`). */
/** @type {ReadonlyMap<number, CodeInfo>} */
export const LEGACY = new Map(
	[
		c(0, 'Success', 'success', 'sukses', 'Nothing to fix.', 'Tidak ada yang perlu diperbaiki.'),
		c(
			1,
			'UnexpectedError',
			'unexpected error (the message says what)',
			'error tak terduga (pesannya menjelaskan)',
			CHECK_LOGS[0],
			CHECK_LOGS[1],
		),
		c(
			2,
			'ConnectFailed',
			'connection failed',
			'koneksi gagal',
			'Check host, port 19530 and that Milvus is up.',
			'Periksa host dan port 19530, dan pastikan Milvus berjalan.',
		),
		c(
			3,
			'PermissionDenied',
			'permission denied',
			'izin ditolak',
			"Check the user's role and privileges.",
			'Periksa role dan privilege user-nya.',
		),
		c(
			4,
			'CollectionNotExists',
			'collection does not exist',
			'collection tidak ada',
			'Check the collection name and the database.',
			'Periksa nama collection dan database-nya.',
		),
		c(
			5,
			'IllegalArgument',
			'illegal argument',
			'argumen tidak valid',
			'Fix the argument the message names.',
			'Perbaiki argumen yang disebut di pesan.',
		),
		c(
			25,
			'IndexNotExist',
			'index does not exist',
			'index tidak ada',
			'Create the index before loading.',
			'Buat index sebelum load.',
		),
		c(
			45,
			'NotShardLeader',
			'not shard leader',
			'bukan shard leader',
			'Transient during query node changes; retry, and check the querynode pods if it persists.',
			'Hanya sementara, selama query node berubah. Ulangi, dan periksa pod querynode kalau terus terjadi.',
		),
		c(
			46,
			'NoReplicaAvailable',
			'no replica available',
			'tidak ada replika',
			'Check the querynode pods; then release and load the collection again.',
			'Periksa pod querynode, lalu release dan load ulang collection-nya.',
		),
		c(
			48,
			'ForceDeny',
			'denied by the quota center (force deny)',
			'ditolak quota center (force deny)',
			'Writes or reads are switched off in quotaAndLimits; check the force-deny settings.',
			'Write atau read dimatikan di quotaAndLimits. Periksa setelan force deny.',
		),
		c(
			49,
			'RateLimit',
			'rate limited',
			'kena rate limit',
			'Slow down the client or raise the rates in quotaAndLimits.',
			'Kurangi laju klien, atau naikkan rate di quotaAndLimits.',
		),
		c(
			53,
			'MemoryQuotaExhausted',
			'memory quota exhausted',
			'kuota memori habis',
			'Release collections or add memory; writes are denied meanwhile.',
			'Release collection atau tambah memori; write ditolak selama itu.',
		),
		c(
			54,
			'DiskQuotaExhausted',
			'disk quota exhausted',
			'kuota disk habis',
			'Free disk or raise diskProtection quotas; writes are denied meanwhile.',
			'Kosongkan disk atau naikkan kuota diskProtection; write ditolak selama itu.',
		),
	].map((i) => [i.code, i]),
);

/** @type {ReadonlyMap<string, CodeInfo>} */
export const LEGACY_BY_NAME = new Map([...LEGACY.values()].map((i) => [i.name, i]));

/**
 * @typedef {object} CodeReading
 * @property {number | null} code           the number found, if any
 * @property {string | null} name           a legacy enum name found, if any
 * @property {CodeInfo[]} meanings          candidates, most likely first
 * @property {'2.3+'|'legacy'|'either'|null} generation
 */

/**
 * Read the error code out of an error text: `code=101`, `(code=4, …)`, `error_code: 'CollectionNotExists'`,
 * `ErrorCode.IllegalArgument`, `"code": 1100`, or a bare number. Codes 100 and above are 2.3+; codes
 * both tables define (1, 2, 3) are ambiguous unless a legacy name or the message settles it.
 * @param {string} text
 * @returns {CodeReading}
 */
export function readCode(text) {
	const s = String(text);
	const nameMatch = /\b(?:error_code|ErrorCode)['"]?\s*[:=.]\s*['"]?([A-Z][A-Za-z]+)/.exec(s);
	const name =
		nameMatch && LEGACY_BY_NAME.has(/** @type {string} */ (nameMatch[1]))
			? /** @type {string} */ (nameMatch[1])
			: null;
	const numMatch =
		/\b(?:code|status_code|errorCode)['"]?\s*[:=]\s*(\d+)\b/i.exec(s) ?? /^\s*(\d+)\s*$/.exec(s);
	const code = numMatch ? Number(numMatch[1]) : null;
	if (name) {
		const info = /** @type {CodeInfo} */ (LEGACY_BY_NAME.get(name));
		return { code: code ?? info.code, name, meanings: [info], generation: 'legacy' };
	}
	if (code === null) return { code: null, name: null, meanings: [], generation: null };
	const merr = MERR.get(code);
	const legacy = LEGACY.get(code);
	if (merr && legacy) return { code, name: null, meanings: [merr, legacy], generation: 'either' };
	if (merr) return { code, name: null, meanings: [merr], generation: '2.3+' };
	if (legacy) return { code, name: null, meanings: [legacy], generation: 'legacy' };
	return { code, name: null, meanings: [], generation: code >= 100 ? '2.3+' : null };
}
