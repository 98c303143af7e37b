/**
 * What an operator scrapes from the other long-running roles after one investigation: the real
 * `sre-bot slack` role (HTTP events, its worker in the same process, METRICS_PORT set) answers one
 * signed mention from the sandbox estate in deterministic triage, and its /metrics then lists the
 * investigation by outcome and mode, tool calls by tool, instance and outcome with their duration
 * histogram, and the standard process metrics. Each MCP server behind the gateway serves its own
 * /metrics over HTTP, beside /mcp, with the calls that investigation made.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../../bot/cli/commands.js';
import { runCli } from '../../bot/cli/run-cli.js';
import { startGatewayOverSandbox, type SandboxGateway } from '../../evaluators/sandbox/with-gateway.js';
import { startSandbox, type RunningSandbox } from '../../evaluators/sandbox/start-sandbox.js';
import {
  appMentionEvent,
  FAKE_WORKSPACE,
  sendSignedEvent,
  startFakeSlack,
  type FakeSlack,
} from '../fakes/slack/index.js';
import { bundledScenario, repositoryRoot } from '../support/pipeline.js';
import { freePort } from '../support/ports.js';

const SIGNING_SECRET = 'slack-metrics-secret';

let sandbox: RunningSandbox;
let gateway: SandboxGateway;
let slack: FakeSlack;
let home: string;
let stop: () => void;
let exit: Promise<number>;
let eventsUrl = '';
let metricsUrl = '';
let stderr = '';

/** The value of one sample (`name{labels} value`) whose labels include `labels`, if any. */
function sample(metrics: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of metrics.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (!Object.entries(labels).every(([key, value]) => line.includes(`${key}="${value}"`))) continue;
    return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}; role output:\n${stderr}`);
}

beforeAll(async () => {
  sandbox = await startSandbox({ scenario: await bundledScenario('missing-image-tag') });
  gateway = await startGatewayOverSandbox(sandbox, { healthCheckIntervalMs: 0 });
  slack = await startFakeSlack();
  home = mkdtempSync(join(tmpdir(), 'sre-bot-slack-metrics-'));
  const port = await freePort();
  metricsUrl = `http://127.0.0.1:${port}/metrics`;
  const errors = new PassThrough();
  errors.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const stopSignal = new Promise<void>((resolve) => (stop = resolve));
  exit = runCli(['slack', '--port', '0', '--host', '127.0.0.1'], commands, {
    stdout: new PassThrough(),
    stderr: errors,
    env: {
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
      SRE_BOT_HOME: home,
      GATEWAY_URL: gateway.gateway.url,
      GATEWAY_TOKEN: gateway.gateway.token,
      METRICS_PORT: String(port),
      LOG_LEVEL: 'warn',
    },
    cwd: repositoryRoot,
    stopSignal,
  });
  eventsUrl = await waitFor('the slack role to listen', async () => {
    const url = /listening on (\S+\/slack\/events)/.exec(stderr)?.[1];
    return url ?? undefined;
  });
}, 120_000);

afterAll(async () => {
  stop?.();
  await exit;
  await slack?.close();
  await gateway?.close();
  await sandbox?.close();
  if (home) rmSync(home, { recursive: true, force: true });
});

describe('/metrics of the slack role and of the MCP servers after one investigation', () => {
  let metrics: string;

  beforeAll(async () => {
    const question = 'why is checkout failing in prod-eu?';
    const payload = appMentionEvent({ text: `<@${FAKE_WORKSPACE.botUserId}> ${question}` });
    slack.addMessage(FAKE_WORKSPACE.channelId, { text: question, ts: String(payload.event['ts']) });
    expect((await sendSignedEvent(eventsUrl, payload, { signingSecret: SIGNING_SECRET })).status).toBe(200);
    metrics = await waitFor('one answered investigation in the metrics', async () => {
      const text = await (await fetch(metricsUrl)).text();
      return sample(text, 'sre_bot_investigations_total', { outcome: 'answered' }) ? text : undefined;
    });
  }, 90_000);

  it('counts the investigation by outcome and mode, with its duration', () => {
    expect(sample(metrics, 'sre_bot_investigations_total', { outcome: 'answered', mode: 'triage' })).toBe(1);
    expect(sample(metrics, 'sre_bot_investigation_duration_seconds_count', { mode: 'triage' })).toBe(1);
  });

  it('counts tool calls by tool, instance and outcome, with a duration histogram', () => {
    expect(sample(metrics, 'sre_bot_tool_calls_total', { tool: 'describe_workload', outcome: 'ok' })).toBeGreaterThan(
      0,
    );
    expect(sample(metrics, 'sre_bot_tool_call_duration_seconds_count', { tool: 'describe_workload' })).toBeGreaterThan(
      0,
    );
  });

  it('serves the standard process metrics under their usual names', () => {
    for (const name of ['process_cpu_seconds_total', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_seconds'])
      expect(sample(metrics, name), name).toBeGreaterThanOrEqual(0);
  });

  it('lets each MCP server serve its own call counts on /metrics over HTTP', async () => {
    const kubernetes = gateway.upstreams.find((upstream) => upstream.kind === 'kubernetes');
    expect(kubernetes).toBeDefined();
    const text = await (await fetch(new URL('/metrics', kubernetes?.url))).text();
    expect(
      sample(text, 'sre_bot_mcp_tool_calls_total', { tool: 'describe_workload', outcome: 'ok' }),
    ).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'process_cpu_seconds_total')).toBeGreaterThanOrEqual(0);
  });
});
