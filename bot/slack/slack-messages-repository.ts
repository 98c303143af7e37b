import type { SqlClient } from '../store/database.js';
import { toOptionalString } from '../store/rows.js';

/** The Slack messages of one investigation (timestamps in the investigation's channel). */
export interface SlackMessages {
  statusTs?: string;
  answerTs?: string;
  /** A streamed answer started (and maybe cut short) by an attempt; the next one replaces it. */
  streamTs?: string;
}

/** A finished investigation whose status message may still say "Looking into it". */
export interface UnsettledStatus {
  investigationId: string;
  channel: string;
  statusTs: string;
  answerTs?: string;
}

/**
 * Status and answer message timestamps on investigations (migration 0002). The worker records
 * them as it posts, so a retried job updates the same status line and never answers twice.
 */
export function createSlackMessagesRepository(db: SqlClient) {
  return {
    async get(investigationId: string): Promise<SlackMessages> {
      const { rows } = await db.query(
        `SELECT slack_status_ts, slack_answer_ts, slack_stream_ts FROM investigations WHERE id = $1`,
        [investigationId],
      );
      const row = rows[0];
      if (!row) return {};
      const statusTs = toOptionalString(row.slack_status_ts);
      const answerTs = toOptionalString(row.slack_answer_ts);
      const streamTs = toOptionalString(row.slack_stream_ts);
      return {
        ...(statusTs ? { statusTs } : {}),
        ...(answerTs ? { answerTs } : {}),
        ...(streamTs ? { streamTs } : {}),
      };
    },

    async setStatusTs(investigationId: string, ts: string): Promise<void> {
      await db.query(`UPDATE investigations SET slack_status_ts = $2 WHERE id = $1`, [investigationId, ts]);
    },

    async setAnswerTs(investigationId: string, ts: string): Promise<void> {
      await db.query(`UPDATE investigations SET slack_answer_ts = $2 WHERE id = $1`, [investigationId, ts]);
    },

    /**
     * Claims the right to post the answer for one attempt (`token`); false while another attempt
     * holds a claim its heartbeat renewed within `staleAfterMs` (a dead claimer's claim is taken over).
     */
    async claimAnswer(investigationId: string, token: string, staleAfterMs = 8_000): Promise<boolean> {
      const { rows } = await db.query(
        `UPDATE investigations SET answer_claimed_by = $2, answer_claimed_at = now()
         WHERE id = $1 AND (answer_claimed_by IS NULL OR answer_claimed_by = $2
           OR answer_claimed_at < now() - make_interval(secs => $3))
         RETURNING id`,
        [investigationId, token, staleAfterMs / 1_000],
      );
      return rows.length > 0;
    },

    /** Gives up a claim after a failed attempt, so the next attempt can post at once. */
    async releaseAnswer(investigationId: string, token: string): Promise<void> {
      await db.query(
        `UPDATE investigations SET answer_claimed_by = NULL, answer_claimed_at = NULL
         WHERE id = $1 AND answer_claimed_by = $2`,
        [investigationId, token],
      );
    },

    /** Recorded before the first chunk is streamed, so a crash mid-stream leaves a ts to replace. */
    async setStreamTs(investigationId: string, ts: string): Promise<void> {
      await db.query(`UPDATE investigations SET slack_stream_ts = $2 WHERE id = $1`, [investigationId, ts]);
    },

    /** The status message no longer shows progress (it became the answer, was removed or says it failed). */
    async settleStatus(investigationId: string): Promise<void> {
      await db.query(`UPDATE investigations SET slack_status_settled_at = now() WHERE id = $1`, [investigationId]);
    },

    /** Finished investigations (answered, clarifying, failed) whose status message was never settled. */
    async listUnsettled(olderThanMs: number, limit = 100): Promise<UnsettledStatus[]> {
      const { rows } = await db.query(
        `SELECT id, channel, slack_status_ts, slack_answer_ts FROM investigations
         WHERE slack_status_ts IS NOT NULL AND slack_status_settled_at IS NULL AND channel IS NOT NULL
           AND status IN ('answered', 'clarifying', 'failed')
           AND finished_at <= now() - make_interval(secs => $1)
         ORDER BY finished_at LIMIT $2`,
        [olderThanMs / 1_000, limit],
      );
      return rows.map((row) => {
        const answerTs = toOptionalString(row.slack_answer_ts);
        return {
          investigationId: String(row.id),
          channel: String(row.channel),
          statusTs: String(row.slack_status_ts),
          ...(answerTs ? { answerTs } : {}),
        };
      });
    },
  };
}

export type SlackMessagesRepository = ReturnType<typeof createSlackMessagesRepository>;
