import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Answer } from '../../bot/agent/answer.js';
import { ActionId } from '../../bot/slack/answer-blocks.js';
import { McpToolGateway } from '../../bot/gateway-client/mcp-tool-gateway.js';
import { createAnthropicModelClient } from '../../bot/model/anthropic-model-client.js';
import { createBullmqQueue } from '../../bot/queue/bullmq-queue.js';
import type { JobQueue, JobWorker } from '../../bot/queue/queue.js';
import { createInvestigator } from '../../bot/runtime/investigator.js';
import { skillCatalogPort } from '../../bot/runtime/skill-catalog-port.js';
import { createSkillCatalog } from '../../bot/skills/catalog.js';
import type { SkillCatalog } from '../../bot/skills/catalog-types.js';
import { createChannelDirectory } from '../../bot/slack/channel-config.js';
import { loadSlackConfig } from '../../bot/slack/config.js';
import { CORRECTION_CALLBACK_ID, CorrectionField } from '../../bot/slack/correction-modal.js';
import { INVESTIGATION_QUEUE, type SlackInvestigationJob } from '../../bot/slack/investigation-job.js';
import { createSlackApp, type SlackService } from '../../bot/slack/slack-app.js';
import { webClientOptions } from '../../bot/slack/web-client-options.js';
import { migrate } from '../../bot/store/migrate.js';
import { createSlackMessagesRepository } from '../../bot/slack/slack-messages-repository.js';
import { createStore, type Store } from '../../bot/store/store.js';
import { createLogger } from '../../bot/telemetry/logger.js';
import { createInvestigationWorker } from '../../bot/slack/investigation-worker.js';
import { openScenarioEstate, type ScenarioEstate } from '../../evaluators/runner/scenario-estate.js';
import { anthropicSteps, startFakeAnthropic, type FakeAnthropic } from '../fakes/anthropic/index.js';
import {
  appMentionEvent,
  blockActionsPayload,
  FAKE_WORKSPACE,
  plainTextValue,
  sendSignedEvent,
  sendSignedInteraction,
  startFakeSlack,
  viewSubmissionPayload,
  type FakeSlack,
} from '../fakes/slack/index.js';
import { createPostgresTestDatabase, type TestDatabase } from '../support/databases.js';
import { bundledScenario, repositoryRoot } from '../support/pipeline.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const SECRET = 'e2e-signing-secret';
const MODEL = 'claude-e2e';
const logger = createLogger({ level: 'silent' });

/**
 * The production path end to end: signed Slack events into the real Bolt receiver, BullMQ on
 * the real Redis, the worker running the real pipeline over the sandbox estate through the MCP
 * gateway, answers posted to the fake Slack Web API, everything recorded in PostgreSQL.
 */
describe('Slack → queue → worker → pipeline → Slack, over the sandbox', () => {
  let estate: ScenarioEstate;
  let testDb: TestDatabase;
  let store: Store;
  let disk: SkillCatalog;
  let slack: FakeSlack;
  let anthropic: FakeAnthropic;
  let gateway: McpToolGateway;
  let receiverQueue: JobQueue<SlackInvestigationJob>;
  let workerQueue: JobQueue<SlackInvestigationJob>;
  let service: SlackService;
  let worker: JobWorker;
  let eventsUrl: string;
  let useModel = false;
  /** Inserts of each investigation row, counted on the store the worker and the investigators share. */
  const rowWrites = new Map<string, number>();

  beforeAll(async () => {
    estate = await openScenarioEstate(await bundledScenario('missing-image-tag'));
    testDb = await createPostgresTestDatabase();
    await migrate(testDb.db);
    const plain = createStore(testDb.db);
    store = {
      ...plain,
      investigations: {
        ...plain.investigations,
        create: (input) => {
          rowWrites.set(input.id, (rowWrites.get(input.id) ?? 0) + 1);
          return plain.investigations.create(input);
        },
      },
    };
    disk = await createSkillCatalog({ roots: [join(repositoryRoot, 'skills')] });
    slack = await startFakeSlack();
    anthropic = await startFakeAnthropic();
    gateway = new McpToolGateway({ url: estate.gateway.url, token: estate.gateway.token });
    const catalog = skillCatalogPort(disk);
    const triage = createInvestigator({ store, gateway, catalog });
    const model = createAnthropicModelClient({
      apiKey: 'e2e',
      baseURL: anthropic.url,
      models: [MODEL],
      retriesPerModel: 0,
      minRetryDelayMs: 1,
      timeoutMs: 10_000,
    });
    const reasoning = createInvestigator({ store, gateway, catalog, model });
    const prefix = `e2e-${randomBytes(4).toString('hex')}`;
    receiverQueue = createBullmqQueue<SlackInvestigationJob>(INVESTIGATION_QUEUE, {
      redisUrl: REDIS_URL,
      prefix,
      backoffMs: 50,
    });
    workerQueue = createBullmqQueue<SlackInvestigationJob>(INVESTIGATION_QUEUE, {
      redisUrl: REDIS_URL,
      prefix,
      backoffMs: 50,
    });
    service = createSlackApp(
      loadSlackConfig({ SLACK_BOT_TOKEN: slack.botToken, SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: slack.apiUrl }),
      {
        queue: receiverQueue,
        store,
        channels: createChannelDirectory([
          { id: FAKE_WORKSPACE.channelId, team: 'shop', respond: 'mentions', defaults: {} },
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
      investigator: () => (useModel ? reasoning : triage),
      logger,
      statusIntervalMs: 0,
    }).start(workerQueue, { concurrency: 2 });
  });

  afterAll(async () => {
    await service?.stop();
    await worker?.close();
    await workerQueue?.close();
    await receiverQueue?.close();
    await gateway?.close();
    await anthropic?.close();
    await slack?.close();
    await disk?.close();
    await testDb?.drop();
    await estate?.close();
  });

  async function answered(thread: string): Promise<Answer> {
    const messages = createSlackMessagesRepository(store.db);
    for (let tries = 0; tries < 600; tries += 1) {
      const row = await store.investigations.findByThread(FAKE_WORKSPACE.channelId, thread);
      if (row && (await messages.get(row.id)).answerTs) return row.answer as Answer;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`no answer recorded for thread ${thread}`);
  }

  function mention(question: string) {
    const payload = appMentionEvent({ text: `<@${FAKE_WORKSPACE.botUserId}> ${question}` });
    const thread = String(payload.event['ts']);
    slack.addMessage(FAKE_WORKSPACE.channelId, { text: String(payload.event['text']), ts: thread });
    return { payload, thread };
  }

  const botReplies = (thread: string) =>
    slack.messages(FAKE_WORKSPACE.channelId, thread).filter((message) => message['bot_id'] === FAKE_WORKSPACE.botId);

  it(
    'acks a mention before investigating, shows progress, and answers once in the thread with the root cause — ' +
      'even delivered three times',
    async () => {
      const { payload, thread } = mention('why is checkout failing in prod? the new release never came up');
      const first = await sendSignedEvent(eventsUrl, payload, { signingSecret: SECRET });
      expect(first.status).toBe(200);
      // The ack did not wait for the investigation: nothing is answered yet.
      expect(
        await store.investigations.findByThread(FAKE_WORKSPACE.channelId, thread).then((row) => row?.status),
      ).not.toBe('answered');
      expect(
        (await sendSignedEvent(eventsUrl, payload, { signingSecret: SECRET, retryNum: 1, retryReason: 'http_timeout' }))
          .status,
      ).toBe(200);
      expect(
        (await sendSignedEvent(eventsUrl, payload, { signingSecret: SECRET, retryNum: 2, retryReason: 'http_timeout' }))
          .status,
      ).toBe(200);

      const answer = await answered(thread);
      expect(answer.mode).toBe('triage');
      expect(answer.rootCause).toContain('1.8.3');
      expect(answer.skills).toEqual(['image-pull-errors']);
      // Progress was shown in the thread while it worked.
      const progressCalls = slack.calls.filter(
        (call) =>
          ['chat.update', 'chat.appendStream', 'assistant.threads.setStatus'].includes(call.method) ||
          (call.method === 'chat.postMessage' && call.args['thread_ts'] === thread),
      );
      expect(progressCalls.length).toBeGreaterThan(1);
      const replies = botReplies(thread);
      expect(replies).toHaveLength(1);
      expect(JSON.stringify(replies[0]?.['blocks'])).toContain('1.8.3');
      expect(JSON.stringify(replies[0]?.['blocks'])).toContain(ActionId.correct);
      const rows = await store.investigations.listRecent({ channels: [FAKE_WORKSPACE.channelId] });
      expect(rows.filter((row) => row.thread === thread)).toHaveLength(1);
      const id = rows.find((row) => row.thread === thread)?.id ?? '';
      expect((await store.toolCalls.listForInvestigation(id)).length).toBeGreaterThan(5);
      // Regression: the worker and then the investigator both inserted the row; now only the investigator's open does.
      expect(rowWrites.get(id)).toBe(1);
    },
  );

  it('rejects a bad signature and a stale timestamp without queueing anything', async () => {
    const { payload, thread } = mention('why is checkout failing?');
    expect((await sendSignedEvent(eventsUrl, payload, { signingSecret: 'wrong-secret' })).status).toBe(401);
    expect((await sendSignedEvent(eventsUrl, payload, { signingSecret: SECRET, stale: true })).status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await store.investigations.findByThread(FAKE_WORKSPACE.channelId, thread)).toBeUndefined();
    expect(botReplies(thread)).toEqual([]);
  });

  it('waits out a 429 from Slack and still answers exactly once', async () => {
    slack.rateLimit('chat.postMessage', { times: 2, retryAfterSeconds: 1 });
    const { payload, thread } = mention('why is checkout failing in prod?');
    expect((await sendSignedEvent(eventsUrl, payload, { signingSecret: SECRET })).status).toBe(200);
    const answer = await answered(thread);
    expect(answer.rootCause).toContain('1.8.3');
    expect(botReplies(thread)).toHaveLength(1);
    expect(slack.calls.some((call) => call.method === 'chat.postMessage' && call.status === 429)).toBe(true);
  });

  it('answers with the model when one is configured (scripted Messages API)', async () => {
    useModel = true;
    anthropic.setScript([
      anthropicSteps.toolUse('load_skill', { name: 'image-pull-errors' }),
      anthropicSteps.toolUse('describe_workload', { name: 'checkout', namespace: 'shop', instance: 'prod-eu' }),
      anthropicSteps.toolUse('submit_answer', {
        summary: 'checkout 1.8.3 was never pushed, so the new pods cannot pull their image.',
        rootCause:
          'apps/checkout/overlays/prod-eu sets newTag 1.8.3, which is not found in registry.example.com/shop/checkout.',
        evidence: [
          {
            text: 'registry.example.com/shop/checkout:1.8.3: not found',
            source: 'describe_workload:prod-eu/deployment/shop/checkout',
          },
        ],
        confidence: 'high',
        nextSteps: ['Set newTag back to 1.8.2 in apps/checkout/overlays/prod-eu/kustomization.yaml.'],
        fix: {
          description: 'Roll the image tag back to 1.8.2 in the prod-eu overlay.',
          path: 'apps/checkout/overlays/prod-eu/kustomization.yaml',
        },
      }),
    ]);
    try {
      const { payload, thread } = mention('why is checkout failing in prod?');
      expect((await sendSignedEvent(eventsUrl, payload, { signingSecret: SECRET })).status).toBe(200);
      const answer = await answered(thread);
      expect(answer.mode).toBe('model');
      expect(answer.usage.model).toBe(MODEL);
      expect(answer.rootCause).toContain('1.8.3');
      expect(answer.skills).toContain('image-pull-errors');
      // The model's describe_workload went through the gateway to the sandbox and came back as data.
      const requests = anthropic.messageRequests();
      expect(JSON.stringify(requests.at(-1)?.body)).toContain('untrusted-data source=\\"describe_workload\\"');
    } finally {
      useModel = false;
    }
  });

  it('stores a correction linked to the investigation when "Correct this" is submitted', async () => {
    const { payload, thread } = mention('why is checkout failing in prod?');
    await sendSignedEvent(eventsUrl, payload, { signingSecret: SECRET });
    await answered(thread);
    const row = await store.investigations.findByThread(FAKE_WORKSPACE.channelId, thread);
    const answerMessage = botReplies(thread)[0];
    const press = await sendSignedInteraction(
      eventsUrl,
      blockActionsPayload({
        actionId: ActionId.correct,
        value: row?.id ?? '',
        message: { ts: String(answerMessage?.['ts']), thread_ts: thread },
      }),
      { signingSecret: SECRET },
    );
    expect(press.status).toBe(200);
    const opened = await slack.waitForCall('views.open');
    const view = opened.response['view'] as Record<string, unknown>;
    const values = {
      [CorrectionField.rootCause.block]: {
        [CorrectionField.rootCause.action]: plainTextValue('CI never pushed 1.8.3 because the release pipeline failed'),
      },
    };
    const submit = await sendSignedInteraction(
      eventsUrl,
      viewSubmissionPayload({ callbackId: CORRECTION_CALLBACK_ID, view, values }),
      { signingSecret: SECRET },
    );
    expect(submit.status).toBe(200);
    const corrections = await store.corrections.listForInvestigation(row?.id ?? '');
    expect(corrections).toMatchObject([
      {
        investigationId: row?.id,
        correctRootCause: 'CI never pushed 1.8.3 because the release pipeline failed',
        status: 'open',
      },
    ]);
  });
});
