import type { ModelClient } from '../agent/ports.js';
import type { BotMetrics } from './bot-metrics.js';

/**
 * The model port with every call counted: duration and tokens by the model that answered, each
 * fallback by the model that failed, and a failed call (every model down) under the primary.
 */
export function meterModelClient(
  client: ModelClient,
  metrics: BotMetrics,
  now: () => number = () => performance.now(),
): ModelClient {
  return {
    models: client.models,
    async create(request) {
      const started = now();
      try {
        const response = await client.create(request);
        for (const failed of response.failedModels) metrics.modelFallback(failed);
        metrics.modelCall({
          model: response.model,
          outcome: 'ok',
          seconds: (now() - started) / 1_000,
          usage: response.usage,
        });
        return response;
      } catch (error) {
        for (const model of client.models.slice(0, -1)) metrics.modelFallback(model);
        metrics.modelCall({
          model: client.models[0] ?? 'unknown',
          outcome: 'failed',
          seconds: (now() - started) / 1_000,
        });
        throw error;
      }
    },
  };
}

/** The part of a Slack Web API client every call goes through (`WebClient.apiCall`). */
export interface SlackApiCaller {
  apiCall(method: string, options?: Record<string, unknown>): Promise<unknown>;
}

// Mixin constructors must accept any arguments (TypeScript's mixin rule); the subclass passes them on untouched.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type SlackClientClass<Client extends SlackApiCaller> = new (...args: any[]) => Client;

/**
 * A subclass of a Slack Web API client class that counts failed calls by method and error code
 * (`channel_not_found`, `internal_error`, a network failure's code). A subclass, not a wrapper:
 * the SDK binds `chat.postMessage` and friends to `apiCall` when the client is constructed.
 */
export function countingSlackErrors<Client extends SlackApiCaller>(
  Base: SlackClientClass<Client>,
  metrics: BotMetrics,
): SlackClientClass<Client> {
  return class extends (Base as SlackClientClass<SlackApiCaller>) {
    override async apiCall(method: string, options?: Record<string, unknown>): Promise<unknown> {
      try {
        return await super.apiCall(method, options);
      } catch (error) {
        metrics.slackApiError(method, slackErrorCode(error));
        throw error;
      }
    }
  } as SlackClientClass<Client>;
}

function slackErrorCode(error: unknown): string {
  const data = (error as { data?: { error?: unknown } }).data;
  if (typeof data?.error === 'string') return data.error;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : 'unknown';
}
