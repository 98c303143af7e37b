/**
 * The job queue contract shared by BullMQ (Redis) and the in-process implementation. Jobs are
 * JSON data; an idempotency key makes enqueueing safe to repeat (Slack retries, double clicks).
 */

export interface EnqueueOptions {
  /** Same key twice = one job (within the idempotency window). */
  idempotencyKey?: string;
  /** Total attempts before the job is dead-lettered (default from the queue settings). */
  attempts?: number;
}

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
  close(): Promise<void>;
}

export interface QueueSettings {
  /** Default attempts per job. */
  attempts: number;
  /** First retry delay; doubles each attempt. */
  backoffMs: number;
  /** How long an idempotency key blocks duplicates. */
  idempotencyWindowMs: number;
}

export const defaultQueueSettings: QueueSettings = {
  attempts: 3,
  backoffMs: 1_000,
  idempotencyWindowMs: 24 * 60 * 60 * 1_000,
};
