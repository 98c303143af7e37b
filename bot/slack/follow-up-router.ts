import type { App } from '@slack/bolt';
import { planFollowUp, type FollowUpPlan } from '../conversation/plan-follow-up.js';
import type { ConversationRef } from '../conversation/conversation-record.js';
import type { FixJob } from '../fix/fix-jobs.js';
import type { JobQueue } from '../queue/queue.js';
import type { Store } from '../store/store.js';
import type { Logger } from '../telemetry/logger.js';
import type { IncomingQuestion, QuestionIntake } from './question-intake.js';
import { draftInThread, type RcaSlackDeps } from './rca-actions.js';
import { startTraceparent } from './traceparent.js';

type Client = App['client'];

/** A message that may continue a conversation, as a listener saw it. */
export interface ConversationMessage {
  channel: string;
  /** Where to answer: the thread of a channel reply or DM thread; absent at the top of a DM. */
  thread?: string;
  /** The message's own ts (a fix proposal started from the top of a DM threads under it). */
  ts: string;
  conversation: ConversationRef;
  text: string;
  isAddressed: boolean;
  user: string;
  team?: string;
  eventId: string;
  retryNum?: number;
}

/** What the router needs: the intake, the store, and the fix and RCA flows when configured. */
export interface FollowUpRouterDeps {
  intake: QuestionIntake;
  store: Pick<Store, 'conversations'>;
  logger: Logger;
  fixQueue?: JobQueue<FixJob>;
  rca?: RcaSlackDeps;
}

/** Routes conversation messages (bot/conversation decides; this file only talks Slack and queues). */
export interface FollowUpRouter {
  /**
   * Handles a message in a conversation. Returns the plan it followed; `new` means nothing was
   * done and the caller handles the message as a new question (if it is addressed to the bot).
   */
  route(message: ConversationMessage, client: Client): Promise<FollowUpPlan['kind']>;
}

const FIX_OFF = 'Fix proposals are not switched on for this workspace, so I cannot open a pull request from here.';
const RCA_OFF = 'RCA drafting is not switched on for this workspace.';

/** Creates the router the message and mention listeners share. */
export function createFollowUpRouter(deps: FollowUpRouterDeps): FollowUpRouter {
  const say = async (client: Client, message: ConversationMessage, text: string) => {
    await client.chat.postMessage({
      channel: message.channel,
      ...(message.thread ? { thread_ts: message.thread } : {}),
      text,
    });
  };

  return {
    async route(message, client) {
      const conversation = await deps.store.conversations.get(message.channel, message.conversation.thread);
      const plan = planFollowUp({ text: message.text, isAddressed: message.isAddressed }, conversation);
      deps.logger.info(
        { event: 'conversation-message-routed', channel: message.channel, plan: plan.kind, eventId: message.eventId },
        'conversation message routed',
      );
      const key = `slack-event:${message.eventId}`;
      switch (plan.kind) {
        case 'new':
        case 'ignore':
          return plan.kind;
        case 'investigate': {
          const question: IncomingQuestion = {
            question: plan.question,
            channel: message.channel,
            thread: message.thread ?? message.ts,
            ...(message.thread ? {} : { isTopLevel: true }),
            user: message.user,
            ...(message.team ? { team: message.team } : {}),
            eventId: message.eventId,
            trigger: plan.trigger,
            conversation: {
              ...message.conversation,
              ...(plan.isPinned ? { isPinned: true } : {}),
              ...(plan.focus ? { focus: plan.focus } : {}),
            },
            ...(message.conversation.kind === 'assistant' ? { isAssistantThread: true } : {}),
          };
          await deps.intake.enqueue(question, key, { retryNum: message.retryNum });
          return plan.kind;
        }
        case 'fix': {
          if (!deps.fixQueue) {
            await say(client, message, FIX_OFF);
            return plan.kind;
          }
          const job: FixJob = {
            kind: 'propose',
            investigationId: plan.investigationId,
            user: message.user,
            channel: message.channel,
            thread: message.thread ?? message.ts,
            traceparent: startTraceparent(),
          };
          await deps.fixQueue.enqueue(job, {
            idempotencyKey: `propose:${plan.investigationId}:${message.eventId}`,
            attempts: 1,
          });
          return plan.kind;
        }
        case 'rca':
          if (!deps.rca) await say(client, message, RCA_OFF);
          else
            void draftInThread(client, deps.rca, {
              investigationId: plan.investigationId,
              user: message.user,
              channel: message.channel,
            });
          return plan.kind;
      }
    },
  };
}
