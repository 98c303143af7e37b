import { ErrorCode, WebClient, WebClientEvent, type WebAPIPlatformError } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_WORKSPACE, startFakeSlack, type FakeSlack } from './index.js';

const CHANNEL = FAKE_WORKSPACE.channelId;
const DM = FAKE_WORKSPACE.dmChannelId;

let slack: FakeSlack;
let client: WebClient;

function clientWith(token: string | undefined, retries = 0): WebClient {
  return new WebClient(token, {
    slackApiUrl: slack.apiUrl,
    retryConfig: { retries, factor: 1, minTimeout: 5, maxTimeout: 5 },
  });
}

async function platformError(call: Promise<unknown>): Promise<WebAPIPlatformError> {
  const error = (await call.catch((caught: unknown) => caught)) as WebAPIPlatformError;
  expect(error.code).toBe(ErrorCode.PlatformError);
  return error;
}

beforeAll(async () => {
  slack = await startFakeSlack();
  client = clientWith(slack.botToken);
});
afterAll(async () => {
  await slack.close();
});

describe('fake Slack Web API with the real WebClient', () => {
  it('checks the bearer token and answers auth.test with the bot identity', async () => {
    const identity = await client.auth.test();
    expect(identity).toMatchObject({
      ok: true,
      user_id: FAKE_WORKSPACE.botUserId,
      bot_id: FAKE_WORKSPACE.botId,
      team_id: FAKE_WORKSPACE.teamId,
    });
    expect((await platformError(clientWith('xoxb-wrong').auth.test())).data.error).toBe('invalid_auth');
    expect((await platformError(clientWith(undefined).auth.test())).data.error).toBe('not_authed');
    expect(slack.callsTo('auth.test').at(-1)?.contentType).toBe('application/x-www-form-urlencoded');
  });

  it('posts into a thread, updates in place, and returns the thread from conversations.replies', async () => {
    const parent = slack.addMessage(CHANNEL, {
      text: `<@${FAKE_WORKSPACE.botUserId}> why is checkout-api crashlooping?`,
    });
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: ':hourglass: investigating…' } }];
    const posted = await client.chat.postMessage({
      channel: CHANNEL,
      thread_ts: parent.ts,
      text: 'investigating…',
      blocks,
    });
    expect(posted).toMatchObject({
      ok: true,
      channel: CHANNEL,
      message: { bot_id: FAKE_WORKSPACE.botId, thread_ts: parent.ts, parent_user_id: FAKE_WORKSPACE.humanUserId },
    });
    expect(posted.ts).toMatch(/^\d{10}\.\d{6}$/);
    // decoded from the form's JSON string
    expect(slack.callsTo('chat.postMessage').at(-1)?.args['blocks']).toEqual(blocks);

    const updated = await client.chat.update({ channel: CHANNEL, ts: posted.ts ?? '', text: 'Root cause: OOMKilled' });
    expect(updated).toMatchObject({
      ok: true,
      ts: posted.ts,
      text: 'Root cause: OOMKilled',
      message: { edited: { user: FAKE_WORKSPACE.botId } },
    });

    const replies = await client.conversations.replies({ channel: CHANNEL, ts: parent.ts });
    expect(replies.messages?.map((message) => message.text)).toEqual([parent.text, 'Root cause: OOMKilled']);
    expect(replies.messages?.[0]).toMatchObject({
      reply_count: 1,
      latest_reply: posted.ts,
      reply_users: [FAKE_WORKSPACE.botUserId],
    });

    const page = await client.conversations.replies({ channel: CHANNEL, ts: parent.ts, limit: 1 });
    expect(page.has_more).toBe(true);
    const next = await client.conversations.replies({
      channel: CHANNEL,
      ts: parent.ts,
      limit: 1,
      cursor: page.response_metadata?.next_cursor ?? '',
    });
    expect(next.messages?.[0]?.ts).toBe(posted.ts);

    expect((await platformError(client.chat.update({ channel: CHANNEL, ts: parent.ts, text: 'x' }))).data.error).toBe(
      'cant_update_message',
    );
    expect((await platformError(client.conversations.replies({ channel: CHANNEL, ts: '1.000001' }))).data.error).toBe(
      'thread_not_found',
    );
    expect((await platformError(client.chat.postMessage({ channel: 'C0NOPE00001', text: 'x' }))).data.error).toBe(
      'channel_not_found',
    );
  });

  it('waits out a 429 with Retry-After using the client retry config, posting once', async () => {
    slack.rateLimit('chat.postMessage', { retryAfterSeconds: 1 });
    const retryClient = clientWith(slack.botToken, 2);
    const waits: number[] = [];
    retryClient.on(WebClientEvent.RATE_LIMITED, (seconds: number) => waits.push(seconds));
    const before = slack.messages(CHANNEL).length;
    const posted = await retryClient.chat.postMessage({ channel: CHANNEL, text: 'after the rate limit' });
    expect(posted.ok).toBe(true);
    expect(waits).toEqual([1]);
    expect(
      slack
        .callsTo('chat.postMessage')
        .slice(-2)
        .map((call) => [call.status, call.response['error']]),
    ).toEqual([
      [429, 'ratelimited'],
      [200, undefined],
    ]);
    expect(slack.messages(CHANNEL).length - before).toBe(1);
  });

  it('streams an answer with chat.startStream/appendStream/stopStream through the SDK helper', async () => {
    const threadTs = slack.addMessage(DM, { text: 'why is checkout-api down?' }).ts;
    const streamer = client.chatStream({ channel: DM, thread_ts: threadTs, buffer_size: 1 });
    await streamer.append({ markdown_text: '*Root cause:* ' });
    await streamer.append({ markdown_text: 'memory limit 512Mi' });
    const stopped = await streamer.stop({ markdown_text: '.' });
    expect(stopped).toMatchObject({
      ok: true,
      message: { streaming_state: 'completed', text: '*Root cause:* memory limit 512Mi.' },
    });
    expect(slack.calls.slice(-3).map((call) => call.method)).toEqual([
      'chat.startStream',
      'chat.appendStream',
      'chat.stopStream',
    ]);

    const outsideDm = client.chat.startStream({ channel: CHANNEL, thread_ts: threadTs, markdown_text: 'x' });
    expect((await platformError(outsideDm)).data.error).toBe('invalid_arguments');
    const started = await client.chat.startStream({
      channel: CHANNEL,
      thread_ts: threadTs,
      recipient_team_id: FAKE_WORKSPACE.teamId,
      recipient_user_id: FAKE_WORKSPACE.humanUserId,
    });
    await client.chat.stopStream({ channel: CHANNEL, ts: started.ts ?? '' });
    expect(
      (await platformError(client.chat.appendStream({ channel: CHANNEL, ts: started.ts ?? '', markdown_text: 'late' })))
        .data.error,
    ).toBe('message_not_in_streaming_state');
  });

  it('records assistant thread status, prompts and title', async () => {
    const threadTs = '1730000500.000600';
    await client.assistant.threads.setStatus({ channel_id: DM, thread_ts: threadTs, status: 'is checking Argo CD…' });
    await client.assistant.threads.setStatus({ channel_id: DM, thread_ts: threadTs, status: '' });
    await client.assistant.threads.setSuggestedPrompts({
      channel_id: DM,
      thread_ts: threadTs,
      title: 'Try',
      prompts: [{ title: 'Why?', message: 'Why is checkout down?' }],
    });
    await client.assistant.threads.setTitle({ channel_id: DM, thread_ts: threadTs, title: 'checkout-api crashloop' });
    expect(slack.state.assistantThread(DM, threadTs)).toEqual({
      statuses: ['is checking Argo CD…', ''],
      suggestedPrompts: [{ title: 'Try', prompts: [{ title: 'Why?', message: 'Why is checkout down?' }] }],
      titles: ['checkout-api crashloop'],
    });
  });

  it('opens, updates and publishes views with Slack schema errors', async () => {
    const modal = {
      type: 'modal' as const,
      callback_id: 'correct_this',
      title: { type: 'plain_text' as const, text: 'Correct this' },
      blocks: [],
    };
    const opened = await client.views.open({ trigger_id: '123.456.abc', view: modal });
    expect(opened.view).toMatchObject({
      type: 'modal',
      callback_id: 'correct_this',
      app_id: FAKE_WORKSPACE.appId,
      state: { values: {} },
    });
    expect(opened.view?.id).toBe(opened.view?.root_view_id);
    const updated = await client.views.update({
      view_id: opened.view?.id ?? '',
      hash: opened.view?.hash ?? '',
      view: { ...modal, private_metadata: 'inv-1' },
    });
    expect(updated.view).toMatchObject({ id: opened.view?.id, private_metadata: 'inv-1' });
    const stale = client.views.update({ view_id: opened.view?.id ?? '', hash: opened.view?.hash ?? '', view: modal });
    expect((await platformError(stale)).data.error).toBe('hash_conflict');

    const missingTrigger = await platformError(client.views.open({ trigger_id: '', view: modal }));
    expect(missingTrigger.data).toMatchObject({
      error: 'invalid_arguments',
      response_metadata: { messages: ['invalid `trigger_id`'] },
    });

    const home = {
      type: 'home' as const,
      blocks: [{ type: 'section' as const, text: { type: 'mrkdwn' as const, text: 'Recent investigations' } }],
    };
    await client.views.publish({ user_id: FAKE_WORKSPACE.humanUserId, view: home });
    expect(slack.state.homeViews.get(FAKE_WORKSPACE.humanUserId)?.['blocks']).toEqual(home.blocks);
  });

  it('handles reactions, ephemerals, deletes, lookups, JSON bodies and injected errors', async () => {
    const parent = slack.addMessage(CHANNEL, { text: 'help' });
    await client.reactions.add({ channel: CHANNEL, timestamp: parent.ts, name: 'eyes' });
    expect(
      (await platformError(client.reactions.add({ channel: CHANNEL, timestamp: parent.ts, name: 'eyes' }))).data.error,
    ).toBe('already_reacted');
    expect(slack.state.findMessage(CHANNEL, parent.ts)?.['reactions']).toEqual([
      { name: 'eyes', users: [FAKE_WORKSPACE.botUserId], count: 1 },
    ]);

    const ephemeral = await client.chat.postEphemeral({
      channel: CHANNEL,
      user: FAKE_WORKSPACE.humanUserId,
      text: 'only you',
    });
    expect(ephemeral.message_ts).toMatch(/^\d+\.\d{6}$/);
    const posted = await client.chat.postMessage({ channel: CHANNEL, text: 'to delete' });
    await client.chat.delete({ channel: CHANNEL, ts: posted.ts ?? '' });
    expect(slack.state.findMessage(CHANNEL, posted.ts ?? '')).toBeUndefined();

    expect((await client.users.info({ user: FAKE_WORKSPACE.humanUserId })).user?.name).toBe('alice');
    expect((await platformError(client.users.info({ user: 'U0NOBODY001' }))).data.error).toBe('user_not_found');
    expect((await client.conversations.info({ channel: DM })).channel?.is_im).toBe(true);

    const viaJson = await fetch(`${slack.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { authorization: `Bearer ${slack.botToken}`, 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ channel: CHANNEL, text: 'sent as JSON', blocks: [{ type: 'divider' }] }),
    });
    expect(await viaJson.json()).toMatchObject({
      ok: true,
      message: { text: 'sent as JSON', blocks: [{ type: 'divider' }] },
    });
    expect(viaJson.headers.get('x-slack-req-id')).toMatch(/^[0-9a-f]{32}$/);

    const toUser = await client.chat.postMessage({ channel: FAKE_WORKSPACE.humanUserId, text: 'DM by user id' });
    expect(toUser.channel).toBe(DM);

    slack.failNext('chat.postMessage', 'msg_too_long');
    expect((await platformError(client.chat.postMessage({ channel: CHANNEL, text: 'x' }))).data.error).toBe(
      'msg_too_long',
    );
    slack.failNext('chat.postMessage', 'internal_error', { status: 503 });
    const httpError = (await client.chat
      .postMessage({ channel: CHANNEL, text: 'x' })
      .catch((error: unknown) => error)) as { code?: string; statusCode?: number };
    expect(httpError).toMatchObject({ code: ErrorCode.HTTPError, statusCode: 503 });
    expect((await platformError(client.apiCall('not.a.method'))).data.error).toBe('unknown_method');
  });
});
