import type { ChannelDefaults, Entities } from '../entities.js';
import type { ToolCaller } from '../tool-caller.js';
import {
  appSeverity,
  appsOf,
  describeApp,
  isAppHealthy,
  namespaceOfResource,
  narrow,
  type AppCandidate,
  type WorkloadCandidate,
} from './candidates.js';
import { matchesEnvironment, matchesLocation } from './question-terms.js';

/** What a sweep of the estate found: every app, the not-ready workloads, failing policy results per place. */
export interface EstateState {
  apps: AppCandidate[];
  workloads: WorkloadCandidate[];
  /** Failing policy results per `cluster\0namespace`. */
  violations: Map<string, number>;
  unreachable: string[];
  /** Every sweep call failed with a fault that may pass (nothing was learnt). */
  isAllFailedRetryably: boolean;
}

/**
 * Lists every app, every not-ready Deployment and StatefulSet and the failing policy results,
 * within the channel's defaults.
 */
export async function collectEstate(tools: ToolCaller, defaults: ChannelDefaults): Promise<EstateState> {
  const state: EstateState = {
    apps: [],
    workloads: [],
    violations: new Map(),
    unreachable: [],
    isAllFailedRetryably: false,
  };
  const cluster = defaults.cluster ? { instance: defaults.cluster } : {};
  const namespace = defaults.namespace ? { namespace: defaults.namespace } : {};
  const failures: boolean[] = [];
  const note = (result: { failure?: { isRetryable: boolean } }, unreachable: string[]) => {
    failures.push(result.failure?.isRetryable === true);
    state.unreachable.push(...unreachable);
  };
  const calls: Array<Promise<void>> = [];
  if (tools.has('list_applications')) {
    const args = defaults.argocdInstance ? { instance: defaults.argocdInstance } : {};
    calls.push(
      tools.read('list_applications', args).then(({ result, read }) => {
        note(result, read.unreachable);
        state.apps.push(...appsOf(read));
      }),
    );
  }
  for (const kind of tools.has('list_resources') ? ['Deployment', 'StatefulSet'] : []) {
    calls.push(
      tools
        .read('list_resources', { kind, unhealthyOnly: true, limit: 50, ...cluster, ...namespace })
        .then(({ result, read }) => {
          note(result, read.unreachable);
          for (const { instance, data } of read.answers) {
            for (const item of data.items) {
              if (item.isHealthy !== false || !item.namespace) continue;
              state.workloads.push({
                kind,
                name: item.name,
                namespace: item.namespace,
                cluster: instance,
                isHealthy: false,
              });
            }
          }
        }),
    );
  }
  if (tools.has('list_policy_violations')) {
    calls.push(
      tools.read('list_policy_violations', { limit: 50, ...cluster, ...namespace }).then(({ result, read }) => {
        note(result, read.unreachable);
        for (const { instance, data } of read.answers) {
          for (const resource of data.groups.flatMap((group) => group.resources)) {
            const resourceNamespace = namespaceOfResource(resource);
            if (!resourceNamespace) continue;
            const key = `${instance}\0${resourceNamespace}`;
            state.violations.set(key, (state.violations.get(key) ?? 0) + 1);
          }
        }
      }),
    );
  }
  await Promise.all(calls);
  state.isAllFailedRetryably = failures.length > 0 && failures.every(Boolean);
  return state;
}

/**
 * Picks from a sweep: the worst unhealthy app in the places and environment the question names
 * and the broken workload behind it (same name, else same namespace); with no unhealthy app,
 * the first broken workload; with neither, the namespace with the most failing policy results.
 * The rest go to the answer's notes.
 */
export function chooseFromEstate(
  estate: EstateState,
  question: string,
  environment: string | undefined,
  defaults: ChannelDefaults,
): Omit<Entities, 'unreachable'> {
  const inScope = <T>(candidates: T[], placeOf: (candidate: T) => string): T[] =>
    narrow(candidates, [
      (candidate) => matchesLocation(placeOf(candidate), question),
      (candidate) => matchesEnvironment(placeOf(candidate), environment),
    ]);
  const unhealthyApps = inScope(
    estate.apps.filter((app) => !isAppHealthy(app)),
    (app) => app.instance,
  ).sort((left, right) => appSeverity(right) - appSeverity(left) || left.name.localeCompare(right.name));
  const brokenWorkloads = inScope(estate.workloads, (workload) => workload.cluster).sort(
    (left, right) => left.namespace.localeCompare(right.namespace) || left.name.localeCompare(right.name),
  );
  const app = unhealthyApps[0];
  const workload = app
    ? (brokenWorkloads.find((candidate) => candidate.name === app.name) ??
      brokenWorkloads.find((candidate) => candidate.namespace === app.namespace))
    : brokenWorkloads[0];
  const choices = [
    ...unhealthyApps
      .filter((candidate) => candidate !== app)
      .map((candidate) => ({
        label: describeApp(candidate),
        question: `what is wrong with ${candidate.name} on ${candidate.instance}?`,
      })),
    ...brokenWorkloads
      .filter((candidate) => candidate !== workload && candidate.name !== app?.name)
      .map((candidate) => ({
        label: `${candidate.cluster}/${candidate.namespace}/${candidate.name} (${candidate.kind}, not ready)`,
        question: `what is wrong with ${candidate.name} in namespace ${candidate.namespace} on ${candidate.cluster}?`,
      })),
  ].slice(0, 5);
  const alternatives = [
    ...unhealthyApps.filter((candidate) => candidate !== app).map(describeApp),
    ...brokenWorkloads
      .filter((candidate) => candidate !== workload && candidate.name !== app?.name)
      .map(
        (candidate) => `${candidate.cluster}/${candidate.namespace}/${candidate.name} (${candidate.kind}, not ready)`,
      ),
  ];
  // Nothing unhealthy: the namespace with the most failing policy results is what is left to look at.
  const ranked = [...estate.violations.entries()].sort(
    (left, right) => right[1] - left[1] || left[0].localeCompare(right[0]),
  );
  const [policyPlace] = app || workload ? [] : inScope(ranked, ([key]) => key.split('\0')[0] ?? '');
  const [policyCluster, policyNamespace] = policyPlace ? policyPlace[0].split('\0') : [];
  const namespace = app?.namespace ?? workload?.namespace ?? policyNamespace;
  const cluster = workload?.cluster ?? policyCluster ?? defaults.cluster;
  const chosenApp = app
    ? {
        name: app.name,
        instance: app.instance,
        ...(app.namespace ? { namespace: app.namespace } : {}),
        ...(app.health ? { health: app.health } : {}),
        ...(app.sync ? { sync: app.sync } : {}),
      }
    : undefined;
  return {
    ...(chosenApp ? { app: chosenApp } : {}),
    related: [],
    ...(workload ? { workload } : {}),
    ...(namespace ? { namespace } : {}),
    ...(cluster ? { cluster } : {}),
    alternatives,
    ...(choices.length > 0 ? { choices } : {}),
    swept: {
      unhealthyApps: unhealthyApps.length,
      unhealthyWorkloads: brokenWorkloads.length,
      policyViolations: [...estate.violations.values()].reduce((sum, count) => sum + count, 0),
    },
  };
}
