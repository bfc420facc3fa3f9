import { createServer } from 'node:net';

/**
 * Asks the kernel for a free TCP port on 127.0.0.1 (bind port 0, read it, release it), so test files running
 * in parallel never collide. Prefer binding port 0 directly when the server under test allows it.
 */
export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			if (address === null || typeof address === 'string') {
				server.close();
				reject(new Error('could not read the bound port'));
				return;
			}
			const { port } = address;
			server.close(() => resolve(port));
		});
	});
}
