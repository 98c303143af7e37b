import type { SqlClient } from './database.js';
import { toDate, toOptionalString } from './rows.js';

export type CorrectionStatus = 'open' | 'skill_pr_opened' | 'merged' | 'dismissed';

export interface Correction {
  id: string;
  investigationId: string;
  userId: string;
  correctRootCause: string;
  details?: string;
  skillName?: string;
  status: CorrectionStatus;
  skillPrUrl?: string;
  scenarioPath?: string;
  createdAt: Date;
}

function fromRow(row: Record<string, unknown>): Correction {
  return {
    id: String(row.id),
    investigationId: String(row.investigation_id),
    userId: String(row.user_id),
    correctRootCause: String(row.correct_root_cause),
    details: toOptionalString(row.details),
    skillName: toOptionalString(row.skill_name),
    status: row.status as CorrectionStatus,
    skillPrUrl: toOptionalString(row.skill_pr_url),
    scenarioPath: toOptionalString(row.scenario_path),
    createdAt: toDate(row.created_at),
  };
}

/** Corrections people submit ("Correct this"): the input of the skill-PR and regression loop. */
export function createCorrectionsRepository(db: SqlClient, now: () => Date) {
  return {
    async create(input: {
      id: string;
      investigationId: string;
      userId: string;
      correctRootCause: string;
      details?: string;
      skillName?: string;
    }): Promise<Correction> {
      return (await this.createOnce(input)).correction;
    },

    /**
     * Creates the correction unless one with this id exists (a modal submitted twice carries the
     * same view id): `isNew` is false for the repeat, which gets the stored row back.
     */
    async createOnce(input: Parameters<typeof this.create>[0]): Promise<{ correction: Correction; isNew: boolean }> {
      const { rows } = await db.query(
        `INSERT INTO corrections (id, investigation_id, user_id, correct_root_cause, details, skill_name, ` +
          `created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7) ON CONFLICT (id) DO NOTHING RETURNING *`,
        [
          input.id,
          input.investigationId,
          input.userId,
          input.correctRootCause,
          input.details ?? null,
          input.skillName ?? null,
          now(),
        ],
      );
      if (rows[0]) return { correction: fromRow(rows[0]), isNew: true };
      const existing = await db.query(`SELECT * FROM corrections WHERE id = $1`, [input.id]);
      return { correction: fromRow(existing.rows[0] ?? {}), isNew: false };
    },

    async listForInvestigation(investigationId: string): Promise<Correction[]> {
      const { rows } = await db.query(`SELECT * FROM corrections WHERE investigation_id = $1 ORDER BY created_at`, [
        investigationId,
      ]);
      return rows.map(fromRow);
    },

    async listOpen(limit = 20): Promise<Correction[]> {
      const { rows } = await db.query(
        `SELECT * FROM corrections WHERE status IN ('open', 'skill_pr_opened') ORDER BY created_at DESC LIMIT $1`,
        [limit],
      );
      return rows.map(fromRow);
    },

    async update(
      id: string,
      change: { status: CorrectionStatus; skillPrUrl?: string; scenarioPath?: string },
    ): Promise<void> {
      await db.query(
        `UPDATE corrections SET status = $2, skill_pr_url = COALESCE($3, skill_pr_url), scenario_path = ` +
          `COALESCE($4, scenario_path), updated_at = $5 WHERE id = $1`,
        [id, change.status, change.skillPrUrl ?? null, change.scenarioPath ?? null, now()],
      );
    },
  };
}

export type CorrectionsRepository = ReturnType<typeof createCorrectionsRepository>;
