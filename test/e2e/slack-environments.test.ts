import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Answer } from '../../bot/agent/answer.js';
import { McpToolGateway } from '../../bot/gateway-client/mcp-tool-gateway.js';
import { createBullmqQueue } from '../../bot/queue/bullmq-queue.js';
import type { JobQueue, JobWorker } from '../../bot/queue/queue.js';
import { createInvestigator } from '../../bot/runtime/investigator.js';
import { skillCatalogPort } from '../../bot/runtime/skill-catalog-port.js';
import { createSkillCatalog } from '../../bot/skills/catalog.js';
import type { SkillCatalog } from '../../bot/skills/catalog-types.js';
import { createChannelDirectory } from '../../bot/slack/channel-config.js';
import { CHOICE_ACTION_PREFIX } from '../../bot/slack/choice-buttons.js';
import { loadSlackConfig } from '../../bot/slack/config.js';
import { INVESTIGATION_QUEUE, type SlackInvestigationJob } from '../../bot/slack/investigation-job.js';
import { createInvestigationWorker } from '../../bot/slack/investigation-worker.js';
import { createSlackApp, type SlackService } from '../../bot/slack/slack-app.js';
import { createSlackMessagesRepository } from '../../bot/slack/slack-messages-repository.js';
import { webClientOptions } from '../../bot/slack/web-client-options.js';
import { migrate } from '../../bot/store/migrate.js';
import { createStore, type Store } from '../../bot/store/store.js';
import { createLogger } from '../../bot/telemetry/logger.js';
import { openScenarioEstate, type ScenarioEstate } from '../../evaluators/runner/scenario-estate.js';
import {
  appMentionEvent,
  blockActionsPayload,
  createChannel,
  FAKE_WORKSPACE,
  sendSignedEvent,
  sendSignedInteraction,
  startFakeSlack,
  type FakeSlack,
} from '../fakes/slack/index.js';
import { createPostgresTestDatabase, type TestDatabase } from '../support/databases.js';
import { bundledScenario, combineScenarios, repositoryRoot } from '../support/pipeline.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const SECRET = 'e2e-environments-secret';
const logger = createLogger({ level: 'silent' });
/** A second channel whose defaults point at the EU estate. */
const EU_CHANNEL = 'C0EUDEFAULTS';

/**
 * Issue 14, defects 4 and 5, through the real Bolt app, BullMQ on Redis, the worker and the
 * pipeline over the sandbox (catalog runs on argocd-eu-1 and argocd-us-1; checkout and orders are
 * broken in prod-eu only): a name in two environments is investigated, not asked back, and the
 * other environment is a button; a place the question names beats the channel's defaults; with
 * several failures at once the worst is investigated and each other one is a button that works.
 */
describe('Slack answers about names in several environments', () => {
  let estate: ScenarioEstate;
  let testDb: TestDatabase;
  let store: Store;
  let disk: SkillCatalog;
  let slack: FakeSlack;
  let gateway: McpToolGateway;
  let receiverQueue: JobQueue<SlackInvestigationJob>;
  let workerQueue: JobQueue<SlackInvestigationJob>;
  let service: SlackService;
  let worker: JobWorker;
  let eventsUrl: string;

  beforeAll(async () => {
    // Two faults at once: checkout's missing image tag and orders' failing init container, both in prod-eu.
    estate = await openScenarioEstate(
      combineScenarios(
        await bundledScenario('missing-image-tag'),
        await bundledScenario('init-container-missing-file'),
      ),
    );
    testDb = await createPostgresTestDatabase();
    await migrate(testDb.db);
    store = createStore(testDb.db);
    disk = await createSkillCatalog({ roots: [join(repositoryRoot, 'skills')] });
    slack = await startFakeSlack();
    slack.addChannel(createChannel(EU_CHANNEL, 'shop-eu', { isMember: true }));
    gateway = new McpToolGateway({ url: estate.gateway.url, token: estate.gateway.token });
    const catalog = skillCatalogPort(disk);
    const investigator = createInvestigator({ store, gateway, catalog });
    const prefix = `e2e-env-${randomBytes(4).toString('hex')}`;
    receiverQueue = createBullmqQueue<SlackInvestigationJob>(INVESTIGATION_QUEUE, { redisUrl: REDIS_URL, prefix });
    workerQueue = createBullmqQueue<SlackInvestigationJob>(INVESTIGATION_QUEUE, { redisUrl: REDIS_URL, prefix });
    service = createSlackApp(
      loadSlackConfig({ SLACK_BOT_TOKEN: slack.botToken, SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: slack.apiUrl }),
      {
        queue: receiverQueue,
        store,
        channels: createChannelDirectory([
          { id: FAKE_WORKSPACE.channelId, team: 'shop', respond: 'mentions', defaults: {} },
          {
            id: EU_CHANNEL,
            team: 'shop',
            respond: 'mentions',
            defaults: { argocdInstance: 'argocd-eu-1', cluster: 'prod-eu' },
          },
        ]),
        skillNames: () => catalog.names(),
        logger,
      },
    );
    eventsUrl = (await service.start({ port: 0, host: '127.0.0.1' })).eventsUrl ?? '';
    const client = new WebClient(
      slack.botToken,
      webClientOptions({ slackApiUrl: slack.apiUrl, retries: 3, logger, minRetryTimeoutMs: 10 }),
    );
    worker = createInvestigationWorker({
      client,
      store,
      investigator: () => investigator,
      logger,
      statusIntervalMs: 0,
    }).start(workerQueue, { concurrency: 1 });
  });

  afterAll(async () => {
    await service?.stop();
    await worker?.close();
    await workerQueue?.close();
    await receiverQueue?.close();
    await gateway?.close();
    await slack?.close();
    await disk?.close();
    await testDb?.drop();
    await estate?.close();
  });

  /** The newest answer in a thread, once its message is posted (optionally a different one than `after`). */
  async function answered(channel: string, thread: string, after?: string): Promise<{ id: string; answer: Answer }> {
    const messages = createSlackMessagesRepository(store.db);
    for (let tries = 0; tries < 1200; tries += 1) {
      const row = await store.investigations.findByThread(channel, thread);
      if (row && row.id !== after && row.status === 'answered' && (await messages.get(row.id)).answerTs)
        return { id: row.id, answer: row.answer as Answer };
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`no answer recorded for thread ${thread}`);
  }

  async function ask(channel: string, question: string): Promise<string> {
    const payload = appMentionEvent({ channel, text: `<@${FAKE_WORKSPACE.botUserId}> ${question}` });
    const thread = String(payload.event['ts']);
    slack.addMessage(channel, { text: String(payload.event['text']), ts: thread });
    expect((await sendSignedEvent(eventsUrl, payload, { signingSecret: SECRET })).status).toBe(200);
    return thread;
  }

  const replyBlocks = (channel: string, thread: string) =>
    slack
      .messages(channel, thread)
      .filter((message) => message['bot_id'] === FAKE_WORKSPACE.botId)
      .map((message) => (message['blocks'] ?? []) as Array<Record<string, unknown>>);

  /** The choice buttons of the bot's first reply in a thread. */
  function choiceButtons(channel: string, thread: string): Array<Record<string, unknown>> {
    const [answerBlocks] = replyBlocks(channel, thread);
    return (answerBlocks ?? [])
      .filter((block) => block['type'] === 'actions')
      .flatMap((block) => block['elements'] as Array<Record<string, unknown>>)
      .filter((element) => String(element['action_id']).startsWith(CHOICE_ACTION_PREFIX));
  }

  /** Presses a button on the bot's first reply in a thread, as a person would. */
  async function press(channel: string, thread: string, button: Record<string, unknown> | undefined): Promise<void> {
    const answerTs = String(
      slack.messages(channel, thread).find((message) => message['bot_id'] === FAKE_WORKSPACE.botId)?.['ts'],
    );
    const pressed = await sendSignedInteraction(
      eventsUrl,
      blockActionsPayload({
        actionId: String(button?.['action_id']),
        value: String(button?.['value']),
        message: { ts: answerTs, thread_ts: thread },
      }),
      { signingSecret: SECRET },
    );
    expect(pressed.status).toBe(200);
  }

  it(
    'investigates a name that exists in two environments instead of asking, and offers the other as a button that ' +
      'investigates it',
    async () => {
      const thread = await ask(FAKE_WORKSPACE.channelId, 'is catalog healthy?');
      const first = await answered(FAKE_WORKSPACE.channelId, thread);
      const row = await store.investigations.get(first.id);
      expect(row?.status).toBe('answered');
      expect(first.answer.usage.toolCalls).toBeGreaterThan(0);
      expect(first.answer.choices?.map((choice) => choice.label).join(' ')).toMatch(/argocd-(eu|us)-1\/catalog/);
      const buttons = choiceButtons(FAKE_WORKSPACE.channelId, thread);
      expect(buttons).toHaveLength(first.answer.choices?.length ?? -1);
      const investigated = first.answer.instances.find((instance) => instance.startsWith('argocd-'));
      const other = investigated === 'argocd-eu-1' ? 'argocd-us-1' : 'argocd-eu-1';
      expect(String(buttons[0]?.['value'])).toContain(other);

      await press(FAKE_WORKSPACE.channelId, thread, buttons[0]);
      const second = await answered(FAKE_WORKSPACE.channelId, thread, first.id);
      expect(second.answer.question).toContain(other);
      expect(second.answer.instances).toContain(other);
      expect(second.answer.instances).not.toContain(investigated);
    },
  );

  it(
    'answers for the place the question names, not the channel default, and names only where its evidence came ' +
      'from',
    async () => {
      const thread = await ask(EU_CHANNEL, 'is catalog healthy on argocd-us-1?');
      const { answer } = await answered(EU_CHANNEL, thread);
      expect(answer.instances).toContain('argocd-us-1');
      expect(answer.instances.some((instance) => instance.includes('eu'))).toBe(false);
      const said = `${answer.rootCause} ${answer.summary}`;
      expect(said).not.toMatch(/checkout/i);
      expect(answer.evidence.every((item) => !item.source.includes('eu'))).toBe(true);
      expect(answer.confidence).not.toBe('high');
    },
  );

  it(
    'with several failures at once investigates the ' + 'worst and lists each other one as a button that works',
    async () => {
      const thread = await ask(FAKE_WORKSPACE.channelId, 'what is broken in prod?');
      const first = await answered(FAKE_WORKSPACE.channelId, thread);
      const facts = { checkout: /1\.8\.3/, orders: /init container migrate .*no such file or directory/ };
      const investigated = (Object.keys(facts) as Array<keyof typeof facts>).find((app) =>
        facts[app].test(first.answer.rootCause ?? ''),
      );
      expect(investigated).toBeDefined();
      const other = investigated === 'checkout' ? 'orders' : 'checkout';
      // Every other failure is listed once, as a button.
      const buttons = choiceButtons(FAKE_WORKSPACE.channelId, thread);
      expect(buttons).toHaveLength(first.answer.choices?.length ?? -1);
      const button = buttons.find((candidate) => String(candidate['value']).includes(`${other} on argocd-eu-1`));
      expect(button).toBeDefined();
      await press(FAKE_WORKSPACE.channelId, thread, button);
      const second = await answered(FAKE_WORKSPACE.channelId, thread, first.id);
      expect(second.answer.question).toContain(other);
      expect(second.answer.rootCause).toMatch(facts[other]);
    },
  );
});
