// The kubectl version matrix: the machine's kubectl on PATH may be a dispatcher with versioned binaries
// (`kubectl.1.27` … `kubectl.1.33`) beside the file it resolves to. A test picks the newest or the oldest of
// them with MILVUS_RESCUE_KUBECTL=newest|oldest (default newest); useKubectl() puts a folder holding a
// `kubectl` symlink to that binary first on this process's PATH, so every cluster env made afterwards runs
// it. Without versioned binaries the PATH kubectl alone is used.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface KubectlBinary {
	/** `1.27`, or `path` for the plain PATH kubectl */
	version: string;
	path: string;
}

/** Where `kubectl` on PATH resolves to (symlinks followed), or null when there is none. */
function resolvedKubectl(): string | null {
	for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
		if (!dir) continue;
		const p = path.join(dir, 'kubectl');
		try {
			fs.accessSync(p, fs.constants.X_OK);
			return fs.realpathSync(p);
		} catch {
			/* not here */
		}
	}
	return null;
}

/** The versioned kubectl binaries beside the PATH kubectl, oldest first. */
export function kubectlBinaries(): KubectlBinary[] {
	const real = resolvedKubectl();
	if (!real) return [];
	const dir = path.dirname(real);
	const found = fs
		.readdirSync(dir)
		.map((f) => /^kubectl\.(\d+)\.(\d+)$/.exec(f))
		.filter((m): m is RegExpExecArray => m !== null)
		.map((m) => ({
			version: `${m[1]}.${m[2]}`,
			path: path.join(dir, m[0]),
			n: [Number(m[1]), Number(m[2])],
		}))
		.sort((a, b) => a.n[0]! - b.n[0]! || a.n[1]! - b.n[1]!)
		.map(({ version, path: p }) => ({ version, path: p }));
	return found.length ? found : [{ version: 'path', path: real }];
}

/** The binary MILVUS_RESCUE_KUBECTL names: `newest` (default), `oldest`, or a version like `1.29`. */
export function chosenKubectl(
	choice = process.env.MILVUS_RESCUE_KUBECTL ?? 'newest',
): KubectlBinary {
	const all = kubectlBinaries();
	if (!all.length) throw new Error('no kubectl on PATH');
	const pick =
		choice === 'oldest'
			? all[0]
			: choice === 'newest' || choice === ''
				? all[all.length - 1]
				: all.find((b) => b.version === choice);
	if (!pick) throw new Error(`no kubectl ${choice} (have ${all.map((b) => b.version).join(', ')})`);
	return pick;
}

let installed: KubectlBinary | null = null;

/**
 * Puts the chosen kubectl first on process.env.PATH (once per process) and prints which one it is.
 * @returns the binary in use
 */
export function useKubectl(choice?: string): KubectlBinary {
	if (installed) return installed;
	const bin = chosenKubectl(choice);
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubectl-matrix-'));
	fs.symlinkSync(bin.path, path.join(dir, 'kubectl'));
	process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
	process.env.PATH = `${dir}${path.delimiter}${process.env.PATH ?? ''}`;
	const client = execFileSync('kubectl', ['version', '--client', '-o', 'json'], {
		encoding: 'utf8',
	});
	const gitVersion = (JSON.parse(client) as { clientVersion?: { gitVersion?: string } })
		.clientVersion?.gitVersion;
	process.stdout.write(`kubectl ${gitVersion ?? bin.version} (${bin.path})\n`);
	installed = bin;
	return bin;
}
