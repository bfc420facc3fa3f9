// The pure helpers the four etcd runbooks share (runbooks/lib/etcd-members.mjs), on etcdctl 3.4's own
// output: the stand-in's etcd prints exactly what a real cluster's does.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
	hexId,
	parseJsonBig,
	parseMemberList,
	podState,
	stsEnv,
} from '../../runbooks/lib/etcd-members.mjs';

describe('etcd-members', () => {
	it('keeps 64-bit ids exact where JSON.parse would round them', () => {
		const text =
			'[{"Endpoint":"127.0.0.1:2379","Status":{"header":{"cluster_id":17237436991929493444,"member_id":9372538179322589801,"revision":12},"leader":9372538179322589801}}]';
		assert.notEqual(BigInt(JSON.parse(text)[0].Status.header.cluster_id), 17237436991929493444n);
		const st = parseJsonBig(text)[0].Status;
		assert.equal(hexId(st.header.cluster_id), 'ef37ad9dc622a7c4');
		assert.equal(hexId(st.header.member_id), '8211f1d0f64f3269');
		assert.equal(st.header.revision, 12, 'short numbers stay numbers');
		assert.equal(hexId(undefined), '');
	});

	it('parses the simple member list, unstarted members included', () => {
		const list = parseMemberList(
			[
				'8211f1d0f64f3269, started, my-release-etcd-0, http://127.0.0.1:2380, http://127.0.0.1:2379, false',
				'91bc3c398fb3c146, unstarted, , http://127.0.0.1:2381, , false',
				'',
				'{"level":"warn","msg":"noise"}',
			].join('\n'),
		);
		assert.deepEqual(list, [
			{
				id: '8211f1d0f64f3269',
				started: true,
				name: 'my-release-etcd-0',
				peerURLs: ['http://127.0.0.1:2380'],
			},
			{ id: '91bc3c398fb3c146', started: false, name: '', peerURLs: ['http://127.0.0.1:2381'] },
		]);
	});

	it('tells a crash loop from a Pending pod and a Ready one', () => {
		const crash = podState({
			metadata: { name: 'my-release-etcd-2' },
			status: {
				phase: 'Running',
				containerStatuses: [
					{ ready: false, restartCount: 4, state: { waiting: { reason: 'CrashLoopBackOff' } } },
				],
			},
		});
		assert.deepEqual(
			[crash.ordinal, crash.crashing, crash.ready, crash.status],
			[2, true, false, 'CrashLoopBackOff'],
		);
		const pending = podState({
			metadata: { name: 'my-release-etcd-0' },
			status: { phase: 'Pending' },
		});
		assert.deepEqual(
			[pending.crashing, pending.ready, pending.scheduled, pending.status],
			[false, false, false, 'Pending'],
		);
		const starting = podState({
			metadata: { name: 'my-release-etcd-0' },
			spec: { nodeName: 'node-a' },
			status: { phase: 'Pending' },
		});
		assert.deepEqual([starting.scheduled, starting.status], [true, 'Pending']);
		const ready = podState({
			metadata: { name: 'my-release-etcd-1' },
			status: {
				phase: 'Running',
				containerStatuses: [{ ready: true, restartCount: 1, state: { running: {} } }],
			},
		});
		assert.deepEqual([ready.crashing, ready.ready, ready.running], [false, true, true]);
	});

	it('reads the StatefulSet env, a valueFrom variable as present but empty', () => {
		const env = stsEnv({
			spec: {
				template: {
					spec: {
						containers: [
							{
								env: [
									{ name: 'ETCD_INITIAL_CLUSTER_STATE', value: 'existing' },
									{ name: 'MY_POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
								],
							},
						],
					},
				},
			},
		});
		assert.deepEqual(env, { ETCD_INITIAL_CLUSTER_STATE: 'existing', MY_POD_IP: '' });
		assert.deepEqual(stsEnv(null), {});
	});
});
