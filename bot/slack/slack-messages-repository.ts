import type { SqlClient } from '../store/database.js';
import { toOptionalString } from '../store/rows.js';

/** The Slack messages of one investigation (timestamps in the investigation's channel). */
export interface SlackMessages {
  statusTs?: string;
  answerTs?: string;
}

/**
 * Status and answer message timestamps on investigations (migration 0002). The worker records
 * them as it posts, so a retried job updates the same status line and never answers twice.
 */
export function createSlackMessagesRepository(db: SqlClient) {
  return {
    async get(investigationId: string): Promise<SlackMessages> {
      const { rows } = await db.query(`SELECT slack_status_ts, slack_answer_ts FROM investigations WHERE id = $1`, [
        investigationId,
      ]);
      const row = rows[0];
      if (!row) return {};
      const statusTs = toOptionalString(row.slack_status_ts);
      const answerTs = toOptionalString(row.slack_answer_ts);
      return { ...(statusTs ? { statusTs } : {}), ...(answerTs ? { answerTs } : {}) };
    },

    async setStatusTs(investigationId: string, ts: string): Promise<void> {
      await db.query(`UPDATE investigations SET slack_status_ts = $2 WHERE id = $1`, [investigationId, ts]);
    },

    async setAnswerTs(investigationId: string, ts: string): Promise<void> {
      await db.query(`UPDATE investigations SET slack_answer_ts = $2 WHERE id = $1`, [investigationId, ts]);
    },
  };
}

export type SlackMessagesRepository = ReturnType<typeof createSlackMessagesRepository>;
