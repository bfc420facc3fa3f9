// @ts-check
// Runbook flags, in one home: the flag groups a runbook names (common, always; kube; milvus; timeout), each
// declared once here, and the parser. node:util parseArgs splits the command line into tokens; this module
// checks each against its spec (types, choices, formats) with one translated line per mistake. Anything the
// parser does not understand is a UsageError (exit 2) rather than being silently ignored: a mistyped
// `--dryrun` must never turn into a real run.
import { parseArgs as tokenize } from 'node:util';
import { UsageError } from './exit.mjs';
import { LIB_MESSAGES, messageText, t } from './i18n.mjs';

/** @typedef {import('./i18n.mjs').Lang} Lang */
/** @typedef {import('./i18n.mjs').Text} Text */
/** @typedef {'string'|'boolean'|'number'} FlagType */
/** @typedef {string | number | boolean | undefined} FlagValue */

/**
 * A flag (names are kebab-case, without dashes).
 * @typedef {object} FlagSpec
 * @property {string} name           long name, e.g. "db" for --db
 * @property {string} [alias]        one letter, e.g. "n" for -n
 * @property {FlagType} type
 * @property {FlagValue} [default]
 * @property {Text} help             help text in en and id
 * @property {string[]} [choices]    allowed values (string flags)
 * @property {'k8s-name' | 'port' | 'positive'} [format]  extra validation: a Kubernetes name (string), a TCP
 *   port 1-65535 or a number above 0 (number)
 */

/**
 * The groups a runbook can name in `flagGroups`, besides `common`, which every runbook has:
 * `kube` (the cluster: --context, -n/--namespace, --release, --sts), `milvus` (Milvus's address: --host,
 * --grpc-port, --health-port), `timeout` (--timeout, seconds for each wait).
 * @typedef {'kube' | 'milvus' | 'timeout'} FlagGroup
 */

/**
 * The common and kube flags, after parsing (kube ones keep their defaults when the runbook has no kube group).
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

/** @param {string} key @returns {Text} */
const libText = (key) => messageText(LIB_MESSAGES, key);

/** @param {FlagSpec[]} list @returns {readonly FlagSpec[]} */
const frozen = (list) => Object.freeze(list);

/** @type {Readonly<Record<'common' | FlagGroup, readonly FlagSpec[]>>} */
export const FLAG_GROUPS = Object.freeze({
	common: frozen([
		{ name: 'dry-run', type: 'boolean', default: false, help: libText('flagDryRun') },
		{ name: 'yes', alias: 'y', type: 'boolean', default: false, help: libText('flagYes') },
		{ name: 'lang', type: 'string', choices: ['en', 'id'], help: libText('flagLang') },
		{ name: 'log', type: 'string', help: libText('flagLog') },
		{ name: 'json', type: 'boolean', default: false, help: libText('flagJson') },
		{ name: 'help', alias: 'h', type: 'boolean', default: false, help: libText('flagHelp') },
		{ name: 'describe', type: 'boolean', default: false, help: libText('flagDescribe') },
	]),
	kube: frozen([
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
	]),
	// No default host: where Milvus runs decides it (boot probes a Kubernetes release only when --host is given).
	milvus: frozen([
		{ name: 'host', type: 'string', help: libText('flagHost') },
		{
			name: 'grpc-port',
			type: 'number',
			default: 19530,
			help: libText('flagGrpcPort'),
			format: 'port',
		},
		{
			name: 'health-port',
			type: 'number',
			default: 9091,
			help: libText('flagHealthPort'),
			format: 'port',
		},
	]),
	timeout: frozen([
		{
			name: 'timeout',
			type: 'number',
			default: 300,
			help: libText('flagTimeout'),
			format: 'positive',
		},
	]),
});

/** The groups a runbook may name (`common` is always there). */
export const FLAG_GROUP_NAMES = /** @type {readonly FlagGroup[]} */ (
	Object.freeze(['kube', 'milvus', 'timeout'])
);

/**
 * The flags the named groups bring, each with its group: the groups in the order named, then the common ones
 * (what --help lists as common flags and --describe marks `common`).
 * @param {readonly FlagGroup[]} [groups]
 * @returns {(FlagSpec & { group: 'common' | FlagGroup })[]}
 */
export function groupFlags(groups = []) {
	return [...groups, /** @type {const} */ ('common')].flatMap((group) =>
		(FLAG_GROUPS[group] ?? []).map((f) => ({ ...f, group })),
	);
}

/** Options whose values land in CommonOptions rather than in the runbook's `flags`. */
const OPTION_GROUPS = new Set(['common', 'kube']);

const K8S_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

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
 * Parse `args` (the arguments after the script name) against the named groups' flags plus `extra`.
 * Supports `--flag value`, `--flag=value`, `-n value`, `-nvalue`, `-n=value`, boolean `--flag` and
 * `--flag=true|false`; a value starting with `-` needs the `--flag=-1` form.
 * @param {readonly string[]} args
 * @param {readonly FlagSpec[]} [extra] the runbook's own flags
 * @param {Lang} [lang] language of error messages
 * @param {readonly FlagGroup[]} [groups] the runbook's flag groups (common is always there)
 * @returns {{ opts: CommonOptions, flags: Record<string, FlagValue>, given: Set<string> }}
 *   `flags`: the runbook's own flags and those of its milvus/timeout groups, by name; `given`: names of the
 *   flags that were on the command line (as opposed to defaults)
 * @throws {UsageError}
 */
export function parseArgs(args, extra = [], lang = 'en', groups = []) {
	const shared = groupFlags(groups);
	/** @type {FlagSpec[]} */
	const specs = [...shared, ...extra];
	/** @param {string} key @param {Record<string, string | number>} [vars] */
	const err = (key, vars) => new UsageError(t(LIB_MESSAGES, lang, key, vars));
	/** @type {Record<string, FlagValue>} */
	const values = {};
	for (const s of specs) values[s.name] = s.default;
	/** @type {Set<string>} */
	const given = new Set();

	// Non-strict: unknown flags come back as tokens, so the error below can name them in the user's language.
	const { tokens } = tokenize({
		args: [...args],
		options: Object.fromEntries(
			specs.map((s) => [
				s.name,
				{
					type: s.type === 'boolean' ? 'boolean' : 'string',
					...(s.alias ? { short: s.alias } : {}),
				},
			]),
		),
		strict: false,
		allowPositionals: true,
		tokens: true,
	});
	for (const token of tokens) {
		if (token.kind === 'positional')
			throw err('unexpectedArg', { arg: token.value === '' ? "''" : token.value });
		if (token.kind === 'option-terminator') throw err('unexpectedArg', { arg: '--' });
		const long = token.rawName.startsWith('--');
		const spec = long
			? specs.find((s) => s.name === token.name)
			: specs.find((s) => s.alias !== undefined && s.alias === token.rawName.slice(1));
		if (!spec) throw err('unknownFlag', { flag: token.rawName });
		values[spec.name] = flagValue(spec, token, err);
		given.add(spec.name);
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
		sts,
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
	for (const s of [...shared.filter((f) => !OPTION_GROUPS.has(f.group)), ...extra])
		flags[s.name] = values[s.name];
	return { opts, flags, given };
}

/**
 * The value of one option token, checked against its spec.
 * @param {FlagSpec} spec
 * @param {{ rawName: string, value?: string, inlineValue?: boolean }} token
 * @param {(key: string, vars?: Record<string, string | number>) => UsageError} err
 * @returns {FlagValue}
 */
function flagValue(spec, token, err) {
	const flag = `--${spec.name}`;
	if (spec.type === 'boolean') {
		if (token.value === undefined || token.value === 'true') return true;
		if (token.value === 'false') return false;
		throw err('badBoolean', { flag, value: token.value });
	}
	let raw = token.value;
	// `-n=ns`: parseArgs reads a short option's value glued on, `=` included.
	if (
		raw !== undefined &&
		token.inlineValue &&
		!token.rawName.startsWith('--') &&
		raw.startsWith('=')
	)
		raw = raw.slice(1);
	// A following flag means the value was forgotten.
	if (
		raw === undefined ||
		raw === '' ||
		(!token.inlineValue && raw.startsWith('-') && raw.length > 1)
	)
		throw err('missingValue', { flag });

	if (spec.type === 'number') {
		const n = Number(raw);
		if (!NUMBER.test(raw.trim()) || !Number.isFinite(n))
			throw err('badNumber', { flag, value: raw });
		if (spec.format === 'port' && !(Number.isInteger(n) && n >= 1 && n <= 65535))
			throw err('badPort', { flag, value: raw });
		if (spec.format === 'positive' && !(n > 0)) throw err('badPositive', { flag, value: raw });
		return n;
	}
	if (spec.choices && !spec.choices.includes(raw))
		throw err('badChoice', { flag, value: raw, choices: spec.choices.join(', ') });
	if (spec.format === 'k8s-name' && (!K8S_NAME.test(raw) || raw.length > 253))
		throw err('badName', { flag, value: raw });
	return raw;
}

/**
 * A runbook's flag groups and own flags, checked at define time (a mistake is a programming error): groups
 * exist, and no own flag takes a name or letter of any group, so each flag is declared once, here.
 * @param {readonly FlagSpec[]} extra
 * @param {readonly string[]} [groups]
 * @returns {string[]} problems, empty when fine
 */
export function checkFlagSpecs(extra, groups = []) {
	/** @type {string[]} */
	const problems = [];
	for (const g of groups)
		if (!FLAG_GROUP_NAMES.includes(/** @type {FlagGroup} */ (g)))
			problems.push(`unknown flag group ${g} (one of ${FLAG_GROUP_NAMES.join(', ')})`);
	const all = groupFlags(FLAG_GROUP_NAMES);
	/** @type {Map<string, string>} */
	const longs = new Map(all.map((f) => [f.name, f.group]));
	/** @type {Map<string, string>} */
	const shorts = new Map(all.flatMap((f) => (f.alias ? [[f.alias, f.group]] : [])));
	for (const f of extra) {
		if (!/^[a-z][a-z0-9-]*$/.test(f.name)) problems.push(`flag name ${f.name} must be kebab-case`);
		const owner = longs.get(f.name);
		// Common flags are on every runbook already; another group's flag comes by naming the group.
		if (owner === 'runbook' || owner === 'common')
			problems.push(`flag --${f.name} is defined twice`);
		else if (owner)
			problems.push(`flag --${f.name} belongs to the ${owner} flag group: name the group`);
		longs.set(f.name, 'runbook');
		if (f.alias !== undefined) {
			if (!/^[A-Za-z]$/.test(f.alias)) problems.push(`alias of --${f.name} must be one letter`);
			if (shorts.has(f.alias)) problems.push(`alias -${f.alias} is defined twice`);
			shorts.set(f.alias, 'runbook');
		}
		if (!f.help || !f.help.en || !f.help.id)
			problems.push(`flag --${f.name} needs help in en and id`);
		if (!['string', 'boolean', 'number'].includes(f.type))
			problems.push(`flag --${f.name} has bad type ${f.type}`);
	}
	return problems;
}
