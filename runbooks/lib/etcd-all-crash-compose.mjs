// @ts-check
// etcd-all-crash under Docker Compose: Milvus's docker-compose.yml runs etcd as the container `milvus-etcd`
// (image quay.io/coreos/etcd:v3.5.x, data dir /etcd, bind mount ./volumes/etcd:/etcd, no published port) next
// to `milvus-standalone`. There is one member, so "every member crashes" means that container exits on start.
// What changes against Kubernetes: the data is a folder on the Docker host instead of PVCs, the container is
// stopped and started instead of scaled, nothing is deleted (the old `member` folder is renamed aside inside
// the volume), and the fresh etcd is reached with `docker exec milvus-etcd etcdctl …` because compose
// publishes no etcd port. The backup, its proof and the WAL-tail replay are the same code as the Kubernetes
// path (etcd-offline.mjs, etcd-backup.mjs, etcd-restore-proof.mjs).
//
// Milvus standalone started with embedded etcd (`etcd.use.embed: true`) has no etcd container at all: its
// etcd lives inside milvus-standalone at /var/lib/milvus/etcd, and this module says so instead of acting.
import * as nodeFs from 'node:fs';
import * as nodePath from 'node:path';
import { NotThisSymptomError, StepFailedError } from './exit.mjs';
import { DATA_INTACT, crashCause } from './etcd-crash-cause.mjs';
import { checkTimeout } from './etcd-members.mjs';
import { connectEtcd } from './etcd-offline.mjs';
import { findOnPath, run as runArgv } from './shell.mjs';
import { dockerEtcd } from './docker-etcd.mjs';
import { backupPromise, compareWithBackup, freshWorkDir } from './etcd-all-crash-backup.mjs';

export { goQuote } from './docker-etcd.mjs';

/** @typedef {import('./runbook.mjs').Context} Context */
/** @typedef {import('./runbook.mjs').Step} Step */

/**
 * What the compose run learned before its first change (kept in the resume state).
 * @typedef {object} ComposeFacts
 * @property {'compose'} target
 * @property {string} container      the etcd container (milvus-etcd)
 * @property {string} containerId
 * @property {string} project        compose project (label com.docker.compose.project)
 * @property {string} dataDir        etcd's --data-dir inside the container (/etcd)
 * @property {string} volume         where dataDir is on the Docker host (…/volumes/etcd)
 * @property {string} aside          name the old member folder gets inside the volume: member.broken-<time>
 * @property {{ name: string, startAtEnd: boolean } | null} milvus  the Milvus container; started again at the
 *   end when it was running or had crashed (a container someone stopped on purpose stays stopped)
 * @property {string} workDir
 * @property {string} backupDir
 */

export const COMPOSE_ETCD = 'milvus-etcd';
export const COMPOSE_MILVUS = 'milvus-standalone';
const DATA_DIR = '/etcd';
const EMBEDDED_ETCD = '/var/lib/milvus/etcd';

export const COMPOSE_MESSAGES = {
	en: {
		flagTarget:
			'where etcd runs: kubernetes (the Milvus Helm chart), compose (docker compose, container milvus-etcd), or auto: compose when kubectl has no context and docker has the etcd container',
		flagEtcdContainer: 'compose: the etcd container',
		flagMilvusContainer: 'compose: the Milvus container, stopped before etcd comes back empty',
		targetChosen: 'kubectl has no context and docker has a container {name}: Docker Compose target',
		composeNoEtcd:
			'docker has no container {name}; without one this is not a compose etcd (choose it with --etcd-container, or --target kubernetes)',
		composeEmbedded:
			'{milvus} runs without an etcd container: Milvus standalone with embedded etcd keeps it inside {milvus} at {path}. This runbook rebuilds a separate etcd container; nothing was changed',
		composeHealthy: '{name} runs and answers `etcdctl endpoint health`: etcd is not crashing',
		composeRunning:
			'{name} runs but does not answer yet and has not restarted: read `docker logs {name}` before rebuilding anything',
		composeStopped:
			'{name} was stopped (exit 0), it did not crash: start it with `docker start {name}`',
		composeState: '{name}: {status}, exit code {code}, {restarts} restarts, OOMKilled {oom}',
		composeCause: '{name}: {cause} ({detail})',
		composeOom:
			'{name} is killed for memory ({detail}): its data is intact. Raise its memory limit (mem_limit or deploy.resources.limits.memory of the etcd service in docker-compose.yml) and start it; nothing was changed',
		composeBadMemberId:
			'{name} stops at `bad member ID arg`: its data is intact; nothing was changed',
		composeIntact:
			'{name}: {cause} leaves the data intact; nothing was changed (--ignore-crash-cause goes on anyway)',
		composeNoMount:
			'{name} has no bind mount or volume at {dir}: the data would be inside the container; nothing was changed',
		composeNotHere:
			'the volume folder {path} of {name} is not on this machine: run the runbook on the Docker host',
		composeNoMember:
			'{path} has no member folder: there is no etcd data left to recover (an earlier run may have moved it to member.broken-*)',
		composeNotWritable:
			'cannot write {path}: the old member folder is renamed there. Run as a user who can (for example with sudo); nothing was changed',
		composeFound: 'compose project {project}: {name} keeps {dir} in {path}',
		composeMilvus: '{name}: {status}; {plan}',
		composeMilvusStart: 'started again at the end',
		composeMilvusLeave: 'stopped on purpose, left stopped',
		composeNoMilvus: 'no container {name}',
		composeCopyMissing: 'no copy {file} of the db: the copy step did not finish',
		composeMilvusRunning:
			'{name} runs; it would write its own metadata into the empty etcd. Stop it (`docker stop {name}`) and run again; nothing was moved',
		composeEtcdRunning:
			'{name} runs again; it must be stopped before its data is moved. Nothing was moved',
		composeGate:
			'backup {dir} checked again ({count} keys, checksum ok); {name} and {milvus} stopped',
		composeGateDry:
			'[dry run] backup {dir} checked ({count} keys); the containers would be checked here before the member folder is renamed',
		composeVerifyDry: '[dry run] would check that {name} answers and holds every key of the backup',
		composeWaitHealthy: '{name} to answer `etcdctl endpoint health`',
		composeExited: '{name} exited ({code}) instead of starting on the fresh data folder: {line}',
		composeExecFailed: 'docker exec {name} etcdctl failed: {reason}',
		composeRestoreVia:
			'restoring through `docker exec -i {name} etcdctl txn` (no port is published)',
		composeVerifyKeys: '{got} keys in etcd, the backup has {want}',
		composeAside: 'the old data stays in {path}; delete it yourself once Milvus works',
	},
	id: {
		flagTarget:
			'tempat etcd berjalan: kubernetes (chart Helm Milvus), compose (docker compose, container milvus-etcd), atau auto: compose kalau kubectl tidak punya context dan docker punya container etcd',
		flagEtcdContainer: 'compose: container etcd',
		flagMilvusContainer:
			'compose: container Milvus, dihentikan sebelum etcd kembali dalam keadaan kosong',
		targetChosen:
			'kubectl tidak punya context dan docker punya container {name}: target Docker Compose',
		composeNoEtcd:
			'docker tidak punya container {name}, jadi ini bukan etcd compose (pilih dengan --etcd-container, atau --target kubernetes)',
		composeEmbedded:
			'{milvus} berjalan tanpa container etcd: Milvus standalone dengan etcd embedded menyimpannya di dalam {milvus}, di {path}. Runbook ini membangun ulang container etcd yang terpisah; tidak ada yang diubah',
		composeHealthy: '{name} berjalan dan menjawab "etcdctl endpoint health": etcd tidak crash',
		composeRunning:
			'{name} berjalan tetapi belum menjawab dan belum pernah dimulai ulang: baca "docker logs {name}" dulu sebelum membangun ulang apa pun',
		composeStopped:
			'{name} dihentikan (exit 0), bukan crash: nyalakan dengan "docker start {name}"',
		composeState:
			'{name}: {status}, kode keluar {code}, {restarts} kali dimulai ulang, OOMKilled {oom}',
		composeCause: '{name}: {cause} ({detail})',
		composeOom:
			'{name} dimatikan karena kehabisan memori ({detail}): datanya utuh. Naikkan batas memorinya (mem_limit atau deploy.resources.limits.memory milik service etcd di docker-compose.yml) lalu nyalakan; tidak ada yang diubah',
		composeBadMemberId:
			'{name} berhenti di "bad member ID arg": datanya utuh; tidak ada yang diubah',
		composeIntact:
			'{name}: {cause} tidak merusak data; tidak ada yang diubah (--ignore-crash-cause tetap melanjutkan)',
		composeNoMount:
			'{name} tidak memasang folder host atau volume di {dir}: datanya ada di dalam container; tidak ada yang diubah',
		composeNotHere:
			'folder volume {path} milik {name} tidak ada di mesin ini: jalankan runbook di host Docker',
		composeNoMember:
			'{path} tidak punya folder member: tidak ada data etcd tersisa untuk dipulihkan (run sebelumnya mungkin sudah memindahkannya ke member.broken-*)',
		composeNotWritable:
			'tidak bisa menulis ke {path}: folder member lama diganti namanya di sana. Jalankan sebagai user yang punya izin (misalnya dengan sudo); tidak ada yang diubah',
		composeFound: 'proyek compose {project}: {name} menyimpan {dir} di {path}',
		composeMilvus: '{name}: {status}; {plan}',
		composeMilvusStart: 'dinyalakan lagi di akhir',
		composeMilvusLeave: 'memang dihentikan, dibiarkan berhenti',
		composeNoMilvus: 'tidak ada container {name}',
		composeCopyMissing: 'tidak ada salinan db {file}: langkah penyalinan belum selesai',
		composeMilvusRunning:
			'{name} berjalan; container itu akan menulis metadata-nya sendiri ke etcd yang masih kosong. Hentikan ("docker stop {name}") lalu jalankan lagi; tidak ada yang dipindahkan',
		composeEtcdRunning:
			'{name} berjalan lagi; container itu harus berhenti sebelum datanya dipindahkan. Tidak ada yang dipindahkan',
		composeGate:
			'backup {dir} diperiksa ulang ({count} key, checksum cocok); {name} dan {milvus} sudah berhenti',
		composeGateDry:
			'[dry run] backup {dir} sudah diperiksa ({count} key); container akan diperiksa di sini sebelum folder member diganti namanya',
		composeVerifyDry:
			'[dry run] akan memeriksa bahwa {name} menjawab dan menyimpan semua key dari backup',
		composeWaitHealthy: '{name} menjawab "etcdctl endpoint health"',
		composeExited: '{name} berhenti ({code}), tidak berjalan dengan direktori data baru: {line}',
		composeExecFailed: 'docker exec {name} etcdctl gagal: {reason}',
		composeRestoreVia:
			'restore lewat "docker exec -i {name} etcdctl txn" (tidak ada port yang dibuka)',
		composeVerifyKeys: 'ada {got} key di etcd, backup berisi {want}',
		composeAside: 'data lama tetap ada di {path}; hapus sendiri setelah Milvus berjalan normal',
	},
};

/** @param {keyof typeof COMPOSE_MESSAGES.en} key */
const help = (key) => ({ en: COMPOSE_MESSAGES.en[key], id: COMPOSE_MESSAGES.id[key] });

/** @type {import('./cli.mjs').FlagSpec[]} */
export const COMPOSE_FLAGS = [
	{
		name: 'target',
		type: 'string',
		default: 'auto',
		choices: ['auto', 'kubernetes', 'compose'],
		help: help('flagTarget'),
	},
	{
		name: 'etcd-container',
		type: 'string',
		default: COMPOSE_ETCD,
		help: help('flagEtcdContainer'),
	},
	{
		name: 'milvus-container',
		type: 'string',
		default: COMPOSE_MILVUS,
		help: help('flagMilvusContainer'),
	},
];

/** @type {ComposeFacts} */
export const exampleComposeFacts = {
	target: 'compose',
	container: COMPOSE_ETCD,
	containerId: '',
	project: 'milvus',
	dataDir: DATA_DIR,
	volume: 'volumes/etcd',
	aside: 'member.broken-2025-01-01T00-00-00Z',
	milvus: { name: COMPOSE_MILVUS, startAtEnd: true },
	workDir: 'etcd-rescue',
	backupDir: 'etcd-rescue/backup',
};

/** @param {Context} ctx */
const etcdName = (ctx) => String(ctx.flags['etcd-container'] ?? COMPOSE_ETCD);
/** @param {Context} ctx */
export const milvusName = (ctx) => String(ctx.flags['milvus-container'] ?? COMPOSE_MILVUS);

/**
 * Which target this run is for. An operator of a compose install usually has no kubectl context at all, and one
 * of the Helm chart has no `milvus-etcd` container: `auto` picks compose only when kubectl has no context and
 * docker has the container, so a Kubernetes run never changes behaviour because docker is installed too.
 * @param {Context} ctx
 * @returns {Promise<'kubernetes' | 'compose'>}
 */
export async function chooseTarget(ctx) {
	const want = String(ctx.flags.target ?? 'auto');
	if (want === 'kubernetes' || want === 'compose') return want;
	if (ctx.opts.context) return 'kubernetes';
	if (findOnPath('kubectl', ctx.env)) {
		const r = await runArgv(['kubectl', 'config', 'current-context'], {
			check: false,
			lang: ctx.lang,
		});
		if (r.ok && r.stdout.trim()) return 'kubernetes';
	}
	if (!findOnPath('docker', ctx.env)) return 'kubernetes';
	if (!(await ctx.docker.inspect(etcdName(ctx)))) return 'kubernetes';
	return 'compose';
}

/** @param {Context} ctx @param {string} name */
export async function inspect(ctx, name) {
	return ctx.docker.inspect(name);
}

/** @param {Context} ctx @param {string} name */
export async function isRunning(ctx, name) {
	const c = await inspect(ctx, name);
	return Boolean(c?.State?.Running);
}

/** @param {Context} ctx @param {string} name */
export async function answersHealth(ctx, name) {
	const r = await ctx.docker.run(['exec', name, 'etcdctl', 'endpoint', 'health'], { check: false });
	return r.ok;
}

/** etcd's --data-dir from the container's command or ETCD_DATA_DIR. @param {any} c */
function dataDirOf(c) {
	const args = [...(c?.Config?.Entrypoint ?? []), ...(c?.Config?.Cmd ?? [])].map(String);
	for (let i = 0; i < args.length; i++) {
		const a = /** @type {string} */ (args[i]);
		const m = /^--?data-dir(?:=(.*))?$/.exec(a);
		if (m) return m[1] ?? args[i + 1] ?? DATA_DIR;
	}
	const envs = /** @type {string[]} */ ((c?.Config?.Env ?? []).map(String));
	const env = envs.find((e) => e.startsWith('ETCD_DATA_DIR='));
	return env ? env.slice('ETCD_DATA_DIR='.length) : DATA_DIR;
}

/** Where `inner` is on the Docker host, through the container's mounts. @param {any} c @param {string} inner */
function hostPathOf(c, inner) {
	const p = nodePath.posix.normalize(inner);
	const mounts = /** @type {any[]} */ (c?.Mounts ?? [])
		.filter((m) => p === m.Destination || p.startsWith(`${m.Destination}/`))
		.sort((a, b) => String(b.Destination).length - String(a.Destination).length);
	const m = mounts[0];
	if (!m?.Source) return null;
	return nodePath.join(String(m.Source), p.slice(String(m.Destination).length));
}

/** The State of `docker inspect` as the Pod status crashCause reads. @param {any} state */
function asPod(state) {
	const terminated = {
		reason: state?.OOMKilled ? 'OOMKilled' : 'Error',
		exitCode: Number(state?.ExitCode ?? 0),
	};
	return { status: { containerStatuses: [{ state: { terminated } }] } };
}

/**
 * The resume binding: a run continues only on the same container and the same volume folder.
 * @param {Context} ctx
 */
export async function composeIdentity(ctx) {
	const c = await inspect(ctx, etcdName(ctx));
	if (!c) return [];
	const volume = hostPathOf(c, dataDirOf(c));
	return [`container:${c.Id}`, ...(volume ? [`volume:${volume}`] : [])];
}

/**
 * Preflight of the compose target: etcd exits (not stopped, not healthy), for a reason that breaks its data,
 * and its data folder is on this machine and writable.
 * @param {Context} ctx
 * @returns {Promise<ComposeFacts>}
 */
export async function composePreflight(ctx) {
	checkTimeout(ctx);
	if (ctx.resume?.facts?.target === 'compose') {
		ctx.out.warn(ctx.t('resuming'));
		return ctx.resume.facts;
	}
	const name = etcdName(ctx);
	const milvusContainer = milvusName(ctx);
	const c = await inspect(ctx, name);
	if (ctx.flags.target !== 'compose') ctx.out.info(ctx.t('targetChosen', { name }));
	const milvus = await inspect(ctx, milvusContainer);
	if (!c) {
		if (milvus)
			throw new NotThisSymptomError(
				ctx.t('composeEmbedded', { milvus: milvusContainer, path: EMBEDDED_ETCD }),
			);
		throw new NotThisSymptomError(ctx.t('composeNoEtcd', { name }));
	}
	const state = c.State ?? {};
	const restarts = Number(c.RestartCount ?? 0);
	ctx.out.info(
		ctx.t('composeState', {
			name,
			status: String(state.Status ?? '?'),
			code: Number(state.ExitCode ?? 0),
			restarts,
			oom: String(Boolean(state.OOMKilled)),
		}),
	);
	if (state.Running && !state.Restarting) {
		if (await answersHealth(ctx, name))
			throw new NotThisSymptomError(ctx.t('composeHealthy', { name }));
		if (restarts === 0) throw new NotThisSymptomError(ctx.t('composeRunning', { name }));
	}
	if (!state.Running && !state.Restarting && Number(state.ExitCode) === 0 && !state.OOMKilled)
		throw new NotThisSymptomError(ctx.t('composeStopped', { name }));

	// The destructive path is only for data etcd cannot read; a container killed from outside keeps every key.
	const logs = await ctx.docker.logs(name, { tail: 200 }).catch(() => '');
	const ev = crashCause({ pod: asPod(state), logs });
	ctx.out.info(ctx.t('composeCause', { name, cause: ev.cause, detail: ev.detail }));
	if (DATA_INTACT.has(ev.cause)) {
		if (ev.cause === 'bad-member-id')
			throw new NotThisSymptomError(ctx.t('composeBadMemberId', { name }));
		if (ctx.flags['ignore-crash-cause'] === true)
			ctx.out.warn(ctx.t('causeIgnored', { pod: name, cause: ev.cause }));
		else if (ev.cause === 'oom')
			throw new NotThisSymptomError(ctx.t('composeOom', { name, detail: ev.detail }));
		else throw new NotThisSymptomError(ctx.t('composeIntact', { name, cause: ev.cause }));
	}

	const dataDir = dataDirOf(c);
	const volume = hostPathOf(c, dataDir);
	if (!volume) throw new StepFailedError(ctx.t('composeNoMount', { name, dir: dataDir }));
	if (!nodeFs.existsSync(volume))
		throw new StepFailedError(ctx.t('composeNotHere', { name, path: volume }));
	if (!nodeFs.existsSync(nodePath.join(volume, 'member')))
		throw new NotThisSymptomError(ctx.t('composeNoMember', { path: volume }));
	try {
		nodeFs.accessSync(volume, nodeFs.constants.W_OK);
	} catch {
		throw new StepFailedError(ctx.t('composeNotWritable', { path: volume }));
	}
	const project = String(c.Config?.Labels?.['com.docker.compose.project'] ?? '-');
	ctx.out.info(ctx.t('composeFound', { project, name, dir: dataDir, path: volume }));

	/** @type {ComposeFacts['milvus']} */
	let milvusFacts = null;
	if (milvus) {
		const ms = milvus.State ?? {};
		// A Milvus that lost etcd exits by itself ("disconnected from etcd and exited"): it comes back at the end.
		const startAtEnd = Boolean(ms.Running) || Number(ms.ExitCode ?? 0) !== 0;
		milvusFacts = { name: milvusContainer, startAtEnd };
		ctx.out.info(
			ctx.t('composeMilvus', {
				name: milvusContainer,
				status: String(ms.Status ?? '?'),
				plan: ctx.t(startAtEnd ? 'composeMilvusStart' : 'composeMilvusLeave'),
			}),
		);
	} else ctx.out.info(ctx.t('composeNoMilvus', { name: milvusContainer }));

	const dirs = freshWorkDir(ctx, [`${name}.db`, `${name}.wal`]);
	nodeFs.mkdirSync(dirs.workDir, { recursive: true });
	return {
		target: 'compose',
		container: name,
		containerId: String(c.Id ?? ''),
		project,
		dataDir,
		volume,
		aside: `member.broken-${new Date().toISOString().replace(/[:.]/g, '-')}`,
		milvus: milvusFacts,
		...dirs,
	};
}

/**
 * The client restore and verify use: the user's --endpoints when given (a published port, a tunnel), else
 * etcdctl through docker exec.
 * @param {Context} ctx @param {ComposeFacts} facts
 */
export async function composeClient(ctx, facts) {
	const endpoints = ctx.flags.endpoints;
	if (typeof endpoints === 'string' && endpoints) return connectEtcd(ctx, endpoints);
	return /** @type {any} */ (dockerEtcd(ctx, facts.container));
}

/**
 * The rebuilt etcd answers, holds every key of the backup (values may move on once Milvus runs), and the
 * backup carried every acknowledged write (a backup made without a readable WAL cannot promise that).
 * @param {Context} ctx @param {ComposeFacts} facts
 */
export async function composeVerify(ctx, facts) {
	/** @type {string[]} */
	const problems = [];
	if (!(await answersHealth(ctx, facts.container)))
		problems.push(ctx.t('composeExecFailed', { name: facts.container, reason: 'endpoint health' }));
	const { want, walProblem, problem } = await backupPromise(ctx, facts.backupDir);
	if (problem) problems.push(problem);
	let keys = 0;
	if (!problems.length) {
		const cmp = await composeClient(ctx, facts)
			.then((client) =>
				compareWithBackup(ctx, facts.backupDir, client, {
					lenientValues: facts.milvus?.startAtEnd === true,
				}),
			)
			.catch((e) => ({ ok: false, live: 0, text: e instanceof Error ? e.message : String(e) }));
		keys = cmp.live;
		if (!cmp.ok) problems.push(cmp.text);
		else if (keys < want) problems.push(ctx.t('composeVerifyKeys', { got: keys, want }));
	}
	if (problems.length) return { ok: false, details: problems.join('; ') };
	const details = ctx.t('verifyCompared', { count: want });
	if (walProblem) return { ok: false, details: `${details}; ${walProblem}` };
	return {
		ok: true,
		details,
		data: { container: facts.container, keys, backupKeys: want, aside: facts.aside },
	};
}
