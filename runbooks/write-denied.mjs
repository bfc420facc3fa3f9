#!/usr/bin/env zx
// @ts-check
// write-denied: inserts and deletes fail because one of Milvus's quotaAndLimits guards fired: the memory
// water level (`deny to write, reason: memory quota exhausted`, legacy code 53), the disk quota (`disk quota
// exceeded`, 54 / 7), a rate limit (`rate limit exceeded`, 8), the generic quota (`quota exceeded`, 9, whose
// reason may only say `rate type: DMLInsert`), a forced deny, or the time tick delay (`time tick long delay`,
// 55 / 11). Read-only: it names the guard from a pasted error (`--error`) and from the proxy and coordinator
// logs (the quota center in rootcoord/mixcoord says which node passed which level), reads the guard's
// settings from the chart's ConfigMap, and says the usual cause and the fix. It changes nothing.
import { defineRunbook } from './lib/runbook.mjs';
import { NotThisSymptomError } from './lib/exit.mjs';
import { milvusSelector } from './lib/milvus-pods.mjs';
import { milvusConfigStep, setting } from './lib/milvus-config.mjs';

/** @typedef {import('./lib/runbook.mjs').Context} Context */
/** @typedef {import('./lib/milvus-config.mjs').MilvusConfig} MilvusConfig */

/** The components that reject writes (proxy) or decide to (the quota center in rootcoord / mixcoord). */
const GUARD_COMPONENTS = ['proxy', 'rootcoord', 'mixcoord', 'standalone'];
const LOG_TAIL = 2000;
const Q = 'quotaAndLimits';
const LW = `${Q}.limitWriting`;

/**
 * @typedef {'memory' | 'disk' | 'rate' | 'timetick' | 'force-deny' | 'quota'} GuardId
 * @typedef {object} Guard
 * @property {GuardId} id
 * @property {RegExp[]} patterns   client errors (legacy and merr texts) and the quota center's log lines
 * @property {[string, string][]} settings  dotted key and Milvus's built-in default
 */

/** @type {Guard[]} */
export const GUARDS = [
	{
		id: 'memory',
		patterns: [
			/memory quota exhausted/i,
			/memory quota exceeded/i,
			/MemoryQuotaExhausted/,
			/(?:QueryNode|DataNode) memory to high water level/,
			/\bcode=53\b/,
		],
		settings: [
			[`${LW}.memProtection.enabled`, 'true'],
			[`${LW}.memProtection.queryNodeMemoryHighWaterLevel`, '0.95'],
			[`${LW}.memProtection.dataNodeMemoryHighWaterLevel`, '0.95'],
			[`${LW}.memProtection.queryNodeMemoryLowWaterLevel`, '0.85'],
			[`${LW}.memProtection.dataNodeMemoryLowWaterLevel`, '0.85'],
		],
	},
	{
		id: 'disk',
		patterns: [
			/disk quota exceeded/i,
			/disk quota exhausted/i,
			/DiskQuotaExhausted/,
			/disk limit exceeded/i,
			/\bcode=54\b/,
		],
		settings: [
			[`${LW}.diskProtection.enabled`, 'true'],
			[`${LW}.diskProtection.diskQuota`, '-1'],
			[`${LW}.diskProtection.diskQuotaPerDB`, '-1'],
			[`${LW}.diskProtection.diskQuotaPerCollection`, '-1'],
		],
	},
	{
		id: 'rate',
		patterns: [/rate limit exceeded/i, /request is rejected by grpc RateLimiter/i, /\bcode=8\b/],
		settings: [
			[`${Q}.dml.enabled`, 'false'],
			[`${Q}.dml.insertRate.max`, '-1'],
			[`${Q}.dml.upsertRate.max`, '-1'],
			[`${Q}.dml.deleteRate.max`, '-1'],
		],
	},
	{
		id: 'timetick',
		patterns: [
			/time ?tick long delay/i,
			/long timeTick delay/i,
			/TimeTickLongDelay/,
			/\bcode=(?:55|11)\b/,
		],
		settings: [
			[`${LW}.ttProtection.enabled`, 'false'],
			[`${LW}.ttProtection.maxTimeTickDelay`, '300'],
		],
	},
	{
		id: 'force-deny',
		// Not the quota center's "force deny writing due to long timeTick delay": that is the time tick guard.
		patterns: [/\bforce ?deny\b(?! writing)/i, /\bForceDeny\b/],
		settings: [[`${LW}.forceDeny`, 'false']],
	},
	{
		id: 'quota',
		// 2.2 says "force to deny /milvus.proto.milvus.MilvusService/Insert" for any forced deny (#20459: a
		// time tick delay): it names no guard either.
		patterns: [/\bquota exceeded\b/i, /\bforce to deny\b/i, /\bcode=9\b/],
		settings: [[`${Q}.enabled`, 'true']],
	},
];

/**
 * The guards a text names. The generic `quota exceeded` (9) counts only when no specific guard is named:
 * `quota exceeded[reason=disk quota exceeded…]` is the disk guard.
 * @param {string} text
 * @returns {GuardId[]}
 */
export function guardsIn(text) {
	const hit = GUARDS.filter((g) => g.patterns.some((re) => re.test(text))).map((g) => g.id);
	const specific = hit.filter((id) => id !== 'quota');
	return specific.length ? specific : hit;
}

/**
 * @typedef {object} LogHit
 * @property {GuardId} guard
 * @property {string} pod
 * @property {string} line
 */

/** Lines of one pod's log that name a guard, newest last, at most 3 per guard. @param {string} pod @param {string} text @returns {LogHit[]} */
export function logHits(pod, text) {
	/** @type {LogHit[]} */
	const hits = [];
	for (const line of text.split('\n')) {
		for (const guard of guardsIn(line)) hits.push({ guard, pod, line: line.trim().slice(0, 400) });
	}
	return GUARDS.flatMap((g) => hits.filter((h) => h.guard === g.id).slice(-3));
}

/** Label selector of the pods whose logs show a guard. @param {string} release */
const guardSelector = (release) =>
	`${milvusSelector(release)},component in (${GUARD_COMPONENTS.join(',')})`;

const GUARD_NAMES = {
	en: {
		memory: 'memory protection (memory quota exhausted)',
		disk: 'disk protection (disk quota exceeded)',
		rate: 'rate limit (rate limit exceeded)',
		timetick: 'time tick protection (time tick long delay)',
		'force-deny': 'forced deny (quotaAndLimits.limitWriting.forceDeny)',
		quota: 'a quota (quota exceeded) whose reason names no guard',
	},
	id: {
		memory: 'pengaman memori (memory quota exhausted)',
		disk: 'pengaman disk (disk quota exceeded)',
		rate: 'batas laju (rate limit exceeded)',
		timetick: 'pengaman time tick (time tick long delay)',
		'force-deny': 'penolakan paksa (quotaAndLimits.limitWriting.forceDeny)',
		quota: 'kuota (quota exceeded) yang alasannya tidak menyebut pengaman tertentu',
	},
};

const CAUSES = {
	en: {
		memory:
			'Cause: a query node or data node passed its memory high water level (loaded collections, or data nodes buffering before a flush). Writes open again below the level. Fix: release collections, add query nodes or memory; do not raise the level above 0.95, the next stop is an OOMKill.',
		disk: 'Cause: the binlogs in object storage reached diskQuota (cluster, database or collection). Deleted rows are freed only by compaction. Fix: drop what you do not need and let compaction run, or raise diskQuota if the storage has room.',
		rate: 'Cause: a client sends faster than a dml/ddl/dql rate allows. The error is retriable. Fix: batch inserts and back off on retry, or raise the rate.',
		timetick:
			'Cause: a data node or query node lags behind the message queue by more than maxTimeTickDelay (Pulsar/Kafka slow or full, a node stuck or restarting). Fix the lagging component first; the guard lets writes through once the delay drops.',
		'force-deny':
			'Cause: someone set limitWriting.forceDeny: true (maintenance). Fix: set it back to false.',
		quota:
			'Cause: the quota center set a write rate to 0 and the error only names the rate type (for example "rate type: DMLInsert"). The rootcoord or mixcoord log says which protection did it (memory, disk, time tick); otherwise dml rates set to 0 deny on purpose.',
	},
	id: {
		memory:
			'Penyebab: query node atau data node melewati batas atas memorinya (collection yang dimuat, atau data node menahan data sebelum flush). Penulisan dibuka lagi di bawah batas itu. Perbaikan: release collection, tambah query node atau memori. Jangan naikkan batasnya di atas 0.95, karena berikutnya adalah OOMKill.',
		disk: 'Penyebab: binlog di object storage mencapai diskQuota (cluster, database, atau collection). Baris yang dihapus baru dibebaskan oleh compaction. Perbaikan: hapus data yang tidak diperlukan dan biarkan compaction berjalan, atau naikkan diskQuota kalau storage-nya masih lega.',
		rate: 'Penyebab: klien mengirim lebih cepat dari batas laju dml/ddl/dql. Error ini bisa dicoba lagi. Perbaikan: kirim insert dalam batch dan beri jeda sebelum mencoba lagi, atau naikkan batas lajunya.',
		timetick:
			'Penyebab: data node atau query node tertinggal dari message queue lebih dari maxTimeTickDelay (Pulsar/Kafka lambat atau penuh, node macet atau sedang dimulai ulang). Perbaiki komponen yang tertinggal dulu. Pengaman ini membuka penulisan lagi begitu keterlambatannya turun.',
		'force-deny':
			'Penyebab: seseorang mengisi limitWriting.forceDeny: true (pemeliharaan). Perbaikan: kembalikan ke false.',
		quota:
			'Penyebab: quota center menurunkan laju penulisan menjadi 0, dan error-nya hanya menyebut jenis lajunya (misalnya "rate type: DMLInsert"). Log rootcoord atau mixcoord menyebut pengaman mana yang melakukannya (memori, disk, time tick). Kalau tidak ada, laju dml yang diisi 0 memang sengaja menolak.',
	},
};

const messages = {
	en: {
		flagError: 'the error text the client got (pasted), e.g. "deny to write, reason: …"',
		noPods:
			'no proxy, coordinator or standalone pods of release {release} in this namespace, and no --error text',
		noGuard:
			'no quotaAndLimits guard named in {where}; for another error code run "npx zx runbooks/api-errors.mjs --error …"',
		whereText: 'the --error text or the Milvus logs',
		whereLogs: 'the Milvus logs (pass the client error with --error)',
		fromText: '--error names: {guard}',
		fromLogs: '{pod} logs: {line}',
		guardHeading: 'Guard: {guard}',
		configRead: 'settings from ConfigMap {name} ({files})',
		configMissing:
			'ConfigMap {name} not readable ({problem}): Milvus runs with its built-in defaults unless milvus.yaml is mounted otherwise',
		settingLine: '{key}: {value}{default}',
		isDefault: ' (not set: Milvus default)',
		noLogLines: 'no line of these logs names a guard',
		verifyHint:
			'Verify: a small insert succeeds, and this runbook run again finds no guard in the logs (exit 0 or 4).',
		firing: 'the logs show {guards} firing',
		textOnly:
			'{guards} named by the pasted error, but no Milvus log line shows it now: the condition may have cleared; retry a small insert',
	},
	id: {
		flagError: 'teks error yang diterima klien (ditempelkan), misalnya "deny to write, reason: …"',
		noPods:
			'tidak ada pod proxy, koordinator, atau standalone dari release {release} di namespace ini, dan tidak ada teks --error',
		noGuard:
			'tidak ada pengaman quotaAndLimits yang disebut di {where}. Untuk kode error lain, jalankan "npx zx runbooks/api-errors.mjs --error …"',
		whereText: 'teks --error maupun log Milvus',
		whereLogs: 'log Milvus (tempelkan error dari klien dengan --error)',
		fromText: '--error menyebut: {guard}',
		fromLogs: 'log {pod}: {line}',
		guardHeading: 'Pengaman: {guard}',
		configRead: 'setelan dari ConfigMap {name} ({files})',
		configMissing:
			'ConfigMap {name} tidak bisa dibaca ({problem}). Milvus memakai default bawaannya, kecuali milvus.yaml dipasang dengan cara lain',
		settingLine: '{key}: {value}{default}',
		isDefault: ' (tidak diisi: default Milvus)',
		noLogLines: 'tidak ada baris log yang menyebut pengaman',
		verifyHint:
			'Periksa: insert kecil berhasil, dan runbook ini yang dijalankan lagi tidak menemukan pengaman di log (kode keluar 0 atau 4).',
		firing: 'log menunjukkan {guards} sedang bekerja',
		textOnly:
			'{guards} disebut oleh error yang ditempelkan, tetapi tidak ada baris log Milvus yang menunjukkannya sekarang. Kondisinya mungkin sudah hilang. Coba lagi dengan insert kecil',
	},
};

/** @param {string} en @param {string} id */
const tx = (en, id) => ({ en, id });

/**
 * @typedef {object} Facts
 * @property {GuardId[]} fromText
 * @property {LogHit[]} hits
 * @property {number} pods
 */

/** @type {Facts} */
const exampleFacts = {
	fromText: ['memory'],
	hits: [
		{
			guard: 'memory',
			pod: 'my-release-milvus-rootcoord-6c9f8d7b5-q4x2m',
			line: '[WARN] ["QuotaCenter: QueryNode memory to high water level"]',
		},
	],
	pods: 2,
};

/** The guards of the facts, logs first. @param {Facts} f @returns {GuardId[]} */
const allGuards = (f) => [...new Set([...f.hits.map((h) => h.guard), ...f.fromText])];

export default defineRunbook(
	{
		name: 'write-denied',
		summary: tx(
			'Find which quotaAndLimits guard denies writes, and why',
			'Cari pengaman quotaAndLimits mana yang menolak penulisan, dan mengapa',
		),
		description: tx(
			'Read-only. Use it when inserts or deletes fail with "deny to write", "quota exceeded", "rate limit ' +
				'exceeded", "disk quota exceeded" or "time tick long delay". It names the guard from the error you ' +
				'paste (--error) and from the proxy, rootcoord, mixcoord or standalone logs, where the quota center ' +
				'says which node passed which level. It shows the guard settings of quotaAndLimits from the ConfigMap ' +
				'<release>-milvus (or the Milvus defaults), then the usual cause and the fix. It changes nothing.',
			'Hanya membaca. Pakai saat insert atau delete gagal dengan "deny to write", "quota exceeded", "rate ' +
				'limit exceeded", "disk quota exceeded", atau "time tick long delay". Runbook ini menyebut pengaman ' +
				'yang bekerja dari error yang Anda tempelkan (--error) dan dari log proxy, rootcoord, mixcoord, atau ' +
				'standalone. Di log itu quota center menyebut node mana yang melewati batas mana. Runbook ini ' +
				'menampilkan setelan quotaAndLimits dari ConfigMap <release>-milvus (atau default Milvus), lalu ' +
				'penyebab yang umum dan perbaikannya. Tidak ada yang diubah.',
		),
		target: 'kubernetes',
		requireStatefulSet: false,
		flags: [
			{
				name: 'error',
				alias: 'e',
				type: 'string',
				help: { en: messages.en.flagError, id: messages.id.flagError },
			},
		],
		exitCodes: {
			0: tx(
				'the pasted error names a guard, but no Milvus log line shows it now (it may have cleared): the output still names its settings and fix',
				'error yang ditempelkan menyebut pengaman, tetapi tidak ada baris log Milvus yang menunjukkannya sekarang (mungkin sudah hilang). Output tetap menyebut setelan dan perbaikannya',
			),
			1: tx(
				'the Milvus logs show a guard firing: the output names it, its settings, the usual cause and the fix',
				'log Milvus menunjukkan pengaman yang sedang bekerja. Output menyebut pengamannya, setelannya, penyebab yang umum, dan perbaikannya',
			),
			4: tx(
				'neither the pasted error nor the logs name a quotaAndLimits guard (or no Milvus pods and no --error)',
				'baik error yang ditempelkan maupun log tidak menyebut pengaman quotaAndLimits (atau tidak ada pod Milvus dan tidak ada --error)',
			),
		},
		messages,
		exampleFacts,

		async preflight(ctx) {
			const text = typeof ctx.flags.error === 'string' ? ctx.flags.error : '';
			const fromText = text ? guardsIn(text) : [];
			const pods = await ctx.kube.podsByLabel(guardSelector(ctx.names.release));
			if (pods.length === 0 && !text)
				throw new NotThisSymptomError(ctx.t('noPods', { release: ctx.names.release }));
			const logs = await Promise.all(
				pods.map(async (p) => {
					const name = String(p?.metadata?.name ?? '');
					return logHits(name, await ctx.kube.logs(name, { tail: LOG_TAIL }).catch(() => ''));
				}),
			);
			const hits = logs.flat();
			if (fromText.length === 0 && hits.length === 0)
				throw new NotThisSymptomError(
					ctx.t('noGuard', { where: ctx.t(text ? 'whereText' : 'whereLogs') }),
				);
			for (const g of fromText)
				ctx.out.info(ctx.t('fromText', { guard: GUARD_NAMES[ctx.lang][g] }));
			return /** @type {Facts} */ ({ fromText, hits, pods: pods.length });
		},

		steps: (ctx) => [
			{
				id: 'guard-logs',
				title: tx(
					'Find the guard in the proxy and coordinator logs',
					'Cari pengamannya di log proxy dan koordinator',
				),
				mode: 'read',
				check: false,
				command: ctx.kube.argv(
					'logs',
					'-l',
					guardSelector(ctx.names.release),
					`--tail=${LOG_TAIL}`,
					'--prefix',
					'--max-log-requests=10',
				),
				// Thousands of lines: only those that name a guard are worth showing.
				parse: (r, c) => {
					const lines = r.stdout
						.split('\n')
						.filter((l) => guardsIn(l).length > 0)
						.slice(-12);
					return lines.length ? lines.join('\n') : c.t('noLogLines');
				},
			},
			milvusConfigStep(ctx, {
				id: 'quota-settings',
				title: tx(
					'Read the quotaAndLimits settings in the Milvus ConfigMap',
					'Baca setelan quotaAndLimits di ConfigMap Milvus',
				),
			}),
		],

		async verify(ctx, /** @type {Facts} */ facts) {
			const config = /** @type {MilvusConfig | undefined} */ (ctx.results['quota-settings']);
			const guards = allGuards(facts);
			if (config)
				ctx.out.info(
					config.found
						? ctx.t('configRead', { name: config.name, files: config.files.join(', ') })
						: ctx.t('configMissing', { name: config.name, problem: config.problem ?? '' }),
				);
			/** @type {Record<string, string>} */
			const settings = {};
			for (const id of guards) {
				const g = /** @type {Guard} */ (GUARDS.find((x) => x.id === id));
				ctx.out.heading(ctx.t('guardHeading', { guard: GUARD_NAMES[ctx.lang][id] }));
				// The step above showed every matching line; the newest one says enough here.
				const newest = facts.hits.filter((x) => x.guard === id).pop();
				if (newest) ctx.out.line(ctx.t('fromLogs', { pod: newest.pod, line: newest.line }));
				for (const [key, builtIn] of g.settings) {
					const s = config
						? setting(config, [key], builtIn)
						: { key, value: builtIn, isDefault: true };
					settings[key] = s.value;
					ctx.out.line(
						ctx.t('settingLine', {
							key: s.key,
							value: s.value,
							default: s.isDefault ? ctx.t('isDefault') : '',
						}),
					);
				}
				ctx.out.line(CAUSES[ctx.lang][id]);
			}
			ctx.out.line(ctx.t('verifyHint'));
			const data = { guards, fromText: facts.fromText, hits: facts.hits, settings };
			const names = (/** @type {GuardId[]} */ ids) =>
				ids.map((id) => GUARD_NAMES[ctx.lang][id]).join(', ');
			const firing = [...new Set(facts.hits.map((h) => h.guard))];
			if (firing.length > 0)
				return { ok: false, details: ctx.t('firing', { guards: names(firing) }), data };
			return { ok: true, details: ctx.t('textOnly', { guards: names(facts.fromText) }), data };
		},
	},
	import.meta.url,
);
