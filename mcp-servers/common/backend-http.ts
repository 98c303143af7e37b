import { setImmediate as setImmediatePromise } from 'node:timers/promises';
import { Agent, type Dispatcher } from 'undici';

/** One request to a backend API (Argo CD, the Kubernetes API server). */
export interface BackendRequest {
  method: string;
  /** Path and query below the origin, already encoded. */
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** Deadline of the whole exchange, body included. */
  timeoutMs: number;
}

/** A buffered backend answer: every endpoint our servers call answers with a bounded body. */
export interface BackendResponse {
  status: number;
  statusText: string;
  text: string;
}

/** TLS material of a backend (from a kubeconfig); absent for plain Argo CD tokens over the system CAs. */
export interface BackendTls {
  ca?: string | Buffer | Array<string | Buffer>;
  cert?: string | Buffer;
  key?: string | Buffer;
  rejectUnauthorized?: boolean;
  servername?: string;
}

/** Sends requests to one backend origin over a keep-alive pool. */
export interface BackendHttp {
  send: (request: BackendRequest) => Promise<BackendResponse>;
  /** Closes the pool's idle connections (server shutdown). */
  close: () => Promise<void>;
}

/** Error codes of a pooled connection the server closed just as it was reused. */
const STALE_SOCKET_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

function timeoutError(ms: number): Error {
  const error = Object.assign(new Error(`no answer within ${ms} ms`), { code: 'ETIMEDOUT' });
  error.name = 'TimeoutError';
  return error;
}

/**
 * The one HTTP client of our MCP servers' backend calls: an undici pool per backend origin with
 * keep-alive connections (LIFO reuse through undici's own scheduling), TLS material applied once
 * per connection, redirects never followed (credentials stay with the configured host). The
 * deadline covers the whole exchange, body included, and fails with a `TimeoutError`. A GET whose
 * reused connection turns out closed by the server is retried once on a fresh one.
 */
export function createBackendHttp(origin: URL, tls: BackendTls = {}): BackendHttp {
  const dispatcher: Dispatcher = new Agent({
    keepAliveTimeout: 30_000,
    connections: 64,
    connect: { ...tls },
  });
  const base = origin.origin;
  const once = async (request: BackendRequest): Promise<BackendResponse> => {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(timeoutError(request.timeoutMs)), request.timeoutMs);
    try {
      const response = await dispatcher.request({
        origin: base,
        path: request.path,
        method: request.method as Dispatcher.HttpMethod,
        headers:
          request.body === undefined
            ? request.headers
            : { ...request.headers, 'content-length': String(Buffer.byteLength(request.body)) },
        ...(request.body === undefined ? {} : { body: request.body }),
        signal: controller.signal,
      });
      const text = await response.body.text();
      // undici frees the connection a tick after the body ends; without this wait, back-to-back
      // requests would alternate between two connections instead of reusing one.
      await setImmediatePromise();
      return { status: response.statusCode, statusText: STATUS_TEXT[response.statusCode] ?? '', text };
    } catch (error) {
      if (controller.signal.aborted) throw controller.signal.reason;
      throw error;
    } finally {
      clearTimeout(timer);
    }
  };
  return {
    send: async (request) => {
      try {
        return await once(request);
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        if (request.method === 'GET' && typeof code === 'string' && STALE_SOCKET_CODES.has(code)) return once(request);
        throw error;
      }
    },
    close: () => dispatcher.close(),
  };
}
