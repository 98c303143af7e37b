import { randomUUID } from 'node:crypto';
import type { WebClient } from '@slack/web-api';
import type { InvestigationOutcome } from '../agent/answer.js';
import type { PipelineStep } from '../agent/ports.js';
import { BotError, errorMessage } from '../errors.js';
import type { JobQueue, JobWorker, QueueJob } from '../queue/queue.js';
import type { Investigator } from '../runtime/investigator.js';
import type { SlackInvestigationJob } from './investigation-job.js';
import { traceIdOf } from './traceparent.js';
import type { Investigation } from '../store/investigations-repository.js';
import { createSlackMessagesRepository } from './slack-messages-repository.js';
import type { Store } from '../store/store.js';
import type { Logger } from '../telemetry/logger.js';
import type { AnswerActions } from './answer-blocks.js';
import { createAnswerPoster } from './answer-poster.js';
import { createDeadLetterNotice } from './dead-letter-notice.js';
import { createMessageDelivery } from './message-delivery.js';
import { slackErrorCode } from './slack-api-error.js';
import { toJobError } from './slack-errors.js';
import { createStatusReporter, type StatusReporter } from './status-reporter.js';

export { failureSentence } from './dead-letter-notice.js';

/** Everything the worker needs; tests pass a fake-Slack WebClient and an investigator double. */
export interface InvestigationWorkerDeps {
  client: WebClient;
  store: Store;
  /** One investigator, or one per job (e.g. per channel gateway principal). */
  investigator: Investigator | ((job: SlackInvestigationJob) => Investigator);
  logger: Logger;
  clock?: { now(): number };
  /** Minimum time between status updates (default 1 s). */
  statusIntervalMs?: number;
  /** Stream model answers with chat.startStream when Slack offers it (default true). */
  streaming?: boolean;
  /** Buttons on answers (default ANSWER_ACTIONS; the fix loop turns on Propose fix). */
  answerActions?: AnswerActions;
}

/** Processes `investigation` jobs from Slack. */
export interface InvestigationWorker {
  /** Runs one job: status in the thread, the investigation, exactly one answer. */
  handle(job: QueueJob<SlackInvestigationJob>): Promise<void>;
  /** After the last failed attempt: one plain sentence with the trace id in the thread. */
  onDeadLetter(job: QueueJob<SlackInvestigationJob>, error: unknown): Promise<void>;
  /** Starts draining a queue. */
  start(queue: JobQueue<SlackInvestigationJob>, options: { concurrency: number }): JobWorker;
}

/** How often a running job tells the store it is alive (the relay recovers only silent ones). */
const HEARTBEAT_INTERVAL_MS = 2_000;

/** What `ts` holds when an answer went out through a slash command's response URL. */
export const RESPONSE_URL_ANSWER = 'response_url';

/** Slack refusals of the `/sre` anchor that mean the bot may not post in the channel. */
const NOT_IN_CHANNEL = new Set(['not_in_channel', 'channel_not_found']);

function storedOutcome(investigation: Investigation | undefined): InvestigationOutcome | undefined {
  if (!investigation?.answer) return undefined;
  // Rows written by the investigator: an Answer when answered, the clarify outcome when clarifying.
  if (investigation.status === 'answered')
    return {
      kind: 'answer',
      answer: investigation.answer as Extract<InvestigationOutcome, { kind: 'answer' }>['answer'],
    };
  if (investigation.status === 'clarifying') return investigation.answer as InvestigationOutcome;
  return undefined;
}

/**
 * The investigation job processor. Each attempt reuses what earlier attempts left in Slack (the
 * thread anchor of a `/sre` question, the status message, a stream cut short) and in the store (a
 * finished answer is not recomputed), and records the answer's ts, so a retried or resumed job
 * answers exactly once. Errors are mapped to queue outcomes (see toJobError).
 */
export function createInvestigationWorker(deps: InvestigationWorkerDeps): InvestigationWorker {
  const { client, store, logger } = deps;
  const now = deps.clock ? () => deps.clock?.now() ?? Date.now() : () => Date.now();
  const messages = createSlackMessagesRepository(store.db);
  const delivery = createMessageDelivery(client, logger);
  const poster = createAnswerPoster({
    client,
    streaming: deps.streaming ?? true,
    logger,
    ...(deps.answerActions ? { actions: deps.answerActions } : {}),
  });
  const investigatorFor = (data: SlackInvestigationJob): Investigator =>
    typeof deps.investigator === 'function' ? deps.investigator(data) : deps.investigator;

  /**
   * The thread to answer in; a `/sre` question or a new alert gets a visible anchor message first.
   * Undefined when the bot may not post in the channel and `/sre` gave a response URL instead.
   */
  async function threadFor(data: SlackInvestigationJob, row: Investigation): Promise<string | undefined> {
    if (data.thread) return data.thread;
    if (row.thread) return row.thread;
    const question = data.question.replace(/[<>&]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;' })[c] ?? c);
    const text = data.anchorText ?? `<@${data.user}> asked: ${question}`;
    try {
      const ts = await delivery.post(data.channel, undefined, { text });
      await store.investigations.setThread(data.investigationId, ts);
      return ts;
    } catch (error) {
      if (data.responseUrl && NOT_IN_CHANNEL.has(slackErrorCode(error) ?? '')) return undefined;
      throw error;
    }
  }

  async function outcomeOf(
    job: QueueJob<SlackInvestigationJob>,
    pipelineJob: SlackInvestigationJob,
    row: Investigation,
    status: StatusReporter | undefined,
  ): Promise<InvestigationOutcome> {
    const stored = storedOutcome(row);
    if (stored) return stored;
    const onProgress = (step: PipelineStep, message: string): void => {
      status?.progress(step, message);
      void job.reportProgress({ step, message }).catch(() => undefined);
    };
    return (await investigatorFor(job.data).run(pipelineJob, onProgress, row)).outcome;
  }

  async function handle(job: QueueJob<SlackInvestigationJob>): Promise<void> {
    const data = job.data;
    const id = data.investigationId;
    const traceId = traceIdOf(data.traceparent);
    const log = logger.child({
      investigationId: id,
      jobId: job.id,
      attempt: job.attempt,
      traceId,
      channel: data.channel,
    });
    let status: StatusReporter | undefined;
    const attemptToken = randomUUID();
    // While this runs, the intake relay must not think the queue lost the question.
    const beat = () => void store.intake.heartbeat(id, attemptToken).catch(() => undefined);
    beat();
    const heartbeat = setInterval(beat, HEARTBEAT_INTERVAL_MS);
    heartbeat.unref();
    try {
      // The job is the pipeline's InvestigationJob; jobs enqueued before traceId travelled get it here.
      const pipelineJob: SlackInvestigationJob = data.traceId || !traceId ? data : { ...data, traceId };
      // The row exists already (durable intake) or is created here (jobs from alerts, older receivers).
      const row = await investigatorFor(data).open(pipelineJob);
      const recorded = await messages.get(id);
      if (recorded.answerTs) {
        log.info({ event: 'investigation-already-answered', answerTs: recorded.answerTs }, 'answer already posted');
        return;
      }
      const thread = await threadFor(data, row);
      if (thread === undefined && data.responseUrl) {
        const outcome = await outcomeOf(job, pipelineJob, row, undefined);
        await delivery.respond(data.responseUrl, poster.body(outcome, id));
        await messages.setAnswerTs(id, RESPONSE_URL_ANSWER);
        log.info({ event: 'investigation-end', outcome: outcome.kind, via: 'response_url' }, 'answer sent');
        return;
      }
      const threadTs = thread ?? '';
      status = createStatusReporter({
        client,
        channel: data.channel,
        thread: threadTs,
        isAssistantThread: data.isAssistantThread === true,
        ...(data.isTopLevel ? { isTopLevel: true } : {}),
        ...(recorded.statusTs ? { existingTs: recorded.statusTs } : {}),
        // A status line from an attempt that never failed means its worker died mid-run.
        isResuming: recorded.statusTs !== undefined && job.attempt === 1,
        onPosted: (ts) => messages.setStatusTs(id, ts),
        intervalMs: deps.statusIntervalMs ?? 1_000,
        now,
        logger: log,
      });
      await status.begin();
      log.info({ event: 'investigation-start' }, 'investigation started');
      // A thread the worker started (`/sre`, a new alert) is a conversation too, known only now.
      const conversation = pipelineJob.conversation ?? { thread: threadTs, kind: 'thread' as const };
      const outcome = await outcomeOf(job, { ...pipelineJob, conversation }, row, status);
      await status.settle();
      // Another worker may have answered meanwhile (a job recovered after a queue outage).
      const latest = await messages.get(id);
      if (latest.answerTs) {
        log.info({ event: 'investigation-already-answered', answerTs: latest.answerTs }, 'answered by another attempt');
        return;
      }
      // One attempt posts: a second one running at the same time (a stalled lock) waits and retries.
      if (!(await messages.claimAnswer(id, attemptToken)))
        throw new BotError('upstream_unavailable', 'another attempt is posting this answer', { isRetryable: true });
      const posted = await poster.post(
        outcome,
        id,
        {
          channel: data.channel,
          thread: threadTs,
          user: data.user,
          ...(data.team ? { team: data.team } : {}),
          ...(status.statusTs ? { statusTs: status.statusTs } : {}),
          ...(latest.streamTs ? { streamTs: latest.streamTs } : {}),
          isAssistantThread: data.isAssistantThread === true,
          ...(data.isTopLevel ? { isTopLevel: true } : {}),
        },
        (ts) => messages.setStreamTs(id, ts),
      );
      await messages.setAnswerTs(id, posted.answerTs);
      if (posted.isStatusSettled) await messages.settleStatus(id);
      log.info({ event: 'investigation-end', outcome: outcome.kind, answerTs: posted.answerTs }, 'answer posted');
    } catch (error) {
      await status?.settle();
      const mapped = toJobError(error);
      log.warn(
        { event: 'investigation-attempt-failed', err: error, attempt: job.attempt },
        `attempt failed: ${errorMessage(error)}`,
      );
      if (status) await status.note('Still on it — retrying after a hiccup…').catch(() => undefined);
      await messages.releaseAnswer(id, attemptToken).catch(() => undefined);
      throw mapped;
    } finally {
      clearInterval(heartbeat);
    }
  }

  const onDeadLetter = createDeadLetterNotice({ client, store, messages, delivery, logger });

  return {
    handle,
    onDeadLetter,
    start(queue, options) {
      return queue.process(handle, { concurrency: options.concurrency, onDeadLetter });
    },
  };
}
