import type { WebClient } from '@slack/web-api';
import pRetry from 'p-retry';
import { errorMessage } from '../errors.js';
import type { QueueJob } from '../queue/queue.js';
import type { Store } from '../store/store.js';
import type { Logger } from '../telemetry/logger.js';
import type { SlackInvestigationJob } from './investigation-job.js';
import type { MessageDelivery } from './message-delivery.js';
import type { SlackMessagesRepository } from './slack-messages-repository.js';
import { traceIdOf } from './traceparent.js';

/** The sentence a person sees when an investigation failed for good. */
export function failureSentence(traceId: string | undefined): string {
  return (
    `Sorry — I couldn't finish investigating this${traceId ? ` (trace ${traceId})` : ''}. The on-call SRE can ` +
    `look it up.`
  );
}

/** Store writes on the dead-letter path ride out a short outage (about 40 s) instead of being dropped. */
export function retryStoreWrite<T>(write: () => Promise<T>): Promise<T> {
  return pRetry(write, { retries: 7, factor: 2, minTimeout: 300, maxTimeout: 10_000 });
}

/**
 * After the last failed attempt: marks the row failed (retrying the write) and tells the person
 * once, through a method that works. The sentence replaces the status message; when chat.update
 * is refused it is posted in the thread and the status line removed; a `/sre` question with no
 * thread gets it through the command's response URL.
 */
export function createDeadLetterNotice(deps: {
  client: WebClient;
  store: Store;
  messages: SlackMessagesRepository;
  delivery: MessageDelivery;
  logger: Logger;
}) {
  const { client, store, messages, delivery } = deps;
  return async function onDeadLetter(job: QueueJob<SlackInvestigationJob>, error: unknown): Promise<void> {
    const data = job.data;
    const id = data.investigationId;
    const traceId = traceIdOf(data.traceparent);
    const text = failureSentence(traceId);
    deps.logger.error(
      { event: 'investigation-dead-lettered', investigationId: id, jobId: job.id, traceId, err: error },
      'investigation failed for good',
    );
    const row = await retryStoreWrite(() => store.investigations.get(id)).catch(() => undefined);
    if (row && row.status !== 'answered' && row.status !== 'clarifying')
      await retryStoreWrite(() => store.investigations.fail(id, errorMessage(error))).catch((cause: unknown) =>
        deps.logger.error(
          { event: 'investigation-fail-write-failed', investigationId: id, err: cause },
          'could not mark the investigation failed; the intake relay closes it later',
        ),
      );
    const recorded = await retryStoreWrite(() => messages.get(id)).catch(
      () => ({}) as { statusTs?: string; answerTs?: string },
    );
    if (recorded.answerTs) return;
    const thread = data.thread ?? row?.thread;
    if (data.isAssistantThread && thread) {
      await client.assistant.threads
        .setStatus({ channel_id: data.channel, thread_ts: thread, status: '' })
        .catch(() => undefined);
    }
    if (!thread && data.responseUrl) {
      await delivery.respond(data.responseUrl, { text });
      return;
    }
    const statusTs = data.isAssistantThread ? undefined : recorded.statusTs;
    const placed = await delivery.replaceOrPost(
      {
        channel: data.channel,
        ...(thread && !data.isTopLevel ? { thread } : {}),
        ...(statusTs ? { ts: statusTs } : {}),
      },
      { text },
    );
    const isSettled = !statusTs || placed.isInPlace || (await delivery.remove(data.channel, statusTs));
    if (isSettled) await messages.settleStatus(id).catch(() => undefined);
  };
}
