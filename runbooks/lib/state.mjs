// @ts-check
// Resume state: which steps of a runbook finished, per runbook/context/namespace/release, so an
// interrupted run (Ctrl-C, lost connection) continues where it stopped. Written atomically
// (tmp + rename) so a crash mid-write never leaves a half file; a lock file stops two runs racing.
import * as nodeFs from 'node:fs';
import * as nodeOs from 'node:os';
import * as nodePath from 'node:path';
import { createHash } from 'node:crypto';
import { RefusedError, StepFailedError } from './exit.mjs';
import { toolkitText } from './i18n.mjs';
import { safeJson } from './output.mjs';

/** @typedef {import('./i18n.mjs').Lang} Lang */

/**
 * @typedef {object} StateTarget
 * @property {string} runbook
 * @property {string} context
 * @property {string} namespace
 * @property {string} release
 */

/**
 * @typedef {object} CompletedStep
 * @property {string} id
 * @property {string | null} command
 * @property {string} at  ISO time
 */

/**
 * @typedef {object} StateData
 * @property {1} version
 * @property {StateTarget} target
 * @property {string} startedAt
 * @property {string} updatedAt
 * @property {Record<string, CompletedStep>} completed  by step key
 * @property {unknown} [facts]  preflight facts of the run that made the first change
 * @property {string[]} [identity]  what the target looked like during that run (`kind:value` tokens, see
 *   sameTarget), so progress is never applied to another cluster or another incident behind the same names
 */

/**
 * @typedef {object} RunState
 * @property {string} file
 * @property {boolean} resumed     an earlier unfinished run left state behind
 * @property {StateData} data
 * @property {(key: string) => boolean} isDone
 * @property {(key: string, info: { id: string, command: string | null }, facts?: unknown) => void} markDone
 *   record a finished step; `facts` are kept only from the first one, so a resumed run can see what the
 *   cluster looked like before anything was changed
 * @property {() => void} clear    forget everything (healthy finish)
 * @property {() => void} release  drop the lock, keep the progress
 * @property {(tokens: readonly string[]) => boolean} belongsTo  the saved progress was made on this target
 * @property {(tokens: readonly string[]) => void} bind  add identity tokens seen now (saved with the progress)
 * @property {(moveAside?: boolean) => string} restart  start empty; the saved progress is renamed aside
 *   (the new name is returned), or only ignored when moveAside is false (dry run)
 * @property {(tokens: readonly string[], moveBack?: boolean) => string | null} adopt  take back progress an
 *   earlier restart set aside when it shares a token with this target (the user went back to the first
 *   cluster); returns the file it came from, or null
 */

/**
 * Whether saved identity tokens and the target's current ones describe the same target. Tokens are
 * `kind:value` (`pvc:<uid>`, `sts:<uid>`, `etcd-cluster:<id>`); the saved ones are everything seen during the
 * earlier run, so objects that run replaced itself still count. For every kind both sides know, at least one
 * value must be shared; a kind only one side knows (the PVCs are gone, the cluster id cannot be read yet) says
 * nothing.
 * @param {readonly string[]} saved
 * @param {readonly string[]} current
 */
export function sameTarget(saved, current) {
	/** @param {readonly string[]} tokens */
	const byKind = (tokens) => {
		/** @type {Map<string, Set<string>>} */
		const m = new Map();
		for (const t of tokens) {
			const at = t.indexOf(':');
			const kind = at === -1 ? t : t.slice(0, at);
			const set = m.get(kind) ?? new Set();
			set.add(t);
			m.set(kind, set);
		}
		return m;
	};
	const was = byKind(saved);
	for (const [kind, now] of byKind(current)) {
		const before = was.get(kind);
		if (before && ![...now].some((t) => before.has(t))) return false;
	}
	return true;
}

/**
 * `$MILVUS_RESCUE_STATE_DIR`, else ~/.local/state/milvus-rescue.
 * @param {Record<string, string | undefined>} [env]
 */
export function stateDir(env = process.env) {
	return (
		env.MILVUS_RESCUE_STATE_DIR ||
		nodePath.join(nodeOs.homedir(), '.local', 'state', 'milvus-rescue')
	);
}

/**
 * File for a target: readable parts for humans, plus a hash so unusual context names
 * (arn:aws:eks:…/x) can neither collide nor escape the directory.
 * @param {StateTarget} target
 * @param {Record<string, string | undefined>} [env]
 */
export function stateFile(target, env = process.env) {
	const safe = (/** @type {string} */ s) => s.replace(/[^A-Za-z0-9_.-]+/g, '_').slice(0, 60);
	const hash = createHash('sha256')
		.update(JSON.stringify([target.runbook, target.context, target.namespace, target.release]))
		.digest('hex')
		.slice(0, 12);
	const name = `${safe(target.runbook)}--${safe(target.context)}--${safe(target.namespace)}--${safe(target.release)}--${hash}.json`;
	return nodePath.join(stateDir(env), name);
}

/**
 * The key a step is remembered by: its id plus its command, because generated steps may share an id
 * (one delete-pvc per dead member) and must not be confused on resume.
 * @param {{ id: string, command?: readonly string[] | null }} step
 * @param {number} index position, used only when there is no command
 */
export function stepKey(step, index) {
	return step.command ? `${step.id} ${JSON.stringify(step.command)}` : `${step.id} #${index}`;
}

/**
 * Write `data` as JSON to `file` atomically.
 * @param {string} file
 * @param {unknown} data
 */
export function writeJsonAtomic(file, data) {
	nodeFs.mkdirSync(nodePath.dirname(file), { recursive: true });
	const tmp = `${file}.${process.pid}.tmp`;
	const fd = nodeFs.openSync(tmp, 'w', 0o600);
	try {
		nodeFs.writeSync(fd, `${safeJson(data)}\n`);
		nodeFs.fsyncSync(fd);
	} finally {
		nodeFs.closeSync(fd);
	}
	nodeFs.renameSync(tmp, file);
}

/** @param {number} pid */
function alive(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch (e) {
		return /** @type {any} */ (e)?.code === 'EPERM';
	}
}

/**
 * Open (and lock) the state for a target. Throws StepFailedError for an unreadable file (never silently
 * discards progress) and RefusedError when another live run holds the lock.
 * @param {StateTarget} target
 * @param {{ env?: Record<string, string | undefined>, lang?: Lang, lock?: boolean }} [options]
 * @returns {RunState}
 */
export function openState(target, options = {}) {
	const env = options.env ?? process.env;
	const tr = toolkitText(options.lang ?? 'en');
	const file = stateFile(target, env);
	const lockFile = `${file}.lock`;
	nodeFs.mkdirSync(nodePath.dirname(file), { recursive: true });

	let locked = false;
	if (options.lock !== false) {
		for (let attempt = 0; attempt < 2 && !locked; attempt++) {
			try {
				const fd = nodeFs.openSync(lockFile, 'wx', 0o600);
				nodeFs.writeSync(fd, String(process.pid));
				nodeFs.closeSync(fd);
				locked = true;
			} catch (e) {
				if (/** @type {any} */ (e)?.code !== 'EEXIST') throw e;
				const pid = Number.parseInt(safeRead(lockFile) ?? '', 10);
				if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) {
					throw new RefusedError(
						tr('stateLocked', { runbook: target.runbook, pid, file: lockFile }),
					);
				}
				// The holder died (kill -9, lost terminal): its lock is stale.
				nodeFs.rmSync(lockFile, { force: true });
			}
		}
	}

	/** @type {StateData} */
	let data;
	let resumed = false;
	const now = () => new Date().toISOString();
	const existing = safeRead(file);
	if (existing !== null) {
		try {
			const parsed = JSON.parse(existing);
			if (
				!parsed ||
				parsed.version !== 1 ||
				typeof parsed.completed !== 'object' ||
				parsed.completed === null
			) {
				throw new Error('unknown format');
			}
			data = parsed;
			resumed = Object.keys(data.completed).length > 0;
		} catch (e) {
			if (locked) nodeFs.rmSync(lockFile, { force: true });
			throw new StepFailedError(
				tr('stateCorrupt', { file, reason: e instanceof Error ? e.message : String(e) }),
			);
		}
	} else {
		data = { version: 1, target: { ...target }, startedAt: now(), updatedAt: now(), completed: {} };
	}

	return {
		file,
		get resumed() {
			return resumed;
		},
		get data() {
			return data;
		},
		isDone: (key) => Object.prototype.hasOwnProperty.call(data.completed, key),
		markDone: (key, info, facts) => {
			if (data.facts === undefined && facts !== undefined)
				data.facts = JSON.parse(safeJson(facts, 0));
			data.completed[key] = { id: info.id, command: info.command, at: now() };
			data.updatedAt = now();
			writeJsonAtomic(file, data);
		},
		clear: () => {
			data.completed = {};
			delete data.facts;
			nodeFs.rmSync(file, { force: true });
			if (locked) nodeFs.rmSync(lockFile, { force: true });
			locked = false;
		},
		release: () => {
			if (locked) nodeFs.rmSync(lockFile, { force: true });
			locked = false;
		},
		belongsTo: (tokens) => sameTarget(data.identity ?? [], tokens),
		bind: (tokens) => {
			const merged = [...new Set([...(data.identity ?? []), ...tokens])];
			if (merged.length === (data.identity ?? []).length) return;
			data.identity = merged;
			// Saved only alongside progress: a run that changed nothing leaves no file behind.
			if (Object.keys(data.completed).length > 0) writeJsonAtomic(file, data);
		},
		adopt: (tokens, moveBack = true) => {
			const base = nodePath.basename(file).replace(/\.json$/, '');
			const dir = nodePath.dirname(file);
			const asides = nodeFs
				.readdirSync(dir)
				.filter((f) => f.startsWith(`${base}.`) && f.endsWith('.old.json'))
				.sort()
				.reverse();
			for (const f of asides) {
				try {
					const old = JSON.parse(nodeFs.readFileSync(nodePath.join(dir, f), 'utf8'));
					const ids = Array.isArray(old?.identity) ? old.identity : [];
					if (old?.version !== 1 || typeof old.completed !== 'object' || !old.completed) continue;
					if (!tokens.some((t) => ids.includes(t)) || !sameTarget(ids, tokens)) continue;
					if (moveBack) nodeFs.renameSync(nodePath.join(dir, f), file);
					data = old;
					resumed = Object.keys(data.completed).length > 0;
					return nodePath.join(dir, f);
				} catch {
					// an unreadable leftover is not ours to judge here
				}
			}
			return null;
		},
		restart: (moveAside = true) => {
			if (!moveAside) {
				data = {
					version: 1,
					target: { ...target },
					startedAt: now(),
					updatedAt: now(),
					completed: {},
				};
				resumed = false;
				return file;
			}
			const aside = `${file.replace(/\.json$/, '')}.${new Date().toISOString().replace(/[:.]/g, '-')}.old.json`;
			if (nodeFs.existsSync(file)) nodeFs.renameSync(file, aside);
			data = {
				version: 1,
				target: { ...target },
				startedAt: now(),
				updatedAt: now(),
				completed: {},
			};
			resumed = false;
			return aside;
		},
	};
}

/** @param {string} file @returns {string | null} */
function safeRead(file) {
	try {
		return nodeFs.readFileSync(file, 'utf8');
	} catch (e) {
		if (/** @type {any} */ (e)?.code === 'ENOENT') return null;
		throw e;
	}
}
