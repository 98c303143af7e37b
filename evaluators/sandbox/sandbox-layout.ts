import type { Scenario } from './scenario/scenario-schema.js';
import { planSyntheticEstate, type ScaleOptions, type SyntheticEstatePlan } from './synthetic-estate.js';

/** Which clusters and Argo CD instances a sandbox runs, and which of them play dead. */
export interface SandboxLayout {
  scenario?: Scenario;
  /** What the scale flags add on top of the scenario. */
  plan: SyntheticEstatePlan;
  /** The scenario's clusters first, then the synthetic ones; never empty. */
  clusterNames: string[];
  /** The scenario's instances first, then the synthetic ones; never empty. */
  instanceNames: string[];
  /** Clusters and instances that accept connections and never answer. */
  down: ReadonlySet<string>;
}

/**
 * Names every cluster and Argo CD instance from the scenario plus the scale flags (one of each
 * when both are silent) and checks that each `--down` name is one of them.
 */
export function planSandboxLayout(
  scenario: Scenario | undefined,
  scale: ScaleOptions,
  down: readonly string[] = [],
): SandboxLayout {
  const scenarioClusters = (scenario?.clusters ?? []).map((cluster) => cluster.name);
  const scenarioInstances = (scenario?.argocd ?? []).map((instance) => instance.name);
  const plan = planSyntheticEstate(scale, scenarioClusters, scenarioInstances);
  const clusterNames = [...scenarioClusters, ...plan.clusters];
  const instanceNames = [...scenarioInstances, ...plan.instances];
  if (clusterNames.length === 0) clusterNames.push('cluster-1');
  if (instanceNames.length === 0) instanceNames.push('argocd-1');
  for (const name of down) {
    if (!clusterNames.includes(name) && !instanceNames.includes(name)) {
      throw new Error(
        `--down ${name}: no such Argo CD instance or cluster ` +
          `(instances: ${instanceNames.join(', ')}; clusters: ${clusterNames.join(', ')})`,
      );
    }
  }
  return { ...(scenario ? { scenario } : {}), plan, clusterNames, instanceNames, down: new Set(down) };
}
