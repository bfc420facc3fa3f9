/**
 * ARCHITECTURE.md against the tree: every path it names exists. The tree once said runbook pages were
 * content files (src/content/docs/<lang>/runbooks/<name>.mdx) while they are routes built from the runbooks,
 * and SearchPanel, trusting it, never rendered the "About this runbook" link. A claim about the tree that
 * stops being true now fails here instead of in a reader's browser.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ROOT } from '../../tools/support/paths.ts';

const DOC = readFileSync(path.join(ROOT, 'ARCHITECTURE.md'), 'utf8');
/** Top-level folders whose paths the document names in prose. */
const TOP = ['src', 'runbooks', 'test', 'tools', 'scripts', 'docs', 'public', '.ci'];

/** Whether anything in the repository matches `pattern` (`<x>` and `*` stand for any name part). */
function exists(pattern: string): boolean {
	const parts = pattern
		.replace(/<[^>]+>/g, '*')
		.split('/')
		.filter((p) => p !== '' && p !== '…');
	const walk = (dir: string, i: number): boolean => {
		if (i === parts.length) return true;
		const part = parts[i]!;
		if (!part.includes('*')) {
			const next = path.join(dir, part);
			return existsSync(next) && (i === parts.length - 1 || statSync(next).isDirectory())
				? walk(next, i + 1)
				: false;
		}
		const re = new RegExp(`^${part.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*')}$`);
		if (!existsSync(dir) || !statSync(dir).isDirectory()) return false;
		return readdirSync(dir)
			.filter((name) => re.test(name))
			.some((name) => walk(path.join(dir, name), i + 1));
	};
	return walk(ROOT, 0);
}

/** The fenced block under `## Tree`: each line is `path   what it is`, indented lines continue the last one. */
function treeClaims(): string[] {
	const section = DOC.split(/^## Tree$/m)[1];
	assert.ok(section, 'ARCHITECTURE.md has a "## Tree" section');
	const block = section.split('```')[1];
	assert.ok(block, 'the Tree section has a fenced block');
	const claims: string[] = [];
	let folder = '';
	for (const line of block.split('\n').slice(1)) {
		if (!line.trim()) continue;
		if (!/^\s/.test(line)) {
			const first = line.trim().split(/\s+/)[0]!;
			claims.push(first);
			folder = first.endsWith('…') ? first.replace(/…$/, '') : '';
			// A line naming a folder by example (`src/content/docs/en/…`) lists its files on the next lines.
			const rest = line.trim().slice(first.length);
			if (folder) claims.push(...filesIn(folder, rest));
		} else if (folder) {
			claims.push(...filesIn(folder, line));
		}
	}
	return claims;
}

/** File names (`index.mdx, runbooks/<name>.mdx`) listed in `text`, as paths inside `folder`. */
function filesIn(folder: string, text: string): string[] {
	return [...text.matchAll(/(?:^|[\s,:])([\w<>./-]+\.\w+)(?=[\s,]|$)/g)].map(
		(m) => `${folder}${m[1]}`,
	);
}

test('every path in the Tree section of ARCHITECTURE.md exists', () => {
	const claims = treeClaims();
	assert.ok(claims.length > 10, `the tree names the repository's parts (${claims.length} found)`);
	const missing = claims.filter((claim) => !exists(claim));
	assert.deepEqual(
		missing,
		[],
		`ARCHITECTURE.md names paths that do not exist: ${missing.join(', ')}`,
	);
});

test('every repository path named in the prose of ARCHITECTURE.md exists', () => {
	const prose = DOC.replace(/^## Tree$[\s\S]*?```[\s\S]*?```/m, '');
	const re = new RegExp(
		`(?:^|[^\\w./-])((?:${TOP.map((t) => t.replace('.', '\\.')).join('|')})/[\\w./<>*-]*)`,
		'g',
	);
	const paths = [...new Set([...prose.matchAll(re)].map((m) => m[1]!.replace(/[.,:]+$/, '')))];
	assert.ok(paths.length > 5, `the prose names repository paths (${paths.length} found)`);
	const missing = paths.filter((p) => !exists(p));
	assert.deepEqual(
		missing,
		[],
		`ARCHITECTURE.md names paths that do not exist: ${missing.join(', ')}`,
	);
});

test('the drift check itself: a path that is not in the tree is reported', () => {
	assert.equal(exists('src/content/docs/en/runbooks/<name>.mdx'), false);
	assert.equal(exists('src/pages/[lang]/runbooks/[name].astro'), true);
	assert.equal(exists('runbooks/<name>.mjs'), true);
});

test('tools/ and scripts/ never import from test/ (tests use tools, not the other way round)', () => {
	const importsIntoTest: string[] = [];
	for (const top of ['tools', 'scripts']) {
		const dir = path.join(ROOT, top);
		for (const rel of readdirSync(dir, { recursive: true }) as string[]) {
			if (!/\.(ts|mts|mjs|js)$/.test(rel)) continue;
			const file = path.join(dir, rel);
			const text = readFileSync(file, 'utf8');
			for (const m of text.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
				const target = path.relative(ROOT, path.resolve(path.dirname(file), m[1]!));
				if (target.split(path.sep)[0] === 'test') importsIntoTest.push(`${top}/${rel} → ${target}`);
			}
		}
	}
	assert.deepEqual(importsIntoTest, []);
});
