import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpError, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { context, trace, TraceFlags, type Context, type Span, type SpanOptions, type Tracer } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKEND_HEALTH_URI } from '../common/backend-health.js';
import { startHttpTransport, type RunningHttpServer } from '../common/http-transport.js';
import type { ArgocdServerConfig } from './config.js';
import { loadConfig } from './config.js';
import { createArgocdServer, type ArgocdServerDeps } from './server.js';

// A minimal Argo CD on loopback for the error paths: two apps, a 404, a 503.
const APPS = ['checkout', 'payments-api'].map((name) => ({
  metadata: { name },
  spec: { project: 'shop' },
  status: { sync: { status: 'Synced' }, health: { status: 'Healthy' } },
}));
let argo: HttpServer;
let argoUrl = '';
const seenAuthorization: string[] = [];

beforeAll(async () => {
  argo = createServer((req, res) => {
    seenAuthorization.push(req.headers.authorization ?? '');
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const send = (status: number, body: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (path === '/api/version') return send(200, { Version: 'v3.5.1+test' });
    if (path === '/api/v1/applications') return send(200, { items: APPS });
    if (path === '/api/v1/applications/checkout') return send(200, APPS[0]);
    if (path === '/api/v1/applications/flaky')
      return send(503, { code: 14, message: 'connection to repo-server lost' });
    return send(404, { code: 5, message: `applications.argoproj.io "${path.split('/').pop()}" not found` });
  });
  await new Promise<void>((resolve) => argo.listen(0, '127.0.0.1', resolve));
  argoUrl = `http://127.0.0.1:${(argo.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => argo.close(() => resolve()));
});

function config(url = argoUrl): ArgocdServerConfig {
  return { url, token: 'argo-token-under-test', requestTimeoutMs: 5_000, logLevel: 'silent' };
}

async function connect(deps: ArgocdServerDeps = {}, url?: string): Promise<Client> {
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  await createArgocdServer(config(url), deps).connect(serverTransport);
  const client = new Client({ name: 'test', version: '1.0.0' });
  await client.connect(clientTransport);
  return client;
}

function text(result: unknown): string {
  return ((result as CallToolResult).content[0] as { text: string }).text;
}

describe('argocd server contract', () => {
  it('does not list or run write tools unless writes are enabled', async () => {
    const readOnly = await connect();
    const names = (await readOnly.listTools()).tools.map((tool) => tool.name);
    expect(names).toContain('get_application');
    expect(names).not.toContain('sync_application');
    expect(names).not.toContain('rollback_application');
    await expect(readOnly.callTool({ name: 'sync_application', arguments: { name: 'checkout' } })).rejects.toThrow(
      /writes are disabled.*--enable-writes/,
    );

    const writable = await connect({ enableWrites: true });
    const tools = (await writable.listTools()).tools;
    const sync = tools.find((tool) => tool.name === 'sync_application');
    expect(sync?.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: true });
    expect(tools.find((tool) => tool.name === 'get_application')?.annotations).toMatchObject({
      readOnlyHint: true,
      destructiveHint: false,
    });
  });

  it('answers an unknown application with the closest names and the tool that lists apps', async () => {
    const client = await connect();
    const result = await client.callTool({ name: 'get_application', arguments: { name: 'chekout' } });
    expect(result.isError).toBe(true);
    expect(text(result)).toBe(
      "Argo CD application 'chekout' not found. Closest matches: checkout. Call list_applications (nameContains " +
        'filters by fragment) to see the applications that exist.',
    );
  });

  it('throws a retryable protocol error when Argo CD answers 503', async () => {
    const client = await connect();
    const error = await client
      .callTool({ name: 'get_application', arguments: { name: 'flaky' } })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(McpError);
    expect((error as McpError).message).toContain('answered 503: connection to repo-server lost');
    expect((error as McpError).data).toMatchObject({ code: 'backend_unavailable', isRetryable: true });
  });

  it('throws a retryable protocol error when Argo CD refuses connections', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const client = await connect({}, deadUrl);
    const error = (await client
      .callTool({ name: 'list_applications', arguments: {} })
      .catch((caught: unknown) => caught)) as McpError;
    expect(error.data).toMatchObject({ code: 'backend_unavailable', isRetryable: true });
    expect(error.message).toMatch(/unreachable: .*ECONNREFUSED/);
  });

  it('rejects arguments that would choose the backend or the identity', async () => {
    // Injection risk: text in a Slack thread or a pod log can steer the model into passing a
    // server URL or token. If a tool honoured it, the bot's credentials would be sent to an
    // attacker's host, or the call would run as someone else. Schemas are strict, so any such
    // argument fails validation instead of being silently ignored or used.
    const client = await connect();
    for (const extra of [
      { server: 'https://attacker.example.com' },
      { argocdUrl: 'http://169.254.169.254' },
      { token: 'stolen' },
      { project: 'shop', impersonate: 'admin' },
    ]) {
      await expect(client.callTool({ name: 'list_applications', arguments: extra })).rejects.toThrow(
        /unknown argument/,
      );
    }
    const schemas = (await client.listTools()).tools.map(
      (tool) => tool.inputSchema as { additionalProperties?: unknown; properties?: Record<string, unknown> },
    );
    for (const schema of schemas) {
      expect(schema.additionalProperties).toBe(false);
      expect(Object.keys(schema.properties ?? {})).not.toEqual(
        expect.arrayContaining(['url', 'server', 'token', 'context', 'kubeconfig']),
      );
    }
    expect(seenAuthorization.every((header) => header === 'Bearer argo-token-under-test')).toBe(true);
  });

  it('continues the caller trace from traceparent in _meta, one span per call', async () => {
    const spans: Array<{ name: string; parent: Context }> = [];
    const tracer: Tracer = {
      startSpan: (name: string, _options?: SpanOptions, parent: Context = context.active()): Span => {
        spans.push({ name, parent });
        const parentSpan = trace.getSpanContext(parent);
        return trace.wrapSpanContext({
          traceId: parentSpan?.traceId ?? 'a'.repeat(32),
          spanId: 'b'.repeat(16),
          traceFlags: TraceFlags.SAMPLED,
        });
      },
      startActiveSpan: ((name: string, options: SpanOptions, parent: Context, fn: (span: Span) => unknown) => {
        const span = tracer.startSpan(name, options, parent);
        return context.with(trace.setSpan(parent, span), () => fn(span));
      }) as Tracer['startActiveSpan'],
    };
    const client = await connect({ tracer });
    await client.callTool({
      name: 'list_applications',
      arguments: {},
      _meta: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
    });
    expect(spans).toHaveLength(1);
    expect(spans[0]?.name).toBe('execute_tool list_applications');
    expect(trace.getSpanContext(spans[0]!.parent)).toMatchObject({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      isRemote: true,
    });
  });
});

describe('argocd server backend health', () => {
  it('offers the backend-health resource, which calls Argo CD and says what answered', async () => {
    const client = await connect();
    expect(client.getServerCapabilities()?.resources).toBeDefined();
    expect((await client.listResources()).resources).toEqual([
      expect.objectContaining({ uri: BACKEND_HEALTH_URI, mimeType: 'application/json' }),
    ]);
    const before = seenAuthorization.length;
    const read = await client.readResource({ uri: BACKEND_HEALTH_URI });
    const health = JSON.parse((read.contents[0] as { text: string }).text) as Record<string, unknown>;
    expect(health).toMatchObject({
      reachable: true,
      backend: 'argocd',
      detail: `Argo CD v3.5.1+test at ${new URL(argoUrl).host}`,
    });
    expect(seenAuthorization.slice(before)).toEqual(['Bearer argo-token-under-test']);
    await client.close();
  });

  it(
    'answers a retryable error naming the outage when ' + 'Argo CD does not answer, and -32002 for another uri',
    async () => {
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const deadUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
      await new Promise<void>((resolve) => closed.close(() => resolve()));
      const client = await connect({}, deadUrl);
      const failure = await client.readResource({ uri: BACKEND_HEALTH_URI }).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(McpError);
      expect(failure).toMatchObject({ code: -32603, data: { code: 'backend_unavailable', isRetryable: true } });
      expect((failure as McpError).message).toMatch(
        /argocd backend check failed: Argo CD at 127\.0\.0\.1:\d+ is unreachable/,
      );
      expect((failure as McpError).message).not.toContain('argo-token-under-test');
      await expect(client.readResource({ uri: 'sre-bot://other' })).rejects.toMatchObject({ code: -32002 });
      await client.close();
    },
  );
});

describe('argocd server over streamable HTTP', () => {
  let http: RunningHttpServer;
  const authToken = 'inbound-token-0123456789';

  beforeAll(async () => {
    http = await startHttpTransport({
      createServer: () => createArgocdServer(config()),
      authToken,
      port: 0,
      logger: (await import('../common/logger.js')).createSilentServerLogger(),
    });
  });
  afterAll(async () => {
    await http.close();
  });

  it('serves /healthz without auth and refuses /mcp without the bearer token', async () => {
    expect((await fetch(http.url.replace('/mcp', '/healthz'))).status).toBe(200);
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
    const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    expect((await fetch(http.url, { method: 'POST', headers, body })).status).toBe(401);
    expect(
      (
        await fetch(http.url, {
          method: 'POST',
          headers: { ...headers, authorization: 'Bearer wrong-token-000000000' },
          body,
        })
      ).status,
    ).toBe(401);
  });

  it('lists and calls tools with the token (stateless: every request stands alone)', async () => {
    const client = new Client({ name: 'test', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(http.url), {
        requestInit: { headers: { authorization: `Bearer ${authToken}` } },
      }),
    );
    expect((await client.listTools()).tools.map((tool) => tool.name)).toContain('list_applications');
    const result = await client.callTool({ name: 'list_applications', arguments: { nameContains: 'pay' } });
    expect(text(result)).toContain('payments-api  Synced/Healthy');
    const health = await client.readResource({ uri: BACKEND_HEALTH_URI });
    expect(JSON.parse((health.contents[0] as { text: string }).text)).toMatchObject({
      reachable: true,
      backend: 'argocd',
    });
    await client.close();
  });
});

describe('argocd loadConfig', () => {
  it('names every missing variable at once', () => {
    expect(() => loadConfig({})).toThrow(
      'invalid argocd MCP server configuration: ARGOCD_URL is required; ARGOCD_TOKEN is required',
    );
  });
  it('rejects a non-http URL and a short inbound token', () => {
    expect(() => loadConfig({ ARGOCD_URL: 'file:///etc/passwd', ARGOCD_TOKEN: 't', MCP_AUTH_TOKEN: 'short' })).toThrow(
      /ARGOCD_URL must be an http:\/\/ or https:\/\/ URL.*MCP_AUTH_TOKEN must be at least 16 characters/,
    );
  });
});
