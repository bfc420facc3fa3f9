/**
 * The symptom ids of ARCHITECTURE.md's table, in its order. Written out rather than taken from the catalog or
 * src/config, so that tests compare the code with the contract instead of with itself.
 */
export const SYMPTOM_IDS: readonly string[] = [
	'boot',
	'runtime-compat',
	'api-errors',
	'etcd-pending',
	'etcd-bad-member-id',
	'etcd-multi-crash',
	'etcd-all-crash',
	'etcd-nospace',
	'etcd-slow-disk',
	'etcd-image-pull',
	'channel-unavailable',
	'upgrade-2-6',
	'object-storage',
	'querynode-oom',
	'write-denied',
];
