import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, describe, test } from 'node:test';
import { createCluster, stopAll } from '../../tools/standin/index.mjs';
import { reservePort } from '../../tools/standin/lib/common.mjs';

after(stopAll);

describe('all members down, rebuilt from one member', () => {
	test('the canonical all-crash commands work against the stand-in, DNS-form env included', async (t) => {
		const c = await createCluster({ generation: 'bitnami-2022' });
		const original = JSON.parse(
			(await c.kubectl(['get', 'sts', 'my-release-etcd', '-o', 'json'])).stdout,
		).spec.template.spec.containers[0].env.find(
			(e: { name: string }) => e.name === 'ETCD_INITIAL_CLUSTER',
		).value as string;
		await c.inject('all-down');
		for (const i of [0, 1, 2]) await c.waitPod(i, 'CrashLoopBackOff');

		assert.equal((await c.kubectl(['scale', 'sts', 'my-release-etcd', '--replicas=0'])).code, 0);
		for (const i of [0, 1, 2]) await c.waitPod(i, 'Gone');
		const del = await c.kubectl([
			'delete',
			'pvc',
			'data-my-release-etcd-0',
			'data-my-release-etcd-1',
			'data-my-release-etcd-2',
		]);
		assert.equal(del.code, 0, del.stderr);
		const env = await c.kubectl([
			'set',
			'env',
			'sts/my-release-etcd',
			'ETCD_INITIAL_CLUSTER=my-release-etcd-0=http://my-release-etcd-0.my-release-etcd-headless.default.svc.cluster.local:2380',
			'ETCD_INITIAL_CLUSTER_STATE=new',
		]);
		assert.equal(env.stdout, 'statefulset.apps/my-release-etcd env updated\n');
		assert.equal((await c.kubectl(['scale', 'sts', 'my-release-etcd', '--replicas=1'])).code, 0);
		await c.waitHealthy({ replicas: 1 });
		assert.equal((await c.memberList()).length, 1);

		// port-forward runs in the foreground until killed, like kubectl.
		const local = await reservePort();
		const pf = spawn('kubectl', ['port-forward', 'pod/my-release-etcd-0', `${local}:2379`], {
			env: c.env,
			detached: true,
		});
		t.after(() => {
			try {
				process.kill(-(pf.pid as number), 'SIGKILL');
			} catch {
				// already gone
			}
		});
		const first = await new Promise<string>((resolve) =>
			pf.stdout.once('data', (d: Buffer) => resolve(d.toString())),
		);
		assert.match(first, new RegExp(`^Forwarding from 127\\.0\\.0\\.1:${local} -> 2379\n`));
		await c.putMilvusKeys(40, { endpoint: `http://127.0.0.1:${local}` });
		assert.equal((await c.dumpKeys()).length, 40);

		const back = await c.kubectl([
			'set',
			'env',
			'sts/my-release-etcd',
			`ETCD_INITIAL_CLUSTER=${original}`,
			'ETCD_INITIAL_CLUSTER_STATE=existing',
		]);
		assert.equal(back.code, 0);
		await c.waitHealthy({ replicas: 1 });
		assert.equal((await c.kubectl(['scale', 'sts', 'my-release-etcd', '--replicas=2'])).code, 0);
		const rollout = await c.kubectl(['rollout', 'status', 'sts/my-release-etcd', '--timeout=60s']);
		assert.match(
			rollout.stdout,
			/statefulset rolling update complete 2 pods at revision my-release-etcd-[0-9a-f]+\.\.\.\n$/,
		);
		await c.waitHealthy({ replicas: 2 });
		const log = await c.kubectl(['logs', 'my-release-etcd-1']);
		assert.ok(log.stdout.includes('INFO  ==> Adding new member to existing cluster'));
		assert.equal((await c.dumpKeys({ endpoint: c.clientUrl(1) })).length, 40);
		await c.stop();
	});
});
