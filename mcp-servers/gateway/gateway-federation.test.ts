import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { startFakeUpstream, type FakeUpstream } from './testing/fake-upstream.js';
import { hashOf, startTestGateway, type StartedGateway } from './testing/gateway-fixture.js';
import { TOOL_NAME } from './tool-catalog.js';

const UPSTREAM_TOKEN = 'upstream-token-0123456789';
const ADMIN = 'admin-token-0123456789';
let fakes: FakeUpstream[] = [];
let started: StartedGateway;
let admin: Client;
let clock = 0;
const spans = new InMemorySpanExporter();
const tracer = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: spans })] }).getTracer(
  'gateway-test',
);

function text(result: Awaited<ReturnType<Client['callTool']>>): string {
  return (result as CallToolResult).content.map((item) => (item.type === 'text' ? item.text : '')).join('\n');
}

beforeAll(async () => {
  fakes = await Promise.all([
    startFakeUpstream({ token: UPSTREAM_TOKEN, things: ['payments', 'cart'] }),
    startFakeUpstream({ token: UPSTREAM_TOKEN, things: ['payments', 'search'] }),
    startFakeUpstream({ token: UPSTREAM_TOKEN, things: ['billing'] }),
    startFakeUpstream({ token: UPSTREAM_TOKEN, things: ['x'] }),
  ]);
  const [eu, us, dev, other] = fakes;
  started = await startTestGateway(
    {
      timeouts: { callMs: 2000, connectMs: 2000, healthCheckMs: 2000 },
      healthCheck: { intervalMs: 0 },
      circuitBreaker: { failureThreshold: 2, cooldownMs: 60_000 },
      retry: { retries: 0, minDelayMs: 0 },
      upstreams: [
        {
          kind: 'argocd',
          instance: 'argocd-eu',
          url: eu?.url,
          auth: { bearerTokenEnv: 'UPSTREAM_TOKEN' },
          labels: { env: 'prod', region: 'eu' },
        },
        {
          kind: 'argocd',
          instance: 'argocd-us',
          url: us?.url,
          auth: { bearerTokenEnv: 'UPSTREAM_TOKEN' },
          labels: { env: 'prod', region: 'us' },
        },
        {
          kind: 'argocd',
          instance: 'argocd-dev',
          url: dev?.url,
          auth: { bearerTokenEnv: 'UPSTREAM_TOKEN' },
          labels: { env: 'dev' },
        },
        { kind: 'other', instance: 'tools-1', url: other?.url, auth: { bearerTokenEnv: 'UPSTREAM_TOKEN' } },
      ],
      callers: [{ principal: 'admin', tokenSha256: hashOf(ADMIN), writes: true }],
    },
    { UPSTREAM_TOKEN },
    { now: () => clock, tracer },
  );
  admin = await started.connect(ADMIN);
});

afterAll(async () => {
  await started?.close();
  await Promise.all(fakes.map((fake) => fake.close()));
});

describe('federation', () => {
  it('lists each federated tool once with an instance enum, and other upstreams as instance__tool', async () => {
    const { tools } = await admin.listTools();
    const names = tools.map((tool) => tool.name).sort();
    expect(names).toEqual([
      'echo_request',
      'get_thing',
      'list_things',
      'set_thing',
      'tools-1__echo_request',
      'tools-1__get_thing',
      'tools-1__list_things',
      'tools-1__set_thing',
    ]);
    for (const name of names) expect(name).toMatch(TOOL_NAME);
    const list = tools.find((tool) => tool.name === 'list_things');
    const instance = list?.inputSchema.properties?.instance as { enum: string[]; description: string };
    expect(instance.enum).toEqual(['argocd-eu', 'argocd-us', 'argocd-dev']);
    expect(instance.description).toContain('argocd-eu (env=prod, region=eu)');
    expect(list?.inputSchema.required ?? []).not.toContain('instance');
    const write = tools.find((tool) => tool.name === 'set_thing');
    expect(write?.inputSchema.required).toEqual(expect.arrayContaining(['name', 'instance', 'approval_id']));
    expect(tools.find((tool) => tool.name === 'tools-1__list_things')?.inputSchema.properties).not.toHaveProperty(
      'instance',
    );
  });

  it('calls one instance when instance is given, and strips the instance argument', async () => {
    const result = await admin.callTool({ name: 'list_things', arguments: { instance: 'argocd-us' } });
    expect(result.structuredContent).toEqual({ things: ['payments', 'search'], instance: 'argocd-us' });
    expect(fakes[1]?.calls.at(-1)?.arguments).toEqual({});
  });

  it('fans a list tool out to every instance and tags the results with their instance', async () => {
    const result = await admin.callTool({ name: 'list_things', arguments: {} });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toEqual({
      results: [
        { instance: 'argocd-eu', things: ['payments', 'cart'] },
        { instance: 'argocd-us', things: ['payments', 'search'] },
        { instance: 'argocd-dev', things: ['billing'] },
      ],
      unreachable: [],
    });
    expect(text(result)).toContain('## argocd-dev (env=dev)\nbilling');
  });

  it('resolves a get_ tool to the one instance that has the object', async () => {
    const result = await admin.callTool({ name: 'get_thing', arguments: { name: 'cart' } });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ name: 'cart', instance: 'argocd-eu' });
    expect(text(result)).toContain('Found on argocd-eu');
  });

  it('asks for an instance when several instances have the object', async () => {
    const result = await admin.callTool({ name: 'get_thing', arguments: { name: 'payments' } });
    expect(result.isError).toBe(true);
    expect(result.structuredContent).toMatchObject({ candidates: ['argocd-eu', 'argocd-us'] });
    expect(text(result)).toContain('"instance"');
  });

  it('says where it looked when no instance has the object', async () => {
    const result = await admin.callTool({ name: 'get_thing', arguments: { name: 'nope' } });
    expect(result.isError).toBe(true);
    expect(text(result)).toContain('not found on any reachable instance (argocd-eu, argocd-us, argocd-dev)');
    expect(text(result)).toContain("thing 'nope' not found; call list_things");
  });

  it('propagates the caller traceparent upstream in _meta', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    await admin.callTool({
      name: 'list_things',
      arguments: { instance: 'argocd-eu' },
      _meta: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
    });
    const sent = fakes[0]?.calls.at(-1)?.traceparent ?? '';
    expect(sent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    expect(started.audit.at(-1)?.traceId).toBe(traceId);
    // One SERVER span continuing the caller's span, one CLIENT span per upstream call, whose id went upstream.
    const finished = spans.getFinishedSpans().filter((span) => span.spanContext().traceId === traceId);
    const server = finished.find((span) => span.kind === SpanKind.SERVER);
    const client = finished.find((span) => span.kind === SpanKind.CLIENT);
    expect(server?.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
    expect(server?.attributes).toMatchObject({
      'gen_ai.tool.name': 'list_things',
      'sre_bot.gateway.principal': 'admin',
      'sre_bot.gateway.instance': 'argocd-eu',
    });
    expect(client?.parentSpanContext?.spanId).toBe(server?.spanContext().spanId);
    expect(sent.split('-')[2]).toBe(client?.spanContext().spanId);
  });
});

describe('output schemas', () => {
  it('advertises each upstream output schema per federated tool, with the instance field added', async () => {
    const { tools } = await admin.listTools();
    const schemaOf = (name: string) =>
      tools.find((tool) => tool.name === name)?.outputSchema as { anyOf?: unknown[] } | undefined;
    const single = {
      type: 'object',
      properties: expect.objectContaining({
        things: expect.anything(),
        instance: expect.objectContaining({ type: 'string' }),
      }) as unknown,
      required: ['things', 'instance'],
    };
    expect(schemaOf('list_things')?.anyOf).toEqual(
      expect.arrayContaining([
        expect.objectContaining(single),
        expect.objectContaining({ required: ['results', 'unreachable'] }),
      ]),
    );
    expect(schemaOf('get_thing')?.anyOf).toHaveLength(2);
    expect(schemaOf('tools-1__list_things')?.anyOf?.[0]).toEqual(
      expect.objectContaining({ required: ['things'], additionalProperties: false }),
    );
    // Upstreams that declare none get none.
    expect(schemaOf('echo_request')).toBeUndefined();
  });

  it(
    'returns results the SDK client accepts against those ' + 'schemas: one instance, fan-outs, refusals and errors',
    async () => {
      // A fresh client: listTools caches the validators that callTool then applies to every structuredContent.
      const client = await started.connect(ADMIN);
      try {
        await client.listTools();
        const calls: Array<{ name: string; arguments: Record<string, unknown>; isError: boolean }> = [
          { name: 'list_things', arguments: { instance: 'argocd-eu' }, isError: false },
          { name: 'list_things', arguments: {}, isError: false },
          { name: 'list_things', arguments: { instance: 'argocd-nowhere' }, isError: true },
          { name: 'get_thing', arguments: { name: 'cart' }, isError: false },
          { name: 'get_thing', arguments: { name: 'payments' }, isError: true },
          { name: 'get_thing', arguments: { name: 'nope' }, isError: true },
          { name: 'get_thing', arguments: { name: 'billing', instance: 'argocd-dev' }, isError: false },
          { name: 'tools-1__list_things', arguments: {}, isError: false },
        ];
        for (const call of calls) {
          const result = await client.callTool({ name: call.name, arguments: call.arguments });
          expect({ call, isError: result.isError === true }).toEqual({ call, isError: call.isError });
          expect(result.structuredContent).toBeDefined();
        }
        expect((await client.callTool({ name: 'tools-1__list_things', arguments: {} })).structuredContent).toEqual({
          things: ['x'],
        });
      } finally {
        await client.close();
      }
    },
  );

  it('returns a fan-out with a down instance that the SDK client accepts', async () => {
    const dev = fakes[2];
    if (!dev) throw new Error('fixture missing');
    const client = await started.connect(ADMIN);
    await dev.stop();
    try {
      await client.listTools();
      const listed = await client.callTool({ name: 'list_things', arguments: {} });
      expect(
        (listed.structuredContent as { unreachable: Array<{ instance: string }> }).unreachable.map(
          (item) => item.instance,
        ),
      ).toEqual(['argocd-dev']);
      const found = await client.callTool({ name: 'get_thing', arguments: { name: 'cart' } });
      expect(found.structuredContent).toMatchObject({
        instance: 'argocd-eu',
        unreachable: [{ instance: 'argocd-dev' }],
      });
    } finally {
      await client.close();
      await dev.start();
      clock += 60_000;
      await started.gateway.checkHealth();
    }
  });
});

describe('failures', () => {
  it('reports a dead instance as unreachable, opens its circuit, then skips it until a probe succeeds', async () => {
    const dev = fakes[2];
    if (!dev) throw new Error('fixture missing');
    await dev.stop();
    const first = await admin.callTool({ name: 'list_things', arguments: {} });
    expect(first.isError).toBeFalsy();
    const structured = first.structuredContent as {
      results: Array<{ instance: string }>;
      unreachable: Array<{ instance: string; error: string }>;
    };
    expect(structured.results.map((item) => item.instance)).toEqual(['argocd-eu', 'argocd-us']);
    expect(structured.unreachable).toEqual([
      { instance: 'argocd-dev', error: expect.stringContaining('argocd-dev is unreachable') as unknown },
    ]);
    expect(text(first)).toContain('1 unreachable (argocd-dev)');
    expect(started.audit.at(-1)).toMatchObject({ outcome: 'partial', unreachable: ['argocd-dev'] });

    await admin.callTool({ name: 'list_things', arguments: {} });
    expect(started.gateway.status().find((item) => item.instance === 'argocd-dev')?.circuit).toBe('open');
    await dev.start();
    const callsBefore = dev.calls.length;
    const skipped = await admin.callTool({ name: 'list_things', arguments: {} });
    expect((skipped.structuredContent as { unreachable: Array<{ error: string }> }).unreachable[0]?.error).toContain(
      'circuit open',
    );
    expect(dev.calls.length).toBe(callsBefore);

    clock += 60_000;
    await started.gateway.checkHealth();
    expect(started.gateway.status().find((item) => item.instance === 'argocd-dev')?.circuit).toBe('closed');
    const healed = await admin.callTool({ name: 'list_things', arguments: {} });
    expect((healed.structuredContent as { unreachable: unknown[] }).unreachable).toEqual([]);
  });

  it('throws a retryable JSON-RPC error when the one instance asked is down', async () => {
    const us = fakes[1];
    if (!us) throw new Error('fixture missing');
    await us.stop();
    try {
      await expect(admin.callTool({ name: 'list_things', arguments: { instance: 'argocd-us' } })).rejects.toMatchObject(
        { code: -32603, data: { code: 'upstream_unavailable', isRetryable: true } },
      );
    } finally {
      await us.start();
      clock += 60_000;
      await started.gateway.checkHealth();
    }
  });

  it('serves health, readiness and Prometheus metrics', async () => {
    const base = started.url.replace(/\/mcp$/, '');
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ healthyUpstreams: 4, upstreams: 4 });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(
      /sre_bot_gateway_upstream_calls_total\{upstream="argocd\/argocd-dev",outcome="unavailable"\} [1-9]/,
    );
    expect(metrics).toMatch(/sre_bot_gateway_upstream_circuit_state\{upstream="argocd\/argocd-dev"\} 0/);
    expect(metrics).toMatch(
      /sre_bot_gateway_upstream_call_duration_seconds_bucket\{le="[^"]+",upstream="argocd\/argocd-eu"\}/,
    );
    expect(metrics).toMatch(/sre_bot_gateway_calls_total\{tool="list_things",outcome="partial"\} [1-9]/);
  });
});
