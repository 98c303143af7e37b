import type { SqlClient } from './database.js';
import { toNumber } from './rows.js';

export type FeedbackRating = 'helpful' | 'not_helpful';

/** Helpful / not helpful votes; one per person per investigation (a second vote replaces the first). */
export function createFeedbackRepository(db: SqlClient, now: () => Date) {
  return {
    async record(input: {
      investigationId: string;
      userId: string;
      rating: FeedbackRating;
      comment?: string;
    }): Promise<void> {
      await db.query(
        `INSERT INTO feedback (investigation_id, user_id, rating, comment, created_at) VALUES ($1, $2, $3, $4, ` +
          `$5)
         ON CONFLICT (investigation_id, user_id) DO UPDATE SET rating = EXCLUDED.rating, comment = ` +
          `EXCLUDED.comment, created_at = EXCLUDED.created_at`,
        [input.investigationId, input.userId, input.rating, input.comment ?? null, now()],
      );
    },

    async summary(investigationId: string): Promise<Record<FeedbackRating, number>> {
      const { rows } = await db.query(
        `SELECT rating, count(*) AS n FROM feedback WHERE investigation_id = $1 GROUP BY rating`,
        [investigationId],
      );
      const result: Record<FeedbackRating, number> = { helpful: 0, not_helpful: 0 };
      for (const row of rows) result[row.rating as FeedbackRating] = toNumber(row.n);
      return result;
    },
  };
}

export type FeedbackRepository = ReturnType<typeof createFeedbackRepository>;
