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

/** Where a failed attempt stands: what kind of failure, and whether it ends the job. */
export interface FailureVerdict {
  kind: 'infrastructure' | 'permanent' | 'unknown';
  isFinal: boolean;
  message: string;
}

/**
 * Decides what a failed attempt means. A BotError that says it is not retryable is final at
 * once. An infrastructure failure (`isRetryable`) is retried until `retryWindowMs` has passed
 * since the first enqueue, however many attempts that takes. Anything else may be transient and
 * is retried until `maxAttempts` run out. A job of one attempt is never retried.
 */
export function classifyFailure(
  error: unknown,
  progress: { attempt: number; maxAttempts: number; enqueuedAt: number; now: number; retryWindowMs: number },
): FailureVerdict {
  const message = errorMessage(error);
  // A job enqueued for one attempt (a button click's fix step) runs once, whatever the failure.
  if (progress.maxAttempts <= 1)
    return { kind: isRetryableError(error) ? 'infrastructure' : 'unknown', isFinal: true, message };
  if (isRetryableError(error))
    return { kind: 'infrastructure', isFinal: progress.now - progress.enqueuedAt >= progress.retryWindowMs, message };
  if (error instanceof BotError) return { kind: 'permanent', isFinal: true, message };
  return { kind: 'unknown', isFinal: progress.attempt >= progress.maxAttempts, message };
}

/** Exponential backoff: base, 2×base, 4×base, ... capped at `maxMs` (default five minutes). */
export function backoffDelay(baseMs: number, attempt: number, maxMs = 5 * 60 * 1_000): number {
  return Math.min(baseMs * 2 ** Math.max(attempt - 1, 0), maxMs);
}

/**
 * Attempts the queue backend is given: enough for infrastructure retries to fill the retry
 * window at the capped backoff; `classifyFailure` ends a job long before for other failures.
 */
export function backendAttempts(settings: {
  attempts: number;
  backoffMs: number;
  maxBackoffMs: number;
  retryWindowMs: number;
}): number {
  return Math.max(settings.attempts, Math.ceil(settings.retryWindowMs / Math.max(settings.backoffMs, 1)) + 2);
}
