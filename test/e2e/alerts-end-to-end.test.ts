import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Answer } from '../../bot/agent/answer.js';
import { createAlertIntake } from '../../bot/alerts/alert-intake.js';
import { ALERT_NOTICE_QUEUE, type AlertNoticeJob } from '../../bot/alerts/alert-notice-job.js';
import { createAlertNoticeWorker } from '../../bot/slack/alert-notice-worker.js';
import { startAlertReceiver, type AlertReceiver } from '../../bot/alerts/alert-receiver.js';
import { createAlertRouter, parseAlertRoutes } from '../../bot/alerts/alert-routes.js';
import { pagerdutySignature } from '../../bot/alerts/pagerduty-webhook.js';
import { McpToolGateway } from '../../bot/gateway-client/mcp-tool-gateway.js';
import { createBullmqQueue } from '../../bot/queue/bullmq-queue.js';
import type { JobQueue, JobWorker } from '../../bot/queue/queue.js';
import { createInvestigator } from '../../bot/runtime/investigator.js';
import { skillCatalogPort } from '../../bot/runtime/skill-catalog-port.js';
import { createSkillCatalog } from '../../bot/skills/catalog.js';
import type { SkillCatalog } from '../../bot/skills/catalog-types.js';
import { createChannelDirectory } from '../../bot/slack/channel-config.js';
import { INVESTIGATION_QUEUE, type SlackInvestigationJob } from '../../bot/slack/investigation-job.js';
import { createInvestigationWorker } from '../../bot/slack/investigation-worker.js';
import { createSlackMessagesRepository } from '../../bot/slack/slack-messages-repository.js';
import { webClientOptions } from '../../bot/slack/web-client-options.js';
import { migrate } from '../../bot/store/migrate.js';
import { createStore, type Store } from '../../bot/store/store.js';
import { createLogger } from '../../bot/telemetry/logger.js';
import { openScenarioEstate, type ScenarioEstate } from '../../evaluators/runner/scenario-estate.js';
import { createChannel, startFakeSlack, type FakeSlack, type SlackMessage } from '../fakes/slack/index.js';
import { createPostgresTestDatabase, type TestDatabase } from '../support/databases.js';
import { alertmanagerPayload, checkoutLabels, pagerdutyEvent } from '../support/alert-payloads.js';
import { bundledScenario, repositoryRoot } from '../support/pipeline.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const SHOP = 'C0SHOP00001';
const PLATFORM = 'C0PLATFORM1';
const AM_TOKEN = 'alertmanager-e2e-token';
const PD_SECRET = 'pagerduty-e2e-signing-secret';
const logger = createLogger({ level: 'silent' });

const ROUTES = `
routes:
  - match: { team: shop }
    channel: ${SHOP}
  - match: { service: "Checkout*" }
    channel: ${SHOP}
    defaults: { cluster: prod-eu, namespace: shop }
fallbackChannel: ${PLATFORM}
storm: { maxInvestigationsPerMinute: 2 }
`;

describe('alerts → queue → worker → pipeline → the team channel, over the sandbox', () => {
  let estate: ScenarioEstate;
  let testDb: TestDatabase;
  let store: Store;
  let disk: SkillCatalog;
  let slack: FakeSlack;
  let gateway: McpToolGateway;
  let queues: Array<JobQueue<SlackInvestigationJob> | JobQueue<AlertNoticeJob>>;
  let workers: JobWorker[];
  let receiver: AlertReceiver;
  /** The intake's clock: each test runs in its own minute so storm windows do not mix. */
  let clock = new Date('2026-12-03T18:00:05Z');

  beforeAll(async () => {
    estate = await openScenarioEstate(await bundledScenario('missing-image-tag'));
    testDb = await createPostgresTestDatabase();
    await migrate(testDb.db);
    store = createStore(testDb.db);
    disk = await createSkillCatalog({ roots: [join(repositoryRoot, 'skills')] });
    slack = await startFakeSlack({
      channels: [createChannel(SHOP, 'shop-oncall'), createChannel(PLATFORM, 'platform')],
    });
    gateway = new McpToolGateway({ url: estate.gateway.url, token: estate.gateway.token });
    const investigator = createInvestigator({ store, gateway, catalog: skillCatalogPort(disk) });
    const prefix = `alerts-e2e-${randomBytes(4).toString('hex')}`;
    const options = { redisUrl: REDIS_URL, prefix, backoffMs: 50 };
    const investigations = createBullmqQueue<SlackInvestigationJob>(INVESTIGATION_QUEUE, options);
    const notices = createBullmqQueue<AlertNoticeJob>(ALERT_NOTICE_QUEUE, { ...options, attempts: 20 });
    const workerInvestigations = createBullmqQueue<SlackInvestigationJob>(INVESTIGATION_QUEUE, options);
    const workerNotices = createBullmqQueue<AlertNoticeJob>(ALERT_NOTICE_QUEUE, { ...options, attempts: 20 });
    queues = [investigations, notices, workerInvestigations, workerNotices];
    const client = new WebClient(
      slack.botToken,
      webClientOptions({ slackApiUrl: slack.apiUrl, retries: 3, logger, minRetryTimeoutMs: 10 }),
    );
    const router = createAlertRouter(parseAlertRoutes(ROUTES, 'routes.yaml'));
    workers = [
      createInvestigationWorker({ client, store, investigator, logger, statusIntervalMs: 0 }).start(
        workerInvestigations,
        { concurrency: 2 },
      ),
      createAlertNoticeWorker({ client, db: store.db, router, logger }).start(workerNotices, { concurrency: 2 }),
    ];
    const intake = createAlertIntake({
      db: testDb.db,
      router,
      channels: createChannelDirectory([{ id: SHOP, team: 'shop', respond: 'mentions', defaults: {} }]),
      investigations,
      notices,
      logger,
      now: () => clock,
    });
    receiver = await startAlertReceiver(
      { intake, auth: { alertmanagerToken: AM_TOKEN, pagerdutySecrets: ['old-secret', PD_SECRET] }, logger },
      { host: '127.0.0.1', port: 0 },
    );
  });

  afterAll(async () => {
    await receiver?.close();
    await Promise.all((workers ?? []).map((worker) => worker.close()));
    await Promise.all((queues ?? []).map((queue) => queue.close()));
    await gateway?.close();
    await slack?.close();
    await disk?.close();
    await testDb?.drop();
    await estate?.close();
  });

  const nextMinute = () => {
    clock = new Date(clock.getTime() + 60_000);
  };

  function postAlertmanager(body: unknown, authorization = `Bearer ${AM_TOKEN}`) {
    return fetch(`${receiver.url}/alerts/alertmanager`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization },
      body: JSON.stringify(body),
    });
  }

  function postPagerduty(body: unknown, secret = PD_SECRET) {
    const raw = JSON.stringify(body);
    return fetch(`${receiver.url}/alerts/pagerduty`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-pagerduty-signature': `v1=${'0'.repeat(64)},${pagerdutySignature(raw, secret)}`,
        'x-webhook-id': 'fake-subscription',
      },
      body: raw,
    });
  }

  async function eventually<T>(what: string, check: () => Promise<T | undefined> | T | undefined): Promise<T> {
    for (let tries = 0; tries < 600; tries += 1) {
      const value = await check();
      if (value !== undefined) return value;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  /** The answered investigation and its thread in the channel. */
  async function answered(investigationId: string): Promise<{ answer: Answer; thread: string }> {
    const messages = createSlackMessagesRepository(store.db);
    return eventually(`answer of ${investigationId}`, async () => {
      const row = await store.investigations.get(investigationId);
      if (!row?.thread || !(await messages.get(investigationId)).answerTs) return undefined;
      return { answer: row.answer as Answer, thread: row.thread };
    });
  }

  const topLevel = (channel: string): SlackMessage[] =>
    slack.messages(channel).filter((message) => !message['thread_ts'] || message['thread_ts'] === message.ts);
  const replies = (channel: string, thread: string) =>
    slack.messages(channel, thread).filter((message) => message.ts !== thread);
  const message = (channel: string, ts: string) => slack.messages(channel).find((item) => item.ts === ts);

  let checkoutThread = '';

  it('answers a firing Alertmanager alert in the channel its labels route to, in a thread of its own', async () => {
    const response = await postAlertmanager(
      alertmanagerPayload([{ status: 'firing', fingerprint: 'a1b2c3d4e5f60718', labels: checkoutLabels }]),
    );
    expect(response.status).toBe(200);
    const body = (await response.json()) as { alerts: Array<{ action: string; investigationId: string }> };
    expect(body.alerts).toMatchObject([{ action: 'investigating', channel: SHOP }]);
    const { answer, thread } = await answered(body.alerts[0]?.investigationId ?? '');
    checkoutThread = thread;
    expect(answer.rootCause).toContain('1.8.3');
    const anchor = message(SHOP, thread);
    expect(anchor?.text).toContain('*FIRING* KubeDeploymentReplicasMismatch — checkout in shop on prod-eu');
    expect(anchor?.text).toContain('seen 1×');
    const threadReplies = replies(SHOP, thread);
    expect(threadReplies).toHaveLength(1);
    expect(JSON.stringify(threadReplies[0]?.['blocks'])).toContain('1.8.3');
    expect(topLevel(SHOP)).toHaveLength(1);
    expect(slack.messages(PLATFORM)).toEqual([]);
  });

  it('updates the same thread when the alert fires again, posting nothing new', async () => {
    const before = slack.messages(SHOP).length;
    const response = await postAlertmanager(
      alertmanagerPayload([{ status: 'firing', fingerprint: 'a1b2c3d4e5f60718', labels: checkoutLabels }]),
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ alerts: [{ action: 'updated', channel: SHOP }] });
    await eventually('the anchor to show the second firing', () =>
      message(SHOP, checkoutThread)?.text?.includes('seen 2×') ? true : undefined,
    );
    expect(slack.messages(SHOP)).toHaveLength(before);
    expect(topLevel(SHOP)).toHaveLength(1);
  });

  it('marks the thread when the alert resolves: top message, check mark, one reply', async () => {
    const response = await postAlertmanager(
      alertmanagerPayload([{ status: 'resolved', fingerprint: 'a1b2c3d4e5f60718', labels: checkoutLabels }]),
    );
    expect(await response.json()).toMatchObject({ alerts: [{ action: 'resolved' }] });
    const reply = await eventually('the resolved reply', () =>
      replies(SHOP, checkoutThread).find((item) => (item.text ?? '').includes('Resolved at 17:58 UTC after 18 min')),
    );
    expect(reply).toBeDefined();
    expect(message(SHOP, checkoutThread)?.text).toContain('*RESOLVED* KubeDeploymentReplicasMismatch');
    expect(slack.state.reactions).toContainEqual({
      channel: SHOP,
      timestamp: checkoutThread,
      name: 'white_check_mark',
    });
    // Alertmanager repeats resolved notifications: the thread is not marked twice.
    const again = await postAlertmanager(
      alertmanagerPayload([{ status: 'resolved', fingerprint: 'a1b2c3d4e5f60718', labels: checkoutLabels }]),
    );
    expect(await again.json()).toMatchObject({ alerts: [{ action: 'already-resolved' }] });
    expect(topLevel(SHOP)).toHaveLength(1);
  });

  it('bounds a storm: two investigations per channel and minute, the rest in one summary kept current', async () => {
    nextMinute();
    const storm = ['KubePodCrashLooping', 'KubePodNotReady', 'KubeContainerWaiting', 'KubeHpaMaxedOut'].map(
      (alertname, index) => ({
        status: 'firing' as const,
        fingerprint: `storm${index}`,
        labels: { ...checkoutLabels, alertname },
      }),
    );
    const response = await postAlertmanager(alertmanagerPayload(storm));
    const { alerts } = (await response.json()) as { alerts: Array<{ action: string; investigationId?: string }> };
    expect(alerts.map((alert) => alert.action)).toEqual(['investigating', 'investigating', 'summarised', 'summarised']);
    const summaryOf = (count: number) =>
      eventually(`a summary of ${count}`, () =>
        topLevel(SHOP).find((item) => (item.text ?? '').startsWith(`:ocean: Alert storm: ${count} more alerts`)),
      );
    const summary = await summaryOf(2);
    expect(summary.text).toContain('• KubeContainerWaiting (shop/checkout)');
    expect(summary.text).toContain('• KubeHpaMaxedOut (shop/checkout)');
    expect(summary.text).toContain('at most 2 per minute');
    const late = await postAlertmanager(
      alertmanagerPayload([{ status: 'firing', fingerprint: 'storm4', labels: { ...checkoutLabels, alertname: 'X' } }]),
    );
    expect(await late.json()).toMatchObject({ alerts: [{ action: 'summarised' }] });
    const updated = await summaryOf(3);
    expect(updated.ts).toBe(summary.ts);
    for (const alert of alerts.slice(0, 2)) await answered(alert.investigationId ?? '');
    // One resolved top-level thread, two storm threads, one summary.
    expect(topLevel(SHOP)).toHaveLength(4);
  });

  it('marks a summarised alert resolved in the storm summary, and checks it off once all have resolved', async () => {
    const summary = await eventually('the storm summary', () =>
      topLevel(SHOP).find((item) => (item.text ?? '').startsWith(':ocean: Alert storm: 3 more alerts')),
    );
    const resolve = async (fingerprint: string, alertname: string) => {
      const response = await postAlertmanager(
        alertmanagerPayload([{ status: 'resolved', fingerprint, labels: { ...checkoutLabels, alertname } }]),
      );
      expect(await response.json()).toMatchObject({ alerts: [{ action: 'resolved', channel: SHOP }] });
    };
    const summaryWith = (text: string) =>
      eventually(`the summary to show "${text}"`, () =>
        (message(SHOP, summary.ts ?? '')?.text ?? '').includes(text) ? message(SHOP, summary.ts ?? '') : undefined,
      );
    await resolve('storm2', 'KubeContainerWaiting');
    const once = await summaryWith('1 resolved since.');
    expect(once?.text).toContain('• :white_check_mark: ~KubeContainerWaiting (shop/checkout)~ resolved 17:58 UTC');
    expect(once?.text).toContain('• KubeHpaMaxedOut (shop/checkout)');
    expect(slack.state.reactions).not.toContainEqual(expect.objectContaining({ timestamp: summary.ts }));
    await resolve('storm3', 'KubeHpaMaxedOut');
    await summaryWith('2 resolved since.');
    await resolve('storm4', 'X');
    await summaryWith('All have resolved since.');
    await eventually('the check mark on the summary', () =>
      slack.state.reactions.find((item) => item.timestamp === summary.ts && item.name === 'white_check_mark'),
    );
    // The summary was rewritten in place: nothing new in the channel.
    expect(topLevel(SHOP)).toHaveLength(4);
  });

  it('investigates a signed PagerDuty v3 incident, ignores acknowledgements, marks it resolved', async () => {
    nextMinute();
    const response = await postPagerduty(pagerdutyEvent('incident.triggered', 'Q1ZQ9ZR2BN3K7', 'triggered'));
    expect(response.status).toBe(200);
    const { alerts } = (await response.json()) as { alerts: Array<{ action: string; investigationId: string }> };
    expect(alerts).toMatchObject([{ action: 'investigating', channel: SHOP }]);
    const { answer, thread } = await answered(alerts[0]?.investigationId ?? '');
    expect(answer.rootCause).toContain('1.8.3');
    expect(message(SHOP, thread)?.text).toContain('*FIRING* checkout pods are not becoming ready — in shop on prod-eu');
    const acknowledged = await postPagerduty(pagerdutyEvent('incident.acknowledged', 'Q1ZQ9ZR2BN3K7', 'acknowledged'));
    expect(acknowledged.status).toBe(202);
    expect(await acknowledged.json()).toEqual({ ignored: 'incident.acknowledged' });
    await postPagerduty(pagerdutyEvent('incident.resolved', 'Q1ZQ9ZR2BN3K7', 'resolved'));
    await eventually('the resolved reply', () =>
      replies(SHOP, thread).find((item) => (item.text ?? '').startsWith(':white_check_mark: Resolved at 17:45 UTC')),
    );
    expect(message(SHOP, thread)?.text).toContain('*RESOLVED*');
  });

  it('refuses bad signatures, wrong credentials and malformed payloads, and stores nothing', async () => {
    const count = async () => (await store.db.query('SELECT count(*)::int AS n FROM alerts')).rows[0]?.['n'];
    const before = await count();
    const forged = await postPagerduty(pagerdutyEvent('incident.triggered', 'QFORGED', 'triggered'), 'guessed-secret');
    expect(forged.status).toBe(401);
    expect(await forged.json()).toEqual({
      error: 'X-PagerDuty-Signature is missing or does not match the signing secret',
    });
    const wrongToken = await postAlertmanager(
      alertmanagerPayload([{ status: 'firing', fingerprint: 'f0', labels: checkoutLabels }]),
      'Bearer not-the-token',
    );
    expect(wrongToken.status).toBe(401);
    expect(wrongToken.headers.get('www-authenticate')).toBe('Bearer');
    const oldVersion = await postAlertmanager({
      ...alertmanagerPayload([{ status: 'firing', fingerprint: 'f1', labels: checkoutLabels }]),
      version: '3',
    });
    expect(oldVersion.status).toBe(400);
    expect(((await oldVersion.json()) as { error: string }).error).toContain('version: must be "4"');
    const noName = await postAlertmanager(
      alertmanagerPayload([{ status: 'firing', fingerprint: 'f2', labels: { team: 'shop' } }]),
    );
    expect(((await noName.json()) as { error: string }).error).toContain('alerts.0.labels: must hold alertname');
    expect(await count()).toBe(before);
  });

  it('sends an alert no route matches to the fallback channel', async () => {
    nextMinute();
    const response = await postAlertmanager(
      alertmanagerPayload([
        { status: 'firing', fingerprint: 'fallback1', labels: { alertname: 'NodeDiskPressure', team: 'data' } },
      ]),
    );
    const { alerts } = (await response.json()) as { alerts: Array<{ action: string; investigationId: string }> };
    expect(alerts).toMatchObject([{ action: 'investigating', channel: PLATFORM }]);
    const { thread } = await answered(alerts[0]?.investigationId ?? '');
    expect(message(PLATFORM, thread)?.text).toContain('*FIRING* NodeDiskPressure');
  });
});
