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
const onJob = new Set<() => void>();

/** The jobs once `count` have reached the queue (the hand-off runs right after the ack). */
function settledJobs(count: number): Promise<SlackInvestigationJob[]> {
  return new Promise((resolve, reject) => {
    const check = (): void => {
      if (jobs.length < count) return;
      onJob.delete(check);
      clearTimeout(timer);
      resolve([...jobs]);
    };
    const timer = setTimeout(() => {
      onJob.delete(check);
      reject(new Error(`waited for ${count} jobs, saw ${jobs.length}`));
    }, 20_000);
    onJob.add(check);
    check();
  });
}

/** Questions the receiver stored (durable intake rows), oldest first. */
async function storedQuestions(): Promise<string[]> {
  const { rows } = await store.db.query(
    `SELECT question FROM investigations WHERE intake_key IS NOT NULL ORDER BY started_at, id`,
  );
  return rows.map((row) => String(row.question));
}

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
        onJob.forEach((check) => check());
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
    relayIntervalMs: 200,
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

beforeEach(async () => {
  jobs.length = 0;
  keys.length = 0;
  await store.db.query(`DELETE FROM investigations WHERE intake_key IS NOT NULL`);
});

const signed = { signingSecret: SECRET };

describe('Slack receiver: questions become investigation jobs', () => {
  it('acks a signed app_mention with 200 and enqueues exactly one job with the mention stripped', async () => {
    const payload = appMentionEvent({ text: `<@${BOT}> why is checkout-api crashlooping in prod?` });
    const response = await sendSignedEvent(url, payload, signed);
    expect(response.status).toBe(200);
    // The ack means stored: the row exists when the 200 arrives.
    expect(await storedQuestions()).toEqual(['why is checkout-api crashlooping in prod?']);
    expect(await settledJobs(1)).toHaveLength(1);
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
    expect(await storedQuestions()).toEqual(['is payments degraded?']);
    await settledJobs(1);
    await service.relayOnce();
    expect(jobs).toHaveLength(1);
  });

  it('rejects an invalid signature and a stale timestamp with 401 and enqueues nothing', async () => {
    const bad = await sendSignedEvent(url, appMentionEvent(), { ...signed, badSignature: true });
    const stale = await sendSignedEvent(url, appMentionEvent(), { ...signed, stale: true });
    expect(bad.status).toBe(401);
    expect(stale.status).toBe(401);
    expect(await storedQuestions()).toEqual([]);
  });

  it('rejects a request timestamped more than five minutes in the future', async () => {
    // Regression: Bolt checks only the past side of the window, so a future timestamp passed.
    const future = await sendSignedEvent(url, appMentionEvent({ text: `<@${BOT}> replayed later?` }), {
      ...signed,
      timestampSeconds: Math.floor(Date.now() / 1_000) + 6 * 60,
    });
    expect(future.status).toBe(401);
    expect(await storedQuestions()).toEqual([]);
  });

  it('acks a question while the queue is down and the relay enqueues it once the queue is back', async () => {
    const payload = appMentionEvent({ text: `<@${BOT}> why is orders down?` });
    failEnqueues = 3;
    expect((await sendSignedEvent(url, payload, signed)).status).toBe(200);
    expect(await storedQuestions()).toEqual(['why is orders down?']);
    expect((await sendSignedEvent(url, payload, { ...signed, retryNum: 1, retryReason: 'http_error' })).status).toBe(
      200,
    );
    expect((await settledJobs(1)).map((job) => job.question)).toEqual(['why is orders down?']);
    await service.relayOnce();
    expect(jobs).toHaveLength(1);
  });

  it('answers 500 when the store is down, so Slack delivers the question again', async () => {
    const payload = appMentionEvent({ text: `<@${BOT}> why is billing down?` });
    const original = store.intake.store;
    store.intake.store = () => Promise.reject(new Error('PostgreSQL is unavailable'));
    try {
      expect((await sendSignedEvent(url, payload, signed)).status).toBe(500);
    } finally {
      store.intake.store = original;
    }
    expect((await sendSignedEvent(url, payload, { ...signed, retryNum: 1 })).status).toBe(200);
    expect((await settledJobs(1)).map((job) => job.question)).toEqual(['why is billing down?']);
  });

  it('decodes Slack formatting in questions: entities, mentions, channels and links', async () => {
    const text =
      `<@${BOT}> why is <#C0PAY00001|payments> R&amp;D app failing for <@U0ANA00001|ana>? ` +
      `see <https://argocd.example/applications/rnd|the app> &amp;lt;3`;
    await sendSignedEvent(url, appMentionEvent({ text }), signed);
    expect(await storedQuestions()).toEqual([
      'why is #payments R&D app failing for @ana? see the app (https://argocd.example/applications/rnd) &lt;3',
    ]);
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
    expect(await storedQuestions()).toEqual([]);
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
      expect(await storedQuestions()).toEqual(['is checkout-api down?']);
      expect((await settledJobs(1)).map((job) => [job.trigger, job.question, job.channel])).toEqual([
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
    expect((await settledJobs(1)).map((job) => [job.trigger, job.question, job.thread, job.conversation])).toEqual([
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
      const settled = await settledJobs(3);
      // The hand-off to the queue runs after each ack, so jobs may arrive out of order.
      const seen = settled.map((job) => [
        job.question,
        job.isAssistantThread ?? false,
        job.isTopLevel ?? false,
        job.conversation,
      ]);
      expect(seen).toEqual(
        expect.arrayContaining([
          ['why is checkout-api crashlooping?', false, true, { thread: '', kind: 'dm' }],
          ['and payments?', false, false, { thread: '', kind: 'dm' }],
          ['why is payments slow?', true, false, { thread: assistantThread, kind: 'assistant' }],
        ]),
      );
      expect(settled).toHaveLength(3);
      expect(settled.find((job) => job.question === 'and payments?')?.thread).toBe(plainThread);
    },
  );

  it('offers suggested prompts when an AI-app thread starts', async () => {
    const started = assistantThreadStartedEvent();
    expect((await sendSignedEvent(url, started, signed)).status).toBe(200);
    const threadTs = (started.event['assistant_thread'] as { thread_ts: string }).thread_ts;
    const prompts = slack.state.assistantThread(FAKE_WORKSPACE.dmChannelId, threadTs);
    expect(JSON.stringify(prompts)).toContain('Why is my app failing?');
    expect(await storedQuestions()).toEqual([]);
  });

  it('handles /sre <question> with a private ack and one job; /sre alone shows usage', async () => {
    const fields = slashCommandFields({ text: '  why is checkout-api   crashlooping? ' });
    const response = await sendSignedSlashCommand(url, fields, signed);
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringContaining('Looking into it'),
    });
    expect(await settledJobs(1)).toHaveLength(1);
    expect(jobs[0]).toMatchObject({
      trigger: 'slash_command',
      question: 'why is checkout-api crashlooping?',
      channel: SUPPORT,
      eventId: `command:${fields['trigger_id']}`,
      responseUrl: fields['response_url'],
    });
    expect(jobs[0]?.thread).toBeUndefined();
    // The same request replayed does not start a second investigation.
    await sendSignedSlashCommand(url, fields, signed);
    expect(await storedQuestions()).toHaveLength(1);

    const usage = await sendSignedSlashCommand(url, slashCommandFields({ text: '' }), signed);
    expect(JSON.parse(usage.body).text).toContain('/sre why is checkout failing');
    expect(await storedQuestions()).toHaveLength(1);
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
