import { randomUUID } from 'node:crypto';
import type { EnqueueResult, JobQueue } from '../queue/queue.js';
import type { Logger } from '../telemetry/logger.js';
import type { ChannelDirectory } from './channel-config.js';
import type { InvestigationJob } from '../runtime/investigator.js';
import type { SlackInvestigationJob } from './investigation-job.js';
import { startTraceparent, traceIdOf } from './traceparent.js';

/** A question as a listener saw it, before channel settings and trace context are added. */
export type IncomingQuestion = Pick<
  SlackInvestigationJob,
  'question' | 'channel' | 'thread' | 'user' | 'team' | 'eventId' | 'isAssistantThread' | 'isTopLevel' | 'trigger'
> &
  Pick<InvestigationJob, 'conversation'>;

/** Turns listener input into `investigation` jobs: the only thing Slack listeners do with a question. */
export interface QuestionIntake {
  /**
   * Enqueues once per idempotency key (Slack redeliveries and double submits become no-ops).
   * Throws when the queue is down, so the HTTP answer is an error and Slack delivers again.
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
  channels: ChannelDirectory;
  logger: Logger;
  /** Attempts per job before it is dead-lettered (queue default when absent). */
  attempts?: number;
  newId?: () => string;
}

/** Creates the intake shared by event, command and message listeners. */
export function createQuestionIntake(deps: QuestionIntakeDeps): QuestionIntake {
  const newId = deps.newId ?? randomUUID;
  return {
    async enqueue(question, idempotencyKey, context = {}) {
      const channel = deps.channels.get(question.channel);
      const traceparent = startTraceparent();
      const traceId = traceIdOf(traceparent);
      const job: SlackInvestigationJob = {
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
        ...(channel ? { defaults: deps.channels.defaultsFor(question.channel) } : {}),
        ...(channel?.gateway ? { principal: channel.gateway.principal } : {}),
      };
      const result = await deps.queue.enqueue(job, {
        idempotencyKey,
        ...(deps.attempts ? { attempts: deps.attempts } : {}),
      });
      deps.logger.info(
        {
          event: result.isDuplicate ? 'slack-event-duplicate' : 'slack-event-enqueued',
          eventId: question.eventId,
          jobId: result.id,
          investigationId: result.isDuplicate ? undefined : job.investigationId,
          traceId,
          channel: question.channel,
          trigger: question.trigger,
          retryNum: context.retryNum,
        },
        result.isDuplicate ? 'Slack redelivery ignored' : 'question enqueued',
      );
      return result;
    },
  };
}
