#!/usr/bin/env zx
// @ts-check
// diagnose: match a Milvus/etcd/MinIO/Kubernetes/SDK log against the error-signature catalog and say
// which guide page and runbook to use. Reads a log file (--file, `-` for stdin), a pasted line (--text),
// piped stdin, text pasted at its prompt, or the logs of a live deployment (--live: docker compose or the
// release's pods). The same matcher as the site's search (lib/retrieve.mjs): catalog signatures are named
// as the error; without one, the closest pages by shared words are listed as such, never as a diagnosis.
// Only reads. Exit codes (see exitCodes below): 0 no known signature, 1 known symptoms found, 2 usage;
// 4 (not this symptom) is never used.
import { defineRunbook, UsageError } from './lib/runbook.mjs';
import {
	NO_KNOWN_SYMPTOM,
	matchText,
	pagePath,
	pageUrl,
	runbookCommand,
	strongestPerSymptom,
} from './lib/catalog.mjs';
import { diagnoseText } from './lib/retrieve.mjs';
import { EXIT } from './lib/exit.mjs';
import {
	DIAG_EXAMPLE,
	DIAG_EXAMPLE_KUBE,
	chooseSource,
	diagRead,
	diagReadSteps,
	emitReport,
	findDeployment,
	looksBinary,
	readAll,
	withDiagMessages,
} from './lib/diag.mjs';
import * as nodeFs from 'node:fs';

/** @typedef {import('./lib/catalog.mjs').Match} Match */
/** @typedef {import('./lib/runbook.mjs').Context} Context */
/** @typedef {import('./lib/diag.mjs').DiagFacts} DiagFacts */

const messages = withDiagMessages({
	en: {
		noInput: 'nothing to read: pass --file <log>, --text "<error>", --live, or pipe a log on stdin',
		howTo:
			'diagnose reads a log or an error message and names the page that fixes it. Give it one of:\n' +
			'  paste it:   npx zx runbooks/diagnose.mjs          (in a terminal: paste, then Ctrl-D on an empty line)\n' +
			'  pipe it:    kubectl logs my-release-etcd-0 --previous | npx zx runbooks/diagnose.mjs\n' +
			'  a file:     npx zx runbooks/diagnose.mjs --file milvus.log\n' +
			'  one line:   npx zx runbooks/diagnose.mjs --text "<the error>"\n' +
			"  your logs:  npx zx runbooks/diagnose.mjs --live    (reads the deployment's own logs with kubectl or docker)",
		pastePrompt:
			'Paste the error or the log, then press Ctrl-D on an empty line (Ctrl-Z then Enter on Windows). Ctrl-C stops.',
		closestHeading:
			'No known error signature. Closest pages (they share words with the text; not a diagnosis):',
		sharesLabel: 'shares',
		tooMany: 'use only one of --file, --text and --live',
		emptyInput: '{what} is empty',
		stdinName: 'stdin',
		heading: 'Recognised symptoms (strongest first)',
		lineLabel: 'line {n}',
		fromLabel: 'from {name}',
		whyLabel: 'why',
		openLabel: 'open',
		runLabel: 'run',
		more: '{count} more line(s) matched the same signature',
		none: 'No known symptom in this text.',
		noneHint:
			'Search the guide with the exact error text, or ask for help with this log attached: {page}',
	},
	id: {
		noInput:
			'tidak ada yang dibaca: berikan --file <log>, --text "<error>", --live, atau pipe log lewat stdin',
		howTo:
			'diagnose membaca log atau pesan error, lalu menyebut halaman yang memperbaikinya. Berikan salah satu:\n' +
			'  tempel:       npx zx runbooks/diagnose.mjs          (di terminal: tempel, lalu Ctrl-D di baris kosong)\n' +
			'  pipe:         kubectl logs my-release-etcd-0 --previous | npx zx runbooks/diagnose.mjs\n' +
			'  file:         npx zx runbooks/diagnose.mjs --file milvus.log\n' +
			'  satu baris:   npx zx runbooks/diagnose.mjs --text "<error-nya>"\n' +
			'  log cluster:  npx zx runbooks/diagnose.mjs --live    (membaca log deployment Anda dengan kubectl atau docker)',
		pastePrompt:
			'Tempel error atau log-nya, lalu tekan Ctrl-D di baris kosong (di Windows: Ctrl-Z lalu Enter). Ctrl-C untuk berhenti.',
		closestHeading:
			'Tidak ada signature error yang dikenal. Halaman terdekat (punya kata yang sama dengan teks ini; bukan diagnosis):',
		sharesLabel: 'kata yang sama',
		tooMany: 'pakai salah satu saja dari --file, --text dan --live',
		emptyInput: '{what} kosong',
		stdinName: 'stdin',
		heading: 'Gejala yang dikenali (dari yang paling kuat)',
		lineLabel: 'baris {n}',
		fromLabel: 'dari {name}',
		whyLabel: 'mengapa',
		openLabel: 'buka',
		runLabel: 'jalankan',
		more: '{count} baris lain cocok dengan signature yang sama',
		none: 'Tidak ada gejala yang dikenali di teks ini.',
		noneHint:
			'Cari di panduan dengan teks error persisnya, atau minta bantuan dengan melampirkan log ini: {page}',
	},
});

/**
 * Match the inputs against the catalog, say what was recognised (or the closest pages) and set the report.
 * @param {Context} ctx
 * @param {{ name: string, text: string }[]} inputs
 * @returns {number} 1 when a known symptom was found, else 0
 */
function matchInputs(ctx, inputs) {
	/** @type {(Match & { from: string })[]} */
	const all = [];
	for (const input of inputs)
		for (const m of matchText(input.text)) all.push({ ...m, from: input.name });
	all.sort((a, b) => b.weight - a.weight);
	// A generic signature (an API status whose code the catalog does not explain) is no diagnosis: its
	// page only leads the closest pages.
	const best = /** @type {(Match & { from: string })[]} */ (strongestPerSymptom(all)).filter(
		(m) => !m.fallback,
	);
	// The same matcher as the site (lib/retrieve.mjs) decides the closest pages, over all inputs at once.
	const closest = best.length > 0 ? [] : diagnoseText(inputs.map((i) => i.text).join('\n')).closest;

	if (best.length > 0) {
		ctx.out.heading(ctx.t('heading'));
		best.forEach((m, i) => {
			ctx.out.info(`${String(i + 1).padStart(2)}. ${m.symptom}  [${m.signature}]`);
			const where = inputs.length > 1 ? `${ctx.t('fromLabel', { name: m.from })}, ` : '';
			ctx.out.info(`    ${where}${ctx.t('lineLabel', { n: m.lineNumber })}: ${m.line}`);
			if (m.count > 1) ctx.out.dim(`    ${ctx.t('more', { count: m.count - 1 })}`);
			ctx.out.info(`    ${ctx.t('whyLabel')}: ${m.explain[ctx.lang]}`);
			ctx.out.info(`    ${ctx.t('openLabel')}: ${pageUrl(m.symptom, ctx.lang)}`);
			ctx.out.info(`    ${ctx.t('runLabel')}: ${runbookCommand(m.symptom)}`);
		});
	} else if (closest.length > 0) {
		ctx.out.heading(ctx.t('closestHeading'));
		closest.forEach((c, i) => {
			const shares = c.terms.length > 0 ? `  (${ctx.t('sharesLabel')}: ${c.terms.join(', ')})` : '';
			ctx.out.info(`${String(i + 1).padStart(2)}. ${c.symptom}${shares}`);
			ctx.out.info(`    ${ctx.t('openLabel')}: ${pageUrl(c.symptom, ctx.lang)}`);
		});
		ctx.out.info(ctx.t('noneHint', { page: pageUrl('help', ctx.lang) }));
	} else {
		ctx.out.heading(NO_KNOWN_SYMPTOM[ctx.lang]);
		ctx.out.info(ctx.t('none'));
		ctx.out.info(ctx.t('noneHint', { page: pageUrl('help', ctx.lang) }));
	}

	const code = best.length > 0 ? 1 : 0;
	emitReport(ctx, {
		confidence: best.length > 0 ? 'signature' : closest.length > 0 ? 'closest' : 'none',
		matches: best.map((m) => ({
			symptom: m.symptom,
			line: m.line,
			page: pagePath(m.symptom, ctx.lang),
			url: pageUrl(m.symptom, ctx.lang),
			signature: m.signature,
			lineNumber: m.lineNumber,
			source: m.from,
			explanation: m.explain[ctx.lang],
			runbook: runbookCommand(m.symptom),
		})),
		closest: closest.map((c) => ({
			symptom: c.symptom,
			page: pagePath(c.symptom, ctx.lang),
			url: pageUrl(c.symptom, ctx.lang),
			score: Math.round(c.score * 10) / 10,
			terms: c.terms,
		})),
		signatures: all.map((m) => ({
			signature: m.signature,
			symptom: m.symptom,
			weight: m.weight,
			line: m.line,
			source: m.from,
		})),
		exitCode: code,
	});
	return code;
}

export default defineRunbook(
	{
		name: 'diagnose',
		summary: {
			en: 'Recognise known Milvus failures in a log and point to the page and runbook that fix them',
			id: 'Kenali kegagalan Milvus yang umum dari log, lalu tunjukkan halaman dan runbook untuk memperbaikinya',
		},
		description: {
			en:
				'Reads a log file, a pasted error, stdin, or the logs of a running deployment (docker compose or the pods of a Helm/operator release), ' +
				'matches every line against the error-signature catalog and prints the symptoms it recognises, strongest first, with the line that matched ' +
				'and the guide page to open. Text that matches nothing known is reported as "no known symptom", never as a guess. Changes nothing.',
			id:
				'Membaca file log, error yang ditempelkan, stdin, atau log deployment yang sedang berjalan (docker compose, atau pod dari release Helm ' +
				'atau operator). Setiap baris dicocokkan dengan katalog signature error. Gejala yang dikenali ditampilkan dari yang paling kuat, ' +
				'bersama baris yang cocok dan halaman panduan yang perlu dibuka. Teks yang tidak cocok dilaporkan sebagai "tidak ada gejala yang ' +
				'dikenali", bukan ditebak. Tidak mengubah apa pun.',
		},
		exitCodes: {
			0: {
				en: 'no known error signature in the text (the closest pages may be listed, as a hint)',
				id: 'tidak ada signature error yang dikenal di teks (halaman terdekat bisa ditampilkan, sebagai petunjuk)',
			},
			1: {
				en: 'known symptoms found (each with its page and runbook), or --live could not read the deployment',
				id: 'ada gejala yang dikenali (masing-masing dengan halaman dan runbook-nya), atau --live gagal membaca deployment',
			},
			2: {
				en: 'bad flags, or the input is missing, empty, binary or unreadable (it then says how to give it a log)',
				id: 'flag salah, atau input tidak ada, kosong, biner, atau tidak bisa dibaca (lalu dijelaskan cara memberinya log)',
			},
			4: {
				en: 'not used: diagnose looks for every known symptom, so no text is "not this symptom" (exit 0 says none was found)',
				id: 'tidak dipakai: diagnose mencari semua gejala yang dikenal, jadi tidak ada teks yang "bukan gejala ini" (exit 0 berarti tidak ada yang ditemukan)',
			},
		},
		target: 'local',
		flagGroups: ['kube'],
		flags: [
			{
				name: 'file',
				alias: 'f',
				type: 'string',
				help: { en: 'log file to read (- for stdin)', id: 'file log yang dibaca (- untuk stdin)' },
			},
			{
				name: 'text',
				type: 'string',
				help: {
					en: 'an error line to check, pasted as one argument',
					id: 'satu baris error yang diperiksa, ditempelkan sebagai satu argumen',
				},
			},
			{
				name: 'live',
				type: 'boolean',
				default: false,
				help: {
					en: 'read the logs of the running deployment (docker or kubectl)',
					id: 'baca log deployment yang sedang berjalan (docker atau kubectl)',
				},
			},
			{
				name: 'source',
				type: 'string',
				default: 'auto',
				choices: ['auto', 'docker', 'kubernetes'],
				help: { en: 'with --live: where Milvus runs', id: 'dengan --live: tempat Milvus berjalan' },
			},
			{
				name: 'tail',
				type: 'number',
				default: 500,
				help: {
					en: 'with --live: log lines per container',
					id: 'dengan --live: jumlah baris log per container',
				},
			},
		],
		messages,
		async main(ctx) {
			const file = /** @type {string | undefined} */ (ctx.flags.file);
			const text = /** @type {string | undefined} */ (ctx.flags.text);
			const live = ctx.flags.live === true;
			if ([file !== undefined, text !== undefined, live].filter(Boolean).length > 1)
				throw new UsageError(ctx.t('tooMany'));
			const tail = Number(ctx.flags.tail);
			if (!Number.isInteger(tail) || tail <= 0)
				throw new UsageError(ctx.t('badNumber', { flag: '--tail', value: String(ctx.flags.tail) }));

			/** @type {{ name: string, text: string }[]} */
			const inputs = [];
			if (live) {
				// On to the plan: the deployment's listing and logs are read as steps.
				await chooseSource(ctx, /** @type {'auto'|'docker'|'kubernetes'} */ (ctx.flags.source));
				return undefined;
			}
			if (text !== undefined) {
				inputs.push({ name: '--text', text });
			} else {
				// Bare run in a terminal: take a paste. Piped or `--file -`: read stdin. Nothing at all: explain.
				const pasting = file === undefined && process.stdin.isTTY === true;
				const useStdin = file === '-' || file === undefined;
				const name = useStdin ? ctx.t('stdinName') : /** @type {string} */ (file);
				if (pasting) {
					ctx.out.info(ctx.t('howTo'));
					process.stderr.write(`\n${ctx.t('pastePrompt')}\n`);
				}
				/** @type {Buffer} */
				let buf;
				try {
					buf = useStdin
						? await readAll(process.stdin)
						: nodeFs.readFileSync(/** @type {string} */ (file));
				} catch (e) {
					const reason = e && typeof e === 'object' && 'code' in e ? String(e.code) : String(e);
					throw new UsageError(ctx.t('dReadFailed', { file: name, reason }));
				}
				if (looksBinary(buf)) throw new UsageError(ctx.t('dBinaryInput', { what: name }));
				const s = buf.toString('utf8');
				if (s.trim() === '') {
					if (file !== undefined) throw new UsageError(ctx.t('emptyInput', { what: name }));
					// Run bare with nothing piped in (or an empty paste): say how to give it a log, not "error".
					if (!pasting) ctx.out.info(ctx.t('howTo'));
					return EXIT.USAGE;
				}
				inputs.push({ name, text: s });
			}

			return matchInputs(ctx, inputs);
		},
		requireStatefulSet: false,
		exampleFacts: DIAG_EXAMPLE,
		variantFacts: [DIAG_EXAMPLE_KUBE],
		// --live: the reads are steps, planned from what the listing found (findDeployment).
		preflight: (ctx) => findDeployment(ctx, { tail: Number(ctx.flags.tail) }),
		steps: (ctx, /** @type {DiagFacts} */ facts) => diagReadSteps(ctx, facts),
		verify(ctx, /** @type {DiagFacts} */ facts) {
			const read = diagRead(ctx, facts);
			// The pod table itself is evidence too: "my-release-etcd-0   0/1   Pending" is etcd-pending.
			return matchInputs(ctx, [read.listing, ...read.logs]);
		},
	},
	import.meta.url,
);
