// @ts-check
// Flag parsing for runbooks: the common flags every runbook has, plus the runbook's own. Anything the
// parser does not understand is a UsageError (one line, exit 2) rather than being silently ignored: a
// mistyped `--dryrun` must never turn into a real run.
import { UsageError } from './exit.mjs';
import { LIB_MESSAGES, t } from './i18n.mjs';

/** @typedef {import('./i18n.mjs').Lang} Lang */
/** @typedef {import('./i18n.mjs').Text} Text */
/** @typedef {'string'|'boolean'|'number'} FlagType */
/** @typedef {string | number | boolean | undefined} FlagValue */

/**
 * A flag a runbook declares (names are kebab-case, without dashes).
 * @typedef {object} FlagSpec
 * @property {string} name           long name, e.g. "db" for --db
 * @property {string} [alias]        one letter, e.g. "n" for -n
 * @property {FlagType} type
 * @property {FlagValue} [default]
 * @property {Text} help             help text in en and id
 * @property {string[]} [choices]    allowed values (string flags)
 * @property {'k8s-name'} [format]   extra validation
 */

/**
 * The common flags, after parsing.
 * @typedef {object} CommonOptions
 * @property {string | undefined} context
 * @property {string | undefined} namespace
 * @property {string} release
 * @property {string | undefined} sts
 * @property {boolean} dryRun
 * @property {boolean} yes
 * @property {Lang | undefined} lang
 * @property {string | undefined} log
 * @property {boolean} json
 * @property {boolean} help
 * @property {boolean} describe
 */

/** @param {string} en @param {string} id @returns {Text} */
const tx = (en, id) => ({ en, id });
/** @param {string} key @returns {Text} */
const libText = (key) => tx(LIB_MESSAGES.en[key] ?? key, LIB_MESSAGES.id[key] ?? key);

/** @type {readonly FlagSpec[]} */
export const COMMON_FLAGS = Object.freeze([
	{ name: 'context', type: 'string', help: libText('flagContext') },
	{
		name: 'namespace',
		alias: 'n',
		type: 'string',
		help: libText('flagNamespace'),
		format: 'k8s-name',
	},
	{
		name: 'release',
		type: 'string',
		default: 'my-release',
		help: libText('flagRelease'),
		format: 'k8s-name',
	},
	{ name: 'sts', type: 'string', help: libText('flagSts'), format: 'k8s-name' },
	{ name: 'dry-run', type: 'boolean', default: false, help: libText('flagDryRun') },
	{ name: 'yes', alias: 'y', type: 'boolean', default: false, help: libText('flagYes') },
	{ name: 'lang', type: 'string', choices: ['en', 'id'], help: libText('flagLang') },
	{ name: 'log', type: 'string', help: libText('flagLog') },
	{ name: 'json', type: 'boolean', default: false, help: libText('flagJson') },
	{ name: 'help', alias: 'h', type: 'boolean', default: false, help: libText('flagHelp') },
	{ name: 'describe', type: 'boolean', default: false, help: libText('flagDescribe') },
]);

const K8S_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Find `--lang` before full parsing, so that parse errors themselves come out in the right language.
 * @param {readonly string[]} args
 * @returns {Lang | undefined}
 */
export function peekLang(args) {
	for (let i = 0; i < args.length; i++) {
		const a = args[i];
		if (a === '--lang' && (args[i + 1] === 'en' || args[i + 1] === 'id'))
			return /** @type {Lang} */ (args[i + 1]);
		if (a === '--lang=en' || a === '--lang=id') return /** @type {Lang} */ (a.slice(7));
	}
	return undefined;
}

/**
 * Parse `args` (the arguments after the script name) against the common flags plus `extra`.
 * Supports `--flag value`, `--flag=value`, `-n value`, `-n=value`, boolean `--flag` and `--flag=true|false`.
 * @param {readonly string[]} args
 * @param {readonly FlagSpec[]} [extra] the runbook's own flags
 * @param {Lang} [lang] language of error messages
 * @returns {{ opts: CommonOptions, flags: Record<string, FlagValue>, values: Record<string, FlagValue>, given: Set<string> }}
 *   `given`: names of the flags that were on the command line (as opposed to defaults)
 * @throws {UsageError}
 */
export function parseArgs(args, extra = [], lang = 'en') {
	const specs = [...COMMON_FLAGS, ...extra];
	/** @param {string} key @param {Record<string, string | number>} [vars] */
	const err = (key, vars) => new UsageError(t(LIB_MESSAGES, lang, key, vars));
	/** @type {Map<string, FlagSpec>} */
	const byLong = new Map(specs.map((s) => [s.name, s]));
	/** @type {Map<string, FlagSpec>} */
	const byShort = new Map(
		specs.filter((s) => s.alias).map((s) => [/** @type {string} */ (s.alias), s]),
	);
	/** @type {Record<string, FlagValue>} */
	const values = {};
	for (const s of specs) values[s.name] = s.default;
	/** @type {Set<string>} */
	const given = new Set();

	for (let i = 0; i < args.length; i++) {
		const arg = /** @type {string} */ (args[i]);
		/** @type {FlagSpec | undefined} */
		let spec;
		/** @type {string | undefined} */
		let inline;
		let shown = arg;
		if (arg.startsWith('--') && arg.length > 2) {
			const eq = arg.indexOf('=');
			const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
			if (eq !== -1) inline = arg.slice(eq + 1);
			spec = byLong.get(name);
			shown = `--${name}`;
		} else if (/^-[A-Za-z]/.test(arg)) {
			const eq = arg.indexOf('=');
			const name = eq === -1 ? arg.slice(1) : arg.slice(1, eq);
			if (eq !== -1) inline = arg.slice(eq + 1);
			spec = name.length === 1 ? byShort.get(name) : undefined;
			shown = `-${name}`;
		} else {
			throw err('unexpectedArg', { arg: arg === '' ? "''" : arg });
		}
		if (!spec) throw err('unknownFlag', { flag: shown });
		const flag = `--${spec.name}`;
		given.add(spec.name);

		if (spec.type === 'boolean') {
			if (inline === undefined) values[spec.name] = true;
			else if (inline === 'true') values[spec.name] = true;
			else if (inline === 'false') values[spec.name] = false;
			else throw err('badBoolean', { flag, value: inline });
			continue;
		}

		let raw = inline;
		if (raw === undefined) {
			const next = args[i + 1];
			// A following flag means the value was forgotten; negative numbers need the --flag=-1 form.
			if (next === undefined || (next.startsWith('-') && next.length > 1))
				throw err('missingValue', { flag });
			raw = next;
			i++;
		}
		if (raw === '') throw err('missingValue', { flag });

		if (spec.type === 'number') {
			const n = Number(raw);
			if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(raw.trim()) || !Number.isFinite(n)) {
				throw err('badNumber', { flag, value: raw });
			}
			values[spec.name] = n;
			continue;
		}
		if (spec.choices && !spec.choices.includes(raw)) {
			throw err('badChoice', { flag, value: raw, choices: spec.choices.join(', ') });
		}
		if (spec.format === 'k8s-name' && (!K8S_NAME.test(raw) || raw.length > 253)) {
			throw err('badName', { flag, value: raw });
		}
		values[spec.name] = raw;
	}

	/** @param {string} k */
	const str = (k) =>
		typeof values[k] === 'string' ? /** @type {string} */ (values[k]) : undefined;
	/** @param {string} k */
	const bool = (k) => values[k] === true;
	// `--sts foo-etcd` alone names the release too (labels use the release, not the StatefulSet).
	const sts = str('sts');
	const release =
		!given.has('release') && sts?.endsWith('-etcd') && sts.length > 5
			? sts.slice(0, -5)
			: (str('release') ?? 'my-release');
	/** @type {CommonOptions} */
	const opts = {
		context: str('context'),
		namespace: str('namespace'),
		release,
		sts: str('sts'),
		dryRun: bool('dry-run'),
		yes: bool('yes'),
		lang: /** @type {Lang | undefined} */ (str('lang')),
		log: str('log'),
		json: bool('json'),
		help: bool('help'),
		describe: bool('describe'),
	};
	/** @type {Record<string, FlagValue>} */
	const flags = {};
	for (const s of extra) flags[s.name] = values[s.name];
	return { opts, flags, values, given };
}

/**
 * Runbook flags must not shadow common ones; a clash is a programming error caught at define time.
 * @param {readonly FlagSpec[]} extra
 * @returns {string[]} problems, empty when fine
 */
export function checkFlagSpecs(extra) {
	/** @type {string[]} */
	const problems = [];
	const longs = new Set(COMMON_FLAGS.map((f) => f.name));
	const shorts = new Set(COMMON_FLAGS.flatMap((f) => (f.alias ? [f.alias] : [])));
	for (const f of extra) {
		if (!/^[a-z][a-z0-9-]*$/.test(f.name)) problems.push(`flag name ${f.name} must be kebab-case`);
		if (longs.has(f.name)) problems.push(`flag --${f.name} is defined twice`);
		longs.add(f.name);
		if (f.alias !== undefined) {
			if (!/^[A-Za-z]$/.test(f.alias)) problems.push(`alias of --${f.name} must be one letter`);
			if (shorts.has(f.alias)) problems.push(`alias -${f.alias} is defined twice`);
			shorts.add(f.alias);
		}
		if (!f.help || !f.help.en || !f.help.id)
			problems.push(`flag --${f.name} needs help in en and id`);
		if (!['string', 'boolean', 'number'].includes(f.type))
			problems.push(`flag --${f.name} has bad type ${f.type}`);
	}
	return problems;
}
