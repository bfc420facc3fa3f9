// @ts-check
// Milvus API error codes: the legacy `common.ErrorCode` enum (Status.error_code) and the numeric `code`
// of Milvus 2.3+ (merr), each with its meaning and the next step, in English and Indonesian, whether the
// server marks it retriable, and the symptom page it belongs to. Pure ESM, shared by
// runbooks/api-errors.mjs and the site.
// Sources: milvus-io/milvus-proto proto/common.proto (ErrorCode); milvus-io/milvus pkg/util/merr/errors.go
// as on the master branch after 2.6 (the newest version, a superset of the 2.5 and 2.6 branches' codes:
// it ends with 2500 KMS key revoked and 3001 old session exists). Where an older release used a code for
// something else (2.5 put the segcore folly errors on 2200/2201), the meaning says so. A merr entry's name
// is its errors.go identifier without the Err prefix (the unexported catch-all is UnexpectedError); its
// `topic` names the symptom page that explains it instead of the api-errors page.

/** @typedef {import('./symptoms.mjs').SymptomId} SymptomId */

import { SYMPTOM_IDS } from './symptoms.mjs';
import { tx } from './i18n.mjs';

/** Topics whose page exists: their codes are explained there, no longer on the api-errors page. */
const LIVE_PAGES = new Set(/** @type {readonly string[]} */ (SYMPTOM_IDS));

/** The page a code belongs to: its explicit page, else its topic once that page exists. @param {Placement} o @returns {SymptomId} */
const placePage = (o) =>
	o.page ??
	(o.topic && LIVE_PAGES.has(o.topic) ? /** @type {SymptomId} */ (o.topic) : 'api-errors');

/**
 * The Milvus-side symptom pages that explain codes in place of the api-errors page.
 * @typedef {'write-denied'|'channel-unavailable'|'querynode-oom'|'object-storage'|'upgrade-2-6'} Topic
 */

/**
 * @typedef {object} CodeInfo
 * @property {number} code
 * @property {string} name
 * @property {{ en: string, id: string }} meaning
 * @property {{ en: string, id: string }} next
 * @property {boolean | null} retriable  the server's own flag (merr); null where it sets none (legacy, 10000, 10001)
 * @property {SymptomId} page           the symptom page that explains it
 * @property {Topic | null} topic        the symptom page that explains it instead of api-errors, if any
 */

/**
 * @typedef {object} Placement
 * @property {boolean | null} [retriable]
 * @property {SymptomId} [page]
 * @property {Topic} [topic]
 */

/** @param {number} code @param {string} name @param {string} mEn @param {string} mId @param {string} nEn @param {string} nId @param {Placement} [o] @returns {CodeInfo} */
const c = (code, name, mEn, mId, nEn, nId, o = {}) => ({
	code,
	name,
	meaning: { en: mEn, id: mId },
	next: { en: nEn, id: nId },
	retriable: o.retriable ?? null,
	page: placePage(o),
	topic: o.topic ?? null,
});

/** A merr code: the retriable flag comes first because errors.go always sets it. @param {number} code @param {string} name @param {boolean} retriable @param {{ en: string, id: string }} meaning @param {{ en: string, id: string }} next @param {Omit<Placement, 'retriable'>} [o] @returns {CodeInfo} */
const m = (code, name, retriable, meaning, next, o = {}) => ({
	code,
	name,
	meaning,
	next,
	retriable,
	page: placePage(o),
	topic: o.topic ?? null,
});

/** @type {[string, string]} */
const CHECK_LOGS = [
	'Read the proxy log around the time of the call.',
	'Baca log proxy di sekitar waktu panggilan itu.',
];

// Errors Milvus components return to each other; a client sees them wrapped in a failed call.
const INTERNAL = tx(
	'Read the log of the component the message names (querycoord, datacoord, querynode, datanode) around the time of the call; if it keeps happening, report it with that log.',
	'Baca log komponen yang disebut pesannya (querycoord, datacoord, querynode, datanode) di sekitar waktu panggilan itu. Kalau terus terjadi, laporkan bersama log tersebut.',
);
const QUERYNODES = tx(
	'Check the querynode pods (kubectl get pods: Running, no recent restarts or OOMKilled); then release and load the collection again.',
	'Periksa pod querynode (kubectl get pods: Running, tanpa restart atau OOMKilled baru-baru ini), lalu release dan load ulang collection-nya.',
);
const CHANNELS = tx(
	'A shard (channel) has no serving query node yet: check the querynode and streaming/datanode pods, wait for the collection to recover, then call again.',
	'Sebuah shard (channel) belum dilayani query node: periksa pod querynode dan streaming/datanode, tunggu sampai collection pulih, lalu ulangi panggilannya.',
);
const STORAGE = tx(
	'Check the object storage (MinIO/S3): is it up, do the bucket, credentials and minio.* settings in milvus.yaml match, is it out of space?',
	'Periksa object storage (MinIO/S3): apakah berjalan, apakah bucket, kredensial, dan setelan minio.* di milvus.yaml cocok, apakah ruangnya habis?',
);
const FIX_CALL = tx(
	'The message names what was wrong: fix the request and send it again.',
	'Pesannya menyebut apa yang salah: perbaiki request-nya lalu kirim lagi.',
);
const COMPACTION = tx(
	'Compaction is a background job of datacoord and datanode; it retries on its own. Read the datacoord log if it keeps failing.',
	'Compaction adalah pekerjaan latar belakang datacoord dan datanode, dan dicoba lagi secara otomatis. Baca log datacoord kalau terus gagal.',
);
const REPLICATE = tx(
	'Only Milvus CDC (cross-cluster replication) meets this: check the CDC setup and which cluster is primary.',
	'Hanya Milvus CDC (replikasi antar-cluster) yang mengalami ini: periksa setup CDC dan cluster mana yang primary.',
);
const SEGCORE = tx(
	'An error inside the C++ engine (segcore/knowhere) of a querynode or datanode: read that pod log around the time of the call.',
	'Error di dalam engine C++ (segcore/knowhere) pada querynode atau datanode: baca log pod tersebut di sekitar waktu panggilan itu.',
);

/** Milvus 2.3+ `code` (merr), every code errors.go defines. */
/** @type {ReadonlyMap<number, CodeInfo>} */
export const MERR = new Map(
	[
		// Service
		m(
			1,
			'ServiceNotReady',
			true,
			tx('service not ready (still starting)', 'service belum siap (masih dalam proses boot)'),
			tx(
				'Wait until /healthz on 9091 returns OK; if it never does, run the boot runbook.',
				'Tunggu sampai /healthz di 9091 mengembalikan OK; kalau tidak pernah, jalankan runbook boot.',
			),
			{ page: 'boot' },
		),
		m(
			2,
			'ServiceUnavailable',
			true,
			tx('service unavailable', 'service tidak tersedia'),
			tx(
				'Check that the proxy and coordinators are running (/healthz on 9091).',
				'Periksa apakah proxy dan coordinator berjalan (/healthz di 9091).',
			),
			{ page: 'boot' },
		),
		m(
			3,
			'ServiceMemoryLimitExceeded',
			false,
			tx('memory limit exceeded', 'batas memori terlampaui'),
			tx(
				'Release unused collections or add query node memory.',
				'Release collection yang tidak dipakai atau tambah memori query node.',
			),
			{ topic: 'querynode-oom' },
		),
		m(
			4,
			'ServiceTooManyRequests',
			true,
			tx(
				'too many concurrent requests, queue is full (2.5: request limit exceeded)',
				'terlalu banyak request bersamaan, antrean penuh (2.5: request limit exceeded)',
			),
			tx(
				'Retry with backoff and lower the client concurrency.',
				'Coba lagi dengan jeda, dan kurangi jumlah request bersamaan dari klien.',
			),
		),
		m(
			5,
			'ServiceInternal',
			false,
			tx('service internal error', 'error internal service'),
			INTERNAL,
		),
		m(
			6,
			'ServiceCrossClusterRouting',
			false,
			tx(
				'the request reached a node of another cluster',
				'request sampai ke node milik cluster lain',
			),
			tx(
				'Two Milvus clusters share one etcd rootPath or one node address: give each cluster its own etcd.rootPath (msgChannel prefix) and check the service addresses.',
				'Dua cluster Milvus memakai etcd rootPath atau alamat node yang sama: beri setiap cluster etcd.rootPath (prefix msgChannel) sendiri dan periksa alamat service-nya.',
			),
		),
		m(
			7,
			'ServiceDiskLimitExceeded',
			false,
			tx('disk limit exceeded', 'batas disk terlampaui'),
			tx(
				'Free local disk on the querynode/datanode or raise the disk quota; writes are denied meanwhile.',
				'Kosongkan disk lokal di querynode/datanode atau naikkan kuota disk; write ditolak selama itu.',
			),
			{ topic: 'write-denied' },
		),
		m(
			8,
			'ServiceRateLimit',
			true,
			tx('rate limit exceeded', 'rate limit terlampaui'),
			tx(
				'Slow down the client or raise quotaAndLimits in milvus.yaml.',
				'Kurangi laju klien, atau naikkan quotaAndLimits di milvus.yaml.',
			),
			{ topic: 'write-denied' },
		),
		m(
			9,
			'ServiceQuotaExceeded',
			false,
			tx('quota exceeded', 'kuota terlampaui'),
			tx(
				'Free space or raise the quota in quotaAndLimits; writes are denied until then.',
				'Kosongkan ruang atau naikkan kuota di quotaAndLimits; write ditolak sampai itu dilakukan.',
			),
			{ topic: 'write-denied' },
		),
		m(
			10,
			'ServiceUnimplemented',
			false,
			tx('service unimplemented', 'service belum diimplementasikan'),
			tx(
				'The server is older than the SDK: run the runtime-compat runbook.',
				'Server lebih lama dari SDK: jalankan runbook runtime-compat.',
			),
			{ page: 'runtime-compat' },
		),
		m(
			11,
			'ServiceTimeTickLongDelay',
			false,
			tx(
				'time tick long delay: writes are denied because a component lags behind',
				'time tick long delay: write ditolak karena ada komponen yang tertinggal',
			),
			tx(
				'Find the lagging datanode/querynode or message queue (its log, CPU, the Pulsar/Kafka backlog); writes resume once it catches up.',
				'Cari datanode/querynode atau message queue yang tertinggal (log-nya, CPU, backlog Pulsar/Kafka); write diterima lagi setelah ia menyusul.',
			),
			{ topic: 'write-denied' },
		),
		m(
			12,
			'ServiceResourceInsufficient',
			true,
			tx('service resource insufficient', 'sumber daya service tidak cukup'),
			tx(
				'Not enough query nodes, memory or slots for the request: add resources or wait and retry.',
				'Query node, memori, atau slot tidak cukup untuk request ini: tambah sumber daya, atau tunggu lalu coba lagi.',
			),
			{ topic: 'querynode-oom' },
		),
		// Collection
		m(
			100,
			'CollectionNotFound',
			false,
			tx('collection not found', 'collection tidak ditemukan'),
			tx(
				'Check the collection name and the database (db_name); list them with list_collections.',
				'Periksa nama collection dan database-nya (db_name). Lihat daftarnya dengan list_collections.',
			),
		),
		m(
			101,
			'CollectionNotLoaded',
			false,
			tx('collection not loaded', 'collection belum dimuat (load)'),
			tx(
				'Call load_collection, wait until it is loaded, then search or query again.',
				'Panggil load_collection, tunggu sampai selesai, lalu ulangi search atau query.',
			),
			{ page: 'channel-unavailable' },
		),
		m(
			102,
			'CollectionNumLimitExceeded',
			false,
			tx('exceeded the limit number of collections', 'jumlah collection melewati batas'),
			tx(
				'Drop unused collections or raise rootCoord.maxCollectionNum / quotaAndLimits.limits.maxCollectionNum.',
				'Hapus (drop) collection yang tidak dipakai atau naikkan rootCoord.maxCollectionNum / quotaAndLimits.limits.maxCollectionNum.',
			),
		),
		m(
			103,
			'CollectionNotFullyLoaded',
			true,
			tx('collection not fully loaded', 'load collection belum selesai'),
			tx(
				'Wait for the load progress to reach 100% (get_load_state).',
				'Tunggu progress load sampai 100% (get_load_state).',
			),
		),
		m(
			104,
			'CollectionLoaded',
			false,
			tx('collection already loaded', 'collection sudah dimuat (load)'),
			tx(
				'Nothing to do, or release it first to load with other options.',
				'Tidak perlu apa-apa, atau release dulu kalau mau load dengan opsi lain.',
			),
		),
		m(
			105,
			'CollectionIllegalSchema',
			false,
			tx('illegal collection schema', 'schema collection tidak valid'),
			FIX_CALL,
		),
		m(
			106,
			'CollectionOnRecovering',
			true,
			tx(
				'collection on recovering (its shards are being reassigned)',
				'collection sedang dipulihkan (shard-nya sedang dipindahkan)',
			),
			CHANNELS,
			{ page: 'channel-unavailable' },
		),
		m(
			107,
			'CollectionVectorClusteringKeyNotAllowed',
			false,
			tx('vector clustering key not allowed', 'vector clustering key tidak diizinkan'),
			tx(
				'Use a scalar field as the clustering key.',
				'Gunakan field skalar sebagai clustering key.',
			),
		),
		m(
			108,
			'CollectionReplicateMode',
			false,
			tx(
				"can't operate on the collection under standby mode (deprecated code)",
				"can't operate on the collection under standby mode (code usang)",
			),
			REPLICATE,
		),
		m(
			109,
			'CollectionSchemaMismatch',
			false,
			tx('collection schema mismatch', 'schema collection tidak cocok'),
			tx(
				'The request was built for another version of the schema: describe_collection, then rebuild the request.',
				'Request-nya dibuat untuk versi schema lain: jalankan describe_collection, lalu susun ulang request-nya.',
			),
		),
		m(
			110,
			'CollectionSchemaVersionNotReady',
			true,
			tx(
				'collection schema version not ready (a schema change is still spreading)',
				'versi schema collection belum siap (perubahan schema masih disebarkan)',
			),
			tx(
				'Wait a moment after add_collection_field or alter, then call again.',
				'Tunggu sebentar setelah add_collection_field atau alter, lalu ulangi panggilannya.',
			),
		),
		// Partition
		m(
			200,
			'PartitionNotFound',
			false,
			tx('partition not found', 'partition tidak ditemukan'),
			tx(
				'Check the partition name with list_partitions.',
				'Periksa nama partition dengan list_partitions.',
			),
		),
		m(
			201,
			'PartitionNotLoaded',
			false,
			tx('partition not loaded', 'partition belum dimuat (load)'),
			tx(
				'Load the partition (load_partitions) before searching it.',
				'Jalankan load untuk partition-nya (load_partitions) sebelum search.',
			),
		),
		m(
			202,
			'PartitionNotFullyLoaded',
			true,
			tx('partition not fully loaded', 'load partition belum selesai'),
			tx(
				'Wait for the load progress to reach 100% (get_load_state).',
				'Tunggu progress load sampai 100% (get_load_state).',
			),
		),
		m(
			250,
			'GeneralCapacityExceeded',
			false,
			tx(
				'general capacity exceeded (too many collections, partitions or shards in total)',
				'kapasitas umum terlampaui (total collection, partition, atau shard terlalu banyak)',
			),
			tx(
				'Drop what is unused or raise the quotaAndLimits.limits settings the message names.',
				'Hapus (drop) yang tidak dipakai atau naikkan setelan quotaAndLimits.limits yang disebut pesannya.',
			),
		),
		// Resource group
		m(
			300,
			'ResourceGroupNotFound',
			false,
			tx('resource group not found', 'resource group tidak ditemukan'),
			tx(
				'Check the name with list_resource_groups.',
				'Periksa namanya dengan list_resource_groups.',
			),
		),
		m(
			301,
			'ResourceGroupAlreadyExist',
			false,
			tx(
				'resource group already exists with a different config',
				'resource group sudah ada dengan konfigurasi berbeda',
			),
			tx(
				'Use update_resource_groups to change it, or pick another name.',
				'Ubah dengan update_resource_groups, atau pilih nama lain.',
			),
		),
		m(
			302,
			'ResourceGroupReachLimit',
			false,
			tx('resource group num reach limit', 'jumlah resource group mencapai batas'),
			tx('Drop unused resource groups.', 'Hapus (drop) resource group yang tidak dipakai.'),
		),
		m(
			303,
			'ResourceGroupIllegalConfig',
			false,
			tx('resource group illegal config', 'konfigurasi resource group tidak valid'),
			FIX_CALL,
		),
		m(
			304,
			'ResourceGroupNodeNotEnough',
			false,
			tx(
				'resource group node not enough (deprecated code)',
				'node di resource group tidak cukup (code usang)',
			),
			tx(
				'Add query nodes or move nodes into the resource group (transfer_node).',
				'Tambah query node atau pindahkan node ke resource group itu (transfer_node).',
			),
		),
		m(
			305,
			'ResourceGroupServiceUnAvailable',
			true,
			tx('resource group service unavailable', 'service resource group tidak tersedia'),
			tx(
				'Wait for querycoord to be ready, then call again.',
				'Tunggu sampai querycoord siap, lalu ulangi panggilannya.',
			),
		),
		// Replica
		m(
			400,
			'ReplicaNotFound',
			false,
			tx('replica not found', 'replika tidak ditemukan'),
			QUERYNODES,
		),
		m(
			401,
			'ReplicaNotAvailable',
			false,
			tx('replica not available', 'replika tidak tersedia'),
			tx(
				'Check the querynode pods; then release and load the collection again.',
				'Periksa pod querynode, lalu release dan load ulang collection-nya.',
			),
			{ page: 'channel-unavailable' },
		),
		// Channel & delegator
		m(500, 'ChannelNotFound', false, tx('channel not found', 'channel tidak ditemukan'), CHANNELS, {
			page: 'channel-unavailable',
		}),
		m(501, 'ChannelLack', false, tx('channel lacks', 'channel kurang'), CHANNELS, {
			page: 'channel-unavailable',
		}),
		m(
			502,
			'ChannelReduplicate',
			false,
			tx('channel reduplicates', 'channel terduplikasi'),
			INTERNAL,
			{ page: 'channel-unavailable' },
		),
		m(
			503,
			'ChannelNotAvailable',
			false,
			tx(
				'channel not available: no query node serves a shard of the collection',
				'channel not available: tidak ada query node yang melayani salah satu shard collection',
			),
			CHANNELS,
			{ page: 'channel-unavailable' },
		),
		m(
			504,
			'ChannelCPExceededMaxLag',
			false,
			tx(
				'channel checkpoint exceed max lag (a datanode lags behind)',
				'checkpoint channel melewati lag maksimum (ada datanode yang tertinggal)',
			),
			tx(
				'Check the datanode (or streaming node) pods and the message queue backlog.',
				'Periksa pod datanode (atau streaming node) dan backlog message queue.',
			),
			{ topic: 'write-denied' },
		),
		m(
			505,
			'ChannelTSafeStalled',
			true,
			tx('channel tsafe stalled', 'tsafe channel berhenti maju'),
			CHANNELS,
			{ page: 'channel-unavailable' },
		),
		m(
			506,
			'ChannelDroppedSentinel',
			false,
			tx(
				'channel checkpoint is dropped sentinel (the channel was dropped)',
				'checkpoint channel berisi penanda drop (channel-nya sudah dihapus)',
			),
			INTERNAL,
			{ page: 'channel-unavailable' },
		),
		m(
			507,
			'ChannelMisrouted',
			true,
			tx(
				'channel misrouted: not owned by this node (a stale shard map)',
				'channel misrouted: bukan milik node ini (peta shard sudah basi)',
			),
			tx(
				'Retry: the proxy refreshes its shard map. If it persists, check the querynode pods.',
				'Coba lagi: proxy memperbarui peta shard-nya. Kalau terus terjadi, periksa pod querynode.',
			),
			{ page: 'channel-unavailable' },
		),
		// Segment
		m(600, 'SegmentNotFound', false, tx('segment not found', 'segment tidak ditemukan'), INTERNAL),
		m(
			601,
			'SegmentNotLoaded',
			false,
			tx('segment not loaded', 'segment belum dimuat (load)'),
			QUERYNODES,
		),
		m(602, 'SegmentLack', false, tx('segment lacks', 'segment kurang'), QUERYNODES),
		m(
			603,
			'SegmentReduplicate',
			false,
			tx('segment reduplicates', 'segment terduplikasi'),
			INTERNAL,
		),
		m(
			604,
			'SegmentLoadFailed',
			false,
			tx('segment load failed', 'load segment gagal'),
			tx(
				'Read the querynode log for the cause: out of memory or disk, or a file missing in object storage.',
				'Baca log querynode untuk penyebabnya: memori atau disk habis, atau file hilang di object storage.',
			),
			{ topic: 'querynode-oom' },
		),
		m(
			605,
			'SegmentRequestResourceFailed',
			false,
			tx(
				'segment request resource failed (the query node is out of memory, disk or GPU)',
				'permintaan sumber daya segment gagal (memori, disk, atau GPU query node habis)',
			),
			tx(
				'Add query node memory or nodes, or release collections you do not need.',
				'Tambah memori atau jumlah query node, atau release collection yang tidak diperlukan.',
			),
			{ topic: 'querynode-oom' },
		),
		// Index
		m(
			700,
			'IndexNotFound',
			false,
			tx('index not found', 'index tidak ditemukan'),
			tx(
				'Create an index on the vector field (create_index) before loading.',
				'Buat index di field vektor (create_index) sebelum load.',
			),
			{ page: 'channel-unavailable' },
		),
		m(
			701,
			'IndexNotSupported',
			false,
			tx('index type not supported', 'tipe index tidak didukung'),
			tx(
				'Pick an index type this server and field type support (see the Milvus index docs for your version).',
				'Pilih tipe index yang didukung server dan tipe field ini (lihat dokumentasi index Milvus untuk versi Anda).',
			),
		),
		m(
			702,
			'IndexDuplicate',
			false,
			tx('index duplicates', 'index terduplikasi'),
			tx(
				'The field already has an index: drop it first to create another, or give a different index_name.',
				'Field itu sudah punya index: drop dulu untuk membuat yang lain, atau beri index_name berbeda.',
			),
		),
		m(703, 'TaskDuplicate', false, tx('task duplicates', 'task terduplikasi'), INTERNAL),
		// Database
		m(
			800,
			'DatabaseNotFound',
			false,
			tx('database not found', 'database tidak ditemukan'),
			tx(
				'Create the database or fix db_name in the connection.',
				'Buat database-nya atau perbaiki db_name di koneksi.',
			),
		),
		m(
			801,
			'DatabaseNumLimitExceeded',
			false,
			tx('exceeded the limit number of database', 'jumlah database melewati batas'),
			tx(
				'Drop unused databases or raise rootCoord.maxDatabaseNum.',
				'Hapus (drop) database yang tidak dipakai atau naikkan rootCoord.maxDatabaseNum.',
			),
		),
		m(
			802,
			'DatabaseInvalidName',
			false,
			tx('invalid database name', 'nama database tidak valid'),
			FIX_CALL,
		),
		// Node
		m(901, 'NodeNotFound', false, tx('node not found', 'node tidak ditemukan'), QUERYNODES),
		m(902, 'NodeOffline', false, tx('node offline', 'node offline'), QUERYNODES),
		m(903, 'NodeLack', false, tx('node lacks', 'node kurang'), QUERYNODES),
		m(904, 'NodeNotMatch', false, tx('node not match', 'node tidak cocok'), INTERNAL),
		m(905, 'NodeNotAvailable', false, tx('node not available', 'node tidak tersedia'), QUERYNODES),
		m(
			906,
			'NodeStateUnexpected',
			false,
			tx('node state unexpected', 'state node tidak terduga'),
			INTERNAL,
		),
		// IO and object storage
		m(
			1000,
			'IoKeyNotFound',
			false,
			tx(
				'key not found (a file is missing in object storage)',
				'key not found (ada file yang hilang di object storage)',
			),
			STORAGE,
			{ topic: 'object-storage' },
		),
		m(
			1001,
			'IoFailed',
			false,
			tx('IO failed (object storage)', 'IO gagal (object storage)'),
			STORAGE,
			{ topic: 'object-storage' },
		),
		m(
			1002,
			'IoUnexpectEOF',
			true,
			tx('unexpected EOF while reading', 'EOF tak terduga saat membaca'),
			STORAGE,
			{ topic: 'object-storage' },
		),
		m(
			1003,
			'IoTooManyRequests',
			true,
			tx(
				'too many requests (object storage throttles)',
				'terlalu banyak request (object storage membatasi laju)',
			),
			STORAGE,
			{ topic: 'object-storage' },
		),
		m(
			1004,
			'SerializationFailed',
			false,
			tx(
				'data serialization or deserialization failed',
				'serialisasi atau deserialisasi data gagal',
			),
			INTERNAL,
			{ topic: 'object-storage' },
		),
		m(
			1005,
			'IoPermissionDenied',
			false,
			tx('permission denied (object storage)', 'permission denied (object storage)'),
			STORAGE,
			{ topic: 'object-storage' },
		),
		m(1006, 'IoBucketNotFound', false, tx('bucket not found', 'bucket tidak ditemukan'), STORAGE, {
			topic: 'object-storage',
		}),
		m(
			1007,
			'IoInvalidCredentials',
			false,
			tx('invalid credentials (object storage)', 'kredensial tidak valid (object storage)'),
			STORAGE,
			{ topic: 'object-storage' },
		),
		m(1008, 'Storage', false, tx('storage internal error', 'error internal storage'), STORAGE, {
			topic: 'object-storage',
		}),
		m(
			1009,
			'DataIntegrity',
			false,
			tx(
				'data integrity check failed (stored data is corrupt)',
				'pemeriksaan integritas data gagal (data yang tersimpan rusak)',
			),
			tx(
				'Retrying will not help: find the damaged file in the log and restore it from a backup.',
				'Mencoba lagi tidak akan membantu: cari file yang rusak di log dan pulihkan dari backup.',
			),
			{ topic: 'object-storage' },
		),
		m(
			1010,
			'IoInvalidArgument',
			false,
			tx('invalid argument (object storage)', 'argumen tidak valid (object storage)'),
			STORAGE,
			{ topic: 'object-storage' },
		),
		m(
			1011,
			'IoInvalidRange',
			false,
			tx('invalid range (object storage)', 'range tidak valid (object storage)'),
			STORAGE,
			{ topic: 'object-storage' },
		),
		m(
			1012,
			'IoEntityTooLarge',
			false,
			tx('entity too large (object storage)', 'entity terlalu besar (object storage)'),
			STORAGE,
			{ topic: 'object-storage' },
		),
		// Parameter
		m(
			1100,
			'ParameterInvalid',
			false,
			tx('invalid parameter', 'parameter tidak valid'),
			tx(
				'The message names the parameter and what was expected: fix the call.',
				'Pesannya menyebut parameter dan nilai yang diharapkan. Perbaiki panggilannya.',
			),
		),
		m(1101, 'ParameterMissing', false, tx('missing parameter', 'parameter tidak ada'), FIX_CALL),
		m(
			1102,
			'ParameterTooLarge',
			false,
			tx('parameter too large', 'parameter terlalu besar'),
			tx(
				'Send smaller batches, or raise the limit the message names (for example proxy.maxResultWindow, grpc max message size).',
				'Kirim batch yang lebih kecil, atau naikkan batas yang disebut pesannya (misalnya proxy.maxResultWindow, ukuran pesan maksimum gRPC).',
			),
		),
		m(1200, 'MetricNotFound', false, tx('metric not found', 'metric tidak ditemukan'), INTERNAL),
		// Message queue
		m(
			1300,
			'MqTopicNotFound',
			false,
			tx('topic not found (message queue)', 'topic tidak ditemukan (message queue)'),
			tx(
				'Check the message queue (Pulsar/Kafka/Woodpecker) and that its topics were not deleted.',
				'Periksa message queue (Pulsar/Kafka/Woodpecker) dan pastikan topic-nya tidak terhapus.',
			),
		),
		m(
			1301,
			'MqTopicNotEmpty',
			false,
			tx('topic not empty (message queue)', 'topic tidak kosong (message queue)'),
			INTERNAL,
		),
		m(
			1302,
			'MqInternal',
			false,
			tx('message queue internal error', 'error internal message queue'),
			tx(
				'Check the message queue (Pulsar/Kafka/Woodpecker) pods and their logs.',
				'Periksa pod message queue (Pulsar/Kafka/Woodpecker) dan log-nya.',
			),
		),
		m(
			1303,
			'DenyProduceMsg',
			false,
			tx(
				'deny to write the message to mq (writes are switched off)',
				'deny to write the message to mq (write sedang dimatikan)',
			),
			tx(
				'Writes are refused at the message queue: check quotaAndLimits force-deny settings and, with CDC, which cluster is primary.',
				'Write ditolak di message queue: periksa setelan force deny di quotaAndLimits dan, kalau memakai CDC, cluster mana yang primary.',
			),
			{ topic: 'write-denied' },
		),
		// Privilege
		m(
			1400,
			'PrivilegeNotAuthenticated',
			false,
			tx('not authenticated', 'belum terautentikasi'),
			tx(
				'Pass the right user/password or token (authorizationEnabled is on).',
				'Kirim user/password atau token yang benar (authorizationEnabled aktif).',
			),
		),
		m(
			1401,
			'PrivilegeNotPermitted',
			false,
			tx('privilege not permitted', 'privilege tidak diizinkan'),
			tx(
				"Grant the user's role the privilege this call needs.",
				'Berikan privilege yang dibutuhkan panggilan ini ke role user tersebut.',
			),
		),
		m(
			1402,
			'PrivilegeGroupInvalidName',
			false,
			tx('invalid privilege group name', 'nama privilege group tidak valid'),
			FIX_CALL,
		),
		// Alias
		m(
			1600,
			'AliasNotFound',
			false,
			tx('alias not found', 'alias tidak ditemukan'),
			tx('Check the alias with list_aliases.', 'Periksa alias-nya dengan list_aliases.'),
		),
		m(
			1601,
			'AliasCollectionNameConfilct',
			false,
			tx('alias and collection name conflict', 'nama alias bentrok dengan nama collection'),
			tx(
				'An alias cannot have the name of a collection: pick another alias name.',
				'Alias tidak boleh memakai nama collection: pilih nama alias lain.',
			),
		),
		m(
			1602,
			'AliasAlreadyExist',
			false,
			tx('alias already exist', 'alias sudah ada'),
			tx(
				'Use alter_alias to point the alias at another collection.',
				'Gunakan alter_alias untuk mengarahkan alias ke collection lain.',
			),
		),
		m(
			1603,
			'CollectionIDOfAliasNotFound',
			false,
			tx(
				'collection id of alias not found (the alias points at nothing)',
				'collection id dari alias tidak ditemukan (alias tidak mengarah ke apa pun)',
			),
			tx(
				'Drop the alias and create it again on an existing collection.',
				'Hapus (drop) alias itu dan buat lagi untuk collection yang ada.',
			),
		),
		// Field
		m(
			1700,
			'FieldNotFound',
			false,
			tx('field not found', 'field tidak ditemukan'),
			tx(
				'Compare the field names in the call with describe_collection.',
				'Cocokkan nama field di panggilan dengan describe_collection.',
			),
		),
		m(
			1701,
			'FieldInvalidName',
			false,
			tx('field name invalid', 'nama field tidak valid'),
			FIX_CALL,
		),
		// RESTful API
		m(
			1800,
			'NeedAuthenticate',
			false,
			tx("user hasn't authenticated (REST)", 'user belum terautentikasi (REST)'),
			tx(
				'Send the Authorization header (Bearer user:password or token).',
				'Kirim header Authorization (Bearer user:password atau token).',
			),
		),
		m(
			1801,
			'IncorrectParameterFormat',
			false,
			tx(
				'can only accept json format request (REST)',
				'hanya menerima request berformat JSON (REST)',
			),
			tx(
				'Send a JSON body with Content-Type: application/json.',
				'Kirim body JSON dengan Content-Type: application/json.',
			),
		),
		m(
			1802,
			'MissingRequiredParameters',
			false,
			tx('missing required parameters (REST)', 'parameter wajib tidak ada (REST)'),
			FIX_CALL,
		),
		m(
			1803,
			'MarshalCollectionSchema',
			false,
			tx(
				'fail to marshal collection schema (REST)',
				'gagal mengubah schema collection ke JSON (REST)',
			),
			INTERNAL,
		),
		m(
			1804,
			'InvalidInsertData',
			false,
			tx('fail to deal the insert data (REST)', 'data insert tidak bisa diproses (REST)'),
			FIX_CALL,
		),
		m(
			1805,
			'InvalidSearchResult',
			false,
			tx('fail to parse search result (REST)', 'hasil search gagal diurai (REST)'),
			INTERNAL,
		),
		m(
			1806,
			'CheckPrimaryKey',
			false,
			tx(
				'primary key type can only be int or string (REST)',
				'tipe primary key hanya boleh int atau string (REST)',
			),
			FIX_CALL,
		),
		m(
			1807,
			'HTTPRateLimit',
			true,
			tx('request is rejected by limiter (REST)', 'request ditolak limiter (REST)'),
			tx(
				'Slow down the client or raise the rates in quotaAndLimits.',
				'Kurangi laju klien, atau naikkan rate di quotaAndLimits.',
			),
			{ topic: 'write-denied' },
		),
		// Replication (CDC)
		m(
			1900,
			'DenyReplicateMessage',
			false,
			tx(
				'deny to use the replicate message in the normal instance',
				'pesan replikasi ditolak di instance biasa',
			),
			REPLICATE,
		),
		m(
			1901,
			'InvalidMsgBytes',
			false,
			tx('invalid replicate msg bytes', 'byte pesan replikasi tidak valid'),
			REPLICATE,
		),
		m(
			1902,
			'NoAssignSegmentID',
			false,
			tx('no assign segment id', 'segment id tidak dialokasikan'),
			REPLICATE,
		),
		m(
			1903,
			'InvalidStreamObj',
			false,
			tx('invalid stream object', 'objek stream tidak valid'),
			REPLICATE,
		),
		// Segcore (the C++ engine)
		m(2000, 'Segcore', false, tx('segcore error', 'error segcore'), SEGCORE),
		m(
			2001,
			'SegcoreUnsupported',
			false,
			tx('segcore unsupported error', 'error segcore: tidak didukung'),
			FIX_CALL,
		),
		m(
			2002,
			'SegcorePretendFinished',
			false,
			tx('segcore pretend finished', 'segcore pretend finished'),
			SEGCORE,
		),
		m(
			2037,
			'SegcoreFollyOtherException',
			false,
			tx(
				'segcore folly other exception (2.5 used code 2200)',
				'segcore folly other exception (2.5 memakai code 2200)',
			),
			SEGCORE,
		),
		m(
			2038,
			'SegcoreFollyCancel',
			false,
			tx(
				'segcore Future was canceled (2.5 used code 2201)',
				'segcore Future was canceled (2.5 memakai code 2201)',
			),
			SEGCORE,
		),
		m(
			2039,
			'SegcoreOutOfRange',
			false,
			tx('segcore out of range', 'segcore out of range'),
			SEGCORE,
		),
		m(
			2040,
			'SegcoreGCPNativeError',
			false,
			tx(
				'segcore GCP native error (Google Cloud Storage)',
				'segcore GCP native error (Google Cloud Storage)',
			),
			STORAGE,
			{ topic: 'object-storage' },
		),
		m(2099, 'KnowhereError', false, tx('knowhere error', 'error knowhere'), SEGCORE),
		// Import
		m(
			2100,
			'ImportFailed',
			false,
			tx(
				'importing data failed (the files do not match the schema)',
				'import data gagal (file-nya tidak cocok dengan schema)',
			),
			tx(
				'The message names the file and the row or column: fix the data and import again.',
				'Pesannya menyebut file dan baris atau kolomnya: perbaiki datanya lalu import lagi.',
			),
		),
		m(
			2101,
			'ImportSysFailed',
			false,
			tx('importing data failed on server side', 'import data gagal di sisi server'),
			STORAGE,
			{ topic: 'object-storage' },
		),
		// Search / query
		m(
			2200,
			'InconsistentRequery',
			true,
			tx(
				'inconsistent requery result (on 2.5: segcore folly other exception)',
				'hasil requery tidak konsisten (di 2.5: segcore folly other exception)',
			),
			tx(
				'Data changed between the two phases of the search: call again.',
				'Data berubah di antara dua tahap search: ulangi panggilannya.',
			),
		),
		m(
			2201,
			'QueryPlan',
			false,
			tx(
				'query plan failed, usually a bad filter expression (on 2.5: segcore Future was canceled)',
				'query plan gagal, biasanya ekspresi filter yang salah (di 2.5: segcore Future was canceled)',
			),
			tx(
				'Check the filter expression against the schema (field names, types, quotes).',
				'Periksa ekspresi filter terhadap schema (nama field, tipe, tanda kutip).',
			),
		),
		// Compaction
		m(
			2300,
			'CompactionReadDeltaLogErr',
			false,
			tx('fail to read delta log', 'gagal membaca delta log'),
			STORAGE,
			{ topic: 'object-storage' },
		),
		m(
			2301,
			'IllegalCompactionPlan',
			false,
			tx('compaction plan illegal', 'rencana compaction tidak valid'),
			COMPACTION,
		),
		m(
			2302,
			'CompactionPlanConflict',
			false,
			tx('compaction plan conflict', 'rencana compaction bentrok'),
			COMPACTION,
		),
		m(
			2303,
			'ClusteringCompactionClusterNotSupport',
			false,
			tx(
				'milvus cluster not support clustering compaction',
				'cluster Milvus tidak mendukung clustering compaction',
			),
			tx(
				'Enable dataCoord.compaction.clustering in milvus.yaml, or do not request it.',
				'Aktifkan dataCoord.compaction.clustering di milvus.yaml, atau jangan memintanya.',
			),
		),
		m(
			2304,
			'ClusteringCompactionCollectionNotSupport',
			false,
			tx(
				'collection not support clustering compaction',
				'collection tidak mendukung clustering compaction',
			),
			tx(
				'The collection needs a clustering key field for clustering compaction.',
				'Collection perlu field clustering key untuk clustering compaction.',
			),
		),
		m(
			2305,
			'ClusteringCompactionCollectionIsCompacting',
			false,
			tx('collection is compacting', 'collection sedang menjalankan compaction'),
			tx(
				'Wait for the running compaction to finish (get_compaction_state).',
				'Tunggu compaction yang sedang berjalan selesai (get_compaction_state).',
			),
		),
		m(
			2306,
			'ClusteringCompactionNotSupportVector',
			false,
			tx(
				'vector field clustering compaction is not supported',
				'clustering compaction pada field vektor tidak didukung',
			),
			tx(
				'Use a scalar field as the clustering key.',
				'Gunakan field skalar sebagai clustering key.',
			),
		),
		m(
			2307,
			'ClusteringCompactionSubmitTaskFail',
			true,
			tx('fail to submit task', 'gagal mengirim task'),
			COMPACTION,
		),
		m(
			2308,
			'ClusteringCompactionMetaError',
			true,
			tx(
				'fail to update meta in clustering compaction',
				'gagal memperbarui meta di clustering compaction',
			),
			COMPACTION,
		),
		m(
			2309,
			'ClusteringCompactionGetCollectionFail',
			true,
			tx('fail to get collection in compaction', 'gagal mengambil collection di compaction'),
			COMPACTION,
		),
		m(
			2310,
			'CompactionResultNotFound',
			false,
			tx('compaction result not found', 'hasil compaction tidak ditemukan'),
			COMPACTION,
		),
		m(
			2311,
			'AnalyzeTaskNotFound',
			true,
			tx('analyze task not found', 'task analyze tidak ditemukan'),
			COMPACTION,
		),
		m(
			2312,
			'BuildCompactionRequestFail',
			true,
			tx('fail to build CompactionRequest', 'gagal menyusun CompactionRequest'),
			COMPACTION,
		),
		m(
			2313,
			'GetCompactionPlanResultFail',
			true,
			tx('fail to get compaction plan', 'gagal mengambil rencana compaction'),
			COMPACTION,
		),
		m(
			2314,
			'CompactionResult',
			false,
			tx('illegal compaction results', 'hasil compaction tidak valid'),
			COMPACTION,
		),
		m(
			2315,
			'DuplicatedCompactionTask',
			false,
			tx('duplicated compaction task', 'task compaction terduplikasi'),
			COMPACTION,
		),
		m(
			2316,
			'CleanPartitionStatsFail',
			true,
			tx('fail to clean partition Stats', 'gagal membersihkan statistik partition'),
			COMPACTION,
		),
		// Functions, slots, encryption
		m(
			2400,
			'FunctionFailed',
			false,
			tx(
				'function execution failed (BM25, embedding or analyzer)',
				'eksekusi function gagal (BM25, embedding, atau analyzer)',
			),
			tx(
				'Check the function settings in the schema and, for embeddings, that the model provider answers.',
				'Periksa setelan function di schema dan, untuk embedding, apakah penyedia model menjawab.',
			),
		),
		m(
			2401,
			'DataNodeSlotExhausted',
			false,
			tx('datanode slot exhausted', 'slot datanode habis'),
			tx(
				'Datanodes have no free task slots: wait, or add datanodes.',
				'Datanode tidak punya slot task kosong: tunggu, atau tambah datanode.',
			),
		),
		m(
			2500,
			'KMSKeyRevoked',
			false,
			tx('KMS key has been revoked, access denied', 'key KMS sudah dicabut, akses ditolak'),
			tx(
				'Restore the encryption key in your KMS; the data stays unreadable until then.',
				'Pulihkan key enkripsi di KMS Anda; data tidak bisa dibaca sampai itu dilakukan.',
			),
		),
		// General
		m(
			3000,
			'OperationNotSupported',
			false,
			tx('unsupported operation', 'operasi tidak didukung'),
			tx(
				'This server or deployment does not support the call: check the version and mode (standalone, cluster, Lite).',
				'Server atau deployment ini tidak mendukung panggilan itu: periksa versi dan mode-nya (standalone, cluster, Lite).',
			),
			{ page: 'runtime-compat' },
		),
		m(
			3001,
			'OldSessionExists',
			false,
			tx(
				'old session exists (a previous instance of the component is still registered in etcd)',
				'old session exists (instance komponen sebelumnya masih terdaftar di etcd)',
			),
			tx(
				'Wait for the old session to expire (about a minute) or stop the old pod. During an upgrade to 2.6 it means the upgrade order was skipped: the upgrade-2-6 runbook shows the next step.',
				'Tunggu sampai session lama kedaluwarsa (sekitar satu menit) atau hentikan pod lama. Saat upgrade ke 2.6, ini berarti urutan upgrade dilewati: runbook upgrade-2-6 menunjukkan langkah berikutnya.',
			),
			{ page: 'upgrade-2-6' },
		),
		// Not newMilvusError sentinels: the server builds these two without a retriable flag.
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
		m(
			65535,
			'UnexpectedError',
			false,
			tx('unexpected error (catch-all)', 'error tak terduga (umum)'),
			tx(
				`The message text is the clue. ${CHECK_LOGS[0]}`,
				`Isi pesannya yang menjadi petunjuk. ${CHECK_LOGS[1]}`,
			),
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
			{ page: 'channel-unavailable' },
		),
		c(
			46,
			'NoReplicaAvailable',
			'no replica available',
			'tidak ada replika',
			'Check the querynode pods; then release and load the collection again.',
			'Periksa pod querynode, lalu release dan load ulang collection-nya.',
			{ page: 'channel-unavailable' },
		),
		c(
			48,
			'ForceDeny',
			'denied by the quota center (force deny)',
			'ditolak quota center (force deny)',
			'Writes or reads are switched off in quotaAndLimits; check the force-deny settings.',
			'Write atau read dimatikan di quotaAndLimits. Periksa setelan force deny.',
			{ topic: 'write-denied' },
		),
		c(
			49,
			'RateLimit',
			'rate limited',
			'kena rate limit',
			'Slow down the client or raise the rates in quotaAndLimits.',
			'Kurangi laju klien, atau naikkan rate di quotaAndLimits.',
			{ topic: 'write-denied' },
		),
		c(
			53,
			'MemoryQuotaExhausted',
			'memory quota exhausted',
			'kuota memori habis',
			'Release collections or add memory; writes are denied meanwhile.',
			'Release collection atau tambah memori; write ditolak selama itu.',
			{ topic: 'write-denied' },
		),
		c(
			54,
			'DiskQuotaExhausted',
			'disk quota exhausted',
			'kuota disk habis',
			'Free disk or raise diskProtection quotas; writes are denied meanwhile.',
			'Kosongkan disk atau naikkan kuota diskProtection; write ditolak selama itu.',
			{ topic: 'write-denied' },
		),
		c(
			55,
			'TimeTickLongDelay',
			'time tick long delay: writes are denied because a component lags behind',
			'time tick long delay: write ditolak karena ada komponen yang tertinggal',
			'Find the lagging datanode/querynode or message queue; writes resume once it catches up.',
			'Cari datanode/querynode atau message queue yang tertinggal; write diterima lagi setelah ia menyusul.',
			{ topic: 'write-denied' },
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
