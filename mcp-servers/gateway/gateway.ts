import { ErrorCode, McpError, type CallToolRequest, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { trace, type Tracer } from '@opentelemetry/api';
import { denyAllApprovals, type ApprovalChecker } from './approval.js';
import { createLogAuditSink, type AuditSink } from './audit.js';
import { CallRouter } from './call-router.js';
import { createCallerAuthenticator } from './caller-policy.js';
import { buildCallerView, type CallerTool } from './caller-view.js';
import type { CircuitState } from './circuit-breaker.js';
import { upstreamKey, type CallerConfig, type GatewayConfig, type UpstreamConfig, type UpstreamKind } from './config.js';
import type { StatelessMcpServer, StatelessMethodHandler } from '../common/stateless-mcp.js';
import { startHttpFront, type ListeningServer } from './http-server.js';
import { createSilentGatewayLogger, droppedLogLines, type Logger } from './logger.js';
import { GatewayMetrics } from './metrics.js';
import { createSecretScrubber } from './secret-scrubber.js';
import { buildCatalog, type CatalogEntry } from './tool-catalog.js';
import { Upstream } from './upstream.js';
import { createUpstreamHttp as createLeanHttp } from './upstream-http.js';
import { createUpstreamHttp } from './upstream-session.js';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';

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

/** Health of one upstream as the gateway sees it. */
export interface UpstreamStatus {
  instance: string;
  kind: UpstreamKind;
  healthy: boolean;
  circuit: CircuitState;
  toolCount: number | undefined;
  lastError: string | undefined;
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

const INSTRUCTIONS = [
  'One MCP endpoint over every Argo CD, Kubernetes and Kyverno instance you may use.',
  'Federated tools take an "instance" argument; its description lists the instances and their labels.',
  'Leave "instance" out on look-ups (list_*, find_*, get_*) to ask every instance at once: results come per instance, and unreachable instances are listed rather than failing the call.',
  'Tools named instance__tool belong to one third-party server. Write tools need an approval_id.',
].join(' ');

/** The shape checks the SDK applies to tools/call params (name, arguments, _meta). */
function checkCallParams(params: Record<string, unknown>): CallToolRequest['params'] {
  const isObject = (value: unknown): boolean => typeof value === 'object' && value !== null && !Array.isArray(value);
  if (typeof params.name !== 'string') throw new McpError(ErrorCode.InvalidParams, 'Invalid tools/call request: params.name must be a string');
  if (params.arguments !== undefined && !isObject(params.arguments)) throw new McpError(ErrorCode.InvalidParams, 'Invalid tools/call request: params.arguments must be an object');
  if (params._meta !== undefined && !isObject(params._meta)) throw new McpError(ErrorCode.InvalidParams, 'Invalid tools/call request: params._meta must be an object');
  return params as CallToolRequest['params'];
}

/**
 * Creates the MCP gateway: one stateless streamable-HTTP endpoint (`/mcp`) in front of the
 * configured upstream MCP servers, federating tools per kind, fanning out look-ups, enforcing
 * per-caller policy and write approvals, and surviving upstream failures (timeouts, circuit
 * breakers, health checks). Also serves `/healthz`, `/readyz` and `/metrics`.
 */
export function createGateway(config: GatewayConfig, deps: GatewayDeps = {}): Gateway {
  const logger = deps.logger ?? createSilentGatewayLogger();
  const tracer = deps.tracer ?? trace.getTracer('sre-bot-gateway');
  const metrics = new GatewayMetrics({ defaultMetrics: deps.defaultMetrics ?? false, droppedLogLines: () => droppedLogLines(logger) });
  const scrubber = createSecretScrubber(config.upstreams.map((upstream) => upstream.token));
  const knownWriteTools = new Set(deps.knownWriteTools ?? []);
  let catalogVersion = 0;

  const upstreamHttp = createUpstreamHttp();
  const leanHttp = createLeanHttp();
  const upstreams = new Map<string, Upstream>();
  for (const upstreamConfig of config.upstreams) {
    const upstream = new Upstream(upstreamConfig, {
      callTimeoutMs: config.timeouts.callMs,
      connectTimeoutMs: config.timeouts.connectMs,
      healthCheckTimeoutMs: config.timeouts.healthCheckMs,
      failureThreshold: config.circuitBreaker.failureThreshold,
      cooldownMs: config.circuitBreaker.cooldownMs,
      retries: config.retry.retries,
      retryMinDelayMs: config.retry.minDelayMs,
      clientVersion: deps.version ?? '0.1.0',
      logger,
      scrubber,
      http: upstreamHttp,
      leanHttp,
      client: config.wire.client,
      maxResponseBytes: config.limits.maxResponseBytes,
      ...(deps.now ? { now: deps.now } : {}),
      onCallEnd: ({ instance, outcome, seconds }) => metrics.recordUpstreamCall(instance, outcome, seconds),
      onCircuitChange: (instance, state) => metrics.setCircuit(instance, state),
      onToolsChange: () => {
        catalogVersion += 1;
      },
    });
    upstreams.set(upstream.key, upstream);
    metrics.setCircuit(upstream.key, 'closed');
  }
  const upstreamConfigs = new Map<string, UpstreamConfig>(config.upstreams.map((upstream) => [upstreamKey(upstream.kind, upstream.instance), upstream]));

  let catalog: { version: number; entries: Map<string, CatalogEntry> } | undefined;
  const views = new Map<string, { version: number; view: Map<string, CallerTool>; listed: { tools: Tool[] } }>();
  const currentCatalog = (): Map<string, CatalogEntry> => {
    if (catalog?.version !== catalogVersion) {
      catalog = {
        version: catalogVersion,
        entries: buildCatalog([...upstreams.values()], {
          knownWriteTools,
          fanOutOverrides: config.fanOut,
          onSkip: (reason) => logger.warn({ event: 'tool-skip' }, reason),
        }),
      };
    }
    return catalog.entries;
  };
  /** The caller's view and its tools/list answer, rebuilt only when the catalog changed. */
  const cachedViewFor = (caller: CallerConfig): { view: Map<string, CallerTool>; listed: { tools: Tool[] } } => {
    const cached = views.get(caller.tokenSha256);
    if (cached?.version === catalogVersion) return cached;
    const view = buildCallerView(currentCatalog(), caller, upstreamConfigs);
    const fresh = { version: catalogVersion, view, listed: { tools: [...view.values()].map((tool) => tool.definition) } };
    views.set(caller.tokenSha256, fresh);
    return fresh;
  };
  const viewFor = (caller: CallerConfig): Map<string, CallerTool> => cachedViewFor(caller).view;

  const router = new CallRouter({
    upstreams,
    approvalChecker: deps.approvalChecker ?? denyAllApprovals,
    auditSink: deps.auditSink ?? createLogAuditSink(logger),
    scrubber,
    tracer,
    metrics,
    logger,
    maxArgumentBytes: config.limits.maxArgumentBytes,
    maxFanOutConcurrency: config.limits.maxFanOutConcurrency,
  });

  // One set of handlers per caller, reused by all its requests (no SDK Server or transport per request).
  const mcpServers = new Map<string, StatelessMcpServer>();
  const mcpServerFor = (caller: CallerConfig): StatelessMcpServer => {
    let server = mcpServers.get(caller.tokenSha256);
    if (!server) {
      server = {
        serverInfo: { name: 'sre-bot-gateway', version: deps.version ?? '0.1.0' },
        capabilities: { tools: { listChanged: false } },
        instructions: INSTRUCTIONS,
        handlers: new Map<string, StatelessMethodHandler>([
          ['tools/list', () => cachedViewFor(caller).listed],
          ['tools/call', (params, signal) => router.call(caller, viewFor(caller), checkCallParams(params), signal)],
        ]),
      };
      mcpServers.set(caller.tokenSha256, server);
    }
    return server;
  };

  const sdkServerFor = (caller: CallerConfig): Server => {
    const server = new Server({ name: 'sre-bot-gateway', version: deps.version ?? '0.1.0' }, { capabilities: { tools: { listChanged: false } }, instructions: INSTRUCTIONS });
    server.setRequestHandler(ListToolsRequestSchema, () => cachedViewFor(caller).listed);
    server.setRequestHandler(CallToolRequestSchema, (request, extra) => router.call(caller, viewFor(caller), request.params, extra.signal));
    return server;
  };

  let healthRounds = 0;
  const checkHealth = async (): Promise<void> => {
    await Promise.all(
      [...upstreams.values()].map(async (upstream) => {
        metrics.setUp(upstream.key, await upstream.checkHealth());
      }),
    );
    healthRounds += 1;
  };
  const status = (): UpstreamStatus[] =>
    [...upstreams.values()].map((upstream) => ({
      instance: upstream.instance,
      kind: upstream.config.kind,
      healthy: upstream.isHealthy,
      circuit: upstream.breaker.currentState,
      toolCount: upstream.tools?.length,
      lastError: upstream.lastError,
    }));

  let front: ListeningServer | undefined;
  let timer: NodeJS.Timeout | undefined;
  let healthInFlight: Promise<void> | undefined;
  const authenticate = createCallerAuthenticator(config.callers);

  return {
    get url() {
      return front?.url;
    },
    metrics,
    status,
    checkHealth,
    toolsFor: (caller) => [...viewFor(caller).values()],
    listen: async (port = config.listen.port, host = config.listen.host) => {
      if (front) return { url: front.url, port: front.port };
      await checkHealth();
      front = await startHttpFront(
        {
          authenticate,
          mcpServerFor,
          ...(config.wire.server === 'sdk' ? { sdkServerFor } : {}),
          readiness: () => {
            const healthy = status().filter((item) => item.healthy).length;
            const ready = healthRounds > 0 && healthy > 0;
            return { ready, body: { status: ready ? 'ready' : 'not ready', healthyUpstreams: healthy, upstreams: upstreams.size } };
          },
          metrics: async () => ({ contentType: metrics.registry.contentType, body: await metrics.registry.metrics() }),
          // The body carries the JSON-RPC envelope around the arguments; the exact argument limit is checked per call.
          maxBodyBytes: config.limits.maxArgumentBytes + 64 * 1024,
          logger,
        },
        host,
        port,
      );
      if (config.healthCheck.intervalMs > 0) {
        timer = setInterval(() => {
          healthInFlight ??= checkHealth().finally(() => {
            healthInFlight = undefined;
          });
        }, config.healthCheck.intervalMs);
        timer.unref();
      }
      logger.info({ event: 'gateway-start', url: front.url, upstreams: upstreams.size, callers: config.callers.length }, 'gateway listening');
      return { url: front.url, port: front.port };
    },
    close: async () => {
      if (timer) clearInterval(timer);
      await healthInFlight;
      await front?.close();
      front = undefined;
      await Promise.all([...upstreams.values()].map((upstream) => upstream.close()));
      await upstreamHttp.close();
      leanHttp.close();
    },
  };
}
