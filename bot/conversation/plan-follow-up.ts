import type { FollowUpFocus } from '../agent/conversation.js';
import type { Entities } from '../agent/entities.js';
import { candidateTerms, environmentOf } from '../agent/resolve/question-terms.js';
import type { Conversation, PendingClarification } from '../store/conversations-repository.js';
import { followUpIntent } from './follow-up.js';

/** What to do with a message in a conversation. */
export type FollowUpPlan =
  /** Not a follow-up: a new question when addressed to the bot, nothing otherwise. */
  | { kind: 'new' }
  /** Chatter in a thread the bot answered, not addressed to it: stay quiet. */
  | { kind: 'ignore' }
  /** Investigate `question`; `isPinned` keeps the thread's subject instead of resolving it again. */
  | {
      kind: 'investigate';
      question: string;
      isPinned: boolean;
      trigger: 'follow_up' | 'clarification';
      /** What a re-check wants to see first. */
      focus?: FollowUpFocus;
    }
  /** Start the fix flow on the thread's last answer. */
  | { kind: 'fix'; investigationId: string }
  /** Start the RCA flow on the thread's last answer. */
  | { kind: 'rca'; investigationId: string };

/** A message as the planner sees it: the text (mention removed) and whether it was meant for the bot. */
export interface FollowUpMessage {
  text: string;
  /** The bot was mentioned, or the message is in a DM with the bot. */
  isAddressed: boolean;
}

const ORDINALS: Record<string, number> = { first: 0, '1': 0, second: 1, '2': 1, third: 2, '3': 2 };

/**
 * The choice a typed reply to a clarifying question picks: "the first", "2", or words that appear
 * in exactly one choice ("us", "argocd-eu-1"). Undefined when the reply picks none or several.
 */
export function pickChoice(reply: string, pending: PendingClarification): string | undefined {
  const words = reply.toLowerCase().match(/[a-z0-9][a-z0-9.-]*/g) ?? [];
  for (const word of words) {
    const index = ORDINALS[word];
    const choice = index === undefined ? undefined : pending.choices[index];
    if (choice) return choice.question;
  }
  const significant = words.filter((word) => word.length >= 2 && !['the', 'on', 'in', 'one', 'please'].includes(word));
  const hits = pending.choices.filter((choice) => {
    const label = choice.label.toLowerCase().split(/[^a-z0-9.-]+|[/()]/);
    const parts = new Set(label.flatMap((token) => [token, ...token.split('-')]));
    return significant.some((word) => parts.has(word));
  });
  return hits.length === 1 ? hits[0]?.question : undefined;
}

/** What the thread's last answer was about, as words a question can carry. */
export function subjectOf(entities: Entities | undefined): string | undefined {
  if (!entities) return undefined;
  if (entities.app) return entities.app.name;
  if (entities.workload) return entities.workload.name;
  return entities.namespace ? `namespace ${entities.namespace}` : undefined;
}

/** A place phrase that names an environment or an instance-like name (`staging`, `prod-us`, `eu-1`). */
function namesPlace(place: string): boolean {
  return environmentOf(place) !== undefined || /[-\d]/.test(place);
}

/**
 * Decides how a message continues its conversation. The rule, in order:
 * 1. a clarifying question is waiting: any reply (addressed or not) answers it;
 * 2. a follow-up the planner recognises (another environment or place, logs, events, history,
 *    "is it fixed now?", propose a fix, draft the RCA) continues the conversation, mentioned or
 *    not, when it is short;
 * 3. anything else continues it only when addressed to the bot (a mention, or a DM): a question
 *    that names nothing re-checks the thread's subject, one that names something is a new
 *    question asked with the earlier turns as context;
 * 4. otherwise the message is chatter between people and is ignored.
 */
export function planFollowUp(message: FollowUpMessage, conversation: Conversation | undefined): FollowUpPlan {
  if (!conversation || (conversation.turns.length === 0 && !conversation.pendingClarification)) return { kind: 'new' };
  const text = message.text.trim();
  const pending = conversation.pendingClarification;
  if (pending) {
    const chosen = pickChoice(text, pending);
    return {
      kind: 'investigate',
      question: chosen ?? `${pending.question} (${text})`,
      isPinned: false,
      trigger: 'clarification',
    };
  }
  const subject = subjectOf(conversation.entities as Entities | undefined);
  const fallback: FollowUpPlan = message.isAddressed ? { kind: 'new' } : { kind: 'ignore' };
  const intent = followUpIntent(text, { isAddressed: message.isAddressed });
  switch (intent.kind) {
    case 'fix':
    case 'rca':
      return conversation.lastInvestigationId
        ? { kind: intent.kind, investigationId: conversation.lastInvestigationId }
        : fallback;
    case 'recheck':
      return subject
        ? {
            kind: 'investigate',
            question: `${subject}: ${text}`,
            isPinned: true,
            trigger: 'follow_up',
            focus: intent.focus,
          }
        : fallback;
    case 'elsewhere':
      if (subject && namesPlace(intent.place))
        return { kind: 'investigate', question: `${subject}: ${text}`, isPinned: false, trigger: 'follow_up' };
      return message.isAddressed
        ? { kind: 'investigate', question: text, isPinned: false, trigger: 'follow_up' }
        : fallback;
    case 'none':
      if (!message.isAddressed) return { kind: 'ignore' };
      if (subject && candidateTerms(text).length === 0)
        return { kind: 'investigate', question: `${subject}: ${text}`, isPinned: true, trigger: 'follow_up' };
      return { kind: 'investigate', question: text, isPinned: false, trigger: 'follow_up' };
  }
}
