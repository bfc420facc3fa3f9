#!/usr/bin/env zx
// @ts-check
// runtime-compat: find the Milvus server version (image tag, log banner, or --server-version) and the
// SDK versions of the current project (pip, npm, go, mvn), compare them with the compatibility table in
// lib/compat-table.mjs and say exactly which versions to move to. Also catches the usual false alarm: a
// client pointed at the wrong port (--uri). Only reads.
// Exit codes: see exitCodes in the definition.
import * as nodeFs from 'node:fs';
import * as nodePath from 'node:path';
import { defineRunbook, UsageError, StepFailedError } from './lib/runbook.mjs';
import {
	compareSdk,
	LINES,
	NOT_GRPC_PORTS,
	parseVersion,
	formatVersion,
	versionFromBanner,
	versionFromImage,
	SOURCES,
} from './lib/compat-table.mjs';
import { matchText, pagePath, pageUrl, runbookCommand } from './lib/catalog.mjs';
import {
	emitReport,
	firstLine,
	instanceSelector,
	parseHostPort,
	probeHttp,
	probeTcp,
	runRead,
	withDiagMessages,
} from './lib/diag.mjs';
import { findOnPath, formatCommand } from './lib/shell.mjs';
import { createKube, resolveTarget } from './lib/kube.mjs';

/** @typedef {import('./lib/compat-table.mjs').SdkLang} SdkLang */
/** @typedef {import('./lib/compat-table.mjs').Verdict} Verdict */
/** @typedef {import('./lib/runbook.mjs').Context} Context */

const GO_OLD = 'github.com/milvus-io/milvus-sdk-go/v2';
const GO_NEW = 'github.com/milvus-io/milvus/client/v2';

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

/**
 * The steps, for --describe and for the run: the same argv either way.
 * @param {{ argv: (...a: string[]) => string[] }} kube
 * @param {{ container: string, release: string }} facts
 */
function stepsFor(kube, facts) {
	return [
		{
			id: 'server-image',
			title: { en: 'Read the server image tag (docker)', id: 'Baca tag image server (docker)' },
			mode: /** @type {const} */ ('read'),
			command: ['docker', 'inspect', '--format', '{{.Config.Image}}', facts.container],
		},
		{
			id: 'server-banner',
			title: {
				en: 'Read the version banner in the server log (docker)',
				id: 'Baca banner versi di log server (docker)',
			},
			mode: /** @type {const} */ ('read'),
			command: ['docker', 'logs', facts.container],
		},
		{
			id: 'kubectl-image',
			title: {
				en: 'Read the server image tags (Kubernetes)',
				id: 'Baca tag image server (Kubernetes)',
			},
			mode: /** @type {const} */ ('read'),
			command: kube.argv(
				'get',
				'pods',
				'-l',
				instanceSelector(facts.release),
				'-o',
				'jsonpath={.items[*].spec.containers[*].image}',
			),
		},
		{
			id: 'pymilvus-version',
			title: { en: 'pymilvus version', id: 'Versi pymilvus' },
			mode: /** @type {const} */ ('read'),
			command: ['pip', 'show', 'pymilvus'],
		},
		{
			id: 'node-sdk-version',
			title: { en: 'Node SDK version', id: 'Versi Node SDK' },
			mode: /** @type {const} */ ('read'),
			command: ['npm', 'ls', '@zilliz/milvus2-sdk-node'],
		},
		{
			id: 'go-sdk-version',
			title: { en: 'Go SDK version (before Milvus 2.5)', id: 'Versi Go SDK (sebelum Milvus 2.5)' },
			mode: /** @type {const} */ ('read'),
			command: ['go', 'list', '-m', GO_OLD],
		},
		{
			id: 'go-client-version',
			title: {
				en: 'Go SDK version (Milvus 2.5 and later)',
				id: 'Versi Go SDK (Milvus 2.5 ke atas)',
			},
			mode: /** @type {const} */ ('read'),
			command: ['go', 'list', '-m', GO_NEW],
		},
		{
			id: 'java-sdk-version',
			title: { en: 'Java SDK version', id: 'Versi Java SDK' },
			mode: /** @type {const} */ ('read'),
			command: ['mvn', 'dependency:tree', '-Dincludes=io.milvus:milvus-sdk-java'],
		},
	];
}

/**
 * Run one read step quietly, echoing the command. The argv comes from stepsFor, what --describe lists.
 * @param {Context} ctx
 * @param {string[]} argv
 * @param {string} [cwd]
 */
const read = (ctx, argv, cwd) => runRead(ctx, argv, { quietOutput: true, ...(cwd ? { cwd } : {}) });

/**
 * @param {Context} ctx
 * @param {ReturnType<typeof stepsFor>} steps
 * @param {string} id
 */
const cmd = (ctx, steps, id) => /** @type {string[]} */ (steps.find((s) => s.id === id)?.command);

/**
 * @param {Context} ctx
 * @param {string} source
 * @param {string} container
 * @returns {Promise<{ version: string, from: string } | null>}
 */
async function findServer(ctx, source, container) {
	const given = /** @type {string | undefined} */ (ctx.flags['server-version']);
	if (given !== undefined) {
		const v = parseVersion(given);
		if (!v || !/^v?\d+\.\d+(\.\d+)?([-.+].*)?$/.test(given.trim()))
			throw new UsageError(ctx.t('badServerVersion', { value: given }));
		return { version: formatVersion(v), from: '--server-version' };
	}
	const plain = stepsFor(
		{ argv: (...a) => ['kubectl', ...a] },
		{ container, release: ctx.opts.release },
	);
	if ((source === 'auto' || source === 'docker') && findOnPath('docker', ctx.env)) {
		const r = await read(ctx, cmd(ctx, plain, 'server-image'));
		if (r.ok) {
			const image = r.stdout.trim();
			ctx.out.block(image);
			const v = versionFromImage(image);
			if (v) return { version: formatVersion(v), from: `image ${image}` };
			const logs = await read(ctx, cmd(ctx, plain, 'server-banner'));
			const b = versionFromBanner(`${logs.stdout}\n${logs.stderr}`);
			if (b) return { version: formatVersion(b), from: `docker logs ${container}` };
		} else if (source === 'docker') {
			throw new StepFailedError(
				ctx.t('commandFailed', {
					command: formatCommand(cmd(ctx, plain, 'server-image')),
					code: r.exitCode,
					stderr: firstLine(r.stderr),
				}),
			);
		}
	} else if (source === 'docker') {
		throw new StepFailedError(ctx.t('toolMissing', { tool: 'docker' }));
	}
	if (source === 'auto' || source === 'kubernetes') {
		if (!findOnPath('kubectl', ctx.env)) {
			if (source === 'kubernetes')
				throw new StepFailedError(ctx.t('toolMissing', { tool: 'kubectl' }));
			return null;
		}
		/** @type {{ context: string, namespace: string }} */
		let target;
		try {
			target = await resolveTarget({
				context: ctx.opts.context,
				namespace: ctx.opts.namespace,
				lang: ctx.lang,
			});
		} catch (e) {
			// auto: a kubectl without a usable context just means "not on Kubernetes here".
			if (source === 'kubernetes') throw e;
			return null;
		}
		const kube = createKube({
			context: target.context,
			namespace: target.namespace,
			lang: ctx.lang,
		});
		const pinned = stepsFor(kube, { container, release: ctx.opts.release });
		const r = await read(ctx, cmd(ctx, pinned, 'kubectl-image'));
		if (r.ok) {
			const images = r.stdout.split(/\s+/).filter((i) => /(^|\/)milvus:/.test(i));
			ctx.out.block([...new Set(images)].join('\n'));
			/** @type {Map<string, number>} */
			const counts = new Map();
			for (const i of images) {
				const v = versionFromImage(i);
				if (v) counts.set(formatVersion(v), (counts.get(formatVersion(v)) ?? 0) + 1);
			}
			const best = [...counts.entries()].sort((a, b) => b[1] - a[1])[0];
			if (best)
				return {
					version: best[0],
					from: `image ${images.find((i) => versionFromImage(i) && formatVersion(/** @type {any} */ (versionFromImage(i))) === best[0])}`,
				};
		} else if (source === 'kubernetes') {
			throw new StepFailedError(
				ctx.t('commandFailed', {
					command: formatCommand(cmd(ctx, pinned, 'kubectl-image')),
					code: r.exitCode,
					stderr: firstLine(r.stderr),
				}),
			);
		}
	}
	return null;
}

/**
 * @typedef {{ sdk: SdkLang, version: string, from: string, goModule?: string }} Client
 */

/**
 * @param {Context} ctx
 * @param {string} dir
 * @returns {Promise<Client[]>}
 */
async function findClients(ctx, dir) {
	/** @type {Client[]} */
	const found = [];
	const plain = stepsFor({ argv: (...a) => ['kubectl', ...a] }, { container: '', release: '' });
	/** @type {[SdkLang, string][]} */
	const flagFor = [
		['python', 'pymilvus'],
		['node', 'node-sdk'],
		['go', 'go-sdk'],
		['java', 'java-sdk'],
	];
	/** @type {Set<SdkLang>} */
	const given = new Set();
	for (const [sdk, flag] of flagFor) {
		const v = /** @type {string | undefined} */ (ctx.flags[flag]);
		if (v === undefined) continue;
		if (!parseVersion(v) || !/^v?\d+\.\d+(\.\d+)?([-.+a-z].*)?$/i.test(v.trim()))
			throw new UsageError(ctx.t('badSdkVersion', { flag: `--${flag}`, value: v }));
		found.push({
			sdk,
			version: formatVersion(/** @type {any} */ (parseVersion(v))),
			from: `--${flag}`,
			...(sdk === 'go' ? { goModule: GO_NEW } : {}),
		});
		given.add(sdk);
	}
	const has = (/** @type {string} */ f) => nodeFs.existsSync(nodePath.join(dir, f));

	if (!given.has('python') && findOnPath('pip', ctx.env)) {
		const r = await read(ctx, cmd(ctx, plain, 'pymilvus-version'), dir);
		const v = /^Version:\s*(\S+)/m.exec(r.stdout)?.[1];
		if (r.ok && v) found.push({ sdk: 'python', version: v, from: 'pip show pymilvus' });
	}
	if (!given.has('node') && findOnPath('npm', ctx.env) && has('package.json')) {
		const r = await read(ctx, cmd(ctx, plain, 'node-sdk-version'), dir);
		// npm ls exits 1 for unrelated tree problems while still printing the version.
		const v = /@zilliz\/milvus2-sdk-node@(\S+)/.exec(r.stdout)?.[1];
		if (v) found.push({ sdk: 'node', version: v, from: 'npm ls @zilliz/milvus2-sdk-node' });
	}
	if (!given.has('go') && findOnPath('go', ctx.env) && has('go.mod')) {
		for (const [id, mod] of /** @type {const} */ ([
			['go-client-version', GO_NEW],
			['go-sdk-version', GO_OLD],
		])) {
			const r = await read(ctx, cmd(ctx, plain, id), dir);
			const v = new RegExp(`^${mod.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\s+(v\\S+)`, 'm').exec(
				r.stdout,
			)?.[1];
			if (r.ok && v) {
				found.push({ sdk: 'go', version: v, from: `go list -m ${mod}`, goModule: mod });
				break;
			}
		}
	}
	if (!given.has('java') && findOnPath('mvn', ctx.env) && has('pom.xml')) {
		const r = await read(ctx, cmd(ctx, plain, 'java-sdk-version'), dir);
		const v = /io\.milvus:milvus-sdk-java:jar:([\w.-]+)/.exec(r.stdout)?.[1];
		if (v) found.push({ sdk: 'java', version: v, from: 'mvn dependency:tree' });
	}
	return found;
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
		exampleFacts: { container: 'milvus-standalone', release: 'my-release' },
		steps: (ctx, facts) => stepsFor(ctx.kube, facts),
		verify: () => ({ ok: true }),
		async main(ctx) {
			const dir = nodePath.resolve(String(ctx.flags.project));
			if (!nodeFs.existsSync(dir) || !nodeFs.statSync(dir).isDirectory())
				throw new UsageError(ctx.t('projectMissing', { dir }));
			const uri = /** @type {string | undefined} */ (ctx.flags.uri);
			const address = uri !== undefined ? parseHostPort(uri) : null;
			if (uri !== undefined && !address) throw new UsageError(ctx.t('badUri', { value: uri }));
			const errorText = /** @type {string | undefined} */ (ctx.flags.error);
			const source = String(ctx.flags.source);
			const container = String(ctx.flags.container);

			/** @type {string[]} */
			const findings = [];
			/** @type {Record<string, unknown>} */
			const report = {};

			ctx.out.heading(ctx.t('serverHeading'));
			const server =
				source === 'none' && ctx.flags['server-version'] === undefined
					? null
					: await findServer(ctx, source, container);
			if (server) ctx.out.ok(ctx.t('serverFound', server));
			report.server = server;

			ctx.out.heading(ctx.t('clientsHeading', { dir }));
			const clients = await findClients(ctx, dir);
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

			// The address: the most common cause of "sdk is incompatible" that is not about versions at all.
			if (address) {
				ctx.out.heading(ctx.t('portHeading'));
				const port = address.port ?? 19530;
				const vars = { uri: /** @type {string} */ (uri), host: address.host, port };
				const known = NOT_GRPC_PORTS[/** @type {keyof typeof NOT_GRPC_PORTS} */ (port)];
				const tcp = await probeTcp(address.host, port);
				/** @type {string | null} */
				let finding = null;
				if (known) finding = ctx.t('portWrong', { ...vars, what: known[ctx.lang] });
				else if (!tcp.ok)
					finding = ctx.t('portClosed', { ...vars, page: pageUrl('boot', ctx.lang) });
				else if (port !== 19530) {
					// 19530 also serves Milvus's REST API since 2.3; only another port answering /healthz is the
					// metrics port in disguise (a custom mapping of 9091).
					const h = await probeHttp(
						`http://${address.host.includes(':') ? `[${address.host}]` : address.host}:${port}/healthz`,
					);
					if (h.ok && /^OK\b/.test(h.body)) finding = ctx.t('portHealth', vars);
				}
				if (finding) {
					ctx.out.info(`✗ ${finding}`);
					findings.push(finding);
				} else ctx.out.ok(ctx.t('portOk', vars));
				report.address = { uri, host: address.host, port, accepts: tcp.ok, problem: finding };
			}

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
