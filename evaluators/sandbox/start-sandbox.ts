import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adoptSyntheticEstate } from './adopt-synthetic-estate.js';
import type { ArgoInstance } from './argocd/argocd-instance.js';
import { createCloserStack, type CloserStack } from './closer-stack.js';
import { createGitRepo, type GitRepo } from './git/git-repo.js';
import type { SimulatedCluster } from './kube/cluster-api.js';
import { replayHistory } from './replay-history.js';
import { createArgoInstances, reconcileAndResume, scenarioAppKeys, startArgoServers } from './sandbox-argocd.js';
import { createSandboxClock, type SandboxClock } from './sandbox-clock.js';
import { createSandboxClusters, startClusterServers, writeSandboxKubeconfig } from './sandbox-clusters.js';
import type { SandboxEndpoint } from './sandbox-endpoint.js';
import { planSandboxLayout } from './sandbox-layout.js';
import { applyScenarioChanges } from './scenario/scenario-objects.js';
import type { Scenario } from './scenario/scenario-schema.js';
import { seedGitopsRepo, syntheticCommitDate } from './seed-gitops-repo.js';
import type { ScaleOptions } from './synthetic-estate.js';

export type { SandboxEndpoint } from './sandbox-endpoint.js';

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

/**
 * Starts a sandbox estate on loopback: simulated clusters behind fake Kubernetes API servers
 * (HTTPS, one kubeconfig context each), fake Argo CD instances (HTTP, own tokens) over a real git
 * repo, the scenario's history replayed through Argo CD, and an optional synthetic healthy estate.
 * On a failure everything started so far is stopped before the error is rethrown.
 */
export async function startSandbox(options: StartSandboxOptions = {}): Promise<RunningSandbox> {
  const clock = createSandboxClock(options.now);
  const isOwnDir = options.workDir === undefined;
  const workDir = options.workDir ?? (await mkdtemp(join(tmpdir(), 'sre-bot-sandbox-')));
  await mkdir(workDir, { recursive: true });
  const closers = createCloserStack();
  const close = async (): Promise<void> => {
    await closers.closeAll();
    if (isOwnDir) await rm(workDir, { recursive: true, force: true });
  };
  try {
    const started = await assembleSandbox(options, { clock, workDir, closers });
    return { ...started, workDir, clock, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * The start-up sequence, in the order time demands: git history first (it dates everything),
 * then clusters holding the scenario's objects at the oldest commit, Argo CD over both, the
 * history replayed, the synthetic fleet adopted, the scenario's manual changes, and only then the
 * API servers people and MCP servers talk to.
 */
async function assembleSandbox(
  options: StartSandboxOptions,
  context: { clock: SandboxClock; workDir: string; closers: CloserStack },
): Promise<Omit<RunningSandbox, 'workDir' | 'clock' | 'close'>> {
  const { clock, workDir, closers } = context;
  const start = clock.now();
  const layout = planSandboxLayout(options.scenario, options, options.down ?? options.scenario?.down);
  const { scenario, plan } = layout;
  const latency = options.latencyMs ? { latencyMs: options.latencyMs } : {};

  const repo = await createGitRepo(join(workDir, 'gitops.git'));
  closers.push(repo.watchHead());
  const history = await seedGitopsRepo(repo, scenario, plan, start);

  clock.pin(new Date(history.earliest.getTime() - 3_600_000));
  const clusters = createSandboxClusters(layout, clock, start);
  const onClose = closers.push;
  const clusterServers = await startClusterServers({
    layout,
    clusters,
    tlsDir: join(workDir, 'tls'),
    ...latency,
    onClose,
  });
  const clusterUrls = new Map(clusterServers.endpoints.map((endpoint) => [endpoint.name, endpoint.url]));
  const instances = createArgoInstances({
    layout,
    repo,
    clusters,
    clusterUrls,
    clock,
    createdAt: history.earliest,
    onClose,
  });

  const scenarioApps = scenarioAppKeys(scenario);
  await replayHistory(history.replayCommits, [...instances.values()], clock, scenarioApps);
  if (history.syntheticSha) {
    const revision = history.syntheticSha;
    await adoptSyntheticEstate({ plan, revision, committedAt: syntheticCommitDate(start), instances, clusters, clock });
  }
  if (scenario) applyScenarioChanges(scenario, clusters, clock, start);
  clock.release();
  await reconcileAndResume(instances, scenarioApps);

  const argocd = await startArgoServers({ instances, down: layout.down, ...latency, onClose });
  const kubeconfigPath = await writeSandboxKubeconfig(workDir, clusterServers);
  return {
    kubeconfigPath,
    clusters: clusterServers.endpoints,
    argocd,
    gitPath: repo.path,
    ...(scenario ? { scenario: { name: scenario.name, question: scenario.question } } : {}),
    simulatedClusters: new Map(clusters),
    argocdInstances: instances,
    repo,
  };
}
