import { createHash } from 'node:crypto';
import { Queue, QueueEvents, UnrecoverableError, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { BotError } from '../errors.js';
import { backendAttempts, backoffDelay, classifyFailure } from './job-outcome.js';
import {
  defaultQueueSettings,
  type DeadLetter,
  type EnqueueOptions,
  type JobProgress,
  type JobState,
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
  /**
   * How long a worker's lock on a job lasts without renewal (renewed every half of it). A worker
   * that dies (SIGKILL, OOM) holds its jobs no longer than this plus `stalledIntervalMs`.
   */
  lockDurationMs?: number;
  /** How often workers look for jobs whose lock ran out and take them back. */
  stalledIntervalMs?: number;
}

/** Defaults that resume a killed worker's job within 10 s (lock 4 s, stalled check every 2 s). */
export const DEFAULT_LOCK_DURATION_MS = 4_000;
export const DEFAULT_STALLED_INTERVAL_MS = 2_000;
/** The custom backoff registered with BullMQ: exponential, capped at the settings' maximum. */
const BACKOFF_TYPE = 'sre-bot-capped';

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

/** What BullMQ stores per job: the caller's data and what retries must remember. */
interface Envelope<Data> {
  payload: Data;
  enqueuedAt: number;
  maxAttempts: number;
}

/** The envelope of a job; jobs enqueued before the envelope existed carry their data bare. */
function envelopeOf<Data>(job: Job<unknown, unknown, string>, attempts: number): Envelope<Data> {
  const data = job.data as Partial<Envelope<Data>> | undefined;
  if (data && typeof data === 'object' && 'payload' in data && typeof data.enqueuedAt === 'number')
    return data as Envelope<Data>;
  return { payload: job.data as Data, enqueuedAt: job.timestamp, maxAttempts: job.opts.attempts ?? attempts };
}

/** Retries a Redis write a few times over about ten seconds (the dead-letter path must not drop letters). */
async function withRetries<T>(write: () => Promise<T>): Promise<T> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 6; attempt += 1) {
    try {
      return await write();
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, backoffDelay(300, attempt + 1, 3_000)));
    }
  }
  throw lastError;
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
  redis.on('error', () => undefined);

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
        // BullMQ's own cap is only a backstop: classifyFailure ends jobs (retry window, attempts).
        attempts: backendAttempts({ ...settings, attempts }),
        backoff: { type: BACKOFF_TYPE },
        removeOnComplete: { age: Math.ceil(settings.idempotencyWindowMs / 1_000), count: 10_000 },
        removeOnFail: { age: 7 * 24 * 3_600 },
      };
      if (!enqueueOptions.idempotencyKey) {
        const job = await queue
          .add(name, { payload: data, enqueuedAt: Date.now(), maxAttempts: attempts }, jobOptions)
          .catch(unavailable);
        return { id: String(job.id), isDuplicate: false };
      }
      const id = jobIdFor(enqueueOptions.idempotencyKey);
      // The marker outlives the job record, so a retried Slack event after completion is still a duplicate.
      const marker = await redis
        .set(`${prefix}:${name}:idempotency:${id}`, '1', 'PX', settings.idempotencyWindowMs, 'NX')
        .catch(unavailable);
      if (marker === null) {
        if (!enqueueOptions.isRecovery) return { id, isDuplicate: true };
        const existing = await queue.getJob(id).catch(unavailable);
        if (existing) return { id, isDuplicate: true };
      }
      // meta.enqueuedAt survives retries and stalls; the retry window counts from it.
      await queue
        .add(name, { payload: data, enqueuedAt: Date.now(), maxAttempts: attempts }, { ...jobOptions, jobId: id })
        .catch(unavailable);
      return { id, isDuplicate: false };
    },

    process(handler, processOptions: ProcessOptions<Data>): JobWorker {
      const worker = new Worker<unknown, unknown, string>(
        name,
        async (job: Job<unknown, unknown, string>) => {
          const envelope = envelopeOf<Data>(job, settings.attempts);
          const data = envelope.payload;
          const maxAttempts = envelope.maxAttempts;
          const attempt = job.attemptsMade + 1;
          const view: QueueJob<Data> = {
            id: String(job.id),
            name,
            data,
            attempt,
            maxAttempts,
            enqueuedAt: envelope.enqueuedAt,
            reportProgress: async (progress) => {
              await job.updateProgress(progress);
            },
          };
          try {
            await handler(view);
          } catch (error) {
            const { isFinal, message } = classifyFailure(error, {
              attempt,
              maxAttempts,
              enqueuedAt: envelope.enqueuedAt,
              now: Date.now(),
              retryWindowMs: settings.retryWindowMs,
            });
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
            // Keyed by the job, so a retried write after a Redis blip adds one letter.
            await withRetries(() => deadLetterQueue.add('dead-letter', letter, { jobId: `dl-${view.id}` }));
            emit({ type: 'dead-lettered', jobId: view.id, error: message, data });
            throw new UnrecoverableError(message);
          }
        },
        {
          connection,
          prefix,
          concurrency: processOptions.concurrency,
          lockDuration: options.lockDurationMs ?? DEFAULT_LOCK_DURATION_MS,
          stalledInterval: options.stalledIntervalMs ?? DEFAULT_STALLED_INTERVAL_MS,
          // A killed worker's job is a stall; several restarts in a row must not fail the job.
          maxStalledCount: 20,
          settings: {
            backoffStrategy: (attemptsMade: number) =>
              backoffDelay(settings.backoffMs, attemptsMade, settings.maxBackoffMs),
          },
        },
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

    async jobState(idempotencyKey: string): Promise<JobState> {
      const job = await queue.getJob(jobIdFor(idempotencyKey)).catch(unavailable);
      if (!job) return 'missing';
      const state = await job.getState().catch(unavailable);
      return state === 'completed' || state === 'failed' ? 'finished' : state === 'unknown' ? 'missing' : 'pending';
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
