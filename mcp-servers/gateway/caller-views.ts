import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { buildCallerView, type CallerTool } from './caller-view.js';
import { upstreamKey, type CallerConfig, type FanOutMode, type UpstreamConfig } from './config.js';
import { buildCatalog, type CatalogEntry } from './tool-catalog.js';
import type { UpstreamSet } from './upstream-set.js';

/** One caller's tools and its ready-made tools/list answer. */
export interface CallerViewEntry {
  view: ReadonlyMap<string, CallerTool>;
  listed: { tools: Tool[] };
}

/** What a caller sees, rebuilt only when an upstream's tool list changed. */
export interface CallerViews {
  for: (caller: CallerConfig) => CallerViewEntry;
}

/** Settings of the catalog the views are cut from. */
export interface CallerViewsOptions {
  knownWriteTools: ReadonlySet<string>;
  fanOutOverrides: Readonly<Record<string, FanOutMode>>;
  upstreamConfigs: readonly UpstreamConfig[];
  onSkip: (reason: string) => void;
}

/**
 * The federated catalog and each caller's view of it, cached by the upstreams' tools version:
 * a tools/list costs a map lookup until a health check sees a tool list change.
 */
export function createCallerViews(upstreams: UpstreamSet, options: CallerViewsOptions): CallerViews {
  const configs = new Map<string, UpstreamConfig>(
    options.upstreamConfigs.map((upstream) => [upstreamKey(upstream.kind, upstream.instance), upstream]),
  );
  let catalog: { version: number; entries: Map<string, CatalogEntry> } | undefined;
  const views = new Map<string, CallerViewEntry & { version: number }>();
  const currentCatalog = (version: number): Map<string, CatalogEntry> => {
    if (catalog?.version !== version) {
      const entries = buildCatalog([...upstreams.byKey.values()], {
        knownWriteTools: options.knownWriteTools,
        fanOutOverrides: options.fanOutOverrides,
        onSkip: options.onSkip,
      });
      catalog = { version, entries };
    }
    return catalog.entries;
  };
  return {
    for: (caller) => {
      const version = upstreams.toolsVersion();
      const cached = views.get(caller.principal);
      if (cached?.version === version) return cached;
      const view = buildCallerView(currentCatalog(version), caller, configs);
      const fresh = { version, view, listed: { tools: [...view.values()].map((tool) => tool.definition) } };
      views.set(caller.principal, fresh);
      return fresh;
    },
  };
}
