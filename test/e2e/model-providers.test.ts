import { OAuth2Client } from 'google-auth-library';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelClient } from '../../bot/agent/ports.js';
import { loadAgentConfig } from '../../bot/config/agent-config.js';
import { createModelChain } from '../../bot/model/model-chain.js';
import { investigationSettings } from '../../bot/runtime/investigator.js';
import { anthropicSteps, startFakeAnthropic, type FakeAnthropic, type Step } from '../fakes/anthropic/index.js';
import { startFakeBedrock } from '../fakes/cloud-messages/fake-bedrock.js';
import { startFakeVertex } from '../fakes/cloud-messages/fake-vertex.js';
import type { PlatformFake } from '../fakes/cloud-messages/platform-fake.js';
import { openAiSteps, startFakeOpenAi, type FakeOpenAi, type OpenAiStep } from '../fakes/openai/fake-openai.js';
import { bundledScenario, startPipeline, type PipelineHarness } from '../support/pipeline.js';

const QUESTION = 'payments-api keeps restarting in prod-eu since this morning, what is wrong?';
const DESCRIBE = { name: 'payments-api', namespace: 'payments', instance: 'prod-eu' };
const FINDING = {
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
};
const AWS = { accessKeyId: 'AKIAFAKEE2E000000001', secretAccessKey: 'e2e-fake-secret' };
const VERTEX = { projectId: 'sre-bot-e2e', region: 'us-east5', accessToken: 'ya29.e2e-fake-token' };

const messagesScript = (model?: string): Step[] => [
  anthropicSteps.toolUse('describe_workload', DESCRIBE, model ? { model } : {}),
  anthropicSteps.toolUse('submit_answer', FINDING, model ? { model } : {}),
];
const chatScript = (): OpenAiStep[] => [
  openAiSteps.toolCall('describe_workload', DESCRIBE),
  openAiSteps.toolCall('submit_answer', FINDING),
];

/**
 * One scripted investigation through each provider's fake: the real pipeline over the sandbox
 * estate calls a gateway tool the model asked for, feeds the result back, and records the
 * model's answer with its cost. A 404 on the primary model falls back to the second one.
 */
describe('investigations through every model provider', () => {
  let anthropic: FakeAnthropic;
  let bedrock: PlatformFake;
  let vertex: PlatformFake;
  let openai: FakeOpenAi;
  let pipeline: PipelineHarness;
  let current: ModelClient | undefined;
  const vertexAuth = new OAuth2Client();

  // The pipeline is started once over one estate; each test picks the model chain it runs on.
  const model: ModelClient = {
    get models() {
      return current?.models ?? [];
    },
    create: (request) => {
      if (!current) throw new Error('no model chain chosen');
      return current.create(request);
    },
  };
  const use = (env: Record<string, string>) => {
    current = createModelChain(loadAgentConfig({ SRE_BOT_MODEL_RETRIES: '0', ...env }), {
      minRetryDelayMs: 1,
      vertexAuthClient: vertexAuth,
    });
  };
  const investigate = async () => {
    const { id, outcome } = await pipeline.investigator.run({ source: 'eval', question: QUESTION });
    if (outcome.kind !== 'answer') throw new Error(`expected an answer, got ${outcome.kind}`);
    return { answer: outcome.answer, row: await pipeline.store.investigations.get(id) };
  };

  beforeAll(async () => {
    vertexAuth.setCredentials({ access_token: VERTEX.accessToken, expiry_date: Date.now() + 3_600_000 });
    anthropic = await startFakeAnthropic({ apiKey: 'e2e-key' });
    bedrock = await startFakeBedrock({
      region: 'us-west-2',
      credentials: AWS,
      models: ['anthropic.claude-sonnet-4-5-20250929-v1:0'],
    });
    vertex = await startFakeVertex({ ...VERTEX, models: ['claude-sonnet-4-5@20250929'] });
    openai = await startFakeOpenAi({ models: ['qwen3-coder'] });
    pipeline = await startPipeline(await bundledScenario('crash-missing-env'), {
      model,
      settings: investigationSettings(loadAgentConfig({})),
    });
  });
  afterAll(async () => {
    await pipeline?.close();
    await Promise.all([anthropic?.close(), bedrock?.close(), vertex?.close(), openai?.close()]);
  });

  it("Anthropic's API: a 404 on the primary model falls back to the second, and a dated id costs money", async () => {
    use({
      ANTHROPIC_API_KEY: 'e2e-key',
      ANTHROPIC_BASE_URL: anthropic.url,
      SRE_BOT_MODELS: 'claude-retired-e2e,claude-sonnet-4-5-20250929',
    });
    anthropic.setScript([
      anthropicSteps.error(404, { model: 'claude-retired-e2e', errorType: 'not_found_error', times: Infinity }),
      ...messagesScript('claude-sonnet-4-5-20250929'),
    ]);
    const { answer, row } = await investigate();
    expect(answer.mode).toBe('model');
    expect(answer.rootCause).toContain('PAYMENTS_DB_URL');
    expect(answer.usage.model).toBe('claude-sonnet-4-5-20250929');
    expect(answer.notes.join(' ')).toContain('Model claude-retired-e2e was unavailable');
    expect(answer.usage.costUsd).toBeGreaterThan(0);
    expect(row?.costUsd).toBeGreaterThan(0);
  });

  it('Amazon Bedrock: SigV4-signed invoke-model calls answer the question', async () => {
    use({
      SRE_BOT_MODEL_PROVIDER: 'bedrock',
      SRE_BOT_MODELS: 'anthropic.claude-sonnet-4-5-20250929-v1:0',
      AWS_REGION: 'us-west-2',
      AWS_ACCESS_KEY_ID: AWS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: AWS.secretAccessKey,
      ANTHROPIC_BEDROCK_BASE_URL: bedrock.url,
    });
    bedrock.anthropic.setScript(messagesScript());
    const before = bedrock.requests.length;
    const { answer } = await investigate();
    expect(answer.mode).toBe('model');
    expect(answer.rootCause).toContain('PAYMENTS_DB_URL');
    const seen = bedrock.requests.slice(before);
    expect(seen.length).toBe(2);
    expect(seen.every((entry) => entry.isAuthenticated && entry.status === 200)).toBe(true);
    // The second turn carried the gateway's describe_workload result back to the model.
    expect(JSON.stringify(seen[1]?.body)).toContain('tool_result');
    expect(answer.usage.costUsd).toBeGreaterThan(0);
  });

  it('Google Vertex: rawPredict calls with the auth client token answer the question', async () => {
    use({
      SRE_BOT_MODEL_PROVIDER: 'vertex',
      SRE_BOT_MODELS: 'claude-sonnet-4-5@20250929',
      ANTHROPIC_VERTEX_PROJECT_ID: VERTEX.projectId,
      CLOUD_ML_REGION: VERTEX.region,
      ANTHROPIC_VERTEX_BASE_URL: `${vertex.url}/v1`,
    });
    vertex.anthropic.setScript(messagesScript());
    const before = vertex.requests.length;
    const { answer } = await investigate();
    expect(answer.mode).toBe('model');
    expect(answer.rootCause).toContain('PAYMENTS_DB_URL');
    expect(vertex.requests.slice(before).map((entry) => [entry.isAuthenticated, entry.status])).toEqual([
      [true, 200],
      [true, 200],
    ]);
  });

  it('OpenAI-compatible: tool_calls drive the investigation; an unpriced model has unknown cost', async () => {
    use({ SRE_BOT_MODEL_PROVIDER: 'openai', SRE_BOT_MODELS: 'qwen3-coder', OPENAI_BASE_URL: openai.url });
    openai.setScript(chatScript());
    const before = openai.requests.length;
    const { answer, row } = await investigate();
    expect(answer.mode).toBe('model');
    expect(answer.rootCause).toContain('PAYMENTS_DB_URL');
    const second = openai.requests.slice(before)[1]?.body as { messages: Array<{ role: string; content?: string }> };
    expect(
      second.messages.some((message) => message.role === 'tool' && String(message.content).includes('payments-api')),
    ).toBe(true);
    expect(answer.usage.costUsd).toBeNull();
    expect(row?.costUsd).toBeNull();
  });
});
