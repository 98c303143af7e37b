/**
 * Events API `event_callback` bodies built like the samples in shared/specs/slack/events, in the
 * fictional workspace, with the fields a test cares about overridable. Each call gets a fresh
 * `event_id` and message `ts` unless given, so repeated events are distinct; pass the same
 * `eventId` to model a Slack redelivery.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { claimTs } from './timestamps.js';
import { botProfile, FAKE_WORKSPACE } from './workspace.js';

/** The envelope every Events API callback shares. */
export interface EventCallbackPayload {
  token: string;
  team_id: string;
  context_team_id: string;
  context_enterprise_id: string | null;
  api_app_id: string;
  event: Record<string, unknown> & { type: string };
  type: 'event_callback';
  event_id: string;
  event_time: number;
  authorizations: {
    enterprise_id: string | null;
    team_id: string;
    user_id: string;
    is_bot: boolean;
    is_enterprise_install: boolean;
  }[];
  is_ext_shared_channel: boolean;
  event_context: string;
}

/** Envelope fields a test may pin. */
export interface EnvelopeOptions {
  eventId?: string;
  eventTime?: number;
}

/** Fields of a message-like event a test may pin. */
export interface MessageOptions extends EnvelopeOptions {
  text?: string;
  user?: string;
  channel?: string;
  ts?: string;
  threadTs?: string;
  parentUserId?: string;
}

let sequence = 0;

/** A fresh message ts from the wall clock, never one the fake Slack (or an earlier event) used. */
export function nextEventTs(): string {
  return claimTs(Date.now());
}

/** Per-process prefix, so ids stay unique when test files share a database or queue. */
const EVENT_ID_PREFIX =
  `Ev0` + `${Array.from(randomBytes(4), (byte) => 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'[byte % 32]).join('')}`;

/** A fresh `Ev…` event id (12 characters, like Slack's). */
export function nextEventId(): string {
  sequence += 1;
  return `${EVENT_ID_PREFIX}${String(sequence).padStart(5, '0')}`;
}

/** The `rich_text` block Slack derives from message text; `<@U…>` becomes a `user` element. */
export function richTextBlocks(text: string): Record<string, unknown>[] {
  const elements: Record<string, unknown>[] = [];
  for (const part of text.split(/(<@[A-Z0-9]+>)/)) {
    if (part === '') continue;
    const mention = /^<@([A-Z0-9]+)>$/.exec(part);
    elements.push(mention ? { type: 'user', user_id: mention[1] } : { type: 'text', text: part });
  }
  return [{ type: 'rich_text', block_id: 'kT3vQ', elements: [{ type: 'rich_text_section', elements }] }];
}

/** Wraps an inner event in the `event_callback` envelope. */
export function eventCallback(
  event: Record<string, unknown> & { type: string },
  options: EnvelopeOptions = {},
): EventCallbackPayload {
  const eventTs = typeof event['event_ts'] === 'string' ? event['event_ts'] : nextEventTs();
  const context = Buffer.from(
    JSON.stringify({ et: event.type, tid: FAKE_WORKSPACE.teamId, aid: FAKE_WORKSPACE.appId }),
  ).toString('base64');
  return {
    token: FAKE_WORKSPACE.verificationToken,
    team_id: FAKE_WORKSPACE.teamId,
    context_team_id: FAKE_WORKSPACE.teamId,
    context_enterprise_id: null,
    api_app_id: FAKE_WORKSPACE.appId,
    event,
    type: 'event_callback',
    event_id: options.eventId ?? nextEventId(),
    event_time: options.eventTime ?? Math.floor(Number(eventTs)),
    authorizations: [
      {
        enterprise_id: null,
        team_id: FAKE_WORKSPACE.teamId,
        user_id: FAKE_WORKSPACE.botUserId,
        is_bot: true,
        is_enterprise_install: false,
      },
    ],
    is_ext_shared_channel: false,
    event_context: `4-${context}`,
  };
}

function messageFields(options: MessageOptions, defaultText: string, defaultChannel: string): Record<string, unknown> {
  const ts = options.ts ?? nextEventTs();
  const text = options.text ?? defaultText;
  return {
    user: options.user ?? FAKE_WORKSPACE.humanUserId,
    ts,
    client_msg_id: randomUUID(),
    text,
    team: FAKE_WORKSPACE.teamId,
    ...(options.threadTs === undefined
      ? {}
      : { thread_ts: options.threadTs, parent_user_id: options.parentUserId ?? FAKE_WORKSPACE.humanUserId }),
    blocks: richTextBlocks(text),
    channel: options.channel ?? defaultChannel,
    event_ts: ts,
  };
}

/** `app_mention` in a channel (or in a thread with `threadTs`), like `event_callback.app_mention.json`. */
export function appMentionEvent(options: MessageOptions = {}): EventCallbackPayload {
  const fields = messageFields(
    options,
    `<@${FAKE_WORKSPACE.botUserId}> why is checkout-api crashlooping?`,
    FAKE_WORKSPACE.channelId,
  );
  return eventCallback({ type: 'app_mention', ...fields }, options);
}

/** A plain user `message` in a channel (`channel_type: "channel"`), like `event_callback.message.channel.json`. */
export function channelMessageEvent(
  options: MessageOptions & { channelType?: 'channel' | 'group' } = {},
): EventCallbackPayload {
  const fields = messageFields(options, 'is checkout-api down?', FAKE_WORKSPACE.channelId);
  return eventCallback({ type: 'message', ...fields, channel_type: options.channelType ?? 'channel' }, options);
}

/** A user `message` in the app's DM (`channel_type: "im"`), like `event_callback.message.im.json`. */
export function imMessageEvent(options: MessageOptions = {}): EventCallbackPayload {
  const fields = messageFields(options, 'why is checkout-api crashlooping?', FAKE_WORKSPACE.dmChannelId);
  return eventCallback({ type: 'message', ...fields, channel_type: 'im' }, options);
}

/**
 * A message posted by a bot: `app_bot` is what an app's own posts look like (bot_id, bot_profile,
 * no subtype; `from_app_bot_in_thread.json`), `bot_message` is other integrations (`subtype_bot_message.json`).
 */
export function botMessageEvent(
  options: MessageOptions & { style?: 'app_bot' | 'bot_message'; botId?: string } = {},
): EventCallbackPayload {
  const ts = options.ts ?? nextEventTs();
  const text = options.text ?? 'Investigating checkout-api…';
  const channel = options.channel ?? FAKE_WORKSPACE.channelId;
  const thread =
    options.threadTs === undefined
      ? {}
      : { thread_ts: options.threadTs, parent_user_id: options.parentUserId ?? FAKE_WORKSPACE.humanUserId };
  const event =
    options.style === 'bot_message'
      ? {
          type: 'message',
          subtype: 'bot_message',
          text,
          username: 'Reacji Channeler',
          icons: { emoji: 'bulb' },
          ts,
          bot_id: options.botId ?? 'B0OTHER0001',
          app_id: 'A0OTHER0001',
          blocks: richTextBlocks(text),
          channel,
          event_ts: ts,
          channel_type: 'channel',
          ...thread,
        }
      : {
          type: 'message',
          bot_id: options.botId ?? FAKE_WORKSPACE.botId,
          text,
          user: options.user ?? FAKE_WORKSPACE.botUserId,
          ts,
          app_id: FAKE_WORKSPACE.appId,
          team: FAKE_WORKSPACE.teamId,
          bot_profile: { ...botProfile(), id: options.botId ?? FAKE_WORKSPACE.botId },
          blocks: richTextBlocks(text),
          ...thread,
          channel,
          event_ts: ts,
          channel_type: 'channel',
        };
  return eventCallback(event, options);
}

/**
 * `assistant_thread_started` when a user opens the AI-app pane, like `event_callback.assistant_thread_started.json`.
 */
export function assistantThreadStartedEvent(
  options: EnvelopeOptions & { user?: string; channel?: string; threadTs?: string; contextChannel?: string } = {},
): EventCallbackPayload {
  const threadTs = options.threadTs ?? nextEventTs();
  return eventCallback(
    {
      type: 'assistant_thread_started',
      assistant_thread: {
        user_id: options.user ?? FAKE_WORKSPACE.humanUserId,
        context: {
          channel_id: options.contextChannel ?? FAKE_WORKSPACE.channelId,
          team_id: FAKE_WORKSPACE.teamId,
          enterprise_id: null,
        },
        channel_id: options.channel ?? FAKE_WORKSPACE.dmChannelId,
        thread_ts: threadTs,
      },
      event_ts: nextEventTs(),
    },
    options,
  );
}

/** `app_home_opened` for the Home or Messages tab, like `event_callback.app_home_opened.*.json`. */
export function appHomeOpenedEvent(
  options: EnvelopeOptions & { user?: string; channel?: string; tab?: 'home' | 'messages' } = {},
): EventCallbackPayload {
  return eventCallback(
    {
      type: 'app_home_opened',
      user: options.user ?? FAKE_WORKSPACE.humanUserId,
      channel: options.channel ?? FAKE_WORKSPACE.dmChannelId,
      tab: options.tab ?? 'home',
      event_ts: nextEventTs(),
    },
    options,
  );
}

/** The `url_verification` challenge Slack sends when the Request URL is saved. */
export function urlVerificationPayload(
  challenge = 'p7Xz2KqLm9RtV4sWc8NbYh3JdF6gA1eU0oIiQwEr5TyZuMnB',
): Record<string, string> {
  return { token: FAKE_WORKSPACE.verificationToken, challenge, type: 'url_verification' };
}
