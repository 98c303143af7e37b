import { redactValue } from '../../redaction/index.js';
import type { SqlClient } from './database.js';
import { toDate, toJson, toNumber, toOptionalString } from './rows.js';

export type ToolCallOutcome = 'ok' | 'tool_error' | 'failed' | 'denied';

export interface ToolCallRecord {
  investigationId?: string;
  principal?: string;
  server: string;
  instance?: string;
  tool: string;
  arguments: Record<string, unknown>;
  outcome: ToolCallOutcome;
  durationMs: number;
  error?: string;
  traceId?: string;
  /** The tool's structured result, redacted; dropped when larger than RESULT_LIMIT serialised. */
  result?: unknown;
}

export interface StoredToolCall extends ToolCallRecord {
  id: number;
  calledAt: Date;
}

/** Structured results above this many characters are not kept (an RCA needs facts, not dumps). */
export const RESULT_LIMIT = 200_000;

function storedResult(result: unknown): string | null {
  if (result === undefined) return null;
  const text = JSON.stringify(redactValue(result));
  return text.length <= RESULT_LIMIT ? text : null;
}

/** The audit trail: every tool call, arguments redacted before they are written. */
export function createToolCallsRepository(db: SqlClient, now: () => Date) {
  return {
    async record(call: ToolCallRecord): Promise<void> {
      await db.query(
        `INSERT INTO tool_calls (investigation_id, principal, server, instance, tool, arguments, outcome, duration_ms,
           error, trace_id, called_at, result)
         VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9, $10, $11, $12::jsonb)`,
        [
          call.investigationId ?? null,
          call.principal ?? null,
          call.server,
          call.instance ?? null,
          call.tool,
          JSON.stringify(redactValue(call.arguments)),
          call.outcome,
          Math.round(call.durationMs),
          call.error === undefined ? null : redactValue(call.error),
          call.traceId ?? null,
          now(),
          storedResult(call.result),
        ],
      );
    },

    async listForInvestigation(investigationId: string): Promise<StoredToolCall[]> {
      const { rows } = await db.query(
        `SELECT id, investigation_id, principal, server, instance, tool, arguments, outcome, duration_ms, error,
           trace_id, called_at, result
         FROM tool_calls WHERE investigation_id = $1 ORDER BY id`,
        [investigationId],
      );
      return rows.map((row) => ({
        id: toNumber(row.id),
        investigationId: toOptionalString(row.investigation_id),
        principal: toOptionalString(row.principal),
        server: String(row.server),
        instance: toOptionalString(row.instance),
        tool: String(row.tool),
        arguments: toJson<Record<string, unknown>>(row.arguments) ?? {},
        outcome: row.outcome as ToolCallOutcome,
        durationMs: toNumber(row.duration_ms),
        error: toOptionalString(row.error),
        traceId: toOptionalString(row.trace_id),
        calledAt: toDate(row.called_at),
        ...(row.result === null || row.result === undefined ? {} : { result: toJson(row.result) }),
      }));
    },
  };
}

export type ToolCallsRepository = ReturnType<typeof createToolCallsRepository>;
