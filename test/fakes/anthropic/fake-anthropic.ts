/**
 * A fake Anthropic Messages API on 127.0.0.1:0 that the real `@anthropic-ai/sdk` talks to
 * through `baseURL`. It plays a script of model turns and faults, streams SSE exactly like the
 * recorded responses, sends the real error bodies and headers, and records every request.
 * See test/fakes/README.md.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  buildErrorBody,
  buildResponseMessage,
  createApiId,
  defaultErrorMessage,
  ERROR_STATUS,
  errorTypeForStatus,
  estimatePromptTokens,
} from './message-builder.js';
import { checkBody, checkHeaders, type RequestProblem } from './request-validation.js';
import { Script, type ErrorStep, type Step } from './script.js';
import { encodeMessageStream, encodeMidstreamError, formatSseEvent, type SseEvent } from './sse-encoder.js';

/** The request body fields tests usually assert on; everything else stays reachable. */
export interface RecordedMessagesBody {
  model?: string;
  max_tokens?: number;
  system?: unknown;
  messages?: { role: string; content: unknown }[];
  tools?: { name: string; [key: string]: unknown }[];
  stream?: boolean;
  [key: string]: unknown;
}

/** What happened to a request. */
export type RequestOutcome =
  'message' | 'error' | 'stream_error' | 'disconnect' | 'unscripted' | 'rejected' | 'count_tokens' | 'not_found';

/** One request as the fake saw it (credentials removed). */
export interface RecordedAnthropicRequest {
  /** 0-based arrival order across every path. */
  index: number;
  method: string;
  /** Path without the query, e.g. `/v1/messages` (beta calls add `?beta=true`, kept in `query`). */
  path: string;
  query: string;
  /** Lower-case header names; `x-api-key` and `authorization` are dropped. */
  headers: Record<string, string>;
  /** Parsed JSON body, or null when it was not JSON. */
  body: RecordedMessagesBody | null;
  model: string | undefined;
  stream: boolean;
  /** `x-stainless-retry-count` (0 on the first attempt). */
  retryCount: number;
  /** HTTP status sent (undefined until answered, or when the connection was dropped). */
  status: number | undefined;
  outcome: RequestOutcome | undefined;
}

/** Options of {@link startFakeAnthropic}. */
export interface FakeAnthropicOptions {
  /** Steps to play, in order (more can be added with `enqueue`). */
  script?: Step[];
  /** When set, any other key is refused with 401 `authentication_error`. */
  apiKey?: string;
  /** Refuse unpaired tool_use / tool_result like the real API (default true). */
  validateToolPairs?: boolean;
  /** `input_tokens` for `/v1/messages/count_tokens` (default: about 4 characters a token). */
  countTokens?: (body: RecordedMessagesBody) => number;
}

/** A running fake. */
export interface FakeAnthropic {
  /** Base URL for the SDK: `new Anthropic({ baseURL: fake.url, apiKey: 'test' })`. */
  readonly url: string;
  /** Every request received, in order. */
  readonly requests: readonly RecordedAnthropicRequest[];
  /** Only the `POST /v1/messages` requests. */
  messageRequests(): RecordedAnthropicRequest[];
  /** Appends steps to the script. */
  enqueue(...steps: Step[]): void;
  /** Replaces what is left of the script. */
  setScript(steps: Step[]): void;
  /** Steps not used up yet. */
  readonly pendingSteps: number;
  /** Stops the server, dropping any response still in progress. */
  close(): Promise<void>;
}

const ORGANIZATION_ID = '00000000-0000-4000-8000-000000000000';
const LIMITS = { requests: 4000, tokens: 2_000_000, 'input-tokens': 2_000_000, 'output-tokens': 400_000 } as const;

function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function sanitizeHeaders(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (name === 'x-api-key' || name === 'authorization' || value === undefined) continue;
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

function parseJson(text: string): RecordedMessagesBody | null {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as RecordedMessagesBody)
      : null;
  } catch {
    return null; // Not JSON: the handler answers 400, as the API does.
  }
}

/** Starts the fake on 127.0.0.1 with an ephemeral port. */
export async function startFakeAnthropic(options: FakeAnthropicOptions = {}): Promise<FakeAnthropic> {
  const script = new Script(options.script ?? []);
  const requests: RecordedAnthropicRequest[] = [];
  const lifetime = new AbortController();
  let served = 0;

  function baseHeaders(requestId: string): Record<string, string> {
    return { 'request-id': requestId, 'anthropic-organization-id': ORGANIZATION_ID };
  }

  function rateLimitHeaders(exhaustedForSeconds: number | undefined): Record<string, string> {
    const headers: Record<string, string> = {};
    const now = Date.now();
    for (const [name, limit] of Object.entries(LIMITS)) {
      const exhausted = exhaustedForSeconds !== undefined && name !== 'output-tokens';
      const remaining = exhausted ? 0 : name === 'requests' ? Math.max(0, limit - served) : limit;
      const reset = new Date(now + (exhausted ? exhaustedForSeconds * 1000 : 60_000));
      headers[`anthropic-ratelimit-${name}-limit`] = String(limit);
      headers[`anthropic-ratelimit-${name}-remaining`] = String(remaining);
      headers[`anthropic-ratelimit-${name}-reset`] = rfc3339(reset);
    }
    return headers;
  }

  function send(
    response: ServerResponse,
    record: RecordedAnthropicRequest,
    status: number,
    body: unknown,
    headers: Record<string, string>,
  ): void {
    record.status = status;
    if (response.destroyed) return;
    const text = JSON.stringify(body);
    response.writeHead(status, {
      ...headers,
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(text)),
    });
    response.end(text);
  }

  function sendProblem(
    response: ServerResponse,
    record: RecordedAnthropicRequest,
    problem: RequestProblem,
    extraHeaders: Record<string, string> = {},
  ): void {
    const requestId = createApiId('req_011C', 20);
    const status = ERROR_STATUS[problem.type];
    const headers = { ...baseHeaders(requestId), 'x-should-retry': String(isRetryableStatus(status)), ...extraHeaders };
    send(response, record, status, buildErrorBody(problem.type, problem.message, requestId), headers);
  }

  function sendErrorStep(response: ServerResponse, record: RecordedAnthropicRequest, step: ErrorStep): void {
    const requestId = createApiId('req_011C', 20);
    const type = step.errorType ?? errorTypeForStatus(step.status);
    const retryAfter = step.retryAfterSeconds ?? (step.status === 429 ? 0 : undefined);
    const headers: Record<string, string> = {
      ...baseHeaders(requestId),
      'x-should-retry': String(step.shouldRetry ?? isRetryableStatus(step.status)),
      ...(step.status === 429 ? rateLimitHeaders(retryAfter ?? 0) : {}),
      ...(retryAfter === undefined ? {} : { 'retry-after': String(retryAfter) }),
      ...(step.retryAfterMs === undefined ? {} : { 'retry-after-ms': String(step.retryAfterMs) }),
      ...step.headers,
    };
    send(
      response,
      record,
      step.status,
      buildErrorBody(type, step.message ?? defaultErrorMessage(type), requestId),
      headers,
    );
  }

  async function writeStream(
    response: ServerResponse,
    record: RecordedAnthropicRequest,
    events: SseEvent[],
    eventDelayMs: number,
  ): Promise<void> {
    record.status = 200;
    if (response.destroyed) return;
    response.writeHead(200, {
      ...baseHeaders(createApiId('req_011C', 20)),
      ...rateLimitHeaders(undefined),
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
    });
    for (const event of events) {
      if (eventDelayMs > 0) await sleep(eventDelayMs, undefined, { signal: lifetime.signal });
      if (response.destroyed) return;
      response.write(formatSseEvent(event));
    }
    response.end();
  }

  async function playStep(
    response: ServerResponse,
    record: RecordedAnthropicRequest,
    body: RecordedMessagesBody,
    step: Step,
  ): Promise<void> {
    if (step.delayMs !== undefined && step.delayMs > 0)
      await sleep(step.delayMs, undefined, { signal: lifetime.signal });
    if (response.destroyed) return;
    switch (step.kind) {
      case 'disconnect':
        record.outcome = 'disconnect';
        response.socket?.destroy();
        return;
      case 'error':
        record.outcome = 'error';
        sendErrorStep(response, record, step);
        return;
      case 'stream_error': {
        record.outcome = 'stream_error';
        const type = step.errorType ?? 'overloaded_error';
        const message = step.message ?? defaultErrorMessage(type);
        if (!record.stream) {
          // A plain request cannot fail half-way; it gets the same error as an HTTP response.
          sendErrorStep(response, record, { kind: 'error', status: ERROR_STATUS[type], errorType: type, message });
          return;
        }
        const started = buildResponseMessage({ kind: 'message', content: [] }, body);
        await writeStream(
          response,
          record,
          encodeMidstreamError(started, step.partialText ?? 'Looking at the', type, message),
          0,
        );
        return;
      }
      case 'message': {
        record.outcome = 'message';
        served += 1;
        const message = buildResponseMessage(step, body);
        if (record.stream) {
          await writeStream(response, record, encodeMessageStream(message), step.eventDelayMs ?? 0);
          return;
        }
        send(response, record, 200, message, {
          ...baseHeaders(createApiId('req_011C', 20)),
          ...rateLimitHeaders(undefined),
        });
        return;
      }
    }
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const text = await readBody(request);
    const url = new URL(request.url ?? '/', 'http://fake-anthropic');
    const body = parseJson(text);
    const record: RecordedAnthropicRequest = {
      index: requests.length,
      method: request.method ?? 'GET',
      path: url.pathname,
      query: url.search,
      headers: sanitizeHeaders(request),
      body,
      model: typeof body?.model === 'string' ? body.model : undefined,
      stream: body?.stream === true,
      retryCount: Number(request.headers['x-stainless-retry-count'] ?? 0),
      status: undefined,
      outcome: undefined,
    };
    requests.push(record);

    const isMessages = url.pathname === '/v1/messages';
    const isCount = url.pathname === '/v1/messages/count_tokens';
    if (request.method !== 'POST' || (!isMessages && !isCount)) {
      record.outcome = 'not_found';
      sendProblem(response, record, { type: 'not_found_error', message: 'Not found' });
      return;
    }
    const problem =
      checkHeaders(request.headers, options.apiKey) ??
      (body === null
        ? {
            type: 'invalid_request_error' as const,
            message: 'There was an error parsing the body of your request: expected a JSON object',
          }
        : checkBody(body, { requireMaxTokens: isMessages, validateToolPairs: options.validateToolPairs ?? true }));
    if (problem || body === null) {
      record.outcome = 'rejected';
      sendProblem(response, record, problem ?? { type: 'invalid_request_error', message: 'invalid body' });
      return;
    }
    if (isCount) {
      record.outcome = 'count_tokens';
      const inputTokens = options.countTokens?.(body) ?? estimatePromptTokens(body);
      send(response, record, 200, { input_tokens: inputTokens }, baseHeaders(createApiId('req_011C', 20)));
      return;
    }
    const step = script.take(record.model);
    if (!step) {
      record.outcome = 'unscripted';
      sendProblem(
        response,
        record,
        {
          type: 'api_error',
          message: `fake-anthropic: no scripted step left for model ${String(record.model)} (request #${record.index})`,
        },
        { 'x-should-retry': 'false' },
      );
      return;
    }
    await playStep(response, record, body, step);
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (lifetime.signal.aborted) {
        response.destroy();
        return;
      }
      console.error('fake-anthropic: handler failed', error);
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify(buildErrorBody('api_error', 'fake-anthropic internal error', createApiId('req_011C', 20))),
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo; // listen() on a TCP port always yields AddressInfo.

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    messageRequests: () => requests.filter((record) => record.path === '/v1/messages'),
    enqueue: (...steps) => script.enqueue(...steps),
    setScript: (steps) => script.replace(steps),
    get pendingSteps() {
      return script.pending;
    },
    close: async () => {
      lifetime.abort();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
