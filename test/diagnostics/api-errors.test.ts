import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { closedPort, healthz, httpServer, runRunbook, tcpServer } from './helpers.ts';
import { MERR_CATALOGUE, MERR_CONSTANTS } from './fixtures/merr-catalogue.ts';
import { LEGACY, MERR } from '../../runbooks/lib/error-codes.mjs';
import { SYMPTOM_IDS } from '../../runbooks/lib/symptoms.mjs';
import { ROOT } from '../../tools/support/paths.ts';

interface ApiReport {
	connectivity?: {
		grpc: { accepts: boolean; port: number };
		healthz: { ok: boolean; status: number | null; body: string };
	};
	error?: {
		code: number | null;
		name: string | null;
		generation: string | null;
		meanings: {
			code: number;
			name: string;
			meaning: string;
			next: string;
			retriable: boolean | null;
			page: string;
			symptom: string;
			topic: string | null;
		}[];
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
		'--grpc-port',
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
	const args = ['--grpc-port', String(p.grpc), '--health-port', String(p.health), '--lang', 'id'];
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
		'--grpc-port',
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
		'--grpc-port',
		String(closed),
		'--health-port',
		String(await closedPort()),
	]);
	assert.equal(human.code, 1);
	assert.match(human.stdout, /does not accept connections/);
});

test('an error that is another symptom goes to its page with exit 4; unknown text exits 1', async (t) => {
	const p = await proxy(t);
	const args = ['--json', '--grpc-port', String(p.grpc), '--health-port', String(p.health)];
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
		{ args: ['--grpc-port', 'abc'], line: /--grpc-port expects a number/ },
		{ args: ['--grpc-port', '0'], line: /--grpc-port must be a port/ },
		{ args: ['--health-port=70000'], line: /--health-port must be a port/ },
		// It never talks to a cluster, so it has no cluster flags.
		{ args: ['--context', 'prod'], line: /unknown flag --context/ },
		{ args: ['-n', 'milvus'], line: /unknown flag -n/ },
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

// The table's name for an errors.go identifier: without the Err prefix; the unexported catch-all keeps
// the name SDKs print for it.
const tableName = (goName: string) =>
	goName === 'errUnexpected' ? 'UnexpectedError' : goName.replace(/^Err/, '');

const TOPICS = [
	'write-denied',
	'channel-unavailable',
	'querynode-oom',
	'object-storage',
	'upgrade-2-6',
];

test('every code of the merr catalogue is in the table with its name, retriable flag and page', () => {
	const codes = new Set(MERR_CATALOGUE.map(([code]) => code));
	assert.equal(codes.size, MERR_CATALOGUE.length, 'the fixture repeats a code');
	for (const [code, goName, retriable] of MERR_CATALOGUE) {
		const info = MERR.get(code);
		assert.ok(info, `code ${code} (${goName}) is missing from MERR`);
		assert.equal(info.name, tableName(goName), `code ${code}`);
		assert.equal(info.retriable, retriable, `code ${code} (${goName}) retriable`);
	}
	for (const [code, constName] of MERR_CONSTANTS) {
		assert.ok(MERR.get(code), `${constName} ${code} is missing from MERR`);
		assert.equal(MERR.get(code)?.retriable, null, `${constName} carries no flag`);
	}
	const known = new Set([...codes, ...MERR_CONSTANTS.map(([code]) => code)]);
	const pages = new Set<string>(SYMPTOM_IDS);
	for (const info of MERR.values()) {
		assert.ok(known.has(info.code), `code ${info.code} is not in errors.go: the table invents it`);
		assert.ok(pages.has(info.page), `code ${info.code}: page ${info.page} is not a symptom`);
		if (info.topic !== null) {
			assert.ok(TOPICS.includes(info.topic), `code ${info.code}: topic ${info.topic}`);
			const expected = pages.has(info.topic) ? info.topic : 'api-errors';
			assert.equal(
				info.page,
				expected,
				`code ${info.code}: topic ${info.topic} → page ${expected}`,
			);
		}
		for (const t of [info.meaning, info.next])
			assert.ok(t.en.trim() && t.id.trim(), `code ${info.code} needs en and id`);
	}
	assert.equal(MERR.get(503)?.page, 'channel-unavailable');
	assert.equal(MERR.get(106)?.page, 'channel-unavailable');
	assert.equal(MERR.get(101)?.page, 'channel-unavailable');
	assert.equal(MERR.get(700)?.page, 'channel-unavailable');
	assert.equal(MERR.get(3001)?.page, 'upgrade-2-6');
	assert.equal(MERR.get(8)?.topic, 'write-denied');
	assert.equal(MERR.get(8)?.page, 'write-denied');
	assert.equal(LEGACY.get(53)?.page, 'write-denied');
	assert.equal(MERR.get(1)?.page, 'boot');
});

test('the legacy common.ErrorCode values stay', () => {
	const legacy: [number, string][] = [
		[0, 'Success'],
		[1, 'UnexpectedError'],
		[2, 'ConnectFailed'],
		[3, 'PermissionDenied'],
		[4, 'CollectionNotExists'],
		[5, 'IllegalArgument'],
		[25, 'IndexNotExist'],
		[45, 'NotShardLeader'],
		[46, 'NoReplicaAvailable'],
		[48, 'ForceDeny'],
		[49, 'RateLimit'],
		[53, 'MemoryQuotaExhausted'],
		[54, 'DiskQuotaExhausted'],
		[55, 'TimeTickLongDelay'],
	];
	for (const [code, name] of legacy) assert.equal(LEGACY.get(code)?.name, name, `legacy ${code}`);
	for (const info of LEGACY.values()) assert.equal(info.retriable, null, `legacy ${info.code}`);
});

test('code=503 is explained with its retriable flag and page; a retriable code says so', async (t) => {
	const text = await runRunbook(t, 'api-errors', [
		'--offline',
		'--error',
		'<MilvusException: (code=503, message=channel not available[channel=by-dev-rootcoord-dml_0_449v0])>',
	]);
	assert.equal(text.code, 4, 'the full message is the channel-unavailable symptom');
	assert.match(
		text.stdout + text.stderr,
		/not an API error but channel-unavailable: open \S*\/en\/channel-unavailable\//,
	);
	const r = await runRunbook(t, 'api-errors', ['--offline', '--error', 'code=503']);
	assert.equal(r.code, 0, r.stderr);
	assert.match(r.stdout, /code 503 \(ChannelNotAvailable\): channel not available/);
	assert.match(r.stdout, /retriable: no, retrying will not help/);
	assert.match(r.stdout, /page: \/en\/channel-unavailable\//);
	assert.doesNotMatch(r.stdout + r.stderr, /not in the table/);
	const json = await runRunbook(t, 'api-errors', ['--offline', '--json', '--error', 'code=503']);
	const m = report(json).error?.meanings[0];
	assert.equal(m?.retriable, false);
	assert.equal(m?.page, '/en/channel-unavailable/');
	assert.equal(m?.topic, null);
	const id = await runRunbook(t, 'api-errors', ['--offline', '--lang', 'id', '--error', 'code=8']);
	assert.equal(id.code, 0, id.stderr);
	assert.match(id.stdout, /retriable: ya, menurut server mencoba lagi bisa membantu/);
	assert.match(id.stdout, /halaman: \/id\/write-denied\//);
	const boot = await runRunbook(t, 'api-errors', ['--offline', '--json', '--error', 'code=3001']);
	assert.equal(report(boot).error?.meanings[0]?.page, '/en/upgrade-2-6/');
});

test('an unknown code gets a clear answer: not in the table, exit 1', async (t) => {
	const r = await runRunbook(t, 'api-errors', ['--offline', '--error', 'code=4242']);
	assert.equal(r.code, 1, r.stderr);
	assert.match(r.stdout + r.stderr, /code 4242 is not in the table of known codes/);
	assert.match(r.stdout + r.stderr, /not recognised/);
	const json = await runRunbook(t, 'api-errors', ['--offline', '--json', '--error', 'code=4242']);
	assert.equal(report(json).outcome, 'unknown');
	assert.deepEqual(report(json).error?.meanings, []);
});

test('the code table on the api-errors pages agrees with the module', () => {
	const flag = { en: { yes: true, no: false }, id: { ya: true, tidak: false } } as const;
	for (const lang of ['en', 'id'] as const) {
		const page = readFileSync(path.join(ROOT, 'src/content/docs', lang, 'api-errors.md'), 'utf8');
		const rows = page
			.split('\n')
			.filter((l) => /^\| \d/.test(l))
			.map((l) => l.split('|').map((c) => c.trim()));
		assert.ok(rows.length >= 15, `${lang}: the code table is there`);
		for (const [, codes = '', messages = '', , retriable = ''] of rows) {
			const cs = codes.split(' / ').map(Number);
			const ms = messages.split(' / ').map((x) => x.replace(/`/g, ''));
			assert.equal(cs.length, ms.length, `${lang}: ${codes}`);
			cs.forEach((code, i) => {
				const info = MERR.get(code);
				assert.ok(info, `${lang}: code ${code} on the page is not in MERR`);
				assert.ok(
					info.meaning.en.startsWith(ms[i] ?? '?'),
					`${lang}: code ${code} is "${ms[i]}" on the page, "${info.meaning.en}" in the module`,
				);
				const expected = (flag[lang] as Record<string, boolean>)[retriable] ?? null;
				if (expected === null) assert.equal(retriable, '—', `${lang}: code ${code}: ${retriable}`);
				assert.equal(info.retriable, expected, `${lang}: code ${code} retriable`);
			});
		}
	}
});
