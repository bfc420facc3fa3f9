#!/usr/bin/env zx
// @ts-check
// boot: Milvus does not start. Finds the deployment (docker compose containers milvus-standalone,
// milvus-etcd, milvus-minio; or the pods of a Helm/operator release by app.kubernetes.io/instance),
// reads the logs of failed or restarting containers (docker logs, kubectl logs --previous), pulls out the
// fatal lines, runs them through the error catalog, checks etcd/MinIO and ports 19530/9091 (/healthz),
// and says what is wrong and which page and runbook fix it. Only reads.
// Exit codes: see exitCodes in the definition.
import { defineRunbook, UsageError } from './lib/runbook.mjs';
import {
	matchText,
	pagePath,
	pageUrl,
	runbookCommand,
	strongestPerSymptom,
} from './lib/catalog.mjs';
import {
	DIAG_EXAMPLE,
	collectLogs,
	diagReadSteps,
	emitReport,
	fatalLines,
	findDeployment,
	parseHostPort,
	probeHealthz,
	probeHttp,
	probeTcp,
	withDiagMessages,
} from './lib/diag.mjs';

/** @typedef {import('./lib/catalog.mjs').Match} Match */
/** @typedef {import('./lib/diag.mjs').Deployment} Deployment */

const messages = withDiagMessages({
	en: {
		badEndpoint: '{flag} must be host:port, got {value}',
		fatalHeading: 'Fatal lines in {name}',
		noFatal: 'no fatal line in {name}',
		neverStarted: '{name} never reached "Milvus Proxy successfully started" in this log',
		checksHeading: 'Checks',
		healthOk: 'Milvus /healthz on {host}:{port} answers OK',
		healthBad: 'Milvus /healthz on {host}:{port} answers {status}: {body}',
		healthDown: 'Milvus /healthz on {host}:{port} does not answer ({reason})',
		grpcOpen: 'port {port} on {host} accepts connections',
		grpcClosed: 'port {port} on {host} does not accept connections ({reason})',
		portTaken:
			'port {port} on {host} answers, but Milvus is not running: another process holds the port',
		depMissing: 'no {what} container/pod found next to Milvus',
		depFailing: '{what} {name} is not healthy: {status}',
		depOk: '{what} {name}: {status}',
		milvusFailing: 'Milvus {name} is not running: {status}',
		endpointOk: '{what} at {endpoint} answers',
		endpointBad: '{what} at {endpoint} does not answer healthy ({reason})',
		diagnosisHeading: 'Diagnosis',
		fromLine: 'in {name}: {line}',
		openRun: 'open {page}   run {runbook}',
		allGood: 'Milvus is up and no boot problem was found.',
		otherSymptom: 'Milvus booted; the logs point to {symptom}: open {page} or run {runbook}.',
		unexplained:
			'Milvus is not healthy but no known error was recognised; read the fatal lines above and see {page}.',
		problems: '{count} problem(s) found.',
	},
	id: {
		badEndpoint: '{flag} harus host:port, bukan {value}',
		fatalHeading: 'Baris fatal di {name}',
		noFatal: 'tidak ada baris fatal di {name}',
		neverStarted: '{name} tidak pernah sampai ke "Milvus Proxy successfully started" di log ini',
		checksHeading: 'Pemeriksaan',
		healthOk: '/healthz Milvus di {host}:{port} menjawab OK',
		healthBad: '/healthz Milvus di {host}:{port} menjawab {status}: {body}',
		healthDown: '/healthz Milvus di {host}:{port} tidak menjawab ({reason})',
		grpcOpen: 'port {port} di {host} menerima koneksi',
		grpcClosed: 'port {port} di {host} tidak menerima koneksi ({reason})',
		portTaken:
			'port {port} di {host} menjawab, padahal Milvus tidak berjalan: ada proses lain yang memakai port itu',
		depMissing: 'tidak ada container/pod {what} di samping Milvus',
		depFailing: '{what} {name} tidak sehat: {status}',
		depOk: '{what} {name}: {status}',
		milvusFailing: 'Milvus {name} tidak berjalan: {status}',
		endpointOk: '{what} di {endpoint} menjawab',
		endpointBad: '{what} di {endpoint} tidak menjawab sehat ({reason})',
		diagnosisHeading: 'Diagnosis',
		fromLine: 'di {name}: {line}',
		openRun: 'buka {page}   jalankan {runbook}',
		allGood: 'Milvus sudah berjalan dan tidak ada masalah boot yang ditemukan.',
		otherSymptom:
			'Milvus sudah boot; log-nya mengarah ke {symptom}: buka {page} atau jalankan {runbook}.',
		unexplained:
			'Milvus tidak sehat tetapi tidak ada error yang dikenali; baca baris fatal di atas dan lihat {page}.',
		problems: 'Ditemukan {count} masalah.',
	},
});

/** @param {string} name @param {'etcd'|'minio'} what */
const isDep = (name, what) => new RegExp(`(^|[-_])${what}($|[-_])`).test(name);

export default defineRunbook(
	{
		name: 'boot',
		summary: {
			en: 'Find out why Milvus does not start: logs of the failed containers, etcd, MinIO and ports',
			id: 'Cari tahu mengapa Milvus gagal boot: log container yang gagal, etcd, MinIO, dan port',
		},
		description: {
			en:
				'Finds the Milvus deployment (docker compose: milvus-standalone, milvus-etcd, milvus-minio; or the pods of a Helm or operator release), ' +
				'reads the logs of the containers that failed or restarted (docker logs, kubectl logs --previous) and the events of Pending pods, pulls out ' +
				'the fatal lines and matches them against the error catalog, checks etcd and MinIO, ports 19530 and 9091 and /healthz, then says what is ' +
				'wrong and which page and runbook fix it. Changes nothing.',
			id:
				'Mencari deployment Milvus: docker compose (milvus-standalone, milvus-etcd, milvus-minio), atau pod dari release Helm atau ' +
				'operator. Membaca log container yang gagal atau dimulai ulang ("docker logs", "kubectl logs --previous") dan event pod yang ' +
				'Pending. Baris fatalnya dicocokkan dengan katalog error. Lalu memeriksa etcd, MinIO, port 19530 dan 9091, serta /healthz. ' +
				'Di akhir, runbook ini menjelaskan apa yang salah dan halaman serta runbook mana yang memperbaikinya. Tidak mengubah apa pun.',
		},
		exitCodes: {
			0: {
				en: 'Milvus is up and nothing wrong was found',
				id: 'Milvus berjalan dan tidak ada masalah yang ditemukan',
			},
			1: {
				en: 'a boot problem was found, or a check could not run',
				id: 'ada masalah boot, atau ada pemeriksaan yang tidak bisa dijalankan',
			},
			2: {
				en: 'bad flags, or no Milvus deployment found',
				id: 'flag salah, atau deployment Milvus tidak ditemukan',
			},
			4: {
				en: 'Milvus booted and the logs point to another symptom (its page and runbook are named)',
				id: 'Milvus sudah boot dan log-nya mengarah ke gejala lain (halaman dan runbook-nya disebutkan)',
			},
		},
		target: 'local',
		flagGroups: ['kube', 'milvus'],
		flags: [
			{
				name: 'source',
				type: 'string',
				default: 'auto',
				choices: ['auto', 'docker', 'kubernetes'],
				help: {
					en: 'where Milvus runs (auto: docker first, then kubectl)',
					id: 'tempat Milvus berjalan (auto: docker dulu, lalu kubectl)',
				},
			},
			{
				name: 'container',
				type: 'string',
				default: 'milvus-standalone',
				help: { en: 'docker container of Milvus', id: 'container docker Milvus' },
			},
			{
				name: 'etcd-endpoint',
				type: 'string',
				help: {
					en: 'etcd client address to probe (host:port)',
					id: 'alamat klien etcd yang diperiksa (host:port)',
				},
			},
			{
				name: 'minio-endpoint',
				type: 'string',
				help: {
					en: 'MinIO S3 address to probe (host:port)',
					id: 'alamat S3 MinIO yang diperiksa (host:port)',
				},
			},
			{
				name: 'tail',
				type: 'number',
				default: 500,
				help: { en: 'log lines to read per container', id: 'jumlah baris log per container' },
			},
		],
		messages,
		exampleFacts: DIAG_EXAMPLE,
		// What findDeployment and collectLogs read, built by the same DIAG_READS builders they run.
		steps: (ctx, facts) => diagReadSteps(ctx.kube, facts),
		verify: () => ({ ok: true }),
		async main(ctx) {
			const grpcPort = Number(ctx.flags['grpc-port']);
			const healthPort = Number(ctx.flags['health-port']);
			const tail = Number(ctx.flags.tail);
			if (!Number.isInteger(tail) || tail <= 0)
				throw new UsageError(ctx.t('badNumber', { flag: '--tail', value: String(ctx.flags.tail) }));
			/** @param {string} flag */
			const endpoint = (flag) => {
				const raw = /** @type {string | undefined} */ (ctx.flags[flag]);
				if (raw === undefined) return null;
				const hp = parseHostPort(raw);
				if (!hp || hp.port === null)
					throw new UsageError(ctx.t('badEndpoint', { flag: `--${flag}`, value: raw }));
				return { raw, host: hp.host, port: hp.port };
			};
			const etcdEndpoint = endpoint('etcd-endpoint');
			const minioEndpoint = endpoint('minio-endpoint');
			const mainContainer = String(ctx.flags.container);

			const dep = await findDeployment(
				ctx,
				/** @type {'auto'|'docker'|'kubernetes'} */ (ctx.flags.source),
			);
			const sources = await collectLogs(ctx, dep, { tail, container: mainContainer });

			/** @type {(Match & { from: string })[]} */
			const matches = [];
			for (const m of matchText(dep.listing))
				matches.push({ ...m, from: dep.listCommand.join(' ') });
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
				for (const m of matchText(s.text)) matches.push({ ...m, from: s.name });
			}
			// ── checks ──
			ctx.out.heading(ctx.t('checksHeading'));
			/** @type {string[]} */
			const problems = [];
			/** @type {Record<string, unknown>} */
			const checks = {};
			const bad = (/** @type {string} */ text) => {
				ctx.out.info(`✗ ${text}`);
				problems.push(text);
			};

			// Milvus itself, and its dependencies, by container/pod state.
			/** @type {{ name: string, status: string, failing: boolean, running: boolean }[]} */
			const units =
				dep.kind === 'docker'
					? dep.containers.map((c) => ({
							name: c.name,
							status: c.status,
							failing: c.failing,
							running: c.running,
						}))
					: dep.pods.map((p) => ({
							name: p.name,
							status: `${p.status} ${p.ready} restarts=${p.restarts}`,
							failing: p.failing,
							running: !p.failing,
						}));
			const milvusUnits = units.filter(
				(u) =>
					!isDep(u.name, 'etcd') && !isDep(u.name, 'minio') && !/pulsar|kafka|attu/.test(u.name),
			);
			const milvusDown =
				milvusUnits.length === 0 || milvusUnits.some((u) => u.failing || !u.running);
			for (const u of milvusUnits)
				if (u.failing || !u.running)
					bad(ctx.t('milvusFailing', { name: u.name, status: u.status }));
			for (const what of /** @type {const} */ (['etcd', 'minio'])) {
				const found = units.filter((u) => isDep(u.name, what));
				// Embedded etcd / local storage (standalone_embed.sh) and external S3 have no such unit: not an error.
				if (found.length === 0) ctx.out.dim(ctx.t('depMissing', { what }));
				for (const u of found) {
					if (u.failing || !u.running)
						bad(ctx.t('depFailing', { what, name: u.name, status: u.status }));
					else ctx.out.ok(ctx.t('depOk', { what, name: u.name, status: u.status }));
				}
				checks[what] = found.map((u) => ({
					name: u.name,
					status: u.status,
					healthy: !u.failing && u.running,
				}));
			}
			if (etcdEndpoint) {
				const h = await probeHttp(`http://${etcdEndpoint.host}:${etcdEndpoint.port}/health`);
				const ok = h.ok && /"health"\s*:\s*"true"/.test(h.body);
				if (ok) ctx.out.ok(ctx.t('endpointOk', { what: 'etcd', endpoint: etcdEndpoint.raw }));
				else
					bad(
						ctx.t('endpointBad', {
							what: 'etcd',
							endpoint: etcdEndpoint.raw,
							reason: h.error ?? `${h.status} ${h.body}`,
						}),
					);
				checks.etcdEndpoint = { endpoint: etcdEndpoint.raw, ok, status: h.status, error: h.error };
			}
			if (minioEndpoint) {
				const h = await probeHttp(
					`http://${minioEndpoint.host}:${minioEndpoint.port}/minio/health/live`,
				);
				if (h.ok) ctx.out.ok(ctx.t('endpointOk', { what: 'MinIO', endpoint: minioEndpoint.raw }));
				else
					bad(
						ctx.t('endpointBad', {
							what: 'MinIO',
							endpoint: minioEndpoint.raw,
							reason: h.error ?? `${h.status}`,
						}),
					);
				checks.minioEndpoint = {
					endpoint: minioEndpoint.raw,
					ok: h.ok,
					status: h.status,
					error: h.error,
				};
			}

			// Ports and /healthz: on the docker host by default; for Kubernetes only when --host says where.
			const host =
				/** @type {string | undefined} */ (ctx.flags.host) ??
				(dep.kind === 'docker' ? '127.0.0.1' : undefined);
			let healthy = !milvusDown;
			if (host !== undefined) {
				const h = await probeHealthz(host, healthPort);
				const g = await probeTcp(host, grpcPort);
				const vars = { host, port: healthPort };
				if (h.ok) ctx.out.ok(ctx.t('healthOk', vars));
				else if (h.status !== null)
					bad(ctx.t('healthBad', { ...vars, status: h.status, body: h.body }));
				else ctx.out.warn(ctx.t('healthDown', { ...vars, reason: h.error ?? '' }));
				if (g.ok) ctx.out.ok(ctx.t('grpcOpen', { host, port: grpcPort }));
				else ctx.out.warn(ctx.t('grpcClosed', { host, port: grpcPort, reason: g.error ?? '' }));
				// Something answers on Milvus's ports while Milvus is down: the port is taken, Milvus cannot bind it.
				if (milvusDown && !h.ok) {
					const taken = [
						g.ok ? grpcPort : null,
						h.status !== null || (await probeTcp(host, healthPort)).ok ? healthPort : null,
					].filter((p) => p !== null);
					for (const p of taken) bad(ctx.t('portTaken', { host, port: /** @type {number} */ (p) }));
				}
				// /healthz's own "Not all components are healthy" text goes through the catalog like a log line.
				if (!h.ok && h.body)
					for (const m of matchText(h.body)) matches.push({ ...m, from: '/healthz' });
				healthy = h.ok && !milvusDown;
				checks.healthz = {
					host,
					port: healthPort,
					ok: h.ok,
					status: h.status,
					body: h.body,
					error: h.error,
				};
				checks.grpc = { host, port: grpcPort, accepts: g.ok, error: g.error };
			}

			// ── diagnosis ──
			// Lines every normal start-up prints ("find no available rootcoord" before the coordinator registers)
			// are only evidence while Milvus is unhealthy.
			const relevant = matches
				.filter((m) => !(healthy && m.transient))
				.sort((a, b) => b.weight - a.weight);
			const final = /** @type {(Match & { from: string })[]} */ (strongestPerSymptom(relevant));
			const bootish = final.filter((m) => m.symptom === 'boot' || m.symptom.startsWith('etcd-'));
			const others = final.filter((m) => !bootish.includes(m));
			ctx.out.heading(ctx.t('diagnosisHeading'));
			for (const m of bootish) {
				ctx.out.info(`✗ ${m.symptom}: ${m.explain[ctx.lang]}`);
				ctx.out.info(`    ${ctx.t('fromLine', { name: m.from, line: m.line })}`);
				ctx.out.info(
					`    ${ctx.t('openRun', { page: pageUrl(m.symptom, ctx.lang), runbook: runbookCommand(m.symptom) })}`,
				);
			}

			/** @type {number} */
			let code;
			if (bootish.length > 0 || problems.length > 0 || !healthy) {
				code = 1;
				if (bootish.length === 0)
					ctx.out.warn(ctx.t('unexplained', { page: pageUrl('boot', ctx.lang) }));
				ctx.out.info(ctx.t('problems', { count: bootish.length + problems.length }));
			} else if (others.length > 0) {
				const o = /** @type {Match} */ (others[0]);
				ctx.out.warn(
					ctx.t('otherSymptom', {
						symptom: o.symptom,
						page: pagePath(o.symptom, ctx.lang),
						runbook: runbookCommand(o.symptom),
					}),
				);
				code = 4;
			} else {
				ctx.out.ok(ctx.t('allGood'));
				code = 0;
			}

			emitReport(ctx, {
				deployment:
					dep.kind === 'docker'
						? { kind: 'docker', containers: dep.containers }
						: {
								kind: 'kubernetes',
								context: dep.context,
								namespace: dep.namespace,
								release: ctx.opts.release,
								pods: dep.pods.map(({ raw: _raw, ...p }) => p),
							},
				logs: logReport,
				checks,
				matches: [...bootish, ...others].map((m) => ({
					symptom: m.symptom,
					line: m.line,
					page: pagePath(m.symptom, ctx.lang),
					signature: m.signature,
					source: m.from,
					explanation: m.explain[ctx.lang],
					runbook: runbookCommand(m.symptom),
				})),
				problems,
				exitCode: code,
			});
			return code;
		},
	},
	import.meta.url,
);
