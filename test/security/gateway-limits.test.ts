import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from '../../mcp-servers/gateway/testing/fake-upstream.js';
import { hashOf, startTestGateway, type StartedGateway } from '../../mcp-servers/gateway/testing/gateway-fixture.js';

const UPSTREAM = 'limits-upstream-token-0123456789';
const CALLER = 'limits-caller-token-0123456789';
const BUSY = 'limits-busy-token-0123456789';
const METRICS = 'limits-metrics-token-0123456789';
let fakes: FakeUpstream[] = [];
let started: StartedGateway;

function rpc(token: string, body: unknown): Promise<Response> {
  return fetch(started.url, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

beforeAll(async () => {
  fakes = await Promise.all([0, 1, 2].map((index) => startFakeUpstream({ token: UPSTREAM, things: [`t${index}`] })));
  const auth = { bearerTokenEnv: 'UPSTREAM_TOKEN' };
  started = await startTestGateway(
    {
      healthCheck: { intervalMs: 0 },
      metrics: { tokenSha256: hashOf(METRICS) },
      limits: { maxArgumentBytes: 256 * 1024, maxArgumentDepth: 32, maxFanOutInstances: 2, callsPerMinute: 5 },
      upstreams: fakes.map((fake, index) => ({ kind: 'kubernetes', instance: `k${index}`, url: fake.url, auth })),
      callers: [
        { principal: 'caller', tokenSha256: hashOf(CALLER) },
        { principal: 'busy', tokenSha256: hashOf(BUSY), allow: { instances: ['k0'], tools: ['*'] } },
      ],
    },
    { UPSTREAM_TOKEN: UPSTREAM },
  );
});

afterAll(async () => {
  await started?.close();
  await Promise.all(fakes.map((fake) => fake.close()));
});

/** Issue 19: the gateway's own limits (depth, fan-out width, per-caller rate). */
describe('gateway limits', () => {
  it('refuses a 30,000-deep argument with a protocol error instead of overflowing the stack', async () => {
    const deep = `${'{"a":'.repeat(30_000)}1${'}'.repeat(30_000)}`;
    const body =
      `{"jsonrpc":"2.0","id":1,"method":"tools/call",` + `"params":{"name":"list_things","arguments":{"x":${deep}}}}`;
    const response = await rpc(CALLER, body);
    const answer = (await response.json()) as { error?: { code: number; message: string } };
    expect(answer.error?.code).toBe(-32602);
    expect(answer.error?.message).toMatch(/nest deeper than 32 levels/);
    const event = started.audit.at(-1);
    expect(event?.outcome).toBe('rejected');
    // The gateway still answers afterwards.
    expect((await fetch(new URL('/healthz', started.url))).status).toBe(200);
  });

  it('refuses a fan-out wider than the cap and says to name the instance', async () => {
    const response = await rpc(CALLER, {
      jsonrpc: '2.0',
      id: 2,
      method: 'tools/call',
      params: { name: 'list_things', arguments: {} },
    });
    const answer = (await response.json()) as { result: CallToolResult };
    expect(answer.result.isError).toBe(true);
    expect(JSON.stringify(answer.result.content)).toMatch(/fan out to 3 instances \(at most 2\); name the instance/);
    expect(fakes.every((fake) => fake.calls?.length === undefined || fake.calls.length === 0)).toBe(true);
  });

  it('limits calls per caller and minute, and other callers are unaffected', async () => {
    const call = (token: string, id: number) =>
      rpc(token, { jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'list_things', arguments: {} } }).then(
        (response) => response.json() as Promise<{ result: CallToolResult }>,
      );
    const answers = [];
    for (let id = 0; id < 6; id += 1) answers.push(await call(BUSY, id));
    expect(answers.slice(0, 5).every((answer) => answer.result.isError !== true)).toBe(true);
    expect(answers[5]?.result.isError).toBe(true);
    expect(JSON.stringify(answers[5]?.result.content)).toMatch(/busy is over its call rate limit; try again in \d+ s/);
    expect((await call(CALLER, 99)).result.content).toBeDefined();
  });

  it('serves /metrics (which names every upstream) only to the metrics token', async () => {
    const metrics = new URL('/metrics', started.url);
    expect((await fetch(metrics)).status).toBe(401);
    expect((await fetch(metrics, { headers: { authorization: `Bearer ${CALLER}` } })).status).toBe(401);
    const allowed = await fetch(metrics, { headers: { authorization: `Bearer ${METRICS}` } });
    expect(allowed.status).toBe(200);
    expect(await allowed.text()).toContain('k0');
  });
});
