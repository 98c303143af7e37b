import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_WORKSPACE } from '../../test/fakes/slack/index.js';
import {
  sampleAnswer,
  silentLogger,
  startWorkerHarness,
  TRACE_ID,
  type WorkerHarness,
} from '../../test/support/slack-worker.js';
import { failureSentence, RESPONSE_URL_ANSWER } from './investigation-worker.js';
import { createSlackMessagesRepository } from './slack-messages-repository.js';
import { createStatusSweeper } from './status-sweeper.js';
import { RESUMING_TEXT } from './status-reporter.js';

const CHANNEL = FAKE_WORKSPACE.channelId;
let harness: WorkerHarness;

beforeAll(async () => {
  harness = await startWorkerHarness();
});

afterAll(async () => {
  await harness.close();
});

const answerWith = (mode: 'model' | 'triage') =>
  harness.investigatorDouble((job) => Promise.resolve({ kind: 'answer', answer: sampleAnswer(job.question, mode) }));

describe('answer delivery when Slack misbehaves', () => {
  it('posts a finished triage answer at once with its blocks, in place of the status, without streaming', async () => {
    const data = harness.jobData();
    const start = harness.slack.calls.length;
    await harness.runJob(data, { investigator: answerWith('triage') });
    expect(harness.callsSince(start, 'chat.startStream')).toHaveLength(0);
    const replies = harness.botMessages(CHANNEL, data.thread ?? '');
    expect(replies).toHaveLength(1);
    expect(JSON.stringify(replies[0]?.['blocks'])).toContain('*Root cause:*');
  });

  it('falls back to chat.postMessage when chat.update keeps failing, and removes the status line', async () => {
    // Regression: the bot deleted its streamed answer and left "Looking into it…" while the row said answered.
    const data = harness.jobData();
    harness.slack.failNext('chat.update', 'internal_error', { times: 1_000 });
    await harness.runJob(data, { investigator: answerWith('model') });
    harness.slack.clearFaults('chat.update');
    const replies = harness.botMessages(CHANNEL, data.thread ?? '');
    // The half-formatted stream was replaced by a posted Block Kit answer, then removed; the status too.
    expect(replies).toHaveLength(1);
    expect(JSON.stringify(replies[0]?.['blocks'])).toContain('*Root cause:*');
    const row = await harness.store.investigations.get(data.investigationId);
    expect(row?.status).toBe('answered');
    const { rows } = await harness.store.db.query(`SELECT slack_status_settled_at FROM investigations WHERE id = $1`, [
      data.investigationId,
    ]);
    expect(rows[0]?.slack_status_settled_at).not.toBeNull();
  });

  it('sends the failure sentence by chat.postMessage when chat.update fails, and clears the status', async () => {
    const data = harness.jobData();
    harness.slack.failNext('chat.update', 'internal_error', { times: 1_000 });
    const investigator = harness.investigatorDouble(() => Promise.reject(new Error('pipeline bug')));
    await harness.runJob(data, { investigator }, { attempts: 1, expect: 'dead-lettered' });
    harness.slack.clearFaults('chat.update');
    expect(harness.botMessages(CHANNEL, data.thread ?? '').map((message) => message.text)).toEqual([
      failureSentence(TRACE_ID),
    ]);
    expect((await harness.store.investigations.get(data.investigationId))?.status).toBe('failed');
  });

  it('replaces a stream an earlier attempt left half done, so the thread holds one answer', async () => {
    const data = harness.jobData();
    const start = harness.slack.calls.length;
    harness.slack.failNext('chat.appendStream', 'internal_error', { times: 10 });
    await harness.runJob(data, { investigator: answerWith('model') }, { attempts: 3 });
    harness.slack.clearFaults('chat.appendStream');
    expect(harness.callsSince(start, 'chat.startStream')).toHaveLength(1);
    const recorded = await createSlackMessagesRepository(harness.store.db).get(data.investigationId);
    const replies = harness.botMessages(CHANNEL, data.thread ?? '');
    expect(replies).toHaveLength(1);
    expect(replies[0]?.ts).toBe(recorded.streamTs);
    expect(JSON.stringify(replies[0]?.['blocks'])).toContain('*Root cause:*');
  });

  it('posts one answer when two attempts of one job run at once (a stalled lock)', async () => {
    const data = harness.jobData();
    let arrived = 0;
    let release = (): void => undefined;
    const bothRunning = new Promise<void>((resolve) => (release = resolve));
    const investigator = harness.investigatorDouble(async (job) => {
      arrived += 1;
      if (arrived === 2) release();
      await bothRunning;
      return { kind: 'answer', answer: sampleAnswer(job.question, 'model') };
    });
    await Promise.all([
      harness.runJob(data, { investigator }, { attempts: 5 }),
      harness.runJob(data, { investigator }, { attempts: 5 }),
    ]);
    expect(investigator.calls.length).toBeGreaterThanOrEqual(2);
    expect(
      harness.botMessages(CHANNEL, data.thread ?? '').filter((m) => String(m.text).includes('Root cause')),
    ).toHaveLength(1);
  });

  it('says it is resuming when it takes over a job whose worker died', async () => {
    const data = harness.jobData();
    const messages = createSlackMessagesRepository(harness.store.db);
    await harness.store.intake.store({
      id: data.investigationId,
      source: 'slack',
      question: data.question,
      channel: CHANNEL,
      intakeKey: `slack-event:${data.eventId}`,
      job: data,
    });
    const status = await harness.client.chat.postMessage({ channel: CHANNEL, thread_ts: data.thread, text: 'old' });
    await messages.setStatusTs(data.investigationId, status.ts ?? '');
    const start = harness.slack.calls.length;
    await harness.runJob(data, { investigator: answerWith('triage') });
    expect(harness.callsSince(start, 'chat.update')[0]?.args['text']).toBe(RESUMING_TEXT);
    expect(harness.botMessages(CHANNEL, data.thread ?? '')).toHaveLength(1);
  });

  it('answers /sre through response_url in a channel the bot is not in', async () => {
    const responseUrl = harness.slack.responseUrl('sre-not-member');
    const data = harness.jobData({ thread: undefined, trigger: 'slash_command', responseUrl });
    delete data.thread;
    harness.slack.failNext('chat.postMessage', 'not_in_channel');
    await harness.runJob(data, { investigator: answerWith('triage') }, { attempts: 2 });
    const sent = harness.slack
      .callsTo('response_url')
      .filter((call) => call.args['path'] === '/response/sre-not-member');
    expect(sent).toHaveLength(1);
    expect(sent[0]?.args['text']).toContain('Root cause:');
    expect(JSON.stringify(sent[0]?.args['blocks'])).toContain('*Root cause:*');
    expect((await createSlackMessagesRepository(harness.store.db).get(data.investigationId)).answerTs).toBe(
      RESPONSE_URL_ANSWER,
    );
  });

  it('sweeps a status line left saying "Looking into it" after the answer was posted', async () => {
    const data = harness.jobData();
    const messages = createSlackMessagesRepository(harness.store.db);
    await harness.store.investigations.create({
      id: data.investigationId,
      source: 'slack',
      question: 'q',
      channel: CHANNEL,
    });
    const status = await harness.client.chat.postMessage({ channel: CHANNEL, thread_ts: data.thread, text: 'Looking' });
    await messages.setStatusTs(data.investigationId, status.ts ?? '');
    await harness.store.investigations.fail(data.investigationId, 'gone');
    const sweeper = createStatusSweeper({
      client: harness.client,
      messages,
      logger: silentLogger,
      graceMs: 0,
    });
    expect(await sweeper.runOnce()).toBeGreaterThanOrEqual(1);
    expect(harness.botMessages(CHANNEL, data.thread ?? '')).toHaveLength(0);
    expect(await messages.listUnsettled(0)).toEqual([]);
  });
});
