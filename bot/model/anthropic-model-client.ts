import Anthropic from '@anthropic-ai/sdk';
import type { Logger } from 'pino';
import type { ModelClient } from '../agent/ports.js';
import { createFallbackModelClient } from './fallback-model-client.js';
import { createMessagesApiTarget } from './messages-api-target.js';

export interface AnthropicModelClientOptions {
  apiKey: string;
  /** Override for tests, proxies and gateways (ANTHROPIC_BASE_URL). */
  baseURL?: string;
  /** Primary first, then fallbacks. */
  models: readonly string[];
  /** Retries per model on retryable errors (429, 529, 5xx, connection) before falling back. */
  retriesPerModel: number;
  /** First retry delay; grows exponentially, and a server's retry-after wins when longer. */
  minRetryDelayMs: number;
  timeoutMs: number;
  logger?: Logger;
}

/**
 * The SDK client for Anthropic's API. Its own retries are off (the fallback chain is the only
 * retry policy) and so are its spans (each attempt has exactly one GenAI span, without content).
 */
export function createAnthropicSdkClient(options: {
  apiKey: string;
  baseURL?: string | undefined;
  timeoutMs: number;
}): Anthropic {
  return new Anthropic({
    apiKey: options.apiKey,
    ...(options.baseURL ? { baseURL: options.baseURL } : {}),
    maxRetries: 0,
    timeout: options.timeoutMs,
    openTelemetry: { traces: { enabled: false } },
  });
}

/** Anthropic's Messages API behind the ModelClient port: the given models in order, then triage. */
export function createAnthropicModelClient(options: AnthropicModelClientOptions): ModelClient {
  const client = createAnthropicSdkClient(options);
  const targets = options.models.map((model) =>
    createMessagesApiTarget(client, 'anthropic', model, { hasNativeToolSearch: true }),
  );
  return createFallbackModelClient(targets, options);
}
