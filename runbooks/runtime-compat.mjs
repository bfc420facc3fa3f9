#!/usr/bin/env zx
// @ts-check
// runtime-compat: find the Milvus server version (image tag, log banner, or --server-version) and the
// SDK versions of the current project (pip, npm, go, mvn), compare them with the compatibility table in
// lib/compat-table.mjs and say exactly which versions to move to. Also catches the usual false alarm: a
// client pointed at the wrong port (--uri). Only reads.
// Exit codes: see exitCodes in the definition.
import * as nodeFs from 'node:fs';
import * as nodePath from 'node:path';
import { defineRunbook, UsageError } from './lib/runbook.mjs';
import { compareSdk, LINES, NOT_GRPC_PORTS, SOURCES } from './lib/compat-table.mjs';
import { matchText, pagePath, pageUrl, runbookCommand } from './lib/catalog.mjs';
import { emitReport, parseHostPort, probeHttp, probeTcp, withDiagMessages } from './lib/diag.mjs';
import {
	COMPAT_EXAMPLE,
	chooseServerReads,
	clientsFrom,
	compatSteps,
	givenClients,
	sdkReads,
	serverFrom,
} from './lib/compat-reads.mjs';

/** @typedef {import('./lib/compat-table.mjs').Verdict} Verdict */
/** @typedef {import('./lib/compat-reads.mjs').CompatFacts} CompatFacts */
/** @typedef {import('./lib/compat-reads.mjs').ServerRead} ServerRead */
/** @typedef {import('./lib/runbook.mjs').Context} Context */

const messages = withDiagMessages({
	en: {
		badServerVersion: '--server-version must look like 2.4.5 or v2.4.5, got {value}',
		badSdkVersion: '{flag} must look like 2.4.5, got {value}',
		badUri: '--uri must be host:port or a URL such as http://localhost:19530, got {value}',
		projectMissing: '--project {dir} is not a folder',
		serverHeading: 'Server version',
		serverFound: 'Milvus {version} (from {from})',
		serverNotFound:
			'could not find the Milvus server version (no image tag or log banner); pass --server-version',
		clientsHeading: 'SDK versions in {dir}',
		clientFound: '{sdk}: {version} (from {from})',
		clientNone:
			'no Milvus SDK found here (looked with pip, npm, go, mvn); run it in your project folder or pass --pymilvus, --node-sdk, --go-sdk or --java-sdk',
		verdictHeading: 'Verdict',
		portHeading: 'Client address',
		portWrong: '{uri} is {what}, not the gRPC port: point the client at {host}:19530',
		portHealth:
			'{uri} answers /healthz like the Milvus metrics port (9091): point the client at {host}:19530',
		portClosed:
			'nothing accepts connections on {host}:{port}: check the address, or see the boot page {page}',
		portOk: '{host}:{port} accepts connections',
		falseAlarm:
			'The versions match, so "{signature}" most likely comes from the address: check that the client uses port 19530 (gRPC), not 9091.',
		otherSymptom:
			'The error text points to another symptom: {symptom}. Open {page} or run {runbook}.',
		allOk: 'Server and SDKs are compatible.',
		problems: '{count} problem(s) found.',
		sources: 'Sources: {sources}',
	},
	id: {
		badServerVersion: '--server-version harus seperti 2.4.5 atau v2.4.5, bukan {value}',
		badSdkVersion: '{flag} harus seperti 2.4.5, bukan {value}',
		badUri: '--uri harus host:port atau URL seperti http://localhost:19530, bukan {value}',
		projectMissing: '--project {dir} bukan folder',
		serverHeading: 'Versi server',
		serverFound: 'Milvus {version} (dari {from})',
		serverNotFound:
			'versi server Milvus tidak ditemukan (tidak ada tag image atau banner log); berikan --server-version',
		clientsHeading: 'Versi SDK di {dir}',
		clientFound: '{sdk}: {version} (dari {from})',
		clientNone:
			'tidak ada SDK Milvus di sini (diperiksa dengan pip, npm, go, mvn); jalankan di folder proyek Anda atau berikan --pymilvus, --node-sdk, --go-sdk atau --java-sdk',
		verdictHeading: 'Kesimpulan',
		portHeading: 'Alamat klien',
		portWrong: '{uri} adalah {what}, bukan port gRPC: arahkan klien ke {host}:19530',
		portHealth:
			'{uri} menjawab /healthz seperti port metrics Milvus (9091): arahkan klien ke {host}:19530',
		portClosed:
			'tidak ada yang menerima koneksi di {host}:{port}: periksa alamatnya, atau lihat halaman boot {page}',
		portOk: '{host}:{port} menerima koneksi',
		falseAlarm:
			'Versinya cocok, jadi "{signature}" kemungkinan besar karena alamatnya: pastikan klien memakai port 19530 (gRPC), bukan 9091.',
		otherSymptom:
			'Teks error ini mengarah ke gejala lain: {symptom}. Buka {page} atau jalankan {runbook}.',
		allOk: 'Server dan SDK kompatibel.',
		problems: 'Ditemukan {count} masalah.',
		sources: 'Sumber: {sources}',
	},
});

/** What main() chose before connecting (the server reads), for preflight; by run context. @type {WeakMap<Context, ServerRead[]>} */
const serverReads = new WeakMap();

/**
 * --uri: the address the client uses. The most common cause of "sdk is incompatible" that is not about
 * versions at all is a client pointed at another port. Puts `address` into the report; the problem or null.
 * @param {Context} ctx
 * @param {string} uri
 * @param {{ host: string, port: number | null }} address
 * @param {Record<string, unknown>} report
 */
async function checkAddress(ctx, uri, address, report) {
	ctx.out.heading(ctx.t('portHeading'));
	const port = address.port ?? 19530;
	const vars = { uri: /** @type {string} */ (uri), host: address.host, port };
	const known = NOT_GRPC_PORTS[/** @type {keyof typeof NOT_GRPC_PORTS} */ (port)];
	const tcp = await probeTcp(address.host, port);
	/** @type {string | null} */
	let finding = null;
	if (known) finding = ctx.t('portWrong', { ...vars, what: known[ctx.lang] });
	else if (!tcp.ok) finding = ctx.t('portClosed', { ...vars, page: pageUrl('boot', ctx.lang) });
	else if (port !== 19530) {
		// 19530 also serves Milvus's REST API since 2.3; only another port answering /healthz is the
		// metrics port in disguise (a custom mapping of 9091).
		const h = await probeHttp(
			`http://${address.host.includes(':') ? `[${address.host}]` : address.host}:${port}/healthz`,
		);
		if (h.ok && /^OK\b/.test(h.body)) finding = ctx.t('portHealth', vars);
	}
	if (finding) ctx.out.info(`✗ ${finding}`);
	else ctx.out.ok(ctx.t('portOk', vars));
	report.address = { uri, host: address.host, port, accepts: tcp.ok, problem: finding };
	return finding;
}

export default defineRunbook(
	{
		name: 'runtime-compat',
		summary: {
			en: 'Check that the Milvus server and your SDK versions are compatible, and that the client uses the right port',
			id: 'Periksa apakah versi server Milvus dan SDK Anda kompatibel, dan apakah klien memakai port yang benar',
		},
		description: {
			en:
				'Finds the server version (docker image tag, Kubernetes image tag, the "Welcome to use Milvus!" banner, or --server-version) and the SDK ' +
				'versions in the current project (pip show pymilvus, npm ls, go list -m, mvn dependency:tree), compares them with the release-note ' +
				'compatibility table for Milvus 2.2 to 2.6 and names the exact versions to move to. With --uri it checks the address the client uses, ' +
				'because "sdk is incompatible" is often a client pointed at 9091 instead of 19530. Changes nothing.',
			id:
				'Mencari versi server (tag image docker, tag image Kubernetes, banner "Welcome to use Milvus!", atau --server-version) dan versi ' +
				'SDK di proyek saat ini ("pip show pymilvus", "npm ls", "go list -m", "mvn dependency:tree"). Keduanya dibandingkan dengan tabel ' +
				'kompatibilitas dari release notes Milvus 2.2 sampai 2.6, lalu runbook ini menyebut versi persis yang harus dipakai. Dengan --uri, ' +
				'alamat yang dipakai klien ikut diperiksa: "sdk is incompatible" sering berarti klien diarahkan ke 9091, bukan 19530. ' +
				'Tidak mengubah apa pun.',
		},
		exitCodes: {
			0: {
				en: 'the server and SDK versions are compatible (and the client uses the right port)',
				id: 'versi server dan SDK kompatibel (dan klien memakai port yang benar)',
			},
			1: {
				en: 'incompatible versions, a wrong port, or the versions could not be found',
				id: 'versi tidak kompatibel, port salah, atau versinya tidak ditemukan',
			},
			2: {
				en: 'bad flags, a bad version or --uri, or the --project folder does not exist',
				id: 'flag salah, versi atau --uri tidak valid, atau folder --project tidak ada',
			},
			4: {
				en: 'the --error text belongs to another symptom (its page is named)',
				id: 'teks --error termasuk gejala lain (halamannya disebutkan)',
			},
		},
		target: 'local',
		flagGroups: ['kube'],
		flags: [
			{
				name: 'server-version',
				type: 'string',
				help: {
					en: 'the server version, when it cannot be read (e.g. 2.4.5)',
					id: 'versi server, kalau tidak bisa dibaca otomatis (mis. 2.4.5)',
				},
			},
			{
				name: 'source',
				type: 'string',
				default: 'auto',
				choices: ['auto', 'docker', 'kubernetes', 'none'],
				help: { en: 'where to read the server version from', id: 'dari mana versi server dibaca' },
			},
			{
				name: 'container',
				type: 'string',
				default: 'milvus-standalone',
				help: { en: 'docker container of Milvus', id: 'container docker Milvus' },
			},
			{
				name: 'project',
				type: 'string',
				default: '.',
				help: { en: 'folder of the client project', id: 'folder proyek klien' },
			},
			{
				name: 'uri',
				type: 'string',
				help: {
					en: 'address the client connects to, e.g. http://localhost:19530',
					id: 'alamat yang dipakai klien, mis. http://localhost:19530',
				},
			},
			{
				name: 'error',
				type: 'string',
				help: { en: 'the error the client printed', id: 'error yang ditampilkan klien' },
			},
			{
				name: 'pymilvus',
				type: 'string',
				help: {
					en: 'pymilvus version instead of pip show',
					id: 'versi pymilvus, menggantikan pip show',
				},
			},
			{
				name: 'node-sdk',
				type: 'string',
				help: {
					en: 'Node SDK version instead of npm ls',
					id: 'versi Node SDK, menggantikan npm ls',
				},
			},
			{
				name: 'go-sdk',
				type: 'string',
				help: { en: 'Go SDK version instead of go list', id: 'versi Go SDK, menggantikan go list' },
			},
			{
				name: 'java-sdk',
				type: 'string',
				help: { en: 'Java SDK version instead of mvn', id: 'versi Java SDK, menggantikan mvn' },
			},
		],
		messages,
		exampleFacts: COMPAT_EXAMPLE,
		requireStatefulSet: false,
		async main(ctx) {
			const dir = nodePath.resolve(String(ctx.flags.project));
			if (!nodeFs.existsSync(dir) || !nodeFs.statSync(dir).isDirectory())
				throw new UsageError(ctx.t('projectMissing', { dir }));
			const uri = /** @type {string | undefined} */ (ctx.flags.uri);
			if (uri !== undefined && !parseHostPort(uri))
				throw new UsageError(ctx.t('badUri', { value: uri }));
			serverReads.set(ctx, await chooseServerReads(ctx));
			givenClients(ctx);
		},
		preflight: (ctx) => {
			const project = nodePath.resolve(String(ctx.flags.project));
			/** @type {CompatFacts} */
			const facts = {
				container: String(ctx.flags.container),
				release: ctx.opts.release,
				project,
				server: serverReads.get(ctx) ?? [],
				sdks: sdkReads(ctx, project),
			};
			return facts;
		},
		steps: (ctx, /** @type {CompatFacts} */ facts) => compatSteps(ctx, facts),
		async verify(ctx, /** @type {CompatFacts} */ facts) {
			/** @type {string[]} */
			const findings = [];
			/** @type {Record<string, unknown>} */
			const report = {};
			ctx.out.heading(ctx.t('serverHeading'));
			const server = serverFrom(ctx, facts);
			if (server) ctx.out.ok(ctx.t('serverFound', server));
			report.server = server;

			ctx.out.heading(ctx.t('clientsHeading', { dir: facts.project }));
			const clients = clientsFrom(ctx);
			for (const c of clients)
				ctx.out.ok(ctx.t('clientFound', { sdk: c.sdk, version: c.version, from: c.from }));

			/** @type {(Verdict & { from: string })[]} */
			const verdicts = [];
			if (server) {
				for (const c of clients)
					verdicts.push({
						...compareSdk(
							c.sdk,
							c.version,
							server.version,
							c.goModule ? { goModule: c.goModule } : {},
						),
						from: c.from,
					});
			}
			report.clients =
				verdicts.length > 0 ? verdicts.map((v) => ({ ...v, advice: v.advice[ctx.lang] })) : clients;

			const uri = /** @type {string | undefined} */ (ctx.flags.uri);
			const address = uri !== undefined ? parseHostPort(uri) : null;
			if (uri !== undefined && address) {
				const finding = await checkAddress(ctx, uri, address, report);
				if (finding) findings.push(finding);
			}
			const errorText = /** @type {string | undefined} */ (ctx.flags.error);
			let other = null;
			if (errorText !== undefined) {
				const matches = matchText(errorText);
				const top = matches[0];
				report.error = {
					text: errorText,
					matches: matches.map((m) => ({ signature: m.signature, symptom: m.symptom })),
				};
				if (top && top.symptom !== 'runtime-compat') other = top;
				else if (
					top &&
					verdicts.length > 0 &&
					verdicts.every((v) => v.level !== 'incompatible') &&
					findings.length === 0
				) {
					findings.push(ctx.t('falseAlarm', { signature: top.signature }));
				}
			}

			ctx.out.heading(ctx.t('verdictHeading'));
			for (const v of verdicts) {
				const text = `${v.sdk}: ${v.advice[ctx.lang]}`;
				if (v.level === 'ok') ctx.out.ok(text);
				else if (v.level === 'warn') ctx.out.warn(text);
				else {
					ctx.out.info(`✗ ${text}`);
					findings.push(text);
				}
			}
			for (const f of findings.filter(
				(f) => !verdicts.some((v) => f.endsWith(v.advice[ctx.lang])),
			)) {
				if (!report.address || !(/** @type {any} */ (report.address).problem === f))
					ctx.out.warn(f);
			}
			ctx.out.dim(ctx.t('sources', { sources: SOURCES.join('; ') }));

			/** @type {number} */
			let code;
			/** @type {string | null} */
			let failure = null;
			if (findings.length > 0) code = 1;
			else if (other) {
				ctx.out.warn(
					ctx.t('otherSymptom', {
						symptom: other.symptom,
						page: pageUrl(other.symptom, ctx.lang),
						runbook: runbookCommand(other.symptom),
					}),
				);
				code = 4;
			} else if (!server && ctx.flags['server-version'] === undefined) {
				failure = ctx.t('serverNotFound');
				code = 1;
			} else if (clients.length === 0 && !address) {
				failure = ctx.t('clientNone');
				code = 1;
			} else code = 0;
			if (failure) ctx.out.error(failure);
			else if (code === 0) ctx.out.ok(ctx.t('allOk'));
			else if (code === 1) ctx.out.info(ctx.t('problems', { count: findings.length }));

			emitReport(ctx, {
				...report,
				compatible: code === 0,
				problems: failure ? [failure] : findings,
				otherSymptom: other
					? { symptom: other.symptom, page: pagePath(other.symptom, ctx.lang) }
					: null,
				table: Object.fromEntries(
					Object.entries(LINES).map(([k, l]) => [k, { latest: l.latest, sdk: l.sdk }]),
				),
				exitCode: code,
			});
			return code;
		},
	},
	import.meta.url,
);
