import type { z } from 'zod';
import type { Logger } from 'pino';

/** MCP tool annotations we always set explicitly (hints for clients and the gateway's policy). */
export interface ToolAnnotations {
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint: boolean;
  openWorldHint: boolean;
}

/** What a handler returns: compact text for the model plus the same facts as structured data. */
export interface ToolOutput {
  text: string;
  structured?: Record<string, unknown>;
  /** True when the model asked for something that cannot be answered; `text` says what to try. */
  isError?: boolean;
}

/** Per-call context handed to every handler. */
export interface ToolContext<Deps> {
  deps: Deps;
  logger: Logger;
  signal: AbortSignal;
}

/** One MCP tool: one file exports one of these; a server registers a list of them. */
export interface ToolDefinition<
  Deps,
  Input extends z.ZodObject = z.ZodObject,
  Output extends z.ZodObject = z.ZodObject,
> {
  /** snake_case, verb first. */
  name: string;
  title: string;
  description: string;
  /** A strict object schema: unknown arguments are rejected, never ignored. */
  inputSchema: Input;
  /**
   * What `structured` holds on success (read tools always declare one). Advertised as JSON Schema
   * and checked on every successful call; error results carry no structuredContent then.
   */
  outputSchema?: Output;
  annotations: ToolAnnotations;
  /** Write tools are registered only when the server runs with writes enabled. */
  isWrite: boolean;
  handler: (input: z.output<Input>, context: ToolContext<Deps>) => Promise<ToolOutput>;
}

/** A definition with its input type erased, so definitions with different inputs fit one list. */
export interface AnyToolDefinition<Deps> extends Omit<ToolDefinition<Deps>, 'handler'> {
  handler: (input: unknown, context: ToolContext<Deps>) => Promise<ToolOutput>;
}

/** A list-friendly definition that still knows its output schema's type (for typed consumers and tests). */
export type DefinedTool<Deps, Output extends z.ZodObject = z.ZodObject> = AnyToolDefinition<Deps> & {
  outputSchema?: Output;
};

/** Keeps the handler's input typed against its schema while returning a list-friendly definition. */
export function defineTool<Deps, Input extends z.ZodObject, Output extends z.ZodObject = z.ZodObject>(
  definition: ToolDefinition<Deps, Input, Output>,
): DefinedTool<Deps, Output> {
  // The server parses arguments with `inputSchema` before calling, so `input` has the schema's output type.
  return definition as unknown as DefinedTool<Deps, Output>;
}

/** Annotations of a read-only look-up against a live backend. */
export const readOnlyAnnotations: ToolAnnotations = Object.freeze({
  readOnlyHint: true,
  destructiveHint: false,
  idempotentHint: true,
  openWorldHint: true,
});

/** A model-actionable failure: the text says what went wrong and what to call next. */
export function toolError(text: string, structured?: Record<string, unknown>): ToolOutput {
  return { text, structured: { error: text, ...structured }, isError: true };
}

/** `defineTool` with the dependency type fixed, so each server's tools infer their input types. */
export function toolBuilder<Deps>() {
  return <Input extends z.ZodObject, Output extends z.ZodObject = z.ZodObject>(
    definition: ToolDefinition<Deps, Input, Output>,
  ): DefinedTool<Deps, Output> => defineTool<Deps, Input, Output>(definition);
}
