// The crash cause decides whether etcd-all-crash may take its destructive path: causes that leave the data
// intact (out of memory, liveness kills, an empty member_id) must be told apart from unreadable data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DATA_INTACT, crashCause } from '../../runbooks/lib/etcd-crash-cause.mjs';

const pod = (terminated: Record<string, unknown> | null) => ({
	metadata: { name: 'my-release-etcd-0' },
	status: {
		phase: 'Running',
		containerStatuses: [
			{
				name: 'etcd',
				restartCount: 4,
				state: { waiting: { reason: 'CrashLoopBackOff' } },
				lastState: terminated ? { terminated } : {},
			},
		],
	},
});

test('only OOMKilled is memory; a bare exit 137 is SIGKILL and proves nothing', () => {
	const oom = crashCause({ pod: pod({ reason: 'OOMKilled', exitCode: 137 }) });
	assert.equal(oom.cause, 'oom');
	assert.match(oom.detail, /OOMKilled/);
	assert.ok(DATA_INTACT.has('oom'));
	const killed = crashCause({ pod: pod({ reason: 'Error', exitCode: 137 }) });
	assert.equal(killed.cause, 'unknown');
	assert.match(killed.detail, /exit 137: killed with SIGKILL, not by the OOM killer/);
	assert.ok(!DATA_INTACT.has(killed.cause));
});

test('a liveness kill shows as Error/137 with the probe event', () => {
	const ev = crashCause({
		pod: pod({ reason: 'Error', exitCode: 137 }),
		events: [
			{ reason: 'Unhealthy', message: 'Liveness probe failed: command timed out' },
			{ reason: 'Killing', message: 'Container etcd failed liveness probe, will be restarted' },
		],
	});
	assert.equal(ev.cause, 'liveness');
	assert.match(ev.detail, /Liveness probe failed/);
	assert.ok(DATA_INTACT.has('liveness'));
});

test('an empty member_id wins over the exit code', () => {
	const ev = crashCause({
		pod: pod({ reason: 'Error', exitCode: 128 }),
		logs: 'etcd 07:19:39.72 INFO  ==> Updating member in existing cluster\nError: bad member ID arg (strconv.ParseUint: parsing "": invalid syntax), expecting ID in Hex\n',
	});
	assert.equal(ev.cause, 'bad-member-id');
	assert.match(ev.detail, /^Error: bad member ID arg/);
});

test('unreadable data and a removed member are not intact-data causes', () => {
	const wal = crashCause({
		pod: pod({ reason: 'Error', exitCode: 2 }),
		logs: '{"level":"fatal","msg":"failed to open WAL","error":"walpb: crc mismatch"}\n',
	});
	assert.equal(wal.cause, 'data');
	assert.ok(!DATA_INTACT.has('data'));
	const panic = crashCause({
		pod: pod({ reason: 'Error', exitCode: 2 }),
		logs: 'panic: tocommit(9) is out of range [lastIndex(4)]. Was the raft log corrupted, truncated, or lost?\n',
	});
	assert.equal(panic.cause, 'data');
	const removed = crashCause({
		pod: pod({ reason: 'Error', exitCode: 1 }),
		logs: 'the member has been permanently removed from the cluster\n',
	});
	assert.equal(removed.cause, 'removed');
	assert.ok(!DATA_INTACT.has('removed'));
	assert.equal(crashCause({ pod: pod(null) }).cause, 'unknown');
	assert.equal(crashCause({ pod: pod({ reason: 'Error', exitCode: 1 }) }).cause, 'unknown');
});
