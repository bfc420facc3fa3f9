// @ts-check
/**
 * Node API of the stand-in Kubernetes cluster (see ARCHITECTURE.md, "The stand-in cluster").
 *
 * A stand-in cluster is a state folder plus one supervisor process (API server, controllers and kubelet in
 * one) that owns real `etcd` processes on 127.0.0.1 and serves the Kubernetes API to the real kubectl. Put
 * `cluster.env` into the environment of whatever you run (a runbook through zx, a recording): its `KUBECONFIG`
 * points kubectl at that cluster, and its `DOCKER_HOST` points the real docker CLI at the compose model's
 * Docker Engine API stand-in.
 *
 * Typical test:
 *
 * ```ts
 * import { createCluster, stopAll } from '../../tools/standin/index.mjs';
 * after(stopAll);
 * const c = await createCluster({ generation: 'bitnami-2022' });
 * await c.putMilvusKeys(200);
 * const before = await c.dumpKeys();
 * await c.inject('empty-member-id', [1]);
 * await c.waitPod(1, 'CrashLoopBackOff');
 * const r = await $({ env: c.env, nothrow: true })`zx runbooks/etcd-bad-member-id.mjs --yes`;
 * await c.waitHealthy();
 * assert.deepEqual(await c.dumpKeys(), before);
 * ```
 *
 * Addresses: every member has a client and a peer port on 127.0.0.1, allocated per cluster and stable for an
 * ordinal (like the pod's DNS name). The StatefulSet env `ETCD_INITIAL_CLUSTER` holds
 * `<pod>=http://127.0.0.1:<peer>` entries; the chart's DNS form
 * `http://<pod>.<sts>-headless.<ns>.svc.cluster.local:2380` (and `:2379`) is also understood wherever a URL is
 * read, so runbooks may write either.
 */

export { createCluster, createCompose, stopAll, GENERATIONS, FAULTS } from './lib/api.mjs';

/**
 * @typedef {import('./lib/api.mjs').Generation} Generation
 * @typedef {import('./lib/api.mjs').ClusterOptions} ClusterOptions
 * @typedef {import('./lib/api.mjs').StandinCluster} StandinCluster
 * @typedef {import('./lib/api.mjs').ComposeOptions} ComposeOptions
 * @typedef {import('./lib/api.mjs').StandinCompose} StandinCompose
 * @typedef {import('./lib/api.mjs').Fault} Fault
 * @typedef {import('./lib/api.mjs').Member} Member
 * @typedef {import('./lib/api.mjs').KV} KV
 * @typedef {import('./lib/api.mjs').RunResult} RunResult
 * @typedef {import('./lib/api.mjs').PodView} PodView
 */
