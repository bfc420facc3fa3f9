// @ts-check
// Milvus server ↔ SDK compatibility: data with its sources, plus the comparison the runtime-compat
// runbook prints. Pure ESM (no Node imports) so the site can show the same table.
//
// Rule of thumb the Milvus release notes follow: each server minor line (2.4.x) ships with SDKs of the
// same major.minor. An SDK NEWER than the server calls RPCs the server lacks (UNIMPLEMENTED, "this
// version of sdk is incompatible with server"); an OLDER SDK keeps working for the calls it has but lacks
// newer APIs. Known hard break: pymilvus >= 2.2.9 calls Connect, which servers < 2.2.9 do not have.

/** @typedef {'python'|'node'|'java'|'go'} SdkLang */

/**
 * @typedef {object} Line
 * @property {string} ga         x.y.0 GA version
 * @property {string} gaDate
 * @property {string} latest     latest patch in the snapshot
 * @property {string} latestDate
 * @property {Record<SdkLang, string | null>} sdk   SDK versions listed with `latest` in the release notes
 * @property {Record<SdkLang, string | null>} recommended  About/README "recommended" versions
 * @property {string} goModule   Go module path for this line
 */

/** Release-note SDK rows (see SOURCES). */
/** @type {Readonly<Record<string, Line>>} */
export const LINES = Object.freeze({
	2.2: {
		ga: '2.2.0',
		gaDate: '2022-11-18',
		latest: '2.2.16',
		latestDate: '2023-11-27',
		sdk: { python: '2.2.17', node: '2.2.24', java: '2.2.15', go: '2.2.8' },
		recommended: { python: '2.2.15', node: '2.3.5', java: '2.2.13', go: '2.2.7' },
		goModule: 'github.com/milvus-io/milvus-sdk-go/v2',
	},
	2.3: {
		ga: '2.3.0',
		gaDate: '2023-08-23',
		latest: '2.3.22',
		latestDate: '2024-10-09',
		sdk: { python: '2.3.7', node: '2.3.5', java: '2.3.6', go: '2.3.6' },
		recommended: { python: '2.3.7', node: '2.3.5', java: '2.3.9', go: '2.3.2' },
		goModule: 'github.com/milvus-io/milvus-sdk-go/v2',
	},
	2.4: {
		ga: '2.4.0',
		gaDate: '2024-04-17',
		latest: '2.4.24',
		latestDate: '2025-11-11',
		sdk: { python: '2.4.15', node: '2.4.11', java: '2.4.11', go: '2.4.0' },
		recommended: { python: '2.4.15', node: '2.4.9', java: '2.4.11', go: '2.4.0' },
		goModule: 'github.com/milvus-io/milvus-sdk-go/v2',
	},
	2.5: {
		ga: '2.5.0',
		gaDate: '2024-12-23',
		latest: '2.5.27',
		latestDate: '2026-02-27',
		sdk: { python: '2.5.18', node: '2.5.13', java: '2.5.14', go: '2.5.14' },
		recommended: { python: '2.5.16', node: '2.5.12', java: '2.5.14', go: '2.5.6' },
		goModule: 'github.com/milvus-io/milvus/client/v2',
	},
	2.6: {
		ga: '2.6.0',
		gaDate: '2025-08-06',
		latest: '2.6.22',
		latestDate: '2026-08-04',
		sdk: { python: '2.6.17', node: '2.6.17', java: '2.6.22', go: '2.6.22' },
		recommended: { python: '2.6.17', node: null, java: '2.6.22', go: '2.6.2' },
		goModule: 'github.com/milvus-io/milvus/client/v2',
	},
});

export const SOURCES = Object.freeze([
	'Release notes: https://milvus.io/docs/v2.X.x/release_notes.md (web-content v2.X.x/site/en/release_notes.md, v2.X.x/Variables.json)',
	'PyMilvus: https://milvus.io/api-reference/pymilvus/v2.6.x/About.md',
	'Node SDK: README of https://github.com/milvus-io/milvus-sdk-node',
	'Java and Go: API_Reference/milvus-sdk-{java,go}/v3.0.x/About.md',
	'Connect break: https://github.com/milvus-io/pymilvus/issues/1531, https://github.com/milvus-io/milvus/issues/24444',
]);

/** Package names as users install them. */
export const SDK_PACKAGES = Object.freeze({
	python: 'pymilvus',
	node: '@zilliz/milvus2-sdk-node',
	java: 'io.milvus:milvus-sdk-java',
	go: 'github.com/milvus-io/milvus/client/v2',
});

/** @typedef {{ major: number, minor: number, patch: number }} Version */

/**
 * "v2.4.5", "2.4.5", "milvusdb/milvus:v2.4.5-gpu", "2.4.5rc3", "v2.4" → {2,4,5}; null when absent.
 * @param {string | null | undefined} s
 * @returns {Version | null}
 */
export function parseVersion(s) {
	const m = /(?:^|[^\d.])v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(`:${String(s ?? '')}`);
	if (!m) return null;
	return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3] ?? 0) };
}

/** @param {Version} v */
export const formatVersion = (v) => `${v.major}.${v.minor}.${v.patch}`;

/** @param {Version} a @param {Version} b */
export function compareVersions(a, b) {
	return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

/** @param {Version} v */
const lineKey = (v) => `${v.major}.${v.minor}`;

/**
 * Milvus server version from an image reference; null for tags that carry no version (latest, a digest).
 * @param {string} image e.g. milvusdb/milvus:v2.5.16, milvusdb/milvus:v2.4.0-20240417-abcdef
 */
export function versionFromImage(image) {
	const tag = /:([^/@]+)(?:@.*)?$/.exec(image.trim())?.[1];
	return tag ? parseVersion(tag) : null;
}

/**
 * The `Version:` under the `Welcome to use Milvus!` banner of a server log.
 * @param {string} log
 */
export function versionFromBanner(log) {
	const at = log.indexOf('Welcome to use Milvus');
	if (at < 0) return null;
	const m = /Version:\s*(v?\d+\.\d+(?:\.\d+)?\S*)/.exec(log.slice(at, at + 2000));
	return m ? parseVersion(m[1]) : null;
}

/**
 * @typedef {object} Verdict
 * @property {SdkLang} sdk
 * @property {string} client           the client version as found
 * @property {string} server
 * @property {'ok'|'older'|'newer'|'connect-break'|'unknown'|'module-moved'} status
 * @property {'ok'|'warn'|'incompatible'} level
 * @property {string | null} moveSdkTo         exact SDK version that matches the server
 * @property {string | null} moveServerTo      exact server version that matches the SDK (the other way out)
 * @property {{ en: string, id: string }} advice
 */

/**
 * Compare one SDK with the server.
 * @param {SdkLang} sdk
 * @param {string} clientRaw
 * @param {string} serverRaw
 * @param {{ goModule?: string }} [extra]  the Go module path actually used
 * @returns {Verdict}
 */
export function compareSdk(sdk, clientRaw, serverRaw, extra = {}) {
	const client = parseVersion(clientRaw);
	const server = parseVersion(serverRaw);
	const line = server ? LINES[lineKey(server)] : undefined;
	const base = {
		sdk,
		client: client ? formatVersion(client) : clientRaw,
		server: server ? formatVersion(server) : serverRaw,
	};
	const pkg = SDK_PACKAGES[sdk];
	if (!client || !server || !line) {
		return {
			...base,
			status: 'unknown',
			level: 'warn',
			moveSdkTo: null,
			moveServerTo: null,
			advice: {
				en: `No compatibility data for server ${base.server}; the table covers Milvus 2.2 to 2.6. Use the ${pkg} release with the same major.minor as the server.`,
				id: `Tidak ada data kompatibilitas untuk server ${base.server}. Tabel ini mencakup Milvus 2.2 sampai 2.6. Pakai rilis ${pkg} dengan major.minor yang sama dengan server.`,
			},
		};
	}
	const want = line.sdk[sdk];
	const clientLine = LINES[lineKey(client)];

	if (
		sdk === 'python' &&
		lineKey(server) === '2.2' &&
		server.patch < 9 &&
		compareVersions(client, { major: 2, minor: 2, patch: 9 }) >= 0
	) {
		return {
			...base,
			status: 'connect-break',
			level: 'incompatible',
			moveSdkTo: '2.2.8',
			moveServerTo: LINES['2.2']?.latest ?? null,
			advice: {
				en: `pymilvus ${base.client} calls the Connect RPC, which Milvus ${base.server} (older than 2.2.9) does not have. Upgrade the server to ${line.latest}, or install pymilvus 2.2.8.`,
				id: `pymilvus ${base.client} memanggil RPC "Connect", yang tidak ada di Milvus ${base.server} (di bawah 2.2.9). Naikkan versi server ke ${line.latest}, atau pasang pymilvus 2.2.8.`,
			},
		};
	}
	if (client.major !== server.major || client.minor > server.minor) {
		const moveServerTo = clientLine ? clientLine.latest : null;
		return {
			...base,
			status: 'newer',
			level: 'incompatible',
			moveSdkTo: want,
			moveServerTo,
			advice: {
				en:
					`${pkg} ${base.client} is newer than Milvus ${base.server} and may call APIs the server does not have. ` +
					`Install ${pkg} ${want ?? `${lineKey(server)}.x`}` +
					(moveServerTo ? `, or upgrade the server to ${moveServerTo}.` : '.'),
				id:
					`${pkg} ${base.client} lebih baru dari Milvus ${base.server} dan bisa memanggil API yang belum ada di server. ` +
					`Pasang ${pkg} ${want ?? `${lineKey(server)}.x`}` +
					(moveServerTo ? `, atau upgrade server ke ${moveServerTo}.` : '.'),
			},
		};
	}
	if (client.minor < server.minor) {
		return {
			...base,
			status: 'older',
			level: 'warn',
			moveSdkTo: want,
			moveServerTo: null,
			advice: {
				en: `${pkg} ${base.client} is older than Milvus ${base.server}: existing calls work, newer APIs are missing. Move to ${pkg} ${want ?? `${lineKey(server)}.x`}.`,
				id: `${pkg} ${base.client} lebih lama dari Milvus ${base.server}. Panggilan yang sudah ada tetap berjalan, tetapi API yang lebih baru tidak tersedia. Pindah ke ${pkg} ${want ?? `${lineKey(server)}.x`}.`,
			},
		};
	}
	if (sdk === 'go' && extra.goModule && extra.goModule !== line.goModule) {
		return {
			...base,
			status: 'module-moved',
			level: 'warn',
			moveSdkTo: want,
			moveServerTo: null,
			advice: {
				en: `For Milvus ${lineKey(server)} the Go SDK is ${line.goModule} (you use ${extra.goModule}). Move to ${line.goModule} ${want ? `v${want}` : ''}.`.trim(),
				id: `Untuk Milvus ${lineKey(server)}, Go SDK-nya adalah ${line.goModule} (Anda memakai ${extra.goModule}). Pindah ke ${line.goModule} ${want ? `v${want}` : ''}.`.trim(),
			},
		};
	}
	return {
		...base,
		status: 'ok',
		level: 'ok',
		moveSdkTo: null,
		moveServerTo: null,
		advice: {
			en: `${pkg} ${base.client} matches Milvus ${base.server} (same ${lineKey(server)} line${want ? `; latest listed: ${want}` : ''}).`,
			id: `${pkg} ${base.client} cocok dengan Milvus ${base.server} (sama-sama ${lineKey(server)}${want ? `; versi terbaru yang tercatat: ${want}` : ''}).`,
		},
	};
}

/** Ports that are Milvus-adjacent but not its gRPC port, with what they are. */
export const NOT_GRPC_PORTS = Object.freeze({
	9091: { en: 'the Milvus metrics/health HTTP port', id: 'port HTTP metrics/health Milvus' },
	9000: { en: 'the MinIO S3 port', id: 'port S3 MinIO' },
	9001: { en: 'the MinIO console', id: 'console MinIO' },
	2379: { en: 'the etcd client port', id: 'port klien etcd' },
	3000: { en: 'the Attu web UI', id: 'web UI Attu' },
	8000: { en: 'the Attu web UI', id: 'web UI Attu' },
});
