import type { SqlClient } from './database.js';
import { toDate } from './rows.js';

export interface Rca {
  id: string;
  investigationId: string;
  title: string;
  bodyMarkdown: string;
  status: 'draft' | 'published';
  author: string;
  updatedAt: Date;
}

function fromRow(row: Record<string, unknown>): Rca {
  return {
    id: String(row.id),
    investigationId: String(row.investigation_id),
    title: String(row.title),
    bodyMarkdown: String(row.body_markdown),
    status: row.status as Rca['status'],
    author: String(row.author),
    updatedAt: toDate(row.updated_at),
  };
}

/** RCA documents drafted from investigations (markdown bodies, never raw transcripts). */
export function createRcasRepository(db: SqlClient, now: () => Date) {
  return {
    /** Inserts or replaces the draft with this id. */
    async save(input: Omit<Rca, 'updatedAt' | 'status'> & { status?: Rca['status'] }): Promise<Rca> {
      const { rows } = await db.query(
        `INSERT INTO rcas (id, investigation_id, title, body_markdown, status, author, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
         ON CONFLICT (id) DO UPDATE SET title = EXCLUDED.title, body_markdown = EXCLUDED.body_markdown,
           status = EXCLUDED.status, updated_at = EXCLUDED.updated_at
         RETURNING *`,
        [
          input.id,
          input.investigationId,
          input.title,
          input.bodyMarkdown,
          input.status ?? 'draft',
          input.author,
          now(),
        ],
      );
      return fromRow(rows[0] ?? {});
    },

    async get(id: string): Promise<Rca | undefined> {
      const { rows } = await db.query(`SELECT * FROM rcas WHERE id = $1`, [id]);
      return rows[0] ? fromRow(rows[0]) : undefined;
    },

    async listForInvestigation(investigationId: string): Promise<Rca[]> {
      const { rows } = await db.query(`SELECT * FROM rcas WHERE investigation_id = $1 ORDER BY updated_at DESC`, [
        investigationId,
      ]);
      return rows.map(fromRow);
    },
  };
}

export type RcasRepository = ReturnType<typeof createRcasRepository>;
