/**
 * What an operator scrapes after one investigation: the real `sre-bot worker` role (as the
 * Deployment runs it, METRICS_PORT set) takes one job from Redis, investigates the sandbox estate
 * through the MCP gateway with a scripted model whose primary is overloaded, answers in the fake
 * Slack, and its /metrics then lists investigations by outcome and mode, tool calls by tool,
 * instance and outcome, duration histograms, tokens and cost by model, the model fallback, queue
 * depth and age, Slack API errors and the standard process metrics, each with a value. The MCP servers
 * behind the gateway expose their own call counts on /metrics too.
 */
import { randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../../bot/cli/commands.js';
import { runCli } from '../../bot/cli/run-cli.js';
import { createBullmqQueue } from '../../bot/queue/bullmq-queue.js';
import type { JobQueue } from '../../bot/queue/queue.js';
import { INVESTIGATION_QUEUE, type SlackInvestigationJob } from '../../bot/slack/investigation-job.js';
import { createStore } from '../../bot/store/store.js';
import { openScenarioEstate, type ScenarioEstate } from '../../evaluators/runner/scenario-estate.js';
import { toolMetricsRegistry } from '../../mcp-servers/common/tool-metrics.js';
import { anthropicSteps, startFakeAnthropic, type FakeAnthropic } from '../fakes/anthropic/index.js';
import { FAKE_WORKSPACE, startFakeSlack, type FakeSlack } from '../fakes/slack/index.js';
import { createPostgresTestDatabase, type TestDatabase } from '../support/databases.js';
import { bundledScenario, repositoryRoot } from '../support/pipeline.js';
import { freePort } from '../support/ports.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const PRIMARY = 'claude-primary';
const FALLBACK = 'claude-fallback';

let estate: ScenarioEstate;
let testDb: TestDatabase;
let slack: FakeSlack;
let anthropic: FakeAnthropic;
let queue: JobQueue<SlackInvestigationJob>;
let stop: () => void;
let exit: Promise<number>;
let metricsUrl: string;
let stderr = '';

async function waitFor<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}; worker stderr:\n${stderr}`);
}

/** The value of one sample (`name{labels} value`) whose labels include every given pair. */
function sample(metrics: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of metrics.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (!Object.entries(labels).every(([key, value]) => line.includes(`${key}="${value}"`))) continue;
    return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

beforeAll(async () => {
  estate = await openScenarioEstate(await bundledScenario('missing-image-tag'));
  testDb = await createPostgresTestDatabase();
  slack = await startFakeSlack();
  anthropic = await startFakeAnthropic();
  const port = await freePort();
  metricsUrl = `http://127.0.0.1:${port}/metrics`;
  const prefix = `metrics-${randomUUID().slice(0, 8)}`;
  const env = {
    REDIS_URL,
    QUEUE_PREFIX: prefix,
    DATABASE_URL: testDb.url,
    GATEWAY_URL: estate.gateway.url,
    GATEWAY_TOKEN: estate.gateway.token,
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_API_URL: slack.apiUrl,
    ANTHROPIC_API_KEY: 'metrics-test',
    ANTHROPIC_BASE_URL: anthropic.url,
    SRE_BOT_MODELS: `${PRIMARY},${FALLBACK}`,
    SRE_BOT_MODEL_RETRIES: '0',
    SRE_BOT_MODEL_PRICES: JSON.stringify({ [FALLBACK]: { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 } }),
    METRICS_PORT: String(port),
    LOG_LEVEL: 'warn',
  };
  const stopSignal = new Promise<void>((resolve) => (stop = resolve));
  const errors = new PassThrough();
  errors.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  exit = runCli(['worker'], commands, {
    stdout: new PassThrough(),
    stderr: errors,
    env,
    cwd: repositoryRoot,
    stopSignal,
  });
  await waitFor('the worker metrics endpoint', () =>
    fetch(metricsUrl).then(
      (response) => (response.ok ? true : undefined),
      () => undefined,
    ),
  );
  queue = createBullmqQueue<SlackInvestigationJob>(INVESTIGATION_QUEUE, { redisUrl: REDIS_URL, prefix });
}, 120_000);

afterAll(async () => {
  stop?.();
  await exit;
  await queue?.close();
  await anthropic?.close();
  await slack?.close();
  await testDb?.drop();
  await estate?.close();
});

describe('/metrics of the worker role after one investigation', () => {
  let metrics: string;

  beforeAll(async () => {
    // The primary is overloaded: the client falls back to the second model, which answers.
    anthropic.setScript([
      anthropicSteps.overloaded({ model: PRIMARY, times: 10 }),
      anthropicSteps.toolUse(
        'describe_workload',
        { name: 'checkout', namespace: 'shop', instance: 'prod-eu' },
        { model: FALLBACK },
      ),
      anthropicSteps.toolUse(
        'submit_answer',
        {
          summary: 'checkout 1.8.3 was never pushed, so the new pods cannot pull their image.',
          rootCause: 'The prod-eu overlay sets newTag 1.8.3, which the registry does not have.',
          evidence: [
            {
              text: 'registry.example.com/shop/checkout:1.8.3: not found',
              source: 'describe_workload:prod-eu/deployment/shop/checkout',
            },
          ],
          confidence: 'high',
          nextSteps: ['Set newTag back to 1.8.2.'],
        },
        { model: FALLBACK },
      ),
    ]);
    // Slack fails the first post with a retryable error: the job is retried and then answers.
    slack.failNext('chat.postMessage', 'internal_error');
    const thread = `${Math.floor(Date.now() / 1000)}.000100`;
    await queue.enqueue({
      source: 'slack',
      investigationId: randomUUID(),
      question: 'why is checkout failing in prod?',
      channel: FAKE_WORKSPACE.channelId,
      thread,
      user: 'U0METRICS',
      trigger: 'mention',
      eventId: `Ev${randomUUID().slice(0, 8)}`,
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    });
    metrics = await waitFor(
      'one investigation in the metrics',
      async () => {
        const text = await (await fetch(metricsUrl)).text();
        // The job counts as processed just after the answer is stored: wait for both.
        const isDone = sample(text, 'sre_bot_jobs_processed_total', { outcome: 'completed' }) !== undefined;
        return sample(text, 'sre_bot_investigations_total') && isDone ? text : undefined;
      },
      60_000,
    );
  }, 90_000);

  it('counts the investigation by outcome and mode, with its duration', () => {
    expect(sample(metrics, 'sre_bot_investigations_total', { outcome: 'answered', mode: 'model' })).toBe(1);
    expect(sample(metrics, 'sre_bot_investigation_duration_seconds_count', { mode: 'model' })).toBe(1);
    expect(sample(metrics, 'sre_bot_jobs_processed_total', { outcome: 'completed' })).toBe(1);
    expect(sample(metrics, 'sre_bot_jobs_processed_total', { outcome: 'retried' })).toBe(1);
  });

  it('counts tool calls by tool, instance and outcome, with a duration histogram', () => {
    expect(
      sample(metrics, 'sre_bot_tool_calls_total', { tool: 'describe_workload', outcome: 'ok' }),
    ).toBeGreaterThanOrEqual(1);
    expect(metrics).toMatch(/sre_bot_tool_calls_total\{[^}]*instance="prod-eu"/);
    expect(
      sample(metrics, 'sre_bot_tool_call_duration_seconds_count', { tool: 'describe_workload' }),
    ).toBeGreaterThanOrEqual(1);
  });

  it('counts model calls, tokens and cost by the model that answered, and the fallback by the one that failed', () => {
    expect(sample(metrics, 'sre_bot_model_calls_total', { model: FALLBACK, outcome: 'ok' })).toBe(2);
    expect(sample(metrics, 'sre_bot_model_call_duration_seconds_count', { model: FALLBACK })).toBe(2);
    expect(sample(metrics, 'sre_bot_model_tokens_total', { model: FALLBACK, type: 'input' })).toBeGreaterThan(0);
    expect(sample(metrics, 'sre_bot_model_tokens_total', { model: FALLBACK, type: 'output' })).toBeGreaterThan(0);
    expect(sample(metrics, 'sre_bot_model_cost_usd_total', { model: FALLBACK })).toBeGreaterThan(0);
    expect(sample(metrics, 'sre_bot_model_fallbacks_total', { model: PRIMARY })).toBe(2);
    expect(sample(metrics, 'sre_bot_triage_fallbacks_total')).toBe(0);
  });

  it('shows queue depth and age, Slack API errors and the standard process metrics', () => {
    expect(sample(metrics, 'sre_bot_queue_jobs', { state: 'waiting' })).toBe(0);
    expect(sample(metrics, 'sre_bot_approvals_pending_age_seconds')).toBe(0);
    expect(sample(metrics, 'sre_bot_queue_oldest_waiting_age_seconds')).toBe(0);
    expect(
      sample(metrics, 'sre_bot_slack_api_errors_total', { method: 'chat.postMessage', error: 'internal_error' }),
    ).toBe(1);
    expect(sample(metrics, 'process_cpu_seconds_total', { role: 'worker' })).toBeGreaterThan(0);
    expect(sample(metrics, 'nodejs_eventloop_lag_seconds', { role: 'worker' })).toBeGreaterThanOrEqual(0);
  });

  it('reports how long the oldest fix approval has waited', async () => {
    const store = createStore(testDb.db);
    await store.approvals.request({
      id: randomUUID(),
      action: 'merge_pull_request',
      target: { pr: 1 },
      requestedBy: 'U0METRICS',
      ttlMs: 3_600_000,
    });
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const age = sample(await (await fetch(metricsUrl)).text(), 'sre_bot_approvals_pending_age_seconds');
    expect(age).toBeGreaterThanOrEqual(1);
    expect(age).toBeLessThan(60);
  });

  it('lets the MCP servers count their own tool calls', async () => {
    expect(
      sample(await toolMetricsRegistry.metrics(), 'sre_bot_mcp_tool_calls_total', {
        server: 'sre-bot-kubernetes',
        tool: 'describe_workload',
        outcome: 'ok',
      }),
    ).toBeGreaterThanOrEqual(1);
  });
});
