/**
 * The job queue contract shared by BullMQ (Redis) and the in-process implementation. Jobs are
 * JSON data; an idempotency key makes enqueueing safe to repeat (Slack retries, double clicks).
 */

export interface EnqueueOptions {
  /** Same key twice = one job (within the idempotency window). */
  idempotencyKey?: string;
  /** Attempts for failures of unknown kind before the job is dead-lettered (default from the queue settings). */
  attempts?: number;
  /**
   * Recovery of a job the queue lost (a Redis restart without persistence): add it again when
   * the queue holds no job under the key, even if the key's idempotency marker survived.
   */
  isRecovery?: boolean;
}

/** What the queue knows of the job enqueued under an idempotency key. */
export type JobState = 'pending' | 'finished' | 'missing';

export interface EnqueueResult {
  id: string;
  /** True when a job with this idempotency key already existed and nothing was added. */
  isDuplicate: boolean;
}

/** What a handler sees of a job. */
export interface QueueJob<Data> {
  id: string;
  name: string;
  data: Data;
  /** 1 on the first run. */
  attempt: number;
  maxAttempts: number;
  /** When the job was first enqueued (epoch ms): infrastructure retries count from here. */
  enqueuedAt: number;
  /** Publishes a progress event (status lines while an investigation runs). */
  reportProgress(progress: JobProgress): Promise<void>;
}

export interface JobProgress {
  step: string;
  message: string;
  [key: string]: unknown;
}

export interface DeadLetter<Data> {
  id: string;
  data: Data;
  attempts: number;
  error: string;
  failedAt: Date;
}

export interface ProcessOptions<Data> {
  concurrency: number;
  /** Called once when a job has failed for good (before it is dead-lettered): tell the person. */
  onDeadLetter?: (job: QueueJob<Data>, error: unknown) => Promise<void>;
}

export interface QueueCounts {
  waiting: number;
  active: number;
  delayed: number;
  completed: number;
  deadLettered: number;
}

export type QueueEvent<Data> =
  | { type: 'progress'; jobId: string; progress: JobProgress }
  | { type: 'completed'; jobId: string }
  | { type: 'retrying'; jobId: string; attempt: number; error: string }
  | { type: 'dead-lettered'; jobId: string; error: string; data: Data };

export interface JobWorker {
  close(): Promise<void>;
}

export interface JobQueue<Data> {
  readonly name: string;
  enqueue(data: Data, options?: EnqueueOptions): Promise<EnqueueResult>;
  process(handler: (job: QueueJob<Data>) => Promise<void>, options: ProcessOptions<Data>): JobWorker;
  /** Subscribes to events of every job of this queue (any process for BullMQ). */
  subscribe(listener: (event: QueueEvent<Data>) => void): () => void;
  counts(): Promise<QueueCounts>;
  /** When the job waiting longest was enqueued (retries count from their first enqueue); undefined when none waits. */
  oldestWaitingSince(): Promise<Date | undefined>;
  deadLetters(limit?: number): Promise<Array<DeadLetter<Data>>>;
  /** Whether the job enqueued under `idempotencyKey` is still to run, has finished, or is unknown. */
  jobState(idempotencyKey: string): Promise<JobState>;
  close(): Promise<void>;
}

export interface QueueSettings {
  /** Attempts per job for failures of unknown kind (a bug, a surprise). */
  attempts: number;
  /** First retry delay; doubles each attempt up to `maxBackoffMs`. */
  backoffMs: number;
  maxBackoffMs: number;
  /**
   * How long infrastructure failures (`isRetryable`: PostgreSQL, Redis, Slack, the model or a
   * backend unavailable) are retried, counted from the first enqueue: outages of minutes heal.
   */
  retryWindowMs: number;
  /** How long an idempotency key blocks duplicates. */
  idempotencyWindowMs: number;
}

export const defaultQueueSettings: QueueSettings = {
  attempts: 3,
  backoffMs: 1_000,
  maxBackoffMs: 30_000,
  retryWindowMs: 15 * 60 * 1_000,
  idempotencyWindowMs: 24 * 60 * 60 * 1_000,
};
