import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSilentGatewayLogger } from './logger.js';
import { createSecretScrubber } from './secret-scrubber.js';
import { startFakeUpstream, type FakeUpstream } from './testing/fake-upstream.js';
import type { ResolvedUpstream } from './config.js';
import { Upstream, type UpstreamSettings } from './upstream.js';
import { createUpstreamHttp } from './upstream-http.js';

const TOKEN = 'retry-token-0123456789';
const http = createUpstreamHttp();
let failing: FakeUpstream;

function upstreamOver(
  fake: FakeUpstream | undefined,
  settings: Partial<UpstreamSettings>,
  config: Partial<ResolvedUpstream> = {},
): Upstream {
  return new Upstream(
    {
      kind: 'argocd',
      instance: 'flaky',
      ...(fake ? { url: fake.url } : {}),
      token: TOKEN,
      args: [],
      env: {},
      labels: {},
      readOnlyTools: [],
      blockedArguments: [],
      ...config,
    },
    {
      callTimeoutMs: 5000,
      connectTimeoutMs: 5000,
      healthCheckTimeoutMs: 5000,
      failureThreshold: 100,
      cooldownMs: 1000,
      retries: 0,
      retryMinDelayMs: 0,
      clientVersion: 'test',
      logger: createSilentGatewayLogger(),
      scrubber: createSecretScrubber([TOKEN]),
      http,
      maxResponseBytes: 1 << 20,
      ...settings,
    },
  );
}

beforeAll(async () => {
  failing = await startFakeUpstream({ token: TOKEN, things: ['a'], failing: true });
});

afterAll(async () => {
  await failing.close();
  http.close();
});

describe('Upstream retries', () => {
  it('retries a read on a retryable failure `retries` more times, backing off exponentially', async () => {
    const upstream = upstreamOver(failing, { retries: 3, retryMinDelayMs: 20 });
    const before = failing.calls.length;
    const started = performance.now();
    await expect(upstream.callTool('list_things', {}, { isReadOnly: true })).rejects.toMatchObject({
      code: 'upstream_unavailable',
      isRetryable: true,
    });
    const elapsed = performance.now() - started;
    expect(failing.calls.length - before).toBe(4);
    // Back-offs of 20, 40 and 80 ms between the four attempts.
    expect(elapsed).toBeGreaterThanOrEqual(135);
    expect(upstream.breaker.consecutiveFailures).toBe(1);
    await upstream.close();
  });

  it('never retries a write, and stops retrying at the deadline', async () => {
    const writes = upstreamOver(failing, { retries: 3, retryMinDelayMs: 20 });
    const before = failing.calls.length;
    await expect(writes.callTool('set_thing', { name: 'a' }, { isReadOnly: false })).rejects.toMatchObject({
      code: 'upstream_unavailable',
    });
    expect(failing.calls.length - before).toBe(1);
    await writes.close();

    const short = upstreamOver(failing, { retries: 5, retryMinDelayMs: 200, callTimeoutMs: 300 });
    const again = failing.calls.length;
    await expect(short.callTool('list_things', {}, { isReadOnly: true })).rejects.toMatchObject({
      code: 'upstream_timeout',
    });
    // 0 ms, then 200 ms; the next back-off (400 ms) would pass the 300 ms deadline. On a loaded
    // machine the first attempt alone can use up enough of it that the second is never sent.
    const attempts = failing.calls.length - again;
    expect(attempts).toBeGreaterThanOrEqual(1);
    expect(attempts).toBeLessThanOrEqual(2);
    await short.close();
  });
});

/** A stdio MCP server that takes 1.5 s to start (an `npx` install, a JVM), then lists no tools. */
const SLOW_START = `
  const rl = require('node:readline').createInterface({ input: process.stdin });
  const started = new Promise((resolve) => setTimeout(resolve, 1500));
  rl.on('line', async (line) => {
    const message = JSON.parse(line);
    await started;
    if (message.method === 'initialize')
      console.log(JSON.stringify({ jsonrpc: '2.0', id: message.id, result: { protocolVersion: '2025-06-18',
        capabilities: { tools: {} }, serverInfo: { name: 'slow', version: '1' } } }));
    else if (message.method === 'tools/list')
      console.log(JSON.stringify({ jsonrpc: '2.0', id: message.id, result: { tools: [] } }));
  });`;

function slowStdioUpstream(stdioStartupGraceMs: number): Upstream {
  const timeouts = { callTimeoutMs: 300, connectTimeoutMs: 300, healthCheckTimeoutMs: 300 };
  return upstreamOver(
    undefined,
    { ...timeouts, stdioStartupGraceMs },
    { kind: 'other', instance: 'slow-stdio', command: process.execPath, args: ['-e', SLOW_START] },
  );
}

/** Issue 19: a 3 s health check killed slow stdio upstreams at every attempt, so they never became healthy. */
describe('stdio upstream start-up grace', () => {
  it('gives a slow stdio upstream its grace on the first health check, then the normal timeout', async () => {
    const upstream = slowStdioUpstream(20_000);
    try {
      expect(await upstream.checkHealth()).toBe(true);
      expect(upstream.isHealthy).toBe(true);
    } finally {
      await upstream.close();
    }
  });

  it('without a grace the same upstream fails its health check', async () => {
    const upstream = slowStdioUpstream(0);
    try {
      expect(await upstream.checkHealth()).toBe(false);
      expect(upstream.lastError).toMatch(/did not answer a health check within 300 ms|unreachable/);
    } finally {
      await upstream.close();
    }
  });
});
