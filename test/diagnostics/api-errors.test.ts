import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closedPort, healthz, httpServer, runRunbook, tcpServer } from './helpers.ts';

interface ApiReport {
	connectivity?: {
		grpc: { accepts: boolean; port: number };
		healthz: { ok: boolean; status: number | null; body: string };
	};
	error?: {
		code: number | null;
		name: string | null;
		generation: string | null;
		meanings: { code: number; name: string; meaning: string; next: string }[];
		matches: { symptom: string; signature: string }[];
		symptom: string | null;
		page: string | null;
	};
	outcome: string | null;
	exitCode: number;
}

const report = (r: { json(): Record<string, unknown> }) => r.json() as unknown as ApiReport;

async function proxy(t: Parameters<typeof tcpServer>[0], status = 200, body = 'OK') {
	return { grpc: await tcpServer(t), health: await httpServer(t, healthz(status, body)) };
}

test('proxy reachable and a 2.3+ code explained with the next step: exit 0', async (t) => {
	const p = await proxy(t);
	const r = await runRunbook(t, 'api-errors', [
		'--json',
		'--port',
		String(p.grpc),
		'--health-port',
		String(p.health),
		'--error',
		'pymilvus.exceptions.MilvusException: <MilvusException: (code=101, message=collection not loaded[collection=449888229865560632])>',
	]);
	assert.equal(r.code, 0, r.stderr);
	const rep = report(r);
	assert.equal(rep.connectivity?.grpc.accepts, true);
	assert.equal(rep.connectivity?.healthz.ok, true);
	assert.equal(rep.error?.code, 101);
	assert.equal(rep.error?.generation, '2.3+');
	assert.equal(rep.error?.meanings[0]?.name, 'CollectionNotLoaded');
	assert.match(rep.error?.meanings[0]?.next ?? '', /load_collection/);
	assert.equal(rep.error?.page, '/en/api-errors/');
	assert.equal(rep.outcome, 'explained');
});

test('the page example `--error "collection not loaded"` and a bare code, in Indonesian', async (t) => {
	const p = await proxy(t);
	const args = ['--port', String(p.grpc), '--health-port', String(p.health), '--lang', 'id'];
	const text = await runRunbook(t, 'api-errors', [...args, '--error', 'collection not loaded']);
	assert.equal(text.code, 0, text.stderr);
	assert.match(text.stdout, /collection-not-loaded/);
	assert.match(text.stdout, /Sudah dijelaskan/);
	const code = await runRunbook(t, 'api-errors', [...args, '--error', '1100']);
	assert.equal(code.code, 0, code.stderr);
	assert.match(code.stdout, /code 1100 \(ParameterInvalid\): parameter tidak valid/);
	assert.match(code.stdout, /code 100 ke atas berasal dari Milvus 2\.3/);
});

test('legacy error_code names and the ambiguous low codes', async (t) => {
	const explainOffline = async (error: string) => {
		const r = await runRunbook(t, 'api-errors', ['--json', '--offline', '--error', error]);
		assert.equal(r.code, 0, r.stderr);
		return report(r);
	};
	const legacy = await explainOffline(
		"{ error_code: 'IllegalArgument', reason: 'invalid index type: IVF_FLAT2' }",
	);
	assert.equal(legacy.error?.generation, 'legacy');
	assert.equal(legacy.error?.code, 5);
	assert.equal(legacy.connectivity, undefined, '--offline contacts nothing');
	const either = await explainOffline(
		'(code=1, message=collection docs has not been loaded to memory or load failed)',
	);
	assert.equal(either.error?.generation, 'either');
	assert.deepEqual(
		either.error?.meanings.map((m) => m.name),
		['ServiceNotReady', 'UnexpectedError'],
	);
	assert.ok(
		either.error?.matches.some((m) => m.signature === 'collection-not-loaded'),
		'the message settles what code 1 meant',
	);
});

test('proxy down or unhealthy: exit 1 and the boot runbook named', async (t) => {
	const closed = await closedPort();
	const sick = await httpServer(t, healthz(500, 'Not all components are healthy, 2/3'));
	const r = await runRunbook(t, 'api-errors', [
		'--json',
		'--port',
		String(closed),
		'--health-port',
		String(sick),
	]);
	assert.equal(r.code, 1, r.stderr);
	const rep = report(r);
	assert.equal(rep.connectivity?.grpc.accepts, false);
	assert.equal(rep.connectivity?.healthz.status, 500);
	assert.match(r.stderr, /npx zx runbooks\/boot\.mjs/);
	const human = await runRunbook(t, 'api-errors', [
		'--port',
		String(closed),
		'--health-port',
		String(await closedPort()),
	]);
	assert.equal(human.code, 1);
	assert.match(human.stdout, /does not accept connections/);
});

test('an error that is another symptom goes to its page with exit 4; unknown text exits 1', async (t) => {
	const p = await proxy(t);
	const args = ['--json', '--port', String(p.grpc), '--health-port', String(p.health)];
	const compat = await runRunbook(t, 'api-errors', [
		...args,
		'--error',
		'<MilvusException: (code=1, message=this version of sdk is incompatible with server, please downgrade your sdk or upgrade your server)>',
	]);
	assert.equal(compat.code, 4, compat.stderr);
	assert.equal(report(compat).error?.symptom, 'runtime-compat');
	assert.equal(report(compat).error?.page, '/en/runtime-compat/');
	const unknown = await runRunbook(t, 'api-errors', [
		...args,
		'--error',
		'something nobody has ever printed',
	]);
	assert.equal(unknown.code, 1, unknown.stderr);
	assert.equal(report(unknown).outcome, 'unknown');
});

test('bad input: one line, exit 2', async (t) => {
	const cases: { args: string[]; line: RegExp }[] = [
		{ args: ['--port', 'abc'], line: /--port expects a number/ },
		{ args: ['--port', '0'], line: /--port must be a port/ },
		{ args: ['--offline'], line: /--offline only explains an error/ },
		{ args: ['--error'], line: /--error needs a value/ },
		{ args: ['--whatever'], line: /unknown flag --whatever/ },
	];
	for (const c of cases) {
		const r = await runRunbook(t, 'api-errors', c.args);
		assert.equal(r.code, 2, `${c.args.join(' ')}: ${r.stderr}`);
		const errs = r.stderr.trim().split('\n');
		assert.equal(errs.length, 1, r.stderr);
		assert.match(errs[0] ?? '', c.line);
	}
	const d = await runRunbook(t, 'api-errors', ['--describe', '--lang', 'id']);
	assert.equal(d.code, 0);
	const codes = d.json().exitCodes as { code: number; meaning: string }[];
	assert.match(codes.find((c) => c.code === 0)?.meaning ?? '', /^proxy sehat/);
});
