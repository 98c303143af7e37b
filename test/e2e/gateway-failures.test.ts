import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ToolCaller } from '../../bot/agent/tool-caller.js';
import { McpToolGateway } from '../../bot/gateway-client/mcp-tool-gateway.js';
import { startFakeUpstream, type FakeUpstream } from '../../mcp-servers/gateway/testing/fake-upstream.js';
import { hashOf, startTestGateway, type StartedGateway } from '../../mcp-servers/gateway/testing/gateway-fixture.js';

/**
 * Retryability survives from the MCP gateway to the pipeline: an instance that is down reaches
 * the bot as a retryable failure, a wrong call as a non-retryable one, and a fan-out with one
 * dead member answers with the others and names the dead one.
 */
const UPSTREAM_TOKEN = 'upstream-token-0123456789';
const BOT = 'bot-token-0123456789';
let healthy: FakeUpstream;
let failing: FakeUpstream;
let stopped: FakeUpstream;
let started: StartedGateway;
let gateway: McpToolGateway;

beforeAll(async () => {
  [healthy, failing, stopped] = await Promise.all([
    startFakeUpstream({ token: UPSTREAM_TOKEN, things: ['payments'] }),
    startFakeUpstream({ token: UPSTREAM_TOKEN, things: ['cart'], failing: true }),
    startFakeUpstream({ token: UPSTREAM_TOKEN, things: ['search'] }),
  ]);
  started = await startTestGateway(
    {
      timeouts: { callMs: 2000, connectMs: 2000, healthCheckMs: 2000 },
      healthCheck: { intervalMs: 0 },
      circuitBreaker: { failureThreshold: 5, cooldownMs: 60_000 },
      retry: { retries: 0, minDelayMs: 0 },
      upstreams: [
        { kind: 'argocd', instance: 'argocd-eu', url: healthy.url, auth: { bearerTokenEnv: 'UPSTREAM_TOKEN' } },
        { kind: 'argocd', instance: 'argocd-us', url: failing.url, auth: { bearerTokenEnv: 'UPSTREAM_TOKEN' } },
        { kind: 'argocd', instance: 'argocd-ap', url: stopped.url, auth: { bearerTokenEnv: 'UPSTREAM_TOKEN' } },
      ],
      callers: [{ principal: 'bot', tokenSha256: hashOf(BOT) }],
    },
    { UPSTREAM_TOKEN },
  );
  gateway = new McpToolGateway({ url: started.url, token: BOT });
  await gateway.listTools();
  await stopped.stop();
});

afterAll(async () => {
  await gateway?.close();
  await started?.close();
  await Promise.all([healthy, failing, stopped].map((fake) => fake?.close()));
});

describe('gateway failures as the pipeline sees them', () => {
  it('an instance whose backend fails retryably, or that is down, is a retryable failure', async () => {
    const backendDown = await gateway.callTool('list_things', { instance: 'argocd-us' });
    expect(backendDown).toMatchObject({ isError: true, failure: { isRetryable: true } });
    const serverDown = await gateway.callTool('list_things', { instance: 'argocd-ap' });
    expect(serverDown).toMatchObject({ isError: true, failure: { isRetryable: true } });
  });

  it('a call the gateway rejects is a failure not worth retrying', async () => {
    const result = await gateway.callTool('no_such_tool', {});
    expect(result).toMatchObject({ isError: true, failure: { code: 'protocol_error', isRetryable: false } });
  });

  it('a fan-out with dead members answers with the live one and names the others', async () => {
    const recorded: string[] = [];
    const tools = new ToolCaller(
      gateway,
      { record: (call) => Promise.resolve(void recorded.push(call.outcome)) },
      { now: () => 0 },
    );
    await tools.load();
    const result = await tools.call('list_things', {});
    expect(result.failure).toBeUndefined();
    expect(result.structured).toMatchObject({
      results: [{ instance: 'argocd-eu' }],
      unreachable: expect.arrayContaining([
        expect.objectContaining({ instance: 'argocd-ap' }),
        expect.objectContaining({ instance: 'argocd-us' }),
      ]) as unknown,
    });
    expect(recorded).toEqual(['ok']);
  });
});
