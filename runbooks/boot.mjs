#!/usr/bin/env zx
// @ts-check
// boot: Milvus does not start. Finds the deployment (docker compose containers milvus-standalone,
// milvus-etcd, milvus-minio; or the pods of a Helm/operator release by app.kubernetes.io/instance),
// reads the logs of failed or restarting containers (docker logs, kubectl logs --previous), pulls out the
// fatal lines, runs them through the error catalog, checks etcd/MinIO and ports 19530/9091 (/healthz),
// and says what is wrong and which page and runbook fix it. Only reads.
// Exit codes: see exitCodes in the definition.
import { defineRunbook } from './lib/runbook.mjs';
import {
	matchText,
	pagePath,
	pageUrl,
	runbookCommand,
	strongestPerSymptom,
} from './lib/catalog.mjs';
import {
	DIAG_EXAMPLE,
	DIAG_EXAMPLE_KUBE,
	chooseSource,
	diagRead,
	diagReadSteps,
	emitReport,
	findDeployment,
	withDiagMessages,
} from './lib/diag.mjs';
import {
	bootFlags,
	checkEndpoints,
	checkPorts,
	checkUnits,
	readFatal,
} from './lib/boot-checks.mjs';

/** @typedef {import('./lib/catalog.mjs').Match} Match */
/** @typedef {import('./lib/diag.mjs').DiagFacts} DiagFacts */
/** @typedef {import('./lib/boot-checks.mjs').Findings} Findings */

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
		variantFacts: [DIAG_EXAMPLE_KUBE],
		async main(ctx) {
			bootFlags(ctx);
			await chooseSource(ctx, /** @type {'auto'|'docker'|'kubernetes'} */ (ctx.flags.source));
		},
		requireStatefulSet: false,
		preflight: (ctx) =>
			findDeployment(ctx, { tail: Number(ctx.flags.tail), container: String(ctx.flags.container) }),
		steps: (ctx, /** @type {DiagFacts} */ facts) => diagReadSteps(ctx, facts),
		async verify(ctx, /** @type {DiagFacts} */ facts) {
			const read = diagRead(ctx, facts);
			/** @type {Findings} */
			const f = {
				problems: [],
				checks: {},
				matches: matchText(read.listing.text).map((m) => ({ ...m, from: read.listing.name })),
				bad: (text) => {
					ctx.out.info(`✗ ${text}`);
					f.problems.push(text);
				},
			};
			const logReport = readFatal(ctx, read.logs, f);
			ctx.out.heading(ctx.t('checksHeading'));
			const milvusDown = checkUnits(ctx, facts, f);
			await checkEndpoints(ctx, bootFlags(ctx), f);
			const healthy = await checkPorts(ctx, facts, milvusDown, f);
			const { matches, problems, checks } = f;

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
					facts.source === 'docker'
						? { kind: 'docker', containers: facts.containers }
						: {
								kind: 'kubernetes',
								context: ctx.context,
								namespace: ctx.namespace,
								release: facts.release,
								pods: facts.pods,
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
