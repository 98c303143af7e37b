import type { SqlClient } from './database.js';
import { toDate, toJson, toOptionalDate, toOptionalString } from './rows.js';

/** Where a conversation happens: a channel thread, a DM channel (top level), or an AI-app thread. */
export type ConversationKind = 'thread' | 'dm' | 'assistant';

/** A clarifying question still waiting for its reply, with each choice's question. */
export interface PendingClarification {
  question: string;
  choices: Array<{ label: string; question: string }>;
}

/** One earlier turn: what was asked and the gist of the answer. */
export interface StoredTurn {
  question: string;
  answer: string;
}

/** A conversation row (migration 0022). Entities, evidence and the answer are the pipeline's JSON. */
export interface Conversation {
  channel: string;
  thread: string;
  kind: ConversationKind;
  entities?: unknown;
  evidence: unknown[];
  gatheredAt?: Date;
  previousAnswer?: unknown;
  lastInvestigationId?: string;
  pendingClarification?: PendingClarification;
  turns: StoredTurn[];
  updatedAt: Date;
}

/** What one finished investigation adds to its conversation. */
export interface ConversationTurnRecord {
  kind: ConversationKind;
  investigationId: string;
  turn: StoredTurn;
  /** Set for an answer: what it was about, the evidence it cited, the answer. */
  answered?: { entities?: unknown; evidence: unknown[]; answer: unknown };
  /** Set for a clarifying question. */
  clarification?: PendingClarification;
}

/** Turns kept per conversation; older ones drop off (the model needs the recent context only). */
export const MAX_TURNS = 10;

const COLUMNS = `channel, thread, kind, entities, evidence, gathered_at, previous_answer, last_investigation_id,
  pending_clarification, turns, updated_at`;

function fromRow(row: Record<string, unknown>): Conversation {
  const lastInvestigationId = toOptionalString(row.last_investigation_id);
  const gatheredAt = toOptionalDate(row.gathered_at);
  const pending = toJson<PendingClarification>(row.pending_clarification);
  const entities = toJson<unknown>(row.entities);
  const previousAnswer = toJson<unknown>(row.previous_answer);
  return {
    channel: String(row.channel),
    thread: String(row.thread),
    kind: row.kind as ConversationKind,
    ...(entities !== undefined ? { entities } : {}),
    evidence: toJson<unknown[]>(row.evidence) ?? [],
    ...(gatheredAt ? { gatheredAt } : {}),
    ...(previousAnswer !== undefined ? { previousAnswer } : {}),
    ...(lastInvestigationId ? { lastInvestigationId } : {}),
    ...(pending ? { pendingClarification: pending } : {}),
    turns: toJson<StoredTurn[]>(row.turns) ?? [],
    updatedAt: toDate(row.updated_at),
  };
}

/**
 * Conversations: per Slack thread (or DM), what the bot last answered about, so a follow-up
 * resolves against it. Written by the investigator after each outcome; read by the listeners.
 */
export function createConversationsRepository(db: SqlClient, now: () => Date) {
  return {
    async get(channel: string, thread: string): Promise<Conversation | undefined> {
      const { rows } = await db.query(`SELECT ${COLUMNS} FROM conversations WHERE channel = $1 AND thread = $2`, [
        channel,
        thread,
      ]);
      return rows[0] ? fromRow(rows[0]) : undefined;
    },

    /** Remembers an AI-app thread Slack started, so only those threads get assistant treatment. */
    async markAssistantThread(channel: string, thread: string): Promise<void> {
      await db.query(
        `INSERT INTO conversations (channel, thread, kind, updated_at) VALUES ($1, $2, 'assistant', $3)
         ON CONFLICT (channel, thread) DO UPDATE SET kind = 'assistant'`,
        [channel, thread, now()],
      );
    },

    /**
     * Adds a finished turn. An answer replaces the subject, evidence and answer and clears a
     * pending clarification; a clarifying question sets one and keeps the previous subject. A
     * retried job recording the same investigation again adds no second turn.
     */
    async recordTurn(channel: string, thread: string, record: ConversationTurnRecord): Promise<void> {
      const at = now();
      const answered = record.answered;
      await db.query(
        `INSERT INTO conversations (channel, thread, kind, entities, evidence, gathered_at, previous_answer,
           last_investigation_id, pending_clarification, turns, updated_at)
         VALUES ($1, $2, $3, $4::jsonb, COALESCE($5::jsonb, '[]'::jsonb), $6, $7::jsonb, $12, $9::jsonb,
           jsonb_build_array($10::jsonb), $11)
         ON CONFLICT (channel, thread) DO UPDATE SET
           entities = COALESCE(EXCLUDED.entities, conversations.entities),
           evidence = CASE WHEN $5::jsonb IS NULL THEN conversations.evidence ELSE EXCLUDED.evidence END,
           gathered_at = COALESCE(EXCLUDED.gathered_at, conversations.gathered_at),
           previous_answer = COALESCE(EXCLUDED.previous_answer, conversations.previous_answer),
           last_investigation_id = COALESCE(EXCLUDED.last_investigation_id, conversations.last_investigation_id),
           pending_clarification = EXCLUDED.pending_clarification,
           turns = CASE WHEN conversations.turns @> jsonb_build_array(jsonb_build_object('id', $8::text))
             THEN conversations.turns
             ELSE (SELECT COALESCE(jsonb_agg(turn ORDER BY position), '[]'::jsonb) FROM (
               SELECT turn, position FROM jsonb_array_elements(conversations.turns || jsonb_build_array($10::jsonb))
                 WITH ORDINALITY AS listed(turn, position)
               ORDER BY position DESC LIMIT ${MAX_TURNS}) AS kept) END,
           updated_at = EXCLUDED.updated_at`,
        [
          channel,
          thread,
          record.kind,
          answered?.entities === undefined ? null : JSON.stringify(answered.entities),
          answered ? JSON.stringify(answered.evidence) : null,
          answered ? at : null,
          answered ? JSON.stringify(answered.answer) : null,
          record.investigationId,
          record.clarification ? JSON.stringify(record.clarification) : null,
          JSON.stringify({ id: record.investigationId, ...record.turn }),
          at,
          answered ? record.investigationId : null,
        ],
      );
    },
  };
}

export type ConversationsRepository = ReturnType<typeof createConversationsRepository>;
