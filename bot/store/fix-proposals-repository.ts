import type { SqlClient } from './database.js';
import { toDate, toJson, toOptionalDate, toOptionalString } from './rows.js';

export type FixProposalStatus =
  'planned' | 'pr_opened' | 'approved' | 'merged' | 'watching' | 'healthy' | 'failed' | 'rejected';

export interface FixProposal {
  id: string;
  investigationId?: string;
  channel: string;
  thread: string;
  requestedBy: string;
  app: { instance: string; name: string };
  /** The FixPlan as planned (bot/fix owns its shape). */
  plan: Record<string, unknown>;
  status: FixProposalStatus;
  pullRequestId?: string;
  approvalId?: string;
  headSha?: string;
  mergeSha?: string;
  approvedBy?: string;
  watchDeadline?: Date;
  /** Milliseconds per stage (plan, pr, merge, sync, healthy). */
  stages: Record<string, number>;
  error?: string;
  createdAt: Date;
}

function fromRow(row: Record<string, unknown>): FixProposal {
  return {
    id: String(row.id),
    investigationId: toOptionalString(row.investigation_id),
    channel: String(row.channel),
    thread: String(row.thread),
    requestedBy: String(row.requested_by),
    app: { instance: String(row.app_instance), name: String(row.app_name) },
    plan: toJson<Record<string, unknown>>(row.plan) ?? {},
    status: row.status as FixProposalStatus,
    pullRequestId: toOptionalString(row.pull_request_id),
    approvalId: toOptionalString(row.approval_id),
    headSha: toOptionalString(row.head_sha),
    mergeSha: toOptionalString(row.merge_sha),
    approvedBy: toOptionalString(row.approved_by),
    watchDeadline: toOptionalDate(row.watch_deadline),
    stages: toJson<Record<string, number>>(row.stages) ?? {},
    error: toOptionalString(row.error),
    createdAt: toDate(row.created_at),
  };
}

/** Fields a transition may set besides the status. */
export interface FixProposalUpdate {
  pullRequestId?: string;
  approvalId?: string;
  headSha?: string;
  mergeSha?: string;
  approvedBy?: string;
  watchDeadline?: Date;
  /** Merged into the stored stage timings. */
  stages?: Record<string, number>;
  error?: string;
}

const COLUMNS: Record<keyof Omit<FixProposalUpdate, 'stages'>, string> = {
  pullRequestId: 'pull_request_id',
  approvalId: 'approval_id',
  headSha: 'head_sha',
  mergeSha: 'merge_sha',
  approvedBy: 'approved_by',
  watchDeadline: 'watch_deadline',
  error: 'error',
};

/** Fix proposals; every status change is a compare-and-set on the current status. */
export function createFixProposalsRepository(db: SqlClient, now: () => Date) {
  return {
    /** Creates the proposal, or returns the live one the investigation already has. */
    async create(input: {
      id: string;
      investigationId?: string;
      channel: string;
      thread: string;
      requestedBy: string;
      app: { instance: string; name: string };
      plan: Record<string, unknown>;
      stages?: Record<string, number>;
    }): Promise<{ proposal: FixProposal; isNew: boolean }> {
      const { rows } = await db.query(
        `INSERT INTO fix_proposals (id, investigation_id, channel, thread, requested_by, app_instance, app_name, plan,
           stages, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9::jsonb, $10, $10)
         ON CONFLICT (investigation_id) WHERE status NOT IN ('failed', 'rejected') DO NOTHING RETURNING *`,
        [
          input.id,
          input.investigationId ?? null,
          input.channel,
          input.thread,
          input.requestedBy,
          input.app.instance,
          input.app.name,
          JSON.stringify(input.plan),
          JSON.stringify(input.stages ?? {}),
          now(),
        ],
      );
      if (rows[0]) return { proposal: fromRow(rows[0]), isNew: true };
      const existing = input.investigationId ? await this.liveFor(input.investigationId) : undefined;
      if (!existing) throw new Error(`fix proposal ${input.id} was neither created nor found`);
      return { proposal: existing, isNew: false };
    },

    async get(id: string): Promise<FixProposal | undefined> {
      const { rows } = await db.query(`SELECT * FROM fix_proposals WHERE id = $1`, [id]);
      return rows[0] ? fromRow(rows[0]) : undefined;
    },

    async liveFor(investigationId: string): Promise<FixProposal | undefined> {
      const { rows } = await db.query(
        `SELECT * FROM fix_proposals WHERE investigation_id = $1 AND status NOT IN ('failed', 'rejected')`,
        [investigationId],
      );
      return rows[0] ? fromRow(rows[0]) : undefined;
    },

    /** Moves the status from one of `from` to `to`; undefined when another actor got there first. */
    async transition(
      id: string,
      from: readonly FixProposalStatus[],
      to: FixProposalStatus,
      update: FixProposalUpdate = {},
    ): Promise<FixProposal | undefined> {
      const sets = ['status = $3', 'updated_at = $4', `stages = stages || $5::jsonb`];
      const values: unknown[] = [id, [...from], to, now(), JSON.stringify(update.stages ?? {})];
      for (const [key, column] of Object.entries(COLUMNS) as Array<[keyof typeof COLUMNS, string]>) {
        const value = update[key];
        if (value === undefined) continue;
        values.push(value);
        sets.push(`${column} = $${values.length}`);
      }
      const { rows } = await db.query(
        `UPDATE fix_proposals SET ${sets.join(', ')} WHERE id = $1 AND status = ANY($2::text[]) RETURNING *`,
        values,
      );
      return rows[0] ? fromRow(rows[0]) : undefined;
    },

    /** Proposals being watched (a restarted worker resumes these). */
    async watching(): Promise<FixProposal[]> {
      const { rows } = await db.query(`SELECT * FROM fix_proposals WHERE status = 'watching' ORDER BY updated_at`);
      return rows.map(fromRow);
    },
  };
}

export type FixProposalsRepository = ReturnType<typeof createFixProposalsRepository>;
