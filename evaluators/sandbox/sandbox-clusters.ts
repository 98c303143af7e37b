import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Closer } from './closer-stack.js';
import { startKubeApiServer } from './kube/api-server.js';
import type { ImageBehaviour, KubeObject } from './kube/cluster-api.js';
import { createWorkerNodes } from './kube/default-objects.js';
import { renderKubeconfig } from './kube/kubeconfig.js';
import { createSimulatedCluster, type LoadableSimulatedCluster } from './kube/simulated-cluster.js';
import { createTlsMaterial, type TlsMaterial } from './kube/tls.js';
import type { SandboxClock } from './sandbox-clock.js';
import { createBearerToken, type SandboxEndpoint } from './sandbox-endpoint.js';
import type { SandboxLayout } from './sandbox-layout.js';
import { scenarioObjects } from './scenario/scenario-objects.js';
import { podsPerCluster } from './synthetic-estate.js';
import { startUnreachableServer } from './unreachable-server.js';

/** Pods one synthetic worker node takes. */
const PODS_PER_NODE = 250;

/** Worker nodes for a synthetic cluster: room for its pods plus a fifth, and at least three. */
function syntheticNodes(cluster: string, pods: number): KubeObject[] {
  const count = Math.max(3, Math.ceil((pods * 1.2) / PODS_PER_NODE));
  return createWorkerNodes(cluster, count, { cpu: 32, memoryGiB: 128, pods: PODS_PER_NODE });
}

/**
 * One simulated cluster per layout name, reading time from `clock`. A scenario cluster gets its
 * declared nodes and objects (times relative to `start`); a synthetic one gets nodes for its pods.
 */
export function createSandboxClusters(
  layout: SandboxLayout,
  clock: SandboxClock,
  start: Date,
): Map<string, LoadableSimulatedCluster> {
  const { scenario, plan } = layout;
  const images: ImageBehaviour[] = [...(scenario?.images ?? []), ...plan.images];
  const syntheticPods = podsPerCluster(plan);
  const clusters = new Map<string, LoadableSimulatedCluster>();
  for (const name of layout.clusterNames) {
    const declared = scenario?.clusters.find((cluster) => cluster.name === name);
    const pods = syntheticPods.get(name);
    const nodes = declared?.nodes ?? (pods === undefined ? undefined : syntheticNodes(name, pods));
    const cluster = createSimulatedCluster({
      name,
      images,
      now: () => clock.now(),
      ...(nodes ? { nodes: nodes as KubeObject[] } : {}),
    });
    clusters.set(name, cluster);
    if (scenario) cluster.load(scenarioObjects(scenario, name, start));
  }
  return clusters;
}

/** One CA and serving certificate per process: generating RSA keys costs ~0.4 s per sandbox. */
let tlsMaterial: Promise<TlsMaterial> | undefined;

/** The process-wide TLS material, created in `dir` on first use (and again after a failure). */
export function sharedTlsMaterial(dir: string): Promise<TlsMaterial> {
  tlsMaterial ??= createTlsMaterial(dir);
  tlsMaterial.catch(() => (tlsMaterial = undefined));
  return tlsMaterial;
}

/** What `startClusterServers` started. */
export interface ClusterServers {
  /** One endpoint per cluster, in layout order. */
  endpoints: SandboxEndpoint[];
  /** The CA every endpoint's certificate chains to (for the kubeconfig). */
  caPem: string;
}

/**
 * Starts one HTTPS Kubernetes API server per cluster, each with its own bearer token; a cluster
 * marked down gets a server that accepts connections and never answers. Every server's closer
 * goes to `onClose`.
 */
export async function startClusterServers(input: {
  layout: SandboxLayout;
  clusters: ReadonlyMap<string, LoadableSimulatedCluster>;
  tlsDir: string;
  latencyMs?: number;
  onClose: (closer: Closer) => void;
}): Promise<ClusterServers> {
  const tls = await sharedTlsMaterial(input.tlsDir);
  const endpoints: SandboxEndpoint[] = [];
  for (const name of input.layout.clusterNames) {
    const cluster = input.clusters.get(name);
    if (!cluster) continue;
    const token = createBearerToken();
    if (input.layout.down.has(name)) {
      const server = await startUnreachableServer();
      input.onClose(() => server.close());
      endpoints.push({ name, url: server.url('https'), token });
    } else {
      const server = await startKubeApiServer({
        cluster,
        token,
        tls: { certPem: tls.certPem, keyPem: tls.keyPem },
        ...(input.latencyMs ? { latencyMs: input.latencyMs } : {}),
      });
      input.onClose(() => server.close());
      endpoints.push({ name, url: server.url, token });
    }
  }
  return { endpoints, caPem: tls.caPem };
}

/** Writes a kubeconfig (mode 0600) with one context per endpoint, the first one current. */
export async function writeSandboxKubeconfig(workDir: string, servers: ClusterServers): Promise<string> {
  const path = join(workDir, 'kubeconfig');
  const clusters = servers.endpoints.map((endpoint) => ({ ...endpoint, caPem: servers.caPem }));
  await writeFile(path, renderKubeconfig(clusters, servers.endpoints[0]?.name), { mode: 0o600 });
  await chmod(path, 0o600);
  return path;
}
