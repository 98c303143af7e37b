import { resolve } from 'node:path';
import { WebClient } from '@slack/web-api';
import { createAlertIntake } from '../../alerts/alert-intake.js';
import { ALERT_NOTICE_QUEUE, type AlertNoticeJob } from '../../alerts/alert-notice-job.js';
import { startAlertReceiver } from '../../alerts/alert-receiver.js';
import { createAlertRouter, loadAlertRoutes } from '../../alerts/alert-routes.js';
import { alertsConfigSchema, type AlertsConfig } from '../../alerts/config.js';
import { checkEnv, configError, type Env } from '../../config/parse-env.js';
import { openQueue } from '../../queue/open-queue.js';
import { createAlertNoticeWorker } from '../../slack/alert-notice-worker.js';
import { INVESTIGATION_QUEUE, type SlackInvestigationJob } from '../../slack/investigation-job.js';
import { webClientOptions } from '../../slack/web-client-options.js';
import { createAlertMetrics } from '../../telemetry/alert-metrics.js';
import { createBotMetrics } from '../../telemetry/bot-metrics.js';
import { registerQueueMetrics } from '../queue-metrics.js';
import { loadWorkerRoleConfig, type WorkerRoleConfig } from '../role-config.js';
import { startRoleTelemetry } from '../role-telemetry.js';
import { openRuntime } from '../runtime.js';
import { writeLine, type Command } from '../command.js';
import type { ChannelDirectory } from '../../slack/channel-config.js';
import { startWorkerRole, type RunningWorker } from './worker.js';

/** The alerts role's settings: its own variables, the worker's, and the routes file, parsed at once. */
function loadAlertsRole(
  env: Env,
  cwd: string,
): { alerts: AlertsConfig; worker: WorkerRoleConfig; channels: ChannelDirectory; routesFile: string } {
  const problems: string[] = [];
  const own = checkEnv(alertsConfigSchema, env);
  if (!own.isValid) problems.push(...own.problems);
  let worker: ReturnType<typeof loadWorkerRoleConfig> | undefined;
  try {
    worker = loadWorkerRoleConfig(env, cwd);
  } catch (error) {
    if (!(error instanceof Error) || (error as { code?: unknown }).code !== 'config_invalid') throw error;
    problems.push(error.message.replace(/^invalid worker configuration: /, ''));
  }
  if (!own.isValid || !worker || problems.length > 0) throw configError('alerts', problems);
  const routesFile = resolve(cwd, own.data.SRE_BOT_ALERT_ROUTES_FILE);
  return { alerts: Object.freeze(own.data), worker: worker.config, channels: worker.channels, routesFile };
}

/**
 * `sre-bot alerts`: the Alertmanager and PagerDuty webhook receiver plus the worker of alert
 * notices (thread updates, resolves, storm summaries). With REDIS_URL the investigations go to
 * the shared queue that `sre-bot worker` drains; without Redis the investigation worker runs here.
 */
export const alertsCommand: Command = {
  name: 'alerts',
  summary: 'Run the alert receiver: Alertmanager and PagerDuty webhooks start investigations in team channels.',
  usage: 'alerts',
  run: async (_argv, io) => {
    const role = loadAlertsRole(io.env, io.cwd);
    const router = createAlertRouter(loadAlertRoutes(role.routesFile));
    const telemetry = await startRoleTelemetry(io, 'alerts', role.worker);
    const runtime = await openRuntime(io, { useModel: !io.env.REDIS_URL, watchSkills: true, config: role.worker });
    const queueOptions = { redisUrl: runtime.core.REDIS_URL, prefix: runtime.core.QUEUE_PREFIX };
    const investigations = openQueue<SlackInvestigationJob>(INVESTIGATION_QUEUE, queueOptions);
    const notices = openQueue<AlertNoticeJob>(ALERT_NOTICE_QUEUE, { ...queueOptions, attempts: 10 });
    registerQueueMetrics(telemetry.registry, investigations);
    const alertMetrics = createAlertMetrics(telemetry.registry);
    const client = new WebClient(
      role.worker.SLACK_BOT_TOKEN,
      webClientOptions({
        slackApiUrl: role.worker.SLACK_API_URL,
        retries: role.worker.SLACK_API_RETRIES,
        logger: runtime.logger,
      }),
    );
    const noticeWorker = createAlertNoticeWorker({
      client,
      db: runtime.store.db,
      router,
      logger: runtime.logger,
      metrics: alertMetrics,
    }).start(notices, { concurrency: 2 });
    let worker: RunningWorker | undefined;
    const intake = createAlertIntake({
      db: runtime.store.db,
      router,
      channels: role.channels,
      investigations,
      notices,
      logger: runtime.logger,
    });
    const { alerts } = role;
    const receiver = await startAlertReceiver(
      {
        intake,
        auth: {
          ...(alerts.SRE_BOT_ALERTMANAGER_TOKEN ? { alertmanagerToken: alerts.SRE_BOT_ALERTMANAGER_TOKEN } : {}),
          ...(alerts.SRE_BOT_ALERTMANAGER_BASIC_AUTH
            ? { alertmanagerBasicAuth: alerts.SRE_BOT_ALERTMANAGER_BASIC_AUTH }
            : {}),
          pagerdutySecrets: alerts.SRE_BOT_PAGERDUTY_SECRETS ?? [],
        },
        logger: runtime.logger,
        metrics: alertMetrics,
      },
      { host: alerts.SRE_BOT_ALERTS_HOST, port: alerts.SRE_BOT_ALERTS_PORT },
    );
    try {
      if (!io.env.REDIS_URL) {
        const metrics = createBotMetrics(telemetry.registry);
        worker = await startWorkerRole(
          io,
          runtime,
          investigations,
          { config: role.worker, channels: role.channels },
          { metrics },
        );
      }
      const queueLine = worker ? 'in-process queue, worker in this process' : 'Redis queue; `sre-bot worker` answers';
      writeLine(io.stderr, `sre-bot alerts listening on ${receiver.url}/alerts/{alertmanager,pagerduty}: ${queueLine}`);
      await io.stopSignal;
    } finally {
      await receiver.close().catch(() => undefined);
      await noticeWorker.close();
      await worker?.close();
      await notices.close();
      await investigations.close();
      await runtime.close();
      await telemetry.close();
    }
    return 0;
  },
};
