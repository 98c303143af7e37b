import { afterAll, describe, expect, it } from 'vitest';
import { createSilentGatewayLogger } from './logger.js';
import { createSecretScrubber } from './secret-scrubber.js';
import { Upstream } from './upstream.js';
import { createUpstreamHttp } from './upstream-http.js';

const http = createUpstreamHttp();
afterAll(() => http.close());

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
  return new Upstream(
    {
      kind: 'other',
      instance: 'slow-stdio',
      command: process.execPath,
      args: ['-e', SLOW_START],
      env: {},
      labels: {},
      readOnlyTools: [],
      blockedArguments: [],
    },
    {
      callTimeoutMs: 300,
      connectTimeoutMs: 300,
      healthCheckTimeoutMs: 300,
      failureThreshold: 100,
      cooldownMs: 1000,
      retries: 0,
      retryMinDelayMs: 0,
      clientVersion: 'test',
      logger: createSilentGatewayLogger(),
      scrubber: createSecretScrubber([]),
      http,
      maxResponseBytes: 1 << 20,
      stdioStartupGraceMs,
    },
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
