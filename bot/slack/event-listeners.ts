import type { App } from '@slack/bolt';
import type { Logger } from '../telemetry/logger.js';
import type { ChannelDirectory } from './channel-config.js';
import { isIgnoredMessage, mentionsUser, questionFrom, type IncomingMessage } from './message-text.js';
import type { FollowUpRouter } from './follow-up-router.js';
import type { QuestionIntake } from './question-intake.js';
import type { ThreadReply } from './correction-flow.js';
import type { Store } from '../store/store.js';

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
  /** Follow-ups in threads the bot answered and in DMs (bot/conversation decides what they mean). */
  followUps: FollowUpRouter;
  store: Pick<Store, 'conversations'>;
}

/** True when the text mentions someone other than the bot: it is addressed to that person. */
function mentionsSomeoneElse(text: string | undefined, botUserId: string | undefined): boolean {
  return [...(text ?? '').matchAll(/<@([A-Z0-9]+)(?:\|[^>]*)?>/g)].some((match) => match[1] !== botUserId);
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
 * channels that answer everything, replies in threads the bot answered (follow-ups and replies to
 * a clarifying question, routed by the follow-up router), DMs and AI-app threads, and
 * `assistant_thread_started` (suggested prompts; the thread is remembered as an AI-app thread). Each only validates
 * and enqueues; the
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
    const team = teamOf(body);
    const conversation = { thread, kind: 'thread' } as const;
    if (event.thread_ts) {
      const routed = await deps.followUps.route(
        {
          channel: event.channel,
          thread,
          ts: event.ts,
          conversation,
          text: asked,
          isAddressed: true,
          user: event.user,
          ...(team ? { team } : {}),
          eventId: eventIdOf(body),
          retryNum: context.retryNum,
        },
        client,
      );
      if (routed !== 'new') return;
    }
    await intake.enqueue(
      {
        question: asked,
        channel: event.channel,
        thread,
        user: event.user,
        ...(team ? { team } : {}),
        eventId: eventIdOf(body),
        trigger: 'mention',
        conversation,
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
      // Only threads Slack started as AI-app threads are assistant threads; a plain DM is one
      // conversation answered at the top level (or in the thread a person replied in).
      const assistant = message.thread_ts
        ? await deps.store.conversations.get(message.channel, message.thread_ts)
        : undefined;
      const isAssistantThread = assistant?.kind === 'assistant';
      const conversation = isAssistantThread
        ? ({ thread: message.thread_ts ?? '', kind: 'assistant' } as const)
        : ({ thread: '', kind: 'dm' } as const);
      const place = {
        ...common,
        ...(message.thread_ts ? { thread: message.thread_ts } : {}),
        ts: message.ts,
        conversation,
        text: asked,
        retryNum: context.retryNum,
      };
      if ((await deps.followUps.route({ ...place, isAddressed: true }, client)) !== 'new') return;
      await intake.enqueue(
        {
          ...common,
          question: asked,
          thread: message.thread_ts ?? message.ts,
          trigger: 'direct_message',
          conversation,
          ...(isAssistantThread ? { isAssistantThread } : {}),
          ...(message.thread_ts ? {} : { isTopLevel: true }),
        },
        key,
        { retryNum: context.retryNum },
      );
      return;
    }

    // A mention also arrives as app_mention; answering both would post twice.
    if (mentionsUser(message.text, context.botUserId)) return;
    const asked = questionFrom(message.text, context.botUserId);
    if (!asked) return;
    const isThreadReply = message.thread_ts !== undefined && message.thread_ts !== message.ts;
    if (isThreadReply && message.thread_ts) {
      // Addressed to someone else in the thread: not for the bot, even if it reads like a follow-up.
      if (mentionsSomeoneElse(message.text, context.botUserId)) return;
      await deps.followUps.route(
        {
          ...common,
          thread: message.thread_ts,
          ts: message.ts,
          conversation: { thread: message.thread_ts, kind: 'thread' },
          text: asked,
          isAddressed: false,
          retryNum: context.retryNum,
        },
        client,
      );
      return;
    }
    const support = channels.get(message.channel);
    if (support?.respond !== 'all') return;
    await intake.enqueue(
      {
        ...common,
        question: asked,
        thread: message.ts,
        trigger: 'channel_message',
        conversation: { thread: message.ts, kind: 'thread' },
      },
      key,
      { retryNum: context.retryNum },
    );
  });

  app.event('assistant_thread_started', async ({ event, client }) => {
    const thread = event.assistant_thread;
    await deps.store.conversations.markAssistantThread(thread.channel_id, thread.thread_ts);
    await client.assistant.threads.setSuggestedPrompts({
      channel_id: thread.channel_id,
      thread_ts: thread.thread_ts,
      title: 'Ask about an app, a namespace or a policy:',
      prompts: SUGGESTED_PROMPTS.map((prompt) => ({ ...prompt })),
    });
  });
}
