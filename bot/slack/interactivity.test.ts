import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  blockActionsPayload,
  FAKE_WORKSPACE,
  nextEventTs,
  plainTextValue,
  sendSignedInteraction,
  startFakeSlack,
  staticSelectValue,
  viewSubmissionPayload,
  type FakeSlack,
} from '../../test/fakes/slack/index.js';
import { ActionId } from './answer-blocks.js';
import { createMemoryQueue } from '../queue/memory-queue.js';
import { migrate } from '../store/migrate.js';
import { createPgliteDatabase } from '../store/pglite-database.js';
import { createStore, type Store } from '../store/store.js';
import { createLogger } from '../telemetry/logger.js';
import { createChannelDirectory } from './channel-config.js';
import { loadSlackConfig } from './config.js';
import { CORRECTION_CALLBACK_ID, CorrectionField } from './correction-modal.js';
import type { SlackInvestigationJob } from './investigation-job.js';
import { createSlackApp, type SlackService } from './slack-app.js';

const SECRET = 'test-signing-secret';
const signed = { signingSecret: SECRET };
const CHANNEL = FAKE_WORKSPACE.channelId;

let slack: FakeSlack;
let store: Store;
let service: SlackService;
let url: string;
const queue = createMemoryQueue<SlackInvestigationJob>('investigation');
const thread = nextEventTs();
const answerTs = nextEventTs();

beforeAll(async () => {
  slack = await startFakeSlack();
  const db = await createPgliteDatabase();
  await migrate(db);
  store = createStore(db);
  await store.investigations.create({
    id: 'inv-1',
    source: 'slack',
    question: 'why is checkout failing?',
    channel: CHANNEL,
    thread,
  });
  await store.investigations.finish('inv-1', {
    status: 'answered',
    answer: {
      rootCause: 'Argo CD app checkout is OutOfSync: namespace checkout-prod does not exist',
      skills: ['argocd-sync-failed'],
    },
    usage: { inputTokens: 0, outputTokens: 0, cachedTokens: 0, costUsd: 0 },
  });
  service = createSlackApp(
    loadSlackConfig({ SLACK_BOT_TOKEN: slack.botToken, SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: slack.apiUrl }),
    {
      queue,
      store,
      channels: createChannelDirectory([]),
      skillNames: () => ['kyverno-policy-blocked', 'argocd-sync-failed', 'pod-crashloop'],
      logger: createLogger({ level: 'silent' }),
      newId: (() => {
        let n = 0;
        return () => `id-${(n += 1)}`;
      })(),
    },
  );
  url = (await service.start({ port: 0, host: '127.0.0.1' })).eventsUrl ?? '';
});

afterAll(async () => {
  await service.stop();
  await queue.close();
  await store.close();
  await slack.close();
});

const onAnswer = { ts: answerTs, thread_ts: thread };

describe('answer buttons and the correction modal', () => {
  it('stores helpful / not helpful feedback (one vote per person) and thanks privately', async () => {
    const click = await sendSignedInteraction(
      url,
      blockActionsPayload({ actionId: ActionId.helpful, value: 'inv-1', message: onAnswer }),
      signed,
    );
    expect(click.status).toBe(200);
    expect(await store.feedback.summary('inv-1')).toEqual({ helpful: 1, not_helpful: 0 });
    await sendSignedInteraction(
      url,
      blockActionsPayload({ actionId: ActionId.notHelpful, value: 'inv-1', message: onAnswer }),
      signed,
    );
    expect(await store.feedback.summary('inv-1')).toEqual({ helpful: 0, not_helpful: 1 });
    expect(slack.state.ephemerals.map((note) => [note.user, note.threadTs])).toEqual([
      [FAKE_WORKSPACE.humanUserId, thread],
      [FAKE_WORKSPACE.humanUserId, thread],
    ]);

    await sendSignedInteraction(
      url,
      blockActionsPayload({ actionId: ActionId.helpful, value: 'inv-gone', message: onAnswer }),
      signed,
    );
    expect(slack.state.ephemerals.at(-1)?.text).toContain('cannot find that investigation');
  });

  it(
    'opens the modal from "Correct this", refuses an empty root cause, and stores a valid correction linked to ' +
      'the investigation',
    async () => {
      const press = await sendSignedInteraction(
        url,
        blockActionsPayload({ actionId: ActionId.correct, value: 'inv-1', message: onAnswer }),
        signed,
      );
      expect(press.status).toBe(200);
      const opened = await slack.waitForCall('views.open');
      expect(opened.response['ok']).toBe(true);
      const view = opened.response['view'] as Record<string, unknown>;
      expect(view['callback_id']).toBe(CORRECTION_CALLBACK_ID);
      const modal = JSON.stringify(opened.args['view']);
      expect(modal).toContain('namespace checkout-prod does not exist');
      // The answer's own skill is offered first.
      expect(modal.indexOf('argocd-sync-failed')).toBeLessThan(modal.indexOf('kyverno-policy-blocked'));

      const empty = await sendSignedInteraction(
        url,
        viewSubmissionPayload({
          callbackId: CORRECTION_CALLBACK_ID,
          view,
          values: { [CorrectionField.rootCause.block]: { [CorrectionField.rootCause.action]: plainTextValue('  ') } },
        }),
        signed,
      );
      expect(empty.status).toBe(200);
      expect(JSON.parse(empty.body)).toMatchObject({
        response_action: 'errors',
        errors: { [CorrectionField.rootCause.block]: expect.any(String) },
      });
      expect(await store.corrections.listForInvestigation('inv-1')).toEqual([]);

      const values = {
        [CorrectionField.rootCause.block]: {
          [CorrectionField.rootCause.action]: plainTextValue('The Kyverno policy require-limits blocks the Deployment'),
        },
        [CorrectionField.details.block]: {
          [CorrectionField.details.action]: plainTextValue('PolicyReport in checkout-prod shows the fail'),
        },
        [CorrectionField.skill.block]: { [CorrectionField.skill.action]: staticSelectValue('kyverno-policy-blocked') },
      };
      const submit = await sendSignedInteraction(
        url,
        viewSubmissionPayload({ callbackId: CORRECTION_CALLBACK_ID, view, values }),
        signed,
      );
      expect(submit.status).toBe(200);
      expect(submit.body).toBe('');
      const corrections = await store.corrections.listForInvestigation('inv-1');
      expect(corrections).toMatchObject([
        {
          investigationId: 'inv-1',
          userId: FAKE_WORKSPACE.humanUserId,
          correctRootCause: 'The Kyverno policy require-limits blocks the Deployment',
          details: 'PolicyReport in checkout-prod shows the fail',
          skillName: 'kyverno-policy-blocked',
          status: 'open',
        },
      ]);
      const confirmation = await slack.waitForCall('chat.postMessage', {
        where: (call) => call.args['thread_ts'] === thread,
      });
      expect(String(confirmation.args['text'])).toContain('corrected this answer');

      // Regression: a double-submitted modal stored two rows. The same view again is a no-op.
      const again = await sendSignedInteraction(
        url,
        viewSubmissionPayload({ callbackId: CORRECTION_CALLBACK_ID, view, values }),
        signed,
      );
      expect(again.status).toBe(200);
      expect(await store.corrections.listForInvestigation('inv-1')).toHaveLength(1);
      expect(slack.callsTo('chat.postMessage').filter((call) => call.args['thread_ts'] === thread)).toHaveLength(1);
    },
  );

  it('refuses a submission whose private metadata lost the investigation', async () => {
    const values = {
      [CorrectionField.rootCause.block]: { [CorrectionField.rootCause.action]: plainTextValue('something real') },
    };
    const response = await sendSignedInteraction(
      url,
      viewSubmissionPayload({ callbackId: CORRECTION_CALLBACK_ID, values, privateMetadata: 'not json' }),
      signed,
    );
    expect(JSON.parse(response.body)).toMatchObject({ response_action: 'errors' });
  });
});
