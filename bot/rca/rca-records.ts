import type { Answer } from '../agent/answer.js';

/**
 * Everything a draft may be built from: records the bot keeps (investigation, audited tool calls
 * with their structured results, corrections, feedback, approvals, pull requests) and the
 * thread's messages. Drafters read nothing else, so every sentence can point at its record.
 */
export interface RcaRecords {
  investigation: {
    id: string;
    question: string;
    /** Slack user id (or CLI user) of the person who asked. */
    asker?: string;
    channel?: string;
    thread?: string;
    status: string;
    startedAt: string;
    finishedAt?: string;
    traceId?: string;
    /** The stored answer; a clarifying outcome has no root cause. */
    answer?: Partial<Answer>;
  };
  toolCalls: RecordedToolCall[];
  corrections: Array<{ id: string; rootCause: string; details?: string; createdAt: string }>;
  feedback: Array<{ rating: 'helpful' | 'not_helpful'; createdAt: string }>;
  approvals: Array<{ id: string; action: string; status: string; createdAt: string; decidedAt?: string }>;
  pullRequests: Array<{
    id: string;
    kind: string;
    title: string;
    status: string;
    url?: string;
    createdAt: string;
    updatedAt: string;
  }>;
  messages: ThreadMessage[];
  /** The channel's owning team (channel config), for access and filters. */
  team?: string;
}

export interface RecordedToolCall {
  id: number;
  tool: string;
  instance?: string;
  outcome: string;
  calledAt: string;
  /** The tool's `structuredContent` as recorded (redacted); read only through zod schemas. */
  result?: unknown;
}

/** A message of the investigation's Slack thread. */
export interface ThreadMessage {
  ts: string;
  user?: string;
  isBot: boolean;
  text: string;
  url?: string;
}

/** Converts a Slack ts ("1700000000.000100") to an ISO time. */
export function slackTsToIso(ts: string): string | undefined {
  const seconds = Number(ts);
  return Number.isFinite(seconds) && seconds > 0 ? new Date(seconds * 1000).toISOString() : undefined;
}
