/**
 * The fake's payloads and responses against the Slack samples in test/fixtures/slack: every key a
 * sample has must be present (for assembled samples, and no extra keys either).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  appHomeOpenedEvent,
  appMentionEvent,
  assistantThreadStartedEvent,
  blockActionsPayload,
  botMessageEvent,
  channelMessageEvent,
  FAKE_WORKSPACE,
  imMessageEvent,
  plainTextValue,
  slashCommandFields,
  startFakeSlack,
  viewSubmissionPayload,
  type FakeSlack,
} from './index.js';

const SPECS = fileURLToPath(new URL('../../fixtures/slack/', import.meta.url));

function sample(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(`${SPECS}${path}`, 'utf8')) as Record<string, unknown>;
}

/** Key paths of `value` (objects recursively, arrays through their first element). */
function keyPaths(value: unknown, prefix = ''): string[] {
  if (Array.isArray(value)) return value.length > 0 ? keyPaths(value[0], `${prefix}[].`) : [];
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, child]) => [`${prefix}${key}`, ...keyPaths(child, `${prefix}${key}.`)]);
}

/** Keys the sample has and `actual` lacks, and keys `actual` has beyond the sample. */
function shapeDiff(actual: unknown, expected: unknown): { missing: string[]; extra: string[] } {
  const actualKeys = new Set(keyPaths(actual));
  const expectedKeys = new Set(keyPaths(expected));
  return {
    missing: [...expectedKeys].filter((key) => !actualKeys.has(key)),
    extra: [...actualKeys].filter((key) => !expectedKeys.has(key)),
  };
}

describe('fake Slack against the Slack samples in test/fixtures', () => {
  let slack: FakeSlack;
  let client: WebClient;
  beforeAll(async () => {
    slack = await startFakeSlack();
    client = new WebClient(slack.botToken, { slackApiUrl: slack.apiUrl });
  });
  afterAll(async () => {
    await slack.close();
  });

  it('builds events with exactly the keys of the assembled samples', () => {
    expect(shapeDiff(appMentionEvent(), sample('events/event_callback.app_mention.json'))).toEqual({
      missing: [],
      extra: [],
    });
    expect(
      shapeDiff(
        appMentionEvent({ threadTs: '1730000000.000100' }),
        sample('events/event_callback.app_mention.in_thread.json'),
      ),
    ).toEqual({ missing: [], extra: [] });
    expect(
      shapeDiff(assistantThreadStartedEvent(), sample('events/event_callback.assistant_thread_started.json')),
    ).toEqual({ missing: [], extra: [] });
  });

  it('builds events carrying every key of the real captures', () => {
    const captured = (path: string): unknown => sample(path)['event'];
    expect(
      shapeDiff(channelMessageEvent().event, captured('events/event_callback.message.channel.json')).missing,
    ).toEqual([]);
    expect(shapeDiff(imMessageEvent().event, captured('events/event_callback.message.im.json')).missing).toEqual([]);
    expect(
      shapeDiff(
        botMessageEvent({ threadTs: '1.000001' }).event,
        captured('events/event_callback.message.from_app_bot_in_thread.json'),
      ).missing,
    ).toEqual([]);
    const otherBot = shapeDiff(
      botMessageEvent({ style: 'bot_message' }).event,
      captured('events/event_callback.message.subtype_bot_message.json'),
    );
    expect(otherBot.missing.filter((key) => !key.startsWith('blocks.'))).toEqual([]); // the capture's text is a link
    expect(
      shapeDiff(
        appHomeOpenedEvent({ tab: 'messages' }).event,
        captured('events/event_callback.app_home_opened.messages_tab.json'),
      ).missing,
    ).toEqual([]);
    expect(imMessageEvent().event['channel_type']).toBe('im');
  });

  it('builds interactions and slash commands with the keys of the samples', () => {
    const click = blockActionsPayload({
      actionId: 'restart_deployment',
      value: 'prod/checkout-api',
      message: { ts: '1730000010.000200', thread_ts: '1730000000.000100' },
    });
    const expectedClick = sample('interactivity/block_actions.button.json');
    expect(
      shapeDiff(click, expectedClick).missing.filter(
        (key) => !key.startsWith('message.') && key !== 'actions.[].style',
      ),
    ).toEqual([]);
    const submit = viewSubmissionPayload({
      callbackId: 'open_incident',
      values: { service: { service_input: plainTextValue('checkout-api') } },
    });
    expect(
      shapeDiff(submit, sample('interactivity/view_submission.json')).missing.filter(
        (key) => !/^view\.(state\.values|blocks)\./.test(key),
      ),
    ).toEqual([]);
    expect(Object.keys(slashCommandFields())).toEqual(Object.keys(sample('slash-commands/slash_command.decoded.json')));
  });

  it('answers Web API methods with the keys of the recorded responses', async () => {
    const parent = slack.addMessage(FAKE_WORKSPACE.channelId, { text: 'help' });
    const posted = await client.chat.postMessage({
      channel: FAKE_WORKSPACE.channelId,
      thread_ts: parent.ts,
      text: 'x',
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'x', verbatim: false } }],
    });
    expect(shapeDiff(posted, sample('web-api/chat.postMessage.modern.json'))).toMatchObject({ missing: [] });
    const updated = await client.chat.update({
      channel: FAKE_WORKSPACE.channelId,
      ts: posted.ts ?? '',
      text: 'y',
      blocks: [{ type: 'divider' }],
    });
    expect(
      shapeDiff(updated, sample('web-api/chat.update.json')).missing.filter(
        (key) => !key.startsWith('message.blocks.[].'),
      ),
    ).toEqual([]);
    const identity = await client.auth.test();
    expect(shapeDiff(identity, sample('web-api/auth.test.json')).missing).toEqual([]);
    expect(identity.response_metadata?.scopes).toContain('chat:write'); // the WebClient read X-OAuth-Scopes
    expect(
      shapeDiff(await client.users.info({ user: FAKE_WORKSPACE.humanUserId }), sample('web-api/users.info.json'))
        .missing,
    ).toEqual([]);
    const channel = await client.conversations.info({ channel: FAKE_WORKSPACE.channelId });
    expect(
      shapeDiff(channel, sample('web-api/conversations.info.channel.json')).missing.filter(
        (key) => !/last_read|properties/.test(key),
      ),
    ).toEqual([]);
    const view = await client.views.open({
      trigger_id: '1.2.3',
      view: {
        type: 'modal',
        title: { type: 'plain_text', text: 't' },
        submit: { type: 'plain_text', text: 'Save' },
        blocks: [],
      },
    });
    expect(
      shapeDiff(view, sample('web-api/views.open.json')).missing.filter((key) => !key.startsWith('view.blocks.[].')),
    ).toEqual([]);

    const started = await client.chat.startStream({
      channel: FAKE_WORKSPACE.dmChannelId,
      thread_ts: '1730000500.000600',
      markdown_text: 'a',
    });
    expect(shapeDiff(started, sample('web-api/chat.startStream.json')).missing).toEqual([]);
    const stopped = await client.chat.stopStream({ channel: FAKE_WORKSPACE.dmChannelId, ts: started.ts ?? '' });
    expect(
      shapeDiff(stopped, sample('web-api/chat.stopStream.json')).missing.filter(
        (key) => key !== 'message.parent_user_id',
      ),
    ).toEqual([]);
  });
});
