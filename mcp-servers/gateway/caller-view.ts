import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { upstreamKey, type CallerConfig, type UpstreamConfig } from './config.js';
import { isInstanceAllowed, isToolAllowed } from './caller-policy.js';
import { advertisedOutputSchema } from './output-schema.js';
import type { CatalogEntry } from './tool-catalog.js';

/** The argument that picks the instance of a federated tool. */
export const INSTANCE_ARGUMENT = 'instance';
/** The argument carrying the approval of a write. */
export const APPROVAL_ARGUMENT = 'approval_id';

/** A tool as one caller sees it: the instances it may use and the definition it is shown. */
export interface CallerTool {
  entry: CatalogEntry;
  /** Permitted instances offering the tool, in config order. */
  instances: string[];
  definition: Tool;
}

const MAX_LISTED_INSTANCES = 25;

export function describeInstance(upstream: UpstreamConfig): string {
  const labels = Object.entries(upstream.labels).map(([key, value]) => `${key}=${value}`);
  return labels.length > 0 ? `${upstream.instance} (${labels.join(', ')})` : upstream.instance;
}

type JsonSchema = Tool['inputSchema'];

function instanceHelp(
  entry: CatalogEntry,
  instances: readonly string[],
  upstreams: ReadonlyMap<string, UpstreamConfig>,
): string {
  const listed = instances.slice(0, MAX_LISTED_INSTANCES).map((name) => {
    const upstream = upstreams.get(upstreamKey(entry.kind, name));
    return upstream ? describeInstance(upstream) : name;
  });
  const more = instances.length > listed.length ? `; and ${instances.length - listed.length} more (see the enum)` : '';
  const omit =
    entry.fanOut === 'merge'
      ? 'Omit it to ask every instance at once (one section per instance; unreachable instances are listed).'
      : entry.fanOut === 'resolve'
        ? 'Omit it to find the instance that has the object (you are asked to choose when several have it).'
        : 'Required.';
  return `The ${entry.kind} instance to use: ${listed.join('; ')}${more}. ${omit}`;
}

function exposedSchema(
  entry: CatalogEntry,
  instances: readonly string[],
  upstreams: ReadonlyMap<string, UpstreamConfig>,
): JsonSchema {
  const source = entry.definition.inputSchema;
  const properties: Record<string, unknown> = { ...(source.properties ?? {}) };
  let required = (source.required ?? []).filter((name) => !entry.blockedArguments.has(name));
  for (const blocked of entry.blockedArguments) delete properties[blocked];
  if (entry.shape === 'federated') {
    properties[INSTANCE_ARGUMENT] = {
      type: 'string',
      enum: [...instances],
      description: instanceHelp(entry, instances, upstreams),
    };
    const mayOmit = entry.fanOut !== 'none' || instances.length === 1;
    if (!mayOmit || entry.isWrite)
      required = [...required.filter((name) => name !== INSTANCE_ARGUMENT), INSTANCE_ARGUMENT];
  }
  if (entry.isWrite) {
    properties[APPROVAL_ARGUMENT] = {
      type: 'string',
      minLength: 1,
      description:
        'Id of the approval a person gave for exactly this change; the gateway refuses writes without a valid one.',
    };
    required = [...required.filter((name) => name !== APPROVAL_ARGUMENT), APPROVAL_ARGUMENT];
  }
  return { ...source, type: 'object', properties, ...(required.length > 0 ? { required } : {}) } as JsonSchema;
}

function exposedDefinition(
  entry: CatalogEntry,
  instances: readonly string[],
  upstreams: ReadonlyMap<string, UpstreamConfig>,
): Tool {
  const { definition } = entry;
  const notes: string[] = [];
  if (entry.shape === 'prefixed') notes.push(`Served by ${entry.instances[0] ?? ''} through the sre-bot gateway.`);
  if (entry.isWrite) notes.push('Changes live state: needs an approval_id for this exact change.');
  const outputSchema = advertisedOutputSchema(entry);
  return {
    name: entry.name,
    ...(definition.title ? { title: definition.title } : {}),
    description: [definition.description ?? '', ...notes].filter(Boolean).join('\n\n'),
    inputSchema: exposedSchema(entry, instances, upstreams),
    ...(outputSchema ? { outputSchema } : {}),
    ...(definition.annotations ? { annotations: definition.annotations } : {}),
  };
}

/**
 * What one caller may see: tools allowed by `allow.tools`, writes only for `writes: true` callers,
 * and only with at least one instance allowed by `allow.instances`. The `instance` enum lists
 * exactly the permitted instances.
 */
export function buildCallerView(
  catalog: ReadonlyMap<string, CatalogEntry>,
  caller: CallerConfig,
  upstreams: ReadonlyMap<string, UpstreamConfig>,
): Map<string, CallerTool> {
  // `upstreams` is keyed by upstreamKey(kind, instance).
  const view = new Map<string, CallerTool>();
  for (const entry of catalog.values()) {
    if (entry.isWrite && !caller.writes) continue;
    if (!isToolAllowed(caller, entry.name)) continue;
    const instances = entry.instances.filter((name) => {
      const upstream = upstreams.get(upstreamKey(entry.kind, name));
      return upstream !== undefined && isInstanceAllowed(caller, upstream);
    });
    if (instances.length === 0) continue;
    view.set(entry.name, { entry, instances, definition: exposedDefinition(entry, instances, upstreams) });
  }
  return view;
}
