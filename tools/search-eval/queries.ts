/**
 * Realistic pasted errors and the symptom page each belongs to, in the formats people paste them: docker
 * logs of the compose stack, Milvus's bracketed Go log lines, `kubectl describe` events, `kubectl get`
 * tables, etcd's JSON (zap) logs, Bitnami script output, pymilvus tracebacks, Node and Java SDK errors.
 * The wording of each error comes from the catalog's sources (runbooks/lib/catalog-data.mjs) and the pages'
 * frontmatter; timestamps, pod names, ids and addresses vary on purpose. `expect: null` texts belong to no
 * symptom: they must never be presented as a recognised error.
 */
export interface SearchCase {
	text: string;
	expect: string | null;
	/** Where the wording comes from, or why the text is here. */
	note: string;
}

export const CASES: readonly SearchCase[] = [
	// ───────────────────────────── boot ─────────────────────────────
	{
		expect: 'boot',
		note: 'milvus-io/milvus#50503: docker logs milvus-standalone',
		text: `[2025/03/11 09:14:02.381 +00:00] [WARN] [etcd/etcd_util.go:48] ["failed to create etcd client"] [error="context deadline exceeded"]
panic: failed to create etcd client: context deadline exceeded

goroutine 1 [running]:
github.com/milvus-io/milvus/internal/util/dependency.(*DefaultFactory).Init(0xc000a2e000)`,
	},
	{
		expect: 'boot',
		note: 'grpc dial to etcd from the standalone container (#50503)',
		text: `{"level":"warn","ts":"2025-03-11T09:13:57.112Z","logger":"etcd-client","caller":"v3@v3.5.5/retry_interceptor.go:62","msg":"retrying of unary invoker failed","target":"etcd-endpoints://0xc0003a61c0/localhost:2379","attempt":0,"error":"rpc error: code = DeadlineExceeded desc = latest balancer error: last connection error: connection error: desc = \\"transport: Error while dialing dial tcp 127.0.0.1:2379: connect: connection refused\\""}`,
	},
	{
		expect: 'boot',
		note: 'docker compose logs, etcd name does not resolve',
		text: `milvus-standalone  | [2025/01/20 14:02:11.004 +00:00] [WARN] [grpclog/grpclog.go:43] ["[core]grpc: addrConn.createTransport failed to connect to {Addr: \\"etcd:2379\\"}. Err: connection error: desc = \\"transport: Error while dialing dial tcp: lookup etcd on 127.0.0.11:53: no such host\\""]`,
	},
	{
		expect: 'boot',
		note: 'Helm cluster, proxy waiting for the coordinator (#27171)',
		text: `[2024/08/02 03:11:45.902 +00:00] [WARN] [grpcclient/client.go:248] ["failed to get client address"] [error="find no available rootcoord, check rootcoord state"]`,
	},
	{
		expect: 'boot',
		note: '2.6 mixcoord wording (#45688)',
		text: `milvus-standalone  | [2025/09/30 07:40:01.118 +00:00] [WARN] [grpcclient/client.go:251] ["failed to get client address"] [error="find no available mixcoord, check mixcoord state"] [errorVerbose="find no available mixcoord, check mixcoord state\\n(1) attached stack trace"]`,
	},
	{
		expect: 'object-storage',
		note: 'milvus-docs#2247: wrong MinIO credentials',
		text: `[2024/05/14 10:21:33.775 +00:00] [WARN] [storage/minio_chunk_manager.go:147] ["failed to check blob bucket exist"] [bucket=milvus-bucket] [error="Access Denied."]`,
	},
	{
		expect: 'object-storage',
		note: 'milvus#24864',
		text: `[2023/06/12 08:00:12.345 +00:00] [ERROR] [storage/minio_chunk_manager.go:156] ["failed to check blob bucket exist"] [bucket=a-bucket] [error="The Access Key Id you provided does not exist in our records."] [stack="github.com/milvus-io/milvus/internal/storage.newMinioChunkManagerWithConfig"]`,
	},
	{
		expect: 'object-storage',
		note: 'S3 SignatureDoesNotMatch returned by MinIO',
		text: `[2024/11/03 19:45:10.220 +00:00] [WARN] [storage/remote_chunk_manager.go:95] ["failed to check blob bucket exist"] [bucket=milvus-bucket] [error="The request signature we calculated does not match the signature you provided. Check your key and signing method."]`,
	},
	{
		expect: 'boot',
		note: 'milvus#45688: MinIO on the console port',
		text: `[2025/10/02 11:02:53.401 +00:00] [WARN] [retry/retry.go:130] ["retry func failed"] [retried=3] [error="Get \\"http://10.96.14.2:9011/a-bucket/?location=\\": dial tcp 10.96.14.2:9011: connect: connection refused"]`,
	},
	{
		expect: 'boot',
		note: 'milvus#45629: port conflict on 19530',
		text: `[2025/08/19 06:12:40.993 +00:00] [WARN] [proxy/service.go:321] ["Proxy fail to create external grpc listener"] [error="listen tcp :19530: bind: address already in use"]
panic: listen tcp :19530: bind: address already in use`,
	},
	{
		expect: 'boot',
		note: 'curl /healthz on 9091',
		text: `$ curl -s http://127.0.0.1:9091/healthz
Not all components are healthy, 3/4`,
	},
	{
		expect: 'boot',
		note: 'kubectl describe pod: readiness probe on 9091',
		text: `  Warning  Unhealthy  2m11s (x41 over 12m)  kubelet  Readiness probe failed: HTTP probe failed with statuscode: 500`,
	},
	{
		expect: 'boot',
		note: 'docker compose on a CPU without AVX',
		text: `milvus-standalone exited with code 132
milvus-standalone  | Illegal instruction (core dumped)`,
	},
	{
		expect: 'boot',
		note: 'amd64 image on arm64',
		text: `milvus-standalone  | exec /tini: exec format error`,
	},
	{
		expect: 'boot',
		note: 'bind-mounted volume owned by another user',
		text: `[2024/02/27 13:44:19.007 +00:00] [ERROR] [rocksmq/rocksmq_impl.go:175] ["failed to create rocksmq"] [error="mkdir /var/lib/milvus/rdb_data: permission denied"]`,
	},
	{
		expect: 'boot',
		note: 'two standalone containers on one volume',
		text: `panic: While lock file: /var/lib/milvus/rdb_data_meta_kv/LOCK: Resource temporarily unavailable`,
	},
	{
		expect: 'boot',
		note: 'Helm cluster, Pulsar broker down',
		text: `time="2024-07-15T02:11:09Z" level=error msg="[Failed to connect to broker.]" error="dial tcp 10.0.3.17:6650: connect: connection refused" remote_addr="pulsar://my-release-pulsar-proxy:6650"`,
	},
	{
		expect: 'boot',
		note: 'Kafka brokers unreachable (sarama)',
		text: `[2024/12/01 22:05:48.319 +00:00] [ERROR] [kafka/kafka_client.go:113] ["create kafka producer failed"] [error="kafka: client has run out of available brokers to talk to: dial tcp 10.0.5.9:9092: connect: connection refused"]`,
	},
	{
		expect: 'object-storage',
		note: 'bucket name that does not exist',
		text: `[2024/04/09 16:30:02.550 +00:00] [WARN] [storage/minio_chunk_manager.go:147] ["failed to check blob bucket exist"] [bucket=milvus-bucket] [error="The specified bucket does not exist"]`,
	},
	{
		expect: 'boot',
		note: 'kubectl logs of a crash-looping standalone pod, with --timestamps',
		text: `2025-03-11T09:14:02.381227Z [2025/03/11 09:14:02.381 +00:00] [ERROR] [components/standalone.go:52] ["init with etcd failed"] [error="failed to create etcd client: context deadline exceeded"]`,
	},

	// ───────────────────────── runtime-compat ─────────────────────────
	{
		expect: 'runtime-compat',
		note: 'pymilvus#1531 traceback',
		text: `Traceback (most recent call last):
  File "/app/ingest.py", line 12, in <module>
    connections.connect("default", host="10.0.0.12", port="19530")
  File "/usr/local/lib/python3.10/site-packages/pymilvus/orm/connections.py", line 356, in connect
    connect_milvus(**kwargs, user=user, password=password, token=token, db_name=db_name)
pymilvus.exceptions.MilvusException: <MilvusException: (code=1, message=this version of sdk is incompatible with server, please downgrade your sdk or upgrade your server)>`,
	},
	{
		expect: 'runtime-compat',
		note: 'pymilvus logging line before the exception',
		text: `2024-06-03 11:22:33,401 [ERROR][handler]: RPC error: [__internal_register], <MilvusException: (code=1, message=this version of sdk is incompatible with server, please downgrade your sdk or upgrade your server)>, <Time:{'RPC start': '2024-06-03 11:22:33.390122', 'RPC error': '2024-06-03 11:22:33.401817'}> (decorators.py:140)`,
	},
	{
		expect: 'runtime-compat',
		note: 'milvus#38255: pymilvus 2.5 on the 9091 port',
		text: `pymilvus.exceptions.MilvusException: <MilvusException: (code=1, message=Incorrect port or sdk is incompatible with server, please check your port or downgrade your sdk or upgrade your server)>`,
	},
	{
		expect: 'runtime-compat',
		note: 'pymilvus 2.6.11+ decorators.py',
		text: `MilvusException: <MilvusException: (code=1, message=Received UNIMPLEMENTED from server. Please first verify that your uri points to a Milvus gRPC port (default: 19530) instead of an HTTP/proxy port. If the port is correct, your SDK may be incompatible with the server; upgrade Milvus server or use a matching pymilvus version.)>`,
	},
	{
		expect: 'runtime-compat',
		note: 'milvus#24444: raw grpc error',
		text: `grpc._channel._InactiveRpcError: <_InactiveRpcError of RPC that terminated with:
	status = StatusCode.UNIMPLEMENTED
	details = "unknown method Connect for service milvus.proto.milvus.MilvusService"
	debug_error_string = "UNKNOWN:Error received from peer ipv4:172.18.0.4:19530 {created_time:"2023-05-26T09:12:44.91+00:00", grpc_status:12, grpc_message:"unknown method Connect for service milvus.proto.milvus.MilvusService"}"
>`,
	},
	{
		expect: 'runtime-compat',
		note: 'pymilvus#1298',
		text: `pymilvus.exceptions.MilvusException: <MilvusException: (code=1, message=<_InactiveRpcError of RPC that terminated with: status = StatusCode.UNIMPLEMENTED details = "unknown method GetLoadingProgress for service milvus.proto.milvus.MilvusService">)>`,
	},
	{
		expect: 'runtime-compat',
		note: 'milvus#41992: RunAnalyzer on an older server',
		text: `grpc._channel._InactiveRpcError: <_InactiveRpcError of RPC that terminated with: status = StatusCode.UNIMPLEMENTED details = "unknown method RunAnalyzer for service milvus.proto.milvus.MilvusService" debug_error_string = "UNKNOWN:Error received from peer  {grpc_message:"unknown method RunAnalyzer for service milvus.proto.milvus.MilvusService", grpc_status:12}">`,
	},
	{
		expect: 'runtime-compat',
		note: 'milvus-docs#2146: Node SDK',
		text: `Error: 12 UNIMPLEMENTED: unknown method GetVersion for service milvus.proto.milvus.MilvusService
    at callErrorFromStatus (/srv/app/node_modules/@grpc/grpc-js/build/src/call.js:31:19)
    at Object.onReceiveStatus (/srv/app/node_modules/@grpc/grpc-js/build/src/client.js:193:76)`,
	},
	{
		expect: 'runtime-compat',
		note: 'Node SDK BaseClient.ts',
		text: `Error: This version of sdk is incompatible with the server, please downgrade your sdk or upgrade your server.
    at MilvusClient.connect (/srv/app/node_modules/@zilliz/milvus2-sdk-node/dist/milvus/grpc/BaseClient.js:210:23)`,
	},
	{
		expect: 'runtime-compat',
		note: 'Node SDK utils/Validate.ts',
		text: `Error: Your milvus server doesn't support dynamic schema, please upgrade your server.
    at checkDynamicSchema (/srv/app/node_modules/@zilliz/milvus2-sdk-node/dist/utils/Validate.js:88:15)`,
	},
	{
		expect: 'runtime-compat',
		note: 'zilliztech/milvus-backup#151: Go SDK',
		text: `[2023/06/01 02:03:04.567 +08:00] [ERROR] [core/backup_context.go:155] ["failed to connect to milvus"] [error="this version of sdk is incompatible with server, please downgrade your sdk or upgrade your server"]`,
	},
	{
		expect: 'runtime-compat',
		note: 'pymilvus too old for MilvusClient',
		text: `Traceback (most recent call last):
  File "/home/ana/rag/app.py", line 3, in <module>
    from pymilvus import MilvusClient
ImportError: cannot import name 'MilvusClient' from 'pymilvus' (/home/ana/.venv/lib/python3.11/site-packages/pymilvus/__init__.py)`,
	},
	{
		expect: 'runtime-compat',
		note: 'grpc-js to the HTTP port 9091',
		text: `Error: 1 CANCELLED: Trying to connect an http1.x server (HTTP status 404)
    at callErrorFromStatus (/srv/app/node_modules/@grpc/grpc-js/build/src/call.js:31:19)`,
	},
	{
		expect: 'runtime-compat',
		note: 'Java SDK: io.grpc.StatusRuntimeException',
		text: `io.grpc.StatusRuntimeException: UNIMPLEMENTED: unknown method GetVersion for service milvus.proto.milvus.MilvusService
	at io.grpc.stub.ClientCalls.toStatusRuntimeException(ClientCalls.java:268)
	at io.milvus.client.AbstractMilvusGrpcClient.getVersion(AbstractMilvusGrpcClient.java:2870)`,
	},

	// ─────────────────────────── api-errors ───────────────────────────
	{
		expect: 'api-errors',
		note: 'milvus#33181',
		text: `pymilvus.exceptions.MilvusException: <MilvusException: (code=101, message=collection not loaded[collection=449888229865560632])>`,
	},
	{
		expect: 'api-errors',
		note: 'pymilvus RPC error log line, code 101',
		text: `2024-09-12 08:41:07,226 [ERROR][search]: RPC error: [search], <MilvusException: (code=101, message=failed to search: collection not loaded[collection=451234567890123456])>, <Time:{'RPC start': '2024-09-12 08:41:07.213580', 'RPC error': '2024-09-12 08:41:07.226041'}> (decorators.py:140)`,
	},
	{
		expect: 'api-errors',
		note: 'milvus#23178: 2.2-era wording',
		text: `pymilvus.exceptions.MilvusException: <MilvusException: (code=1, message=fail to search on all shard leaders, err=attempt #0: fail to get shard leaders from QueryCoord: collection=441233445566778899: collection not loaded)>`,
	},
	{
		expect: 'api-errors',
		note: 'milvus#23178',
		text: `<MilvusException: (code=1, message=collection 440123456789012345 has not been loaded to memory or load failed)>`,
	},
	{
		expect: 'api-errors',
		note: 'pymilvus#3750: 2.2-era code=4',
		text: `pymilvus.exceptions.MilvusException: <MilvusException: (code=4, message=can't find collection[database=default][collection=docs_v2])>`,
	},
	{
		expect: 'api-errors',
		note: '2.3+ code=100',
		text: `MilvusException: (code=100, message=collection not found[database=default][collection=articles])`,
	},
	{
		expect: 'api-errors',
		note: 'code 700 on load',
		text: `pymilvus.exceptions.MilvusException: <MilvusException: (code=700, message=index not found[collection=articles])>`,
	},
	{
		expect: 'api-errors',
		note: 'code 1100 from an insert',
		text: `pymilvus.exceptions.MilvusException: <MilvusException: (code=1100, message=the dim (768) of field data(embedding) is not equal to schema dim (1024): invalid parameter[expected=1024][actual=768])>`,
	},
	{
		expect: 'api-errors',
		note: 'code 1400, auth on',
		text: `MilvusException: <MilvusException: (code=1400, message=auth check failure, please check username and password are correct)>`,
	},
	{
		expect: 'api-errors',
		note: 'code 1401, RBAC',
		text: `pymilvus.exceptions.MilvusException: <MilvusException: (code=1401, message=PrivilegeInsert: permission deny to reader in the 'default' database: privilege not permitted)>`,
	},
	{
		expect: 'write-denied',
		note: 'quota: memory exhausted on insert',
		text: `2024-10-01 12:00:03,004 [ERROR][insert_rows]: RPC error: [insert_rows], <MilvusException: (code=9, message=quota exceeded[reason=memory quota exceeded, please allocate more resources])>, <Time:{'RPC start': '2024-10-01 12:00:02.990001'}> (decorators.py:140)`,
	},
	{
		expect: 'write-denied',
		note: 'rate limit on search',
		text: `pymilvus.exceptions.MilvusException: <MilvusException: (code=8, message=rate limit exceeded[rate=10])>`,
	},
	{
		expect: 'api-errors',
		note: 'query node gone (code 401)',
		text: `<MilvusException: (code=401, message=failed to search: no available shard delegator found: service unavailable)>`,
	},
	{
		expect: 'boot',
		note: 'pymilvus#1950: nothing answers on 19530 (Milvus down or wrong host)',
		text: `pymilvus.exceptions.MilvusException: <MilvusException: (code=2, message=Fail connecting to server on milvus.internal:19530, illegal connection params or server unavailable)>`,
	},
	{
		expect: 'api-errors',
		note: 'Java SDK exception',
		text: `io.milvus.v2.exception.MilvusClientException: collection not found[database=default][collection=orders]
	at io.milvus.v2.utils.RpcUtils.handleResponse(RpcUtils.java:52)
	at io.milvus.v2.service.collection.CollectionService.describeCollection(CollectionService.java:140)`,
	},
	{
		expect: 'api-errors',
		note: 'Node SDK status object',
		text: `{ error_code: 'UnexpectedError', reason: 'collection not loaded[collection=docs]', code: 101, retriable: false, detail: 'collection not loaded[collection=docs]' }`,
	},
	{
		expect: 'api-errors',
		note: 'database missing (code 800)',
		text: `MilvusException: (code=800, message=database not found[database=analytics])`,
	},
	{
		expect: 'api-errors',
		note: 'search timeout',
		text: `pymilvus.exceptions.MilvusException: <MilvusException: (code=1, message=<_MultiThreadedRendezvous of RPC that terminated with: status = StatusCode.DEADLINE_EXCEEDED details = "Deadline Exceeded">)>`,
	},

	// ────────────────────────── etcd-pending ──────────────────────────
	{
		expect: 'etcd-pending',
		note: 'bitnami-etcd.md: kubectl describe pod event',
		text: `Events:
  Type     Reason            Age                 From               Message
  ----     ------            ----                ----               -------
  Warning  FailedScheduling  3m2s (x4 over 18m)  default-scheduler  0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.`,
	},
	{
		expect: 'etcd-pending',
		note: 'older kubernetes wording',
		text: `Warning  FailedScheduling  61s (x5 over 5m)  default-scheduler  0/1 nodes are available: 1 pod has unbound immediate PersistentVolumeClaims.`,
	},
	{
		expect: 'etcd-pending',
		note: 'kubectl describe pvc',
		text: `Events:
  Type    Reason         Age                  From                         Message
  ----    ------         ----                 ----                         -------
  Normal  FailedBinding  12s (x62 over 15m)   persistentvolume-controller  no persistent volumes available for this claim and no storage class is set`,
	},
	{
		expect: 'etcd-pending',
		note: 'StorageClass named in values does not exist',
		text: `  Warning  ProvisioningFailed  8s (x3 over 38s)  persistentvolume-controller  storageclass.storage.k8s.io "fast-ssd" not found`,
	},
	{
		expect: 'etcd-pending',
		note: 'kubectl get pods',
		text: `NAME                READY   STATUS    RESTARTS   AGE
my-release-etcd-0   0/1     Pending   0          7m12s
my-release-etcd-1   0/1     Pending   0          7m12s
my-release-etcd-2   0/1     Pending   0          7m12s`,
	},
	{
		expect: 'etcd-pending',
		note: 'kubectl get pvc',
		text: `NAME                     STATUS    VOLUME   CAPACITY   ACCESS MODES   STORAGECLASS   AGE
data-milvus-etcd-0       Pending                                                     4m`,
	},
	{
		expect: 'etcd-pending',
		note: 'CSI provisioner not running',
		text: `  Normal  ExternalProvisioning  9s (x21 over 5m)  persistentvolume-controller  Waiting for a volume to be created either by the external provisioner 'ebs.csi.aws.com' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.`,
	},
	{
		expect: 'etcd-pending',
		note: 'WaitForFirstConsumer class without PVs',
		text: `0/4 nodes are available: 4 node(s) didn't find available persistent volumes to bind. preemption: 0/4 nodes are available: 4 Preemption is not helpful for scheduling.`,
	},

	// ─────────────────────── etcd-bad-member-id ───────────────────────
	{
		expect: 'etcd-bad-member-id',
		note: 'milvus#17007: kubectl logs --previous',
		text: `etcd 08:30:12.34 INFO  ==> Detected data from previous deployments
etcd 08:30:12.52 INFO  ==> Updating member in existing cluster
Error: bad member ID arg (strconv.ParseUint: parsing "": invalid syntax), expecting ID in Hex`,
	},
	{
		expect: 'etcd-bad-member-id',
		note: 'the same line with kubectl --timestamps and --prefix',
		text: `[pod/milvus-etcd-2/etcd] 2024-02-19T04:51:33.120934201Z Error: bad member ID arg (strconv.ParseUint: parsing "": invalid syntax), expecting ID in Hex`,
	},
	{
		expect: 'etcd-bad-member-id',
		note: 'old Bitnami script',
		text: `etcd 11:02:41.09 INFO  ==> Detected data from previous deployments
etcd 11:02:41.11 WARN  ==> Member ID wasn't properly stored, the member will try to join the cluster by it's own`,
	},
	{
		expect: 'etcd-bad-member-id',
		note: 'stale member id in member update',
		text: `{"level":"warn","ts":"2024-02-19T04:51:33.101Z","logger":"etcd-client","caller":"v3/retry_interceptor.go:62","msg":"retrying of unary invoker failed","target":"etcd-endpoints://0xc0001a2000/my-release-etcd-0.my-release-etcd-headless.default.svc.cluster.local:2379","attempt":0,"error":"rpc error: code = NotFound desc = etcdserver: member not found"}
Error: etcdserver: member not found`,
	},

	// ──────────────────────── etcd-multi-crash ────────────────────────
	{
		expect: 'etcd-multi-crash',
		note: 'etcd 3.5 JSON log of a removed member',
		text: `{"level":"warn","ts":"2024-03-05T10:22:14.880Z","caller":"rafthttp/http.go:500","msg":"request cluster ID mismatch","local-member-id":"8e9e05c52164694d","local-member-cluster-id":"cdf818194e3a8c32","local-member-server-version":"3.5.9","remote-peer-server-name":"a1b2c3d4e5f60708","remote-peer-server-version":"3.5.9","remote-peer-cluster-id":"4f3c0b6a2d1e9f87"}`,
	},
	{
		expect: 'etcd-multi-crash',
		note: 'etcd server.go fatal',
		text: `{"level":"fatal","ts":"2024-03-05T10:22:15.002Z","caller":"etcdmain/etcd.go:204","msg":"discovery failed","error":"the member has been permanently removed from the cluster","stacktrace":"go.etcd.io/etcd/server/v3/etcdmain.startEtcdOrProxyV2\\n\\t/go/src/go.etcd.io/etcd/release/etcd/server/etcdmain/etcd.go:204"}`,
	},
	{
		expect: 'etcd-multi-crash',
		note: 'removed member restarting',
		text: `{"level":"warn","ts":"2024-03-05T10:22:16.311Z","caller":"etcdserver/server.go:1129","msg":"server error","error":"the member has been permanently removed from the cluster"}
{"level":"warn","ts":"2024-03-05T10:22:16.311Z","caller":"etcdserver/server.go:1130","msg":"data-dir used by this member must be removed"}`,
	},
	{
		expect: 'etcd-multi-crash',
		note: 'bitnami-etcd.md §3a: state=new on an existing cluster',
		text: `{"level":"fatal","ts":"2024-04-11T01:02:03.456Z","caller":"etcdmain/etcd.go:204","msg":"discovery failed","error":"member 4e1f5c9a3b2d7e60 has already been bootstrapped"}`,
	},
	{
		expect: 'etcd-multi-crash',
		note: 'Milvus talking to an etcd without quorum',
		text: `[2024/03/05 10:25:01.777 +00:00] [WARN] [etcd/etcd_kv.go:654] ["Slow etcd operation save"] [time spent=5.001s] [error="etcdserver: no leader"]`,
	},
	{
		expect: 'etcd-multi-crash',
		note: 'member add without quorum',
		text: `Error: etcdserver: re-configuration failed due to not enough started members`,
	},
	{
		expect: 'etcd-multi-crash',
		note: 'raft panic of a member with a wiped log',
		text: `{"level":"panic","ts":"2024-03-05T10:40:02.002Z","logger":"raft","caller":"etcdserver/zap_raft.go:101","msg":"tocommit(1207) is out of range [lastIndex(0)]. Was the raft log corrupted, truncated, or lost?","stacktrace":"go.etcd.io/etcd/server/v3/etcdserver.(*zapRaftLogger).Panicf"}
panic: tocommit(1207) is out of range [lastIndex(0)]. Was the raft log corrupted, truncated, or lost?`,
	},

	// ───────────────────────── etcd-all-crash ─────────────────────────
	{
		expect: 'etcd-all-crash',
		note: 'Bitnami add_self_to_cluster',
		text: `etcd 10:25:40.01 INFO  ==> Adding new member to existing cluster
etcd 10:25:50.13 ERROR ==> No active endpoints in cluster, wait 10s, and restart the pod`,
	},
	{
		expect: 'etcd-all-crash',
		note: 'StatefulSet scaled below its initial cluster',
		text: `etcd 10:31:09.77 INFO  ==> Initializing etcd
etcd 10:31:19.80 ERROR ==> Headless service domain does not have an IP per initial member in the cluster`,
	},
	{
		expect: 'etcd-all-crash',
		note: 'etcd#14569',
		text: `{"level":"panic","ts":"2024-05-20T03:14:15.926Z","caller":"etcdserver/server.go:515","msg":"failed to recover v3 backend from snapshot","error":"failed to find database snapshot file (snap: snapshot file doesn't exist)","stacktrace":"go.etcd.io/etcd/server/v3/etcdserver.NewServer\\n\\t/go/src/go.etcd.io/etcd/release/etcd/server/etcdserver/server.go:515"}
panic: failed to recover v3 backend from snapshot`,
	},
	{
		expect: 'etcd-all-crash',
		note: 'bbolt#335 after a power loss',
		text: `panic: freepages: failed to get all reachable pages (page 5218: multiple references (stack: [1203 5218]))

goroutine 187 [running]:
go.etcd.io/bbolt.(*DB).freepages.func2()
	/go/pkg/mod/go.etcd.io/bbolt@v1.3.7/db.go:1181 +0x8d`,
	},
	{
		expect: 'etcd-all-crash',
		note: 'etcd#17084',
		text: `panic: page 4719 already freed

goroutine 1 [running]:
go.etcd.io/bbolt.(*freelist).free(0xc0001b2000, 0x4f2c, 0x7f3a9c1b8000)`,
	},
	{
		expect: 'etcd-all-crash',
		note: 'etcd#18096',
		text: `panic: assertion failed: Page expected to be: 23, but self identifies as 0`,
	},
	{
		expect: 'etcd-all-crash',
		note: 'backend.go lg.Panic',
		text: `{"level":"panic","ts":"2024-05-20T03:20:01.000Z","caller":"backend/backend.go:189","msg":"failed to open database","path":"/bitnami/etcd/data/member/snap/db","error":"invalid database"}`,
	},
	{
		expect: 'etcd-all-crash',
		note: 'WAL corruption',
		text: `{"level":"fatal","ts":"2024-05-20T03:22:40.551Z","caller":"etcdserver/storage.go:95","msg":"failed to read WAL, cannot be repaired","error":"walpb: crc mismatch"}`,
	},

	// ───────────── object-storage, querynode-oom, write-denied (issue 16) ─────────────
	{
		expect: 'object-storage',
		note: 'bucket check refused (milvus-docs#2247)',
		text: `[2025/04/14 09:12:03.511 +00:00] [WARN] [storage/minio_object_storage.go:101] ["failed to check blob bucket exist"] [bucket=milvus-bucket] [error="Access Denied."]`,
	},
	{
		expect: 'object-storage',
		note: 'missing bucket (milvus#41332)',
		text: `[2025/04/14 09:12:03.511 +00:00] [WARN] [storage/minio_object_storage.go:101] ["failed to check blob bucket exist"] [bucket=milvus-prod] [error="The specified bucket does not exist."]`,
	},
	{
		expect: 'object-storage',
		note: 'useSSL against a plain-HTTP endpoint',
		text: 'Get "https://my-release-minio:9000/milvus-bucket/?location=": http: server gave HTTP response to HTTPS client',
	},
	{
		expect: 'object-storage',
		note: 'wrong region',
		text: "The authorization header is malformed; the region 'us-east-1' is wrong; expecting 'ap-southeast-1'",
	},
	{
		expect: 'querynode-oom',
		note: 'load refused by the memory threshold (milvus#32621)',
		text: '<MilvusException: (code=65535, message=load segment failed, OOM if load, maxSegmentSize = 512 MB, memUsage = 7126 MB, predictMemUsage = 7638 MB, totalMem = 8192 MB thresholdFactor = 0.900000)>',
	},
	{
		expect: 'querynode-oom',
		note: 'kubectl get pods with an OOMKilled query node',
		text: 'my-release-milvus-querynode-5d9f7c8b6-x2kqp   0/1     OOMKilled   3 (40s ago)   2h',
	},
	{
		expect: 'write-denied',
		note: 'memory guard (milvus#26257)',
		text: '<MilvusException: (code=53, message=deny to write, reason: memory quota exhausted, please allocate more resources)>',
	},
	{
		expect: 'write-denied',
		note: 'disk guard (milvus#23592)',
		text: '<MilvusException: (code=9, message=quota exceeded[reason=disk quota exceeded, please allocate more resources])>',
	},
	{
		expect: 'write-denied',
		note: 'rate limit (milvus#32719)',
		text: '<MilvusException: (code=8, message=rate limit exceeded[rate=4194304])>',
	},
	{
		expect: 'write-denied',
		note: 'time tick guard (milvus#23920)',
		text: 'deny to write, reason: time tick long delay, please check the message queue',
	},

	// ────────────────────────── etcd-slow-disk ──────────────────────────
	{
		expect: 'etcd-slow-disk',
		note: 'etcd 3.5 on a slow WAL disk',
		text: `{"level":"warn","ts":"2026-03-04T09:12:41.532Z","caller":"wal/wal.go:805","msg":"slow fdatasync","took":"1.427156311s","expected-duration":"1s"}`,
	},
	{
		expect: 'etcd-slow-disk',
		note: 'a linearizable read waiting for an overloaded leader',
		text: 'waiting for ReadIndex response took too long, retrying',
	},
	{
		expect: 'etcd-slow-disk',
		note: 'the bare etcd warning',
		text: 'apply request took too long',
	},
	{
		expect: 'etcd-slow-disk',
		note: 'Milvus waiting for etcd',
		text: `[2024/03/05 20:02:09.405 +00:00] [WARN] [etcd/etcd_kv.go:656] ["Slow etcd operation save"] ["time spent"=7.000908158s] [key=by-dev/kv/gid/timestamp]`,
	},

	// ─────────────────────────── etcd-nospace ───────────────────────────
	{
		expect: 'etcd-nospace',
		note: 'the bare etcdctl error',
		text: 'etcdserver: mvcc: database space exceeded',
	},
	{
		expect: 'etcd-nospace',
		note: 'milvus#44614, the Go client inside Milvus',
		text: `{"level":"warn","ts":"2025-09-22T08:14:03.512Z","logger":"etcd-client","caller":"v3@v3.5.18/retry_interceptor.go:62","msg":"retrying of unary invoker failed","target":"etcd-endpoints://0xc000c5a000/my-release-etcd:2379","attempt":0,"error":"rpc error: code = ResourceExhausted desc = etcdserver: mvcc: database space exceeded"}`,
	},
	{
		expect: 'etcd-nospace',
		note: 'etcdctl endpoint health with the alarm up',
		text: 'etcd failed to commit proposal: Active Alarm(s): NOSPACE',
	},
	{
		expect: 'etcd-nospace',
		note: 'etcdctl alarm list',
		text: 'memberID:7785223140318738263 alarm:NOSPACE',
	},

	// ─────────────────────────── etcd-image-pull ───────────────────────────
	{
		expect: 'etcd-image-pull',
		note: 'kubectl get events after Bitnami moved its images (zilliztech/milvus-operator#399)',
		text: `LAST SEEN   TYPE      REASON    OBJECT                  MESSAGE
2m          Warning   Failed    pod/my-release-etcd-2   Failed to pull image "docker.io/bitnami/etcd:3.5.18-debian-12-r5": rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/bitnami/etcd:3.5.18-debian-12-r5": failed to resolve reference "docker.io/bitnami/etcd:3.5.18-debian-12-r5": docker.io/bitnami/etcd:3.5.18-debian-12-r5: not found
2m          Warning   Failed    pod/my-release-etcd-2   Error: ErrImagePull`,
	},
	{
		expect: 'etcd-image-pull',
		note: 'kubectl get pods with the etcd pods waiting for their image',
		text: `NAME                                READY   STATUS             RESTARTS   AGE
my-release-etcd-0                   0/1     ImagePullBackOff   0          6m
my-release-etcd-1                   0/1     ErrImagePull       0          6m
my-release-milvus-proxy-6c8f9d7b5-x2kqp   0/1     Running            3          6m`,
	},
	{
		expect: 'etcd-image-pull',
		note: 'the container waiting message (kubectl get pod -o yaml), Kubernetes 1.30+',
		text: `message: 'Back-off pulling image "docker.io/bitnami/etcd:3.5.5-debian-11-r23": ErrImagePull: rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/bitnami/etcd:3.5.5-debian-11-r23": failed to resolve reference "docker.io/bitnami/etcd:3.5.5-debian-11-r23": docker.io/bitnami/etcd:3.5.5-debian-11-r23: not found'
reason: ImagePullBackOff`,
	},

	// ─────────────── text that belongs to no symptom page ───────────────
	{
		expect: null,
		note: 'python dependency missing',
		text: `ModuleNotFoundError: No module named 'sentence_transformers'`,
	},
	{
		expect: null,
		note: 'generic Java NPE',
		text: `Exception in thread "main" java.lang.NullPointerException: Cannot invoke "String.length()" because "s" is null
	at com.example.Loader.main(Loader.java:14)`,
	},
	{
		expect: null,
		note: 'nginx upstream',
		text: `2024/05/01 10:00:00 [error] 31#31: *1 upstream timed out (110: Connection timed out) while reading response header from upstream, client: 10.0.0.1, server: _, request: "GET / HTTP/1.1"`,
	},
	{
		expect: 'querynode-oom',
		note: 'an OOM kill: the querynode-oom page explains OOMKilled and exit 137',
		text: `Last State:     Terminated
      Reason:       OOMKilled
      Exit Code:    137`,
	},
	{
		expect: null,
		note: 'image pull',
		text: `  Warning  Failed     12s   kubelet  Failed to pull image "milvusdb/milvus:v2.9.9": rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/milvusdb/milvus:v2.9.9": not found`,
	},
	{
		expect: null,
		note: "the control plane's etcd (kubeadm), not Milvus's",
		text: `[ERROR ImagePull]: failed to pull image registry.k8s.io/etcd:3.5.15-0: output: Failed to pull image "registry.k8s.io/etcd:3.5.15-0": rpc error: code = NotFound desc = failed to pull and unpack image "registry.k8s.io/etcd:3.5.15-0": not found`,
	},
	{
		expect: null,
		note: 'node ENOENT',
		text: `Error: ENOENT: no such file or directory, open '/srv/app/config.json'`,
	},
	{
		expect: null,
		note: 'disk full',
		text: `write /var/lib/docker/overlay2/abc/merged/tmp/x: no space left on device`,
	},
	{
		expect: null,
		note: 'a normal Milvus info line',
		text: `[2024/06/01 10:00:00.000 +00:00] [INFO] [proxy/impl.go:2880] ["Search received"] [traceID=0af3c1] [collection=docs] [partitions="[]"] [dsl=] [len(PlaceholderGroups)=1] [OutputFields="[id]"]`,
	},
	{ expect: null, note: 'prose question', text: `how do I back up milvus before upgrading to 2.5` },
	{ expect: null, note: 'XSS-looking input', text: `<script>alert(1)</script>` },
	{ expect: null, note: 'TLS handshake', text: `x509: certificate signed by unknown authority` },
	{
		expect: null,
		note: 'pip resolver',
		text: `ERROR: Could not find a version that satisfies the requirement pymilvus==9.9.9 (from versions: 2.4.0, 2.4.1)`,
	},
];
