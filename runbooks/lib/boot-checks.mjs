// @ts-check
// boot's checks after its reads: the fatal lines of each log, Milvus and its dependencies by container/pod
// state, the --etcd-endpoint/--minio-endpoint probes, the Milvus ports and /healthz. Messages are boot's
// (ctx.t); findings go into one Findings record the diagnosis and the report read. Only reads.
import { UsageError } from './exit.mjs';
import { matchText } from './catalog.mjs';
import {
	fatalLines,
	healthzReport,
	parseHostPort,
	probeHealthz,
	probeHttp,
	probeTcp,
} from './diag.mjs';

/** @typedef {import('./catalog.mjs').Match} Match */
/** @typedef {import('./diag.mjs').DiagFacts} DiagFacts */
/** @typedef {import('./diag.mjs').LogSource} LogSource */
/** @typedef {import('./runbook.mjs').Context} Context */

/** @param {string} name @param {'etcd'|'minio'} what */
export const isDep = (name, what) => new RegExp(`(^|[-_])${what}($|[-_])`).test(name);

/** @typedef {{ raw: string, host: string, port: number }} Endpoint */
/** @typedef {{ problems: string[], checks: Record<string, unknown>, matches: (Match & { from: string })[], bad: (text: string) => void }} Findings */

/**
 * --tail and the endpoint flags, checked in main() before anything runs (exit 2) and read again by verify.
 * @param {Context} ctx
 */
export function bootFlags(ctx) {
	const tail = Number(ctx.flags.tail);
	if (!Number.isInteger(tail) || tail <= 0)
		throw new UsageError(ctx.t('badNumber', { flag: '--tail', value: String(ctx.flags.tail) }));
	/** @param {string} flag @returns {Endpoint | null} */
	const endpoint = (flag) => {
		const raw = /** @type {string | undefined} */ (ctx.flags[flag]);
		if (raw === undefined) return null;
		const hp = parseHostPort(raw);
		if (!hp || hp.port === null)
			throw new UsageError(ctx.t('badEndpoint', { flag: `--${flag}`, value: raw }));
		return { raw, host: hp.host, port: hp.port };
	};
	return { tail, etcd: endpoint('etcd-endpoint'), minio: endpoint('minio-endpoint') };
}

/**
 * The fatal lines of each log read, and whether a Milvus log reached its start-up line.
 * @param {Context} ctx
 * @param {LogSource[]} sources
 * @param {Findings} f
 */
export function readFatal(ctx, sources, f) {
	/** @type {{ name: string, command: string, fatal: string[], started: boolean | null }[]} */
	const logReport = [];
	for (const s of sources) {
		const fatal = fatalLines(s.text, 10);
		ctx.out.heading(ctx.t('fatalHeading', { name: s.name }));
		if (fatal.length === 0) ctx.out.dim(ctx.t('noFatal', { name: s.name }));
		ctx.out.block(fatal.join('\n'));
		// A Milvus log that never printed the start-up line shows where the boot stopped.
		const milvus = !isDep(s.name, 'etcd') && !isDep(s.name, 'minio');
		const started = milvus ? /Proxy successfully started/.test(s.text) : null;
		if (started === false) ctx.out.warn(ctx.t('neverStarted', { name: s.name }));
		logReport.push({ name: s.name, command: s.command.join(' '), fatal, started });
		for (const m of matchText(s.text)) f.matches.push({ ...m, from: s.name });
	}
	return logReport;
}

/**
 * Milvus and its dependencies by container/pod state. True when Milvus is down.
 * @param {Context} ctx
 * @param {DiagFacts} facts
 * @param {Findings} f
 */
export function checkUnits(ctx, facts, f) {
	/** @type {{ name: string, status: string, failing: boolean, running: boolean }[]} */
	const units =
		facts.source === 'docker'
			? facts.containers.map((c) => ({
					name: c.name,
					status: c.status,
					failing: c.failing,
					running: c.running,
				}))
			: facts.pods.map((p) => ({
					name: p.name,
					status: `${p.status} ${p.ready} restarts=${p.restarts}`,
					failing: p.failing,
					running: !p.failing,
				}));
	const milvusUnits = units.filter(
		(u) => !isDep(u.name, 'etcd') && !isDep(u.name, 'minio') && !/pulsar|kafka|attu/.test(u.name),
	);
	const milvusDown = milvusUnits.length === 0 || milvusUnits.some((u) => u.failing || !u.running);
	for (const u of milvusUnits)
		if (u.failing || !u.running) f.bad(ctx.t('milvusFailing', { name: u.name, status: u.status }));
	for (const what of /** @type {const} */ (['etcd', 'minio'])) {
		const found = units.filter((u) => isDep(u.name, what));
		// Embedded etcd / local storage (standalone_embed.sh) and external S3 have no such unit: not an error.
		if (found.length === 0) ctx.out.dim(ctx.t('depMissing', { what }));
		for (const u of found) {
			if (u.failing || !u.running)
				f.bad(ctx.t('depFailing', { what, name: u.name, status: u.status }));
			else ctx.out.ok(ctx.t('depOk', { what, name: u.name, status: u.status }));
		}
		f.checks[what] = found.map((u) => ({
			name: u.name,
			status: u.status,
			healthy: !u.failing && u.running,
		}));
	}
	return milvusDown;
}

/**
 * --etcd-endpoint (/health) and --minio-endpoint (/minio/health/live), when given.
 * @param {Context} ctx
 * @param {{ etcd: Endpoint | null, minio: Endpoint | null }} endpoints
 * @param {Findings} f
 */
export async function checkEndpoints(ctx, { etcd, minio }, f) {
	if (etcd) {
		const h = await probeHttp(`http://${etcd.host}:${etcd.port}/health`);
		const ok = h.ok && /"health"\s*:\s*"true"/.test(h.body);
		if (ok) ctx.out.ok(ctx.t('endpointOk', { what: 'etcd', endpoint: etcd.raw }));
		else
			f.bad(
				ctx.t('endpointBad', {
					what: 'etcd',
					endpoint: etcd.raw,
					reason: h.error ?? `${h.status} ${h.body}`,
				}),
			);
		f.checks.etcdEndpoint = { endpoint: etcd.raw, ok, status: h.status, error: h.error };
	}
	if (minio) {
		const h = await probeHttp(`http://${minio.host}:${minio.port}/minio/health/live`);
		if (h.ok) ctx.out.ok(ctx.t('endpointOk', { what: 'MinIO', endpoint: minio.raw }));
		else
			f.bad(
				ctx.t('endpointBad', {
					what: 'MinIO',
					endpoint: minio.raw,
					reason: h.error ?? `${h.status}`,
				}),
			);
		f.checks.minioEndpoint = { endpoint: minio.raw, ok: h.ok, status: h.status, error: h.error };
	}
}

/**
 * Ports and /healthz: on the docker host by default; for Kubernetes only when --host says where. True when
 * Milvus answers healthy (or, without a host to ask, when its units run).
 * @param {Context} ctx
 * @param {DiagFacts} facts
 * @param {boolean} milvusDown
 * @param {Findings} f
 */
export async function checkPorts(ctx, facts, milvusDown, f) {
	const grpcPort = Number(ctx.flags['grpc-port']);
	const healthPort = Number(ctx.flags['health-port']);
	const host =
		/** @type {string | undefined} */ (ctx.flags.host) ??
		(facts.source === 'docker' ? '127.0.0.1' : undefined);
	if (host === undefined) return !milvusDown;
	const h = await probeHealthz(host, healthPort);
	const g = await probeTcp(host, grpcPort);
	const vars = { host, port: healthPort };
	if (h.ok) ctx.out.ok(ctx.t('healthOk', vars));
	else if (h.status !== null)
		f.bad(ctx.t('healthBad', { ...vars, status: h.status, body: h.body }));
	else ctx.out.warn(ctx.t('healthDown', { ...vars, reason: h.error ?? '' }));
	if (g.ok) ctx.out.ok(ctx.t('grpcOpen', { host, port: grpcPort }));
	else ctx.out.warn(ctx.t('grpcClosed', { host, port: grpcPort, reason: g.error ?? '' }));
	// Something answers on Milvus's ports while Milvus is down: the port is taken, Milvus cannot bind it.
	if (milvusDown && !h.ok) {
		const taken = [
			g.ok ? grpcPort : null,
			h.status !== null || (await probeTcp(host, healthPort)).ok ? healthPort : null,
		].filter((p) => p !== null);
		for (const p of taken) f.bad(ctx.t('portTaken', { host, port: /** @type {number} */ (p) }));
	}
	// /healthz's own "Not all components are healthy" text goes through the catalog like a log line.
	if (!h.ok && h.body)
		for (const m of matchText(h.body)) f.matches.push({ ...m, from: '/healthz' });
	f.checks.healthz = healthzReport(host, healthPort, h);
	f.checks.grpc = { host, port: grpcPort, accepts: g.ok, error: g.error };
	return h.ok && !milvusDown;
}
