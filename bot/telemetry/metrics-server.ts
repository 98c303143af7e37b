import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * A Prometheus registry with Node process metrics, one per role process. The process metrics
 * keep their standard names (`process_cpu_seconds_total`, `nodejs_eventloop_lag_seconds`), so
 * stock Node.js dashboards work; the `role` label tells the roles apart.
 */
export function createMetricsRegistry(role: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ role });
  collectDefaultMetrics({ register: registry });
  return registry;
}

export interface HealthCheck {
  /** Liveness: the process is serving. */
  isAlive(): boolean;
  /** Readiness: dependencies reachable; the reason when not. */
  readiness(): Promise<{ isReady: boolean; detail?: string }>;
}

/**
 * Serves `/metrics` (Prometheus text), `/healthz` and `/readyz` for long-running roles. Port 0
 * picks a free port (tests); the bound URL is returned.
 */
export async function startMetricsServer(options: {
  port: number;
  host?: string;
  registry: Registry;
  health?: HealthCheck;
}): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (path === '/metrics') {
      options.registry
        .metrics()
        .then((body) => {
          response.writeHead(200, { 'content-type': options.registry.contentType });
          response.end(body);
        })
        .catch(() => {
          response.writeHead(500).end();
        });
      return;
    }
    if (path === '/healthz') {
      const isAlive = options.health?.isAlive() ?? true;
      response.writeHead(isAlive ? 200 : 503, { 'content-type': 'text/plain' }).end(isAlive ? 'ok\n' : 'not alive\n');
      return;
    }
    if (path === '/readyz') {
      const check: Promise<{ isReady: boolean; detail?: string }> =
        options.health?.readiness() ?? Promise.resolve({ isReady: true });
      check
        .then(({ isReady, detail }) => {
          response
            .writeHead(isReady ? 200 : 503, { 'content-type': 'text/plain' })
            .end(isReady ? 'ready\n' : `not ready: ${detail ?? 'unknown'}\n`);
        })
        .catch(() => response.writeHead(503).end('not ready\n'));
      return;
    }
    response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
