/**
 * The one error type of the gateway (it shares no code with bot/). `code` picks the exit: caller
 * mistakes become JSON-RPC errors, policy refusals and model-actionable problems become `isError`
 * results, upstream faults are reported per instance (and retried only for idempotent reads).
 */
export type GatewayErrorCode =
  | 'config_invalid'
  | 'unauthorized'
  | 'forbidden'
  | 'invalid_input'
  | 'upstream_unavailable'
  | 'upstream_timeout'
  | 'circuit_open'
  | 'upstream_error'
  | 'internal';

export interface GatewayErrorOptions {
  cause?: unknown;
  isRetryable?: boolean;
}

export class GatewayError extends Error {
  override readonly name = 'GatewayError';
  readonly code: GatewayErrorCode;
  readonly isRetryable: boolean;

  constructor(code: GatewayErrorCode, message: string, options: GatewayErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.isRetryable = options.isRetryable ?? (code === 'upstream_unavailable' || code === 'upstream_timeout');
  }
}

export { errorMessage } from '../common/errors.js';
