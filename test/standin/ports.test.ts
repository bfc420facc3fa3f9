// Ports of stand-in members and test servers: claimed per process, so parallel test files never share one.
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { reservePort } from '../../tools/standin/lib/common.mjs';

const COMMON = fileURLToPath(new URL('../../tools/standin/lib/common.mjs', import.meta.url));

/** A process that reserves `count` ports from `range`, prints them (or its error) and waits for stdin. */
function holder(range: string, count: number) {
	const child = spawn(
		process.execPath,
		[
			'--input-type=module',
			'-e',
			`import { reservePort } from ${JSON.stringify(COMMON)};
			const got = [];
			try { for (let i = 0; i < ${count}; i++) got.push(await reservePort()); console.log(JSON.stringify(got)); }
			catch (e) { console.log(JSON.stringify({ error: e.message })); }
			process.stdin.once('data', () => process.exit(0));`,
		],
		{ env: { ...process.env, MILVUS_RESCUE_STANDIN_PORTS: range } },
	);
	children.push(child);
	const line = once(createInterface({ input: child.stdout }), 'line').then(([l]) =>
		JSON.parse(String(l)),
	);
	return { child, line: line as Promise<number[] | { error: string }> };
}
const children: ChildProcessWithoutNullStreams[] = [];
after(() => children.forEach((c) => c.kill('SIGKILL')));

test('ports come from below the ephemeral range, each once, and can be listened on', async () => {
	const ports = await Promise.all(Array.from({ length: 20 }, () => reservePort()));
	assert.equal(new Set(ports).size, ports.length);
	for (const port of ports) assert.ok(port >= 1024 && port < 32768, String(port));
});

test("a port another live process holds is never handed out; a dead holder's claim is taken over", async () => {
	// Four ports of its own, below the range the rest of the suite draws from.
	const first = 10_000 + (process.pid % 1000) * 4;
	const span = `${first}-${first + 3}`;
	const a = holder(span, 2);
	const aPorts = await a.line;
	assert.ok(Array.isArray(aPorts) && aPorts.length === 2, JSON.stringify(aPorts));
	const b = holder(span, 2);
	const bPorts = await b.line;
	assert.ok(Array.isArray(bPorts), JSON.stringify(bPorts));
	assert.deepEqual([...aPorts, ...bPorts].sort(), [first, first + 1, first + 2, first + 3]);
	const c = holder(span, 1);
	assert.match(JSON.stringify(await c.line), /no free port left/);
	// Killed: its exit handler never runs, its claim files stay behind.
	a.child.kill('SIGKILL');
	await once(a.child, 'exit');
	const d = holder(span, 2);
	assert.deepEqual(((await d.line) as number[]).sort(), [...aPorts].sort());
	// Told to exit, the others give their claims back.
	await Promise.all(
		[b, c, d].map((h) => {
			h.child.stdin.write('\n');
			return once(h.child, 'exit');
		}),
	);
});
