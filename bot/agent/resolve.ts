import type { ToolCallResult } from './ports.js';
import type { ToolCaller } from './tool-caller.js';
import { instanceResults } from './tool-caller.js';

/** Where an investigation should look, resolved from the question and the channel. */
export interface Entities {
  app?: { name: string; instance: string; namespace?: string; health?: string; sync?: string };
  /** Other apps the question names on the same instance (a caller and its dependency). */
  related: Array<{ name: string; instance: string; namespace?: string }>;
  workload?: { kind: string; name: string; namespace: string; cluster: string; isHealthy: boolean };
  namespace?: string;
  cluster?: string;
  /** Same-named objects that were not chosen, for the answer's notes. */
  alternatives: string[];
  unreachable: string[];
  /** Set when the question named nothing and the whole estate was swept for unhealthy apps and workloads. */
  swept?: { unhealthyApps: number; unhealthyWorkloads: number; policyViolations: number };
}

/** Defaults a support channel can set (team, cluster, Argo CD instance, namespace). */
export interface ChannelDefaults {
  cluster?: string;
  argocdInstance?: string;
  namespace?: string;
}

export type Resolution = { kind: 'resolved'; entities: Entities } | { kind: 'ambiguous'; question: string; options: string[] };

const STOPWORDS = new Set(
  `a an the is are was were be been am do does did why what whats what's how when where who which can could would should will
   not no isnt isn't doesnt doesn't dont don't cant can't won't wont my our your their its it this that these those there here
   in on at of for to from with by and or but as into about app application service deployment pod pods workload namespace ns
   cluster failing fail fails failed failure broken down erroring errors error crash crashing crashes crashloop working work
   works up running run start starting started stuck slow issue issues problem problems wrong happen happening happened going
   on going please help me us we i you hey hi bot sre-bot check look any all some now today again still keeps keep getting get
   sync syncing synced synchronize deploy deploying deployed rollout release healthy unhealthy degraded status state
   policy policies kyverno argocd argo cd violating violation violations report reports audit blocked block denied
   anything something everything nothing stuff thing things else fine okay ok alright weird odd strange trouble outage outages
   incident incidents alert alerts alerting going wrong right currently lately recently environment env`.split(/\s+/),
);

const ENVIRONMENTS: Record<string, string[]> = {
  prod: ['prod', 'production', 'prd'],
  staging: ['staging', 'stage', 'stg'],
  dev: ['dev', 'development'],
  qa: ['qa', 'test', 'testing'],
};

/** Names a question might refer to: words and hyphenated names that are not common words. */
export function candidateTerms(question: string): string[] {
  const words = question.toLowerCase().match(/[a-z0-9][a-z0-9.-]*[a-z0-9]/g) ?? [];
  const environmentWords = new Set(Object.values(ENVIRONMENTS).flat());
  const terms = words.filter((word) => word.length >= 3 && !STOPWORDS.has(word) && !environmentWords.has(word) && !/^\d+$/.test(word));
  return [...new Set(terms)].slice(0, 4);
}

/** The environment a question names (`prod`, `staging`, ...), if any. */
export function environmentOf(question: string): string | undefined {
  const words = new Set(question.toLowerCase().match(/[a-z]+/g) ?? []);
  return Object.entries(ENVIRONMENTS).find(([, synonyms]) => synonyms.some((word) => words.has(word)))?.[0];
}

/**
 * Words of the question that name an instance: the whole name (`prod-eu`) or a distinctive part
 * of it (`eu` in `argocd-eu-1`).
 */
function matchesLocation(instance: string, question: string): boolean {
  const words = new Set(question.toLowerCase().match(/[a-z0-9]+(?:-[a-z0-9]+)*/g) ?? []);
  if (words.has(instance.toLowerCase())) return true;
  const parts = new Set(question.toLowerCase().match(/[a-z0-9]+/g) ?? []);
  const generic = new Set(['argocd', 'argo', 'cd', 'cluster', 'k8s', 'kube', 'kubernetes', 'kyverno']);
  return instance
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .some((part) => part.length >= 2 && !/^\d+$/.test(part) && !generic.has(part) && parts.has(part));
}

function matchesEnvironment(instance: string, environment: string | undefined): boolean {
  if (!environment) return true;
  const parts = instance.toLowerCase().split(/[^a-z0-9]+/);
  return (ENVIRONMENTS[environment] ?? [environment]).some((word) => parts.includes(word));
}

/** An explicitly named namespace ("namespace payments", "ns payments", "in payments namespace"). */
function explicitNamespace(question: string): string | undefined {
  const match = /\b(?:namespace|ns)\s+([a-z0-9][a-z0-9-]*)/i.exec(question) ?? /\b([a-z0-9][a-z0-9-]*)\s+namespace\b/i.exec(question);
  return match?.[1]?.toLowerCase();
}

/** A namespace whose name is one of the question's terms ("which workloads in payments ..."). */
async function namespaceNamed(terms: readonly string[], tools: ToolCaller): Promise<string | undefined> {
  if (terms.length === 0 || !tools.has('list_resources')) return undefined;
  const result = await tools.call('list_resources', { kind: 'Namespace', limit: 200 });
  const names = new Set<string>();
  for (const { data } of instanceResults(result).results) {
    for (const item of (data.items ?? data.resources ?? []) as Array<Record<string, unknown>>) if (typeof item.name === 'string') names.add(item.name);
  }
  if (names.size === 0) for (const match of result.text.matchAll(/\b([a-z0-9][a-z0-9-]*)\b/g)) if (match[1]) names.add(match[1]);
  return terms.find((term) => names.has(term));
}

interface AppCandidate {
  name: string;
  instance: string;
  namespace?: string;
  health?: string;
  sync?: string;
}

interface WorkloadCandidate {
  kind: string;
  name: string;
  namespace: string;
  cluster: string;
  isHealthy: boolean;
}

const isAppHealthy = (app: AppCandidate) => app.health === 'Healthy' && app.sync === 'Synced';

/** The apps of a list_applications answer, each tagged with its instance; instances that did not answer go to `unreachable`. */
function appsOf(result: ToolCallResult, scope: string | undefined, unreachable: Set<string>): Array<AppCandidate & { operationPhase?: string }> {
  const { results, unreachable: down } = instanceResults(result, scope);
  down.forEach((instance) => unreachable.add(instance));
  return results.flatMap(({ instance, data }) =>
    ((data.applications ?? []) as Array<Record<string, unknown>>).map((app) => ({
      name: String(app.name),
      instance,
      namespace: app.destinationNamespace as string | undefined,
      health: app.health as string | undefined,
      sync: app.sync as string | undefined,
      operationPhase: app.operationPhase as string | undefined,
    })),
  );
}

/** Narrows candidates: channel default, environment, exact name, then unhealthy over healthy. */
function narrow<T>(candidates: T[], filters: Array<(candidate: T) => boolean>): T[] {
  let current = candidates;
  for (const filter of filters) {
    const kept = current.filter(filter);
    if (kept.length > 0) current = kept;
  }
  return current;
}

/** How bad an app's state is: missing or degraded first, then out of sync, then progressing. */
function appSeverity(app: AppCandidate & { operationPhase?: string }): number {
  const health = { Missing: 4, Degraded: 4, Unknown: 2, Progressing: 1 }[app.health ?? ''] ?? 0;
  const operation = app.operationPhase === 'Failed' || app.operationPhase === 'Error' ? 3 : 0;
  return health + (app.sync === 'OutOfSync' ? 2 : 0) + operation;
}

/** Whether every term names a place (an Argo CD instance or cluster) rather than an object. */
function namesOnlyPlaces(terms: readonly string[], tools: ToolCaller): boolean {
  const places = [...tools.instancesOf('list_applications'), ...tools.instancesOf('find_workloads')];
  return terms.every((term) => places.some((place) => matchesLocation(place, term)));
}

/**
 * "What is wrong in prod?" names no object: list every app, every unhealthy Deployment and
 * StatefulSet and the failing policy results (within the channel's defaults and the places and
 * environment the question names), and pick the worst app and the broken workload behind it, or
 * else the namespace with the most policy failures. The rest go to the answer's notes.
 */
async function sweepEstate(question: string, tools: ToolCaller, defaults: ChannelDefaults, environment: string | undefined): Promise<{ entities: Omit<Entities, 'unreachable'>; unreachable: string[] }> {
  const unreachable = new Set<string>();
  const apps: Array<AppCandidate & { operationPhase?: string }> = [];
  const workloads: WorkloadCandidate[] = [];
  /** Failing policy results per `cluster\0namespace`. */
  const violations = new Map<string, number>();
  await Promise.all([
    tools.has('list_applications')
      ? tools.call('list_applications', { ...(defaults.argocdInstance ? { instance: defaults.argocdInstance } : {}) }).then((result) => {
          apps.push(...appsOf(result, defaults.argocdInstance, unreachable));
        })
      : Promise.resolve(),
    ...(tools.has('list_resources') ? ['Deployment', 'StatefulSet'] : []).map((kind) =>
      tools.call('list_resources', { kind, unhealthyOnly: true, limit: 50, ...(defaults.cluster ? { instance: defaults.cluster } : {}), ...(defaults.namespace ? { namespace: defaults.namespace } : {}) }).then((result) => {
        const { results, unreachable: down } = instanceResults(result, defaults.cluster);
        down.forEach((instance) => unreachable.add(instance));
        for (const { instance, data } of results) {
          for (const item of (data.items ?? []) as Array<Record<string, unknown>>) {
            if (item.isHealthy !== false || typeof item.name !== 'string' || typeof item.namespace !== 'string') continue;
            workloads.push({ kind, name: item.name, namespace: item.namespace, cluster: instance, isHealthy: false });
          }
        }
      }),
    ),
    tools.has('list_policy_violations')
      ? tools.call('list_policy_violations', { limit: 50, ...(defaults.cluster ? { instance: defaults.cluster } : {}), ...(defaults.namespace ? { namespace: defaults.namespace } : {}) }).then((result) => {
          const { results, unreachable: down } = instanceResults(result, defaults.cluster);
          down.forEach((instance) => unreachable.add(instance));
          for (const { instance, data } of results) {
            for (const group of (data.groups ?? []) as Array<{ resources?: unknown }>) {
              for (const resource of Array.isArray(group.resources) ? (group.resources as unknown[]) : []) {
                const namespace = typeof resource === 'string' ? /^\S+ ([a-z0-9][a-z0-9-]*)\//.exec(resource)?.[1] : undefined;
                if (namespace) violations.set(`${instance}\0${namespace}`, (violations.get(`${instance}\0${namespace}`) ?? 0) + 1);
              }
            }
          }
        })
      : Promise.resolve(),
  ]);
  const inScope = <T>(candidates: T[], placeOf: (candidate: T) => string): T[] =>
    narrow(candidates, [(candidate) => matchesLocation(placeOf(candidate), question), (candidate) => matchesEnvironment(placeOf(candidate), environment)]);
  const unhealthyApps = inScope(
    apps.filter((app) => !isAppHealthy(app)),
    (app) => app.instance,
  ).sort((left, right) => appSeverity(right) - appSeverity(left) || left.name.localeCompare(right.name));
  const brokenWorkloads = inScope(workloads, (workload) => workload.cluster).sort((left, right) => left.namespace.localeCompare(right.namespace) || left.name.localeCompare(right.name));
  const app = unhealthyApps[0];
  // The workload behind the chosen app (same name or namespace), else the first broken one when no app is unhealthy.
  const workload = app ? (brokenWorkloads.find((candidate) => candidate.name === app.name) ?? brokenWorkloads.find((candidate) => candidate.namespace === app.namespace)) : brokenWorkloads[0];
  const alternatives = [
    ...unhealthyApps.filter((candidate) => candidate !== app).map((candidate) => `${candidate.instance}/${candidate.name} (${candidate.health ?? 'unknown'}, ${candidate.sync ?? 'unknown'})`),
    ...brokenWorkloads.filter((candidate) => candidate !== workload && candidate.name !== app?.name).map((candidate) => `${candidate.cluster}/${candidate.namespace}/${candidate.name} (${candidate.kind}, not ready)`),
  ];
  // Nothing unhealthy: the namespace with the most failing policy results is what is left to look at.
  const [policyPlace] = app || workload ? [] : inScope([...violations.entries()].sort((left, right) => right[1] - left[1] || left[0].localeCompare(right[0])), ([key]) => key.split('\0')[0] ?? '');
  const [policyCluster, policyNamespace] = policyPlace ? policyPlace[0].split('\0') : [];
  const namespace = app?.namespace ?? workload?.namespace ?? policyNamespace;
  const cluster = workload?.cluster ?? policyCluster ?? defaults.cluster;
  return {
    entities: {
      ...(app ? { app: { name: app.name, instance: app.instance, ...(app.namespace ? { namespace: app.namespace } : {}), ...(app.health ? { health: app.health } : {}), ...(app.sync ? { sync: app.sync } : {}) } } : {}),
      related: [],
      ...(workload ? { workload } : {}),
      ...(namespace ? { namespace } : {}),
      ...(cluster ? { cluster } : {}),
      alternatives,
      swept: { unhealthyApps: unhealthyApps.length, unhealthyWorkloads: brokenWorkloads.length, policyViolations: [...violations.values()].reduce((sum, count) => sum + count, 0) },
    },
    unreachable: [...unreachable],
  };
}

/**
 * Resolves a question to the app, workload, namespace and cluster to investigate, by fanning
 * look-ups out over every instance. Asks back only when two unhealthy candidates remain and
 * nothing in the question or channel tells them apart. A question that names no object (only,
 * at most, a place) sweeps the estate for what is broken.
 */
export async function resolveEntities(question: string, tools: ToolCaller, defaults: ChannelDefaults = {}): Promise<Resolution> {
  const terms = candidateTerms(question);
  const environment = environmentOf(question);
  const unreachable = new Set<string>();
  const apps: AppCandidate[] = [];
  const workloads: WorkloadCandidate[] = [];

  await Promise.all(
    terms.flatMap((term) => [
      tools.has('list_applications')
        ? tools.call('list_applications', { nameContains: term, ...(defaults.argocdInstance ? { instance: defaults.argocdInstance } : {}) }).then((result) => {
            apps.push(...appsOf(result, defaults.argocdInstance, unreachable));
          })
        : Promise.resolve(),
      tools.has('find_workloads')
        ? tools.call('find_workloads', { nameContains: term, ...(defaults.cluster ? { instance: defaults.cluster } : {}), ...(defaults.namespace ? { namespace: defaults.namespace } : {}) }).then((result) => {
            const { results, unreachable: down } = instanceResults(result, defaults.cluster);
            down.forEach((instance) => unreachable.add(instance));
            for (const { instance, data } of results) {
              for (const workload of (data.workloads ?? []) as Array<Record<string, unknown>>) {
                workloads.push({ kind: String(workload.kind), name: String(workload.name), namespace: String(workload.namespace), cluster: instance, isHealthy: workload.isHealthy !== false });
              }
            }
          })
        : Promise.resolve(),
    ]),
  );

  const exactTerm = (name: string) => terms.includes(name.toLowerCase());
  const mentionIndex = (name: string) => {
    const index = terms.findIndex((term) => term === name.toLowerCase() || name.toLowerCase().includes(term));
    return index === -1 ? terms.length : index;
  };
  const appChoices = narrow(apps, [
    (app) => !defaults.argocdInstance || app.instance === defaults.argocdInstance,
    (app) => matchesLocation(app.instance, question),
    (app) => matchesEnvironment(app.instance, environment),
    (app) => exactTerm(app.name),
    (app) => !isAppHealthy(app),
  ]);
  const distinct = [...new Map(appChoices.map((candidate) => [`${candidate.instance}/${candidate.name}`, candidate])).values()].sort(
    (left, right) => Number(isAppHealthy(left)) - Number(isAppHealthy(right)) || mentionIndex(left.name) - mentionIndex(right.name),
  );
  // The same app on several instances with nothing to choose between them: ask.
  const first = distinct[0];
  const sameName = first ? distinct.filter((candidate) => candidate.name === first.name) : [];
  if (first && sameName.length > 1) {
    const options = sameName.map((candidate) => `${candidate.instance}/${candidate.name}`);
    return { kind: 'ambiguous', question: `${first.name} exists on ${options.length} Argo CD instances (${options.join(', ')}). Which environment do you mean?`, options };
  }
  const app = first;
  const related = distinct.filter((candidate) => candidate !== app && candidate.instance === app?.instance).slice(0, 2);
  const alternatives: string[] = [];
  for (const other of apps) if (app && (other.instance !== app.instance || other.name !== app.name) && other.name === app.name) alternatives.push(`${other.instance}/${other.name} (${other.health ?? 'unknown'}, ${other.sync ?? 'unknown'})`);

  const namespace = explicitNamespace(question) ?? app?.namespace ?? defaults.namespace;
  const workloadChoices = narrow(workloads, [
    (workload) => !defaults.cluster || workload.cluster === defaults.cluster,
    (workload) => matchesLocation(workload.cluster, question),
    (workload) => !namespace || workload.namespace === namespace,
    (workload) => matchesEnvironment(workload.cluster, environment),
    (workload) => exactTerm(workload.name) || (app !== undefined && workload.name === app.name),
    (workload) => !workload.isHealthy,
    (workload) => workload.kind !== 'Pod',
  ]);
  const workload = workloadChoices[0];
  for (const other of workloadChoices.slice(1)) alternatives.push(`${other.cluster}/${other.namespace}/${other.name}`);

  const namespaceGuess = namespace ?? workload?.namespace ?? (app ? undefined : await namespaceNamed(terms, tools));
  if (!app && !workload && !namespaceGuess && namesOnlyPlaces(terms, tools)) {
    const swept = await sweepEstate(question, tools, defaults, environment);
    return { kind: 'resolved', entities: { ...swept.entities, unreachable: [...new Set([...unreachable, ...swept.unreachable])] } };
  }
  const clusterGuess = workload?.cluster ?? defaults.cluster ?? tools.instancesOf('find_workloads').find((instance) => matchesLocation(instance, question));
  const entities: Entities = {
    ...(app ? { app } : {}),
    related: related.map((candidate) => ({ name: candidate.name, instance: candidate.instance, ...(candidate.namespace ? { namespace: candidate.namespace } : {}) })),
    ...(workload ? { workload } : {}),
    ...(namespaceGuess ? { namespace: namespaceGuess } : {}),
    ...(clusterGuess ? { cluster: clusterGuess } : {}),
    alternatives,
    unreachable: [...unreachable],
  };
  return { kind: 'resolved', entities };
}
