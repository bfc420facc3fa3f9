// @ts-check
// The error signatures themselves: data only, no Node imports, because the site bundles this file for the
// browser and the runbooks import it too. Patterns are tested against a line AFTER normalizeLogText()
// (timestamps, levels, callers, IPs, hex ids and Deployment pod names removed, escaped quotes undone,
// JSON/Milvus log fields flattened to `msg key=value`), so they must not rely on any of those.
//
// weight: how strongly a match explains the failure on its own (100 = the root cause named verbatim,
// 40 = a consequence or a transient line, 20 = generic fallback). `fallback: true` entries are only
// reported for a line that no specific entry explains, so a MilvusException with a code is `api-errors`
// unless a more specific signature claims the same line.

/** @typedef {'boot'|'runtime-compat'|'api-errors'|'etcd-pending'|'etcd-bad-member-id'|'etcd-multi-crash'|'etcd-all-crash'|'etcd-nospace'|'etcd-slow-disk'|'etcd-image-pull'|'channel-unavailable'|'upgrade-2-6'|'object-storage'|'querynode-oom'|'write-denied'} SymptomId */

/**
 * @typedef {object} Signature
 * @property {string} id           kebab-case, unique
 * @property {SymptomId} symptom   the guide page / runbook it points to
 * @property {number} weight       1..100, higher = stronger evidence
 * @property {RegExp[]} patterns   any one matching a normalized line is a hit
 * @property {boolean} [fallback]  generic: dropped when a specific signature matched the same line
 * @property {boolean} [transient] also printed during a normal start-up; only a problem while Milvus is unhealthy
 * @property {string} component    where the text is printed: milvus, etcd, minio, kubernetes, sdk, pulsar, kafka, docker
 * @property {{ en: string, id: string }} explain  one or two sentences: what it means, what to do
 * @property {string} source       where the text comes from (issue, source file, documentation)
 */

// Image references as they appear in kubelet, containerd and dockerd messages (digests lose their hex to
// normalizeLogText). Bitnami's own etcd on Docker Hub, and any image whose last path part is `etcd` except the
// control plane's.
const BITNAMI_ETCD = String.raw`(?:(?:docker\.io|index\.docker\.io|registry-1\.docker\.io)\/)?bitnami\/etcd(?::[\w.-]+)?(?:@sha256:\w*)?`;
const ANY_ETCD = String.raw`(?!(?:registry\.k8s\.io|k8s\.gcr\.io|gcr\.io\/google[_-]containers)\/)(?:[\w.-]+(?::\d+)?\/)*etcd(?::[\w.-]+)?(?:@sha256:\w*)?`;

/** @type {readonly Signature[]} */
export const SIGNATURES = Object.freeze([
	// ───────────────────────────── boot ─────────────────────────────
	{
		id: 'etcd-client-create-failed',
		symptom: 'boot',
		weight: 85,
		component: 'milvus',
		patterns: [/failed to create etcd client/i, /init with etcd failed/i],
		explain: {
			en: 'Milvus gave up connecting to etcd at start-up: etcd is down or unreachable, or ETCD_ENDPOINTS points to the wrong address.',
			id: 'Milvus berhenti mencoba terhubung ke etcd saat boot. etcd mati atau tidak bisa dijangkau, atau ETCD_ENDPOINTS menunjuk ke alamat yang salah.',
		},
		source:
			'https://github.com/milvus-io/milvus/issues/41106, https://github.com/milvus-io/milvus/issues/50503; pkg/util/paramtable/base_table.go (init with etcd failed)',
	},
	{
		id: 'etcd-unreachable',
		symptom: 'boot',
		weight: 70,
		component: 'milvus',
		patterns: [
			/:2379\b.*(?:connection refused|i\/o timeout|no route to host|no such host)/i,
			/lookup [\w.-]*etcd[\w.-]*(?: on \S*)?: (?:no such host|server misbehaving)/i,
		],
		explain: {
			en: 'Nothing answers on the etcd client port 2379 (or its name does not resolve). Start etcd first and check ETCD_ENDPOINTS.',
			id: 'Tidak ada yang menjawab di port klien etcd 2379, atau nama host etcd tidak ditemukan di DNS. Jalankan etcd dulu dan periksa ETCD_ENDPOINTS.',
		},
		source:
			'https://github.com/milvus-io/milvus/issues/50503 (grpc: addrConn.createTransport failed to connect to {Addr: "localhost:2379"})',
	},
	{
		id: 'coordinator-not-registered',
		symptom: 'boot',
		weight: 45,
		transient: true,
		component: 'milvus',
		patterns: [/find no available (?:rootcoord|mixcoord|datacoord|querycoord|indexcoord)/i],
		explain: {
			en: 'The coordinator has not registered in etcd yet. Normal for a few seconds during boot; if it persists the coordinator failed, so look for an earlier etcd or MinIO error.',
			id: 'Coordinator belum terdaftar di etcd. Ini wajar beberapa detik saat boot. Kalau terus muncul, coordinator-nya gagal: cari error etcd atau MinIO yang muncul lebih awal.',
		},
		source:
			'https://github.com/milvus-io/milvus/issues/27171, https://github.com/milvus-io/milvus/issues/35686, https://github.com/milvus-io/milvus/issues/45688',
	},
	{
		id: 'minio-access-denied',
		symptom: 'object-storage',
		weight: 80,
		component: 'minio',
		patterns: [/\bAccess Denied\b/],
		explain: {
			en: 'MinIO/S3 refused Milvus: the access key, secret key or bucket policy in milvus.yaml (minio.accessKeyID / secretAccessKey) is wrong.',
			id: 'MinIO/S3 menolak Milvus. Access key, secret key, atau policy bucket di milvus.yaml (minio.accessKeyID, minio.secretAccessKey) salah.',
		},
		source:
			"https://github.com/milvus-io/milvus-docs/issues/2247 (['failed to check blob bucket exist'] [error='Access Denied.'])",
	},
	{
		id: 'minio-unknown-access-key',
		symptom: 'object-storage',
		weight: 85,
		component: 'minio',
		patterns: [/The Access Key Id you provided does not exist in our records/i],
		explain: {
			en: 'MinIO/S3 does not know the access key Milvus uses. Make minio.accessKeyID match the user configured in MinIO.',
			id: 'MinIO/S3 tidak mengenal access key yang dipakai Milvus. Samakan minio.accessKeyID dengan user yang ada di MinIO.',
		},
		source: 'https://github.com/milvus-io/milvus/issues/24864',
	},
	{
		id: 'minio-signature-mismatch',
		symptom: 'object-storage',
		weight: 85,
		component: 'minio',
		patterns: [/The request signature we calculated does not match the signature you provided/i],
		explain: {
			en: 'The access key exists but the secret key is wrong (S3 SignatureDoesNotMatch). Fix minio.secretAccessKey.',
			id: 'Access key-nya ada tetapi secret key-nya salah (S3 SignatureDoesNotMatch). Perbaiki minio.secretAccessKey.',
		},
		source:
			'S3 error code SignatureDoesNotMatch (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html), returned verbatim by MinIO',
	},
	{
		id: 'minio-unreachable',
		symptom: 'boot',
		weight: 75,
		component: 'minio',
		patterns: [
			/failed to check blob bucket exist.*(?:connection refused|i\/o timeout|no such host|Server not initialized)/i,
			/dial tcp \S*:(?:9000|9011)\b: connect: connection refused/i,
			/lookup [\w.-]*minio[\w.-]*(?: on \S*)?: (?:no such host|server misbehaving)/i,
		],
		explain: {
			en: 'Milvus cannot reach MinIO/S3: MinIO is down, or minio.address / minio.port is wrong (the S3 API is on 9000, not the console port).',
			id: 'Milvus tidak bisa menjangkau MinIO/S3. MinIO mati, atau minio.address atau minio.port salah (API S3 ada di 9000, bukan di port console).',
		},
		source:
			'https://github.com/milvus-io/milvus/issues/21097, https://github.com/milvus-io/milvus/issues/45688',
	},
	{
		id: 'minio-bucket-check-failed',
		symptom: 'object-storage',
		weight: 55,
		component: 'minio',
		patterns: [/failed to check blob bucket exist/i],
		explain: {
			en: 'Milvus could not check its bucket in MinIO/S3 at start-up. The error after it says why: credentials (Access Denied), address, or MinIO not ready.',
			id: 'Milvus gagal memeriksa bucket-nya di MinIO/S3 saat boot. Error sesudahnya menjelaskan sebabnya: kredensial ("Access Denied"), alamat, atau MinIO yang belum siap.',
		},
		source:
			'milvus-io/milvus internal/storage/minio_chunk_manager.go; https://github.com/zilliztech/milvus-helm/issues/289',
	},
	{
		id: 'minio-bucket-missing',
		symptom: 'object-storage',
		weight: 70,
		component: 'minio',
		patterns: [/The specified bucket does not exist/i],
		explain: {
			en: 'The bucket named in minio.bucketName does not exist and Milvus may not create it. Create the bucket or fix the name.',
			id: 'Bucket yang disebut di minio.bucketName tidak ada dan Milvus tidak boleh membuatnya. Buat bucket-nya atau perbaiki namanya.',
		},
		source: 'https://github.com/zilliztech/milvus-backup/issues/292 (S3 NoSuchBucket)',
	},
	{
		id: 'port-in-use',
		symptom: 'boot',
		weight: 90,
		component: 'milvus',
		patterns: [/bind: address already in use/i, /fail to create external grpc listener/i],
		explain: {
			en: 'Another process already listens on the port (19530, 9091 or 2379). Stop the old container or process, or change the port mapping.',
			id: 'Ada proses lain yang sudah listen di port itu (19530, 9091 atau 2379). Hentikan container atau proses lama, atau ganti port mapping-nya.',
		},
		source:
			'https://github.com/milvus-io/milvus/issues/45629, https://github.com/milvus-io/milvus/issues/29487',
	},
	{
		id: 'healthz-components-unhealthy',
		symptom: 'boot',
		weight: 50,
		component: 'milvus',
		patterns: [/Not all components are (?:healthy|registered)/i],
		explain: {
			en: '/healthz on 9091 reports that some components did not come up. Read the logs of the component that is missing.',
			id: '/healthz di 9091 melaporkan ada komponen yang belum berjalan. Baca log komponen yang belum muncul itu.',
		},
		source: 'milvus-io/milvus internal/http/healthz/healthz_handler.go',
	},
	{
		id: 'milvus-probe-failed',
		symptom: 'boot',
		weight: 40,
		component: 'kubernetes',
		patterns: [
			/(?:Readiness|Liveness|Startup) probe failed:.*(?::9091\b|healthz|statuscode: 500)/i,
		],
		explain: {
			en: 'Kubernetes sees the Milvus health endpoint (9091) failing, so the pod is not Ready or gets restarted. The container log says why.',
			id: 'Kubernetes melihat endpoint health Milvus (9091) gagal, jadi pod tidak Ready atau dimulai ulang. Alasannya ada di log container.',
		},
		source:
			'zilliztech/milvus-helm charts/milvus templates: readiness probe /healthz on 9091, liveness TCP 9091',
	},
	{
		id: 'cpu-illegal-instruction',
		symptom: 'boot',
		weight: 75,
		component: 'docker',
		patterns: [/\bIllegal instruction\b/i, /SIGILL/, /exited with code 132\b/],
		explain: {
			en: 'The CPU lacks an instruction set the Milvus image needs (SSE4.2/AVX), or the image runs under emulation. Run on a host whose CPU supports it.',
			id: 'CPU tidak punya instruction set yang dibutuhkan image Milvus (SSE4.2/AVX), atau image berjalan lewat emulasi. Jalankan di host yang CPU-nya mendukung.',
		},
		source: 'https://milvus.io/docs/prerequisite-docker.md (CPU instruction set requirements)',
	},
	{
		id: 'image-wrong-arch',
		symptom: 'boot',
		weight: 75,
		component: 'docker',
		patterns: [/exec format error/i],
		explain: {
			en: 'The image was built for another CPU architecture (amd64 vs arm64). Pull the image for this platform.',
			id: 'Image-nya dibuat untuk arsitektur CPU lain (amd64 vs arm64). Pull image untuk platform ini.',
		},
		source: 'Linux execve ENOEXEC as reported by the container runtime',
	},
	{
		id: 'volume-permission-denied',
		symptom: 'boot',
		weight: 70,
		component: 'milvus',
		patterns: [/(?:mkdir|open) \/var\/lib\/milvus\S*: permission denied/i],
		explain: {
			en: 'Milvus cannot write to its data volume (/var/lib/milvus). Fix the ownership or permissions of the mounted folder.',
			id: 'Milvus tidak bisa menulis ke volume datanya (/var/lib/milvus). Perbaiki owner atau permission folder yang dipasang.',
		},
		source:
			'milvus-io/milvus deployments/docker/standalone/docker-compose.yml (volume ${DOCKER_VOLUME_DIRECTORY}/volumes/milvus:/var/lib/milvus)',
	},
	{
		id: 'rocksmq-lock-held',
		symptom: 'boot',
		weight: 75,
		component: 'milvus',
		patterns: [/While lock file: \S*LOCK: Resource temporarily unavailable/i],
		explain: {
			en: 'Another Milvus standalone already holds the RocksMQ lock on the same data folder. Run only one standalone per volume.',
			id: 'Ada Milvus standalone lain yang sudah memegang lock RocksMQ di direktori data yang sama. Jalankan hanya satu standalone per volume.',
		},
		source: 'RocksDB DB::Open lock error (rocksmq under /var/lib/milvus/rdb_data)',
	},
	{
		id: 'pulsar-unreachable',
		symptom: 'boot',
		weight: 65,
		component: 'pulsar',
		patterns: [
			/:6650\b.*(?:connection refused|i\/o timeout|no such host)/i,
			/lookup [\w.-]*pulsar[\w.-]*(?: on \S*)?: no such host/i,
		],
		explain: {
			en: 'Milvus cannot reach the Pulsar broker (6650). Check that the Pulsar pods are Running and pulsar.address is right.',
			id: 'Milvus tidak bisa menjangkau broker Pulsar (6650). Periksa apakah pod Pulsar berstatus Running dan pulsar.address sudah benar.',
		},
		source: 'milvus.yaml pulsar.port 6650; Pulsar Go client dial errors',
	},
	{
		id: 'kafka-unreachable',
		symptom: 'boot',
		weight: 60,
		component: 'kafka',
		patterns: [
			/:9092\b.*(?:connection refused|failed|i\/o timeout)/i,
			/client has run out of available brokers/i,
		],
		explain: {
			en: 'Milvus cannot reach the Kafka brokers (9092). Check kafka.brokerList and that Kafka is up.',
			id: 'Milvus tidak bisa menjangkau broker Kafka (9092). Periksa kafka.brokerList dan pastikan Kafka berjalan.',
		},
		source: 'milvus.yaml kafka.brokerList; librdkafka / sarama connection errors',
	},

	// ───────────────────────── runtime-compat ─────────────────────────
	{
		id: 'sdk-incompatible',
		symptom: 'runtime-compat',
		weight: 95,
		component: 'sdk',
		patterns: [/this version of sdk is incompatible with (?:the )?server/i],
		explain: {
			en: 'The SDK called an RPC the server does not have: the SDK is newer than the server. Match the SDK to the server version (or check the port first).',
			id: 'SDK memanggil RPC yang tidak dimiliki server, karena SDK lebih baru dari server. Samakan versi SDK dengan server, atau periksa dulu port-nya.',
		},
		source:
			'https://github.com/milvus-io/pymilvus/issues/1531, https://github.com/zilliztech/milvus-backup/issues/151, milvus-sdk-node milvus/grpc/BaseClient.ts',
	},
	{
		id: 'sdk-version-error',
		symptom: 'runtime-compat',
		weight: 90,
		component: 'sdk',
		patterns: [
			/VersionError: Version of python SDK\b/i,
			/Version of python SDK\S* not match that of server/i,
		],
		explain: {
			en: 'pymilvus checked the server version at connect and refused it: install the pymilvus release made for your server version.',
			id: 'Saat terhubung, pymilvus memeriksa versi server dan menolaknya. Pasang rilis pymilvus yang dibuat untuk versi server Anda.',
		},
		source:
			'https://github.com/milvus-io/pymilvus/issues/308, https://github.com/milvus-io/milvus/issues/4786 (milvus/client/pool.py VersionError)',
	},
	{
		id: 'incorrect-port-or-sdk',
		symptom: 'runtime-compat',
		weight: 95,
		component: 'sdk',
		patterns: [/Incorrect port or sdk is incompatible with server/i],
		explain: {
			en: 'pymilvus got UNIMPLEMENTED. Most often the client points at the wrong port (9091 instead of 19530); otherwise the SDK is newer than the server.',
			id: 'pymilvus menerima UNIMPLEMENTED. Paling sering, klien menunjuk ke port yang salah (9091, bukan 19530). Kalau bukan itu, SDK lebih baru dari server.',
		},
		source:
			'https://github.com/milvus-io/milvus/issues/38255, https://github.com/milvus-io/pymilvus/issues/2355',
	},
	{
		id: 'received-unimplemented',
		symptom: 'runtime-compat',
		weight: 95,
		component: 'sdk',
		patterns: [/Received UNIMPLEMENTED from server/i],
		explain: {
			en: 'pymilvus 2.6.11+ says the server does not implement the call: check the uri uses the gRPC port 19530, then match pymilvus to the server.',
			id: 'pymilvus 2.6.11+ melaporkan bahwa server tidak punya panggilan itu. Pastikan uri memakai port gRPC 19530, lalu samakan versi pymilvus dengan server.',
		},
		source: 'milvus-io/pymilvus pymilvus/decorators.py (PR #3315)',
	},
	{
		id: 'unknown-method-connect',
		symptom: 'runtime-compat',
		weight: 98,
		component: 'sdk',
		patterns: [/unknown method Connect for service milvus\.proto\.milvus\.MilvusService/],
		explain: {
			en: 'pymilvus 2.2.9 or later against a server older than 2.2.9: upgrade the server, or pin pymilvus below 2.2.9.',
			id: 'pymilvus 2.2.9 ke atas dipakai dengan server di bawah 2.2.9. Naikkan versi server, atau kunci pymilvus di bawah 2.2.9.',
		},
		source: 'https://github.com/milvus-io/milvus/issues/24444',
	},
	{
		id: 'unknown-method',
		symptom: 'runtime-compat',
		weight: 90,
		component: 'sdk',
		patterns: [
			/unknown method \w+ for service milvus\.proto\./,
			/UNIMPLEMENTED: unknown method/i,
			/\bunknown method [A-Z]\w+/,
		],
		explain: {
			en: 'The client used an API the server version does not have. Upgrade the server or use the SDK release that matches it.',
			id: 'Klien memakai API yang belum ada di versi server itu. Naikkan versi server, atau pakai rilis SDK yang sesuai dengan server.',
		},
		source:
			'https://github.com/milvus-io/pymilvus/issues/1298, https://github.com/milvus-io/milvus/issues/41992, https://github.com/milvus-io/milvus-docs/issues/2146',
	},
	{
		id: 'grpc-unimplemented',
		symptom: 'runtime-compat',
		weight: 80,
		component: 'sdk',
		patterns: [
			/StatusCode\.UNIMPLEMENTED/,
			/\bcode = Unimplemented\b/,
			/\b12 UNIMPLEMENTED\b/,
			// Java SDK (io.grpc.StatusRuntimeException: UNIMPLEMENTED) and old Go SDK (rpc error: Unimplemented desc =)
			/StatusRuntimeException: UNIMPLEMENTED\b/,
			/rpc error: Unimplemented desc =/,
		],
		explain: {
			en: 'A gRPC UNIMPLEMENTED status: the server (or whatever listens on that port) does not know the call. Check the port, then the versions.',
			id: 'Status gRPC UNIMPLEMENTED: server (atau apa pun yang listen di port itu) tidak mengenal panggilan tersebut. Periksa port-nya, lalu versinya.',
		},
		source:
			'gRPC status code 12 UNIMPLEMENTED (https://grpc.github.io/grpc/core/md_doc_statuscodes.html)',
	},
	{
		id: 'grpc-to-http-port',
		symptom: 'runtime-compat',
		weight: 92,
		component: 'sdk',
		patterns: [
			/Trying to connect an http1\.x server/i,
			/Received http2 header with status: 404/i,
			/Received HTTP status code 404/i,
		],
		explain: {
			en: 'False alarm for a version problem: the client speaks gRPC to an HTTP port (usually 9091). Point the client at 19530.',
			id: 'Bukan masalah versi: klien berbicara gRPC ke port HTTP (biasanya 9091). Arahkan klien ke 19530.',
		},
		source:
			'gRPC core/grpc-js errors when the peer answers HTTP/1.x or a 404; Milvus serves /healthz and /metrics on 9091',
	},
	{
		id: 'dynamic-schema-unsupported',
		symptom: 'runtime-compat',
		weight: 90,
		component: 'sdk',
		patterns: [/doesn't support dynamic schema, please upgrade your server/i],
		explain: {
			en: 'The Node SDK needs a server with dynamic schema (2.2.9+). Upgrade the server or use an older SDK.',
			id: 'Node SDK butuh server yang mendukung dynamic schema (2.2.9+). Naikkan versi server, atau pakai SDK yang lebih lama.',
		},
		source: 'milvus-io/milvus-sdk-node utils/Validate.ts',
	},
	{
		id: 'pymilvus-too-old',
		symptom: 'runtime-compat',
		weight: 80,
		component: 'sdk',
		patterns: [
			/cannot import name '?MilvusClient'? from '?pymilvus'?/i,
			/module '?pymilvus'? has no attribute '?MilvusClient'?/i,
		],
		explain: {
			en: 'The installed pymilvus predates MilvusClient (added in 2.2.9). Install the pymilvus release that matches your server.',
			id: 'pymilvus yang terpasang lebih tua dari MilvusClient (ada sejak 2.2.9). Pasang rilis pymilvus yang sesuai dengan server.',
		},
		source:
			'pymilvus 2.2.9 release (MilvusClient), https://milvus.io/api-reference/pymilvus/v2.6.x/About.md',
	},

	// ─────────────────────────── api-errors ───────────────────────────
	{
		id: 'collection-not-loaded',
		symptom: 'api-errors',
		weight: 80,
		component: 'milvus',
		patterns: [/collection not loaded/i, /has not been loaded to memory/i, /\bcode=101\b/],
		explain: {
			en: 'Search or query on a collection that is not loaded (code 101). Call load_collection and wait until it is loaded.',
			id: 'Search atau query ke collection yang belum dimuat dengan load (code 101). Panggil load_collection dan tunggu sampai selesai.',
		},
		source:
			'milvus-io/milvus pkg/util/merr/errors.go; https://github.com/milvus-io/milvus/issues/33181, https://github.com/milvus-io/milvus/issues/23178',
	},
	{
		id: 'collection-not-fully-loaded',
		symptom: 'api-errors',
		weight: 80,
		component: 'milvus',
		patterns: [/collection not fully loaded/i, /\bcode=103\b/],
		explain: {
			en: 'Loading has not finished (code 103). Wait for the load progress to reach 100% before searching.',
			id: 'Proses load belum selesai (code 103). Tunggu progress load sampai 100% sebelum search.',
		},
		source: 'milvus-io/milvus pkg/util/merr/errors.go',
	},
	{
		id: 'collection-not-found',
		symptom: 'api-errors',
		weight: 80,
		component: 'milvus',
		patterns: [
			/collection not found/i,
			/can't find collection/i,
			/\bCollectionNotExists\b/,
			/\bcode=100\b/,
		],
		explain: {
			en: 'The collection does not exist in this database (code 100, legacy CollectionNotExists). Check the name and the database (db_name).',
			id: 'Collection-nya tidak ada di database ini (code 100, dulu CollectionNotExists). Periksa nama dan database-nya (db_name).',
		},
		source:
			'milvus-io/milvus pkg/util/merr/errors.go; https://github.com/milvus-io/pymilvus/issues/3750',
	},
	{
		id: 'partition-not-found',
		symptom: 'api-errors',
		weight: 75,
		component: 'milvus',
		patterns: [/partition not (?:found|loaded)/i, /\bcode=20[01]\b/],
		explain: {
			en: 'The partition does not exist or is not loaded (codes 200/201). List the partitions and load the one you search.',
			id: 'Partition-nya tidak ada atau belum dimuat dengan load (code 200/201). Lihat daftar partition, lalu jalankan load untuk partition yang akan dicari.',
		},
		source: 'milvus-io/milvus pkg/util/merr/errors.go',
	},
	{
		id: 'index-not-found',
		symptom: 'api-errors',
		weight: 75,
		component: 'milvus',
		patterns: [
			/index not found/i,
			/index doesn't exist/i,
			/there is no index on/i,
			/\bIndexNotExist\b/,
			/\bcode=700\b/,
		],
		explain: {
			en: 'No index on the field (code 700, legacy IndexNotExist). Create the index on the vector field before loading.',
			id: 'Field itu belum punya index (code 700, dulu IndexNotExist). Buat index di field vektor sebelum load.',
		},
		source: 'milvus-io/milvus pkg/util/merr/errors.go; milvus-proto common.proto',
	},
	{
		id: 'database-not-found',
		symptom: 'api-errors',
		weight: 75,
		component: 'milvus',
		patterns: [/database not found/i, /\bcode=800\b/],
		explain: {
			en: 'The database named in the connection or call does not exist (code 800). Create it or fix db_name.',
			id: 'Database yang disebut di koneksi atau panggilan tidak ada (code 800). Buat dulu database-nya, atau perbaiki db_name.',
		},
		source: 'milvus-io/milvus pkg/util/merr/errors.go',
	},
	{
		id: 'field-not-found',
		symptom: 'api-errors',
		weight: 75,
		component: 'milvus',
		patterns: [/field not found/i, /\bcode=1700\b/],
		explain: {
			en: 'A field named in the request is not in the schema (code 1700). Check output_fields, filters and anns_field against describe_collection.',
			id: 'Ada field di request yang tidak ada di schema (code 1700). Cocokkan output_fields, filter, dan anns_field dengan describe_collection.',
		},
		source: 'milvus-io/milvus pkg/util/merr/errors.go',
	},
	{
		id: 'invalid-parameter',
		symptom: 'api-errors',
		weight: 70,
		component: 'milvus',
		patterns: [/invalid parameter/i, /\bIllegalArgument\b/, /\bcode=1100\b/],
		explain: {
			en: 'The server rejected an argument (code 1100, legacy IllegalArgument). The message names the parameter and the expected value.',
			id: 'Server menolak salah satu argumen (code 1100, dulu IllegalArgument). Pesan error-nya menyebut parameter dan nilai yang diharapkan.',
		},
		source: 'milvus-io/milvus pkg/util/merr/errors.go; milvus-proto common.proto',
	},
	{
		id: 'not-authenticated',
		symptom: 'api-errors',
		weight: 80,
		component: 'milvus',
		patterns: [/not authenticated/i, /auth check failure/i, /\bcode=1400\b/],
		explain: {
			en: 'Authentication is on and the user/password or token is wrong or missing (code 1400).',
			id: 'Autentikasi aktif dan user/password atau token salah atau tidak dikirim (code 1400).',
		},
		source: 'milvus-io/milvus pkg/util/merr/errors.go',
	},
	{
		id: 'privilege-denied',
		symptom: 'api-errors',
		weight: 80,
		component: 'milvus',
		patterns: [
			/privilege not permitted/i,
			/\bPermissionDenied\b/,
			/permission deny/i,
			/\bcode=1401\b/,
		],
		explain: {
			en: 'The user is authenticated but lacks the privilege for this call (code 1401). Grant the role the privilege.',
			id: 'User sudah login, tetapi tidak punya privilege untuk panggilan ini (code 1401). Berikan privilege itu ke role-nya.',
		},
		source:
			'milvus-io/milvus pkg/util/merr/errors.go; milvus-proto common.proto (PermissionDenied = 3)',
	},
	{
		id: 'rate-or-quota-limit',
		symptom: 'api-errors',
		weight: 75,
		component: 'milvus',
		patterns: [
			/rate limit exceeded/i,
			/\b(?:Memory|Disk)QuotaExhausted\b/,
			/memory quota exhausted/i,
			/quota exceeded/i,
			/deny to write/i,
			/\bRateLimit\b/,
			/\bcode=(?:8|9)\b/,
		],
		explain: {
			en: 'The server throttled or refused the call (rate limit, memory or disk quota, codes 8/9). Slow down writes, add resources, or raise quotaAndLimits.',
			id: 'Server membatasi atau menolak panggilan (rate limit, kuota memori atau disk, code 8/9). Kurangi laju write, tambah resource, atau naikkan quotaAndLimits.',
		},
		source:
			'milvus-io/milvus pkg/util/merr/errors.go; milvus-proto common.proto (RateLimit 49, MemoryQuotaExhausted 53, DiskQuotaExhausted 54)',
	},
	{
		id: 'no-replica-available',
		symptom: 'api-errors',
		weight: 70,
		component: 'milvus',
		patterns: [
			/no available shard delegator/i,
			/\bNoReplicaAvailable\b/,
			/replica not available/i,
			/\bcode=401\b/,
		],
		explain: {
			en: 'No query node serves this collection right now (code 401). Check the querynode pods, then release and load the collection again.',
			id: 'Tidak ada query node yang melayani collection ini sekarang (code 401). Periksa pod querynode, lalu release dan load ulang collection-nya.',
		},
		source:
			'milvus-io/milvus pkg/util/merr/errors.go; milvus-proto common.proto (NoReplicaAvailable = 46)',
	},
	{
		id: 'server-unreachable',
		// Nothing answered on 19530: Milvus is not up (or not there), which is the boot page's question.
		symptom: 'boot',
		weight: 70,
		component: 'sdk',
		patterns: [/Fail connecting to server on/i, /illegal connection params or server unavailable/i],
		explain: {
			en: 'The client could not reach Milvus on port 19530 (code 2): Milvus is down, still starting, or the host or port is wrong. Check /healthz on 9091 and the Milvus logs.',
			id: 'Klien tidak bisa menjangkau Milvus di port 19530 (code 2): Milvus mati, masih dalam proses boot, atau host atau port-nya salah. Periksa /healthz di 9091 dan log Milvus.',
		},
		source:
			'https://github.com/milvus-io/pymilvus/issues/1950, https://github.com/milvus-io/milvus/issues/36663',
	},
	{
		id: 'service-not-ready',
		symptom: 'api-errors',
		weight: 55,
		component: 'milvus',
		patterns: [/\bservice (?:not ready|unavailable)\b/i],
		explain: {
			en: 'The proxy answered but is not ready to serve (codes 1/2). Wait for /healthz to return OK; if it does not, read the boot logs.',
			id: 'Proxy menjawab, tetapi belum siap melayani (code 1/2). Tunggu sampai /healthz mengembalikan OK. Kalau tidak juga, baca log boot.',
		},
		source: 'milvus-io/milvus pkg/util/merr/errors.go',
	},
	{
		id: 'call-timeout',
		symptom: 'api-errors',
		weight: 55,
		component: 'sdk',
		patterns: [/StatusCode\.DEADLINE_EXCEEDED/, /\bDEADLINE_EXCEEDED\b/, /\bcode=10001\b/],
		explain: {
			en: 'The call ran past its timeout (code 10001). Raise the client timeout or look for a slow or overloaded node.',
			id: 'Panggilan melewati batas timeout (code 10001). Naikkan timeout di klien, atau cari node yang lambat atau kelebihan beban.',
		},
		source: 'milvus-io/milvus pkg/util/merr/errors.go; gRPC status DEADLINE_EXCEEDED',
	},
	{
		id: 'unexpected-error',
		symptom: 'api-errors',
		weight: 40,
		component: 'milvus',
		patterns: [/\bcode=65535\b/],
		explain: {
			en: 'Catch-all server error (code 65535): the message text is the real clue. Search it, and check the proxy and node logs at that time.',
			id: 'Error umum dari server (code 65535). Isi pesannya yang menjadi petunjuk. Cari teks itu, dan periksa log proxy serta node pada jam yang sama.',
		},
		source: 'milvus-io/milvus pkg/util/merr/errors.go',
	},
	{
		id: 'milvus-exception',
		symptom: 'api-errors',
		weight: 20,
		fallback: true,
		component: 'sdk',
		patterns: [
			/MilvusException:? \(?code=\d+/i,
			/\bio\.milvus\.\S*Exception\b/,
			/\berror_code['"]?\s*[:=]\s*['"]?(?:UnexpectedError|ConnectFailed|PermissionDenied|CollectionNotExists|IllegalArgument|IndexNotExist|NotShardLeader|NoReplicaAvailable|ForceDeny|RateLimit|MemoryQuotaExhausted|DiskQuotaExhausted)\b/,
		],
		explain: {
			en: 'An API call returned an error status. Run the api-errors runbook with the exact text to get the meaning of its code.',
			id: 'Sebuah panggilan API mengembalikan status error. Jalankan runbook api-errors dengan teks persisnya untuk mengetahui arti code-nya.',
		},
		source: 'milvus-proto common.proto (Status.error_code, Status.code); pymilvus MilvusException',
	},

	// ────────────────────────── etcd-pending ──────────────────────────
	{
		id: 'unbound-immediate-pvc',
		symptom: 'etcd-pending',
		weight: 90,
		component: 'kubernetes',
		patterns: [/pod has unbound immediate PersistentVolumeClaims/i],
		explain: {
			en: 'The scheduler cannot place the pod because its PVC is not bound. Usually no StorageClass is set and none is the default.',
			id: 'Scheduler tidak bisa menempatkan pod karena PVC-nya belum Bound. Biasanya StorageClass tidak diisi dan tidak ada yang default.',
		},
		source: 'kubernetes pkg/scheduler/framework/plugins/volumebinding (FailedScheduling event)',
	},
	{
		id: 'no-storage-class',
		symptom: 'etcd-pending',
		weight: 95,
		component: 'kubernetes',
		patterns: [/no persistent volumes available for this claim and no storage class is set/i],
		explain: {
			en: 'The PVC names no StorageClass and the cluster has no default one. Mark a StorageClass as default, then recreate the PVC.',
			id: 'PVC tidak menyebut StorageClass dan cluster tidak punya StorageClass default. Jadikan satu StorageClass default, lalu buat ulang PVC-nya.',
		},
		source: 'kubernetes persistentvolume-controller syncUnboundClaim (FailedBinding event)',
	},
	{
		id: 'storage-class-not-found',
		symptom: 'etcd-pending',
		weight: 90,
		component: 'kubernetes',
		patterns: [/storageclass\.storage\.k8s\.io "[^"]*" not found/i],
		explain: {
			en: 'The PVC asks for a StorageClass that does not exist. Use an existing class (kubectl get storageclass) and recreate the PVC.',
			id: 'PVC meminta StorageClass yang tidak ada. Pakai class yang ada (kubectl get storageclass) lalu buat ulang PVC-nya.',
		},
		source: 'kubernetes persistentvolume-controller (ProvisioningFailed event)',
	},
	{
		id: 'waiting-for-provisioner',
		symptom: 'etcd-pending',
		weight: 70,
		component: 'kubernetes',
		patterns: [/waiting for a volume to be created,? either by external provisioner/i],
		explain: {
			en: 'The StorageClass provisioner is not creating the volume. Check that the CSI driver / provisioner pods are running.',
			id: 'Provisioner StorageClass tidak membuat volume-nya. Periksa apakah pod CSI driver atau provisioner berjalan.',
		},
		source: 'kubernetes persistentvolume-controller (ExternalProvisioning event)',
	},
	{
		id: 'no-pv-to-bind',
		symptom: 'etcd-pending',
		weight: 80,
		component: 'kubernetes',
		patterns: [/didn't find available persistent volumes to bind/i],
		explain: {
			en: 'No PersistentVolume fits the claim and nothing provisions one. Set a default StorageClass or create a matching PV.',
			id: 'Tidak ada PersistentVolume yang cocok, dan tidak ada provisioner yang membuatnya. Jadikan satu StorageClass default, atau buat PV yang cocok.',
		},
		source: 'kubernetes scheduler volumebinding plugin (FailedScheduling event)',
	},
	{
		id: 'etcd-pod-pending',
		symptom: 'etcd-pending',
		weight: 60,
		component: 'kubernetes',
		patterns: [/\b[\w.-]*etcd-\d+\s+0\/1\s+Pending\b/],
		explain: {
			en: 'An etcd pod is stuck in Pending. Describe its PVC to see why it is not bound.',
			id: 'Pod etcd tertahan di Pending. Jalankan "kubectl describe" pada PVC-nya untuk melihat mengapa belum Bound.',
		},
		source: 'kubectl get pods output for the Bitnami etcd StatefulSet <release>-etcd',
	},
	{
		id: 'etcd-pvc-pending',
		symptom: 'etcd-pending',
		weight: 65,
		component: 'kubernetes',
		patterns: [/\bdata-[\w.-]*etcd-\d+\s+Pending\b/],
		explain: {
			en: 'The etcd PVC (data-<release>-etcd-N) is Pending: no volume was provisioned for it.',
			id: 'PVC etcd (data-<release>-etcd-N) masih Pending: belum ada volume yang disediakan untuknya.',
		},
		source: 'kubectl get pvc output for the Bitnami etcd StatefulSet volumeClaimTemplates (data)',
	},

	// ─────────────────────── etcd-bad-member-id ───────────────────────
	{
		id: 'bad-member-id-arg',
		symptom: 'etcd-bad-member-id',
		weight: 100,
		component: 'etcd',
		patterns: [/bad member ID arg/i],
		explain: {
			en: 'The etcd start script read an empty or broken /bitnami/etcd/data/member_id. Delete that file in the pod and restart it.',
			id: 'Script startup etcd membaca /bitnami/etcd/data/member_id yang kosong atau rusak. Hapus file itu di pod, lalu mulai ulang pod-nya.',
		},
		source:
			'Bitnami etcd libetcd.sh (2022) `etcdctl member update "$(cat member_id)"`; https://github.com/milvus-io/milvus/issues/17007',
	},
	{
		id: 'member-id-not-stored',
		symptom: 'etcd-bad-member-id',
		weight: 50,
		transient: true,
		component: 'etcd',
		patterns: [/Member ID wasn't properly stored/i],
		explain: {
			en: 'The old Bitnami start script found no member_id file and let the member join on its own. Harmless if the pod then runs; if it crash-loops, the member ID is the problem.',
			id: 'Script startup Bitnami lama tidak menemukan file member_id dan membiarkan member bergabung sendiri. Aman kalau pod-nya lalu berjalan. Kalau masuk crash loop, masalahnya ada di member ID.',
		},
		source:
			'bitnami/bitnami-docker-etcd d51e82a 3/debian-10 libetcd.sh (logged with info before etcdctl member update)',
	},
	{
		id: 'member-not-found',
		symptom: 'etcd-bad-member-id',
		weight: 60,
		component: 'etcd',
		patterns: [/etcdserver: member not found/i],
		explain: {
			en: 'etcdctl used a member ID the cluster no longer has, typically a stale member_id file. Delete it and restart the pod.',
			id: 'etcdctl memakai member ID yang sudah tidak ada di cluster, biasanya dari file member_id yang basi. Hapus file itu dan mulai ulang pod-nya.',
		},
		source: 'etcd server/etcdserver/api/membership errors (ErrIDNotFound "member not found")',
	},

	// ──────────────────────── etcd-multi-crash ────────────────────────
	{
		id: 'member-permanently-removed',
		symptom: 'etcd-multi-crash',
		weight: 95,
		component: 'etcd',
		patterns: [/the member has been permanently removed from the cluster/i],
		explain: {
			en: 'This member was removed from the cluster but still has its old data. Delete its PVC and let it join again with the cluster state set to existing; the runbook does it, also when the removed member is etcd-0.',
			id: 'Member ini sudah dikeluarkan dari cluster, tetapi masih menyimpan data lamanya. Hapus PVC-nya, lalu biarkan ia bergabung lagi dengan state cluster existing. Runbook-nya mengerjakan ini, juga kalau member yang dikeluarkan adalah etcd-0.',
		},
		source: 'etcd server/etcdserver/api/rafthttp (errMemberRemoved)',
	},
	{
		id: 'data-dir-must-be-removed',
		symptom: 'etcd-multi-crash',
		weight: 90,
		component: 'etcd',
		patterns: [/data-dir used by this member must be removed/i],
		explain: {
			en: 'etcd refuses to reuse the data of a removed member. The member must start from an empty data dir (new PVC).',
			id: 'etcd menolak memakai lagi data member yang sudah dikeluarkan. Member itu harus mulai dari direktori data kosong (PVC baru).',
		},
		source: 'etcd server/etcdserver/server.go (member removed, data-dir must be removed)',
	},
	{
		id: 'member-already-bootstrapped',
		symptom: 'etcd-multi-crash',
		weight: 95,
		component: 'etcd',
		patterns: [/has already been bootstrapped/i],
		explain: {
			en: 'A member starts with ETCD_INITIAL_CLUSTER_STATE=new but the cluster already knows it. Set the state to existing and rejoin one member at a time.',
			id: 'Member mulai berjalan dengan ETCD_INITIAL_CLUSTER_STATE=new, padahal cluster sudah mengenalnya. Ubah state ke existing dan gabungkan member satu per satu.',
		},
		source:
			'etcd server/etcdserver/bootstrap.go; reproduced with real etcd 3.4 members (fresh members with state new after scale 1 → 3)',
	},
	{
		id: 'cluster-id-mismatch',
		symptom: 'etcd-multi-crash',
		weight: 90,
		component: 'etcd',
		patterns: [/cluster ID mismatch/i],
		explain: {
			en: 'Members belong to two different clusters (split brain after a rebuild). Stop and rebuild the strays from the member that holds your data.',
			id: 'Member-member-nya berasal dari dua cluster berbeda (split brain setelah rebuild). Hentikan member yang keliru, lalu bangun ulang dari member yang menyimpan data.',
		},
		source: 'etcd server/etcdserver/api/rafthttp (request cluster ID mismatch)',
	},
	{
		id: 'no-active-endpoints',
		symptom: 'etcd-all-crash',
		weight: 85,
		component: 'etcd',
		patterns: [/No active endpoints in cluster/i],
		explain: {
			en: 'A member tries to join but no member is healthy to add it: every member is down or quorum is lost. With all members crashed, follow the all-crash recovery (one member first, restore, then the others); if one member still runs without quorum, use etcd-multi-crash instead.',
			id: 'Member mencoba bergabung, tetapi tidak ada member sehat yang bisa menambahkannya: semua member mati atau kuorum hilang. Kalau semua member crash, ikuti pemulihan all-crash: satu member dulu, restore, baru yang lain. Kalau masih ada satu member yang berjalan tanpa kuorum, pakai etcd-multi-crash.',
		},
		source: 'milvus-io/bitnami-docker-etcd libetcd.sh add_self_to_cluster',
	},
	{
		id: 'headless-no-ip-per-member',
		symptom: 'etcd-all-crash',
		weight: 85,
		component: 'etcd',
		patterns: [/Headless service domain does not have an IP per initial member/i],
		explain: {
			en: 'A single pod was started with the three-member ETCD_INITIAL_CLUSTER and waits for peers that do not exist. Set ETCD_INITIAL_CLUSTER to this one member (state new) before scaling to one.',
			id: 'Satu pod dijalankan dengan ETCD_INITIAL_CLUSTER berisi tiga member, dan menunggu peer yang tidak ada. Atur ETCD_INITIAL_CLUSTER ke member ini saja (state new) sebelum mengecilkan StatefulSet ke satu replika.',
		},
		source: 'milvus-io/bitnami-docker-etcd libetcd.sh etcd_initialize',
	},
	{
		id: 'not-enough-started-members',
		symptom: 'etcd-multi-crash',
		weight: 85,
		component: 'etcd',
		patterns: [/re-configuration failed due to not enough started members/i],
		explain: {
			en: 'A membership change needs a quorum of started members. Add members one at a time, after the previous one is healthy.',
			id: 'Perubahan membership butuh kuorum member yang sudah berjalan. Tambahkan member satu per satu, setelah member sebelumnya sehat.',
		},
		source: 'etcd server/etcdserver/errors.go (ErrNotEnoughStartedMembers)',
	},
	{
		id: 'no-leader',
		symptom: 'etcd-multi-crash',
		weight: 70,
		component: 'etcd',
		patterns: [/etcdserver: no leader/i],
		explain: {
			en: 'etcd has no leader: a majority of members is down. Check which members crash-loop and recover quorum.',
			id: 'etcd tidak punya leader: mayoritas member mati. Periksa member mana yang crash loop dan pulihkan kuorum.',
		},
		source: 'etcd server/etcdserver/errors.go (ErrNoLeader)',
	},
	{
		id: 'raft-tocommit-out-of-range',
		symptom: 'etcd-multi-crash',
		weight: 85,
		component: 'etcd',
		patterns: [/tocommit\(\d+\) is out of range \[lastIndex\(\d+\)\]/i],
		explain: {
			en: 'The member lost its raft log (empty data dir reused an old member ID). Remove the member, delete its PVC, and add it back as a new member.',
			id: 'Member kehilangan raft log-nya (direktori data kosong dengan member ID lama). Keluarkan member itu, hapus PVC-nya, lalu tambahkan lagi sebagai member baru.',
		},
		source: 'etcd raft/log.go commitTo',
	},
	{
		id: 'node-already-in-cluster',
		symptom: 'etcd-multi-crash',
		weight: 80,
		component: 'etcd',
		patterns: [/Node already in cluster with member_id/i],
		explain: {
			en: 'A stale member entry exists for this pod after its data was wiped. Remove that member ID from the cluster, then restart the pod.',
			id: 'Masih ada entri member basi untuk pod ini setelah datanya terhapus. Keluarkan member ID itu dari cluster, lalu mulai ulang pod-nya.',
		},
		source: 'milvus-io/bitnami-docker-etcd libetcd.sh add_self_to_cluster',
	},
	{
		id: 'peer-urls-count-unequal',
		symptom: 'etcd-multi-crash',
		weight: 85,
		component: 'etcd',
		patterns: [/member count is unequal/i],
		explain: {
			en: 'ETCD_INITIAL_CLUSTER does not match the real membership of an existing cluster. Align it with `etcdctl member list`.',
			id: 'ETCD_INITIAL_CLUSTER tidak sama dengan keanggotaan cluster yang sebenarnya. Samakan dengan hasil "etcdctl member list".',
		},
		source: 'etcd server/etcdserver/cluster_util.go ValidateClusterAndAssignIDs',
	},
	{
		id: 'publish-member-failed',
		symptom: 'etcd-multi-crash',
		weight: 65,
		component: 'etcd',
		patterns: [/failed to publish local member to cluster through raft/i],
		explain: {
			en: 'The member started but cannot commit to the cluster: quorum is missing. Check the other members.',
			id: 'Member sudah berjalan, tetapi tidak bisa commit ke cluster karena kuorum tidak ada. Periksa member lainnya.',
		},
		source: 'etcd server/etcdserver/server.go publishV3',
	},
	{
		id: 'peer-unreachable',
		symptom: 'etcd-multi-crash',
		weight: 40,
		transient: true,
		component: 'etcd',
		patterns: [
			/prober detected unhealthy status/i,
			/lost TCP streaming connection with remote peer/i,
			/failed to reach the peer URL/i,
		],
		explain: {
			en: 'This member cannot reach a peer. One peer down is survivable; if several are, quorum is lost.',
			id: 'Member ini tidak bisa menjangkau peer-nya. Satu peer mati masih aman. Kalau beberapa, kuorum hilang.',
		},
		source: 'etcd server/etcdserver/api/rafthttp (peer probing)',
	},

	// ─────────────────────────── etcd-nospace ───────────────────────────
	{
		id: 'etcd-database-space-exceeded',
		symptom: 'etcd-nospace',
		weight: 100,
		component: 'etcd',
		patterns: [/mvcc: database space exceeded/i],
		explain: {
			en: "etcd's database file reached its size quota, so etcd raised the NOSPACE alarm and refuses every write (reads still work). Compact old revisions, defragment the members one at a time, then disarm the alarm; no data needs deleting.",
			id: 'File database etcd sudah mencapai batas kuotanya, jadi etcd menyalakan alarm NOSPACE dan menolak semua write (read masih berjalan). Jalankan compaction untuk revisi lama, defrag member satu per satu, lalu matikan alarm-nya. Tidak ada data yang perlu dihapus.',
		},
		source:
			'etcd server/etcdserver/api/v3rpc/rpctypes (ErrNoSpace "etcdserver: mvcc: database space exceeded"); https://github.com/milvus-io/milvus/issues/44614, https://github.com/milvus-io/milvus/issues/49947, https://github.com/milvus-io/milvus/issues/14195',
	},
	{
		id: 'etcd-nospace-alarm',
		symptom: 'etcd-nospace',
		weight: 95,
		component: 'etcd',
		patterns: [/Active Alarm\(s\): NOSPACE/i, /\balarm:NOSPACE\b/, /alarm raised.*\bNOSPACE\b/i],
		explain: {
			en: 'The NOSPACE alarm is active: etcd went over its quota (quota-backend-bytes) and stays read-only until the alarm is disarmed, even after space is freed.',
			id: 'Alarm NOSPACE sedang aktif. etcd melewati kuotanya (quota-backend-bytes) dan tetap read-only sampai alarm-nya dimatikan, walaupun ruangnya sudah dikosongkan.',
		},
		source:
			'etcd server/etcdserver/apply.go (applierV3Capped, "Active Alarm(s)"), etcdctl alarm list ("memberID:… alarm:NOSPACE"); https://github.com/milvus-io/milvus/issues/14195',
	},

	// ────────────────────────── etcd-slow-disk ──────────────────────────
	{
		id: 'etcd-slow-fdatasync',
		symptom: 'etcd-slow-disk',
		weight: 90,
		component: 'etcd',
		patterns: [/\bslow fdatasync\b/i, /\bwal: sync duration of \S+, expected less than\b/i],
		explain: {
			en: "One fsync of etcd's write-ahead log took more than a second: the disk under etcd is too slow. Measure the p99 of WAL fsync on every member (under 10 ms is etcd's guidance) and move etcd to an SSD volume of its own.",
			id: 'Satu fsync pada write-ahead log etcd butuh lebih dari satu detik: disk di bawah etcd terlalu lambat. Ukur p99 fsync WAL di setiap member (panduan etcd: di bawah 10 ms), lalu pindahkan etcd ke volume SSD tersendiri.',
		},
		source:
			'etcd server/storage/wal/wal.go ("slow fdatasync", 3.4+; "sync duration of …, expected less than 1s" before); https://etcd.io/docs/v3.5/tuning/',
	},
	{
		id: 'etcd-heartbeat-overloaded',
		symptom: 'etcd-slow-disk',
		weight: 85,
		component: 'etcd',
		patterns: [/failed to send out heartbeat on time/i],
		explain: {
			en: 'The etcd leader could not send its heartbeats in time, usually because it was waiting for a slow disk. Followers may start an election and every write stalls; measure the disk latency of each member.',
			id: 'Leader etcd tidak sempat mengirim heartbeat tepat waktu, biasanya karena menunggu disk yang lambat. Follower bisa memulai pemilihan leader dan semua write tertahan. Ukur latensi disk tiap member.',
		},
		source:
			'etcd server/etcdserver/raft.go ("leader failed to send out heartbeat on time; took too long, leader is overloaded likely from slow disk")',
	},
	{
		id: 'etcd-apply-too-long',
		symptom: 'etcd-slow-disk',
		weight: 75,
		component: 'etcd',
		patterns: [/\bapply request took too long\b/i, /\bapply entries took too long\b/i],
		explain: {
			en: 'etcd needed more than 100 ms to apply a request. Now and then this is harmless; many of them mean etcd waits for its disk (or lacks CPU). Measure the WAL fsync and backend commit latency of every member.',
			id: 'etcd butuh lebih dari 100 ms untuk menerapkan sebuah request. Sesekali tidak apa-apa, tetapi kalau sering berarti etcd menunggu disk-nya (atau kekurangan CPU). Ukur latensi fsync WAL dan commit backend di setiap member.',
		},
		source:
			'etcd server/etcdserver/util.go (warnOfExpensiveRequest, "apply request took too long"); https://github.com/milvus-io/milvus/issues/40560',
	},
	{
		id: 'etcd-read-index-slow',
		symptom: 'etcd-slow-disk',
		weight: 70,
		component: 'etcd',
		patterns: [
			/waiting for ReadIndex response took too long/i,
			/timed out waiting for read index response/i,
		],
		explain: {
			en: 'A linearizable read waited too long for the leader to confirm it is still leader: the leader is overloaded, usually by a slow disk, or an election is under way.',
			id: 'Read yang linearizable terlalu lama menunggu leader memastikan bahwa dirinya masih leader. Leader kewalahan, biasanya karena disk yang lambat, atau sedang ada pemilihan leader.',
		},
		source: 'etcd server/etcdserver/v3_server.go (linearizableReadLoop, requestCurrentIndex)',
	},
	{
		id: 'milvus-slow-etcd-operation',
		symptom: 'etcd-slow-disk',
		weight: 70,
		component: 'milvus',
		patterns: [/\bSlow etcd operation\b/i],
		explain: {
			en: 'Milvus waited seconds for an etcd call. When this repeats without another etcd error, etcd is slow, most often because of its disk; measure the fsync latency of the etcd members.',
			id: 'Milvus menunggu beberapa detik untuk sebuah panggilan etcd. Kalau ini berulang tanpa error etcd lain, etcd sedang lambat, paling sering karena disk-nya. Ukur latensi fsync member etcd.',
		},
		source:
			'milvus pkg/kv/etcd/etcd_kv.go ("Slow etcd operation save/load"); https://github.com/milvus-io/milvus/issues/31175',
	},
	{
		id: 'milvus-disconnected-from-etcd',
		symptom: 'etcd-slow-disk',
		weight: 55,
		component: 'milvus',
		patterns: [/disconnected from etcd and exited/i, /disconnected from etcd, process will exit/i],
		explain: {
			en: 'A Milvus component could not renew its etcd session in time and exited (it is started again). If etcd itself runs, a slow etcd disk is the usual cause; if etcd pods crash, see the etcd crash pages.',
			id: 'Sebuah komponen Milvus tidak sempat memperpanjang session etcd-nya lalu berhenti (komponen itu dijalankan lagi). Kalau etcd sendiri berjalan, penyebab yang biasa adalah disk etcd yang lambat. Kalau pod etcd crash, lihat halaman crash etcd.',
		},
		source:
			'milvus internal/*/server.go ("disconnected from etcd and exited"), internal/querynode ("Query Node disconnected from etcd, process will exit"); https://github.com/milvus-io/milvus/issues/40560, https://github.com/milvus-io/milvus/issues/26846',
	},

	// ─────────────────────────── etcd-image-pull ───────────────────────────
	// Only etcd images: a Milvus, MinIO or Pulsar image that cannot be pulled is not this page, and neither is
	// the control plane's own etcd (registry.k8s.io/etcd, pulled by kubeadm).
	{
		id: 'bitnami-etcd-image-gone',
		symptom: 'etcd-image-pull',
		weight: 100,
		component: 'kubernetes',
		patterns: [
			new RegExp(
				`(?:Failed to pull image|Back-off pulling image|failed to pull and unpack image|failed to resolve reference) "${BITNAMI_ETCD}"`,
				'i',
			),
			new RegExp(`manifest for ${BITNAMI_ETCD} not found`, 'i'),
			/reading manifest \S+ in (?:docker\.io\/)?bitnami\/etcd: manifest unknown/i,
		],
		explain: {
			en: 'The node cannot pull the Bitnami etcd image: since August 2025 Bitnami no longer publishes its versioned images under docker.io/bitnami. The same image, same tag, is docker.io/bitnamilegacy/etcd; point the etcd StatefulSet at it (or at milvusdb/etcd) and pin it in the Helm values.',
			id: 'Node tidak bisa menarik image etcd Bitnami. Sejak Agustus 2025 Bitnami tidak lagi menerbitkan image berversi di docker.io/bitnami. Image yang sama, dengan tag yang sama, ada di docker.io/bitnamilegacy/etcd. Arahkan StatefulSet etcd ke sana (atau ke milvusdb/etcd), lalu kunci pilihan itu di value Helm.',
		},
		source:
			'kubelet pkg/kubelet/images (Failed to pull image "…": …, Back-off pulling image "…"), containerd (failed to resolve reference "…": …: not found), dockerd (manifest for … not found: manifest unknown); https://github.com/zilliztech/milvus-operator/issues/399, https://github.com/zilliztech/milvus-helm/issues/253, https://github.com/ai-dynamo/dynamo/issues/4322',
	},
	{
		id: 'etcd-image-pull-failed',
		symptom: 'etcd-image-pull',
		weight: 70,
		component: 'kubernetes',
		patterns: [
			new RegExp(
				`(?:Failed to pull image|Back-off pulling image|failed to pull and unpack image|failed to resolve reference) "${ANY_ETCD}"`,
				'i',
			),
			new RegExp(`manifest for ${ANY_ETCD} not found`, 'i'),
		],
		explain: {
			en: 'The node cannot pull the etcd image the StatefulSet names (a tag that no longer exists, a registry it cannot reach). Point the StatefulSet at an image the node can pull, the same etcd version, and pin it in the Helm values.',
			id: 'Node tidak bisa menarik image etcd yang disebut StatefulSet (tag-nya sudah tidak ada, atau registry-nya tidak terjangkau). Arahkan StatefulSet ke image yang bisa ditarik node dengan versi etcd yang sama, lalu kunci pilihan itu di value Helm.',
		},
		source:
			'kubelet pkg/kubelet/images (Failed to pull image "…": …); https://github.com/zilliztech/milvus-operator/issues/399',
	},
	{
		id: 'etcd-pod-image-pull-status',
		symptom: 'etcd-image-pull',
		weight: 60,
		component: 'kubernetes',
		patterns: [/\betcd-\d+\s+0\/\d+\s+(?:ErrImagePull|ImagePullBackOff)\b/],
		explain: {
			en: "An etcd pod is waiting for its image: the kubelet cannot pull it. `kubectl describe pod` names the image and the registry's answer.",
			id: 'Pod etcd sedang menunggu image-nya karena kubelet tidak bisa menariknya. `kubectl describe pod` menampilkan nama image dan jawaban registry.',
		},
		source: 'kubectl get pods (STATUS is the waiting reason ErrImagePull / ImagePullBackOff)',
	},

	// ───────────────────────── etcd-all-crash ─────────────────────────
	{
		id: 'recover-backend-from-snapshot',
		symptom: 'etcd-all-crash',
		weight: 95,
		component: 'etcd',
		patterns: [
			/failed to recover v3 backend from snapshot/i,
			/recovering backend from snapshot error/i,
		],
		explain: {
			en: 'etcd cannot rebuild its database from the snapshot, so the member cannot start. Copy member/snap/db off the PVC before anything else.',
			id: 'etcd tidak bisa membangun ulang database dari snapshot, jadi member tidak bisa berjalan. Salin member/snap/db dari PVC sebelum melakukan apa pun.',
		},
		source:
			'https://github.com/etcd-io/etcd/issues/14569, https://github.com/etcd-io/etcd/issues/14749',
	},
	{
		id: 'snapshot-db-missing',
		symptom: 'etcd-all-crash',
		weight: 85,
		component: 'etcd',
		patterns: [/snap: snapshot file doesn't exist/i, /failed to find database snapshot file/i],
		explain: {
			en: 'The <index>.snap.db the WAL expects is missing (often after a power loss). Back up member/snap/db and restore from it.',
			id: 'File <index>.snap.db yang dibutuhkan WAL hilang (sering terjadi setelah listrik mati). Buat backup member/snap/db, lalu pulihkan dari situ.',
		},
		source:
			'https://github.com/etcd-io/etcd/issues/14569, https://github.com/etcd-io/etcd/issues/12492',
	},
	{
		id: 'bbolt-unreachable-pages',
		symptom: 'etcd-all-crash',
		weight: 95,
		component: 'etcd',
		patterns: [/freepages: failed to get all reachable pages/i],
		explain: {
			en: 'The bbolt database file (member/snap/db) is corrupted. Copy it off the PVC and extract the keys offline.',
			id: 'File database bbolt (member/snap/db) rusak. Salin dari PVC dan ambil key-nya secara offline.',
		},
		source:
			'https://github.com/etcd-io/bbolt/issues/335, https://github.com/etcd-io/etcd/issues/10722',
	},
	{
		id: 'bbolt-page-already-freed',
		symptom: 'etcd-all-crash',
		weight: 90,
		component: 'etcd',
		patterns: [/panic: page \d+ already freed/i],
		explain: {
			en: 'bbolt found a page freed twice: the db file is corrupted. Copy member/snap/db off the PVC before it gets worse.',
			id: 'bbolt menemukan page yang dibebaskan dua kali: file db rusak. Salin member/snap/db dari PVC sebelum kerusakannya bertambah.',
		},
		source:
			'https://github.com/etcd-io/etcd/issues/17084, https://github.com/etcd-io/bbolt/issues/29',
	},
	{
		id: 'bbolt-page-assertion',
		symptom: 'etcd-all-crash',
		weight: 90,
		component: 'etcd',
		patterns: [/assertion failed: Page expected to be: \d+, but self identifies as \d+/i],
		explain: {
			en: 'A bbolt page holds the wrong content (torn write after a power loss). The db file is corrupted; copy it and recover the keys offline.',
			id: 'Sebuah page bbolt berisi data yang salah (write terpotong setelah listrik mati). File db rusak; salin dan pulihkan key-nya secara offline.',
		},
		source: 'https://github.com/etcd-io/etcd/issues/18096',
	},
	{
		id: 'bbolt-invalid-database',
		symptom: 'etcd-all-crash',
		weight: 85,
		component: 'etcd',
		patterns: [/\binvalid database\b/i, /invalid freelist page/i, /invalid page type/i],
		explain: {
			en: 'bbolt does not recognise the db file (bad meta pages or freelist). Copy member/snap/db and try the other meta page offline.',
			id: 'bbolt tidak mengenali file db (meta page atau freelist rusak). Salin member/snap/db, lalu coba meta page yang satunya secara offline.',
		},
		source: 'etcd-io/bbolt errors.go (ErrInvalid), https://github.com/etcd-io/bbolt/issues/446',
	},
	{
		id: 'backend-open-failed',
		symptom: 'etcd-all-crash',
		weight: 80,
		component: 'etcd',
		patterns: [/failed to open database/i, /cannot open database at/i],
		explain: {
			en: 'etcd cannot open member/snap/db. If every member says this, the data must be recovered from a copy of that file.',
			id: 'etcd tidak bisa membuka member/snap/db. Kalau semua member begini, data harus dipulihkan dari salinan file itu.',
		},
		source: 'etcd server/storage/backend/backend.go (lg.Panic "failed to open database")',
	},
	{
		id: 'wal-crc-mismatch',
		symptom: 'etcd-all-crash',
		weight: 85,
		component: 'etcd',
		patterns: [/\b(?:walpb|wal): crc mismatch/i],
		explain: {
			en: 'The write-ahead log is corrupted. Keep a copy of the data dir; the keys in member/snap/db can still be recovered.',
			id: 'Write-ahead log rusak. Simpan salinan direktori data. Key di member/snap/db masih bisa dipulihkan.',
		},
		source: 'etcd server/storage/wal/walpb (ErrCRCMismatch)',
	},
	// ───────────────────────── channel-unavailable ─────────────────────────
	{
		id: 'channel-not-available',
		symptom: 'channel-unavailable',
		weight: 90,
		component: 'milvus',
		patterns: [/channel not available\[channel=/i],
		explain: {
			en: 'No query node serves one shard (DML channel) of the collection: query nodes restarted or are not ready. Check the querynode pods, wait for recovery, then load the collection again.',
			id: 'Tidak ada query node yang melayani salah satu shard (channel DML) collection, karena query node dimulai ulang atau belum siap. Periksa pod querynode, tunggu sampai dipulihkan, lalu load ulang collection-nya.',
		},
		source:
			'https://github.com/milvus-io/milvus/issues/31029, https://github.com/milvus-io/milvus/issues/36593; pkg/util/merr/errors.go ErrChannelNotAvailable (503)',
	},
	{
		id: 'delegator-client-missing',
		symptom: 'channel-unavailable',
		weight: 85,
		component: 'milvus',
		patterns: [/failed to get delegator\b/i, /can ?not find client of node\b/i],
		explain: {
			en: 'The proxy still routes a shard to a query node that is gone (restarted or removed). It clears once the coordinator reassigns the shard; if it stays, check the querynode pods and reload the collection.',
			id: 'Proxy masih mengarahkan shard ke query node yang sudah tidak ada (dimulai ulang atau dihapus). Ini hilang setelah koordinator memindahkan shard-nya. Kalau tetap muncul, periksa pod querynode lalu load ulang collection-nya.',
		},
		source: 'https://github.com/milvus-io/milvus/issues/36593; internal/proxy/shard_client.go',
	},
	{
		id: 'collection-on-recovering',
		symptom: 'channel-unavailable',
		weight: 80,
		component: 'milvus',
		transient: true,
		patterns: [/collection on recovering/i],
		explain: {
			en: 'The collection is being recovered after a restart (code 106, retriable): wait until the querynodes have loaded it again, then retry.',
			id: 'Collection sedang dipulihkan setelah dimulai ulang (code 106, bisa dicoba lagi). Tunggu sampai querynode selesai memuatnya lagi, lalu ulangi.',
		},
		source:
			'https://github.com/milvus-io/milvus/issues/24904; pkg/util/merr/errors.go ErrCollectionOnRecovering (106)',
	},

	// ───────────────────────── upgrade-2-6 ─────────────────────────
	{
		id: 'old-session-exists',
		symptom: 'upgrade-2-6',
		weight: 95,
		component: 'milvus',
		patterns: [/old session exists/i],
		explain: {
			en: 'A 2.6 coordinator found the session of a 2.5 coordinator still in etcd: the upgrade skipped a step. Upgrade to v2.5.16 or later with mixCoordinator.enabled=true first, then to 2.6.',
			id: 'Koordinator 2.6 menemukan sesi koordinator 2.5 yang masih ada di etcd, karena ada langkah upgrade yang terlewat. Upgrade dulu ke v2.5.16 atau lebih baru dengan mixCoordinator.enabled=true, baru ke 2.6.',
		},
		source:
			'https://github.com/milvus-io/milvus/issues/44205; pkg/util/merr/errors.go ErrOldSessionExists (3001)',
	},
	{
		id: 'node-becomes-ro',
		symptom: 'upgrade-2-6',
		weight: 75,
		component: 'milvus',
		patterns: [/node becomes ro node/i],
		explain: {
			en: 'A node was switched to read-only during a rolling 2.5 → 2.6 upgrade. Expected for a short while; if writes keep failing, finish the upgrade in the documented order.',
			id: 'Sebuah node dijadikan read-only selama rolling upgrade 2.5 → 2.6. Wajar untuk sebentar. Kalau penulisan terus gagal, selesaikan upgrade sesuai urutan yang didokumentasikan.',
		},
		source: 'https://github.com/milvus-io/milvus/issues/47806',
	},
	{
		id: 'producer-rw-channel',
		symptom: 'upgrade-2-6',
		weight: 90,
		component: 'milvus',
		patterns: [/producer can only be created for RW channel/i],
		explain: {
			en: 'Writes reached a channel that is read-only in 2.6 streaming: a 2.5 component still writes, or the message queue was switched during the upgrade. Finish the upgrade with the same message queue.',
			id: 'Penulisan sampai ke channel yang read-only di streaming 2.6, karena masih ada komponen 2.5 yang menulis, atau message queue diganti selama upgrade. Selesaikan upgrade dengan message queue yang sama.',
		},
		source:
			'https://github.com/milvus-io/milvus/issues/47806, https://github.com/zilliztech/milvus-operator/issues/446',
	},

	// ─────────────── object-storage ─────────────────────────
	{
		id: 'object-storage-region-mismatch',
		symptom: 'object-storage',
		weight: 80,
		component: 'minio',
		patterns: [
			/(?:the )?region '[^']*' is wrong; expecting '[^']*'/i,
			/AuthorizationHeaderMalformed/,
		],
		explain: {
			en: "minio.region does not match the bucket's region. Set minio.region to the region the error expects.",
			id: 'minio.region tidak sama dengan region bucket. Isi minio.region dengan region yang disebut pesan error itu.',
		},
		source: 'S3 AuthorizationHeaderMalformed (region is wrong; expecting)',
	},
	{
		id: 'object-storage-tls-mismatch',
		symptom: 'object-storage',
		weight: 75,
		component: 'milvus',
		patterns: [
			// Only with the bucket request around it: the same TLS errors come from any client.
			/(?:failed to check blob bucket exist|\/\?location=).*(?:server gave HTTP response to HTTPS client|x509: certificate)/i,
		],
		explain: {
			en: 'minio.useSSL does not match the endpoint: HTTPS against a plain-HTTP server, or a certificate Milvus does not trust (set minio.ssl.tlsCACert).',
			id: 'minio.useSSL tidak cocok dengan endpoint: HTTPS ke server HTTP biasa, atau sertifikat yang tidak dipercaya Milvus (isi minio.ssl.tlsCACert).',
		},
		source: 'Go net/http and crypto/x509 errors seen through minio-go',
	},

	// ─────────────── querynode-oom ─────────────────────────
	{
		id: 'load-segment-oom-threshold',
		symptom: 'querynode-oom',
		weight: 95,
		component: 'milvus',
		patterns: [/load segment failed, OOM if load/i, /\bthresholdFactor\b/i],
		explain: {
			en: 'The query node refused to load a segment because the memory it needs plus what is loaded would pass overloadedMemoryThresholdPercentage. Add query nodes or memory, or release collections.',
			id: 'Query node menolak memuat segment karena memori yang dibutuhkan ditambah yang sudah dimuat akan melewati overloadedMemoryThresholdPercentage. Tambah query node atau memori, atau release collection.',
		},
		source:
			'milvus internal/querynodev2/segments/segment_loader.go (checkSegmentSize); milvus-io/milvus#32621, #22204',
	},
	{
		id: 'pod-oomkilled',
		symptom: 'querynode-oom',
		weight: 85,
		component: 'kubernetes',
		patterns: [/\bOOMKilled\b/],
		explain: {
			en: 'The kernel killed the container for passing its memory limit (reason OOMKilled, exit code 137). On a query node: loaded data outgrew the limit.',
			id: 'Kernel mematikan container karena melewati batas memorinya (reason OOMKilled, kode keluar 137). Di query node: data yang dimuat melebihi batas itu.',
		},
		source: 'kubernetes ContainerStateTerminated.reason; milvus-io/milvus#30483',
	},
	{
		id: 'memory-quota-too-small-to-load',
		symptom: 'querynode-oom',
		weight: 80,
		component: 'milvus',
		patterns: [/insufficient memory/i, /memory is not enough/i],
		explain: {
			en: "Milvus says the query nodes do not have the memory to load the collection. Compare the collection size with the query nodes' limits.",
			id: 'Milvus menyatakan memori query node tidak cukup untuk memuat collection. Bandingkan ukuran collection dengan batas memori query node.',
		},
		source: 'milvus pkg/util/merr ErrServiceMemoryLimitExceeded / segment loader',
	},

	// ─────────────── write-denied ─────────────────────────
	{
		id: 'deny-write-memory-quota',
		symptom: 'write-denied',
		weight: 95,
		component: 'milvus',
		patterns: [
			/deny to write.*memory quota exhausted/i,
			/memory quota exceeded/i,
			/memory quota exhausted/i,
		],
		explain: {
			en: 'The memory guard of quotaAndLimits fired: a data node or query node passed memoryHighWaterLevel. Release collections or add memory; writes resume on their own below the water level.',
			id: 'Pengaman memori quotaAndLimits bekerja: data node atau query node melewati memoryHighWaterLevel. Release collection atau tambah memori. Penulisan dibuka lagi sendiri di bawah batas itu.',
		},
		source:
			'milvus internal/rootcoord/quota_center.go (memory protection); merr 53; milvus-io/milvus#26257',
	},
	{
		id: 'deny-write-disk-quota',
		symptom: 'write-denied',
		weight: 95,
		component: 'milvus',
		patterns: [/disk quota exceeded/i, /disk quota exhausted/i],
		explain: {
			en: 'The binlog size passed quotaAndLimits.limitWriting.diskProtection.diskQuota. Delete data, compact, or raise diskQuota.',
			id: 'Ukuran binlog melewati quotaAndLimits.limitWriting.diskProtection.diskQuota. Hapus data, jalankan compaction, atau naikkan diskQuota.',
		},
		source:
			'milvus internal/rootcoord/quota_center.go (disk protection); legacy code 54; milvus-io/milvus#23592',
	},
	{
		id: 'rate-limit-exceeded',
		symptom: 'write-denied',
		weight: 85,
		component: 'milvus',
		patterns: [/rate limit exceeded/i, /request is rejected by grpc RateLimiter/i],
		explain: {
			en: 'A rate limit of quotaAndLimits (dml insertRate, ddl, …) refused the call (code 8, retriable). Slow the client down or raise the limit.',
			id: 'Batas laju quotaAndLimits (dml insertRate, ddl, dan lainnya) menolak panggilan ini (code 8, retriable). Perlambat klien atau naikkan batasnya.',
		},
		source: 'milvus pkg/util/merr ErrServiceRateLimit (8); milvus-io/milvus#32719',
	},
	{
		id: 'quota-exceeded',
		symptom: 'write-denied',
		weight: 80,
		component: 'milvus',
		patterns: [/\bquota exceeded\b/i, /\bforce deny\b/i],
		explain: {
			en: 'A quota of quotaAndLimits denied the call (code 9). The reason after it names the guard: memory, disk, time tick delay, or a forced deny.',
			id: 'Kuota quotaAndLimits menolak panggilan ini (code 9). Alasan sesudahnya menyebut pengamannya: memori, disk, keterlambatan time tick, atau force deny.',
		},
		source: 'milvus pkg/util/merr ErrServiceQuotaExceeded (9)',
	},
	{
		id: 'time-tick-long-delay',
		symptom: 'write-denied',
		weight: 90,
		component: 'milvus',
		patterns: [/time ?tick long delay/i],
		explain: {
			en: 'Writes were slowed or denied because a flowgraph time tick lags behind maxTimeTickDelay: usually the message queue or a busy data node / query node. Find the lagging node.',
			id: 'Penulisan diperlambat atau ditolak karena time tick flowgraph tertinggal dari maxTimeTickDelay: biasanya message queue, atau data node / query node yang sibuk. Cari node yang tertinggal.',
		},
		source:
			'milvus internal/rootcoord/quota_center.go (ttProtection); legacy code 55; milvus-io/milvus#23920',
	},
]);
