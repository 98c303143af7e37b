import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { BotError } from '../errors.js';
import { createBullmqQueue } from './bullmq-queue.js';
import { UnrecoverableJobError } from './job-outcome.js';
import { createMemoryQueue } from './memory-queue.js';
import type { JobProgress, JobQueue, QueueEvent, QueueSettings } from './queue.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

interface Payload {
  n: number;
}

const implementations = [
  {
    kind: 'in-process',
    open: (name: string, settings: Partial<QueueSettings> = {}) =>
      createMemoryQueue<Payload>(name, { backoffMs: 20, ...settings }),
  },
  // A unique prefix per queue keeps runs isolated on the shared Redis.
  {
    kind: 'bullmq',
    open: (name: string, settings: Partial<QueueSettings> = {}) =>
      createBullmqQueue<Payload>(name, {
        redisUrl: REDIS_URL,
        prefix: `test-${randomBytes(4).toString('hex')}`,
        backoffMs: 20,
        ...settings,
      }),
  },
] as const;

function waitFor(
  queue: JobQueue<Payload>,
  predicate: (event: QueueEvent<Payload>) => boolean,
  count = 1,
): Promise<Array<QueueEvent<Payload>>> {
  return new Promise((resolve, reject) => {
    const seen: Array<QueueEvent<Payload>> = [];
    const timer = setTimeout(
      () => reject(new Error(`timed out waiting for queue events (saw ${seen.length}/${count})`)),
      15_000,
    );
    const unsubscribe = queue.subscribe((event) => {
      if (!predicate(event)) return;
      seen.push(event);
      if (seen.length >= count) {
        clearTimeout(timer);
        unsubscribe();
        resolve(seen);
      }
    });
  });
}

describe.each(implementations)('queue contract: $kind', ({ open }) => {
  const opened: Array<JobQueue<Payload>> = [];
  const make = (attempts?: number, settings: Partial<QueueSettings> = {}) => {
    const queue = open(`contract-${randomBytes(4).toString('hex')}`, settings);
    opened.push(queue);
    return { queue, attempts };
  };
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((queue) => queue.close()));
  });

  it('runs an enqueued job and reports completion', async () => {
    const { queue } = make();
    const seen: number[] = [];
    const done = waitFor(queue, (event) => event.type === 'completed');
    queue.process(
      async (job) => {
        seen.push(job.data.n);
      },
      { concurrency: 1 },
    );
    await queue.enqueue({ n: 7 });
    await done;
    expect(seen).toEqual([7]);
  });

  it('turns the same idempotency key into one job, even after it completed', async () => {
    const { queue } = make();
    const runs: number[] = [];
    const first = await queue.enqueue({ n: 1 }, { idempotencyKey: 'slack:Ev123' });
    const second = await queue.enqueue({ n: 2 }, { idempotencyKey: 'slack:Ev123' });
    expect(second).toEqual({ id: first.id, isDuplicate: true });
    const done = waitFor(queue, (event) => event.type === 'completed');
    queue.process(
      async (job) => {
        runs.push(job.data.n);
      },
      { concurrency: 2 },
    );
    await done;
    expect((await queue.enqueue({ n: 3 }, { idempotencyKey: 'slack:Ev123' })).isDuplicate).toBe(true);
    expect(runs).toEqual([1]);
  });

  it('runs jobs concurrently up to the limit', async () => {
    const { queue } = make();
    let active = 0;
    let peak = 0;
    const done = waitFor(queue, (event) => event.type === 'completed', 6);
    queue.process(
      async () => {
        active += 1;
        peak = Math.max(peak, active);
        await new Promise((resolve) => setTimeout(resolve, 60));
        active -= 1;
      },
      { concurrency: 3 },
    );
    for (let n = 0; n < 6; n += 1) await queue.enqueue({ n });
    await done;
    expect(peak).toBe(3);
  });

  it('retries a failing job with backoff and succeeds on a later attempt', async () => {
    const { queue } = make();
    const attempts: number[] = [];
    const retries = waitFor(queue, (event) => event.type === 'retrying', 2);
    const done = waitFor(queue, (event) => event.type === 'completed');
    queue.process(
      async (job) => {
        attempts.push(job.attempt);
        if (job.attempt < 3) throw new BotError('upstream_unavailable', 'argocd-eu-1 timed out', { isRetryable: true });
      },
      { concurrency: 1 },
    );
    await queue.enqueue({ n: 1 }, { attempts: 3 });
    await done;
    expect(attempts).toEqual([1, 2, 3]);
    expect((await retries).map((event) => (event.type === 'retrying' ? event.attempt : 0))).toEqual([1, 2]);
    expect((await queue.counts()).deadLettered).toBe(0);
  });

  it('dead-letters after the last attempt and tells the dead-letter hook once', async () => {
    const { queue } = make();
    const told: string[] = [];
    const dead = waitFor(queue, (event) => event.type === 'dead-lettered');
    queue.process(() => Promise.reject(new Error('gateway down')), {
      concurrency: 1,
      onDeadLetter: async (job, error) => {
        told.push(`${job.attempt}/${job.maxAttempts}: ${(error as Error).message}`);
      },
    });
    await queue.enqueue({ n: 9 }, { attempts: 2 });
    await dead;
    expect(told).toEqual(['2/2: gateway down']);
    const letters = await queue.deadLetters();
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ data: { n: 9 }, attempts: 2, error: 'gateway down' });
    expect((await queue.counts()).deadLettered).toBe(1);
  });

  it('retries an infrastructure failure past the attempt count while the retry window lasts', async () => {
    // Regression: a 5 s PostgreSQL restart used up 3 attempts in 3 s and failed questions for good.
    const { queue } = make(undefined, { backoffMs: 10, maxBackoffMs: 20, retryWindowMs: 60_000 });
    const attempts: number[] = [];
    const done = waitFor(queue, (event) => event.type === 'completed');
    queue.process(
      async (job) => {
        attempts.push(job.attempt);
        if (job.attempt < 6)
          throw new BotError('storage_unavailable', 'PostgreSQL is unavailable', { isRetryable: true });
      },
      { concurrency: 1 },
    );
    await queue.enqueue({ n: 1 }, { attempts: 2 });
    await done;
    expect(attempts).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('dead-letters an infrastructure failure once the retry window has passed', async () => {
    const { queue } = make(undefined, { backoffMs: 10, maxBackoffMs: 20, retryWindowMs: 150 });
    const dead = waitFor(queue, (event) => event.type === 'dead-lettered');
    queue.process(() => Promise.reject(new BotError('queue_unavailable', 'Redis down', { isRetryable: true })), {
      concurrency: 1,
    });
    await queue.enqueue({ n: 1 }, { attempts: 100 });
    expect(await dead).toHaveLength(1);
  });

  it('knows the state of a keyed job and adds a lost one back only on recovery', async () => {
    const { queue } = make();
    expect(await queue.jobState('slack:EvLost')).toBe('missing');
    await queue.enqueue({ n: 1 }, { idempotencyKey: 'slack:EvLost' });
    expect(await queue.jobState('slack:EvLost')).toBe('pending');
    expect((await queue.enqueue({ n: 1 }, { idempotencyKey: 'slack:EvLost', isRecovery: true })).isDuplicate).toBe(
      true,
    );
    const done = waitFor(queue, (event) => event.type === 'completed');
    queue.process(() => Promise.resolve(), { concurrency: 1 });
    await done;
    expect(await queue.jobState('slack:EvLost')).toBe('finished');
  });

  it('does not retry an unrecoverable failure', async () => {
    const { queue } = make();
    let runs = 0;
    const dead = waitFor(queue, (event) => event.type === 'dead-lettered');
    queue.process(
      () => {
        runs += 1;
        return Promise.reject(new UnrecoverableJobError('question is empty'));
      },
      { concurrency: 1 },
    );
    await queue.enqueue({ n: 0 }, { attempts: 5 });
    await dead;
    expect(runs).toBe(1);
  });

  it('publishes progress events to subscribers', async () => {
    const { queue } = make();
    const progress = waitFor(queue, (event) => event.type === 'progress', 2);
    queue.process(
      async (job) => {
        await job.reportProgress({ step: 'resolve', message: 'resolving checkout' });
        await job.reportProgress({ step: 'gather', message: 'gathering 1/5' });
      },
      { concurrency: 1 },
    );
    await queue.enqueue({ n: 1 });
    const events = await progress;
    expect(events.map((event) => (event.type === 'progress' ? (event.progress as JobProgress).step : ''))).toEqual([
      'resolve',
      'gather',
    ]);
  });

  it('tells when the job waiting longest was enqueued, and nothing once none waits', async () => {
    const { queue } = make();
    expect(await queue.oldestWaitingSince()).toBeUndefined();
    const before = Date.now();
    await queue.enqueue({ n: 1 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    await queue.enqueue({ n: 2 });
    const since = await queue.oldestWaitingSince();
    expect(since?.getTime()).toBeGreaterThanOrEqual(before - 5);
    expect(since?.getTime()).toBeLessThan(before + 15);
    const done = waitFor(queue, (event) => event.type === 'completed', 2);
    const worker = queue.process(() => Promise.resolve(), { concurrency: 2 });
    await done;
    expect(await queue.oldestWaitingSince()).toBeUndefined();
    await worker.close();
  });
});
