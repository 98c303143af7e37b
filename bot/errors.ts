/**
 * The one error type of the bot deployables. `code` steers what happens next (retry, dead-letter,
 * tell the person); `isRetryable` is what p-retry and the queue look at.
 */
export type BotErrorCode =
  | 'config_invalid'
  | 'usage'
  | 'storage_unavailable'
  | 'migration_failed'
  | 'queue_unavailable'
  | 'job_unrecoverable'
  | 'not_found'
  | 'upstream_unavailable'
  | 'model_unavailable'
  | 'invalid_input'
  | 'tool_result_invalid'
  | 'internal';

export interface BotErrorOptions {
  cause?: unknown;
  isRetryable?: boolean;
}

export class BotError extends Error {
  override readonly name = 'BotError';
  readonly code: BotErrorCode;
  readonly isRetryable: boolean;

  constructor(code: BotErrorCode, message: string, options: BotErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.isRetryable = options.isRetryable ?? false;
  }
}

/** True when retrying the failed operation may succeed (used by p-retry and queue workers). */
export function isRetryableError(error: unknown): boolean {
  if (error instanceof BotError) return error.isRetryable;
  if (error && typeof error === 'object' && 'isRetryable' in error) {
    return (error as { isRetryable: unknown }).isRetryable === true;
  }
  return false;
}

/** The message of any thrown value, for logs and people. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/** A retry-after header in seconds, as milliseconds capped at a minute (model and Git host answers). */
export function parseRetryAfter(header: string | null | undefined): number | undefined {
  const seconds = header === null || header === undefined || header === '' ? Number.NaN : Number(header);
  return Number.isFinite(seconds) ? Math.min(seconds * 1_000, 60_000) : undefined;
}
