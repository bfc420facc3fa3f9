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
 *   export default defineRunbook({
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
 *   }, import.meta.url);
 *
 * Rules that matter:
 * - Steps are data: `command` is declared once; the toolkit prints it in the plan, pins it, runs it, and
 *   --describe renders the same value. Hooks around it: before() guards (throw to refuse), parse() turns
 *   the result into the step's value (ctx.results[id]), after() waits and checks; `command: null` steps
 *   do in-process work in action(); when() chooses at run time (alternativeTo: the step it replaces).
 *   See the Step typedef.
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
 * - Read steps run in --dry-run too: a read step that creates anything (helper pods, port-forwards) says
 *   `when: (ctx) => !ctx.dryRun` (a dry run then reports it as skipped). `optional: true` on a read step
 *   turns its failure into a warning.
 * - Confirmation: change → [y/N] (default No); destroy → type `confirmName` (default: the command's last
 *   argument). --yes answers both; without a TTY (or MILVUS_RESCUE_ASSUME_TTY=1) and without --yes the
 *   run stops with exit 3 before the step. Refusing keeps the saved progress. A destroy step's done() runs
 *   again after the name is typed, so its guards hold at the moment of the delete, not only when planned.
 * - main(ctx) may return { ok, details, data }: `data` goes into the generic --json report.
 * - A runbook with a report of its own (diagnose: `{ matches: [...] }`) calls `ctx.setReport(obj)`:
 *   under --json stdout then holds that object instead of the generic report (with `steps`, the steps
 *   that ran, when the runbook has steps()), unless the run ends in an error thrown after it (the generic
 *   report with `error` is printed then).
 * - verify() may return a number instead of a verdict, as main() may: the runbook printed its own verdict
 *   (a diagnostic's findings) and the run ends with that exit code, which exitCodes must list.
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
import { missingTranslations, pick, pickLang, toolkitText, translator } from './i18n.mjs';
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
 * @property {string} [cwd]     the folder `command` runs in (default: the current one), e.g. the client
 *   project whose SDK versions `npm ls` reads; not part of the displayed command
 * @property {(ctx: Context) => Promise<string> | string} [input]  text fed to the command's stdin, never shown
 *   (a signed URL, anything that must stay out of argv, the plan and --describe)
 * @property {(ctx: Context) => Promise<void> | void} [before]  guards checked after confirmation and just before
 *   the command runs (throw StepFailedError to refuse: a pod that must be gone first, a flag still set);
 *   never runs the step's own argv
 * @property {(ctx: Context, value: unknown) => Promise<unknown> | unknown} [after]  waits, retries and checks
 *   after the command ran (e.g. wait for a rollout); a returned string is printed. Never a second argv
 * @property {(ctx: Context) => Promise<unknown> | unknown} [action]  only for `command: null` steps: in-process
 *   work; its return value is the step's value (a returned string is printed)
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
 * @property {(ctx: Context, facts: any) => Promise<VerifyResult | number> | VerifyResult | number} [verify]
 *   a number: the runbook said its verdict itself; the run ends with that (listed) exit code
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
	const tr = toolkitText(lang);
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
	if ('run' in step)
		return `step ${step.id}: run() is gone; declare command (+ before/parse/after), or action() for command: null`;
	if (step.before && step.command === null)
		return `step ${step.id}: before() guards the command; a command: null step does its work in action()`;
	if (step.input && step.command === null)
		return `step ${step.id}: input() feeds the command's stdin; a command: null step has none`;
	if (step.cwd !== undefined && (step.command === null || typeof step.cwd !== 'string'))
		return `step ${step.id}: cwd is the folder of its command, a string`;
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
 * The Context every hook sees: for a run, or (run null) for --describe/--help, with example facts, no
 * cluster and unpinned kubectl builders. One constructor, so both have the same shape.
 * @param {RunbookDef} def
 * @param {{ lang: Lang, opts: CommonOptions, flags: Record<string, FlagValue>, env: Record<string, string | undefined>, out: Output, prompts: Prompter }} base
 * @param {Run | null} run  the run this context belongs to; null while describing
 * @returns {Context}
 */
function createContext(def, base, run) {
	const { lang, opts } = base;
	const namespace = opts.namespace ?? 'default';
	const describeKube = run ? null : createKube({ context: null, namespace, lang });
	/** @type {Context} */
	const ctx = {
		name: def.name,
		lang,
		target: def.target,
		t: translator(lang, def.messages),
		pick: (text) => pick(text, lang),
		opts,
		flags: base.flags,
		names: etcdNames(opts.release, opts.sts),
		dryRun: run ? opts.dryRun : true,
		describing: !run,
		context: null,
		resume: null,
		namespace,
		get kube() {
			if (describeKube) return describeKube;
			if (!run?.kube) throw new Error(toolkitText(lang)('notConnected'));
			return run.kube;
		},
		docker: createDocker({ lang }),
		out: base.out,
		prompts: base.prompts,
		env: base.env,
		connect: run ? () => connect(run, ctx) : async () => {},
		run: run
			? (argv, options) =>
					runArgv(pinKubectl(argv, ctx.context, ctx.namespace), { lang, ...options })
			: async () => {
					throw new Error('commands cannot run while describing');
				},
		// Unpinned until connect() resolved the context: the site's form while describing.
		formatCommand: (argv) => formatCommand(pinKubectl(argv, ctx.context, ctx.namespace)),
		results: {},
		setReport: (value) => {
			if (!value || typeof value !== 'object' || Array.isArray(value))
				throw new Error('setReport needs an object');
			if (run) run.ownReport = value;
		},
		bindIdentity: () => (run ? run.bindIdentity() : Promise.resolve()),
	};
	return ctx;
}

/**
 * Context for --describe/--help: the flags' defaults (with `opts` over them), output that goes nowhere.
 * @param {RunbookDef} def
 * @param {Lang} lang
 * @param {Partial<CommonOptions>} [opts]
 */
function describeContext(def, lang, opts = {}) {
	const parsed = parseArgs([], def.flags ?? [], lang, def.flagGroups);
	const out = createOutput({ lang, color: false, stdout: nullStream(), stderr: nullStream() });
	const prompts = createPrompter({ dryRun: true, lang, interactive: false });
	const base = {
		lang,
		opts: { ...parsed.opts, ...opts },
		flags: parsed.flags,
		env: {},
		out,
		prompts,
	};
	return createContext(def, base, null);
}

/**
 * The steps --describe and --help show: those of exampleFacts, then those of each variantFacts.
 * @param {RunbookDef} def
 * @param {Context} ctx
 */
async function exampleSteps(def, ctx) {
	if (!def.steps) return [];
	if (def.exampleFacts === undefined)
		throw new Error(toolkitText(ctx.lang)('describeNeedsFacts', { name: def.name }));
	const steps = await def.steps(ctx, def.exampleFacts);
	for (const facts of def.variantFacts ?? []) steps.push(...(await def.steps(ctx, facts)));
	return validSteps(steps);
}

/**
 * What --describe prints: the runbook, its flags and exit codes, and each step with the command it runs.
 * @param {RunbookDef} def
 * @param {Lang} lang
 * @param {Partial<CommonOptions>} [opts]
 */
async function describeRunbook(def, lang, opts = {}) {
	const steps = await exampleSteps(def, describeContext(def, lang, opts));
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
}

/**
 * What --help prints: usage, what it does, what it changes (each changing step and its command), the flags
 * and the exit codes.
 * @param {RunbookDef} def
 * @param {Lang} lang
 */
async function helpText(def, lang) {
	const tr = toolkitText(lang);
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
		steps = await exampleSteps(def, describeContext(def, lang));
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
}

/**
 * @param {RunbookDef} def
 * @returns {RunbookHandle}
 */
function buildRunbook(def) {
	const problems = checkDef(def);
	/** @type {RunbookHandle['describe']} */
	const describe = (lang, opts = {}) => describeRunbook(def, lang, opts);
	/** @type {RunbookHandle['help']} */
	const help = (lang) => helpText(def, lang);
	/** @param {RunIO} [io] */
	const run = (io = {}) => execute(def, problems, io, { describe, help });

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
	const hook = s.action;
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
	const where = s.cwd ? { cwd: s.cwd } : {};
	const r = await ctx.run(
		s.command,
		live
			? { check: false, input, ...where, onStdout: live.write, onStderr: live.write }
			: { check: false, input, ...where },
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
	const tr = toolkitText(lang);
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
 * One invocation's state, shared by the parts of execute() and read by its end (the report, the lock).
 * @typedef {object} Run
 * @property {RunbookDef} def
 * @property {Lang} lang
 * @property {Record<string, string | undefined>} env
 * @property {NodeJS.WritableStream} stderr
 * @property {Output | null} out
 * @property {CommonOptions | null} opts
 * @property {Prompter | null} prompts
 * @property {import('./state.mjs').RunState | null} state
 * @property {Kube | null} kube              set by connect()
 * @property {boolean} interrupted           a signal came; the step loop stops before the next step
 * @property {() => Promise<void>} bindIdentity  record the target's identity in the state (def.identity)
 * @property {Record<string, unknown>} report    the generic --json report
 * @property {StepReport[]} stepReports
 * @property {Record<string, unknown> | null} ownReport  the runbook's own report (ctx.setReport)
 * @property {(() => void) | null} removeSignal
 * @property {number} code
 */

/**
 * Parse the arguments, answer --help/--describe, else run: the context, then drive() (main, plan, steps,
 * verification); an error becomes its exit code and one line; the end closes what the run opened.
 * @param {RunbookDef} def
 * @param {string[]} problems
 * @param {RunIO} io
 * @param {{ describe: RunbookHandle['describe'], help: RunbookHandle['help'] }} views
 * @returns {Promise<number>}
 */
async function execute(def, problems, io, views) {
	const args = io.args ?? scriptArgs(process.argv);
	const env = io.env ?? process.env;
	const stdout = io.stdout ?? process.stdout;
	const lang = pickLang(peekLang(args), env);
	/** @type {Run} */
	const run = {
		def,
		lang,
		env,
		stderr: io.stderr ?? process.stderr,
		out: null,
		opts: null,
		prompts: null,
		state: null,
		kube: null,
		interrupted: false,
		bindIdentity: async () => {},
		report: {
			runbook: def?.name ?? null,
			lang,
			dryRun: false,
			context: null,
			namespace: null,
			release: null,
		},
		stepReports: [],
		ownReport: null,
		removeSignal: null,
		code: EXIT.OK,
	};
	try {
		if (problems.length > 0) throw new Error(`runbook definition: ${problems.join('; ')}`);
		const parsed = parseArgs(args, def.flags ?? [], lang, def.flagGroups);
		run.opts = parsed.opts;
		run.lang = pickLang(parsed.opts.lang, env);
		run.report.lang = run.lang;
		if (parsed.opts.help) {
			stdout.write(await views.help(run.lang));
			return EXIT.OK;
		}
		if (parsed.opts.describe) {
			stdout.write(`${safeJson(await views.describe(run.lang, parsed.opts))}\n`);
			return EXIT.OK;
		}
		const ctx = startRun(run, parsed, io, stdout);
		return (run.code = await drive(run, ctx));
	} catch (e) {
		return (run.code = reportError(run, e));
	} finally {
		endRun(run);
	}
}

/**
 * The run's output, prompter, signal handling and context.
 * @param {Run} run
 * @param {{ opts: CommonOptions, flags: Record<string, FlagValue> }} parsed
 * @param {RunIO} io
 * @param {NodeJS.WritableStream} stdout
 */
function startRun(run, parsed, io, stdout) {
	const { lang, env, stderr } = run;
	const opts = parsed.opts;
	const out = createOutput({ lang, json: opts.json, log: opts.log, stdout, stderr, env });
	run.out = out;
	const prompts = createPrompter({
		input: io.stdin ?? process.stdin,
		output: out.human,
		yes: opts.yes,
		dryRun: opts.dryRun,
		lang,
		env,
		echo: (line) => out.logOnly(line),
	});
	run.prompts = prompts;
	run.report.dryRun = opts.dryRun;
	run.report.release = opts.release;
	if (io.handleSignals) run.removeSignal = handleSignals(run);
	return createContext(run.def, { lang, opts, flags: parsed.flags, env, out, prompts }, run);
}

/**
 * Ctrl-C, kill, or a dropped SSH session: completed steps are already on disk; delete the helper pods this
 * run still has (they hold PVCs), free the lock and exit 3 so the next run continues. Writing may fail when
 * the terminal is gone. A second signal exits at once.
 * @param {Run} run
 * @returns {() => void} removes the handlers
 */
function handleSignals(run) {
	const onSignal = () => {
		if (run.interrupted) process.exit(EXIT.REFUSED);
		run.interrupted = true;
		try {
			run.out?.line();
			run.out?.error(toolkitText(run.lang)('interrupted'));
		} catch {
			// nowhere left to print
		}
		const cleanup = Promise.allSettled([run.kube?.deleteHelpers(), run.bindIdentity()]);
		const cap = new Promise((r) => setTimeout(r, 15_000).unref());
		void Promise.race([cleanup, cap]).finally(() => {
			run.state?.release();
			run.out?.close();
			process.exit(EXIT.REFUSED);
		});
	};
	const signals = /** @type {const} */ (['SIGINT', 'SIGTERM', 'SIGHUP']);
	for (const sig of signals) process.on(sig, onSignal);
	return () => {
		for (const sig of signals) process.off(sig, onSignal);
	};
}

/**
 * ctx.connect(): resolve the context and namespace once, check the tools and the release, and say which
 * cluster is about to be touched before anything else happens.
 * @param {Run} run
 * @param {Context} ctx
 */
async function connect(run, ctx) {
	if (run.kube) return;
	const { def, lang } = run;
	const opts = ctx.opts;
	if (ctx.target === 'kubernetes') {
		const target = await resolveTarget({ context: opts.context, namespace: opts.namespace, lang });
		const helperImage = ctx.flags['helper-image'];
		const k = createKube({
			context: target.context,
			namespace: target.namespace,
			lang,
			helperImage: typeof helperImage === 'string' ? helperImage : undefined,
		});
		if (def.requireStatefulSet !== false) await requireStatefulSet(k, ctx.names.sts, lang);
		else await requireNamespace(k, lang);
		run.kube = k;
		ctx.context = target.context;
		ctx.namespace = target.namespace;
		run.report.context = target.context;
		run.report.namespace = target.namespace;
	} else {
		if (ctx.target === 'docker') requireTool('docker', lang);
		// Local/docker runbooks still get unpinned kubectl builders, so shared step helpers work.
		run.kube = createKube({ context: null, namespace: ctx.namespace, lang });
	}
	const o = ctx.out;
	o.heading(def.name);
	if (ctx.target === 'kubernetes') {
		o.info(
			`${ctx.t('labelContext')}: ${ctx.context}   ${ctx.t('labelNamespace')}: ${ctx.namespace}`,
		);
		// The etcd StatefulSet is named only where the runbook works on it.
		const sts =
			def.requireStatefulSet === false ? '' : `   ${ctx.t('labelStatefulSet')}: ${ctx.names.sts}`;
		o.info(`${ctx.t('labelRelease')}: ${ctx.names.release}${sts}`);
	} else {
		o.info(`${ctx.t('labelTarget')}: ${ctx.target}`);
	}
	if (opts.dryRun) o.warn(ctx.t('dryRunBanner'));
}

/**
 * main(), when the runbook has one, then the cluster: saved progress, preflight, the plan, each step,
 * and the verification (skipped in a dry run).
 * @param {Run} run
 * @param {Context} ctx
 * @returns {Promise<number>}
 */
async function drive(run, ctx) {
	const def = run.def;
	if (def.main) {
		const ended = await runMain(run, ctx);
		if (ended !== undefined) return ended;
	}
	await ctx.connect();
	const st = await openProgress(run, ctx);
	ctx.out.heading(ctx.t('preflightHeading'));
	const facts = def.preflight ? await def.preflight(ctx) : {};
	run.report.facts = facts ?? null;
	const steps = validSteps(def.steps ? await def.steps(ctx, facts) : []);
	showPlan(run, ctx, st, steps);
	for (let i = 0; i < steps.length; i++) {
		if (run.interrupted) throw new RefusedError(ctx.t('interrupted'));
		await stepAt(run, ctx, { st, steps, i, facts });
	}
	if (ctx.dryRun) {
		ctx.out.heading(ctx.t('dryRunDone'));
		return EXIT.OK;
	}
	ctx.out.heading(ctx.t('verifyHeading'));
	const verdict = def.verify ? await def.verify(ctx, facts) : { ok: true };
	// A number: the runbook said its verdict itself (a diagnostic's findings); nothing was changed to clear.
	if (typeof verdict === 'number') {
		const code = listedCode(run, verdict);
		if (code === EXIT.OK) st.clear();
		return code;
	}
	const code = reportVerdict(run, ctx, verdict, 'verifyOk');
	if (code === EXIT.OK) {
		st.clear();
		ctx.out.dim(ctx.t('stateCleared'));
	}
	return code;
}

/**
 * An exit code main() or verify() returned, refused unless the runbook's table lists it.
 * @param {Run} run
 * @param {number} code
 */
function listedCode(run, code) {
	// A code missing from the table would leave --help and the site wrong about what happened.
	if (!exitCodeMeanings(run.def.exitCodes, run.lang).some((c) => c.code === code))
		throw new Error(
			`runbook ${run.def.name} returned exit code ${code}, not listed in its exitCodes`,
		);
	return code;
}

/**
 * The runbook's own main(): a number ends the run with that (listed) exit code, a verdict ends it with
 * 0 or 1, undefined goes on with the plan (or ends with 0 when there are no steps).
 * @param {Run} run
 * @param {Context} ctx
 * @returns {Promise<number | undefined>}
 */
async function runMain(run, ctx) {
	const def = run.def;
	const result = await def.main?.(ctx);
	if (typeof result === 'number') return listedCode(run, result);
	if (result && typeof result === 'object') return reportVerdict(run, ctx, result, null);
	return def.steps ? undefined : EXIT.OK;
}

/**
 * Put a verdict into the report and say it: 0 when ok, else 1. `okKey` frames the ok details (null: as is).
 * @param {Run} run
 * @param {Context} ctx
 * @param {VerifyResult} verdict
 * @param {string | null} okKey
 */
function reportVerdict(run, ctx, verdict, okKey) {
	run.report.verify = { ok: verdict.ok, details: verdict.details ?? null };
	if (verdict.data !== undefined) run.report.data = verdict.data;
	if (verdict.ok) {
		if (okKey) ctx.out.ok(ctx.t(okKey, { details: verdict.details ?? '' }));
		else if (verdict.details) ctx.out.ok(verdict.details);
		return EXIT.OK;
	}
	ctx.out.error(ctx.t('verifyFailed', { details: verdict.details ?? '' }));
	return EXIT.FAILED;
}

/**
 * Open the saved progress of this runbook on this target (locked unless a dry run), set aside progress of
 * another target (def.identity), and hand an earlier run's facts to preflight (ctx.resume).
 * @param {Run} run
 * @param {Context} ctx
 */
async function openProgress(run, ctx) {
	const { def, lang, env } = run;
	const dryRun = ctx.dryRun;
	const st = openState(
		{
			runbook: def.name,
			context: ctx.context ?? '',
			namespace: ctx.namespace,
			release: ctx.names.release,
		},
		{ env, lang, lock: !dryRun },
	);
	run.state = st;
	if (def.identity) {
		const identify = def.identity;
		run.bindIdentity = async () => {
			if (dryRun) return;
			try {
				st.bind(await identify(ctx));
			} catch {
				// Identity is evidence, not a step: a failed read leaves what was saved.
			}
		};
		const now = await identify(ctx);
		if (st.resumed && !st.belongsTo(now))
			ctx.out.warn(ctx.t('resumeOtherTarget', { file: st.restart(!dryRun) }));
		if (!st.resumed) {
			const back = st.adopt(now, !dryRun);
			if (back) ctx.out.warn(ctx.t('resumeAdopted', { file: back }));
		}
		// A dry run leaves the saved progress as it found it.
		if (!dryRun) st.bind(now);
	}
	if (st.resumed) {
		ctx.resume = {
			facts: st.data.facts ?? null,
			completed: Object.values(st.data.completed).map((c) => c.id),
		};
	}
	return st;
}

/**
 * The plan, printed before any change: each step with its mode and command, those done already marked.
 * @param {Run} run
 * @param {Context} ctx
 * @param {import('./state.mjs').RunState} st
 * @param {Step[]} steps
 */
function showPlan(run, ctx, st, steps) {
	const o = ctx.out;
	for (const s of steps) {
		run.stepReports.push({
			id: s.id,
			title: ctx.pick(s.title),
			mode: s.mode,
			command: s.command ? ctx.formatCommand(s.command) : null,
			status: 'pending',
		});
	}
	o.heading(ctx.t('planHeading'));
	if (st.resumed) o.warn(ctx.t('resumeFound', { file: st.file }));
	if (steps.length === 0) o.info(ctx.t('planNoSteps'));
	steps.forEach((s, i) => {
		const mark =
			s.mode !== 'read' && st.isDone(stepKey(s, i)) ? `  (${ctx.t('planAlreadyDone')})` : '';
		o.info(`  ${String(i + 1).padStart(2)}. [${o.modeLabel(s.mode)}] ${ctx.pick(s.title)}${mark}`);
		if (s.command) o.dim(`      ${ctx.formatCommand(s.command)}`);
	});
}

/**
 * Step i of the plan: shown, then skipped (not chosen, done already, dry run), confirmed, run and recorded.
 * @param {Run} run
 * @param {Context} ctx
 * @param {{ st: import('./state.mjs').RunState, steps: Step[], i: number, facts: unknown }} at
 */
async function stepAt(run, ctx, { st, steps, i, facts }) {
	const o = ctx.out;
	const s = /** @type {Step} */ (steps[i]);
	const rep = /** @type {StepReport} */ (run.stepReports[i]);
	const key = stepKey(s, i);
	// Plain mode text: the heading is bold already and nested colour resets would cut it short.
	const modeText = ctx.t(
		s.mode === 'read' ? 'modeRead' : s.mode === 'change' ? 'modeChange' : 'modeDestroy',
	);
	o.heading(
		ctx.t('stepStart', { n: i + 1, total: steps.length, mode: modeText, title: ctx.pick(s.title) }),
	);
	if (s.command) o.dim(`$ ${ctx.formatCommand(s.command)}`);
	const skipped = await skipReason(ctx, st, s, key);
	if (skipped) {
		if (skipped.status === 'dry-run') o.info(skipped.text);
		else o.ok(skipped.text);
		rep.status = skipped.status;
		return;
	}
	if (!(await confirmStep(ctx, s, rep))) return;
	try {
		const shown = await runStep(ctx, s, o, run.lang);
		if (shown !== undefined) rep.output = shown;
	} catch (e) {
		rep.status = 'failed';
		rep.error = oneLine(e);
		if (e instanceof RefusedError || e instanceof NotThisSymptomError) throw e;
		if (s.optional && s.mode === 'read') {
			o.warn(ctx.t('stepFailed', { id: s.id, reason: oneLine(e) }));
			return;
		}
		throw new StepFailedError(ctx.t('stepFailed', { id: s.id, reason: oneLine(e) }));
	}
	rep.status = 'ran';
	if (!ctx.dryRun && s.mode !== 'read') {
		st.markDone(
			key,
			{ id: s.id, command: s.command ? formatCommand(s.command) : null },
			facts ?? null,
		);
		await run.bindIdentity();
	}
	o.ok(ctx.t('stepOk'));
}

/**
 * Why step s does not run now, or null: not chosen (when), done already (done(), else the saved progress of a
 * change), or a change in a dry run.
 * @param {Context} ctx
 * @param {import('./state.mjs').RunState} st
 * @param {Step} s
 * @param {string} key
 * @returns {Promise<{ status: 'skipped' | 'dry-run', text: string } | null>}
 */
async function skipReason(ctx, st, s, key) {
	if (s.when && !(await s.when(ctx))) {
		const text = s.alternativeTo
			? ctx.t('stepNotChosen', { other: s.alternativeTo })
			: ctx.t('stepNotNeeded');
		return { status: 'skipped', text };
	}
	const done = s.done ? await s.done(ctx) : s.mode !== 'read' && st.isDone(key);
	if (done) return { status: 'skipped', text: ctx.t('stepSkipped') };
	if (s.mode === 'read' || !ctx.dryRun) return null;
	const text = s.command
		? ctx.t('dryRunWould', { command: ctx.formatCommand(s.command) })
		: ctx.t('dryRunWouldCustom', { title: ctx.pick(s.title) });
	return { status: 'dry-run', text };
}

/**
 * Ask before a change ([y/N]) or a delete (type the name); a refusal stops the run (exit 3) and keeps the
 * saved progress. False: the destroy step turned out done by the time the name was typed.
 * @param {Context} ctx
 * @param {Step} s
 * @param {StepReport} rep
 */
async function confirmStep(ctx, s, rep) {
	if (s.mode === 'read') return true;
	if (s.mode === 'change') {
		if (await ctx.prompts.confirm(ctx.t('confirmChange'), s.id)) return true;
		rep.status = 'refused';
		throw new RefusedError(ctx.t('refusedAnswer', { id: s.id }));
	}
	const expected = s.confirmName ?? s.command?.[s.command.length - 1] ?? s.id;
	if (!(await ctx.prompts.confirmTyped(expected, undefined, s.id))) {
		rep.status = 'refused';
		throw new RefusedError(ctx.t('typedMismatch', { name: expected, id: s.id }));
	}
	// The operator may have read the plan for minutes: what done() checked (and the guards it holds, such as
	// "this claim has no volume") is checked again right before the delete.
	if (s.done && (await s.done(ctx))) {
		ctx.out.ok(ctx.t('stepSkipped'));
		rep.status = 'skipped';
		return false;
	}
	return true;
}

/**
 * An error ends the run with its exit code and one line; the stack goes to the log only (and to stderr with
 * MILVUS_RESCUE_DEBUG=1).
 * @param {Run} run
 * @param {unknown} e
 * @returns {number}
 */
function reportError(run, e) {
	// A report the runbook set earlier describes a run that did not end the way it says.
	run.ownReport = null;
	const tr = toolkitText(run.lang);
	const message =
		e instanceof NotThisSymptomError ? tr('notThisSymptom', { reason: oneLine(e) }) : oneLine(e);
	run.report.error = message;
	if (run.out) {
		run.out.error(message);
		if (!(e instanceof RunbookError) && e instanceof Error && e.stack) run.out.logOnly(e.stack);
	} else {
		run.stderr.write(`${tr('errorPrefix')}: ${message}\n`);
	}
	if (run.env.MILVUS_RESCUE_DEBUG === '1' && e instanceof Error && e.stack)
		run.stderr.write(`${e.stack}\n`);
	return exitCodeOf(e);
}

/**
 * Close what the run opened (signal handlers, prompter, the state's lock) and print the --json report: the
 * runbook's own when it set one, else the generic one with the steps.
 * @param {Run} run
 */
function endRun(run) {
	run.removeSignal?.();
	run.prompts?.close();
	const st = run.state;
	if (st) {
		if (run.code !== EXIT.OK && Object.keys(st.data.completed).length > 0 && run.out)
			run.out.dim(toolkitText(run.lang)('stateKept', { file: st.file }));
		st.release();
	}
	if (run.out && run.opts?.json) {
		if (run.ownReport)
			run.out.report(run.def.steps ? { ...run.ownReport, steps: run.stepReports } : run.ownReport);
		else run.out.report({ ...run.report, exitCode: run.code, steps: run.stepReports });
	}
	run.out?.close();
}

// Re-exported so a runbook can get the usual pieces from one import.
export { EXIT, NotThisSymptomError, RefusedError, StepFailedError, UsageError } from './exit.mjs';
export { NotThisSymptom } from './exit.mjs';
export { formatCommand } from './shell.mjs';
export { etcdNames, ETCD_MOUNT } from './kube.mjs';
