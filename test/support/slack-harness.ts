import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { WebClient } from '@slack/web-api';
import type { Answer } from '../../bot/agent/answer.js';
import type { SkillCatalog as PortSkillCatalog } from '../../bot/agent/ports.js';
import { McpToolGateway } from '../../bot/gateway-client/mcp-tool-gateway.js';
import { createAnthropicModelClient } from '../../bot/model/anthropic-model-client.js';
import { createBullmqQueue } from '../../bot/queue/bullmq-queue.js';
import type { JobQueue, JobWorker } from '../../bot/queue/queue.js';
import { createInvestigator, type Investigator } from '../../bot/runtime/investigator.js';
import { skillCatalogPort } from '../../bot/runtime/skill-catalog-port.js';
import { createSkillCatalog } from '../../bot/skills/catalog.js';
import type { SkillCatalog } from '../../bot/skills/catalog-types.js';
import { createChannelDirectory, type ChannelDirectory, type SupportChannel } from '../../bot/slack/channel-config.js';
import { loadSlackConfig } from '../../bot/slack/config.js';
import { INVESTIGATION_QUEUE, type SlackInvestigationJob } from '../../bot/slack/investigation-job.js';
import { createInvestigationWorker, type InvestigationWorkerDeps } from '../../bot/slack/investigation-worker.js';
import { createSlackApp, type SlackAppDeps, type SlackService } from '../../bot/slack/slack-app.js';
import { createSlackMessagesRepository } from '../../bot/slack/slack-messages-repository.js';
import { webClientOptions } from '../../bot/slack/web-client-options.js';
import { migrate } from '../../bot/store/migrate.js';
import { createStore, type Store } from '../../bot/store/store.js';
import { createLogger, type Logger } from '../../bot/telemetry/logger.js';
import { openScenarioEstate, type ScenarioEstate } from '../../evaluators/runner/scenario-estate.js';
import type { Scenario } from '../../evaluators/sandbox/scenario/scenario-schema.js';
import {
  appMentionEvent,
  createChannel,
  FAKE_WORKSPACE,
  sendSignedEvent,
  sendSignedInteraction,
  startFakeSlack,
  type FakeSlack,
  type SlackMessage,
} from '../fakes/slack/index.js';
import { createPostgresTestDatabase, type TestDatabase } from './databases.js';
import { repositoryRoot } from './pipeline.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** What the harness has built before the Slack app starts, for callers that wire more onto it. */
export interface SlackHarnessParts {
  estate: ScenarioEstate;
  store: Store;
  catalog: PortSkillCatalog;
  gateway: McpToolGateway;
  channels: ChannelDirectory;
  slack: FakeSlack;
  logger: Logger;
}

/** Options of {@link startSlackHarness}; everything but the scenario has a default. */
export interface SlackHarnessOptions {
  scenario: Scenario;
  /** Support channels (default: the fake workspace's channel, team shop, mentions only, no defaults). */
  channels?: SupportChannel[];
  /** Extra conversations to add to the fake Slack workspace, by id and name. */
  extraChannels?: Array<{ id: string; name: string }>;
  /** Wraps the store the app, worker and investigators share (e.g. to count writes). */
  wrapStore?: (store: Store) => Store;
  /** The investigator for each job (default: triage over the sandbox, no model). */
  investigator?: (parts: SlackHarnessParts) => InvestigationWorkerDeps['investigator'];
  /** More Slack app dependencies (RCA, the fix queue), built once the parts exist. */
  slackDeps?: (parts: SlackHarnessParts) => Promise<Partial<SlackAppDeps>>;
  /** Worker concurrency (default 1). */
  concurrency?: number;
  backoffMs?: number;
}

/** The production path for end-to-end tests, up and running. */
export interface SlackHarness extends SlackHarnessParts {
  eventsUrl: string;
  signingSecret: string;
  service: SlackService;
  /** A bot-token Web API client on the fake Slack. */
  client: WebClient;
  /** A signed Events API delivery; returns the HTTP status. */
  send(payload: object, options?: { retryNum?: number }): Promise<number>;
  /** A signed interactivity payload (button, modal); returns the HTTP status. */
  interact(payload: Record<string, unknown>): Promise<number>;
  /**
   * Mentions the bot at the top of `channel`; the message is seeded so replies find it. Returns the event and its
   * thread.
   */
  mention(channel: string, question: string): { payload: ReturnType<typeof appMentionEvent>; thread: string };
  /**
   * The newest finished investigation of a thread (answered, or clarifying with `clarifying`), once
   * its Slack message is posted; `after` skips an earlier one.
   */
  settled(
    channel: string,
    thread: string,
    options?: { after?: string | readonly string[]; status?: 'answered' | 'clarifying' },
  ): Promise<{ id: string; answer: Answer; answerTs: string }>;
  /** The bot's messages in a thread (or, without `thread`, the whole channel). */
  botMessages(channel: string, thread?: string): SlackMessage[];
  close(): Promise<void>;
}

/**
 * An investigator option that answers by triage, or through the real Anthropic client against a
 * fake Messages API at `baseURL` while `isModel()` holds (tests switch it per case).
 */
export function triageOrModel(
  options: { baseURL: string; model: string },
  isModel: () => boolean,
): NonNullable<SlackHarnessOptions['investigator']> {
  return ({ store, gateway, catalog }) => {
    const triage = createInvestigator({ store, gateway, catalog });
    const model = createAnthropicModelClient({
      apiKey: 'e2e',
      baseURL: options.baseURL,
      models: [options.model],
      retriesPerModel: 0,
      minRetryDelayMs: 1,
      timeoutMs: 10_000,
    });
    const reasoning = createInvestigator({ store, gateway, catalog, model });
    return () => (isModel() ? reasoning : triage);
  };
}

/**
 * Signed Slack events into the real Bolt receiver, BullMQ on the real Redis (a fresh prefix),
 * the worker running the real pipeline over the sandbox estate through the MCP gateway, answers
 * posted to the fake Slack Web API, everything recorded in a throwaway PostgreSQL database.
 */
export async function startSlackHarness(options: SlackHarnessOptions): Promise<SlackHarness> {
  const logger = createLogger({ level: 'silent' });
  const signingSecret = `harness-${randomBytes(6).toString('hex')}`;
  const stops: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };
  try {
    const estate = await openScenarioEstate(options.scenario);
    stops.push(() => estate.close());
    const testDb: TestDatabase = await createPostgresTestDatabase();
    stops.push(() => testDb.drop());
    await migrate(testDb.db);
    const plain = createStore(testDb.db);
    const store = options.wrapStore ? options.wrapStore(plain) : plain;
    const disk: SkillCatalog = await createSkillCatalog({ roots: [join(repositoryRoot, 'skills')] });
    stops.push(() => disk.close());
    const slack = await startFakeSlack();
    stops.push(() => slack.close());
    for (const extra of options.extraChannels ?? [])
      slack.addChannel(createChannel(extra.id, extra.name, { isMember: true }));
    const gateway = new McpToolGateway({ url: estate.gateway.url, token: estate.gateway.token });
    stops.push(() => gateway.close());
    const catalog = skillCatalogPort(disk);
    const channels = createChannelDirectory(
      options.channels ?? [{ id: FAKE_WORKSPACE.channelId, team: 'shop', respond: 'mentions', defaults: {} }],
    );
    const parts: SlackHarnessParts = { estate, store, catalog, gateway, channels, slack, logger };

    const prefix = `e2e-${randomBytes(4).toString('hex')}`;
    const queueOptions = { redisUrl: REDIS_URL, prefix, backoffMs: options.backoffMs ?? 50 };
    const receiverQueue: JobQueue<SlackInvestigationJob> = createBullmqQueue(INVESTIGATION_QUEUE, queueOptions);
    stops.push(() => receiverQueue.close());
    const workerQueue: JobQueue<SlackInvestigationJob> = createBullmqQueue(INVESTIGATION_QUEUE, queueOptions);
    stops.push(() => workerQueue.close());
    const extraDeps = options.slackDeps ? await options.slackDeps(parts) : {};
    const service = createSlackApp(
      loadSlackConfig({
        SLACK_BOT_TOKEN: slack.botToken,
        SLACK_SIGNING_SECRET: signingSecret,
        SLACK_API_URL: slack.apiUrl,
      }),
      { queue: receiverQueue, store, channels, skillNames: () => catalog.names(), logger, ...extraDeps },
    );
    const eventsUrl = (await service.start({ port: 0, host: '127.0.0.1' })).eventsUrl ?? '';
    stops.push(() => service.stop());
    const client = new WebClient(
      slack.botToken,
      webClientOptions({ slackApiUrl: slack.apiUrl, retries: 3, logger, minRetryTimeoutMs: 10 }),
    );
    const triage: Investigator = createInvestigator({ store, gateway, catalog });
    const worker: JobWorker = createInvestigationWorker({
      client,
      store,
      investigator: options.investigator ? options.investigator(parts) : () => triage,
      logger,
      statusIntervalMs: 0,
    }).start(workerQueue, { concurrency: options.concurrency ?? 1 });
    stops.push(() => worker.close());

    const messages = createSlackMessagesRepository(store.db);
    return {
      ...parts,
      eventsUrl,
      signingSecret,
      service,
      client,
      async send(payload, sendOptions = {}) {
        const retry = sendOptions.retryNum ? { retryNum: sendOptions.retryNum, retryReason: 'http_timeout' } : {};
        return (await sendSignedEvent(eventsUrl, payload, { signingSecret, ...retry })).status;
      },
      async interact(payload) {
        return (await sendSignedInteraction(eventsUrl, payload, { signingSecret })).status;
      },
      mention(channel, question) {
        const payload = appMentionEvent({ channel, text: `<@${FAKE_WORKSPACE.botUserId}> ${question}` });
        const thread = String(payload.event['ts']);
        slack.addMessage(channel, { text: String(payload.event['text']), ts: thread });
        return { payload, thread };
      },
      async settled(channel, thread, settleOptions = {}) {
        const skip = new Set([settleOptions.after ?? []].flat());
        const status = settleOptions.status ?? 'answered';
        for (let tries = 0; tries < 1200; tries += 1) {
          const rows = await store.investigations.listRecent({ channels: [channel], limit: 50 });
          const row = rows.find((candidate) => candidate.thread === thread && !skip.has(candidate.id));
          const answerTs = row ? (await messages.get(row.id)).answerTs : undefined;
          if (row && row.status === status && answerTs) return { id: row.id, answer: row.answer as Answer, answerTs };
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        throw new Error(`no ${status} investigation recorded for thread ${thread} in ${channel}`);
      },
      botMessages(channel, thread) {
        return slack.messages(channel, thread).filter((message) => message['bot_id'] === FAKE_WORKSPACE.botId);
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
