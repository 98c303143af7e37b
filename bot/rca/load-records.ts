import type { Answer } from '../agent/answer.js';
import { BotError } from '../errors.js';
import { toDate, toOptionalDate } from '../store/rows.js';
import type { Store } from '../store/store.js';
import type { RcaRecords, ThreadMessage } from './rca-records.js';

const iso = (date: Date) => date.toISOString();

async function approvalsFor(store: Store, investigationId: string): Promise<RcaRecords['approvals']> {
  const { rows } = await store.db.query(
    `SELECT id, action, status, created_at, decided_at FROM approvals WHERE investigation_id = $1 ORDER BY created_at`,
    [investigationId],
  );
  return rows.map((row) => {
    const decided = toOptionalDate(row.decided_at);
    return {
      id: String(row.id),
      action: String(row.action),
      status: String(row.status),
      createdAt: iso(toDate(row.created_at)),
      ...(decided ? { decidedAt: iso(decided) } : {}),
    };
  });
}

/** Fix and skill PRs with the time of their last state change (a merge, for a merged one). */
async function pullRequestsFor(store: Store, investigationId: string): Promise<RcaRecords['pullRequests']> {
  const { rows } = await store.db.query(
    `SELECT id, kind, title, status, url, created_at, updated_at FROM pull_requests
     WHERE investigation_id = $1 ORDER BY created_at`,
    [investigationId],
  );
  return rows.map((row) => ({
    id: String(row.id),
    kind: String(row.kind),
    title: String(row.title),
    status: String(row.status),
    createdAt: iso(toDate(row.created_at)),
    updatedAt: iso(toDate(row.updated_at)),
    ...(typeof row.url === 'string' ? { url: row.url } : {}),
  }));
}

async function feedbackFor(store: Store, investigationId: string): Promise<RcaRecords['feedback']> {
  const { rows } = await store.db.query(
    `SELECT rating, created_at FROM feedback WHERE investigation_id = $1 ORDER BY created_at`,
    [investigationId],
  );
  return rows.map((row) => ({
    rating: row.rating as 'helpful' | 'not_helpful',
    createdAt: iso(toDate(row.created_at)),
  }));
}

/**
 * Reads every record an RCA may cite for one investigation. Thread messages come from the
 * caller (the Slack wing reads the thread); the CLI drafts without them.
 */
export async function loadRcaRecords(
  store: Store,
  investigationId: string,
  extra: { messages?: readonly ThreadMessage[]; team?: string } = {},
): Promise<RcaRecords> {
  const investigation = await store.investigations.get(investigationId);
  if (!investigation) throw new BotError('not_found', `investigation ${investigationId} does not exist`);
  if (investigation.status === 'queued' || investigation.status === 'running')
    throw new BotError(
      'invalid_input',
      `investigation ${investigationId} is still ${investigation.status}; draft the RCA once it has answered`,
    );
  const [toolCalls, corrections, pullRequests, approvals, feedback] = await Promise.all([
    store.toolCalls.listForInvestigation(investigationId),
    store.corrections.listForInvestigation(investigationId),
    pullRequestsFor(store, investigationId),
    approvalsFor(store, investigationId),
    feedbackFor(store, investigationId),
  ]);
  const answer = investigation.answer as Partial<Answer> | undefined;
  return {
    investigation: {
      id: investigation.id,
      question: investigation.question,
      status: investigation.status,
      startedAt: iso(investigation.startedAt),
      ...(investigation.finishedAt ? { finishedAt: iso(investigation.finishedAt) } : {}),
      ...(investigation.userId ? { asker: investigation.userId } : {}),
      ...(investigation.channel ? { channel: investigation.channel } : {}),
      ...(investigation.thread ? { thread: investigation.thread } : {}),
      ...(investigation.traceId ? { traceId: investigation.traceId } : {}),
      ...(answer && typeof answer === 'object' ? { answer } : {}),
    },
    toolCalls: toolCalls.map((call) => ({
      id: call.id,
      tool: call.tool,
      outcome: call.outcome,
      calledAt: iso(call.calledAt),
      ...(call.instance ? { instance: call.instance } : {}),
      ...(call.result !== undefined ? { result: call.result } : {}),
    })),
    corrections: corrections.map((correction) => ({
      id: correction.id,
      rootCause: correction.correctRootCause,
      createdAt: iso(correction.createdAt),
      ...(correction.details ? { details: correction.details } : {}),
    })),
    feedback,
    approvals,
    pullRequests,
    messages: [...(extra.messages ?? [])],
    ...(extra.team ? { team: extra.team } : {}),
  };
}
