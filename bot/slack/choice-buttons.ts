import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { Answer, InvestigationOutcome } from '../agent/answer.js';
import type { Store } from '../store/store.js';
import type { Logger } from '../telemetry/logger.js';
/** A Block Kit block as plain JSON (as in answer-blocks.ts, kept local so the two files do not import each other). */
type Block = Record<string, unknown>;
import type { QuestionIntake } from './question-intake.js';

/** Buttons of an answer's choices are `investigate_choice_<n>`; each carries its question as value. */
export const CHOICE_ACTION_PREFIX = 'investigate_choice_';
const CHOICE_ACTION = new RegExp(`^${CHOICE_ACTION_PREFIX}\\d+$`);
const MAX_CHOICES = 5;

/** Slack caps button text at 75 characters. */
function buttonText(label: string): string {
  return label.length <= 75 ? label : `${label.slice(0, 73).replace(/\s+\S*$/, '')} …`;
}

/**
 * The answer's choices (the same app elsewhere, the next broken app) as one actions block: a
 * button each that asks its question in the thread. None when the answer has no choices.
 */
export function choiceBlocks(answer: Pick<Answer, 'choices'>, investigationId: string): Block[] {
  const actions = choiceActions(answer.choices ?? [], investigationId);
  if (!actions) return [];
  return [
    {
      type: 'context',
      elements: [{ type: 'mrkdwn', text: 'Also worth a look (each button investigates it in this thread):' }],
    },
    actions,
  ];
}

function choiceActions(all: NonNullable<Answer['choices']>, investigationId: string): Block | undefined {
  const choices = all.slice(0, MAX_CHOICES);
  if (choices.length === 0) return undefined;
  return {
    type: 'actions',
    block_id: `answer-choices-${investigationId}`.slice(0, 255),
    elements: choices.map((choice, index) => ({
      type: 'button',
      text: { type: 'plain_text', text: buttonText(choice.label), emoji: false },
      action_id: `${CHOICE_ACTION_PREFIX}${index}`,
      value: choice.question.slice(0, 2000),
    })),
  };
}

/**
 * A clarifying question as blocks: the question (mrkdwn from the poster) and a button per choice
 * that investigates it. A typed reply works as well (the follow-up router reads it).
 */
export function clarifyBlocks(
  outcome: Extract<InvestigationOutcome, { kind: 'clarify' }>,
  text: string,
  investigationId: string,
): Block[] {
  const actions = choiceActions(outcome.choices ?? [], investigationId);
  return [{ type: 'section', text: { type: 'mrkdwn', text } }, ...(actions ? [actions] : [])];
}

/**
 * Clicking a choice enqueues its question in the answer's conversation, once per click: the
 * thread in a channel or an AI-app thread, the top level in a plain DM.
 */
export function registerChoiceButtons(
  app: App,
  deps: { intake: QuestionIntake; store: Pick<Store, 'conversations'>; logger: Logger },
): void {
  app.action<BlockAction<ButtonAction>>(CHOICE_ACTION, async ({ ack, body, action }) => {
    await ack();
    const message = body.message as { ts?: string; thread_ts?: string } | undefined;
    const thread = message?.thread_ts ?? message?.ts;
    const channel = body.channel?.id;
    const question = action.value ?? '';
    if (!channel || question.trim() === '') return;
    const isDm = channel.startsWith('D');
    const threaded = message?.thread_ts ? await deps.store.conversations.get(channel, message.thread_ts) : undefined;
    const isAssistantThread = threaded?.kind === 'assistant';
    const conversation =
      isDm && !isAssistantThread
        ? ({ thread: '', kind: 'dm' } as const)
        : ({ thread: thread ?? '', kind: isAssistantThread ? 'assistant' : 'thread' } as const);
    await deps.intake.enqueue(
      {
        question,
        channel,
        ...(thread ? { thread } : {}),
        conversation,
        ...(isAssistantThread ? { isAssistantThread } : {}),
        ...(isDm && !message?.thread_ts ? { isTopLevel: true } : {}),
        user: body.user.id,
        ...(body.team?.id ? { team: body.team.id } : {}),
        eventId: `choice:${action.action_ts}`,
        trigger: 'clarification',
      },
      `choice:${channel}:${action.action_ts}:${action.action_id}`,
    );
    deps.logger.info({ event: 'choice-enqueued', channel }, 'choice investigated');
  });
}
