import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eventData } from './event-stream.js';
import { HttpMcpSession, MalformedReplyError, SessionExpiredError, UpstreamHttpError } from './http-session.js';
import { createSilentGatewayLogger } from './logger.js';
import { createSecretScrubber } from './secret-scrubber.js';
import { startStatefulUpstream, type StatefulUpstream } from './testing/stateful-upstream.js';
import { Upstream } from './upstream.js';
import { createUpstreamHttp, ResponseTooLargeError } from './upstream-http.js';

const TOKEN = 'stateful-token-0123456789';
const http = createUpstreamHttp();
const clientInfo = { name: 'http-session-test', version: '1.0.0' };

afterAll(() => http.close());

describe('event-stream data', () => {
  const collect = async (chunks: string[], maxBytes = 1 << 20): Promise<string[]> => {
    const events: string[] = [];
    for await (const data of eventData(Readable.from(chunks.map((chunk) => Buffer.from(chunk))), maxBytes))
      events.push(data);
    return events;
  };

  it('joins data lines, skips comments and other fields, and strips one leading space', async () => {
    expect(
      await collect([': keep-alive\n', 'event: message\nid: 7\ndata: {"a":\ndata:  1}\n\n', 'retry: 10\ndata\n\n']),
    ).toEqual(['{"a":\n 1}', '']);
  });

  it('handles CRLF and CR line ends, including a CRLF split across chunks', async () => {
    expect(await collect(['data: one\r', '\n\r', '\ndata: two\r\r'])).toEqual(['one', 'two']);
  });

  it('drops an event the stream ended before dispatching', async () => {
    expect(await collect(['data: done\n\ndata: cut off'])).toEqual(['done']);
  });

  it('stops reading past the byte limit', async () => {
    await expect(collect(['data: 0123456789\n\n', 'data: 0123456789\n\n'], 24)).rejects.toBeInstanceOf(
      ResponseTooLargeError,
    );
  });
});

describe('HttpMcpSession against the SDK server (stateful, event-stream answers)', () => {
  let upstream: StatefulUpstream;
  beforeAll(async () => {
    upstream = await startStatefulUpstream(TOKEN);
  });
  afterAll(async () => {
    await upstream.close();
  });

  it('opens a session, lists tools, answers the server ping inside a call, and ends the session', async () => {
    const methods: string[] = [];
    const session = await HttpMcpSession.open(
      {
        url: new URL(upstream.url),
        token: TOKEN,
        clientInfo,
        http,
        maxResponseBytes: 1 << 20,
        onServerMessage: (method) => methods.push(method),
      },
      AbortSignal.timeout(5000),
    );
    expect(session.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(upstream.sessions.has(session.sessionId ?? '')).toBe(true);
    const tools = await session.listTools(undefined, AbortSignal.timeout(5000));
    expect(tools.tools.map((tool) => tool.name)).toEqual(['slow_echo', 'boom', 'hang']);
    const result = await session.callTool({ name: 'slow_echo', arguments: { text: 'hi' } }, AbortSignal.timeout(5000));
    expect(result).toEqual({ content: [{ type: 'text', text: 'echo: hi' }], structuredContent: { echoed: 'hi' } });
    expect(methods).toEqual(['notifications/message', 'ping']);
    // The server only answers the call after our ping answer reached it on a POST of its own.
    expect(upstream.seen).toContain('POST response');
    // Request ids are unique within the session, counting initialize (sent before the id existed).
    const ids = [
      ...(upstream.requestIds.get('-') ?? []).slice(-1),
      ...(upstream.requestIds.get(session.sessionId ?? '') ?? []),
    ];
    expect(ids).toEqual([1, 2, 3]);
    await session.close();
    expect(upstream.sessions.has(session.sessionId ?? '')).toBe(false);
  });

  it('surfaces a JSON-RPC error as the McpError the SDK client would raise', async () => {
    const session = await HttpMcpSession.open(
      { url: new URL(upstream.url), token: TOKEN, clientInfo, http, maxResponseBytes: 1 << 20 },
      AbortSignal.timeout(5000),
    );
    const error = await session
      .callTool({ name: 'boom', arguments: {} }, AbortSignal.timeout(5000))
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(McpError);
    expect((error as McpError).code).toBe(-32603);
    expect((error as McpError).message).toContain('boom failed on purpose');
    await session.close();
  });

  it('tells a stateful upstream when it abandons a request', async () => {
    const session = await HttpMcpSession.open(
      { url: new URL(upstream.url), token: TOKEN, clientInfo, http, maxResponseBytes: 1 << 20 },
      AbortSignal.timeout(5000),
    );
    const before = upstream.cancelled;
    const error = await session
      .callTool({ name: 'hang', arguments: {} }, AbortSignal.timeout(100))
      .catch((caught: unknown) => caught);
    expect((error as Error).name).toMatch(/AbortError|TimeoutError/);
    for (let waited = 0; upstream.cancelled === before && waited < 3000; waited += 20)
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(upstream.cancelled).toBe(before + 1);
    expect(upstream.seen).toContain('POST notifications/cancelled');
    await session.close();
  });

  it('reports a forgotten session as expired, and an Upstream reopens it once and carries on', async () => {
    const session = await HttpMcpSession.open(
      { url: new URL(upstream.url), token: TOKEN, clientInfo, http, maxResponseBytes: 1 << 20 },
      AbortSignal.timeout(5000),
    );
    upstream.forgetSessions();
    await expect(session.listTools(undefined, AbortSignal.timeout(5000))).rejects.toBeInstanceOf(SessionExpiredError);

    const gatewayUpstream = new Upstream(
      {
        kind: 'other',
        instance: 'stateful',
        url: upstream.url,
        token: TOKEN,
        args: [],
        env: {},
        labels: {},
        readOnlyTools: [],
        blockedArguments: [],
      },
      {
        callTimeoutMs: 5000,
        connectTimeoutMs: 5000,
        healthCheckTimeoutMs: 5000,
        failureThreshold: 3,
        cooldownMs: 1000,
        retries: 0,
        retryMinDelayMs: 0,
        clientVersion: 'test',
        logger: createSilentGatewayLogger(),
        scrubber: createSecretScrubber([TOKEN]),
        http,
        maxResponseBytes: 1 << 20,
      },
    );
    expect(await gatewayUpstream.checkHealth()).toBe(true);
    const initializes = () => upstream.seen.filter((line) => line === 'POST initialize').length;
    const before = initializes();
    upstream.forgetSessions();
    const result = await gatewayUpstream.callTool('slow_echo', { text: 'again' }, { isReadOnly: false });
    expect(result.structuredContent).toEqual({ echoed: 'again' });
    expect(initializes()).toBe(before + 1);
    expect(gatewayUpstream.breaker.consecutiveFailures).toBe(0);
    await gatewayUpstream.close();
  });
});

describe('HttpMcpSession against misbehaving upstreams', () => {
  let server: Server;
  let url: URL;
  let handler: (req: IncomingMessage, res: ServerResponse, body: Record<string, unknown>) => void = () => undefined;
  const json = (res: ServerResponse, status: number, body: unknown) =>
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  /** Answers initialize and initialized like a stateless server; everything else goes to `handler`. */
  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
        if (body.method === 'initialize')
          json(res, 200, {
            jsonrpc: '2.0',
            id: body.id,
            result: {
              protocolVersion: '2025-06-18',
              capabilities: { tools: {} },
              serverInfo: { name: 'odd', version: '1' },
            },
          });
        else if (body.method === 'notifications/initialized') res.writeHead(202).end();
        else handler(req, res, body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`);
  });
  afterEach(() => {
    handler = () => undefined;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const open = (maxResponseBytes = 1 << 20) =>
    HttpMcpSession.open({ url, clientInfo, http, maxResponseBytes }, AbortSignal.timeout(5000));
  const call = async (maxResponseBytes?: number, signal = AbortSignal.timeout(5000)) =>
    (await open(maxResponseBytes)).callTool({ name: 'x', arguments: {} }, signal).catch((error: unknown) => error);

  it('refuses an initialize answer for a protocol version it does not speak', async () => {
    const odd = createServer((_req, res) =>
      json(res, 200, {
        jsonrpc: '2.0',
        id: 1,
        result: { protocolVersion: '1999-01-01', capabilities: {}, serverInfo: { name: 'old', version: '1' } },
      }),
    );
    await new Promise<void>((resolve) => odd.listen(0, '127.0.0.1', resolve));
    const oddUrl = new URL(`http://127.0.0.1:${(odd.address() as AddressInfo).port}/mcp`);
    await expect(
      HttpMcpSession.open({ url: oddUrl, clientInfo, http, maxResponseBytes: 1 << 20 }, AbortSignal.timeout(5000)),
    ).rejects.toThrow(/1999-01-01/);
    odd.closeAllConnections();
    odd.close();
  });

  it('turns 401 and 5xx into UpstreamHttpError, with the JSON-RPC message when there is one', async () => {
    handler = (_req, res) => res.writeHead(401).end();
    expect(await call()).toMatchObject({ name: 'UpstreamHttpError', status: 401 });
    handler = (_req, res) =>
      json(res, 503, { jsonrpc: '2.0', error: { code: -32000, message: 'backend warming up' }, id: null });
    const error = (await call()) as UpstreamHttpError;
    expect(error).toBeInstanceOf(UpstreamHttpError);
    expect(error.message).toBe('HTTP 503: backend warming up');
  });

  it('refuses answers that are not the JSON-RPC response owed', async () => {
    handler = (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('<html>');
    expect(await call()).toBeInstanceOf(MalformedReplyError);
    handler = (_req, res, body) => json(res, 200, { jsonrpc: '2.0', id: Number(body.id) + 1, result: { content: [] } });
    expect(await call()).toBeInstanceOf(MalformedReplyError);
    handler = (_req, res, body) => json(res, 200, { jsonrpc: '2.0', id: body.id, result: { content: 'not a list' } });
    expect(await call()).toBeInstanceOf(MalformedReplyError);
    handler = (_req, res) => res.writeHead(202).end();
    expect(await call()).toBeInstanceOf(MalformedReplyError);
  });

  it('finds its response in a batch answer', async () => {
    handler = (_req, res, body) =>
      json(res, 200, [
        { jsonrpc: '2.0', id: 'other', result: {} },
        { jsonrpc: '2.0', id: body.id, result: { content: [{ type: 'text', text: 'ok' }] } },
      ]);
    expect(await call()).toEqual({ content: [{ type: 'text', text: 'ok' }] });
  });

  it('stops reading an answer over the byte limit, as JSON and as an event stream', async () => {
    const big = 'x'.repeat(4096);
    const answer = (id: unknown) => ({ jsonrpc: '2.0', id, result: { content: [{ type: 'text', text: big }] } });
    handler = (_req, res, body) => json(res, 200, answer(body.id));
    expect(await call(1024)).toBeInstanceOf(ResponseTooLargeError);
    handler = (_req, res, body) =>
      res.writeHead(200, { 'content-type': 'text/event-stream' }).end(`data: ${JSON.stringify(answer(body.id))}\n\n`);
    expect(await call(1024)).toBeInstanceOf(ResponseTooLargeError);
    expect(await call(1 << 20)).toEqual({ content: [{ type: 'text', text: big }] });
  });

  it('gives up on an upstream that never answers once the signal aborts', async () => {
    handler = () => undefined;
    const started = performance.now();
    const error = await call(undefined, AbortSignal.timeout(100));
    expect((error as Error).name).toMatch(/AbortError|TimeoutError/);
    expect(performance.now() - started).toBeLessThan(4000);
  });
});
