import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { RESOURCE_NOT_FOUND } from '../common/backend-health.js';
import { stripCodePrefix } from './error-messages.js';
import { errorMessage, GatewayError } from './errors.js';
import { MalformedReplyError, SessionExpiredError, UpstreamHttpError } from './http-session.js';
import { ResponseTooLargeError } from './upstream-http.js';

/** How one upstream call ended, as seen by metrics and the circuit breaker. */
export type UpstreamOutcome = 'ok' | 'tool_error' | 'rejected' | 'unavailable' | 'timeout' | 'circuit_open' | 'error';

/** An upstream MCP error the caller caused (bad arguments, unknown tool): passed through, not a failure. */
export const CALLER_MISTAKES = new Set<number>([
  ErrorCode.InvalidParams,
  ErrorCode.InvalidRequest,
  ErrorCode.MethodNotFound,
]);

export function isRetryableMcpError(error: McpError): boolean {
  const data = error.data as { isRetryable?: unknown } | undefined;
  return data?.isRetryable === true;
}

/** JSON-RPC errors that mean "no backend-health resource here". */
export const NO_BACKEND_PROBE = new Set<number>([
  ErrorCode.MethodNotFound,
  ErrorCode.InvalidParams,
  RESOURCE_NOT_FOUND,
]);

/** The upstream MCP server answered, but its backend (Argo CD, the Kubernetes API) did not. */
export class BackendCheckError extends Error {}

/** A failure mapped for the caller, and whether it counts against the circuit. */
export interface ClassifiedFailure {
  error: Error;
  isFailure: boolean;
  outcome: UpstreamOutcome;
}

/** Maps any failure of a call to one upstream to a GatewayError (scrubbed), or passes a caller mistake through. */
export function classifyUpstreamFailure(
  error: unknown,
  context: {
    instance: string;
    timeoutMs: number;
    scrub: (text: string) => string;
    deadline: AbortSignal;
    callerSignal: AbortSignal | undefined;
  },
): ClassifiedFailure {
  const { instance, timeoutMs, scrub, deadline, callerSignal } = context;

  if (error instanceof GatewayError && error.code === 'circuit_open')
    return { error, isFailure: false, outcome: 'circuit_open' };
  if (error instanceof McpError && CALLER_MISTAKES.has(error.code)) {
    return {
      error: new McpError(error.code, scrub(stripCodePrefix(error.message))),
      isFailure: false,
      outcome: 'rejected',
    };
  }
  if (callerSignal?.aborted) {
    return {
      error: new GatewayError('upstream_error', `call to ${instance} cancelled by the caller`, {
        isRetryable: false,
      }),
      isFailure: false,
      outcome: 'error',
    };
  }
  if (deadline.aborted || (error instanceof McpError && error.code === ErrorCode.RequestTimeout)) {
    return {
      error: new GatewayError('upstream_timeout', `${instance} did not answer within ${timeoutMs} ms`),
      isFailure: true,
      outcome: 'timeout',
    };
  }
  if (error instanceof GatewayError) {
    return {
      error,
      isFailure: error.isRetryable,
      outcome: error.code === 'upstream_unavailable' ? 'unavailable' : 'error',
    };
  }
  if (error instanceof UpstreamHttpError) {
    const message = `${instance} ${scrub(error.message)}`;
    if (error.status === 401 || error.status === 403)
      return {
        error: new GatewayError('upstream_unavailable', message, { isRetryable: false }),
        isFailure: true,
        outcome: 'unavailable',
      };
    if (error.status >= 500 || error.status === 429)
      return { error: new GatewayError('upstream_unavailable', message), isFailure: true, outcome: 'unavailable' };
    return {
      error: new GatewayError('upstream_error', message, { isRetryable: false }),
      isFailure: false,
      outcome: 'error',
    };
  }
  if (error instanceof SessionExpiredError) {
    return {
      error: new GatewayError('upstream_unavailable', `${instance} ended the gateway's session twice in a row`),
      isFailure: true,
      outcome: 'unavailable',
    };
  }
  if (error instanceof MalformedReplyError || error instanceof ResponseTooLargeError) {
    return {
      error: new GatewayError('upstream_error', `${instance}: ${scrub(error.message)}`, { isRetryable: false }),
      isFailure: false,
      outcome: 'error',
    };
  }
  if (error instanceof McpError && error.code === ErrorCode.ConnectionClosed) {
    return {
      error: new GatewayError('upstream_unavailable', `${instance} closed the connection`),
      isFailure: true,
      outcome: 'unavailable',
    };
  }
  if (error instanceof McpError) {
    const message = scrub(stripCodePrefix(error.message));
    if (isRetryableMcpError(error))
      return {
        error: new GatewayError('upstream_unavailable', `${instance}: ${message}`),
        isFailure: true,
        outcome: 'unavailable',
      };
    return {
      error: new GatewayError('upstream_error', `${instance}: ${message}`, { isRetryable: false }),
      isFailure: false,
      outcome: 'error',
    };
  }
  return {
    error: new GatewayError('upstream_unavailable', `${instance} is unreachable: ${scrub(errorMessage(error))}`),
    isFailure: true,
    outcome: 'unavailable',
  };
}
