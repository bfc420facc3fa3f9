// Every message of the four diagnostic runbooks exists in English and Indonesian with the same
// placeholders. The runbook files run when imported, so their message literal is read from the source.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { runInNewContext } from 'node:vm';
import { missingTranslations, placeholderMismatches } from '../../runbooks/lib/i18n.mjs';
import { DIAG_MESSAGES } from '../../runbooks/lib/diag.mjs';
import { ROOT } from '../support/index.ts';

type Messages = { en: Record<string, string>; id: Record<string, string> };

function messagesOf(name: string): Messages {
	const source = readFileSync(path.join(ROOT, 'runbooks', `${name}.mjs`), 'utf8');
	const start = source.indexOf('withDiagMessages(') + 'withDiagMessages('.length;
	let depth = 0;
	let end = start;
	for (; end < source.length; end++) {
		if (source[end] === '{') depth++;
		else if (source[end] === '}' && --depth === 0) break;
	}
	return runInNewContext(`(${source.slice(start, end + 1)})`) as Messages;
}

test('runbook messages exist in both languages with the same placeholders', () => {
	const all: [string, Messages][] = [
		['diag', DIAG_MESSAGES],
		...['diagnose', 'boot', 'runtime-compat', 'api-errors'].map((n): [string, Messages] => [
			n,
			messagesOf(n),
		]),
	];
	for (const [name, messages] of all) {
		assert.ok(Object.keys(messages.en).length >= 8, `${name}: messages not found`);
		assert.deepEqual(missingTranslations(messages), [], name);
		assert.deepEqual(placeholderMismatches(messages), [], name);
		for (const key of Object.keys(messages.en)) {
			// Strings that are only placeholders and a term kept in English ("stdin", "Diagnosis") may be equal.
			const words = (messages.en[key] ?? '').replace(/\{\w+\}/g, '').match(/[A-Za-z]{3,}/g) ?? [];
			if (words.length < 2) continue;
			assert.notEqual(messages.id[key], messages.en[key], `${name}.${key} is not translated`);
		}
	}
});
