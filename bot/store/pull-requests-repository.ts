import type { SqlClient } from './database.js';
import { toDate, toNumber, toOptionalString } from './rows.js';

export type PullRequestKind = 'fix' | 'skill' | 'rca';
export type PullRequestStatus = 'draft' | 'open' | 'merged' | 'closed';

export interface PullRequestRecord {
  id: string;
  investigationId?: string;
  approvalId?: string;
  kind: PullRequestKind;
  provider: string;
  repository: string;
  branch: string;
  number?: number;
  url?: string;
  title: string;
  status: PullRequestStatus;
  createdAt: Date;
}

function fromRow(row: Record<string, unknown>): PullRequestRecord {
  return {
    id: String(row.id),
    investigationId: toOptionalString(row.investigation_id),
    approvalId: toOptionalString(row.approval_id),
    kind: row.kind as PullRequestKind,
    provider: String(row.provider),
    repository: String(row.repository),
    branch: String(row.branch),
    number: row.number === null || row.number === undefined ? undefined : toNumber(row.number),
    url: toOptionalString(row.url),
    title: String(row.title),
    status: row.status as PullRequestStatus,
    createdAt: toDate(row.created_at),
  };
}

/** Fix PRs to the GitOps repo and skill PRs to the skills repo that sre-bot opened. */
export function createPullRequestsRepository(db: SqlClient, now: () => Date) {
  return {
    async create(
      input: Omit<PullRequestRecord, 'status' | 'createdAt'> & { status?: PullRequestStatus },
    ): Promise<PullRequestRecord> {
      const { rows } = await db.query(
        `INSERT INTO pull_requests (id, investigation_id, approval_id, kind, provider, repository, branch, ` +
          `number, url, title, status, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING *`,
        [
          input.id,
          input.investigationId ?? null,
          input.approvalId ?? null,
          input.kind,
          input.provider,
          input.repository,
          input.branch,
          input.number ?? null,
          input.url ?? null,
          input.title,
          input.status ?? 'open',
          now(),
        ],
      );
      return fromRow(rows[0] ?? {});
    },

    async setStatus(id: string, status: PullRequestStatus): Promise<void> {
      await db.query(`UPDATE pull_requests SET status = $2, updated_at = $3 WHERE id = $1`, [id, status, now()]);
    },

    async listForInvestigation(investigationId: string): Promise<PullRequestRecord[]> {
      const { rows } = await db.query(`SELECT * FROM pull_requests WHERE investigation_id = $1 ORDER BY created_at`, [
        investigationId,
      ]);
      return rows.map(fromRow);
    },
  };
}

export type PullRequestsRepository = ReturnType<typeof createPullRequestsRepository>;
