import { parseAllDocuments, stringify } from 'yaml';
import { redactText, redactValue } from '../../redaction/index.js';
import type { StoredToolCall } from '../store/tool-calls-repository.js';

/** One tool result kept in a snapshot: which tool, where, with what, and what it returned. */
export interface SnapshotEntry {
  tool: string;
  instance?: string;
  arguments: Record<string, unknown>;
  data: unknown;
}

/** The Argo CD app the investigation was about, as get_application reported it. */
export interface SnapshotApp {
  instance: string;
  name: string;
  project?: string;
  cluster?: string;
  namespace?: string;
  source?: { repoURL?: string; path?: string; targetRevision?: string };
  revision?: string;
  autoSync?: { prune: boolean; selfHeal: boolean };
}

/**
 * What one investigation gathered, redacted, grouped the way a scenario is written: the app and
 * its state, the objects described, the events, the log lines, the history (deployments,
 * rollouts), policy results and, when a Git host could be read, the app's source files at the
 * synced revision. Version 1.
 */
export interface InvestigationSnapshot {
  version: 1;
  investigationId: string;
  question: string;
  takenAt: string;
  app?: SnapshotApp;
  appState: SnapshotEntry[];
  objects: SnapshotEntry[];
  events: SnapshotEntry[];
  logs: SnapshotEntry[];
  history: SnapshotEntry[];
  policies: SnapshotEntry[];
  /** Source files of the app (path → text), redacted. */
  sources: Record<string, string>;
  /**
   * Estate objects outside the app that the evidence named (a quota, a Kyverno policy), read
   * after the investigation so a replay enforces them; not evidence the investigation saw itself.
   */
  estate?: SnapshotEntry[];
  /** The app's files at the revision deployed before the synced one, when the sync history has one. */
  previous?: { revision: string; deployedAt?: string; sources: Record<string, string> };
}

const GROUP_OF: Record<
  string,
  keyof Pick<InvestigationSnapshot, 'appState' | 'objects' | 'events' | 'logs' | 'history' | 'policies'>
> = {
  get_application: 'appState',
  get_application_diff: 'appState',
  get_application_tree: 'appState',
  list_applications: 'appState',
  describe_workload: 'objects',
  get_resource: 'objects',
  list_resources: 'objects',
  find_workloads: 'objects',
  check_service: 'objects',
  get_namespace_health: 'objects',
  explain_admission_denial: 'policies',
  list_policy_violations: 'policies',
  list_policies: 'policies',
  list_events: 'events',
  get_application_events: 'events',
  get_pod_logs: 'logs',
  get_application_logs: 'logs',
  get_rollout_history: 'history',
};

/**
 * The one redaction step every snapshot and generated scenario passes through: the shared
 * redaction library (`redaction/`), whose structural rules already blank Secret `data` and
 * `stringData` and the value of an env entry whose name says secret, before the text rules.
 */
export function redactForSnapshot<T>(value: T): T {
  return redactValue(value);
}

/** A YAML source file redacted document by document (structure kept), or as text when it is not YAML. */
export function redactSourceFile(path: string, text: string): string {
  if (!/\.ya?ml$/i.test(path)) return redactText(text);
  try {
    const documents = parseAllDocuments(text);
    if (!Array.isArray(documents) || documents.some((document) => document.errors.length > 0)) return redactText(text);
    return documents
      .map((document) => stringify(redactForSnapshot(document.toJS() as unknown), { lineWidth: 0 }))
      .join('---\n');
  } catch {
    // Not YAML after all: the library's text rules (env entries written `name:` then `value:` included).
    return redactText(text);
  }
}

function appOf(entry: SnapshotEntry): SnapshotApp | undefined {
  const data = entry.data as Record<string, unknown> | undefined;
  if (!data || typeof data['name'] !== 'string' || !entry.instance) return undefined;
  const destination = (data['destination'] ?? {}) as { name?: string; server?: string; namespace?: string };
  let cluster = destination.name;
  if (!cluster && destination.server) {
    try {
      cluster = new URL(destination.server).hostname.split('.')[0];
    } catch {
      cluster = undefined;
    }
  }
  const source = data['source'] as SnapshotApp['source'] | undefined;
  const app: SnapshotApp = { instance: entry.instance, name: data['name'] };
  if (typeof data['project'] === 'string') app.project = data['project'];
  if (cluster) app.cluster = cluster;
  if (destination.namespace) app.namespace = destination.namespace;
  if (source) app.source = source;
  const revision = data['fullRevision'] ?? data['revision'];
  if (typeof revision === 'string' && /^[0-9a-f]{7,40}$/.test(revision)) app.revision = revision;
  const autoSync = data['autoSync'] as SnapshotApp['autoSync'];
  if (autoSync) app.autoSync = autoSync;
  return app;
}

/**
 * Builds the snapshot from the investigation's audited tool calls (their structured results),
 * redacted through `redactForSnapshot`. The app is the first get_application answer naming the
 * app the question resolved to (`appName`), else the first one.
 */
export function buildSnapshot(input: {
  investigationId: string;
  question: string;
  calls: readonly StoredToolCall[];
  takenAt: Date;
  appName?: string;
  sources?: Record<string, string>;
  /** Objects read after the investigation for what it named (see `referencedObjects`). */
  referenced?: readonly SnapshotEntry[];
  previous?: { revision: string; deployedAt?: string; sources: Record<string, string> };
}): InvestigationSnapshot {
  const snapshot: InvestigationSnapshot = {
    version: 1,
    investigationId: input.investigationId,
    question: input.question,
    takenAt: input.takenAt.toISOString(),
    appState: [],
    objects: [],
    events: [],
    logs: [],
    history: [],
    policies: [],
    sources: {},
  };
  for (const call of input.calls) {
    if (call.outcome !== 'ok' || call.result === undefined) continue;
    const group = GROUP_OF[call.tool];
    if (!group) continue;
    const entry: SnapshotEntry = {
      tool: call.tool,
      arguments: call.arguments,
      data: call.result,
      ...(call.instance ? { instance: call.instance } : {}),
    };
    snapshot[group].push(entry);
    if (call.tool === 'get_application') {
      const app = appOf(entry);
      if (
        app &&
        (!snapshot.app || (input.appName && app.name === input.appName && snapshot.app.name !== input.appName))
      )
        snapshot.app = app;
    }
  }
  if (input.referenced && input.referenced.length > 0) snapshot.estate = [...input.referenced];
  const redacted = redactForSnapshot(snapshot);
  for (const [path, text] of Object.entries(input.sources ?? {})) redacted.sources[path] = redactSourceFile(path, text);
  if (input.previous) {
    const { revision, deployedAt, sources } = input.previous;
    redacted.previous = {
      revision,
      ...(deployedAt ? { deployedAt } : {}),
      sources: Object.fromEntries(Object.entries(sources).map(([path, text]) => [path, redactSourceFile(path, text)])),
    };
  }
  return redacted;
}

/** The app's sync history as get_application reported it, oldest first. */
export function deployHistory(snapshot: InvestigationSnapshot): Array<{ revision?: string; deployedAt?: string }> {
  return snapshot.appState
    .filter((entry) => entry.tool === 'get_application')
    .flatMap((entry) => (entry.data as { history?: Array<{ revision?: string; deployedAt?: string }> }).history ?? [])
    .sort((a, b) => Date.parse(a.deployedAt ?? '') - Date.parse(b.deployedAt ?? ''));
}

/** The revision deployed before the synced one, with when, if the history has one. */
export function previousDeploy(snapshot: InvestigationSnapshot): { revision: string; deployedAt?: string } | undefined {
  const history = deployHistory(snapshot);
  const current = snapshot.app?.revision;
  const index = current ? history.findIndex((item) => item.revision === current) : history.length - 1;
  const before = history
    .slice(0, index < 0 ? history.length : index)
    .reverse()
    .find((item) => item.revision && item.revision !== current);
  return before?.revision
    ? { revision: before.revision, ...(before.deployedAt ? { deployedAt: before.deployedAt } : {}) }
    : undefined;
}

/** Log lines the snapshot holds: describe_workload's crash logs, then the pod logs read, deduplicated. */
export function snapshotLogLines(snapshot: InvestigationSnapshot): string[] {
  const fromDescribe = snapshot.objects
    .filter((entry) => entry.tool === 'describe_workload')
    .flatMap((entry) =>
      ((entry.data as { crashLogs?: Array<{ lines?: string[] }> }).crashLogs ?? []).flatMap((log) => log.lines ?? []),
    );
  const fromLogs = snapshot.logs.flatMap((entry) => (entry.data as { lines?: string[] }).lines ?? []);
  return [...new Set([...fromDescribe, ...fromLogs])].slice(0, 20);
}
