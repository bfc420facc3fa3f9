import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';

const cli = fileURLToPath(new URL('../../tools/standin/cli.mjs', import.meta.url));

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
	return new Promise((resolve) => {
		execFile(process.execPath, [cli, ...args], { timeout: 120_000 }, (err, stdout, stderr) => {
			const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
			resolve({ code, stdout: String(stdout), stderr: String(stderr) });
		});
	});
}

describe('standin cli', () => {
	test('runs a command against a fresh cluster and passes its exit code on', async () => {
		const r = await run([
			'--replicas',
			'1',
			'--keys',
			'6',
			'--',
			'sh',
			'-c',
			'kubectl exec my-release-etcd-0 -- etcdctl get --prefix by-dev/ --keys-only | grep -c . ; exit 3',
		]);
		assert.equal(r.code, 3, r.stderr);
		assert.equal(r.stdout, '6\n');
	});

	test('a bad option is one line and exit 2', async () => {
		const r = await run(['--generation', 'bitnami-2019']);
		assert.equal(r.code, 2);
		assert.equal(
			r.stderr,
			'standin: unknown generation bitnami-2019 (bitnami-2022, milvusdb-fork)\n',
		);
	});
});
