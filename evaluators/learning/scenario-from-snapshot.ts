import { parseAllDocuments, stringify } from 'yaml';
import { significantWords } from '../../bot/learning/correction-signals.js';
import {
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
 * that got it OOMKilled), the events that were not about the app kept as noise, the question, and
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
    const limit = mebibytes(container.resources?.limits?.memory);
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
  const ownNames = new Set(
    manifests.map((manifest) => String((manifest['metadata'] as { name?: string } | undefined)?.name)),
  );
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
    clusters: [{ name: app.cluster, namespaces: [app.namespace] }],
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
        {
          message: `${app.name}: sources at ${(app.revision ?? 'HEAD').slice(0, 12)} (from the investigation snapshot)`,
          author: 'sre-bot <sre-bot@example.com>',
          date: '-1d',
          files: snapshot.sources,
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
