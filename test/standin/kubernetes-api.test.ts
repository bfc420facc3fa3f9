// The stand-in answers the real kubectl like a Kubernetes API server, with the oldest and the newest kubectl
// the machine has: rollout status, wait, PVC protection, set env rolling the pods, cp and port-forward.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { createCluster, stopAll, type StandinCluster } from '../../tools/standin/index.mjs';
import { kubectlBinaries } from '../support/kubectl.ts';

after(stopAll);

const all = kubectlBinaries();
const ends = [
	...new Map([all[0], all[all.length - 1]].filter((b) => b).map((b) => [b!.path, b!])).values(),
];
process.stdout.write(`kubectl versions: ${ends.map((b) => b.version).join(', ')}\n`);

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kube-api-test-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** The cluster's env with one kubectl binary first on PATH. */
function envFor(c: StandinCluster, bin: string): NodeJS.ProcessEnv {
	const dir = fs.mkdtempSync(path.join(tmp, 'bin-'));
	fs.symlinkSync(bin, path.join(dir, 'kubectl'));
	return { ...c.env, PATH: `${dir}${path.delimiter}${c.env.PATH ?? ''}` };
}

async function k(
	env: NodeJS.ProcessEnv,
	args: string[],
	input?: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
	return new Promise((resolve) => {
		const child = execFile('kubectl', args, { env, maxBuffer: 1 << 26 }, (err, stdout, stderr) =>
			resolve({
				code: err ? (typeof err.code === 'number' ? err.code : 1) : 0,
				stdout: String(stdout),
				stderr: String(stderr),
			}),
		);
		child.stdin?.end(input ?? '');
	});
}

const helperPod = (name: string, pvc: string) =>
	JSON.stringify({
		spec: {
			containers: [
				{
					name,
					image: 'busybox:1.36',
					command: ['sleep', '3600'],
					volumeMounts: [{ mountPath: '/data', name: 'vol' }],
				},
			],
			volumes: [{ persistentVolumeClaim: { claimName: pvc }, name: 'vol' }],
		},
	});

for (const bin of ends) {
	describe(`kubectl ${bin.version} against the stand-in API server`, () => {
		let c: StandinCluster;
		let env: NodeJS.ProcessEnv;
		before(async () => {
			c = await createCluster({ generation: 'bitnami-2022', replicas: 3 });
			env = envFor(c, bin.path);
		});
		after(() => c.stop());

		test('server-side tables, short names and Status errors', async () => {
			const pods = await k(env, ['get', 'pods']);
			assert.equal(pods.code, 0, pods.stderr);
			assert.match(pods.stdout, /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\n/);
			assert.match(pods.stdout, /my-release-etcd-2\s+1\/1\s+Running\s+0\s+\d+s/);
			for (const short of ['sts', 'pvc', 'sc', 'deploy', 'ev', 'ns', 'po'])
				assert.equal((await k(env, ['get', short])).code, 0, short);
			const sts = await k(env, ['get', 'sts', 'nope']);
			assert.equal(
				sts.stderr,
				'Error from server (NotFound): statefulsets.apps "nope" not found\n',
			);
			const json = JSON.parse(
				(await k(env, ['get', 'pod', 'my-release-etcd-0', '-o', 'json'])).stdout,
			);
			assert.equal(
				json.metadata.annotations?.['standin/client-url'],
				undefined,
				'no stand-in internals',
			);
		});

		test('set env rolls the pods one at a time and rollout status waits for it', async () => {
			const before = JSON.parse((await k(env, ['get', 'sts', c.sts, '-o', 'json'])).stdout);
			const set = await k(env, ['set', 'env', `sts/${c.sts}`, 'ETCD_SNAPSHOT_COUNT=5000']);
			assert.equal(set.stdout, `statefulset.apps/${c.sts} env updated\n`);
			const rollout = await k(env, ['rollout', 'status', `sts/${c.sts}`, '--timeout=120s']);
			assert.equal(rollout.code, 0, rollout.stdout + rollout.stderr);
			assert.match(
				rollout.stdout,
				/statefulset rolling update complete 3 pods at revision my-release-etcd-[0-9a-f]{10}\.\.\./,
			);
			const sts = JSON.parse((await k(env, ['get', 'sts', c.sts, '-o', 'json'])).stdout);
			assert.notEqual(sts.status.updateRevision, before.status.updateRevision);
			assert.equal(sts.status.currentRevision, sts.status.updateRevision);
			assert.equal(sts.status.observedGeneration, sts.metadata.generation);
			assert.equal(sts.status.readyReplicas, 3);
			const pods = JSON.parse(
				(await k(env, ['get', 'pods', '-l', 'app.kubernetes.io/name=etcd', '-o', 'json'])).stdout,
			);
			for (const p of pods.items) {
				assert.equal(p.metadata.labels['controller-revision-hash'], sts.status.updateRevision);
				assert.ok(
					p.spec.containers[0].env.some((e: { name: string }) => e.name === 'ETCD_SNAPSHOT_COUNT'),
				);
			}
			// Rolled from the highest ordinal down: the newest pod is ordinal 0.
			const created = pods.items.map(
				(p: { metadata: { creationTimestamp: string } }) => p.metadata.creationTimestamp,
			);
			assert.ok(created[0] >= created[2], created.join(' '));
			await c.waitHealthy();
		});

		test('a helper pod: wait for Ready, cp a db file out, a PVC it mounts stays Terminating', async () => {
			const made = await k(
				env,
				['create', '-f', '-'],
				JSON.stringify({
					apiVersion: 'v1',
					kind: 'PersistentVolumeClaim',
					metadata: { name: 'scratch' },
					spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
				}),
			);
			assert.equal(made.code, 0, made.stderr);
			const run = await k(env, [
				'run',
				'reader',
				'--image=busybox:1.36',
				'--restart=Never',
				`--overrides=${helperPod('reader', `data-${c.sts}-0`)}`,
				'--',
				'sleep',
				'3600',
			]);
			assert.equal(run.stdout, 'pod/reader created\n', run.stderr);
			const again = await k(env, ['run', 'reader', '--image=busybox:1.36', '--restart=Never']);
			assert.equal(
				again.stderr,
				'Error from server (AlreadyExists): pods "reader" already exists\n',
			);
			const wait = await k(env, ['wait', '--for=condition=Ready', 'pod/reader', '--timeout=60s']);
			assert.equal(wait.stdout, 'pod/reader condition met\n', wait.stderr);

			const local = path.join(tmp, `db-${bin.version}`);
			const cp = await k(env, ['cp', 'reader:/data/data/member/snap/db', local]);
			assert.equal(cp.code, 0, cp.stderr);
			const onHost = fs.readFileSync(path.join(c.pvcDir(0), 'data', 'member', 'snap', 'db'));
			assert.equal(fs.readFileSync(local).length, onHost.length);

			const user = await k(env, [
				'run',
				'user',
				'--image=busybox:1.36',
				'--restart=Never',
				`--overrides=${helperPod('user', 'scratch')}`,
			]);
			assert.equal(user.code, 0, user.stderr);
			assert.equal(
				(await k(env, ['wait', '--for=condition=Ready', 'pod/user', '--timeout=60s'])).code,
				0,
			);
			const del = await k(env, ['delete', 'pvc', 'scratch', '--timeout=2s']);
			assert.notEqual(del.code, 0, 'the PVC cannot go while a scheduled pod mounts it');
			const pvc = JSON.parse((await k(env, ['get', 'pvc', 'scratch', '-o', 'json'])).stdout);
			assert.ok(pvc.metadata.deletionTimestamp);
			assert.deepEqual(pvc.metadata.finalizers, ['kubernetes.io/pvc-protection']);
			assert.match((await k(env, ['get', 'pvc', 'scratch'])).stdout, /scratch\s+Terminating/);
			assert.equal((await k(env, ['delete', 'pod', 'user', 'reader'])).code, 0);
			const gone = await k(env, ['wait', '--for=delete', 'pvc/scratch', '--timeout=60s']);
			// kubectl before 1.23 (Debian's 1.20) says "no matching resources found" when the claim went
			// before the wait started; later ones exit 0 for that too.
			if (gone.code !== 0) assert.match(gone.stderr, /no matching resources found/);
			const left = await k(env, ['get', 'pvc', 'scratch']);
			assert.notEqual(left.code, 0, 'the PVC is gone once no pod mounts it');
			assert.match(left.stderr, /NotFound|not found/);
		});

		test('port-forward carries etcd traffic to the pod', async () => {
			const pf = spawn('kubectl', ['port-forward', `pod/${c.sts}-1`, ':2379'], { env });
			try {
				let out = '';
				const port = await new Promise<string>((resolve, reject) => {
					pf.stdout.on('data', (d: Buffer) => {
						out += d.toString();
						const m = /Forwarding from 127\.0\.0\.1:(\d+) -> 2379/.exec(out);
						if (m) resolve(m[1]!);
					});
					pf.on('exit', () => reject(new Error(`port-forward exited: ${out}`)));
				});
				const etcdctl = promisify(execFile);
				await etcdctl('etcdctl', [
					'--endpoints',
					`127.0.0.1:${port}`,
					'put',
					`pf-${bin.version}`,
					'through',
				]);
				const got = await etcdctl('etcdctl', [
					'--endpoints',
					`127.0.0.1:${port}`,
					'get',
					`pf-${bin.version}`,
					'--print-value-only',
				]);
				assert.equal(got.stdout, 'through\n');
				const exec = await k(env, [
					'exec',
					`${c.sts}-0`,
					'--',
					'etcdctl',
					'get',
					`pf-${bin.version}`,
					'--print-value-only',
				]);
				assert.equal(exec.stdout, 'through\n', 'another member sees the key');
			} finally {
				pf.kill();
			}
		});
	});
}
