import { Writable } from 'node:stream';
import { OAuth2Client } from 'google-auth-library';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anthropicSteps, startFakeAnthropic, type FakeAnthropic } from '../../test/fakes/anthropic/index.js';
import { startFakeBedrock } from '../../test/fakes/cloud-messages/fake-bedrock.js';
import { startFakeVertex } from '../../test/fakes/cloud-messages/fake-vertex.js';
import type { PlatformFake } from '../../test/fakes/cloud-messages/platform-fake.js';
import { openAiSteps, startFakeOpenAi, type FakeOpenAi } from '../../test/fakes/openai/fake-openai.js';
import type { ModelRequest } from '../agent/ports.js';
import { loadAgentConfig } from '../config/agent-config.js';
import { createLogger } from '../telemetry/logger.js';
import { createModelChain, type ModelChainOptions } from './model-chain.js';

const AWS = { accessKeyId: 'AKIAFAKEFAKEFAKE0001', secretAccessKey: 'fake-secret-for-sigv4-tests' };
const VERTEX = { projectId: 'sre-bot-test', region: 'europe-west4', accessToken: 'ya29.fake-vertex-token' };
const BEDROCK_MODEL = 'anthropic.claude-sonnet-4-5-20250929-v1:0';
const BEDROCK_RETIRED = 'anthropic.claude-3-sonnet-20240229-v1:0';
const vertexModels = `/v1/projects/${VERTEX.projectId}/locations/${VERTEX.region}/publishers/anthropic/models`;

const request: ModelRequest = {
  system: 'You are a test.',
  tools: [
    { name: 'describe_workload', description: 'describe', inputSchema: { properties: { name: { type: 'string' } } } },
  ],
  messages: [{ role: 'user', content: [{ type: 'text', text: 'why is checkout failing?' }] }],
  maxTokens: 256,
};

/** JSON log lines written by the chain, parsed. */
function capturedLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean))
        lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger({ level: 'info', destination }), lines };
}

function chain(env: Record<string, string>, options: ModelChainOptions = {}) {
  const client = createModelChain(loadAgentConfig({ SRE_BOT_MODEL_RETRIES: '1', ...env }), {
    minRetryDelayMs: 1,
    ...options,
  });
  if (!client) throw new Error('expected a model chain');
  return client;
}

describe('model providers (real SDKs against fakes of each API on loopback)', () => {
  let anthropic: FakeAnthropic;
  let bedrock: PlatformFake;
  let vertex: PlatformFake;
  let openai: FakeOpenAi;
  let vertexAuth: OAuth2Client;

  beforeAll(async () => {
    anthropic = await startFakeAnthropic({ apiKey: 'anthropic-test-key' });
    bedrock = await startFakeBedrock({ region: 'eu-central-1', credentials: AWS, models: [BEDROCK_MODEL] });
    vertex = await startFakeVertex({ ...VERTEX, models: ['claude-sonnet-4-5@20250929'] });
    openai = await startFakeOpenAi({ models: ['qwen3-coder'], apiKey: 'litellm-key' });
    // A real Google auth client holding a token: the Vertex SDK asks it for request headers.
    vertexAuth = new OAuth2Client();
    vertexAuth.setCredentials({ access_token: VERTEX.accessToken, expiry_date: Date.now() + 3_600_000 });
  });
  afterAll(async () => {
    await Promise.all([anthropic?.close(), bedrock?.close(), vertex?.close(), openai?.close()]);
  });

  const bedrockEnv = (secret = AWS.secretAccessKey) => ({
    SRE_BOT_MODEL_PROVIDER: 'bedrock',
    AWS_REGION: 'eu-central-1',
    AWS_ACCESS_KEY_ID: AWS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: secret,
    ANTHROPIC_BEDROCK_BASE_URL: bedrock.url,
  });

  it('Bedrock: SigV4-signed invoke-model calls, a retired model falls back to the next one', async () => {
    bedrock.anthropic.setScript([anthropicSteps.toolUse('describe_workload', { name: 'checkout' })]);
    const before = bedrock.requests.length;
    const response = await chain({ ...bedrockEnv(), SRE_BOT_MODELS: `${BEDROCK_RETIRED},${BEDROCK_MODEL}` }).create(
      request,
    );
    expect(response.failedModels).toEqual([BEDROCK_RETIRED]);
    expect(response.content).toContainEqual(expect.objectContaining({ type: 'tool_use', name: 'describe_workload' }));
    const seen = bedrock.requests.slice(before);
    expect(seen.map((entry) => [entry.path, entry.isAuthenticated, entry.status])).toEqual([
      [`/model/${BEDROCK_RETIRED}/invoke`, true, 404],
      [`/model/${BEDROCK_MODEL}/invoke`, true, 200],
    ]);
    const body = seen[1]?.body as {
      anthropic_version?: string;
      model?: string;
      system: Array<{ cache_control?: unknown }>;
    };
    expect(body.anthropic_version).toBeTypeOf('string');
    expect(body.model).toBeUndefined();
    expect(body.system.at(-1)?.cache_control).toEqual({ type: 'ephemeral' });
  });

  it('Bedrock: a request signed with the wrong secret is refused and reported as unavailable', async () => {
    const before = bedrock.requests.length;
    await expect(
      chain({ ...bedrockEnv('wrong-secret'), SRE_BOT_MODELS: BEDROCK_MODEL }).create(request),
    ).rejects.toMatchObject({
      code: 'model_unavailable',
    });
    expect(bedrock.requests.slice(before).map((entry) => [entry.isAuthenticated, entry.status])).toEqual([
      [false, 403],
    ]);
  });

  it('Vertex: rawPredict on the project and region path with the auth client token', async () => {
    vertex.anthropic.setScript([anthropicSteps.text('checkout is fine')]);
    const before = vertex.requests.length;
    const response = await chain(
      {
        SRE_BOT_MODEL_PROVIDER: 'vertex',
        SRE_BOT_MODELS: 'claude-opus-9@20990101,claude-sonnet-4-5@20250929',
        ANTHROPIC_VERTEX_PROJECT_ID: VERTEX.projectId,
        CLOUD_ML_REGION: VERTEX.region,
        ANTHROPIC_VERTEX_BASE_URL: `${vertex.url}/v1`,
      },
      { vertexAuthClient: vertexAuth },
    ).create(request);
    expect(response.content).toEqual([{ type: 'text', text: 'checkout is fine' }]);
    expect(response.failedModels).toEqual(['claude-opus-9@20990101']);
    const seen = vertex.requests.slice(before);
    expect(seen.map((entry) => [entry.path, entry.isAuthenticated, entry.status])).toEqual([
      [`${vertexModels}/claude-opus-9@20990101:rawPredict`, true, 404],
      [`${vertexModels}/claude-sonnet-4-5@20250929:rawPredict`, true, 200],
    ]);
    expect((seen[1]?.body as { anthropic_version?: string }).anthropic_version).toBeTypeOf('string');
  });

  it('OpenAI-compatible: function tools, tool_calls as tool_use, cached prompt tokens as cache reads', async () => {
    openai.setScript([
      openAiSteps.toolCall(
        'describe_workload',
        { name: 'checkout' },
        { usage: { prompt_tokens: 500, completion_tokens: 12, cached_tokens: 400 } },
      ),
      openAiSteps.text('done'),
    ]);
    const client = chain({
      SRE_BOT_MODEL_PROVIDER: 'openai',
      SRE_BOT_MODELS: 'qwen3-coder',
      OPENAI_BASE_URL: openai.url,
      OPENAI_API_KEY: 'litellm-key',
    });
    const first = await client.create(request);
    const use = first.content.find((block) => block.type === 'tool_use');
    expect(use).toMatchObject({ type: 'tool_use', name: 'describe_workload', input: { name: 'checkout' } });
    expect(first.stopReason).toBe('tool_use');
    expect(first.usage).toEqual({ inputTokens: 100, outputTokens: 12, cacheReadTokens: 400, cacheWriteTokens: 0 });
    const toolUseId = use?.type === 'tool_use' ? use.id : '';
    await client.create({
      ...request,
      messages: [
        ...request.messages,
        { role: 'assistant', content: first.content },
        { role: 'user', content: [{ type: 'tool_result', toolUseId, content: 'Deployment checkout: 0/3 ready' }] },
      ],
    });
    const sent = openai.requests.at(-1)?.body as {
      messages: Array<{ role: string; tool_call_id?: string; content?: unknown }>;
      tools: unknown[];
    };
    expect(sent.messages.map((message) => message.role)).toEqual(['system', 'user', 'assistant', 'tool']);
    expect(sent.messages.at(-1)).toMatchObject({ tool_call_id: toolUseId, content: 'Deployment checkout: 0/3 ready' });
    expect(sent.tools).toEqual([
      {
        type: 'function',
        function: {
          name: 'describe_workload',
          description: 'describe',
          parameters: { type: 'object', properties: { name: { type: 'string' } } },
        },
      },
    ]);
  });

  it('falls back across providers: overloaded Anthropic API, retired Bedrock model, OpenAI-compatible', async () => {
    anthropic.setScript([anthropicSteps.overloaded({ times: Infinity, retryAfterMs: 1 })]);
    bedrock.anthropic.setScript([]);
    openai.setScript([openAiSteps.text('answered by the local model')]);
    const client = chain({
      ...bedrockEnv(),
      SRE_BOT_MODEL_PROVIDER: 'anthropic',
      ANTHROPIC_API_KEY: 'anthropic-test-key',
      ANTHROPIC_BASE_URL: anthropic.url,
      OPENAI_BASE_URL: openai.url,
      OPENAI_API_KEY: 'litellm-key',
      SRE_BOT_MODELS: `claude-sonnet-5-5,bedrock:${BEDROCK_RETIRED},openai:qwen3-coder`,
    });
    const response = await client.create(request);
    expect(response.content).toEqual([{ type: 'text', text: 'answered by the local model' }]);
    expect(response.failedModels).toEqual(['claude-sonnet-5-5', BEDROCK_RETIRED]);
    anthropic.setScript([]);
  });

  it(
    'OpenAI-compatible: a 429 is retried on the same ' + 'model (retry-after honoured), a 404 model is skipped',
    async () => {
      openai.setScript([openAiSteps.error(429, { retryAfterSeconds: 0 }), openAiSteps.text('after the retry')]);
      const before = openai.requests.length;
      const response = await chain({
        SRE_BOT_MODEL_PROVIDER: 'openai',
        SRE_BOT_MODELS: 'llama-retired,qwen3-coder',
        OPENAI_BASE_URL: openai.url,
        OPENAI_API_KEY: 'litellm-key',
      }).create(request);
      expect(response.content).toEqual([{ type: 'text', text: 'after the retry' }]);
      expect(response.failedModels).toEqual(['llama-retired']);
      expect(openai.requests.slice(before).map((entry) => [entry.model, entry.status])).toEqual([
        ['llama-retired', 404],
        ['qwen3-coder', 429],
        ['qwen3-coder', 200],
      ]);
    },
  );

  it('logs a deprecated model as a field, once at start, and never prints the SDK notice', async () => {
    const { logger, lines } = capturedLogger();
    const printed: string[] = [];
    const original = console.warn;
    console.warn = (...args: unknown[]) => printed.push(args.map(String).join(' '));
    try {
      anthropic.setScript([anthropicSteps.text('ok', { model: 'claude-opus-4-5' })]);
      await chain(
        {
          ANTHROPIC_API_KEY: 'anthropic-test-key',
          ANTHROPIC_BASE_URL: anthropic.url,
          SRE_BOT_MODELS: 'claude-opus-4-5',
        },
        { logger },
      ).create(request);
    } finally {
      console.warn = original;
    }
    expect(printed).toEqual([]);
    expect(lines.filter((line) => line.event === 'model-deprecated')).toEqual([
      expect.objectContaining({ model: 'claude-opus-4-5', deprecation: { endOfLife: 'January 22nd, 2027' } }),
    ]);
  });

  it('logs a model without a price once, however often it answers', async () => {
    const { logger, lines } = capturedLogger();
    openai.setScript([openAiSteps.text('one'), openAiSteps.text('two')]);
    const client = chain(
      {
        SRE_BOT_MODEL_PROVIDER: 'openai',
        SRE_BOT_MODELS: 'qwen3-coder',
        OPENAI_BASE_URL: openai.url,
        OPENAI_API_KEY: 'litellm-key',
      },
      { logger },
    );
    await client.create(request);
    await client.create(request);
    expect(lines.filter((line) => line.event === 'model-price-unknown')).toEqual([
      expect.objectContaining({ model: 'qwen3-coder' }),
    ]);
  });

  it('names every missing provider variable in one error', () => {
    expect(() =>
      createModelChain(
        loadAgentConfig({
          SRE_BOT_MODEL_PROVIDER: 'bedrock',
          SRE_BOT_MODELS: `${BEDROCK_MODEL},vertex:claude-x,openai:llama`,
        }),
      ),
    ).toThrow(/AWS_REGION.*ANTHROPIC_VERTEX_PROJECT_ID.*CLOUD_ML_REGION.*OPENAI_BASE_URL/);
    expect(() => createModelChain(loadAgentConfig({ SRE_BOT_MODEL_PROVIDER: 'openai' }))).toThrow(
      /SRE_BOT_MODELS is required/,
    );
    // Anthropic's API without a key is not an error: the bot answers from triage.
    expect(createModelChain(loadAgentConfig({}))).toBeUndefined();
  });
});
