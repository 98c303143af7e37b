import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { FanOutMode, UpstreamKind } from './config.js';
import { fanOutModeOf, isWriteTool } from './tool-routing.js';
import type { Upstream } from './upstream.js';

/** MCP tool names (2025-06 spec): what every name the gateway exposes must match. */
export const TOOL_NAME = /^[A-Za-z0-9._-]{1,128}$/;

/** Separator between instance and tool for `other` upstreams: `argocd-mcp__list_applications`. */
export const PREFIX_SEPARATOR = '__';

/** One tool the gateway exposes, before per-caller filtering. */
export interface CatalogEntry {
  /** The name callers see. */
  name: string;
  /** The name the upstream knows. */
  upstreamName: string;
  /** `federated`: one tool for every instance of a kind, `instance` argument; `prefixed`: one `other` upstream. */
  shape: 'federated' | 'prefixed';
  kind: UpstreamKind;
  /** Instances that offer the tool, in config order. */
  instances: string[];
  /** The upstream definition the exposed one is derived from. */
  definition: Tool;
  isWrite: boolean;
  fanOut: FanOutMode;
  /** Arguments callers may not pass (config `blockedArguments`). */
  blockedArguments: ReadonlySet<string>;
}

export interface CatalogOptions {
  knownWriteTools: ReadonlySet<string>;
  fanOutOverrides: Readonly<Record<string, FanOutMode>>;
  /** Reports tools that cannot be exposed (name too long, clashes). */
  onSkip?: (reason: string) => void;
}

/**
 * Builds the federated catalog from the upstreams' last known tool lists. For argocd, kubernetes
 * and kyverno kinds each tool appears once; the instances offering it are those that listed it
 * plus those whose tools are not known yet (down since start), so a fan-out still reports them as
 * unreachable. Where instances of a kind disagree on a tool's schema, the first instance in config
 * order that lists it wins; a name two kinds share becomes `kind.tool`. `other` upstreams get
 * `instance__tool` names.
 */
export function buildCatalog(upstreams: readonly Upstream[], options: CatalogOptions): Map<string, CatalogEntry> {
  const catalog = new Map<string, CatalogEntry>();
  const add = (entry: CatalogEntry): void => {
    if (!TOOL_NAME.test(entry.name)) {
      options.onSkip?.(`tool '${entry.name}' is not exposed: names must match ${TOOL_NAME.source}`);
      return;
    }
    if (catalog.has(entry.name)) {
      options.onSkip?.(
        `tool '${entry.name}' of ${entry.instances.join(', ')} clashes with an exposed tool of the same name ` +
          `and is not exposed`,
      );
      return;
    }
    catalog.set(entry.name, entry);
  };

  const federatedKinds: UpstreamKind[] = ['argocd', 'kubernetes', 'kyverno'];
  // A tool name offered by two federated kinds is exposed as `kind.tool` for each of them.
  const kindsByTool = new Map<string, Set<UpstreamKind>>();
  for (const upstream of upstreams) {
    if (upstream.config.kind === 'other') continue;
    for (const tool of upstream.tools ?? []) {
      const kinds = kindsByTool.get(tool.name) ?? new Set<UpstreamKind>();
      kinds.add(upstream.config.kind);
      kindsByTool.set(tool.name, kinds);
    }
  }
  for (const kind of federatedKinds) {
    const ofKind = upstreams.filter((upstream) => upstream.config.kind === kind);
    const unknown = ofKind.filter((upstream) => upstream.tools === undefined).map((upstream) => upstream.instance);
    const byName = new Map<string, { definition: Tool; upstream: Upstream; instances: Set<string> }>();
    for (const upstream of ofKind) {
      for (const tool of upstream.tools ?? []) {
        const seen = byName.get(tool.name);
        if (seen) seen.instances.add(upstream.instance);
        else byName.set(tool.name, { definition: tool, upstream, instances: new Set([upstream.instance]) });
      }
    }
    for (const [name, { definition, upstream, instances }] of byName) {
      const isWrite = isWriteTool(definition, upstream.config, options.knownWriteTools);
      const offering = new Set([...instances, ...unknown]);
      add({
        name: (kindsByTool.get(name)?.size ?? 1) > 1 ? `${kind}.${name}` : name,
        upstreamName: name,
        shape: 'federated',
        kind,
        instances: ofKind.map((candidate) => candidate.instance).filter((instance) => offering.has(instance)),
        definition,
        isWrite,
        fanOut: fanOutModeOf(name, isWrite, options.fanOutOverrides),
        // Instances of one kind may block different arguments; the union is blocked for the federated tool.
        blockedArguments: new Set(ofKind.flatMap((candidate) => candidate.config.blockedArguments)),
      });
    }
  }

  for (const upstream of upstreams.filter((candidate) => candidate.config.kind === 'other')) {
    for (const tool of upstream.tools ?? []) {
      add({
        name: `${upstream.instance}${PREFIX_SEPARATOR}${tool.name}`,
        upstreamName: tool.name,
        shape: 'prefixed',
        kind: 'other',
        instances: [upstream.instance],
        definition: tool,
        isWrite: isWriteTool(tool, upstream.config, options.knownWriteTools),
        fanOut: 'none',
        blockedArguments: new Set(upstream.config.blockedArguments),
      });
    }
  }
  return catalog;
}
