import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { anthropicSteps, startFakeAnthropic, type FakeAnthropic } from '../../test/fakes/anthropic/index.js';
import { createAnthropicModelClient } from './anthropic-model-client.js';
import type { ModelRequest } from '../agent/ports.js';

const PRIMARY = 'claude-primary-test';
const FALLBACK = 'claude-fallback-test';

const request: ModelRequest = {
  system: 'You are a test.',
  tools: [
    {
      name: 'submit_answer',
      description: 'answer',
      inputSchema: { type: 'object', properties: { text: { type: 'string' } } },
    },
  ],
  messages: [{ role: 'user', content: [{ type: 'text', text: 'why is checkout failing?' }] }],
  maxTokens: 256,
};

describe('Anthropic model client (real SDK against the fake Messages API)', () => {
  let fake: FakeAnthropic;
  beforeAll(async () => {
    fake = await startFakeAnthropic();
  });
  afterAll(async () => {
    await fake.close();
  });
  beforeEach(() => fake.setScript([]));

  const client = () =>
    createAnthropicModelClient({
      apiKey: 'test-key',
      baseURL: fake.url,
      models: [PRIMARY, FALLBACK],
      retriesPerModel: 2,
      minRetryDelayMs: 1,
      timeoutMs: 5_000,
    });

  it('sends the system prompt and tools as a cached prefix and maps usage', async () => {
    fake.enqueue(
      anthropicSteps.toolUse(
        'submit_answer',
        { text: 'done' },
        {
          usage: { input_tokens: 120, output_tokens: 30, cache_read_input_tokens: 100, cache_creation_input_tokens: 0 },
        },
      ),
    );
    const before = fake.messageRequests().length;
    const response = await client().create(request);
    expect(response.content).toContainEqual(
      expect.objectContaining({ type: 'tool_use', name: 'submit_answer', input: { text: 'done' } }),
    );
    expect(response.usage).toEqual({ inputTokens: 120, outputTokens: 30, cacheReadTokens: 100, cacheWriteTokens: 0 });
    expect(response.failedModels).toEqual([]);
    const body = fake.messageRequests()[before]?.body as {
      system: Array<{ cache_control?: unknown }>;
      tools: Array<{ cache_control?: unknown }>;
    };
    expect(body.system.at(-1)?.cache_control).toEqual({ type: 'ephemeral' });
    expect(body.tools.at(-1)?.cache_control).toEqual({ type: 'ephemeral' });
  });

  it('retries a 429 and then succeeds on the same model', async () => {
    fake.enqueue(anthropicSteps.rateLimited({ retryAfterMs: 1 }), anthropicSteps.text('ok'));
    const before = fake.messageRequests().length;
    const response = await client().create(request);
    expect(response.model).toBe(PRIMARY);
    const requests = fake.messageRequests().slice(before);
    expect(requests.map((entry) => [entry.model, entry.status])).toEqual([
      [PRIMARY, 429],
      [PRIMARY, 200],
    ]);
  });

  it('falls back to the second model when the first stays overloaded', async () => {
    fake.enqueue(
      anthropicSteps.overloaded({ model: PRIMARY, times: Infinity, retryAfterMs: 1 }),
      anthropicSteps.text('from fallback', { model: FALLBACK }),
    );
    const before = fake.messageRequests().length;
    const response = await client().create(request);
    expect(response.model).toBe(FALLBACK);
    expect(response.failedModels).toEqual([PRIMARY]);
    // 1 try + 2 retries on the primary, then the fallback.
    expect(
      fake
        .messageRequests()
        .slice(before)
        .map((entry) => entry.model),
    ).toEqual([PRIMARY, PRIMARY, PRIMARY, FALLBACK]);
  });

  // Regression: a 404 on the primary went straight to triage.
  it('falls back to the second model when the first answers 404 not_found', async () => {
    fake.enqueue(
      anthropicSteps.error(404, { model: PRIMARY, errorType: 'not_found_error', message: `model: ${PRIMARY}` }),
      anthropicSteps.text('from fallback', { model: FALLBACK }),
    );
    const before = fake.messageRequests().length;
    const response = await client().create(request);
    expect(response.model).toBe(FALLBACK);
    expect(response.failedModels).toEqual([PRIMARY]);
    // A missing model is not retried: one request to it, then the fallback.
    expect(
      fake
        .messageRequests()
        .slice(before)
        .map((entry) => [entry.model, entry.status]),
    ).toEqual([
      [PRIMARY, 404],
      [FALLBACK, 200],
    ]);
  });

  it('reports model_unavailable when every model fails', async () => {
    fake.enqueue(anthropicSteps.overloaded({ times: Infinity, retryAfterMs: 1 }));
    await expect(client().create(request)).rejects.toMatchObject({ code: 'model_unavailable' });
  });

  it('does not retry or fall back on a request the API rejects', async () => {
    fake.enqueue(
      anthropicSteps.error(400, { errorType: 'invalid_request_error', message: 'messages: bad', shouldRetry: false }),
    );
    const before = fake.messageRequests().length;
    await expect(client().create(request)).rejects.toMatchObject({ code: 'model_unavailable', isRetryable: false });
    expect(fake.messageRequests().length - before).toBe(1);
  });
});
