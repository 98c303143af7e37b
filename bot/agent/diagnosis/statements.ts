/**
 * Evidence lines as statements: what a line says (a JSON log's message, an event without counts), found again from a
 * hit.
 */
import { z } from 'zod';
import type { EvidenceBundle } from '../../skills/evidence.js';

/** A JSON log line: an object of fields (what they hold is checked field by field). */
const logRecord = z.record(z.string(), z.unknown());

const FAILURE_LEVELS = /^(?:fatal|panic|critical|crit|error|err)$/i;

/**
 * A structured (JSON) log line reduced to what it says: `{"level":"fatal","msg":"config: x
 * missing","error":"envconfig: x"}` → `fatal: config: x missing (envconfig: x)`. Undefined when the
 * line is not a JSON object with a message.
 */
export function logMessage(line: string): string | undefined {
  const trimmed = line.trim();
  if (!trimmed.startsWith('{') || !trimmed.endsWith('}')) return undefined;
  let record: unknown;
  try {
    record = JSON.parse(trimmed);
  } catch {
    return undefined;
  }
  const parsed = logRecord.safeParse(record);
  if (!parsed.success) return undefined;
  const fields = parsed.data;
  const field = (...keys: string[]): string | undefined => {
    for (const key of keys) {
      const value = fields[key];
      if (typeof value === 'string' && value.trim() !== '') return value.trim();
    }
    return undefined;
  };
  const message = field('msg', 'message', 'log', 'event');
  if (!message) return undefined;
  const level = field('level', 'severity', 'lvl');
  const error = field('error', 'err', 'exception', 'stack');
  const prefix = level && FAILURE_LEVELS.test(level) ? `${level.toLowerCase()}: ` : '';
  return `${prefix}${message}${error && !message.includes(error) ? ` (${error.split('\n')[0] ?? error})` : ''}`;
}

/**
 * An evidence line as a sentence for the root cause: the item's own statement when it has one
 * (an event without its count and age); a log line says who logged it, and a JSON log line
 * only its message and error.
 */
export function asStatement(line: string, source = '', statement?: string): string {
  if (statement) return statement;
  const objectName =
    source
      .replace(/^[a-z_]+:/, '')
      .split('/')
      .pop() ?? '';
  const structured = logMessage(line);
  if (structured) return objectName ? `${objectName} logged: ${structured}` : structured;
  if (objectName && /^get_(?:pod|application)_logs:/.test(source)) return `${objectName} logged: ${line.trim()}`;
  return line.replace(/\s*…\s*/g, ' … ');
}

/** The statement of the evidence item a hit quotes (the matcher hands back the line, clipped at 240). */
export function statementOf(hit: { line: string; source: string }, evidence: EvidenceBundle): string | undefined {
  const stem = hit.line.endsWith('…') ? hit.line.slice(0, -1) : undefined;
  const item = evidence.find(
    (candidate) =>
      candidate.source === hit.source &&
      (candidate.text === hit.line || (stem !== undefined && candidate.text.startsWith(stem))),
  );
  return item?.statement;
}

/** Drops lines that are a clipped copy ("…") of a longer line that is also present. */
export function distinctLines<T extends { line: string }>(hits: T[]): T[] {
  return hits.filter((hit) => {
    const stem = hit.line.replace(/….*$/s, '');
    return !hits.some((other) => other !== hit && other.line.length > hit.line.length && other.line.startsWith(stem));
  });
}

/** The evidence item a hit quotes (the matcher hands back the line, clipped). */
export function itemOf(
  hit: { line: string; source: string },
  evidence: EvidenceBundle,
): EvidenceBundle[number] | undefined {
  const stem = hit.line.replace(/\s*…$/, '');
  return evidence.find(
    (candidate) => candidate.source === hit.source && (candidate.text === hit.line || candidate.text.startsWith(stem)),
  );
}

/** What a line says, without counts and ages, for telling copies apart across tools. */
export function gist(item: { text: string; statement?: string }): string {
  return (item.statement ?? item.text)
    .replace(/^x\d+\s+/, '')
    .replace(/\(\S+ ago\)/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}
