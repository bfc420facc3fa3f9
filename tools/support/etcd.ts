// Starts a real etcd (Debian's /usr/bin/etcd) for the tests and the bench, on ports picked at run time, and
// writes Milvus-like data into it through the HTTP gateway in transactions.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, open } from 'node:fs/promises';
import path from 'node:path';
import { freePort } from './port.ts';
import { etcdHttp, type EtcdHttp } from '../../runbooks/lib/etcd-http.mjs';

export const ETCD_BIN = process.env.ETCD_BIN ?? '/usr/bin/etcd';
export const ETCDCTL_BIN = process.env.ETCDCTL_BIN ?? '/usr/bin/etcdctl';

export interface Etcd {
	endpoint: string;
	dataDir: string;
	dbFile: string;
	client: EtcdHttp;
	child: ChildProcess;
	/** SIGKILL the whole process group and wait for it to be gone. */
	kill9(): Promise<void>;
}

export interface After {
	after(fn: () => unknown): void;
}

/** Starts a single-member etcd with its own data dir inside `dir`; killed when the test ends. */
export async function startEtcd(
	cleanup: After,
	dir: string,
	name = 'default',
	extra: string[] = [],
): Promise<Etcd> {
	const dataDir = path.join(dir, `${name}.etcd`);
	await mkdir(dir, { recursive: true });
	const clientPort = await freePort();
	const peerPort = await freePort();
	const endpoint = `http://127.0.0.1:${clientPort}`;
	const peer = `http://127.0.0.1:${peerPort}`;
	const log = await open(path.join(dir, `${name}.log`), 'a');
	const child = spawn(
		ETCD_BIN,
		[
			'--name',
			name,
			'--data-dir',
			dataDir,
			'--listen-client-urls',
			endpoint,
			'--advertise-client-urls',
			endpoint,
			'--listen-peer-urls',
			peer,
			'--initial-advertise-peer-urls',
			peer,
			'--initial-cluster',
			`${name}=${peer}`,
			'--initial-cluster-state',
			'new',
			'--initial-cluster-token',
			`t-${clientPort}`,
			...extra,
		],
		{ detached: true, stdio: ['ignore', log.fd, log.fd] },
	);
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	const kill9 = async () => {
		if (child.exitCode === null && child.signalCode === null && child.pid) {
			try {
				process.kill(-child.pid, 'SIGKILL');
			} catch {
				// already gone
			}
			await exited;
		}
	};
	cleanup.after(async () => {
		await kill9();
		await log.close();
	});
	const client = etcdHttp(endpoint, { timeoutMs: 10_000 });
	for (let i = 0; ; i++) {
		if (child.exitCode !== null)
			throw new Error(`etcd exited early (code ${child.exitCode}); see ${dir}/${name}.log`);
		if (await client.healthy()) break;
		if (i > 300) throw new Error('etcd did not become healthy in 30 s');
		await new Promise((r) => setTimeout(r, 100));
	}
	return {
		endpoint,
		dataDir,
		dbFile: path.join(dataDir, 'member', 'snap', 'db'),
		client,
		child,
		kill9,
	};
}

/** Deterministic pseudo-random bytes (xorshift), so a failing case can be reproduced. */
export function prng(seed: number): (n: number) => Buffer {
	let s = seed >>> 0 || 1;
	return (n: number) => {
		const b = Buffer.alloc(n);
		for (let i = 0; i < n; i++) {
			s ^= s << 13;
			s >>>= 0;
			s ^= s >>> 17;
			s ^= s << 5;
			s >>>= 0;
			b[i] = s & 0xff;
		}
		return b;
	};
}

export interface MilvusData {
	/** Non-leased keys written (after overwrites and deletes): what a backup must bring back. */
	persistent: number;
	/** Leased session keys written. */
	sessions: number;
}

/**
 * Writes `n` Milvus-like keys under `root`: collections, segments (binary values), the tso and id allocator,
 * the ServerID counter, leased session keys; then overwrites some, deletes some and compacts.
 */
export async function writeMilvusKeys(
	client: EtcdHttp,
	n: number,
	opts: { root?: string; seed?: number; valueSize?: number; compact?: boolean } = {},
): Promise<void> {
	const root = opts.root ?? 'by-dev';
	const rnd = prng(opts.seed ?? 7);
	const size = opts.valueSize ?? 64;
	const ops: Array<{ key: Buffer; value: Buffer; lease?: bigint }> = [];
	for (let i = 0; i < n; i++) {
		const coll = 440000000000000000n + BigInt(i % 97);
		let key: string;
		let value: Buffer;
		switch (i % 5) {
			case 0:
				key = `${root}/meta/root-coord/database/collection-info/1/${coll}`;
				value = Buffer.from(JSON.stringify({ id: String(coll), name: `c_${i}`, fields: i % 13 }));
				key += `/${i}`;
				break;
			case 1:
				key = `${root}/meta/datacoord-meta/s/${coll}/${coll + 1n}/${450000000000000000n + BigInt(i)}`;
				value = rnd(size + (i % 50)); // protobuf in real life: arbitrary bytes, zeros included
				break;
			case 2:
				key = `${root}/meta/datacoord-meta/binlog/${coll}/${i}`;
				value = Buffer.concat([Buffer.from([0, 0xff, 0x0a]), rnd(size)]);
				break;
			case 3:
				key = `${root}/meta/field-index/${coll}/${i}`;
				value = Buffer.from(`index-${i}-${'x'.repeat(i % 40)}`);
				break;
			default:
				key = `${root}/meta/snapshots/root-coord/collection/${coll}_ts${449000000000000000n + BigInt(i)}`;
				value = rnd(8 + (i % 200));
		}
		ops.push({ key: Buffer.from(key), value });
	}
	ops.push({ key: Buffer.from(`${root}/kv/tso/timestamp`), value: rnd(8) });
	ops.push({ key: Buffer.from(`${root}/kv/gid/idTimestamp`), value: rnd(8) });
	ops.push({ key: Buffer.from(`${root}/meta/session/id`), value: Buffer.from('1') });
	await client.txnBatches(ops);
	// History: overwrites of every 7th key, and the counters moving on.
	const over = ops
		.filter((_, i) => i % 7 === 0)
		.map((o) => ({ key: o.key, value: Buffer.concat([o.value, Buffer.from('-v2')]) }));
	await client.txnBatches(over);
	await client.put(`${root}/meta/session/id`, '42');
	await client.put(`${root}/kv/tso/timestamp`, rnd(8));
	// Deletes: every 11th key (tombstones), one of them put back afterwards.
	const dels = ops.filter((_, i) => i % 11 === 3 && i < n).map((o) => ({ key: o.key, del: true }));
	await client.txnBatches(dels);
	if (dels[0]) await client.put(dels[0].key, 'came-back');
	// Leased session keys, as every Milvus node writes them.
	const lease = await client.grantLease(600);
	const sessions = [
		'rootcoord',
		'datacoord',
		'querycoord',
		'proxy-7',
		'querynode-8',
		'datanode-9',
		'indexnode-10',
	];
	await client.txnBatches(
		sessions.map((s, i) => ({
			key: Buffer.from(`${root}/meta/session/${s}`),
			value: Buffer.from(
				JSON.stringify({
					ServerID: i + 1,
					ServerName: s,
					Address: `10.0.0.${i}:19530`,
					LeaseID: String(lease),
				}),
			),
			lease,
		})),
	);
	// A key outside Milvus's root, to show the selection keeps the rest of the keyspace.
	await client.put('other-app/config', 'keep-me');
	if (opts.compact !== false) {
		const { revision } = await client.range({ key: Buffer.from('x') });
		await client.call('/v3/kv/compaction', { revision: String(revision - 5n), physical: true });
		// A few more writes after the compaction, so rows above and below the compact revision both exist.
		await client.put(`${root}/kv/gid/idTimestamp`, rnd(8));
		await client.put(`${root}/meta/root-coord/database/db-info/1`, '{"name":"default"}');
	}
}

export interface CliResult {
	code: number | null;
	stdout: string;
	stderr: string;
}

/** Runs a command to completion with stdin closed (so never a TTY), capturing its output. */
export function runCli(
	cmd: string,
	args: readonly string[],
	opts: { env?: NodeJS.ProcessEnv; cwd?: string; input?: string; timeoutMs?: number } = {},
): Promise<CliResult> {
	return new Promise((resolve, reject) => {
		const child = spawn(cmd, args, {
			env: opts.env ?? process.env,
			cwd: opts.cwd,
			stdio: ['pipe', 'pipe', 'pipe'],
			detached: true,
		});
		let stdout = '';
		let stderr = '';
		child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
		child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
		child.stdin!.end(opts.input ?? '');
		const timer = setTimeout(() => {
			try {
				process.kill(-child.pid!, 'SIGKILL');
			} catch {
				// gone already
			}
		}, opts.timeoutMs ?? 120_000);
		child.on('error', reject);
		child.on('close', (code) => {
			clearTimeout(timer);
			// The runbook's own children (kubectl port-forward) must not outlive it.
			try {
				process.kill(-child.pid!, 'SIGKILL');
			} catch {
				// nothing left
			}
			resolve({ code, stdout, stderr });
		});
	});
}

export interface Member {
	name: string;
	endpoint: string;
	dataDir: string;
	dbFile: string;
	walDir: string;
	kill9(): Promise<void>;
}

/**
 * Starts an etcd cluster of `n` members on 127.0.0.1 (each its own process group and data dir inside `dir`),
 * waits until every member answers /health, and kills them when the test ends.
 */
export async function startCluster(cleanup: After, dir: string, n: number): Promise<Member[]> {
	await mkdir(dir, { recursive: true });
	const ports = [];
	for (let i = 0; i < n; i++) ports.push({ client: await freePort(), peer: await freePort() });
	const names = ports.map((_, i) => `m${i}`);
	const initial = ports.map((p, i) => `${names[i]}=http://127.0.0.1:${p.peer}`).join(',');
	const members: Member[] = [];
	for (let i = 0; i < n; i++) {
		const name = names[i]!;
		const { client, peer } = ports[i]!;
		const endpoint = `http://127.0.0.1:${client}`;
		const dataDir = path.join(dir, `${name}.etcd`);
		const log = await open(path.join(dir, `${name}.log`), 'a');
		const child = spawn(
			ETCD_BIN,
			[
				'--name',
				name,
				'--data-dir',
				dataDir,
				'--listen-client-urls',
				endpoint,
				'--advertise-client-urls',
				endpoint,
				'--listen-peer-urls',
				`http://127.0.0.1:${peer}`,
				'--initial-advertise-peer-urls',
				`http://127.0.0.1:${peer}`,
				'--initial-cluster',
				initial,
				'--initial-cluster-state',
				'new',
				'--initial-cluster-token',
				`c-${ports[0]!.client}`,
			],
			{ detached: true, stdio: ['ignore', log.fd, log.fd] },
		);
		const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
		const kill9 = async () => {
			if (child.exitCode === null && child.signalCode === null && child.pid) {
				try {
					process.kill(-child.pid, 'SIGKILL');
				} catch {
					// already gone
				}
				await exited;
			}
		};
		cleanup.after(async () => {
			await kill9();
			await log.close();
		});
		members.push({
			name,
			endpoint,
			dataDir,
			dbFile: path.join(dataDir, 'member', 'snap', 'db'),
			walDir: path.join(dataDir, 'member', 'wal'),
			kill9,
		});
	}
	for (const m of members) {
		const client = etcdHttp(m.endpoint, { timeoutMs: 5_000 });
		for (let i = 0; ; i++) {
			if (await client.healthy()) break;
			if (i > 600) throw new Error(`etcd ${m.name} did not become healthy in 60 s; see ${dir}`);
			await new Promise((r) => setTimeout(r, 100));
		}
	}
	return members;
}

const CLIENTS = 4;
const KEYS_PER_CLIENT = 40;

/** What one key may hold after the crash: the last acknowledged state, or a later one still in flight. */
export interface KeyFate {
	acked: string | null | undefined; // undefined: never acknowledged; null: acknowledged delete
	inFlight: Array<string | null>; // sent after the last ack and never answered
}

/**
 * Each client owns its keys and writes them one request at a time (puts, overwrites, deletes) until `stop`,
 * so the order of a key's writes is the order they were acknowledged.
 */
export async function writeUntilKilled(endpoints: string[], stop: Promise<void>, seed: number) {
	const fates = new Map<string, KeyFate>();
	let stopped = false;
	void stop.then(() => (stopped = true));
	let acked = 0;
	const rnd = prng(seed);
	const client = async (c: number) => {
		const http = etcdHttp(endpoints[c % endpoints.length]!, { timeoutMs: 3_000 });
		for (let j = 0; !stopped; j++) {
			const k = (rnd(1)[0]! * 7 + j) % KEYS_PER_CLIENT;
			const key = `wal-test/c${c}/k${k}`;
			const fate = fates.get(key) ?? { acked: undefined, inFlight: [] };
			fates.set(key, fate);
			const del = j % 9 === 4 && fate.acked !== undefined;
			const value = del ? null : `v${j}-${rnd(4).toString('hex')}`;
			fate.inFlight.push(value);
			try {
				if (value === null) await http.deleteRange(key);
				else await http.put(key, value);
			} catch {
				return; // killed: this request may or may not have been applied
			}
			fate.acked = value;
			fate.inFlight = [];
			acked++;
		}
	};
	await Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c)));
	return { fates, acked: () => acked };
}

/** Checks one key space against the fates; returns the number of acknowledged writes missing. */
export function checkFates(
	kvs: Array<{ key: Buffer; value: Buffer }>,
	fates: Map<string, KeyFate>,
	label: string,
) {
	const got = new Map<string, string>();
	for (const kv of kvs) {
		const k = kv.key.toString();
		if (!k.startsWith('wal-test/')) continue;
		got.set(k, kv.value.toString());
		assert.ok(fates.has(k), `${label}: key ${k} was never written`);
	}
	let missing = 0;
	for (const [key, fate] of fates) {
		const v = got.get(key) ?? null;
		const allowed = [fate.acked === undefined ? null : fate.acked, ...fate.inFlight];
		if (!allowed.includes(v)) missing++;
	}
	return missing;
}
