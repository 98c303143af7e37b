import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBullmqQueue } from '../../bot/queue/bullmq-queue.js';
import type { JobQueue } from '../../bot/queue/queue.js';
import { createChannelDirectory } from '../../bot/slack/channel-config.js';
import { loadSlackConfig } from '../../bot/slack/config.js';
import { INVESTIGATION_QUEUE, type SlackInvestigationJob } from '../../bot/slack/investigation-job.js';
import { createSlackApp, type SlackService } from '../../bot/slack/slack-app.js';
import { migrate } from '../../bot/store/migrate.js';
import { createPgDatabase } from '../../bot/store/pg-database.js';
import { createStore, type Store } from '../../bot/store/store.js';
import { createLogger } from '../../bot/telemetry/logger.js';
import type { Scenario } from '../../evaluators/sandbox/scenario/scenario-schema.js';
import { startSandbox, type RunningSandbox } from '../../evaluators/sandbox/start-sandbox.js';
import { startUnreachableServer } from '../../evaluators/sandbox/unreachable-server.js';
import { startGatewayOverSandbox, type SandboxGateway } from '../../evaluators/sandbox/with-gateway.js';
import { anthropicSteps, startFakeAnthropic, type FakeAnthropic, type Step } from '../fakes/anthropic/index.js';
import { startFakeSlack, type FakeSlack } from '../fakes/slack/index.js';
import { repositoryRoot } from '../support/pipeline.js';
import { startPostgres, startRedis, type OwnedService } from './services.js';

export const SIGNING_SECRET = 'faults-signing-secret';

/** The model's answer in every fault run: a submit_answer the pipeline accepts, so answers stream. */
export const MODEL_ANSWER: Step = anthropicSteps.toolUse(
  'submit_answer',
  {
    summary: 'checkout cannot start: its image tag was never pushed.',
    rootCause: 'The prod overlay sets an image tag the registry does not have.',
    evidence: [{ text: 'image not found', source: 'describe_workload:checkout' }],
    confidence: 'high',
    nextSteps: ['Set the tag back to the last one that was pushed.'],
  },
  { times: Number.POSITIVE_INFINITY },
);

/** Every role of a deployment on loopback: Redis, PostgreSQL, Slack, model, estate, receiver, workers. */
export interface FaultCluster {
  redis: OwnedService;
  postgres: OwnedService;
  slack: FakeSlack;
  model: FakeAnthropic;
  store: Store;
  eventsUrl: string;
  scenario: Scenario;
  /** The worker processes now running. */
  readonly workers: readonly ChildProcess[];
  /** Starts worker processes against the healthy gateway, or the one with an Argo CD instance down. */
  startWorkers(count: number, gateway?: 'healthy' | 'argocd-down'): Promise<void>;
  /** SIGKILLs every worker process (no shutdown, locks left to expire). */
  killWorkers(): Promise<void>;
  /** Stops the workers gracefully. */
  stopWorkers(): Promise<void>;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Starts the cluster for a scenario; `close()` stops everything it started. */
export async function startFaultCluster(scenario: Scenario): Promise<FaultCluster> {
  const closers: Array<() => Promise<unknown>> = [];
  const close = async () => {
    for (const closer of closers.splice(0).reverse()) await closer().catch(() => undefined);
  };
  try {
    const [redis, postgres, slack, model] = await Promise.all([
      startRedis(),
      startPostgres(),
      startFakeSlack(),
      startFakeAnthropic({ script: [MODEL_ANSWER] }),
    ]);
    closers.push(
      () => redis.close(),
      () => postgres.close(),
      () => slack.close(),
      () => model.close(),
    );
    const db = createPgDatabase(postgres.url, { max: 20 });
    await migrate(db);
    const store = createStore(db);
    closers.push(() => store.close());
    const sandbox: RunningSandbox = await startSandbox({ scenario });
    closers.push(() => sandbox.close());
    const healthy: SandboxGateway = await startGatewayOverSandbox(sandbox, { healthCheckIntervalMs: 0 });
    closers.push(() => healthy.close());
    // One more Argo CD instance that accepts connections and never answers: an instance that is down.
    const down = await startUnreachableServer();
    closers.push(() => down.close());
    const degraded = await startGatewayOverSandbox(sandbox, {
      healthCheckIntervalMs: 0,
      callTimeoutMs: 2_000,
      extraUpstreams: [
        {
          kind: 'argocd',
          instance: 'argocd-ap-1',
          url: `${down.url('http')}/mcp`,
          auth: { bearerTokenEnv: 'DOWN_TOKEN' },
        },
      ],
      extraEnv: { DOWN_TOKEN: 'down-token' },
    });
    closers.push(() => degraded.close());

    const prefix = `faults-${Date.now()}`;
    const queue: JobQueue<SlackInvestigationJob> = createBullmqQueue(INVESTIGATION_QUEUE, {
      redisUrl: redis.url,
      prefix,
    });
    closers.push(() => queue.close());
    const logger = createLogger({ level: 'silent' });
    const receiver: SlackService = createSlackApp(
      loadSlackConfig({
        SLACK_BOT_TOKEN: slack.botToken,
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_API_URL: slack.apiUrl,
      }),
      { queue, store, channels: createChannelDirectory([]), skillNames: () => [], logger, relayIntervalMs: 1_000 },
    );
    const eventsUrl = (await receiver.start({ port: 0, host: '127.0.0.1' })).eventsUrl ?? '';
    closers.push(() => receiver.stop());

    const home = mkdtempSync(join(tmpdir(), 'sre-bot-faults-'));
    closers.push(() => Promise.resolve(rmSync(home, { recursive: true, force: true })));
    const workers: ChildProcess[] = [];
    const spawnWorker = async (gateway: SandboxGateway): Promise<void> => {
      const child = spawn(
        process.execPath,
        [join(repositoryRoot, 'bin', 'sre-bot.js'), 'worker', '--concurrency', '2'],
        {
          cwd: repositoryRoot,
          stdio: ['ignore', 'ignore', 'pipe'],
          env: {
            PATH: process.env.PATH ?? '',
            HOME: home,
            SRE_BOT_HOME: home,
            REDIS_URL: redis.url,
            QUEUE_PREFIX: prefix,
            DATABASE_URL: postgres.url,
            SLACK_BOT_TOKEN: slack.botToken,
            SLACK_API_URL: slack.apiUrl,
            GATEWAY_URL: gateway.gateway.url,
            GATEWAY_TOKEN: gateway.gateway.token,
            ANTHROPIC_API_KEY: 'faults-key',
            ANTHROPIC_BASE_URL: model.url,
            LOG_LEVEL: 'silent',
          },
        },
      );
      let stderr = '';
      child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      workers.push(child);
      const deadline = Date.now() + 90_000;
      while (!stderr.includes('sre-bot worker: draining')) {
        if (child.exitCode !== null) throw new Error(`worker exited at start: ${stderr}`);
        if (Date.now() > deadline) throw new Error(`worker did not start within 90 s: ${stderr}`);
        await sleep(100);
      }
    };
    const stopAll = async (signal: NodeJS.Signals) => {
      const stopping = workers.splice(0);
      for (const child of stopping) child.kill(signal);
      await Promise.all(stopping.map(exited));
    };
    closers.push(() => stopAll('SIGKILL'));

    return {
      redis,
      postgres,
      slack,
      model,
      store,
      eventsUrl,
      scenario,
      workers,
      async startWorkers(count, gateway = 'healthy') {
        const target = gateway === 'healthy' ? healthy : degraded;
        await Promise.all(Array.from({ length: count }, () => spawnWorker(target)));
      },
      killWorkers: () => stopAll('SIGKILL'),
      stopWorkers: () => stopAll('SIGTERM'),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
