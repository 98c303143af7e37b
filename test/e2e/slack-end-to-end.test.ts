import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Answer } from '../../bot/agent/answer.js';
import { ActionId } from '../../bot/slack/answer-blocks.js';
import { CORRECTION_CALLBACK_ID, CorrectionField } from '../../bot/slack/correction-modal.js';
import { anthropicSteps, startFakeAnthropic, type FakeAnthropic } from '../fakes/anthropic/index.js';
import {
  blockActionsPayload,
  FAKE_WORKSPACE,
  plainTextValue,
  sendSignedEvent,
  viewSubmissionPayload,
} from '../fakes/slack/index.js';
import { bundledScenario } from '../support/pipeline.js';
import { startSlackHarness, triageOrModel, type SlackHarness } from '../support/slack-harness.js';

const MODEL = 'claude-e2e';
const CHANNEL = FAKE_WORKSPACE.channelId;

/**
 * The production path end to end: signed Slack events into the real Bolt receiver, BullMQ on
 * the real Redis, the worker running the real pipeline over the sandbox estate through the MCP
 * gateway, answers posted to the fake Slack Web API, everything recorded in PostgreSQL.
 */
describe('Slack → queue → worker → pipeline → Slack, over the sandbox', () => {
  let harness: SlackHarness;
  let anthropic: FakeAnthropic;
  let useModel = false;
  /** Inserts of each investigation row, counted on the store the worker and the investigators share. */
  const rowWrites = new Map<string, number>();

  beforeAll(async () => {
    anthropic = await startFakeAnthropic();
    harness = await startSlackHarness({
      scenario: await bundledScenario('missing-image-tag'),
      concurrency: 2,
      wrapStore: (plain) => ({
        ...plain,
        investigations: {
          ...plain.investigations,
          create: (input) => {
            rowWrites.set(input.id, (rowWrites.get(input.id) ?? 0) + 1);
            return plain.investigations.create(input);
          },
        },
      }),
      investigator: triageOrModel({ baseURL: anthropic.url, model: MODEL }, () => useModel),
    });
  });

  afterAll(async () => {
    await harness?.close();
    await anthropic?.close();
  });

  const answered = async (thread: string): Promise<Answer> => (await harness.settled(CHANNEL, thread)).answer;
  const mention = (question: string) => harness.mention(CHANNEL, question);
  const send = (payload: object, retryNum?: number) => harness.send(payload, retryNum ? { retryNum } : {});

  const botReplies = (thread: string) => harness.botMessages(CHANNEL, thread);

  it(
    'acks a mention before investigating, shows progress, and answers once in the thread with the root cause — ' +
      'even delivered three times',
    async () => {
      const { payload, thread } = mention('why is checkout failing in prod? the new release never came up');
      expect(await send(payload)).toBe(200);
      // The ack did not wait for the investigation: nothing is answered yet.
      expect(await harness.store.investigations.findByThread(CHANNEL, thread).then((row) => row?.status)).not.toBe(
        'answered',
      );
      expect(await send(payload, 1)).toBe(200);
      expect(await send(payload, 2)).toBe(200);

      const answer = await answered(thread);
      expect(answer.mode).toBe('triage');
      expect(answer.rootCause).toContain('1.8.3');
      expect(answer.skills).toEqual(['image-pull-errors']);
      // Progress was shown in the thread while it worked.
      const progressCalls = harness.slack.calls.filter(
        (call) =>
          ['chat.update', 'chat.appendStream', 'assistant.threads.setStatus'].includes(call.method) ||
          (call.method === 'chat.postMessage' && call.args['thread_ts'] === thread),
      );
      expect(progressCalls.length).toBeGreaterThan(1);
      const replies = botReplies(thread);
      expect(replies).toHaveLength(1);
      expect(JSON.stringify(replies[0]?.['blocks'])).toContain('1.8.3');
      expect(JSON.stringify(replies[0]?.['blocks'])).toContain(ActionId.correct);
      const rows = await harness.store.investigations.listRecent({ channels: [CHANNEL] });
      expect(rows.filter((row) => row.thread === thread)).toHaveLength(1);
      const id = rows.find((row) => row.thread === thread)?.id ?? '';
      expect((await harness.store.toolCalls.listForInvestigation(id)).length).toBeGreaterThan(5);
      // Regression: the worker and then the investigator both inserted the row; now only the investigator's open does.
      expect(rowWrites.get(id)).toBe(1);
    },
  );

  it('rejects a bad signature and a stale timestamp without queueing anything', async () => {
    const { payload, thread } = mention('why is checkout failing?');
    expect((await sendSignedEvent(harness.eventsUrl, payload, { signingSecret: 'wrong-secret' })).status).toBe(401);
    expect(
      (await sendSignedEvent(harness.eventsUrl, payload, { signingSecret: harness.signingSecret, stale: true })).status,
    ).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await harness.store.investigations.findByThread(CHANNEL, thread)).toBeUndefined();
    expect(botReplies(thread)).toEqual([]);
  });

  it('waits out a 429 from Slack and still answers exactly once', async () => {
    harness.slack.rateLimit('chat.postMessage', { times: 2, retryAfterSeconds: 1 });
    const { payload, thread } = mention('why is checkout failing in prod?');
    expect(await send(payload)).toBe(200);
    const answer = await answered(thread);
    expect(answer.rootCause).toContain('1.8.3');
    expect(botReplies(thread)).toHaveLength(1);
    expect(harness.slack.calls.some((call) => call.method === 'chat.postMessage' && call.status === 429)).toBe(true);
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
      expect(await send(payload)).toBe(200);
      const answer = await answered(thread);
      expect(answer.mode).toBe('model');
      expect(answer.usage.model).toBe(MODEL);
      expect(answer.rootCause).toContain('1.8.3');
      expect(answer.skills).toContain('image-pull-errors');
      // The model's describe_workload went through the gateway to the sandbox and came back as data.
      const requests = anthropic.messageRequests();
      expect(JSON.stringify(requests.at(-1)?.body)).toMatch(/untrusted-data-[\w-]+ source=\\"describe_workload\\"/);
    } finally {
      useModel = false;
    }
  });

  it('stores a correction linked to the investigation when "Correct this" is submitted', async () => {
    const { payload, thread } = mention('why is checkout failing in prod?');
    await send(payload);
    await answered(thread);
    const row = await harness.store.investigations.findByThread(CHANNEL, thread);
    const answerMessage = botReplies(thread)[0];
    const press = await harness.interact(
      blockActionsPayload({
        actionId: ActionId.correct,
        value: row?.id ?? '',
        message: { ts: String(answerMessage?.['ts']), thread_ts: thread },
      }),
    );
    expect(press).toBe(200);
    const opened = await harness.slack.waitForCall('views.open');
    const view = opened.response['view'] as Record<string, unknown>;
    const values = {
      [CorrectionField.rootCause.block]: {
        [CorrectionField.rootCause.action]: plainTextValue('CI never pushed 1.8.3 because the release pipeline failed'),
      },
    };
    const submit = await harness.interact(viewSubmissionPayload({ callbackId: CORRECTION_CALLBACK_ID, view, values }));
    expect(submit).toBe(200);
    const corrections = await harness.store.corrections.listForInvestigation(row?.id ?? '');
    expect(corrections).toMatchObject([
      {
        investigationId: row?.id,
        correctRootCause: 'CI never pushed 1.8.3 because the release pipeline failed',
        status: 'open',
      },
    ]);
  });
});
