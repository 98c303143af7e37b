import type { WebClient } from '@slack/web-api';
import { redactText } from '../../redaction/index.js';
import type { PipelineStep } from '../agent/ports.js';
import { escapeMrkdwn } from './answer-blocks.js';
import type { Logger } from '../telemetry/logger.js';

const STEP_LABEL: Record<PipelineStep, string> = {
  resolve: 'Finding what you mean',
  gather: 'Gathering evidence',
  match: 'Matching skills',
  reason: 'Reasoning over the evidence',
  triage: 'Triaging with the skills',
  answer: 'Writing the answer',
};

/** The first status line, before any progress arrives. */
export const STARTING_TEXT = ':mag: Looking into it…';
/** The status line when a job is taken over from a worker that died (SIGKILL, OOM, a deploy). */
export const RESUMING_TEXT = ':mag: Resuming after a restart…';

function clip(text: string, limit: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= limit ? flat : `${flat.slice(0, limit - 1)}…`;
}

/**
 * Status text for a progress step, e.g. ":mag: Looking into it — Gathering evidence: checking Argo CD app payments".
 */
export function statusText(step: PipelineStep, message: string): string {
  return `:mag: Looking into it — ${STEP_LABEL[step]}: ${escapeMrkdwn(clip(message, 300))}`;
}

/** Shows an investigation's progress in its thread while it runs. */
export interface StatusReporter {
  /** Posts (or reuses) the status message, or sets the assistant status in AI-app threads. */
  begin(): Promise<void>;
  /** Queues a progress line; lines are sent at most once per interval, the latest wins. */
  progress(step: PipelineStep, message: string): void;
  /** Shows a retry note after a failed attempt. */
  note(text: string): Promise<void>;
  /** Stops updating: drops a pending line and waits for one in flight. */
  settle(): Promise<void>;
  /** The status message ts (undefined in AI-app threads, which use the assistant status). */
  readonly statusTs: string | undefined;
}

/** Options of {@link createStatusReporter}. */
export interface StatusReporterOptions {
  client: WebClient;
  channel: string;
  thread: string;
  isAssistantThread: boolean;
  /** A plain DM: the status line goes at the top of the conversation, not in a thread. */
  isTopLevel?: boolean;
  /** A status message a previous attempt posted. */
  existingTs?: string;
  /** The previous attempt's worker died: say so instead of starting over silently. */
  isResuming?: boolean;
  onPosted: (ts: string) => Promise<void>;
  intervalMs: number;
  now: () => number;
  logger: Logger;
}

/**
 * A status message updated in place (or the assistant status), throttled so a chatty pipeline
 * costs at most one Web API call per interval. Progress updates are best effort: a failure is
 * logged and the investigation goes on.
 */
export function createStatusReporter(options: StatusReporterOptions): StatusReporter {
  const { client, channel, thread } = options;
  let statusTs = options.existingTs;
  let lastSentAt = Number.NEGATIVE_INFINITY;
  let pending: { step: PipelineStep; message: string } | undefined;
  let inFlight: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let settled = false;

  const send = async (step: PipelineStep, message: string): Promise<void> => {
    if (options.isAssistantThread) {
      await client.assistant.threads.setStatus({
        channel_id: channel,
        thread_ts: thread,
        status: clip(`is ${STEP_LABEL[step].toLowerCase()}: ${message}`, 100),
      });
    } else if (statusTs) {
      await client.chat.update({ channel, ts: statusTs, text: statusText(step, message) });
    }
  };

  const flush = (): void => {
    timer = undefined;
    if (settled || inFlight || !pending) return;
    const wait = lastSentAt + options.intervalMs - options.now();
    if (wait > 0) {
      timer = setTimeout(flush, wait);
      return;
    }
    const { step, message } = pending;
    pending = undefined;
    lastSentAt = options.now();
    inFlight = send(step, message)
      .catch((error: unknown) =>
        options.logger.warn({ event: 'slack-status-failed', err: error, channel }, 'status update failed; continuing'),
      )
      .finally(() => {
        inFlight = undefined;
        if (pending && !settled && !timer) flush();
      });
  };

  return {
    get statusTs() {
      return statusTs;
    },
    async begin() {
      if (options.isAssistantThread) {
        await client.assistant.threads.setStatus({
          channel_id: channel,
          thread_ts: thread,
          status: options.isResuming ? 'is resuming after a restart…' : 'is looking into it…',
        });
        return;
      }
      if (statusTs) {
        // Best effort: a status line that cannot be edited must not stop the answer.
        const text = options.isResuming ? RESUMING_TEXT : STARTING_TEXT;
        await client.chat
          .update({ channel, ts: statusTs, text })
          .catch((error: unknown) =>
            options.logger.warn(
              { event: 'slack-status-failed', err: error, channel },
              'status update failed; continuing',
            ),
          );
      } else {
        const posted = await client.chat.postMessage({
          channel,
          ...(options.isTopLevel ? {} : { thread_ts: thread }),
          text: STARTING_TEXT,
        });
        const ts = posted.ts;
        if (ts) {
          // An unrecorded status line could never be cleared: remove it when recording fails.
          await options.onPosted(ts).catch(async (error: unknown) => {
            await client.chat.delete({ channel, ts }).catch(() => undefined);
            throw error;
          });
        }
        statusTs = ts;
      }
      lastSentAt = options.now();
    },
    progress(step, message) {
      if (settled) return;
      // Progress lines can quote what a tool said: redacted like every other text bound for Slack.
      pending = { step, message: redactText(message) };
      if (!timer && !inFlight) flush();
    },
    async note(text) {
      await this.settle();
      if (options.isAssistantThread)
        await client.assistant.threads.setStatus({ channel_id: channel, thread_ts: thread, status: clip(text, 100) });
      else if (statusTs) await client.chat.update({ channel, ts: statusTs, text: `:mag: ${text}` });
    },
    async settle() {
      settled = true;
      pending = undefined;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await inFlight;
    },
  };
}
