// @ts-check
// The steps of etcd-all-crash under Docker Compose (see etcd-all-crash-compose.mjs for the target, its
// preflight and verdict). Ids start with `compose-`, so the pages link them apart from the Kubernetes ones.
import * as nodeFs from 'node:fs';
import * as nodePath from 'node:path';
import { RefusedError, StepFailedError } from './exit.mjs';
import { waitFor } from './etcd-members.mjs';
import { loadBackup, restoreInto } from './etcd-offline.mjs';
import { formatCommand } from './shell.mjs';
import {
	backupStep,
	checkBackupStep,
	compareWithBackup,
	provenBackup,
} from './etcd-all-crash-backup.mjs';
import {
	answersHealth,
	composeClient,
	inspect,
	isRunning,
	milvusName,
} from './etcd-all-crash-compose.mjs';

/** @typedef {import('./runbook.mjs').Context} Context */
/** @typedef {import('./runbook.mjs').Step} Step */
/** @typedef {import('./etcd-all-crash-compose.mjs').ComposeFacts} ComposeFacts */

const label = 'Docker Compose';

/**
 * The names the steps share: the containers, the copies on this machine, the member folder and its new name.
 * @param {Context} ctx @param {ComposeFacts} facts
 */
function places(ctx, facts) {
	const name = facts.container;
	const aside = nodePath.join(facts.volume, facts.aside);
	return {
		name,
		milvus: facts.milvus?.name ?? milvusName(ctx),
		localDb: nodePath.join(facts.workDir, `${name}.db`),
		localWal: nodePath.join(facts.workDir, `${name}.wal`),
		member: nodePath.join(facts.volume, 'member'),
		aside,
		// The old member folder has been renamed: the volume now holds the fresh member, never to be copied again.
		movedAside: () => nodeFs.existsSync(aside),
	};
}

/**
 * Why etcd exits, then the copies out of its stopped volume and the backup proven from them.
 * @param {Context} ctx @param {ComposeFacts} facts
 * @returns {Step[]}
 */
function copySteps(ctx, facts) {
	const { name, localDb, localWal, movedAside } = places(ctx, facts);

	return [
		{
			id: 'compose-list',
			title: {
				en: `${label}: list the containers of the compose project`,
				id: `${label}: lihat container dari proyek compose`,
			},
			mode: 'read',
			command: [
				'docker',
				'ps',
				'-a',
				'--filter',
				`label=com.docker.compose.project=${facts.project}`,
			],
		},
		{
			id: 'compose-read-logs',
			title: {
				en: `${label}: why ${name} exits, the end of its log`,
				id: `${label}: mengapa ${name} berhenti, akhir log-nya`,
			},
			mode: 'read',
			command: ['docker', 'logs', '--tail', '20', name],
			check: false,
		},
		{
			id: 'compose-stop-etcd',
			title: {
				en: `${label}: stop ${name}, so its files do not change while they are copied`,
				id: `${label}: hentikan ${name} supaya file-nya tidak berubah selama disalin`,
			},
			mode: 'change',
			command: ['docker', 'stop', name],
			done: async (c) => !(await isRunning(c, name)),
		},
		{
			id: 'compose-copy-db',
			title: {
				en: `${label}: copy member/snap/db out of the volume`,
				id: `${label}: salin member/snap/db dari volume`,
			},
			mode: 'read',
			command: ['docker', 'cp', `${name}:${facts.dataDir}/member/snap/db`, localDb],
			// After the rename the volume holds the fresh member: the copy made before it is the one to keep.
			done: () => movedAside() && nodeFs.existsSync(localDb),
		},
		{
			id: 'compose-copy-wal',
			title: {
				en: `${label}: copy member/wal out of the volume: the writes the db may not have yet`,
				id: `${label}: salin member/wal dari volume: penulisan yang mungkin belum ada di db`,
			},
			mode: 'read',
			// `wal/.` copies the folder's contents, so a re-run overwrites a copy cut short instead of nesting it.
			command: ['docker', 'cp', `${name}:${facts.dataDir}/member/wal/.`, localWal],
			done: () => movedAside() && nodeFs.existsSync(localWal),
		},
		backupStep({
			id: 'compose-backup',
			title: {
				en: `${label}: write and verify the backup on this machine (the WAL replayed on the db)`,
				id: `${label}: tulis dan verifikasi backup di mesin ini (WAL diputar ulang di atas db)`,
			},
			backupDir: facts.backupDir,
			source(c) {
				if (!nodeFs.existsSync(localDb))
					throw new StepFailedError(c.t('composeCopyMissing', { file: localDb }));
				return { db: localDb, walDirs: nodeFs.existsSync(localWal) ? [localWal] : [] };
			},
		}),
		checkBackupStep({
			id: 'compose-check-backup',
			title: {
				en: `${label}: prove the backup can be restored (checksum, count, not empty, every value within --max-request-bytes)`,
				id: `${label}: buktikan backup bisa dipulihkan (checksum, jumlah, tidak kosong, semua value di bawah --max-request-bytes)`,
			},
			backupDir: facts.backupDir,
		}),
	];
}

/**
 * Milvus stopped, the gate, the old member folder renamed aside and etcd started on an empty one.
 * @param {Context} ctx @param {ComposeFacts} facts
 * @returns {Step[]}
 */
function swapSteps(ctx, facts) {
	const { name, member, aside, milvus, movedAside } = places(ctx, facts);

	return [
		{
			id: 'compose-stop-milvus',
			title: {
				en: `${label}: stop ${milvus}, so nothing writes into etcd before the restore`,
				id: `${label}: hentikan ${milvus} supaya tidak ada yang menulis ke etcd sebelum restore`,
			},
			mode: 'change',
			command: ['docker', 'stop', milvus],
			when: () => facts.milvus !== null,
			done: async (c) => !(await isRunning(c, milvus)),
		},
		{
			id: 'compose-gate',
			title: {
				en: `${label}: check once more before the data folder moves: backup restorable, ${name} and ${milvus} stopped`,
				id: `${label}: periksa sekali lagi sebelum direktori data dipindah: backup bisa dipulihkan, ${name} dan ${milvus} berhenti`,
			},
			mode: 'read',
			command: null,
			async action(c) {
				const { count } = await provenBackup(c, facts.backupDir);
				// A dry run stopped nothing, so only the backup can be checked here.
				if (c.dryRun) return c.t('composeGateDry', { dir: facts.backupDir, count });
				if (facts.milvus && (await isRunning(c, milvus)))
					throw new RefusedError(c.t('composeMilvusRunning', { name: milvus }));
				if (await isRunning(c, name))
					throw new StepFailedError(c.t('composeEtcdRunning', { name }));
				return c.t('composeGate', { dir: facts.backupDir, count, name, milvus });
			},
			done: () => movedAside(),
		},
		{
			id: 'compose-move-aside',
			title: {
				en: `${label}: rename the old member folder inside the volume (kept, not deleted)`,
				id: `${label}: ganti nama folder member lama di dalam volume (disimpan, tidak dihapus)`,
			},
			mode: 'destroy',
			command: ['mv', member, aside],
			confirmName: name,
			done: () => movedAside(),
		},
		{
			id: 'compose-start-etcd',
			title: {
				en: `${label}: start ${name} on an empty data folder`,
				id: `${label}: nyalakan ${name} dengan direktori data kosong`,
			},
			mode: 'change',
			command: ['docker', 'start', name],
			async after(c) {
				/** @type {string | null} */
				let exited = null;
				await waitFor(c, c.t('composeWaitHealthy', { name }), async () => {
					const box = await inspect(c, name);
					if (box && !box.State?.Running) {
						const logs = await c.docker.logs(name, { tail: 5 }).catch(() => '');
						const line = logs.trim().split('\n').pop() ?? '';
						exited = c.t('composeExited', { name, code: Number(box.State?.ExitCode ?? 0), line });
						return true;
					}
					return answersHealth(c, name);
				});
				if (exited) throw new StepFailedError(exited);
				return c.t('composeAside', { path: aside });
			},
			done: async (c) => movedAside() && (await isRunning(c, name)) && answersHealth(c, name),
		},
	];
}

/**
 * The keys restored, compared with the backup, and Milvus started again.
 * @param {Context} ctx @param {ComposeFacts} facts
 * @returns {Step[]}
 */
function restoreSteps(ctx, facts) {
	const { name, milvus, movedAside } = places(ctx, facts);

	return [
		{
			id: 'compose-restore',
			title: {
				en: `${label}: restore the keys in transactions through docker exec (or --endpoints) and compare every one with the backup`,
				id: `${label}: restore key dalam transaksi lewat docker exec (atau --endpoints) dan bandingkan satu per satu dengan backup`,
			},
			mode: 'change',
			command: null,
			async action(c) {
				const backup = await loadBackup(c, facts.backupDir);
				const client = await composeClient(c, facts);
				if (typeof c.flags.endpoints !== 'string')
					c.out.dim(c.t('composeRestoreVia', { name: facts.container }));
				return restoreInto(c, client, backup, {
					allowNonEmpty: false,
					allowPartial: true,
					clearCommand: formatCommand(['docker', 'exec', name, 'etcdctl', 'del', '', '--from-key']),
				});
			},
			async done(c) {
				if (!movedAside() || !(await isRunning(c, name))) return false;
				try {
					return (await compareWithBackup(c, facts.backupDir, await composeClient(c, facts))).ok;
				} catch {
					return false;
				}
			},
		},
		{
			id: 'compose-verify',
			title: {
				en: `${label}: check ${name} and compare every key with the backup`,
				id: `${label}: periksa ${name} dan bandingkan semua key dengan backup`,
			},
			mode: 'read',
			command: ['docker', 'exec', name, 'etcdctl', 'endpoint', 'status', '-w', 'table'],
			// In a dry run nothing was rebuilt, so the stopped etcd cannot answer yet.
			check: false,
			parse(r, c) {
				if (c.dryRun) return c.t('composeVerifyDry', { name });
				if (!r.ok)
					throw new StepFailedError(
						c.t('composeExecFailed', {
							name,
							reason: (r.stderr || r.stdout).trim().split('\n')[0] ?? '',
						}),
					);
				return r.stdout.trimEnd();
			},
			async after(c) {
				if (c.dryRun) return undefined;
				// Before Milvus starts again nothing else writes: every key must be there with its value.
				const cmp = await compareWithBackup(c, facts.backupDir, await composeClient(c, facts));
				if (!cmp.ok) throw new StepFailedError(cmp.text);
				return cmp.text;
			},
		},
		{
			id: 'compose-start-milvus',
			title: {
				en: `${label}: start ${milvus} again`,
				id: `${label}: nyalakan lagi ${milvus}`,
			},
			mode: 'change',
			command: ['docker', 'start', milvus],
			when: () => facts.milvus?.startAtEnd === true,
			done: async (c) => isRunning(c, milvus),
		},
	];
}

/**
 * The compose steps, in the order the run takes them.
 * @param {Context} ctx @param {ComposeFacts} facts
 * @returns {Step[]}
 */
export function composeSteps(ctx, facts) {
	return [...copySteps(ctx, facts), ...swapSteps(ctx, facts), ...restoreSteps(ctx, facts)];
}
