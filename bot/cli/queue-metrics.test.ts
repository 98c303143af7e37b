import { describe, expect, it } from 'vitest';
import { createMetricsRegistry } from '../telemetry/metrics-server.js';
import { createMemoryQueue } from '../queue/memory-queue.js';
import { registerQueueMetrics } from './queue-metrics.js';

describe('queue metrics', () => {
  it('counts job outcomes and reports queue depth by state', async () => {
    const registry = createMetricsRegistry('worker');
    const queue = createMemoryQueue<{ n: number }>('metrics-test', { backoffMs: 1 });
    registerQueueMetrics(registry, queue);
    const settled = new Promise<void>((resolve) => {
      let seen = 0;
      queue.subscribe((event) => {
        if (event.type === 'completed' || event.type === 'dead-lettered') seen += 1;
        if (seen === 2) resolve();
      });
    });
    const worker = queue.process((job) => (job.data.n === 1 ? Promise.resolve() : Promise.reject(new Error('down'))), {
      concurrency: 1,
    });
    await queue.enqueue({ n: 1 });
    await queue.enqueue({ n: 2 }, { attempts: 2 });
    await settled;
    const text = await registry.metrics();
    expect(text).toContain('sre_bot_jobs_processed_total{outcome="completed",role="worker"} 1');
    expect(text).toContain('sre_bot_jobs_processed_total{outcome="retried",role="worker"} 1');
    expect(text).toContain('sre_bot_jobs_processed_total{outcome="dead_lettered",role="worker"} 1');
    expect(text).toContain('sre_bot_queue_jobs{state="deadLettered",role="worker"} 1');
    expect(text).toContain('sre_bot_queue_oldest_waiting_age_seconds{role="worker"} 0');
    await worker.close();
    await queue.close();
  });
});
