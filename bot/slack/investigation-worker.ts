import type { WebClient } from '@slack/web-api';
import type { InvestigationOutcome } from '../agent/answer.js';
import type { PipelineStep } from '../agent/ports.js';
import { errorMessage } from '../errors.js';
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
import { toJobError } from './slack-errors.js';
import { createStatusReporter, type StatusReporter } from './status-reporter.js';

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
  /** Stream answers with chat.startStream when Slack offers it (default true). */
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

/** The sentence a person sees when an investigation failed for good. */
export function failureSentence(traceId: string | undefined): string {
  return (
    `Sorry — I couldn't finish investigating this${traceId ? ` (trace ${traceId})` : ''}. The on-call SRE can ` +
    `look it up.`
  );
}

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
 * thread anchor of a `/sre` question, the status message) and in the store (a finished answer is
 * not recomputed), and records the answer's ts, so a retried job answers exactly once. Errors are
 * mapped to queue outcomes (see toJobError).
 */
export function createInvestigationWorker(deps: InvestigationWorkerDeps): InvestigationWorker {
  const { client, store, logger } = deps;
  const now = deps.clock ? () => deps.clock?.now() ?? Date.now() : () => Date.now();
  const messages = createSlackMessagesRepository(store.db);
  const poster = createAnswerPoster({
    client,
    streaming: deps.streaming ?? true,
    logger,
    ...(deps.answerActions ? { actions: deps.answerActions } : {}),
  });
  const investigatorFor = (data: SlackInvestigationJob): Investigator =>
    typeof deps.investigator === 'function' ? deps.investigator(data) : deps.investigator;

  /** The thread to answer in; a `/sre` question or a new alert gets a visible anchor message first. */
  async function threadFor(data: SlackInvestigationJob, row: Investigation): Promise<string> {
    if (data.thread) return data.thread;
    if (row.thread) return row.thread;
    const question = data.question.replace(/[<>&]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;' })[c] ?? c);
    const text = data.anchorText ?? `<@${data.user}> asked: ${question}`;
    const anchor = await client.chat.postMessage({ channel: data.channel, text });
    const ts = anchor.ts ?? '';
    await store.investigations.setThread(data.investigationId, ts);
    return ts;
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
    try {
      // The job is the pipeline's InvestigationJob; jobs enqueued before traceId travelled get it here.
      const pipelineJob: SlackInvestigationJob = data.traceId || !traceId ? data : { ...data, traceId };
      const investigator = investigatorFor(data);
      // The one write of the row: the investigator's open; the run below reuses it.
      const row = await investigator.open(pipelineJob);
      const recorded = await messages.get(id);
      if (recorded.answerTs) {
        log.info(
          { event: 'investigation-already-answered', answerTs: recorded.answerTs },
          'answer already posted; nothing to do',
        );
        return;
      }
      const thread = await threadFor(data, row);
      status = createStatusReporter({
        client,
        channel: data.channel,
        thread,
        isAssistantThread: data.isAssistantThread === true,
        ...(data.isTopLevel ? { isTopLevel: true } : {}),
        ...(recorded.statusTs ? { existingTs: recorded.statusTs } : {}),
        onPosted: (ts) => messages.setStatusTs(id, ts),
        intervalMs: deps.statusIntervalMs ?? 1_000,
        now,
        logger: log,
      });
      await status.begin();
      log.info({ event: 'investigation-start' }, 'investigation started');

      let outcome = storedOutcome(row);
      if (!outcome) {
        const reporter = status;
        const onProgress = (step: PipelineStep, message: string): void => {
          reporter.progress(step, message);
          void job.reportProgress({ step, message }).catch(() => undefined);
        };
        // A thread the worker started (`/sre`, a new alert) is a conversation too, known only now.
        const conversation = pipelineJob.conversation ?? { thread, kind: 'thread' as const };
        const result = await investigator.run({ ...pipelineJob, conversation }, onProgress, row);
        outcome = result.outcome;
      }
      await status.settle();
      const answerTs = await poster.post(outcome, id, {
        channel: data.channel,
        thread,
        user: data.user,
        ...(data.team ? { team: data.team } : {}),
        ...(status.statusTs ? { statusTs: status.statusTs } : {}),
        isAssistantThread: data.isAssistantThread === true,
        ...(data.isTopLevel ? { isTopLevel: true } : {}),
      });
      await messages.setAnswerTs(id, answerTs);
      log.info({ event: 'investigation-end', outcome: outcome.kind, answerTs }, 'answer posted');
    } catch (error) {
      await status?.settle();
      const mapped = toJobError(error);
      log.warn(
        { event: 'investigation-attempt-failed', err: error, attempt: job.attempt, maxAttempts: job.maxAttempts },
        `attempt failed: ${errorMessage(error)}`,
      );
      if (job.attempt < job.maxAttempts && status)
        await status.note('Still on it — retrying after a hiccup…').catch(() => undefined);
      throw mapped;
    }
  }

  async function onDeadLetter(job: QueueJob<SlackInvestigationJob>, error: unknown): Promise<void> {
    const data = job.data;
    const traceId = traceIdOf(data.traceparent);
    const text = failureSentence(traceId);
    logger.error(
      {
        event: 'investigation-dead-lettered',
        investigationId: data.investigationId,
        jobId: job.id,
        traceId,
        err: error,
      },
      'investigation failed for good',
    );
    const row = await store.investigations.get(data.investigationId).catch(() => undefined);
    if (row && row.status !== 'answered' && row.status !== 'clarifying')
      await store.investigations.fail(data.investigationId, errorMessage(error)).catch(() => undefined);
    const recorded = await messages
      .get(data.investigationId)
      .catch(() => ({}) as { statusTs?: string; answerTs?: string });
    if (recorded.answerTs) return;
    const thread = data.thread ?? row?.thread;
    if (data.isAssistantThread && thread) {
      await client.assistant.threads
        .setStatus({ channel_id: data.channel, thread_ts: thread, status: '' })
        .catch(() => undefined);
    }
    if (recorded.statusTs && !data.isAssistantThread) {
      await client.chat.update({ channel: data.channel, ts: recorded.statusTs, text });
      return;
    }
    await client.chat.postMessage({
      channel: data.channel,
      ...(thread && !data.isTopLevel ? { thread_ts: thread } : {}),
      text,
    });
  }

  return {
    handle,
    onDeadLetter,
    start(queue, options) {
      return queue.process(handle, { concurrency: options.concurrency, onDeadLetter });
    },
  };
}
