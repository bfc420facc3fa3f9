// @ts-check
// Shared pieces of the read-only diagnostic runbooks (diagnose, boot, runtime-compat, api-errors):
// network probes, parsing of `docker ps` / `kubectl get pods` tables, finding the Milvus deployment
// (chooseSource in main, findDeployment in preflight: the facts), the steps that read its listing and logs
// (diagReadSteps, a function of those facts, so --describe with a run's facts lists that run's reads), and
// the --json report. Nothing here changes a deployment: every command is a read.
import * as net from 'node:net';
import * as http from 'node:http';
import { StepFailedError, UsageError } from './exit.mjs';
import { findOnPath, run as runArgv } from './shell.mjs';
import { matchText } from './catalog.mjs';

/** @typedef {import('./runbook.mjs').Context} Context */
/** @typedef {import('./kube.mjs').Kube} Kube */
/** @typedef {import('./shell.mjs').RunResult} RunResult */

/**
 * Messages the helpers print; each runbook merges them into its own.
 * @type {import('./i18n.mjs').Messages}
 */
export const DIAG_MESSAGES = {
	en: {
		dNoTools:
			'neither docker nor kubectl is on PATH; install one, or point --source at what you use',
		dNothingFound:
			'no Milvus deployment found: no docker container named milvus* and no pod with label app.kubernetes.io/instance={release} (context {context}, namespace {namespace})',
		dNoContainers: 'no docker container named milvus* (docker ps -a --filter name=milvus)',
		dNoPods:
			'no pod with label app.kubernetes.io/instance={release} in namespace {namespace} (context {context})',
		dDockerFailed: 'docker could not list containers: {reason}',
		dFound: 'Found: {what}',
		dFoundDocker: 'docker containers {names}',
		dFoundKube: '{count} pods of release {release} (context {context}, namespace {namespace})',
		dLogsFailed: 'could not read logs of {name}: {reason}',
		dTcpOpen: '{host}:{port} accepts connections',
		dTcpClosed: '{host}:{port} does not accept connections ({reason})',
		dHealthOk: '{url} answered 200 {body}',
		dHealthBad: '{url} answered {status} {body}',
		dHealthDown: '{url} did not answer ({reason})',
		dBinaryInput: '{what} looks like binary data, not a log; pass a text log file',
		dReadFailed: 'cannot read {file}: {reason}',
	},
	id: {
		dNoTools:
			'docker maupun kubectl tidak ada di PATH; pasang salah satunya, atau arahkan --source ke yang Anda pakai',
		dNothingFound:
			'deployment Milvus tidak ditemukan: tidak ada container docker bernama milvus* dan tidak ada pod berlabel app.kubernetes.io/instance={release} (context {context}, namespace {namespace})',
		dNoContainers: 'tidak ada container docker bernama milvus* (docker ps -a --filter name=milvus)',
		dNoPods:
			'tidak ada pod berlabel app.kubernetes.io/instance={release} di namespace {namespace} (context {context})',
		dDockerFailed: 'docker gagal menampilkan daftar container: {reason}',
		dFound: 'Ditemukan: {what}',
		dFoundDocker: 'container docker {names}',
		dFoundKube: '{count} pod dari release {release} (context {context}, namespace {namespace})',
		dLogsFailed: 'gagal membaca log {name}: {reason}',
		dTcpOpen: '{host}:{port} menerima koneksi',
		dTcpClosed: '{host}:{port} tidak menerima koneksi ({reason})',
		dHealthOk: '{url} menjawab 200 {body}',
		dHealthBad: '{url} menjawab {status} {body}',
		dHealthDown: '{url} tidak menjawab ({reason})',
		dBinaryInput: '{what} sepertinya data biner, bukan log; berikan file log berupa teks',
		dReadFailed: 'tidak bisa membaca {file}: {reason}',
	},
};

/**
 * Merge the helpers' messages into a runbook's own.
 * @param {{ en: Record<string, string>, id: Record<string, string> }} own
 */
export function withDiagMessages(own) {
	return { en: { ...DIAG_MESSAGES.en, ...own.en }, id: { ...DIAG_MESSAGES.id, ...own.id } };
}

// ───────────────────────────── probes ─────────────────────────────

/**
 * @typedef {object} TcpProbe
 * @property {string} host
 * @property {number} port
 * @property {boolean} ok
 * @property {string | null} error   e.g. ECONNREFUSED, timeout
 */

/**
 * Does host:port accept a TCP connection? Closes it straight away.
 * @param {string} host
 * @param {number} port
 * @param {number} [timeoutMs]
 * @returns {Promise<TcpProbe>}
 */
export function probeTcp(host, port, timeoutMs = 3000) {
	return new Promise((resolve) => {
		const socket = net.connect({ host, port });
		const done = (/** @type {string | null} */ error) => {
			socket.destroy();
			resolve({ host, port, ok: error === null, error });
		};
		socket.setTimeout(timeoutMs, () => done('timeout'));
		socket.once('connect', () => done(null));
		socket.once('error', (e) => done(/** @type {NodeJS.ErrnoException} */ (e).code ?? e.message));
	});
}

/**
 * @typedef {object} HttpProbe
 * @property {string} url
 * @property {boolean} ok        HTTP 200
 * @property {number | null} status
 * @property {string} body      first 300 characters, trimmed
 * @property {string | null} error
 */

/**
 * GET a URL once, without following redirects.
 * @param {string} url
 * @param {number} [timeoutMs]
 * @returns {Promise<HttpProbe>}
 */
export function probeHttp(url, timeoutMs = 3000) {
	return new Promise((resolve) => {
		/** @param {Partial<HttpProbe>} r */
		const finish = (r) => resolve({ url, ok: false, status: null, body: '', error: null, ...r });
		let req;
		try {
			req = http.get(url, { timeout: timeoutMs }, (res) => {
				let body = '';
				res.setEncoding('utf8');
				res.on('data', (c) => {
					if (body.length < 2000) body += c;
				});
				res.on('end', () =>
					finish({
						ok: res.statusCode === 200,
						status: res.statusCode ?? null,
						body: body.trim().slice(0, 300),
					}),
				);
				res.on('error', (e) => finish({ error: e.message }));
			});
		} catch (e) {
			finish({ error: e instanceof Error ? e.message : String(e) });
			return;
		}
		req.on('timeout', () => req.destroy(new Error('timeout')));
		req.on('error', (e) =>
			finish({ error: /** @type {NodeJS.ErrnoException} */ (e).code ?? e.message }),
		);
	});
}

/**
 * Milvus's /healthz on the metrics port (9091).
 * @param {string} host
 * @param {number} port
 */
export function probeHealthz(host, port) {
	return probeHttp(`http://${host.includes(':') ? `[${host}]` : host}:${port}/healthz`);
}

/**
 * A /healthz probe as the diagnostic reports carry it (boot's checks.healthz, api-errors' connectivity).
 * @param {string} host
 * @param {number} port
 * @param {HttpProbe} h
 */
export function healthzReport(host, port, h) {
	return { host, port, ok: h.ok, status: h.status, body: h.body, error: h.error };
}

// ───────────────────────────── tables ─────────────────────────────

/**
 * Parse fixed-width CLI tables (docker ps): columns start where their header starts, so empty cells
 * (no PORTS) and values with single spaces ("Up 2 minutes") survive.
 * @param {string} text
 * @returns {Array<Record<string, string>>}
 */
export function parseFixedTable(text) {
	const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
	const header = lines.shift();
	if (!header) return [];
	/** @type {{ name: string, start: number }[]} */
	const cols = [];
	const re = /\S+(?: \S+)*/g;
	let m;
	while ((m = re.exec(header)) !== null) cols.push({ name: m[0], start: m.index });
	return lines.map((line) => {
		/** @type {Record<string, string>} */
		const row = {};
		cols.forEach((c, i) => {
			const end =
				i + 1 < cols.length ? /** @type {{start: number}} */ (cols[i + 1]).start : line.length;
			row[c.name] = line.slice(c.start, end).trim();
		});
		return row;
	});
}

/**
 * @typedef {object} ContainerRow
 * @property {string} name
 * @property {string} image
 * @property {string} status   e.g. "Up 2 minutes (healthy)", "Exited (1) 3 seconds ago", "Restarting (1) 5 seconds ago"
 * @property {boolean} running
 * @property {boolean} failing  exited with non-zero, restarting, or unhealthy
 */

/**
 * Rows of `docker ps -a` (table form).
 * @param {string} text
 * @returns {ContainerRow[]}
 */
export function parseDockerPs(text) {
	return parseFixedTable(text)
		.map((r) => {
			const status = r.STATUS ?? '';
			const running = /^Up\b/.test(status);
			const exit = /^Exited \((\d+)\)/.exec(status);
			const failing =
				/^Restarting\b/.test(status) ||
				/\bunhealthy\b/.test(status) ||
				(exit !== null && exit[1] !== '0') ||
				/^Dead\b/.test(status);
			return { name: r.NAMES ?? '', image: r.IMAGE ?? '', status, running, failing };
		})
		.filter((r) => r.name !== '');
}

/**
 * @typedef {object} PodRow
 * @property {string} name
 * @property {string} ready     "1/1"
 * @property {string} status    Running, Pending, CrashLoopBackOff, Error, …
 * @property {number} restarts
 * @property {string} raw       the table line
 * @property {boolean} failing  not Running/Completed, not all containers ready, or restarted
 */

/**
 * Rows of `kubectl get pods` (table form). RESTARTS may read "5 (2m ago)".
 * @param {string} text
 * @returns {PodRow[]}
 */
export function parseKubectlPods(text) {
	const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
	if (lines.length === 0 || !/^NAME\s+READY\s+STATUS/.test(lines[0] ?? '')) return [];
	return lines.slice(1).map((raw) => {
		const [name = '', ready = '', status = '', restarts = '0'] = raw.trim().split(/\s+/);
		const [up, total] = ready.split('/').map(Number);
		const n = Number.parseInt(restarts, 10) || 0;
		const healthy = (status === 'Running' && up === total) || status === 'Completed';
		return { name, ready, status, restarts: n, raw, failing: !healthy || n > 0 };
	});
}

// ───────────────────────────── input ─────────────────────────────

/**
 * True for data that is not a text log: NUL bytes, or many bytes that are neither printable nor UTF-8.
 * @param {Buffer} buf
 */
export function looksBinary(buf) {
	if (buf.length === 0) return false;
	const sample = buf.subarray(0, 64 * 1024);
	if (sample.includes(0)) return true;
	const text = sample.toString('utf8');
	let bad = 0;
	for (const ch of text) {
		const c = ch.codePointAt(0) ?? 0;
		if (c === 0xfffd || (c < 32 && c !== 9 && c !== 10 && c !== 13 && c !== 27)) bad++;
	}
	return bad / Math.max(1, text.length) > 0.05;
}

/**
 * Read all of a stream into a Buffer.
 * @param {NodeJS.ReadableStream} stream
 * @returns {Promise<Buffer>}
 */
export async function readAll(stream) {
	/** @type {Buffer[]} */
	const chunks = [];
	for await (const chunk of stream)
		chunks.push(
			typeof chunk === 'string'
				? Buffer.from(chunk)
				: Buffer.from(/** @type {Uint8Array} */ (chunk)),
		);
	return Buffer.concat(chunks);
}

/**
 * Lines that look fatal: Go panics, FATAL/PANIC/ERROR levels (text or JSON logs), and every line the
 * catalog recognises. Order kept, duplicates dropped.
 * @param {string} text
 * @param {number} [max]
 * @returns {string[]}
 */
export function fatalLines(text, max = 15) {
	const known = new Set(matchText(text).map((m) => m.line));
	/** @type {string[]} */
	const out = [];
	const seen = new Set();
	for (const raw of text.split(/\r?\n/)) {
		const line = raw.trim();
		if (!line || seen.has(line)) continue;
		const fatal =
			/^panic:|\bpanic:\s/.test(line) ||
			/\[(?:FATAL|PANIC|ERROR)\]/.test(line) ||
			/"level":"(?:fatal|panic|error)"/i.test(line) ||
			/^(?:Error|FATAL|fatal error):/.test(line) ||
			known.has(line.length > 400 ? `${line.slice(0, 399)}…` : line);
		if (fatal) {
			seen.add(line);
			out.push(line.length > 400 ? `${line.slice(0, 399)}…` : line);
			if (out.length >= max) break;
		}
	}
	return out;
}

// ─────────────────────────── deployment ───────────────────────────

/**
 * @typedef {object} LogSource
 * @property {string} name      container or pod
 * @property {string[]} command the command that produced the text
 * @property {string} text
 */

/** @param {string} release */
export const instanceSelector = (release) => `app.kubernetes.io/instance=${release}`;

/** @typedef {{ argv: (...args: string[]) => string[] }} KubeArgv  builds kubectl argv (Kube, pinned or not) */
/** @typedef {import('./runbook.mjs').Step & { mode: 'read', command: string[] }} ReadStep */
/** @typedef {'docker-logs'|'kubectl-logs-previous'|'kubectl-logs'|'kubectl-describe-pod'} LogStepId */

/**
 * The reads that find Milvus and its logs, one builder each: the steps of boot and diagnose --live.
 */
export const DIAG_READS = {
	/** @returns {ReadStep} */
	dockerPs: () => ({
		id: 'docker-ps',
		title: { en: 'List the Milvus containers', id: 'Lihat container Milvus' },
		mode: 'read',
		command: ['docker', 'ps', '-a', '--filter', 'name=milvus'],
	}),
	/** @param {string} container @param {number} tail @returns {ReadStep} */
	dockerLogs: (container, tail) => ({
		id: 'docker-logs',
		title: { en: 'Read the container log', id: 'Baca log container' },
		mode: 'read',
		command: ['docker', 'logs', '--tail', String(tail), container],
	}),
	/** @param {KubeArgv} kube @param {string} release @returns {ReadStep} */
	kubectlPods: (kube, release) => ({
		id: 'kubectl-pods',
		title: { en: 'List the pods of the release', id: 'Lihat pod dari release' },
		mode: 'read',
		command: kube.argv('get', 'pods', '-l', instanceSelector(release)),
	}),
	/** @param {KubeArgv} kube @param {string} pod @returns {ReadStep} */
	kubectlLogsPrevious: (kube, pod) => ({
		id: 'kubectl-logs-previous',
		title: { en: 'Read the log of the crashed container', id: 'Baca log container yang crash' },
		mode: 'read',
		command: kube.argv('logs', pod, '--previous'),
	}),
	/** @param {KubeArgv} kube @param {string} pod @param {number} tail @returns {ReadStep} */
	kubectlLogs: (kube, pod, tail) => ({
		id: 'kubectl-logs',
		title: {
			en: 'Read the log of a failing pod that has not restarted',
			id: 'Baca log pod gagal yang belum restart',
		},
		mode: 'read',
		command: kube.argv('logs', pod, `--tail=${tail}`),
	}),
	/** @param {KubeArgv} kube @param {string} pod @returns {ReadStep} */
	kubectlDescribePod: (kube, pod) => ({
		id: 'kubectl-describe-pod',
		title: { en: 'Read the events of a Pending pod', id: 'Baca event pod yang Pending' },
		mode: 'read',
		command: kube.argv('describe', 'pod', pod),
	}),
};

/**
 * @typedef {object} DiagFacts  what boot and diagnose --live found before reading any log; their steps are a
 *   function of it, so --describe with a run's facts lists the reads that run made
 * @property {'docker'|'kubernetes'} source
 * @property {string} release
 * @property {number} tail
 * @property {ContainerRow[]} containers          docker only
 * @property {Omit<PodRow, 'raw'>[]} pods         kubernetes only
 * @property {{ step: LogStepId, name: string }[]} logs  the logs worth reading, in order
 */

/** @type {DiagFacts} example: Docker Compose with the standalone container, as the boot page shows it */
export const DIAG_EXAMPLE = {
	source: 'docker',
	release: 'my-release',
	tail: 500,
	containers: [
		{
			name: 'milvus-standalone',
			image: 'milvusdb/milvus:v2.4.5',
			status: 'Restarting (1) 5 seconds ago',
			running: false,
			failing: true,
		},
	],
	pods: [],
	logs: [{ step: 'docker-logs', name: 'milvus-standalone' }],
};

/** @type {DiagFacts} example: a Helm release with a crashed standalone pod and a Pending etcd pod */
export const DIAG_EXAMPLE_KUBE = {
	source: 'kubernetes',
	release: 'my-release',
	tail: 500,
	containers: [],
	pods: [
		{
			name: 'my-release-milvus-standalone-7c4b9d5f8-2xk9p',
			ready: '0/1',
			status: 'CrashLoopBackOff',
			restarts: 4,
			failing: true,
		},
		{ name: 'my-release-etcd-0', ready: '0/1', status: 'Pending', restarts: 0, failing: true },
		{
			name: 'my-release-minio-5c8b7d9f4-q7m2x',
			ready: '0/1',
			status: 'Error',
			restarts: 0,
			failing: true,
		},
	],
	logs: [
		{ step: 'kubectl-logs-previous', name: 'my-release-milvus-standalone-7c4b9d5f8-2xk9p' },
		{ step: 'kubectl-describe-pod', name: 'my-release-etcd-0' },
		{ step: 'kubectl-logs', name: 'my-release-minio-5c8b7d9f4-q7m2x' },
	],
};

/**
 * What chooseSource found before connecting, for findDeployment; by run context.
 * @type {WeakMap<Context, { source: string, containers: ContainerRow[], dockerProblem: string | null }>}
 */
const chosen = new WeakMap();

/**
 * From main(), before the toolkit connects: where Milvus runs. Docker containers named milvus* first (unless
 * --source kubernetes), else the release's pods: sets ctx.target, so the toolkit pins kubectl to the resolved
 * context. `source` forces one of them.
 * @param {Context} ctx
 * @param {'auto'|'docker'|'kubernetes'} source
 */
export async function chooseSource(ctx, source) {
	const hasDocker = findOnPath('docker', ctx.env) !== null;
	const hasKubectl = findOnPath('kubectl', ctx.env) !== null;
	if (source === 'docker' && !hasDocker)
		throw new StepFailedError(ctx.t('toolMissing', { tool: 'docker' }));
	if (source === 'kubernetes' && !hasKubectl)
		throw new StepFailedError(ctx.t('toolMissing', { tool: 'kubectl' }));
	if (source === 'auto' && !hasDocker && !hasKubectl) throw new StepFailedError(ctx.t('dNoTools'));

	/** @type {string | null} */
	let dockerProblem = null;
	if (hasDocker && source !== 'kubernetes') {
		const r = await runArgv(DIAG_READS.dockerPs().command, { check: false, lang: ctx.lang });
		if (!r.ok) {
			dockerProblem = ctx.t('dDockerFailed', {
				reason: firstLine(r.stderr) || `exit ${r.exitCode}`,
			});
			if (source === 'docker') throw new StepFailedError(dockerProblem);
		} else {
			const containers = parseDockerPs(r.stdout);
			if (containers.length > 0) {
				chosen.set(ctx, { source, containers, dockerProblem });
				ctx.target = 'docker';
				return;
			}
			if (source === 'docker') throw new UsageError(ctx.t('dNoContainers'));
		}
	}
	if (!hasKubectl) throw new UsageError(dockerProblem ?? ctx.t('dNoContainers'));
	chosen.set(ctx, { source, containers: [], dockerProblem });
	ctx.target = 'kubernetes';
}

/**
 * Preflight of boot and diagnose --live: the containers chooseSource listed, or the release's pods (read with
 * the pinned kubectl), and the logs worth reading. Docker: `logs --tail N` of failing containers and the
 * main one; Kubernetes: `logs --previous` of pods that restarted (the crashed container), plain logs of
 * failing pods that did not restart yet, and `describe pod` of Pending pods (their events say why).
 * @param {Context} ctx
 * @param {{ tail: number, container?: string }} options
 * @returns {Promise<DiagFacts>}
 */
export async function findDeployment(ctx, options) {
	const found = chosen.get(ctx) ?? { source: 'auto', containers: [], dockerProblem: null };
	const release = ctx.opts.release;
	const base = { release, tail: options.tail };
	if (ctx.target === 'docker') {
		const names = found.containers.map((c) => c.name).join(', ');
		ctx.out.info(ctx.t('dFound', { what: ctx.t('dFoundDocker', { names }) }));
		const main = options.container ?? 'milvus-standalone';
		const logs = found.containers
			.filter((c) => c.failing || c.name === main)
			.map((c) => ({ step: /** @type {LogStepId} */ ('docker-logs'), name: c.name }));
		return { ...base, source: 'docker', containers: found.containers, pods: [], logs };
	}
	const argv = DIAG_READS.kubectlPods(ctx.kube, release).command;
	const r = await ctx.run(argv, { check: false });
	if (!r.ok)
		throw new StepFailedError(
			ctx.t('commandFailed', {
				command: ctx.formatCommand(argv),
				code: r.exitCode,
				stderr: firstLine(r.stderr),
			}),
		);
	const pods = parseKubectlPods(r.stdout).map(({ raw: _raw, ...p }) => p);
	const vars = { release, context: ctx.context ?? '', namespace: ctx.namespace };
	if (pods.length === 0) {
		if (found.source === 'kubernetes') throw new UsageError(ctx.t('dNoPods', vars));
		const problem = found.dockerProblem;
		throw new UsageError(
			problem ? `${ctx.t('dNothingFound', vars)}; ${problem}` : ctx.t('dNothingFound', vars),
		);
	}
	ctx.out.info(ctx.t('dFound', { what: ctx.t('dFoundKube', { ...vars, count: pods.length }) }));
	/** @type {DiagFacts['logs']} */
	const logs = pods
		.filter((p) => p.failing)
		.map((p) => ({
			step:
				p.status === 'Pending' || p.status === 'ContainerCreating'
					? 'kubectl-describe-pod'
					: p.restarts > 0
						? 'kubectl-logs-previous'
						: 'kubectl-logs',
			name: p.name,
		}));
	return { ...base, source: 'kubernetes', containers: [], pods, logs };
}

/**
 * The logs the steps read, by run context (a step id repeats, ctx.results keeps only its last value).
 * @type {WeakMap<Context, LogSource[]>}
 */
const readLogs = new WeakMap();

/**
 * The steps of boot and diagnose --live for these facts: the listing, then each log worth reading. A log
 * that cannot be read is a warning, not a failure (a pod gone since the listing).
 * @param {Context} ctx
 * @param {DiagFacts} facts
 * @returns {ReadStep[]}
 */
export function diagReadSteps(ctx, facts) {
	const kube = ctx.kube;
	/** @type {Record<LogStepId, (name: string) => ReadStep>} */
	const build = {
		'docker-logs': (name) => DIAG_READS.dockerLogs(name, facts.tail),
		'kubectl-logs-previous': (name) => DIAG_READS.kubectlLogsPrevious(kube, name),
		'kubectl-logs': (name) => DIAG_READS.kubectlLogs(kube, name, facts.tail),
		'kubectl-describe-pod': (name) => DIAG_READS.kubectlDescribePod(kube, name),
	};
	const listing =
		facts.source === 'docker' ? DIAG_READS.dockerPs() : DIAG_READS.kubectlPods(kube, facts.release);
	return [
		listing,
		...facts.logs.map(({ step, name }) => {
			const s = build[step](name);
			return {
				...s,
				check: false,
				/** @param {RunResult} r @param {Context} c */
				parse: (r, c) => {
					if (!r.ok && !r.stdout) {
						c.out.warn(
							c.t('dLogsFailed', { name, reason: firstLine(r.stderr) || `exit ${r.exitCode}` }),
						);
						return null;
					}
					// docker replays the container's stderr on stderr: signatures live on both streams.
					const text = step === 'docker-logs' ? `${r.stdout}\n${r.stderr}` : r.stdout;
					const source = { name, command: s.command, text };
					readLogs.set(c, [...(readLogs.get(c) ?? []), source]);
					return source;
				},
			};
		}),
	];
}

/**
 * After the steps: the listing they read (docker ps / kubectl get pods, evidence too: "my-release-etcd-0
 * 0/1 Pending" is etcd-pending) and the logs, in the order read.
 * @param {Context} ctx
 * @param {DiagFacts} facts
 * @returns {{ listing: LogSource, logs: LogSource[] }}
 */
export function diagRead(ctx, facts) {
	const step =
		facts.source === 'docker'
			? DIAG_READS.dockerPs()
			: DIAG_READS.kubectlPods(ctx.kube, facts.release);
	const r = /** @type {RunResult | undefined} */ (ctx.results[step.id]);
	return {
		listing: { name: step.command.join(' '), command: step.command, text: r?.stdout ?? '' },
		logs: readLogs.get(ctx) ?? [],
	};
}

// ───────────────────────────── report ─────────────────────────────

/**
 * The diagnostic runbook's own --json report (a user attaches it to a GitHub issue), with the runbook
 * and language in front so a pasted report says where it came from. Printed by the toolkit at the end
 * in place of its generic step report (ctx.setReport).
 * @param {Context} ctx
 * @param {Record<string, unknown>} report
 */
export function emitReport(ctx, report) {
	ctx.setReport({ runbook: ctx.name, lang: ctx.lang, ...report });
}

/** @param {string} s */
export function firstLine(s) {
	return (
		String(s ?? '')
			.split(/\r?\n/)
			.map((l) => l.trim())
			.find(Boolean) ?? ''
	);
}

/**
 * "host:port", "http://host:port/path", "tcp://host", "[::1]:19530" → { host, port } (port may be null).
 * @param {string} uri
 * @returns {{ host: string, port: number | null } | null}
 */
export function parseHostPort(uri) {
	const s = uri.trim();
	if (!s) return null;
	const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(s) ? s : `tcp://${s}`;
	try {
		const u = new URL(withScheme);
		if (!u.hostname) return null;
		const host = u.hostname.replace(/^\[|\]$/g, '');
		const port = u.port ? Number(u.port) : null;
		return { host, port };
	} catch {
		return null;
	}
}
