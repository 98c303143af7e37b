import { trace, type Tracer } from '@opentelemetry/api';
import { denyAllApprovals, type ApprovalChecker } from './approval.js';
import { createLogAuditSink, type AuditSink } from './audit.js';
import { CallRouter } from './call-router.js';
import type { CallerTool } from './caller-view.js';
import { createCallerViews } from './caller-views.js';
import type { CallerConfig, GatewayConfig } from './config.js';
import { startHttpFront, type ListeningServer } from './http-server.js';
import { createSilentGatewayLogger, droppedLogLines, type Logger } from './logger.js';
import { createMcpHandlers } from './mcp-handlers.js';
import { createRequestAuthenticator } from './request-auth.js';
import { GatewayMetrics } from './metrics.js';
import { createCallRateLimiter } from './call-limits.js';
import { createSecretScrubber } from './secret-scrubber.js';
import { createUpstreamSet, type UpstreamSet, type UpstreamStatus } from './upstream-set.js';

export type { UpstreamStatus } from './upstream-set.js';

/** What the gateway is wired with; every part has a safe default. */
export interface GatewayDeps {
  /** Decides write approvals; default denies every write. */
  approvalChecker?: ApprovalChecker;
  /** Receives one event per call; default logs them. */
  auditSink?: AuditSink;
  logger?: Logger;
  tracer?: Tracer;
  /** Tool names our own servers declare as writes (`listMcpTools()` where `isWrite`), trusted over annotations. */
  knownWriteTools?: Iterable<string>;
  version?: string;
  /** Injected clock for circuit breakers. */
  now?: () => number;
  /** Adds Node process metrics to /metrics (off in tests). */
  defaultMetrics?: boolean;
}

/** A gateway, started in-process by the CLI, the sandbox and tests. */
export interface Gateway {
  /** `http://host:port/mcp` once listening. */
  readonly url: string | undefined;
  /** Checks every upstream once, then serves HTTP and checks periodically. Port 0 picks a free port. */
  listen: (port?: number, host?: string) => Promise<{ url: string; port: number }>;
  /** Runs one health-check round now (tests, readiness). */
  checkHealth: () => Promise<void>;
  status: () => UpstreamStatus[];
  /** The tools a caller sees (what its tools/list returns). */
  toolsFor: (caller: CallerConfig) => CallerTool[];
  metrics: GatewayMetrics;
  close: () => Promise<void>;
}

/** Serves the HTTP front and runs periodic health checks; `listen` and `close` of the gateway. */
function createLifecycle(
  config: GatewayConfig,
  upstreams: UpstreamSet,
  front: Omit<Parameters<typeof startHttpFront>[0], 'readiness'>,
  logger: Logger,
) {
  let server: ListeningServer | undefined;
  let timer: NodeJS.Timeout | undefined;
  let healthInFlight: Promise<void> | undefined;
  const readiness = () => {
    const healthy = upstreams.status().filter((item) => item.healthy).length;
    const ready = upstreams.healthRounds() > 0 && healthy > 0;
    return {
      ready,
      body: { status: ready ? 'ready' : 'not ready', healthyUpstreams: healthy, upstreams: upstreams.byKey.size },
    };
  };
  return {
    url: () => server?.url,
    listen: async (port: number, host: string): Promise<{ url: string; port: number }> => {
      if (server) return { url: server.url, port: server.port };
      await upstreams.checkHealth();
      server = await startHttpFront({ ...front, readiness }, host, port);
      if (config.healthCheck.intervalMs > 0) {
        timer = setInterval(() => {
          healthInFlight ??= upstreams.checkHealth().finally(() => {
            healthInFlight = undefined;
          });
        }, config.healthCheck.intervalMs);
        timer.unref();
      }
      logger.info(
        { event: 'gateway-start', url: server.url, upstreams: upstreams.byKey.size, callers: config.callers.length },
        'gateway listening',
      );
      return { url: server.url, port: server.port };
    },
    close: async (): Promise<void> => {
      if (timer) clearInterval(timer);
      await healthInFlight;
      await server?.close();
      server = undefined;
      await upstreams.close();
    },
  };
}

/**
 * Creates the MCP gateway: one stateless streamable-HTTP endpoint (`/mcp`) in front of the
 * configured upstream MCP servers, federating tools per kind, fanning out look-ups, enforcing
 * per-caller policy and write approvals, and surviving upstream failures (timeouts, circuit
 * breakers, health checks). Also serves `/healthz`, `/readyz` and `/metrics`. The parts: the
 * upstreams (`upstream-set.ts`), what each caller sees (`caller-views.ts`), the call router
 * (`call-router.ts`), the MCP methods (`mcp-handlers.ts`) and the HTTP front (`http-server.ts`).
 */
export function createGateway(config: GatewayConfig, deps: GatewayDeps = {}): Gateway {
  const logger = deps.logger ?? createSilentGatewayLogger();
  const version = deps.version ?? '0.1.0';
  const metrics = new GatewayMetrics({
    defaultMetrics: deps.defaultMetrics ?? false,
    droppedLogLines: () => droppedLogLines(logger),
  });
  const scrubber = createSecretScrubber(config.upstreams.map((upstream) => upstream.token));
  const upstreams = createUpstreamSet(config, {
    logger,
    scrubber,
    metrics,
    clientVersion: version,
    ...(deps.now ? { now: deps.now } : {}),
  });
  const views = createCallerViews(upstreams, {
    knownWriteTools: new Set(deps.knownWriteTools ?? []),
    fanOutOverrides: config.fanOut,
    upstreamConfigs: config.upstreams,
    onSkip: (reason) => logger.warn({ event: 'tool-skip' }, reason),
  });
  const router = new CallRouter({
    upstreams: upstreams.byKey,
    approvalChecker: deps.approvalChecker ?? denyAllApprovals,
    auditSink: deps.auditSink ?? createLogAuditSink(logger),
    scrubber,
    tracer: deps.tracer ?? trace.getTracer('sre-bot-gateway'),
    metrics,
    logger,
    maxArgumentBytes: config.limits.maxArgumentBytes,
    maxArgumentDepth: config.limits.maxArgumentDepth,
    maxFanOutConcurrency: config.limits.maxFanOutConcurrency,
    maxFanOutInstances: config.limits.maxFanOutInstances,
    rateLimiter: createCallRateLimiter(config.limits.callsPerMinute),
  });
  // The OAuth audience: the configured resource, else this gateway's own URL once it listens.
  const resource = (): string => config.oauth?.resource ?? lifecycle.url() ?? '';
  const lifecycle = createLifecycle(
    config,
    upstreams,
    {
      auth: createRequestAuthenticator({ callers: config.callers, oauth: config.oauth, resource, logger }),
      mcpServerFor: createMcpHandlers(views, router, version),
      metrics: async () => ({ contentType: metrics.registry.contentType, body: await metrics.registry.metrics() }),
      ...(config.metrics.tokenSha256 ? { metricsTokenSha256: config.metrics.tokenSha256 } : {}),
      // The body carries the JSON-RPC envelope around the arguments; the exact argument limit is checked per call.
      maxBodyBytes: config.limits.maxArgumentBytes + 64 * 1024,
      logger,
    },
    logger,
  );
  return {
    get url() {
      return lifecycle.url();
    },
    metrics,
    status: upstreams.status,
    checkHealth: upstreams.checkHealth,
    toolsFor: (caller: CallerConfig): CallerTool[] => [...views.for(caller).view.values()],
    listen: (port = config.listen.port, host = config.listen.host) => lifecycle.listen(port, host),
    close: lifecycle.close,
  };
}
