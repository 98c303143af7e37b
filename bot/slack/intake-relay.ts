import { errorMessage } from '../errors.js';
import type { JobQueue } from '../queue/queue.js';
import type { PendingIntake } from '../store/intake-repository.js';
import type { Store } from '../store/store.js';
import type { Logger } from '../telemetry/logger.js';
import type { SlackInvestigationJob } from './investigation-job.js';

/** Dependencies of {@link createIntakeRelay}. */
export interface IntakeRelayDeps {
  store: Pick<Store, 'intake' | 'investigations'>;
  queue: JobQueue<SlackInvestigationJob>;
  logger: Logger;
  /** Attempts per job for failures of unknown kind (queue default when absent). */
  attempts?: number;
  /** Time between passes (default 3 s). */
  intervalMs?: number;
  /** A stored question younger than this is left to the receiver's own enqueue (default 1 s). */
  graceMs?: number;
  /**
   * An enqueued question open this long, with no worker heartbeat for as long, is checked against the queue (default 10
   * s).
   */
  recoverAfterMs?: number;
}

/** Moves stored questions onto the queue; one per process that has both the store and the queue. */
export interface IntakeRelay {
  /** Enqueues one stored question and marks it enqueued; safe to repeat (the intake key). */
  handOff(record: { id: string; intakeKey: string; job: SlackInvestigationJob }, isRecovery?: boolean): Promise<void>;
  /** One pass: stored-but-not-enqueued questions, then open ones the queue no longer holds. */
  runOnce(): Promise<{ enqueued: number; recovered: number; closed: number }>;
  /** Runs a pass every interval until stopped. */
  start(): void;
  stop(): Promise<void>;
}

/**
 * The relay between the durable intake and the queue. The receiver stores a question, acks, and
 * hands it off at once; what that hand-off missed (Redis down, the receiver killed after the ack)
 * is enqueued by the next pass. A question whose job the queue lost (Redis restarted without
 * persistence) while its row is still open is enqueued again under the same key.
 */
export function createIntakeRelay(deps: IntakeRelayDeps): IntakeRelay {
  const intervalMs = deps.intervalMs ?? 3_000;
  const graceMs = deps.graceMs ?? 1_000;
  const recoverAfterMs = deps.recoverAfterMs ?? 10_000;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  let isStopped = false;

  async function handOff(
    record: { id: string; intakeKey: string; job: SlackInvestigationJob },
    isRecovery = false,
  ): Promise<void> {
    await deps.queue.enqueue(record.job, {
      idempotencyKey: record.intakeKey,
      ...(deps.attempts ? { attempts: deps.attempts } : {}),
      ...(isRecovery ? { isRecovery } : {}),
    });
    await deps.store.intake.markEnqueued(record.id);
  }

  const asJob = (pending: PendingIntake) => ({
    id: pending.id,
    intakeKey: pending.intakeKey,
    job: pending.job as SlackInvestigationJob, // written by the intake from a SlackInvestigationJob
  });

  async function runOnce(): Promise<{ enqueued: number; recovered: number; closed: number }> {
    let enqueued = 0;
    let recovered = 0;
    let closed = 0;
    for (const pending of await deps.store.intake.listUnenqueued(graceMs)) {
      await handOff(asJob(pending));
      enqueued += 1;
    }
    for (const open of await deps.store.intake.listOpen(recoverAfterMs)) {
      const state = await deps.queue.jobState(open.intakeKey);
      if (state === 'pending') continue;
      if (state === 'finished') {
        // The job ended but its outcome was never written (the store was down at the very end).
        await deps.store.investigations.fail(open.id, 'the job ended without recording an outcome');
        closed += 1;
        continue;
      }
      await handOff(asJob(open), true);
      recovered += 1;
      deps.logger.warn(
        { event: 'intake-job-recovered', investigationId: open.id, status: open.status },
        'the queue had lost this question; enqueued it again',
      );
    }
    if (enqueued > 0)
      deps.logger.info({ event: 'intake-relay-enqueued', count: enqueued }, 'stored questions enqueued');
    return { enqueued, recovered, closed };
  }

  function schedule(): void {
    if (isStopped) return;
    timer = setTimeout(() => {
      running = runOnce()
        .catch((error: unknown) =>
          deps.logger.warn(
            { event: 'intake-relay-failed', err: error },
            `intake relay pass failed (${errorMessage(error)}); next pass in ${intervalMs} ms`,
          ),
        )
        .finally(schedule);
    }, intervalMs);
    timer.unref();
  }

  return {
    handOff,
    runOnce,
    start() {
      isStopped = false;
      schedule();
    },
    async stop() {
      isStopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
