#!/usr/bin/env zx
// @ts-check
// querynode-oom: query nodes (or the standalone) run out of memory. Either the kernel kills the container at
// its memory limit (lastState.terminated.reason OOMKilled, exit code 137, the pod crash-loops), or the query
// node refuses a load first: `load segment failed, OOM if load, … totalMem = … thresholdFactor = 0.900000`.
// A bare exit 137 is only SIGKILL (a liveness probe, a drain, an operator): it is reported, never called OOM.
// Read-only: it reads the pods' termination fields and memory requests/limits, the previous container's log,
// the query coordinator's log (from 2.5 it logs the query node's refusal with the node id), the memory settings in the chart's ConfigMap and, when metrics-server answers, `kubectl top`; then it says
// what to change (more query nodes or memory, release collections, mmap, a disk index) and how to verify.
import { defineRunbook } from './lib/runbook.mjs';
import { NotThisSymptomError, UsageError } from './lib/exit.mjs';
import { milvusConfigStep } from './lib/milvus-config.mjs';
import { messageText, tx } from './lib/i18n.mjs';
import {
	asFactor,
	memorySettings,
	parseRefusal,
	podMemory,
	REFUSAL,
} from './lib/querynode-memory.mjs';

/** @typedef {import('./lib/runbook.mjs').Context} Context */
/** @typedef {import('./lib/milvus-config.mjs').MilvusConfig} MilvusConfig */
/** @typedef {import('./lib/querynode-memory.mjs').Refusal} Refusal */
/** @typedef {import('./lib/querynode-memory.mjs').PodMemory} PodMemory */

/** The components that hold loaded segments in memory. */
const MEMORY_COMPONENTS = ['querynode', 'standalone'];
/** The coordinators that log a query node's refusal with the node id (task/executor.go "failed to load segment"). */
const COORDINATORS = ['querycoord', 'mixcoord'];
/** How many lines of each log the runbook reads. */
const LOG_TAIL = 2000;

/** Label selector of some Milvus components of a release. @param {string} release @param {string[]} components */
const componentSelector = (release, components) =>
	`app.kubernetes.io/instance=${release},app.kubernetes.io/name=milvus,component in (${components.join(',')})`;
/** @param {string} release */
const memorySelector = (release) => componentSelector(release, MEMORY_COMPONENTS);

/**
 * @typedef {object} CoordinatorRefusal
 * @property {string} pod         the coordinator whose log holds the line
 * @property {string | null} node the refusing query node's id (`[node=65]`)
 * @property {Refusal} refusal
 */

const COLUMNS = [
	'NAME:.metadata.name',
	'COMPONENT:.metadata.labels.component',
	'WAITING:.status.containerStatuses[0].state.waiting.reason',
	'RESTARTS:.status.containerStatuses[0].restartCount',
	'LAST:.status.containerStatuses[0].lastState.terminated.reason',
	'EXIT:.status.containerStatuses[0].lastState.terminated.exitCode',
	'FINISHED:.status.containerStatuses[0].lastState.terminated.finishedAt',
	'MEM_REQUEST:.spec.containers[0].resources.requests.memory',
	'MEM_LIMIT:.spec.containers[0].resources.limits.memory',
].join(',');

const messages = {
	en: {
		flagStable:
			'minutes a once OOMKilled pod must have run since, ready, to count as recovered (exit 0)',
		noPods: 'no querynode or standalone pods of release {release} in this namespace',
		noEvidence: 'no query node was OOMKilled or refused a load ({pods})',
		noCoordinatorRefusal: 'no refused load in these logs',
		sigkill:
			'{pod}: {cause}. Exit 137 alone is SIGKILL from outside (a liveness probe, a drain, an operator), not memory: read "kubectl describe pod {pod}" and its events',
		podLine:
			'{pod} ({component}): {state}, restarts {restarts}, memory request {request}, limit {limit}',
		oomLine: '{pod}: OOMKilled (exit {exit}), last run {started} → {finished}',
		refusalLine:
			'{pod} refused a load: it predicts {predict} MB against {allowed} MB allowed (totalMem {total} MB × thresholdFactor {factor})',
		refusalRaw: '{pod} refused a load: {line}',
		noLimit:
			'{pod} has no memory limit: the node is its only bound, and the kernel may kill it or its neighbours. Set requests.memory = limits.memory',
		requestBelowLimit:
			'{pod} requests {request} but may use {limit}: the scheduler places it where only {request} is free. Set requests.memory = limits.memory',
		configRead: 'settings from ConfigMap {name} ({files})',
		configMissing:
			'ConfigMap {name} not readable ({problem}): Milvus runs with its built-in defaults unless milvus.yaml is mounted otherwise',
		settingLine: '{key}: {value}{default}',
		isDefault: ' (not set: Milvus default)',
		thresholdHigh:
			'{key} is {value}: above 90 a refused load turns into an OOMKill. Set it back to 90',
		fixHeading: 'What to change:',
		fixMore:
			'- add query nodes ("queryNode.replicas") or memory ("queryNode.resources.limits.memory", requests equal to limits), then "helm upgrade"',
		fixRelease:
			'- release the collections nobody searches ("client.release_collection"), or load fewer replicas',
		fixMmap:
			'- turn on mmap ("queryNode.mmap.mmapEnabled: true") so raw data and index files live on disk, not in RAM',
		fixIndex:
			'- use an index with a smaller footprint: DISKANN (on local NVMe), or IVF_SQ8 / IVF_PQ instead of HNSW or FLAT',
		howToVerify: 'How to verify:',
		verifySteps:
			'load the collection again until 100 %, then run this runbook again: it exits 4 once no query node shows the symptom, and 0 while a past OOMKill is older than {minutes} minutes of ready running',
		recovered:
			'{pods} OOMKilled earlier but ready and running for at least {minutes} minutes; no refused load in the logs',
		failing: '{list}',
	},
	id: {
		flagStable:
			'berapa menit pod yang pernah OOMKilled harus sudah berjalan dan Ready agar dianggap pulih (kode keluar 0)',
		noPods: 'tidak ada pod querynode atau standalone dari release {release} di namespace ini',
		noEvidence: 'tidak ada query node yang OOMKilled atau menolak load ({pods})',
		noCoordinatorRefusal: 'tidak ada load yang ditolak di log ini',
		sigkill:
			'{pod}: {cause}. Exit 137 saja berarti SIGKILL dari luar (liveness probe, drain node, operator), bukan memori. Baca "kubectl describe pod {pod}" beserta event-nya',
		podLine:
			'{pod} ({component}): {state}, restart {restarts}, request memori {request}, limit {limit}',
		oomLine: '{pod}: OOMKilled (exit {exit}), run terakhir {started} → {finished}',
		refusalLine:
			'{pod} menolak load: perkiraannya {predict} MB, padahal yang diizinkan {allowed} MB (totalMem {total} MB × thresholdFactor {factor})',
		refusalRaw: '{pod} menolak load: {line}',
		noLimit:
			'{pod} tidak punya limit memori. Batasnya hanya memori node, dan kernel bisa mematikan pod ini atau pod lain di node itu. Samakan requests.memory dengan limits.memory',
		requestBelowLimit:
			'{pod} meminta {request} tetapi boleh memakai {limit}. Scheduler menaruhnya di node yang hanya punya {request} bebas. Samakan requests.memory dengan limits.memory',
		configRead: 'setelan dari ConfigMap {name} ({files})',
		configMissing:
			'ConfigMap {name} tidak bisa dibaca ({problem}). Milvus memakai default bawaannya, kecuali milvus.yaml dipasang dengan cara lain',
		settingLine: '{key}: {value}{default}',
		isDefault: ' (tidak diisi: default Milvus)',
		thresholdHigh:
			'{key} bernilai {value}. Di atas 90, load yang seharusnya ditolak berubah menjadi OOMKill. Kembalikan ke 90',
		fixHeading: 'Yang perlu diubah:',
		fixMore:
			'- tambah query node ("queryNode.replicas") atau memori ("queryNode.resources.limits.memory", requests sama dengan limits), lalu jalankan "helm upgrade"',
		fixRelease:
			'- release collection yang tidak pernah dicari ("client.release_collection"), atau load dengan replika lebih sedikit',
		fixMmap:
			'- aktifkan mmap ("queryNode.mmap.mmapEnabled: true") supaya data mentah dan file index disimpan di disk, bukan di RAM',
		fixIndex:
			'- pakai index yang lebih hemat memori: DISKANN (di NVMe lokal), atau IVF_SQ8 / IVF_PQ sebagai ganti HNSW atau FLAT',
		howToVerify: 'Cara memeriksa hasilnya:',
		verifySteps:
			'load ulang collection-nya sampai 100 %, lalu jalankan runbook ini lagi. Kode keluarnya 4 begitu tidak ada query node yang menunjukkan gejala ini, dan 0 selama OOMKill terakhir sudah lewat {minutes} menit berjalan dalam keadaan Ready',
		recovered:
			'{pods} pernah OOMKilled, tetapi sudah Ready dan berjalan minimal {minutes} menit. Tidak ada load yang ditolak di log',
		failing: '{list}',
	},
};

/**
 * @typedef {object} Facts
 * @property {PodMemory[]} pods
 * @property {CoordinatorRefusal[]} coordinators
 */

/** @type {Facts} */
const exampleFacts = {
	pods: [
		{
			name: 'my-release-milvus-querynode-5d9f7c8b6-x2kqp',
			component: 'querynode',
			ready: false,
			restarts: 4,
			waiting: 'CrashLoopBackOff',
			runningSince: null,
			last: {
				reason: 'OOMKilled',
				exitCode: 137,
				startedAt: '2026-12-03T02:10:11Z',
				finishedAt: '2026-12-03T02:14:52Z',
			},
			oomKilled: true,
			sigkill: false,
			cause: 'lastState: OOMKilled (exit 137)',
			request: '8Gi',
			limit: '8Gi',
			refusal: null,
		},
	],
	coordinators: [],
};

/**
 * The newest refusal each coordinator logged (a 2.5 query coordinator logs the query node's answer).
 * @param {Context} ctx
 * @returns {Promise<CoordinatorRefusal[]>}
 */
async function readCoordinators(ctx) {
	const pods = await ctx.kube.podsByLabel(componentSelector(ctx.names.release, COORDINATORS));
	const found = await Promise.all(
		pods.map(async (pod) => {
			const name = String(pod?.metadata?.name ?? '');
			const lines = (await ctx.kube.logs(name, { tail: LOG_TAIL }).catch(() => ''))
				.split('\n')
				.filter((l) => REFUSAL.test(l));
			// The WARN line names the node; the INFO line after it repeats the error without it.
			const line = lines.filter((l) => /\[node=\d+\]/.test(l)).pop() ?? lines.pop();
			if (!line) return null;
			return {
				pod: name,
				node: /\[node=(\d+)\]/.exec(line)?.[1] ?? null,
				refusal: parseRefusal(line),
			};
		}),
	);
	return found.filter((x) => x !== null);
}

/** @param {Context} ctx @returns {Promise<PodMemory[]>} */
async function readPods(ctx) {
	const pods = await ctx.kube.podsByLabel(memorySelector(ctx.names.release));
	return Promise.all(
		pods.map(async (pod) => {
			const name = String(pod?.metadata?.name ?? '');
			const restarted = (pod?.status?.containerStatuses ?? []).some(
				(/** @type {any} */ s) => (s.restartCount ?? 0) > 0,
			);
			const [current, previous] = await Promise.all([
				ctx.kube.logs(name, { tail: LOG_TAIL }).catch(() => ''),
				restarted
					? ctx.kube.logs(name, { previous: true, tail: LOG_TAIL }).catch(() => '')
					: Promise.resolve(''),
			]);
			return podMemory(pod, current, previous);
		}),
	);
}

/** One refusal as a line: the prediction against what the threshold allows. @param {Context} ctx @param {string} who @param {Refusal} r */
function refusalText(ctx, who, r) {
	if (r.predictMb === null || r.totalMb === null || r.factor === null)
		return ctx.t('refusalRaw', { pod: who, line: r.line });
	const mb = (/** @type {number} */ n) => String(Math.round(n));
	return ctx.t('refusalLine', {
		pod: who,
		predict: mb(r.predictMb),
		allowed: mb(r.totalMb * r.factor),
		total: mb(r.totalMb),
		factor: r.factor,
	});
}

/** Minutes since an ISO time; 0 when unknown, so an unknown start never counts as stable. @param {string | null} iso */
const minutesSince = (iso) => {
	const t = iso ? Date.parse(iso) : NaN;
	return Number.isFinite(t) ? (Date.now() - t) / 60_000 : 0;
};

export default defineRunbook(
	{
		name: 'querynode-oom',
		summary: tx(
			'Find why query nodes run out of memory (OOMKilled, "OOM if load")',
			'Cari tahu mengapa query node kehabisan memori dan apa yang perlu diubah (OOMKilled, "OOM if load")',
		),
		description: tx(
			'Read-only. Use it when query nodes restart with reason OOMKilled (exit code 137) or a load fails with ' +
				'"load segment failed, OOM if load". It reads the querynode and standalone pods: restarts, the last ' +
				'termination (only reason OOMKilled counts as memory, a bare exit 137 is a SIGKILL from outside), ' +
				'memory requests and limits, the previous container log, the refused loads in the query coordinator ' +
				'log, the memory settings in the ConfigMap ' +
				'<release>-milvus and, when metrics-server runs, "kubectl top". Then it says what to change and how ' +
				'to verify. It changes nothing.',
			'Hanya membaca. Pakai saat query node dimulai ulang dengan reason OOMKilled (kode keluar 137), atau ' +
				'load gagal dengan "load segment failed, OOM if load". Runbook ini membaca pod querynode dan ' +
				'standalone: jumlah restart, penyebab berhenti terakhir (hanya reason OOMKilled yang berarti memori, ' +
				'exit 137 saja adalah SIGKILL dari luar), request dan limit memori, log container sebelumnya, ' +
				'load yang ditolak di log query coordinator, ' +
				'setelan memori di ConfigMap <release>-milvus, dan "kubectl top" kalau metrics-server berjalan. ' +
				'Lalu runbook ini menyebut apa yang perlu diubah dan cara memeriksa hasilnya. Tidak ada yang diubah.',
		),
		target: 'kubernetes',
		flagGroups: ['kube'],
		requireStatefulSet: false,
		flags: [
			{
				name: 'stable-minutes',
				type: 'number',
				default: 60,
				help: messageText(messages, 'flagStable'),
			},
		],
		exitCodes: {
			0: tx(
				'a query node was OOMKilled before, but every such pod is ready and has run for --stable-minutes since, and no load was refused',
				'ada query node yang pernah OOMKilled, tetapi semuanya sudah Ready dan berjalan selama --stable-minutes sejak itu, dan tidak ada load yang ditolak',
			),
			1: tx(
				'a query node is OOMKilled (or was, too recently) or refuses loads: the output names it, the limit, and what to change',
				'ada query node yang OOMKilled (atau baru saja) atau menolak load: output menyebut pod-nya, limit-nya, dan apa yang perlu diubah',
			),
			4: tx(
				'no querynode/standalone pod, or none was OOMKilled or refused a load (a bare exit 137 is named, not counted)',
				'tidak ada pod querynode/standalone, atau tidak ada yang OOMKilled maupun menolak load (exit 137 saja disebut, tetapi tidak dihitung)',
			),
		},
		messages,
		exampleFacts,

		async preflight(ctx) {
			const minutes = Number(ctx.flags['stable-minutes']);
			if (!Number.isFinite(minutes) || minutes < 0)
				throw new UsageError(
					`--stable-minutes ${ctx.flags['stable-minutes']}: a number of minutes, 0 or more`,
				);
			const [pods, coordinators] = await Promise.all([readPods(ctx), readCoordinators(ctx)]);
			if (pods.length === 0)
				throw new NotThisSymptomError(ctx.t('noPods', { release: ctx.names.release }));
			for (const p of pods.filter((x) => x.sigkill))
				ctx.out.warn(ctx.t('sigkill', { pod: p.name, cause: p.cause }));
			if (!pods.some((p) => p.oomKilled || p.refusal) && coordinators.length === 0)
				throw new NotThisSymptomError(
					ctx.t('noEvidence', {
						pods: pods.map((p) => `${p.name}: ${p.cause}`).join('; '),
					}),
				);
			return { pods, coordinators };
		},

		steps: (ctx, /** @type {Facts} */ facts) => [
			{
				id: 'pod-memory',
				title: tx(
					'Show restarts, the last termination and memory of each query node',
					'Lihat restart, penyebab berhenti terakhir, dan memori tiap query node',
				),
				mode: 'read',
				command: ctx.kube.argv(
					'get',
					'pods',
					'-l',
					memorySelector(ctx.names.release),
					'-o',
					`custom-columns=${COLUMNS}`,
				),
			},
			...facts.pods
				.filter((p) => p.restarts > 0)
				.map((p) => ({
					id: 'previous-log',
					title: tx(
						`Read how the previous container of ${p.name} ended`,
						`Baca bagaimana container sebelumnya dari ${p.name} berakhir`,
					),
					mode: /** @type {const} */ ('read'),
					check: false,
					command: ctx.kube.argv('logs', p.name, '--previous', '--tail=200'),
					// The refusals and the last lines before the kill: the rest of 200 lines is noise here.
					parse: (/** @type {import('./lib/shell.mjs').RunResult} */ r) => {
						if (!r.ok) return (r.stderr || r.stdout).trim();
						const lines = r.stdout.split('\n').filter(Boolean);
						const hits = lines.filter((l) => REFUSAL.test(l));
						const tail = lines.slice(-3).filter((l) => !hits.includes(l));
						return [...hits, ...tail].join('\n');
					},
				})),
			{
				id: 'coordinator-log',
				title: tx(
					'Find refused loads in the query coordinator log',
					'Cari load yang ditolak di log query coordinator',
				),
				mode: 'read',
				check: false,
				command: ctx.kube.argv(
					'logs',
					'-l',
					componentSelector(ctx.names.release, COORDINATORS),
					`--tail=${LOG_TAIL}`,
					'--prefix',
				),
				parse: (r, c) => {
					const lines = r.stdout.split('\n').filter((l) => REFUSAL.test(l));
					return lines.length ? lines.slice(-5).join('\n') : c.t('noCoordinatorRefusal');
				},
			},
			milvusConfigStep(ctx, {
				id: 'memory-settings',
				title: tx(
					'Read the memory settings in the Milvus ConfigMap',
					'Baca setelan memori di ConfigMap Milvus',
				),
				read: (config, c) => {
					const s = memorySettings(config);
					const lines = [
						config.found
							? c.t('configRead', { name: config.name, files: config.files.join(', ') })
							: c.t('configMissing', { name: config.name, problem: config.problem ?? '' }),
						...[s.threshold, s.mmap, s.taskCap].map((x) =>
							c.t('settingLine', {
								key: x.key,
								value: x.value,
								default: x.isDefault ? c.t('isDefault') : '',
							}),
						),
					];
					return { config, settings: s, text: lines.join('\n') };
				},
				after: (_c, value) => /** @type {{ text: string }} */ (value).text,
			}),
			{
				id: 'memory-usage',
				title: tx(
					'Show memory use now (needs metrics-server)',
					'Lihat pemakaian memori saat ini (butuh metrics-server)',
				),
				mode: 'read',
				optional: true,
				command: ctx.kube.argv('top', 'pods', '-l', memorySelector(ctx.names.release)),
			},
		],

		async verify(ctx, /** @type {Facts} */ facts) {
			const minutes = Number(ctx.flags['stable-minutes']);
			const settings = /** @type {{ settings?: ReturnType<typeof memorySettings> } | undefined} */ (
				ctx.results['memory-settings']
			)?.settings;
			/** @type {string[]} */
			const findings = [];
			for (const p of facts.pods) {
				ctx.out.info(
					ctx.t('podLine', {
						pod: p.name,
						component: p.component,
						state: p.ready ? 'Ready' : (p.waiting ?? 'not ready'),
						restarts: p.restarts,
						request: p.request ?? '-',
						limit: p.limit ?? '-',
					}),
				);
				if (p.oomKilled) {
					const line = ctx.t('oomLine', {
						pod: p.name,
						exit: p.last?.exitCode ?? '?',
						started: p.last?.startedAt ?? '?',
						finished: p.last?.finishedAt ?? '?',
					});
					ctx.out.warn(line);
					const recovered = p.ready && minutesSince(p.runningSince) >= minutes;
					if (!recovered) findings.push(line);
				}
				if (p.refusal) {
					const line = refusalText(ctx, p.name, p.refusal);
					ctx.out.warn(line);
					findings.push(line);
				}
				if (p.oomKilled || p.refusal) {
					if (!p.limit) ctx.out.warn(ctx.t('noLimit', { pod: p.name }));
					else if (p.request && p.request !== p.limit)
						ctx.out.warn(
							ctx.t('requestBelowLimit', { pod: p.name, request: p.request, limit: p.limit }),
						);
				}
			}
			for (const cr of facts.coordinators ?? []) {
				const line = refusalText(ctx, `${cr.pod} (node ${cr.node ?? '?'})`, cr.refusal);
				ctx.out.warn(line);
				findings.push(line);
			}
			const threshold = settings?.threshold;
			const factor = threshold ? asFactor(threshold.value) : null;
			if (threshold && factor !== null && factor > 0.9)
				ctx.out.warn(ctx.t('thresholdHigh', { key: threshold.key, value: threshold.value }));
			const data = {
				pods: facts.pods,
				coordinators: facts.coordinators ?? [],
				settings: settings ?? null,
			};
			if (findings.length === 0) {
				const pods = facts.pods.filter((p) => p.oomKilled).map((p) => p.name);
				return { ok: true, details: ctx.t('recovered', { pods: pods.join(', '), minutes }), data };
			}
			ctx.out.heading(ctx.t('fixHeading'));
			for (const k of ['fixMore', 'fixRelease', 'fixMmap', 'fixIndex']) ctx.out.line(ctx.t(k));
			ctx.out.heading(ctx.t('howToVerify'));
			ctx.out.line(ctx.t('verifySteps', { minutes }));
			return { ok: false, details: ctx.t('failing', { list: findings.join('; ') }), data };
		},
	},
	import.meta.url,
);
