import type { SqlClient } from './database.js';
import type { NewInvestigation } from './investigations-repository.js';
import { toJson, toOptionalString } from './rows.js';

/** A question as the receiver stores it before acknowledging: the row plus the job to enqueue. */
export interface IntakeRecord extends NewInvestigation {
  /** Slack event id or slash-command trigger: the same key twice stores one row. */
  intakeKey: string;
  /** The queue job, exactly as the relay will enqueue it (ids and text only, never tokens). */
  job: unknown;
}

/** A stored question the relay still has to put on the queue (or put back after a lost queue). */
export interface PendingIntake {
  id: string;
  intakeKey: string;
  job: unknown;
  status: string;
}

const INSERT = `INSERT INTO investigations (id, source, channel, thread, user_id, question, trace_id, started_at,
  intake_key, job) VALUES ($1, $2, $3, $4, $5, $6, $7, now(), $8, $9::jsonb)
  ON CONFLICT (intake_key) DO NOTHING RETURNING id`;

function fromRow(row: Record<string, unknown>): PendingIntake {
  return {
    id: String(row.id),
    intakeKey: String(row.intake_key),
    job: toJson(row.job),
    status: toOptionalString(row.status) ?? 'queued',
  };
}

/**
 * The durable side of Slack intake (migration 0018). `store` is the receiver's one write before
 * the ack: a single prepared INSERT, no read-back, so the ack costs one round trip on a warm pool.
 */
export function createIntakeRepository(db: SqlClient) {
  return {
    /** Stores the question; false when its intake key was stored before (a Slack redelivery). */
    async store(record: IntakeRecord): Promise<boolean> {
      const { rows } = await db.query(
        INSERT,
        [
          record.id,
          record.source,
          record.channel ?? null,
          record.thread ?? null,
          record.userId ?? null,
          record.question,
          record.traceId ?? null,
          record.intakeKey,
          JSON.stringify(record.job),
        ],
        { name: 'intake-store' },
      );
      return rows.length > 0;
    },

    async markEnqueued(id: string): Promise<void> {
      await db.query(`UPDATE investigations SET enqueued_at = now() WHERE id = $1 AND enqueued_at IS NULL`, [id]);
    },

    /**
     * Stored questions not yet on the queue, oldest first (older than `graceMs`, so the receiver's own enqueue goes
     * first).
     */
    async listUnenqueued(graceMs: number, limit = 100): Promise<PendingIntake[]> {
      const { rows } = await db.query(
        `SELECT id, intake_key, job, status FROM investigations
         WHERE job IS NOT NULL AND enqueued_at IS NULL AND started_at < now() - make_interval(secs => $1)
         ORDER BY started_at LIMIT $2`,
        [graceMs / 1_000, limit],
      );
      return rows.map(fromRow);
    },

    /**
     * Enqueued questions still open (queued or running) since before `olderThanMs` that no worker
     * has touched for as long: the queue may have lost them.
     */
    async listOpen(olderThanMs: number, limit = 200): Promise<PendingIntake[]> {
      const { rows } = await db.query(
        `SELECT id, intake_key, job, status FROM investigations
         WHERE job IS NOT NULL AND enqueued_at IS NOT NULL AND status IN ('queued', 'running')
           AND enqueued_at < now() - make_interval(secs => $1)
           AND (worker_heartbeat_at IS NULL OR worker_heartbeat_at < now() - make_interval(secs => $1))
         ORDER BY started_at LIMIT $2`,
        [olderThanMs / 1_000, limit],
      );
      return rows.map(fromRow);
    },

    /**
     * A worker is on this question now (renewed every few seconds while it runs); the attempt
     * `token` also renews its claim on posting the answer, if it holds one.
     */
    async heartbeat(id: string, token: string): Promise<void> {
      await db.query(
        `UPDATE investigations SET worker_heartbeat_at = now(),
           answer_claimed_at = CASE WHEN answer_claimed_by = $2 THEN now() ELSE answer_claimed_at END
         WHERE id = $1`,
        [id, token],
      );
    },
  };
}

export type IntakeRepository = ReturnType<typeof createIntakeRepository>;
