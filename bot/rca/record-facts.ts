import { z } from 'zod';
import type { RecordedToolCall } from './rca-records.js';

/**
 * Facts an RCA reads from recorded tool results: the deployment history with commit metadata,
 * the last sync operation and the Kubernetes / Argo CD events. Each shape is checked with zod;
 * a result that does not match is skipped (the draft then says less, never something wrong).
 */

const historyEntry = z.object({
  id: z.union([z.string(), z.number()]).transform(String),
  revision: z.string(),
  deployedAt: z.string().optional(),
  message: z.string().optional(),
});

const application = z.object({
  name: z.string(),
  health: z.string().optional(),
  sync: z.string().optional(),
  source: z.object({ repoURL: z.string().optional() }).optional(),
  operation: z
    .object({
      phase: z.string().optional(),
      message: z.string().optional(),
      startedAt: z.string().optional(),
      finishedAt: z.string().optional(),
      revision: z.string().optional(),
      commit: z.object({ message: z.string().optional() }).optional(),
    })
    .optional(),
  history: z.array(historyEntry).default([]),
});

const eventGroup = z.object({
  type: z.string(),
  reason: z.string(),
  object: z.union([z.string(), z.object({ kind: z.string(), name: z.string() })]),
  message: z.string(),
  count: z.number(),
  lastSeen: z.string().optional(),
});

const eventLists = z.union([
  z.object({ groups: z.array(eventGroup) }),
  z.object({ warningEvents: z.array(eventGroup) }),
]);

export interface Deployment {
  app: string;
  revision: string;
  at?: string;
  message?: string;
  commitUrl?: string;
  toolCallId: number;
}

export interface FailedSync {
  app: string;
  phase: string;
  message?: string;
  revision?: string;
  commitMessage?: string;
  at?: string;
  commitUrl?: string;
  toolCallId: number;
}

export interface EventFact {
  type: string;
  reason: string;
  object: string;
  message: string;
  count: number;
  at?: string;
  toolCallId: number;
}

export interface AppState {
  app: string;
  health?: string;
  sync?: string;
  toolCallId: number;
}

export interface RecordFacts {
  deployments: Deployment[];
  failedSyncs: FailedSync[];
  events: EventFact[];
  apps: AppState[];
}

/** A browsable commit URL for the common git hosts, when the repository URL is an https one. */
export function commitUrl(repoUrl: string | undefined, revision: string): string | undefined {
  if (!repoUrl || !/^[0-9a-f]{7,40}$/i.test(revision)) return undefined;
  const match = /^https:\/\/(github\.com|gitlab\.com|bitbucket\.org)\/([\w.-]+\/[\w.-]+?)(\.git)?\/?$/.exec(repoUrl);
  if (!match) return undefined;
  return match[1] === 'bitbucket.org'
    ? `https://${match[1]}/${match[2]}/commits/${revision}`
    : `https://${match[1]}/${match[2]}/commit/${revision}`;
}

function isoOrUndefined(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const time = Date.parse(value);
  return Number.isFinite(time) ? new Date(time).toISOString() : undefined;
}

function readApplication(call: RecordedToolCall, facts: RecordFacts): void {
  const parsed = application.safeParse(call.result);
  if (!parsed.success) return;
  const app = parsed.data;
  const repo = app.source?.repoURL;
  facts.apps.push({ app: app.name, health: app.health, sync: app.sync, toolCallId: call.id });
  for (const entry of app.history) {
    facts.deployments.push({
      app: app.name,
      revision: entry.revision,
      at: isoOrUndefined(entry.deployedAt),
      message: entry.message,
      commitUrl: commitUrl(repo, entry.revision),
      toolCallId: call.id,
    });
  }
  const operation = app.operation;
  if (operation?.phase && /fail|error/i.test(operation.phase)) {
    facts.failedSyncs.push({
      app: app.name,
      phase: operation.phase,
      message: operation.message,
      revision: operation.revision,
      commitMessage: operation.commit?.message,
      at: isoOrUndefined(operation.finishedAt ?? operation.startedAt),
      commitUrl: operation.revision ? commitUrl(repo, operation.revision) : undefined,
      toolCallId: call.id,
    });
  }
}

function readEvents(call: RecordedToolCall, facts: RecordFacts): void {
  const parsed = eventLists.safeParse(call.result);
  if (!parsed.success) return;
  const groups = 'groups' in parsed.data ? parsed.data.groups : parsed.data.warningEvents;
  for (const group of groups) {
    facts.events.push({
      type: group.type,
      reason: group.reason,
      object: typeof group.object === 'string' ? group.object : `${group.object.kind}/${group.object.name}`,
      message: group.message,
      count: group.count,
      at: isoOrUndefined(group.lastSeen),
      toolCallId: call.id,
    });
  }
}

/** Reads deployments, failed syncs, events and app states from every successful recorded call. */
export function readRecordFacts(calls: readonly RecordedToolCall[]): RecordFacts {
  const facts: RecordFacts = { deployments: [], failedSyncs: [], events: [], apps: [] };
  for (const call of calls) {
    if (call.outcome !== 'ok' || call.result === undefined) continue;
    if (call.tool === 'get_application' || call.tool === 'get_application_history') readApplication(call, facts);
    if (['list_events', 'get_application_events', 'describe_workload'].includes(call.tool)) readEvents(call, facts);
  }
  const seen = new Set<string>();
  facts.deployments = facts.deployments.filter((deployment) => {
    const key = `${deployment.app}@${deployment.revision}@${deployment.at ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const seenEvents = new Set<string>();
  facts.events = facts.events.filter((event) => {
    const key = `${event.object}|${event.reason}|${event.message}`;
    if (seenEvents.has(key)) return false;
    seenEvents.add(key);
    return true;
  });
  return facts;
}

/**
 * The change that most likely introduced the fault: a failed sync's commit, else the newest
 * deployment at or before the first warning event (or the newest deployment when no event has a time).
 */
export function introducingChange(facts: RecordFacts): Deployment | FailedSync | undefined {
  const failed = facts.failedSyncs.find((sync) => sync.revision);
  if (failed) return failed;
  const warnings = facts.events.filter((event) => event.type === 'Warning' && event.at).map((event) => event.at ?? '');
  const firstWarning = warnings.sort()[0];
  const dated = facts.deployments
    .filter((deployment) => deployment.at)
    .sort((a, b) => (b.at ?? '').localeCompare(a.at ?? ''));
  return firstWarning ? (dated.find((deployment) => (deployment.at ?? '') <= firstWarning) ?? dated[0]) : dated[0];
}
