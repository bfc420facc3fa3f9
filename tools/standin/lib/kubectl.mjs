// @ts-check
/**
 * The stand-in `kubectl`: parses kubectl's command line, asks the supervisor, prints what kubectl prints.
 * exec/cp/port-forward/logs run here (same machine), with /bitnami/etcd and /tmp mapped to host folders.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import {
	age,
	callApi,
	labelMatcher,
	replaceInBuffer,
	sleep,
	table,
	VOLUME_MOUNT,
} from './common.mjs';
import { renderJsonPath } from './jsonpath.mjs';
import { toYaml } from './yaml.mjs';

class KubectlError extends Error {
	/** @param {string} msg @param {number} [code] */
	constructor(msg, code = 1) {
		super(msg);
		this.code = code;
	}
}

/** @type {Record<string, string>} */
const RESOURCES = {
	po: 'pods',
	pod: 'pods',
	pods: 'pods',
	pvc: 'persistentvolumeclaims',
	pvcs: 'persistentvolumeclaims',
	persistentvolumeclaim: 'persistentvolumeclaims',
	persistentvolumeclaims: 'persistentvolumeclaims',
	sts: 'statefulsets',
	statefulset: 'statefulsets',
	statefulsets: 'statefulsets',
	'statefulset.apps': 'statefulsets',
	'statefulsets.apps': 'statefulsets',
	sc: 'storageclasses',
	storageclass: 'storageclasses',
	storageclasses: 'storageclasses',
	'storageclass.storage.k8s.io': 'storageclasses',
	'storageclasses.storage.k8s.io': 'storageclasses',
	ev: 'events',
	event: 'events',
	events: 'events',
	ns: 'namespaces',
	namespace: 'namespaces',
	namespaces: 'namespaces',
	no: 'nodes',
	node: 'nodes',
	nodes: 'nodes',
};

/** kubectl's `<kind>/<name>` and NotFound spellings. */
/** @type {Record<string, { short: string, group: string, scoped: boolean, kindName: string }>} */
const META = {
	pods: { short: 'pod', group: 'pods', scoped: true, kindName: 'Pod' },
	persistentvolumeclaims: {
		short: 'persistentvolumeclaim',
		group: 'persistentvolumeclaims',
		scoped: true,
		kindName: 'PersistentVolumeClaim',
	},
	statefulsets: {
		short: 'statefulset.apps',
		group: 'statefulsets.apps',
		scoped: true,
		kindName: 'StatefulSet',
	},
	storageclasses: {
		short: 'storageclass.storage.k8s.io',
		group: 'storageclasses.storage.k8s.io',
		scoped: false,
		kindName: 'StorageClass',
	},
	events: { short: 'event', group: 'events', scoped: true, kindName: 'Event' },
	namespaces: { short: 'namespace', group: 'namespaces', scoped: false, kindName: 'Namespace' },
	nodes: { short: 'node', group: 'nodes', scoped: false, kindName: 'Node' },
};

/** @param {string} word */
function resource(word) {
	const r = RESOURCES[word.toLowerCase()];
	if (!r) throw new KubectlError(`error: the server doesn't have a resource type "${word}"`);
	return r;
}

/** @param {string} r */
const meta = (r) =>
	/** @type {{ short: string, group: string, scoped: boolean, kindName: string }} */ (META[r]);

/**
 * @typedef {object} Parsed
 * @property {string[]} pos positional args (before `--`)
 * @property {Map<string, string[]>} flags
 * @property {string[] | null} rest args after `--`
 */

/**
 * Splits argv into positionals and flags. `valueFlags` take a value (`--x v` or `--x=v`, short `-x v`/`-xv`).
 * @param {string[]} argv
 * @param {Set<string>} valueFlags
 * @param {Set<string>} boolFlags
 * @param {string} verb
 * @returns {Parsed}
 */
function parseArgs(argv, valueFlags, boolFlags, verb) {
	/** @type {string[]} */
	const pos = [];
	/** @type {Map<string, string[]>} */
	const flags = new Map();
	/** @type {string[] | null} */
	let rest = null;
	const add = (/** @type {string} */ k, /** @type {string} */ v) =>
		flags.set(k, [...(flags.get(k) ?? []), v]);
	for (let i = 0; i < argv.length; i++) {
		const a = /** @type {string} */ (argv[i]);
		if (a === '--') {
			rest = argv.slice(i + 1);
			break;
		}
		if (a.startsWith('--')) {
			const eq = a.indexOf('=');
			const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
			if (valueFlags.has(name)) {
				if (eq > 0) add(name, a.slice(eq + 1));
				else {
					const v = argv[++i];
					if (v === undefined) throw new KubectlError(`error: flag needs an argument: --${name}`);
					add(name, v);
				}
			} else if (boolFlags.has(name)) add(name, eq > 0 ? a.slice(eq + 1) : 'true');
			else
				throw new KubectlError(
					`error: unknown flag: --${name}\nSee 'kubectl ${verb} --help' for usage.`,
				);
			continue;
		}
		if (a.startsWith('-') && a.length > 1) {
			const name = a.slice(1, 2);
			if (valueFlags.has(name)) {
				if (a.length > 2) add(name, a.slice(2).replace(/^=/, ''));
				else {
					const v = argv[++i];
					if (v === undefined)
						throw new KubectlError(`error: flag needs an argument: '${name}' in -${name}`);
					add(name, v);
				}
			} else if ([...a.slice(1)].every((c) => boolFlags.has(c))) {
				for (const c of a.slice(1)) add(c, 'true');
			} else
				throw new KubectlError(
					`error: unknown shorthand flag: '${name}' in ${a}\nSee 'kubectl ${verb} --help' for usage.`,
				);
			continue;
		}
		pos.push(a);
	}
	return { pos, flags, rest };
}

/** @param {Parsed} p @param {...string} names */
const flag = (p, ...names) => {
	for (const n of names) {
		const v = p.flags.get(n);
		if (v && v.length) return v[v.length - 1];
	}
	return undefined;
};
/** @param {Parsed} p @param {...string} names */
const bool = (p, ...names) => {
	const v = flag(p, ...names);
	return v !== undefined && v !== 'false';
};

/** @param {string | undefined} s @param {number} def */
function duration(s, def) {
	if (s === undefined) return def;
	const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(s.trim());
	if (!m)
		throw new KubectlError(
			`error: invalid argument "${s}" for "--timeout" flag: time: invalid duration "${s}"`,
		);
	const n = Number(m[1]);
	const unit = m[2] ?? 's';
	return n * (unit === 'ms' ? 1 : unit === 's' ? 1000 : unit === 'm' ? 60_000 : 3_600_000);
}

/**
 * @param {NodeJS.WritableStream} stream
 * @param {string | Buffer} data
 */
const write = (stream, data) => new Promise((r) => stream.write(data, () => r(null)));

// ---------------------------------------------------------------- context

/** @type {{ dir: string, ns: string, info: any }} */
const ctx = { dir: '', ns: '', info: null };

/**
 * @param {Record<string, unknown>} body
 */
async function api(body) {
	let r;
	try {
		r = await callApi(ctx.dir, body);
	} catch {
		throw new KubectlError(
			'The connection to the server 127.0.0.1:6443 was refused - did you specify the right host or port?',
		);
	}
	if (!r.ok) throw new KubectlError(r.error, r.code ?? 1);
	return r;
}

/** @param {string} r @param {string} [sel] @returns {Promise<any[]>} */
async function list(r, sel) {
	const res = await api({
		op: 'list',
		resource: r,
		namespace: meta(r).scoped ? ctx.ns : undefined,
	});
	/** @type {any[]} */
	let items = res.items;
	if (sel) {
		const m = labelMatcher(sel);
		items = items.filter((o) => m(o.metadata?.labels));
	}
	return items;
}

/** @param {string} r @param {string} name */
async function getOne(r, name) {
	const items = await list(r);
	const o = items.find((x) => x.metadata?.name === name);
	if (!o)
		throw new KubectlError(`Error from server (NotFound): ${meta(r).group} "${name}" not found`);
	return o;
}

function requireNamespace() {
	if (!ctx.info.namespaces.includes(ctx.ns))
		throw new KubectlError(`Error from server (NotFound): namespaces "${ctx.ns}" not found`);
}

/**
 * `TYPE NAME`, `TYPE/NAME` or `TYPE NAME NAME…` → [resource, names].
 * @param {string[]} pos
 * @param {string} [defaultType]
 * @returns {[string, string[]]}
 */
function typeAndNames(pos, defaultType) {
	const first = pos[0];
	if (first === undefined) {
		if (defaultType) return [defaultType, []];
		throw new KubectlError('error: you must specify the type of resource to get.');
	}
	if (first.includes('/')) {
		const [t, n] = first.split('/');
		const r = resource(t ?? '');
		const names = [n ?? ''];
		for (const x of pos.slice(1)) {
			if (!x.includes('/'))
				throw new KubectlError(
					'error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form',
				);
			names.push(x.split('/')[1] ?? '');
		}
		return [r, names];
	}
	return [resource(first), pos.slice(1)];
}

// ---------------------------------------------------------------- printing

/** @param {any} pod */
function podStatus(pod) {
	if (pod.metadata.deletionTimestamp) return 'Terminating';
	const cs = pod.status.containerStatuses?.[0];
	if (cs?.state?.waiting?.reason) return cs.state.waiting.reason;
	if (cs?.state?.terminated?.reason) return cs.state.terminated.reason;
	return pod.status.phase;
}

/** @param {string | undefined} ts */
const since = (ts) => (ts ? age(Date.now() - Date.parse(ts)) : '<unknown>');

/** @param {any} pod */
function restarts(pod) {
	const cs = pod.status.containerStatuses?.[0];
	const n = cs?.restartCount ?? 0;
	const fin = cs?.lastState?.terminated?.finishedAt;
	return n > 0 && fin ? `${n} (${since(fin)} ago)` : String(n);
}

/**
 * @param {string} r
 * @param {any[]} items
 * @param {boolean} wide
 * @param {boolean} noHeaders
 * @param {boolean} [showLabels]
 */
function printTable(r, items, wide, noHeaders, showLabels = false) {
	/** @type {string[][]} */
	let rows = [];
	if (r === 'pods') {
		rows.push(
			wide
				? [
						'NAME',
						'READY',
						'STATUS',
						'RESTARTS',
						'AGE',
						'IP',
						'NODE',
						'NOMINATED NODE',
						'READINESS GATES',
					]
				: ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'],
		);
		for (const p of items) {
			const cs = p.status.containerStatuses ?? [];
			const ready = `${cs.filter((/** @type {any} */ c) => c.ready).length}/${p.spec.containers.length}`;
			const row = [
				p.metadata.name,
				ready,
				podStatus(p),
				restarts(p),
				since(p.metadata.creationTimestamp),
			];
			if (wide)
				row.push(p.status.podIP ?? '<none>', p.spec.nodeName ?? '<none>', '<none>', '<none>');
			rows.push(row);
		}
	} else if (r === 'persistentvolumeclaims') {
		rows.push(['NAME', 'STATUS', 'VOLUME', 'CAPACITY', 'ACCESS MODES', 'STORAGECLASS', 'AGE']);
		for (const c of items) {
			const status = c.metadata.deletionTimestamp ? 'Terminating' : c.status.phase;
			const bound = c.status.phase === 'Bound';
			rows.push([
				c.metadata.name,
				status,
				c.spec.volumeName ?? '',
				bound ? (c.status.capacity?.storage ?? '') : '',
				bound ? 'RWO' : '',
				c.spec.storageClassName ?? '',
				since(c.metadata.creationTimestamp),
			]);
		}
	} else if (r === 'statefulsets') {
		rows.push(['NAME', 'READY', 'AGE']);
		for (const s of items)
			rows.push([
				s.metadata.name,
				`${s.status.readyReplicas ?? 0}/${s.spec.replicas}`,
				since(s.metadata.creationTimestamp),
			]);
	} else if (r === 'storageclasses') {
		rows.push([
			'NAME',
			'PROVISIONER',
			'RECLAIMPOLICY',
			'VOLUMEBINDINGMODE',
			'ALLOWVOLUMEEXPANSION',
			'AGE',
		]);
		for (const s of items) {
			const a = s.metadata.annotations ?? {};
			const def =
				a['storageclass.kubernetes.io/is-default-class'] === 'true' ||
				a['storageclass.beta.kubernetes.io/is-default-class'] === 'true';
			rows.push([
				`${s.metadata.name}${def ? ' (default)' : ''}`,
				s.provisioner,
				s.reclaimPolicy,
				s.volumeBindingMode,
				String(s.allowVolumeExpansion),
				since(s.metadata.creationTimestamp),
			]);
		}
	} else if (r === 'events') {
		rows.push(['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE']);
		const sorted = [...items].sort(
			(a, b) => Date.parse(a.lastTimestamp) - Date.parse(b.lastTimestamp),
		);
		for (const e of sorted) {
			rows.push([
				since(e.lastTimestamp),
				e.type,
				e.reason,
				`${e.involvedObject.kind.toLowerCase()}/${e.involvedObject.name}`,
				e.message,
			]);
		}
	} else if (r === 'nodes') {
		rows.push(
			wide
				? ['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION', 'INTERNAL-IP']
				: ['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION'],
		);
		for (const n of items) {
			const row = [
				n.metadata.name,
				'Ready',
				'control-plane',
				since(n.metadata.creationTimestamp),
				'v1.29.0',
			];
			if (wide) row.push('127.0.0.1');
			rows.push(row);
		}
	} else if (r === 'namespaces') {
		rows.push(['NAME', 'STATUS', 'AGE']);
		for (const n of items) rows.push([n.metadata.name, 'Active', since(ctx.info.created)]);
	}
	if (showLabels && rows.length) {
		rows[0]?.push('LABELS');
		items.forEach((o, i) => {
			const l = Object.entries(o.metadata.labels ?? {}).map(([k, v]) => `${k}=${v}`);
			rows[i + 1]?.push(l.length ? l.join(',') : '<none>');
		});
	}
	if (noHeaders) rows = rows.slice(1);
	return rows.length ? `${table(rows)}\n` : '';
}

/**
 * @param {string} r
 * @param {any[]} items
 * @param {boolean} single
 * @param {string | undefined} output
 * @param {boolean} noHeaders
 * @param {boolean} [showLabels]
 */
function render(r, items, single, output, noHeaders, showLabels = false) {
	const data = single
		? items[0]
		: { apiVersion: 'v1', kind: 'List', items, metadata: { resourceVersion: '' } };
	if (!output || output === 'wide') {
		return printTable(r, items, output === 'wide', noHeaders, showLabels);
	}
	if (output === 'json') return `${JSON.stringify(data, null, 4)}\n`;
	if (output === 'yaml') return toYaml(data);
	if (output === 'name') return items.map((o) => `${meta(r).short}/${o.metadata.name}\n`).join('');
	const m = /^jsonpath=(.*)$/s.exec(output);
	if (m) {
		try {
			return renderJsonPath(m[1] ?? '', data);
		} catch (e) {
			throw new KubectlError(
				`error: error parsing jsonpath ${m[1]}, ${e instanceof Error ? e.message : e}`,
			);
		}
	}
	throw new KubectlError(
		`error: unable to match a printer suitable for the output format "${output}", allowed formats are: json,jsonpath,name,wide,yaml`,
	);
}

// ---------------------------------------------------------------- describe

/** @param {string} ts */
const httpDate = (ts) => new Date(ts).toUTCString().replace('GMT', '+0000');

/** @param {Record<string, string> | undefined} m @param {number} pad */
function kv(m, pad) {
	const e = Object.entries(m ?? {});
	if (!e.length) return '<none>';
	return e.map(([k, v], i) => `${i ? ' '.repeat(pad) : ''}${k}=${v}`).join('\n');
}

/** @param {string} kind @param {string} name */
async function eventsFor(kind, name) {
	const evs = (await list('events')).filter(
		(e) => e.involvedObject.kind === kind && e.involvedObject.name === name,
	);
	if (!evs.length) return 'Events:                <none>\n';
	/** @type {string[][]} */
	const rows = [
		['Type', 'Reason', 'Age', 'From', 'Message'],
		['----', '------', '----', '----', '-------'],
	];
	for (const e of evs) {
		const a =
			e.count > 1
				? `${since(e.lastTimestamp)} (x${e.count} over ${since(e.firstTimestamp)})`
				: since(e.firstTimestamp);
		rows.push([e.type, e.reason, a, e.source.component, e.message]);
	}
	return `Events:\n${table(rows)
		.split('\n')
		.map((l) => `  ${l}`)
		.join('\n')}\n`;
}

/** @param {string} r @param {any} o */
async function describe(r, o) {
	const md = o.metadata;
	/** @type {string[]} */
	const L = [];
	const line = (/** @type {string} */ k, /** @type {string} */ v) =>
		L.push(`${`${k}:`.padEnd(Math.max(15, k.length + 3))}${v}`);
	if (r === 'pods') {
		const c = o.spec.containers[0];
		const cs = o.status.containerStatuses?.[0];
		line('Name', md.name);
		line('Namespace', md.namespace);
		line('Priority', '0');
		line('Node', o.spec.nodeName ? `${o.spec.nodeName}/127.0.0.1` : '<none>');
		line('Start Time', o.status.startTime ? httpDate(o.status.startTime) : '<none>');
		line('Labels', kv(md.labels, 15));
		line('Annotations', kv(md.annotations, 15));
		line(
			'Status',
			podStatus(o) === 'Terminating'
				? `Terminating (lasts ${since(md.deletionTimestamp)})`
				: o.status.phase,
		);
		line('IP', o.status.podIP ?? '');
		if (md.ownerReferences) line('Controlled By', `StatefulSet/${md.ownerReferences[0].name}`);
		L.push('Containers:');
		L.push(`  ${c.name}:`);
		L.push(`    Image:          ${c.image}`);
		if (c.ports)
			L.push(
				`    Ports:          ${c.ports.map((/** @type {any} */ p) => `${p.containerPort}/TCP`).join(', ')}`,
			);
		if (c.command)
			L.push(
				`    Command:\n${c.command.map((/** @type {string} */ x) => `      ${x}`).join('\n')}`,
			);
		const st = cs?.state ?? { waiting: { reason: 'ContainerCreating' } };
		if (st.running)
			L.push(`    State:          Running\n      Started:      ${httpDate(st.running.startedAt)}`);
		else if (st.waiting)
			L.push(`    State:          Waiting\n      Reason:       ${st.waiting.reason}`);
		else if (st.terminated)
			L.push(
				`    State:          Terminated\n      Reason:       ${st.terminated.reason}\n      Exit Code:    ${st.terminated.exitCode}`,
			);
		const last = cs?.lastState?.terminated;
		if (last) {
			L.push(`    Last State:     Terminated`);
			L.push(`      Reason:       ${last.reason}`);
			L.push(`      Exit Code:    ${last.exitCode}`);
			L.push(`      Started:      ${httpDate(last.startedAt)}`);
			L.push(`      Finished:     ${httpDate(last.finishedAt)}`);
		}
		L.push(`    Ready:          ${cs?.ready ? 'True' : 'False'}`);
		L.push(`    Restart Count:  ${cs?.restartCount ?? 0}`);
		if (c.env) {
			L.push('    Environment:');
			for (const e of c.env) {
				const v = e.valueFrom
					? ` (${e.valueFrom.fieldRef?.apiVersion}:${e.valueFrom.fieldRef?.fieldPath})`
					: `:${' '.repeat(Math.max(1, 0))}${e.value}`;
				L.push(`      ${e.name}${e.valueFrom ? ':  ' : ''}${e.valueFrom ? v.trim() : v}`);
			}
		}
		L.push('    Mounts:');
		L.push(`      ${VOLUME_MOUNT} from data (rw)`);
		L.push('Conditions:');
		L.push('  Type              Status');
		for (const cond of o.status.conditions) L.push(`  ${cond.type.padEnd(18)}${cond.status}`);
		L.push('Volumes:');
		L.push('  data:');
		L.push(
			'    Type:       PersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)',
		);
		L.push(`    ClaimName:  ${o.spec.volumes[0].persistentVolumeClaim.claimName}`);
		L.push('    ReadOnly:   false');
		L.push(`QoS Class:       ${o.status.qosClass}`);
		return `${L.join('\n')}\n${await eventsFor('Pod', md.name)}`;
	}
	if (r === 'persistentvolumeclaims') {
		const bound = o.status.phase === 'Bound';
		const users = (await list('pods')).filter((p) =>
			p.spec.volumes?.some(
				(/** @type {any} */ v) => v.persistentVolumeClaim?.claimName === md.name,
			),
		);
		const ann = { ...md.annotations };
		delete ann['standin/host-path'];
		line('Name', md.name);
		line('Namespace', md.namespace);
		line('StorageClass', o.spec.storageClassName ?? '');
		line(
			'Status',
			md.deletionTimestamp ? `Terminating (lasts ${since(md.deletionTimestamp)})` : o.status.phase,
		);
		line('Volume', o.spec.volumeName ?? '');
		line('Labels', kv(md.labels, 15));
		line('Annotations', kv(ann, 15));
		line('Finalizers', `[${(md.finalizers ?? []).join(' ')}]`);
		line('Capacity', bound ? o.status.capacity.storage : '');
		line('Access Modes', bound ? 'RWO' : '');
		line('VolumeMode', o.spec.volumeMode);
		line(
			'Used By',
			users.length ? users.map((p) => p.metadata.name).join('\n               ') : '<none>',
		);
		return `${L.join('\n')}\n${await eventsFor('PersistentVolumeClaim', md.name)}`;
	}
	if (r === 'statefulsets') {
		const pods = (await list('pods')).filter(
			(p) => p.metadata.ownerReferences?.[0]?.name === md.name,
		);
		const running = pods.filter((p) => podStatus(p) === 'Running').length;
		const waiting = pods.filter((p) => podStatus(p) !== 'Running').length;
		line('Name', md.name);
		line('Namespace', md.namespace);
		line('CreationTimestamp', md.creationTimestamp);
		line('Selector', kv(o.spec.selector.matchLabels, 15).replace(/\n\s+/g, ','));
		line('Labels', kv(md.labels, 15));
		line('Annotations', kv(md.annotations, 15));
		line('Replicas', `${o.spec.replicas} desired | ${o.status.replicas} total`);
		line('Update Strategy', 'RollingUpdate');
		L.push(`Pods Status:    ${running} Running / ${waiting} Waiting / 0 Succeeded / 0 Failed`);
		L.push('Pod Template:');
		L.push('  Containers:');
		const c = o.spec.template.spec.containers[0];
		L.push(`   ${c.name}:`);
		L.push(`    Image:       ${c.image}`);
		L.push('    Environment:');
		for (const e of c.env) {
			L.push(
				e.valueFrom
					? `      ${e.name}:   (${e.valueFrom.fieldRef?.apiVersion}:${e.valueFrom.fieldRef?.fieldPath})`
					: `      ${e.name}:  ${e.value}`,
			);
		}
		L.push('Volume Claims:');
		L.push('  Name:          data');
		L.push('  StorageClass:  ');
		L.push('  Capacity:      10Gi');
		L.push('  Access Modes:  [ReadWriteOnce]');
		return `${L.join('\n')}\n${await eventsFor('StatefulSet', md.name)}`;
	}
	if (r === 'storageclasses') {
		const a = md.annotations ?? {};
		line('Name', md.name);
		line(
			'IsDefaultClass',
			a['storageclass.kubernetes.io/is-default-class'] === 'true' ? 'Yes' : 'No',
		);
		line(
			'Annotations',
			Object.entries(a)
				.map(([k, v]) => `${k}=${v}`)
				.join(',') || '<none>',
		);
		line('Provisioner', o.provisioner);
		line('Parameters', '<none>');
		line('AllowVolumeExpansion', String(o.allowVolumeExpansion));
		line('MountOptions', '<none>');
		line('ReclaimPolicy', o.reclaimPolicy);
		line('VolumeBindingMode', o.volumeBindingMode);
		return `${L.join('\n')}\nEvents:                <none>\n`;
	}
	return `${toYaml(o)}`;
}

// ---------------------------------------------------------------- commands

const GET_VALUE = new Set([
	'o',
	'output',
	'l',
	'selector',
	'field-selector',
	'sort-by',
	'chunk-size',
	'template',
	'request-timeout',
]);
const GET_BOOL = new Set([
	'no-headers',
	'w',
	'watch',
	'A',
	'all-namespaces',
	'show-labels',
	'ignore-not-found',
	'show-kind',
]);

/** @param {string[]} argv */
async function cmdGet(argv) {
	const p = parseArgs(argv, GET_VALUE, GET_BOOL, 'get');
	const [r, names] = typeAndNames(p.pos);
	const output = flag(p, 'o', 'output');
	const sel = flag(p, 'l', 'selector');
	const fsel = flag(p, 'field-selector');
	let items = await list(r, sel);
	if (fsel) {
		for (const term of fsel.split(',')) {
			const [k, v] = term.split('=');
			const keys = (k ?? '').split('.');
			items = items.filter((o) => {
				let x = o;
				for (const key of keys) x = x?.[key];
				return String(x) === v;
			});
		}
	}
	if (names.length) {
		/** @type {any[]} */
		const found = [];
		/** @type {string[]} */
		const missing = [];
		for (const n of names) {
			const o = items.find((x) => x.metadata.name === n);
			if (o) found.push(o);
			else missing.push(n);
		}
		let out = '';
		if (found.length)
			out = render(
				r,
				found,
				names.length === 1,
				output,
				bool(p, 'no-headers'),
				bool(p, 'show-labels'),
			);
		if (out) await write(process.stdout, out);
		if (missing.length && !bool(p, 'ignore-not-found')) {
			throw new KubectlError(
				missing
					.map((n) => `Error from server (NotFound): ${meta(r).group} "${n}" not found`)
					.join('\n'),
			);
		}
		return 0;
	}
	if (!items.length && (!output || output === 'wide' || output === 'name')) {
		if (!bool(p, 'ignore-not-found')) {
			await write(
				process.stderr,
				meta(r).scoped ? `No resources found in ${ctx.ns} namespace.\n` : 'No resources found\n',
			);
		}
		return 0;
	}
	await write(
		process.stdout,
		render(r, items, false, output, bool(p, 'no-headers'), bool(p, 'show-labels')),
	);
	return 0;
}

/** @param {string[]} argv */
async function cmdDescribe(argv) {
	const p = parseArgs(argv, new Set(['l', 'selector']), new Set(['show-events']), 'describe');
	const [r, names] = typeAndNames(p.pos);
	let items = await list(r, flag(p, 'l', 'selector'));
	if (names.length) {
		/** @type {any[]} */
		const chosen = [];
		for (const n of names) {
			const o = items.find((x) => x.metadata.name === n);
			if (!o)
				throw new KubectlError(`Error from server (NotFound): ${meta(r).group} "${n}" not found`);
			chosen.push(o);
		}
		items = chosen;
	}
	if (!items.length) {
		await write(process.stderr, `No resources found in ${ctx.ns} namespace.\n`);
		return 0;
	}
	const parts = [];
	for (const o of items) parts.push(await describe(r, o));
	await write(process.stdout, parts.join('\n\n'));
	return 0;
}

/** @param {string[]} argv */
async function cmdLogs(argv) {
	const p = parseArgs(
		argv,
		new Set(['c', 'container', 'tail', 'since', 'l', 'selector']),
		new Set(['p', 'previous', 'f', 'follow', 'timestamps']),
		'logs',
	);
	let name = p.pos[0];
	if (!name)
		throw new KubectlError(
			"error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command",
		);
	if (name.includes('/')) {
		const [t, n] = name.split('/');
		if (resource(t ?? '') !== 'pods')
			throw new KubectlError(`error: the stand-in reads logs of pods only`);
		name = n ?? '';
	}
	const r = await api({
		op: 'logs',
		name,
		previous: bool(p, 'p', 'previous'),
		container: flag(p, 'c', 'container'),
	});
	let text = fs.readFileSync(r.file);
	const tail = flag(p, 'tail');
	if (tail !== undefined && Number(tail) >= 0) {
		const lines = text.toString('utf8').split('\n');
		if (lines[lines.length - 1] === '') lines.pop();
		text = Buffer.from(lines.slice(-Number(tail)).join('\n') + (lines.length ? '\n' : ''));
	}
	await write(process.stdout, text);
	if (bool(p, 'f', 'follow')) {
		let offset = fs.statSync(r.file).size;
		for (;;) {
			await sleep(300);
			let st;
			try {
				st = fs.statSync(r.file);
			} catch {
				return 0;
			}
			if (st.size > offset) {
				const fd = fs.openSync(r.file, 'r');
				const buf = Buffer.alloc(st.size - offset);
				fs.readSync(fd, buf, 0, buf.length, offset);
				fs.closeSync(fd);
				offset = st.size;
				await write(process.stdout, buf);
			}
			const again = await callApi(ctx.dir, {
				op: 'logs',
				name,
				container: flag(p, 'c', 'container'),
			}).catch(() => null);
			if (!again?.ok || again.file !== r.file) return 0;
		}
	}
	return 0;
}

/**
 * Maps in-container paths and addresses to the host.
 * @param {string} arg
 * @param {any} info
 * @param {Record<string, { client: number, peer: number }>} ports
 */
function mapArg(arg, info, ports) {
	// One pass, so a mapped path is never mapped again.
	let a = arg.replace(/(^|[\s='"(:,])(\/bitnami\/etcd|\/tmp)(?=\/|$|[\s'";),])/g, (all, pre, p) => {
		if (p === '/tmp') return `${pre}${info.tmpDir}`;
		return info.volumeDir ? `${pre}${info.volumeDir}` : all;
	});
	const sts = ctx.info.sts;
	a = a.replace(
		new RegExp(
			`${sts.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-(\\d+)(?:\\.[A-Za-z0-9.-]*)?:(2379|2380)`,
			'g',
		),
		(all, n, port) => {
			const pp = ports[n];
			if (!pp) return all;
			return `127.0.0.1:${port === '2379' ? pp.client : pp.peer}`;
		},
	);
	if (info.clientUrl) {
		const own = new URL(info.clientUrl).port;
		const ownPeer = new URL(info.peerUrl).port;
		a = a.replace(
			/(127\.0\.0\.1|localhost):(2379|2380)(?!\d)/g,
			(_all, _h, port) => `127.0.0.1:${port === '2379' ? own : ownPeer}`,
		);
	}
	return a;
}

/** @param {string[]} argv */
async function cmdExec(argv) {
	const p = parseArgs(
		argv,
		new Set(['c', 'container']),
		new Set(['i', 'stdin', 't', 'tty', 'q', 'quiet']),
		'exec',
	);
	let name = p.pos[0];
	if (!name)
		throw new KubectlError(
			"error: expected 'exec (POD | TYPE/NAME) [-c CONTAINER] [flags] -- COMMAND [args...]'.\nPOD or TYPE/NAME is a required argument for the exec command",
		);
	if (name.includes('/')) name = name.split('/')[1] ?? '';
	if (!p.rest || p.rest.length === 0) {
		if (p.pos.length > 1)
			throw new KubectlError(
				'error: exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead',
			);
		throw new KubectlError('error: you must specify at least one command for the container');
	}
	const info = await api({ op: 'execInfo', name, container: flag(p, 'c', 'container') });
	const ports = (await api({ op: 'ports' })).ports;
	let [cmd, ...args] = p.rest.map((a) => mapArg(a, info, ports));
	if (cmd === '/opt/bitnami/etcd/bin/etcdctl') cmd = 'etcdctl';
	/** @type {Record<string, string>} */
	const env = { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: info.tmpDir, ETCDCTL_API: '3' };
	if (info.clientUrl) env.ETCDCTL_ENDPOINTS = info.clientUrl;
	const stdin = bool(p, 'i', 'stdin');
	return new Promise((resolve) => {
		const child = spawn(/** @type {string} */ (cmd), args, {
			cwd: info.tmpDir,
			env,
			stdio: [stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
		});
		/** @type {Buffer[]} */
		const out = [];
		/** @type {Buffer[]} */
		const errb = [];
		if (stdin && child.stdin) process.stdin.pipe(child.stdin);
		child.stdout?.on('data', (c) => out.push(c));
		child.stderr?.on('data', (c) => errb.push(c));
		const unmap = (/** @type {Buffer} */ b) => {
			let x = b;
			if (info.volumeDir) x = replaceInBuffer(x, info.volumeDir, VOLUME_MOUNT);
			return replaceInBuffer(x, info.tmpDir, '/tmp');
		};
		child.on('error', async (e) => {
			const code = /** @type {any} */ (e).code === 'ENOENT' ? 127 : 126;
			await write(
				process.stderr,
				`OCI runtime exec failed: exec failed: unable to start container process: exec: "${p.rest?.[0]}": executable file not found in $PATH: unknown\ncommand terminated with exit code ${code === 127 ? 126 : code}\n`,
			);
			resolve(126);
		});
		child.on('close', async (code, sig) => {
			await write(process.stdout, unmap(Buffer.concat(out)));
			await write(process.stderr, unmap(Buffer.concat(errb)));
			const c = code ?? (sig ? 137 : 1);
			if (c !== 0) await write(process.stderr, `command terminated with exit code ${c}\n`);
			resolve(c);
		});
	});
}

/** @param {string[]} argv */
async function cmdCp(argv) {
	const p = parseArgs(argv, new Set(['c', 'container', 'retries']), new Set(['no-preserve']), 'cp');
	const [src, dst] = p.pos;
	if (!src || !dst)
		throw new KubectlError(
			"error: source and destination are required\nSee 'kubectl cp -h' for help and examples",
		);
	const remote = (/** @type {string} */ s) => {
		const m = /^(?:([^/:]+)\/)?([^/:]+):(.*)$/.exec(s);
		return m ? { pod: m[2] ?? '', path: m[3] ?? '' } : null;
	};
	const rs = remote(src);
	const rd = remote(dst);
	if ((rs && rd) || (!rs && !rd))
		throw new KubectlError('error: one of src or dest must be a local file specification');
	const r = /** @type {{ pod: string, path: string }} */ (rs ?? rd);
	const info = await api({ op: 'execInfo', name: r.pod, container: flag(p, 'c', 'container') });
	const host = (/** @type {string} */ x) => {
		if (!x.startsWith('/')) x = `/${x}`;
		if (info.volumeDir && (x === VOLUME_MOUNT || x.startsWith(`${VOLUME_MOUNT}/`)))
			return info.volumeDir + x.slice(VOLUME_MOUNT.length);
		if (x === '/tmp' || x.startsWith('/tmp/')) return info.tmpDir + x.slice(4);
		throw new KubectlError(
			`error: the stand-in maps only ${VOLUME_MOUNT} and /tmp inside pods (got ${x})`,
		);
	};
	if (rs) {
		const from = host(rs.path);
		if (rs.path.startsWith('/'))
			await write(process.stderr, "tar: Removing leading `/' from member names\n");
		if (!fs.existsSync(from)) {
			throw new KubectlError(
				`tar: ${rs.path.replace(/^\//, '')}: Cannot stat: No such file or directory\ntar: Exiting with failure status due to previous errors`,
			);
		}
		fs.mkdirSync(path.dirname(path.resolve(dst)), { recursive: true });
		fs.cpSync(from, dst, { recursive: true });
	} else if (rd) {
		const to = host(rd.path);
		if (!fs.existsSync(src))
			throw new KubectlError(`error: ${src} doesn't exist in local filesystem`);
		fs.mkdirSync(path.dirname(to), { recursive: true });
		fs.cpSync(src, to, { recursive: true });
	}
	return 0;
}

/** @param {string[]} argv */
async function cmdScale(argv) {
	const p = parseArgs(
		argv,
		new Set(['replicas', 'current-replicas', 'timeout']),
		new Set([]),
		'scale',
	);
	const [r, names] = typeAndNames(p.pos);
	const rep = flag(p, 'replicas');
	if (rep === undefined) throw new KubectlError('error: required flag(s) "replicas" not set');
	if (!/^\d+$/.test(rep))
		throw new KubectlError(
			`error: invalid argument "${rep}" for "--replicas" flag: strconv.ParseInt: parsing "${rep}": invalid syntax`,
		);
	if (r !== 'statefulsets') throw new KubectlError(`error: the stand-in scales StatefulSets only`);
	const name = names[0];
	if (!name) throw new KubectlError('error: resource(s) were provided, but no name was specified');
	requireNamespace();
	if (ctx.ns !== ctx.info.namespace)
		throw new KubectlError(`Error from server (NotFound): statefulsets.apps "${name}" not found`);
	await api({ op: 'scale', name, replicas: Number(rep) });
	await write(process.stdout, `statefulset.apps/${name} scaled\n`);
	return 0;
}

/** @param {string[]} argv */
async function cmdDelete(argv) {
	const p = parseArgs(
		argv,
		new Set(['l', 'selector', 'grace-period', 'timeout', 'wait', 'cascade']),
		new Set(['force', 'now', 'ignore-not-found', 'wait', 'all']),
		'delete',
	);
	const [r, given] = typeAndNames(p.pos);
	let names = given;
	const sel = flag(p, 'l', 'selector');
	if (sel) names = (await list(r, sel)).map((o) => o.metadata.name);
	else if (!names.length)
		throw new KubectlError('error: resource(s) were provided, but no name was specified');
	if (meta(r).scoped) requireNamespace();
	const force = bool(p, 'force') || flag(p, 'grace-period') === '0';
	if (bool(p, 'force')) {
		await write(
			process.stderr,
			'Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.\n',
		);
	}
	/** @type {string[]} */
	const errors = [];
	/** @type {string[]} */
	const deleted = [];
	for (const n of names) {
		const res = await callApi(ctx.dir, {
			op: 'delete',
			resource: r,
			name: n,
			force,
			namespace: ctx.ns,
		}).catch(() => null);
		if (!res)
			throw new KubectlError(
				'The connection to the server 127.0.0.1:6443 was refused - did you specify the right host or port?',
			);
		if (meta(r).scoped && ctx.ns !== ctx.info.namespace) {
			errors.push(`Error from server (NotFound): ${meta(r).group} "${n}" not found`);
			continue;
		}
		if (!res.ok) {
			if (!(bool(p, 'ignore-not-found') && /NotFound/.test(res.error))) errors.push(res.error);
			continue;
		}
		deleted.push(n);
		await write(
			process.stdout,
			`${meta(r).short.split('.')[0]} "${n}" ${force ? 'force deleted' : 'deleted'}\n`,
		);
	}
	if (sel && !names.length) await write(process.stderr, 'No resources found\n');
	const wait = flag(p, 'wait') !== 'false';
	if (wait && deleted.length) {
		const deadline = Date.now() + duration(flag(p, 'timeout'), 24 * 3600_000);
		for (;;) {
			const items = await list(r);
			if (!items.some((o) => deleted.includes(o.metadata.name) && o.metadata.deletionTimestamp)) {
				const still = items.filter((o) => deleted.includes(o.metadata.name));
				// A pod the StatefulSet already recreated has the same name but no deletionTimestamp: it counts as gone.
				if (still.every((o) => !o.metadata.deletionTimestamp)) break;
			}
			if (Date.now() > deadline)
				throw new KubectlError(
					`error: timed out waiting for the condition on ${meta(r).group}/${deleted[0]}`,
				);
			await sleep(200);
		}
	}
	if (errors.length) throw new KubectlError(errors.join('\n'));
	return 0;
}

/** @param {string[]} argv */
async function cmdPatch(argv) {
	const p = parseArgs(
		argv,
		new Set(['p', 'patch', 'type', 'patch-file']),
		new Set(['dry-run']),
		'patch',
	);
	const [r, names] = typeAndNames(p.pos);
	const name = names[0];
	if (!name) throw new KubectlError('error: resource(s) were provided, but no name was specified');
	const text =
		flag(p, 'p', 'patch') ??
		(flag(p, 'patch-file')
			? fs.readFileSync(/** @type {string} */ (flag(p, 'patch-file')), 'utf8')
			: undefined);
	if (text === undefined)
		throw new KubectlError(
			'error: must specify --patch or --patch-file containing the contents of the patch',
		);
	let patch;
	try {
		patch = JSON.parse(text);
	} catch {
		throw new KubectlError(
			`error: unable to parse "${text}": yaml: did not find expected node content`,
		);
	}
	const type = flag(p, 'type') ?? 'strategic';
	if (type === 'json')
		throw new KubectlError('error: the stand-in supports --type merge and strategic patches');
	if (meta(r).scoped) requireNamespace();
	const res = await api({ op: 'patch', resource: r, name, patch });
	await write(
		process.stdout,
		`${meta(r).short}/${name} patched${res.changed === false ? ' (no change)' : ''}\n`,
	);
	return 0;
}

/** @param {string[]} argv */
async function cmdSet(argv) {
	const sub = argv[0];
	if (sub !== 'env') throw new KubectlError(`error: the stand-in supports only "kubectl set env"`);
	const p = parseArgs(
		argv.slice(1),
		new Set(['e', 'env', 'c', 'containers']),
		new Set(['list', 'overwrite', 'all']),
		'set env',
	);
	/** @type {string[]} */
	const objs = [];
	/** @type {[string, string][]} */
	const set = [];
	/** @type {string[]} */
	const unset = [];
	const envArgs = [...(p.flags.get('e') ?? []), ...(p.flags.get('env') ?? [])];
	for (const a of p.pos) {
		if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(a)) envArgs.push(a);
		else if (/^[A-Za-z_][A-Za-z0-9_]*-$/.test(a)) unset.push(a.slice(0, -1));
		else objs.push(a);
	}
	for (const e of envArgs) {
		const i = e.indexOf('=');
		set.push([e.slice(0, i), e.slice(i + 1)]);
	}
	const [r, names] = typeAndNames(objs);
	if (r !== 'statefulsets')
		throw new KubectlError('error: the stand-in sets env on StatefulSets only');
	const name = names[0];
	if (!name) throw new KubectlError('error: resource(s) were provided, but no name was specified');
	requireNamespace();
	if (ctx.ns !== ctx.info.namespace)
		throw new KubectlError(`Error from server (NotFound): statefulsets.apps "${name}" not found`);
	if (bool(p, 'list')) {
		const sts = await getOne('statefulsets', name);
		let out = `# StatefulSet ${name}, container etcd\n`;
		for (const e of sts.spec.template.spec.containers[0].env) {
			out += e.valueFrom
				? `# ${e.name} from field path ${e.valueFrom.fieldRef.fieldPath}\n`
				: `${e.name}=${e.value}\n`;
		}
		await write(process.stdout, out);
		return 0;
	}
	if (!set.length && !unset.length)
		throw new KubectlError('error: at least one environment variable must be provided');
	await api({ op: 'setEnv', name, set, unset });
	await write(process.stdout, `statefulset.apps/${name} env updated\n`);
	return 0;
}

/**
 * @param {any} o
 * @param {string} cond e.g. `condition=Ready`, `delete`, `jsonpath={.status.phase}=Running`
 */
function conditionMet(o, cond) {
	const m = /^condition=([^=]+)(?:=(.*))?$/i.exec(cond);
	if (m) {
		const want = (m[2] ?? 'true').toLowerCase();
		const c = (o.status?.conditions ?? []).find(
			(/** @type {any} */ x) => x.type.toLowerCase() === (m[1] ?? '').toLowerCase(),
		);
		return !!c && String(c.status).toLowerCase() === want;
	}
	const j = /^jsonpath=(.*?)(?:=([^=}]*))?$/.exec(cond);
	if (j) {
		const tpl = (j[1] ?? '').replace(/^'|'$/g, '');
		const got = renderJsonPath(tpl.startsWith('{') ? tpl : `{${tpl}}`, o);
		return j[2] === undefined ? got !== '' : got === j[2];
	}
	throw new KubectlError(`error: unrecognized condition: "${cond}"`);
}

/** @param {string[]} argv */
async function cmdWait(argv) {
	const p = parseArgs(argv, new Set(['for', 'timeout', 'l', 'selector']), new Set(['all']), 'wait');
	const cond = flag(p, 'for');
	if (!cond) throw new KubectlError('error: --for must be set');
	const [r, given] = typeAndNames(p.pos);
	const timeout = duration(flag(p, 'timeout'), 30_000);
	const sel = flag(p, 'l', 'selector');
	let names = given;
	if (sel || bool(p, 'all')) names = (await list(r, sel)).map((o) => o.metadata.name);
	if (!names.length) throw new KubectlError('error: no matching resources found');
	const deadline = Date.now() + timeout;
	const uids = new Map();
	for (const n of names) {
		const items = await list(r);
		const o = items.find((x) => x.metadata.name === n);
		if (!o) {
			if (cond === 'delete') continue;
			throw new KubectlError(`Error from server (NotFound): ${meta(r).group} "${n}" not found`);
		}
		uids.set(n, o.metadata.uid);
	}
	for (const n of names) {
		for (;;) {
			const items = await list(r);
			const o = items.find((x) => x.metadata.name === n);
			if (cond === 'delete') {
				if (!o || o.metadata.uid !== uids.get(n)) break;
			} else if (o && conditionMet(o, cond)) break;
			if (Date.now() >= deadline)
				throw new KubectlError(
					`error: timed out waiting for the condition on ${meta(r).group}/${n}`,
				);
			await sleep(200);
		}
		await write(process.stdout, `${meta(r).short.split('.')[0]}/${n} condition met\n`);
	}
	return 0;
}

/** @param {string[]} argv */
async function cmdRollout(argv) {
	const sub = argv[0];
	if (sub !== 'status')
		throw new KubectlError('error: the stand-in supports only "kubectl rollout status"');
	const p = parseArgs(
		argv.slice(1),
		new Set(['timeout', 'w', 'watch', 'revision']),
		new Set(['w', 'watch']),
		'rollout status',
	);
	const [r, names] = typeAndNames(p.pos);
	if (r !== 'statefulsets')
		throw new KubectlError('error: the stand-in reports rollouts of StatefulSets only');
	const name = names[0] ?? '';
	const timeout = flag(p, 'timeout') ? duration(flag(p, 'timeout'), 0) : Infinity;
	const watch = flag(p, 'w', 'watch') !== 'false';
	const deadline = Date.now() + timeout;
	let last = '';
	for (;;) {
		const s = await getOne('statefulsets', name);
		let msg;
		let done = false;
		if ((s.status.readyReplicas ?? 0) < s.spec.replicas || s.status.replicas !== s.spec.replicas) {
			msg = `Waiting for ${Math.max(s.spec.replicas - (s.status.readyReplicas ?? 0), 1)} pods to be ready...\n`;
		} else if (s.status.updateRevision !== s.status.currentRevision) {
			msg = `waiting for statefulset rolling update to complete ${s.status.updatedReplicas} pods at revision ${s.status.updateRevision}...\n`;
		} else {
			msg = `statefulset rolling update complete ${s.status.replicas} pods at revision ${s.status.currentRevision}...\n`;
			done = true;
		}
		if (msg !== last) await write(process.stdout, msg);
		last = msg;
		if (done || !watch) return 0;
		if (Date.now() >= deadline)
			throw new KubectlError('error: timed out waiting for the condition');
		await sleep(250);
	}
}

/** @param {string[]} argv */
async function cmdRun(argv) {
	const p = parseArgs(
		argv,
		new Set([
			'image',
			'restart',
			'overrides',
			'labels',
			'l',
			'env',
			'command',
			'image-pull-policy',
			'pod-running-timeout',
		]),
		new Set(['command', 'i', 't', 'stdin', 'tty', 'rm', 'quiet', 'q']),
		'run',
	);
	const name = p.pos[0];
	if (!name) throw new KubectlError('error: NAME is required for run');
	const image = flag(p, 'image');
	if (!image) throw new KubectlError('error: required flag(s) "image" not set');
	let overrides = null;
	const o = flag(p, 'overrides');
	if (o) {
		try {
			overrides = JSON.parse(o);
		} catch {
			throw new KubectlError(`error: Invalid JSON Patch`);
		}
	}
	requireNamespace();
	await api({ op: 'run', name, image, overrides, command: p.rest ?? [] });
	await write(process.stdout, `pod/${name} created\n`);
	return 0;
}

/** @param {string[]} argv */
async function cmdPortForward(argv) {
	const p = parseArgs(
		argv,
		new Set(['address', 'pod-running-timeout']),
		new Set([]),
		'port-forward',
	);
	let target = p.pos[0];
	if (!target)
		throw new KubectlError('error: TYPE/NAME and list of ports are required for port-forward');
	let podName = target;
	if (target.includes('/')) {
		const [t, n] = target.split('/');
		if (t === 'svc' || t === 'service') {
			const pods = (
				await list(
					'pods',
					`app.kubernetes.io/instance=${ctx.info.release},app.kubernetes.io/name=etcd`,
				)
			).filter((x) => x.status.containerStatuses?.[0]?.ready);
			if (!pods.length)
				throw new KubectlError(
					`error: unable to forward port because pod is not running. Current status=Pending`,
				);
			podName = pods[0].metadata.name;
		} else {
			if (resource(t ?? '') !== 'pods')
				throw new KubectlError('error: the stand-in forwards pods and services only');
			podName = n ?? '';
		}
	}
	const specs = p.pos.slice(1);
	if (!specs.length)
		throw new KubectlError('error: TYPE/NAME and list of ports are required for port-forward');
	const info = await api({ op: 'portInfo', name: podName });
	const servers = [];
	for (const s of specs) {
		const [l, rr] = s.includes(':') ? s.split(':') : [s, s];
		const remote = Number(rr);
		const target = info.ports[String(remote)];
		if (!target) throw new KubectlError(`error: the stand-in forwards ports 2379 and 2380 only`);
		const local = l === '' ? 0 : Number(l);
		const srv = net.createServer((sock) => {
			void write(process.stdout, `Handling connection for ${local || addrPort(srv)}\n`);
			const up = net.connect(target, '127.0.0.1');
			sock.pipe(up).pipe(sock);
			up.on('error', () => sock.destroy());
			sock.on('error', () => up.destroy());
		});
		await new Promise((resolve, reject) => {
			srv.once('error', () =>
				reject(
					new KubectlError(
						`Unable to listen on port ${local}: Listeners failed to create with the following errors: [unable to create listener: Error listen tcp4 127.0.0.1:${local}: bind: address already in use]\nerror: unable to listen on any of the requested ports: [{${local} ${remote}}]`,
					),
				),
			);
			srv.listen(local, '127.0.0.1', () => resolve(null));
		});
		await write(process.stdout, `Forwarding from 127.0.0.1:${addrPort(srv)} -> ${remote}\n`);
		servers.push(srv);
	}
	// Like kubectl, the forward ends when its pod goes away; it also ends with its stand-in cluster, so a
	// forward that a runbook or test forgot cannot outlive the cluster it points to.
	// Three misses in a row, so one slow answer from a busy supervisor does not cut a restore short.
	for (let misses = 0; misses < 3;) {
		await new Promise((resolve) => setTimeout(resolve, 1000));
		const alive = await api({ op: 'portInfo', name: podName }).then(
			(now) => JSON.stringify(now.ports) === JSON.stringify(info.ports),
			() => false,
		);
		misses = alive ? 0 : misses + 1;
	}
	for (const srv of servers) srv.close();
	await write(process.stderr, 'error: lost connection to pod\n');
	return 1;
}

/** @param {net.Server} s */
function addrPort(s) {
	const a = s.address();
	return typeof a === 'object' && a ? a.port : 0;
}

/** @param {string[]} argv */
async function cmdConfig(argv) {
	const sub = argv[0];
	const p = parseArgs(
		argv.slice(1),
		new Set(['o', 'output']),
		new Set(['minify', 'raw', 'flatten']),
		`config ${sub}`,
	);
	if (sub === 'current-context') {
		await write(process.stdout, `${ctx.info.context}\n`);
		return 0;
	}
	const kubeconfig = {
		apiVersion: 'v1',
		kind: 'Config',
		clusters: [{ name: ctx.info.context, cluster: { server: 'https://127.0.0.1:6443' } }],
		contexts: [
			{
				name: ctx.info.context,
				context: {
					cluster: ctx.info.context,
					user: ctx.info.context,
					namespace: ctx.info.namespace,
				},
			},
		],
		'current-context': ctx.info.context,
		users: [{ name: ctx.info.context, user: {} }],
	};
	if (sub === 'get-contexts') {
		await write(
			process.stdout,
			`${table([
				['CURRENT', 'NAME', 'CLUSTER', 'AUTHINFO', 'NAMESPACE'],
				['*', ctx.info.context, ctx.info.context, ctx.info.context, ctx.info.namespace],
			])}\n`,
		);
		return 0;
	}
	if (sub === 'view') {
		const out = flag(p, 'o', 'output');
		if (!out || out === 'yaml') await write(process.stdout, toYaml(kubeconfig));
		else if (out === 'json')
			await write(process.stdout, `${JSON.stringify(kubeconfig, null, 4)}\n`);
		else if (out.startsWith('jsonpath='))
			await write(process.stdout, renderJsonPath(out.slice(9), kubeconfig));
		return 0;
	}
	throw new KubectlError(
		`error: the stand-in supports config current-context, get-contexts and view`,
	);
}

const HELP = `kubectl controls the Kubernetes cluster manager (stand-in).\n\nSupported: get, describe, logs, exec, cp, scale, delete, patch, set env, wait, rollout status, run, port-forward, config, version\n`;

/**
 * @param {string[]} argv
 * @returns {Promise<number>}
 */
export async function main(argv) {
	// Global flags may appear anywhere before `--`.
	/** @type {string[]} */
	const rest = [];
	let context;
	let namespace;
	const dd = argv.indexOf('--');
	const head = dd >= 0 ? argv.slice(0, dd) : argv;
	const tail = dd >= 0 ? argv.slice(dd) : [];
	for (let i = 0; i < head.length; i++) {
		const a = /** @type {string} */ (head[i]);
		const take = () => {
			const v = head[++i];
			if (v === undefined) throw new KubectlError(`error: flag needs an argument: ${a}`);
			return v;
		};
		if (a === '--context') context = take();
		else if (a.startsWith('--context=')) context = a.slice(10);
		else if (a === '-n' || a === '--namespace') namespace = take();
		else if (a.startsWith('--namespace=')) namespace = a.slice(12);
		else if (/^-n[^-]/.test(a)) namespace = a.slice(2).replace(/^=/, '');
		else if (a === '--kubeconfig' || a === '--request-timeout' || a === '-v') take();
		else if (
			a.startsWith('--kubeconfig=') ||
			a.startsWith('--request-timeout=') ||
			a.startsWith('-v=')
		)
			continue;
		else rest.push(a);
	}
	rest.push(...tail);
	const verb = rest[0];
	if (!verb || verb === 'help' || verb === '--help' || verb === '-h') {
		await write(process.stdout, HELP);
		return 0;
	}
	const dir = process.env.STANDIN_DIR;
	if (!dir)
		throw new KubectlError(
			'error: STANDIN_DIR is not set: the stand-in kubectl needs a cluster folder',
		);
	ctx.dir = dir;
	if (verb === 'version') {
		const client = rest.includes('--client') || rest.includes('--client=true');
		let out = 'Client Version: v1.29.0\nKustomize Version: v5.0.4-0.20230601165947-6ce0bf390ce3\n';
		if (!client) {
			await api({ op: 'info' });
			out += 'Server Version: v1.29.0\n';
		}
		await write(process.stdout, out);
		return 0;
	}
	ctx.info = await api({ op: 'info' });
	if (context !== undefined && context !== ctx.info.context) {
		throw new KubectlError(
			`Error in configuration: context was not found for specified context: ${context}`,
		);
	}
	ctx.ns = namespace ?? ctx.info.namespace;
	const args = rest.slice(1);
	switch (verb) {
		case 'get':
			return cmdGet(args);
		case 'describe':
			return cmdDescribe(args);
		case 'logs':
			return cmdLogs(args);
		case 'exec':
			if (ctx.ns !== ctx.info.namespace)
				throw new KubectlError(
					`Error from server (NotFound): pods "${(args.find((a) => !a.startsWith('-')) ?? '').split('/').pop()}" not found`,
				);
			return cmdExec(args);
		case 'cp':
			return cmdCp(args);
		case 'scale':
			return cmdScale(args);
		case 'delete':
			return cmdDelete(args);
		case 'patch':
			return cmdPatch(args);
		case 'set':
			return cmdSet(args);
		case 'wait':
			return cmdWait(args);
		case 'rollout':
			return cmdRollout(args);
		case 'run':
			return cmdRun(args);
		case 'port-forward':
			return cmdPortForward(args);
		case 'config':
			return cmdConfig(args);
		default:
			throw new KubectlError(`error: unknown command "${verb}" for "kubectl"`);
	}
}

/** @param {string[]} argv */
export async function run(argv) {
	try {
		return await main(argv);
	} catch (e) {
		if (e instanceof KubectlError) {
			await write(process.stderr, `${e.message}\n`);
			return e.code;
		}
		await write(process.stderr, `error: ${e instanceof Error ? e.message : String(e)}\n`);
		return 1;
	}
}
