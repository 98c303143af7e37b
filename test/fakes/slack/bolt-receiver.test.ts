import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, LogLevel } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  appMentionEvent,
  blockActionsPayload,
  botMessageEvent,
  channelMessageEvent,
  FAKE_WORKSPACE,
  plainTextValue,
  sendSignedEvent,
  sendSignedInteraction,
  sendSignedSlashCommand,
  slashCommandFields,
  startFakeSlack,
  urlVerificationPayload,
  viewSubmissionPayload,
  type FakeSlack,
} from './index.js';

const SIGNING_SECRET = 'fake-slack-signing-secret';

let slack: FakeSlack;
let app: App;
let eventsUrl: string;
const mentions: { text: string; retryNum: number | undefined }[] = [];
const channelMessages: string[] = [];
const clicks: string[] = [];
const submissions: unknown[] = [];

beforeAll(async () => {
  slack = await startFakeSlack();
  // processBeforeResponse: the HTTP answer waits for the listeners, so every assertion below is deterministic.
  app = new App({
    token: slack.botToken,
    signingSecret: SIGNING_SECRET,
    processBeforeResponse: true,
    logLevel: LogLevel.ERROR,
    clientOptions: { slackApiUrl: slack.apiUrl },
  });
  app.event('app_mention', async ({ event, context, client }) => {
    mentions.push({ text: event.text, retryNum: context.retryNum });
    await client.chat.postMessage({ channel: event.channel, thread_ts: event.ts, text: 'on it' });
  });
  app.message(async ({ message }) => {
    if ('text' in message && typeof message.text === 'string') channelMessages.push(message.text);
  });
  app.action('helpful', async ({ ack, action }) => {
    await ack();
    if (action.type === 'button') clicks.push(action.value ?? '');
  });
  app.view('correct_this', async ({ ack, view }) => {
    await ack();
    submissions.push(view.state.values);
  });
  app.command('/sre', async ({ ack, command }) => {
    await ack({ response_type: 'ephemeral', text: `looking into ${command.text}` });
  });
  const server = (await app.start({ port: 0, host: '127.0.0.1' })) as Server;
  // a TCP listener always has AddressInfo
  eventsUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
});
afterAll(async () => {
  await app.stop();
  await slack.close();
});

describe('signed requests into a real Bolt HTTP receiver', () => {
  it('delivers a signed app_mention that the app answers through the fake Web API', async () => {
    const payload = appMentionEvent({ text: `<@${FAKE_WORKSPACE.botUserId}> why is payments degraded?` });
    const response = await sendSignedEvent(eventsUrl, payload, { signingSecret: SIGNING_SECRET });
    expect(response.status).toBe(200);
    expect(mentions.at(-1)).toEqual({
      text: `<@${FAKE_WORKSPACE.botUserId}> why is payments degraded?`,
      retryNum: undefined,
    });
    const reply = await slack.waitForCall('chat.postMessage', {
      where: (call) => call.args['thread_ts'] === payload.event['ts'],
    });
    expect(reply.response['ok']).toBe(true);
    expect(slack.callsTo('auth.test').length).toBeGreaterThan(0); // Bolt resolved its bot identity from the fake

    const retry = await sendSignedEvent(eventsUrl, payload, {
      signingSecret: SIGNING_SECRET,
      retryNum: 1,
      retryReason: 'http_timeout',
    });
    expect(retry.status).toBe(200);
    expect(mentions.at(-1)?.retryNum).toBe(1);
  });

  it('rejects a bad signature and a stale timestamp with 401 and runs no listener', async () => {
    const before = mentions.length;
    const bad = await sendSignedEvent(eventsUrl, appMentionEvent(), {
      signingSecret: SIGNING_SECRET,
      badSignature: true,
    });
    const stale = await sendSignedEvent(eventsUrl, appMentionEvent(), { signingSecret: SIGNING_SECRET, stale: true });
    expect([bad.status, stale.status]).toEqual([401, 401]);
    expect(mentions.length).toBe(before);
  });

  it('answers url_verification and drops the app’s own messages while passing human ones', async () => {
    const challenge = await sendSignedEvent(eventsUrl, urlVerificationPayload('abc123'), {
      signingSecret: SIGNING_SECRET,
    });
    expect(challenge.status).toBe(200);
    expect(challenge.body).toContain('abc123');

    await sendSignedEvent(eventsUrl, botMessageEvent({ text: 'my own answer' }), { signingSecret: SIGNING_SECRET });
    await sendSignedEvent(eventsUrl, channelMessageEvent({ text: 'is checkout down?' }), {
      signingSecret: SIGNING_SECRET,
    });
    expect(channelMessages).toEqual(['is checkout down?']);
  });

  it('delivers form-encoded block_actions, view_submission and slash commands', async () => {
    const click = await sendSignedInteraction(
      eventsUrl,
      blockActionsPayload({ actionId: 'helpful', value: 'inv-42' }),
      { signingSecret: SIGNING_SECRET },
    );
    expect(click.status).toBe(200);
    expect(clicks).toEqual(['inv-42']);

    const values = { correction: { correction_input: plainTextValue('the limit is in values-prod.yaml') } };
    const submit = await sendSignedInteraction(
      eventsUrl,
      viewSubmissionPayload({ callbackId: 'correct_this', values, privateMetadata: 'inv-42' }),
      {
        signingSecret: SIGNING_SECRET,
      },
    );
    expect(submit.status).toBe(200);
    expect(submissions).toEqual([values]);

    const command = await sendSignedSlashCommand(eventsUrl, slashCommandFields({ text: 'status checkout-api' }), {
      signingSecret: SIGNING_SECRET,
    });
    expect(command.status).toBe(200);
    expect(JSON.parse(command.body)).toEqual({ response_type: 'ephemeral', text: 'looking into status checkout-api' });
  });
});
