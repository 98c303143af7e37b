import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { ApprovalRequest } from './approval.js';
import { startFakeUpstream, type FakeUpstream } from './testing/fake-upstream.js';
import { hashOf, startTestGateway, type StartedGateway } from './testing/gateway-fixture.js';

// The upstream credential the gateway holds: it must never reach a caller, a log line or an audit event.
const CANARY = 'canary-upstream-secret-7f3a9c1e5b';
const ADMIN = 'admin-token-0123456789';
const READER = 'reader-token-0123456789';
const APPROVED = 'approval-42';
let fakes: FakeUpstream[] = [];
let started: StartedGateway;
let admin: Client;
let reader: Client;
const approvalRequests: Array<{ id: string; request: ApprovalRequest }> = [];

function text(result: unknown): string {
  return (result as CallToolResult).content.map((item) => (item.type === 'text' ? item.text : '')).join('\n');
}

beforeAll(async () => {
  fakes = await Promise.all([
    startFakeUpstream({ token: CANARY, things: ['payments'] }),
    startFakeUpstream({ token: CANARY, things: ['billing'] }),
    startFakeUpstream({ token: CANARY, things: ['x'] }),
    startFakeUpstream({ token: CANARY, things: ['slow'], delayMs: 10_000 }),
    startFakeUpstream({ token: CANARY, failing: true }),
  ]);
  const [prod, dev, other, slow, failing] = fakes;
  const auth = { bearerTokenEnv: 'UPSTREAM_TOKEN' };
  started = await startTestGateway(
    {
      timeouts: { callMs: 5000, connectMs: 2000, healthCheckMs: 2000 },
      healthCheck: { intervalMs: 0 },
      retry: { retries: 1, minDelayMs: 0 },
      limits: { maxArgumentBytes: 1024 },
      upstreams: [
        { kind: 'kubernetes', instance: 'prod-1', url: prod?.url, auth, labels: { env: 'prod' } },
        { kind: 'kubernetes', instance: 'dev-1', url: dev?.url, auth, labels: { env: 'dev' } },
        { kind: 'other', instance: 'careless', url: other?.url, auth, blockedArguments: ['target'] },
        { kind: 'kubernetes', instance: 'slow-1', url: slow?.url, auth, timeoutMs: 300, labels: { env: 'test' } },
        { kind: 'kubernetes', instance: 'failing-1', url: failing?.url, auth, labels: { env: 'test' } },
      ],
      callers: [
        { principal: 'admin', tokenSha256: hashOf(ADMIN), writes: true },
        {
          principal: 'dev-reader',
          tokenSha256: hashOf(READER),
          allow: { instances: ['env=dev'], tools: ['list_*', 'get_*'] },
        },
      ],
    },
    { UPSTREAM_TOKEN: CANARY },
    {
      approvalChecker: (id, request) => {
        approvalRequests.push({ id, request });
        return Promise.resolve(id === APPROVED);
      },
    },
  );
  admin = await started.connect(ADMIN);
  reader = await started.connect(READER);
});

afterAll(async () => {
  await started?.close();
  await Promise.all(fakes.map((fake) => fake.close()));
});

describe('authentication', () => {
  it('answers 401 to a missing or unknown bearer token', async () => {
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
    const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    expect((await fetch(started.url, { method: 'POST', headers, body })).status).toBe(401);
    const wrong = await fetch(started.url, {
      method: 'POST',
      headers: { ...headers, authorization: `Bearer ${CANARY}` },
      body,
    });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toBe('Bearer');
  });
});

describe('allow-lists', () => {
  it('shows a restricted caller only its tools and instances', async () => {
    const { tools } = await reader.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(['get_thing', 'list_things']);
    const instance = tools.find((tool) => tool.name === 'list_things')?.inputSchema.properties?.instance as {
      enum: string[];
    };
    expect(instance.enum).toEqual(['dev-1']);
  });

  it('refuses a hidden tool as unknown (JSON-RPC error) and a forbidden instance as an isError result', async () => {
    await expect(
      reader.callTool({ name: 'set_thing', arguments: { name: 'x', instance: 'dev-1', approval_id: APPROVED } }),
    ).rejects.toMatchObject({ code: -32602, message: expect.stringContaining("unknown tool 'set_thing'") as unknown });
    const result = await reader.callTool({ name: 'list_things', arguments: { instance: 'prod-1' } });
    expect(result.isError).toBe(true);
    expect(text(result)).toContain(
      "instance 'prod-1' is not available to dev-reader for list_things; use one of: dev-1",
    );
    expect(started.audit.at(-1)).toMatchObject({ principal: 'dev-reader', outcome: 'denied' });
  });

  it('fans out only over the permitted instances', async () => {
    const result = await reader.callTool({ name: 'list_things', arguments: {} });
    expect(result.structuredContent).toEqual({ things: ['billing'], instance: 'dev-1' });
  });
});

describe('writes', () => {
  it('refuses a write without approval_id and with an approval the checker rejects', async () => {
    const before = fakes[0]?.calls.length ?? 0;
    const missing = await admin.callTool({ name: 'set_thing', arguments: { name: 'payments', instance: 'prod-1' } });
    expect(missing.isError).toBe(true);
    expect(text(missing)).toContain('needs an approval');
    const rejected = await admin.callTool({
      name: 'set_thing',
      arguments: { name: 'payments', instance: 'prod-1', approval_id: 'forged' },
    });
    expect(rejected.isError).toBe(true);
    expect(text(rejected)).toContain("approval 'forged' does not approve set_thing on prod-1");
    expect(fakes[0]?.calls.length).toBe(before);
  });

  it('forwards an approved write once, without the gateway arguments, and never retries it', async () => {
    const result = await admin.callTool({
      name: 'set_thing',
      arguments: { name: 'payments', value: '2', instance: 'prod-1', approval_id: APPROVED },
    });
    expect(result.isError).toBeFalsy();
    expect(approvalRequests.at(-1)).toEqual({
      id: APPROVED,
      request: {
        principal: 'admin',
        instance: 'prod-1',
        tool: 'set_thing',
        arguments: { name: 'payments', value: '2' },
      },
    });
    expect(fakes[0]?.calls.at(-1)).toMatchObject({ name: 'set_thing', arguments: { name: 'payments', value: '2' } });

    const failing = fakes[4];
    const writesBefore = failing?.calls.length ?? 0;
    await expect(
      admin.callTool({ name: 'set_thing', arguments: { name: 'a', instance: 'failing-1', approval_id: APPROVED } }),
    ).rejects.toMatchObject({ code: -32603 });
    expect(failing?.calls.length).toBe(writesBefore + 1);
    await expect(admin.callTool({ name: 'list_things', arguments: { instance: 'failing-1' } })).rejects.toMatchObject({
      data: { isRetryable: true },
    });
    // A read is retried once (retries: 1) on a retryable failure.
    expect(failing?.calls.length).toBe(writesBefore + 3);
  });

  it('never fans a write out: the instance is required', async () => {
    const result = await admin.callTool({ name: 'set_thing', arguments: { name: 'payments', approval_id: APPROVED } });
    expect(result.isError).toBe(true);
    expect(text(result)).toContain('name the instance');
  });
});

describe('limits and credentials', () => {
  it('rejects oversized arguments before calling anyone', async () => {
    await expect(
      admin.callTool({ name: 'list_things', arguments: { filter: 'x'.repeat(2000) } }),
    ).rejects.toMatchObject({
      code: -32602,
      message: expect.stringContaining('the gateway accepts at most 1024') as unknown,
    });
    const huge = JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: { name: 'list_things', arguments: { filter: 'x'.repeat(200_000) } },
    });
    const response = await fetch(started.url, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${ADMIN}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: huge,
    });
    expect(response.status).toBe(413);
  });

  it('hides blocked arguments and refuses calls that pass them', async () => {
    const { tools } = await admin.listTools();
    expect(tools.find((tool) => tool.name === 'careless__echo_request')?.inputSchema.properties).not.toHaveProperty(
      'target',
    );
    await expect(
      admin.callTool({ name: 'careless__echo_request', arguments: { target: 'http://evil.example' } }),
    ).rejects.toMatchObject({ code: -32602 });
  });

  it('bounds a slow instance by its timeout and reports it', async () => {
    await expect(admin.callTool({ name: 'list_things', arguments: { instance: 'slow-1' } })).rejects.toMatchObject({
      data: { code: 'upstream_timeout' },
      message: expect.stringContaining('slow-1 did not answer within 300 ms') as unknown,
    });
  });

  it('never lets an upstream credential reach results, errors, audit events or logs', async () => {
    const echoed = await admin.callTool({ name: 'careless__echo_request', arguments: { note: `try ${CANARY}` } });
    expect(text(echoed)).toContain('authorization: Bearer [redacted]');
    await expect(admin.callTool({ name: 'careless__echo_request', arguments: { fail: true } })).rejects.toMatchObject({
      message: expect.stringContaining('[redacted]') as unknown,
    });
    await admin.callTool({ name: 'list_things', arguments: {} });
    const metrics = await (await fetch(started.url.replace(/\/mcp$/, '/metrics'))).text();
    const everything = [JSON.stringify(echoed), JSON.stringify(started.audit), started.logLines.join(''), metrics].join(
      '\n',
    );
    expect(fakes[2]?.calls.at(-1)?.authorization).toBe(`Bearer ${CANARY}`);
    expect(everything).not.toContain(CANARY);
    expect(started.audit.some((event) => event.tool === 'careless__echo_request')).toBe(true);
  });

  it('redacts secrets in the results of a third-party upstream, which does not redact its own output', async () => {
    const planted = 'sk_live_' + 'a1B2c3D4e5F6g7H8i9J0k1L2';
    const echoed = await admin.callTool({
      name: 'careless__echo_request',
      arguments: { note: `STRIPE_KEY=${planted}` },
    });
    expect(JSON.stringify(echoed)).not.toContain(planted);
    expect(JSON.stringify(echoed)).toContain('note: ');
  });
});
