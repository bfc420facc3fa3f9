// @ts-check
// The symptom registry: every symptom the guide covers, declared once. The error catalog (catalog.mjs,
// catalog-data.mjs), the site's config (src/config/symptoms.ts: frontmatter schema, sidebar, overview) and the
// tests read this list; test/content/symptom-registry.test.ts proves the pages' frontmatter and the runbooks
// agree with it. Plain data, no imports: the site bundles it for the browser.
//
// An id is also the slug of its page (src/content/docs/{en,id}/<id>.md); `runbook` names runbooks/<runbook>.mjs.
// The order is the order of the sidebar and the overview.

/** The sidebar groups, in their order. */
export const CATEGORIES = Object.freeze(
	/** @type {const} */ (['boot', 'runtime', 'api', 'etcd', 'milvus']),
);

export const SYMPTOMS = Object.freeze(
	/** @type {const} */ ([
		{ id: 'boot', category: 'boot', runbook: 'boot' },
		{ id: 'runtime-compat', category: 'runtime', runbook: 'runtime-compat' },
		{ id: 'api-errors', category: 'api', runbook: 'api-errors' },
		{ id: 'etcd-pending', category: 'etcd', runbook: 'etcd-pending' },
		{ id: 'etcd-bad-member-id', category: 'etcd', runbook: 'etcd-bad-member-id' },
		{ id: 'etcd-multi-crash', category: 'etcd', runbook: 'etcd-multi-crash' },
		{ id: 'etcd-all-crash', category: 'etcd', runbook: 'etcd-all-crash' },
		{ id: 'etcd-nospace', category: 'etcd', runbook: 'etcd-nospace' },
		{ id: 'etcd-slow-disk', category: 'etcd', runbook: 'etcd-slow-disk' },
		{ id: 'etcd-image-pull', category: 'etcd', runbook: 'etcd-image-pull' },
		{ id: 'channel-unavailable', category: 'milvus', runbook: 'channel-unavailable' },
		{ id: 'upgrade-2-6', category: 'milvus', runbook: 'upgrade-2-6' },
		{ id: 'object-storage', category: 'milvus', runbook: 'object-storage' },
		{ id: 'querynode-oom', category: 'milvus', runbook: 'querynode-oom' },
		{ id: 'write-denied', category: 'milvus', runbook: 'write-denied' },
	]),
);

/** @typedef {(typeof CATEGORIES)[number]} Category */
/** @typedef {(typeof SYMPTOMS)[number]['id']} SymptomId */
/** @typedef {(typeof SYMPTOMS)[number]} Symptom */

/** Pages that are not symptoms but exist in both languages too. */
export const GENERAL_PAGES = Object.freeze(/** @type {const} */ (['index', 'help']));

/** Runbooks that serve every symptom rather than one (diagnose names the symptom of a log). */
export const GENERAL_RUNBOOKS = Object.freeze(/** @type {const} */ (['diagnose']));

/** @type {readonly SymptomId[]} */
export const SYMPTOM_IDS = Object.freeze(SYMPTOMS.map((s) => s.id));

/**
 * @param {unknown} value
 * @returns {value is SymptomId}
 */
export function isSymptomId(value) {
	return typeof value === 'string' && SYMPTOM_IDS.some((id) => id === value);
}
