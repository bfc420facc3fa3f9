/**
 * Ties the runbooks into the site, as a Starlight plugin: reads them once per build (describe in every
 * language, source, standalone bundle: runbooks/build/), checks and decorates code blocks through the remark
 * plugin (in the page's language, from Starlight's `useTranslations`), and hands the data to the routes as
 * virtual modules: `virtual:milvus-rescue/runbooks` for the runbook pages and the search,
 * `virtual:milvus-rescue/runbook-bundles` for where the standalone files are kept (read by
 * src/pages/runbooks/[name].mjs.ts).
 */
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StarlightPlugin } from '@astrojs/starlight/types';
import type { AstroIntegration } from 'astro';
import { LOCALE_CODES } from '../../config/locales.ts';
import remarkRunbookLinks from './remark.ts';
import {
	loadRunbooksCached,
	RunbookLoadError,
	type LoadedRunbooks,
} from '../../../runbooks/build/load.ts';
import { sourceCacheFile } from '../../components/runbook/rendered-sources.ts';

type ConfigSetup = Parameters<NonNullable<StarlightPlugin['hooks']['config:setup']>>[0];
/** Starlight's language of a content file and UI strings of a language, as its plugins receive them. */
export type StarlightHelpers = Pick<ConfigSetup, 'absolutePathToLang' | 'useTranslations'>;

interface ModuleData extends LoadedRunbooks {
	/** Per runbook file, where its highlighted source is kept between builds (rendered-sources.ts). */
	sourceCache: Record<string, string>;
	/** Per runbook name, the file holding its standalone build. */
	bundleFiles: Record<string, string>;
}

const MODULES = {
	'virtual:milvus-rescue/runbooks': (data: ModuleData) =>
		`export const RUNBOOKS = ${JSON.stringify(data.index)};\nexport const SOURCE_CACHE = ${JSON.stringify(data.sourceCache)};`,
	'virtual:milvus-rescue/runbook-bundles': (data: ModuleData) =>
		`export const BUNDLE_FILES = ${JSON.stringify(data.bundleFiles)};`,
} as const;

/**
 * The standalone builds, one file each, named by their sha256: the route serving them reads the file
 * instead of carrying megabytes of text through Vite's bundling of the site (seconds of every build).
 */
const BUNDLE_DIR = 'node_modules/.cache/milvus-rescue-bundles';

async function bundleFiles(root: string, data: LoadedRunbooks): Promise<Record<string, string>> {
	const dir = path.join(root, BUNDLE_DIR);
	await mkdir(dir, { recursive: true });
	const files: Record<string, string> = {};
	for (const [name, code] of Object.entries(data.bundles)) {
		const sha256 = data.index[name]?.standalone.sha256;
		if (!sha256) throw new Error(`runbook ${name} has a standalone build but no index entry`);
		const file = path.join(dir, `${name}.${sha256}.mjs`);
		if ((await readFile(file, 'utf8').catch(() => undefined)) !== code) {
			const aside = `${file}.${process.pid}.tmp`;
			await writeFile(aside, code);
			await rename(aside, file);
		}
		files[name] = file;
	}
	await removeAllBut(dir, Object.values(files));
	return files;
}

/** Empties `dir` of everything but `keep` (paths in it): what no current runbook needs any more. */
async function removeAllBut(dir: string, keep: string[]): Promise<void> {
	const current = new Set(keep.map((f) => path.basename(f)));
	for (const old of await readdir(dir).catch(() => [])) {
		if (!current.has(old)) await rm(path.join(dir, old), { force: true });
	}
}

/** The highlighted sources kept between builds, beside the runbook data (runbooks/build/load.ts). */
const SOURCE_CACHE_DIR = 'node_modules/.cache/milvus-rescue-sources';

/**
 * Everything besides a source that shapes its highlighted HTML: the Expressive Code settings (ec.config.mjs,
 * and Starlight's options in src/config/) and the versions of what renders them.
 */
async function sourceCacheSalt(root: string): Promise<string> {
	const read = (file: string) => readFile(path.join(root, file), 'utf8').catch(() => '');
	const version = async (pkg: string) =>
		(JSON.parse((await read(`node_modules/${pkg}/package.json`)) || '{}') as { version?: string })
			.version ?? '';
	return JSON.stringify([
		await read('ec.config.mjs'),
		await read('src/config/integrations.ts'),
		...(await Promise.all(
			[
				'astro',
				'@astrojs/starlight',
				'astro-expressive-code',
				'expressive-code',
				'@expressive-code/plugin-shiki',
				'shiki',
			].map(version),
		)),
	]);
}

/** Where each runbook's highlighted source is kept; files of sources that changed since are removed. */
async function sourceCache(root: string, data: LoadedRunbooks): Promise<Record<string, string>> {
	const dir = path.join(root, SOURCE_CACHE_DIR);
	const salt = await sourceCacheSalt(root);
	const files = Object.fromEntries(
		Object.values(data.index).map((info) => [
			info.file,
			sourceCacheFile(dir, salt, info.file, info.source),
		]),
	);
	await removeAllBut(dir, Object.values(files));
	return files;
}

function isModule(id: string): id is keyof typeof MODULES {
	return Object.hasOwn(MODULES, id);
}

export function runbookLinks(): StarlightPlugin {
	return {
		name: 'milvus-rescue:runbook-links',
		hooks: {
			'config:setup': ({ addIntegration, useTranslations, absolutePathToLang }) => {
				addIntegration(runbookData({ useTranslations, absolutePathToLang }));
			},
		},
	};
}

/**
 * The Astro side of the plugin. It loads the runbooks in its own config hook, which Astro runs after the
 * site's other integrations (Starlight adds plugin integrations last): the symptom index the standalone
 * diagnose bundles is current by then.
 */
function runbookData(starlight: StarlightHelpers): AstroIntegration {
	return {
		name: 'milvus-rescue:runbook-data',
		hooks: {
			'astro:config:setup': async ({ config, updateConfig, injectScript }) => {
				const root = fileURLToPath(config.root);
				let data: ModuleData;
				try {
					const loaded = await loadRunbooksCached(root, LOCALE_CODES);
					data = {
						...loaded,
						sourceCache: await sourceCache(root, loaded),
						bundleFiles: await bundleFiles(root, loaded),
					};
				} catch (error) {
					// One line, no stack: the runbook named in it is what needs fixing.
					if (error instanceof RunbookLoadError) throw new Error(error.message);
					throw error;
				}
				updateConfig({
					markdown: {
						remarkPlugins: [[remarkRunbookLinks, { runbooks: data.index, ...starlight }]],
					},
					vite: {
						plugins: [
							{
								name: 'milvus-rescue:runbook-data',
								resolveId: (id: string) => (isModule(id) ? `\0${id}` : undefined),
								load: (id: string) => {
									const name = id.startsWith('\0') ? id.slice(1) : '';
									return isModule(name) ? MODULES[name](data) : undefined;
								},
							},
						],
					},
				});
				// Blocks on every page may carry the bar, so its styles go everywhere (they are small).
				injectScript(
					'page-ssr',
					`import ${JSON.stringify(fileURLToPath(new URL('../../components/runbook/runbook.css', import.meta.url)))};`,
				);
			},
		},
	};
}
