import { parseAllDocuments, stringify } from 'yaml';
import { significantWords } from '../../bot/learning/correction-signals.js';
import {
  deployHistory,
  redactForSnapshot,
  snapshotLogLines,
  type InvestigationSnapshot,
  type SnapshotEntry,
} from '../../bot/learning/snapshot.js';
import { scenarioSchema, type Scenario } from '../sandbox/scenario/scenario-schema.js';

/** What the scenario must expect: the corrected cause and skill. */
export interface CorrectedExpect {
  /** The corrected root cause, as the person wrote it. */
  rootCause: string;
  skill: string;
}

/** A generated regression scenario: the parsed scenario and its YAML. */
export interface GeneratedScenario {
  name: string;
  scenario: Scenario;
  yaml: string;
}

type Manifest = Record<string, unknown>;
interface Container {
  name?: string;
  image?: string;
  env?: Array<{ name?: string }>;
  ports?: Array<{ containerPort?: number }>;
  resources?: { limits?: { memory?: string } };
}

function manifestsOf(sources: Record<string, string>): Manifest[] {
  return Object.entries(sources).flatMap(([path, text]) => {
    if (!/\.ya?ml$/i.test(path)) return [];
    return parseAllDocuments(text).flatMap((document) => {
      const value = document.toJS() as unknown;
      return value && typeof value === 'object' && !Array.isArray(value) ? [value as Manifest] : [];
    });
  });
}

function containersOf(manifest: Manifest): Container[] {
  const spec = manifest['spec'] as { template?: { spec?: { containers?: Container[] } } } | undefined;
  return spec?.template?.spec?.containers ?? [];
}

function splitImage(image: string): { repository: string; tag: string } {
  const slash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  return colon > slash
    ? { repository: image.slice(0, colon), tag: image.slice(colon + 1) }
    : { repository: image, tag: 'latest' };
}

function mebibytes(quantity: string | undefined): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(Mi|Gi|M|G)?$/.exec(quantity ?? '');
  if (!match) return undefined;
  const value = Number(match[1]);
  return match[2]?.startsWith('G') ? value * 1024 : value;
}

/** Every string in the gathered data, for finding facts and reading states. */
function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const item of value) strings(item, out);
  else if (value && typeof value === 'object') for (const item of Object.values(value)) strings(item, out);
  return out;
}

/** Kinds a cluster makes by itself from the app's objects: never written back into a scenario. */
const DERIVED_KINDS = new Set(['Pod', 'ReplicaSet', 'Event', 'Endpoints', 'EndpointSlice', 'ControllerRevision']);

/** An object as a scenario declares it: kind, name, labels, annotations and spec, no server fields. */
function declaredObject(object: Record<string, unknown>): Record<string, unknown> {
  const { status: _status, metadata, ...rest } = object;
  const meta = (metadata ?? {}) as Record<string, unknown>;
  const keep = Object.fromEntries(
    ['name', 'namespace', 'labels', 'annotations']
      .filter((key) => meta[key] !== undefined)
      .map((key) => [key, meta[key]]),
  );
  return { ...rest, metadata: keep };
}

/**
 * The estate objects outside the app that the investigation read (`get_resource`: the quota a
 * FailedCreate named, the Kyverno policy a denial named, a LimitRange...), as the scenario's cluster
 * objects and policies: the sandbox then enforces them as the real cluster did.
 */
function estateObjectsOf(
  snapshot: InvestigationSnapshot,
  cluster: string,
  own: ReadonlySet<string>,
): { objects: Manifest[]; policies: Manifest[] } {
  const objects: Manifest[] = [];
  const policies: Manifest[] = [];
  const seen = new Set<string>();
  for (const entry of [...snapshot.objects, ...(snapshot.estate ?? [])]) {
    if (entry.tool !== 'get_resource' || (entry.instance && entry.instance !== cluster)) continue;
    const object = (entry.data as { object?: Record<string, unknown> } | undefined)?.object;
    const kind = typeof object?.['kind'] === 'string' ? object['kind'] : undefined;
    const apiVersion = typeof object?.['apiVersion'] === 'string' ? object['apiVersion'] : undefined;
    const name = (object?.['metadata'] as { name?: unknown } | undefined)?.name;
    if (!object || !kind || !apiVersion || typeof name !== 'string' || DERIVED_KINDS.has(kind)) continue;
    const key = `${kind}/${name}`;
    if (own.has(key) || seen.has(key)) continue;
    seen.add(key);
    (apiVersion.startsWith('kyverno.io/') ? policies : objects).push(declaredObject(object));
  }
  return { objects, policies };
}

/** The memory limit each container ran with, as describe_workload reported it (overlays applied). */
function observedLimits(snapshot: InvestigationSnapshot): Map<string, string> {
  const limits = new Map<string, string>();
  for (const entry of snapshot.objects) {
    if (entry.tool !== 'describe_workload') continue;
    const containers = (entry.data as { containers?: Array<{ name?: string; limits?: { memory?: string } }> })
      .containers;
    for (const container of containers ?? [])
      if (container.name && container.limits?.memory) limits.set(container.name, container.limits.memory);
  }
  return limits;
}

/**
 * When the synced revision was deployed, as an offset before the snapshot (`-30m`): the replay's
 * commit gets the same age, so a rollout still within its progress deadline stays so. From the
 * app's sync history (the entry of `revision`, else the newest); `-1d` when it has none.
 */
function deployedAgo(snapshot: InvestigationSnapshot, revision: string | undefined): string {
  const taken = Date.parse(snapshot.takenAt);
  const history = deployHistory(snapshot);
  const synced = history.find((item) => revision && item.revision === revision) ?? history.at(-1);
  const at = Date.parse(synced?.deployedAt ?? '');
  if (Number.isNaN(at) || Number.isNaN(taken) || at > taken) return '-1d';
  return `-${Math.max(1, Math.round((taken - at) / 60_000))}m`;
}

function eventGroups(
  entries: readonly SnapshotEntry[],
): Array<{ entry: SnapshotEntry; group: Record<string, unknown> }> {
  return entries.flatMap((entry) =>
    ((entry.data as { groups?: Array<Record<string, unknown>> }).groups ?? []).map((group) => ({ entry, group })),
  );
}

/**
 * Facts the corrected answer must state: the words of the corrected cause that the gathered data
 * also holds (identifiers first: env var names, object names, ports), at most three.
 */
export function factsFor(rootCause: string, snapshot: InvestigationSnapshot): string[] {
  const haystack = strings([
    snapshot.objects,
    snapshot.events,
    snapshot.logs,
    snapshot.appState,
    snapshot.policies,
    snapshot.sources,
  ])
    .join('\n')
    .toLowerCase();
  const isIdentifier = (word: string) => /[_\d-]/.test(word) || word.length >= 8;
  const words = [...new Set(significantWords(rootCause))].filter((word) => haystack.includes(word));
  const ranked = [...words.filter(isIdentifier), ...words.filter((word) => !isIdentifier(word))];
  const original = (word: string) =>
    new RegExp(word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i').exec(rootCause)?.[0] ?? word;
  return ranked.slice(0, 3).map(original);
}

/**
 * Writes a sandbox scenario from an investigation snapshot: the cluster, namespace and Argo CD
 * app it was about, the app's source files as one commit, image behaviour read from the evidence
 * (the tag that ran, the crash log, env vars the crash names that the manifest lacks, the memory
 * that got it OOMKilled), the estate objects outside the app it read (quotas, Kyverno policies), the
 * events that were not about the app kept as noise, the question, and
 * the corrected `expect`. The result is redacted once more and checked against the scenario schema.
 * Throws when the snapshot lacks what a replay needs (the app, or its files).
 */
export function scenarioFromSnapshot(
  snapshot: InvestigationSnapshot,
  expected: CorrectedExpect,
  options: { name: string },
): GeneratedScenario {
  const app = snapshot.app;
  if (!app?.cluster || !app.namespace || !app.source?.path)
    throw new Error('the snapshot has no Argo CD app with a destination and a source path to replay');
  if (Object.keys(snapshot.sources).length === 0)
    throw new Error(
      `the snapshot has no source files of ${app.name}; configure a Git host for ` +
        `${app.source.repoURL ?? 'its repository'}`,
    );
  const manifests = manifestsOf(snapshot.sources);
  const gathered = strings([snapshot.objects, snapshot.events]).join('\n');
  const crash = snapshotLogLines(snapshot);
  const ranWith = observedLimits(snapshot);
  const images = new Map<string, NonNullable<Scenario['images']>[number]>();
  for (const container of manifests.flatMap(containersOf)) {
    if (!container.image) continue;
    const { repository, tag } = splitImage(container.image);
    const pullFailed = new RegExp(
      `${tag.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[^\\n]*not found|not found[^\\n]*${tag}`,
    ).test(gathered);
    const set = new Set((container.env ?? []).map((variable) => variable.name));
    const requiredEnv = [...new Set(crash.join('\n').match(/\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b/g) ?? [])].filter(
      (name) => !set.has(name),
    );
    // The limit it ran with wins over the base file's (an overlay patch may have cut it).
    const limit = mebibytes((container.name && ranWith.get(container.name)) || container.resources?.limits?.memory);
    const isOomKilled = /OOMKilled/.test(gathered);
    images.set(repository, {
      repository,
      tags: pullFailed ? [`${tag}-previous`] : [tag],
      ...(container.ports?.[0]?.containerPort ? { listenPort: container.ports[0].containerPort } : {}),
      ...(isOomKilled && limit ? { memoryMiB: Math.ceil(limit * 1.5) } : {}),
      ...(requiredEnv.length > 0 ? { requiredEnv } : {}),
      ...(crash.length > 0 && (requiredEnv.length > 0 || isOomKilled) ? { crashLog: crash.slice(-5) } : {}),
    });
  }
  // The deploy before ran its own tags: they exist in the registry (the rollback target of a bad tag).
  for (const container of manifestsOf(snapshot.previous?.sources ?? {}).flatMap(containersOf)) {
    if (!container.image) continue;
    const { repository, tag } = splitImage(container.image);
    const known = images.get(repository);
    if (!known) images.set(repository, { repository, tags: [tag] });
    else if (!known.tags.includes(tag) && !known.tags.includes(`${tag}-previous`)) known.tags.push(tag);
  }
  const ownNames = new Set(
    manifests.map((manifest) => String((manifest['metadata'] as { name?: string } | undefined)?.name)),
  );
  const ownKeys = new Set(
    manifests.map(
      (manifest) =>
        `${String(manifest['kind'])}/${String((manifest['metadata'] as { name?: string } | undefined)?.name)}`,
    ),
  );
  const estate = estateObjectsOf(snapshot, app.cluster, ownKeys);
  const isOwn = (group: Record<string, unknown>) => {
    const object = group['object'];
    const name = typeof object === 'string' ? object.split('/')[1] : (object as { name?: string } | undefined)?.name;
    const owners = (group['owners'] as Array<{ name: string }> | undefined) ?? [];
    return (
      group['argocdApp'] === app.name ||
      [name, ...owners.map((owner) => owner.name)].some(
        (candidate) => candidate && [...ownNames].some((own) => candidate.startsWith(own)),
      )
    );
  };
  const noise = eventGroups(snapshot.events)
    .filter(({ group }) => !isOwn(group))
    .map(({ entry, group }) => {
      const object = group['object'];
      const [kind = 'Pod', name = 'unknown'] =
        typeof object === 'string'
          ? object.split('/')
          : [String((object as { kind?: string }).kind), String((object as { name?: string }).name)];
      return {
        cluster: app.cluster ?? '',
        namespace: String((entry.arguments['namespace'] as string | undefined) ?? app.namespace),
        involvedObject: { kind, name },
        reason: String(group['reason']),
        message: String(group['message']),
        type: group['type'] === 'Normal' ? ('Normal' as const) : ('Warning' as const),
        count: Math.max(1, Number(group['count']) || 1),
      };
    });
  const facts = factsFor(expected.rootCause, snapshot);
  if (facts.length === 0)
    throw new Error(
      'the corrected root cause names nothing the investigation saw; name the object, key or value at fault',
    );
  const draft = {
    name: options.name,
    summary: `Regression from a correction: ${expected.rootCause.replace(/\s+/g, ' ').slice(0, 300)}`,
    question: snapshot.question,
    clusters: [{ name: app.cluster, namespaces: [app.namespace], objects: estate.objects, policies: estate.policies }],
    argocd: [
      {
        name: app.instance,
        apps: [
          {
            name: app.name,
            project: app.project ?? 'default',
            path: app.source.path,
            destination: { cluster: app.cluster, namespace: app.namespace },
            ...(app.autoSync ? { syncPolicy: { automated: app.autoSync } } : {}),
          },
        ],
      },
    ],
    git: {
      ...(app.source.repoURL ? { repoURL: app.source.repoURL } : {}),
      commits: [
        ...(snapshot.previous
          ? [
              {
                message: `${app.name}: sources at ${snapshot.previous.revision.slice(0, 12)} (the deploy before)`,
                author: 'sre-bot <sre-bot@example.com>',
                date: deployedAgo(snapshot, snapshot.previous.revision),
                files: snapshot.previous.sources,
              },
            ]
          : []),
        {
          message: `${app.name}: sources at ${(app.revision ?? 'HEAD').slice(0, 12)} (from the investigation snapshot)`,
          author: 'sre-bot <sre-bot@example.com>',
          date: deployedAgo(snapshot, app.revision),
          files: snapshot.sources,
          delete: Object.keys(snapshot.previous?.sources ?? {}).filter((path) => !(path in snapshot.sources)),
        },
      ],
    },
    images: [...images.values()],
    noise: { events: noise },
    expect: {
      app: { instance: app.instance, name: app.name },
      rootCause: facts,
      skill: expected.skill,
    },
  };
  const scenario = scenarioSchema.parse(redactForSnapshot(draft));
  const { noise: _noise, changes: _changes, ...rest } = scenario;
  const yaml = stringify(
    { ...rest, ...(scenario.noise.events.length > 0 ? { noise: scenario.noise } : {}) },
    { lineWidth: 0, aliasDuplicateObjects: false },
  );
  return { name: options.name, scenario, yaml };
}
