import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSlack, type FakeSlack } from '../../../test/fakes/slack/index.js';
import type { CliIo } from '../command.js';
import { commands } from '../commands.js';
import { runCli } from '../run-cli.js';

function cliIo(env: Record<string, string>) {
  const stderr = new PassThrough();
  let text = '';
  stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
  let stop = () => {};
  const stopSignal = new Promise<void>((resolve) => (stop = resolve));
  const io: CliIo = { stdout: new PassThrough(), stderr, env, cwd: process.cwd(), stopSignal };
  return { io, stderr: () => text, stop: () => stop() };
}

let slack: FakeSlack;
let home: string;
beforeAll(async () => {
  slack = await startFakeSlack();
  home = mkdtempSync(join(tmpdir(), 'sre-bot-alerts-cli-'));
  writeFileSync(join(home, 'routes.yaml'), 'routes:\n  - match: { team: shop }\n    channel: C0SHOP00001\n');
});
afterAll(async () => {
  await slack.close();
  rmSync(home, { recursive: true, force: true });
});

describe('sre-bot alerts', () => {
  it('refuses to start without its settings and names every missing variable in one error', async () => {
    const { io, stderr } = cliIo({});
    expect(await runCli(['alerts'], commands, io)).not.toBe(0);
    expect(stderr()).toContain('invalid alerts configuration');
    expect(stderr()).toContain('SRE_BOT_ALERT_ROUTES_FILE is required');
    expect(stderr()).toContain(
      'SRE_BOT_ALERTMANAGER_TOKEN or SRE_BOT_ALERTMANAGER_BASIC_AUTH or SRE_BOT_PAGERDUTY_SECRETS',
    );
    expect(stderr()).toContain('SLACK_BOT_TOKEN');
    expect(stderr()).toContain('GATEWAY_URL is required');
  });

  it('serves the receiver on its own (in-process queue): refuses a wrong token, stores a resolved alert', async () => {
    const { io, stderr, stop } = cliIo({
      SRE_BOT_ALERT_ROUTES_FILE: join(home, 'routes.yaml'),
      SRE_BOT_ALERTMANAGER_BASIC_AUTH: 'alertmanager:basic-secret-123',
      SRE_BOT_ALERTS_PORT: '0',
      SRE_BOT_HOME: home,
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_API_URL: slack.apiUrl,
      GATEWAY_URL: 'http://127.0.0.1:9/mcp',
      GATEWAY_TOKEN: 'unused-in-this-test',
      LOG_LEVEL: 'silent',
      METRICS_PORT: '0',
    });
    const running = runCli(['alerts'], commands, io);
    let url = '';
    for (let tries = 0; tries < 400 && !url; tries += 1) {
      url = /listening on (http:\/\/\S+)\/alerts/.exec(stderr())?.[1] ?? '';
      if (!url) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(stderr()).toContain('in-process queue, worker in this process');
    const body = JSON.stringify({
      version: '4',
      groupKey: '{}:{alertname="Gone"}',
      status: 'resolved',
      alerts: [{ status: 'resolved', labels: { alertname: 'Gone', team: 'shop' }, fingerprint: 'c0ffee' }],
    });
    const basic = (credentials: string) => `Basic ${Buffer.from(credentials).toString('base64')}`;
    const post = (authorization: string) =>
      fetch(`${url}/alerts/alertmanager`, { method: 'POST', headers: { authorization }, body });
    const refused = await post(basic('alertmanager:wrong'));
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toBe('Basic realm="sre-bot alerts"');
    const stored = await post(basic('alertmanager:basic-secret-123'));
    expect(await stored.json()).toEqual({
      received: 1,
      alerts: [{ fingerprint: 'c0ffee', action: 'stored', channel: 'C0SHOP00001' }],
    });
    stop();
    expect(await running).toBe(0);
  });
});
