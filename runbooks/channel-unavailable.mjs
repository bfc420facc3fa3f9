#!/usr/bin/env zx
// @ts-check
// channel-unavailable: searches and queries fail with `channel not available[channel=…]` (503), `failed to get
// delegator … can not find client of node`, `collection on recovering` (106), or `collection not loaded` (101) /
// `index not found` (700) after a restart. Some shard (DML channel) has no query node serving it: querynodes
// restarted, are not ready, or the coordinators are still recovering. Read-only: it lists which Milvus
// components are not ready (readiness, restarts, the last termination), shows the recent querynode and
// coordinator log lines that name channels and nodes, and says what to do. It changes nothing.
import { defineRunbook } from './lib/runbook.mjs';
import { NotThisSymptomError } from './lib/exit.mjs';
import { milvusSelector, podState } from './lib/milvus-pods.mjs';

/** @typedef {import('./lib/milvus-pods.mjs').PodState} PodState */

// The components that serve or assign channels: without them ready, a shard has no delegator.
const CHANNEL_COMPONENTS = [
	'querynode',
	'datanode',
	'streamingnode',
	'mixcoord',
	'querycoord',
	'datacoord',
	'rootcoord',
	'proxy',
	'standalone',
];

const messages = {
	en: {
		noPods: 'no Milvus pods of release {release} in this namespace',
		notReady: 'not ready: {list}',
		allReady:
			'every Milvus component is ready ({n} pods); if calls still fail, load the collection again and check its loading progress',
		restarted: 'restarted: {list}',
	},
	id: {
		noPods: 'tidak ada pod Milvus dari release {release} di namespace ini',
		notReady: 'belum siap: {list}',
		allReady:
			'semua komponen Milvus sudah siap ({n} pod). Kalau panggilan masih gagal, load ulang collection-nya dan periksa progres load-nya',
		restarted: 'pernah dimulai ulang: {list}',
	},
};

/** @param {PodState} p */
const describePod = (p) =>
	`${p.name} (${p.component}${p.waiting ? `, ${p.waiting}` : ''}${p.lastTerminated ? `, last ${p.lastTerminated}` : ''}, restarts ${p.restarts})`;

/** @param {import('./lib/runbook.mjs').Context} ctx @returns {Promise<PodState[]>} */
async function readPods(ctx) {
	const list = await ctx.kube.json(['get', 'pods', '-l', milvusSelector(ctx.names.release)]);
	return (list.items ?? [])
		.map(podState)
		.filter((/** @type {PodState} */ p) => CHANNEL_COMPONENTS.includes(p.component));
}

export default defineRunbook(
	{
		name: 'channel-unavailable',
		summary: {
			en: 'Find why a channel has no query node',
			id: 'Cari mengapa channel tidak punya query node',
		},
		description: {
			en: 'Read-only. Lists the Milvus pods that serve or assign channels (querynode, datanode, streamingnode, coordinators, proxy) with readiness, restarts and last termination, and their recent log lines naming channels and nodes. Changes nothing.',
			id: 'Hanya membaca. Menampilkan pod Milvus yang melayani atau membagi channel (querynode, datanode, streamingnode, koordinator, proxy) beserta status siap, jumlah dimulai ulang, dan penyebab berhenti terakhir, juga baris log terbaru yang menyebut channel dan node. Tidak mengubah apa pun.',
		},
		target: 'kubernetes',
		flagGroups: ['kube'],
		requireStatefulSet: false,
		exitCodes: {
			0: {
				en: 'every channel-serving component is ready',
				id: 'semua komponen yang melayani channel sudah siap',
			},
			1: {
				en: 'some component is not ready: the output names it',
				id: 'ada komponen yang belum siap, namanya tertulis di output',
			},
			4: { en: 'no Milvus pods of this release here', id: 'tidak ada pod Milvus dari release ini' },
		},
		messages,
		exampleFacts: { pods: 3 },
		async preflight(ctx) {
			const pods = await readPods(ctx);
			if (pods.length === 0)
				throw new NotThisSymptomError(ctx.t('noPods', { release: ctx.names.release }));
			return { pods: pods.length };
		},
		steps: (ctx) => [
			{
				id: 'list-pods',
				title: { en: 'List the Milvus pods', id: 'Lihat pod Milvus' },
				mode: 'read',
				command: ctx.kube.argv(
					'get',
					'pods',
					'-l',
					milvusSelector(ctx.names.release),
					'-o',
					'wide',
				),
			},
			{
				id: 'querynode-logs',
				title: { en: 'Recent querynode log lines', id: 'Baris log querynode terbaru' },
				mode: 'read',
				optional: true,
				command: ctx.kube.argv(
					'logs',
					'-l',
					`app.kubernetes.io/instance=${ctx.names.release},component=querynode`,
					'--tail=100',
					'--prefix',
				),
			},
		],
		async verify(ctx) {
			const pods = await readPods(ctx);
			const notReady = pods.filter((p) => !p.ready);
			const restarted = pods.filter((p) => p.ready && p.restarts > 0);
			const data = { pods };
			if (notReady.length > 0) {
				const extra =
					restarted.length > 0
						? `; ${ctx.t('restarted', { list: restarted.map(describePod).join(', ') })}`
						: '';
				return {
					ok: false,
					details: ctx.t('notReady', { list: notReady.map(describePod).join(', ') }) + extra,
					data,
				};
			}
			return { ok: true, details: ctx.t('allReady', { n: pods.length }), data };
		},
	},
	import.meta.url,
);
