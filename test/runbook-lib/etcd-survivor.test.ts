// Which member etcd-multi-crash rebuilds the cluster around: a member with quorum first, else the running
// member with the newest data (store revision, then raft index, then raft term), whatever its ordinal.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newerFirst, pickSurvivor, type Progress } from '../../runbooks/lib/etcd-members.mjs';

const m = (
	ordinal: number,
	revision: number,
	raftIndex = 0,
	raftTerm = 0,
	healthy = false,
): Progress => ({
	ordinal,
	revision,
	raftIndex,
	raftTerm,
	healthy,
});

test('nobody answers: no survivor', () => {
	assert.equal(pickSurvivor([]), null);
});

test('the highest revision wins over a lower ordinal', () => {
	assert.equal(pickSurvivor([m(0, 40, 900), m(1, 41, 800)])?.ordinal, 1);
});

test('equal revisions: raft index, then raft term decide; a full tie keeps the lower ordinal', () => {
	assert.equal(pickSurvivor([m(0, 41, 800), m(2, 41, 801)])?.ordinal, 2);
	assert.equal(pickSurvivor([m(0, 41, 800, 5), m(1, 41, 800, 6)])?.ordinal, 1);
	assert.equal(pickSurvivor([m(2, 41, 800, 6), m(1, 41, 800, 6)])?.ordinal, 1);
});

test('a member with quorum is kept even when a member without quorum reports more', () => {
	// A member cut off from the majority may hold an uncommitted tail; the majority's state is the cluster's.
	assert.equal(
		pickSurvivor([m(0, 50, 990), m(1, 41, 900, 7, true), m(2, 41, 900, 7, true)])?.ordinal,
		1,
	);
});

test('newerFirst sorts the newest first and never mutates its input', () => {
	const list = [m(0, 1), m(1, 3), m(2, 2)];
	const sorted = [...list].sort(newerFirst).map((x) => x.ordinal);
	assert.deepEqual(sorted, [1, 2, 0]);
	pickSurvivor(list);
	assert.deepEqual(
		list.map((x) => x.ordinal),
		[0, 1, 2],
	);
});
