import type { types } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { BotError } from '../errors.js';
import type { Logger } from '../telemetry/logger.js';
import type { Block } from './answer-blocks.js';

/** A message body: mrkdwn text (the notification and fallback) and optional blocks. */
export interface MessageBody {
  text: string;
  blocks?: Block[];
}

type SlackBlocks = Array<types.KnownBlock | types.Block>;

/** The renderer's plain-JSON blocks as the SDK's block type (the renderer keeps SDK types out of bot/agent). */
function slackBlocks(blocks: Block[]): SlackBlocks {
  return blocks as unknown as SlackBlocks;
}

/** Where a replacement ended up: the message updated in place, or a new message in the thread. */
export interface Placed {
  ts: string;
  isInPlace: boolean;
}

/**
 * Slack writes with fallbacks, for answers and status lines. An update that Slack keeps refusing
 * (after the client's own retries) becomes a new message in the thread; a message is removed only
 * once its replacement exists, and a removal that fails is reported, not thrown.
 */
export function createMessageDelivery(client: WebClient, logger: Logger) {
  async function post(channel: string, thread: string | undefined, body: MessageBody): Promise<string> {
    const posted = await client.chat.postMessage({
      channel,
      ...(thread ? { thread_ts: thread } : {}),
      text: body.text,
      ...(body.blocks ? { blocks: slackBlocks(body.blocks) } : {}),
    });
    return posted.ts ?? '';
  }

  return {
    post,

    /** Updates `ts` in place; when Slack refuses, posts the body in the thread instead. */
    async replaceOrPost(place: { channel: string; thread?: string; ts?: string }, body: MessageBody): Promise<Placed> {
      if (place.ts) {
        try {
          await client.chat.update({
            channel: place.channel,
            ts: place.ts,
            text: body.text,
            ...(body.blocks ? { blocks: slackBlocks(body.blocks) } : {}),
          });
          return { ts: place.ts, isInPlace: true };
        } catch (error) {
          logger.warn(
            { event: 'slack-update-failed', err: error, channel: place.channel },
            'chat.update failed; posting the message instead',
          );
        }
      }
      return { ts: await post(place.channel, place.thread, body), isInPlace: false };
    },

    /** Removes a message that has been replaced; true when it is gone. Never throws. */
    async remove(channel: string, ts: string): Promise<boolean> {
      try {
        await client.chat.delete({ channel, ts });
        return true;
      } catch (error) {
        logger.warn({ event: 'slack-delete-failed', err: error, channel }, 'could not remove a replaced message');
        return false;
      }
    },

    /** Answers through a slash command's response URL (for channels the bot may not post in). */
    async respond(responseUrl: string, body: MessageBody): Promise<void> {
      const response = await fetch(responseUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          response_type: 'in_channel',
          text: body.text,
          ...(body.blocks ? { blocks: body.blocks } : {}),
        }),
      }).catch((error: unknown) => {
        throw new BotError('upstream_unavailable', 'the slash command response URL is unreachable', {
          cause: error,
          isRetryable: true,
        });
      });
      if (!response.ok)
        throw new BotError('upstream_unavailable', `the slash command response URL answered ${response.status}`, {
          isRetryable: response.status >= 500 || response.status === 429,
        });
    },
  };
}

export type MessageDelivery = ReturnType<typeof createMessageDelivery>;
