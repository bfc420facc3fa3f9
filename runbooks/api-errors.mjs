#!/usr/bin/env zx
// @ts-check
// api-errors: an API call returned an error. Checks that the proxy is reachable (gRPC port 19530 accepts
// a connection, /healthz on 9091 answers OK) and explains the error given with --error: the legacy
// error_code name or the numeric code of Milvus 2.3+, what it means, the next step, the server's retriable
// flag and the page that covers it. Errors that belong to another symptom (version mismatch, boot, etcd)
// are sent to that page. Only reads.
// Exit codes: see exitCodes in the definition.
import { defineRunbook, UsageError } from './lib/runbook.mjs';
import { matchText, pagePath, pageUrl, runbookCommand } from './lib/catalog.mjs';
import { readCode } from './lib/error-codes.mjs';
import {
	emitReport,
	healthzReport,
	probeHealthz,
	probeTcp,
	withDiagMessages,
} from './lib/diag.mjs';

const messages = withDiagMessages({
	en: {
		offlineNeedsError: '--offline only explains an error: pass --error "<text>"',
		connHeading: 'Proxy connectivity',
		grpcOk: 'gRPC port {host}:{port} accepts connections',
		grpcDown:
			'gRPC port {host}:{port} does not accept connections ({reason}): the client cannot reach Milvus',
		healthOk: '/healthz on {host}:{port} answers OK',
		healthBad: '/healthz on {host}:{port} answers {status}: {body}',
		healthDown: '/healthz on {host}:{port} does not answer ({reason})',
		bootHint: 'Milvus is not up: run {runbook} (page {page})',
		errorHeading: 'The error',
		codeLine: 'code {code}{name}: {meaning}',
		codeGeneration: 'codes of 100 and above come from Milvus 2.3 or later',
		codeEither:
			'code {code} means different things before and after Milvus 2.3; both readings are shown',
		codeUnknown: 'code {code} is not in the table of known codes',
		nextLine: 'next step: {next}',
		retriableYes: 'retriable: yes, the server says retrying may help',
		retriableNo: 'retriable: no, retrying will not help until the next step is done',
		retriableNone: 'retriable: the server sets no flag for this code',
		pageLine: 'page: {page}',
		signatureLine: 'recognised: {signature}: {explain}',
		otherSymptom: 'This is not an API error but {symptom}: open {page} or run {runbook}.',
		notRecognised:
			'This error text is not recognised; search the guide with it, or ask for help: {page}',
		explained: 'Explained; the fix is in the call, the proxy is reachable.',
		explainedOffline: 'Explained (connectivity not checked: --offline).',
		noError: 'Proxy is reachable. Pass --error "<text>" to have an error explained.',
	},
	id: {
		offlineNeedsError: '--offline hanya untuk menjelaskan error: berikan --error "<teks>"',
		connHeading: 'Konektivitas proxy',
		grpcOk: 'port gRPC {host}:{port} menerima koneksi',
		grpcDown:
			'port gRPC {host}:{port} tidak menerima koneksi ({reason}): klien tidak bisa menjangkau Milvus',
		healthOk: '/healthz di {host}:{port} menjawab OK',
		healthBad: '/healthz di {host}:{port} menjawab {status}: {body}',
		healthDown: '/healthz di {host}:{port} tidak menjawab ({reason})',
		bootHint: 'Milvus belum berjalan: jalankan {runbook} (halaman {page})',
		errorHeading: 'Error-nya',
		codeLine: 'code {code}{name}: {meaning}',
		codeGeneration: 'code 100 ke atas berasal dari Milvus 2.3 atau yang lebih baru',
		codeEither:
			'code {code} punya arti berbeda sebelum dan sesudah Milvus 2.3; dua-duanya ditampilkan',
		codeUnknown: 'code {code} tidak ada di tabel code yang dikenal',
		nextLine: 'langkah berikutnya: {next}',
		retriableYes: 'retriable: ya, menurut server mencoba lagi bisa membantu',
		retriableNo:
			'retriable: tidak, mencoba lagi tidak akan membantu sebelum langkah berikutnya dilakukan',
		retriableNone: 'retriable: server tidak memberi tanda untuk code ini',
		pageLine: 'halaman: {page}',
		signatureLine: 'dikenali: {signature}: {explain}',
		otherSymptom: 'Ini bukan error API tetapi {symptom}: buka {page} atau jalankan {runbook}.',
		notRecognised:
			'Teks error ini tidak dikenali; cari di panduan dengan teks itu, atau minta bantuan: {page}',
		explained: 'Sudah dijelaskan. Proxy bisa dijangkau, jadi perbaikannya ada di panggilan Anda.',
		explainedOffline: 'Sudah dijelaskan (konektivitas tidak diperiksa: --offline).',
		noError: 'Proxy bisa dijangkau. Berikan --error "<teks>" supaya error-nya dijelaskan.',
	},
});

/** The server's retriable flag (true, false, or none: null) to its message. @type {Record<string, string>} */
const RETRIABLE_KEY = { true: 'retriableYes', false: 'retriableNo' };

/** @typedef {import('./lib/runbook.mjs').Context} Context */
/** @typedef {import('./lib/diag.mjs').TcpProbe} TcpProbe */
/** @typedef {import('./lib/diag.mjs').HttpProbe} HttpProbe */
/** @typedef {{ host: string, grpcPort: number, healthPort: number }} Facts */

/**
 * The proxy's two doors, probed in-process: the gRPC port accepts a connection, /healthz answers OK.
 * @param {Facts} facts
 * @returns {import('./lib/runbook.mjs').Step[]}
 */
function probeSteps({ host, grpcPort, healthPort }) {
	return [
		{
			id: 'probe-grpc',
			title: {
				en: 'Check that the gRPC port accepts connections',
				id: 'Periksa apakah port gRPC menerima koneksi',
			},
			mode: 'read',
			command: null,
			action: async (ctx) => {
				const g = await probeTcp(host, grpcPort);
				if (g.ok) ctx.out.ok(ctx.t('grpcOk', { host, port: grpcPort }));
				else
					ctx.out.info(`✗ ${ctx.t('grpcDown', { host, port: grpcPort, reason: g.error ?? '' })}`);
				return g;
			},
		},
		{
			id: 'probe-healthz',
			title: {
				en: 'Ask /healthz whether Milvus is healthy',
				id: 'Tanyakan ke /healthz apakah Milvus sehat',
			},
			mode: 'read',
			command: null,
			action: async (ctx) => {
				const h = await probeHealthz(host, healthPort);
				const vars = { host, port: healthPort };
				if (h.ok) ctx.out.ok(ctx.t('healthOk', vars));
				else if (h.status !== null)
					ctx.out.info(`✗ ${ctx.t('healthBad', { ...vars, status: h.status, body: h.body })}`);
				else ctx.out.info(`✗ ${ctx.t('healthDown', { ...vars, reason: h.error ?? '' })}`);
				return h;
			},
		},
	];
}

/**
 * Explain the --error text: another symptom's signature, else the code's meanings and the matched signatures.
 * Puts `error` into the report.
 * @param {Context} ctx
 * @param {string} errorText
 * @param {Record<string, unknown>} report
 * @returns {'explained'|'other'|'unknown'}
 */
function explain(ctx, errorText, report) {
	/** @type {'explained'|'other'|'unknown'} */
	let outcome;
	/** @type {string | null} */
	let otherSymptom = null;
	ctx.out.heading(ctx.t('errorHeading'));
	const matches = matchText(errorText);
	const top = matches[0];
	const reading = readCode(errorText);
	if (top && top.symptom !== 'api-errors') {
		otherSymptom = top.symptom;
		outcome = 'other';
		ctx.out.info(
			ctx.t('signatureLine', { signature: top.signature, explain: top.explain[ctx.lang] }),
		);
		ctx.out.warn(
			ctx.t('otherSymptom', {
				symptom: top.symptom,
				page: pageUrl(top.symptom, ctx.lang),
				runbook: runbookCommand(top.symptom),
			}),
		);
	} else {
		if (reading.code !== null || reading.name !== null) {
			if (reading.meanings.length === 0)
				ctx.out.warn(ctx.t('codeUnknown', { code: String(reading.code) }));
			for (const m of reading.meanings) {
				ctx.out.info(
					ctx.t('codeLine', {
						code: m.code,
						name: ` (${m.name})`,
						meaning: m.meaning[ctx.lang],
					}),
				);
				ctx.out.info(`    ${ctx.t('nextLine', { next: m.next[ctx.lang] })}`);
				ctx.out.info(`    ${ctx.t(RETRIABLE_KEY[String(m.retriable)] ?? 'retriableNone')}`);
				ctx.out.info(`    ${ctx.t('pageLine', { page: pagePath(m.page, ctx.lang) })}`);
			}
			if (reading.generation === 'either')
				ctx.out.dim(ctx.t('codeEither', { code: String(reading.code) }));
			else if (reading.generation === '2.3+' && (reading.code ?? 0) >= 100)
				ctx.out.dim(ctx.t('codeGeneration'));
		}
		// The message names the problem more precisely than a catch-all code (1, 65535) does.
		for (const m of matches.filter((x) => !x.signature.startsWith('milvus-exception'))) {
			ctx.out.info(
				ctx.t('signatureLine', { signature: m.signature, explain: m.explain[ctx.lang] }),
			);
		}
		const known = reading.meanings.length > 0 || matches.length > 0;
		outcome = known ? 'explained' : 'unknown';
		if (!known) ctx.out.warn(ctx.t('notRecognised', { page: pageUrl('help', ctx.lang) }));
	}
	report.error = {
		text: errorText,
		code: reading.code,
		name: reading.name,
		generation: reading.generation,
		meanings: reading.meanings.map((m) => ({
			code: m.code,
			name: m.name,
			meaning: m.meaning[ctx.lang],
			next: m.next[ctx.lang],
			retriable: m.retriable,
			page: pagePath(m.page, ctx.lang),
			symptom: m.page,
			topic: m.topic,
		})),
		matches: matches.map((m) => ({
			symptom: m.symptom,
			signature: m.signature,
			page: pagePath(m.symptom, ctx.lang),
			explanation: m.explain[ctx.lang],
		})),
		symptom: otherSymptom ?? (outcome === 'explained' ? 'api-errors' : null),
		page: otherSymptom
			? pagePath(otherSymptom, ctx.lang)
			: outcome === 'explained'
				? pagePath('api-errors', ctx.lang)
				: null,
	};
	return outcome;
}

/**
 * The exit code and the last line, and the report with it: 4 another symptom, 1 unreachable or not
 * recognised, else 0.
 * @param {Context} ctx
 * @param {{ reachable: boolean, report: Record<string, unknown>, outcome: 'explained'|'other'|'unknown'|null }} found
 */
function verdict(ctx, { reachable, report, outcome }) {
	const errorText = /** @type {string | undefined} */ (ctx.flags.error);
	const offline = ctx.flags.offline === true;
	/** @type {number} */
	let code;
	if (outcome === 'other') code = 4;
	else if (!reachable || outcome === 'unknown') code = 1;
	else {
		code = 0;
		ctx.out.ok(
			errorText === undefined
				? ctx.t('noError')
				: offline
					? ctx.t('explainedOffline')
					: ctx.t('explained'),
		);
	}
	emitReport(ctx, { ...report, outcome, exitCode: code });
	return code;
}

export default defineRunbook(
	{
		name: 'api-errors',
		summary: {
			en: 'Explain an error returned by a Milvus API call and check that the proxy is reachable',
			id: 'Jelaskan error yang dikembalikan API Milvus dan periksa apakah proxy bisa dijangkau',
		},
		description: {
			en:
				'Checks that the proxy accepts connections on the gRPC port (19530) and that /healthz on 9091 answers OK, then explains the error given ' +
				'with --error: the numeric code of Milvus 2.3+ (100 collection not found, 101 collection not loaded, 1100 invalid parameter, 65535 …) or ' +
				'the legacy error_code name, what it means, the next step, whether the server marks it retriable and the page that covers it. Errors that are really a version mismatch, a boot failure or an etcd problem ' +
				'are sent to that page. Changes nothing.',
			id:
				'Memeriksa apakah proxy menerima koneksi di port gRPC (19530) dan apakah /healthz di 9091 menjawab OK. Lalu menjelaskan error ' +
				'yang diberikan lewat --error: code numerik Milvus 2.3+ (100 "collection not found", 101 "collection not loaded", 1100 ' +
				'"invalid parameter", 65535 …) atau nama error_code lama, beserta artinya, langkah berikutnya, apakah server ' +
				'menandainya retriable, dan halaman yang membahasnya. Error yang sebenarnya soal ' +
				'versi, kegagalan boot, atau masalah etcd diarahkan ke halamannya. Tidak mengubah apa pun.',
		},
		exitCodes: {
			0: {
				en: 'proxy healthy and the error explained',
				id: 'proxy sehat dan error sudah dijelaskan',
			},
			1: {
				en: 'proxy unreachable or unhealthy, or the error not recognised',
				id: 'proxy tidak terjangkau atau tidak sehat, atau error tidak dikenali',
			},
			2: { en: 'bad flags', id: 'flag salah' },
			4: {
				en: 'the error belongs to another symptom (its page is named)',
				id: 'error-nya termasuk gejala lain (halamannya disebutkan)',
			},
		},
		target: 'local',
		flagGroups: ['milvus'],
		flags: [
			{
				name: 'error',
				alias: 'e',
				type: 'string',
				help: {
					en: 'the error text (or just its code)',
					id: 'teks error-nya (atau code-nya saja)',
				},
			},
			{
				name: 'offline',
				type: 'boolean',
				default: false,
				help: {
					en: 'only explain the error, do not contact Milvus',
					id: 'hanya jelaskan error, tidak menghubungi Milvus',
				},
			},
		],
		messages,
		async main(ctx) {
			const errorText = /** @type {string | undefined} */ (ctx.flags.error);
			if (ctx.flags.offline !== true) return undefined; // on to the plan: the probes are its steps
			if (errorText === undefined) throw new UsageError(ctx.t('offlineNeedsError'));
			/** @type {Record<string, unknown>} */
			const report = {};
			return verdict(ctx, { reachable: true, report, outcome: explain(ctx, errorText, report) });
		},
		exampleFacts: { host: '127.0.0.1', grpcPort: 19530, healthPort: 9091 },
		preflight: (ctx) => ({
			host: /** @type {string | undefined} */ (ctx.flags.host) ?? '127.0.0.1',
			grpcPort: Number(ctx.flags['grpc-port']),
			healthPort: Number(ctx.flags['health-port']),
		}),
		steps: (_ctx, /** @type {Facts} */ facts) => probeSteps(facts),
		verify(ctx, /** @type {Facts} */ { host, grpcPort, healthPort }) {
			const g = /** @type {TcpProbe} */ (ctx.results['probe-grpc']);
			const h = /** @type {HttpProbe} */ (ctx.results['probe-healthz']);
			const reachable = g.ok && h.ok;
			if (!reachable)
				ctx.out.info(
					ctx.t('bootHint', { runbook: runbookCommand('boot'), page: pageUrl('boot', ctx.lang) }),
				);
			/** @type {Record<string, unknown>} */
			const report = {
				connectivity: {
					grpc: { host, port: grpcPort, accepts: g.ok, error: g.error },
					healthz: healthzReport(host, healthPort, h),
				},
			};
			const errorText = /** @type {string | undefined} */ (ctx.flags.error);
			const outcome = errorText === undefined ? null : explain(ctx, errorText, report);
			return verdict(ctx, { reachable, report, outcome });
		},
	},
	import.meta.url,
);
