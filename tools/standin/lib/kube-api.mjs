// @ts-check
/**
 * The Kubernetes REST API as kube-apiserver answers it, over the stand-in's model: discovery, get/list with
 * label and field selectors, server-side Tables, watches with resourceVersions, create, delete, update,
 * the three patch types, the scale subresource and Status errors with kube-apiserver's reasons. The model
 * (supervisor.mjs) renders its objects; this module versions them: every change the model makes becomes a
 * new resourceVersion and a watch event.
 */
import { randomUUID } from 'node:crypto';
import { applyPatch, PatchError } from './patch.mjs';

export const SERVER_VERSION = {
	major: '1',
	minor: '32',
	gitVersion: 'v1.32.0',
	gitCommit: '70d3cc986aa8221cd1dfb1121852688902d3bf53',
	gitTreeState: 'clean',
	buildDate: '2024-12-11T17:59:15Z',
	goVersion: 'go1.23.3',
	compiler: 'gc',
	platform: 'linux/amd64',
};

/**
 * @typedef {object} Resource
 * @property {string} group
 * @property {string} version
 * @property {string} name plural
 * @property {string} singular
 * @property {string} kind
 * @property {boolean} namespaced
 * @property {string[]} shortNames
 * @property {string[]} verbs
 * @property {string[]} [categories]
 * @property {Record<string, { kind: string, group?: string, version?: string, verbs: string[] }>} [sub]
 */

const RW = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const SCALE = {
	kind: 'Scale',
	group: 'autoscaling',
	version: 'v1',
	verbs: ['get', 'patch', 'update'],
};

/** @type {Resource[]} */
export const RESOURCES = [
	{
		group: '',
		version: 'v1',
		name: 'pods',
		singular: 'pod',
		kind: 'Pod',
		namespaced: true,
		shortNames: ['po'],
		verbs: RW,
		categories: ['all'],
		sub: {
			log: { kind: 'Pod', verbs: ['get'] },
			exec: { kind: 'PodExecOptions', verbs: ['create', 'get'] },
			attach: { kind: 'PodAttachOptions', verbs: ['create', 'get'] },
			portforward: { kind: 'PodPortForwardOptions', verbs: ['create', 'get'] },
			status: { kind: 'Pod', verbs: ['get', 'patch', 'update'] },
		},
	},
	{
		group: '',
		version: 'v1',
		name: 'persistentvolumeclaims',
		singular: 'persistentvolumeclaim',
		kind: 'PersistentVolumeClaim',
		namespaced: true,
		shortNames: ['pvc'],
		verbs: RW,
		sub: { status: { kind: 'PersistentVolumeClaim', verbs: ['get', 'patch', 'update'] } },
	},
	{
		group: '',
		version: 'v1',
		name: 'persistentvolumes',
		singular: 'persistentvolume',
		kind: 'PersistentVolume',
		namespaced: false,
		shortNames: ['pv'],
		verbs: RW,
	},
	{
		group: '',
		version: 'v1',
		name: 'events',
		singular: 'event',
		kind: 'Event',
		namespaced: true,
		shortNames: ['ev'],
		verbs: RW,
	},
	{
		group: '',
		version: 'v1',
		name: 'namespaces',
		singular: 'namespace',
		kind: 'Namespace',
		namespaced: false,
		shortNames: ['ns'],
		verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
	},
	{
		group: '',
		version: 'v1',
		name: 'nodes',
		singular: 'node',
		kind: 'Node',
		namespaced: false,
		shortNames: ['no'],
		verbs: RW,
	},
	{
		group: '',
		version: 'v1',
		name: 'services',
		singular: 'service',
		kind: 'Service',
		namespaced: true,
		shortNames: ['svc'],
		verbs: RW,
		categories: ['all'],
	},
	{
		group: '',
		version: 'v1',
		name: 'configmaps',
		singular: 'configmap',
		kind: 'ConfigMap',
		namespaced: true,
		shortNames: ['cm'],
		verbs: RW,
	},
	{
		group: '',
		version: 'v1',
		name: 'secrets',
		singular: 'secret',
		kind: 'Secret',
		namespaced: true,
		shortNames: [],
		verbs: RW,
	},
	{
		group: 'apps',
		version: 'v1',
		name: 'statefulsets',
		singular: 'statefulset',
		kind: 'StatefulSet',
		namespaced: true,
		shortNames: ['sts'],
		verbs: RW,
		categories: ['all'],
		sub: { scale: SCALE, status: { kind: 'StatefulSet', verbs: ['get', 'patch', 'update'] } },
	},
	{
		group: 'apps',
		version: 'v1',
		name: 'deployments',
		singular: 'deployment',
		kind: 'Deployment',
		namespaced: true,
		shortNames: ['deploy'],
		verbs: RW,
		categories: ['all'],
		sub: { scale: SCALE, status: { kind: 'Deployment', verbs: ['get', 'patch', 'update'] } },
	},
	{
		group: 'apps',
		version: 'v1',
		name: 'replicasets',
		singular: 'replicaset',
		kind: 'ReplicaSet',
		namespaced: true,
		shortNames: ['rs'],
		verbs: RW,
		categories: ['all'],
		sub: { scale: SCALE },
	},
	{
		group: 'apps',
		version: 'v1',
		name: 'controllerrevisions',
		singular: 'controllerrevision',
		kind: 'ControllerRevision',
		namespaced: true,
		shortNames: [],
		verbs: RW,
	},
	{
		group: 'storage.k8s.io',
		version: 'v1',
		name: 'storageclasses',
		singular: 'storageclass',
		kind: 'StorageClass',
		namespaced: false,
		shortNames: ['sc'],
		verbs: RW,
	},
];

/** @param {Resource} r */
export const qualified = (r) => (r.group ? `${r.name}.${r.group}` : r.name);
/** @param {string} kind */
const byKind = (kind) => RESOURCES.find((r) => r.kind === kind);

/** An error kube-apiserver answers with a `Status` object. */
export class ApiError extends Error {
	/**
	 * @param {number} code
	 * @param {string} reason
	 * @param {string} message
	 * @param {Record<string, unknown>} [details]
	 */
	constructor(code, reason, message, details) {
		super(message);
		this.code = code;
		this.reason = reason;
		this.details = details;
	}
	status() {
		return {
			kind: 'Status',
			apiVersion: 'v1',
			metadata: {},
			status: 'Failure',
			message: this.message,
			reason: this.reason,
			...(this.details ? { details: this.details } : {}),
			code: this.code,
		};
	}
}

/** @param {Resource} r @param {string} name */
export const notFound = (r, name) =>
	new ApiError(404, 'NotFound', `${qualified(r)} "${name}" not found`, {
		name,
		...(r.group ? { group: r.group } : {}),
		kind: r.name,
	});
/** @param {string} ns */
export const namespaceNotFound = (ns) =>
	new ApiError(404, 'NotFound', `namespaces "${ns}" not found`, { name: ns, kind: 'namespaces' });
/** @param {string} msg */
export const badRequest = (msg) => new ApiError(400, 'BadRequest', msg);

// ---------------------------------------------------------------- selectors

/**
 * @param {string} sel
 * @returns {(labels: Record<string, string>) => boolean}
 */
export function labelSelector(sel) {
	/** @type {((l: Record<string, string>) => boolean)[]} */
	const tests = [];
	const parts = [];
	let depth = 0;
	let cur = '';
	for (const ch of sel) {
		if (ch === '(') depth++;
		if (ch === ')') depth--;
		if (ch === ',' && depth === 0) {
			parts.push(cur);
			cur = '';
		} else cur += ch;
	}
	parts.push(cur);
	for (const raw of parts) {
		const p = raw.trim();
		if (!p) continue;
		let m;
		if ((m = /^([^\s!=]+)\s+(in|notin)\s+\((.*)\)$/.exec(p))) {
			const [, k, op, vs] = /** @type {string[]} */ (m);
			const set = (vs ?? '').split(',').map((s) => s.trim());
			tests.push((l) =>
				op === 'in'
					? l[k ?? ''] !== undefined && set.includes(l[k ?? ''] ?? '')
					: !set.includes(l[k ?? ''] ?? '\0'),
			);
		} else if ((m = /^([^\s!=]+)\s*(==|=|!=)\s*(.*)$/.exec(p))) {
			const [, k, op, v] = /** @type {string[]} */ (m);
			tests.push((l) =>
				op === '!=' ? l[k ?? ''] !== v : l[k ?? ''] !== undefined && l[k ?? ''] === v,
			);
		} else if (p.startsWith('!')) tests.push((l) => l[p.slice(1).trim()] === undefined);
		else tests.push((l) => l[p] !== undefined);
	}
	return (l) => tests.every((t) => t(l ?? {}));
}

/**
 * @param {string} sel
 * @returns {(obj: any) => boolean}
 */
export function fieldSelector(sel) {
	/** @type {((o: any) => boolean)[]} */
	const tests = [];
	for (const raw of sel.split(',')) {
		const p = raw.trim();
		if (!p) continue;
		const m = /^([^!=]+)(==|=|!=)(.*)$/.exec(p);
		if (!m) throw badRequest(`invalid selector: '${sel}'; can't understand '${p}'`);
		const [, field, op, value] = /** @type {string[]} */ (m);
		const get = (/** @type {any} */ o) => {
			let cur = o;
			for (const k of (field ?? '').split('.')) cur = cur?.[k];
			return cur === undefined || cur === null ? '' : String(cur);
		};
		tests.push((o) => (op === '!=' ? get(o) !== value : get(o) === value));
	}
	return (o) => tests.every((t) => t(o));
}

// ---------------------------------------------------------------- tables

/** kubectl's duration.HumanDuration. @param {number} ms */
export function humanDuration(ms) {
	const s = Math.floor(ms / 1000);
	if (s < -1) return '<invalid>';
	if (s < 0) return '0s';
	if (s < 60 * 2) return `${s}s`;
	const m = Math.floor(s / 60);
	if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
	if (m < 60 * 3) return `${m}m`;
	const h = Math.floor(m / 60);
	if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
	if (h < 48) return `${h}h`;
	if (h < 24 * 8)
		return h % 24 === 0 ? `${Math.floor(h / 24)}d` : `${Math.floor(h / 24)}d${h % 24}h`;
	if (h < 24 * 365 * 2) return `${Math.floor(h / 24)}d`;
	const y = Math.floor(h / 24 / 365);
	if (h < 24 * 365 * 8) {
		const d = Math.floor(h / 24) % 365;
		return d === 0 ? `${y}y` : `${y}y${d}d`;
	}
	return `${y}y`;
}

/** @param {string | undefined} ts */
const since = (ts) => (ts ? humanDuration(Date.now() - Date.parse(ts)) : '<unknown>');

/** @param {string} name @param {string} type @param {number} [priority] @param {string} [format] */
const col = (name, type = 'string', priority = 0, format = '') => ({
	name,
	type,
	format: format || (name === 'Name' ? 'name' : ''),
	description: '',
	priority,
});

/** printPod's STATUS, READY and RESTARTS. @param {any} pod */
export function podColumns(pod) {
	let reason = pod.status?.reason || pod.status?.phase || '';
	const statuses = pod.status?.containerStatuses ?? [];
	let restarts = 0;
	let ready = 0;
	let lastRestart = 0;
	let hasRunning = false;
	for (let i = statuses.length - 1; i >= 0; i--) {
		const c = statuses[i];
		restarts += c.restartCount ?? 0;
		const fin = c.lastState?.terminated?.finishedAt;
		if (fin && Date.parse(fin) > lastRestart) lastRestart = Date.parse(fin);
		if (c.state?.waiting?.reason) reason = c.state.waiting.reason;
		else if (c.state?.terminated?.reason) reason = c.state.terminated.reason;
		else if (c.state?.terminated)
			reason = c.state.terminated.signal
				? `Signal:${c.state.terminated.signal}`
				: `ExitCode:${c.state.terminated.exitCode}`;
		else if (c.ready && c.state?.running) {
			hasRunning = true;
			ready++;
		}
	}
	if (reason === 'Completed' && hasRunning) reason = 'Running';
	if (pod.metadata?.deletionTimestamp) reason = 'Terminating';
	const total = pod.spec?.containers?.length ?? 0;
	const r =
		restarts !== 0 && lastRestart
			? `${restarts} (${humanDuration(Date.now() - lastRestart)} ago)`
			: String(restarts);
	return { ready: `${ready}/${total}`, status: reason, restarts: r };
}

/** @type {Record<string, { columns: any[], cells: (o: any) => any[] }>} */
const TABLES = {
	pods: {
		columns: [
			col('Name'),
			col('Ready'),
			col('Status'),
			col('Restarts', 'string'),
			col('Age'),
			col('IP', 'string', 1),
			col('Node', 'string', 1),
			col('Nominated Node', 'string', 1),
			col('Readiness Gates', 'string', 1),
		],
		cells: (o) => {
			const c = podColumns(o);
			return [
				o.metadata.name,
				c.ready,
				c.status,
				c.restarts,
				since(o.metadata.creationTimestamp),
				o.status?.podIP ?? '<none>',
				o.spec?.nodeName ?? '<none>',
				'<none>',
				'<none>',
			];
		},
	},
	persistentvolumeclaims: {
		columns: [
			col('Name'),
			col('Status'),
			col('Volume'),
			col('Capacity'),
			col('Access Modes'),
			col('StorageClass'),
			col('VolumeAttributesClass'),
			col('Age'),
			col('VolumeMode', 'string', 1),
		],
		cells: (o) => {
			const bound = o.status?.phase === 'Bound';
			return [
				o.metadata.name,
				o.metadata.deletionTimestamp ? 'Terminating' : o.status?.phase,
				o.spec?.volumeName ?? '',
				bound ? (o.status?.capacity?.storage ?? '') : '',
				bound ? accessModes(o.status?.accessModes) : '',
				o.spec?.storageClassName ?? '',
				'<unset>',
				since(o.metadata.creationTimestamp),
				o.spec?.volumeMode ?? '<unset>',
			];
		},
	},
	statefulsets: {
		columns: [
			col('Name'),
			col('Ready'),
			col('Age'),
			col('Containers', 'string', 1),
			col('Images', 'string', 1),
		],
		cells: (o) => [
			o.metadata.name,
			`${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 0}`,
			since(o.metadata.creationTimestamp),
			...containersImages(o.spec?.template?.spec?.containers),
		],
	},
	deployments: {
		columns: [
			col('Name'),
			col('Ready'),
			col('Up-to-date', 'integer'),
			col('Available', 'integer'),
			col('Age'),
			col('Containers', 'string', 1),
			col('Images', 'string', 1),
			col('Selector', 'string', 1),
		],
		cells: (o) => [
			o.metadata.name,
			`${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 0}`,
			o.status?.updatedReplicas ?? 0,
			o.status?.availableReplicas ?? 0,
			since(o.metadata.creationTimestamp),
			...containersImages(o.spec?.template?.spec?.containers),
			Object.entries(o.spec?.selector?.matchLabels ?? {})
				.map(([k, v]) => `${k}=${v}`)
				.join(','),
		],
	},
	storageclasses: {
		columns: [
			col('Name'),
			col('Provisioner'),
			col('ReclaimPolicy'),
			col('VolumeBindingMode'),
			col('AllowVolumeExpansion'),
			col('Age'),
		],
		cells: (o) => [
			o.metadata.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true' ||
			o.metadata.annotations?.['storageclass.beta.kubernetes.io/is-default-class'] === 'true'
				? `${o.metadata.name} (default)`
				: o.metadata.name,
			o.provisioner,
			o.reclaimPolicy ?? 'Delete',
			o.volumeBindingMode ?? 'Immediate',
			String(!!o.allowVolumeExpansion),
			since(o.metadata.creationTimestamp),
		],
	},
	events: {
		columns: [
			col('Last Seen'),
			col('Type'),
			col('Reason'),
			col('Object'),
			col('Subobject', 'string', 1),
			col('Source', 'string', 1),
			col('Message'),
			col('First Seen', 'string', 1),
			col('Count', 'string', 1),
			col('Name', 'string', 1, 'name'),
		],
		cells: (o) => [
			since(o.lastTimestamp ?? o.eventTime),
			o.type,
			o.reason,
			`${o.involvedObject.kind.toLowerCase()}/${o.involvedObject.name}`,
			o.involvedObject.fieldPath ?? '',
			`${o.source?.component ?? ''}${o.source?.host ? `, ${o.source.host}` : ''}`,
			o.message,
			since(o.firstTimestamp ?? o.eventTime),
			String(o.count ?? 1),
			o.metadata.name,
		],
	},
	namespaces: {
		columns: [col('Name'), col('Status'), col('Age')],
		cells: (o) => [
			o.metadata.name,
			o.status?.phase ?? 'Active',
			since(o.metadata.creationTimestamp),
		],
	},
	nodes: {
		columns: [
			col('Name'),
			col('Status'),
			col('Roles'),
			col('Age'),
			col('Version'),
			col('Internal-IP', 'string', 1),
		],
		cells: (o) => [
			o.metadata.name,
			'Ready',
			Object.keys(o.metadata.labels ?? {})
				.filter((k) => k.startsWith('node-role.kubernetes.io/'))
				.map((k) => k.slice('node-role.kubernetes.io/'.length))
				.join(',') || '<none>',
			since(o.metadata.creationTimestamp),
			o.status?.nodeInfo?.kubeletVersion ?? '',
			o.status?.addresses?.[0]?.address ?? '<none>',
		],
	},
	services: {
		columns: [
			col('Name'),
			col('Type'),
			col('Cluster-IP'),
			col('External-IP'),
			col('Port(s)'),
			col('Age'),
			col('Selector', 'string', 1),
		],
		cells: (o) => [
			o.metadata.name,
			o.spec?.type ?? 'ClusterIP',
			o.spec?.clusterIP ?? '<none>',
			'<none>',
			(o.spec?.ports ?? [])
				.map((/** @type {any} */ p) => `${p.port}/${p.protocol ?? 'TCP'}`)
				.join(','),
			since(o.metadata.creationTimestamp),
			Object.entries(o.spec?.selector ?? {})
				.map(([k, v]) => `${k}=${v}`)
				.join(','),
		],
	},
	configmaps: {
		columns: [col('Name'), col('Data', 'integer'), col('Age')],
		cells: (o) => [
			o.metadata.name,
			Object.keys(o.data ?? {}).length + Object.keys(o.binaryData ?? {}).length,
			since(o.metadata.creationTimestamp),
		],
	},
	secrets: {
		columns: [col('Name'), col('Type'), col('Data', 'integer'), col('Age')],
		cells: (o) => [
			o.metadata.name,
			o.type ?? 'Opaque',
			Object.keys(o.data ?? {}).length,
			since(o.metadata.creationTimestamp),
		],
	},
	controllerrevisions: {
		columns: [col('Name'), col('Controller'), col('Revision', 'integer'), col('Age')],
		cells: (o) => {
			const owner = o.metadata.ownerReferences?.[0];
			return [
				o.metadata.name,
				owner
					? `${owner.kind.toLowerCase()}.${owner.apiVersion.split('/')[0]}/${owner.name}`
					: '<none>',
				o.revision,
				since(o.metadata.creationTimestamp),
			];
		},
	},
};

/** @param {string[] | undefined} modes */
function accessModes(modes) {
	const short = /** @type {Record<string, string>} */ ({
		ReadWriteOnce: 'RWO',
		ReadOnlyMany: 'ROX',
		ReadWriteMany: 'RWX',
		ReadWriteOncePod: 'RWOP',
	});
	return (modes ?? []).map((m) => short[m] ?? m).join(',');
}

/** @param {any[] | undefined} cs */
function containersImages(cs) {
	return [(cs ?? []).map((c) => c.name).join(','), (cs ?? []).map((c) => c.image).join(',')];
}

/**
 * @param {Resource} r
 * @param {any[]} items
 * @param {string} rv
 * @param {boolean} full includeObject=Object
 */
function toTable(r, items, rv, full) {
	const t = TABLES[r.name] ?? {
		columns: [col('Name'), col('Created At', 'date')],
		cells: (/** @type {any} */ o) => [o.metadata.name, o.metadata.creationTimestamp],
	};
	return {
		kind: 'Table',
		apiVersion: 'meta.k8s.io/v1',
		metadata: { resourceVersion: rv },
		columnDefinitions: t.columns,
		rows: items.map((o) => ({
			cells: t.cells(o),
			object: full
				? o
				: {
						kind: 'PartialObjectMetadata',
						apiVersion: 'meta.k8s.io/v1',
						metadata: o.metadata,
					},
		})),
	};
}

// ---------------------------------------------------------------- store

/**
 * @typedef {object} Backend
 * @property {() => any[]} objects every object of the model as the API shows it (no resourceVersion)
 * @property {() => Set<string>} namespaces
 * @property {(r: Resource, ns: string, body: any) => void | Promise<void>} create throws ApiError
 * @property {(r: Resource, ns: string, name: string, opts: any) => void | Promise<void>} remove starts a deletion
 * @property {(r: Resource, ns: string, name: string, next: any, sub: string) => void | Promise<void>} update
 *   makes the model match `next` (the whole object, or the Scale for sub `scale`)
 * @property {(ns: string, name: string, q: URLSearchParams, res: import('node:http').ServerResponse) => Promise<void>} log
 * @property {(req: import('node:http').IncomingMessage, socket: import('node:stream').Duplex, head: Buffer, ns: string, name: string, sub: string, q: URLSearchParams) => void} upgrade
 * @property {(ns: string, target: string, path: string, search: string, res: import('node:http').ServerResponse) => Promise<void>} [proxy]
 *   GET `pods/<[scheme:]name[:port]>/proxy/<path>`: the pod's own HTTP answer, passed through
 */

/**
 * @typedef {object} Watcher
 * @property {Resource} r
 * @property {string | null} ns
 * @property {(o: any) => boolean} match
 * @property {import('node:http').ServerResponse} res
 */

/**
 * @param {Backend} backend
 * @param {{ port: () => number }} info
 */
export function createKubeApi(backend, info) {
	let rv = 1;
	/** @type {Map<string, { obj: any, json: string }>} key: `<qualified>/<ns>/<name>` */
	const store = new Map();
	/** @type {{ rv: number, type: string, r: Resource, obj: any }[]} */
	const history = [];
	/** @type {Set<Watcher>} */
	const watchers = new Set();

	/** @param {any} o */
	const resourceOf = (o) => byKind(o.kind);
	/** @param {Resource} r @param {string} ns @param {string} name */
	const keyOf = (r, ns, name) => `${qualified(r)}/${r.namespaced ? ns : ''}/${name}`;

	/** Versions whatever the model changed since the last call. */
	function sync() {
		const seen = new Set();
		for (const o of backend.objects()) {
			const r = resourceOf(o);
			if (!r) continue;
			const key = keyOf(r, o.metadata.namespace ?? '', o.metadata.name);
			seen.add(key);
			const json = JSON.stringify(o);
			let old = store.get(key);
			if (old && old.json === json) continue;
			if (old && old.obj.metadata.uid !== o.metadata.uid) {
				// A new object under an old name (a StatefulSet pod recreated): the old one was deleted.
				rv++;
				const gone = structuredClone(old.obj);
				gone.metadata.resourceVersion = String(rv);
				emit('DELETED', r, gone);
				old = undefined;
			}
			rv++;
			o.metadata.resourceVersion = String(rv);
			store.set(key, { obj: o, json });
			emit(old ? 'MODIFIED' : 'ADDED', r, o);
		}
		for (const [key, v] of store) {
			if (seen.has(key)) continue;
			store.delete(key);
			rv++;
			const o = structuredClone(v.obj);
			o.metadata.resourceVersion = String(rv);
			const r = resourceOf(o);
			if (r) emit('DELETED', r, o);
		}
	}

	/** @param {string} type @param {Resource} r @param {any} obj */
	function emit(type, r, obj) {
		history.push({ rv, type, r, obj });
		if (history.length > 20000) history.splice(0, 5000);
		for (const w of watchers) {
			if (w.r !== r) continue;
			if (w.ns && obj.metadata.namespace !== w.ns) continue;
			if (!w.match(obj)) continue;
			w.res.write(`${JSON.stringify({ type, object: obj })}\n`);
		}
	}

	/** @param {Resource} r @param {string | null} ns */
	function listOf(r, ns) {
		const prefix = `${qualified(r)}/`;
		const out = [];
		for (const [key, v] of store) {
			if (!key.startsWith(prefix)) continue;
			if (ns && v.obj.metadata.namespace !== ns) continue;
			out.push(v.obj);
		}
		// etcd's key order, which is how kube-apiserver lists.
		const k = (/** @type {any} */ o) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
		return out.sort((a, b) => (k(a) < k(b) ? -1 : k(a) > k(b) ? 1 : 0));
	}

	/** @param {Resource} r @param {string} ns @param {string} name */
	function getOne(r, ns, name) {
		const v = store.get(keyOf(r, ns, name));
		if (!v) throw notFound(r, name);
		return v.obj;
	}

	// ---------------------------------------------------------- discovery

	const groups = [...new Set(RESOURCES.filter((r) => r.group).map((r) => r.group))];
	/** @param {string} g */
	const groupObj = (g) => {
		const v = RESOURCES.find((r) => r.group === g)?.version ?? 'v1';
		return {
			name: g,
			versions: [{ groupVersion: `${g}/${v}`, version: v }],
			preferredVersion: { groupVersion: `${g}/${v}`, version: v },
		};
	};
	/** @param {string} g @param {string} v */
	const resourceList = (g, v) => {
		const rs = RESOURCES.filter((r) => r.group === g && r.version === v);
		const resources = [];
		for (const r of rs) {
			resources.push({
				name: r.name,
				singularName: r.singular,
				namespaced: r.namespaced,
				kind: r.kind,
				verbs: r.verbs,
				...(r.shortNames.length ? { shortNames: r.shortNames } : {}),
				...(r.categories ? { categories: r.categories } : {}),
			});
			for (const [s, d] of Object.entries(r.sub ?? {})) {
				resources.push({
					name: `${r.name}/${s}`,
					singularName: '',
					namespaced: r.namespaced,
					...(d.group ? { group: d.group, version: d.version } : {}),
					kind: d.kind,
					verbs: d.verbs,
				});
			}
		}
		return {
			kind: 'APIResourceList',
			apiVersion: 'v1',
			groupVersion: g ? `${g}/${v}` : v,
			resources,
		};
	};

	/**
	 * OpenAPI v3, only as far as kubectl reads it before create/apply: which group versions exist, and
	 * that each kind's PATCH takes `fieldValidation` (then the server validates and kubectl needs no
	 * schema of its own). The schemas themselves are left out.
	 * @param {string[]} gvParts [] for the index, else `api/v1` or `apis/<group>/<version>`
	 */
	const openapiV3 = (gvParts) => {
		const gvs = [
			...new Set(
				RESOURCES.map((r) => (r.group ? `apis/${r.group}/${r.version}` : `api/${r.version}`)),
			),
		];
		if (!gvParts.length)
			return {
				paths: Object.fromEntries(
					gvs.map((gv) => [gv, { serverRelativeURL: `/openapi/v3/${gv}?hash=${gv.length}` }]),
				),
			};
		const gv = gvParts.join('/');
		if (!gvs.includes(gv))
			throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
		/** @type {Record<string, any>} */
		const paths = {};
		for (const r of RESOURCES) {
			if ((r.group ? `apis/${r.group}/${r.version}` : `api/${r.version}`) !== gv) continue;
			const gvk = { group: r.group, version: r.version, kind: r.kind };
			const params = [
				{ name: 'dryRun', in: 'query', schema: { type: 'string', uniqueItems: true } },
				{ name: 'fieldManager', in: 'query', schema: { type: 'string', uniqueItems: true } },
				{ name: 'fieldValidation', in: 'query', schema: { type: 'string', uniqueItems: true } },
			];
			const op = (/** @type {string} */ id) => ({
				operationId: id,
				parameters: params,
				responses: { 200: { description: 'OK' } },
				'x-kubernetes-action': id.startsWith('patch') ? 'patch' : 'post',
				'x-kubernetes-group-version-kind': gvk,
			});
			const base = `/${gv}${r.namespaced ? '/namespaces/{namespace}' : ''}/${r.name}`;
			paths[base] = { post: op(`create${r.kind}`) };
			paths[`${base}/{name}`] = { patch: op(`patch${r.kind}`) };
		}
		return {
			openapi: '3.0.0',
			info: { title: 'Kubernetes', version: SERVER_VERSION.gitVersion },
			paths,
		};
	};

	/**
	 * OpenAPI v2 without definitions: kubectl before 1.28 downloads it before create/apply, then asks v3
	 * whether the server validates fields itself. Protobuf (gnostic's Document: swagger = 1, info = 2 with
	 * title = 1, version = 2) when asked for, as kube-apiserver serves it.
	 * @param {import('node:http').ServerResponse} res
	 * @param {string} accept
	 */
	const openapiV2 = (res, accept) => {
		if (!/protobuf/.test(accept))
			return send(res, 200, {
				swagger: '2.0',
				info: { title: 'Kubernetes', version: SERVER_VERSION.gitVersion },
				paths: {},
				definitions: {},
			});
		const str = (/** @type {number} */ field, /** @type {Buffer} */ b) =>
			Buffer.concat([Buffer.from([(field << 3) | 2, b.length]), b]);
		const info = Buffer.concat([
			str(1, Buffer.from('Kubernetes')),
			str(2, Buffer.from(SERVER_VERSION.gitVersion)),
		]);
		const doc = Buffer.concat([str(1, Buffer.from('2.0')), str(2, info)]);
		res.writeHead(200, {
			'Content-Type': 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf',
			'Content-Length': doc.length,
		});
		res.end(doc);
	};

	// ---------------------------------------------------------- HTTP

	/**
	 * @param {import('node:http').ServerResponse} res
	 * @param {number} code
	 * @param {unknown} body
	 */
	const send = (res, code, body) => {
		const data = JSON.stringify(body);
		res.writeHead(code, {
			'Content-Type': 'application/json',
			'Content-Length': Buffer.byteLength(data),
			'Cache-Control': 'no-cache, private',
		});
		res.end(data);
	};

	/**
	 * Splits a resource path: `/api/v1/namespaces/ns/pods/name/log` and friends.
	 * @param {string[]} parts
	 */
	function route(parts) {
		let i;
		let group = '';
		let version = '';
		if (parts[0] === 'api') {
			version = parts[1] ?? '';
			i = 2;
		} else {
			group = parts[1] ?? '';
			version = parts[2] ?? '';
			i = 3;
		}
		let ns = null;
		let rest = parts.slice(i);
		if (rest[0] === 'namespaces' && rest.length >= 3) {
			ns = rest[1] ?? '';
			rest = rest.slice(2);
		}
		const [resName, name, sub] = rest;
		const r = RESOURCES.find(
			(x) => x.group === group && x.version === version && x.name === resName,
		);
		return { r, ns, name, sub, group, version, extra: rest.length > 3 };
	}

	/**
	 * @param {import('node:http').IncomingMessage} req
	 * @returns {Promise<any>}
	 */
	const readBody = (req) =>
		new Promise((resolve, reject) => {
			/** @type {Buffer[]} */
			const chunks = [];
			req.on('data', (c) => chunks.push(c));
			req.on('end', () => {
				const text = Buffer.concat(chunks).toString('utf8');
				if (!text) return resolve(null);
				try {
					resolve(JSON.parse(text));
				} catch {
					reject(badRequest('the body of the request was in an unknown format'));
				}
			});
			req.on('error', reject);
		});

	/**
	 * @param {import('node:http').IncomingMessage} req
	 * @param {import('node:http').ServerResponse} res
	 */
	async function handle(req, res) {
		try {
			await serve(req, res);
		} catch (e) {
			const err =
				e instanceof ApiError
					? e
					: e instanceof PatchError
						? new ApiError(422, 'Invalid', e.message)
						: new ApiError(500, 'InternalError', `Internal error occurred: ${String(e)}`);
			if (!res.headersSent) send(res, err.code, err.status());
			else res.end();
		}
	}

	/**
	 * @param {import('node:http').IncomingMessage} req
	 * @param {import('node:http').ServerResponse} res
	 */
	async function serve(req, res) {
		const url = new URL(req.url ?? '/', 'http://localhost');
		const q = url.searchParams;
		const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
		const method = req.method ?? 'GET';
		const accept = String(req.headers.accept ?? '');
		if (url.pathname === '/version' || url.pathname === '/version/')
			return send(res, 200, SERVER_VERSION);
		if (url.pathname === '/healthz' || url.pathname === '/readyz' || url.pathname === '/livez') {
			res.writeHead(200, { 'Content-Type': 'text/plain' });
			return res.end('ok');
		}
		// Aggregated discovery is optional: a plain answer with a plain Content-Type makes kubectl fall
		// back to the per-group lists, as it does with servers older than 1.26.
		if (url.pathname === '/api')
			return send(res, 200, {
				kind: 'APIVersions',
				versions: ['v1'],
				serverAddressByClientCIDRs: [
					{ clientCIDR: '0.0.0.0/0', serverAddress: `127.0.0.1:${info.port()}` },
				],
			});
		if (url.pathname === '/apis')
			return send(res, 200, {
				kind: 'APIGroupList',
				apiVersion: 'v1',
				groups: groups.map(groupObj),
			});
		if (parts[0] === 'api' && parts.length === 2 && parts[1] === 'v1')
			return send(res, 200, resourceList('', 'v1'));
		if (parts[0] === 'apis' && parts.length === 2 && groups.includes(parts[1] ?? ''))
			return send(res, 200, { kind: 'APIGroup', apiVersion: 'v1', ...groupObj(parts[1] ?? '') });
		if (
			parts[0] === 'apis' &&
			parts.length === 3 &&
			RESOURCES.some((r) => r.group === parts[1] && r.version === parts[2])
		)
			return send(res, 200, resourceList(parts[1] ?? '', parts[2] ?? ''));
		if (parts[0] === 'openapi' && parts[1] === 'v3')
			return send(res, 200, openapiV3(parts.slice(2)));
		if (url.pathname === '/openapi/v2') return openapiV2(res, accept);
		if (parts[0] !== 'api' && parts[0] !== 'apis')
			throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');

		// /api/v1/namespaces/<name> is the Namespace itself.
		let rt = route(parts);
		if (parts[0] === 'api' && parts[2] === 'namespaces' && parts.length <= 4 && parts.length >= 3) {
			rt = { ...rt, r: RESOURCES.find((x) => x.name === 'namespaces'), ns: null, name: parts[3] };
		}
		const { r, name, sub } = rt;
		// pods/<[scheme:]name[:port]>/proxy/<path>: the API server's HTTP proxy to a pod (kubectl get --raw).
		if (
			backend.proxy &&
			r?.name === 'pods' &&
			rt.ns !== null &&
			sub === 'proxy' &&
			method === 'GET'
		) {
			const rest = /\/pods\/[^/]+\/proxy(\/.*)?$/.exec(url.pathname)?.[1] ?? '/';
			return backend.proxy(rt.ns, name ?? '', rest, url.search, res);
		}
		if (!r || rt.extra)
			throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
		const ns = r.namespaced ? rt.ns : null;
		sync();

		if (sub === 'log' && method === 'GET') {
			getOne(r, ns ?? '', name ?? '');
			return backend.log(ns ?? '', name ?? '', q, res);
		}
		if (sub && sub !== 'scale' && sub !== 'status')
			throw new ApiError(
				405,
				'MethodNotAllowed',
				`the server does not allow this method on the requested resource`,
			);

		if (method === 'GET' && !name) {
			const ls = labelSelector(q.get('labelSelector') ?? '');
			const fs = fieldSelector(q.get('fieldSelector') ?? '');
			const match = (/** @type {any} */ o) => ls(o.metadata.labels ?? {}) && fs(o);
			if (q.get('watch') === 'true' || q.get('watch') === '1')
				return watch(req, res, r, ns, match, q);
			const items = listOf(r, ns).filter(match);
			if (/as=Table/.test(accept))
				return send(res, 200, toTable(r, items, String(rv), q.get('includeObject') === 'Object'));
			return send(res, 200, {
				kind: `${r.kind}List`,
				apiVersion: r.group ? `${r.group}/${r.version}` : r.version,
				metadata: { resourceVersion: String(rv) },
				items,
			});
		}
		if (method === 'GET') {
			const o = getOne(r, ns ?? '', name ?? '');
			if (sub === 'scale') return send(res, 200, scaleOf(o));
			if (/as=Table/.test(accept))
				return send(res, 200, toTable(r, [o], String(rv), q.get('includeObject') === 'Object'));
			return send(res, 200, o);
		}
		if (method === 'POST' && !name) {
			const body = await readBody(req);
			if (!body || typeof body !== 'object') throw badRequest('the body of the request was empty');
			const target = ns ?? '';
			if (r.namespaced && !backend.namespaces().has(target)) throw namespaceNotFound(target);
			if (body.metadata?.namespace && r.namespaced && body.metadata.namespace !== target)
				throw badRequest(
					'the namespace of the provided object does not match the namespace sent on the request',
				);
			const n = body.metadata?.name;
			if (!n)
				throw new ApiError(
					422,
					'Invalid',
					`${r.kind} "" is invalid: metadata.name: Required value: name or generateName is required`,
					{
						kind: r.kind,
					},
				);
			if (store.has(keyOf(r, target, n)))
				throw new ApiError(409, 'AlreadyExists', `${qualified(r)} "${n}" already exists`, {
					name: n,
					...(r.group ? { group: r.group } : {}),
					kind: r.name,
				});
			if (q.get('dryRun') === 'All') return send(res, 201, body);
			await backend.create(r, target, body);
			sync();
			// An object the cluster removed at once (an evicted pod) was still created.
			const made = store.get(keyOf(r, target, n))?.obj ?? {
				...body,
				metadata: {
					...body.metadata,
					uid: randomUUID(),
					creationTimestamp: new Date().toISOString(),
				},
			};
			return send(res, 201, made);
		}
		if (method === 'DELETE' && name) {
			const body = (await readBody(req)) ?? {};
			const o = getOne(r, ns ?? '', name);
			const pre = body.preconditions ?? {};
			if (pre.uid && pre.uid !== o.metadata.uid)
				throw new ApiError(
					409,
					'Conflict',
					`Operation cannot be fulfilled on ${qualified(r)} "${name}": Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${o.metadata.uid}`,
				);
			const opts = {
				propagationPolicy: body.propagationPolicy ?? q.get('propagationPolicy') ?? 'Background',
				gracePeriodSeconds:
					body.gracePeriodSeconds ??
					(q.has('gracePeriodSeconds') ? Number(q.get('gracePeriodSeconds')) : null),
			};
			if (q.get('dryRun') === 'All') return send(res, 200, o);
			await backend.remove(r, ns ?? '', name, opts);
			sync();
			const still = store.get(keyOf(r, ns ?? '', name));
			if (still) return send(res, 200, still.obj);
			return send(res, 200, {
				kind: 'Status',
				apiVersion: 'v1',
				metadata: {},
				status: 'Success',
				details: {
					name,
					...(r.group ? { group: r.group } : {}),
					kind: r.name,
					uid: o.metadata.uid,
				},
			});
		}
		if ((method === 'PATCH' || method === 'PUT') && name) {
			const body = await readBody(req);
			const cur = getOne(r, ns ?? '', name);
			const base = sub === 'scale' ? scaleOf(cur) : cur;
			let next;
			if (method === 'PATCH')
				next = applyPatch(base, String(req.headers['content-type'] ?? ''), body);
			else {
				next = body;
				const want = next?.metadata?.resourceVersion;
				if (want && want !== base.metadata.resourceVersion)
					throw new ApiError(
						409,
						'Conflict',
						`Operation cannot be fulfilled on ${qualified(r)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
						{ name, ...(r.group ? { group: r.group } : {}), kind: r.name },
					);
			}
			if (next?.metadata?.name && next.metadata.name !== name)
				throw badRequest(
					`the name of the object (${next.metadata.name}) does not match the name on the URL (${name})`,
				);
			if (q.get('dryRun') === 'All') return send(res, 200, next);
			await backend.update(r, ns ?? '', name, next, sub ?? '');
			sync();
			const after = getOne(r, ns ?? '', name);
			return send(res, 200, sub === 'scale' ? scaleOf(after) : after);
		}
		throw new ApiError(
			405,
			'MethodNotAllowed',
			'the server does not allow this method on the requested resource',
		);
	}

	/** @param {any} o */
	function scaleOf(o) {
		const sel = o.spec?.selector?.matchLabels ?? {};
		return {
			kind: 'Scale',
			apiVersion: 'autoscaling/v1',
			metadata: {
				name: o.metadata.name,
				namespace: o.metadata.namespace,
				uid: o.metadata.uid,
				resourceVersion: o.metadata.resourceVersion,
				creationTimestamp: o.metadata.creationTimestamp,
			},
			spec: { replicas: o.spec?.replicas ?? 0 },
			status: {
				replicas: o.status?.replicas ?? 0,
				selector: Object.entries(sel)
					.map(([k, v]) => `${k}=${v}`)
					.join(','),
			},
		};
	}

	/**
	 * @param {import('node:http').IncomingMessage} req
	 * @param {import('node:http').ServerResponse} res
	 * @param {Resource} r
	 * @param {string | null} ns
	 * @param {(o: any) => boolean} match
	 * @param {URLSearchParams} q
	 */
	function watch(req, res, r, ns, match, q) {
		res.writeHead(200, {
			'Content-Type': 'application/json',
			'Cache-Control': 'no-cache, private',
			'Transfer-Encoding': 'chunked',
		});
		res.flushHeaders();
		const from = Number(q.get('resourceVersion') ?? '0');
		if (!from) {
			for (const o of listOf(r, ns).filter(match))
				res.write(`${JSON.stringify({ type: 'ADDED', object: o })}\n`);
		} else {
			for (const h of history) {
				if (h.rv <= from || h.r !== r) continue;
				if (ns && h.obj.metadata.namespace !== ns) continue;
				if (match(h.obj)) res.write(`${JSON.stringify({ type: h.type, object: h.obj })}\n`);
			}
		}
		/** @type {Watcher} */
		const w = { r, ns, match, res };
		watchers.add(w);
		const secs = Number(q.get('timeoutSeconds') ?? '1800');
		const t = setTimeout(() => res.end(), Math.max(1, secs) * 1000);
		const done = () => {
			clearTimeout(t);
			watchers.delete(w);
		};
		req.on('close', done);
		res.on('close', done);
	}

	/**
	 * @param {import('node:http').IncomingMessage} req
	 * @param {import('node:stream').Duplex} socket
	 * @param {Buffer} head
	 */
	function upgrade(req, socket, head) {
		const url = new URL(req.url ?? '/', 'http://localhost');
		const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
		const rt = route(parts);
		const fail = (/** @type {ApiError} */ e) => {
			const body = JSON.stringify(e.status());
			socket.end(
				`HTTP/1.1 ${e.code} ${e.reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
			);
		};
		try {
			if (
				!rt.r ||
				rt.r.name !== 'pods' ||
				!rt.name ||
				!['exec', 'attach', 'portforward'].includes(rt.sub ?? '')
			)
				throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
			sync();
			getOne(rt.r, rt.ns ?? '', rt.name);
			backend.upgrade(req, socket, head, rt.ns ?? '', rt.name, rt.sub ?? '', url.searchParams);
		} catch (e) {
			fail(e instanceof ApiError ? e : new ApiError(500, 'InternalError', String(e)));
		}
	}

	return {
		handle,
		upgrade,
		sync,
		/** Objects as served (for the Node API and tests). @param {string} kind */
		list: (kind) => {
			sync();
			const r = byKind(kind);
			return r ? listOf(r, null) : [];
		},
		newUid: () => randomUUID(),
	};
}
