import { startArgoApiServer } from './argocd/api-server.js';
import { createArgoInstance, type ArgoInstance, type RegisteredCluster } from './argocd/argocd-instance.js';
import { createManifestRenderer } from './argocd/render-manifests.js';
import type { ApplicationDefinition } from './argocd/types.js';
import type { Closer } from './closer-stack.js';
import type { GitRepo } from './git/git-repo.js';
import type { SimulatedCluster } from './kube/cluster-api.js';
import { createBearerToken, type SandboxEndpoint } from './sandbox-endpoint.js';
import type { SandboxLayout } from './sandbox-layout.js';
import type { SandboxClock } from './sandbox-clock.js';
import type { Scenario } from './scenario/scenario-schema.js';
import { startUnreachableServer } from './unreachable-server.js';

const DEFAULT_REPO_URL = 'https://git.example.com/platform/gitops.git';

/** `instance/app` for every app the scenario declares (the ones replayed and reconciled). */
export function scenarioAppKeys(scenario: Scenario | undefined): Set<string> {
  const instances = scenario?.argocd ?? [];
  return new Set(instances.flatMap((instance) => instance.apps.map((app) => `${instance.name}/${app.name}`)));
}

/**
 * The Application definitions per instance: the scenario's apps as declared, then the synthetic
 * fleet (auto-sync with prune, no self-heal), all pointing at the scenario's repo URL.
 */
export function applicationDefinitions(layout: SandboxLayout): Map<string, ApplicationDefinition[]> {
  const repoURL = layout.scenario?.git.repoURL ?? DEFAULT_REPO_URL;
  const perInstance = new Map<string, ApplicationDefinition[]>();
  for (const instance of layout.scenario?.argocd ?? []) {
    perInstance.set(
      instance.name,
      instance.apps.map((app) => ({
        name: app.name,
        project: app.project,
        ...(app.labels ? { labels: app.labels } : {}),
        source: {
          repoURL,
          path: app.path,
          targetRevision: app.targetRevision,
          ...(app.helm ? { helm: app.helm } : {}),
        },
        destination: { name: app.destination.cluster, namespace: app.destination.namespace },
        ...(app.syncPolicy ? { syncPolicy: app.syncPolicy } : {}),
      })),
    );
  }
  for (const app of layout.plan.apps) {
    const list = perInstance.get(app.instance) ?? [];
    list.push({
      name: app.name,
      project: 'platform',
      labels: { team: 'platform', synthetic: 'true' },
      source: { repoURL, path: app.path, targetRevision: 'HEAD' },
      destination: { name: app.cluster, namespace: app.namespace },
      syncPolicy: { automated: { prune: true, selfHeal: false } },
    });
    perInstance.set(app.instance, list);
  }
  return perInstance;
}

/**
 * One paused Argo CD instance per layout name over `repo`, sharing one manifest renderer. Each
 * registers the clusters its apps target (every cluster when it has no apps), and adds its apps
 * as created at `createdAt`. Background refreshes wait until the caller resumes each instance.
 */
export function createArgoInstances(input: {
  layout: SandboxLayout;
  repo: GitRepo;
  clusters: ReadonlyMap<string, SimulatedCluster>;
  /** Cluster name → the URL of its Kubernetes API server. */
  clusterUrls: ReadonlyMap<string, string>;
  clock: SandboxClock;
  createdAt: Date;
  onClose: (closer: Closer) => void;
}): Map<string, ArgoInstance> {
  const { layout } = input;
  const render = createManifestRenderer(input.repo);
  const definitionsPerInstance = applicationDefinitions(layout);
  const instances = new Map<string, ArgoInstance>();
  for (const name of layout.instanceNames) {
    const definitions = definitionsPerInstance.get(name) ?? [];
    const targeted = new Set(definitions.map((definition) => definition.destination.name ?? ''));
    const registered: RegisteredCluster[] = layout.clusterNames
      .filter((cluster) => targeted.has(cluster) || definitions.length === 0)
      .map((cluster) => ({
        name: cluster,
        server: input.clusterUrls.get(cluster) ?? '',
        cluster: input.clusters.get(cluster) as SimulatedCluster, // every layout cluster was created
        ...(layout.down.has(cluster) ? { isUnreachable: true } : {}),
      }));
    const instance = createArgoInstance({
      name,
      repo: input.repo,
      clusters: registered,
      now: () => input.clock.now(),
      render,
      isPaused: true,
    });
    input.onClose(() => instance.close());
    for (const definition of definitions) instance.addApplication(definition, input.createdAt);
    instances.set(name, instance);
  }
  return instances;
}

/** Compares the scenario's apps once at the present, then lets auto-sync and self-heal run. */
export async function reconcileAndResume(
  instances: ReadonlyMap<string, ArgoInstance>,
  scenarioApps: ReadonlySet<string>,
): Promise<void> {
  for (const instance of instances.values()) {
    for (const name of instance.names()) {
      if (scenarioApps.has(`${instance.name}/${name}`)) await instance.comparison(name);
    }
    instance.resume();
  }
}

/**
 * Starts one Argo CD API server (HTTP, own bearer token) per instance; an instance marked down
 * gets a server that accepts connections and never answers. Every server's closer goes to `onClose`.
 */
export async function startArgoServers(input: {
  instances: ReadonlyMap<string, ArgoInstance>;
  down: ReadonlySet<string>;
  latencyMs?: number;
  onClose: (closer: Closer) => void;
}): Promise<SandboxEndpoint[]> {
  const endpoints: SandboxEndpoint[] = [];
  for (const [name, instance] of input.instances) {
    const token = createBearerToken();
    if (input.down.has(name)) {
      const server = await startUnreachableServer();
      input.onClose(() => server.close());
      endpoints.push({ name, url: server.url('http'), token });
    } else {
      const server = await startArgoApiServer({
        instance,
        token,
        ...(input.latencyMs ? { latencyMs: input.latencyMs } : {}),
      });
      input.onClose(() => server.close());
      endpoints.push({ name, url: server.url, token });
    }
  }
  return endpoints;
}
