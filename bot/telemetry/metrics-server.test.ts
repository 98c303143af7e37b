import { afterEach, describe, expect, it } from 'vitest';
import { Counter } from 'prom-client';
import { createMetricsRegistry, startMetricsServer } from './metrics-server.js';

describe('metrics server', () => {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    await Promise.all(closers.splice(0).map((close) => close()));
  });

  it('serves Prometheus metrics with the role label, and health endpoints', async () => {
    const registry = createMetricsRegistry('worker');
    const counter = new Counter({
      name: 'sre_bot_jobs_processed_total',
      help: 'jobs',
      labelNames: ['outcome'],
      registers: [registry],
    });
    counter.inc({ outcome: 'completed' }, 3);
    let isReady = false;
    const server = await startMetricsServer({
      port: 0,
      host: '127.0.0.1',
      registry,
      health: {
        isAlive: () => true,
        readiness: () => Promise.resolve(isReady ? { isReady } : { isReady, detail: 'redis unreachable' }),
      },
    });
    closers.push(server.close);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toContain('sre_bot_jobs_processed_total{outcome="completed",role="worker"} 3');
    expect(metrics).toContain('process_cpu_user_seconds_total');
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const notReady = await fetch(`${server.url}/readyz`);
    expect(notReady.status).toBe(503);
    expect(await notReady.text()).toContain('redis unreachable');
    isReady = true;
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
  });
});
