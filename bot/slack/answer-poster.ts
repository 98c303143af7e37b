import type { WebClient } from '@slack/web-api';
import type { Answer, InvestigationOutcome } from '../agent/answer.js';
import {
  answerFallbackText,
  escapeMarkdown,
  escapeMrkdwn,
  renderAnswerBlocks,
  type AnswerActions,
} from './answer-blocks.js';
import type { Logger } from '../telemetry/logger.js';
import { createMessageDelivery, type MessageBody } from './message-delivery.js';
import { slackErrorCode } from './slack-api-error.js';
import { clarifyBlocks } from './choice-buttons.js';

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
  /** A streamed answer an earlier attempt started: replaced, never left beside the answer. */
  streamTs?: string;
  isAssistantThread: boolean;
  /** A plain DM: post at the top of the conversation, not in a thread (and without streaming, which needs one). */
  isTopLevel?: boolean;
}

/** Where the answer landed, and whether the status message still shows progress. */
export interface PostedAnswer {
  answerTs: string;
  /** False when a status message is left that a sweeper must clear. */
  isStatusSettled: boolean;
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
  const how = (outcome.choices ?? []).length > 0 ? 'Pick one below, or reply with' : 'Reply with';
  return `:grey_question: ${escapeMrkdwn(outcome.question)}${options ? `\n${options}` : ''}\n${how} the one you mean.`;
}

/** Posts answers: streamed when a model wrote it and Slack offers chat streaming, else at once. */
export interface AnswerPoster {
  /** Posts the outcome in the thread; `onStreamStarted` records a stream's ts before any chunk. */
  post(
    outcome: InvestigationOutcome,
    investigationId: string,
    place: AnswerPlace,
    onStreamStarted?: (ts: string) => Promise<void>,
  ): Promise<PostedAnswer>;
  /** The outcome as a message body (for the response URL of `/sre` in a channel the bot is not in). */
  body(outcome: InvestigationOutcome, investigationId: string): MessageBody;
}

/** Slack refusals of startStream that mean "not here, not now": fall back to a plain message. */
const STREAMING_OFF = [
  'unknown_method',
  'missing_scope',
  'not_allowed_token_type',
  'feature_not_enabled',
  'method_deprecated',
];

/**
 * Posts answers so that a person sees exactly one, whatever fails. A triage answer is finished
 * text: it replaces the status message at once, with its blocks. A model's answer is streamed
 * (chat.startStream / appendStream / stopStream) and then replaced by the Block Kit answer; the
 * stream's ts is recorded before the first chunk, so an attempt after a crash replaces that
 * message instead of leaving a half answer. chat.update failures fall back to chat.postMessage;
 * a message is removed only once its replacement is posted.
 */
export function createAnswerPoster(deps: {
  client: WebClient;
  streaming: boolean;
  logger: Logger;
  actions?: AnswerActions;
}): AnswerPoster {
  const { client } = deps;
  const delivery = createMessageDelivery(client, deps.logger);
  let isStreamingAvailable = deps.streaming;

  /** Puts `body` in place of `ts` (or posts it); removes `ts` when it could not be reused. */
  async function supersede(place: AnswerPlace, ts: string | undefined, body: MessageBody) {
    const placed = await delivery.replaceOrPost(
      { channel: place.channel, ...(place.isTopLevel ? {} : { thread: place.thread }), ...(ts ? { ts } : {}) },
      body,
    );
    const isLeftOver = ts !== undefined && !placed.isInPlace;
    return { ts: placed.ts, isSettled: isLeftOver ? await delivery.remove(place.channel, ts) : true };
  }

  /** Final answer over the status message (or a stream an earlier attempt left), removing what it replaced. */
  async function finish(place: AnswerPlace, body: MessageBody, isStreamStopped = false): Promise<PostedAnswer> {
    const statusTs = place.isAssistantThread ? undefined : place.statusTs;
    if (place.streamTs) {
      // A stream an earlier attempt left open is stopped first (it may already be stopped).
      if (!isStreamStopped)
        await client.chat.stopStream({ channel: place.channel, ts: place.streamTs }).catch(() => undefined);
      const over = await supersede(place, place.streamTs, body);
      const isStatusSettled = statusTs ? await delivery.remove(place.channel, statusTs) : true;
      return { answerTs: over.ts, isStatusSettled: isStatusSettled && over.isSettled };
    }
    const over = await supersede(place, statusTs, body);
    return { answerTs: over.ts, isStatusSettled: over.isSettled };
  }

  async function startStream(answer: Answer, place: AnswerPlace): Promise<{ ts: string; rest: string[] } | undefined> {
    const isDm = place.channel.startsWith('D');
    if (!isStreamingAvailable || place.isTopLevel || (!isDm && !place.team)) return undefined;
    const [first, ...rest] = answerMarkdownChunks(answer);
    try {
      const started = await client.chat.startStream({
        channel: place.channel,
        thread_ts: place.thread,
        markdown_text: first ?? '',
        ...(isDm ? {} : { recipient_user_id: place.user, recipient_team_id: place.team }),
      });
      return started.ts ? { ts: started.ts, rest } : undefined;
    } catch (error) {
      const code = slackErrorCode(error);
      if (code === undefined) throw error;
      // Streaming is a nicety: any refusal of startStream falls back to a plain message.
      if (STREAMING_OFF.includes(code)) isStreamingAvailable = false;
      deps.logger.info({ event: 'slack-stream-unavailable', code }, 'chat streaming unavailable; posting the answer');
      return undefined;
    }
  }

  function body(outcome: InvestigationOutcome, investigationId: string): MessageBody {
    if (outcome.kind === 'clarify') {
      const text = clarifyText(outcome);
      return { text, blocks: clarifyBlocks(outcome, text, investigationId) };
    }
    return {
      text: answerFallbackText(outcome.answer),
      blocks: renderAnswerBlocks(outcome.answer, investigationId, deps.actions ?? ANSWER_ACTIONS),
    };
  }

  return {
    body,
    async post(outcome, investigationId, place, onStreamStarted) {
      const final = body(outcome, investigationId);
      // Only a model's text is streamed; a triage answer (or a stream to replace) goes out whole.
      if (outcome.kind === 'clarify' || outcome.answer.mode !== 'model' || place.streamTs) return finish(place, final);
      const stream = await startStream(outcome.answer, place);
      if (!stream) return finish(place, final);
      await onStreamStarted?.(stream.ts);
      // A failure from here on leaves the stream for the next attempt to replace (its ts is stored).
      for (const chunk of stream.rest)
        await client.chat.appendStream({ channel: place.channel, ts: stream.ts, markdown_text: chunk });
      await client.chat.stopStream({ channel: place.channel, ts: stream.ts });
      return finish({ ...place, streamTs: stream.ts }, final, true);
    },
  };
}
