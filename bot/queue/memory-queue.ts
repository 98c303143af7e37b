import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { backoffDelay, classifyFailure } from './job-outcome.js';
import {
  defaultQueueSettings,
  type DeadLetter,
  type EnqueueOptions,
  type EnqueueResult,
  type JobQueue,
  type JobState,
  type JobWorker,
  type ProcessOptions,
  type QueueCounts,
  type QueueEvent,
  type QueueJob,
  type QueueSettings,
} from './queue.js';

interface StoredJob<Data> {
  id: string;
  data: Data;
  attempt: number;
  maxAttempts: number;
  enqueuedAt: number;
}

/**
 * The in-process queue: the zero-setup default (demo, CLI, single-process deployments). Same
 * contract as BullMQ; nothing survives a restart.
 */
export function createMemoryQueue<Data>(name: string, settings: Partial<QueueSettings> = {}): JobQueue<Data> {
  const options = { ...defaultQueueSettings, ...settings };
  const events = new EventEmitter();
  const waiting: Array<StoredJob<Data>> = [];
  const keys = new Map<string, { id: string; expiresAt: number }>();
  /** Ids of jobs enqueued and not yet completed or dead-lettered. */
  const open = new Set<string>();
  const timers = new Set<NodeJS.Timeout>();
  const dead: Array<DeadLetter<Data>> = [];
  let active = 0;
  let delayed = 0;
  let completed = 0;
  let closed = false;
  const wake = () => events.emit('wake');
  const emit = (event: QueueEvent<Data>) => events.emit('event', event);

  function schedule(job: StoredJob<Data>, delayMs: number): void {
    if (delayMs <= 0) {
      waiting.push(job);
      wake();
      return;
    }
    delayed += 1;
    const timer = setTimeout(() => {
      timers.delete(timer);
      delayed -= 1;
      waiting.push(job);
      wake();
    }, delayMs);
    timers.add(timer);
  }

  return {
    name,
    enqueue(data: Data, enqueueOptions: EnqueueOptions = {}): Promise<EnqueueResult> {
      const now = Date.now();
      const key = enqueueOptions.idempotencyKey;
      if (key) {
        const existing = keys.get(key);
        const isKnown = !enqueueOptions.isRecovery || open.has(existing?.id ?? '');
        if (existing && existing.expiresAt > now && isKnown)
          return Promise.resolve({ id: existing.id, isDuplicate: true });
      }
      const id = randomUUID();
      open.add(id);
      if (key) keys.set(key, { id, expiresAt: now + options.idempotencyWindowMs });
      schedule(
        { id, data, attempt: 0, maxAttempts: enqueueOptions.attempts ?? options.attempts, enqueuedAt: Date.now() },
        0,
      );
      return Promise.resolve({ id, isDuplicate: false });
    },

    process(handler, processOptions: ProcessOptions<Data>): JobWorker {
      let running = 0;
      let stopped = false;
      const idle: Array<() => void> = [];

      async function run(job: StoredJob<Data>): Promise<void> {
        job.attempt += 1;
        const view: QueueJob<Data> = {
          id: job.id,
          name,
          data: job.data,
          attempt: job.attempt,
          maxAttempts: job.maxAttempts,
          enqueuedAt: job.enqueuedAt,
          reportProgress: (progress) => {
            emit({ type: 'progress', jobId: job.id, progress });
            return Promise.resolve();
          },
        };
        try {
          await handler(view);
          open.delete(job.id);
          completed += 1;
          emit({ type: 'completed', jobId: job.id });
        } catch (error) {
          const { isFinal, message } = classifyFailure(error, {
            attempt: job.attempt,
            maxAttempts: job.maxAttempts,
            enqueuedAt: job.enqueuedAt,
            now: Date.now(),
            retryWindowMs: options.retryWindowMs,
          });
          if (!isFinal) {
            emit({ type: 'retrying', jobId: job.id, attempt: job.attempt, error: message });
            schedule(job, backoffDelay(options.backoffMs, job.attempt, options.maxBackoffMs));
            return;
          }
          open.delete(job.id);
          await processOptions.onDeadLetter?.(view, error).catch(() => undefined);
          dead.push({ id: job.id, data: job.data, attempts: job.attempt, error: message, failedAt: new Date() });
          emit({ type: 'dead-lettered', jobId: job.id, error: message, data: job.data });
        }
      }

      function pump(): void {
        while (!stopped && !closed && running < processOptions.concurrency && waiting.length > 0) {
          const job = waiting.shift();
          if (!job) break;
          running += 1;
          active += 1;
          void run(job).finally(() => {
            running -= 1;
            active -= 1;
            if (running === 0) idle.splice(0).forEach((resolve) => resolve());
            pump();
          });
        }
      }

      events.on('wake', pump);
      queueMicrotask(pump);
      return {
        close: async () => {
          stopped = true;
          events.off('wake', pump);
          if (running > 0) await new Promise<void>((resolve) => idle.push(resolve));
        },
      };
    },

    subscribe(listener) {
      events.on('event', listener);
      return () => events.off('event', listener);
    },

    counts(): Promise<QueueCounts> {
      return Promise.resolve({ waiting: waiting.length, active, delayed, completed, deadLettered: dead.length });
    },

    oldestWaitingSince() {
      const oldest = waiting.reduce<number | undefined>(
        (min, job) => (min === undefined || job.enqueuedAt < min ? job.enqueuedAt : min),
        undefined,
      );
      return Promise.resolve(oldest === undefined ? undefined : new Date(oldest));
    },

    jobState(idempotencyKey: string): Promise<JobState> {
      const known = keys.get(idempotencyKey);
      if (!known) return Promise.resolve('missing');
      return Promise.resolve(open.has(known.id) ? 'pending' : 'finished');
    },

    deadLetters(limit = 50) {
      return Promise.resolve(dead.slice(-limit).reverse());
    },

    close() {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      events.removeAllListeners();
      return Promise.resolve();
    },
  };
}
