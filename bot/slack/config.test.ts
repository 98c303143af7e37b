import { describe, expect, it } from 'vitest';
import { loadWorkerConfig } from './worker-config.js';
import { parseChannelConfig } from './channel-config.js';
import { DEFAULT_SLACK_API_URL, loadSlackConfig } from './config.js';
import { questionFrom } from './message-text.js';

describe('Slack configuration', () => {
  it('names every missing variable in one error, with where to find it', () => {
    expect(() => loadSlackConfig({})).toThrow(
      /SLACK_BOT_TOKEN is required.*SLACK_SIGNING_SECRET is required in HTTP mode \(Basic Information → App Credentials → Signing Secret\)/,
    );
  });

  it('chooses Socket Mode when an app token is given and defaults the API URL to Slack', () => {
    const config = loadSlackConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' });
    expect(config.mode).toBe('socket');
    expect(config.SLACK_API_URL).toBe(DEFAULT_SLACK_API_URL);
    expect(() => loadSlackConfig({ SLACK_BOT_TOKEN: 'xoxp-user', SLACK_MODE: 'socket' })).toThrow(
      /SLACK_BOT_TOKEN must be a bot token starting with xoxb-.*SLACK_APP_TOKEN is required in Socket Mode/,
    );
  });

  it('validates the worker variables', () => {
    expect(() =>
      loadWorkerConfig({ SLACK_BOT_TOKEN: 'xoxb-1', WORKER_CONCURRENCY: '0', SLACK_STREAMING: 'maybe' }),
    ).toThrow(
      /SLACK_STREAMING must be true or false.*WORKER_CONCURRENCY must be at least 1|WORKER_CONCURRENCY must be at least 1.*SLACK_STREAMING must be true or false/,
    );
    expect(loadWorkerConfig({ SLACK_BOT_TOKEN: 'xoxb-1' })).toMatchObject({
      SLACK_STREAMING: true,
      WORKER_CONCURRENCY: 4,
      SLACK_STATUS_INTERVAL_MS: 1000,
    });
  });
});

describe('channel configuration', () => {
  it('reads channels with defaults and gateway principals', () => {
    const channels = parseChannelConfig(
      'channels:\n  - id: C0123456789\n    team: payments\n    defaults: { cluster: prod-eu-1, namespace: ' +
        'payments }\n    gateway: { principal: team-payments, tokenEnv: GATEWAY_TOKEN_PAYMENTS }\n',
      'channels.yaml',
    );
    expect(channels.get('C0123456789')?.respond).toBe('all');
    expect(channels.defaultsFor('C0123456789')).toEqual({ cluster: 'prod-eu-1', namespace: 'payments' });
    expect(channels.defaultsFor('C0UNKNOWN00')).toEqual({});
    expect(channels.tokenEnvFor('team-payments')).toBe('GATEWAY_TOKEN_PAYMENTS');
  });

  it('says which entry is wrong and how to fix it', () => {
    expect(() =>
      parseChannelConfig('channels:\n  - id: incidents\n    team: sre\n    colour: red\n', 'channels.yaml'),
    ).toThrow(/channels.yaml: channels.0.id must be a Slack channel id like C0123456789.*Unrecognized key.*colour/);
    expect(() =>
      parseChannelConfig('channels:\n  - { id: C0123456789, team: a }\n  - { id: C0123456789, team: b }\n', 'c.yaml'),
    ).toThrow(/listed twice/);
  });
});

describe('question text', () => {
  it('strips the bot mention anywhere and undoes Slack escaping', () => {
    expect(questionFrom('<@U0BOT000001> why is  a &lt;b&gt; &amp; c?', 'U0BOT000001')).toBe('why is a <b> & c?');
    expect(questionFrom('hey <@U0BOT000001|sre-bot>: is checkout down', 'U0BOT000001')).toBe('hey is checkout down');
    expect(questionFrom('<@U0BOT000001>', 'U0BOT000001')).toBe('');
  });
});

describe('deploy/slack-app-manifest.yaml', () => {
  it('subscribes to exactly the events the listeners handle', async () => {
    const { readFileSync } = await import('node:fs');
    const { parse } = await import('yaml');
    const { join } = await import('node:path');
    const { packageRoot } = await import('../package-root.js');
    const manifest = parse(readFileSync(join(packageRoot(), 'deploy/slack-app-manifest.yaml'), 'utf8')) as {
      settings: { event_subscriptions: { bot_events: string[] } };
      features: { slash_commands: Array<{ command: string }> };
    };
    const sources = ['event-listeners.ts', 'app-home.ts']
      .map((file) => readFileSync(join(packageRoot(), 'bot/slack', file), 'utf8'))
      .join('\n');
    const handled = [...sources.matchAll(/app\.event\('([a-z_]+)'/g)].map((match) => match[1] ?? '');
    // One `message` listener covers public and private channels and DMs.
    const expected = handled.flatMap((event) =>
      event === 'message' ? ['message.channels', 'message.groups', 'message.im'] : [event],
    );
    expect([...manifest.settings.event_subscriptions.bot_events].sort()).toEqual(expected.sort());
    expect(manifest.features.slash_commands.map((command) => command.command)).toEqual(['/sre']);
  });
});
