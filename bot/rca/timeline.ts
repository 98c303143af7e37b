import type { Source, TimelineRow } from './rca-document.js';
import { slackTsToIso, type RcaRecords } from './rca-records.js';
import type { RecordFacts } from './record-facts.js';

const MAX_EVENT_ROWS = 20;
const MAX_MESSAGE_ROWS = 20;

function clip(text: string, limit: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= limit ? flat : `${flat.slice(0, limit - 1)}…`;
}

/** People appear as roles: Slack mentions in quoted messages become "a teammate". */
export function withoutMentions(text: string): string {
  return text.replace(/<@[UW][A-Z0-9]+(\|[^>]*)?>/g, 'a teammate');
}

const short = (revision: string) => revision.slice(0, 7);

/** The source of a thread message, or of the investigation when it has no thread. */
export function messageSource(records: RcaRecords, ts: string | undefined, url?: string): Source {
  const { channel, id } = records.investigation;
  if (channel && ts) return { kind: 'message', ref: `${channel}/${ts}`, ...(url ? { url } : {}) };
  return { kind: 'investigation', ref: id };
}

function deploymentRows(facts: RecordFacts): TimelineRow[] {
  const rows: TimelineRow[] = [];
  for (const deployment of facts.deployments) {
    if (!deployment.at) continue;
    const message = deployment.message ? ` ("${clip(deployment.message, 120)}")` : '';
    rows.push({
      at: deployment.at,
      actor: 'Argo CD',
      text: `Deployed revision ${short(deployment.revision)}${message} to ${deployment.app}.`,
      source: {
        kind: 'commit',
        ref: deployment.revision,
        ...(deployment.commitUrl ? { url: deployment.commitUrl } : {}),
      },
    });
  }
  for (const sync of facts.failedSyncs) {
    if (!sync.at) continue;
    const revision = sync.revision ? ` of revision ${short(sync.revision)}` : '';
    rows.push({
      at: sync.at,
      actor: 'Argo CD',
      text: clip(`Sync${revision} of ${sync.app} ended ${sync.phase}: ${sync.message ?? 'no message'}`, 600),
      source: sync.revision
        ? { kind: 'commit', ref: sync.revision, ...(sync.commitUrl ? { url: sync.commitUrl } : {}) }
        : { kind: 'sync', ref: `${sync.app}#tool-call-${sync.toolCallId}` },
    });
  }
  return rows;
}

function eventRows(facts: RecordFacts): TimelineRow[] {
  return facts.events
    .filter((event) => event.at)
    .sort((a, b) => (a.at ?? '').localeCompare(b.at ?? ''))
    .slice(0, MAX_EVENT_ROWS)
    .map((event) => ({
      at: event.at ?? '',
      actor: 'Kubernetes',
      text: clip(`${event.type} ${event.reason} on ${event.object} (×${event.count}): ${event.message}`, 600),
      source: { kind: 'event', ref: `${event.object}:${event.reason}` },
    }));
}

function investigationRows(records: RcaRecords): TimelineRow[] {
  const { investigation, toolCalls } = records;
  const rows: TimelineRow[] = [
    {
      at: investigation.startedAt,
      actor: 'requester',
      text: clip(`Asked sre-bot: "${investigation.question}"`, 600),
      source: messageSource(records, investigation.thread),
    },
  ];
  const first = toolCalls[0];
  if (first) {
    const failed = toolCalls.filter((call) => call.outcome !== 'ok').length;
    const instances = [...new Set(toolCalls.map((call) => call.instance).filter(Boolean))];
    const where = instances.length > 0 ? ` across ${instances.join(', ')}` : '';
    rows.push({
      at: first.calledAt,
      actor: 'sre-bot',
      text: `Gathered evidence: ${toolCalls.length} tool calls${where}${failed > 0 ? `, ${failed} unanswered` : ''}.`,
      source: { kind: 'tool-call', ref: String(first.id) },
    });
  }
  const rootCause = investigation.answer?.rootCause;
  if (investigation.finishedAt && rootCause) {
    rows.push({
      at: investigation.finishedAt,
      actor: 'sre-bot',
      text: clip(`Answered in the thread: ${rootCause}`, 600),
      source: { kind: 'investigation', ref: investigation.id },
    });
  }
  return rows;
}

function followUpRows(records: RcaRecords): TimelineRow[] {
  const rows: TimelineRow[] = [];
  for (const correction of records.corrections)
    rows.push({
      at: correction.createdAt,
      actor: 'responder',
      text: clip(`Corrected the answer: ${correction.rootCause}`, 600),
      source: { kind: 'correction', ref: correction.id },
    });
  for (const approval of records.approvals)
    if (approval.decidedAt)
      rows.push({
        at: approval.decidedAt,
        actor: 'on-call engineer',
        text: `Decided on ${approval.action}: ${approval.status}.`,
        source: { kind: 'approval', ref: approval.id },
      });
  for (const pr of records.pullRequests) {
    const source: Source = { kind: 'pull-request', ref: pr.id, ...(pr.url ? { url: pr.url } : {}) };
    rows.push({ at: pr.createdAt, actor: 'sre-bot', text: clip(`Opened ${pr.kind} PR: ${pr.title}`, 600), source });
    if (pr.status === 'merged')
      rows.push({ at: pr.updatedAt, actor: 'on-call engineer', text: clip(`Merged: ${pr.title}`, 600), source });
  }
  return rows;
}

function messageRows(records: RcaRecords): TimelineRow[] {
  const { asker, thread } = records.investigation;
  return records.messages
    .filter((message) => !message.isBot && message.ts !== thread && message.text.trim() !== '')
    .slice(0, MAX_MESSAGE_ROWS)
    .flatMap((message) => {
      const at = slackTsToIso(message.ts);
      if (!at) return [];
      return [
        {
          at,
          actor: message.user && message.user === asker ? 'requester' : 'responder',
          text: clip(`Wrote in the thread: ${withoutMentions(message.text)}`, 600),
          source: messageSource(records, message.ts, message.url),
        },
      ];
    });
}

/** Every timeline row the records support, oldest first, each with its source. */
export function buildTimeline(records: RcaRecords, facts: RecordFacts): TimelineRow[] {
  return [
    ...deploymentRows(facts),
    ...eventRows(facts),
    ...investigationRows(records),
    ...followUpRows(records),
    ...messageRows(records),
  ].sort((a, b) => a.at.localeCompare(b.at));
}
