// @ts-check
/**
 * The S3 API of the stand-in's MinIO, as far as a bucket check goes: `GET /minio/health/live`, and
 * `GET /<bucket>?location=` authenticated with AWS Signature Version 4 (header or presigned query), answered
 * with MinIO's status codes, headers and XML error bodies (InvalidAccessKeyId, SignatureDoesNotMatch,
 * AuthorizationHeaderMalformed with the server's region, AccessDenied, NoSuchBucket). A server started with
 * `tls: true` stands for MinIO with certificates: a plain-HTTP request gets Go's `400 Bad Request` "Client
 * sent an HTTP request to an HTTPS server." (the TLS handshake itself is not modelled).
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';

/**
 * @typedef {object} S3State
 * @property {string} accessKey      the root user MinIO runs with (from its Secret)
 * @property {string} secretKey
 * @property {string[]} buckets
 * @property {string} region         '' accepts any region, as MinIO without MINIO_REGION does
 * @property {boolean} tls
 * @property {string[]} [denied]     buckets the user's policy does not allow (AccessDenied)
 */

const sha256 = (/** @type {string} */ s) => createHash('sha256').update(s).digest('hex');
/** @param {Buffer | string} key @param {string} data */
const hmac = (key, data) => createHmac('sha256', key).update(data).digest();

/** RFC 3986 encoding as SigV4 wants it. @param {string} s */
const uriEncode = (s) =>
	encodeURIComponent(s).replace(
		/[!'()*]/g,
		(c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
	);

/**
 * The SigV4 signature of a request (the same computation on both sides of the wire).
 * @param {{ method: string, path: string, query: [string, string][], headers: Record<string, string>, signedHeaders: string[], payloadHash: string, amzDate: string, region: string, secretKey: string }} r
 */
export function sigV4Signature(r) {
	const canonicalQuery = r.query
		.map(([k, v]) => /** @type {[string, string]} */ ([uriEncode(k), uriEncode(v)]))
		// By name, then by value, in byte order.
		.sort(([ka, va], [kb, vb]) => (ka === kb ? (va < vb ? -1 : 1) : ka < kb ? -1 : 1))
		.map(([k, v]) => `${k}=${v}`)
		.join('&');
	const canonicalHeaders = r.signedHeaders
		.map((h) => `${h}:${String(r.headers[h] ?? '').trim()}\n`)
		.join('');
	const canonicalRequest = [
		r.method,
		r.path.split('/').map(uriEncode).join('/'),
		canonicalQuery,
		canonicalHeaders,
		r.signedHeaders.join(';'),
		r.payloadHash,
	].join('\n');
	const day = r.amzDate.slice(0, 8);
	const scope = `${day}/${r.region}/s3/aws4_request`;
	const toSign = ['AWS4-HMAC-SHA256', r.amzDate, scope, sha256(canonicalRequest)].join('\n');
	const kDate = hmac(`AWS4${r.secretKey}`, day);
	const kSigning = hmac(hmac(hmac(kDate, r.region), 's3'), 'aws4_request');
	return createHmac('sha256', kSigning).update(toSign).digest('hex');
}

const requestId = () => randomBytes(8).toString('hex').toUpperCase();

/**
 * @param {http.ServerResponse} res
 * @param {number} status
 * @param {string} code
 * @param {string} message
 * @param {string} resource
 * @param {string} [bucket]
 */
function s3Error(res, status, code, message, resource, bucket) {
	const id = requestId();
	const body =
		'<?xml version="1.0" encoding="UTF-8"?>\n' +
		`<Error><Code>${code}</Code><Message>${message}</Message>` +
		(bucket ? `<BucketName>${bucket}</BucketName>` : '') +
		`<Resource>${resource}</Resource><RequestId>${id}</RequestId>` +
		`<HostId>${sha256(id)}</HostId></Error>`;
	res.writeHead(status, {
		'Accept-Ranges': 'bytes',
		'Content-Length': Buffer.byteLength(body),
		'Content-Type': 'application/xml',
		Server: 'MinIO',
		'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
		Vary: 'Origin',
		'X-Amz-Request-Id': id,
		'X-Content-Type-Options': 'nosniff',
		'X-Xss-Protection': '1; mode=block',
	});
	res.end(body);
}

/**
 * Answers one request with MinIO's semantics for the given state.
 * @param {S3State} st
 * @param {http.IncomingMessage} req
 * @param {http.ServerResponse} res
 */
export function answer(st, req, res) {
	const url = new URL(req.url ?? '/', 'http://minio');
	const resource = decodeURIComponent(url.pathname);
	if (resource === '/minio/health/live' || resource === '/minio/health/ready') {
		res.writeHead(200, { Server: 'MinIO', 'Content-Length': 0 });
		return void res.end();
	}
	const q = url.searchParams;
	const headers = /** @type {Record<string, string>} */ (
		Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]))
	);
	/** @type {{ credential: string, signedHeaders: string[], signature: string, amzDate: string, payloadHash: string } | null} */
	let auth = null;
	const header = headers.authorization ?? '';
	const m =
		/^AWS4-HMAC-SHA256 Credential=([^,]+), ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]+)$/.exec(
			header,
		);
	if (m)
		auth = {
			credential: m[1] ?? '',
			signedHeaders: (m[2] ?? '').split(';'),
			signature: m[3] ?? '',
			amzDate: headers['x-amz-date'] ?? '',
			payloadHash: headers['x-amz-content-sha256'] ?? sha256(''),
		};
	else if (q.get('X-Amz-Algorithm') === 'AWS4-HMAC-SHA256')
		auth = {
			credential: q.get('X-Amz-Credential') ?? '',
			signedHeaders: (q.get('X-Amz-SignedHeaders') ?? 'host').split(';'),
			signature: q.get('X-Amz-Signature') ?? '',
			amzDate: q.get('X-Amz-Date') ?? '',
			payloadHash: 'UNSIGNED-PAYLOAD',
		};
	const bucket = resource.split('/').filter(Boolean)[0] ?? '';
	if (!auth) return s3Error(res, 403, 'AccessDenied', 'Access Denied.', resource, bucket);
	const [accessKey = '', , region = ''] = auth.credential.split('/');
	if (accessKey !== st.accessKey)
		return s3Error(
			res,
			403,
			'InvalidAccessKeyId',
			'The Access Key Id you provided does not exist in our records.',
			resource,
			bucket,
		);
	if (st.region && region !== st.region)
		return s3Error(
			res,
			400,
			'AuthorizationHeaderMalformed',
			`The authorization header is malformed; the region is wrong; expecting '${st.region}'.`,
			resource,
			bucket,
		);
	const query = /** @type {[string, string][]} */ (
		[...q.entries()].filter(([k]) => k !== 'X-Amz-Signature')
	);
	const expected = sigV4Signature({
		method: req.method ?? 'GET',
		path: resource,
		query: m ? [...q.entries()] : query,
		headers,
		signedHeaders: auth.signedHeaders,
		payloadHash: auth.payloadHash,
		amzDate: auth.amzDate,
		region,
		secretKey: st.secretKey,
	});
	if (expected !== auth.signature)
		return s3Error(
			res,
			403,
			'SignatureDoesNotMatch',
			'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
			resource,
			bucket,
		);
	if (st.denied?.includes(bucket))
		return s3Error(res, 403, 'AccessDenied', 'Access Denied.', resource, bucket);
	if (!bucket || !st.buckets.includes(bucket))
		return s3Error(
			res,
			404,
			'NoSuchBucket',
			'The specified bucket does not exist',
			resource,
			bucket,
		);
	const body =
		'<?xml version="1.0" encoding="UTF-8"?>\n' +
		`<LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${st.region}</LocationConstraint>`;
	res.writeHead(200, {
		'Content-Type': 'application/xml',
		'Content-Length': Buffer.byteLength(body),
		Server: 'MinIO',
		'X-Amz-Request-Id': requestId(),
	});
	res.end(body);
}

/**
 * Serves `state()` on 127.0.0.1:`port` until closed. With `tls`, a plain-HTTP request gets Go's answer.
 * @param {number} port
 * @param {() => S3State} state
 * @returns {Promise<{ close: () => Promise<void> }>}
 */
export async function serveS3(port, state) {
	const httpServer = http.createServer((req, res) => answer(state(), req, res));
	/** @type {Set<net.Socket>} */
	const sockets = new Set();
	const server = net.createServer((socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
		socket.once('data', (first) => {
			if (!state().tls) {
				socket.pause();
				socket.unshift(first);
				httpServer.emit('connection', socket);
				socket.resume();
				return;
			}
			// net/http's reply to plain HTTP on a TLS listener; a TLS handshake is not modelled.
			if (first[0] !== 0x16)
				socket.end(
					'HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n',
				);
			else socket.destroy();
		});
		socket.on('error', () => {});
	});
	await new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, '127.0.0.1', () => resolve(null));
	});
	return {
		close: () =>
			new Promise((resolve) => {
				for (const s of sockets) s.destroy();
				server.close(() => resolve());
			}),
	};
}
