// Real-looking log lines for the catalog tests, in the formats the tools really print: Milvus text logs
// ([time] [LEVEL] [file.go:N] ["msg"] [key=value]) with escaped quotes, etcd/zap JSON, Bitnami script
// lines, kubectl output and events, docker compose prefixes, Python tracebacks, Node and Java errors.
// Each sample names the signature it must produce and the symptom that must come out on top.

export interface Sample {
	signature: string;
	symptom: string;
	text: string;
}

const ts = '[2024/06/03 08:14:03.791 +00:00]';

export const POSITIVE: Sample[] = [
	// ── boot ──
	{
		signature: 'etcd-client-create-failed',
		symptom: 'boot',
		text: 'panic: failed to create etcd client: context deadline exceeded',
	},
	{
		signature: 'etcd-client-create-failed',
		symptom: 'boot',
		text: `milvus-standalone  | ${ts} [ERROR] [roles/roles.go:121] ["failed to create etcd client"] [error="context deadline exceeded"]`,
	},
	{
		signature: 'etcd-client-create-failed',
		symptom: 'boot',
		text: `${ts} [INFO] [paramtable/base_table.go:209] ["init with etcd failed"] [error="context deadline exceeded"]`,
	},
	{
		signature: 'etcd-unreachable',
		symptom: 'boot',
		text: `[2026/06/12 14:30:08.890 +08:00] [WARN] [grpclog/grpclog.go:155] ["[core][Channel #3 SubChannel #4] grpc: addrConn.createTransport failed to connect to {Addr: \\"localhost:2379\\", ServerName: \\"localhost:2379\\", }. Err: connection error: desc = \\"transport: Error while dialing: dial tcp [::1]:2379: connect: connection refused\\""]`,
	},
	{
		signature: 'etcd-unreachable',
		symptom: 'boot',
		text: `${ts} [WARN] [grpclog/grpclog.go:155] ["[core] grpc: addrConn.createTransport failed to connect to {Addr: \\"etcd:2379\\"}. Err: connection error: desc = \\"transport: Error while dialing: dial tcp: lookup etcd on 127.0.0.11:53: no such host\\""]`,
	},
	{
		signature: 'coordinator-not-registered',
		symptom: 'boot',
		text: `${ts} [WARN] [grpcclient/client.go:209] ["failed to get client address"] [error="find no available rootcoord, check rootcoord state"]`,
	},
	{
		signature: 'coordinator-not-registered',
		symptom: 'boot',
		text: '{"level":"WARN","time":"2025/09/01 10:00:01.120 +00:00","caller":"grpcclient/client.go:251","message":"failed to get client address","error":"find no available mixcoord, check mixcoord state"}',
	},
	{
		signature: 'minio-access-denied',
		symptom: 'object-storage',
		text: `${ts} [WARN] [storage/minio_chunk_manager.go:115] ['failed to check blob bucket exist'] [bucket=milvusdb] [error='Access Denied.']`,
	},
	{
		signature: 'minio-unknown-access-key',
		symptom: 'object-storage',
		text: `${ts} [ERROR] [storage/minio_chunk_manager.go:131] ["failed to create bucket"] [bucket=a-bucket] [error="The Access Key Id you provided does not exist in our records."]`,
	},
	{
		signature: 'minio-signature-mismatch',
		symptom: 'object-storage',
		text: `2024-06-03T08:14:05.118233456Z ${ts} [WARN] [storage/minio_chunk_manager.go:115] ["failed to check blob bucket exist"] [bucket=a-bucket] [error="The request signature we calculated does not match the signature you provided. Check your key and signing method."]`,
	},
	{
		signature: 'minio-unreachable',
		symptom: 'boot',
		text: `[2024/09/24 14:43:48.564 +08:00] [WARN] [storage/minio_chunk_manager.go:115] ["failed to check blob bucket exist"] [bucket=a-bucket] [error="Get \\"http://localhost:9000/a-bucket/?location=\\": dial tcp 127.0.0.1:9000: connect: connection refused"]`,
	},
	{
		signature: 'minio-unreachable',
		symptom: 'boot',
		text: `[2022/12/08 23:31:33.355 +00:00] [WARN] [storage/minio_chunk_manager.go:103] ["failed to check blob bucket exist"] [bucket=milvus-bucket] [error="Server not initialized, please try again."]`,
	},
	{
		signature: 'minio-unreachable',
		symptom: 'boot',
		text: `${ts} [WARN] [retry/retry.go:46] ["retry func failed"] ["retry time"=3] [error="Get \\"http://my-release-minio:9011/milvus-bucket/?location=\\": dial tcp 10.96.7.21:9011: connect: connection refused"]`,
	},
	{
		signature: 'minio-bucket-check-failed',
		symptom: 'boot',
		text: '[WARN] [minio/minio_client.go:146] ["failed to check blob bucket exist"] [bucket=milvus] [error="Get \\"http://minio:0/milvus/?location=\\": dial tcp 10.152.183.157:0: i/o timeout"]',
	},
	{
		signature: 'minio-bucket-missing',
		symptom: 'object-storage',
		text: `${ts} [ERROR] [storage/remote_chunk_manager.go:180] ["failed to read object"] [bucket=milvus-bucket] [error="The specified bucket does not exist."]`,
	},
	{
		signature: 'port-in-use',
		symptom: 'boot',
		text: `${ts} [WARN] [proxy/service.go:275] ["Proxy fail to create external grpc listener"] [error="listen tcp :19530: bind: address already in use"]`,
	},
	{
		signature: 'port-in-use',
		symptom: 'boot',
		text: 'panic: listen tcp :9091: bind: address already in use',
	},
	{
		signature: 'healthz-components-unhealthy',
		symptom: 'boot',
		text: '{"state":"Not all components are healthy, 3/4","detail":[{"name":"querynode","code":2,"state":"Abnormal"}]}',
	},
	{
		signature: 'milvus-probe-failed',
		symptom: 'boot',
		text: '  Warning  Unhealthy  2m (x14 over 6m)  kubelet  Readiness probe failed: HTTP probe failed with statuscode: 500',
	},
	{
		signature: 'milvus-probe-failed',
		symptom: 'boot',
		text: '  Warning  Unhealthy  30s (x3 over 90s)  kubelet  Liveness probe failed: dial tcp 10.244.1.17:9091: connect: connection refused',
	},
	{
		signature: 'cpu-illegal-instruction',
		symptom: 'boot',
		text: 'milvus-standalone exited with code 132',
	},
	{
		signature: 'cpu-illegal-instruction',
		symptom: 'boot',
		text: 'SIGILL: illegal instruction\nPC=0x3e4c1a0 m=0 sigcode=2',
	},
	{
		signature: 'image-wrong-arch',
		symptom: 'boot',
		text: 'milvus-standalone  | exec /tini: exec format error',
	},
	{
		signature: 'volume-permission-denied',
		symptom: 'boot',
		text: `${ts} [ERROR] [rocksmq/rocksmq_impl.go:162] ["failed to create rocksmq"] [error="mkdir /var/lib/milvus/rdb_data: permission denied"]`,
	},
	{
		signature: 'rocksmq-lock-held',
		symptom: 'boot',
		text: 'panic: IO error: While lock file: /var/lib/milvus/rdb_data/LOCK: Resource temporarily unavailable',
	},
	{
		signature: 'pulsar-unreachable',
		symptom: 'boot',
		text: 'time="2024-06-03T08:20:11Z" level=error msg="[Failed to connect to broker.]" error="dial tcp 10.96.33.8:6650: connect: connection refused" remote_addr="pulsar://my-release-pulsar-proxy:6650"',
	},
	{
		signature: 'kafka-unreachable',
		symptom: 'boot',
		text: `${ts} [WARN] [kafka/kafka_producer.go:68] ["kafka: client has run out of available brokers to talk to"]`,
	},
	{
		signature: 'kafka-unreachable',
		symptom: 'boot',
		text: '%3|1717402811.201|FAIL|rdkafka#producer-1| [thrd:kafka:9092/bootstrap]: kafka:9092/bootstrap: Connect to ipv4#172.19.0.4:9092 failed: Connection refused (after 0ms in state CONNECT)',
	},

	// ── runtime-compat ──
	{
		signature: 'sdk-incompatible',
		symptom: 'runtime-compat',
		text: "RPC error: [__internal_register], <MilvusException: (code=1, message=this version of sdk is incompatible with server, please downgrade your sdk or upgrade your server)>, <Time:{'RPC start': '2023-06-12 10:11:12.345678', 'RPC error': '2023-06-12 10:11:12.400000'}>",
	},
	{
		signature: 'sdk-incompatible',
		symptom: 'runtime-compat',
		text: '[2023/07/10 02:11:09.001 +00:00] [ERROR] [core/backup_context.go:119] ["failed to connect to milvus"] [error="this version of sdk is incompatible with server, please downgrade your sdk or upgrade your server"]',
	},
	{
		signature: 'sdk-incompatible',
		symptom: 'runtime-compat',
		text: 'Error: This version of sdk is incompatible with the server, please downgrade your sdk or upgrade your server.\n    at MilvusClient.connect (/app/node_modules/@zilliz/milvus2-sdk-node/dist/milvus/grpc/BaseClient.js:175:23)',
	},
	{
		signature: 'sdk-version-error',
		symptom: 'runtime-compat',
		text: "milvus.client.exceptions.VersionError: Version of python SDK(1.1.0) not match that of server1.0.0, excepted is ('1.1.x',)",
	},
	{
		signature: 'incorrect-port-or-sdk',
		symptom: 'runtime-compat',
		text: "2024-12-09 11:02:41,118 [ERROR][handler]: RPC error: [connect], <MilvusException: (code=1, message=Incorrect port or sdk is incompatible with server, please check your port or downgrade your sdk or upgrade your server)>, <Time:{'RPC start': '2024-12-09 11:02:41.101110', 'RPC error': '2024-12-09 11:02:41.118020'}> (decorators.py:140)",
	},
	{
		signature: 'received-unimplemented',
		symptom: 'runtime-compat',
		text: 'pymilvus.exceptions.MilvusException: <MilvusException: (code=1, message=Received UNIMPLEMENTED from server. Please first verify that your uri points to a Milvus gRPC port (default: 19530) instead of an HTTP/proxy port. If the port is correct, your SDK may be incompatible with the server; upgrade Milvus server or use a matching pymilvus version.)>',
	},
	{
		signature: 'unknown-method-connect',
		symptom: 'runtime-compat',
		text: '\tdetails = "unknown method Connect for service milvus.proto.milvus.MilvusService"',
	},
	{
		signature: 'unknown-method',
		symptom: 'runtime-compat',
		text: 'Error: 12 UNIMPLEMENTED: unknown method GetVersion for service milvus.proto.milvus.MilvusService',
	},
	{
		signature: 'unknown-method',
		symptom: 'runtime-compat',
		text: 'io.grpc.StatusRuntimeException: UNIMPLEMENTED: unknown method RunAnalyzer for service milvus.proto.milvus.MilvusService',
	},
	{
		signature: 'unknown-method',
		symptom: 'runtime-compat',
		text: 'pymilvus.exceptions.MilvusException: <MilvusException: (code=1, message=<_InactiveRpcError of RPC that terminated with: status = StatusCode.UNIMPLEMENTED details = "unknown method GetLoadingProgress">)>',
	},
	{
		signature: 'grpc-unimplemented',
		symptom: 'runtime-compat',
		text: '<_InactiveRpcError of RPC that terminated with:\n\tstatus = StatusCode.UNIMPLEMENTED\n\tdetails = ""\n\tdebug_error_string = "UNKNOWN:Error received from peer  {grpc_message:"", grpc_status:12}"\n>',
	},
	{
		signature: 'grpc-to-http-port',
		symptom: 'runtime-compat',
		text: '\tdebug_error_string = "UNKNOWN:Error received from peer ipv4:127.0.0.1:9091 {grpc_message:"Trying to connect an http1.x server", grpc_status:14, created_time:"2024-06-03T10:11:12.000+00:00"}"',
	},
	{
		signature: 'grpc-to-http-port',
		symptom: 'runtime-compat',
		text: 'Error: 12 UNIMPLEMENTED: Received HTTP status code 404',
	},
	{
		signature: 'dynamic-schema-unsupported',
		symptom: 'runtime-compat',
		text: "Error: Your milvus server doesn't support dynamic schema, please upgrade your server.",
	},
	{
		signature: 'pymilvus-too-old',
		symptom: 'runtime-compat',
		text: "ImportError: cannot import name 'MilvusClient' from 'pymilvus' (/usr/local/lib/python3.10/site-packages/pymilvus/__init__.py)",
	},

	// ── api-errors ──
	{
		signature: 'collection-not-loaded',
		symptom: 'api-errors',
		text: 'pymilvus.exceptions.MilvusException: <MilvusException: (code=101, message=collection not loaded[collection=449888229865560632])>',
	},
	{
		signature: 'collection-not-loaded',
		symptom: 'api-errors',
		text: '<MilvusException: (code=1, message=collection 440318346934943765 has not been loaded to memory or load failed)>',
	},
	{
		signature: 'collection-not-fully-loaded',
		symptom: 'api-errors',
		text: `${ts} [WARN] [proxy/task_query.go:310] ["failed to query"] [error="collection not fully loaded[collection=450011223344556677]"]`,
	},
	{
		signature: 'collection-not-found',
		symptom: 'api-errors',
		text: "MilvusException: (code=100, message=can't find collection[database=default][collection=docs])",
	},
	{
		signature: 'collection-not-found',
		symptom: 'api-errors',
		text: "{ error_code: 'CollectionNotExists', reason: \"can't find collection: docs\", code: 100, retriable: false, detail: '' }",
	},
	{
		signature: 'partition-not-found',
		symptom: 'api-errors',
		text: '<MilvusException: (code=200, message=partition not found[partition=2024_06])>',
	},
	{
		signature: 'index-not-found',
		symptom: 'api-errors',
		text: '<MilvusException: (code=700, message=index not found[collection=docs])>',
	},
	{
		signature: 'database-not-found',
		symptom: 'api-errors',
		text: '<MilvusException: (code=800, message=database not found[database=prod])>',
	},
	{
		signature: 'field-not-found',
		symptom: 'api-errors',
		text: '<MilvusException: (code=1700, message=field not found[field=titel])>',
	},
	{
		signature: 'invalid-parameter',
		symptom: 'api-errors',
		text: '<MilvusException: (code=1100, message=invalid parameter[expected=valid index params][actual=invalid index params])>',
	},
	{
		signature: 'not-authenticated',
		symptom: 'api-errors',
		text: '<MilvusException: (code=1400, message=auth check failure, please check username and password are correct: not authenticated)>',
	},
	{
		signature: 'privilege-denied',
		symptom: 'api-errors',
		text: 'io.milvus.v2.exception.MilvusClientException: privilege not permitted[PrivilegeInsert: permission deny to reader in the `default` database]',
	},
	{
		signature: 'rate-or-quota-limit',
		symptom: 'write-denied',
		text: '<MilvusException: (code=9, message=quota exceeded[reason=memory quota exceeded, please allocate more resources])>',
	},
	{
		signature: 'rate-or-quota-limit',
		symptom: 'write-denied',
		text: '<MilvusException: (code=8, message=rate limit exceeded[rate=0.1])>',
	},
	{
		signature: 'no-replica-available',
		symptom: 'api-errors',
		text: '<MilvusException: (code=65535, message=fail to search on QueryNode 12: no available shard delegator found: service unavailable)>',
	},
	{
		signature: 'server-unreachable',
		symptom: 'boot',
		text: 'Dec 08 00:29:03 shorecode.org uvicorn[64341]: E: <MilvusException: (code=2, message=Fail connecting to server on localhost:19530, illegal connection params or server unavailable)>',
	},
	{
		signature: 'service-not-ready',
		symptom: 'api-errors',
		text: '<MilvusException: (code=1, message=service not ready[standalone=1]: Initializing)>',
	},
	{
		signature: 'call-timeout',
		symptom: 'api-errors',
		text: '<_MultiThreadedRendezvous of RPC that terminated with:\n\tstatus = StatusCode.DEADLINE_EXCEEDED\n\tdetails = "Deadline Exceeded"',
	},
	{
		signature: 'unexpected-error',
		symptom: 'api-errors',
		text: '<MilvusException: (code=65535, message=failed to load segment: segment lacks[segment=451200000000000001])>',
	},
	{
		signature: 'milvus-exception',
		symptom: 'api-errors',
		text: 'pymilvus.exceptions.MilvusException: <MilvusException: (code=2100, message=fail to alter collection properties)>',
	},
	{
		signature: 'milvus-exception',
		symptom: 'api-errors',
		text: '{"error_code":"UnexpectedError","reason":"fail to drop: segments are still compacting"}',
	},

	// ── etcd-pending ──
	{
		signature: 'unbound-immediate-pvc',
		symptom: 'etcd-pending',
		text: '  Warning  FailedScheduling  2m3s  default-scheduler  0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.',
	},
	{
		signature: 'no-storage-class',
		symptom: 'etcd-pending',
		text: '  Normal  FailedBinding  12s (x22 over 5m)  persistentvolume-controller  no persistent volumes available for this claim and no storage class is set',
	},
	{
		signature: 'storage-class-not-found',
		symptom: 'etcd-pending',
		text: '  Warning  ProvisioningFailed  8s (x5 over 60s)  persistentvolume-controller  storageclass.storage.k8s.io "fast-ssd" not found',
	},
	{
		signature: 'waiting-for-provisioner',
		symptom: 'etcd-pending',
		text: '  Normal  ExternalProvisioning  4s (x26 over 6m)  persistentvolume-controller  waiting for a volume to be created, either by external provisioner "ebs.csi.aws.com" or manually created by system administrator',
	},
	{
		signature: 'no-pv-to-bind',
		symptom: 'etcd-pending',
		text: "  Warning  FailedScheduling  40s  default-scheduler  0/1 nodes are available: 1 node(s) didn't find available persistent volumes to bind.",
	},
	{
		signature: 'etcd-pod-pending',
		symptom: 'etcd-pending',
		text: 'my-release-etcd-0   0/1     Pending   0          5m',
	},
	{
		signature: 'etcd-pvc-pending',
		symptom: 'etcd-pending',
		text: 'data-my-release-etcd-0   Pending                                                     12m',
	},

	// ── etcd-bad-member-id ──
	{
		signature: 'bad-member-id-arg',
		symptom: 'etcd-bad-member-id',
		text: 'Error: bad member ID arg (strconv.ParseUint: parsing "": invalid syntax), expecting ID in Hex',
	},
	{
		signature: 'bad-member-id-arg',
		symptom: 'etcd-bad-member-id',
		text: '[pod/my-release-etcd-1/etcd] Error: bad member ID arg (strconv.ParseUint: parsing \\"\\": invalid syntax), expecting ID in Hex',
	},
	{
		signature: 'member-id-not-stored',
		symptom: 'etcd-bad-member-id',
		text: "etcd 08:30:12.34 INFO  ==> Member ID wasn't properly stored, the member will try to join the cluster by it's own",
	},
	{
		signature: 'member-not-found',
		symptom: 'etcd-bad-member-id',
		text: 'etcd 08:30:14.02 INFO  ==> Updating member in existing cluster\nError: etcdserver: member not found',
	},

	// ── etcd-multi-crash ──
	{
		signature: 'member-permanently-removed',
		symptom: 'etcd-multi-crash',
		text: '{"level":"error","ts":"2024-06-03T09:02:11.532Z","caller":"etcdserver/server.go:2110","msg":"the member has been permanently removed from the cluster"}',
	},
	{
		signature: 'data-dir-must-be-removed',
		symptom: 'etcd-multi-crash',
		text: '{"level":"error","ts":"2024-06-03T09:02:11.532Z","caller":"etcdserver/server.go:2111","msg":"data-dir used by this member must be removed"}',
	},
	{
		signature: 'member-already-bootstrapped',
		symptom: 'etcd-multi-crash',
		text: '{"level":"fatal","ts":"2024-06-03T09:05:00.101Z","caller":"etcdmain/etcd.go:204","msg":"discovery failed","error":"member 8e9e05c52164694d has already been bootstrapped","stacktrace":"go.etcd.io/etcd/server/v3/etcdmain.startEtcdOrProxyV2\\n\\t/go/src/go.etcd.io/etcd/release/etcd/server/etcdmain/etcd.go:204"}',
	},
	{
		signature: 'cluster-id-mismatch',
		symptom: 'etcd-multi-crash',
		text: '{"level":"warn","ts":"2024-06-03T09:02:09.101Z","caller":"rafthttp/http.go:500","msg":"request cluster ID mismatch","local-member-id":"b2f8c1d6e0a39471","local-member-cluster-id":"c9be114fc2da2776","remote-peer-cluster-id":"f17d2c6a1e4b8c90"}',
	},
	{
		signature: 'no-active-endpoints',
		symptom: 'etcd-all-crash',
		text: 'etcd 09:12:30.51 ERROR ==> No active endpoints in cluster, wait 10s, and restart the pod',
	},
	{
		signature: 'headless-no-ip-per-member',
		symptom: 'etcd-all-crash',
		text: 'etcd 09:13:31.07 ERROR ==> Headless service domain does not have an IP per initial member in the cluster',
	},
	{
		signature: 'not-enough-started-members',
		symptom: 'etcd-multi-crash',
		text: '{"level":"warn","ts":"2024-06-03T09:14:02.930Z","logger":"etcd-client","caller":"v3/retry_interceptor.go:62","msg":"retrying of unary invoker failed","target":"etcd-endpoints://0xc000330a80/127.0.0.1:2379","attempt":0,"error":"rpc error: code = Unavailable desc = etcdserver: re-configuration failed due to not enough started members"}',
	},
	{
		signature: 'no-leader',
		symptom: 'etcd-multi-crash',
		text: 'Error: context deadline exceeded\n{"level":"warn","ts":"2024-06-03T09:15:00.000Z","caller":"clientv3/retry_interceptor.go:62","msg":"retrying of unary invoker failed","error":"rpc error: code = Unavailable desc = etcdserver: no leader"}',
	},
	{
		signature: 'raft-tocommit-out-of-range',
		symptom: 'etcd-multi-crash',
		text: '{"level":"panic","ts":"2024-06-03T09:16:44.231Z","logger":"raft","caller":"raft/log.go:203","msg":"tocommit(4811) is out of range [lastIndex(0)]. Was the raft log corrupted, truncated, or lost?"}',
	},
	{
		signature: 'node-already-in-cluster',
		symptom: 'etcd-multi-crash',
		text: 'etcd 09:17:02.44 INFO  ==> Node already in cluster with member_id: 8e9e05c52164694d',
	},
	{
		signature: 'peer-urls-count-unequal',
		symptom: 'etcd-multi-crash',
		text: '{"level":"fatal","ts":"2024-06-03T09:18:00.500Z","caller":"etcdmain/etcd.go:204","msg":"discovery failed","error":"error validating peerURLs {ClusterID:c9be114fc2da2776 Members:[...] RemovedMemberIDs:[]}: member count is unequal"}',
	},
	{
		signature: 'publish-member-failed',
		symptom: 'etcd-multi-crash',
		text: '{"level":"warn","ts":"2024-06-03T09:19:11.002Z","caller":"etcdserver/server.go:2098","msg":"failed to publish local member to cluster through raft","local-member-id":"b2f8c1d6e0a39471","publish-timeout":"7s","error":"etcdserver: request timed out"}',
	},
	{
		signature: 'peer-unreachable',
		symptom: 'etcd-multi-crash',
		text: '{"level":"warn","ts":"2024-06-03T09:20:01.101Z","caller":"rafthttp/probing_status.go:68","msg":"prober detected unhealthy status","round-tripper-name":"ROUND_TRIPPER_RAFT_MESSAGE","remote-peer-id":"ac1f0d6e2b3c4d5e","rtt":"0s","error":"dial tcp 10.244.2.9:2380: connect: connection refused"}',
	},

	// ── etcd-nospace ──
	{
		signature: 'etcd-database-space-exceeded',
		symptom: 'etcd-nospace',
		text: 'etcdserver: mvcc: database space exceeded',
	},
	{
		signature: 'etcd-database-space-exceeded',
		symptom: 'etcd-nospace',
		text: '{"level":"warn","ts":"2025-09-22T08:14:03.512Z","logger":"etcd-client","caller":"v3@v3.5.18/retry_interceptor.go:62","msg":"retrying of unary invoker failed","target":"etcd-endpoints://0xc000c5a000/my-release-etcd:2379","attempt":0,"error":"rpc error: code = ResourceExhausted desc = etcdserver: mvcc: database space exceeded"}',
	},
	{
		signature: 'etcd-nospace-alarm',
		symptom: 'etcd-nospace',
		text: 'http://my-release-etcd-0.my-release-etcd-headless.default.svc.cluster.local:2379 is unhealthy: failed to commit proposal: Active Alarm(s): NOSPACE',
	},
	{
		signature: 'etcd-nospace-alarm',
		symptom: 'etcd-nospace',
		text: 'memberID:7785223140318738263 alarm:NOSPACE ',
	},
	{
		signature: 'etcd-database-space-exceeded',
		symptom: 'etcd-nospace',
		text: '[2025/09/22 08:14:03.512 +00:00] [WARN] [kv/etcd_kv.go:652] ["Slow etcd operation save"] [error="etcdserver: mvcc: database space exceeded"]',
	},

	// ── etcd-slow-disk ──
	{
		signature: 'etcd-apply-too-long',
		symptom: 'etcd-slow-disk',
		text: '{"level":"warn","ts":"2024-06-03T06:20:05.118Z","caller":"etcdserver/util.go:166","msg":"apply request took too long","took":"152.7ms","expected-duration":"100ms","prefix":"read-only range ","request":"key:\\"by-dev/meta/session/\\" range_end:\\"by-dev/meta/session0\\" ","response":"range_response_count:4 size:1412"}',
	},
	{
		signature: 'etcd-apply-too-long',
		symptom: 'etcd-slow-disk',
		text: 'my-release-etcd-1 etcd {"level":"warn","ts":"2026-03-04T09:12:41.108Z","caller":"etcdserver/util.go:166","msg":"apply request took too long","took":"1.284913377s","expected-duration":"100ms","prefix":"","request":"header:<ID:7587874564423915017 > txn:<compare:<> success:<request_put:<key:\\"by-dev/kv/gid/timestamp\\" value_size:8 >> failure:<>>","response":"size:20"}',
	},
	{
		signature: 'etcd-slow-fdatasync',
		symptom: 'etcd-slow-disk',
		text: '{"level":"warn","ts":"2026-03-04T09:12:41.532Z","caller":"wal/wal.go:805","msg":"slow fdatasync","took":"1.427156311s","expected-duration":"1s"}',
	},
	{
		signature: 'etcd-slow-fdatasync',
		symptom: 'etcd-slow-disk',
		text: '2019-03-12 08:41:07.212391 W | wal: sync duration of 1.938466437s, expected less than 1s',
	},
	{
		signature: 'etcd-read-index-slow',
		symptom: 'etcd-slow-disk',
		text: '{"level":"warn","ts":"2026-03-04T09:12:42.017Z","caller":"etcdserver/v3_server.go:815","msg":"waiting for ReadIndex response took too long, retrying","sent-request-id":7587874564423915018,"retry-timeout":"500ms"}',
	},
	{
		signature: 'etcd-heartbeat-overloaded',
		symptom: 'etcd-slow-disk',
		text: '{"level":"warn","ts":"2026-03-04T09:12:40.871Z","caller":"etcdserver/raft.go:369","msg":"leader failed to send out heartbeat on time; took too long, leader is overloaded likely from slow disk","to":"8e9e05c52164694d","heartbeat-interval":"500ms","expected-duration":"1s","exceeded-duration":"742.118ms"}',
	},
	{
		signature: 'milvus-slow-etcd-operation',
		symptom: 'etcd-slow-disk',
		text: '[2024/03/05 20:02:09.405 +00:00] [WARN] [etcd/etcd_kv.go:656] ["Slow etcd operation save"] ["time spent"=7.000908158s] [key=by-dev/kv/gid/timestamp]',
	},
	{
		signature: 'milvus-disconnected-from-etcd',
		symptom: 'etcd-slow-disk',
		text: '[2023/09/04 21:38:34.036 +08:00] [ERROR] [datacoord/server.go:233] ["disconnected from etcd and exited"] [serverID=29] [stack="github.com/milvus-io/milvus/internal/datacoord.(*Server).Register.func1\\n\\t/go/src/github.com/milvus-io/milvus/internal/datacoord/server.go:233"]',
	},
	{
		signature: 'milvus-disconnected-from-etcd',
		symptom: 'etcd-slow-disk',
		text: `milvus-standalone  | ${ts} [ERROR] [querynode/query_node.go:168] ["Query Node disconnected from etcd, process will exit"] ["Server Id"=130]`,
	},

	// ── etcd-image-pull ──
	{
		signature: 'bitnami-etcd-image-gone',
		symptom: 'etcd-image-pull',
		text: '  Warning  Failed     70s (x4 over 2m48s)    kubelet            Failed to pull image "docker.io/bitnami/etcd:3.5.18-debian-12-r5": rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/bitnami/etcd:3.5.18-debian-12-r5": failed to resolve reference "docker.io/bitnami/etcd:3.5.18-debian-12-r5": docker.io/bitnami/etcd:3.5.18-debian-12-r5: not found',
	},
	{
		signature: 'bitnami-etcd-image-gone',
		symptom: 'etcd-image-pull',
		text: '8s          Normal    BackOff             pod/my-release-etcd-1   Back-off pulling image "docker.io/bitnami/etcd:3.5.18-debian-12-r5"',
	},
	{
		signature: 'bitnami-etcd-image-gone',
		symptom: 'etcd-image-pull',
		text: 'Error response from daemon: manifest for bitnami/etcd:3.5 not found: manifest unknown: manifest unknown',
	},
	{
		signature: 'bitnami-etcd-image-gone',
		symptom: 'etcd-image-pull',
		text: 'Failed to pull image "docker.io/bitnami/etcd:3.5.18-debian-12-r5": rpc error: code = Unknown desc = reading manifest 3.5.18-debian-12-r5 in docker.io/bitnami/etcd: manifest unknown',
	},
	{
		signature: 'etcd-image-pull-failed',
		symptom: 'etcd-image-pull',
		text: '  Warning  Failed     31s   kubelet  Failed to pull image "harbor.example.com/mirror/etcd:3.5.18": rpc error: code = NotFound desc = failed to pull and unpack image "harbor.example.com/mirror/etcd:3.5.18": not found',
	},
	{
		signature: 'etcd-pod-image-pull-status',
		symptom: 'etcd-image-pull',
		text: 'my-release-etcd-0   0/1     ImagePullBackOff   0          4m12s',
	},

	// ── etcd-all-crash ──
	{
		signature: 'recover-backend-from-snapshot',
		symptom: 'etcd-all-crash',
		text: ' "message" : "{\\"level\\":\\"panic\\",\\"ts\\":\\"2022-10-06T09:18:02.022-0500\\",\\"caller\\":\\"etcdserver/server.go:515\\",\\"msg\\":\\"failed to recover v3 backend from snapshot\\"}"',
	},
	{
		signature: 'recover-backend-from-snapshot',
		symptom: 'etcd-all-crash',
		text: "2021-06-28 16:12:32.303933 C | etcdserver: recovering backend from snapshot error: database snapshot file path error: snap: snapshot file doesn't exist",
	},
	{
		signature: 'snapshot-db-missing',
		symptom: 'etcd-all-crash',
		text: '{"level":"warn","ts":"2022-10-06T09:18:02.022-0500","caller":"snap/db.go:88","msg":"failed to find [SNAPSHOT-INDEX].snap.db","snapshot-index":3420684,"snapshot-file-path":"/data/member/snap/000000000034320c.snap.db","error":"snap: snapshot file doesn\'t exist"}',
	},
	{
		signature: 'bbolt-unreachable-pages',
		symptom: 'etcd-all-crash',
		text: 'panic: freepages: failed to get all reachable pages (page 8314893338927566090: out of bounds: 6258)',
	},
	{
		signature: 'bbolt-page-already-freed',
		symptom: 'etcd-all-crash',
		text: 'panic: page 1938 already freed',
	},
	{
		signature: 'bbolt-page-assertion',
		symptom: 'etcd-all-crash',
		text: 'panic: assertion failed: Page expected to be: 36312, but self identifies as 0',
	},
	{
		signature: 'bbolt-invalid-database',
		symptom: 'etcd-all-crash',
		text: '{"level":"panic","ts":"2024-06-03T09:30:00.000Z","caller":"backend/backend.go:189","msg":"failed to open database","path":"/bitnami/etcd/data/member/snap/db","error":"invalid database"}',
	},
	{
		signature: 'backend-open-failed',
		symptom: 'etcd-all-crash',
		text: '{"level":"panic","ts":"2024-06-03T09:31:00.000Z","caller":"backend/backend.go:189","msg":"failed to open database","path":"/bitnami/etcd/data/member/snap/db","error":"open /bitnami/etcd/data/member/snap/db: input/output error"}',
	},
	{
		signature: 'wal-crc-mismatch',
		symptom: 'etcd-all-crash',
		text: '{"level":"fatal","ts":"2024-06-03T09:32:00.000Z","caller":"etcdserver/storage.go:95","msg":"failed to read WAL","error":"walpb: crc mismatch"}',
	},
	// channel-unavailable
	{
		symptom: 'channel-unavailable',
		signature: 'channel-not-available',
		text: '<MilvusException: (code=503, message=failed to search: channel not available[channel=by-dev-rootcoord-dml_3_447946435461543441v0])>',
	},
	{
		symptom: 'channel-unavailable',
		signature: 'delegator-client-missing',
		text: `${ts} [WARN] [proxy/lb_policy.go:196] ["failed to get delegator"] [collectionID=452667290418561234] [nodeID=23] [error="can not find client of node 23"]`,
	},
	{
		symptom: 'channel-unavailable',
		signature: 'collection-on-recovering',
		text: 'RPC error: [search], <MilvusException: (code=106, message=collection on recovering[collection=441857127891234567])>',
	},
	// upgrade-2-6
	{ symptom: 'upgrade-2-6', signature: 'old-session-exists', text: 'panic: old session exists' },
	{
		symptom: 'upgrade-2-6',
		signature: 'node-becomes-ro',
		text: `${ts} [WARN] [streamingnode/server.go:141] ["node becomes ro node"] [nodeID=7]`,
	},
	{
		symptom: 'upgrade-2-6',
		signature: 'producer-rw-channel',
		text: `${ts} [WARN] [producer/producer.go:88] ["create producer failed"] [error="producer can only be created for RW channel"]`,
	},
	{
		signature: 'object-storage-region-mismatch',
		symptom: 'object-storage',
		text: `${ts} [WARN] [storage/minio_object_storage.go:101] ["failed to check blob bucket exist"] [bucket=milvus-prod] [error="The authorization header is malformed; the region 'us-east-1' is wrong; expecting 'ap-southeast-1'"]`,
	},
	{
		signature: 'object-storage-tls-mismatch',
		symptom: 'object-storage',
		text: `${ts} [WARN] [storage/minio_object_storage.go:101] ["failed to check blob bucket exist"] [bucket=a-bucket] [error="Get \\"https://my-release-minio:9000/a-bucket/?location=\\": http: server gave HTTP response to HTTPS client"]`,
	},
	{
		signature: 'load-segment-oom-threshold',
		symptom: 'querynode-oom',
		text: `${ts} [WARN] [segments/segment_loader.go:1075] ["load segment failed, OOM if load"] [collectionID=449296826784759412] [maxSegmentSize=512] [memUsage=7126] [predictMemUsage=7638] [totalMem=8192] [thresholdFactor=0.9]`,
	},
	{
		signature: 'load-segment-oom-threshold',
		symptom: 'querynode-oom',
		text: `<MilvusException: (code=65535, message=show collection failed: load segment failed, OOM if load, maxSegmentSize = 512 MB, memUsage = 7126 MB, predictMemUsage = 7638 MB, totalMem = 8192 MB thresholdFactor = 0.900000)>`,
	},
	{
		signature: 'pod-oomkilled',
		symptom: 'querynode-oom',
		text: 'my-release-milvus-querynode-5d9f7c8b6-x2kqp   0/1     OOMKilled   3 (40s ago)   2h',
	},
	{
		signature: 'pod-oomkilled',
		symptom: 'querynode-oom',
		text: '      Reason:       OOMKilled',
	},
	{
		signature: 'memory-quota-too-small-to-load',
		symptom: 'querynode-oom',
		text: `<MilvusException: (code=3, message=service memory limit exceeded[err=insufficient memory when loading segment])>`,
	},
	{
		signature: 'deny-write-memory-quota',
		symptom: 'write-denied',
		text: '<MilvusException: (code=53, message=deny to write, reason: memory quota exhausted, please allocate more resources, req: /milvus.proto.milvus.MilvusService/Insert)>',
	},
	{
		signature: 'deny-write-disk-quota',
		symptom: 'write-denied',
		text: '<MilvusException: (code=9, message=quota exceeded[reason=disk quota exceeded, please allocate more resources])>',
	},
	{
		signature: 'rate-limit-exceeded',
		symptom: 'write-denied',
		text: `${ts} [WARN] [proxy/impl.go:2598] ["Failed to execute insert"] [error="rate limit exceeded[rate=4194304]"]`,
	},
	{
		signature: 'quota-exceeded',
		symptom: 'write-denied',
		text: '<MilvusException: (code=9, message=quota exceeded[reason=force deny])>',
	},
	{
		signature: 'time-tick-long-delay',
		symptom: 'write-denied',
		text: '<MilvusException: (code=55, message=deny to write, reason: time tick long delay, please check the message queue)>',
	},
];

/** Real errors that belong to none of our symptoms: the matcher must say "no known symptom". */
export const NEGATIVE: { what: string; text: string }[] = [
	{
		what: 'GPU out of memory (CUDA)',
		text: `${ts} [ERROR] [gpu/gpu_cagra.cc:112] ["cudaMalloc failed"] [error="CUDA error: out of memory (cudaErrorMemoryAllocation) at raft/core/detail/..."]`,
	},
	{
		what: 'GPU out of memory (FAISS)',
		text: "RuntimeError: Error in virtual void* faiss::gpu::StandardGpuResourcesImpl::allocMemory(const faiss::gpu::AllocRequest&) at StandardGpuResources.cpp:452: Error: 'err == cudaSuccess' failed: StandardGpuResources: alloc fail type TemporaryMemoryBuffer dev 0 space Device stream 0x5581 size 1610612736 bytes (cudaMalloc error out of memory [2])",
	},
	{
		what: 'index build failure in an indexnode log',
		text: `${ts} [WARN] [indexnode/task.go:341] ["failed to build index"] [buildID=451234567890123456] [error="[UnexpectedError] Error in virtual knowhere::Status knowhere::IndexNode::Build(const DataSet&, const Config&) at index_node.cc:45: the number of rows (12) is less than nlist (128)"]`,
	},
	{
		what: 'Helm template error',
		text: 'Error: INSTALLATION FAILED: template: milvus/templates/configmap.yaml:12:3: executing "milvus/templates/configmap.yaml" at <.Values.extraConfigFiles.user>: nil pointer evaluating interface {}.user',
	},
	{
		what: 'image pull failure',
		text: '  Warning  Failed  12s  kubelet  Failed to pull image "milvusdb/milvus:v2.9.99": rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/milvusdb/milvus:v2.9.99": not found',
	},
	{
		what: "the control plane's etcd image (kubeadm), not Milvus's",
		text: '[ERROR ImagePull]: failed to pull image registry.k8s.io/etcd:3.5.15-0: output: Failed to pull image "registry.k8s.io/etcd:3.5.15-0": rpc error: code = NotFound',
	},
	{
		what: 'expired TLS certificate',
		text: `${ts} [WARN] [grpclog/grpclog.go:155] ["[core] grpc: addrConn.createTransport failed to connect to {Addr: \\"milvus.example.com:443\\"}. Err: connection error: desc = \\"transport: authentication handshake failed: x509: certificate has expired or is not yet valid\\""]`,
	},
	{
		what: 'pymilvus not installed',
		text: "ModuleNotFoundError: No module named 'pymilvus'",
	},
	{
		what: 'Go index out of range panic in a query node',
		text: 'panic: runtime error: index out of range [3] with length 3\n\ngoroutine 8812 [running]:\ngithub.com/milvus-io/milvus/internal/querynodev2/segments.(*LocalSegment).Search(...)',
	},
	{
		what: 'pod evicted for ephemeral storage',
		text: '  Warning  Evicted  3m  kubelet  The node was low on resource: ephemeral-storage. Threshold quantity: 10Gi, available: 8Gi.',
	},
	{
		what: 'normal proxy start-up line',
		text: `${ts} [INFO] [components/proxy.go:66] ["Proxy successfully started"]`,
	},
];
