#!/usr/bin/env zx
// @ts-check
// upgrade-2-6: a 2.5 → 2.6 upgrade done out of order. 2.6 replaces the separate coordinators with one
// mixCoordinator and writes through streaming nodes; a 2.6 coordinator that finds a 2.5 coordinator's session
// panics with `old session exists`, and writes meet `node becomes ro node` / `producer can only be created for RW
// channel`. The supported order: first v2.5.16 or later with `mixCoordinator.enabled=true`, then 2.6, with the
// same message queue throughout. Read-only: it reads every Milvus Deployment's image, whether a mixcoord runs,
// which message queue is deployed, says whether the order was followed and prints the next step as a command
// for the user to run. It changes nothing.
import { defineRunbook } from './lib/runbook.mjs';
import { NotThisSymptomError } from './lib/exit.mjs';
import { compareVersions, imageVersion } from './lib/milvus-pods.mjs';

/**
 * @typedef {object} Component
 * @property {string} name       Deployment name
 * @property {string} component  the chart's component label
 * @property {string} image
 * @property {string | null} version
 */

const FIRST_STEP = '2.5.16';
const SEPARATE_COORDINATORS = ['rootcoord', 'querycoord', 'datacoord', 'indexcoord'];

const messages = {
	en: {
		noDeployments: 'no Milvus Deployments of release {release} in this namespace',
		versions: 'versions: {list}; mixCoordinator: {mix}; message queue: {mq}',
		beforeFirst:
			'running {v}: upgrade to v2.5.16 or later with mixCoordinator.enabled=true first (same message queue), then to 2.6',
		enableMix:
			'running {v} with separate coordinators: enable mixCoordinator (mixCoordinator.enabled=true) on this version first, then upgrade to 2.6',
		readyFor26:
			'running {v} with mixCoordinator: the order was followed, the next step is the 2.6 upgrade with the same message queue',
		mixed:
			'components run different versions ({list}): the upgrade is half done; finish it with the same message queue',
		skipped:
			'2.6 runs next to separate 2.5 coordinators ({list}): the mixCoordinator step was skipped',
		done: 'every component runs {v}: the upgrade to 2.6 is done',
		next: 'next step (run it yourself): {cmd}',
	},
	id: {
		noDeployments: 'tidak ada Deployment Milvus dari release {release} di namespace ini',
		versions: 'versi: {list}; mixCoordinator: {mix}; message queue: {mq}',
		beforeFirst:
			'berjalan {v}: upgrade dulu ke v2.5.16 atau lebih baru dengan mixCoordinator.enabled=true (message queue tetap sama), baru ke 2.6',
		enableMix:
			'berjalan {v} dengan koordinator terpisah: aktifkan dulu mixCoordinator (mixCoordinator.enabled=true) di versi ini, baru upgrade ke 2.6',
		readyFor26:
			'berjalan {v} dengan mixCoordinator: urutannya sudah benar, langkah berikutnya upgrade ke 2.6 dengan message queue yang sama',
		mixed:
			'komponen berjalan dengan versi berbeda ({list}): upgrade baru setengah jalan. Selesaikan dengan message queue yang sama',
		skipped:
			'2.6 berjalan bersama koordinator 2.5 yang terpisah ({list}): langkah mixCoordinator terlewat',
		done: 'semua komponen berjalan {v}: upgrade ke 2.6 sudah selesai',
		next: 'langkah berikutnya (jalankan sendiri): {cmd}',
	},
};

/** @param {any} d @returns {Component} */
const component = (d) => {
	const image = d?.spec?.template?.spec?.containers?.[0]?.image ?? '';
	return {
		name: d?.metadata?.name ?? '',
		component: d?.metadata?.labels?.component ?? 'unknown',
		image,
		version: imageVersion(image),
	};
};

/**
 * Where the release stands in the 2.5 → 2.6 order, as a message key and values.
 * @param {Component[]} comps
 * @returns {{ key: string, v: string, list: string, ok: boolean, helm: string | null }}
 */
export function upgradeStage(comps) {
	const versions = [...new Set(comps.map((c) => c.version ?? 'unknown'))].sort();
	const list = comps.map((c) => `${c.component}=${c.version ?? c.image}`).join(', ');
	const mix = comps.some((c) => c.component === 'mixcoord');
	const separate = comps.filter((c) => SEPARATE_COORDINATORS.includes(c.component));
	const v = versions.join('/');
	const has26 = versions.some((x) => x !== 'unknown' && compareVersions(x, '2.6.0') >= 0);
	if (has26 && separate.some((c) => c.version && compareVersions(c.version, '2.6.0') < 0))
		return {
			key: 'skipped',
			v,
			list: separate.map((c) => `${c.component}=${c.version}`).join(', '),
			ok: false,
			helm: null,
		};
	if (versions.length > 1) return { key: 'mixed', v, list, ok: false, helm: null };
	if (has26) return { key: 'done', v, list, ok: true, helm: null };
	const oldest = versions[0] ?? 'unknown';
	if (oldest === 'unknown' || compareVersions(oldest, FIRST_STEP) < 0)
		return {
			key: 'beforeFirst',
			v,
			list,
			ok: true,
			helm: `--set image.all.tag=v${FIRST_STEP} --set mixCoordinator.enabled=true`,
		};
	if (!mix)
		return { key: 'enableMix', v, list, ok: true, helm: '--set mixCoordinator.enabled=true' };
	return { key: 'readyFor26', v, list, ok: true, helm: '--set image.all.tag=<v2.6.x>' };
}

/** The message queue the release deploys: its StatefulSets named by the chart. @param {string[]} names */
export function messageQueue(names) {
	for (const mq of ['pulsar', 'kafka', 'woodpecker', 'rocksmq'])
		if (names.some((n) => n.includes(mq))) return mq;
	return 'unknown';
}

export default defineRunbook(
	{
		name: 'upgrade-2-6',
		summary: {
			en: 'Check the 2.5 → 2.6 upgrade order',
			id: 'Periksa apakah urutan upgrade dari 2.5 ke 2.6 sudah diikuti',
		},
		description: {
			en: 'Read-only. Reads the image of every Milvus Deployment, whether a mixcoord runs and which message queue is deployed, tells whether the 2.5 → 2.6 order was followed and prints the next step as a helm command for you to run. Changes nothing.',
			id: 'Hanya membaca. Membaca image setiap Deployment Milvus, apakah mixcoord berjalan, dan message queue yang dipakai, lalu memberi tahu apakah urutan upgrade 2.5 → 2.6 sudah diikuti dan mencetak langkah berikutnya sebagai perintah helm untuk Anda jalankan sendiri. Tidak mengubah apa pun.',
		},
		target: 'kubernetes',
		flagGroups: ['kube'],
		requireStatefulSet: false,
		exitCodes: {
			0: {
				en: 'the order was followed: the output prints the next step',
				id: 'urutan sudah benar, output mencetak langkah berikutnya',
			},
			1: {
				en: 'the order was broken: the output says where',
				id: 'urutan dilanggar, output menyebut di mana',
			},
			4: {
				en: 'no Milvus Deployments of this release here',
				id: 'tidak ada Deployment Milvus dari release ini',
			},
		},
		messages,
		exampleFacts: { deployments: 4 },
		async preflight(ctx) {
			const list = await ctx.kube.json([
				'get',
				'deployments',
				'-l',
				`app.kubernetes.io/instance=${ctx.names.release}`,
			]);
			if ((list.items ?? []).length === 0)
				throw new NotThisSymptomError(ctx.t('noDeployments', { release: ctx.names.release }));
			return { deployments: list.items.length };
		},
		steps: (ctx) => [
			{
				id: 'list-images',
				title: { en: 'Milvus Deployments and their images', id: 'Deployment Milvus dan image-nya' },
				mode: 'read',
				command: ctx.kube.argv(
					'get',
					'deployments',
					'-l',
					`app.kubernetes.io/instance=${ctx.names.release}`,
					'-o',
					'wide',
				),
			},
		],
		async verify(ctx) {
			const deps = await ctx.kube.json([
				'get',
				'deployments',
				'-l',
				`app.kubernetes.io/instance=${ctx.names.release}`,
			]);
			const comps = (deps.items ?? []).map(component);
			const sts = await ctx.kube.json([
				'get',
				'statefulsets',
				'-l',
				`app.kubernetes.io/instance=${ctx.names.release}`,
			]);
			const mq = messageQueue(
				[...(sts.items ?? []), ...(deps.items ?? [])].map(
					(/** @type {any} */ i) => i?.metadata?.name ?? '',
				),
			);
			const stage = upgradeStage(comps);
			const mix = comps.some((/** @type {{ component: string }} */ c) => c.component === 'mixcoord')
				? 'on'
				: 'off';
			ctx.out.info(ctx.t('versions', { list: stage.list, mix, mq }));
			const details = ctx.t(stage.key, { v: stage.v, list: stage.list });
			if (stage.helm)
				ctx.out.info(
					ctx.t('next', {
						cmd: `helm upgrade ${ctx.names.release} milvus/milvus -n ${ctx.namespace} --reuse-values ${stage.helm}`,
					}),
				);
			return {
				ok: stage.ok,
				details,
				data: { components: comps, messageQueue: mq, stage: stage.key },
			};
		},
	},
	import.meta.url,
);
