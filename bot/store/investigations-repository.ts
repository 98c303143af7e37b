import { BotError } from '../errors.js';
import type { SqlClient } from './database.js';
import { toDate, toJson, toNumber, toOptionalDate, toOptionalString } from './rows.js';

export type InvestigationSource = 'slack' | 'cli' | 'eval' | 'api';
export type InvestigationStatus = 'queued' | 'running' | 'answered' | 'failed' | 'clarifying';

export interface NewInvestigation {
  id: string;
  source: InvestigationSource;
  question: string;
  channel?: string;
  thread?: string;
  userId?: string;
  traceId?: string;
}

export interface InvestigationUsage {
  model?: string;
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  /** Null when the cost is unknown (a model without a price). */
  costUsd: number | null;
}

export interface Investigation extends NewInvestigation, InvestigationUsage {
  status: InvestigationStatus;
  startedAt: Date;
  finishedAt?: Date;
  answer?: unknown;
  error?: string;
}

const COLUMNS = `id, source, channel, thread, user_id, question, status, trace_id, started_at, finished_at,
  answer, error, model, input_tokens, output_tokens, cached_tokens, cost_usd`;

function fromRow(row: Record<string, unknown>): Investigation {
  return {
    id: String(row.id),
    source: row.source as InvestigationSource,
    question: String(row.question),
    channel: toOptionalString(row.channel),
    thread: toOptionalString(row.thread),
    userId: toOptionalString(row.user_id),
    traceId: toOptionalString(row.trace_id),
    status: row.status as InvestigationStatus,
    startedAt: toDate(row.started_at),
    finishedAt: toOptionalDate(row.finished_at),
    answer: toJson(row.answer),
    error: toOptionalString(row.error),
    model: toOptionalString(row.model),
    inputTokens: toNumber(row.input_tokens),
    outputTokens: toNumber(row.output_tokens),
    cachedTokens: toNumber(row.cached_tokens),
    costUsd: row.cost_usd === null ? null : toNumber(row.cost_usd),
  };
}

/** Investigations: one row per question, from queued to answered or failed. */
export function createInvestigationsRepository(db: SqlClient, now: () => Date) {
  return {
    /** Creates the row; creating an existing id again is a no-op (job retries). */
    async create(input: NewInvestigation): Promise<Investigation> {
      await db.query(
        `INSERT INTO investigations (id, source, channel, thread, user_id, question, trace_id, started_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING`,
        [
          input.id,
          input.source,
          input.channel ?? null,
          input.thread ?? null,
          input.userId ?? null,
          input.question,
          input.traceId ?? null,
          now(),
        ],
      );
      const created = await this.get(input.id);
      if (!created) throw new BotError('internal', `investigation ${input.id} vanished after insert`);
      return created;
    },

    async get(id: string): Promise<Investigation | undefined> {
      const { rows } = await db.query(`SELECT ${COLUMNS} FROM investigations WHERE id = $1`, [id]);
      return rows[0] ? fromRow(rows[0]) : undefined;
    },

    /** Records the Slack thread a question is answered in, once known (a `/sre` question gets one from the bot). */
    async setThread(id: string, thread: string): Promise<void> {
      await db.query(`UPDATE investigations SET thread = $2 WHERE id = $1`, [id, thread]);
    },

    async markRunning(id: string): Promise<void> {
      await db.query(`UPDATE investigations SET status = 'running' WHERE id = $1 AND status IN ('queued', 'running')`, [
        id,
      ]);
    },

    /** Stores the final answer and what it cost. */
    async finish(
      id: string,
      result: { status: 'answered' | 'clarifying'; answer: unknown; usage: InvestigationUsage },
    ): Promise<void> {
      await db.query(
        `UPDATE investigations SET status = $2, answer = $3::jsonb, finished_at = $4, model = $5,
           input_tokens = $6, output_tokens = $7, cached_tokens = $8, cost_usd = $9, error = NULL
         WHERE id = $1`,
        [
          id,
          result.status,
          JSON.stringify(result.answer),
          now(),
          result.usage.model ?? null,
          result.usage.inputTokens,
          result.usage.outputTokens,
          result.usage.cachedTokens,
          result.usage.costUsd,
        ],
      );
    },

    async fail(id: string, error: string): Promise<void> {
      await db.query(`UPDATE investigations SET status = 'failed', error = $2, finished_at = $3 WHERE id = $1`, [
        id,
        error,
        now(),
      ]);
    },

    /** Most recent first; optionally only the given channels. */
    async listRecent(options: { channels?: readonly string[]; limit?: number } = {}): Promise<Investigation[]> {
      const limit = Math.min(Math.max(options.limit ?? 20, 1), 200);
      const { rows } = options.channels
        ? await db.query(
            `SELECT ${COLUMNS} FROM investigations WHERE channel = ANY($1::text[]) ORDER BY started_at DESC LIMIT $2`,
            [options.channels, limit],
          )
        : await db.query(`SELECT ${COLUMNS} FROM investigations ORDER BY started_at DESC LIMIT $1`, [limit]);
      return rows.map(fromRow);
    },

    /** The investigation answered in a Slack thread, if any. */
    async findByThread(channel: string, thread: string): Promise<Investigation | undefined> {
      const { rows } = await db.query(
        `SELECT ${COLUMNS} FROM investigations WHERE channel = $1 AND thread = $2 ORDER BY started_at DESC LIMIT 1`,
        [channel, thread],
      );
      return rows[0] ? fromRow(rows[0]) : undefined;
    },
  };
}

export type InvestigationsRepository = ReturnType<typeof createInvestigationsRepository>;
