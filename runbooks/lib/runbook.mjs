// @ts-check
/**
 * defineRunbook: the one entry point every runbook uses. It owns --help, --describe, flag parsing,
 * preflight, the plan, per-step confirmation, resume state, verification and the report.
 *
 * Usage (runbooks/example.mjs):
 *
 *   #!/usr/bin/env zx
 *   // @ts-check
 *   // example: scales the etcd StatefulSet down to one replica (header comment: what and when).
 *   import { defineRunbook } from './lib/runbook.mjs';
 *   import { NotThisSymptomError } from './lib/exit.mjs';
 *
 *   await defineRunbook({
 *     name: 'example',
 *     summary: { en: 'Scale etcd down', id: 'Kecilkan etcd' },
 *     description: { en: 'What, when, what it changes.', id: 'Apa, kapan, apa yang diubah.' },
 *     target: 'kubernetes',
 *     flagGroups: ['kube'],   // shared flags besides the common ones: kube, milvus, timeout (lib/cli.mjs)
 *     exitCodes: { 4: { en: 'etcd has one replica already', id: 'etcd sudah tinggal satu replika' } },
 *     flags: [{ name: 'replicas', type: 'number', default: 1, help: { en: 'target replicas', id: 'jumlah replika tujuan' } }],
 *     messages: { en: { tooFew: 'only {n} pods' }, id: { tooFew: 'hanya {n} pod' } },
 *     exampleFacts: { replicas: 3 },
 *     async preflight(ctx) {
 *       const sts = await ctx.kube.json(['get', 'sts', ctx.names.sts]);
 *       if (sts.spec.replicas <= 1) throw new NotThisSymptomError(ctx.t('tooFew', { n: sts.spec.replicas }));
 *       return { replicas: sts.spec.replicas };
 *     },
 *     steps: (ctx, facts) => [
 *       { id: 'list-pods', title: { en: 'List pods', id: 'Lihat pod' }, mode: 'read',
 *         command: ctx.kube.argv('get', 'pods', '-l', ctx.names.selector) },
 *       { id: 'scale-down', title: { en: 'Scale down', id: 'Kecilkan replika' }, mode: 'change',
 *         command: ctx.kube.argv('scale', 'sts', ctx.names.sts, `--replicas=${ctx.flags.replicas}`),
 *         done: async (c) => (await c.kube.json(['get', 'sts', c.names.sts])).spec.replicas === c.flags.replicas },
 *     ],
 *     async verify(ctx, facts) { return { ok: true, details: 'etcd has 1 replica' }; },
 *   }).main();
 *
 * Rules that matter:
 * - Build kubectl commands with ctx.kube.argv(...) (or plain ['kubectl', ...]): in --describe they render
 *   without pins (the site's form); at run time they are pinned to the context/namespace resolved once.
 * - `ctx.kube` is ready inside preflight/steps/verify. A custom `main(ctx)` runs BEFORE any cluster
 *   access (offline modes); call `await ctx.connect()` there if it needs the cluster. Return undefined
 *   from main to continue with the normal plan, a number for that exit code, or {ok, details}.
 * - preflight throws NotThisSymptomError → exit 4. steps() may generate steps from facts and repeat an id.
 * - Resume: when an earlier run stopped part-way, ctx.resume = { facts, completed } during preflight (the
 *   facts that run saw before its first change). Return those facts instead of insisting on the symptom:
 *   `if (ctx.resume) return ctx.resume.facts;` so the same steps are generated and the run continues.
 * - A step's `done(ctx)` decides skipping: true → skipped (also on resume), false → run. Without done(),
 *   a change/destroy step recorded in the resume state is skipped; read steps always run.
 * - Read steps run in --dry-run too: a read step whose run() creates anything (helper pods, port-forwards)
 *   must check ctx.dryRun itself. `optional: true` on a read step turns its failure into a warning.
 * - Confirmation: change → [y/N] (default No); destroy → type `confirmName` (default: the command's last
 *   argument). --yes answers both; without a TTY (or MILVUS_RESCUE_ASSUME_TTY=1) and without --yes the
 *   run stops with exit 3 before the step. Refusing keeps the saved progress. A destroy step's done() runs
 *   again after the name is typed, so its guards hold at the moment of the delete, not only when planned.
 * - main(ctx) may return { ok, details, data }: `data` goes into the generic --json report.
 * - A runbook with a report of its own (diagnose: `{ matches: [...] }`) calls `ctx.setReport(obj)`:
 *   under --json stdout then holds exactly that object instead of the generic report, unless the run
 *   ends in an error thrown after it (the generic report with `error` is printed then).
 * - Exit codes (exit.mjs): 0 healthy, 1 failed, 2 usage / release or namespace not found, 3 refused or
 *   interrupted, 4 not this symptom. `exitCodes: { 0: {en, id}, 4: {en, id} }` in the definition says
 *   what a code means for this runbook (merged over those five; --help and --describe show the result).
 *   main() may only return a code listed there. Throw the error classes; never call process.exit.
 * - Never prompt yourself: use ctx.prompts (prompts.mjs). Never import 'zx' outside lib/zx.mjs. Print
 *   through ctx.out so --json and --log see it.
 */
import {
	EXIT,
	NotThisSymptomError,
	RefusedError,
	RunbookError,
	StepFailedError,
	exitCodeOf,
	oneLine,
} from './exit.mjs';
import { missingTranslations, pick, pickLang, translator } from './i18n.mjs';
import { checkFlagSpecs, groupFlags, parseArgs, peekLang } from './cli.mjs';
import { createPrompter } from './prompts.mjs';
import { createOutput, safeJson } from './output.mjs';
import { describeFailure, formatCommand, requireTool, run as runArgv } from './shell.mjs';
import { openState, stepKey } from './state.mjs';
import {
	createKube,
	etcdNames,
	pinKubectl,
	requireNamespace,
	requireStatefulSet,
	resolveTarget,
} from './kube.mjs';
import { createDocker } from './docker.mjs';
import { realpathSync } from 'node:fs';
import { basename, dirname, resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';

/** @typedef {import('./i18n.mjs').Lang} Lang */
/** @typedef {import('./i18n.mjs').Text} Text */
/** @typedef {import('./i18n.mjs').Messages} Messages */
/** @typedef {import('./cli.mjs').FlagSpec} FlagSpec */
/** @typedef {import('./cli.mjs').FlagGroup} FlagGroup */
/** @typedef {import('./cli.mjs').FlagValue} FlagValue */
/** @typedef {import('./cli.mjs').CommonOptions} CommonOptions */
/** @typedef {import('./output.mjs').Output} Output */
/** @typedef {import('./prompts.mjs').Prompter} Prompter */
/** @typedef {import('./kube.mjs').Kube} Kube */
/** @typedef {import('./kube.mjs').EtcdNames} EtcdNames */
/** @typedef {import('./docker.mjs').Docker} Docker */
/** @typedef {import('./shell.mjs').RunResult} RunResult */
/** @typedef {import('./shell.mjs').RunOptions} RunOptions */
/** @typedef {'read'|'change'|'destroy'} StepMode */

/**
 * @typedef {object} Step
 * @property {string} id                 kebab-case; may repeat across generated steps
 * @property {Text} title
 * @property {StepMode} mode
 * @property {string[] | null} command   the argv, declared once: shown in the plan and --describe, and run by
 *   the toolkit (kubectl pinned to the resolved context/namespace). null for in-process steps (`action`)
 * @property {(result: RunResult, ctx: Context) => unknown} [parse]  turns the command's result into the
 *   step's value, kept in ctx.results[id] for later steps and verify (default: the RunResult)
 * @property {boolean} [check]  false: a non-zero exit of `command` is not a failure; parse() sees it
 * @property {(ctx: Context) => Promise<string> | string} [input]  text fed to the command's stdin, never shown
 *   (a signed URL, anything that must stay out of argv, the plan and --describe)
 * @property {(ctx: Context) => Promise<void> | void} [before]  guards checked after confirmation and just before
 *   the command runs (throw StepFailedError to refuse: a pod that must be gone first, a flag still set);
 *   never runs the step's own argv
 * @property {(ctx: Context, value: unknown) => Promise<unknown> | unknown} [after]  waits, retries and checks
 *   after the command ran (e.g. wait for a rollout); a returned string is printed. Never a second argv
 * @property {(ctx: Context) => Promise<unknown> | unknown} [action]  only for `command: null` steps: in-process
 *   work; its return value is the step's value (a returned string is printed)
 * @property {(ctx: Context) => Promise<unknown> | unknown} [run]  legacy hook (before steps as data): being
 *   ported away; new code uses command + parse/after, or action for `command: null`
 * @property {(ctx: Context) => Promise<boolean> | boolean} [when]  run-time choice: false → the step is not run
 *   (reported as skipped). Describe still lists it
 * @property {string} [alternativeTo]    id of the step this one replaces when `when` chooses it; --describe lists
 *   both, side by side
 * @property {(ctx: Context) => Promise<boolean> | boolean} [done] true when the step's effect is already in place
 * @property {string} [confirmName]      for destroy: the name the user must type (default: last command arg)
 * @property {boolean} [optional]        read steps only: a failure is shown as a warning and the run goes on
 *   (e.g. `kubectl logs --previous` when the container never restarted)
 */

/**
 * @typedef {object} VerifyResult
 * @property {boolean} ok
 * @property {string} [details]  one line, in the user's language
 * @property {unknown} [data]     extra machine-readable findings, put into the --json report as `data`
 */

/**
 * @typedef {object} Context
 * @property {string} name            runbook name
 * @property {Lang} lang
 * @property {'kubernetes'|'docker'|'local'} target  where this run acts: def.target, unless main() chose another
 *   before connecting (a runbook that also serves Docker Compose sets 'docker'; connect() then needs no kubectl)
 * @property {(key: string, vars?: Record<string, string | number>) => string} t  runbook messages, then toolkit's
 * @property {(text: Text | string | undefined) => string} pick   choose the {en,id} variant
 * @property {CommonOptions} opts
 * @property {Record<string, FlagValue>} flags   the runbook's own flags, by name
 * @property {EtcdNames} names        sts/pod/pvc/selector names from --release/--sts
 * @property {boolean} dryRun
 * @property {boolean} describing     true while rendering --describe/--help (no cluster access)
 * @property {string | null} context  resolved kubectl context (null before connect / when describing)
 * @property {{ facts: any, completed: string[] } | null} resume  set in preflight when an earlier run of
 *   this runbook on this target stopped part-way: the facts that run saw before changing anything, and
 *   the ids of the steps it completed. A preflight should accept the half-fixed cluster then. The facts
 *   come back from JSON: BigInt values are strings, class instances are plain objects.
 * @property {string} namespace
 * @property {Kube} kube              pinned kubectl (unpinned builders when describing)
 * @property {Docker} docker
 * @property {Output} out
 * @property {Prompter} prompts
 * @property {Record<string, string | undefined>} env
 * @property {() => Promise<void>} connect   resolve context/namespace, check kubectl/docker and the release
 * @property {(argv: readonly string[], options?: RunOptions) => Promise<RunResult>} run  run argv (kubectl pinned)
 * @property {Record<string, unknown>} results  values of the steps run so far, by step id (parse()/action()
 *   result; a repeated id keeps the last one)
 * @property {(argv: readonly string[]) => string} formatCommand  display form (kubectl pinned at run time)
 * @property {(report: Record<string, unknown>) => void} setReport  the runbook's own --json report: printed
 *   as is (and only under --json) in place of the generic one; the last call wins
 * @property {() => Promise<void>} bindIdentity  record the target's identity now (def.identity), e.g. right
 *   after a step created an object the next run must recognise; a no-op without def.identity
 */

/**
 * @typedef {object} RunbookDef
 * @property {string} name
 * @property {Text} summary
 * @property {Text} description        what it does, when to use it, what it changes
 * @property {'kubernetes'|'docker'|'local'} target
 * @property {Record<number, Text>} [exitCodes]  what exit codes mean for this runbook, merged over the
 *   generic ones (0 healthy, 1 failed, 2 usage, 3 refused or aborted, 4 not this symptom); codes 0-125
 * @property {FlagGroup[]} [flagGroups]  the shared flags it takes besides the common ones (cli.mjs FLAG_GROUPS):
 *   'kube' (--context, -n, --release, --sts; required for target kubernetes), 'milvus' (--host, --grpc-port,
 *   --health-port), 'timeout' (--timeout). Their values: ctx.opts (kube), ctx.flags (milvus, timeout)
 * @property {FlagSpec[]} [flags]       its own flags, which may not reuse a group's name or letter
 * @property {Messages} [messages]
 * @property {any} [exampleFacts]      facts used to render steps for --describe/--help
 * @property {any[]} [variantFacts]    example facts of the other targets the runbook serves (etcd-all-crash under
 *   Docker Compose): --describe and --help list their steps after those of exampleFacts
 * @property {boolean} [requireStatefulSet]  kubernetes target: check <release>-etcd exists (default true)
 * @property {(ctx: Context) => Promise<any> | any} [preflight]
 * @property {(ctx: Context, facts: any) => Promise<Step[]> | Step[]} [steps]
 * @property {(ctx: Context, facts: any) => Promise<VerifyResult> | VerifyResult} [verify]
 * @property {(ctx: Context) => Promise<undefined | number | VerifyResult | void> | undefined | number | VerifyResult | void} [main]
 * @property {(ctx: Context) => Promise<string[]> | string[]} [identity]  what tells this target apart from
 *   another behind the same context/namespace/release: `kind:value` tokens (PVC uids, the StatefulSet's uid,
 *   the etcd cluster id when it can be read). Read at the start and after every completed change; saved
 *   progress whose tokens do not match (state.mjs sameTarget) is set aside and the run starts fresh
 */

/**
 * @typedef {object} RunIO
 * @property {string[]} [args]          arguments after the script (default: from process.argv)
 * @property {NodeJS.ReadableStream & { isTTY?: boolean }} [stdin]
 * @property {NodeJS.WritableStream & { isTTY?: boolean }} [stdout]
 * @property {NodeJS.WritableStream & { isTTY?: boolean }} [stderr]
 * @property {Record<string, string | undefined>} [env]
 * @property {boolean} [handleSignals]  turn Ctrl-C into a clean exit 3 (default true in main())
 */

/**
 * @typedef {object} StepReport
 * @property {string} id
 * @property {string} title
 * @property {StepMode} mode
 * @property {string | null} command
 * @property {'pending'|'ran'|'skipped'|'dry-run'|'refused'|'failed'} status
 * @property {string} [output]
 * @property {string} [error]
 */

/**
 * @typedef {object} RunbookHandle
 * @property {RunbookDef} def
 * @property {string[]} problems     definition mistakes (empty when fine); main() refuses to run with any
 * @property {(io?: RunIO) => Promise<number>} main   run from the command line; sets process.exitCode
 * @property {(io?: RunIO) => Promise<number>} run    same, without touching process state (for tests)
 * @property {(lang: Lang, opts?: Partial<CommonOptions>) => Promise<object>} describe
 * @property {(lang: Lang) => Promise<string>} help
 */

/** @type {readonly number[]} */
const EXIT_CODES = [EXIT.OK, EXIT.FAILED, EXIT.USAGE, EXIT.REFUSED, EXIT.NOT_THIS_SYMPTOM];
const MODES = ['read', 'change', 'destroy'];

/**
 * The exit codes a runbook can end with and what each means in `lang`: the generic five with the
 * runbook's own `exitCodes` merged over them, ascending. What --help, --describe and the site show.
 * @param {Record<number, Text> | undefined} own
 * @param {Lang} lang
 * @returns {{ code: number, meaning: string }[]}
 */
export function exitCodeMeanings(own, lang) {
	const tr = translator(lang);
	/** @type {Map<number, string>} */
	const table = new Map(EXIT_CODES.map((code) => [code, tr(`exit${code}`)]));
	for (const [key, text] of Object.entries(own ?? {})) table.set(Number(key), pick(text, lang));
	return [...table.entries()]
		.sort(([a], [b]) => a - b)
		.map(([code, meaning]) => ({ code, meaning }));
}

/**
 * @param {unknown} exitCodes
 * @returns {string[]}
 */
function checkExitCodes(exitCodes) {
	if (exitCodes === undefined) return [];
	if (!exitCodes || typeof exitCodes !== 'object' || Array.isArray(exitCodes))
		return ['exitCodes must be an object like { 0: { en, id } }'];
	/** @type {string[]} */
	const problems = [];
	for (const [key, text] of Object.entries(exitCodes)) {
		// 126 and up mean "not executable", "not found" and signals to the shell; a runbook must not reuse them.
		if (!/^(0|[1-9]\d*)$/.test(key) || Number(key) > 125)
			problems.push(`exit code ${key} must be a whole number from 0 to 125`);
		const t = /** @type {Partial<Text> | null} */ (text);
		if (
			!t ||
			typeof t !== 'object' ||
			typeof t.en !== 'string' ||
			typeof t.id !== 'string' ||
			!t.en.trim() ||
			!t.id.trim()
		)
			problems.push(`exit code ${key} needs a meaning in en and id`);
		else if (t.en.trim() === t.id.trim())
			problems.push(`exit code ${key}: the id meaning is a copy of the en one`);
	}
	return problems;
}

/**
 * The arguments after the script, whether run as `node file.mjs …`, `zx file.mjs …` or `npx zx [zx flags] file.mjs …`.
 * @param {readonly string[]} argv process.argv
 */
export function scriptArgs(argv) {
	return argv.slice(scriptIndex(argv) + 1);
}

/**
 * Where the script path sits in process.argv: 1 under node, after zx's own flags under zx.
 * @param {readonly string[]} argv
 */
function scriptIndex(argv) {
	const launcher = argv[1] ?? '';
	const viaZx =
		/(^|[\\/])zx([\\/]build[\\/]cli\.[cm]?js)?$/.test(launcher) ||
		/[\\/]zx[\\/]build[\\/]cli\.[cm]?js$/.test(launcher);
	if (!viaZx) return 1;
	// zx stops parsing its own flags at the script path; these of its options take a separate value.
	const withValue = new Set([
		'--shell',
		'--prefix',
		'--postfix',
		'--eval',
		'-e',
		'--cwd',
		'--ext',
		'--registry',
		'--env',
		'--env-file',
	]);
	let i = 2;
	while (i < argv.length && (argv[i] ?? '').startsWith('-'))
		i += withValue.has(argv[i] ?? '') ? 2 : 1;
	return i;
}

/**
 * True when the module at `url` is the script this process was started with (`node file.mjs`,
 * `zx file.mjs`, `npx zx [zx flags] file.mjs`), false when it was imported (tests, the site build).
 * @param {string} url import.meta.url of the runbook
 * @param {readonly string[]} [argv]
 */
export function isScript(url, argv = process.argv) {
	const given = argv[scriptIndex(argv)];
	if (!given || !url.startsWith('file:')) return false;
	const real = (/** @type {string} */ p) => {
		try {
			return realpathSync(p);
		} catch {
			return resolvePath(p);
		}
	};
	const file = fileURLToPath(url);
	// `npx zx https://…/runbooks/x.mjs`: zx saves the download as x.mjs (or x-<id>.mjs) in the working folder
	// and imports that file, while argv still holds the URL.
	if (/^https?:/i.test(given)) {
		const stem = basename(new URL(given).pathname).replace(/\.[^.]+$/, '');
		const name = basename(file);
		const saved =
			name.startsWith(stem) && /^(-[A-Za-z0-9]+)?\.[cm]?js$/.test(name.slice(stem.length));
		return saved && real(dirname(file)) === real(process.cwd());
	}
	return real(resolvePath(given)) === real(file);
}

/**
 * @param {RunbookDef} def
 * @returns {string[]}
 */
function checkDef(def) {
	/** @type {string[]} */
	const problems = [];
	if (!def || typeof def !== 'object') return ['definition must be an object'];
	if (!/^[a-z][a-z0-9-]*$/.test(def.name ?? '')) problems.push('name must be kebab-case');
	for (const key of /** @type {const} */ (['summary', 'description'])) {
		if (!def[key]?.en || !def[key]?.id) problems.push(`${key} needs en and id`);
	}
	if (!['kubernetes', 'docker', 'local'].includes(def.target))
		problems.push('target must be kubernetes, docker or local');
	problems.push(...checkExitCodes(def.exitCodes));
	problems.push(...checkFlagSpecs(def.flags ?? [], def.flagGroups ?? []));
	if (def.target === 'kubernetes' && !(def.flagGroups ?? []).includes('kube'))
		problems.push("target kubernetes needs the 'kube' flag group");
	if (def.messages)
		problems.push(...missingTranslations(def.messages).map((m) => `message missing in ${m}`));
	if (!def.steps && !def.main) problems.push('needs steps() or main()');
	if (def.steps && !def.verify) problems.push('steps() needs verify()');
	if (def.steps && def.exampleFacts === undefined)
		problems.push('steps() needs exampleFacts for --describe');
	return problems;
}

/**
 * @param {Step} step
 * @returns {string | null}
 */
function checkStep(step) {
	if (!step || typeof step !== 'object') return 'step must be an object';
	if (!/^[a-z][a-z0-9-]*$/.test(step.id ?? ''))
		return `step id ${String(step.id)} must be kebab-case`;
	if (!step.title?.en || !step.title?.id) return `step ${step.id} needs a title in en and id`;
	if (!MODES.includes(step.mode)) return `step ${step.id} has bad mode ${String(step.mode)}`;
	if (
		step.command !== null &&
		(!Array.isArray(step.command) || step.command.some((a) => typeof a !== 'string'))
	) {
		return `step ${step.id}: command must be string[] or null`;
	}
	if (step.action && step.command !== null)
		return `step ${step.id}: action() is for command: null steps; the toolkit runs command`;
	if (step.action && step.run) return `step ${step.id}: give action() or run(), not both`;
	if (step.before && step.command === null)
		return `step ${step.id}: before() guards the command; a command: null step does its work in action()`;
	if (step.input && step.command === null)
		return `step ${step.id}: input() feeds the command's stdin; a command: null step has none`;
	if (step.alternativeTo !== undefined && typeof step.when !== 'function')
		return `step ${step.id}: alternativeTo needs when(ctx)`;
	return null;
}

/**
 * Define a runbook. See the example at the top of this file. With `script` (the runbook's
 * import.meta.url) it also runs main() when that file is the script, so the same file can be imported
 * (tests, the site) without running: `export default defineRunbook({...}, import.meta.url);`
 * @param {RunbookDef} def
 * @param {string} [script]
 * @returns {RunbookHandle}
 */
export function defineRunbook(def, script) {
	const handle = buildRunbook(def);
	if (script && isScript(script)) void handle.main();
	return handle;
}

/**
 * @param {RunbookDef} def
 * @returns {RunbookHandle}
 */
function buildRunbook(def) {
	const problems = checkDef(def);

	/**
	 * Context for --describe/--help: example facts, no cluster, unpinned kubectl builders.
	 * @param {Lang} lang
	 * @param {Partial<CommonOptions>} [opts]
	 * @param {Record<string, FlagValue>} [flags]
	 * @returns {Context}
	 */
	const describeContext = (lang, opts = {}, flags) => {
		const parsed = parseArgs([], def.flags ?? [], lang, def.flagGroups);
		const full = { ...parsed.opts, ...opts };
		const namespace = full.namespace ?? 'default';
		const kube = createKube({ context: null, namespace, lang });
		const tr = translator(lang, def.messages);
		const out = createOutput({ lang, color: false, stdout: nullStream(), stderr: nullStream() });
		return {
			name: def.name,
			lang,
			target: def.target,
			t: tr,
			pick: (text) => pick(text, lang),
			opts: full,
			flags: flags ?? parsed.flags,
			names: etcdNames(full.release, full.sts),
			dryRun: true,
			describing: true,
			context: null,
			resume: null,
			namespace,
			kube,
			docker: createDocker({ lang }),
			out,
			prompts: createPrompter({ dryRun: true, lang, interactive: false }),
			env: {},
			connect: async () => {},
			run: async () => {
				throw new Error('commands cannot run while describing');
			},
			formatCommand: (argv) => formatCommand(argv),
			results: {},
			setReport: () => {},
			bindIdentity: async () => {},
		};
	};

	/** @param {Context} ctx */
	const exampleSteps = async (ctx) => {
		if (!def.steps) return [];
		if (def.exampleFacts === undefined)
			throw new Error(translator(ctx.lang)('describeNeedsFacts', { name: def.name }));
		const steps = await def.steps(ctx, def.exampleFacts);
		for (const facts of def.variantFacts ?? []) steps.push(...(await def.steps(ctx, facts)));
		return validSteps(steps);
	};

	/** @type {RunbookHandle['describe']} */
	const describe = async (lang, opts = {}) => {
		const ctx = describeContext(lang, opts);
		const steps = await exampleSteps(ctx);
		return {
			name: def.name,
			summary: pick(def.summary, lang),
			description: pick(def.description, lang),
			target: def.target,
			flags: [
				...(def.flags ?? []).map((f) => flagJson(f, lang, false)),
				...groupFlags(def.flagGroups).map((f) => flagJson(f, lang, true)),
			],
			exitCodes: exitCodeMeanings(def.exitCodes, lang),
			steps: steps.map((s) => ({
				id: s.id,
				title: pick(s.title, lang),
				mode: s.mode,
				command: s.command ? formatCommand(s.command) : null,
				...(s.alternativeTo ? { alternativeTo: s.alternativeTo } : {}),
			})),
		};
	};

	/** @type {RunbookHandle['help']} */
	const help = async (lang) => {
		const tr = translator(lang);
		const lines = [`${def.name}: ${pick(def.summary, lang)}`, ''];
		lines.push(`${tr('helpUsage')}: npx zx runbooks/${def.name}.mjs [flags]`, '');
		lines.push(
			`${tr('helpWhat')}:`,
			...wrap(pick(def.description, lang), 76).map((l) => `  ${l}`),
			'',
		);
		/** @type {Step[]} */
		let steps = [];
		try {
			steps = await exampleSteps(describeContext(lang));
		} catch {
			// Help must still print for a runbook whose steps cannot render; the rest is what matters.
		}
		const changing = steps.filter((s) => s.mode !== 'read');
		lines.push(`${tr('helpChanges')}:`);
		if (changing.length === 0) lines.push(`  ${tr('helpNoChanges')}`);
		for (const s of changing) {
			const label = s.mode === 'destroy' ? tr('modeDestroy') : tr('modeChange');
			lines.push(`  [${label}] ${s.id}: ${pick(s.title, lang)}`);
			if (s.command) lines.push(`      ${formatCommand(s.command)}`);
		}
		lines.push('');
		if ((def.flags ?? []).length > 0) {
			lines.push(`${tr('helpFlags')}:`, ...flagLines(def.flags ?? [], lang), '');
		}
		lines.push(`${tr('helpCommonFlags')}:`, ...flagLines(groupFlags(def.flagGroups), lang), '');
		const codes = exitCodeMeanings(def.exitCodes, lang);
		const width = Math.max(...codes.map((c) => String(c.code).length));
		lines.push(
			`${tr('helpExitCodes')}:`,
			...codes.map((c) => `  ${String(c.code).padEnd(width)}  ${c.meaning}`),
		);
		return `${lines.join('\n')}\n`;
	};

	/** @param {RunIO} [io] */
	const run = (io = {}) => execute(def, problems, io, { describe, help, exampleSteps });

	return {
		def,
		problems,
		describe,
		help,
		run,
		main: async (io = {}) => {
			// `runbook --describe | head` closes the pipe early; that is not a failure worth a stack trace.
			for (const stream of [process.stdout, process.stderr]) {
				stream.on('error', (/** @type {NodeJS.ErrnoException} */ e) => {
					if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
					throw e;
				});
			}
			const code = await run({ handleSignals: true, ...io });
			process.exitCode = code;
			return code;
		},
	};
}

/**
 * Run one step the way it declares: its command (pinned, streamed), then parse() and after(); or its
 * in-process action(). The step's value goes into ctx.results[id].
 * @param {Context} ctx
 * @param {Step} s
 * @param {Output} o
 * @param {Lang} lang
 * @returns {Promise<string | undefined>} the output to keep in the report
 */
async function runStep(ctx, s, o, lang) {
	/** @param {unknown} value */
	const show = (value) => {
		if (typeof value === 'string') {
			o.block(value);
			return value;
		}
		if (
			value &&
			typeof value === 'object' &&
			'stdout' in value &&
			typeof value.stdout === 'string'
		) {
			o.block(value.stdout);
			return value.stdout;
		}
		return undefined;
	};
	const hook = s.action ?? s.run;
	if (hook) {
		const value = await hook(ctx);
		ctx.results[s.id] = value;
		return show(value);
	}
	if (!s.command) return undefined;
	if (s.before) await s.before(ctx);
	// Streamed, so a slow `rollout status` shows progress instead of looking hung. A step with parse()
	// decides what is worth showing: its output is captured and a string value is printed instead.
	const live = s.parse ? null : o.stream();
	const input = s.input ? await s.input(ctx) : undefined;
	const r = await ctx.run(
		s.command,
		live
			? { check: false, input, onStdout: live.write, onStderr: live.write }
			: { check: false, input },
	);
	live?.end();
	if (!r.ok && s.check !== false)
		throw new StepFailedError(
			describeFailure(pinKubectl(s.command, ctx.context, ctx.namespace), r, lang),
		);
	const value = s.parse ? await s.parse(r, ctx) : r;
	ctx.results[s.id] = value;
	const parsed = s.parse ? show(typeof value === 'string' ? value : undefined) : r.stdout;
	const extra = s.after ? show(await s.after(ctx, value)) : undefined;
	const shown = [parsed, extra].filter((x) => x !== undefined);
	return shown.length ? shown.join('\n') : undefined;
}

/**
 * @param {unknown} steps
 * @returns {Step[]}
 */
function validSteps(steps) {
	if (!Array.isArray(steps)) throw new Error('steps() must return an array');
	for (const s of steps) {
		const problem = checkStep(s);
		if (problem) throw new Error(problem);
	}
	return steps;
}

/**
 * @param {FlagSpec} f
 * @param {Lang} lang
 * @param {boolean} common
 */
function flagJson(f, lang, common) {
	return {
		name: f.name,
		alias: f.alias ?? null,
		type: f.type,
		default: f.default ?? null,
		help: pick(f.help, lang),
		...(f.choices ? { choices: f.choices } : {}),
		common,
	};
}

/**
 * @param {readonly FlagSpec[]} flags
 * @param {Lang} lang
 */
function flagLines(flags, lang) {
	const tr = translator(lang);
	const heads = flags.map((f) => {
		const value =
			f.type === 'boolean'
				? ''
				: f.type === 'number'
					? ' <n>'
					: f.choices
						? ` <${f.choices.join('|')}>`
						: ' <value>';
		return `${f.alias ? `-${f.alias}, ` : '    '}--${f.name}${value}`;
	});
	const width = Math.max(...heads.map((h) => h.length), 10) + 2;
	return flags.map((f, i) => {
		const dflt =
			f.default !== undefined && f.default !== false
				? ` (${tr('helpDefault', { value: String(f.default) })})`
				: '';
		return `  ${(heads[i] ?? '').padEnd(width)}${pick(f.help, lang)}${dflt}`;
	});
}

/**
 * @param {string} text
 * @param {number} width
 */
function wrap(text, width) {
	/** @type {string[]} */
	const out = [];
	for (const para of text.split(/\n/)) {
		let line = '';
		for (const word of para.split(/\s+/).filter(Boolean)) {
			if (line && line.length + 1 + word.length > width) {
				out.push(line);
				line = word;
			} else line = line ? `${line} ${word}` : word;
		}
		out.push(line);
	}
	return out;
}

/** @returns {NodeJS.WritableStream} */
function nullStream() {
	return /** @type {any} */ ({ write: () => true, isTTY: false });
}

/**
 * @param {RunbookDef} def
 * @param {string[]} problems
 * @param {RunIO} io
 * @param {{ describe: RunbookHandle['describe'], help: RunbookHandle['help'], exampleSteps: (ctx: Context) => Promise<Step[]> }} views
 * @returns {Promise<number>}
 */
async function execute(def, problems, io, views) {
	const args = io.args ?? scriptArgs(process.argv);
	const env = io.env ?? process.env;
	const stdout = io.stdout ?? process.stdout;
	const stderr = io.stderr ?? process.stderr;
	let lang = pickLang(peekLang(args), env);
	/** @type {Output | null} */
	let out = null;
	/** @type {import('./state.mjs').RunState | null} */
	let state = null;
	/** @type {Prompter | null} */
	let prompts = null;
	/** @type {CommonOptions | null} */
	let opts = null;
	/** @type {StepReport[]} */
	const stepReports = [];
	/** @type {Record<string, unknown>} */
	const report = {
		runbook: def?.name ?? null,
		lang,
		dryRun: false,
		context: null,
		namespace: null,
		release: null,
	};
	/** @type {Record<string, unknown> | null} the runbook's own report (ctx.setReport) */
	let ownReport = null;
	/** @type {(() => void) | null} */
	let removeSignal = null;
	/** @type {number} */
	let code = EXIT.OK;

	try {
		if (problems.length > 0) throw new Error(`runbook definition: ${problems.join('; ')}`);
		const parsed = parseArgs(args, def.flags ?? [], lang, def.flagGroups);
		opts = parsed.opts;
		lang = pickLang(opts.lang, env);
		report.lang = lang;
		if (opts.help) {
			stdout.write(await views.help(lang));
			return EXIT.OK;
		}
		if (opts.describe) {
			stdout.write(`${safeJson(await views.describe(lang, opts))}\n`);
			return EXIT.OK;
		}

		const o = createOutput({ lang, json: opts.json, log: opts.log, stdout, stderr, env });
		out = o;
		const tr = translator(lang, def.messages);
		const p = createPrompter({
			input: io.stdin ?? process.stdin,
			output: o.human,
			yes: opts.yes,
			dryRun: opts.dryRun,
			lang,
			env,
			echo: (line) => o.logOnly(line),
		});
		prompts = p;
		const names = etcdNames(opts.release, opts.sts);
		report.dryRun = opts.dryRun;
		report.release = opts.release;

		/** @type {Kube | null} */
		let kube = null;
		let interrupted = false;
		/** @type {() => Promise<void>} */
		let bindIdentity = async () => {};
		if (io.handleSignals) {
			// Ctrl-C, kill, or a dropped SSH session: completed steps are already on disk; delete the helper pods
			// this run still has (they hold PVCs), free the lock and exit 3 so the next run continues. Writing
			// may fail when the terminal is gone. A second signal exits at once.
			const onSignal = () => {
				if (interrupted) process.exit(EXIT.REFUSED);
				interrupted = true;
				try {
					o.line();
					o.error(translator(lang)('interrupted'));
				} catch {
					// nowhere left to print
				}
				const cleanup = Promise.allSettled([kube?.deleteHelpers(), bindIdentity()]);
				const cap = new Promise((r) => setTimeout(r, 15_000).unref());
				void Promise.race([cleanup, cap]).finally(() => {
					state?.release();
					o.close();
					process.exit(EXIT.REFUSED);
				});
			};
			const signals = /** @type {const} */ (['SIGINT', 'SIGTERM', 'SIGHUP']);
			for (const sig of signals) process.on(sig, onSignal);
			removeSignal = () => {
				for (const sig of signals) process.off(sig, onSignal);
			};
		}

		const common = /** @type {CommonOptions} */ (opts);
		/** @type {Context} */
		const ctx = {
			name: def.name,
			lang,
			target: def.target,
			t: tr,
			pick: (text) => pick(text, lang),
			opts: common,
			flags: parsed.flags,
			names,
			dryRun: common.dryRun,
			describing: false,
			context: null,
			resume: null,
			namespace: common.namespace ?? 'default',
			get kube() {
				if (!kube) throw new Error(translator(lang)('notConnected'));
				return kube;
			},
			docker: createDocker({ lang }),
			out: o,
			prompts: p,
			env,
			connect: async () => {
				if (kube) return;
				if (ctx.target === 'kubernetes') {
					const target = await resolveTarget({
						context: common.context,
						namespace: common.namespace,
						lang,
					});
					const helperImage = parsed.flags['helper-image'];
					const k = createKube({
						context: target.context,
						namespace: target.namespace,
						lang,
						helperImage: typeof helperImage === 'string' ? helperImage : undefined,
					});
					if (def.requireStatefulSet !== false) await requireStatefulSet(k, names.sts, lang);
					else await requireNamespace(k, lang);
					kube = k;
					ctx.context = target.context;
					ctx.namespace = target.namespace;
					report.context = target.context;
					report.namespace = target.namespace;
				} else {
					if (ctx.target === 'docker') requireTool('docker', lang);
					// Local/docker runbooks still get unpinned kubectl builders, so shared step helpers work.
					kube = createKube({ context: null, namespace: ctx.namespace, lang });
				}
				// Shown before anything else happens, so the user sees which cluster is about to be touched.
				o.heading(def.name);
				if (ctx.target === 'kubernetes') {
					o.info(
						`${tr('labelContext')}: ${ctx.context}   ${tr('labelNamespace')}: ${ctx.namespace}`,
					);
					o.info(
						`${tr('labelRelease')}: ${names.release}   ${tr('labelStatefulSet')}: ${names.sts}`,
					);
				} else {
					o.info(`${tr('labelTarget')}: ${ctx.target}`);
				}
				if (common.dryRun) o.warn(tr('dryRunBanner'));
			},
			run: (argv, options) =>
				runArgv(pinKubectl(argv, ctx.context, ctx.namespace), { lang, ...options }),
			formatCommand: (argv) => formatCommand(pinKubectl(argv, ctx.context, ctx.namespace)),
			results: {},
			setReport: (value) => {
				if (!value || typeof value !== 'object' || Array.isArray(value))
					throw new Error('setReport needs an object');
				ownReport = value;
			},
			bindIdentity: () => bindIdentity(),
		};

		if (def.main) {
			const result = await def.main(ctx);
			if (typeof result === 'number') {
				// A code missing from the table would leave --help and the site wrong about what happened.
				if (!exitCodeMeanings(def.exitCodes, lang).some((c) => c.code === result))
					throw new Error(
						`runbook ${def.name} returned exit code ${result}, not listed in its exitCodes`,
					);
				return (code = result);
			}
			if (result && typeof result === 'object') {
				report.verify = { ok: result.ok, details: result.details ?? null };
				if (result.data !== undefined) report.data = result.data;
				if (result.ok) {
					if (result.details) o.ok(result.details);
					return (code = EXIT.OK);
				}
				o.error(tr('verifyFailed', { details: result.details ?? '' }));
				return (code = EXIT.FAILED);
			}
			if (!def.steps) return (code = EXIT.OK);
		}

		await ctx.connect();

		const st = openState(
			{
				runbook: def.name,
				context: ctx.context ?? '',
				namespace: ctx.namespace,
				release: names.release,
			},
			{ env, lang, lock: !common.dryRun },
		);
		state = st;
		if (def.identity) {
			const identify = def.identity;
			bindIdentity = async () => {
				if (common.dryRun) return;
				try {
					st.bind(await identify(ctx));
				} catch {
					// Identity is evidence, not a step: a failed read leaves what was saved.
				}
			};
			const now = await identify(ctx);
			if (st.resumed && !st.belongsTo(now))
				o.warn(tr('resumeOtherTarget', { file: st.restart(!common.dryRun) }));
			if (!st.resumed) {
				const back = st.adopt(now, !common.dryRun);
				if (back) o.warn(tr('resumeAdopted', { file: back }));
			}
			// A dry run leaves the saved progress as it found it.
			if (!common.dryRun) st.bind(now);
		}
		if (st.resumed) {
			ctx.resume = {
				facts: st.data.facts ?? null,
				completed: Object.values(st.data.completed).map((c) => c.id),
			};
		}

		o.heading(tr('preflightHeading'));
		const facts = def.preflight ? await def.preflight(ctx) : {};
		report.facts = facts ?? null;
		const steps = validSteps(def.steps ? await def.steps(ctx, facts) : []);
		for (const s of steps) {
			stepReports.push({
				id: s.id,
				title: pick(s.title, lang),
				mode: s.mode,
				command: s.command ? ctx.formatCommand(s.command) : null,
				status: 'pending',
			});
		}

		o.heading(tr('planHeading'));
		if (st.resumed) o.warn(tr('resumeFound', { file: st.file }));
		if (steps.length === 0) o.info(tr('planNoSteps'));
		steps.forEach((s, i) => {
			const mark =
				s.mode !== 'read' && st.isDone(stepKey(s, i)) ? `  (${tr('planAlreadyDone')})` : '';
			o.info(
				`  ${String(i + 1).padStart(2)}. [${o.modeLabel(s.mode)}] ${pick(s.title, lang)}${mark}`,
			);
			if (s.command) o.dim(`      ${ctx.formatCommand(s.command)}`);
		});

		for (let i = 0; i < steps.length; i++) {
			if (interrupted) throw new RefusedError(tr('interrupted'));
			const s = /** @type {Step} */ (steps[i]);
			const rep = /** @type {StepReport} */ (stepReports[i]);
			const key = stepKey(s, i);
			// Plain mode text: the heading is bold already and nested colour resets would cut it short.
			const modeText = tr(
				s.mode === 'read' ? 'modeRead' : s.mode === 'change' ? 'modeChange' : 'modeDestroy',
			);
			o.heading(
				tr('stepStart', {
					n: i + 1,
					total: steps.length,
					mode: modeText,
					title: pick(s.title, lang),
				}),
			);
			if (s.command) o.dim(`$ ${ctx.formatCommand(s.command)}`);

			if (s.when && !(await s.when(ctx))) {
				o.ok(
					s.alternativeTo ? tr('stepNotChosen', { other: s.alternativeTo }) : tr('stepNotNeeded'),
				);
				rep.status = 'skipped';
				continue;
			}
			const skip = s.done ? await s.done(ctx) : s.mode !== 'read' && st.isDone(key);
			if (skip) {
				o.ok(tr('stepSkipped'));
				rep.status = 'skipped';
				continue;
			}
			if (s.mode !== 'read') {
				if (common.dryRun) {
					o.info(
						s.command
							? tr('dryRunWould', { command: ctx.formatCommand(s.command) })
							: tr('dryRunWouldCustom', { title: pick(s.title, lang) }),
					);
					rep.status = 'dry-run';
					continue;
				}
				if (s.mode === 'destroy') {
					const expected = s.confirmName ?? s.command?.[s.command.length - 1] ?? s.id;
					const yes = await p.confirmTyped(expected, undefined, s.id);
					if (!yes) {
						rep.status = 'refused';
						throw new RefusedError(tr('typedMismatch', { name: expected, id: s.id }));
					}
					// The operator may have read the plan for minutes: what done() checked (and the guards it
					// holds, such as "this claim has no volume") is checked again right before the delete.
					if (s.done && (await s.done(ctx))) {
						o.ok(tr('stepSkipped'));
						rep.status = 'skipped';
						continue;
					}
				} else if (!(await p.confirm(tr('confirmChange'), s.id))) {
					rep.status = 'refused';
					throw new RefusedError(tr('refusedAnswer', { id: s.id }));
				}
			}

			try {
				const shown = await runStep(ctx, s, o, lang);
				if (shown !== undefined) rep.output = shown;
			} catch (e) {
				rep.status = 'failed';
				rep.error = oneLine(e);
				if (e instanceof RefusedError || e instanceof NotThisSymptomError) throw e;
				if (s.optional && s.mode === 'read') {
					o.warn(tr('stepFailed', { id: s.id, reason: oneLine(e) }));
					continue;
				}
				throw new StepFailedError(tr('stepFailed', { id: s.id, reason: oneLine(e) }));
			}
			rep.status = 'ran';
			if (!common.dryRun && s.mode !== 'read')
				st.markDone(
					key,
					{ id: s.id, command: s.command ? formatCommand(s.command) : null },
					facts ?? null,
				);
			if (!common.dryRun && s.mode !== 'read') await bindIdentity();
			o.ok(tr('stepOk'));
		}

		if (common.dryRun) {
			o.heading(tr('dryRunDone'));
			return (code = EXIT.OK);
		}
		o.heading(tr('verifyHeading'));
		/** @type {VerifyResult} */
		const verdict = def.verify ? await def.verify(ctx, facts) : { ok: true };
		report.verify = { ok: verdict.ok, details: verdict.details ?? null };
		if (verdict.data !== undefined) report.data = verdict.data;
		if (verdict.ok) {
			o.ok(tr('verifyOk', { details: verdict.details ?? '' }));
			st.clear();
			o.dim(tr('stateCleared'));
			return (code = EXIT.OK);
		}
		o.error(tr('verifyFailed', { details: verdict.details ?? '' }));
		return (code = EXIT.FAILED);
	} catch (e) {
		// A report the runbook set earlier describes a run that did not end the way it says.
		ownReport = null;
		code = exitCodeOf(e);
		const tr = translator(lang);
		const message =
			e instanceof NotThisSymptomError ? tr('notThisSymptom', { reason: oneLine(e) }) : oneLine(e);
		report.error = message;
		if (out) {
			out.error(message);
			if (!(e instanceof RunbookError) && e instanceof Error && e.stack) out.logOnly(e.stack);
		} else {
			stderr.write(`${tr('errorPrefix')}: ${message}\n`);
		}
		if (env.MILVUS_RESCUE_DEBUG === '1' && e instanceof Error && e.stack)
			stderr.write(`${e.stack}\n`);
		return code;
	} finally {
		removeSignal?.();
		prompts?.close();
		if (state) {
			const st = state;
			if (code !== EXIT.OK && Object.keys(st.data.completed).length > 0 && out) {
				out.dim(translator(lang)('stateKept', { file: st.file }));
			}
			st.release();
		}
		if (out && opts?.json) {
			if (ownReport) out.report(ownReport);
			else {
				report.exitCode = code;
				report.steps = stepReports;
				out.report(report);
			}
		}
		out?.close();
	}
}

// Re-exported so a runbook can get the usual pieces from one import.
export { EXIT, NotThisSymptomError, RefusedError, StepFailedError, UsageError } from './exit.mjs';
export { NotThisSymptom } from './exit.mjs';
export { formatCommand } from './shell.mjs';
export { etcdNames, ETCD_MOUNT } from './kube.mjs';
