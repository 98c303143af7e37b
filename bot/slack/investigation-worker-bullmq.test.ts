import { randomBytes } from 'node:crypto';
import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  appMentionEvent,
  FAKE_WORKSPACE,
  sendSignedEvent,
  startFakeSlack,
  type FakeSlack,
} from '../../test/fakes/slack/index.js';
import type { Answer } from '../agent/answer.js';
import { createBullmqQueue } from '../queue/bullmq-queue.js';
import type { JobQueue, JobWorker } from '../queue/queue.js';
import { newInvestigation, type Investigator } from '../runtime/investigator.js';
import { createChannelDirectory } from './channel-config.js';
import { loadSlackConfig } from './config.js';
import { INVESTIGATION_QUEUE, type SlackInvestigationJob } from './investigation-job.js';
import { createSlackApp, type SlackService } from './slack-app.js';
import { traceIdOf } from './traceparent.js';
import { webClientOptions } from './web-client-options.js';
import { migrate } from '../store/migrate.js';
import { createPgliteDatabase } from '../store/pglite-database.js';
import { createSlackMessagesRepository } from './slack-messages-repository.js';
import { createStore, type Store } from '../store/store.js';
import { createLogger } from '../telemetry/logger.js';
import { createInvestigationWorker } from './investigation-worker.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const SECRET = 'bullmq-signing-secret';
const logger = createLogger({ level: 'silent' });

let slack: FakeSlack;
let store: Store;
let receiverQueue: JobQueue<SlackInvestigationJob>;
let workerQueue: JobQueue<SlackInvestigationJob>;
let service: SlackService;
let running: JobWorker;
let url: string;
const runs: string[] = [];

/** Answers like the pipeline would, recording the row through the real store. */
const investigator: Investigator = {
  open: (job) => store.investigations.create(newInvestigation(job)),
  async run(job, onProgress, opened) {
    const { id } = opened ?? (await store.investigations.create(newInvestigation(job)));
    runs.push(id);
    onProgress?.('gather', 'checking Argo CD app checkout on argocd-eu-1');
    const answer: Answer = {
      summary: 'checkout is OutOfSync.',
      rootCause: `namespace checkout-prod does not exist (asked: ${job.question})`,
      evidence: [{ text: 'namespaces "checkout-prod" not found', source: 'argocd/argocd-eu-1/app/checkout' }],
      confidence: 'high',
      nextSteps: [],
      mode: 'triage',
      question: job.question,
      skills: [],
      instances: ['argocd-eu-1'],
      notes: [],
      usage: { inputTokens: 0, outputTokens: 0, cachedTokens: 0, costUsd: 0, toolCalls: 1, turns: 0 },
      durationMs: 10,
      ...(job.traceId ? { traceId: job.traceId } : {}),
    };
    await store.investigations.finish(id, {
      status: 'answered',
      answer,
      usage: { inputTokens: 0, outputTokens: 0, cachedTokens: 0, costUsd: 0 },
    });
    return { id, outcome: { kind: 'answer', answer } };
  },
};

beforeAll(async () => {
  slack = await startFakeSlack();
  const db = await createPgliteDatabase();
  await migrate(db);
  store = createStore(db);
  // Receiver and worker are separate clients of the same Redis queue, as in production.
  const prefix = `test-slack-${randomBytes(4).toString('hex')}`;
  receiverQueue = createBullmqQueue<SlackInvestigationJob>(INVESTIGATION_QUEUE, {
    redisUrl: REDIS_URL,
    prefix,
    backoffMs: 20,
  });
  workerQueue = createBullmqQueue<SlackInvestigationJob>(INVESTIGATION_QUEUE, {
    redisUrl: REDIS_URL,
    prefix,
    backoffMs: 20,
  });
  service = createSlackApp(
    loadSlackConfig({ SLACK_BOT_TOKEN: slack.botToken, SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: slack.apiUrl }),
    {
      queue: receiverQueue,
      store,
      channels: createChannelDirectory([]),
      skillNames: () => [],
      logger,
    },
  );
  url = (await service.start({ port: 0, host: '127.0.0.1' })).eventsUrl ?? '';
  const client = new WebClient(
    slack.botToken,
    webClientOptions({ slackApiUrl: slack.apiUrl, retries: 3, logger, minRetryTimeoutMs: 10 }),
  );
  running = createInvestigationWorker({ client, store, investigator, logger, statusIntervalMs: 0 }).start(workerQueue, {
    concurrency: 2,
  });
});

afterAll(async () => {
  await service.stop();
  await running.close();
  await workerQueue.close();
  await receiverQueue.close();
  await store.close();
  await slack.close();
});

/** Resolves once the worker has recorded the answer's ts (its last step), polling the store. */
async function answerRecorded(channel: string, thread: string): Promise<void> {
  const messages = createSlackMessagesRepository(store.db);
  for (let tries = 0; tries < 300; tries += 1) {
    const row = await store.investigations.findByThread(channel, thread);
    if (row && (await messages.get(row.id)).answerTs) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no answer recorded for thread ${thread}`);
}

describe('Slack receiver → BullMQ on Redis → worker', () => {
  it('answers a mention delivered three times exactly once, in its thread, with the trace id on the row', async () => {
    const payload = appMentionEvent({ text: `<@${FAKE_WORKSPACE.botUserId}> why is checkout failing?` });
    const thread = String(payload.event['ts']);
    slack.addMessage(FAKE_WORKSPACE.channelId, { text: String(payload.event['text']), ts: thread });
    const statuses = [
      (await sendSignedEvent(url, payload, { signingSecret: SECRET })).status,
      (await sendSignedEvent(url, payload, { signingSecret: SECRET, retryNum: 1 })).status,
      (await sendSignedEvent(url, payload, { signingSecret: SECRET, retryNum: 2 })).status,
    ];
    expect(statuses).toEqual([200, 200, 200]);
    await answerRecorded(FAKE_WORKSPACE.channelId, thread);
    const replies = slack
      .messages(FAKE_WORKSPACE.channelId, thread)
      .filter((message) => message['bot_id'] === FAKE_WORKSPACE.botId);
    expect(replies.map((message) => message.text)).toEqual([
      'Root cause: namespace checkout-prod does not exist (asked: why is checkout failing?)',
    ]);
    expect(runs).toHaveLength(1);
    const row = await store.investigations.findByThread(FAKE_WORKSPACE.channelId, thread);
    expect(row?.status).toBe('answered');
    expect(row?.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(traceIdOf(`00-${row?.traceId ?? ''}-00f067aa0ba902b7-01`)).toBe(row?.traceId);
  });
});
