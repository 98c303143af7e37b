import { BotError } from '../errors.js';
import type { ChannelDefaults, Choice, Entities } from './entities.js';
import {
  appSeverity,
  describeApp,
  isAppHealthy,
  narrow,
  workloadsOf,
  appsOf,
  type AppCandidate,
  type WorkloadCandidate,
} from './resolve/candidates.js';
import {
  candidateTerms,
  environmentOf,
  explicitNamespace,
  matchesEnvironment,
  matchesLocation,
  namesWholly,
} from './resolve/question-terms.js';
import { chooseFromEstate, collectEstate } from './resolve/sweep-estate.js';
import type { ToolCaller } from './tool-caller.js';

export type Resolution =
  | { kind: 'resolved'; entities: Entities }
  | { kind: 'ambiguous'; question: string; options: string[]; choices: Choice[] };

/** What the name look-ups found for the question's terms. */
interface LookUps {
  apps: AppCandidate[];
  workloads: WorkloadCandidate[];
  unreachable: Set<string>;
  /** Every look-up failed with a fault that may pass. */
  isAllFailedRetryably: boolean;
}

/**
 * Looks every term up as an app name (every Argo CD) and a workload name (every cluster), within
 * the channel's defaults.
 */
async function lookUpTerms(terms: readonly string[], tools: ToolCaller, defaults: ChannelDefaults): Promise<LookUps> {
  const found: LookUps = { apps: [], workloads: [], unreachable: new Set(), isAllFailedRetryably: false };
  const failures: boolean[] = [];
  const calls = terms.flatMap((term) => [
    tools.has('list_applications')
      ? tools
          .read('list_applications', {
            nameContains: term,
            ...(defaults.argocdInstance ? { instance: defaults.argocdInstance } : {}),
          })
          .then(({ result, read }) => {
            failures.push(result.failure?.isRetryable === true);
            read.unreachable.forEach((instance) => found.unreachable.add(instance));
            found.apps.push(...appsOf(read));
          })
      : Promise.resolve(),
    tools.has('find_workloads')
      ? tools
          .read('find_workloads', {
            nameContains: term,
            ...(defaults.cluster ? { instance: defaults.cluster } : {}),
            ...(defaults.namespace ? { namespace: defaults.namespace } : {}),
          })
          .then(({ result, read }) => {
            failures.push(result.failure?.isRetryable === true);
            read.unreachable.forEach((instance) => found.unreachable.add(instance));
            found.workloads.push(...workloadsOf(read));
          })
      : Promise.resolve(),
  ]);
  await Promise.all(calls);
  found.isAllFailedRetryably = failures.length > 0 && failures.every(Boolean);
  return found;
}

/** The question without its final punctuation, to append "on <instance>" to. */
function questionWithout(question: string): string {
  return question.trim().replace(/[?.!\s]+$/, '');
}

/**
 * The channel's defaults, minus what the question overrides: a place the question names (an Argo
 * CD instance, a cluster) always beats the default for that place.
 */
export function effectiveDefaults(
  question: string,
  defaults: ChannelDefaults,
  places: { argocd: readonly string[]; clusters: readonly string[] },
): ChannelDefaults {
  const pick = (current: string | undefined, known: readonly string[]): string | undefined => {
    const named = known.filter((place) => matchesLocation(place, question));
    if (named.length === 0 || (current !== undefined && named.includes(current))) return current;
    return named.length === 1 ? named[0] : undefined;
  };
  const argocdInstance = pick(defaults.argocdInstance, places.argocd);
  const cluster = pick(defaults.cluster, places.clusters);
  // A namespace default belongs to the channel's cluster; another cluster drops it.
  const namespace = cluster === defaults.cluster ? defaults.namespace : undefined;
  return {
    ...(argocdInstance ? { argocdInstance } : {}),
    ...(cluster ? { cluster } : {}),
    ...(namespace ? { namespace } : {}),
  };
}

/** The ranks of a name among the question's terms (first named first). */
function termRanks(terms: readonly string[]) {
  return {
    isExact: (name: string) => terms.includes(name.toLowerCase()),
    mentionIndex: (name: string) => {
      const index = terms.findIndex((term) => term === name.toLowerCase() || name.toLowerCase().includes(term));
      return index === -1 ? terms.length : index;
    },
  };
}

/**
 * Picks the app: channel default, the place and environment the question names, an exact name,
 * unhealthy over healthy. The same app on several instances with nothing to tell them apart is
 * a question back.
 */
export function chooseApp(
  apps: readonly AppCandidate[],
  terms: readonly string[],
  question: string,
  defaults: ChannelDefaults,
): {
  kind: 'chosen';
  app?: AppCandidate;
  related: AppCandidate[];
  alternatives: string[];
  choices: Choice[];
  /** The same name equally broken on several instances after every filter: nothing chooses. */
  tied: AppCandidate[];
} {
  const environment = environmentOf(question);
  const { isExact, mentionIndex } = termRanks(terms);
  const choices = narrow(
    [...apps],
    [
      (app) => !defaults.argocdInstance || app.instance === defaults.argocdInstance,
      (app) => namesWholly(app.instance, question),
      (app) => matchesLocation(app.instance, question),
      (app) => matchesEnvironment(app.instance, environment),
      (app) => isExact(app.name),
      (app) => !isAppHealthy(app),
    ],
  );
  const distinct = [
    ...new Map(choices.map((candidate) => [`${candidate.instance}/${candidate.name}`, candidate])).values(),
  ].sort(
    (left, right) =>
      Number(isAppHealthy(left)) - Number(isAppHealthy(right)) || mentionIndex(left.name) - mentionIndex(right.name),
  );
  // The same name in several environments and nothing in the question chooses: investigate the
  // worst (unhealthy before healthy, then by severity) and offer the others, instead of asking.
  const [app] = [...distinct].sort(
    (left, right) =>
      Number(isAppHealthy(left)) - Number(isAppHealthy(right)) ||
      (left.name === right.name ? appSeverity(right) - appSeverity(left) : 0) ||
      mentionIndex(left.name) - mentionIndex(right.name),
  );
  const related = distinct
    .filter((candidate) => candidate !== app && candidate.instance === app?.instance && candidate.name !== app?.name)
    .slice(0, 2);
  const others = app ? apps.filter((other) => other.name === app.name && other.instance !== app.instance) : [];
  const offered = others
    .sort((left, right) => appSeverity(right) - appSeverity(left))
    .map((other) => ({ label: describeApp(other), question: `${questionWithout(question)} on ${other.instance}` }));
  const tied = app
    ? distinct.filter(
        (candidate) =>
          candidate.name === app.name && !isAppHealthy(candidate) && appSeverity(candidate) === appSeverity(app),
      )
    : [];
  return {
    kind: 'chosen',
    ...(app ? { app } : {}),
    related,
    alternatives: others.map(describeApp),
    choices: offered,
    tied: tied.length > 1 ? tied : [],
  };
}

/** The question back when one name is equally broken on several instances: a choice (button) each. */
function askWhich(question: string, tied: readonly AppCandidate[]): Extract<Resolution, { kind: 'ambiguous' }> {
  const [first] = tied;
  return {
    kind: 'ambiguous',
    question:
      `${first?.name ?? 'That app'} is in the same state on ${tied.map((app) => app.instance).join(' and ')}, ` +
      `and nothing in the question or this channel says which one you mean. Which one should I investigate?`,
    options: tied.map(describeApp),
    choices: tied.map((app) => ({
      label: describeApp(app),
      question: `${questionWithout(question)} on ${app.instance}`,
    })),
  };
}

/**
 * Picks the workload: channel default, the place the question names, the namespace, the
 * environment, an exact name (or the app's), unhealthy over healthy, controllers over pods.
 * The others that survived go to the notes.
 */
export function chooseWorkload(
  workloads: readonly WorkloadCandidate[],
  context: {
    terms: readonly string[];
    question: string;
    defaults: ChannelDefaults;
    namespace?: string;
    app?: AppCandidate;
  },
): { workload?: WorkloadCandidate; alternatives: string[] } {
  const { isExact } = termRanks(context.terms);
  const environment = environmentOf(context.question);
  const { defaults, namespace, app } = context;
  const choices = narrow(
    [...workloads],
    [
      (workload) => !defaults.cluster || workload.cluster === defaults.cluster,
      // A cluster named in full (prod-us) beats one that only shares a part with the question (prod).
      (workload) => namesWholly(workload.cluster, context.question),
      (workload) => matchesLocation(workload.cluster, context.question),
      (workload) => !namespace || workload.namespace === namespace,
      (workload) => matchesEnvironment(workload.cluster, environment),
      (workload) => isExact(workload.name) || (app !== undefined && workload.name === app.name),
      (workload) => !workload.isHealthy,
      (workload) => workload.kind !== 'Pod',
    ],
  );
  const [workload, ...others] = choices;
  return {
    ...(workload ? { workload } : {}),
    alternatives: others.map((other) => `${other.cluster}/${other.namespace}/${other.name}`),
  };
}

/** A namespace whose name is one of the question's terms ("which workloads in payments ..."). */
async function namespaceNamed(terms: readonly string[], tools: ToolCaller): Promise<string | undefined> {
  if (terms.length === 0 || !tools.has('list_resources')) return undefined;
  const { read } = await tools.read('list_resources', { kind: 'Namespace', limit: 200 });
  const names = new Set(read.answers.flatMap(({ data }) => data.items.map((item) => item.name)));
  return terms.find((term) => names.has(term));
}

/** Whether every term names a place (an Argo CD instance or cluster) rather than an object. */
function namesOnlyPlaces(terms: readonly string[], tools: ToolCaller): boolean {
  const places = [...tools.instancesOf('list_applications'), ...tools.instancesOf('find_workloads')];
  return terms.every((term) => places.some((place) => matchesLocation(place, term)));
}

function failedRetryably(what: string): BotError {
  return new BotError('upstream_unavailable', `every ${what} failed and may succeed later (instances unreachable)`, {
    isRetryable: true,
  });
}

/**
 * Resolves a question to the app, workload, namespace and cluster to investigate, by fanning
 * look-ups out over every instance. Asks back only when one name is equally broken (same health,
 * same severity) on several instances and nothing in the question or channel tells them apart,
 * not even an environment; otherwise the first is investigated and the others become buttons. A
 * question that names no object (only, at most, a place) sweeps the estate for what is broken.
 * Throws a retryable BotError when every look-up failed because no instance could be reached.
 */
export async function resolveEntities(
  question: string,
  tools: ToolCaller,
  channelDefaults: ChannelDefaults = {},
): Promise<Resolution> {
  const defaults = effectiveDefaults(question, channelDefaults, {
    argocd: tools.instancesOf('list_applications'),
    clusters: tools.instancesOf('find_workloads'),
  });
  const terms = candidateTerms(question);
  const found = await lookUpTerms(terms, tools, defaults);
  if (found.isAllFailedRetryably) throw failedRetryably('name look-up');

  const appChoice = chooseApp(found.apps, terms, question, defaults);
  // A question that names an environment the tied apps share says enough: investigate the first
  // and offer the others as buttons. With no environment named, nothing chooses: ask.
  if (appChoice.tied.length > 1 && !environmentOf(question)) return askWhich(question, appChoice.tied);
  const { app } = appChoice;
  const namespace = explicitNamespace(question) ?? app?.namespace ?? defaults.namespace;
  const workloadChoice = chooseWorkload(found.workloads, {
    terms,
    question,
    defaults,
    ...(namespace ? { namespace } : {}),
    ...(app ? { app } : {}),
  });
  const { workload } = workloadChoice;

  const namespaceGuess = namespace ?? workload?.namespace ?? (app ? undefined : await namespaceNamed(terms, tools));
  if (!app && !workload && !namespaceGuess && namesOnlyPlaces(terms, tools)) {
    const estate = await collectEstate(tools, defaults);
    if (estate.isAllFailedRetryably) throw failedRetryably('look-up of the estate');
    const swept = chooseFromEstate(estate, question, environmentOf(question), defaults);
    return {
      kind: 'resolved',
      entities: { ...swept, unreachable: [...new Set([...found.unreachable, ...estate.unreachable])] },
    };
  }
  const clusterGuess =
    workload?.cluster ??
    defaults.cluster ??
    tools.instancesOf('find_workloads').find((instance) => matchesLocation(instance, question));
  const entities: Entities = {
    ...(app
      ? {
          app: {
            name: app.name,
            instance: app.instance,
            ...(app.namespace ? { namespace: app.namespace } : {}),
            ...(app.health ? { health: app.health } : {}),
            ...(app.sync ? { sync: app.sync } : {}),
          },
        }
      : {}),
    related: appChoice.related.map((candidate) => ({
      name: candidate.name,
      instance: candidate.instance,
      ...(candidate.namespace ? { namespace: candidate.namespace } : {}),
    })),
    ...(workload ? { workload } : {}),
    ...(namespaceGuess ? { namespace: namespaceGuess } : {}),
    ...(clusterGuess ? { cluster: clusterGuess } : {}),
    alternatives: [...appChoice.alternatives, ...workloadChoice.alternatives],
    ...(appChoice.choices.length > 0 ? { choices: appChoice.choices } : {}),
    unreachable: [...found.unreachable],
  };
  return { kind: 'resolved', entities };
}
