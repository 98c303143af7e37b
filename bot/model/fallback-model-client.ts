import pRetry from 'p-retry';
import type { Logger } from 'pino';
import type { ModelClient, ModelRequest, ModelResponse } from '../agent/ports.js';
import { BotError, errorMessage } from '../errors.js';
import type { ModelTarget } from './model-target.js';
import { ModelCallError } from './provider-error.js';

/** How the chain retries one target before moving on. */
export interface FallbackPolicy {
  /** Retries per target on retryable failures (429, 529, 5xx, connection) before falling back. */
  retriesPerModel: number;
  /** First retry delay; grows exponentially, and a server's retry-after wins when longer. */
  minRetryDelayMs: number;
  logger?: Logger | undefined;
}

function asCallError(error: unknown, target: ModelTarget): ModelCallError {
  return error instanceof ModelCallError
    ? error
    : new ModelCallError('retryable', `${target.provider} model ${target.model}: ${errorMessage(error)}`, {
        cause: error,
      });
}

function attempt(target: ModelTarget, request: ModelRequest, policy: FallbackPolicy) {
  return pRetry(
    async () => {
      try {
        return await target.send(request);
      } catch (error) {
        throw asCallError(error, target);
      }
    },
    {
      retries: policy.retriesPerModel,
      minTimeout: policy.minRetryDelayMs,
      // A cancelled investigation waits for no retry.
      ...(request.signal ? { signal: request.signal } : {}),
      factor: 2,
      shouldRetry: ({ error }) => error instanceof ModelCallError && error.kind === 'retryable',
      onFailedAttempt: async ({ error, attemptNumber }) => {
        const failure = error as ModelCallError;
        if (failure.kind !== 'retryable') return;
        policy.logger?.warn(
          {
            event: 'model-call-retry',
            provider: target.provider,
            model: target.model,
            attempt: attemptNumber,
            status: failure.status,
          },
          'model call failed',
        );
        const wait = failure.retryAfterMs;
        if (wait !== undefined && wait > policy.minRetryDelayMs)
          await new Promise((resolve) => setTimeout(resolve, wait));
      },
    },
  );
}

/**
 * The ModelClient port over an ordered list of targets (models on any provider): p-retry per
 * target on retryable failures (honouring retry-after), straight to the next target when a
 * model is not available (404, not found, no access), and `model_unavailable` when every target
 * failed so the pipeline degrades to triage. A request rejected as invalid stops the chain.
 */
export function createFallbackModelClient(targets: readonly ModelTarget[], policy: FallbackPolicy): ModelClient {
  if (targets.length === 0) throw new BotError('config_invalid', 'the model chain needs at least one model');
  return {
    models: targets.map((target) => target.model),
    async create(request: ModelRequest): Promise<ModelResponse> {
      const failedModels: string[] = [];
      let lastError: ModelCallError | undefined;
      let isAnyRetryable = false;
      for (const target of targets) {
        try {
          return { ...(await attempt(target, request, policy)), failedModels };
        } catch (error) {
          const failure = asCallError(error, target);
          if (failure.kind === 'rejected') {
            throw new BotError(
              'model_unavailable',
              `the model rejected the request (${failure.status ?? 'no status'}): ${failure.message}`,
              { cause: failure },
            );
          }
          lastError = failure;
          isAnyRetryable ||= failure.kind === 'retryable';
          failedModels.push(target.model);
          policy.logger?.warn(
            {
              event: 'model-fallback',
              provider: target.provider,
              model: target.model,
              status: failure.status,
              reason: failure.kind,
            },
            'model unavailable, trying the next one',
          );
        }
      }
      throw new BotError(
        'model_unavailable',
        `every model failed (${failedModels.join(', ')}): ${errorMessage(lastError)}`,
        // Asking again later helps only when some model was down, not when every one is missing or refused.
        { cause: lastError, isRetryable: isAnyRetryable },
      );
    },
  };
}
