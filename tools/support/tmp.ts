import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** The part of node:test's context we need, so `t` from a test and `{ after }` wrappers both fit. */
export interface Cleanup {
	after(fn: () => unknown): void;
}

/**
 * Creates a fresh directory under the OS temp dir and removes it when the test (or suite) ends, also when
 * it fails. Pass the test context `t`, or `{ after }` from node:test for a file-level directory.
 */
export async function tmpDir(cleanup: Cleanup, prefix = 'milvus-rescue-'): Promise<string> {
	const dir = await mkdtemp(path.join(tmpdir(), prefix));
	cleanup.after(() => rm(dir, { recursive: true, force: true }));
	return dir;
}
