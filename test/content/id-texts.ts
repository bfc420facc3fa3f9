// Collects every Indonesian text a reader meets outside the pages: the UI strings (src/content/i18n/id.json)
// and the `id` side of the runbooks' and catalog's bilingual texts. The runbooks run when imported, so
// their sources are parsed (TypeScript's parser reads .mjs as JavaScript) instead of executed: a bilingual
// text is an object literal with both an `en` and an `id` property, where `id` is either the text itself
// (`{ en: '…', id: '…' }`) or a dictionary of them (`{ en: { key: '…' }, id: { key: '…' } }`).
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { ROOT } from '../../tools/support/paths.ts';

export interface IdText {
	/** where the text is, for failure messages: file:line or id.json key */
	where: string;
	text: string;
}

/** The runbook and toolkit sources whose `id` texts are collected. */
export function runbookSources(): string[] {
	const dirs = ['runbooks', 'runbooks/lib'];
	return dirs.flatMap((dir) =>
		readdirSync(path.join(ROOT, dir))
			.filter((f) => f.endsWith('.mjs'))
			.sort()
			.map((f) => path.join(dir, f)),
	);
}

/** The text of a string-like expression; template substitutions become `{…}` like the `t()` placeholders. */
function literalText(node: ts.Expression): string | null {
	if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
	if (ts.isTemplateExpression(node))
		return node.head.text + node.templateSpans.map((s) => `{…}${s.literal.text}`).join('');
	if (ts.isParenthesizedExpression(node)) return literalText(node.expression);
	if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
		const left = literalText(node.left);
		const right = literalText(node.right);
		return left === null || right === null ? null : left + right;
	}
	return null;
}

/** The name of a property, shorthand ones (`{ en, id }`) included. */
function propName(p: ts.ObjectLiteralElementLike): string | null {
	if (ts.isShorthandPropertyAssignment(p)) return p.name.text;
	if (!ts.isPropertyAssignment(p)) return null;
	const n = p.name;
	return ts.isIdentifier(n) || ts.isStringLiteral(n) ? n.text : null;
}

/** `{ en: …, id: … }`: the expression of its `id`, or null when the object is not a bilingual text. */
function idSide(node: ts.ObjectLiteralExpression): ts.Expression | null {
	const names = node.properties.map(propName);
	if (!names.includes('en') || !names.includes('id')) return null;
	const p = node.properties.find((q) => propName(q) === 'id');
	if (p && ts.isPropertyAssignment(p)) return p.initializer;
	if (p && ts.isShorthandPropertyAssignment(p)) return p.name;
	return null;
}

/**
 * Helpers that build bilingual texts from their arguments, such as `const tx = (en, id) => ({ en, id })`
 * or the error-code table's `c(code, name, mEn, mId, nEn, nId)`: the helper's name and the positions of
 * the parameters that end up as an `id`.
 */
function textBuilders(sf: ts.SourceFile): Map<string, number[]> {
	const builders = new Map<string, number[]>();
	const consider = (name: string, fn: ts.SignatureDeclarationBase & { body?: ts.Node }) => {
		const params = fn.parameters.map((p) => (ts.isIdentifier(p.name) ? p.name.text : ''));
		const positions: number[] = [];
		const walk = (n: ts.Node) => {
			if (ts.isObjectLiteralExpression(n)) {
				const side = idSide(n);
				if (side && ts.isIdentifier(side) && params.includes(side.text))
					positions.push(params.indexOf(side.text));
			}
			ts.forEachChild(n, walk);
		};
		if (fn.body) walk(fn.body);
		if (positions.length) builders.set(name, positions);
	};
	const visit = (node: ts.Node) => {
		if (
			ts.isVariableDeclaration(node) &&
			ts.isIdentifier(node.name) &&
			node.initializer &&
			(ts.isArrowFunction(node.initializer) || ts.isFunctionExpression(node.initializer))
		)
			consider(node.name.text, node.initializer);
		if (ts.isFunctionDeclaration(node) && node.name) consider(node.name.text, node);
		ts.forEachChild(node, visit);
	};
	visit(sf);
	return builders;
}

/** @param file a path from the repository's root */
function parseSource(file: string): ts.SourceFile {
	const source = readFileSync(path.join(ROOT, file), 'utf8');
	return ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
}

/** The toolkit's shared text builders (`tx`), which runbooks import instead of defining their own. */
const SHARED_BUILDERS_FILE = 'runbooks/lib/i18n.mjs';
let sharedBuilders: Map<string, number[]> | undefined;

/** Builders a file imports by name from the toolkit's i18n module. */
function importedBuilders(sf: ts.SourceFile): Map<string, number[]> {
	sharedBuilders ??= textBuilders(parseSource(SHARED_BUILDERS_FILE));
	const found = new Map<string, number[]>();
	for (const statement of sf.statements) {
		if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier))
			continue;
		if (!statement.moduleSpecifier.text.endsWith('i18n.mjs')) continue;
		const bindings = statement.importClause?.namedBindings;
		if (!bindings || !ts.isNamedImports(bindings)) continue;
		for (const spec of bindings.elements) {
			const positions = sharedBuilders.get((spec.propertyName ?? spec.name).text);
			if (positions) found.set(spec.name.text, positions);
		}
	}
	return found;
}

/** Every `id` text of one source file. */
export function idTextsOfSource(file: string): IdText[] {
	const sf = parseSource(file);
	const builders = new Map([...importedBuilders(sf), ...textBuilders(sf)]);
	const out: IdText[] = [];
	const at = (node: ts.Node) =>
		`${file}:${sf.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
	const collect = (node: ts.Expression) => {
		const text = literalText(node);
		if (text !== null) {
			out.push({ where: at(node), text });
		} else if (ts.isObjectLiteralExpression(node)) {
			for (const p of node.properties) if (ts.isPropertyAssignment(p)) collect(p.initializer);
		} else if (ts.isArrayLiteralExpression(node)) {
			for (const e of node.elements) collect(e);
		}
	};
	const visit = (node: ts.Node) => {
		if (ts.isObjectLiteralExpression(node)) {
			const side = idSide(node);
			if (side) collect(side);
		}
		if (ts.isCallExpression(node) && ts.isIdentifier(node.expression)) {
			for (const i of builders.get(node.expression.text) ?? []) {
				const arg = node.arguments[i];
				if (arg) collect(arg);
			}
		}
		ts.forEachChild(node, visit);
	};
	visit(sf);
	return out;
}

/** Every UI string, Starlight's included: a reader sees them all. */
export function uiStrings(): IdText[] {
	const json = JSON.parse(
		readFileSync(path.join(ROOT, 'src/content/i18n/id.json'), 'utf8'),
	) as Record<string, string>;
	return Object.entries(json).map(([key, text]) => ({ where: `id.json ${key}`, text }));
}

export function allIdTexts(): IdText[] {
	return [...uiStrings(), ...runbookSources().flatMap(idTextsOfSource)];
}
