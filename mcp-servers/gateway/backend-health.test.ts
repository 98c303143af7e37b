import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createArgocdServer } from '../argocd/server.js';
import { startHttpTransport, type RunningHttpServer } from '../common/http-transport.js';
import { createSilentServerLogger } from '../common/logger.js';
import { startFakeUpstream, type FakeUpstream } from './testing/fake-upstream.js';
import { hashOf, startTestGateway, type StartedGateway } from './testing/gateway-fixture.js';

// Our argocd MCP server, up the whole time, in front of an Argo CD that can go dark: while it is
// dark the MCP server still lists its tools, so only the backend-health read tells the gateway.
const ARGO_TOKEN = 'argo-token-0123456789';
const MCP_TOKEN = 'mcp-token-0123456789abc';
const ADMIN = 'admin-token-0123456789';
let argoIsDown = false;
let argoRequests = 0;
let argo: HttpServer;
let argocdMcp: RunningHttpServer;
let noProbe: FakeUpstream;
let other: FakeUpstream;
let started: StartedGateway;
let admin: Client;
let clock = 0;

const statusOf = (instance: string) => started.gateway.status().find((item) => item.instance === instance);

beforeAll(async () => {
  argo = createServer((req, res) => {
    argoRequests += 1;
    // A dead Argo CD: the connection is cut before any answer.
    if (argoIsDown) return req.socket.destroy();
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const send = (status: number, body: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (path === '/api/version') return send(200, { Version: 'v3.5.1+test' });
    if (path === '/api/v1/applications')
      return send(200, {
        items: [
          {
            metadata: { name: 'checkout' },
            spec: { project: 'shop' },
            status: { sync: { status: 'Synced' }, health: { status: 'Healthy' } },
          },
        ],
      });
    return send(404, { code: 5, message: 'not found' });
  });
  await new Promise<void>((resolve) => argo.listen(0, '127.0.0.1', resolve));
  const argoUrl = `http://127.0.0.1:${(argo.address() as AddressInfo).port}`;
  const config = { url: argoUrl, token: ARGO_TOKEN, requestTimeoutMs: 2_000, logLevel: 'silent' };
  argocdMcp = await startHttpTransport({
    createServer: () => createArgocdServer(config),
    authToken: MCP_TOKEN,
    port: 0,
    logger: createSilentServerLogger(),
  });
  noProbe = await startFakeUpstream({ token: MCP_TOKEN, things: ['payments'], backend: 'absent' });
  other = await startFakeUpstream({ token: MCP_TOKEN, things: ['x'], backend: 'down' });
  started = await startTestGateway(
    {
      // Generous: the stdio server is a child process that starts through tsx on a fresh clone.
      timeouts: { callMs: 20_000, connectMs: 20_000, healthCheckMs: 20_000 },
      healthCheck: { intervalMs: 0 },
      circuitBreaker: { failureThreshold: 1, cooldownMs: 30_000 },
      retry: { retries: 0, minDelayMs: 0 },
      upstreams: [
        { kind: 'argocd', instance: 'argocd-eu', url: argocdMcp.url, auth: { bearerTokenEnv: 'MCP_TOKEN' } },
        // The same server over stdio (the SDK client's path in the gateway).
        {
          kind: 'argocd',
          instance: 'argocd-stdio',
          command: process.execPath,
          args: [join(process.cwd(), 'bin', 'sre-bot.js'), 'mcp', 'argocd', '--stdio'],
          env: { ARGOCD_URL: argoUrl },
          auth: { bearerTokenEnv: 'ARGO_TOKEN', childEnv: 'ARGOCD_TOKEN' },
        },
        { kind: 'argocd', instance: 'argocd-legacy', url: noProbe.url, auth: { bearerTokenEnv: 'MCP_TOKEN' } },
        { kind: 'other', instance: 'tools-1', url: other.url, auth: { bearerTokenEnv: 'MCP_TOKEN' } },
      ],
      callers: [{ principal: 'admin', tokenSha256: hashOf(ADMIN) }],
    },
    { MCP_TOKEN, ARGO_TOKEN },
    { now: () => clock },
  );
  admin = await started.connect(ADMIN);
});

afterAll(async () => {
  await started?.close();
  await argocdMcp?.close();
  await noProbe?.close();
  await other?.close();
  await new Promise<void>((resolve) => argo.close(() => resolve()));
});

describe('health checks see the backend behind our MCP servers', () => {
  it(
    'counts an upstream healthy only when its backend answers, and judges servers without the resource by ' +
      'tools/list',
    async () => {
      const before = argoRequests;
      await started.gateway.checkHealth();
      expect(argoRequests - before).toBe(2);
      expect(
        started.gateway.status().map(({ instance, healthy, circuit }) => ({ instance, healthy, circuit })),
      ).toEqual([
        { instance: 'argocd-eu', healthy: true, circuit: 'closed' },
        { instance: 'argocd-stdio', healthy: true, circuit: 'closed' },
        { instance: 'argocd-legacy', healthy: true, circuit: 'closed' },
        // A third-party server is never asked for our resource, whatever it would answer.
        { instance: 'tools-1', healthy: true, circuit: 'closed' },
      ]);
      expect(noProbe.resourceReads).toHaveLength(1);
      expect(other.resourceReads).toHaveLength(0);
      await started.gateway.checkHealth();
      // Asked once: a server without the resource is not asked again.
      expect(noProbe.resourceReads).toHaveLength(1);
    },
  );

  it(
    'keeps the circuit of an instance with a dead backend open across health checks, and closes it once the ' +
      'backend is back',
    async () => {
      argoIsDown = true;
      const first = await admin
        .callTool({ name: 'list_applications', arguments: { instance: 'argocd-eu' } })
        .catch((error: unknown) => error);
      expect(first).toMatchObject({ data: { code: 'upstream_unavailable', isRetryable: true } });
      expect(statusOf('argocd-eu')?.circuit).toBe('open');

      // Cool-down over: the health check is the half-open probe. tools/list succeeds; the backend read does not.
      clock += 30_000;
      await started.gateway.checkHealth();
      expect(statusOf('argocd-eu')).toMatchObject({
        healthy: false,
        circuit: 'open',
        lastError: expect.stringMatching(
          /^argocd-eu: its MCP server answers but its backend does not: argocd backend check failed: Argo CD at 127\.0\.0\.1:\d+ is unreachable/,
        ) as unknown,
      });
      expect(statusOf('argocd-eu')?.lastError).not.toContain(ARGO_TOKEN);
      expect(statusOf('argocd-stdio')).toMatchObject({
        healthy: false,
        circuit: 'open',
        lastError: expect.stringContaining('its MCP server answers but its backend does not') as unknown,
      });

      // So a call right after the health check is refused at once instead of waiting on the dead backend.
      const requestsBefore = argoRequests;
      await expect(admin.callTool({ name: 'list_applications', arguments: { instance: 'argocd-eu' } })).rejects.toThrow(
        /circuit open: argocd-eu/,
      );
      expect(argoRequests).toBe(requestsBefore);

      argoIsDown = false;
      clock += 30_000;
      await started.gateway.checkHealth();
      expect(statusOf('argocd-eu')).toMatchObject({ healthy: true, circuit: 'closed', lastError: undefined });
      expect(statusOf('argocd-stdio')).toMatchObject({ healthy: true, circuit: 'closed' });
      const healed = await admin.callTool({ name: 'list_applications', arguments: { instance: 'argocd-eu' } });
      expect(healed.isError).toBeFalsy();
    },
  );
});
