import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  appMentionEvent,
  FAKE_WORKSPACE,
  sendSignedEvent,
  startFakeSlack,
  type FakeSlack,
} from '../../../test/fakes/slack/index.js';
import type { CliIo } from '../command.js';
import { commands } from '../commands.js';
import { runCli } from '../run-cli.js';

function cliIo(env: Record<string, string>): { io: CliIo; stderr: () => string; stop: () => void } {
  const stderr = new PassThrough();
  let text = '';
  stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
  let stop = () => {};
  const stopSignal = new Promise<void>((resolve) => (stop = resolve));
  return {
    io: { stdout: new PassThrough(), stderr, env, cwd: process.cwd(), stopSignal },
    stderr: () => text,
    stop: () => stop(),
  };
}

let slack: FakeSlack;
let home: string;
beforeAll(async () => {
  slack = await startFakeSlack();
  home = mkdtempSync(join(tmpdir(), 'sre-bot-slack-cli-'));
});
afterAll(async () => {
  await slack.close();
  rmSync(home, { recursive: true, force: true });
});

describe('sre-bot slack / worker', () => {
  it('refuses to start without its secrets and names every missing variable', async () => {
    const { io, stderr } = cliIo({});
    expect(await runCli(['slack'], commands, io)).not.toBe(0);
    expect(stderr()).toMatch(/SLACK_BOT_TOKEN is required/);
    expect(stderr()).toMatch(/SLACK_SIGNING_SECRET is required in HTTP mode/);
  });

  it('refuses a separate worker without Redis and says what to run instead', async () => {
    const { io, stderr } = cliIo({ SLACK_BOT_TOKEN: 'xoxb-1' });
    expect(await runCli(['worker'], commands, io)).not.toBe(0);
    expect(stderr()).toMatch(
      /REDIS_URL is required for a separate worker.*sre-bot slack` runs the worker in the same process/,
    );
  });

  it('names METRICS_PORT=99999 with every other bad variable in one config error before listening', async () => {
    const { io, stderr } = cliIo({
      SLACK_BOT_TOKEN: 'xoxb-1',
      METRICS_PORT: '99999',
      REDIS_URL: 'redis://127.0.0.1:9',
    });
    expect(await runCli(['worker'], commands, io)).not.toBe(0);
    expect(stderr()).toMatch(
      /invalid worker configuration: .*METRICS_PORT must be a port number.*GATEWAY_URL is required/,
    );
  });

  it('serves signed events and, without Redis, runs the worker in-process (status posted in the thread)', async () => {
    const { io, stderr, stop } = cliIo({
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_SIGNING_SECRET: 'cli-secret',
      SLACK_API_URL: slack.apiUrl,
      SRE_BOT_HOME: home,
      // Nothing listens here: the investigation fails and is retried; this test is about wiring.
      GATEWAY_URL: 'http://127.0.0.1:9/mcp',
      GATEWAY_TOKEN: 'test-token',
      LOG_LEVEL: 'silent',
    });
    const exit = runCli(['slack', '--port', '0', '--host', '127.0.0.1'], commands, io);
    let url = '';
    // Generous: on a loaded machine the role takes a while to open PGlite and start listening.
    for (let tries = 0; tries < 1_200 && !url; tries += 1) {
      url = /listening on (\S+\/slack\/events)/.exec(stderr())?.[1] ?? '';
      if (!url) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(stderr()).toContain('in-process queue, worker in this process');
    const payload = appMentionEvent({ text: `<@${FAKE_WORKSPACE.botUserId}> why is checkout failing?` });
    slack.addMessage(FAKE_WORKSPACE.channelId, { text: 'why is checkout failing?', ts: String(payload.event['ts']) });
    expect((await sendSignedEvent(url, payload, { signingSecret: 'cli-secret' })).status).toBe(200);
    const status = await slack.waitForCall('chat.postMessage', {
      where: (call) => call.args['thread_ts'] === payload.event['ts'],
      timeoutMs: 60_000,
    });
    expect(status.args['text']).toBe(':mag: Looking into it…');
    stop();
    expect(await exit).toBe(0);
  }, 150_000);
});
