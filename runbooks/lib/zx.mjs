// @ts-check
// The ONLY module that imports zx. Standalone bundles (run with `npx zx file.mjs`, no node_modules)
// replace this file with one that reads the zx CLI's globals (globalThis.$, globalThis.chalk, …), so
// nothing else in runbooks/ or runbooks/lib may import 'zx' directly.
export {
	$,
	chalk,
	fs,
	path,
	os,
	sleep,
	question,
	quote,
	within,
	which,
	ProcessOutput,
	ProcessPromise,
	YAML,
} from 'zx';
