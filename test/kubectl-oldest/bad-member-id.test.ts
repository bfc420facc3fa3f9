// The kubectl matrix: this scenario runs again with the oldest versioned kubectl of the machine
// (test/support/kubectl.ts); every scenario runs with the newest.
process.env.MILVUS_RESCUE_KUBECTL = 'oldest';
export {};
await import('../etcd-runbooks/bad-member-id.test.ts');
