import { createHash } from 'node:crypto';
import { Queue, QueueEvents, UnrecoverableError, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { BotError } from '../errors.js';
import { classifyFailure } from './job-outcome.js';
import {
  defaultQueueSettings,
  type DeadLetter,
  type EnqueueOptions,
  type JobProgress,
  type JobQueue,
  type JobWorker,
  type ProcessOptions,
  type QueueEvent,
  type QueueJob,
  type QueueSettings,
} from './queue.js';

export interface BullmqQueueOptions extends Partial<QueueSettings> {
  redisUrl: string;
  /** Key prefix in Redis; tests use a unique one per run. */
  prefix?: string;
}

function connectionFrom(redisUrl: string) {
  const url = new URL(redisUrl);
  return {
    host: url.hostname,
    port: Number(url.port || 6379),
    username: url.username || undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    db: url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0,
    tls: url.protocol === 'rediss:' ? {} : undefined,
    // BullMQ workers block on Redis; ioredis must not give up on those commands.
    maxRetriesPerRequest: null,
  };
}

/** BullMQ job ids may not contain ':' nor be integers: derive a stable id from the key. */
function jobIdFor(key: string): string {
  return `k-${createHash('sha256').update(key).digest('hex').slice(0, 40)}`;
}

interface DeadLetterData<Data> {
  jobId: string;
  data: Data;
  attempts: number;
  error: string;
  failedAt: string;
}

/**
 * BullMQ on Redis: jobs survive restarts and spread over any number of workers. Retries use
 * BullMQ's exponential backoff; final failures go to a `<name>-dead-letter` queue.
 */
export function createBullmqQueue<Data>(name: string, options: BullmqQueueOptions): JobQueue<Data> {
  const settings = { ...defaultQueueSettings, ...options };
  const connection = connectionFrom(options.redisUrl);
  const prefix = options.prefix ?? 'sre-bot';
  // Data is opaque to BullMQ; typed at the edges (job.data as Data).
  const queue = new Queue<unknown, unknown, string>(name, { connection, prefix });
  const redis = new Redis({ ...connection, lazyConnect: true, maxRetriesPerRequest: 3 });
  const deadLetterQueue = new Queue<unknown, unknown, string>(`${name}-dead-letter`, { connection, prefix });
  let queueEvents: QueueEvents | undefined;
  const listeners = new Set<(event: QueueEvent<Data>) => void>();
  const workers = new Set<Worker<unknown, unknown, string>>();
  const emit = (event: QueueEvent<Data>) => listeners.forEach((listener) => listener(event));
  // Errors on idle connections (Redis restart) are retried by ioredis; keep them from crashing.
  queue.on('error', () => undefined);
  deadLetterQueue.on('error', () => undefined);

  async function ensureEvents(): Promise<void> {
    if (queueEvents) return;
    // Read the event stream from the moment of subscribing, not from when the reader is ready,
    // so a job that finishes while the reader connects is still reported.
    queueEvents = new QueueEvents(name, { connection, prefix, lastEventId: `${Date.now() - 1_000}-0` });
    queueEvents.on('error', () => undefined);
    queueEvents.on('progress', ({ jobId, data }) => emit({ type: 'progress', jobId, progress: data as JobProgress }));
    queueEvents.on('completed', ({ jobId }) => emit({ type: 'completed', jobId }));
    await queueEvents.waitUntilReady();
  }

  return {
    name,
    async enqueue(data: Data, enqueueOptions: EnqueueOptions = {}) {
      const attempts = enqueueOptions.attempts ?? settings.attempts;
      const jobOptions = {
        attempts,
        backoff: { type: 'exponential', delay: settings.backoffMs },
        removeOnComplete: { age: Math.ceil(settings.idempotencyWindowMs / 1_000), count: 10_000 },
        removeOnFail: { age: 7 * 24 * 3_600 },
      };
      if (!enqueueOptions.idempotencyKey) {
        const job = await queue.add(name, data, jobOptions).catch(unavailable);
        return { id: String(job.id), isDuplicate: false };
      }
      const id = jobIdFor(enqueueOptions.idempotencyKey);
      // The marker outlives the job record, so a retried Slack event after completion is still a duplicate.
      const marker = await redis
        .set(`${prefix}:${name}:idempotency:${id}`, '1', 'PX', settings.idempotencyWindowMs, 'NX')
        .catch(unavailable);
      if (marker === null) return { id, isDuplicate: true };
      await queue.add(name, data, { ...jobOptions, jobId: id }).catch(unavailable);
      return { id, isDuplicate: false };
    },

    process(handler, processOptions: ProcessOptions<Data>): JobWorker {
      const worker = new Worker<unknown, unknown, string>(
        name,
        async (job: Job<unknown, unknown, string>) => {
          const data = job.data as Data;
          const maxAttempts = job.opts.attempts ?? settings.attempts;
          const attempt = job.attemptsMade + 1;
          const view: QueueJob<Data> = {
            id: String(job.id),
            name,
            data,
            attempt,
            maxAttempts,
            reportProgress: async (progress) => {
              await job.updateProgress(progress);
            },
          };
          try {
            await handler(view);
          } catch (error) {
            const { isFinal, message } = classifyFailure(error, attempt, maxAttempts);
            if (!isFinal) {
              emit({ type: 'retrying', jobId: view.id, attempt, error: message });
              throw error instanceof Error ? error : new Error(message);
            }
            await processOptions.onDeadLetter?.(view, error).catch(() => undefined);
            const letter: DeadLetterData<Data> = {
              jobId: view.id,
              data,
              attempts: attempt,
              error: message,
              failedAt: new Date().toISOString(),
            };
            await deadLetterQueue.add('dead-letter', letter);
            emit({ type: 'dead-lettered', jobId: view.id, error: message, data });
            throw new UnrecoverableError(message);
          }
        },
        { connection, prefix, concurrency: processOptions.concurrency },
      );
      worker.on('error', () => undefined);
      workers.add(worker);
      return {
        close: async () => {
          workers.delete(worker);
          await worker.close();
        },
      };
    },

    subscribe(listener) {
      listeners.add(listener);
      void ensureEvents();
      return () => listeners.delete(listener);
    },

    async counts() {
      const counts = await queue
        .getJobCounts('waiting', 'active', 'delayed', 'completed', 'prioritized')
        .catch(unavailable);
      const dead = await deadLetterQueue.getJobCounts('waiting').catch(unavailable);
      return {
        waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0),
        active: counts.active ?? 0,
        delayed: counts.delayed ?? 0,
        completed: counts.completed ?? 0,
        deadLettered: dead.waiting ?? 0,
      };
    },

    async oldestWaitingSince() {
      // The first of each list, oldest first; the older of the two wins.
      const firsts = await queue.getJobs(['waiting', 'prioritized'], 0, 0, true).catch(unavailable);
      const oldest = Math.min(...firsts.map((job) => job.timestamp));
      return Number.isFinite(oldest) ? new Date(oldest) : undefined;
    },

    async deadLetters(limit = 50): Promise<Array<DeadLetter<Data>>> {
      const jobs = await deadLetterQueue.getJobs(['waiting'], 0, limit - 1, false);
      return jobs.map((job) => {
        const letter = job.data as DeadLetterData<Data>;
        return {
          id: letter.jobId,
          data: letter.data,
          attempts: letter.attempts,
          error: letter.error,
          failedAt: new Date(letter.failedAt),
        };
      });
    },

    async close() {
      await Promise.all([...workers].map((worker) => worker.close()));
      await queueEvents?.close();
      await queue.close();
      await deadLetterQueue.close();
      redis.disconnect();
    },
  };
}

function unavailable(error: unknown): never {
  throw new BotError('queue_unavailable', 'Redis is unavailable for the job queue', {
    cause: error,
    isRetryable: true,
  });
}
