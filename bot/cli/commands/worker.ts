import { WebClient } from '@slack/web-api';
import { BotError } from '../../errors.js';
import { McpToolGateway } from '../../gateway-client/mcp-tool-gateway.js';
import { openQueue } from '../../queue/open-queue.js';
import type { JobQueue, JobWorker } from '../../queue/queue.js';
import type { SourceReader } from '../../runtime/investigation-snapshot.js';
import { createInvestigator, investigationSettings, type Investigator } from '../../runtime/investigator.js';
import type { ChannelDirectory } from '../../slack/channel-config.js';
import { INVESTIGATION_QUEUE, type SlackInvestigationJob } from '../../slack/investigation-job.js';
import { webClientOptions } from '../../slack/web-client-options.js';
import { createInvestigationWorker } from '../../slack/investigation-worker.js';
import { createSlackMessagesRepository } from '../../slack/slack-messages-repository.js';
import { createStatusSweeper } from '../../slack/status-sweeper.js';
import { ANSWER_ACTIONS } from '../../slack/answer-poster.js';
import type { FixConfig } from '../../fix/config.js';
import type { FixJob } from '../../fix/fix-jobs.js';
import { openFixQueue, startFixRole, type RunningFixRole } from '../fix-role.js';
import { createBotMetrics, registerApprovalMetrics, type BotMetrics } from '../../telemetry/bot-metrics.js';
import { countingSlackErrors, meterModelClient } from '../../telemetry/metered-clients.js';
import { registerQueueMetrics } from '../queue-metrics.js';
import { startRoleTelemetry } from '../role-telemetry.js';
import { loadWorkerRoleConfig, type WorkerRoleConfig } from '../role-config.js';
import { openRuntime, resolveSkillRoots, type Runtime } from '../runtime.js';
import { wireLearning } from '../learning-wiring.js';
import { parseFlags, parseIntegerFlag, writeLine, type CliIo, type Command } from '../command.js';

const USAGE = 'worker [--concurrency N]';

/** A running worker role: closes its gateways and stops taking jobs. */
export interface RunningWorker {
  close(): Promise<void>;
}

/**
 * Gateway clients per channel principal: a channel's `gateway.tokenEnv` names the variable that
 * holds its token; channels without one use GATEWAY_TOKEN. The role config has already checked
 * that GATEWAY_URL, GATEWAY_TOKEN and every named variable are set.
 */
function gatewaysFor(
  config: WorkerRoleConfig,
  channels: ChannelDirectory,
  env: CliIo['env'],
): { forPrincipal(principal?: string): McpToolGateway; close(): Promise<void> } {
  const url = config.GATEWAY_URL;
  const defaultToken = config.GATEWAY_TOKEN;
  if (!url || !defaultToken) {
    throw new BotError('config_invalid', 'invalid worker configuration: GATEWAY_URL and GATEWAY_TOKEN are required');
  }
  const clients = new Map<string, McpToolGateway>();
  return {
    forPrincipal(principal) {
      const tokenEnv = principal ? channels.tokenEnvFor(principal) : undefined;
      const token = (tokenEnv ? env[tokenEnv] : undefined) ?? defaultToken;
      let client = clients.get(token);
      if (!client) {
        client = new McpToolGateway({ url, token });
        clients.set(token, client);
      }
      return client;
    },
    async close() {
      await Promise.all([...clients.values()].map((client) => client.close()));
    },
  };
}

/** The worker role's configuration, parsed once at start (see loadWorkerRoleConfig). */
export interface WorkerRoleSettings {
  config: WorkerRoleConfig;
  channels: ChannelDirectory;
  /** The fix loop's settings; with `fixQueue`, this worker also runs fix jobs. */
  fix?: FixConfig;
}

/**
 * Wires and starts the investigation worker on an opened runtime and queue: one investigator per
 * gateway principal, the Slack Web API client (429-aware retries), status, answers, dead letters.
 * With the fix settings and `fixQueue`, answers offer "Propose fix" and the fix loop runs here too.
 */
export async function startWorkerRole(
  io: CliIo,
  runtime: Runtime,
  queue: JobQueue<SlackInvestigationJob>,
  settings: WorkerRoleSettings,
  options: { concurrency?: number; metrics?: BotMetrics; readSources?: SourceReader; fixQueue?: JobQueue<FixJob> } = {},
): Promise<RunningWorker> {
  const { config, channels } = settings;
  const gateways = gatewaysFor(config, channels, io.env);
  const pipeline = investigationSettings(runtime.agent);
  const investigators = new Map<McpToolGateway, Investigator>();
  const { metrics } = options;
  const model = runtime.model && metrics ? meterModelClient(runtime.model, metrics) : runtime.model;
  const investigatorFor = (job: SlackInvestigationJob): Investigator => {
    const gateway = gateways.forPrincipal(job.principal);
    let investigator = investigators.get(gateway);
    if (!investigator) {
      investigator = createInvestigator({
        store: runtime.store,
        gateway,
        catalog: runtime.catalog,
        settings: pipeline,
        ...(model ? { model } : {}),
        ...(metrics ? { metrics } : {}),
        ...(options.readSources ? { readSources: options.readSources } : {}),
        logger: runtime.logger,
      });
      investigators.set(gateway, investigator);
    }
    return investigator;
  };
  const clientOptions = webClientOptions({
    slackApiUrl: config.SLACK_API_URL,
    retries: config.SLACK_API_RETRIES,
    logger: runtime.logger,
  });
  const SlackClient = metrics ? countingSlackErrors(WebClient, metrics) : WebClient;
  const client = new SlackClient(config.SLACK_BOT_TOKEN, clientOptions);
  const worker = createInvestigationWorker({
    client,
    store: runtime.store,
    investigator: investigatorFor,
    logger: runtime.logger,
    statusIntervalMs: config.SLACK_STATUS_INTERVAL_MS,
    streaming: config.SLACK_STREAMING,
    answerActions: { ...ANSWER_ACTIONS, proposeFix: Boolean(settings.fix && options.fixQueue) },
  });
  let fix: RunningFixRole | undefined;
  if (settings.fix && options.fixQueue)
    fix = await startFixRole({
      runtime,
      config: settings.fix,
      queue: options.fixQueue,
      client,
      reader: gateways.forPrincipal(),
      gatewayUrl: config.GATEWAY_URL ?? '',
    });
  const running: JobWorker = worker.start(queue, { concurrency: options.concurrency ?? config.WORKER_CONCURRENCY });
  // Status lines a dead worker or a refused chat.delete left saying "Looking into it…".
  const sweeper = createStatusSweeper({
    client,
    messages: createSlackMessagesRepository(runtime.store.db),
    logger: runtime.logger,
  });
  sweeper.start();
  return {
    async close() {
      await sweeper.stop();
      await running.close();
      await fix?.close();
      await gateways.close();
    },
  };
}

/**
 * `sre-bot worker`: drains the `investigation` queue on Redis until SIGINT/SIGTERM. Without
 * REDIS_URL there is nothing to drain from another process, so it refuses to start and says
 * that `sre-bot slack` runs the worker in-process in that setup.
 */
export const workerCommand: Command = {
  name: 'worker',
  summary: 'Run the investigation worker: answers Slack questions from the queue (needs REDIS_URL and GATEWAY_URL).',
  usage: USAGE,
  run: async (argv, io) => {
    const { values } = parseFlags(argv, { concurrency: { type: 'string' } }, USAGE);
    const concurrency = parseIntegerFlag(values.concurrency, 'concurrency', USAGE);
    const settings = loadWorkerRoleConfig(io.env, io.cwd, { requireRedis: true });
    const { config } = settings;
    const redisUrl = config.REDIS_URL;
    if (!redisUrl) throw new BotError('config_invalid', 'invalid worker configuration: REDIS_URL is required');
    const telemetry = await startRoleTelemetry(io, 'worker', config);
    const runtime = await openRuntime(io, { useModel: true, watchSkills: true, config });
    const queue = openQueue<SlackInvestigationJob>(INVESTIGATION_QUEUE, {
      redisUrl,
      prefix: runtime.core.QUEUE_PREFIX,
    });
    const fixQueue = settings.fix ? openFixQueue(runtime) : undefined;
    let role: RunningWorker | undefined;
    try {
      registerQueueMetrics(telemetry.registry, queue);
      const metrics = createBotMetrics(telemetry.registry);
      registerApprovalMetrics(telemetry.registry, () => runtime.store.approvals.oldestPendingSince());
      // Snapshots read the app's sources through the correction loop's Git host, when it is configured.
      const readSources = wireLearning(io, runtime, resolveSkillRoots(config, io.cwd).roots)?.readSources;
      role = await startWorkerRole(io, runtime, queue, settings, {
        metrics,
        ...(concurrency ? { concurrency } : {}),
        ...(readSources ? { readSources } : {}),
        ...(fixQueue ? { fixQueue } : {}),
      });
      writeLine(
        io.stderr,
        `sre-bot worker: draining '${INVESTIGATION_QUEUE}' on Redis (concurrency ` +
          `${concurrency ?? config.WORKER_CONCURRENCY}, ` +
          `${runtime.model ? 'model configured' : 'no model: triage answers'}; ` +
          `${settings.fix ? `fix pull requests on ${settings.fix.FIX_GIT_PROVIDER}` : 'fix pull requests off'})`,
      );
      await io.stopSignal;
    } finally {
      await role?.close();
      await fixQueue?.close();
      await queue.close();
      await runtime.close();
      await telemetry.close();
    }
    return 0;
  },
};
