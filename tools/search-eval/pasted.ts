/**
 * The evaluation set: errors as people really pasted them into GitHub issues, each with the issue it comes
 * from (looked up, not guessed), and the symptom page that answers it. Text is kept as the reporter wrote it
 * (their pod names, ids and timestamps), cut to the lines that carry the error. Grow it: every miss a reader
 * reports belongs here. `expect: null` marks a real error that no page of the guide covers yet; `avoid`
 * names a page the matcher must not claim for it (a signature match), though it may list it as "closest".
 *
 * Run by test/search/eval.test.ts (the shared matcher, as `diagnose` uses it) and by
 * test/search/queries.test.ts (the site's search page, in both languages).
 */
export interface PastedCase {
	text: string;
	expect: string | null;
	url: string;
	avoid?: string;
}

export const PASTED: readonly PastedCase[] = [
	// ───────────────────────────── boot ─────────────────────────────
	{
		expect: 'boot',
		url: 'https://github.com/milvus-io/milvus/issues/31590',
		text: `milvus-standalone  | {"level":"warn","ts":"2024-03-25T09:40:56.830Z","logger":"etcd-client","caller":"v3@v3.5.5/retry_interceptor.go:62","msg":"retrying of unary invoker failed","target":"etcd-endpoints://0xc0015b2fc0/etcd:2379","attempt":0,"error":"rpc error: code = Internal desc = stream terminated by RST_STREAM with error code: PROTOCOL_ERROR"}`,
	},
	{
		expect: 'boot',
		url: 'https://github.com/milvus-io/milvus/issues/36663',
		text: `2024-10-07 12:06:00   File "/usr/local/lib/python3.10/site-packages/langchain_milvus/vectorstores/milvus.py", line 405, in _create_connection_alias
2024-10-07 12:06:00     connections.connect(alias=alias, **connection_args)
2024-10-07 12:06:00   File "/usr/local/lib/python3.10/site-packages/pymilvus/orm/connections.py", line 449, in connect
illegal connection params or server unavailable`,
	},
	{
		expect: 'boot',
		url: 'https://github.com/milvus-io/pymilvus/issues/1950',
		text: `MilvusException: <MilvusException: (code=2, message=Fail connecting to server on localhost:19530. Timeout)>`,
	},
	{
		expect: 'boot',
		url: 'https://github.com/milvus-io/milvus/issues/1664',
		text: `    raise NotConnectError('Fail connecting to server on {}. Timeout'.format(self._uri))
milvus.client.exceptions.NotConnectError: Fail connecting to server on localhost:19530`,
	},
	{
		expect: 'boot',
		url: 'https://github.com/milvus-io/milvus/issues/35255',
		text: `Fail connecting to server on 127.0.0.1:19530`,
	},
	{
		expect: 'boot',
		url: 'https://github.com/milvus-io/milvus/issues/33967',
		text: `NAME                                    READY   STATUS             RESTARTS       AGE
my-attu-679b684645-tgqz4                1/1     Running            0              17h
my-milvus-etcd-0                        1/1     Running            0              10m
my-milvus-minio-b94d9974-gq924          1/1     Running            0              10m
my-milvus-standalone-7d97c86f9b-skffx   0/1     CrashLoopBackOff   5 (114s ago)   6m`,
	},
	{
		expect: 'boot',
		url: 'https://github.com/milvus-io/milvus/issues/33967',
		text: `milvus-standalone cannot conntect to etcd and failed to start`,
	},
	{
		expect: 'boot',
		url: 'https://github.com/milvus-io/milvus/issues/50156',
		text: `Milvus standalone exited after its etcd service-registration leases expired.`,
	},

	// ───────────────────────── runtime-compat ─────────────────────────
	{
		expect: 'runtime-compat',
		url: 'https://github.com/milvus-io/milvus-sdk-java/issues/363',
		text: `status -3 io.grpc.StatusRuntimeException: UNIMPLEMENTED: unknown service milvus.proto.milvus.MilvusService`,
	},
	{
		expect: 'runtime-compat',
		url: 'https://github.com/milvus-io/pymilvus/issues/1582',
		text: `pymilvus.exceptions.MilvusException: <MilvusException: (code=1, message=this version of sdk is incompatible with server, please downgrade your sdk or upgrade your server )>`,
	},
	{
		expect: 'runtime-compat',
		url: 'https://github.com/milvus-io/pymilvus/issues/308',
		text: `milvus.client.exceptions.VersionError: Version of python SDK(0.3.0) not match that of server0.10.3, excepted is ('0.11.x',)`,
	},
	{
		expect: 'runtime-compat',
		url: 'https://github.com/milvus-io/milvus/issues/4786',
		text: `    raise VersionError(
milvus.client.exceptions.VersionError: Version of python SDK(1.0.0) not match that of server0.10.0, excepted is ('1.0.x',)`,
	},
	{
		expect: 'runtime-compat',
		url: 'https://github.com/milvus-io/milvus/issues/38255',
		text: `RPC error: [__internal_register], <MilvusException: (code=1, message=Incorrect port or sdk is incompatible with server, please check your port or downgrade your sdk or upgrade your server)>, <Time:{'RPC start': '2024-12-05 18:10:05.874863', 'RPC error': '2024-12-05 18:10:05.876054'}>`,
	},
	{
		expect: 'runtime-compat',
		url: 'https://github.com/milvus-io/milvus/issues/42650',
		text: `2025-06-11 01:36:19,755 [ERROR][handler]: RPC error: [__internal_register], <MilvusException: (code=1, message=Incorrect port or sdk is incompatible with server, please check your port or downgrade your sdk or upgrade your server)>, <Time:{'RPC start': '2025-06-11 01:36:19.746171', 'RPC error': '2025-06-11 01:36:19.755804'}> (decorators.py:140)
2025-06-11 01:36:19,950 [ERROR][_create_connection]: Failed to create new connection using: 4b3106b96c4c43e49fa4ac79dc0d5f52 (milvus_client.py:916)`,
	},
	{
		expect: 'runtime-compat',
		url: 'https://github.com/milvus-io/milvus-sdk-go/issues/102',
		text: `rpc error: Unimplemented desc = unknown service milvus.grpc.MilvusService`,
	},
	{
		expect: 'runtime-compat',
		url: 'https://github.com/milvus-io/pymilvus/issues/2355',
		text: `Milvus 2.4.15 - pymilvus 2.4.9 Message -> this version of sdk is incompatible with server, please downgrade your sdk or upgrade your server`,
	},

	// ───────────────────────────── api-errors ─────────────────────────────
	{
		expect: 'api-errors',
		url: 'https://github.com/milvus-io/milvus/issues/30403',
		text: `failed to search: collection not loaded`,
	},
	{
		expect: 'api-errors',
		url: 'https://github.com/milvus-io/milvus/issues/15440',
		text: `MilvusException: <MilvusException: (code=1, message=checkIfLoaded failed when search, collection:question_answer, partitions:[], err = GetCollectionInfo failed, collection = question_answer, err = collection 441197464922203706 has not been loaded to memory or load failed)>`,
	},
	{
		expect: 'api-errors',
		url: 'https://github.com/milvus-io/milvus/issues/11969',
		text: `<BaseException: (code=1, message=rpc error: code = Unknown desc = collection has not been loaded to memory or load failed)`,
	},
	{
		expect: 'api-errors',
		url: 'https://github.com/milvus-io/milvus/issues/16589',
		text: `[2022-04-21 23:12:01 - ERROR - pymilvus.decorators]: RPC error: [wait_for_loading_collection], <MilvusException: (code=1, message=collection 432682805904801793 has not been loaded to memory or load failed)>`,
	},
	{
		expect: 'api-errors',
		url: 'https://github.com/milvus-io/milvus/issues/19102',
		text: `collection not loaded into memory when search`,
	},

	// ───────────────────────────── etcd-pending ─────────────────────────────
	{
		expect: 'etcd-pending',
		url: 'https://github.com/milvus-io/milvus-helm/issues/389',
		text: `Name:          data-milvus-etcd-0
Namespace:     default
StorageClass:  gp2
Status:        Pending
Volume:
Labels:        app.kubernetes.io/instance=milvus
               app.kubernetes.io/name=etcd
Annotations:   volume.beta.kubernetes.io/storage-provisioner: ebs.csi.aws.com
               volume.kubernetes.io/selected-node: ip-192-168-20-226.us-east-2.compute.internal
               volume.kubernetes.io/storage-provisioner: ebs.csi.aws.com
Finalizers:    [kubernetes.io/pvc-protection]
Capacity:
Access Modes:
VolumeMode:    Filesystem
Used By:       milvus-etcd-0
Events:
  Type    Reason                Age                   From                         Message
  ----    ------                ----                  ----                         -------
  Normal  WaitForFirstConsumer  12m                   persistentvolume-controller  waiting for first consumer to be created before binding`,
	},
	{
		expect: 'etcd-pending',
		url: 'https://github.com/milvus-io/milvus/issues/20650',
		text: `Pod not supported on Fargate: volumes not supported: data not supported because: PVC data-milvus-etcd-0 not bound`,
	},
	{
		expect: 'etcd-pending',
		url: 'https://github.com/milvus-io/milvus-docs/issues/1368',
		text: `no persistent volumes available for this claim and no storage class is set`,
	},
	{
		expect: 'etcd-pending',
		url: 'https://github.com/apache/apisix-helm-chart/issues/346',
		text: `Warning  FailedScheduling  4m36s  default-scheduler  0/3 nodes are available: 3 pod has unbound immediate PersistentVolumeClaims. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.`,
	},
	{
		expect: 'etcd-pending',
		url: 'https://github.com/milvus-io/milvus/issues/38071',
		text: `fail to deploy milvus for etcd is always in pending statue`,
	},
	{
		expect: 'etcd-pending',
		url: 'https://github.com/milvus-io/milvus/issues/24607',
		text: `root@host1:~# kubectl describe pod my-release-etcd-0
Name:             my-release-etcd-0
Namespace:        default
Node:             <none>
Status:           Pending
IP:
Controlled By:    StatefulSet/my-release-etcd`,
	},

	// ───────────────────────── etcd-bad-member-id ─────────────────────────
	{
		expect: 'etcd-bad-member-id',
		url: 'https://github.com/milvus-io/milvus/issues/16894',
		text: `etcd 08:52:28.55 INFO  ==> Initializing etcd
etcd 08:52:28.56 INFO  ==> Detected data from previous deployments
etcd 08:53:28.74 INFO  ==> Updating member in existing cluster
Error: bad member ID arg (strconv.ParseUint: parsing "": invalid syntax), expecting ID in Hex`,
	},
	{
		expect: 'etcd-bad-member-id',
		url: 'https://github.com/kubegems/kubegems/issues/292',
		text: `failed - error: command '/opt/bitnami/scripts/etcd/prestop.sh' exited with 128: 
cat: /bitnami/etcd/data/member_id: No such file or directory Error: 
bad member ID arg (strconv.ParseUint: parsing "": invalid syntax), 
expecting ID in Hex , message: "cat: /bitnami/etcd/data/member_id: 
No such file or directory\\nError: 
bad member ID arg (strconv.ParseUint: parsing \\"\\": invalid syntax), expecting ID in Hex\\n"`,
	},
	{
		expect: 'etcd-bad-member-id',
		url: 'https://github.com/bitnami/charts/issues/10909',
		text: `there is always one replica failing with \`Error: bad member ID arg (strconv.ParseUint: parsing "": invalid syntax), expecting ID in Hex\` error message`,
	},

	// ───────────────────────── etcd-multi-crash ─────────────────────────
	{
		expect: 'etcd-multi-crash',
		url: 'https://github.com/apache/apisix/issues/12141',
		text: `{"level":"warn","ts":"2025-04-15T08:28:33.766188Z","caller":"etcdserver/server.go:1127","msg":"server error","error":"the member has been permanently removed from the cluster"}
{"level":"warn","ts":"2025-04-15T08:28:33.766235Z","caller":"etcdserver/server.go:1128","msg":"data-dir used by this member must be removed"}`,
	},
	{
		expect: 'etcd-multi-crash',
		url: 'https://github.com/milvus-io/milvus/issues/40575',
		text: `Upon investigating the etcd cluster state, we found that four out of five nodes were no longer part of the etcd cluster, causing significant instability.`,
	},

	// ───────────────────────── etcd-all-crash ─────────────────────────
	{
		expect: 'etcd-all-crash',
		url: 'https://github.com/milvus-io/milvus-helm/issues/438',
		text: `milvus-etcd-0                       0/1     CrashLoopBackOff   2065 (2m37s ago)   7d22h
milvus-etcd-1                       0/1     CrashLoopBackOff   2064 (5m5s ago)    7d22h
milvus-etcd-2                       0/1     CrashLoopBackOff   2063 (4m52s ago)   7d22h`,
	},
	{
		expect: 'etcd-all-crash',
		url: 'https://github.com/milvus-io/milvus/issues/26897',
		text: `etcd 22:12:34.34 INFO  ==> There is no data from previous deployments
etcd 22:12:34.34 INFO  ==> Bootstrapping a new cluster
etcd 22:12:34.34 DEBUG ==> Waiting for the headless svc domain to have an IP per initial member in the cluster
etcd 22:13:34.44 ERROR ==> Headless service domain does not have an IP per initial member in the cluster`,
	},

	// ─────────────────────────── etcd-image-pull ───────────────────────────
	{
		expect: 'etcd-image-pull',
		url: 'https://github.com/ai-dynamo/dynamo/issues/4322',
		text: `  Normal   Pulling                 71s (x4 over 2m49s)    kubelet                  Pulling image "docker.io/bitnami/etcd:3.5.18-debian-12-r5"
  Warning  Failed                  70s (x4 over 2m48s)    kubelet                  Failed to pull image "docker.io/bitnami/etcd:3.5.18-debian-12-r5": rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/bitnami/etcd:3.5.18-debian-12-r5": failed to resolve reference "docker.io/bitnami/etcd:3.5.18-debian-12-r5": docker.io/bitnami/etcd:3.5.18-debian-12-r5: not found
  Warning  Failed                  70s (x4 over 2m48s)    kubelet                  Error: ErrImagePull
  Normal   BackOff                 8s (x10 over 2m48s)    kubelet                  Back-off pulling image "docker.io/bitnami/etcd:3.5.18-debian-12-r5"
  Warning  Failed                  8s (x10 over 2m48s)    kubelet                  Error: ImagePullBackOff`,
	},
	{
		expect: 'etcd-image-pull',
		url: 'https://github.com/ai-dynamo/dynamo/issues/4322',
		text: `  Warning  Failed                  70s (x4 over 2m48s)    kubelet                  Failed to pull image "docker.io/bitnami/etcd:3.5.18-debian-12-r5": rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/bitnami/etcd:3.5.18-debian-12-r5": failed to resolve reference "docker.io/bitnami/etcd:3.5.18-debian-12-r5": docker.io/bitnami/etcd:3.5.18-debian-12-r5: not found`,
	},
	{
		expect: 'etcd-image-pull',
		url: 'https://github.com/vulhub/vulhub/issues/716',
		text: ` ✘ etcd Error        failed to resolve reference "docker.io/bitnami/etcd:3.4.15": docker.io/bitnami/etcd:3.4.15: not found`,
	},
	{
		expect: 'etcd-image-pull',
		url: 'https://github.com/apache/apisix-dashboard/issues/3220',
		text: `[2025-10-03T06:46:01.710Z] Error response from daemon: manifest for bitnami/etcd:3.5 not found: manifest unknown: manifest unknown`,
	},

	// ─────────────── real errors no page covers yet ───────────────
	{
		expect: 'etcd-nospace',
		url: 'https://github.com/milvus-io/milvus/issues/36748',
		text: `[2024/10/11 02:45:08.163 +00:00] [WARN] [sessionutil/session_util.go:365] ["Session Txn failed"] [key=id] [error="etcdserver: mvcc: database space exceeded"]
panic: etcdserver: mvcc: database space exceeded`,
	},
	{
		expect: 'etcd-nospace',
		url: 'https://github.com/milvus-io/milvus/issues/6753',
		text: `"BaseException: <BaseException: (code=1, message=Drop collection failed: etcdserver: mvcc: database space exceeded)>"`,
	},
	{
		expect: 'etcd-nospace',
		url: 'https://github.com/milvus-io/milvus/issues/5519',
		text: `2021-06-01 02:39:31.309997 I | retry func error: etcdserver: mvcc: database space exceeded. attempts #1 after 1s.
panic: etcdserver: mvcc: database space exceeded`,
	},
	// ─────────────────────────── etcd-slow-disk ───────────────────────────
	{
		expect: 'etcd-slow-disk',
		url: 'https://github.com/milvus-io/milvus/issues/34821',
		text: `milvus-etcd        | {"level":"warn","ts":"2024-07-23T23:57:54.261Z","caller":"etcdserver/util.go:166","msg":"apply request took too long","took":"5.176450313s","expected-duration":"100ms","prefix":"","request":"header:<ID:7587880247619074776 > put:<key:\\"by-dev/kv/gid/timestamp\\" value_size:8 >","response":"size:5"}`,
	},
	{
		expect: 'etcd-slow-disk',
		url: 'https://github.com/milvus-io/milvus/issues/16122',
		text: `{"level":"warn","ts":"2022-03-21T14:49:51.577Z","caller":"etcdserver/util.go:166","msg":"apply request took too long","took":"431.977407ms","expected-duration":"100ms","prefix":"","request":"header:<ID:7587861327812430467 > put:<key:\\"by-dev/kv/index_gid/idTimestamp\\" value_size:8 >","response":"size:6"}`,
	},
	{
		expect: 'etcd-slow-disk',
		url: 'https://github.com/milvus-io/milvus/issues/31175',
		text: `[2024/03/05 20:02:09.405 +00:00] [WARN] [etcd/etcd_kv.go:656] ["Slow etcd operation save"] ["time spent"=7.000908158s] [key=by-dev/kv/gid/timestamp]
[2024/03/05 20:02:09.405 +00:00] [WARN] [rootcoord/root_coord.go:237] ["failed to update tso"] [error="etcdserver: request timed out"]`,
	},
	{
		expect: 'etcd-slow-disk',
		url: 'https://github.com/milvus-io/milvus/issues/26846',
		text: `[2023/09/04 21:38:34.036 +08:00] [WARN] [sessionutil/session_util.go:719] ["connection lost detected, shuting down"]
[2023/09/04 21:38:34.036 +08:00] [ERROR] [datacoord/server.go:233] ["disconnected from etcd and exited"] [serverID=29] [stack="github.com/milvus-io/milvus/internal/datacoord.(*Server).Register.func1\\n\\t/go/src/github.com/milvus-io/milvus/internal/datacoord/server.go:233"]`,
	},

	// ───────────────────────── channel-unavailable ─────────────────────────
	{
		expect: 'channel-unavailable',
		url: 'https://github.com/milvus-io/milvus/issues/31029',
		text: `pymilvus.exceptions.MilvusException: <MilvusException: (code=503, message=failed to search: channel not available[channel=by-dev-rootcoord-dml_3_447946435461543441v0])>`,
	},
	{
		expect: 'channel-unavailable',
		url: 'https://github.com/milvus-io/milvus/issues/36593',
		text: `[2024/09/28 08:12:41.090 +00:00] [WARN] [proxy/lb_policy.go:196] ["failed to get delegator"] [collectionID=452667290418561234] [channelName=by-dev-rootcoord-dml_1_452667290418561234v1] [nodeID=23] [error="can not find client of node 23"]`,
	},
	{
		expect: 'channel-unavailable',
		url: 'https://github.com/milvus-io/milvus/issues/24904',
		text: `RPC error: [search], <MilvusException: (code=106, message=collection on recovering[collection=441857127891234567])>`,
	},

	// ───────────────────────── querynode-oom ─────────────────────────
	{
		expect: 'querynode-oom',
		url: 'https://github.com/milvus-io/milvus/issues/32621',
		text: `[2025/07/17 08:30:43.795 +00:00] [WARN] [task/executor.go:232] ["failed to load segment"] [taskID=1752714514141] [collectionID=456114537559186409] [replicaID=456114538037382060] [segmentID=457288489744505222] [node=65] [source=segment_checker] [shardLeader=65] [error="load segment failed, OOM if load, maxSegmentSize = 836.1429033279419 MB,  memUsage = 86472.296875 MB, predictMemUsage = 87308.43977832794 MB, totalMem = 96521.80859375 MB thresholdFactor = 0.900000"]`,
	},
	{
		expect: 'querynode-oom',
		url: 'https://github.com/milvus-io/milvus/issues/22204',
		text: `2023-02-16T09:58:24+08:00 [2023/02/16 01:58:24.670 +00:00] [WARN] [meta/failed_load_cache.go:90] ["FailedLoadCache put failed record"] [collectionID=439466492573778558] [errCode=InsufficientMemoryToLoad] [error="InsufficientMemoryToLoad, err:insufficient memory when shard cluster load segments, err:InsufficientMemoryToLoad, reason:InsufficientMemoryToLoad, load segment failed, OOM if load, collectionID = 439466492573778558, maxSegmentSize = 686 MB, concurrency = 1, usedMemAfterLoad = 21796 MB, totalMem = 24108 MB, thresholdFactor = 0.900000"]`,
	},

	// ───────────────────────── write-denied ─────────────────────────
	{
		expect: 'write-denied',
		url: 'https://github.com/milvus-io/milvus/issues/26257',
		text: `[2023-08-09 20:51:49,906 - ERROR - fouram]: RPC error: [batch_insert], <MilvusException: (code=53, message=deny to write, reason: memory quota exhausted, please allocate more resources, req: /milvus.proto.milvus.MilvusService/Insert)>, <Time:{'RPC start': '2023-08-09 20:51:49.803584', 'RPC error': '2023-08-09 20:51:49.906449'}> (decorators.py:108)`,
	},
	{
		expect: 'write-denied',
		url: 'https://github.com/milvus-io/milvus/issues/32719',
		text: `RPC error: [batch_insert], <MilvusException: (code=9, message=quota exceeded[reason=rate type: DMLInsert])>`,
	},
	{
		expect: 'write-denied',
		url: 'https://github.com/milvus-io/milvus/issues/23920',
		text: `ERROR:pymilvus.decorators:RPC error: [batch_insert], <MilvusException: (code=55, message=deny to write, reason: time tick long delay, req: /milvus.proto.milvus.MilvusService/Insert)>, <Time:{'RPC start': '2023-05-08 10:58:56.921444', 'RPC error': '2023-05-08 10:58:57.661675'}>`,
	},
	{
		expect: 'write-denied',
		url: 'https://github.com/milvus-io/milvus/issues/43504',
		text: `[2025-07-22 10:10:08,418 - ERROR - fouram]: (api_response) : [Collection.insert] <MilvusException: (code=9, message=quota exceeded[reason=memory quota exceeded, please allocate more resources])>, [requestId: 0105d1289d854f2eb885d20ce6527637] (api_request.py:58)`,
	},

	// ───────────────────────── upgrade-2-6 ─────────────────────────
	{
		expect: 'upgrade-2-6',
		url: 'https://github.com/milvus-io/milvus/issues/44205',
		text: `[2025/09/04 03:11:52.614 +00:00] [INFO] [sessionutil/session_util.go:290] ["start server"] [name=mixcoord]
panic: old session exists

goroutine 1 [running]:`,
	},
	{
		expect: 'upgrade-2-6',
		url: 'https://github.com/milvus-io/milvus/issues/47806',
		text: `[2026/02/10 10:01:22.001 +00:00] [WARN] [streamingnode/server.go:141] ["node becomes ro node"] [nodeID=7]`,
	},
	{
		expect: 'upgrade-2-6',
		url: 'https://github.com/milvus-io/milvus/issues/47806',
		text: `[2026/02/10 10:01:23.412 +00:00] [WARN] [producer/producer.go:88] ["create producer failed"] [pchannel=by-dev-rootcoord-dml_0] [error="producer can only be created for RW channel"]`,
	},
];
