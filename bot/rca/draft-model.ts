import { z } from 'zod';
import type { ModelClient } from '../agent/ports.js';
import { createUntrustedFence } from '../agent/untrusted.js';
import { BotError } from '../errors.js';
import { RcaDocumentSchema, type RcaDocument, type Source } from './rca-document.js';
import type { RcaRecords } from './rca-records.js';
import { readRecordFacts } from './record-facts.js';

export const SUBMIT_RCA = 'submit_rca';

/** What the model writes: the narrative sections, each citing record references. */
const NarrativeSchema = z.object({
  summary: z.string().min(1).max(800).describe('One or two sentences in business terms, no jargon.'),
  impact: z.string().min(1).max(2_000),
  trigger: z.string().max(1_000),
  rootCause: z.string().min(1).max(2_000),
  contributingFactors: z.array(z.string().min(1).max(600)).max(8),
  lessons: z.object({
    wentWell: z.array(z.string().min(1).max(400)).max(5),
    wentWrong: z.array(z.string().min(1).max(400)).max(5),
  }),
  citations: z
    .record(z.string(), z.array(z.string()).max(10))
    .describe('Per section name, the references (e.g. "tool-call:12", "commit:abc1234") it rests on.'),
});

function toolSchema(): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(NarrativeSchema) as Record<string, unknown>;
  return rest;
}

const SYSTEM = [
  'You write blameless incident reviews (RCAs) for managers, from the records given and nothing else.',
  'Name roles ("the on-call engineer", "a deploy"), never people; never write "human error".',
  'Every section must cite the references of the records it rests on, exactly as given.',
  `Finish by calling ${SUBMIT_RCA}.`,
].join('\n');

/** Records as a numbered list of references the model may cite. */
export function citableRecords(records: RcaRecords, triage: RcaDocument): Map<string, Source> {
  const refs = new Map<string, Source>();
  const add = (source: Source) => refs.set(`${source.kind}:${source.ref}`, source);
  add({ kind: 'investigation', ref: records.investigation.id });
  for (const call of records.toolCalls) add({ kind: 'tool-call', ref: String(call.id) });
  for (const row of triage.timeline) add(row.source);
  for (const correction of records.corrections) add({ kind: 'correction', ref: correction.id });
  return refs;
}

function recordsText(records: RcaRecords, triage: RcaDocument): string {
  const facts = readRecordFacts(records.toolCalls);
  return JSON.stringify(
    {
      investigation: { ...records.investigation, reference: `investigation:${records.investigation.id}` },
      timeline: triage.timeline.map((row) => ({ ...row, reference: `${row.source.kind}:${row.source.ref}` })),
      deployments: facts.deployments,
      failedSyncs: facts.failedSyncs,
      appStates: facts.apps,
      corrections: records.corrections.map((c) => ({ ...c, reference: `correction:${c.id}` })),
    },
    null,
    1,
  );
}

/**
 * Model mode: the model writes the narrative sections from the same records triage reads, and
 * each citation is checked against the records; a section without a valid citation keeps the
 * triage text. Times, timeline and action items stay the triage ones (facts, not prose). Output
 * that is not a valid `submit_rca` call throws, so the caller can fall back with a note.
 */
export async function draftWithModel(
  model: ModelClient,
  records: RcaRecords,
  triage: RcaDocument,
  signal?: AbortSignal,
): Promise<RcaDocument> {
  const fence = createUntrustedFence();
  const response = await model.create({
    system: `${SYSTEM}\n${fence.rule}`,
    tools: [{ name: SUBMIT_RCA, description: 'Submit the RCA narrative with citations.', inputSchema: toolSchema() }],
    messages: [
      {
        role: 'user',
        content: [{ type: 'text', text: fence.wrap('sre-bot-records', recordsText(records, triage)) }],
      },
    ],
    maxTokens: 2_000,
    forceTool: SUBMIT_RCA,
    ...(signal ? { signal } : {}),
  });
  const call = response.content.find((block) => block.type === 'tool_use' && block.name === SUBMIT_RCA);
  const parsed = NarrativeSchema.safeParse(call?.type === 'tool_use' ? call.input : undefined);
  if (!parsed.success)
    throw new BotError(
      'model_unavailable',
      call ? `${SUBMIT_RCA} input did not match its schema` : `the model did not call ${SUBMIT_RCA}`,
    );
  const known = citableRecords(records, triage);
  const cited = (section: string): Source[] =>
    (parsed.data.citations[section] ?? []).flatMap((ref) => (known.has(ref) ? [known.get(ref) as Source] : []));
  const pick = <T>(section: string, written: T, fallback: T): T => (cited(section).length > 0 ? written : fallback);
  const narrative = parsed.data;
  const citations = Object.fromEntries(
    ['summary', 'impact', 'trigger', 'rootCause', 'lessons'].map((section) => [
      section,
      cited(section).length > 0 ? cited(section) : (triage.citations[section] ?? []),
    ]),
  );
  return RcaDocumentSchema.parse({
    ...triage,
    summary: pick('summary', narrative.summary, triage.summary),
    impact: pick('impact', narrative.impact, triage.impact),
    trigger: pick('trigger', narrative.trigger || triage.trigger, triage.trigger),
    rootCause: pick('rootCause', narrative.rootCause, triage.rootCause),
    contributingFactors: pick('rootCause', narrative.contributingFactors, triage.contributingFactors),
    lessons: pick(
      'lessons',
      { ...triage.lessons, wentWell: narrative.lessons.wentWell, wentWrong: narrative.lessons.wentWrong },
      triage.lessons,
    ),
    citations,
    mode: 'model',
  });
}
