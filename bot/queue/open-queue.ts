import { createBullmqQueue } from './bullmq-queue.js';
import { createMemoryQueue } from './memory-queue.js';
import type { JobQueue, QueueSettings } from './queue.js';

/** BullMQ when REDIS_URL is configured, the in-process queue otherwise. */
export function openQueue<Data>(
  name: string,
  settings: { redisUrl?: string | undefined; prefix?: string } & Partial<QueueSettings>,
): JobQueue<Data> {
  if (settings.redisUrl) return createBullmqQueue<Data>(name, { ...settings, redisUrl: settings.redisUrl });
  return createMemoryQueue<Data>(name, settings);
}
