import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import type { CatalogEntry } from './tool-catalog.js';

/** A tool's output schema as MCP carries it: a JSON Schema object whose root is `type: 'object'`. */
export type OutputSchema = NonNullable<Tool['outputSchema']>;

type JsonSchema = Record<string, unknown>;

const STRING = { type: 'string' };

/** One instance the gateway could not ask: in `unreachable` of fanned-out results. */
const UNREACHABLE_ITEM: JsonSchema = {
  type: 'object',
  properties: { instance: STRING, error: STRING },
  required: ['instance', 'error'],
};

/**
 * What every `isError` result of a tool with an advertised schema carries: the gateway's refusals
 * (`{error}`), a resolve fan-out that found nothing or too much (`{error, notFound|candidates,
 * unreachable}`) and upstream tool errors (`{error, code}` from our servers), each with `error`
 * guaranteed by `withErrorField`. Other fields are allowed.
 */
const FAILURE: JsonSchema = { type: 'object', properties: { error: STRING }, required: ['error'] };

/** The upstream schema with the fields the gateway adds to a single-instance answer. */
function singleInstance(upstream: OutputSchema): JsonSchema {
  const properties: Record<string, unknown> = { ...(upstream.properties ?? {}) };
  // An upstream that already reports `instance` keeps its own; the gateway then leaves the field alone.
  const hasOwnInstance = 'instance' in properties;
  if (!hasOwnInstance) properties.instance = { ...STRING, description: 'The instance that answered.' };
  properties.unreachable ??= {
    type: 'array',
    items: UNREACHABLE_ITEM,
    description: 'Instances that could not be asked while looking for the object.',
  };
  const required = [...(upstream.required ?? [])];
  if (!hasOwnInstance) required.push('instance');
  return { ...upstream, type: 'object', properties, required };
}

/** A `merge` fan-out: `{results: [{instance, ...}], unreachable: [{instance, error}]}`. */
function merged(single: JsonSchema): JsonSchema {
  const failedInstance = {
    type: 'object',
    properties: { instance: STRING, isError: { const: true } },
    required: ['instance', 'isError'],
  };
  return {
    type: 'object',
    properties: {
      results: { type: 'array', items: { anyOf: [single, failedInstance] } },
      unreachable: { type: 'array', items: UNREACHABLE_ITEM },
    },
    required: ['results', 'unreachable'],
    additionalProperties: false,
  };
}

/**
 * The output schema the gateway advertises for one catalog entry, or undefined when the upstream
 * declares none. It is true for every `structuredContent` the gateway returns for the tool:
 * - prefixed tools (one third-party server): `anyOf` the upstream schema, untouched, and the
 *   `{error}` shape of error results (the gateway's refusals);
 * - federated tools: `anyOf` the upstream schema plus `instance` (one instance asked, or the
 *   single match of a `resolve` fan-out, which may also list `unreachable`), the merged shape of a
 *   `merge` fan-out, and the `{error}` shape of error results.
 * The MCP SDK client validates `structuredContent` against this schema, error results included.
 */
export function advertisedOutputSchema(entry: CatalogEntry): OutputSchema | undefined {
  const upstream = entry.definition.outputSchema;
  if (upstream === undefined) return undefined;
  if (entry.shape === 'prefixed') return { type: 'object', anyOf: [upstream, FAILURE] };
  // Our servers advertise `anyOf: [success, error]`; each branch gains the gateway's fields.
  const branches = Array.isArray(upstream.anyOf) ? (upstream.anyOf as OutputSchema[]) : undefined;
  const single = branches ? { type: 'object', anyOf: branches.map(singleInstance) } : singleInstance(upstream);
  const shapes = entry.fanOut === 'merge' ? [single, merged(single), FAILURE] : [single, FAILURE];
  return { type: 'object', anyOf: shapes };
}

function textOf(result: CallToolResult): string {
  return result.content
    .flatMap((item) => (item.type === 'text' ? [item.text] : []))
    .join('\n')
    .slice(0, 2000);
}

/**
 * A single-instance answer as the advertised schema describes it: for a federated tool (`instance`
 * given) the instance added to its `structuredContent` unless the upstream set one, and for an
 * error an `error` string (from the text when the upstream gave none). Nothing is removed or checked.
 */
export function tagWithInstance(result: CallToolResult, instance: string | undefined): CallToolResult {
  const structured = result.structuredContent;
  if (structured === undefined) return result;
  const tagged = instance === undefined || 'instance' in structured ? { ...structured } : { ...structured, instance };
  return { ...result, structuredContent: result.isError === true ? withErrorField(tagged, result) : tagged };
}

/** `structured` with a string `error`, taken from the result's text when missing. */
export function withErrorField(structured: Record<string, unknown>, result: CallToolResult): Record<string, unknown> {
  return typeof structured.error === 'string' ? structured : { ...structured, error: textOf(result) };
}
