import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { DIST } from './paths.ts';

const TYPES: Record<string, string> = {
	'.html': 'text/html; charset=utf-8',
	'.js': 'text/javascript; charset=utf-8',
	'.mjs': 'text/javascript; charset=utf-8',
	'.css': 'text/css; charset=utf-8',
	'.json': 'application/json; charset=utf-8',
	'.xml': 'application/xml; charset=utf-8',
	'.txt': 'text/plain; charset=utf-8',
	'.svg': 'image/svg+xml',
	'.png': 'image/png',
	'.jpg': 'image/jpeg',
	'.webp': 'image/webp',
	'.ico': 'image/x-icon',
	'.woff2': 'font/woff2',
	// Pagefind instantiates its wasm with instantiateStreaming, which insists on this type.
	'.wasm': 'application/wasm',
};

export interface StaticServer {
	/** Base URL without a trailing slash, e.g. `http://127.0.0.1:40123`. */
	url: string;
	port: number;
	close(): Promise<void>;
}

/**
 * Serves a built site from `root` (default `dist/`) on 127.0.0.1 and a free port, the way a static host
 * would: `/dir/` serves `dir/index.html`, `/dir` redirects to `/dir/`, misses get `404.html` with status 404.
 * Close it in `after()`.
 */
export async function serveStatic(root: string = DIST): Promise<StaticServer> {
	const base = path.resolve(root);
	const server = createServer((req, res) => {
		handle(base, req, res).catch(() => {
			if (!res.headersSent) res.writeHead(500);
			res.end();
		});
	});
	// Keep-alive sockets from a browser would otherwise hold close() open.
	server.keepAliveTimeout = 500;
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => resolve());
	});
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		port,
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}

async function handle(base: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
	if (req.method !== 'GET' && req.method !== 'HEAD') {
		res.writeHead(405, { Allow: 'GET, HEAD' }).end();
		return;
	}
	const url = new URL(req.url ?? '/', 'http://127.0.0.1');
	let pathname: string;
	try {
		pathname = decodeURIComponent(url.pathname);
	} catch {
		res.writeHead(400).end();
		return;
	}
	const file = path.join(base, pathname);
	if (file !== base && !file.startsWith(base + path.sep)) {
		res.writeHead(403).end();
		return;
	}
	const info = await stat(file).catch(() => undefined);
	if (info?.isDirectory()) {
		if (!pathname.endsWith('/')) {
			res.writeHead(301, { Location: `${url.pathname}/${url.search}` }).end();
			return;
		}
		const index = path.join(file, 'index.html');
		if (await isFile(index)) return send(req, res, index, 200);
	} else if (info?.isFile()) {
		return send(req, res, file, 200);
	}
	const notFound = path.join(base, '404.html');
	if (await isFile(notFound)) return send(req, res, notFound, 404);
	res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found');
}

async function isFile(file: string): Promise<boolean> {
	return (await stat(file).catch(() => undefined))?.isFile() ?? false;
}

function send(req: IncomingMessage, res: ServerResponse, file: string, status: number): void {
	const type = TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
	// Always asked of the server, as tests expect, yet (unlike no-store) no bar to the back/forward cache, like
	// the max-age=0 of common static hosts.
	res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-cache' });
	if (req.method === 'HEAD') {
		res.end();
		return;
	}
	createReadStream(file)
		.on('error', () => res.destroy())
		.pipe(res);
}
