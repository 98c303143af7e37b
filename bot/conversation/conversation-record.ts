import type { InvestigationOutcome } from '../agent/answer.js';
import { turnAnswer, type ConversationContext, type FollowUpFocus } from '../agent/conversation.js';
import type { Entities } from '../agent/entities.js';
import type { ConversationKind } from '../store/conversations-repository.js';
import type { Store } from '../store/store.js';

/**
 * Where a question's conversation lives and how it continues, as job data: the thread key (''
 * for a DM, which is one conversation answered at top level), its kind, and whether the
 * follow-up keeps the thread's subject instead of resolving the question again.
 */
export interface ConversationRef {
  thread: string;
  kind: ConversationKind;
  isPinned?: boolean;
  /** What a re-check wants to see first (logs, events, history, or whether it still fails). */
  focus?: FollowUpFocus;
}

/** The context a follow-up brings into the pipeline, or undefined for the first question of a thread. */
export async function loadConversationContext(
  store: Pick<Store, 'conversations'>,
  channel: string,
  ref: ConversationRef,
): Promise<ConversationContext | undefined> {
  const row = await store.conversations.get(channel, ref.thread);
  if (!row || row.turns.length === 0) return undefined;
  const turns = row.turns.map(({ question, answer }) => ({ question, answer }));
  const pinned = ref.isPinned && row.entities ? (row.entities as Entities) : undefined;
  if (!pinned) return { turns };
  const previousRootCause = (row.previousAnswer as { rootCause?: unknown } | undefined)?.rootCause;
  return {
    turns,
    pinned,
    ...(ref.focus ? { focus: ref.focus } : {}),
    ...(typeof previousRootCause === 'string' ? { previousRootCause } : {}),
  };
}

/** Records a finished outcome as the conversation's newest turn (idempotent per investigation). */
export async function recordConversationTurn(
  store: Pick<Store, 'conversations'>,
  place: { channel: string; ref: ConversationRef; investigationId: string; question: string },
  outcome: InvestigationOutcome,
): Promise<void> {
  const { channel, ref, investigationId, question } = place;
  if (outcome.kind === 'clarify') {
    await store.conversations.recordTurn(channel, ref.thread, {
      kind: ref.kind,
      investigationId,
      turn: { question, answer: outcome.question },
      clarification: { question, choices: outcome.choices ?? [] },
    });
    return;
  }
  const { answer, entities } = outcome;
  await store.conversations.recordTurn(channel, ref.thread, {
    kind: ref.kind,
    investigationId,
    turn: { question, answer: turnAnswer(answer) },
    answered: {
      ...(entities ? { entities: { ...entities, choices: undefined } } : {}),
      evidence: answer.evidence,
      answer,
    },
  });
}
