import OpenAI from 'openai';
import type { ModelRequest } from '../agent/ports.js';
import { errorMessage } from '../errors.js';
import { hostOf, tracedAttempt, type ModelTarget } from './model-target.js';
import { fromChatCompletion, toChatParams } from './openai-chat.js';
import { classifyStatus, ModelCallError, parseRetryAfter } from './provider-error.js';

/** An OpenAI SDK failure as a ModelCallError the fallback chain understands. */
function fromOpenAiError(error: unknown, model: string): ModelCallError {
  const prefix = `openai model ${model}`;
  if (error instanceof OpenAI.APIUserAbortError)
    return new ModelCallError('rejected', `${prefix}: aborted`, { cause: error });
  if (error instanceof OpenAI.APIError && error.status !== undefined) {
    return new ModelCallError(
      classifyStatus(error.status, [error.code, error.type]),
      `${prefix}: ${errorMessage(error)}`,
      {
        status: error.status,
        retryAfterMs: parseRetryAfter(error.headers?.get('retry-after')),
        cause: error,
      },
    );
  }
  return new ModelCallError('retryable', `${prefix}: ${errorMessage(error)}`, { cause: error });
}

/** The OpenAI SDK client for an OpenAI-compatible endpoint (vLLM, Ollama, LiteLLM...); its own retries are off. */
export function createOpenAiSdkClient(options: {
  baseURL?: string | undefined;
  apiKey?: string | undefined;
  timeoutMs: number;
}): OpenAI {
  return new OpenAI({
    // Local servers (Ollama, vLLM) take any key; the SDK insists on one.
    apiKey: options.apiKey ?? 'not-needed',
    ...(options.baseURL ? { baseURL: options.baseURL } : {}),
    maxRetries: 0,
    timeout: options.timeoutMs,
  });
}

/** One model behind an OpenAI-compatible Chat Completions endpoint, with function tools. */
export function createOpenAiTarget(client: OpenAI, model: string): ModelTarget {
  const serverAddress = hostOf(client.baseURL);
  return {
    provider: 'openai',
    model,
    send(request: ModelRequest) {
      return tracedAttempt({ provider: 'openai', model, serverAddress }, request, async () => {
        try {
          const completion = await client.chat.completions.create(toChatParams(request, model), {
            ...(request.signal ? { signal: request.signal } : {}),
          });
          return { ...fromChatCompletion(completion, model), responseId: completion.id };
        } catch (error) {
          throw fromOpenAiError(error, model);
        }
      });
    },
  };
}
