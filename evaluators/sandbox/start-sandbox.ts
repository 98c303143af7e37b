import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startArgoApiServer } from './argocd/api-server.js';
import { createArgoInstance, type ArgoInstance, type RegisteredCluster } from './argocd/argocd-instance.js';
import { createManifestRenderer } from './argocd/render-manifests.js';
import type { ApplicationDefinition } from './argocd/types.js';
import { createGitRepo, type GitCommitSpec, type GitRepo } from './git/git-repo.js';
import { startKubeApiServer } from './kube/api-server.js';
import type { ImageBehaviour, KubeObject, SimulatedCluster } from './kube/cluster-api.js';
import { createWorkerNodes } from './kube/default-objects.js';
import { renderKubeconfig } from './kube/kubeconfig.js';
import { createSimulatedCluster } from './kube/simulated-cluster.js';
import { createTlsMaterial } from './kube/tls.js';
import { replayHistory, type ReplayCommit } from './replay-history.js';
import { createSandboxClock, resolveScenarioTime, type SandboxClock } from './sandbox-clock.js';
import { scenarioObjects, applyScenarioChanges } from './scenario/scenario-objects.js';
import type { Scenario } from './scenario/scenario-schema.js';
import { planSyntheticEstate, podsPerCluster, type ScaleOptions } from './synthetic-estate.js';
import { startUnreachableServer } from './unreachable-server.js';

export interface StartSandboxOptions extends ScaleOptions {
  scenario?: Scenario;
  /** Delay added to every Kubernetes and Argo CD API response. */
  latencyMs?: number;
  /** Argo CD instances or clusters that accept connections but never answer. */
  down?: string[];
  /** Directory for the git repo and kubeconfig (default: a new temp dir, removed on close). */
  workDir?: string;
  /** The clock (default: real time). Scenario times like `-35m` are relative to its start. */
  now?: () => Date;
}

/** A started endpoint: name, URL and the bearer token it checks. */
export interface SandboxEndpoint {
  name: string;
  url: string;
  token: string;
}

/** Everything `startSandbox` started; close() stops it all and removes the temp dir. */
export interface RunningSandbox {
  kubeconfigPath: string;
  clusters: SandboxEndpoint[];
  argocd: SandboxEndpoint[];
  gitPath: string;
  workDir: string;
  scenario?: { name: string; question: string };
  simulatedClusters: Map<string, SimulatedCluster>;
  argocdInstances: Map<string, ArgoInstance>;
  repo: GitRepo;
  clock: SandboxClock;
  close(): Promise<void>;
}

const DEFAULT_REPO_URL = 'https://git.example.com/platform/gitops.git';

/** One CA and serving certificate per process: generating RSA keys costs ~0.4 s per sandbox. */
let tlsMaterial: ReturnType<typeof createTlsMaterial> | undefined;

function sharedTlsMaterial(dir: string): ReturnType<typeof createTlsMaterial> {
  tlsMaterial ??= createTlsMaterial(dir);
  tlsMaterial.catch(() => (tlsMaterial = undefined));
  return tlsMaterial;
}

function token(): string {
  return randomBytes(24).toString('base64url');
}

function syntheticNodes(cluster: string, pods: number): KubeObject[] {
  const perNode = 250;
  return createWorkerNodes(cluster, Math.max(3, Math.ceil((pods * 1.2) / perNode)), { cpu: 32, memoryGiB: 128, pods: perNode });
}

/**
 * Starts a sandbox estate on loopback: simulated clusters behind fake Kubernetes API servers
 * (HTTPS, one kubeconfig context each), fake Argo CD instances (HTTP, own tokens) over a real git
 * repo, the scenario's history replayed through Argo CD, and an optional synthetic healthy estate.
 */
export async function startSandbox(options: StartSandboxOptions = {}): Promise<RunningSandbox> {
  const clock = createSandboxClock(options.now);
  const start = clock.now();
  const isOwnDir = options.workDir === undefined;
  const workDir = options.workDir ?? (await mkdtemp(join(tmpdir(), 'sre-bot-sandbox-')));
  await mkdir(workDir, { recursive: true });
  const closers: Array<() => Promise<void> | void> = [];
  const close = async (): Promise<void> => {
    for (const closer of closers.reverse()) await closer();
    closers.length = 0;
    if (isOwnDir) await rm(workDir, { recursive: true, force: true });
  };

  try {
    const scenario = options.scenario;
    const scenarioClusters = scenario?.clusters ?? [];
    const scenarioInstances = scenario?.argocd ?? [];
    const plan = planSyntheticEstate(options, scenarioClusters.map((cluster) => cluster.name), scenarioInstances.map((instance) => instance.name));
    const clusterNames = [...scenarioClusters.map((cluster) => cluster.name), ...plan.clusters];
    const instanceNames = [...scenarioInstances.map((instance) => instance.name), ...plan.instances];
    if (clusterNames.length === 0) clusterNames.push('cluster-1');
    if (instanceNames.length === 0) instanceNames.push('argocd-1');
    const down = new Set(options.down ?? []);
    for (const name of down) {
      if (!clusterNames.includes(name) && !instanceNames.includes(name)) {
        throw new Error(`--down ${name}: no such Argo CD instance or cluster (instances: ${instanceNames.join(', ')}; clusters: ${clusterNames.join(', ')})`);
      }
    }

    // Git: the scenario's history (sorted by time) plus the synthetic estate's one commit.
    const commits: Array<GitCommitSpec & { isSynthetic?: boolean }> = (scenario?.git.commits ?? []).map((commit) => ({
      message: commit.message,
      author: commit.author,
      date: resolveScenarioTime(commit.date, start),
      files: commit.files,
      delete: commit.delete,
    }));
    if (plan.apps.length > 0) {
      commits.push({ message: 'platform: service-template fleet', author: 'Platform Bot <platform-bot@example.com>', date: new Date(start.getTime() - 10 * 86_400_000), files: plan.files, isSynthetic: true });
    }
    commits.sort((a, b) => a.date.getTime() - b.date.getTime());
    const repo = await createGitRepo(join(workDir, 'gitops.git'));
    closers.push(repo.watchHead());
    const replayCommits: ReplayCommit[] = [];
    let syntheticSha: string | undefined;
    for (const commit of commits) {
      const sha = await repo.commit(commit);
      if (commit.isSynthetic) syntheticSha = sha;
      else replayCommits.push({ sha, date: commit.date });
    }
    if (commits.length === 0) {
      await repo.commit({ message: 'initial commit', author: 'Platform Bot <platform-bot@example.com>', date: start, files: { 'README.md': '# GitOps sources\n' } });
    }

    // Clusters, with the scenario's objects loaded before anything is deployed.
    const images: ImageBehaviour[] = [...(scenario?.images ?? []), ...plan.images];
    const syntheticPods = podsPerCluster(plan);
    const earliest = commits[0]?.date ?? start;
    clock.pin(new Date(earliest.getTime() - 3_600_000));
    const simulatedClusters = new Map<string, ReturnType<typeof createSimulatedCluster>>();
    for (const name of clusterNames) {
      const declared = scenarioClusters.find((cluster) => cluster.name === name);
      const nodes = declared?.nodes ?? (syntheticPods.has(name) ? syntheticNodes(name, syntheticPods.get(name) ?? 0) : undefined);
      const cluster = createSimulatedCluster({ name, images, now: () => clock.now(), ...(nodes ? { nodes: nodes as KubeObject[] } : {}) });
      simulatedClusters.set(name, cluster);
      if (scenario) cluster.load(scenarioObjects(scenario, name, start));
    }

    // Argo CD instances.
    const render = createManifestRenderer(repo);
    const repoURL = scenario?.git.repoURL ?? DEFAULT_REPO_URL;
    const clusterEndpoints = new Map<string, SandboxEndpoint>();
    const tls = await sharedTlsMaterial(join(workDir, 'tls'));
    const kubeServers = new Map<string, string>();
    for (const name of clusterNames) {
      const cluster = simulatedClusters.get(name);
      if (!cluster) continue;
      const bearer = token();
      if (down.has(name)) {
        const server = await startUnreachableServer();
        closers.push(() => server.close());
        kubeServers.set(name, server.url('https'));
      } else {
        const server = await startKubeApiServer({ cluster, token: bearer, tls: { certPem: tls.certPem, keyPem: tls.keyPem }, ...(options.latencyMs ? { latencyMs: options.latencyMs } : {}) });
        closers.push(() => server.close());
        kubeServers.set(name, server.url);
      }
      clusterEndpoints.set(name, { name, url: kubeServers.get(name) ?? '', token: bearer });
    }
    const instances = new Map<string, ArgoInstance>();
    const appsPerInstance = new Map<string, ApplicationDefinition[]>();
    for (const instance of scenarioInstances) {
      appsPerInstance.set(
        instance.name,
        instance.apps.map((app) => ({
          name: app.name,
          project: app.project,
          ...(app.labels ? { labels: app.labels } : {}),
          source: { repoURL, path: app.path, targetRevision: app.targetRevision },
          destination: { name: app.destination.cluster, namespace: app.destination.namespace },
          ...(app.syncPolicy ? { syncPolicy: app.syncPolicy } : {}),
        })),
      );
    }
    for (const app of plan.apps) {
      const list = appsPerInstance.get(app.instance) ?? [];
      list.push({
        name: app.name,
        project: 'platform',
        labels: { team: 'platform', synthetic: 'true' },
        source: { repoURL, path: app.path, targetRevision: 'HEAD' },
        destination: { name: app.cluster, namespace: app.namespace },
        syncPolicy: { automated: { prune: true, selfHeal: false } },
      });
      appsPerInstance.set(app.instance, list);
    }
    for (const name of instanceNames) {
      const definitions = appsPerInstance.get(name) ?? [];
      const targeted = new Set(definitions.map((definition) => definition.destination.name ?? ''));
      const registered: RegisteredCluster[] = clusterNames
        .filter((cluster) => targeted.has(cluster) || definitions.length === 0)
        .map((cluster) => ({
          name: cluster,
          server: kubeServers.get(cluster) ?? '',
          cluster: simulatedClusters.get(cluster) as SimulatedCluster, // every name in clusterNames was created above
          ...(down.has(cluster) ? { isUnreachable: true } : {}),
        }));
      const instance = createArgoInstance({ name, repo, clusters: registered, now: () => clock.now(), render, isPaused: true });
      closers.push(() => instance.close());
      for (const definition of definitions) instance.addApplication(definition, earliest);
      instances.set(name, instance);
    }

    // History: replay the scenario's commits through Argo CD, then the manual changes.
    const scenarioApps = new Set(scenarioInstances.flatMap((instance) => instance.apps.map((app) => `${instance.name}/${app.name}`)));
    await replayHistory(replayCommits, [...instances.values()], clock, scenarioApps);

    // The synthetic estate is adopted as already deployed and bulk-loaded.
    if (syntheticSha) {
      const deployedAt = new Date(start.getTime() - 10 * 86_400_000 + 60_000);
      clock.pin(deployedAt);
      const perCluster = new Map<string, KubeObject[]>();
      for (const app of plan.apps) {
        const objects = await instances.get(app.instance)?.adoptDeployment(app.name, syntheticSha, deployedAt);
        const list = perCluster.get(app.cluster) ?? [];
        list.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: app.namespace, labels: { 'kubernetes.io/metadata.name': app.namespace } } }, ...(objects ?? []));
        perCluster.set(app.cluster, list);
      }
      for (const [name, objects] of perCluster) simulatedClusters.get(name)?.load(objects);
    }
    if (scenario) applyScenarioChanges(scenario, simulatedClusters, clock, start);
    clock.release();

    // Reconcile once at the present, then let auto-sync/self-heal run in the background.
    for (const instance of instances.values()) {
      for (const name of instance.names()) {
        if (scenarioApps.has(`${instance.name}/${name}`)) await instance.comparison(name);
      }
      instance.resume();
    }

    const argocd: SandboxEndpoint[] = [];
    for (const [name, instance] of instances) {
      const bearer = token();
      if (down.has(name)) {
        const server = await startUnreachableServer();
        closers.push(() => server.close());
        argocd.push({ name, url: server.url('http'), token: bearer });
      } else {
        const server = await startArgoApiServer({ instance, token: bearer, ...(options.latencyMs ? { latencyMs: options.latencyMs } : {}) });
        closers.push(() => server.close());
        argocd.push({ name, url: server.url, token: bearer });
      }
    }

    const clusters = clusterNames.map((name) => clusterEndpoints.get(name)).filter((entry): entry is SandboxEndpoint => entry !== undefined);
    const kubeconfigPath = join(workDir, 'kubeconfig');
    await writeFile(kubeconfigPath, renderKubeconfig(clusters.map((entry) => ({ ...entry, caPem: tls.caPem })), clusters[0]?.name), { mode: 0o600 });
    await chmod(kubeconfigPath, 0o600);

    return {
      kubeconfigPath,
      clusters,
      argocd,
      gitPath: repo.path,
      workDir,
      ...(scenario ? { scenario: { name: scenario.name, question: scenario.question } } : {}),
      simulatedClusters: new Map(simulatedClusters),
      argocdInstances: instances,
      repo,
      clock,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
