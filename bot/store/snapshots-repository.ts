import type { SqlClient } from './database.js';
import { toJson } from './rows.js';

/**
 * One snapshot per investigation of what it gathered, already redacted by the caller (see
 * bot/learning/snapshot.ts); the regression scenario of a correction is written from it.
 */
export function createSnapshotsRepository(db: SqlClient, now: () => Date) {
  return {
    /** Stores or replaces the snapshot (a retried investigation gathers again). */
    async save(investigationId: string, snapshot: unknown): Promise<void> {
      await db.query(
        `INSERT INTO investigation_snapshots (investigation_id, snapshot, created_at) VALUES ($1, $2, $3)
         ON CONFLICT (investigation_id) DO UPDATE SET snapshot = EXCLUDED.snapshot, created_at = EXCLUDED.created_at`,
        [investigationId, JSON.stringify(snapshot), now()],
      );
    },

    async get(investigationId: string): Promise<unknown> {
      const { rows } = await db.query(`SELECT snapshot FROM investigation_snapshots WHERE investigation_id = $1`, [
        investigationId,
      ]);
      return rows[0] ? toJson<unknown>(rows[0].snapshot) : undefined;
    },
  };
}

export type SnapshotsRepository = ReturnType<typeof createSnapshotsRepository>;
