import { BotError, errorMessage, isRetryableError } from '../errors.js';

/**
 * Thrown by a handler when retrying cannot help (bad job data, a permanent upstream refusal):
 * the job goes straight to the dead-letter list.
 */
export class UnrecoverableJobError extends BotError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('job_unrecoverable', message, { ...options, isRetryable: false });
  }
}

/**
 * Decides what a failed attempt means. A BotError that says it is not retryable is final at
 * once; anything else is retried until attempts run out (unknown errors may be transient).
 */
export function classifyFailure(
  error: unknown,
  attempt: number,
  maxAttempts: number,
): { isFinal: boolean; message: string } {
  const isKnownPermanent = error instanceof BotError && !isRetryableError(error);
  return { isFinal: isKnownPermanent || attempt >= maxAttempts, message: errorMessage(error) };
}

/** Exponential backoff: base, 2×base, 4×base, ... capped at five minutes. */
export function backoffDelay(baseMs: number, attempt: number): number {
  return Math.min(baseMs * 2 ** Math.max(attempt - 1, 0), 5 * 60 * 1_000);
}
