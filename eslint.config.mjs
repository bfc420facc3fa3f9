// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// Formatting is prettier's job; eslint only looks for bugs. There is no eslint parser for .astro files here,
// so those are covered by `astro check` and prettier instead.
export default tseslint.config(
	{
		ignores: [
			'dist/**',
			'.astro/**',
			'node_modules/**',
			'.bench/**',
			'test/.tmp/**',
			'**/fixtures/**',
			'public/**',
		],
	},
	js.configs.recommended,
	...tseslint.configs.recommended,
	{
		languageOptions: {
			ecmaVersion: 2022,
			sourceType: 'module',
			globals: { ...globals.node },
		},
		rules: {
			// `_`-prefixed names mark deliberately unused parameters (callbacks with fixed signatures).
			'@typescript-eslint/no-unused-vars': [
				'error',
				{ argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
			],
			// Empty catch blocks are used (with a comment) where a failure is expected and harmless.
			'no-empty': ['error', { allowEmptyCatch: true }],
			// Stripping ANSI escapes from terminal output is the point of several regexes here.
			'no-control-regex': 'off',
		},
	},
	{
		// Runbooks are plain ESM JavaScript typed through JSDoc and run by the zx CLI, which provides globals.
		files: ['runbooks/**/*.mjs', 'tools/standin/**/*.mjs'],
		rules: {
			'@typescript-eslint/no-require-imports': 'off',
		},
	},
	{
		// Client scripts of components run in the browser.
		files: ['src/components/**/*.ts'],
		languageOptions: { globals: { ...globals.browser } },
	},
);
