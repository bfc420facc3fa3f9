// @ts-check
// Language choice and message lookup. Every message exists in English and Indonesian; the
// `missingTranslations` check is what the tests (and runbook tests) use to keep it that way.

/** @typedef {'en'|'id'} Lang */
/** @typedef {{ en: string, id: string }} Text */
/** @typedef {{ en: Record<string, string>, id: Record<string, string> }} Messages */

/** @type {readonly Lang[]} */
export const LANGS = Object.freeze(['en', 'id']);

/**
 * `--lang` wins; else the first of LC_ALL, LC_MESSAGES, LANG that is set decides (POSIX precedence):
 * a value starting with `id` means Indonesian; anything else English.
 * @param {string | undefined | null} flag
 * @param {Record<string, string | undefined>} [env]
 * @returns {Lang}
 */
export function pickLang(flag, env = process.env) {
	if (flag === 'en' || flag === 'id') return flag;
	const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
	return /^id([_.@-]|$)/i.test(locale) ? 'id' : 'en';
}

/**
 * Look up `key` in `dict[lang]`, falling back to English, then to the key itself, and fill `{name}`
 * placeholders from `vars`. Unknown placeholders are left visible so a missing var is noticed.
 * @param {Messages} dict
 * @param {Lang} lang
 * @param {string} key
 * @param {Record<string, string | number>} [vars]
 * @returns {string}
 */
export function t(dict, lang, key, vars = {}) {
	const template = dict[lang]?.[key] ?? dict.en?.[key] ?? key;
	return fill(template, vars);
}

/**
 * @param {string} template
 * @param {Record<string, string | number>} vars
 */
export function fill(template, vars) {
	return template.replace(/\{(\w+)\}/g, (whole, name) =>
		Object.prototype.hasOwnProperty.call(vars, name) ? String(vars[name]) : whole,
	);
}

/**
 * A bilingual text from its two sides: `tx('Scale etcd down', 'Kecilkan etcd')`.
 * @param {string} en
 * @param {string} id
 * @returns {Text}
 */
export const tx = (en, id) => ({ en, id });

/**
 * One message of a `{ en, id }` dictionary as a bilingual text, e.g. a flag's help from the runbook's messages:
 * `help: messageText(messages, 'flagImage')`. A key missing in a language falls back to English, then to the key.
 * @param {Messages} dict
 * @param {string} key
 * @returns {Text}
 */
export function messageText(dict, key) {
	const en = dict.en?.[key] ?? key;
	return { en, id: dict.id?.[key] ?? en };
}

/**
 * Pick the right language out of a `{en, id}` pair.
 * @param {Text | string | undefined} text
 * @param {Lang} lang
 */
export function pick(text, lang) {
	if (text === undefined) return '';
	if (typeof text === 'string') return text;
	return text[lang] ?? text.en;
}

/**
 * Keys present in one language only, or empty in one; each entry like `id: foo` (missing in id).
 * @param {Messages} dict
 * @returns {string[]}
 */
export function missingTranslations(dict) {
	/** @type {string[]} */
	const problems = [];
	const keys = new Set([...Object.keys(dict.en ?? {}), ...Object.keys(dict.id ?? {})]);
	for (const key of [...keys].sort()) {
		for (const lang of LANGS) {
			const value = dict[lang]?.[key];
			if (typeof value !== 'string' || value.trim() === '') problems.push(`${lang}: ${key}`);
		}
	}
	return problems;
}

/**
 * Placeholders used in one language but not the other (a translation that drops `{name}` hides facts).
 * @param {Messages} dict
 * @returns {string[]}
 */
export function placeholderMismatches(dict) {
	/** @param {string | undefined} s */
	const names = (s) =>
		[...(s ?? '').matchAll(/\{(\w+)\}/g)]
			.map((m) => m[1])
			.sort()
			.join(',');
	return Object.keys(dict.en ?? {})
		.filter((key) => dict.id?.[key] !== undefined && names(dict.en[key]) !== names(dict.id[key]))
		.sort();
}

/** The toolkit's own messages. */
/** @type {Messages} */
export const LIB_MESSAGES = {
	en: {
		errorPrefix: 'error',
		unknownFlag: 'unknown flag {flag} (see --help)',
		unexpectedArg: 'unexpected argument {arg} (see --help)',
		missingValue: '{flag} needs a value',
		badNumber: '{flag} expects a number, got {value}',
		badBoolean: '{flag} takes no value (or =true/=false), got {value}',
		badChoice: '{flag} must be one of {choices}, got {value}',
		badName: '{flag} must be a Kubernetes name (lowercase letters, digits and -), got {value}',
		badPort: '{flag} must be a port between 1 and 65535, got {value}',
		badPositive: '{flag} must be a number above 0, got {value}',

		helpUsage: 'Usage',
		helpWhat: 'What it does',
		helpChanges: 'What it may change (example values)',
		helpNoChanges: 'Nothing: this runbook only reads.',
		helpFlags: 'Flags',
		helpCommonFlags: 'Common flags',
		helpExitCodes: 'Exit codes',
		helpDefault: 'default: {value}',

		flagContext: 'kubectl context to use (default: the current context, fixed once at start)',
		flagNamespace: 'Kubernetes namespace (default: the namespace of the context, else default)',
		flagRelease: 'Helm release name; etcd is StatefulSet <release>-etcd',
		flagSts: 'etcd StatefulSet name, when it is not <release>-etcd',
		flagHost:
			"host where Milvus's ports 19530/9091 are published (default 127.0.0.1; for a Kubernetes release only when given, e.g. after kubectl port-forward)",
		flagGrpcPort: 'Milvus gRPC port',
		flagHealthPort: 'Milvus metrics/health port (/healthz)',
		flagTimeout: 'seconds to wait for each pod, rollout or member to be Ready',
		flagDryRun: 'change nothing: print what would run (read-only steps still run)',
		flagYes: 'answer yes to every question, typed names included (for scripts)',
		flagLang: 'language of the output: en or id (default from LANG)',
		flagLog: 'also append everything printed to this file',
		flagJson: 'print a JSON report on stdout (human text goes to stderr)',
		flagHelp: 'show this help',
		flagDescribe: 'print the runbook as JSON (steps with example values); touches no cluster',

		exit0: 'healthy: the symptom is fixed, or was not there to fix (dry run: finished)',
		exit1: 'failed: a step or the final check failed, or a required tool is missing',
		exit2: 'usage: bad flags, or the release/namespace was not found',
		exit3: 'refused or aborted: a change was not confirmed, no terminal to ask on, or interrupted',
		exit4: 'preflight: the cluster does not show this symptom; try another runbook',

		modeRead: 'read-only',
		modeChange: 'changes',
		modeDestroy: 'DELETES DATA',

		labelContext: 'Context',
		labelNamespace: 'Namespace',
		labelRelease: 'Release',
		labelStatefulSet: 'StatefulSet',
		labelTarget: 'Target',
		planHeading: 'Plan',
		planNoSteps: 'Nothing to do.',
		planAlreadyDone: 'done in an earlier run; will be checked before skipping',
		preflightHeading: 'Checking the symptom',
		dryRunBanner: 'Dry run: nothing will be changed; read-only steps still run.',
		dryRunWould: '[dry run] would run: {command}',
		dryRunWouldCustom: '[dry run] would do: {title}',
		dryRunDone: 'Dry run finished: nothing was changed.',
		stepStart: 'Step {n}/{total} [{mode}] {title}',
		stepSkipped: 'already done (checked), skipping',
		stepNotChosen: 'not needed here: {other} is the step for this case',
		stepNotNeeded: 'not needed here, skipping',
		stepOk: 'done',
		confirmChange: 'Run this change? [y/N] ',
		confirmDestroy: 'This deletes data and cannot be undone. Type {name} to confirm: ',
		refusedNoTty:
			'step {id} changes the cluster and there is no terminal to ask on; run with --yes to allow it, or --dry-run to only look',
		refusedAnswer: 'step {id} not confirmed; stopped before it. Run again to continue from here.',
		typedMismatch: 'typed name did not match {name}; step {id} not run, nothing deleted',
		stepFailed: 'step {id} failed: {reason}',
		commandFailed: '{command} exited with code {code}: {stderr}',
		commandFailedNoStderr: '{command} exited with code {code}',
		badJson: '{command} did not print valid JSON',
		toolMissing: '{tool} not found on PATH; install it or fix PATH',
		noContext: 'kubectl has no current context; pass --context',
		contextMissing:
			'kubectl context {context} not found in your kubeconfig (see kubectl config get-contexts)',
		namespaceMissing: 'namespace {namespace} not found in context {context}',
		stsMissing:
			'StatefulSet {sts} not found in namespace {namespace} (context {context}); check --release, --sts and -n',
		helperNotReady: 'helper pod {name} (mounting PVC {pvc}) did not become Ready: {reason}',
		verifyHeading: 'Checking the result',
		verifyOk: 'Healthy: {details}',
		verifyFailed: 'still not healthy: {details}',
		notThisSymptom: 'not this symptom: {reason}',
		resumeFound: 'Continuing an earlier run (state: {file})',
		resumeOtherTarget:
			'Saved progress does not belong to this cluster (other PVCs, StatefulSet or etcd cluster id): starting fresh; the old progress is in {file}',
		resumeAdopted:
			'Progress of this cluster set aside by another run was found in {file}; taking it back',
		stateCorrupt:
			'state file {file} is unreadable ({reason}); inspect or delete it, then run again',
		stateLocked:
			'another run of {runbook} is active for this target (pid {pid}); wait for it, or delete {file} if it is gone',
		stateCleared: 'Finished healthy; saved progress cleared.',
		stateKept: 'Progress saved in {file}; run the same command again to continue.',
		interrupted: 'interrupted; completed steps are saved, run the same command again to continue',
		logOpenFailed: 'cannot write log file {file}: {reason}',
		describeNeedsFacts: 'runbook {name} has no exampleFacts for --describe',
		notConnected: 'internal: ctx.connect() must run before ctx.kube is used',
	},
	id: {
		errorPrefix: 'galat',
		unknownFlag: 'flag tidak dikenal: {flag} (lihat --help)',
		unexpectedArg: 'argumen tidak terduga: {arg} (lihat --help)',
		missingValue: '{flag} butuh nilai',
		badNumber: '{flag} harus berupa angka, bukan {value}',
		badBoolean: '{flag} tidak menerima nilai (atau =true/=false), bukan {value}',
		badChoice: '{flag} harus salah satu dari {choices}, bukan {value}',
		badName: '{flag} harus nama Kubernetes yang valid (huruf kecil, angka, dan -), bukan {value}',
		badPort: '{flag} harus port antara 1 dan 65535, bukan {value}',
		badPositive: '{flag} harus angka di atas 0, bukan {value}',

		helpUsage: 'Cara pakai',
		helpWhat: 'Apa yang dilakukan',
		helpChanges: 'Yang mungkin diubah (contoh nilai)',
		helpNoChanges: 'Tidak ada: runbook ini hanya membaca.',
		helpFlags: 'Flag',
		helpCommonFlags: 'Flag umum',
		helpExitCodes: 'Kode keluar',
		helpDefault: 'default: {value}',

		flagContext: 'context kubectl yang dipakai (default: context aktif, dikunci sekali di awal)',
		flagNamespace:
			'namespace Kubernetes (default: namespace dari context, kalau tidak ada default)',
		flagRelease: 'nama release Helm; etcd adalah StatefulSet <release>-etcd',
		flagSts: 'nama StatefulSet etcd, kalau bukan <release>-etcd',
		flagHost:
			'host tempat port 19530/9091 Milvus dibuka (default 127.0.0.1; untuk release Kubernetes hanya kalau diisi, mis. setelah kubectl port-forward)',
		flagGrpcPort: 'port gRPC Milvus',
		flagHealthPort: 'port metrics/health Milvus (/healthz)',
		flagTimeout: 'berapa detik menunggu tiap pod, rollout, atau member sampai Ready',
		flagDryRun:
			'tidak mengubah apa pun: hanya menampilkan yang akan dijalankan (langkah yang hanya membaca tetap dijalankan)',
		flagYes: 'jawab ya untuk semua pertanyaan, termasuk mengetik nama (untuk skrip)',
		flagLang: 'bahasa output: en atau id (default dari LANG)',
		flagLog: 'tambahkan juga semua output ke file ini',
		flagJson: 'cetak laporan JSON di stdout (teks untuk manusia ke stderr)',
		flagHelp: 'tampilkan bantuan ini',
		flagDescribe:
			'cetak runbook sebagai JSON (langkah dengan contoh nilai); tidak menyentuh cluster',

		exit0: 'sehat: gejala sudah beres, atau memang tidak ada (dry run: selesai)',
		exit1:
			'gagal: ada langkah atau pemeriksaan akhir yang gagal, atau tool yang dibutuhkan tidak ada',
		exit2: 'pemakaian salah: flag keliru, atau release/namespace tidak ditemukan',
		exit3:
			'ditolak atau dibatalkan: perubahan tidak dikonfirmasi, tidak ada terminal untuk bertanya, atau diinterupsi',
		exit4: 'preflight: cluster tidak menunjukkan gejala ini; coba runbook lain',

		modeRead: 'hanya baca',
		modeChange: 'mengubah',
		modeDestroy: 'MENGHAPUS DATA',

		labelContext: 'Context',
		labelNamespace: 'Namespace',
		labelRelease: 'Release',
		labelStatefulSet: 'StatefulSet',
		labelTarget: 'Target',
		planHeading: 'Rencana',
		planNoSteps: 'Tidak ada yang perlu dilakukan.',
		planAlreadyDone: 'sudah selesai di run sebelumnya; diperiksa dulu sebelum dilewati',
		preflightHeading: 'Memeriksa gejala',
		dryRunBanner: 'Dry run: tidak ada yang diubah; langkah yang hanya membaca tetap dijalankan.',
		dryRunWould: '[dry run] akan menjalankan: {command}',
		dryRunWouldCustom: '[dry run] akan melakukan: {title}',
		dryRunDone: 'Dry run selesai: tidak ada yang diubah.',
		stepStart: 'Langkah {n}/{total} [{mode}] {title}',
		stepSkipped: 'sudah selesai (sudah diperiksa), dilewati',
		stepNotChosen: 'tidak diperlukan di sini: {other} adalah langkah untuk kasus ini',
		stepNotNeeded: 'tidak diperlukan di sini, dilewati',
		stepOk: 'selesai',
		confirmChange: 'Jalankan perubahan ini? [y/N] ',
		confirmDestroy: 'Ini menghapus data dan tidak bisa dibatalkan. Ketik {name} untuk konfirmasi: ',
		refusedNoTty:
			'langkah {id} mengubah cluster dan tidak ada terminal untuk bertanya; jalankan dengan --yes untuk mengizinkan, atau --dry-run untuk melihat saja',
		refusedAnswer:
			'langkah {id} tidak dikonfirmasi; berhenti sebelum langkah itu. Jalankan lagi untuk melanjutkan dari sini.',
		typedMismatch:
			'nama yang diketik tidak sama dengan {name}; langkah {id} tidak dijalankan, tidak ada yang dihapus',
		stepFailed: 'langkah {id} gagal: {reason}',
		commandFailed: '{command} keluar dengan kode {code}: {stderr}',
		commandFailedNoStderr: '{command} keluar dengan kode {code}',
		badJson: '{command} tidak mengeluarkan JSON yang valid',
		toolMissing: '{tool} tidak ditemukan di PATH; pasang dulu atau perbaiki PATH',
		noContext: 'kubectl tidak punya context aktif; pakai --context',
		contextMissing:
			'context kubectl {context} tidak ada di kubeconfig Anda (lihat kubectl config get-contexts)',
		namespaceMissing: 'namespace {namespace} tidak ditemukan di context {context}',
		stsMissing:
			'StatefulSet {sts} tidak ditemukan di namespace {namespace} (context {context}); periksa --release, --sts, dan -n',
		helperNotReady: 'pod bantuan {name} (yang memasang PVC {pvc}) tidak kunjung Ready: {reason}',
		verifyHeading: 'Memeriksa hasil',
		verifyOk: 'Sehat: {details}',
		verifyFailed: 'masih belum sehat: {details}',
		notThisSymptom: 'bukan gejala ini: {reason}',
		resumeFound: 'Melanjutkan run sebelumnya (state: {file})',
		resumeOtherTarget:
			'Progress yang tersimpan bukan milik cluster ini (PVC, StatefulSet, atau cluster id etcd berbeda): mulai dari awal; progress lama ada di {file}',
		resumeAdopted:
			'Progress cluster ini yang disisihkan oleh run lain ditemukan di {file}; dipakai lagi',
		stateCorrupt:
			'file state {file} tidak bisa dibaca ({reason}); periksa atau hapus dulu, lalu jalankan lagi',
		stateLocked:
			'ada run {runbook} lain yang sedang aktif untuk target ini (pid {pid}); tunggu selesai, atau hapus {file} kalau prosesnya sudah tidak ada',
		stateCleared: 'Selesai dan sehat; progres yang tersimpan sudah dihapus.',
		stateKept: 'Progres tersimpan di {file}; jalankan perintah yang sama lagi untuk melanjutkan.',
		interrupted:
			'diinterupsi; langkah yang sudah selesai tersimpan, jalankan perintah yang sama lagi untuk melanjutkan',
		logOpenFailed: 'tidak bisa menulis file log {file}: {reason}',
		describeNeedsFacts: 'runbook {name} tidak punya exampleFacts untuk --describe',
		notConnected: 'internal: ctx.connect() harus dijalankan sebelum ctx.kube dipakai',
	},
};

/**
 * Translator bound to a language, looking in the runbook's messages first, then the toolkit's.
 * @param {Lang} lang
 * @param {Messages} [own]
 * @returns {(key: string, vars?: Record<string, string | number>) => string}
 */
export function translator(lang, own) {
	return (key, vars) => {
		if (own && (own[lang]?.[key] !== undefined || own.en?.[key] !== undefined))
			return t(own, lang, key, vars);
		return t(LIB_MESSAGES, lang, key, vars);
	};
}

/** @type {Partial<Record<Lang, (key: string, vars?: Record<string, string | number>) => string>>} */
const LIB_TEXT = {};

/**
 * The toolkit's own messages in `lang`, built once per language: what every module of runbooks/lib prints
 * (a runbook's ctx.t adds its own messages over these).
 * @param {Lang} lang
 */
export function toolkitText(lang) {
	return (LIB_TEXT[lang] ??= translator(lang));
}
