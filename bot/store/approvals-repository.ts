import type { SqlClient } from './database.js';
import { toDate, toJson, toOptionalDate, toOptionalString } from './rows.js';

export type ApprovalStatus = 'pending' | 'approved' | 'rejected' | 'expired' | 'used';

export interface Approval {
  id: string;
  investigationId?: string;
  action: string;
  target: Record<string, unknown>;
  requestedBy: string;
  status: ApprovalStatus;
  decidedBy?: string;
  decidedAt?: Date;
  expiresAt: Date;
}

function fromRow(row: Record<string, unknown>): Approval {
  return {
    id: String(row.id),
    investigationId: toOptionalString(row.investigation_id),
    action: String(row.action),
    target: toJson<Record<string, unknown>>(row.target) ?? {},
    requestedBy: String(row.requested_by),
    status: row.status as ApprovalStatus,
    decidedBy: toOptionalString(row.decided_by),
    decidedAt: toOptionalDate(row.decided_at),
    expiresAt: toDate(row.expires_at),
  };
}

/**
 * Approval records: every write (merge a fix PR, sync, rollback) needs one that an allowed
 * person approved, that has not expired, and that is consumed exactly once.
 */
export function createApprovalsRepository(db: SqlClient, now: () => Date) {
  return {
    async request(input: {
      id: string;
      investigationId?: string;
      action: string;
      target: Record<string, unknown>;
      requestedBy: string;
      ttlMs: number;
    }): Promise<Approval> {
      const created = now();
      const { rows } = await db.query(
        `INSERT INTO approvals (id, investigation_id, action, target, requested_by, expires_at, created_at)
         VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7) RETURNING *`,
        [
          input.id,
          input.investigationId ?? null,
          input.action,
          JSON.stringify(input.target),
          input.requestedBy,
          new Date(created.getTime() + input.ttlMs),
          created,
        ],
      );
      return fromRow(rows[0] ?? {});
    },

    /** When the oldest request still waiting for a decision was made; undefined when none waits. */
    async oldestPendingSince(): Promise<Date | undefined> {
      const { rows } = await db.query(
        `SELECT min(created_at) AS oldest FROM approvals WHERE status = 'pending' AND expires_at > $1`,
        [now()],
      );
      const oldest = rows[0]?.['oldest'];
      return oldest ? new Date(oldest as string | Date) : undefined;
    },

    async get(id: string): Promise<Approval | undefined> {
      const { rows } = await db.query(`SELECT * FROM approvals WHERE id = $1`, [id]);
      return rows[0] ? fromRow(rows[0]) : undefined;
    },

    /** Approves or rejects a pending, unexpired request; returns false when it was not pending. */
    async decide(id: string, decision: { approved: boolean; decidedBy: string }): Promise<boolean> {
      const { rows } = await db.query(
        `UPDATE approvals SET status = $2, decided_by = $3, decided_at = $4
         WHERE id = $1 AND status = 'pending' AND expires_at > $4 RETURNING id`,
        [id, decision.approved ? 'approved' : 'rejected', decision.decidedBy, now()],
      );
      return rows.length === 1;
    },

    /** Atomically turns an approved, unexpired approval for `action` into `used`; true if it did. */
    async consume(id: string, action: string): Promise<boolean> {
      const { rows } = await db.query(
        `UPDATE approvals SET status = 'used' WHERE id = $1 AND action = $2 AND status = 'approved' AND ` +
          `expires_at > $3 RETURNING id`,
        [id, action, now()],
      );
      return rows.length === 1;
    },
  };
}

export type ApprovalsRepository = ReturnType<typeof createApprovalsRepository>;
