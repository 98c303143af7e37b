import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAnthropicModelClient } from '../../bot/model/anthropic-model-client.js';
import { anthropicSteps, startFakeAnthropic, type FakeAnthropic } from '../fakes/anthropic/index.js';
import { bundledScenario, startPipeline, type PipelineHarness } from '../support/pipeline.js';

const PRIMARY = 'claude-primary-e2e';
const FALLBACK = 'claude-fallback-e2e';
const CANARY_PASSWORD = 'Canary-Pa55word-7319';
const CANARY_TOKEN = 'xoxb-7319731973-canarycanarycanary';

/**
 * Secrets in the estate (a password in a crash log, a token in an event) must never reach the
 * model, and a model outage must degrade to triage with a note — through the real pipeline.
 */
describe('model path over the sandbox', () => {
  let anthropic: FakeAnthropic;
  let pipeline: PipelineHarness;

  beforeAll(async () => {
    anthropic = await startFakeAnthropic();
    const scenario = await bundledScenario('crash-missing-env');
    const image = scenario.images.find((candidate) => candidate.repository.endsWith('payments-api'));
    image?.crashLog?.push(
      `{"level":"error","msg":"db login ` +
        `failed","dsn":"postgres://payments:${CANARY_PASSWORD}@db:5432/payments","slackToken":"${CANARY_TOKEN}"}`,
    );
    const model = createAnthropicModelClient({
      apiKey: 'e2e',
      baseURL: anthropic.url,
      models: [PRIMARY, FALLBACK],
      retriesPerModel: 1,
      minRetryDelayMs: 1,
      timeoutMs: 10_000,
    });
    pipeline = await startPipeline(scenario, { model });
  });
  afterAll(async () => {
    await pipeline?.close();
    await anthropic?.close();
  });

  it('never sends a secret from pod logs to the model, even when the model asks for the logs', async () => {
    anthropic.setScript([
      anthropicSteps.toolUse('search_tools', { query: 'pod logs' }),
      anthropicSteps.toolUse('describe_workload', { name: 'payments-api', namespace: 'payments', instance: 'prod-eu' }),
      anthropicSteps.toolUse('submit_answer', {
        summary: 'payments-api crashes at start: PAYMENTS_DB_URL is not set.',
        rootCause: 'The payments-api Deployment in prod-eu lacks the PAYMENTS_DB_URL env var.',
        evidence: [
          {
            text: 'config: required key PAYMENTS_DB_URL missing value',
            source: 'describe_workload:prod-eu/deployment/payments/payments-api',
          },
        ],
        confidence: 'high',
        nextSteps: ['Restore PAYMENTS_DB_URL in apps/payments-api/prod-eu/deployment.yaml.'],
      }),
    ]);
    const before = anthropic.messageRequests().length;
    const { outcome } = await pipeline.investigator.run({
      source: 'eval',
      question: 'payments-api keeps restarting in prod-eu since this morning, what is wrong?',
    });
    expect(outcome.kind === 'answer' && outcome.answer.mode).toBe('model');
    const sent = JSON.stringify(
      anthropic
        .messageRequests()
        .slice(before)
        .map((request) => request.body),
    );
    // The crash log did reach the model (redacted), so the test would notice a leak.
    expect(sent).toContain('db login failed');
    expect(sent).not.toContain(CANARY_PASSWORD);
    expect(sent).not.toContain('canarycanarycanary');
  });

  it('falls back to the second model, then to triage when both are down, and says so', async () => {
    anthropic.setScript([anthropicSteps.overloaded({ times: Infinity, retryAfterMs: 1 })]);
    const { outcome } = await pipeline.investigator.run({
      source: 'eval',
      question: 'payments-api keeps restarting in prod-eu since this morning, what is wrong?',
    });
    expect(outcome.kind).toBe('answer');
    if (outcome.kind !== 'answer') return;
    expect(outcome.answer.mode).toBe('triage');
    expect(outcome.answer.rootCause).toContain('PAYMENTS_DB_URL');
    expect(outcome.answer.notes.join(' ')).toMatch(/model was unavailable/);
    const models = anthropic
      .messageRequests()
      .slice(-4)
      .map((request) => request.model);
    expect(models).toEqual([PRIMARY, PRIMARY, FALLBACK, FALLBACK]);
  });
});
