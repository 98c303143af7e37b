import type { EvidenceItem } from '../skills/evidence.js';
import type { Answer } from './answer.js';
import type { Entities } from './entities.js';

/** One earlier turn of a conversation: what was asked and the gist of what sre-bot answered. */
export interface ConversationTurn {
  question: string;
  answer: string;
}

/**
 * What a follow-up brings from its thread into the pipeline. The model path receives `turns` as
 * prior messages; `pinned` replaces resolution (the thread's subject is still fresh: no name
 * look-ups over every instance), and evidence is gathered anew for it.
 */
export interface ConversationContext {
  turns: readonly ConversationTurn[];
  pinned?: Entities;
  /** What a re-check of the pinned subject wants to see first. */
  focus?: FollowUpFocus;
  /** The previous answer's root cause, which a re-check is compared with. */
  previousRootCause?: string;
}

/** The gist of an answer kept as a turn: root cause first, then the summary, bounded. */
export function turnAnswer(answer: { rootCause: string; summary: string }): string {
  const text = `${answer.rootCause} ${answer.summary}`.replace(/\s+/g, ' ').trim();
  return text.length <= 1_200 ? text : `${text.slice(0, 1_199)}…`;
}

/** What a re-check wants to see: log lines, events, the rollout history, or whether it still fails. */
export type FollowUpFocus = 'logs' | 'previous-logs' | 'events' | 'history' | 'status';

/** The tool that produced an evidence line, from the source the pipeline wrote (`tool:instance/target`). */
function toolOf(source: string): string {
  return source.slice(0, Math.max(source.indexOf(':'), 0));
}

const FOCUS: Record<Exclude<FollowUpFocus, 'status'>, { what: string; matches: (item: EvidenceItem) => boolean }> = {
  logs: { what: 'log lines', matches: (item) => item.kind === 'log' },
  'previous-logs': { what: 'log lines', matches: (item) => item.kind === 'log' },
  events: { what: 'events', matches: (item) => item.kind === 'event' },
  history: {
    what: 'rollout or sync history',
    matches: (item) => toolOf(item.source) === 'get_rollout_history' || item.kind === 'argocd',
  },
};

type AnswerEvidence = Answer['evidence'];

/**
 * The answer's evidence with what a re-check asked for first: up to four fresh lines of that
 * kind from everything gathered, then the answer's own lines (twelve at most). `missing` says
 * so when the fresh evidence had none.
 */
export function focusedEvidence(
  cited: AnswerEvidence,
  gathered: readonly EvidenceItem[],
  focus: FollowUpFocus | undefined,
): { evidence: AnswerEvidence; missing?: string } {
  if (!focus || focus === 'status') return { evidence: cited };
  const { what, matches } = FOCUS[focus];
  const wanted = gathered.filter(matches).slice(0, 4);
  if (wanted.length === 0) return { evidence: cited, missing: `No ${what} turned up in the fresh evidence.` };
  const first = wanted.map((item) => ({ text: item.text.slice(0, 600), source: item.source, kind: item.kind }));
  const seen = new Set(first.map((item) => item.text));
  return { evidence: [...first, ...cited.filter((item) => !seen.has(item.text))].slice(0, 12) };
}

/** How a re-check compares with the thread's previous answer, in one sentence for the notes. */
export function comparedWithPrevious(previousRootCause: string | undefined, rootCause: string): string | undefined {
  if (!previousRootCause) return undefined;
  return previousRootCause.trim() === rootCause.trim()
    ? 'Re-checked with fresh evidence: the root cause is the same as in the previous answer.'
    : `Re-checked with fresh evidence: this differs from the previous answer ("${previousRootCause.slice(0, 200)}").`;
}
