// Runbooks you can audit in two minutes: a runbook file stays a checklist (at most 500 lines, the parts with
// logic of their own live in runbooks/lib/), and no function of a runbook or of the toolkit's step runner
// grows past 120 lines.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';
import { ROOT } from '../../tools/support/paths.ts';

const MAX_FILE_LINES = 500;
const MAX_FUNCTION_LINES = 120;

const RUNBOOKS = readdirSync(path.join(ROOT, 'runbooks'))
	.filter((f) => f.endsWith('.mjs'))
	.map((f) => `runbooks/${f}`);
const AUDITED = [...RUNBOOKS, 'runbooks/lib/runbook.mjs'];

/** Every function with a body in `text`, with its name (or kind) and its length in lines. */
function functionLengths(
	file: string,
	text: string,
): { name: string; line: number; lines: number }[] {
	const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
	const found: { name: string; line: number; lines: number }[] = [];
	const visit = (node: ts.Node): void => {
		if (ts.isFunctionLike(node) && 'body' in node && node.body) {
			const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
			const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
			const name =
				'name' in node && node.name && ts.isIdentifier(node.name as ts.Node)
					? (node.name as ts.Identifier).text
					: ts.SyntaxKind[node.kind];
			found.push({ name, line: start + 1, lines: end - start + 1 });
		}
		ts.forEachChild(node, visit);
	};
	visit(source);
	return found;
}

test(`no runbook file is longer than ${MAX_FILE_LINES} lines`, () => {
	assert.ok(RUNBOOKS.length >= 10, `found ${RUNBOOKS.length} runbooks`);
	const long = RUNBOOKS.map((f) => ({
		f,
		lines: readFileSync(path.join(ROOT, f), 'utf8').split('\n').length,
	})).filter((x) => x.lines > MAX_FILE_LINES);
	assert.deepEqual(
		long.map((x) => `${x.f}: ${x.lines} lines`),
		[],
	);
});

test(`no function of a runbook or of the step runner is longer than ${MAX_FUNCTION_LINES} lines`, () => {
	const long = AUDITED.flatMap((f) =>
		functionLengths(f, readFileSync(path.join(ROOT, f), 'utf8'))
			.filter((fn) => fn.lines > MAX_FUNCTION_LINES)
			.map((fn) => `${f}:${fn.line} ${fn.name}: ${fn.lines} lines`),
	);
	assert.deepEqual(long, []);
});

test('the measure itself: a long function is found, with its name and length', () => {
	const body = Array.from({ length: MAX_FUNCTION_LINES + 5 }, (_, i) => `\tconst v${i} = ${i};`);
	const text = ['export function tooLong() {', ...body, '}', 'const short = () => 1;'].join('\n');
	const lengths = functionLengths('x.mjs', text);
	assert.deepEqual(
		lengths.map((l) => [l.name, l.lines]),
		[
			['tooLong', MAX_FUNCTION_LINES + 7],
			['ArrowFunction', 1],
		],
	);
});
