/**
 * The one error type of the MCP server deployables (they share no code with bot/). `code` says
 * which of the exits applies: model-actionable codes become `isError` tool results, retryable
 * backend faults become JSON-RPC errors the caller (gateway, bot) may retry.
 */
export type McpServerErrorCode =
  | 'config_invalid'
  | 'not_found'
  | 'invalid_input'
  | 'forbidden'
  | 'conflict'
  | 'writes_disabled'
  | 'backend_unavailable'
  | 'backend_error'
  | 'output_invalid'
  | 'internal';

export interface McpServerErrorOptions {
  cause?: unknown;
  isRetryable?: boolean;
}

export class McpServerError extends Error {
  override readonly name = 'McpServerError';
  readonly code: McpServerErrorCode;
  readonly isRetryable: boolean;

  constructor(code: McpServerErrorCode, message: string, options: McpServerErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.isRetryable = options.isRetryable ?? code === 'backend_unavailable';
  }
}

/** Codes a model can act on (wrong name, bad input, missing permission): reported as tool results. */
export function isModelActionable(error: unknown): error is McpServerError {
  return (
    error instanceof McpServerError &&
    (error.code === 'not_found' ||
      error.code === 'invalid_input' ||
      error.code === 'forbidden' ||
      error.code === 'conflict' ||
      error.code === 'writes_disabled')
  );
}

/** Network failures that mean "backend down, try later" (connection refused, reset, timeout, DNS). */
const NETWORK_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** True when a thrown value is a transport failure reaching a backend. */
export function isNetworkError(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current && depth < 5; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_ERROR_CODES.has(code)) return true;
    if (current instanceof Error && current.name === 'AbortError') return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/** The message of any thrown value. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
