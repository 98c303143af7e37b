import type { Places } from './planned-call.js';

/** The federated instance of `tool` that serves `cluster` (same name, or a name containing it). */
export function instanceFor(places: Places, tool: string, cluster: string | undefined): string | undefined {
  if (!cluster) return undefined;
  const instances = places.instancesOf(tool);
  if (instances.length === 0) return cluster;
  return (
    instances.find((instance) => instance === cluster) ??
    instances.find((instance) => instance.includes(cluster) || cluster.includes(instance))
  );
}

/** Maps an Argo CD destination (cluster name or server URL) to a Kubernetes instance of the gateway. */
export function clusterOfDestination(
  places: Places,
  destination: { name?: string; server?: string } | undefined,
): string | undefined {
  if (!destination) return undefined;
  const instances = places.instancesOf('describe_workload');
  const server = destination.server ?? '';
  return (
    instances.find((instance) => instance === destination.name) ??
    instances.find((instance) => server.includes(instance)) ??
    (instances.length === 1 ? instances[0] : undefined)
  );
}
