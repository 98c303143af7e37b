import { decodeSlackText } from './slack-formatting.js';

/** Message fields the filters look at (app_mention and message events share them). */
export interface IncomingMessage {
  type?: string;
  subtype?: string;
  user?: string;
  bot_id?: string;
  bot_profile?: unknown;
  text?: string;
  channel?: string;
  channel_type?: string;
  ts?: string;
  thread_ts?: string;
}

/** The app's identity as Bolt learned it from `auth.test`. */
export interface BotIdentity {
  botUserId?: string;
  botId?: string;
}

/**
 * True for anything a person did not type: the app's own posts (its bot id or bot user id), other
 * bots and integrations (`bot_id`, `subtype: bot_message`), and message subtypes that are not
 * new human messages (edits, deletes, joins…). Answering those would loop or spam.
 */
export function isIgnoredMessage(message: IncomingMessage, identity: BotIdentity): boolean {
  if (message.bot_id !== undefined || message.bot_profile !== undefined) return true;
  if (message.subtype !== undefined && message.subtype !== 'thread_broadcast') return true;
  if (!message.user) return true;
  if (identity.botUserId !== undefined && message.user === identity.botUserId) return true;
  return false;
}

/** True when the text mentions the given user (`<@U123>` or `<@U123|name>`). */
export function mentionsUser(text: string | undefined, userId: string | undefined): boolean {
  if (!text || !userId) return false;
  return new RegExp(`<@${userId}(?:\\|[^>]*)?>`).test(text);
}

/**
 * The question as the person meant it: the bot's mention removed (anywhere in the text),
 * whitespace collapsed, Slack's formatting decoded (entities, mentions, channels, links).
 */
export function questionFrom(text: string | undefined, botUserId: string | undefined): string {
  let question = text ?? '';
  if (botUserId) question = question.replace(new RegExp(`<@${botUserId}(?:\\|[^>]*)?>[,:]?`, 'g'), ' ');
  return decodeSlackText(question.replace(/\s+/g, ' ').trim());
}
