import { z } from 'zod';

/**
 * What an `isError` result carries as structured content: the servers' `{error, code}`, or the
 * gateway's fan-out verdicts (`candidates` when several instances have the object, `notFound`
 * with each instance's answer, `results` with each instance's error).
 */
export const errorResult = z.object({
  error: z.string().optional(),
  code: z.string().optional(),
  candidates: z.array(z.string()).optional(),
  notFound: z
    .array(z.object({ instance: z.string().optional(), error: z.string().optional(), code: z.string().optional() }))
    .optional(),
  results: z
    .array(z.object({ instance: z.string().optional(), error: z.string().optional(), code: z.string().optional() }))
    .optional(),
  unreachable: z.array(z.object({ instance: z.string(), error: z.string().optional() })).optional(),
});

/** An error result as the pipeline reads it. */
export interface ToolErrorInfo {
  /** The server's code (`not_found`, `forbidden`, `invalid_input`, ...), when it gave one. */
  code?: string;
  /** The server's message, for evidence and notes. */
  message: string;
  /** Several instances have the object (the call must name one). */
  candidates: string[];
}

/** Reads an error result's structured content; an error without structure keeps only its text. */
export function readErrorInfo(structured: unknown, text: string): ToolErrorInfo {
  const parsed = errorResult.safeParse(structured ?? {});
  if (!parsed.success) return { message: text, candidates: [] };
  const data = parsed.data;
  const inner = [...(data.notFound ?? []), ...(data.results ?? [])];
  const code = data.code ?? inner.find((entry) => entry.code)?.code;
  const message = inner.find((entry) => entry.error)?.error ?? data.error ?? text;
  return { ...(code ? { code } : {}), message, candidates: data.candidates ?? [] };
}
