import { trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anthropicSteps, startFakeAnthropic, type FakeAnthropic } from '../../test/fakes/anthropic/index.js';
import type { ModelRequest } from '../agent/ports.js';
import { createAnthropicModelClient } from './anthropic-model-client.js';

// Regression: each call produced our span (with the deprecated gen_ai.system) and the SDK's own.
const spans = new InMemorySpanExporter();
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

describe('model spans (OpenTelemetry GenAI conventions)', () => {
  let fake: FakeAnthropic;
  beforeAll(async () => {
    trace.setGlobalTracerProvider(
      new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: spans })] }),
    );
    fake = await startFakeAnthropic();
  });
  afterAll(async () => {
    await fake.close();
    trace.disable();
  });

  it('emits exactly one client span per API call, with provider, model, usage and no content', async () => {
    spans.reset();
    fake.enqueue(
      anthropicSteps.toolUse(
        'submit_answer',
        { text: 'done' },
        {
          usage: { input_tokens: 120, output_tokens: 30, cache_read_input_tokens: 100, cache_creation_input_tokens: 5 },
        },
      ),
    );
    const client = createAnthropicModelClient({
      apiKey: 'test-key',
      baseURL: fake.url,
      models: ['claude-span-test'],
      retriesPerModel: 0,
      minRetryDelayMs: 1,
      timeoutMs: 5_000,
    });
    await client.create(request);
    const finished = spans.getFinishedSpans();
    expect(finished.map((span) => span.name)).toEqual(['chat claude-span-test']);
    const attributes = finished[0]?.attributes ?? {};
    expect(attributes).toMatchObject({
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'claude-span-test',
      'gen_ai.request.max_tokens': 256,
      'gen_ai.response.finish_reasons': ['tool_use'],
      'gen_ai.usage.input_tokens': 120,
      'gen_ai.usage.output_tokens': 30,
      'gen_ai.usage.cache_read.input_tokens': 100,
      'gen_ai.usage.cache_creation.input_tokens': 5,
    });
    expect(attributes['gen_ai.system']).toBeUndefined();
    expect(JSON.stringify(attributes)).not.toContain('why is checkout failing');
  });

  it('marks a failed attempt with error.type, one span per attempt', async () => {
    spans.reset();
    fake.enqueue(
      anthropicSteps.overloaded({ model: 'claude-down' }),
      anthropicSteps.text('ok', { model: 'claude-up' }),
    );
    const client = createAnthropicModelClient({
      apiKey: 'test-key',
      baseURL: fake.url,
      models: ['claude-down', 'claude-up'],
      retriesPerModel: 0,
      minRetryDelayMs: 1,
      timeoutMs: 5_000,
    });
    await client.create(request);
    const finished = spans.getFinishedSpans();
    expect(finished.map((span) => [span.name, span.attributes['error.type']])).toEqual([
      ['chat claude-down', '529'],
      ['chat claude-up', undefined],
    ]);
  });
});
