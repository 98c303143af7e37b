/** The request plumbing the fake Git hosts share: routes, auth, failures, injected rate limits, listen. */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A refusal with its status, JSON body and headers (e.g. `retry-after`). */
export class HttpFailure extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
    readonly headers: Record<string, string> = {},
  ) {
    super(String(body['message'] ?? status));
  }
}

/** A handler's answer when it needs more than a JSON body with the route's status. */
export class Reply {
  constructor(
    readonly body: unknown,
    readonly options: { status?: number; headers?: Record<string, string>; isText?: boolean } = {},
  ) {}
}

export type RouteHandler = (
  params: Record<string, string>,
  body: Record<string, unknown>,
  query: URLSearchParams,
) => unknown;

export interface Route {
  method: string;
  pattern: string;
  /** Status of a plain JSON answer (default 200). */
  status?: number;
  handle: RouteHandler;
}

/** Rate limits a fake answers with before any route runs (the host's own status and message). */
export interface RateLimiter {
  /** The next `count` requests are refused, each with `retry-after: seconds`. */
  limitNext(count: number, retryAfterSeconds: number): void;
}

export interface RouteServer extends RateLimiter {
  readonly url: string;
  /** Every request: method and path. */
  readonly requests: Array<{ method: string; path: string }>;
  close(): Promise<void>;
}

export async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  if (chunks.length === 0) return {};
  try {
    const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
  } catch {
    throw new HttpFailure(400, { message: 'Problems parsing JSON' });
  }
}

export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  response.end(JSON.stringify(body));
}

export function text(body: Record<string, unknown>, key: string): string | undefined {
  const value = body[key];
  return typeof value === 'string' ? value : undefined;
}

/** Matches `pattern` (segments, `:name` captures, a trailing `*rest` capture) against `path`. */
export function matchRoute(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/').filter(Boolean);
  const have = path.split('/').filter(Boolean);
  const params: Record<string, string> = {};
  for (let index = 0; index < want.length; index++) {
    const segment = want[index] ?? '';
    if (segment.startsWith('*')) {
      params[segment.slice(1)] = have.slice(index).map(decodeURIComponent).join('/');
      return params;
    }
    const actual = have[index];
    if (actual === undefined) return undefined;
    if (segment.startsWith(':')) params[segment.slice(1)] = decodeURIComponent(actual);
    else if (segment !== actual) return undefined;
  }
  return have.length === want.length ? params : undefined;
}

/**
 * Serves `routes` on 127.0.0.1:0: `isAuthorized` first (else `unauthorized`), then any injected
 * rate limit (`rateLimited`'s status and body, with `retry-after`), then the first matching route.
 * Thrown HttpFailures become their answer; anything else a 500.
 */
export async function startRouteServer(options: {
  routes: readonly Route[];
  isAuthorized: (request: IncomingMessage) => boolean;
  unauthorized: HttpFailure;
  rateLimited: { status: number; body: Record<string, unknown> };
  notFound: Record<string, unknown>;
}): Promise<RouteServer> {
  const requests: Array<{ method: string; path: string }> = [];
  let limited = { count: 0, retryAfterSeconds: 0 };
  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const parsed = new URL(request.url ?? '/', 'http://fake');
    const method = request.method ?? 'GET';
    requests.push({ method, path: parsed.pathname });
    if (!options.isAuthorized(request)) throw options.unauthorized;
    if (limited.count > 0) {
      limited.count -= 1;
      const { status, body } = options.rateLimited;
      throw new HttpFailure(status, body, { 'retry-after': String(limited.retryAfterSeconds) });
    }
    for (const route of options.routes) {
      if (route.method !== method) continue;
      const params = matchRoute(route.pattern, parsed.pathname);
      if (!params) continue;
      const body = method === 'GET' ? {} : await readJson(request);
      const result = await route.handle(params, body, parsed.searchParams);
      if (result instanceof Reply && result.options.isText) {
        response.writeHead(result.options.status ?? 200, { 'content-type': 'text/plain; charset=utf-8' });
        response.end(String(result.body));
      } else if (result instanceof Reply)
        sendJson(response, result.options.status ?? route.status ?? 200, result.body, result.options.headers);
      else sendJson(response, route.status ?? 200, result);
      return;
    }
    throw new HttpFailure(404, options.notFound);
  };
  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (error instanceof HttpFailure) sendJson(response, error.status, error.body, error.headers);
      else sendJson(response, 500, { message: error instanceof Error ? error.message : String(error) });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    limitNext: (count, retryAfterSeconds) => (limited = { count, retryAfterSeconds }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
