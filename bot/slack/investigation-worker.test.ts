import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_WORKSPACE, type SlackMessage } from '../../test/fakes/slack/index.js';
import {
  sampleAnswer,
  startWorkerHarness,
  TRACE_ID,
  type Behaviour,
  type WorkerHarness,
} from '../../test/support/slack-worker.js';
import { ActionId } from './answer-blocks.js';
import { BotError } from '../errors.js';
import { createSlackMessagesRepository } from './slack-messages-repository.js';
import { failureSentence } from './investigation-worker.js';

const CHANNEL = FAKE_WORKSPACE.channelId;
const DM = FAKE_WORKSPACE.dmChannelId;

let harness: WorkerHarness;
let slack: WorkerHarness['slack'];
let store: WorkerHarness['store'];

beforeAll(async () => {
  harness = await startWorkerHarness();
  ({ slack, store } = harness);
});

afterAll(async () => {
  await harness.close();
});

const investigatorDouble = (behaviour: Behaviour) => harness.investigatorDouble(behaviour);
const jobData: WorkerHarness['jobData'] = (overrides) => harness.jobData(overrides);
const runJob: WorkerHarness['runJob'] = (data, deps, options) => harness.runJob(data, deps, options);
const botMessages = (channel: string, thread: string) => harness.botMessages(channel, thread);
const callsSince = (index: number, method: string) => harness.callsSince(index, method);

/** Progress the way the pipeline reports it, waiting until the status line shows each step. */
const answering: Behaviour = async (job, onProgress) => {
  onProgress('resolve', 'looking for checkout across 2 Argo CD instances');
  await slack.waitForCall('chat.update', {
    where: (call) => String(call.args['text']).includes('Finding what you mean') && call.status === 200,
  });
  onProgress('gather', 'checking Argo CD app checkout on argocd-eu-1');
  await slack.waitForCall('chat.update', {
    where: (call) => String(call.args['text']).includes('checking Argo CD app checkout') && call.status === 200,
  });
  return { kind: 'answer', answer: sampleAnswer(job.question) };
};

function actionIds(message: SlackMessage | undefined): string[] {
  const blocks = (message?.['blocks'] ?? []) as Array<{ type: string; elements?: Array<{ action_id?: string }> }>;
  return blocks
    .filter((block) => block.type === 'actions')
    .flatMap((block) => (block.elements ?? []).map((element) => element.action_id ?? ''));
}

describe('investigation worker', () => {
  it(
    'shows progress in a status message, streams the answer, and leaves exactly one Block Kit answer in the ' +
      'thread',
    async () => {
      const data = jobData();
      const start = slack.calls.length;
      const investigator = investigatorDouble(answering);
      await runJob(data, { investigator });
      // The row is opened once and the run reuses it; the job reaches the pipeline as enqueued.
      expect(investigator.opens).toEqual([data.investigationId]);
      expect(investigator.runsOnOpenedRow).toEqual([true]);
      expect(investigator.calls[0]).toMatchObject({ ...data, traceId: TRACE_ID });

      const statusPost = callsSince(start, 'chat.postMessage')[0];
      expect(statusPost?.args['text']).toBe(':mag: Looking into it…');
      expect(callsSince(start, 'chat.update').map((call) => call.args['text'])).toEqual(
        expect.arrayContaining([
          expect.stringContaining('Finding what you mean'),
          expect.stringContaining('Gathering evidence: checking Argo CD app checkout on argocd-eu-1'),
        ]),
      );
      expect(callsSince(start, 'chat.startStream')[0]?.args).toMatchObject({
        channel: CHANNEL,
        thread_ts: data.thread,
        recipient_user_id: FAKE_WORKSPACE.humanUserId,
        recipient_team_id: FAKE_WORKSPACE.teamId,
      });
      expect(callsSince(start, 'chat.appendStream').length).toBeGreaterThan(0);
      expect(callsSince(start, 'chat.stopStream')).toHaveLength(1);

      const replies = botMessages(CHANNEL, data.thread ?? '');
      expect(replies).toHaveLength(1);
      const [answer] = replies;
      expect(answer?.text).toContain('Root cause: Argo CD app checkout targets namespace checkout-prod');
      expect(JSON.stringify(answer?.['blocks'])).toContain('*Root cause:*');
      // Only built features get buttons: no Propose fix yet.
      expect(actionIds(answer)).toEqual([ActionId.draftRca, ActionId.helpful, ActionId.notHelpful, ActionId.correct]);
      expect(await createSlackMessagesRepository(store.db).get(data.investigationId)).toEqual({
        statusTs: statusPost?.response['ts'],
        answerTs: answer?.ts,
        streamTs: answer?.ts,
      });
      expect((await store.investigations.get(data.investigationId))?.status).toBe('answered');
    },
  );

  it('falls back to updating the status message in place when Slack refuses chat streaming', async () => {
    const data = jobData();
    slack.failNext('chat.startStream', 'unknown_method');
    await runJob(data, { investigator: investigatorDouble(answering) });
    const replies = botMessages(CHANNEL, data.thread ?? '');
    expect(replies).toHaveLength(1);
    expect(replies[0]?.['edited']).toBeDefined();
    expect(actionIds(replies[0])).toContain(ActionId.correct);
  });

  it('waits out a 429 with Retry-After from Slack and still answers exactly once', async () => {
    const data = jobData();
    const start = slack.calls.length;
    slack.rateLimit('chat.postMessage', { times: 1, retryAfterSeconds: 1 });
    slack.rateLimit('chat.startStream', { times: 1, retryAfterSeconds: 1 });
    await runJob(data, { investigator: investigatorDouble(answering) });
    expect(callsSince(start, 'chat.postMessage').map((call) => call.status)).toEqual([429, 200]);
    expect(callsSince(start, 'chat.startStream').map((call) => call.status)).toEqual([429, 200]);
    const replies = botMessages(CHANNEL, data.thread ?? '');
    expect(replies).toHaveLength(1);
    expect(actionIds(replies[0])).toEqual([ActionId.draftRca, ActionId.helpful, ActionId.notHelpful, ActionId.correct]);
  });

  it('retries a failed attempt in the same status message and answers once', async () => {
    const data = jobData();
    const start = slack.calls.length;
    const investigator = investigatorDouble(async (job, onProgress, call) => {
      if (call === 1) throw new BotError('upstream_unavailable', 'gateway timed out', { isRetryable: true });
      return answering(job, onProgress, call);
    });
    await runJob(data, { investigator, streaming: false }, { attempts: 3 });
    expect(investigator.calls).toHaveLength(2);
    expect(callsSince(start, 'chat.postMessage')).toHaveLength(1);
    const replies = botMessages(CHANNEL, data.thread ?? '');
    expect(replies).toHaveLength(1);
    expect(replies[0]?.text).toContain('Root cause:');
  });

  it('after the last failed attempt posts one plain sentence with the trace id', async () => {
    const data = jobData();
    // A failure of unknown kind is retried until the attempts run out.
    const investigator = investigatorDouble(() => Promise.reject(new Error('gateway down')));
    await runJob(data, { investigator }, { attempts: 2, expect: 'dead-lettered' });
    expect(investigator.calls).toHaveLength(2);
    const replies = botMessages(CHANNEL, data.thread ?? '');
    expect(replies.map((message) => message.text)).toEqual([failureSentence(TRACE_ID)]);
    expect(failureSentence(TRACE_ID)).toBe(
      `Sorry — I couldn't finish investigating this (trace ${TRACE_ID}). The on-call SRE can look it up.`,
    );
    expect((await store.investigations.get(data.investigationId))?.status).toBe('failed');
  });

  it(
    'does not retry when Slack permanently refuses ' + '(not_in_channel) and still tells the dead-letter hook once',
    async () => {
      const data = jobData();
      slack.failNext('chat.postMessage', 'not_in_channel');
      const investigator = investigatorDouble(answering);
      const start = slack.calls.length;
      await runJob(data, { investigator }, { attempts: 3, expect: 'dead-lettered' });
      expect(investigator.calls).toHaveLength(0);
      // One refused status post, then the one failure sentence.
      expect(callsSince(start, 'chat.postMessage').map((call) => call.response['ok'])).toEqual([false, true]);
    },
  );

  it('posts the clarifying question when the question is ambiguous', async () => {
    const data = jobData();
    const investigator = investigatorDouble(() =>
      Promise.resolve({
        kind: 'clarify',
        question: 'Which checkout do you mean?',
        options: ['checkout on argocd-eu-1', 'checkout on argocd-us-1'],
        notes: [],
      }),
    );
    await runJob(data, { investigator });
    const replies = botMessages(CHANNEL, data.thread ?? '');
    expect(replies).toHaveLength(1);
    expect(replies[0]?.text).toContain('Which checkout do you mean?');
    expect(replies[0]?.text).toContain('• checkout on argocd-us-1');
    expect((await store.investigations.get(data.investigationId))?.status).toBe('clarifying');
  });

  it('starts a thread for a /sre question and answers inside it', async () => {
    const data = jobData({ thread: undefined, trigger: 'slash_command' });
    delete data.thread;
    const start = slack.calls.length;
    await runJob(data, { investigator: investigatorDouble(answering), streaming: false });
    const anchor = callsSince(start, 'chat.postMessage')[0];
    expect(anchor?.args['thread_ts']).toBeUndefined();
    expect(anchor?.args['text']).toBe(`<@${FAKE_WORKSPACE.humanUserId}> asked: why is checkout failing in prod?`);
    const thread = String(anchor?.response['ts']);
    expect(
      botMessages(CHANNEL, thread)
        .filter((message) => message.ts !== thread)
        .map((message) => message.text),
    ).toEqual([expect.stringContaining('Root cause:')]);
    expect((await store.investigations.get(data.investigationId))?.thread).toBe(thread);
  });

  it('uses the assistant status in AI-app threads and streams the answer there', async () => {
    const data = jobData({ channel: DM, isAssistantThread: true, trigger: 'direct_message' });
    const investigator = investigatorDouble(async (job, onProgress) => {
      onProgress('gather', 'checking Argo CD app checkout on argocd-eu-1');
      await slack.waitForCall('assistant.threads.setStatus', {
        where: (call) => String(call.args['status']).includes('gathering evidence'),
      });
      return { kind: 'answer', answer: sampleAnswer(job.question) };
    });
    const start = slack.calls.length;
    await runJob(data, { investigator });
    expect(callsSince(start, 'assistant.threads.setStatus')[0]?.args['status']).toBe('is looking into it…');
    expect(callsSince(start, 'chat.startStream')[0]?.args['recipient_user_id']).toBeUndefined();
    const replies = botMessages(DM, data.thread ?? '');
    expect(replies).toHaveLength(1);
    expect(actionIds(replies[0])).toContain(ActionId.correct);
  });
});
