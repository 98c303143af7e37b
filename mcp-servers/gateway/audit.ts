import { isSecretName, REDACTED, redactText } from '../../redaction/index.js';
import type { Logger } from './logger.js';
import type { SecretScrubber } from './secret-scrubber.js';

/**
 * How a gateway call ended: `ok`; `tool_error` (the tool answered with isError); `partial` (a
 * fan-out where some instances were unreachable); `denied` (policy or approval refused it);
 * `rejected` (invalid call: unknown tool, bad or oversized arguments); `upstream_error`
 * (unreachable, timed out, circuit open, failed).
 */
export type AuditOutcome = 'ok' | 'tool_error' | 'partial' | 'denied' | 'rejected' | 'upstream_error';

/** One audit record per tools/call the gateway receives. */
export interface AuditEvent {
  time: string;
  principal: string;
  tool: string;
  /** The instance the caller chose, or null for a fan-out. */
  instance: string | null;
  /** Instances actually called (a fan-out calls several). */
  instances: string[];
  /** Arguments as the caller sent them, secrets redacted. */
  arguments: Record<string, unknown>;
  outcome: AuditOutcome;
  /** Why a call was denied, rejected or failed. */
  reason?: string;
  unreachable?: string[];
  durationMs: number;
  traceId: string | null;
}

/** Where audit events go (a log by default; the bot adds a Postgres sink). Must not throw. */
export interface AuditSink {
  record: (event: AuditEvent) => void | Promise<void>;
}

/** Writes every audit event as a JSON log line `event: "tool-call-audit"`. */
export function createLogAuditSink(logger: Logger): AuditSink {
  return { record: (event) => logger.info({ event: 'tool-call-audit', audit: event }, 'tool call audit') };
}

const MAX_STRING = 2000;

/**
 * A copy of call arguments safe to store: values under secret-looking keys are replaced, known
 * credentials are scrubbed, every string value goes through the shared redaction rules (a token
 * pasted into a `grep` or a manifest is a value, not a key), long strings (manifests, patches)
 * are cut.
 */
export function redactArguments(args: Record<string, unknown>, scrubber: SecretScrubber): Record<string, unknown> {
  const walk = (value: unknown, depth: number): unknown => {
    if (typeof value === 'string') {
      const clean = redactText(scrubber.text(value));
      return clean.length > MAX_STRING
        ? `${clean.slice(0, MAX_STRING)}… [${clean.length - MAX_STRING} more chars]`
        : clean;
    }
    if (value === null || typeof value !== 'object') return value;
    if (depth > 8) return '[nested too deep]';
    if (Array.isArray(value)) return value.map((item) => walk(item, depth + 1));
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, isSecretName(key) ? REDACTED : walk(item, depth + 1)]),
    );
  };
  return walk(args, 0) as Record<string, unknown>;
}
