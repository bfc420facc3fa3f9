// @ts-check
// StorageClasses and the default mark: which class a class-less claim gets, choosing the one to mark, and the
// chart values that name a class instead (etcd-pending --helm).
import { StepFailedError, UsageError } from './exit.mjs';

/** @typedef {import('./runbook.mjs').Context} Context */

export const STORAGE_CLASS_MESSAGES = {
	en: {
		helmIntro:
			'Set this in the values of release {release} (persistence.storageClass of the etcd subchart):',
		helmImmutable:
			'volumeClaimTemplates cannot change in place; apply it like this (the PVCs that are already Bound stay):',
		noClasses:
			'the cluster has no StorageClass at all; install a provisioner (for example local-path-provisioner) and run again',
		unknownClass: 'StorageClass {sc} not found; existing: {list}',
		otherDefault:
			'StorageClass {other} is already the default; pass --storage-class {other}, or remove its default mark first',
		chooseNeedsFlag: 'several StorageClasses exist ({list}); choose one with --storage-class',
		choose: 'Make StorageClass {sc} the default? [y/N] ',
		noneChosen: 'no StorageClass chosen; nothing changed',
		dryChoice: 'dry run: would ask which StorageClass to use; showing {sc}',
	},
	id: {
		helmIntro:
			'Isi ini di values release {release} (persistence.storageClass milik subchart etcd):',
		helmImmutable:
			'volumeClaimTemplates tidak bisa diubah di tempat; terapkan seperti ini (PVC yang sudah Bound tetap ada):',
		noClasses:
			'cluster ini sama sekali tidak punya StorageClass; pasang provisioner (misalnya local-path-provisioner) lalu jalankan lagi',
		unknownClass: 'StorageClass {sc} tidak ditemukan; yang ada: {list}',
		otherDefault:
			'StorageClass {other} sudah jadi default; pakai --storage-class {other}, atau hapus dulu tanda default-nya',
		chooseNeedsFlag: 'ada beberapa StorageClass ({list}); pilih salah satu dengan --storage-class',
		choose: 'Jadikan StorageClass {sc} sebagai default? [y/N] ',
		noneChosen: 'tidak ada StorageClass yang dipilih; tidak ada yang diubah',
		dryChoice: 'dry run: seharusnya bertanya StorageClass mana yang dipakai; yang ditampilkan {sc}',
	},
};

export const DEFAULT_ANNOTATION = 'storageclass.kubernetes.io/is-default-class';
const BETA_ANNOTATION = 'storageclass.beta.kubernetes.io/is-default-class';
/** @param {any} sc */
export const isDefault = (sc) => {
	const a = sc?.metadata?.annotations ?? {};
	return a[DEFAULT_ANNOTATION] === 'true' || a[BETA_ANNOTATION] === 'true';
};

/** @param {Context} ctx @returns {Promise<any[]>} */
export async function storageClasses(ctx) {
	const list = await ctx.kube.json(['get', 'storageclass']);
	return Array.isArray(list?.items) ? list.items : [];
}

/**
 * Choose the class: --storage-class, else the existing default, else the only one, else ask.
 * @param {Context} ctx
 * @param {any[]} classes
 */
export async function chooseClass(ctx, classes) {
	const names = classes.map((c) => String(c.metadata?.name)).sort();
	const list = names.join(', ');
	if (names.length === 0) throw new StepFailedError(ctx.t('noClasses'));
	const current = classes.find(isDefault)?.metadata?.name;
	const wanted =
		typeof ctx.flags['storage-class'] === 'string' ? ctx.flags['storage-class'] : undefined;
	if (wanted) {
		if (!names.includes(wanted)) throw new UsageError(ctx.t('unknownClass', { sc: wanted, list }));
		// Two defaults make the API server pick one by age: never create that ambiguity.
		if (current && current !== wanted && !ctx.flags.helm)
			throw new UsageError(ctx.t('otherDefault', { other: current }));
		return wanted;
	}
	if (current) return current;
	if (names.length === 1) return /** @type {string} */ (names[0]);
	if (ctx.dryRun) {
		ctx.out.warn(ctx.t('dryChoice', { sc: names[0] ?? '' }));
		return /** @type {string} */ (names[0]);
	}
	if (ctx.opts.yes || !ctx.prompts.interactive)
		throw new UsageError(ctx.t('chooseNeedsFlag', { list }));
	for (const name of names) {
		if (await ctx.prompts.confirm(ctx.t('choose', { sc: name }), 'set-default-storageclass'))
			return name;
	}
	throw new UsageError(ctx.t('noneChosen'));
}

/**
 * The chart values that give the etcd claims a class, and how to apply them: volumeClaimTemplates cannot change
 * in place, so the StatefulSet is orphaned and the pending claims and pods go.
 * @param {Context} ctx @param {string} storageClass @param {number[]} ordinals the pending pods
 */
export function storageClassHelmText(ctx, storageClass, ordinals) {
	const n = ctx.names;
	const release = n.release;
	// helm is pinned like kubectl, so the values land on the cluster this run looked at.
	const pins = ctx.context ? ['--kube-context', ctx.context, '-n', ctx.namespace] : [];
	const helm = [
		'helm',
		'upgrade',
		release,
		'milvus/milvus',
		...pins,
		'--reuse-values',
		'--set',
		`etcd.persistence.storageClass=${storageClass}`,
	];
	return [
		ctx.t('helmIntro', { release }),
		'',
		'  etcd:',
		'    persistence:',
		`      storageClass: ${storageClass}`,
		'',
		ctx.t('helmImmutable'),
		'',
		`  ${ctx.formatCommand(['kubectl', 'delete', 'sts', n.sts, '--cascade=orphan'])}`,
		`  ${ctx.formatCommand(helm)}`,
		`  ${ctx.formatCommand(['kubectl', 'delete', 'pvc', ...ordinals.map((i) => n.pvc(i))])}`,
		`  ${ctx.formatCommand(['kubectl', 'delete', 'pod', ...ordinals.map((i) => n.pod(i))])}`,
	].join('\n');
}
