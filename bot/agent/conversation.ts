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
}

/** The gist of an answer kept as a turn: root cause first, then the summary, bounded. */
export function turnAnswer(answer: { rootCause: string; summary: string }): string {
  const text = `${answer.rootCause} ${answer.summary}`.replace(/\s+/g, ' ').trim();
  return text.length <= 1_200 ? text : `${text.slice(0, 1_199)}…`;
}
