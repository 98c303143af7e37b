import { z } from 'zod';
import type { ToolCallResult } from '../ports.js';
import { readErrorInfo, type ToolErrorInfo } from './error-result.js';
import { resultSchemas, type ReadTool, type ResultOf } from './result-schemas.js';
import { ToolResultShapeError } from './shape-error.js';

/** One instance's checked answer. */
export interface InstanceAnswer<T extends ReadTool> {
  instance: string;
  data: ResultOf<T>;
}

/** A tool result as the pipeline reads it: checked data per instance, who did not answer, what failed. */
export interface ReadResult<T extends ReadTool> {
  answers: Array<InstanceAnswer<T>>;
  /** Instances a fanned-out call could not reach. */
  unreachable: string[];
  /** Set when the call (or every instance that answered) returned an error result. */
  error?: ToolErrorInfo;
}

/**
 * The gateway's fan-out envelope: exactly `{results: [{instance, ...}], unreachable: [{instance, error}]}`.
 * Strict, because a tool's own answer may also have a `results` list (list_policy_violations does): that
 * answer carries other keys too, and its entries name no instance.
 */
const fanOutEnvelope = z.strictObject({
  results: z.array(z.looseObject({ instance: z.string() })),
  unreachable: z.array(z.looseObject({ instance: z.string() })),
});

/** A single-instance answer the gateway labelled (`instance`, and who was not asked). */
const singleEnvelope = z.object({
  instance: z.string().optional(),
  unreachable: z.array(z.object({ instance: z.string() })).default([]),
});

function check<T extends ReadTool>(tool: T, value: unknown): ResultOf<T> {
  // Indexing the registry with a generic key loses the key-to-schema link TypeScript cannot
  // follow; the value is that schema.
  const schema = resultSchemas[tool] as unknown as z.ZodType<ResultOf<T>>;
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new ToolResultShapeError(tool, issue ? issue.path.join('.') : '', issue?.message ?? parsed.error.message);
}

/**
 * Checks a read tool's structured content against its schema, per instance when the gateway
 * fanned the call out. An error result is read as an error (never checked against the success
 * schema); a success without structured content, or with content of another shape, throws
 * ToolResultShapeError naming the tool and the field.
 */
export function readToolResult<T extends ReadTool>(tool: T, result: ToolCallResult, instance?: string): ReadResult<T> {
  const envelope = fanOutEnvelope.safeParse(result.structured);
  if (envelope.success) {
    const answers: Array<InstanceAnswer<T>> = [];
    const errors: unknown[] = [];
    for (const entry of envelope.data.results) {
      const entryInstance = typeof entry.instance === 'string' ? entry.instance : '';
      if (entry.isError === true) errors.push(entry);
      else answers.push({ instance: entryInstance, data: check(tool, entry) });
    }
    const unreachable = envelope.data.unreachable.map((entry) => entry.instance);
    const error = answers.length === 0 && result.isError ? readErrorInfo(result.structured, result.text) : undefined;
    return { answers, unreachable, ...(error ? { error } : {}) };
  }
  const labels = singleEnvelope.safeParse(result.structured ?? {});
  const unreachable = labels.success ? labels.data.unreachable.map((entry) => entry.instance) : [];
  if (result.isError) return { answers: [], unreachable, error: readErrorInfo(result.structured, result.text) };
  if (result.structured === undefined) throw new ToolResultShapeError(tool, '', 'the result has no structured content');
  const answerInstance = (labels.success ? labels.data.instance : undefined) ?? instance ?? '';
  return { answers: [{ instance: answerInstance, data: check(tool, result.structured) }], unreachable };
}
