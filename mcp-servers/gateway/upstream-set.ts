import type { CircuitState } from './circuit-breaker.js';
import type { GatewayConfig, UpstreamKind } from './config.js';
import type { Logger } from './logger.js';
import type { GatewayMetrics } from './metrics.js';
import type { SecretScrubber } from './secret-scrubber.js';
import { Upstream } from './upstream.js';
import { createUpstreamHttp } from './upstream-http.js';

/** Health of one upstream as the gateway sees it. */
export interface UpstreamStatus {
  instance: string;
  kind: UpstreamKind;
  healthy: boolean;
  circuit: CircuitState;
  toolCount: number | undefined;
  lastError: string | undefined;
}

/** Every upstream of one gateway, sharing one keep-alive HTTP pool. */
export interface UpstreamSet {
  /** Keyed by upstreamKey(kind, instance), in config order. */
  readonly byKey: ReadonlyMap<string, Upstream>;
  /** Bumped whenever an upstream's tool list changed: the catalog is rebuilt on the next read. */
  readonly toolsVersion: () => number;
  /** One health-check round over every upstream (updates the `up` metric). */
  checkHealth: () => Promise<void>;
  /** Health-check rounds run so far (readiness waits for the first). */
  readonly healthRounds: () => number;
  status: () => UpstreamStatus[];
  close: () => Promise<void>;
}

/** What the upstreams are built with besides the config. */
export interface UpstreamSetDeps {
  logger: Logger;
  scrubber: SecretScrubber;
  metrics: GatewayMetrics;
  clientVersion: string;
  now?: () => number;
}

/** Builds one `Upstream` per configured upstream, wired to the gateway's metrics and catalog version. */
export function createUpstreamSet(config: GatewayConfig, deps: UpstreamSetDeps): UpstreamSet {
  const { metrics } = deps;
  const http = createUpstreamHttp();
  let toolsVersion = 0;
  let healthRounds = 0;
  const byKey = new Map<string, Upstream>();
  for (const upstreamConfig of config.upstreams) {
    const upstream = new Upstream(upstreamConfig, {
      callTimeoutMs: config.timeouts.callMs,
      connectTimeoutMs: config.timeouts.connectMs,
      healthCheckTimeoutMs: config.timeouts.healthCheckMs,
      stdioStartupGraceMs: config.timeouts.stdioStartupGraceMs,
      failureThreshold: config.circuitBreaker.failureThreshold,
      cooldownMs: config.circuitBreaker.cooldownMs,
      retries: config.retry.retries,
      retryMinDelayMs: config.retry.minDelayMs,
      clientVersion: deps.clientVersion,
      logger: deps.logger,
      scrubber: deps.scrubber,
      http,
      maxResponseBytes: config.limits.maxResponseBytes,
      ...(deps.now ? { now: deps.now } : {}),
      onCallEnd: ({ instance, outcome, seconds }) => metrics.recordUpstreamCall(instance, outcome, seconds),
      onCircuitChange: (instance, state) => metrics.setCircuit(instance, state),
      onToolsChange: () => {
        toolsVersion += 1;
      },
    });
    byKey.set(upstream.key, upstream);
    metrics.setCircuit(upstream.key, 'closed');
  }
  const all = [...byKey.values()];
  return {
    byKey,
    toolsVersion: () => toolsVersion,
    healthRounds: () => healthRounds,
    checkHealth: async () => {
      await Promise.all(all.map(async (upstream) => metrics.setUp(upstream.key, await upstream.checkHealth())));
      healthRounds += 1;
    },
    status: () =>
      all.map((upstream) => ({
        instance: upstream.instance,
        kind: upstream.config.kind,
        healthy: upstream.isHealthy,
        circuit: upstream.breaker.currentState,
        toolCount: upstream.tools?.length,
        lastError: upstream.lastError,
      })),
    close: async () => {
      await Promise.all(all.map((upstream) => upstream.close()));
      http.close();
    },
  };
}
