// @ts-check
// runtime-compat's reads: where the server version comes from (docker image tag, the log banner, the
// release's image tags on Kubernetes) and the SDK versions of the client project (pip, npm, go, mvn). main()
// decides which server reads tell the version (chooseServerReads, before the toolkit connects: a Kubernetes
// read needs the kubectl context pinned); compatSteps turns that and the project into the steps the run makes
// and --describe lists; serverFrom/clientsFrom read the versions back from the steps' values. Only reads.
import * as nodeFs from 'node:fs';
import * as nodePath from 'node:path';
import { StepFailedError, UsageError } from './exit.mjs';
import {
	formatVersion,
	parseVersion,
	versionFromBanner,
	versionFromImage,
} from './compat-table.mjs';
import { firstLine, instanceSelector } from './diag.mjs';
import { createKube, resolveTarget } from './kube.mjs';
import { findOnPath, formatCommand, run as runArgv } from './shell.mjs';

/** @typedef {import('./runbook.mjs').Context} Context */
/** @typedef {import('./runbook.mjs').Step} Step */
/** @typedef {import('./shell.mjs').RunResult} RunResult */
/** @typedef {import('./compat-table.mjs').SdkLang} SdkLang */
/** @typedef {'server-image'|'server-banner'|'kubectl-image'} ServerRead */
/** @typedef {'pymilvus-version'|'node-sdk-version'|'go-version'|'java-sdk-version'} SdkRead */
/** @typedef {{ sdk: SdkLang, version: string, from: string, goModule?: string }} Client */

export const GO_OLD = 'github.com/milvus-io/milvus-sdk-go/v2';
export const GO_NEW = 'github.com/milvus-io/milvus/client/v2';

/**
 * @typedef {object} CompatFacts
 * @property {string} container   the docker container of Milvus
 * @property {string} release
 * @property {string} project     the client project's folder (the SDK reads run there)
 * @property {ServerRead[]} server the reads that found the server version (or tried to), in order
 * @property {SdkRead[]} sdks     the SDK reads: the tool is on PATH, the manifest is there, no flag gave it
 */

/** @type {CompatFacts} every read there is: docker's tag without a version, no banner either, then Kubernetes */
export const COMPAT_EXAMPLE = {
	container: 'milvus-standalone',
	release: 'my-release',
	project: '.',
	server: ['server-image', 'server-banner', 'kubectl-image'],
	sdks: ['pymilvus-version', 'node-sdk-version', 'go-version', 'java-sdk-version'],
};

/** The flag that gives each SDK's version instead of reading it. @type {[SdkLang, string][]} */
const SDK_FLAGS = [
	['python', 'pymilvus'],
	['node', 'node-sdk'],
	['go', 'go-sdk'],
	['java', 'java-sdk'],
];

/** @param {string} image @returns {string | null} */
const imageVersion = (image) => {
	const v = versionFromImage(image);
	return v ? formatVersion(v) : null;
};

/** @param {RunResult} r @returns {string | null} the banner's version in a docker log (both streams) */
const bannerVersion = (r) => {
	const b = versionFromBanner(`${r.stdout}\n${r.stderr}`);
	return b ? formatVersion(b) : null;
};

/**
 * The Milvus images of the release's pods and the version most of them run.
 * @param {string} stdout  `kubectl get pods -o jsonpath={…image}`
 * @returns {{ images: string[], version: string | null, from: string | null }}
 */
function kubeImages(stdout) {
	const images = stdout.split(/\s+/).filter((i) => /(^|\/)milvus:/.test(i));
	/** @type {Map<string, number>} */
	const counts = new Map();
	for (const i of images) {
		const v = imageVersion(i);
		if (v) counts.set(v, (counts.get(v) ?? 0) + 1);
	}
	const best = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
	const from = best ? `image ${images.find((i) => imageVersion(i) === best)}` : null;
	return { images, version: best, from };
}

/**
 * The server reads' argv, for the run and for --describe.
 * @param {{ argv: (...a: string[]) => string[] }} kube
 * @param {{ container: string, release: string }} facts
 * @returns {Record<ServerRead, string[]>}
 */
const serverArgv = (kube, { container, release }) => ({
	'server-image': ['docker', 'inspect', '--format', '{{.Config.Image}}', container],
	'server-banner': ['docker', 'logs', container],
	'kubectl-image': kube.argv(
		'get',
		'pods',
		'-l',
		instanceSelector(release),
		'-o',
		'jsonpath={.items[*].spec.containers[*].image}',
	),
});

/** @param {Context} ctx @param {string[]} argv @param {RunResult} r */
const failed = (ctx, argv, r) =>
	new StepFailedError(
		ctx.t('commandFailed', {
			command: formatCommand(argv),
			code: r.exitCode,
			stderr: firstLine(r.stderr),
		}),
	);

/**
 * From main(), before the toolkit connects: the server reads that tell the version, tried in the order a run
 * makes them (docker's tag, docker's banner, the release's image tags); a Kubernetes read sets ctx.target so
 * the steps' kubectl is pinned. `--server-version` or `--source none`: none.
 * @param {Context} ctx
 * @returns {Promise<ServerRead[]>}
 */
export async function chooseServerReads(ctx) {
	const source = String(ctx.flags.source);
	const given = /** @type {string | undefined} */ (ctx.flags['server-version']);
	if (given !== undefined) {
		if (!parseVersion(given) || !/^v?\d+\.\d+(\.\d+)?([-.+].*)?$/.test(given.trim()))
			throw new UsageError(ctx.t('badServerVersion', { value: given }));
		return [];
	}
	if (source === 'none') return [];
	const facts = { container: String(ctx.flags.container), release: ctx.opts.release };
	const plain = serverArgv({ argv: (...a) => ['kubectl', ...a] }, facts);
	/** @param {string[]} argv */
	const read = (argv) => runArgv(argv, { check: false, lang: ctx.lang });
	/** @type {ServerRead[]} */
	const reads = [];
	if ((source === 'auto' || source === 'docker') && findOnPath('docker', ctx.env)) {
		reads.push('server-image');
		const r = await read(plain['server-image']);
		if (r.ok) {
			if (imageVersion(r.stdout.trim())) return reads;
			reads.push('server-banner');
			if (bannerVersion(await read(plain['server-banner']))) return reads;
		} else if (source === 'docker') throw failed(ctx, plain['server-image'], r);
	} else if (source === 'docker') {
		throw new StepFailedError(ctx.t('toolMissing', { tool: 'docker' }));
	}
	if (source !== 'auto' && source !== 'kubernetes') return reads;
	if (!findOnPath('kubectl', ctx.env)) {
		if (source === 'kubernetes')
			throw new StepFailedError(ctx.t('toolMissing', { tool: 'kubectl' }));
		return reads;
	}
	/** @type {{ context: string, namespace: string }} */
	let target;
	try {
		target = await resolveTarget({
			context: ctx.opts.context,
			namespace: ctx.opts.namespace,
			lang: ctx.lang,
		});
	} catch (e) {
		// auto: a kubectl without a usable context just means "not on Kubernetes here".
		if (source === 'kubernetes') throw e;
		return reads;
	}
	const kube = createKube({ context: target.context, namespace: target.namespace, lang: ctx.lang });
	const argv = serverArgv(kube, facts)['kubectl-image'];
	const r = await read(argv);
	if (!r.ok && source === 'kubernetes') throw failed(ctx, argv, r);
	ctx.target = 'kubernetes';
	return [...reads, 'kubectl-image'];
}

/**
 * The versions the --pymilvus/--node-sdk/--go-sdk/--java-sdk flags give (checked: exit 2 when malformed).
 * @param {Context} ctx
 * @returns {Client[]}
 */
export function givenClients(ctx) {
	/** @type {Client[]} */
	const found = [];
	for (const [sdk, flag] of SDK_FLAGS) {
		const v = /** @type {string | undefined} */ (ctx.flags[flag]);
		if (v === undefined) continue;
		const parsed = parseVersion(v);
		if (!parsed || !/^v?\d+\.\d+(\.\d+)?([-.+a-z].*)?$/i.test(v.trim()))
			throw new UsageError(ctx.t('badSdkVersion', { flag: `--${flag}`, value: v }));
		found.push({
			sdk,
			version: formatVersion(parsed),
			from: `--${flag}`,
			...(sdk === 'go' ? { goModule: GO_NEW } : {}),
		});
	}
	return found;
}

/**
 * The SDK reads worth making in `dir`: the tool on PATH, its manifest there, no flag giving the version.
 * @param {Context} ctx
 * @param {string} dir
 * @returns {SdkRead[]}
 */
export function sdkReads(ctx, dir) {
	const given = new Set(givenClients(ctx).map((c) => c.sdk));
	const has = (/** @type {string} */ f) => nodeFs.existsSync(nodePath.join(dir, f));
	const tool = (/** @type {string} */ t) => findOnPath(t, ctx.env) !== null;
	/** @type {[SdkLang, SdkRead, boolean][]} */
	const reads = [
		['python', 'pymilvus-version', tool('pip')],
		['node', 'node-sdk-version', tool('npm') && has('package.json')],
		['go', 'go-version', tool('go') && has('go.mod')],
		['java', 'java-sdk-version', tool('mvn') && has('pom.xml')],
	];
	return reads.filter(([sdk, , wanted]) => wanted && !given.has(sdk)).map(([, id]) => id);
}

/**
 * @param {string} mod
 * @param {string} stdout
 */
const goVersion = (mod, stdout) =>
	new RegExp(`^${mod.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\s+(v\\S+)`, 'm').exec(stdout)?.[1] ??
	null;

/**
 * The SDK steps of one read (go: the 2.5+ module, then the older one when the first is not required).
 * @param {SdkRead} id
 * @param {string} cwd
 * @returns {Step[]}
 */
function sdkSteps(id, cwd) {
	/** @type {Omit<Step, 'id' | 'title' | 'command'>} */
	const base = { mode: 'read', check: false, cwd };
	if (id === 'go-version') {
		/** @param {string} mod @returns {(r: RunResult) => Client | null} */
		const parse = (mod) => (r) => {
			const v = r.ok ? goVersion(mod, r.stdout) : null;
			return v ? { sdk: 'go', version: v, from: `go list -m ${mod}`, goModule: mod } : null;
		};
		return [
			{
				...base,
				id: 'go-client-version',
				title: {
					en: 'Go SDK version (Milvus 2.5 and later)',
					id: 'Versi Go SDK (Milvus 2.5 ke atas)',
				},
				command: ['go', 'list', '-m', GO_NEW],
				parse: parse(GO_NEW),
			},
			{
				...base,
				id: 'go-sdk-version',
				title: {
					en: 'Go SDK version (before Milvus 2.5)',
					id: 'Versi Go SDK (sebelum Milvus 2.5)',
				},
				command: ['go', 'list', '-m', GO_OLD],
				parse: parse(GO_OLD),
				when: (ctx) => !ctx.results['go-client-version'],
				alternativeTo: 'go-client-version',
			},
		];
	}
	/** @type {Record<Exclude<SdkRead, 'go-version'>, Step>} */
	const steps = {
		'pymilvus-version': {
			...base,
			id: 'pymilvus-version',
			title: { en: 'pymilvus version', id: 'Versi pymilvus' },
			command: ['pip', 'show', 'pymilvus'],
			parse: (r) => {
				const v = /^Version:\s*(\S+)/m.exec(r.stdout)?.[1];
				return r.ok && v ? { sdk: 'python', version: v, from: 'pip show pymilvus' } : null;
			},
		},
		'node-sdk-version': {
			...base,
			id: 'node-sdk-version',
			title: { en: 'Node SDK version', id: 'Versi Node SDK' },
			command: ['npm', 'ls', '@zilliz/milvus2-sdk-node'],
			// npm ls exits 1 for unrelated tree problems while still printing the version.
			parse: (r) => {
				const v = /@zilliz\/milvus2-sdk-node@(\S+)/.exec(r.stdout)?.[1];
				return v ? { sdk: 'node', version: v, from: 'npm ls @zilliz/milvus2-sdk-node' } : null;
			},
		},
		'java-sdk-version': {
			...base,
			id: 'java-sdk-version',
			title: { en: 'Java SDK version', id: 'Versi Java SDK' },
			command: ['mvn', 'dependency:tree', '-Dincludes=io.milvus:milvus-sdk-java'],
			parse: (r) => {
				const v = /io\.milvus:milvus-sdk-java:jar:([\w.-]+)/.exec(r.stdout)?.[1];
				return v ? { sdk: 'java', version: v, from: 'mvn dependency:tree' } : null;
			},
		},
	};
	return [steps[id]];
}

/**
 * The steps of runtime-compat for these facts: the server reads, then the SDK reads.
 * @param {Context} ctx
 * @param {CompatFacts} facts
 * @returns {Step[]}
 */
export function compatSteps(ctx, facts) {
	const argv = serverArgv(ctx.kube, facts);
	/** @type {Record<ServerRead, Step>} */
	const server = {
		'server-image': {
			id: 'server-image',
			title: { en: 'Read the server image tag (docker)', id: 'Baca tag image server (docker)' },
			mode: 'read',
			check: false,
			command: argv['server-image'],
			// The tag is shown; a failed inspect leaves the other sources to say the version.
			parse: (r) => (r.ok ? r.stdout.trim() : null),
		},
		'server-banner': {
			id: 'server-banner',
			title: {
				en: 'Read the version banner in the server log (docker)',
				id: 'Baca banner versi di log server (docker)',
			},
			mode: 'read',
			check: false,
			command: argv['server-banner'],
			parse: (r) => ({ version: bannerVersion(r) }),
		},
		'kubectl-image': {
			id: 'kubectl-image',
			title: {
				en: 'Read the server image tags (Kubernetes)',
				id: 'Baca tag image server (Kubernetes)',
			},
			mode: 'read',
			check: false,
			command: argv['kubectl-image'],
			parse: (r) => (r.ok ? kubeImages(r.stdout) : null),
			after: (_c, value) => {
				const images = /** @type {{ images: string[] } | null} */ (value)?.images;
				return images ? [...new Set(images)].join('\n') : undefined;
			},
		},
	};
	return [
		...facts.server.map((id) => server[id]),
		...facts.sdks.flatMap((id) => sdkSteps(id, facts.project)),
	];
}

/**
 * The server version the steps read (or --server-version gave), in the order a run trusts them.
 * @param {Context} ctx
 * @param {CompatFacts} facts
 * @returns {{ version: string, from: string } | null}
 */
export function serverFrom(ctx, facts) {
	const given = /** @type {string | undefined} */ (ctx.flags['server-version']);
	const parsed = given !== undefined ? parseVersion(given) : null;
	if (parsed) return { version: formatVersion(parsed), from: '--server-version' };
	const image = /** @type {string | null | undefined} */ (ctx.results['server-image']);
	const tagged = image ? imageVersion(image) : null;
	if (image && tagged) return { version: tagged, from: `image ${image}` };
	const banner = /** @type {{ version: string | null } | undefined} */ (
		ctx.results['server-banner']
	);
	if (banner?.version) return { version: banner.version, from: `docker logs ${facts.container}` };
	const kube = /** @type {ReturnType<typeof kubeImages> | null | undefined} */ (
		ctx.results['kubectl-image']
	);
	if (kube?.version && kube.from) return { version: kube.version, from: kube.from };
	return null;
}

/**
 * The SDK versions: the flags', then what the steps read.
 * @param {Context} ctx
 * @returns {Client[]}
 */
export function clientsFrom(ctx) {
	const read = ['pymilvus-version', 'node-sdk-version', 'go-client-version', 'go-sdk-version'];
	read.push('java-sdk-version');
	const found = read.map((id) => /** @type {Client | null | undefined} */ (ctx.results[id]));
	return [...givenClients(ctx), ...found.filter((c) => c !== null && c !== undefined)];
}
