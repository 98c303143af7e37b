import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  appHomeOpenedEvent,
  appMentionEvent,
  assistantThreadStartedEvent,
  botMessageEvent,
  channelMessageEvent,
  FAKE_WORKSPACE,
  imMessageEvent,
  nextEventTs,
  sendSignedEvent,
  sendSignedSlashCommand,
  slashCommandFields,
  startFakeSlack,
  type FakeSlack,
} from '../../test/fakes/slack/index.js';
import { createMemoryQueue } from '../queue/memory-queue.js';
import type { EnqueueOptions, JobQueue } from '../queue/queue.js';
import { migrate } from '../store/migrate.js';
import { createPgliteDatabase } from '../store/pglite-database.js';
import { createStore, type Store } from '../store/store.js';
import { createLogger } from '../telemetry/logger.js';
import { parseChannelConfig } from './channel-config.js';
import { loadSlackConfig } from './config.js';
import type { SlackInvestigationJob } from './investigation-job.js';
import { createSlackApp, type SlackService } from './slack-app.js';

const SECRET = 'test-signing-secret';
const BOT = FAKE_WORKSPACE.botUserId;
const SUPPORT = FAKE_WORKSPACE.channelId;
const OTHER = 'C0OTHER0001';

const CHANNELS = `
channels:
  - id: ${SUPPORT}
    name: incidents
    team: payments
    respond: all
    defaults: { cluster: prod-eu-1, argocdInstance: argocd-eu-1, namespace: payments }
    gateway: { principal: team-payments, tokenEnv: GATEWAY_TOKEN_PAYMENTS }
`;

let slack: FakeSlack;
let store: Store;
let service: SlackService;
let url: string;
let queue: JobQueue<SlackInvestigationJob>;
const jobs: SlackInvestigationJob[] = [];
const keys: string[] = [];
let failEnqueues = 0;

beforeAll(async () => {
  slack = await startFakeSlack();
  slack.addChannel({ id: OTHER, name: 'random', is_channel: true });
  const db = await createPgliteDatabase();
  await migrate(db);
  store = createStore(db);
  const memory = createMemoryQueue<SlackInvestigationJob>('investigation');
  // Records what the real in-process queue accepted (duplicates are refused by its idempotency keys).
  queue = {
    ...memory,
    async enqueue(data: SlackInvestigationJob, options?: EnqueueOptions) {
      if (failEnqueues > 0) {
        failEnqueues -= 1;
        throw new Error('queue down');
      }
      const result = await memory.enqueue(data, options);
      if (!result.isDuplicate) {
        jobs.push(data);
        keys.push(options?.idempotencyKey ?? '');
      }
      return result;
    },
  };
  const config = loadSlackConfig({
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: slack.apiUrl,
  });
  service = createSlackApp(config, {
    queue,
    store,
    channels: parseChannelConfig(CHANNELS, 'channels.yaml'),
    skillNames: () => ['argocd-sync-failed'],
    logger: createLogger({ level: 'silent' }),
    health: () =>
      Promise.resolve({
        gateway: { reachable: true, healthyUpstreams: 5, upstreams: 6 },
        queue: { waiting: 2, active: 1, delayed: 0, completed: 9, deadLettered: 0 },
      }),
  });
  url = (await service.start({ port: 0, host: '127.0.0.1' })).eventsUrl ?? '';
});

afterAll(async () => {
  await service.stop();
  await queue.close();
  await store.close();
  await slack.close();
});

beforeEach(() => {
  jobs.length = 0;
  keys.length = 0;
});

const signed = { signingSecret: SECRET };

describe('Slack receiver: questions become investigation jobs', () => {
  it('acks a signed app_mention with 200 and enqueues exactly one job with the mention stripped', async () => {
    const payload = appMentionEvent({ text: `<@${BOT}> why is checkout-api crashlooping in prod?` });
    const response = await sendSignedEvent(url, payload, signed);
    expect(response.status).toBe(200);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({
      source: 'slack',
      question: 'why is checkout-api crashlooping in prod?',
      channel: SUPPORT,
      thread: payload.event['ts'],
      user: FAKE_WORKSPACE.humanUserId,
      team: FAKE_WORKSPACE.teamId,
      eventId: payload.event_id,
      trigger: 'mention',
      defaults: { cluster: 'prod-eu-1', argocdInstance: 'argocd-eu-1', namespace: 'payments' },
      principal: 'team-payments',
    });
    expect(jobs[0]?.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(keys).toEqual([`slack-event:${payload.event_id}`]);
  });

  it('turns the same event delivered three times (Slack retries) into one job', async () => {
    const payload = appMentionEvent({ text: `<@${BOT}> is payments degraded?` });
    const statuses = [
      (await sendSignedEvent(url, payload, signed)).status,
      (await sendSignedEvent(url, payload, { ...signed, retryNum: 1, retryReason: 'http_timeout' })).status,
      (await sendSignedEvent(url, payload, { ...signed, retryNum: 2, retryReason: 'http_error' })).status,
    ];
    expect(statuses).toEqual([200, 200, 200]);
    expect(jobs).toHaveLength(1);
  });

  it('rejects an invalid signature and a stale timestamp with 401 and enqueues nothing', async () => {
    const bad = await sendSignedEvent(url, appMentionEvent(), { ...signed, badSignature: true });
    const stale = await sendSignedEvent(url, appMentionEvent(), { ...signed, stale: true });
    expect(bad.status).toBe(401);
    expect(stale.status).toBe(401);
    expect(jobs).toHaveLength(0);
  });

  it('answers 500 when the queue is down, so Slack redelivers and the retry is enqueued once', async () => {
    const payload = appMentionEvent({ text: `<@${BOT}> why is orders down?` });
    failEnqueues = 1;
    expect((await sendSignedEvent(url, payload, signed)).status).toBe(500);
    expect(jobs).toHaveLength(0);
    expect((await sendSignedEvent(url, payload, { ...signed, retryNum: 1, retryReason: 'http_error' })).status).toBe(
      200,
    );
    expect(jobs.map((job) => job.question)).toEqual(['why is orders down?']);
  });

  it('ignores its own posts, other bots and integrations, and edits', async () => {
    await sendSignedEvent(url, botMessageEvent({ text: 'Looking into it…' }), signed);
    await sendSignedEvent(url, botMessageEvent({ style: 'bot_message', text: 'deploy finished' }), signed);
    await sendSignedEvent(
      url,
      botMessageEvent({ botId: 'B0OTHER0002', user: 'U0OTHERBOT1', text: 'alert: checkout 5xx' }),
      signed,
    );
    const edit = channelMessageEvent({ text: 'edited' });
    edit.event['subtype'] = 'message_changed';
    await sendSignedEvent(url, edit, signed);
    expect(jobs).toHaveLength(0);
  });

  it(
    'answers top-level messages in a support channel, but not elsewhere, not thread chatter, and not a mention ' +
      'twice',
    async () => {
      await sendSignedEvent(url, channelMessageEvent({ text: 'is checkout-api down?' }), signed);
      await sendSignedEvent(url, channelMessageEvent({ channel: OTHER, text: 'lunch anyone?' }), signed);
      await sendSignedEvent(url, channelMessageEvent({ text: 'me too', threadTs: nextEventTs() }), signed);
      // A mention arrives as both app_mention and message; only the app_mention one counts.
      await sendSignedEvent(url, channelMessageEvent({ text: `<@${BOT}> why is payments slow?` }), signed);
      expect(jobs.map((job) => [job.trigger, job.question, job.channel])).toEqual([
        ['channel_message', 'is checkout-api down?', SUPPORT],
      ]);
    },
  );

  it('answers a clarifying question with the choice a typed reply names, without a mention', async () => {
    const thread = nextEventTs();
    await store.conversations.recordTurn(SUPPORT, thread, {
      kind: 'thread',
      investigationId: 'inv-clarify',
      turn: { question: 'why is checkout failing?', answer: 'Which one?' },
      clarification: {
        question: 'why is checkout failing?',
        choices: [
          { label: 'argocd-eu-1/checkout', question: 'why is checkout failing on argocd-eu-1' },
          { label: 'argocd-us-1/checkout', question: 'why is checkout failing on argocd-us-1' },
        ],
      },
    });
    await sendSignedEvent(url, channelMessageEvent({ text: 'the eu one', threadTs: thread }), signed);
    expect(jobs.map((job) => [job.trigger, job.question, job.thread, job.conversation])).toEqual([
      ['clarification', 'why is checkout failing on argocd-eu-1', thread, { thread, kind: 'thread' }],
    ]);
  });

  it(
    'answers plain DMs at the top level as one conversation; only threads Slack started as AI-app threads get the ' +
      'assistant treatment',
    async () => {
      await sendSignedEvent(url, imMessageEvent({ text: 'why is checkout-api crashlooping?' }), signed);
      const plainThread = nextEventTs();
      await sendSignedEvent(url, imMessageEvent({ text: 'and payments?', threadTs: plainThread }), signed);
      const started = assistantThreadStartedEvent();
      await sendSignedEvent(url, started, signed);
      const assistantThread = (started.event['assistant_thread'] as { thread_ts: string }).thread_ts;
      await sendSignedEvent(url, imMessageEvent({ text: 'why is payments slow?', threadTs: assistantThread }), signed);
      expect(
        jobs.map((job) => [job.trigger, job.isAssistantThread ?? false, job.isTopLevel ?? false, job.conversation]),
      ).toEqual([
        ['direct_message', false, true, { thread: '', kind: 'dm' }],
        ['direct_message', false, false, { thread: '', kind: 'dm' }],
        ['direct_message', true, false, { thread: assistantThread, kind: 'assistant' }],
      ]);
      expect(jobs[1]?.thread).toBe(plainThread);
    },
  );

  it('offers suggested prompts when an AI-app thread starts', async () => {
    const started = assistantThreadStartedEvent();
    expect((await sendSignedEvent(url, started, signed)).status).toBe(200);
    const threadTs = (started.event['assistant_thread'] as { thread_ts: string }).thread_ts;
    const prompts = slack.state.assistantThread(FAKE_WORKSPACE.dmChannelId, threadTs);
    expect(JSON.stringify(prompts)).toContain('Why is my app failing?');
    expect(jobs).toHaveLength(0);
  });

  it('handles /sre <question> with a private ack and one job; /sre alone shows usage', async () => {
    const fields = slashCommandFields({ text: '  why is checkout-api   crashlooping? ' });
    const response = await sendSignedSlashCommand(url, fields, signed);
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringContaining('Looking into it'),
    });
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({
      trigger: 'slash_command',
      question: 'why is checkout-api crashlooping?',
      channel: SUPPORT,
      eventId: `command:${fields['trigger_id']}`,
    });
    expect(jobs[0]?.thread).toBeUndefined();
    // The same request replayed does not start a second investigation.
    await sendSignedSlashCommand(url, fields, signed);
    expect(jobs).toHaveLength(1);

    const usage = await sendSignedSlashCommand(url, slashCommandFields({ text: '' }), signed);
    expect(JSON.parse(usage.body).text).toContain('/sre why is checkout failing');
    expect(jobs).toHaveLength(1);
  });

  it('fails to start with a wrong bot token and says where to get the right one', async () => {
    const config = loadSlackConfig({
      SLACK_BOT_TOKEN: 'xoxb-revoked',
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: slack.apiUrl,
    });
    const wrong = createSlackApp(config, {
      queue,
      store,
      channels: parseChannelConfig('', 'empty.yaml'),
      skillNames: () => [],
      logger: createLogger({ level: 'silent' }),
    });
    await expect(wrong.start({ port: 0, host: '127.0.0.1' })).rejects.toThrow(
      /SLACK_BOT_TOKEN was refused by Slack \(invalid_auth\): copy the Bot User OAuth Token/,
    );
  });

  it('publishes App Home with the health line, recent investigations and open corrections', async () => {
    await store.investigations.create({
      id: 'inv-home',
      source: 'slack',
      question: 'why is payments degraded?',
      channel: SUPPORT,
      thread: nextEventTs(),
    });
    await store.corrections.create({
      id: 'corr-home',
      investigationId: 'inv-home',
      userId: FAKE_WORKSPACE.humanUserId,
      correctRootCause: 'the memory limit in values-prod.yaml',
    });
    await store.investigations.create({
      id: 'inv-elsewhere',
      source: 'slack',
      question: 'secret question elsewhere',
      channel: OTHER,
    });
    expect((await sendSignedEvent(url, appHomeOpenedEvent({ tab: 'home' }), signed)).status).toBe(200);
    const publish = await slack.waitForCall('views.publish');
    const view = JSON.stringify(publish.args['view']);
    expect(publish.args['user_id']).toBe(FAKE_WORKSPACE.humanUserId);
    expect(view).toContain('Gateway: 5/6 upstreams up (1 down)');
    expect(view).toContain('Queue: 2 waiting, 1 running, 0 failed');
    expect(view).toContain('why is payments degraded?');
    expect(view).toContain('the memory limit in values-prod.yaml');
    expect(view).not.toContain('secret question elsewhere');
    expect(slack.state.homeViews.get(FAKE_WORKSPACE.humanUserId)).toBeDefined();
  });
});
