// The stand-in cluster models one StorageClass (`standard`). The StorageClass choice needs several with
// none default, so this puts a kubectl in front of the stand-in's that lists one more class, `fast`,
// whose provisioner serves nothing here: every other call, and every change, goes to the stand-in as is.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { StandinCluster } from '../../tools/standin/index.mjs';
import { ROOT } from './helpers.ts';

export const EXTRA_CLASS = 'fast';

const STANDIN_KUBECTL = path.join(ROOT, 'tools', 'standin', 'bin', 'kubectl');

const WRAPPER = `#!/usr/bin/env node
const { spawnSync } = require('node:child_process');
const args = process.argv.slice(2);
const r = spawnSync(${JSON.stringify(STANDIN_KUBECTL)}, args, {
	encoding: 'utf8',
	stdio: ['inherit', 'pipe', 'inherit'],
	maxBuffer: 1 << 28,
});
let out = r.stdout ?? '';
const at = args.findIndex((a) => /^(sc|storageclass|storageclasses)(\\.storage\\.k8s\\.io)?$/.test(a));
const named = at !== -1 && args[at + 1] !== undefined && !args[at + 1].startsWith('-');
if (r.status === 0 && at > 0 && args.includes('get') && !named) {
	const json = args.some((a, i) => (a === '-o' && args[i + 1] === 'json') || a === '-o=json' || a === '-ojson');
	if (json) {
		const list = JSON.parse(out);
		list.items.unshift({
			apiVersion: 'storage.k8s.io/v1',
			kind: 'StorageClass',
			metadata: { name: ${JSON.stringify(EXTRA_CLASS)}, annotations: {}, labels: {} },
			provisioner: 'example.com/fast',
			reclaimPolicy: 'Delete',
			volumeBindingMode: 'Immediate',
		});
		out = JSON.stringify(list, null, 2) + '\\n';
	} else if (!args.some((a) => a === '-o' || a.startsWith('-o'))) {
		const [head, ...rows] = out.split('\\n');
		out = [head, ${JSON.stringify(EXTRA_CLASS)}.padEnd(21) + 'example.com/fast        Delete          Immediate           false                  1s', ...rows].join('\\n');
	}
}
process.stdout.write(out);
process.exitCode = r.status ?? 1;
`;

/** The cluster's env with the extra-class kubectl first on PATH, and that kubectl's path. */
export function withExtraClass(c: StandinCluster): { env: NodeJS.ProcessEnv; kubectl: string } {
	const bin = path.join(c.dir, 'extra-storageclass-bin');
	fs.mkdirSync(bin, { recursive: true });
	const kubectl = path.join(bin, 'kubectl');
	fs.writeFileSync(kubectl, WRAPPER, { mode: 0o755 });
	return { env: { ...c.env, PATH: `${bin}${path.delimiter}${c.env.PATH ?? ''}` }, kubectl };
}
