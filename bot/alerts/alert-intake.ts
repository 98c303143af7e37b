import { randomUUID } from 'node:crypto';
import type { ChannelDirectory } from '../slack/channel-config.js';
import type { SlackInvestigationJob } from '../slack/investigation-job.js';
import { startTraceparent, traceIdOf } from '../slack/traceparent.js';
import type { Database, SqlClient } from '../store/database.js';
import type { JobQueue } from '../queue/queue.js';
import type { Logger } from '../telemetry/logger.js';
import type { IncomingAlert } from './alert.js';
import type { AlertNoticeJob } from './alert-notice-job.js';
import type { AlertRoute, AlertRouter } from './alert-routes.js';
import { alertQuestion, anchorText } from './alert-text.js';
import { createAlertsRepository, type StoredAlert } from './alerts-repository.js';

/** What one alert of a delivery led to (the receiver's JSON answer lists them). */
export type AlertAction =
  'investigating' | 'updated' | 'resolved' | 'summarised' | 'stored' | 'unrouted' | 'already-resolved';

export interface AlertReceipt {
  fingerprint: string;
  action: AlertAction;
  channel?: string;
  investigationId?: string;
}

/** Stores alerts and turns them into investigation and notice jobs. */
export interface AlertIntake {
  /**
   * Handles one delivery. Resolves once every alert is stored and its job enqueued; throws when
   * the store or a queue is down, so the receiver answers 5xx and the sender delivers again
   * (a redelivery re-enqueues under the same idempotency keys, so nothing runs twice).
   */
  receive(alerts: readonly IncomingAlert[]): Promise<AlertReceipt[]>;
}

export interface AlertIntakeDeps {
  db: Database;
  router: AlertRouter;
  channels: ChannelDirectory;
  investigations: JobQueue<SlackInvestigationJob>;
  notices: JobQueue<AlertNoticeJob>;
  logger: Logger;
  attempts?: number;
  now?: () => Date;
  newId?: () => string;
}

type FollowUp =
  | { kind: 'investigate'; job: SlackInvestigationJob }
  | { kind: 'notice'; job: AlertNoticeJob; key: string }
  | { kind: 'none' };

interface Decision {
  action: AlertAction;
  followUp: FollowUp;
  investigationId?: string;
}

/** The start of the minute `now` falls in: storms are bounded per channel per calendar minute. */
export function windowOf(now: Date): Date {
  return new Date(Math.floor(now.getTime() / 60_000) * 60_000);
}

/** Creates the intake both receivers share. */
export function createAlertIntake(deps: AlertIntakeDeps): AlertIntake {
  const repo = createAlertsRepository(deps.db);
  const now = deps.now ?? (() => new Date());
  const newId = deps.newId ?? randomUUID;

  function investigationJob(row: StoredAlert, route: AlertRoute, investigationId: string, thread?: string) {
    const traceparent = startTraceparent();
    const traceId = traceIdOf(traceparent);
    const channel = deps.channels.get(route.channel);
    const defaults = { ...deps.channels.defaultsFor(route.channel), ...route.defaults };
    const job: SlackInvestigationJob = {
      source: 'slack',
      investigationId,
      question: alertQuestion(row, route.app, route.defaults),
      channel: route.channel,
      ...(thread ? { thread } : { anchorText: anchorText(row, route.app, route.defaults) }),
      user: row.source,
      eventId: `alert:${row.id}:${row.fireCount}`,
      traceparent,
      ...(traceId ? { traceId } : {}),
      trigger: 'alert',
      defaults,
      ...(channel?.gateway ? { principal: channel.gateway.principal } : {}),
    };
    return job;
  }

  /** Starts an investigation if the channel's minute has a slot left, else counts it into the storm. */
  async function investigateOrSummarise(tx: SqlClient, row: StoredAlert, route: AlertRoute): Promise<Decision> {
    const window = windowOf(now());
    if (await repo.claimSlot(route.channel, window, deps.router.maxInvestigationsPerMinute, tx)) {
      const investigationId = newId();
      await repo.setInvestigation(row.id, investigationId, tx);
      const previous = row.investigationId ? await repo.threadOf(row.investigationId, tx) : undefined;
      const job = investigationJob(row, route, investigationId, previous?.thread);
      return { action: 'investigating', investigationId, followUp: { kind: 'investigate', job } };
    }
    await repo.suppress(row.id, window, tx);
    const suppressed = await repo.addSuppressed(route.channel, window, tx);
    const job: AlertNoticeJob = {
      kind: 'storm',
      channel: route.channel,
      window: window.toISOString(),
      suppressed,
      traceparent: startTraceparent(),
    };
    return {
      action: 'summarised',
      followUp: { kind: 'notice', job, key: `storm:${route.channel}:${job.window}:${suppressed}` },
    };
  }

  /** A repeat of an investigated alert: re-enqueued while not started yet, else its thread is updated. */
  async function repeatOf(
    tx: SqlClient,
    row: StoredAlert,
    route: AlertRoute,
    investigationId: string,
  ): Promise<Decision> {
    const { exists } = await repo.threadOf(investigationId, tx);
    if (!exists) {
      const job = investigationJob(row, route, investigationId);
      return { action: 'investigating', investigationId, followUp: { kind: 'investigate', job } };
    }
    const job: AlertNoticeJob = { kind: 'repeat', alertId: row.id, traceparent: startTraceparent() };
    const decision: Decision = {
      action: 'updated',
      investigationId,
      followUp: { kind: 'notice', job, key: `repeat:${row.id}:${row.fireCount}` },
    };
    return decision;
  }

  /**
   * A resolve of an alert whose last firing was summarised in a storm: the summary is re-rendered
   * (it shows the alert resolved), since there is no thread of its own to mark.
   */
  async function stormResolved(tx: SqlClient, row: StoredAlert, window: Date): Promise<Decision> {
    const state = await repo.window(row.channel, window, tx);
    const job: AlertNoticeJob = {
      kind: 'storm',
      channel: row.channel,
      window: window.toISOString(),
      suppressed: state?.suppressed ?? 0,
      traceparent: startTraceparent(),
    };
    return {
      action: 'resolved',
      followUp: { kind: 'notice', job, key: `storm-resolved:${row.id}:${row.fireCount}` },
    };
  }

  async function decide(tx: Database, alert: IncomingAlert, route: AlertRoute): Promise<Decision> {
    const existing = await repo.find(alert.source, alert.fingerprint, tx);
    if (existing) return decideKnown(tx, existing, alert, route);
    const row = await repo.insert(newId(), alert, route.channel, now(), tx);
    if (!row) {
      // Another replica stored the same alert first: this delivery is a repeat of it.
      const raced = await repo.find(alert.source, alert.fingerprint, tx);
      if (!raced) throw new Error(`alert ${alert.fingerprint} could not be stored`);
      return decideKnown(tx, raced, alert, route);
    }
    if (alert.status === 'resolved') return { action: 'stored', followUp: { kind: 'none' } };
    return investigateOrSummarise(tx, row, route);
  }

  async function decideKnown(
    tx: Database,
    existing: StoredAlert,
    alert: IncomingAlert,
    route: AlertRoute,
  ): Promise<Decision> {
    const wasFiring = existing.status === 'firing';
    if (alert.status === 'resolved' && !wasFiring) return { action: 'already-resolved', followUp: { kind: 'none' } };
    const row = await repo.update(existing.id, alert, now(), tx);
    if (alert.status === 'resolved') {
      // The latest firing went into a storm summary (even if an earlier one has a thread): mark the summary.
      if (row.suppressedWindow) return stormResolved(tx, row, row.suppressedWindow);
      if (!row.investigationId) return { action: 'stored', followUp: { kind: 'none' } };
      const job: AlertNoticeJob = { kind: 'resolved', alertId: row.id, traceparent: startTraceparent() };
      return {
        action: 'resolved',
        investigationId: row.investigationId,
        followUp: { kind: 'notice', job, key: `resolved:${row.id}:${row.fireCount}` },
      };
    }
    // Firing again after a resolve, or never investigated (summarised in a storm): investigate now.
    if (!wasFiring || !row.investigationId) return investigateOrSummarise(tx, row, route);
    return repeatOf(tx, row, route, row.investigationId);
  }

  async function enqueue(followUp: FollowUp): Promise<void> {
    if (followUp.kind === 'investigate')
      await deps.investigations.enqueue(followUp.job, {
        idempotencyKey: `alert-investigation:${followUp.job.investigationId}`,
        ...(deps.attempts ? { attempts: deps.attempts } : {}),
      });
    else if (followUp.kind === 'notice') await deps.notices.enqueue(followUp.job, { idempotencyKey: followUp.key });
  }

  return {
    async receive(alerts) {
      const receipts: AlertReceipt[] = [];
      for (const alert of alerts) {
        const route = deps.router.route(alert);
        if (!route) {
          deps.logger.warn(
            { event: 'alert-unrouted', source: alert.source, fingerprint: alert.fingerprint },
            'no route and no fallback channel for this alert',
          );
          receipts.push({ fingerprint: alert.fingerprint, action: 'unrouted' });
          continue;
        }
        // Stored (committed) first, enqueued second: a crash in between is mended by the redelivery.
        const decision = await deps.db.transaction((tx) => decide(tx, alert, route));
        await enqueue(decision.followUp);
        deps.logger.info(
          {
            event: 'alert-received',
            source: alert.source,
            fingerprint: alert.fingerprint,
            status: alert.status,
            action: decision.action,
            channel: route.channel,
            investigationId: decision.investigationId,
          },
          `alert ${decision.action}`,
        );
        receipts.push({
          fingerprint: alert.fingerprint,
          action: decision.action,
          channel: route.channel,
          ...(decision.investigationId ? { investigationId: decision.investigationId } : {}),
        });
      }
      return receipts;
    },
  };
}
