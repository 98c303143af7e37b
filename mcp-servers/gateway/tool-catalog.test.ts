import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import type { ResolvedUpstream, UpstreamKind } from './config.js';
import { createSilentGatewayLogger } from './logger.js';
import { createSecretScrubber } from './secret-scrubber.js';
import { buildCatalog } from './tool-catalog.js';
import { fanOutModeOf, isWriteTool } from './tool-routing.js';
import { Upstream } from './upstream.js';
import { createUpstreamHttp } from './upstream-http.js';

function tool(name: string, readOnly?: boolean): Tool {
  return {
    name,
    inputSchema: { type: 'object' },
    ...(readOnly === undefined ? {} : { annotations: { readOnlyHint: readOnly } }),
  };
}

function upstream(
  kind: UpstreamKind,
  instance: string,
  tools: Tool[] | undefined,
  extra: Partial<ResolvedUpstream> = {},
): Upstream {
  const config: ResolvedUpstream = {
    kind,
    instance,
    url: 'http://127.0.0.1:1/mcp',
    args: [],
    env: {},
    labels: {},
    readOnlyTools: [],
    blockedArguments: [],
    ...extra,
  };
  const created = new Upstream(config, {
    callTimeoutMs: 1000,
    connectTimeoutMs: 1000,
    healthCheckTimeoutMs: 1000,
    failureThreshold: 3,
    cooldownMs: 1000,
    retries: 0,
    retryMinDelayMs: 0,
    clientVersion: 'test',
    logger: createSilentGatewayLogger(),
    scrubber: createSecretScrubber([]),
    http: createUpstreamHttp(),
    maxResponseBytes: 1024 * 1024,
  });
  created.tools = tools;
  return created;
}

describe('tool routing rules', () => {
  it('treats a tool as a write unless it is marked read-only (or declared so in config)', () => {
    const argocd = upstream('argocd', 'a', []).config;
    expect(isWriteTool(tool('list_applications', true), argocd, new Set())).toBe(false);
    expect(isWriteTool(tool('list_applications'), argocd, new Set())).toBe(true);
    expect(isWriteTool(tool('sync_application', true), argocd, new Set(['sync_application']))).toBe(true);
    expect(isWriteTool(tool('list_clusters'), { ...argocd, kind: 'other', readOnlyTools: ['list_*'] }, new Set())).toBe(
      false,
    );
  });

  it('merges list/find/health look-ups, resolves get/describe/check, never fans out writes', () => {
    expect(fanOutModeOf('list_applications', false, {})).toBe('merge');
    expect(fanOutModeOf('find_workloads', false, {})).toBe('merge');
    expect(fanOutModeOf('get_namespace_health', false, {})).toBe('merge');
    expect(fanOutModeOf('get_application', false, {})).toBe('resolve');
    expect(fanOutModeOf('describe_workload', false, {})).toBe('resolve');
    expect(fanOutModeOf('sync_application', true, {})).toBe('none');
    expect(fanOutModeOf('get_pod_logs', false, { get_pod_logs: 'none' })).toBe('none');
    expect(fanOutModeOf('sync_application', true, { sync_application: 'merge' })).toBe('none');
  });
});

describe('buildCatalog', () => {
  it(
    'federates per kind, keeps never-reached instances, ' + 'prefixes other upstreams and splits names two kinds share',
    () => {
      const catalog = buildCatalog(
        [
          upstream('argocd', 'eu', [tool('list_applications', true), tool('list_events', true)]),
          upstream('argocd', 'us', undefined),
          upstream('kubernetes', 'c1', [tool('list_events', true)]),
          upstream('other', 'argocd-mcp', [tool('list_applications')], { readOnlyTools: ['list_*'] }),
          upstream('other', 'x'.repeat(64), [tool('y'.repeat(70))]),
        ],
        { knownWriteTools: new Set(), fanOutOverrides: {} },
      );
      expect([...catalog.keys()].sort()).toEqual([
        'argocd-mcp__list_applications',
        'argocd.list_events',
        'kubernetes.list_events',
        'list_applications',
      ]);
      expect(catalog.get('list_applications')?.instances).toEqual(['eu', 'us']);
      expect(catalog.get('kubernetes.list_events')).toMatchObject({ upstreamName: 'list_events', instances: ['c1'] });
      expect(catalog.get('argocd-mcp__list_applications')).toMatchObject({
        shape: 'prefixed',
        isWrite: false,
        fanOut: 'none',
      });
    },
  );
});
