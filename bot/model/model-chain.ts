import { AnthropicBedrock } from '@anthropic-ai/bedrock-sdk';
import { AnthropicVertex } from '@anthropic-ai/vertex-sdk';
import type { Logger } from 'pino';
import type { ModelClient } from '../agent/ports.js';
import type { AgentConfig } from '../config/agent-config.js';
import { configError } from '../config/parse-env.js';
import { createAnthropicSdkClient } from './anthropic-model-client.js';
import { createFallbackModelClient } from './fallback-model-client.js';
import { createMessagesApiTarget } from './messages-api-target.js';
import { defaultAnthropicModels, deprecationOf } from './model-catalog.js';
import { modelProviders, type ModelProvider, type ModelTarget } from './model-target.js';
import { createOpenAiSdkClient, createOpenAiTarget } from './openai-target.js';
import { watchPrices } from './price-watch.js';

/** One SRE_BOT_MODELS entry: the model id and the provider that serves it. */
export interface ModelEntry {
  provider: ModelProvider;
  model: string;
}

/** The variables the model chain reads (a slice of AgentConfig). */
export type ModelChainConfig = Pick<
  AgentConfig,
  | 'SRE_BOT_MODEL_PROVIDER'
  | 'SRE_BOT_MODELS'
  | 'SRE_BOT_MODEL_PRICES'
  | 'SRE_BOT_MODEL_RETRIES'
  | 'ANTHROPIC_API_KEY'
  | 'ANTHROPIC_BASE_URL'
  | 'AWS_REGION'
  | 'AWS_ACCESS_KEY_ID'
  | 'AWS_SECRET_ACCESS_KEY'
  | 'AWS_SESSION_TOKEN'
  | 'AWS_BEARER_TOKEN_BEDROCK'
  | 'ANTHROPIC_BEDROCK_BASE_URL'
  | 'ANTHROPIC_VERTEX_PROJECT_ID'
  | 'CLOUD_ML_REGION'
  | 'ANTHROPIC_VERTEX_BASE_URL'
  | 'OPENAI_BASE_URL'
  | 'OPENAI_API_KEY'
>;

/** Wiring the configuration does not carry: timeouts, the logger, and a Google auth client for tests. */
export interface ModelChainOptions {
  logger?: Logger;
  timeoutMs?: number;
  minRetryDelayMs?: number;
  /** Replaces Application Default Credentials on Vertex (tests pass a client holding a fake token). */
  vertexAuthClient?: NonNullable<ConstructorParameters<typeof AnthropicVertex>[0]>['authClient'];
}

/** Splits `provider:model` entries; an entry without a known provider prefix goes to the default provider. */
export function modelEntries(
  config: Pick<ModelChainConfig, 'SRE_BOT_MODEL_PROVIDER' | 'SRE_BOT_MODELS'>,
): ModelEntry[] {
  const defaults = config.SRE_BOT_MODEL_PROVIDER === 'anthropic' || config.SRE_BOT_MODEL_PROVIDER === 'vertex';
  const entries = config.SRE_BOT_MODELS ?? (defaults ? defaultAnthropicModels : []);
  return entries.map((entry) => {
    const colon = entry.indexOf(':');
    const prefix = colon > 0 ? entry.slice(0, colon) : '';
    return (modelProviders as readonly string[]).includes(prefix)
      ? { provider: prefix as ModelProvider, model: entry.slice(colon + 1) }
      : { provider: config.SRE_BOT_MODEL_PROVIDER, model: entry };
  });
}

/** Every variable the chosen providers still need, one problem line each. */
function providerProblems(config: ModelChainConfig, providers: ReadonlySet<ModelProvider>): string[] {
  const problems: string[] = [];
  if (providers.size === 0)
    problems.push(
      `SRE_BOT_MODELS is required with SRE_BOT_MODEL_PROVIDER=${config.SRE_BOT_MODEL_PROVIDER} ` +
        "(its model ids differ from Anthropic's)",
    );
  if (providers.has('anthropic') && !config.ANTHROPIC_API_KEY)
    problems.push('ANTHROPIC_API_KEY is required for the anthropic models in SRE_BOT_MODELS');
  if (providers.has('bedrock') && !config.AWS_REGION) problems.push('AWS_REGION is required for Bedrock models');
  if (providers.has('bedrock') && Boolean(config.AWS_ACCESS_KEY_ID) !== Boolean(config.AWS_SECRET_ACCESS_KEY))
    problems.push(
      'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY go together (or leave both unset for the AWS credential chain)',
    );
  if (providers.has('vertex') && !config.ANTHROPIC_VERTEX_PROJECT_ID)
    problems.push('ANTHROPIC_VERTEX_PROJECT_ID is required for Vertex models');
  if (providers.has('vertex') && !config.CLOUD_ML_REGION)
    problems.push('CLOUD_ML_REGION is required for Vertex models');
  if (providers.has('openai') && !config.OPENAI_BASE_URL && !config.OPENAI_API_KEY)
    problems.push('OPENAI_BASE_URL (vLLM, Ollama, LiteLLM...) or OPENAI_API_KEY is required for openai models');
  return problems;
}

/** One target per entry; the SDK client of each provider is built once and shared by its models. */
function buildTargets(
  entries: readonly ModelEntry[],
  config: ModelChainConfig,
  options: ModelChainOptions,
): ModelTarget[] {
  const timeoutMs = options.timeoutMs ?? 60_000;
  // SDK retries are off everywhere (the chain is the one retry policy), and so are the SDKs' spans.
  const common = { maxRetries: 0, timeout: timeoutMs, openTelemetry: { traces: { enabled: false } } } as const;
  const lazy = <T>(make: () => T): (() => T) => {
    let made: T | undefined;
    return () => (made ??= make());
  };
  const anthropic = lazy(() =>
    createAnthropicSdkClient({ apiKey: config.ANTHROPIC_API_KEY ?? '', baseURL: config.ANTHROPIC_BASE_URL, timeoutMs }),
  );
  const bedrock = lazy(() => {
    const base = {
      ...common,
      awsRegion: config.AWS_REGION ?? '',
      ...(config.ANTHROPIC_BEDROCK_BASE_URL ? { baseURL: config.ANTHROPIC_BEDROCK_BASE_URL } : {}),
      apiKey: config.AWS_BEARER_TOKEN_BEDROCK ?? null,
    };
    // Static keys when both are set; otherwise the AWS credential chain (role, profile, IMDS).
    return config.AWS_ACCESS_KEY_ID && config.AWS_SECRET_ACCESS_KEY
      ? new AnthropicBedrock({
          ...base,
          awsAccessKey: config.AWS_ACCESS_KEY_ID,
          awsSecretKey: config.AWS_SECRET_ACCESS_KEY,
          awsSessionToken: config.AWS_SESSION_TOKEN ?? null,
        })
      : new AnthropicBedrock(base);
  });
  const vertex = lazy(
    () =>
      new AnthropicVertex({
        ...common,
        region: config.CLOUD_ML_REGION ?? '',
        projectId: config.ANTHROPIC_VERTEX_PROJECT_ID ?? null,
        ...(config.ANTHROPIC_VERTEX_BASE_URL ? { baseURL: config.ANTHROPIC_VERTEX_BASE_URL } : {}),
        ...(options.vertexAuthClient ? { authClient: options.vertexAuthClient } : {}),
      }),
  );
  const openai = lazy(() =>
    createOpenAiSdkClient({ baseURL: config.OPENAI_BASE_URL, apiKey: config.OPENAI_API_KEY, timeoutMs }),
  );
  return entries.map(({ provider, model }) => {
    switch (provider) {
      case 'anthropic':
        return createMessagesApiTarget(anthropic(), provider, model, { hasNativeToolSearch: true });
      case 'bedrock':
        return createMessagesApiTarget(bedrock(), provider, model, { hasNativeToolSearch: false });
      case 'vertex':
        return createMessagesApiTarget(vertex(), provider, model, { hasNativeToolSearch: false });
      case 'openai':
        return createOpenAiTarget(openai(), model);
    }
  });
}

/**
 * One target per SRE_BOT_MODELS entry, each a single attempt with no retries, after checking the
 * variables its provider needs (one config error naming each missing one). The chain wraps these;
 * `sre-bot doctor` probes them one by one.
 */
export function createModelTargets(config: ModelChainConfig, options: ModelChainOptions = {}): ModelTarget[] {
  const entries = modelEntries(config);
  const problems = providerProblems(config, new Set(entries.map((entry) => entry.provider)));
  if (problems.length > 0) throw configError('model', problems);
  return buildTargets(entries, config, options);
}

/**
 * The configured model chain behind the ModelClient port, or undefined when no model is
 * configured (Anthropic's API without ANTHROPIC_API_KEY: answers come from triage). Missing
 * provider variables are one config error naming each of them. Deprecated models are logged as
 * a `deprecation` field at start; a model without a price is logged once when it first answers.
 */
export function createModelChain(config: ModelChainConfig, options: ModelChainOptions = {}): ModelClient | undefined {
  const entries = modelEntries(config);
  const providers = new Set(entries.map((entry) => entry.provider));
  const isAnthropicOnly = providers.size === 1 && providers.has('anthropic');
  if (isAnthropicOnly && !config.ANTHROPIC_API_KEY) return undefined;
  const targets = createModelTargets(config, options);
  for (const { provider, model } of entries) {
    const endOfLife = deprecationOf(model);
    if (endOfLife)
      options.logger?.warn(
        { event: 'model-deprecated', provider, model, deprecation: { endOfLife } },
        'a configured model is deprecated; move SRE_BOT_MODELS to a current model',
      );
  }
  const client = createFallbackModelClient(targets, {
    retriesPerModel: config.SRE_BOT_MODEL_RETRIES,
    minRetryDelayMs: options.minRetryDelayMs ?? 500,
    logger: options.logger,
  });
  return watchPrices(client, config.SRE_BOT_MODEL_PRICES, options.logger);
}
