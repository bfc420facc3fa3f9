/**
 * The words of runbook-linked code blocks and runbook pages, in every site language. Kept beside the
 * components (not in src/content/i18n) because the remark plugin needs them at build time, outside Astro's
 * `t()`; the type makes a missing translation a type error.
 */
import type { Locale } from '../../config/locales.ts';
import type { StepMode } from '../../plugins/runbook-links/types.ts';

export interface RunbookStrings {
	mode: Record<StepMode, string>;
	/** Badge of a block that runs the whole runbook, by the strongest mode among its steps. */
	runbookMode: Record<StepMode, string>;
	blockLinkRunbook: string;
	blockLinkStep: string;
	pageTitle: string;
	whatItDoes: string;
	whatItChanges: string;
	changesNothing: string;
	changesIntro: string;
	runIt: string;
	runFromClone: string;
	runDryFirst: string;
	standalone: string;
	standaloneIntro: string;
	standaloneDownload: string;
	standaloneSha: string;
	standaloneCheck: string;
	standaloneUrl: string;
	standaloneUrlCaution: string;
	flags: string;
	commonFlags: string;
	flagColumn: string;
	defaultColumn: string;
	meaningColumn: string;
	exitCodes: string;
	codeColumn: string;
	plan: string;
	planIntro: string;
	stepNoCommand: string;
	source: string;
	sourceIntro: string;
	sourceShow: string;
	bytes: string;
}

export const RUNBOOK_STRINGS: Record<Locale, RunbookStrings> = {
	en: {
		mode: { read: 'reads only', change: 'changes the cluster', destroy: 'deletes data' },
		runbookMode: {
			read: 'reads only',
			change: 'may change the cluster (asks first)',
			destroy: 'may delete data (asks first)',
		},
		blockLinkRunbook: 'Runbook {name}',
		blockLinkStep: 'Runbook {name}, step “{title}”',
		// Titles differ between languages: twins with one title read as duplicates to search engines.
		pageTitle: 'The {name} runbook',
		whatItDoes: 'What it does',
		whatItChanges: 'What it changes',
		changesNothing: 'Nothing: every step only reads.',
		changesIntro:
			'These steps change the cluster. Each one asks [y/N] first; deleting data asks you to type the name.',
		runIt: 'Run it',
		runFromClone: 'From a clone of this site’s repository:',
		runDryFirst: 'See the plan without changing anything first:',
		standalone: 'Standalone file',
		standaloneIntro:
			'The same runbook as one file with its toolkit inside. It needs only Node.js: no clone, no npm install.',
		standaloneDownload: 'Download {file}',
		standaloneSha: 'SHA-256',
		standaloneCheck: 'Check the file before you run it:',
		standaloneUrl: 'Or run it straight from this site:',
		standaloneUrlCaution:
			'This runbook can change your cluster, and piping a URL into zx runs whatever that server sends at that moment. Download the file and check its SHA-256 first, or at least start with --dry-run.',
		flags: 'Flags',
		commonFlags: 'Common flags',
		flagColumn: 'Flag',
		defaultColumn: 'Default',
		meaningColumn: 'Meaning',
		exitCodes: 'Exit codes',
		codeColumn: 'Code',
		plan: 'Plan of steps',
		planIntro:
			'The commands below use example values (release my-release, namespace default); the runbook fills in yours.',
		stepNoCommand: 'Runs no command: the runbook decides from what it read.',
		source: 'Source',
		sourceIntro:
			'The runbook as it is in the repository. The toolkit it imports is in runbooks/lib/.',
		sourceShow: 'Show {file} ({lines} lines)',
		bytes: 'bytes',
	},
	id: {
		mode: { read: 'hanya membaca', change: 'mengubah cluster', destroy: 'menghapus data' },
		runbookMode: {
			read: 'hanya membaca',
			change: 'bisa mengubah cluster (bertanya dulu)',
			destroy: 'bisa menghapus data (bertanya dulu)',
		},
		blockLinkRunbook: 'Runbook {name}',
		blockLinkStep: 'Runbook {name}, langkah “{title}”',
		pageTitle: 'Runbook {name}',
		whatItDoes: 'Apa yang dilakukan',
		whatItChanges: 'Apa yang diubah',
		changesNothing: 'Tidak ada: semua langkah hanya membaca.',
		changesIntro:
			'Langkah-langkah ini mengubah cluster. Masing-masing bertanya [y/N] dulu; untuk menghapus data Anda diminta mengetik namanya.',
		runIt: 'Cara menjalankan',
		runFromClone: 'Dari clone repositori situs ini:',
		runDryFirst: 'Lihat dulu rencananya tanpa mengubah apa pun:',
		standalone: 'File mandiri',
		standaloneIntro:
			'Runbook yang sama dalam satu file, toolkit-nya sudah di dalam. Cukup ada Node.js: tanpa clone, tanpa npm install.',
		standaloneDownload: 'Unduh {file}',
		standaloneSha: 'SHA-256',
		standaloneCheck: 'Cek file-nya sebelum dijalankan:',
		standaloneUrl: 'Atau jalankan langsung dari situs ini:',
		standaloneUrlCaution:
			'Runbook ini bisa mengubah cluster Anda, dan menjalankan URL lewat zx berarti menjalankan apa pun yang dikirim server itu saat itu. Unduh file-nya dan cek SHA-256-nya dulu, atau setidaknya mulai dengan --dry-run.',
		flags: 'Flag',
		commonFlags: 'Flag umum',
		flagColumn: 'Flag',
		defaultColumn: 'Default',
		meaningColumn: 'Arti',
		exitCodes: 'Kode keluar',
		codeColumn: 'Kode',
		plan: 'Rencana langkah',
		planIntro:
			'Perintah di bawah memakai nilai contoh (release my-release, namespace default); runbook mengisinya dengan milik Anda.',
		stepNoCommand: 'Tidak menjalankan perintah: runbook memutuskan dari hasil yang sudah dibaca.',
		source: 'Kode sumber',
		sourceIntro:
			'Runbook ini apa adanya di repositori. Toolkit yang dipakai lewat import ada di runbooks/lib/.',
		sourceShow: 'Tampilkan {file} ({lines} baris)',
		bytes: 'byte',
	},
};

/** Fills `{name}` placeholders. */
export function fill(template: string, vars: Record<string, string>): string {
	return template.replace(/\{(\w+)\}/g, (m, key: string) => vars[key] ?? m);
}

/** The URL path of a runbook's page in a language. */
export function runbookPagePath(lang: string, name: string): string {
	return `/${lang}/runbooks/${name}/`;
}

/** The anchor of a step on its runbook's page. */
export function stepAnchor(stepId: string): string {
	return `step-${stepId}`;
}

/**
 * What a visitor should paste on a page in `lang`: runbook invocations carry the page's language, so the
 * runbook answers in the language the reader chose (English is the runbooks' own default).
 */
export function withPageLang(command: string, lang: string, defaultLang = 'en'): string {
	if (lang === defaultLang) return command;
	return command
		.split('\n')
		.map((line) =>
			/(^|\s)--lang(\s|=|$)/.test(line)
				? line
				: line.replace(/^(\s*npx zx \S*runbooks\/[a-z0-9-]+\.mjs)(?=\s|$)/, `$1 --lang ${lang}`),
		)
		.join('\n');
}
