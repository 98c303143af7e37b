import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, type CustomRoute } from '@slack/bolt';
import { BotError, errorMessage } from '../errors.js';
import type { JobQueue } from '../queue/queue.js';
import type { Store } from '../store/store.js';
import type { Logger } from '../telemetry/logger.js';
import { registerAppHome } from './app-home.js';
import type { ChannelDirectory } from './channel-config.js';
import { registerCommandListener } from './command-listener.js';
import type { SlackConfig } from './config.js';
import { registerEventListeners } from './event-listeners.js';
import { createHealthProbe, type HealthProbe } from './health-probe.js';
import { registerChoiceButtons } from './choice-buttons.js';
import { registerInteractivity } from './interactivity.js';
import { handleCorrectionReply, registerCorrectionActions } from './correction-flow.js';
import type { CorrectionService } from '../learning/correction-service.js';
import { registerRcaActions } from './rca-actions.js';
import { handleRcaCommand } from './rca-command.js';
import type { RcaService } from '../rca/rca-service.js';
import type { FixJob } from '../fix/fix-jobs.js';
import { registerFixActions } from './fix-actions.js';
import { createFollowUpRouter } from './follow-up-router.js';
import { slackErrorCode } from './slack-api-error.js';
import type { SlackInvestigationJob } from './investigation-job.js';
import { createIntakeRelay } from './intake-relay.js';
import { createQuestionIntake } from './question-intake.js';
import { rejectFutureTimestamps } from './request-timestamp.js';
import { slackLogger, webClientOptions } from './web-client-options.js';

/** The receiver's path for Events API, interactivity and slash-command requests. */
export const SLACK_EVENTS_PATH = '/slack/events';

/** Everything the Slack app needs from outside; tests inject fakes of none of it but Slack. */
export interface SlackAppDeps {
  queue: JobQueue<SlackInvestigationJob>;
  store: Store;
  channels: ChannelDirectory;
  /** Skill names for the correction modal. */
  skillNames: () => string[];
  logger: Logger;
  /** App Home health line (defaults to the gateway's /readyz and the queue's counts). */
  health?: HealthProbe;
  /** Attempts per investigation job. */
  attempts?: number;
  newId?: () => string;
  /** Minimum wait between Web API retries (tests make it small). */
  minRetryTimeoutMs?: number;
  /** RCA drafting and review ("Draft RCA", `/sre rca`, the edit modal). */
  rca?: { service: RcaService; pageUrl?: (rcaId: string) => string };
  /** The fix loop's queue: when set, Propose fix / Approve / Reject clicks are enqueued on it. */
  fixQueue?: JobQueue<FixJob>;
  /** The correction loop: when set, corrections are offered for Remember / Discard and become skill PRs. */
  learning?: CorrectionService;
  /** Time between intake relay passes (default 3 s). */
  relayIntervalMs?: number;
  /** Ack after enqueueing only, storing nothing first (the pre-issue-18 path; `bench slack` compares). */
  isEnqueueOnly?: boolean;
  /** Clock for the request-timestamp window (epoch ms). */
  now?: () => number;
}

/**
 * Asks Slack who the bot token belongs to before serving, so a wrong or revoked token fails at
 * start with what to do instead of every event failing later.
 */
async function verifyBotToken(app: App, config: SlackConfig, logger: Logger): Promise<void> {
  try {
    // Bolt's deferred init runs auth.test (the bot identity ignoreSelf needs) with our client options.
    await app.init();
    logger.info({ event: 'slack-auth-ok' }, 'Slack bot token verified');
  } catch (error) {
    const code = slackErrorCode(error);
    if (code) {
      throw new BotError(
        'config_invalid',
        `SLACK_BOT_TOKEN was refused by Slack (${code}): copy the Bot User OAuth Token from OAuth & Permissions ` +
          `(reinstall the app if it was rotated)`,
        { cause: error },
      );
    }
    throw new BotError(
      'upstream_unavailable',
      `cannot reach the Slack Web API at ${config.SLACK_API_URL} (${errorMessage(error)}); check SLACK_API_URL ` +
        `and outbound network access`,
      { cause: error, isRetryable: true },
    );
  }
}

/** A configured Bolt app and how to run it. */
export interface SlackService {
  app: App;
  /** Starts the HTTP receiver (or the Socket Mode connection); returns the events URL in HTTP mode. */
  start(options?: { port?: number; host?: string }): Promise<{ eventsUrl?: string }>;
  /** One intake relay pass now (tests, and a role that wants the backlog moved before serving). */
  relayOnce(): Promise<unknown>;
  stop(): Promise<void>;
}

/**
 * Builds the Slack receiver: Bolt verifies signatures and the 5-minute timestamp window (HTTP)
 * or holds the Socket Mode connection; a request timestamped in the future is refused too.
 * Listeners validate, store the question keyed by the event id, and return; the intake relay
 * puts stored questions on the queue. `processBeforeResponse` makes the 200 mean "stored": when
 * the store is down Slack gets an error and delivers again instead of the question being lost.
 */
export function createSlackApp(config: SlackConfig, deps: SlackAppDeps): SlackService {
  const routes: CustomRoute[] = [
    {
      path: '/healthz',
      method: ['GET'],
      handler: (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      },
    },
  ];
  const common = {
    token: config.SLACK_BOT_TOKEN,
    logger: slackLogger(deps.logger),
    clientOptions: webClientOptions({
      slackApiUrl: config.SLACK_API_URL,
      retries: config.SLACK_API_RETRIES,
      logger: deps.logger,
      ...(deps.minRetryTimeoutMs !== undefined ? { minRetryTimeoutMs: deps.minRetryTimeoutMs } : {}),
    }),
    ignoreSelf: true,
    // Initialised in start(), where a refused token becomes a startup error that says what to do.
    deferInitialization: true,
  };
  const app =
    config.mode === 'socket'
      ? new App({ ...common, socketMode: true, appToken: config.SLACK_APP_TOKEN })
      : new App({
          ...common,
          signingSecret: config.SLACK_SIGNING_SECRET ?? '',
          processBeforeResponse: true,
          customRoutes: routes,
        });

  app.error(async (error) => {
    deps.logger.error(
      { event: 'slack-listener-failed', err: error },
      'a Slack listener failed; Slack will redeliver events',
    );
    // Rethrown so the HTTP receiver answers 500 and Slack retries the delivery.
    throw error;
  });

  const relay = createIntakeRelay({
    store: deps.store,
    queue: deps.queue,
    logger: deps.logger,
    ...(deps.attempts ? { attempts: deps.attempts } : {}),
    ...(deps.relayIntervalMs ? { intervalMs: deps.relayIntervalMs } : {}),
  });
  const intake = createQuestionIntake({
    queue: deps.queue,
    store: deps.store,
    channels: deps.channels,
    logger: deps.logger,
    relay,
    ...(deps.isEnqueueOnly ? { isEnqueueOnly: true } : {}),
    ...(deps.attempts ? { attempts: deps.attempts } : {}),
    ...(deps.newId ? { newId: deps.newId } : {}),
  });
  const learning = deps.learning;
  if (learning) registerCorrectionActions(app, { learning, logger: deps.logger });
  const rca = deps.rca
    ? {
        service: deps.rca.service,
        store: deps.store,
        logger: deps.logger,
        ...(deps.rca.pageUrl ? { pageUrl: deps.rca.pageUrl } : {}),
      }
    : undefined;
  const followUps = createFollowUpRouter({
    intake,
    store: deps.store,
    logger: deps.logger,
    ...(deps.fixQueue ? { fixQueue: deps.fixQueue } : {}),
    ...(rca ? { rca } : {}),
  });
  registerEventListeners(app, {
    intake,
    channels: deps.channels,
    logger: deps.logger,
    followUps,
    store: deps.store,
    ...(learning
      ? {
          onThreadReply: (reply, client) =>
            handleCorrectionReply(client, { learning, store: deps.store, logger: deps.logger }, reply),
        }
      : {}),
  });
  if (rca) registerRcaActions(app, rca);
  registerCommandListener(app, {
    intake,
    logger: deps.logger,
    ...(rca ? { rca: (command, respond, client) => handleRcaCommand(command, respond, client, rca) } : {}),
  });
  registerInteractivity(app, {
    store: deps.store,
    skillNames: deps.skillNames,
    logger: deps.logger,
    ...(deps.newId ? { newId: deps.newId } : {}),
    ...(learning ? { learning } : {}),
  });
  registerChoiceButtons(app, { intake, store: deps.store, logger: deps.logger });
  if (deps.fixQueue) registerFixActions(app, { queue: deps.fixQueue, logger: deps.logger });
  registerAppHome(app, {
    store: deps.store,
    channels: deps.channels,
    health:
      deps.health ?? createHealthProbe({ gatewayUrl: config.GATEWAY_URL, queueCounts: () => deps.queue.counts() }),
    logger: deps.logger,
  });

  return {
    app,
    async start(options = {}) {
      await verifyBotToken(app, config, deps.logger);
      if (!deps.isEnqueueOnly) relay.start();
      if (config.mode === 'socket') {
        await app.start();
        return {};
      }
      const host = options.host ?? '0.0.0.0';
      // Bolt's HTTP receiver returns the node:http server it listens with.
      const server = (await app.start({ port: options.port ?? config.SLACK_PORT, host })) as Server;
      rejectFutureTimestamps(server, deps.now ?? Date.now);
      const address = server.address() as AddressInfo; // a TCP listener always has AddressInfo
      const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
      return { eventsUrl: `http://${shown}:${address.port}${SLACK_EVENTS_PATH}` };
    },
    relayOnce: () => relay.runOnce(),
    async stop() {
      await relay.stop();
      await app.stop();
    },
  };
}
