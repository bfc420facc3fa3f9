// @ts-check
// Reading the etcd StatefulSet of the Milvus chart the way the etcd runbooks need it: pods by ordinal,
// the StatefulSet's env, etcdctl inside a pod (which must not throw: half the point is probing broken
// members), member lists and endpoint status with their 64-bit ids intact, and polling with one clear
// line on timeout. No zx here: everything goes through ctx.kube.
import { StepFailedError } from './exit.mjs';
import { tx } from './i18n.mjs';

/** @typedef {import('./runbook.mjs').Context} Context */
/** @typedef {import('./runbook.mjs').Step} Step */

/**
 * Messages these helpers print; a runbook spreads them into its own `messages` (en and id).
 * @type {{ en: Record<string, string>, id: Record<string, string> }}
 */
export const ETCD_MEMBER_MESSAGES = {
	en: {
		waitTimeout: 'timed out after {seconds}s waiting for {what}',
		notReady: '{pod} is not Ready',
		clusterIds: 'members report different cluster ids: {ids}',
	},
	id: {
		waitTimeout: 'waktu habis setelah {seconds} detik menunggu {what}',
		notReady: '{pod} belum Ready',
		clusterIds: 'member melaporkan cluster id yang berbeda: {ids}',
	},
};

/** Every member's DB size, leader, raft index and errors as a table: what the etcd pages show after a change. */
export const CLUSTER_STATUS_TABLE = ['etcdctl', 'endpoint', 'status', '--cluster', '-w', 'table'];

export const MEMBER_ID_RE = /^[0-9a-f]{1,16}$/;

/**
 * etcdctl prints 64-bit ids as JSON numbers, which lose precision in JS; quote long integers first.
 * @param {string} text
 * @returns {any}
 */
export function parseJsonBig(text) {
	return JSON.parse(text.replace(/([:[,]\s*)(\d{16,})(?=\s*[,}\]])/g, '$1"$2"'));
}

/**
 * A decimal id (as parseJsonBig leaves it) in the hex form `member list` and logs use.
 * @param {string | number | undefined} dec
 */
export const hexId = (dec) => (dec === undefined ? '' : BigInt(dec).toString(16));

/**
 * @typedef {object} Member
 * @property {string} id         hex
 * @property {boolean} started
 * @property {string} name       empty while unstarted
 * @property {string[]} peerURLs
 */

/**
 * `etcdctl member list` (simple format): `id, status, name, peers, clients, isLearner`.
 * @param {string} text
 * @returns {Member[]}
 */
export function parseMemberList(text) {
	return text
		.split('\n')
		.map((l) => l.trim())
		.filter(Boolean)
		.map((l) => l.split(', '))
		.filter((f) => MEMBER_ID_RE.test(f[0] ?? ''))
		.map((f) => ({
			id: f[0] ?? '',
			started: f[1] === 'started',
			name: f[2] ?? '',
			peerURLs: (f[3] ?? '').split(',').filter(Boolean),
		}));
}

/** @param {string} name */
export const ordinalOf = (name) => Number(/-(\d+)$/.exec(name)?.[1] ?? NaN);

/**
 * @typedef {object} PodState
 * @property {string} name
 * @property {number} ordinal
 * @property {string} phase
 * @property {boolean} ready
 * @property {boolean} scheduled   the scheduler gave it a node (its containers may be starting)
 * @property {boolean} running     container currently running
 * @property {boolean} crashing    not Ready and restarting (a crash loop is briefly "Running" between attempts)
 * @property {string} status       a kubectl-like STATUS word
 */

/**
 * @param {any} pod
 * @returns {PodState}
 */
export function podState(pod) {
	const name = String(pod?.metadata?.name ?? '');
	const phase = String(pod?.status?.phase ?? 'Unknown');
	const cs = (pod?.status?.containerStatuses ?? [])[0] ?? {};
	const waiting = cs.state?.waiting?.reason;
	const terminated = cs.state?.terminated;
	const running = Boolean(cs.state?.running);
	const ready = running && cs.ready === true;
	const restarts = Number(cs.restartCount ?? 0);
	const crashing =
		phase !== 'Pending' &&
		!ready &&
		(waiting === 'CrashLoopBackOff' || waiting === 'Error' || Boolean(terminated) || restarts > 0);
	const status = pod?.metadata?.deletionTimestamp
		? 'Terminating'
		: (waiting ?? (terminated ? (terminated.reason ?? 'Error') : phase));
	const scheduled = Boolean(pod?.spec?.nodeName);
	return { name, ordinal: ordinalOf(name), phase, ready, scheduled, running, crashing, status };
}

/** The first step of every etcd runbook: the pods as kubectl shows them. @param {Context} ctx @returns {Step} */
export function listEtcdPodsStep(ctx) {
	return {
		id: 'list-pods',
		title: tx('List the etcd pods', 'Lihat pod etcd'),
		mode: 'read',
		command: ctx.kube.argv('get', 'pods', '-l', ctx.names.selector),
	};
}

/**
 * The StatefulSet's own pods by ordinal (helper pods carry other labels or names and are left out).
 * @param {Context} ctx
 * @returns {Promise<Map<number, PodState>>}
 */
export async function podsByOrdinal(ctx) {
	const prefix = `${ctx.names.sts}-`;
	/** @type {Map<number, PodState>} */
	const map = new Map();
	for (const p of await ctx.kube.podsByLabel(ctx.names.selector)) {
		const s = podState(p);
		if (s.name.startsWith(prefix) && /^\d+$/.test(s.name.slice(prefix.length)))
			map.set(s.ordinal, s);
	}
	return map;
}

/**
 * Whether member `m` is the pod's: by name, or by the peer URL ETCD_INITIAL_CLUSTER gives the pod (a member
 * added but never started has no name yet).
 * @param {{ name: string, peerURLs: string[] }} m
 * @param {string} initialCluster ETCD_INITIAL_CLUSTER
 * @param {string} pod
 */
export function isPodMember(m, initialCluster, pod) {
	if (m.name === pod) return true;
	const entry = initialCluster.split(',').find((e) => e.startsWith(`${pod}=`));
	return entry !== undefined && m.peerURLs.includes(entry.slice(pod.length + 1));
}

/**
 * The etcd container's env as the StatefulSet sets it; a variable taken from elsewhere (valueFrom) is
 * present with an empty value, so `'NAME' in env` still says it is set.
 * @param {any} sts
 * @returns {Record<string, string>}
 */
export function stsEnv(sts) {
	/** @type {Record<string, string>} */
	const env = {};
	for (const e of sts?.spec?.template?.spec?.containers?.[0]?.env ?? []) {
		if (typeof e?.name === 'string') env[e.name] = typeof e.value === 'string' ? e.value : '';
	}
	return env;
}

/**
 * etcdctl inside a pod; `ok:false` instead of throwing, because half the point is probing broken members.
 * @param {Context} ctx
 * @param {string} pod
 * @param {string[]} args
 * @returns {Promise<{ ok: boolean, stdout: string, stderr: string, exitCode: number | null }>}
 */
export async function etcdctl(ctx, pod, args) {
	try {
		return await ctx.kube.exec(pod, ['etcdctl', ...args], { check: false });
	} catch (e) {
		return {
			ok: false,
			stdout: '',
			stderr: e instanceof Error ? e.message : String(e),
			exitCode: 1,
		};
	}
}

/**
 * Member list as seen by `pod` (answers without quorum); null when the pod cannot tell.
 * @param {Context} ctx
 * @param {string} pod
 */
export async function memberList(ctx, pod) {
	const r = await etcdctl(ctx, pod, ['member', 'list']);
	return r.ok ? parseMemberList(r.stdout) : null;
}

/**
 * Linearizable health: true only when the member can commit (has quorum).
 * @param {Context} ctx
 * @param {string} pod
 */
export async function healthy(ctx, pod) {
	return (await etcdctl(ctx, pod, ['endpoint', 'health', '--command-timeout=3s'])).ok;
}

/**
 * The pod's own view: member id, cluster id, leader (hex) and revision; null when it cannot tell.
 * @param {Context} ctx
 * @param {string} pod
 */
export async function endpointStatus(ctx, pod) {
	const r = await etcdctl(ctx, pod, ['endpoint', 'status', '-w', 'json']);
	if (!r.ok) return null;
	try {
		const arr = parseJsonBig(r.stdout);
		const st = Array.isArray(arr) ? arr[0]?.Status : null;
		if (!st?.header) return null;
		return {
			memberId: hexId(st.header.member_id),
			clusterId: hexId(st.header.cluster_id),
			leader: hexId(st.leader ?? '0'),
			revision: Number(st.header.revision ?? 0),
			// raftAppliedIndex appeared in 3.4 and is not in every build; raft_index and raft_term are.
			raftIndex: Number(st.raftIndex ?? 0),
			raftTerm: Number(st.raftTerm ?? 0),
		};
	} catch {
		return null;
	}
}

/**
 * @typedef {object} Progress
 * @property {number} ordinal
 * @property {number} revision   header.revision: the store's revision, what a backup keeps
 * @property {number} raftIndex
 * @property {number} raftTerm
 * @property {boolean} healthy   can commit (has quorum)
 */

/**
 * Which of two members holds the newer data: the store revision first (it counts applied writes), then
 * the raft index and term; negative when `a` is newer.
 * @param {Progress} a
 * @param {Progress} b
 */
export function newerFirst(a, b) {
	return (
		b.revision - a.revision ||
		b.raftIndex - a.raftIndex ||
		b.raftTerm - a.raftTerm ||
		a.ordinal - b.ordinal
	);
}

/**
 * The member to rebuild the cluster around: a member with quorum when there is one (its committed state
 * is the cluster's), else the running member with the newest data. Null when nobody answers.
 * @param {Progress[]} live
 * @returns {Progress | null}
 */
export function pickSurvivor(live) {
	const withQuorum = live.filter((m) => m.healthy);
	const pool = withQuorum.length > 0 ? withQuorum : live;
	return [...pool].sort(newerFirst)[0] ?? null;
}

/**
 * The check the etcd runbooks verify with: every replica Ready (with `health`, also answering
 * `endpoint health`) and all of them in one cluster. Problems are translated lines (`notReady`,
 * `clusterIds`, see ETCD_MEMBER_MESSAGES); ids are the cluster ids reported; ready the ordinals that passed.
 * The members are asked together, each on its own.
 * @param {Context} ctx
 * @param {number} replicas
 * @param {{ health?: boolean }} [options]
 * @returns {Promise<{ problems: string[], ids: string[], ready: number[] }>}
 */
export async function readyOneCluster(ctx, replicas, { health = false } = {}) {
	const pods = await podsByOrdinal(ctx);
	const ordinals = Array.from({ length: replicas }, (_, i) => i);
	const views = await Promise.all(
		ordinals.map(async (i) => {
			const pod = ctx.names.pod(i);
			if (!pods.get(i)?.ready || (health && !(await healthy(ctx, pod))))
				return { i, pod, id: null };
			// A member that cannot report is already counted as not Ready above when it matters.
			return { i, pod, id: (await endpointStatus(ctx, pod))?.clusterId ?? '' };
		}),
	);
	const problems = views.filter((v) => v.id === null).map((v) => ctx.t('notReady', { pod: v.pod }));
	const ids = [...new Set(views.map((v) => v.id).filter((id) => Boolean(id)))];
	if (ids.length > 1) problems.push(ctx.t('clusterIds', { ids: ids.join(', ') }));
	return {
		problems,
		ids: /** @type {string[]} */ (ids),
		ready: views.filter((v) => v.id !== null).map((v) => v.i),
	};
}

/**
 * Poll `check` until it returns a truthy value, for up to `--timeout` seconds (default 300): after one second
 * at first, then less often (up to every 4 seconds), because each check is a few kubectl calls against the
 * user's API server and most waits last a while. A check that throws counts as "not yet": kubectl calls fail
 * now and then while pods restart. On timeout, one line naming what was awaited (`waitTimeout`, see
 * ETCD_MEMBER_MESSAGES).
 * @template T
 * @param {Context} ctx
 * @param {string} what already translated
 * @param {() => Promise<T | null | undefined | false>} check
 * @returns {Promise<T>}
 */
export async function waitFor(ctx, what, check) {
	const seconds = Number(ctx.flags.timeout ?? 300);
	const deadline = Date.now() + seconds * 1000;
	let pauseMs = 1000;
	for (;;) {
		const v = await check().catch(() => null);
		if (v) return v;
		const left = deadline - Date.now();
		if (left <= 0) throw new StepFailedError(ctx.t('waitTimeout', { seconds, what }));
		await new Promise((r) => setTimeout(r, Math.min(pauseMs, left)));
		pauseMs = Math.min(pauseMs * 1.5, 4000);
	}
}
