import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { after, describe, test } from 'node:test';
import { createCluster, stopAll } from '../../tools/standin/index.mjs';
import type { StandinCluster } from '../../tools/standin/index.mjs';

after(stopAll);

/** Pids whose process group is `pgid` (the supervisor and every etcd it started). */
function groupMembers(pgid: number): number[] {
	const pids: number[] = [];
	for (const d of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(d)) continue;
		try {
			const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
			// Fields after the parenthesised command: state ppid pgrp …
			const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
			if (Number(fields[2]) === pgid && fields[0] !== 'Z') pids.push(Number(d));
		} catch {
			// the process ended while we looked
		}
	}
	return pids;
}

for (const generation of ['bitnami-2022', 'milvusdb-fork'] as const) {
	describe(`a healthy ${generation} cluster`, () => {
		let c: StandinCluster;

		test('comes up with three members and one cluster id', async () => {
			c = await createCluster({ generation });
			const ids = await c.clusterIds();
			assert.equal(ids.length, 1, `cluster ids: ${ids.join(',')}`);
			const members = await c.memberList();
			assert.deepEqual(members.map((m) => m.name).sort(), [
				'my-release-etcd-0',
				'my-release-etcd-1',
				'my-release-etcd-2',
			]);
			const pods = await c.pods();
			assert.deepEqual(
				pods.map((p) => [p.name, p.status, p.ready]),
				[0, 1, 2].map((i) => [`my-release-etcd-${i}`, 'Running', true]),
			);
		});

		test('kubectl get pods prints the real columns and the label selector filters', async () => {
			const r = await c.kubectl([
				'get',
				'pods',
				'-l',
				'app.kubernetes.io/name=etcd,app.kubernetes.io/instance=my-release',
			]);
			assert.equal(r.code, 0, r.stderr);
			const lines = r.stdout.trimEnd().split('\n');
			assert.match(lines[0] ?? '', /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
			assert.equal(lines.length, 4);
			assert.match(lines[1] ?? '', /^my-release-etcd-0\s+1\/1\s+Running\s+0\s+\d+s$/);
			const none = await c.kubectl(['get', 'pods', '-l', 'app.kubernetes.io/instance=other']);
			assert.equal(none.code, 0);
			assert.equal(none.stdout, '');
			assert.equal(none.stderr, 'No resources found in default namespace.\n');
		});

		test('the StatefulSet JSON carries the chart env and the ready count', async () => {
			const r = await c.kubectl(['get', 'sts', 'my-release-etcd', '-o', 'json']);
			assert.equal(r.code, 0, r.stderr);
			const sts = JSON.parse(r.stdout);
			assert.equal(sts.spec.replicas, 3);
			assert.equal(sts.status.readyReplicas, 3);
			const env = new Map<string, string>(
				sts.spec.template.spec.containers[0].env.map((e: { name: string; value?: string }) => [
					e.name,
					e.value,
				]),
			);
			assert.equal(env.get('ETCD_INITIAL_CLUSTER_STATE'), 'new');
			assert.equal(env.get('ETCD_INITIAL_CLUSTER')?.split(',').length, 3);
			assert.ok(env.get('ETCD_INITIAL_CLUSTER')?.includes(`my-release-etcd-1=${c.peerUrl(1)}`));
			const jp = await c.kubectl([
				'get',
				'sts',
				'my-release-etcd',
				'-o',
				'jsonpath={.spec.template.spec.containers[0].env[?(@.name=="ETCD_INITIAL_CLUSTER_TOKEN")].value}',
			]);
			assert.equal(jp.stdout, 'etcd-cluster-k8s');
			const names = await c.kubectl([
				'get',
				'pods',
				'-o',
				'jsonpath={range .items[*]}{.metadata.name}{"\\n"}{end}',
			]);
			assert.equal(names.stdout, 'my-release-etcd-0\nmy-release-etcd-1\nmy-release-etcd-2\n');
		});

		test('etcdctl inside a pod talks to its own member and sees the same keys', async () => {
			await c.putMilvusKeys(30);
			const r = await c.kubectl([
				'exec',
				'my-release-etcd-2',
				'--',
				'etcdctl',
				'get',
				'--prefix',
				'--limit=1',
				'by-dev/',
				'-w',
				'json',
			]);
			assert.equal(r.code, 0, r.stderr);
			assert.equal(JSON.parse(r.stdout).count, 30);
			const st = await c.kubectl([
				'exec',
				'my-release-etcd-2',
				'--',
				'etcdctl',
				'endpoint',
				'status',
				'-w',
				'json',
			]);
			assert.equal(JSON.parse(st.stdout)[0].Endpoint, c.clientUrl(2));
		});

		test('unknown context, namespace and names fail like kubectl', async () => {
			const ctx = await c.kubectl(['--context', 'prod', 'get', 'pods']);
			assert.equal(ctx.code, 1);
			assert.equal(
				ctx.stderr,
				'Error in configuration: context was not found for specified context: prod\n',
			);
			const sts = await c.kubectl(['get', 'sts', 'nope']);
			assert.equal(sts.code, 1);
			assert.equal(
				sts.stderr,
				'Error from server (NotFound): statefulsets.apps "nope" not found\n',
			);
			const ns = await c.kubectl(['scale', 'sts', 'my-release-etcd', '--replicas=1', '-n', 'foo']);
			assert.equal(ns.code, 1);
			// kubectl's own words once the API server answers 404 for the object and for its namespace.
			assert.match(ns.stderr, /namespaces "foo" not found/);
			const ctxOk = await c.kubectl([
				'get',
				'pods',
				'--context=standin',
				'-n',
				'default',
				'-o',
				'name',
			]);
			assert.equal(ctxOk.stdout.split('\n')[0], 'pod/my-release-etcd-0');
			assert.equal((await c.kubectl(['config', 'current-context'])).stdout, 'standin\n');
		});

		test('kubectl set env restarts the pods one by one, highest ordinal first', async () => {
			const [clusterId] = await c.clusterIds();
			const r = await c.kubectl(['set', 'env', 'sts/my-release-etcd', 'ETCD_SNAPSHOT_COUNT=5000']);
			assert.equal(r.stdout, 'statefulset.apps/my-release-etcd env updated\n');
			const rollout = await c.kubectl(
				['rollout', 'status', 'sts/my-release-etcd', '--timeout=90s'],
				{
					timeoutMs: 100_000,
				},
			);
			assert.equal(rollout.code, 0, rollout.stdout + rollout.stderr);
			await c.waitHealthy();
			const pods = JSON.parse((await c.kubectl(['get', 'pods', '-o', 'json'])).stdout).items;
			const created = pods.map((p: { metadata: { creationTimestamp: string } }) =>
				Date.parse(p.metadata.creationTimestamp),
			);
			assert.ok(created[2] <= created[1] && created[1] <= created[0], `creation order ${created}`);
			for (const p of pods) {
				const env = p.spec.containers[0].env.find(
					(e: { name: string }) => e.name === 'ETCD_SNAPSHOT_COUNT',
				);
				assert.equal(env?.value, '5000');
			}
			assert.deepEqual(await c.clusterIds(), [clusterId]);
			assert.equal((await c.memberList()).length, 3);
			const list = await c.kubectl(['set', 'env', 'sts/my-release-etcd', '--list']);
			assert.match(list.stdout, /^ETCD_SNAPSHOT_COUNT=5000$/m);
		});

		test('every process is gone after stop()', async () => {
			const before = groupMembers(c.pid);
			// The supervisor and three etcd processes at least.
			assert.ok(before.length >= 4, `processes in the group: ${before.length}`);
			await c.stop();
			assert.deepEqual(groupMembers(c.pid), []);
			for (const pid of before) assert.throws(() => process.kill(pid, 0), /ESRCH/);
			assert.equal(fs.existsSync(c.dir), false);
		});
	});
}

describe('a test process that dies without teardown', () => {
	test('takes its supervisor and every etcd with it', async (t) => {
		const script = `
			import { createCluster } from ${JSON.stringify(new URL('../../tools/standin/index.mjs', import.meta.url).href)};
			const c = await createCluster({ generation: 'milvusdb-fork', replicas: 1 });
			process.stdout.write(JSON.stringify({ pid: c.pid, dir: c.dir }) + '\\n');
			setInterval(() => {}, 1000);
		`;
		const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
			stdio: ['ignore', 'pipe', 'inherit'],
		});
		t.after(() => child.kill('SIGKILL'));
		const line = await new Promise<string>((resolve, reject) => {
			let out = '';
			child.stdout.on('data', (d: Buffer) => {
				out += d.toString();
				if (out.includes('\n')) resolve(out);
			});
			child.on('exit', () => reject(new Error(`child exited early: ${out}`)));
		});
		const { pid, dir } = JSON.parse(line) as { pid: number; dir: string };
		t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
		assert.ok(groupMembers(pid).length >= 2);
		child.kill('SIGKILL');
		// The supervisor checks on its owner every second and then stops everything it started.
		for (let i = 0; i < 100 && groupMembers(pid).length > 0; i++)
			await new Promise((r) => setTimeout(r, 100));
		assert.deepEqual(groupMembers(pid), []);
		// The folder createCluster made goes too.
		assert.equal(fs.existsSync(dir), false);
	});
});
