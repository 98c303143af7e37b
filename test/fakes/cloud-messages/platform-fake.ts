/**
 * The shared half of the Bedrock and Vertex fakes: both serve the Anthropic Messages body on a
 * model path of their own (the model in the path, `anthropic_version` in the body) behind their
 * own authentication. A platform fake checks the path and the credentials, then plays the turn
 * from a fake Anthropic Messages API it owns, so tests script it with `anthropicSteps`.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startFakeAnthropic, type FakeAnthropic } from '../anthropic/index.js';

/** One request as the platform fake saw it (credentials summarised, never kept). */
export interface PlatformRequest {
  method: string;
  path: string;
  /** The model named in the path, when the path is a model path. */
  model: string | undefined;
  /** The parsed body (the Messages body without `model`). */
  body: Record<string, unknown> | null;
  /** Whether the request carried valid credentials. */
  isAuthenticated: boolean;
  status: number;
}

/** A platform-shaped reply (path not found, model not found, auth refused). */
export interface PlatformReply {
  status: number;
  headers?: Record<string, string>;
  body: unknown;
}

/** What makes one platform: its model paths, its credentials and its error shapes. */
export interface PlatformShape {
  /** The model in a model path, or undefined when the path is not one. */
  modelFromPath(path: string): string | undefined;
  /** Undefined when the credentials are good; the platform's refusal otherwise. */
  authenticate(request: {
    method: string;
    path: string;
    headers: IncomingHttpHeaders;
    body: string;
  }): PlatformReply | undefined;
  /** The platform's answer for a model it does not serve. */
  modelNotFound(model: string): PlatformReply;
}

/** A running platform fake. */
export interface PlatformFake {
  readonly url: string;
  /** The Messages API behind it: script turns with `enqueue` / `setScript` and `anthropicSteps`. */
  readonly anthropic: FakeAnthropic;
  readonly requests: readonly PlatformRequest[];
  close(): Promise<void>;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function send(response: ServerResponse, reply: PlatformReply): void {
  response.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
  response.end(JSON.stringify(reply.body));
}

function parseObject(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Replays the Messages turn on the inner fake and relays its answer unchanged. */
async function relay(anthropic: FakeAnthropic, model: string, body: Record<string, unknown>, response: ServerResponse) {
  const { anthropic_version: _version, ...messages } = body;
  const answer = await fetch(`${anthropic.url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': 'platform-fake', 'anthropic-version': '2023-06-01' },
    body: JSON.stringify({ ...messages, model }),
  });
  const headers: Record<string, string> = {};
  for (const name of ['content-type', 'retry-after', 'request-id']) {
    const value = answer.headers.get(name);
    if (value !== null) headers[name] = value;
  }
  response.writeHead(answer.status, headers);
  response.end(Buffer.from(await answer.arrayBuffer()));
}

/**
 * Starts a platform fake on 127.0.0.1:0. `models` lists the models it serves; any other model
 * gets the platform's not-found answer (a model past end of life, or never enabled).
 */
export async function startPlatformFake(shape: PlatformShape, models: readonly string[]): Promise<PlatformFake> {
  const anthropic = await startFakeAnthropic();
  const requests: PlatformRequest[] = [];
  const server = createServer((request, response) => {
    void (async () => {
      const text = await readBody(request);
      const method = request.method ?? 'GET';
      const path = request.url ?? '/';
      const model = shape.modelFromPath(path.split('?')[0] ?? path);
      const body = parseObject(text);
      const refusal = shape.authenticate({ method, path, headers: request.headers, body: text });
      const record: PlatformRequest = { method, path, model, body, isAuthenticated: !refusal, status: 0 };
      requests.push(record);
      let reply: PlatformReply | undefined = refusal;
      if (!reply && (method !== 'POST' || model === undefined))
        reply = { status: 404, body: { message: `no route for ${method} ${path}` } };
      // The platforms take the API version in the body, not as a header.
      if (!reply && typeof body?.anthropic_version !== 'string')
        reply = { status: 400, body: { message: 'anthropic_version is required in the body' } };
      if (!reply && model !== undefined && !models.includes(model)) reply = shape.modelNotFound(model);
      if (reply) {
        record.status = reply.status;
        send(response, reply);
        return;
      }
      record.status = 200;
      await relay(anthropic, model ?? '', body ?? {}, response);
    })().catch((error: unknown) => {
      send(response, { status: 500, body: { message: String(error) } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    anthropic,
    requests,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await anthropic.close();
    },
  };
}
