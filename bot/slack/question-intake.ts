import { randomUUID } from 'node:crypto';
import type { EnqueueResult, JobQueue } from '../queue/queue.js';
import type { Store } from '../store/store.js';
import type { Logger } from '../telemetry/logger.js';
import type { ChannelDirectory } from './channel-config.js';
import { createIntakeRelay, type IntakeRelay } from './intake-relay.js';
import type { InvestigationJob } from '../runtime/investigator.js';
import type { SlackInvestigationJob } from './investigation-job.js';
import { startTraceparent, traceIdOf } from './traceparent.js';

/** A question as a listener saw it, before channel settings and trace context are added. */
export type IncomingQuestion = Pick<
  SlackInvestigationJob,
  | 'question'
  | 'channel'
  | 'thread'
  | 'user'
  | 'team'
  | 'eventId'
  | 'isAssistantThread'
  | 'isTopLevel'
  | 'trigger'
  | 'responseUrl'
> &
  Pick<InvestigationJob, 'conversation'>;

/** Turns listener input into `investigation` jobs: the only thing Slack listeners do with a question. */
export interface QuestionIntake {
  /**
   * Stores the question durably, then hands it to the queue; resolves once it is stored, so the
   * ack means "stored". Once per idempotency key: Slack redeliveries and double submits are
   * no-ops. Throws when the store is down, so the HTTP answer is an error and Slack delivers again.
   */
  enqueue(
    question: IncomingQuestion,
    idempotencyKey: string,
    context?: { retryNum?: number | undefined },
  ): Promise<EnqueueResult>;
}

/** Dependencies of {@link createQuestionIntake}. */
export interface QuestionIntakeDeps {
  queue: JobQueue<SlackInvestigationJob>;
  store: Store;
  channels: ChannelDirectory;
  logger: Logger;
  /** Attempts per job before it is dead-lettered (queue default when absent). */
  attempts?: number;
  newId?: () => string;
  /** Hands stored questions to the queue (default: a relay over `store` and `queue`). */
  relay?: IntakeRelay;
  /**
   * The ack path before issue 18: enqueue only, nothing stored first. A Redis restart loses
   * acked questions this way; `bench slack` keeps it to measure the durable write against.
   */
  isEnqueueOnly?: boolean;
}

/** Creates the intake shared by event, command and message listeners. */
export function createQuestionIntake(deps: QuestionIntakeDeps): QuestionIntake {
  const newId = deps.newId ?? randomUUID;
  const relay =
    deps.relay ??
    createIntakeRelay({
      store: deps.store,
      queue: deps.queue,
      logger: deps.logger,
      ...(deps.attempts ? { attempts: deps.attempts } : {}),
    });

  function jobFor(question: IncomingQuestion): SlackInvestigationJob {
    const channel = deps.channels.get(question.channel);
    const traceparent = startTraceparent();
    const traceId = traceIdOf(traceparent);
    return {
      source: 'slack',
      investigationId: newId(),
      question: question.question,
      channel: question.channel,
      ...(question.thread ? { thread: question.thread } : {}),
      user: question.user,
      ...(question.team ? { team: question.team } : {}),
      eventId: question.eventId,
      traceparent,
      ...(traceId ? { traceId } : {}),
      trigger: question.trigger,
      ...(question.isAssistantThread ? { isAssistantThread: true } : {}),
      ...(question.isTopLevel ? { isTopLevel: true } : {}),
      ...(question.conversation ? { conversation: question.conversation } : {}),
      ...(question.responseUrl ? { responseUrl: question.responseUrl } : {}),
      ...(channel ? { defaults: deps.channels.defaultsFor(question.channel) } : {}),
      ...(channel?.gateway ? { principal: channel.gateway.principal } : {}),
    };
  }

  /** The one write before the ack; the hand-off to the queue runs after it, the relay catches misses. */
  async function storeThenHandOff(job: SlackInvestigationJob, idempotencyKey: string): Promise<EnqueueResult> {
    const isNew = await deps.store.intake.store({
      id: job.investigationId,
      source: 'slack',
      question: job.question,
      channel: job.channel,
      ...(job.thread ? { thread: job.thread } : {}),
      userId: job.user,
      ...(job.traceId ? { traceId: job.traceId } : {}),
      intakeKey: idempotencyKey,
      job,
    });
    if (!isNew) return { id: idempotencyKey, isDuplicate: true };
    // After the 200 is written: the hand-off's synchronous part (building the queue job) is not the ack's to pay.
    setImmediate(() => {
      relay
        .handOff({ id: job.investigationId, intakeKey: idempotencyKey, job })
        .catch((error: unknown) =>
          deps.logger.warn(
            { event: 'intake-handoff-failed', err: error, investigationId: job.investigationId },
            'question stored; the relay will enqueue it',
          ),
        );
    });
    return { id: job.investigationId, isDuplicate: false };
  }

  return {
    async enqueue(question, idempotencyKey, context = {}) {
      const job = jobFor(question);
      const result = deps.isEnqueueOnly
        ? await deps.queue.enqueue(job, { idempotencyKey, ...(deps.attempts ? { attempts: deps.attempts } : {}) })
        : await storeThenHandOff(job, idempotencyKey);
      // Logged after the ack too: the line (redacted by the logger) is not part of the round trip.
      setImmediate(() =>
        deps.logger.info(
          {
            event: result.isDuplicate ? 'slack-event-duplicate' : 'slack-event-stored',
            eventId: question.eventId,
            jobId: result.id,
            investigationId: result.isDuplicate ? undefined : job.investigationId,
            traceId: job.traceId,
            channel: question.channel,
            trigger: question.trigger,
            retryNum: context.retryNum,
          },
          result.isDuplicate ? 'Slack redelivery ignored' : 'question stored',
        ),
      );
      return result;
    },
  };
}
