import {
  minutesBetween,
  RcaDocumentSchema,
  type ActionItem,
  type RcaDocument,
  type SectionKey,
  type Source,
} from './rca-document.js';
import type { RcaRecords } from './rca-records.js';
import {
  introducingChange,
  readRecordFacts,
  type Deployment,
  type FailedSync,
  type RecordFacts,
} from './record-facts.js';
import { buildTimeline, messageSource, withoutMentions } from './timeline.js';

function clip(text: string, limit: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= limit ? flat : `${flat.slice(0, limit - 1)}…`;
}

function firstSentence(text: string): string {
  const match = /^(.+?[.!?])(\s|$)/.exec(text.trim());
  return (match?.[1] ?? text).trim();
}

function changeSource(change: Deployment | FailedSync): Source {
  const revision = change.revision ?? '';
  if (revision) return { kind: 'commit', ref: revision, ...(change.commitUrl ? { url: change.commitUrl } : {}) };
  return { kind: 'tool-call', ref: String(change.toolCallId) };
}

function describeChange(change: Deployment | FailedSync): string {
  const revision = change.revision ? `revision ${change.revision.slice(0, 7)}` : 'a change';
  const message = 'commitMessage' in change ? change.commitMessage : 'message' in change ? change.message : undefined;
  const quoted = message && !('phase' in change) ? ` ("${clip(message, 120)}")` : '';
  const commit = 'phase' in change && change.commitMessage ? ` ("${clip(change.commitMessage, 120)}")` : '';
  const when = change.at ? ` at ${change.at.slice(0, 16).replace('T', ' ')} UTC` : '';
  const outcome = 'phase' in change ? `, whose sync ended ${change.phase}` : '';
  return `Deployment of ${revision}${quoted}${commit} to ${change.app}${when}${outcome}.`;
}

/** The app the investigation is about: the unhealthy one first, else the first one read. */
function serviceOf(records: RcaRecords, facts: RecordFacts): string | undefined {
  const unhealthy = facts.apps.find((app) => app.health && app.health !== 'Healthy');
  return unhealthy?.app ?? facts.apps[0]?.app ?? records.investigation.answer?.instances?.[0];
}

function incidentStart(records: RcaRecords, facts: RecordFacts, change?: Deployment | FailedSync): string {
  const warnings = facts.events.filter((event) => event.type === 'Warning' && event.at).map((event) => event.at ?? '');
  const candidates = [change?.at, ...warnings].filter((time): time is string => Boolean(time)).sort();
  const first = candidates[0];
  return first && first <= records.investigation.startedAt ? first : records.investigation.startedAt;
}

function resolvedAt(records: RcaRecords): { at: string; source: Source; text: string } | undefined {
  const merged = records.pullRequests.filter((pr) => pr.kind === 'fix' && pr.status === 'merged');
  const last = merged.sort((a, b) => a.updatedAt.localeCompare(b.updatedAt)).at(-1);
  if (!last) return undefined;
  return {
    at: last.updatedAt,
    source: { kind: 'pull-request', ref: last.id, ...(last.url ? { url: last.url } : {}) },
    text: `The fix PR "${clip(last.title, 200)}" was merged and Argo CD synced it.`,
  };
}

function actionItems(records: RcaRecords): ActionItem[] {
  const answer = records.investigation.answer;
  const items = (answer?.nextSteps ?? []).map((step) => ({ text: clip(step, 600), owner: '', due: '', ticket: '' }));
  if (answer?.fix && !records.pullRequests.some((pr) => pr.kind === 'fix' && pr.status === 'merged'))
    items.unshift({ text: clip(`Apply the fix: ${answer.fix.description}`, 600), owner: '', due: '', ticket: '' });
  items.push({
    text: 'Add an alert that fires on this failure before anyone has to ask.',
    owner: '',
    due: '',
    ticket: '',
  });
  return items.slice(0, 10);
}

function lessons(records: RcaRecords, minutesToDetect: number | undefined) {
  const { investigation, corrections, feedback } = records;
  const wentWell: string[] = [];
  const wentWrong: string[] = [];
  const answered = minutesBetween(investigation.startedAt, investigation.finishedAt);
  if (investigation.answer?.rootCause && answered !== undefined)
    wentWell.push(
      `sre-bot answered ${answered < 1 ? 'within a minute' : `${answered} minutes`} after the question, ` +
        `with ${investigation.answer.confidence ?? 'unknown'} confidence.`,
    );
  const helpful = feedback.filter((vote) => vote.rating === 'helpful').length;
  if (helpful > 0) wentWell.push(`${helpful} responder(s) marked the answer helpful.`);
  if (minutesToDetect !== undefined && minutesToDetect > 0)
    wentWrong.push(`The fault was live for ${minutesToDetect} minutes before anyone asked; no alert caught it.`);
  if (corrections.length > 0) wentWrong.push("sre-bot's first root cause was corrected by a responder.");
  return { wentWell, wentWrong, gotLucky: [] };
}

function narrative(records: RcaRecords, facts: RecordFacts, service: string | undefined, start: string) {
  const answer = records.investigation.answer;
  const correction = records.corrections.at(-1);
  const rootCause = correction?.rootCause ?? answer?.rootCause ?? '';
  const app = facts.apps.find((state) => state.app === service);
  const state = app?.health && app.health !== 'Healthy' ? `${app.health.toLowerCase()}` : 'failing';
  const subject = service ? `The ${service} service` : 'A service';
  const cause = rootCause ? ` ${firstSentence(withoutMentions(rootCause))}` : '';
  const summary = clip(`${subject} was ${state} from ${start.slice(0, 16).replace('T', ' ')} UTC.${cause}`, 800);
  const warningObjects = [...new Set(facts.events.filter((e) => e.type === 'Warning').map((e) => e.object))];
  const impactParts = [
    app?.health ? `Argo CD reported ${app.app} as ${app.health}${app.sync ? ` and ${app.sync}` : ''}.` : '',
    warningObjects.length > 0 ? `Warnings on ${warningObjects.slice(0, 5).join(', ')}.` : '',
    'Users and business impact: to be confirmed by the service owner.',
  ];
  const factors = [
    ...(correction && answer?.rootCause ? [`sre-bot first said: ${clip(answer.rootCause, 400)}`] : []),
    ...(answer?.notes ?? []).slice(0, 3).map((note) => clip(note, 600)),
  ];
  return { summary, impact: impactParts.filter(Boolean).join(' '), rootCause: clip(rootCause, 2_000), factors };
}

function citationsOf(records: RcaRecords, change?: Deployment | FailedSync): Record<string, Source[]> {
  const investigation: Source = { kind: 'investigation', ref: records.investigation.id };
  const correction = records.corrections.at(-1);
  const rootCause: Source[] = correction ? [{ kind: 'correction', ref: correction.id }] : [investigation];
  return {
    summary: [investigation],
    rootCause,
    ...(change ? { trigger: [changeSource(change)] } : {}),
    detection: [messageSource(records, records.investigation.thread)],
  };
}

/**
 * Triage mode: every section the records support, written deterministically, and `needsHuman`
 * naming the sections only a person can finish (severity, business impact, owners and dates).
 */
export function draftFromRecords(records: RcaRecords): RcaDocument {
  const facts = readRecordFacts(records.toolCalls);
  const change = introducingChange(facts);
  const service = serviceOf(records, facts);
  const start = incidentStart(records, facts, change);
  const resolved = resolvedAt(records);
  const minutesToDetect = minutesBetween(start, records.investigation.startedAt);
  const text = narrative(records, facts, service, start);
  const needsHuman: SectionKey[] = ['severity', 'impact', 'actionItems', 'lessons'];
  if (!resolved) needsHuman.push('resolution');
  if (!text.rootCause) needsHuman.push('rootCause');
  if (!change) needsHuman.push('trigger');
  const channel = records.investigation.channel ? ` in channel ${records.investigation.channel}` : '';
  const fix = records.investigation.answer?.fix?.description;
  return RcaDocumentSchema.parse({
    title: clip(`${service ?? 'Incident'}: ${firstSentence(text.rootCause || records.investigation.question)}`, 200),
    summary: text.summary,
    impact: text.impact,
    trigger: change ? describeChange(change) : '',
    rootCause: text.rootCause,
    contributingFactors: text.factors,
    detection: {
      startedAt: start,
      detectedAt: records.investigation.startedAt,
      text:
        `Detected when a requester asked sre-bot${channel}` +
        (minutesToDetect !== undefined ? `, ${minutesToDetect} minutes after the fault began.` : '.'),
    },
    // Older deployments are history, not this incident: the timeline starts with the fault.
    timeline: buildTimeline(records, facts).filter((row) => row.at >= start),
    resolution: resolved
      ? { resolvedAt: resolved.at, text: resolved.text }
      : { text: fix ? `Not yet confirmed. Proposed fix: ${clip(fix, 800)}` : '' },
    actionItems: actionItems(records),
    lessons: lessons(records, minutesToDetect),
    citations: { ...citationsOf(records, change), ...(resolved ? { resolution: [resolved.source] } : {}) },
    needsHuman,
    ...(service ? { service } : {}),
    mode: 'triage',
  });
}
