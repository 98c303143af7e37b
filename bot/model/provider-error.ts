import { BotError } from '../errors.js';

/**
 * What a failed model call means for the fallback chain: `retryable` (rate limited, overloaded,
 * a 5xx, a dropped connection: try this model again, then the next), `unavailable` (this model
 * is not there for us: 404, not found, no access; go straight to the next model) or `rejected`
 * (the request itself is wrong and would fail on every model: stop).
 */
export type ModelFailureKind = 'retryable' | 'unavailable' | 'rejected';

/** A provider's failed call, normalised by its target so the chain decides without knowing the SDK. */
export class ModelCallError extends BotError {
  readonly kind: ModelFailureKind;
  readonly status: number | undefined;
  /** The server's retry-after, when it sent one (capped at a minute). */
  readonly retryAfterMs: number | undefined;

  constructor(
    kind: ModelFailureKind,
    message: string,
    details: { status?: number | undefined; retryAfterMs?: number | undefined; cause?: unknown },
  ) {
    super('model_unavailable', message, { cause: details.cause, isRetryable: kind === 'retryable' });
    this.kind = kind;
    this.status = details.status;
    this.retryAfterMs = details.retryAfterMs;
  }
}

/** Error `type`/`code` values providers use for "this model does not exist or is not yours". */
const MODEL_MISSING_CODES = new Set([
  'not_found_error',
  'model_not_found',
  'NotFoundError',
  'ResourceNotFoundException',
  'AccessDeniedException',
  'NOT_FOUND',
  'PERMISSION_DENIED',
]);

/**
 * Classifies an HTTP failure from its status and the structured error fields of its body.
 * 401/403 count as unavailable: that provider's credentials are wrong, another provider's may not be.
 */
export function classifyStatus(status: number | undefined, errorCodes: readonly unknown[] = []): ModelFailureKind {
  if (status === undefined || status === 408 || status === 409 || status === 429 || status >= 500) return 'retryable';
  if (status === 401 || status === 403 || status === 404 || status === 410) return 'unavailable';
  if (errorCodes.some((code) => typeof code === 'string' && MODEL_MISSING_CODES.has(code))) return 'unavailable';
  return 'rejected';
}

/** A retry-after header in seconds, as milliseconds capped at a minute. */
export { parseRetryAfter } from '../errors.js';
