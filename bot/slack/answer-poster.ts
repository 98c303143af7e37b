import type { types } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Answer, InvestigationOutcome } from '../agent/answer.js';
import {
  answerFallbackText,
  escapeMarkdown,
  escapeMrkdwn,
  renderAnswerBlocks,
  type AnswerActions,
  type Block,
} from './answer-blocks.js';
import type { Logger } from '../telemetry/logger.js';
import { slackErrorCode } from './slack-api-error.js';

/**
 * Buttons on answers. Propose fix is not built yet, so it is not shown; Draft RCA, feedback and
 * Correct this are handled by bot/slack.
 */
export const ANSWER_ACTIONS: AnswerActions = { proposeFix: false, draftRca: true, feedback: true, correct: true };

/** Where and for whom an answer is posted. */
export interface AnswerPlace {
  channel: string;
  thread: string;
  user: string;
  team?: string;
  /** The status message to replace, when there is one. */
  statusTs?: string;
  isAssistantThread: boolean;
}

/** The answer as markdown chunks for chat streaming (root cause, summary, next steps). */
export function answerMarkdownChunks(answer: Answer): string[] {
  const chunks = [`**Root cause:** ${escapeMarkdown(answer.rootCause)}\n\n`, `${escapeMarkdown(answer.summary)}\n\n`];
  if (answer.nextSteps.length > 0)
    chunks.push(
      `**Next steps**\n${answer.nextSteps.map((step, index) => `${index + 1}. ${escapeMarkdown(step)}`).join('\n')}\n`,
    );
  return chunks;
}

/** The clarifying question as mrkdwn: the question, the options, and how to answer. */
export function clarifyText(outcome: Extract<InvestigationOutcome, { kind: 'clarify' }>): string {
  const options = outcome.options.map((option) => `• ${escapeMrkdwn(option)}`).join('\n');
  return (
    `:grey_question: ${escapeMrkdwn(outcome.question)}${options ? `\n${options}` : ''}\nReply in this thread with ` +
    `the one you mean.`
  );
}

type SlackBlocks = Array<types.KnownBlock | types.Block>;

/** The renderer's plain-JSON blocks as the SDK's block type (the renderer keeps SDK types out of bot/agent). */
function slackBlocks(blocks: Block[]): SlackBlocks {
  return blocks as unknown as SlackBlocks;
}

/** Posts answers: streamed when Slack offers chat streaming, then replaced by the Block Kit answer. */
export interface AnswerPoster {
  /** Posts the outcome in the thread and returns the ts of the message that holds it. */
  post(outcome: InvestigationOutcome, investigationId: string, place: AnswerPlace): Promise<string>;
}

/**
 * Streams the answer with chat.startStream / appendStream / stopStream, then replaces the
 * streamed message with the Block Kit answer and removes the status line. When streaming is off
 * or Slack refuses it (older workspaces, missing scope, no team id outside a DM) the status
 * message itself is updated into the answer (chat.update), or the answer is posted.
 */
export function createAnswerPoster(deps: {
  client: WebClient;
  streaming: boolean;
  logger: Logger;
  actions?: AnswerActions;
}): AnswerPoster {
  const { client } = deps;
  let isStreamingAvailable = deps.streaming;

  async function replaceOrPost(place: AnswerPlace, message: { text: string; blocks?: Block[] }): Promise<string> {
    if (place.statusTs && !place.isAssistantThread) {
      await client.chat.update({
        channel: place.channel,
        ts: place.statusTs,
        text: message.text,
        ...(message.blocks ? { blocks: slackBlocks(message.blocks) } : {}),
      });
      return place.statusTs;
    }
    const posted = await client.chat.postMessage({
      channel: place.channel,
      thread_ts: place.thread,
      text: message.text,
      ...(message.blocks ? { blocks: slackBlocks(message.blocks) } : {}),
    });
    return posted.ts ?? '';
  }

  async function stream(
    answer: Answer,
    place: AnswerPlace,
    final: { text: string; blocks: Block[] },
  ): Promise<string | undefined> {
    const isDm = place.channel.startsWith('D');
    if (!isStreamingAvailable || (!isDm && !place.team)) return undefined;
    const [first, ...rest] = answerMarkdownChunks(answer);
    let ts: string | undefined;
    try {
      const started = await client.chat.startStream({
        channel: place.channel,
        thread_ts: place.thread,
        markdown_text: first ?? '',
        ...(isDm ? {} : { recipient_user_id: place.user, recipient_team_id: place.team }),
      });
      ts = started.ts;
    } catch (error) {
      const code = slackErrorCode(error);
      if (code === undefined) throw error;
      // Streaming is a nicety: any refusal of startStream falls back to a plain update.
      if (
        [
          'unknown_method',
          'missing_scope',
          'not_allowed_token_type',
          'feature_not_enabled',
          'method_deprecated',
        ].includes(code)
      )
        isStreamingAvailable = false;
      deps.logger.info(
        { event: 'slack-stream-unavailable', code },
        'chat streaming unavailable; updating the status message instead',
      );
      return undefined;
    }
    if (!ts) return undefined;
    try {
      for (const chunk of rest) await client.chat.appendStream({ channel: place.channel, ts, markdown_text: chunk });
      await client.chat.stopStream({ channel: place.channel, ts });
      await client.chat.update({ channel: place.channel, ts, text: final.text, blocks: slackBlocks(final.blocks) });
    } catch (error) {
      // Leave no half-streamed answer behind: the retry (or the fallback) posts the whole one.
      await client.chat.delete({ channel: place.channel, ts }).catch(() => undefined);
      throw error;
    }
    if (place.statusTs && !place.isAssistantThread) {
      await client.chat.delete({ channel: place.channel, ts: place.statusTs }).catch((error: unknown) => {
        deps.logger.warn({ event: 'slack-status-delete-failed', err: error }, 'could not remove the status message');
      });
    }
    return ts;
  }

  return {
    async post(outcome, investigationId, place) {
      if (outcome.kind === 'clarify') return replaceOrPost(place, { text: clarifyText(outcome) });
      const final = {
        text: answerFallbackText(outcome.answer),
        blocks: renderAnswerBlocks(outcome.answer, investigationId, deps.actions ?? ANSWER_ACTIONS),
      };
      const streamed = await stream(outcome.answer, place, final);
      return streamed ?? replaceOrPost(place, final);
    },
  };
}
