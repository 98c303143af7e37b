import { Counter, Gauge, type Registry } from 'prom-client';
import { MetricName } from '../telemetry/attributes.js';
import type { JobQueue } from '../queue/queue.js';

/** Job outcomes, queue depth and the age of the oldest waiting job on a role's Prometheus registry. */
export function registerQueueMetrics<Data>(registry: Registry, queue: JobQueue<Data>): void {
  const processed = new Counter({
    name: MetricName.jobsProcessed,
    help: 'Investigation jobs by outcome.',
    labelNames: ['outcome'],
    registers: [registry],
  });
  queue.subscribe((event) => {
    if (event.type === 'completed') processed.inc({ outcome: 'completed' });
    else if (event.type === 'retrying') processed.inc({ outcome: 'retried' });
    else if (event.type === 'dead-lettered') processed.inc({ outcome: 'dead_lettered' });
  });
  new Gauge({
    name: 'sre_bot_queue_jobs',
    help: 'Jobs in the investigation queue by state.',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      const counts = await queue.counts().catch(() => undefined);
      if (!counts) return;
      for (const [state, value] of Object.entries(counts)) this.set({ state }, value);
    },
  });
  new Gauge({
    name: MetricName.queueOldestAge,
    help: 'Seconds the oldest waiting investigation job has waited (0: none waiting).',
    registers: [registry],
    async collect() {
      this.reset();
      const since = await queue.oldestWaitingSince().catch(() => null);
      if (since === null) return;
      this.set(since ? Math.max(0, (Date.now() - since.getTime()) / 1_000) : 0);
    },
  });
}
