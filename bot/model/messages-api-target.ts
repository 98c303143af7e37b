import Anthropic, { type BaseAnthropic } from '@anthropic-ai/sdk';
import type { ModelRequest } from '../agent/ports.js';
import { errorMessage } from '../errors.js';
import { fromMessage, toMessagesParams, type MessagesFeatures } from './messages-api.js';
import { hostOf, tracedAttempt, type ModelProvider, type ModelTarget } from './model-target.js';
import { classifyStatus, ModelCallError, parseRetryAfter } from './provider-error.js';

/** The structured error fields of an SDK error body (`error.type`, Bedrock's `__type`, Vertex's `status`). */
function errorCodes(error: InstanceType<typeof Anthropic.APIError>): unknown[] {
  const body = (error.error ?? {}) as {
    type?: unknown;
    error?: { type?: unknown; status?: unknown };
    __type?: unknown;
  };
  return [body.error?.type, body.type, body.__type, body.error?.status, error.headers?.get('x-amzn-errortype')];
}

/** An SDK failure as a ModelCallError the fallback chain understands. */
export function fromSdkError(error: unknown, provider: ModelProvider, model: string): ModelCallError {
  const prefix = `${provider} model ${model}`;
  if (error instanceof Anthropic.APIError && error.status !== undefined) {
    return new ModelCallError(classifyStatus(error.status, errorCodes(error)), `${prefix}: ${errorMessage(error)}`, {
      status: error.status,
      retryAfterMs: parseRetryAfter(error.headers?.get('retry-after')),
      cause: error,
    });
  }
  if (error instanceof Anthropic.APIUserAbortError)
    return new ModelCallError('rejected', `${prefix}: aborted`, { cause: error });
  return new ModelCallError('retryable', `${prefix}: ${errorMessage(error)}`, { cause: error });
}

/**
 * One model behind a Messages API client: Anthropic's API, Bedrock (`AnthropicBedrock`) or
 * Vertex (`AnthropicVertex`); those SDKs rewrite `/v1/messages` to their own paths and sign it.
 * The call goes through `post('/v1/messages')` rather than `messages.create`, whose deprecation
 * notice is raw text on the console: the client factory logs deprecations as fields instead.
 */
export function createMessagesApiTarget(
  client: BaseAnthropic,
  provider: ModelProvider,
  model: string,
  features: MessagesFeatures,
): ModelTarget {
  const serverAddress = hostOf(client.baseURL);
  return {
    provider,
    model,
    send(request: ModelRequest) {
      return tracedAttempt({ provider, model, serverAddress }, request, async () => {
        try {
          const body = toMessagesParams(request, model, features);
          const message = await client.post<Anthropic.Message>('/v1/messages', {
            body,
            ...(request.signal ? { signal: request.signal } : {}),
          });
          return { ...fromMessage(message, model), responseId: message.id };
        } catch (error) {
          throw fromSdkError(error, provider, model);
        }
      });
    },
  };
}
