import type { ArgoInstance } from './argocd/argocd-instance.js';
import type { KubeObject } from './kube/cluster-api.js';
import type { LoadableSimulatedCluster } from './kube/simulated-cluster.js';
import type { SandboxClock } from './sandbox-clock.js';
import type { SyntheticEstatePlan } from './synthetic-estate.js';

/**
 * Marks every synthetic app as deployed from `revision` a minute after `committedAt` (the clock is
 * pinned there) and bulk-loads the resulting objects, with their namespaces, into each cluster:
 * replaying thousands of apps through sync would take far longer and show nothing new.
 */
export async function adoptSyntheticEstate(input: {
  plan: SyntheticEstatePlan;
  revision: string;
  committedAt: Date;
  instances: ReadonlyMap<string, ArgoInstance>;
  clusters: ReadonlyMap<string, LoadableSimulatedCluster>;
  clock: SandboxClock;
}): Promise<void> {
  const deployedAt = new Date(input.committedAt.getTime() + 60_000);
  input.clock.pin(deployedAt);
  const perCluster = new Map<string, KubeObject[]>();
  for (const app of input.plan.apps) {
    const objects = await input.instances.get(app.instance)?.adoptDeployment(app.name, input.revision, deployedAt);
    const namespace: KubeObject = {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: app.namespace, labels: { 'kubernetes.io/metadata.name': app.namespace } },
    };
    const list = perCluster.get(app.cluster) ?? [];
    list.push(namespace, ...(objects ?? []));
    perCluster.set(app.cluster, list);
  }
  for (const [name, objects] of perCluster) input.clusters.get(name)?.load(objects);
}
