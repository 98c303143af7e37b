import type { SqlClient } from './database.js';
import { toDate, toJson, toOptionalString } from './rows.js';

/**
 * Where a correction stands: `open` (captured, waiting for its author to confirm the proposed
 * change), `proposed` (remembered: a skills pull request carries it), `merged`, `discarded`.
 */
export type CorrectionStatus = 'open' | 'proposed' | 'merged' | 'discarded';

/** How the correction came in: the modal, a thread reply, or "Write a skill for this". */
export type CorrectionSource = 'modal' | 'thread' | 'skill_request';

export const CORRECTION_STATUSES: readonly CorrectionStatus[] = ['open', 'proposed', 'merged', 'discarded'];

export interface Correction {
  id: string;
  investigationId: string;
  userId: string;
  correctRootCause: string;
  details?: string;
  skillName?: string;
  correctFix?: string;
  source: CorrectionSource;
  channel?: string;
  thread?: string;
  status: CorrectionStatus;
  /** The change shown to the author; set when it is proposed (shape owned by bot/learning). */
  proposal?: unknown;
  pullRequestId?: string;
  skillPrUrl?: string;
  scenarioPath?: string;
  mergeSha?: string;
  createdAt: Date;
}

/** A correction to store: the captured fields, and the key that makes a repeat a no-op. */
export type NewCorrection = Pick<Correction, 'id' | 'investigationId' | 'userId' | 'correctRootCause'> &
  Partial<Pick<Correction, 'details' | 'skillName' | 'correctFix' | 'source' | 'channel' | 'thread'>> & {
    /** The Slack view id (or thread message key): a second submit of it finds the first row. */
    idempotencyKey?: string;
  };

function fromRow(row: Record<string, unknown>): Correction {
  const correction: Correction = {
    id: String(row.id),
    investigationId: String(row.investigation_id),
    userId: String(row.user_id),
    correctRootCause: String(row.correct_root_cause),
    details: toOptionalString(row.details),
    skillName: toOptionalString(row.skill_name),
    correctFix: toOptionalString(row.correct_fix),
    source: (toOptionalString(row.source) ?? 'modal') as CorrectionSource,
    channel: toOptionalString(row.channel),
    thread: toOptionalString(row.thread),
    status: row.status as CorrectionStatus,
    pullRequestId: toOptionalString(row.pull_request_id),
    skillPrUrl: toOptionalString(row.skill_pr_url),
    scenarioPath: toOptionalString(row.scenario_path),
    mergeSha: toOptionalString(row.merge_sha),
    createdAt: toDate(row.created_at),
  };
  const proposal = toJson<unknown>(row.proposal);
  if (proposal !== undefined) correction.proposal = proposal;
  return correction;
}

/** Corrections people submit ("Correct this", thread replies): the input of the skill-PR loop. */
export function createCorrectionsRepository(db: SqlClient, now: () => Date) {
  return {
    /**
     * Stores a correction once per idempotency key: a double submit of the same view returns the
     * first row (`isNew: false`) and stores nothing.
     */
    async create(input: NewCorrection): Promise<Correction & { isNew: boolean }> {
      const { rows } = await db.query(
        `INSERT INTO corrections (id, investigation_id, user_id, correct_root_cause, details, skill_name, ` +
          `correct_fix, source, channel, thread, idempotency_key, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)
         ON CONFLICT (idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING RETURNING *`,
        [
          input.id,
          input.investigationId,
          input.userId,
          input.correctRootCause,
          input.details ?? null,
          input.skillName ?? null,
          input.correctFix ?? null,
          input.source ?? 'modal',
          input.channel ?? null,
          input.thread ?? null,
          input.idempotencyKey ?? null,
          now(),
        ],
      );
      if (rows[0]) return { ...fromRow(rows[0]), isNew: true };
      const existing = await db.query(`SELECT * FROM corrections WHERE idempotency_key = $1`, [input.idempotencyKey]);
      return { ...fromRow(existing.rows[0] ?? {}), isNew: false };
    },

    async get(id: string): Promise<Correction | undefined> {
      const { rows } = await db.query(`SELECT * FROM corrections WHERE id = $1`, [id]);
      return rows[0] ? fromRow(rows[0]) : undefined;
    },

    async listForInvestigation(investigationId: string): Promise<Correction[]> {
      const { rows } = await db.query(`SELECT * FROM corrections WHERE investigation_id = $1 ORDER BY created_at`, [
        investigationId,
      ]);
      return rows.map(fromRow);
    },

    /** The newest corrections in one state (App Home lists each state). */
    async listByStatus(status: CorrectionStatus, limit = 20): Promise<Correction[]> {
      const { rows } = await db.query(`SELECT * FROM corrections WHERE status = $1 ORDER BY created_at DESC LIMIT $2`, [
        status,
        limit,
      ]);
      return rows.map(fromRow);
    },

    /** Corrections waiting on a decision or a merge. */
    async listOpen(limit = 20): Promise<Correction[]> {
      const { rows } = await db.query(
        `SELECT * FROM corrections WHERE status IN ('open', 'proposed') ORDER BY created_at DESC LIMIT $1`,
        [limit],
      );
      return rows.map(fromRow);
    },

    /** Corrections of one skill in one state, oldest first (similar ones fold into one change). */
    async listForSkill(skillName: string, status: CorrectionStatus): Promise<Correction[]> {
      const { rows } = await db.query(
        `SELECT * FROM corrections WHERE skill_name = $1 AND status = $2 ORDER BY created_at`,
        [skillName, status],
      );
      return rows.map(fromRow);
    },

    async listForPullRequest(pullRequestId: string): Promise<Correction[]> {
      const { rows } = await db.query(`SELECT * FROM corrections WHERE pull_request_id = $1 ORDER BY created_at`, [
        pullRequestId,
      ]);
      return rows.map(fromRow);
    },

    /**
     * Moves a correction from `from` to `to` by compare-and-set; false when it was not in `from`
     * (a second click on Remember or Discard changes nothing).
     */
    async transition(
      id: string,
      from: CorrectionStatus,
      to: CorrectionStatus,
      change: {
        proposal?: unknown;
        pullRequestId?: string;
        skillPrUrl?: string;
        scenarioPath?: string;
        mergeSha?: string;
        skillName?: string;
      } = {},
    ): Promise<boolean> {
      const { rows } = await db.query(
        `UPDATE corrections SET status = $3, proposal = COALESCE($4::jsonb, proposal),
           pull_request_id = COALESCE($5, pull_request_id), skill_pr_url = COALESCE($6, skill_pr_url),
           scenario_path = COALESCE($7, scenario_path), merge_sha = COALESCE($8, merge_sha),
           skill_name = COALESCE($9, skill_name), updated_at = $10
         WHERE id = $1 AND status = $2 RETURNING id`,
        [
          id,
          from,
          to,
          change.proposal === undefined ? null : JSON.stringify(change.proposal),
          change.pullRequestId ?? null,
          change.skillPrUrl ?? null,
          change.scenarioPath ?? null,
          change.mergeSha ?? null,
          change.skillName ?? null,
          now(),
        ],
      );
      return rows.length > 0;
    },
  };
}

export type CorrectionsRepository = ReturnType<typeof createCorrectionsRepository>;
