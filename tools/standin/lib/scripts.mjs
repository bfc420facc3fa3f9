// @ts-check
/**
 * The container start scripts (entrypoint.sh → setup.sh → run.sh) and preStop hooks of the two generations
 * of etcd image the Milvus chart has shipped, replayed in JavaScript against real etcdctl calls.
 * Sources: the Bitnami etcd image scripts; bitnami-2022 follows the 2022 Bitnami libetcd.sh
 * (`etcd_initialize` with member_id), milvusdb-fork follows milvus-io/bitnami-docker-etcd after c2d0c18.
 * Waits are shortened (the real 5 s and 10 s retries would only slow the tests down).
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

/** A script ended the container with this exit code (bash errexit / explicit exit). */
export class ExitError extends Error {
	/** @param {number} code */
	constructor(code) {
		super(`exit ${code}`);
		this.code = code;
	}
}

/**
 * @typedef {object} ScriptCtx
 * @property {'bitnami-2022' | 'milvusdb-fork'} generation
 * @property {string} podName
 * @property {Record<string, string>} env the container env with `$(MY_POD_NAME)` expanded
 * @property {(url: string) => string} resolve maps a chart URL (DNS name, 0.0.0.0) to the stand-in's 127.0.0.1 one
 * @property {string} dataDir host path of /bitnami/etcd/data
 * @property {string} volumeDir host path of /bitnami/etcd
 * @property {string} clientUrl own client URL (127.0.0.1)
 * @property {string} peerUrl own peer URL (127.0.0.1)
 * @property {(level: 'INFO' | 'WARN' | 'ERROR' | 'DEBUG', msg: string) => void} log
 * @property {(line: string) => void} raw writes a raw line (a command's output) to the container log
 * @property {(args: string[], opts?: { timeoutMs?: number }) => Promise<{ code: number, stdout: string, stderr: string }>} etcdctl
 * @property {(onlyOthers: boolean) => string[]} clientEndpoints `127.0.0.1:<port>` of every sts pod with an IP
 * @property {() => number} headlessIps how many IPs the headless service resolves to
 * @property {(ms: number) => Promise<void>} sleep rejects when the container is being stopped
 * @property {number} retries retry_while count
 * @property {number} retryMs retry_while delay
 */

/** @param {string} s */
const splitList = (s) =>
	s
		.split(/[,;]/)
		.map((x) => x.trim())
		.filter(Boolean);

/** @param {string} dir */
function isDirEmpty(dir) {
	try {
		return fs.readdirSync(dir).length === 0;
	} catch {
		return true;
	}
}

/** @param {string} url */
const hostPort = (url) => {
	try {
		const u = new URL(url);
		return `${u.hostname}:${u.port}`;
	} catch {
		return url;
	}
};

/**
 * Common prologue: entrypoint.sh banner, setup.sh validation.
 * @param {ScriptCtx} ctx
 */
function prologue(ctx) {
	ctx.raw(`etcd ${stamp()} `);
	ctx.raw(`etcd ${stamp()} Welcome to the Bitnami etcd container`);
	ctx.raw(
		`etcd ${stamp()} Subscribe to project updates by watching https://github.com/bitnami/bitnami-docker-etcd`,
	);
	ctx.raw(
		`etcd ${stamp()} Submit issues and feature requests at https://github.com/bitnami/bitnami-docker-etcd/issues`,
	);
	ctx.raw(`etcd ${stamp()} `);
	ctx.log('INFO', '** Starting etcd setup **');
	ctx.log('INFO', 'Validating settings in ETCD_* env vars..');
	if ((ctx.env.ALLOW_NONE_AUTHENTICATION ?? '') === 'yes') {
		ctx.log(
			'WARN',
			`You set the environment variable ALLOW_NONE_AUTHENTICATION=yes. For safety reasons, do not use this flag in a production environment.`,
		);
	}
	ctx.log('INFO', 'Initializing etcd');
}

/** `HH:MM:SS.cc` as Bitnami's liblog prints it. */
export function stamp(d = new Date()) {
	const p = (/** @type {number} */ n, w = 2) => String(n).padStart(w, '0');
	return `${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}.${p(Math.floor(d.getUTCMilliseconds() / 10))}`;
}

/**
 * Runs etcdctl and copies its stderr into the log like a failing command in a Bitnami script does.
 * @param {ScriptCtx} ctx
 * @param {string[]} args
 */
async function etcdctlLogged(ctx, args) {
	const r = await ctx.etcdctl(args);
	for (const line of r.stderr.split('\n')) if (line.trim()) ctx.raw(line);
	return r;
}

/**
 * `etcdctl endpoint health` of one endpoint. A closed port fails at once instead of after etcdctl's dial
 * timeout: same answer, faster tests.
 * @param {ScriptCtx} ctx
 * @param {string} endpoint host:port
 */
async function endpointHealthy(ctx, endpoint) {
	const [host, port] = endpoint.split(':');
	const open = await new Promise((resolve) => {
		const sock = net.connect({ host, port: Number(port) });
		sock.setTimeout(500);
		sock.once('connect', () => {
			sock.destroy();
			resolve(true);
		});
		sock.once('timeout', () => {
			sock.destroy();
			resolve(false);
		});
		sock.once('error', () => resolve(false));
	});
	if (!open) return false;
	return (await ctx.etcdctl(['endpoint', 'health', `--endpoints=${endpoint}`])).code === 0;
}

/**
 * `is_healthy_etcd_cluster`: enough *other* members answer `endpoint health`.
 * @param {ScriptCtx} ctx
 */
async function isHealthyCluster(ctx) {
	const all = ctx.clientEndpoints(false);
	const self = hostPort(ctx.clientUrl);
	/** @type {string[]} */
	const active = [];
	for (const e of all) {
		if (e === self) continue;
		if (await endpointHealthy(ctx, e)) active.push(e);
	}
	return { healthy: active.length >= Math.floor((all.length + 1) / 2), active };
}

/**
 * `member add` and the `grep ^ETCD_ > new_member_envs` of both generations.
 * @param {ScriptCtx} ctx
 * @param {string} endpoints
 * @param {string} peerUrl
 */
async function memberAdd(ctx, endpoints, peerUrl) {
	const r = await etcdctlLogged(ctx, [
		'member',
		'add',
		ctx.env.ETCD_NAME ?? ctx.podName,
		`--endpoints=${endpoints}`,
		`--peer-urls=${peerUrl}`,
	]);
	fs.mkdirSync(ctx.dataDir, { recursive: true, mode: 0o700 });
	const lines = r.stdout
		.split('\n')
		.filter((l) => l.startsWith('ETCD_'))
		.map((l) => `export ${l}`);
	// The shell redirection creates the file even when member add fails (pipefail then ends the script).
	fs.writeFileSync(
		path.join(ctx.dataDir, 'new_member_envs'),
		lines.length ? `${lines.join('\n')}\n` : '',
	);
	return r.code;
}

/**
 * run.sh: sources new_member_envs (export K="V" lines) over the env.
 * @param {ScriptCtx} ctx
 * @param {Record<string, string>} env
 */
function sourceNewMemberEnvs(ctx, env) {
	const file = path.join(ctx.dataDir, 'new_member_envs');
	if (!fs.existsSync(file)) return;
	for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
		const m = /^export (ETCD_[A-Z_]+)="?(.*?)"?$/.exec(line.trim());
		if (m && m[1]) env[m[1]] = m[2] ?? '';
	}
}

/**
 * The headless-service wait of "Bootstrapping a new cluster".
 * @param {ScriptCtx} ctx
 * @param {number} n
 */
async function waitHeadless(ctx, n) {
	for (let i = 0; i < ctx.retries; i++) {
		if (ctx.headlessIps() === n) return;
		await ctx.sleep(ctx.retryMs);
	}
	ctx.log('ERROR', 'Headless service domain does not have an IP per initial member in the cluster');
	throw new ExitError(1);
}

/**
 * bitnami-2022 setup.sh + run.sh. Returns the env `exec etcd` runs with, plus whether etcd_store_member_id
 * runs in the background.
 * @param {ScriptCtx} ctx
 * @returns {Promise<{ env: Record<string, string>, storeMemberId: boolean }>}
 */
async function start2022(ctx) {
	const env = { ...ctx.env };
	prologue(ctx);
	const initial = splitList(env.ETCD_INITIAL_CLUSTER ?? '');
	const ownPeer = ctx.peerUrl;
	let storeMemberId = false;
	if (isDirEmpty(ctx.dataDir)) {
		ctx.log('INFO', 'There is no data from previous deployments');
		if (initial.length > 1) {
			if (isNewCluster(ctx, env)) {
				ctx.log('INFO', 'Bootstrapping a new cluster');
				await waitHeadless(ctx, initial.length);
			} else {
				ctx.log('INFO', 'Adding new member to existing cluster');
				const code = await memberAdd(ctx, ctx.clientEndpoints(false).join(','), ownPeer);
				if (code !== 0) throw new ExitError(code);
			}
		}
		storeMemberId = true;
	} else {
		ctx.log('INFO', 'Detected data from previous deployments');
		fs.chmodSync(ctx.dataDir, 0o700);
		if (initial.length > 1) {
			const { healthy } = await isHealthyCluster(ctx);
			if (!healthy) {
				ctx.log('WARN', 'Cluster not responding!');
				ctx.log(
					'WARN',
					"Disaster recovery is disabled, the cluster will try to recover on it's own",
				);
			} else if (wasMemberRemoved(ctx)) {
				ctx.log('INFO', 'Adding new member to existing cluster');
				const code = await memberAdd(ctx, ctx.clientEndpoints(false).join(','), ownPeer);
				if (code !== 0) throw new ExitError(code);
				storeMemberId = true;
			} else if (fs.existsSync(path.join(ctx.dataDir, 'member_id'))) {
				ctx.log('INFO', 'Updating member in existing cluster');
				const id = fs.readFileSync(path.join(ctx.dataDir, 'member_id'), 'utf8').replace(/\n+$/, '');
				const r = await etcdctlLogged(ctx, [
					'member',
					'update',
					id,
					`--endpoints=${ctx.clientEndpoints(true).join(',')}`,
					`--peer-urls=${ownPeer}`,
				]);
				if (r.code !== 0) throw new ExitError(r.code);
				for (const line of r.stdout.split('\n')) if (line.trim()) ctx.raw(line);
			} else {
				ctx.log(
					'INFO',
					"Member ID wasn't properly stored, the member will try to join the cluster by it's own",
				);
			}
		}
	}
	ctx.log('INFO', '** etcd setup finished! **');
	// setup.sh ran as a child: its exports are gone; run.sh only sources new_member_envs.
	sourceNewMemberEnvs(ctx, env);
	ctx.log('INFO', '** Starting etcd **');
	return { env, storeMemberId };
}

/**
 * @param {ScriptCtx} ctx
 * @param {Record<string, string>} env
 */
function isNewCluster(ctx, env) {
	const initial = splitList(env.ETCD_INITIAL_CLUSTER ?? '').map((m) =>
		ctx.resolve(m.slice(m.indexOf('=') + 1)),
	);
	return (env.ETCD_INITIAL_CLUSTER_STATE ?? 'new') === 'new' && initial.includes(ctx.peerUrl);
}

/**
 * `was_etcd_member_removed` of the 2022 scripts.
 * @param {ScriptCtx} ctx
 */
function wasMemberRemoved(ctx) {
	const logFile = path.join(ctx.volumeDir, 'member_removal.log');
	let removed = false;
	let text = '';
	try {
		text = fs.readFileSync(logFile, 'utf8');
	} catch {
		/* no log: not removed by preStop */
	}
	if (/^Member\s+[a-z0-9]+\s+removed\s+from\s+cluster\s+[a-z0-9]+$/m.test(text)) {
		removed = true;
	} else if (
		!fs.existsSync(path.join(ctx.dataDir, 'member', 'snap')) &&
		!fs.existsSync(path.join(ctx.dataDir, 'member_id'))
	) {
		removed = true;
	}
	if (removed) {
		for (const f of fs.readdirSync(ctx.dataDir))
			fs.rmSync(path.join(ctx.dataDir, f), { recursive: true, force: true });
	}
	fs.rmSync(logFile, { force: true });
	return removed;
}

/**
 * milvusdb-fork setup.sh + run.sh.
 * @param {ScriptCtx} ctx
 * @returns {Promise<{ env: Record<string, string>, storeMemberId: boolean }>}
 */
async function startFork(ctx) {
	const env = { ...ctx.env };
	prologue(ctx);
	ctx.log('INFO', 'Generating etcd config file using env variables');
	const initial = splitList(env.ETCD_INITIAL_CLUSTER ?? '');
	// get_etcd_active_endpoints probes the peer URLs of ETCD_INITIAL_CLUSTER (etcd serves gRPC there too).
	/** @type {string[]} */
	const shown = [];
	/** @type {string[]} */
	const active = [];
	for (const m of initial) {
		const url = m.slice(m.indexOf('=') + 1);
		const ep = hostPort(ctx.resolve(url));
		if (await endpointHealthy(ctx, ep)) {
			active.push(ep);
			shown.push(hostPort(url));
		}
	}
	ctx.log('INFO', `get_etcd_active_endpoints: ${shown.join(',')}`);
	if (isDirEmpty(ctx.dataDir)) {
		ctx.log('INFO', 'There is no data from previous deployments');
		if (initial.length > 1) {
			if (isNewCluster(ctx, env)) {
				ctx.log('INFO', 'Bootstrapping a new cluster');
				await waitHeadless(ctx, initial.length);
			} else {
				ctx.log('INFO', 'Adding new member to existing cluster');
				fs.mkdirSync(ctx.dataDir, { recursive: true, mode: 0o700 });
				await addSelfToCluster(ctx, active);
			}
		}
	} else {
		ctx.log('INFO', 'Detected data from previous deployments');
		fs.chmodSync(ctx.dataDir, 0o700);
		if (initial.length > 1) {
			ctx.log('INFO', "The member will try to join the cluster by it's own");
		}
	}
	ctx.log('INFO', '** etcd setup finished! **');
	sourceNewMemberEnvs(ctx, env);
	ctx.log('INFO', '** Starting etcd **');
	return { env, storeMemberId: false };
}

/**
 * The fork's add_self_to_cluster.
 * @param {ScriptCtx} ctx
 * @param {string[]} active
 */
async function addSelfToCluster(ctx, active) {
	if (active.length === 0) {
		ctx.log('ERROR', 'No active endpoints in cluster, wait 10s, and restart the pod');
		await ctx.sleep(ctx.retryMs * 2);
		throw new ExitError(1);
	}
	const list = await ctx.etcdctl(['member', 'list', `--endpoints=${active.join(',')}`]);
	const line = list.stdout.split('\n').find((l) => l.split(/,\s*/).includes(ctx.peerUrl));
	const id = line ? (line.split(',')[0] ?? '').trim() : '';
	if (id) {
		ctx.log('INFO', `Node already in cluster with member_id: ${id}`);
		ctx.log('ERROR', `Env file not found, please fix mannually by [etcdctl remove ${id}]`);
		throw new ExitError(1);
	}
	for (;;) {
		const code = await memberAdd(ctx, active.join(','), ctx.peerUrl);
		if (code === 0) break;
		ctx.log('WARN', 'Failed to add self to cluster, keeping trying...');
		await ctx.sleep(ctx.retryMs * 2);
	}
	ctx.log('INFO', 'Member add succeeded');
	ctx.log('INFO', 'Add_self_to_cluster succeeded');
}

/**
 * @param {ScriptCtx} ctx
 */
export function startScript(ctx) {
	return ctx.generation === 'bitnami-2022' ? start2022(ctx) : startFork(ctx);
}

/**
 * `etcd_store_member_id &` of the 2022 scripts: waits for `member list` to show this member's client URL and
 * writes its id into data/member_id.
 * @param {ScriptCtx} ctx
 */
export async function storeMemberId(ctx) {
	const file = path.join(ctx.dataDir, 'member_id');
	for (;;) {
		const r = await ctx.etcdctl([
			'member',
			'list',
			`--endpoints=${ctx.clientEndpoints(false).join(',')}`,
		]);
		if (r.code === 0) {
			const line = r.stdout.split('\n').find((l) => l.split(/,\s*/).includes(ctx.clientUrl));
			if (line) {
				fs.writeFileSync(file, `${(line.split(',')[0] ?? '').trim()}\n`);
				return;
			}
		}
		await ctx.sleep(500);
	}
}

/**
 * preStop: 2022 runs `member remove $(cat member_id)` against the other members and keeps its stdout in
 * /bitnami/etcd/member_removal.log; the fork's prestop.sh does nothing.
 * @param {ScriptCtx} ctx
 * @returns {Promise<{ code: number, stdout: string, stderr: string }>}
 */
export async function preStop(ctx) {
	const ok = { code: 0, stdout: '', stderr: '' };
	if (ctx.generation !== 'bitnami-2022') return ok;
	const others = ctx.clientEndpoints(true);
	if (others.length === 0) return ok;
	let id = '';
	try {
		id = fs.readFileSync(path.join(ctx.dataDir, 'member_id'), 'utf8').replace(/\n+$/, '');
	} catch {
		/* cat fails, the argument is empty */
	}
	const r = await ctx.etcdctl(['member', 'remove', id, `--endpoints=${others.join(',')}`]);
	fs.writeFileSync(path.join(ctx.volumeDir, 'member_removal.log'), r.stdout);
	return r;
}
