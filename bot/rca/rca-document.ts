import { z } from 'zod';

/**
 * The RCA document as data. Drafters fill it from records, people edit it in Slack and on the
 * page, the linter checks it, and markdown and HTML are rendered from it — so no renderer ever
 * has to trust text as markup.
 */

/** Where a timeline row or a claim came from: a record the bot keeps or saw. */
export const SourceSchema = z.object({
  kind: z.enum([
    'investigation',
    'tool-call',
    'event',
    'commit',
    'sync',
    'message',
    'correction',
    'pull-request',
    'approval',
  ]),
  /** Stable reference: a tool-call id, `Kind/name` of an event, a commit sha, a message ts. */
  ref: z.string().min(1).max(300),
  url: z.string().url().max(500).optional(),
});
export type Source = z.infer<typeof SourceSchema>;

/** One UTC timeline row; the actor is a role ("requester", "sre-bot", "Argo CD"), never a person. */
export const TimelineRowSchema = z.object({
  at: z.iso.datetime(),
  actor: z.string().min(1).max(80),
  text: z.string().min(1).max(600),
  source: SourceSchema,
});
export type TimelineRow = z.infer<typeof TimelineRowSchema>;

/** An action item; owner and due date are what the linter insists on. */
export const ActionItemSchema = z.object({
  text: z.string().min(1).max(600),
  owner: z.string().max(120).default(''),
  /** YYYY-MM-DD, or empty until someone commits to one. */
  due: z.union([z.literal(''), z.iso.date()]).default(''),
  ticket: z.string().max(500).default(''),
});
export type ActionItem = z.infer<typeof ActionItemSchema>;

export const SEVERITIES = ['sev1', 'sev2', 'sev3', 'sev4', 'unknown'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Sections a person reviews; `needsHuman` names the ones the drafter could not fill from records. */
export const SECTION_KEYS = [
  'title',
  'severity',
  'summary',
  'impact',
  'trigger',
  'rootCause',
  'detection',
  'timeline',
  'resolution',
  'actionItems',
  'lessons',
] as const;
export type SectionKey = (typeof SECTION_KEYS)[number];

const text = (max: number) => z.string().max(max).default('');

export const RcaDocumentSchema = z.object({
  title: z.string().min(1).max(200),
  severity: z.enum(SEVERITIES).default('unknown'),
  /** Business terms, one or two sentences. */
  summary: text(800),
  impact: text(2_000),
  trigger: text(1_000),
  rootCause: text(2_000),
  contributingFactors: z.array(z.string().min(1).max(600)).max(20).default([]),
  detection: z
    .object({
      startedAt: z.iso.datetime().optional(),
      detectedAt: z.iso.datetime().optional(),
      text: text(1_000),
    })
    .default({ text: '' }),
  timeline: z.array(TimelineRowSchema).max(200).default([]),
  resolution: z.object({ resolvedAt: z.iso.datetime().optional(), text: text(1_000) }).default({ text: '' }),
  actionItems: z.array(ActionItemSchema).max(30).default([]),
  lessons: z
    .object({
      wentWell: z.array(z.string().min(1).max(400)).max(10).default([]),
      wentWrong: z.array(z.string().min(1).max(400)).max(10).default([]),
      gotLucky: z.array(z.string().min(1).max(400)).max(10).default([]),
    })
    .default({ wentWell: [], wentWrong: [], gotLucky: [] }),
  /** Records a narrative section rests on (model mode cites them; triage fills them in). */
  citations: z.record(z.string(), z.array(SourceSchema).max(20)).default({}),
  needsHuman: z.array(z.enum(SECTION_KEYS)).default([]),
  service: z.string().max(200).optional(),
  mode: z.enum(['triage', 'model']).default('triage'),
  /** Why the draft is not what was asked for (model mode fell back to triage); a review hint. */
  draftNote: z.string().min(1).max(400).optional(),
});
export type RcaDocument = z.infer<typeof RcaDocumentSchema>;

/** Whole minutes from one ISO time to another, when both are known and in order. */
export function minutesBetween(from: string | undefined, to: string | undefined): number | undefined {
  if (!from || !to) return undefined;
  const minutes = Math.round((Date.parse(to) - Date.parse(from)) / 60_000);
  return Number.isFinite(minutes) && minutes >= 0 ? minutes : undefined;
}

/** Time to detect and to recover, derived from the document's own times. */
export function documentDurations(doc: RcaDocument): { minutesToDetect?: number; minutesToRecover?: number } {
  const detect = minutesBetween(doc.detection.startedAt, doc.detection.detectedAt);
  const recover = minutesBetween(doc.detection.startedAt, doc.resolution.resolvedAt);
  return {
    ...(detect !== undefined ? { minutesToDetect: detect } : {}),
    ...(recover !== undefined ? { minutesToRecover: recover } : {}),
  };
}

/** The top-level fields whose values differ between two versions (what an edit changed). */
export function changedFields(before: RcaDocument, after: RcaDocument): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys]
    .filter(
      (key) =>
        JSON.stringify((before as Record<string, unknown>)[key]) !==
        JSON.stringify((after as Record<string, unknown>)[key]),
    )
    .sort();
}
