import type { WebClient } from '@slack/web-api';
import { BotError } from '../errors.js';
import type { JobQueue, JobWorker, QueueJob } from '../queue/queue.js';
import { slackErrorCode } from './slack-api-error.js';
import { toJobError } from './slack-errors.js';
import { traceIdOf } from './traceparent.js';
import type { SqlClient } from '../store/database.js';
import type { AlertMetrics } from '../telemetry/alert-metrics.js';
import type { Logger } from '../telemetry/logger.js';
import type { AlertNoticeJob } from '../alerts/alert-notice-job.js';
import type { AlertRouter } from '../alerts/alert-routes.js';
import { anchorText, resolvedReply, stormSummary } from '../alerts/alert-text.js';
import { createAlertsRepository, type StoredAlert } from '../alerts/alerts-repository.js';

/** Dependencies of {@link createAlertNoticeWorker}. */
export interface AlertNoticeWorkerDeps {
  client: WebClient;
  db: SqlClient;
  router: AlertRouter;
  logger: Logger;
  /** Counts applied and failed notices for the role's /metrics. */
  metrics?: AlertMetrics;
}

const notYet = (what: string) => new BotError('not_found', what, { isRetryable: true });

/**
 * Applies alert notices to Slack, always rendered from the stored alert so a late or repeated
 * job shows the current state: a repeat rewrites the thread's top message (fire count, last
 * seen), a resolve rewrites it as resolved, adds a check mark and replies once in the thread, a
 * storm posts one summary per channel and minute and rewrites it as more alerts are summarised
 * or resolve (struck through; a check mark once all have).
 * A thread not posted yet is retried later (the investigation worker posts it).
 */
export function createAlertNoticeWorker(deps: AlertNoticeWorkerDeps) {
  const { client, router, logger } = deps;
  const repo = createAlertsRepository(deps.db);

  async function markResolved(channel: string, ts: string): Promise<void> {
    await client.reactions.add({ channel, timestamp: ts, name: 'white_check_mark' }).catch((error: unknown) => {
      if (slackErrorCode(error) !== 'already_reacted') throw error;
    });
  }

  async function threadOf(alert: StoredAlert): Promise<string | undefined> {
    if (!alert.investigationId) return undefined;
    const { thread } = await repo.threadOf(alert.investigationId);
    if (!thread) throw notYet(`the thread of alert ${alert.id} is not posted yet`);
    return thread;
  }

  async function updateThread(alert: StoredAlert, isResolve: boolean): Promise<void> {
    const thread = await threadOf(alert);
    if (!thread) return;
    const route = router.route(alert);
    const text = anchorText(alert, route?.app, route?.defaults ?? {});
    await client.chat.update({ channel: alert.channel, ts: thread, text });
    if (!isResolve || alert.status !== 'resolved') return;
    await markResolved(alert.channel, thread);
    await client.chat.postMessage({ channel: alert.channel, thread_ts: thread, text: resolvedReply(alert) });
  }

  async function summarise(job: Extract<AlertNoticeJob, { kind: 'storm' }>): Promise<void> {
    const window = new Date(job.window);
    const state = await repo.window(job.channel, window);
    // A later job of the same window renders a fuller list: skip this one.
    if (!state || state.suppressed > job.suppressed) return;
    const render = async () => {
      const alerts = await repo.suppressedIn(job.channel, window);
      return { alerts, text: stormSummary(alerts, window, router.maxInvestigationsPerMinute) };
    };
    let { alerts, text } = await render();
    let ts = state.summaryTs;
    if (ts) await client.chat.update({ channel: job.channel, ts, text });
    else {
      if (!(await repo.claimSummary(job.channel, window))) throw notYet('the storm summary is being posted');
      ts = (await client.chat.postMessage({ channel: job.channel, text })).ts;
      if (ts) await repo.setSummaryTs(job.channel, window, ts);
    }
    if (!ts) return;
    // Two notices of one window (two resolves) may write in the wrong order: re-render from the
    // store until what the message shows is current.
    for (let round = 0; round < 3; round += 1) {
      const fresh = await render();
      if (fresh.text === text) break;
      ({ alerts, text } = fresh);
      await client.chat.update({ channel: job.channel, ts, text });
    }
    // Every summarised alert resolved: the summary gets the check mark a resolved thread gets.
    if (alerts.length > 0 && alerts.every((alert) => alert.status === 'resolved')) await markResolved(job.channel, ts);
  }

  async function handle(job: QueueJob<AlertNoticeJob>): Promise<void> {
    const data = job.data;
    const log = logger.child({ jobId: job.id, attempt: job.attempt, traceId: traceIdOf(data.traceparent) });
    try {
      if (data.kind === 'storm') await summarise(data);
      else {
        const alert = await repo.get(data.alertId);
        if (alert) await updateThread(alert, data.kind === 'resolved');
      }
      log.info({ event: 'alert-notice-end', kind: data.kind }, 'alert notice applied');
      deps.metrics?.notice(data.kind, 'applied');
    } catch (error) {
      deps.metrics?.notice(data.kind, 'failed');
      log.warn({ event: 'alert-notice-failed', kind: data.kind, err: error }, 'alert notice failed');
      throw toJobError(error);
    }
  }

  return {
    handle,
    start(queue: JobQueue<AlertNoticeJob>, options: { concurrency: number }): JobWorker {
      return queue.process(handle, { concurrency: options.concurrency });
    },
  };
}
