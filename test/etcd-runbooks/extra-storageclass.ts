// The stand-in cluster starts with one StorageClass (`standard`). The StorageClass choice needs several with
// none default: this creates one more class, `fast`, through kubectl like a user would, whose provisioner
// serves nothing here.
import type { StandinCluster } from '../../tools/standin/index.mjs';

export const EXTRA_CLASS = 'fast';

/** Creates StorageClass `fast`; the cluster's env and kubectl reach it like every other object. */
export async function withExtraClass(
	c: StandinCluster,
): Promise<{ env: NodeJS.ProcessEnv; kubectl: string }> {
	const manifest = {
		apiVersion: 'storage.k8s.io/v1',
		kind: 'StorageClass',
		metadata: { name: EXTRA_CLASS },
		provisioner: 'example.com/fast',
		reclaimPolicy: 'Delete',
		volumeBindingMode: 'Immediate',
	};
	const r = await c.kubectl(['create', '-f', '-'], { input: JSON.stringify(manifest) });
	if (r.code !== 0) throw new Error(`kubectl create storageclass ${EXTRA_CLASS}: ${r.stderr}`);
	return { env: c.env, kubectl: 'kubectl' };
}
