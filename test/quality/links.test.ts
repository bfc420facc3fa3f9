import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { LOCALE_CODES } from '../../src/config/locales.ts';
import { SITE_URL } from '../../src/config/site.ts';
import { ensureBuilt } from '../../tools/support/build.ts';
import { tmpDir } from '../../tools/support/tmp.ts';
import { brokenLinks, builtPages, guessLanguage, headProblems } from './site-audit.ts';

const OPTIONS = { site: SITE_URL, locales: LOCALE_CODES };

describe('the built site', () => {
	let dist = '';
	before(async () => {
		dist = await ensureBuilt();
	});

	test('has pages in every language', async () => {
		const pages = await builtPages(dist);
		for (const locale of LOCALE_CODES) {
			assert.ok(
				pages.some((p) => p.urlPath.startsWith(`/${locale}/`)),
				`no page under /${locale}/`,
			);
		}
	});

	test('every internal link, asset and #fragment in dist/ resolves', async () => {
		const problems = await brokenLinks(dist, OPTIONS);
		assert.deepEqual(problems, [], problems.join('\n'));
	});

	test('every page has a unique title, a description in its language, a canonical URL and hreflang alternates', async () => {
		const problems = await headProblems(dist, OPTIONS);
		assert.deepEqual(problems, [], problems.join('\n'));
	});
});

/** A page with the head a good page has; `extra` goes into <head>, `body` into <body>. */
function page(
	lang: string,
	urlPath: string,
	title: string,
	description: string,
	body = '',
	extra = '',
): string {
	const abs = (p: string) => new URL(p, SITE_URL).href;
	const twin = (code: string) => urlPath.replace(/^\/[a-z]+\//, `/${code}/`);
	return [
		`<!doctype html><html lang="${lang}"><head><title>${title}</title>`,
		`<meta name="description" content="${description}">`,
		`<link rel="canonical" href="${abs(urlPath)}">`,
		...LOCALE_CODES.map(
			(code) => `<link rel="alternate" hreflang="${code}" href="${abs(twin(code))}">`,
		),
		`${extra}</head><body>${body}</body></html>`,
	].join('\n');
}

async function writeSite(dir: string, files: Record<string, string>): Promise<void> {
	for (const [rel, text] of Object.entries(files)) {
		const file = path.join(dir, rel);
		await mkdir(path.dirname(file), { recursive: true });
		await writeFile(file, text);
	}
}

describe('the audit finds defects in a fixture site', () => {
	let dir = '';
	const cleanups: (() => unknown)[] = [];
	after(async () => {
		for (const fn of cleanups) await fn();
	});
	before(async () => {
		dir = await tmpDir({ after: (fn) => cleanups.push(fn) }, 'milvus-rescue-audit-');
		await writeSite(dir, {
			'en/a/index.html': page(
				'en',
				'/en/a/',
				'Page A',
				'What to do when the pod is stuck and how to fix it.',
				'<h2 id="fix">Fix</h2><a href="#fix">ok</a> <a href="/en/b/#steps">ok</a>' +
					'<a href="/en/missing/">broken page</a> <a href="/en/b/#nope">broken fragment</a>' +
					'<a href="https://example.org/elsewhere">external</a> <img src="/img/gone.png" alt="">' +
					'<a href="#">top</a> <script src="/_astro/app.js"></script>',
			),
			'id/a/index.html': page(
				'id',
				'/id/a/',
				'Halaman A',
				'Apa yang harus dilakukan kalau pod tertahan dan cara memperbaikinya.',
			),
			'en/b/index.html': page(
				'en',
				'/en/b/',
				'Page A',
				'Pod tertahan di Pending karena PVC belum ter-bind dan tidak ada StorageClass.',
				'<ol id="steps"></ol>',
			),
			// No Indonesian twin, no canonical, no description.
			'en/c/index.html':
				'<!doctype html><html lang="en"><head><title>Page C</title></head><body></body></html>',
			'_astro/app.js': '',
		});
	});

	test('broken pages, fragments and assets are reported; good and external links are not', async () => {
		const problems = await brokenLinks(dir, OPTIONS);
		const text = problems.join('\n');
		assert.match(text, /\/en\/a\/: <a \/en\/missing\/>: no such file/);
		assert.match(text, /\/en\/a\/: <a \/en\/b\/#nope>: no element with id "nope"/);
		assert.match(text, /\/en\/a\/: <img \/img\/gone\.png>: no such file/);
		// /en/b/ and the hreflang alternates of /en/b/ point at /id/b/, which does not exist.
		assert.match(text, /\/en\/b\/: <link .*\/id\/b\/>: no such file/);
		assert.doesNotMatch(text, /#fix|#steps|example\.org|app\.js|<a #>/);
	});

	test('duplicate titles, missing heads and descriptions in the wrong language are reported', async () => {
		const problems = await headProblems(dir, OPTIONS);
		const text = problems.join('\n');
		assert.match(text, /title "Page A" is used by \/en\/a\/, \/en\/b\//);
		assert.match(text, /\/en\/b\/: meta description does not read as en \(id\)/);
		assert.match(text, /\/en\/b\/: hreflang="id" points at a missing page: \/id\/b\//);
		assert.match(text, /\/en\/c\/: no meta description/);
		assert.match(text, /\/en\/c\/: no canonical URL/);
		assert.match(text, /\/en\/c\/: no hreflang="id" alternate/);
		assert.doesNotMatch(text, /^\/(en|id)\/a\//m);
	});
});

test('guessLanguage tells English from Indonesian prose and ignores quoted error strings', () => {
	assert.equal(
		guessLanguage('The etcd pods stay Pending because no StorageClass is the default.', [
			'en',
			'id',
		]),
		'en',
	);
	assert.equal(
		guessLanguage(
			'Pod etcd crash loop dengan "bad member ID arg: the file is empty and the member is gone" karena file kosong.',
			['en', 'id'],
		),
		'id',
	);
	assert.equal(guessLanguage('etcd Milvus MinIO', ['en', 'id']), undefined);
});
