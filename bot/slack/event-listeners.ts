import type { App } from '@slack/bolt';
import type { Logger } from '../telemetry/logger.js';
import type { ChannelDirectory } from './channel-config.js';
import { isIgnoredMessage, mentionsUser, questionFrom, type IncomingMessage } from './message-text.js';
import type { QuestionIntake } from './question-intake.js';
import type { ThreadReply } from './correction-flow.js';

/** Prompts shown when someone opens a new AI-app thread (at most four). */
export const SUGGESTED_PROMPTS = [
  { title: 'Why is my app failing?', message: 'Why is checkout failing in prod?' },
  { title: 'Argo CD out of sync', message: 'Why is my Argo CD application out of sync?' },
  { title: 'Pod crashlooping', message: 'Why is my pod in CrashLoopBackOff?' },
  { title: 'Blocked by policy', message: 'Which Kyverno policy is blocking my deployment?' },
] as const;

const EMPTY_MENTION_HINT = 'Ask me a question after the mention, e.g. "@sre-bot why is checkout failing in prod?"';

/** Dependencies of the Events API listeners. */
export interface EventListenerDeps {
  intake: QuestionIntake;
  channels: ChannelDirectory;
  logger: Logger;
  /**
   * A thread reply that may be a correction ("that's wrong, it was …"); true when it was one and
   * is handled, so it is not also taken as a question.
   */
  onThreadReply?: (reply: ThreadReply, client: App['client']) => Promise<boolean>;
}

function eventIdOf(body: unknown): string {
  const id = (body as { event_id?: unknown }).event_id;
  return typeof id === 'string' ? id : '';
}

function teamOf(body: unknown): string | undefined {
  const team = (body as { team_id?: unknown }).team_id;
  return typeof team === 'string' ? team : undefined;
}

/**
 * Registers the question listeners: `app_mention` anywhere, top-level messages in support
 * channels that answer everything, replies to a clarifying question, DMs and AI-app threads,
 * and `assistant_thread_started` (suggested prompts). Each only validates and enqueues; the
 * acknowledgement is Bolt's, sent when the enqueue has succeeded.
 */
export function registerEventListeners(app: App, deps: EventListenerDeps): void {
  const { intake, channels } = deps;

  app.event('app_mention', async ({ event, body, context, client }) => {
    // The mention payload carries the message fields the filter reads.
    const message = event as unknown as IncomingMessage;
    if (isIgnoredMessage(message, context)) return;
    const thread = event.thread_ts ?? event.ts;
    const asked = questionFrom(event.text, context.botUserId);
    if (!event.user) return;
    if (!asked) {
      await client.chat.postEphemeral({
        channel: event.channel,
        user: event.user,
        ...(event.thread_ts ? { thread_ts: event.thread_ts } : {}),
        text: EMPTY_MENTION_HINT,
      });
      return;
    }
    const clarified = event.thread_ts
      ? await intake.clarifiedQuestion(event.channel, event.thread_ts, asked)
      : undefined;
    await intake.enqueue(
      {
        question: clarified ?? asked,
        channel: event.channel,
        thread,
        user: event.user,
        ...(teamOf(body) ? { team: teamOf(body) } : {}),
        eventId: eventIdOf(body),
        trigger: clarified ? 'clarification' : 'mention',
      },
      `slack-event:${eventIdOf(body)}`,
      { retryNum: context.retryNum },
    );
  });

  app.event('message', async ({ event, body, context, client }) => {
    // Every message variant carries a subset of these fields; the filter checks them.
    const message = event as unknown as IncomingMessage;
    if (isIgnoredMessage(message, context) || !message.channel || !message.ts || !message.user) return;
    if (deps.onThreadReply && message.thread_ts && message.thread_ts !== message.ts) {
      const reply = { channel: message.channel, thread: message.thread_ts, ts: message.ts, user: message.user };
      if (await deps.onThreadReply({ ...reply, ...(message.text ? { text: message.text } : {}) }, client)) return;
    }
    const team = teamOf(body);
    const common = {
      channel: message.channel,
      user: message.user,
      eventId: eventIdOf(body),
      ...(team ? { team } : {}),
    };
    const key = `slack-event:${eventIdOf(body)}`;

    if (message.channel_type === 'im') {
      const asked = questionFrom(message.text, context.botUserId);
      if (!asked) return;
      const isAssistantThread = message.thread_ts !== undefined;
      await intake.enqueue(
        {
          ...common,
          question: asked,
          thread: message.thread_ts ?? message.ts,
          trigger: 'direct_message',
          ...(isAssistantThread ? { isAssistantThread } : {}),
        },
        key,
        {
          retryNum: context.retryNum,
        },
      );
      return;
    }

    // A mention also arrives as app_mention; answering both would post twice.
    if (mentionsUser(message.text, context.botUserId)) return;
    const asked = questionFrom(message.text, context.botUserId);
    if (!asked) return;
    const isThreadReply = message.thread_ts !== undefined && message.thread_ts !== message.ts;
    if (isThreadReply && message.thread_ts) {
      const clarified = await intake.clarifiedQuestion(message.channel, message.thread_ts, asked);
      if (clarified)
        await intake.enqueue(
          { ...common, question: clarified, thread: message.thread_ts, trigger: 'clarification' },
          key,
          { retryNum: context.retryNum },
        );
      return;
    }
    const support = channels.get(message.channel);
    if (support?.respond !== 'all') return;
    await intake.enqueue({ ...common, question: asked, thread: message.ts, trigger: 'channel_message' }, key, {
      retryNum: context.retryNum,
    });
  });

  app.event('assistant_thread_started', async ({ event, client }) => {
    const thread = event.assistant_thread;
    await client.assistant.threads.setSuggestedPrompts({
      channel_id: thread.channel_id,
      thread_ts: thread.thread_ts,
      title: 'Ask about an app, a namespace or a policy:',
      prompts: SUGGESTED_PROMPTS.map((prompt) => ({ ...prompt })),
    });
  });
}
