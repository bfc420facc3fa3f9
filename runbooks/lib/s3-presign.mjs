// @ts-check
// A presigned S3 GET URL (AWS Signature Version 4, query-string form), so a probe pod can ask the bucket with
// Milvus's own keys while the secret key never leaves this process: the URL carries the access key id and a
// signature valid for a few minutes, for one request. Path-style (`/<bucket>`), which MinIO and S3 both take.
import { createHash, createHmac } from 'node:crypto';

/** RFC 3986, as SigV4 encodes every name and value. @param {string} s */
const uriEncode = (s) =>
	encodeURIComponent(s).replace(
		/[!'()*]/g,
		(c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
	);

/**
 * @param {object} o
 * @param {'http' | 'https'} o.scheme
 * @param {string} o.host            address as Milvus has it (a Service name, or an S3 endpoint)
 * @param {number} o.port
 * @param {string} o.bucket
 * @param {Record<string, string>} o.query   the request's own query, e.g. { location: '' }
 * @param {string} o.accessKey
 * @param {string} o.secretKey
 * @param {string} o.region         '' signs for us-east-1, as minio-go does
 * @param {Date} [o.now]
 * @param {number} [o.expires]      seconds, default 300
 * @returns {string}
 */
export function presignGet(o) {
	const now = o.now ?? new Date();
	const amzDate = now
		.toISOString()
		.replace(/[-:]/g, '')
		.replace(/\.\d+Z$/, 'Z');
	const day = amzDate.slice(0, 8);
	const region = o.region || 'us-east-1';
	const scope = `${day}/${region}/s3/aws4_request`;
	// The Host header curl sends: the port only when it is not the scheme's own.
	const defaultPort = o.scheme === 'https' ? 443 : 80;
	const host = o.port === defaultPort ? o.host : `${o.host}:${o.port}`;
	const path = `/${uriEncode(o.bucket)}`;
	/** @type {[string, string][]} */
	const params = [
		...Object.entries(o.query),
		['X-Amz-Algorithm', 'AWS4-HMAC-SHA256'],
		['X-Amz-Credential', `${o.accessKey}/${scope}`],
		['X-Amz-Date', amzDate],
		['X-Amz-Expires', String(o.expires ?? 300)],
		['X-Amz-SignedHeaders', 'host'],
	];
	const query = params
		.map(([k, v]) => [uriEncode(k), uriEncode(v)])
		.sort((a, b) => ((a[0] ?? '') < (b[0] ?? '') ? -1 : (a[0] ?? '') > (b[0] ?? '') ? 1 : 0))
		.map(([k, v]) => `${k}=${v}`)
		.join('&');
	const canonical = ['GET', path, query, `host:${host}\n`, 'host', 'UNSIGNED-PAYLOAD'].join('\n');
	const toSign = [
		'AWS4-HMAC-SHA256',
		amzDate,
		scope,
		createHash('sha256').update(canonical).digest('hex'),
	].join('\n');
	/** @param {Buffer | string} key @param {string} data */
	const hmac = (key, data) => createHmac('sha256', key).update(data).digest();
	const key = hmac(hmac(hmac(hmac(`AWS4${o.secretKey}`, day), region), 's3'), 'aws4_request');
	const signature = createHmac('sha256', key).update(toSign).digest('hex');
	return `${o.scheme}://${host}${path}?${query}&X-Amz-Signature=${signature}`;
}
