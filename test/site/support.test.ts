import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { killGroup, spawnGroup } from '../../tools/support/process.ts';
import { serveStatic } from '../../tools/support/server.ts';
import { tmpDir } from '../../tools/support/tmp.ts';
import { freePort } from '../../tools/support/port.ts';

describe('serveStatic behaves like a static host', async () => {
	const root = await tmpDir({ after });
	await mkdir(path.join(root, 'en', 'boot'), { recursive: true });
	await writeFile(path.join(root, 'en', 'boot', 'index.html'), '<h1>boot</h1>');
	await writeFile(path.join(root, '404.html'), '<h1>not here</h1>');
	await writeFile(path.join(root, 'index.wasm'), Buffer.from([0, 97, 115, 109]));
	const server = await serveStatic(root);
	after(() => server.close());
	const get = (p: string) => fetch(`${server.url}${p}`, { redirect: 'manual' });

	test('a folder with a trailing slash serves its index.html', async () => {
		const res = await get('/en/boot/');
		assert.equal(res.status, 200);
		assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
		assert.equal(await res.text(), '<h1>boot</h1>');
	});

	test('a folder without the slash redirects to it', async () => {
		const res = await get('/en/boot');
		assert.equal(res.status, 301);
		assert.equal(res.headers.get('location'), '/en/boot/');
	});

	test('a miss gets 404.html with status 404', async () => {
		const res = await get('/en/nothing/');
		assert.equal(res.status, 404);
		assert.equal(await res.text(), '<h1>not here</h1>');
	});

	test('wasm is served as application/wasm (Pagefind needs it)', async () => {
		const res = await get('/index.wasm');
		assert.equal(res.headers.get('content-type'), 'application/wasm');
	});

	test('an encoded ../ cannot leave the root', async () => {
		// fetch() would normalise the path; a raw request sends it as an attacker would.
		const status = await new Promise<number | undefined>((resolve, reject) => {
			request(`${server.url}/..%2f..%2f..%2fetc%2fpasswd`, (res) => {
				res.resume();
				resolve(res.statusCode);
			})
				.on('error', reject)
				.end();
		});
		assert.equal(status, 403);
	});
});

test('freePort returns a port that can be bound', async () => {
	const port = await freePort();
	assert.ok(port > 0 && port < 65536);
	const { createServer } = await import('node:net');
	const server = createServer();
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, '127.0.0.1', () => resolve());
	});
	await new Promise<void>((resolve) => server.close(() => resolve()));
});

test('killGroup also stops the grandchildren of a spawned shell', async (t) => {
	const child = spawnGroup(t, 'sh', ['-c', 'sleep 300 & echo $!; wait'], {
		stdio: ['ignore', 'pipe', 'ignore'],
	});
	const grandchild = await new Promise<number>((resolve) => {
		child.stdout?.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
	});
	assert.ok(alive(grandchild), 'the grandchild runs');
	await killGroup(child);
	// The kernel reaps the orphan asynchronously; poll until it is gone instead of trusting a delay.
	for (let i = 0; i < 100 && alive(grandchild); i++) await new Promise((r) => setTimeout(r, 50));
	assert.equal(alive(grandchild), false, 'the grandchild is gone');
});

function alive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}
