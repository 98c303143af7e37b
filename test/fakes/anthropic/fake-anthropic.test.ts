import Anthropic, {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  AuthenticationError,
  BadRequestError,
  OverloadedError,
} from '@anthropic-ai/sdk';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { anthropicSteps, startFakeAnthropic, type FakeAnthropic } from './index.js';

const PRIMARY = 'claude-sonnet-4-5';
const FALLBACK = 'claude-haiku-4-5';
const WEATHER_TOOL = {
  name: 'get_pod_status',
  description: 'Return status of pods for a deployment',
  input_schema: { type: 'object' as const, properties: { deployment: { type: 'string' } }, required: ['deployment'] },
};

/** Key sets of the recorded non-streaming response (messages.response.tool_use.json). */
const MESSAGE_KEYS = ['content', 'id', 'model', 'role', 'stop_reason', 'stop_sequence', 'type', 'usage'];
const USAGE_KEYS = [
  'cache_creation',
  'cache_creation_input_tokens',
  'cache_read_input_tokens',
  'inference_geo',
  'input_tokens',
  'output_tokens',
  'service_tier',
];

let fake: FakeAnthropic;

function client(maxRetries = 0, extra: { timeout?: number; apiKey?: string } = {}): Anthropic {
  return new Anthropic({
    baseURL: fake.url,
    apiKey: extra.apiKey ?? 'test',
    maxRetries,
    timeout: extra.timeout ?? 10_000,
  });
}

beforeAll(async () => {
  fake = await startFakeAnthropic();
});
afterAll(async () => {
  await fake.close();
});
afterEach(() => {
  fake.setScript([]);
});

describe('fake Anthropic Messages API with the real SDK', () => {
  it('plays a tool_use turn then an end_turn answer, with usage and cache numbers', async () => {
    fake.enqueue(
      anthropicSteps.toolUse(
        'get_pod_status',
        { deployment: 'checkout-api' },
        { toolUseId: 'toolu_01Fixed', text: 'Let me look.' },
      ),
      anthropicSteps.text('checkout-api is OOMKilled.', {
        usage: {
          input_tokens: 42,
          output_tokens: 57,
          cache_read_input_tokens: 18240,
          cache_creation_input_tokens: 100,
        },
      }),
    );
    const sdk = client();
    const question = { role: 'user' as const, content: 'Why is checkout-api crashlooping?' };
    const first = await sdk.messages.create({
      model: PRIMARY,
      max_tokens: 1024,
      tools: [WEATHER_TOOL],
      messages: [question],
    });
    expect(first.stop_reason).toBe('tool_use');
    expect(Object.keys(first).sort()).toEqual(MESSAGE_KEYS);
    expect(Object.keys(first.usage).sort()).toEqual(USAGE_KEYS);
    expect(first.id).toMatch(/^msg_01[0-9A-Za-z]{22}$/);
    const toolUse = first.content.find((block) => block.type === 'tool_use');
    expect(toolUse).toMatchObject({
      id: 'toolu_01Fixed',
      name: 'get_pod_status',
      input: { deployment: 'checkout-api' },
    });

    const second = await sdk.messages.create({
      model: PRIMARY,
      max_tokens: 1024,
      tools: [WEATHER_TOOL],
      messages: [
        question,
        { role: 'assistant', content: first.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_01Fixed', content: 'OOMKilled x14' }] },
      ],
    });
    expect(second.stop_reason).toBe('end_turn');
    expect(second.content).toEqual([{ type: 'text', text: 'checkout-api is OOMKilled.' }]);
    expect(second.usage).toMatchObject({
      input_tokens: 42,
      output_tokens: 57,
      cache_read_input_tokens: 18240,
      cache_creation_input_tokens: 100,
      cache_creation: { ephemeral_5m_input_tokens: 100, ephemeral_1h_input_tokens: 0 },
    });

    const [recordedFirst, recordedSecond] = fake.messageRequests();
    expect(recordedFirst?.headers['x-api-key']).toBeUndefined();
    expect(recordedFirst?.headers['anthropic-version']).toMatch(/^\d{4}-\d\d-\d\d$/);
    expect(recordedFirst?.body?.tools?.[0]?.name).toBe('get_pod_status');
    expect(JSON.stringify(recordedSecond?.body?.messages)).toContain('"tool_use_id":"toolu_01Fixed"');
    expect(fake.pendingSteps).toBe(0);
  });

  it('streams the recorded SSE event sequence and the SDK assembles the final message', async () => {
    const step = anthropicSteps.toolUse(
      'get_pod_status',
      { deployment: 'checkout-api', namespace: 'prod' },
      { text: "I'll check the pods of checkout-api now." },
    );
    fake.enqueue(step, step);

    const raw = await fetch(`${fake.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'test', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({
        model: PRIMARY,
        max_tokens: 64,
        stream: true,
        messages: [{ role: 'user', content: 'hi' }],
      }),
    });
    expect(raw.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(raw.headers.get('request-id')).toMatch(/^req_011C/);
    const events = (await raw.text())
      .split('\n\n')
      .filter(Boolean)
      .map((frame) => frame.split('\n')[0]?.replace('event: ', ''));
    const collapsed = events.filter((name, index) => name !== events[index - 1]);
    expect(collapsed).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      'content_block_delta',
      'content_block_stop',
      'content_block_start',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);

    const texts: string[] = [];
    const stream = client().messages.stream({
      model: PRIMARY,
      max_tokens: 64,
      messages: [{ role: 'user', content: 'hi' }],
    });
    stream.on('text', (delta) => texts.push(delta));
    const final = await stream.finalMessage();
    expect(texts.join('')).toBe("I'll check the pods of checkout-api now.");
    expect(texts.length).toBeGreaterThan(1);
    expect(final.stop_reason).toBe('tool_use');
    expect(final.content[1]).toMatchObject({
      type: 'tool_use',
      input: { deployment: 'checkout-api', namespace: 'prod' },
    });
    expect(Object.keys(final)).toEqual(expect.arrayContaining(MESSAGE_KEYS)); // the stream helper adds its own keys
    expect(fake.messageRequests().at(-1)?.stream).toBe(true);
  });

  it('streams the same message the non-streaming call returns (accumulation rule)', async () => {
    const step = anthropicSteps.toolUse(
      'get_pod_status',
      { deployment: 'checkout-api' },
      {
        id: 'msg_01SameForBoth',
        toolUseId: 'toolu_01SameForBoth',
        text: 'Checking.',
        usage: { input_tokens: 500, output_tokens: 40, cache_read_input_tokens: 1200 },
      },
    );
    fake.enqueue({ ...step, times: 2 });
    const request = { model: PRIMARY, max_tokens: 64, messages: [{ role: 'user' as const, content: 'hi' }] };
    const plain = await client().messages.create(request);
    const streamed = await client().messages.stream(request).finalMessage();
    const {
      parsed_output: _parsed,
      stop_details: _details,
      ...comparable
    } = streamed as typeof streamed & { parsed_output?: unknown };
    expect(comparable).toEqual(plain);
  });

  it('has the SDK retry a 429 and records both attempts', async () => {
    fake.enqueue(anthropicSteps.rateLimited({ retryAfterMs: 5 }), anthropicSteps.text('ok after retry'));
    const before = fake.messageRequests().length;
    const message = await client(2).messages.create({
      model: PRIMARY,
      max_tokens: 16,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(message.content).toEqual([{ type: 'text', text: 'ok after retry' }]);
    const attempts = fake.messageRequests().slice(before);
    expect(attempts.map((attempt) => [attempt.status, attempt.retryCount])).toEqual([
      [429, 0],
      [200, 1],
    ]);
  });

  it('surfaces an always-529 primary as OverloadedError while the fallback model answers', async () => {
    fake.enqueue(
      anthropicSteps.overloaded({ model: PRIMARY, times: Infinity, retryAfterMs: 1 }),
      anthropicSteps.text('fallback answer', { model: FALLBACK }),
    );
    const sdk = client(1);
    const before = fake.messageRequests().length;
    const failure: unknown = await sdk.messages
      .create({ model: PRIMARY, max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(APIError);
    expect(failure).toBeInstanceOf(OverloadedError);
    const apiError = failure as APIError;
    expect(apiError.status).toBe(529);
    expect(apiError.error).toEqual({
      type: 'error',
      error: { type: 'overloaded_error', message: 'Overloaded' },
      request_id: apiError.requestID,
    });
    expect(fake.messageRequests().length - before).toBe(2);

    const answer = await sdk.messages.create({
      model: FALLBACK,
      max_tokens: 16,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(answer.content).toEqual([{ type: 'text', text: 'fallback answer' }]);
    expect(fake.pendingSteps).toBe(1); // the always-529 step stays for later requests
  });

  it('sends the recorded 429 header set and error body shape', async () => {
    fake.enqueue(anthropicSteps.rateLimited({ retryAfterSeconds: 17 }));
    const response = await fetch(`${fake.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'test', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: PRIMARY, max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(response.status).toBe(429);
    const body = (await response.json()) as {
      type: string;
      error: { type: string; message: string };
      request_id: string;
    };
    expect(Object.keys(body)).toEqual(['type', 'error', 'request_id']);
    expect(body.error.type).toBe('rate_limit_error');
    expect(response.headers.get('request-id')).toBe(body.request_id);
    expect(response.headers.get('retry-after')).toBe('17');
    expect(response.headers.get('x-should-retry')).toBe('true');
    expect(response.headers.get('anthropic-ratelimit-requests-remaining')).toBe('0');
    expect(response.headers.get('anthropic-ratelimit-tokens-reset')).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it('refuses a tool_result without a matching tool_use like the recorded 400', async () => {
    const failure: unknown = await client()
      .messages.create({
        model: PRIMARY,
        max_tokens: 16,
        messages: [
          { role: 'user', content: "What's the weather?" },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_01Missing', content: 'sunny' }] },
        ],
      })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(BadRequestError);
    const error = (failure as BadRequestError).error as { error: { type: string; message: string } };
    expect(error.error.type).toBe('invalid_request_error');
    expect(error.error.message).toMatch(
      /^messages\.0\.content\.1: unexpected `tool_use_id` found in `tool_result` blocks: toolu_01Missing\./,
    );
    expect(fake.messageRequests().at(-1)?.outcome).toBe('rejected');
  });

  it('fails a stream half-way with an error event', async () => {
    fake.enqueue(anthropicSteps.streamError());
    const stream = client().messages.stream({
      model: PRIMARY,
      max_tokens: 16,
      messages: [{ role: 'user', content: 'hi' }],
    });
    const texts: string[] = [];
    stream.on('text', (delta) => texts.push(delta));
    await expect(stream.finalMessage()).rejects.toThrow(/Overloaded/);
    expect(texts).toEqual(['Looking at the']);
  });

  it('answers count_tokens, times out slow responses, drops connections, checks the key', async () => {
    const counted = await client().messages.countTokens({
      model: PRIMARY,
      messages: [{ role: 'user', content: 'Why is checkout-api crashlooping?' }],
    });
    expect(counted.input_tokens).toBeGreaterThan(0);
    expect(fake.requests.at(-1)?.path).toBe('/v1/messages/count_tokens');

    fake.enqueue(anthropicSteps.text('too late', { delayMs: 5_000 }));
    const slow = await client(0, { timeout: 100 })
      .messages.create({ model: PRIMARY, max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] })
      .catch((error: unknown) => error);
    expect(slow).toBeInstanceOf(APIConnectionTimeoutError);

    fake.setScript([anthropicSteps.disconnect()]);
    const dropped = await client()
      .messages.create({ model: PRIMARY, max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] })
      .catch((error: unknown) => error);
    expect(dropped).toBeInstanceOf(APIConnectionError);

    const strict = await startFakeAnthropic({ apiKey: 'sk-right', script: [anthropicSteps.text('hello')] });
    try {
      const sdk = new Anthropic({ baseURL: strict.url, apiKey: 'sk-wrong', maxRetries: 0 });
      await expect(
        sdk.messages.create({ model: PRIMARY, max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] }),
      ).rejects.toBeInstanceOf(AuthenticationError);
      expect(strict.pendingSteps).toBe(1);
    } finally {
      await strict.close();
    }
  });

  it('says so when the script has nothing left for a model', async () => {
    fake.enqueue(anthropicSteps.text('only for the fallback', { model: FALLBACK }));
    await expect(
      client(2).messages.create({ model: PRIMARY, max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] }),
    ).rejects.toThrow(/no scripted step left for model claude-sonnet-4-5/);
    expect(fake.messageRequests().at(-1)?.outcome).toBe('unscripted');
  });
});
