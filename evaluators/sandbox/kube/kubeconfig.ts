/**
 * A kubeconfig for the simulated clusters: one cluster, user and context per cluster (named
 * after it), bearer-token auth and the sandbox CA inlined as certificate-authority-data.
 */
import { stringify } from 'yaml';

/** One cluster entry of the kubeconfig. */
export interface KubeconfigCluster {
  name: string;
  url: string;
  token: string;
  caPem: string;
}

/** Renders the kubeconfig YAML; the current context defaults to the first cluster. */
export function renderKubeconfig(clusters: KubeconfigCluster[], currentContext?: string): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    clusters: clusters.map((c) => ({
      name: c.name,
      cluster: { server: c.url, 'certificate-authority-data': Buffer.from(c.caPem).toString('base64') },
    })),
    users: clusters.map((c) => ({ name: `${c.name}-admin`, user: { token: c.token } })),
    contexts: clusters.map((c) => ({
      name: c.name,
      context: { cluster: c.name, user: `${c.name}-admin`, namespace: 'default' },
    })),
    'current-context': currentContext ?? clusters[0]?.name ?? '',
  });
}
