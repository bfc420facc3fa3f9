// The kubectl matrix (test/support/kubectl.ts): every etcd scenario runs with the newest versioned kubectl of
// the machine, and again here with the oldest.
process.env.MILVUS_RESCUE_KUBECTL = 'oldest';
export {};
await import('../etcd-all-crash/safety.test.ts');
