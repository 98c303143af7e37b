import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport, getDefaultEnvironment } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ErrorCode, McpError, type CallToolResult, type Tool } from '@modelcontextprotocol/sdk/types.js';
import pRetry from 'p-retry';
import { CircuitBreaker, type CircuitState } from './circuit-breaker.js';
import { upstreamKey, type ResolvedUpstream } from './config.js';
import { errorMessage, GatewayError } from './errors.js';
import type { Logger } from './logger.js';
import type { SecretScrubber } from './secret-scrubber.js';
import { stripCodePrefix } from './error-messages.js';

/** Settings shared by every upstream connection. */
export interface UpstreamSettings {
  callTimeoutMs: number;
  connectTimeoutMs: number;
  healthCheckTimeoutMs: number;
  failureThreshold: number;
  cooldownMs: number;
  retries: number;
  retryMinDelayMs: number;
  clientVersion: string;
  logger: Logger;
  scrubber: SecretScrubber;
  now?: () => number;
  /** Called after every upstream call attempt sequence (metrics). */
  onCallEnd?: (event: { instance: string; tool: string; outcome: UpstreamOutcome; seconds: number }) => void;
  onCircuitChange?: (instance: string, state: CircuitState) => void;
  onToolsChange?: () => void;
  /** fetch for HTTP upstreams (default: the global fetch); the gateway passes a pooled node:http one. */
  fetch?: (input: string | URL, init?: RequestInit) => Promise<Response>;
}

/** How one upstream call ended, as seen by metrics and the circuit breaker. */
export type UpstreamOutcome = 'ok' | 'tool_error' | 'rejected' | 'unavailable' | 'timeout' | 'circuit_open' | 'error';

/** Per-call options. */
export interface UpstreamCallOptions {
  /** The caller's cancellation (client disconnected); the per-upstream timeout is added on top. */
  signal?: AbortSignal;
  /** Idempotent reads may be retried on retryable failures; writes never are. */
  isReadOnly: boolean;
  traceparent?: string;
}

/** An upstream MCP error the caller caused (bad arguments, unknown tool): passed through, not a failure. */
const CALLER_MISTAKES = new Set<number>([ErrorCode.InvalidParams, ErrorCode.InvalidRequest, ErrorCode.MethodNotFound]);

function isRetryableMcpError(error: McpError): boolean {
  const data = error.data as { isRetryable?: unknown } | undefined;
  return data?.isRetryable === true;
}

/**
 * One upstream MCP server: a single connected MCP `Client` (reconnected after a failure, never
 * per call), its last known tool list, a circuit breaker, per-call timeouts and read-only retries.
 */
export class Upstream {
  readonly breaker: CircuitBreaker;
  /** Tools from the last successful tools/list; undefined until the upstream has answered once. */
  tools: Tool[] | undefined;
  lastError: string | undefined;
  lastCheckedAt: number | undefined;
  private client: Client | undefined;
  private connecting: Promise<Client> | undefined;
  private closed = false;
  private readonly logger: Logger;

  constructor(
    readonly config: ResolvedUpstream,
    private readonly settings: UpstreamSettings,
  ) {
    this.logger = settings.logger.child({ upstream: upstreamKey(config.kind, config.instance) });
    this.breaker = new CircuitBreaker({
      failureThreshold: settings.failureThreshold,
      cooldownMs: settings.cooldownMs,
      now: settings.now,
      onStateChange: (state) => {
        this.logger.warn({ event: 'circuit-change', state }, `circuit of ${this.key} is ${state}`);
        settings.onCircuitChange?.(this.key, state);
      },
    });
  }

  get instance(): string {
    return this.config.instance;
  }

  /** `kind/instance`: unique across the gateway (metrics label, map key). */
  get key(): string {
    return upstreamKey(this.config.kind, this.config.instance);
  }

  get timeoutMs(): number {
    return this.config.timeoutMs ?? this.settings.callTimeoutMs;
  }

  /** True when the last health check or call reached the upstream and its circuit is not open. */
  get isHealthy(): boolean {
    return this.lastError === undefined && this.tools !== undefined && this.breaker.currentState !== 'open';
  }

  /**
   * fetch for the HTTP transport. The SDK hands every POST of a client the same long-lived abort
   * signal; under load the abort listeners fetch adds to it pile up (each add/remove walks the
   * list). Each request gets its own signal instead, aborted when the gateway closes or once
   * the call's deadline (plus a margin) has certainly passed, so no request outlives its caller.
   */
  private readonly inFlight = new Set<AbortController>();
  private readonly fetchUpstream = async (url: string | URL, init?: RequestInit): Promise<Response> => {
    const controller = new AbortController();
    const hardStop = setTimeout(() => controller.abort(new Error(`${this.instance}: request abandoned after its deadline`)), Math.max(this.timeoutMs, this.settings.connectTimeoutMs, this.settings.healthCheckTimeoutMs) + 1000);
    this.inFlight.add(controller);
    try {
      return await (this.settings.fetch ?? fetch)(url, { ...init, signal: controller.signal });
    } finally {
      clearTimeout(hardStop);
      this.inFlight.delete(controller);
    }
  };

  private createTransport(): Transport {
    const { config } = this;
    if (config.url !== undefined) {
      const headers: Record<string, string> = config.token ? { authorization: `Bearer ${config.token}` } : {};
      return new StreamableHTTPClientTransport(new URL(config.url), { requestInit: { headers }, fetch: this.fetchUpstream });
    }
    const env: Record<string, string> = { ...getDefaultEnvironment(), ...config.env };
    if (config.token && config.auth?.childEnv) env[config.auth.childEnv] = config.token;
    const transport = new StdioClientTransport({ command: config.command ?? '', args: config.args, env, stderr: 'pipe' });
    // The child's stderr is its log; keep it (scrubbed, at debug) rather than mixing it into ours.
    transport.stderr?.on('data', (chunk: Buffer) => {
      this.logger.debug({ event: 'upstream-stderr', line: this.settings.scrubber.text(chunk.toString('utf8').trimEnd()).slice(0, 2000) }, 'upstream stderr');
    });
    return transport;
  }

  /** The connected client, connecting first if needed (concurrent callers share one attempt). */
  private async connect(signal: AbortSignal): Promise<Client> {
    if (this.client) return this.client;
    if (this.closed) throw new GatewayError('upstream_unavailable', `gateway is shutting down`);
    this.connecting ??= (async () => {
      const client = new Client({ name: 'sre-bot-gateway', version: this.settings.clientVersion }, { capabilities: {} });
      client.onclose = () => {
        if (this.client === client) this.client = undefined;
      };
      client.onerror = (error) => {
        this.logger.debug({ event: 'upstream-transport-error', err: this.settings.scrubber.text(errorMessage(error)) }, 'upstream transport error');
      };
      try {
        await client.connect(this.createTransport(), { timeout: this.settings.connectTimeoutMs, signal: AbortSignal.any([signal, AbortSignal.timeout(this.settings.connectTimeoutMs)]) });
      } catch (error) {
        await client.close().catch(() => undefined);
        throw error;
      }
      this.client = client;
      return client;
    })().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  /** Drops the client so the next call reconnects (after a transport failure). */
  private async dropClient(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client) await client.close().catch(() => undefined);
  }

  /** Maps any failure to a GatewayError (scrubbed) and says whether it counts against the circuit. */
  private classify(error: unknown, deadline: AbortSignal, callerSignal: AbortSignal | undefined): { error: Error; isFailure: boolean; outcome: UpstreamOutcome } {
    const scrub = this.settings.scrubber.text;
    if (error instanceof GatewayError && error.code === 'circuit_open') return { error, isFailure: false, outcome: 'circuit_open' };
    if (error instanceof McpError && CALLER_MISTAKES.has(error.code)) {
      return { error: new McpError(error.code, scrub(stripCodePrefix(error.message))), isFailure: false, outcome: 'rejected' };
    }
    if (callerSignal?.aborted) {
      return { error: new GatewayError('upstream_error', `call to ${this.instance} cancelled by the caller`, { isRetryable: false }), isFailure: false, outcome: 'error' };
    }
    if (deadline.aborted || (error instanceof McpError && error.code === ErrorCode.RequestTimeout)) {
      return { error: new GatewayError('upstream_timeout', `${this.instance} did not answer within ${this.timeoutMs} ms`), isFailure: true, outcome: 'timeout' };
    }
    if (error instanceof GatewayError) {
      return { error, isFailure: error.isRetryable, outcome: error.code === 'upstream_unavailable' ? 'unavailable' : 'error' };
    }
    if (error instanceof McpError && error.code === ErrorCode.ConnectionClosed) {
      return { error: new GatewayError('upstream_unavailable', `${this.instance} closed the connection`), isFailure: true, outcome: 'unavailable' };
    }
    if (error instanceof McpError) {
      const message = scrub(stripCodePrefix(error.message));
      if (isRetryableMcpError(error)) return { error: new GatewayError('upstream_unavailable', `${this.instance}: ${message}`), isFailure: true, outcome: 'unavailable' };
      return { error: new GatewayError('upstream_error', `${this.instance}: ${message}`, { isRetryable: false }), isFailure: false, outcome: 'error' };
    }
    return { error: new GatewayError('upstream_unavailable', `${this.instance} is unreachable: ${scrub(errorMessage(error))}`), isFailure: true, outcome: 'unavailable' };
  }

  /**
   * Calls one tool. Skips at once (`circuit_open`) when the circuit is open; otherwise bounded by
   * the upstream's timeout, retries included. Throws a GatewayError for upstream faults and an
   * McpError for caller mistakes the upstream reported; returns the upstream result otherwise.
   */
  async callTool(name: string, args: Record<string, unknown>, options: UpstreamCallOptions): Promise<CallToolResult> {
    const started = performance.now();
    const end = (outcome: UpstreamOutcome): void => this.settings.onCallEnd?.({ instance: this.key, tool: name, outcome, seconds: (performance.now() - started) / 1000 });
    if (!this.breaker.tryAcquire()) {
      end('circuit_open');
      throw new GatewayError('circuit_open', `circuit open: ${this.instance} failed ${this.breaker.consecutiveFailures} times in a row; next probe in ${Math.ceil(this.breaker.retryInMs() / 1000)} s`, { isRetryable: false });
    }
    // A plain controller and timer: cheaper than AbortSignal.timeout/any on the hot path, and cleared on return.
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new GatewayError('upstream_timeout', `${this.instance} did not answer within ${this.timeoutMs} ms`)), this.timeoutMs);
    const onCallerAbort = (): void => controller.abort(options.signal?.reason);
    options.signal?.addEventListener('abort', onCallerAbort, { once: true });
    const deadline = controller.signal;
    const attempt = async (): Promise<CallToolResult> => {
      try {
        const client = await this.connect(deadline);
        const params = { name, arguments: args, ...(options.traceparent ? { _meta: { traceparent: options.traceparent } } : {}) };
        return (await client.callTool(params, undefined, { signal: deadline, timeout: this.timeoutMs })) as CallToolResult;
      } catch (error) {
        const classified = this.classify(error, deadline, options.signal);
        if (classified.outcome === 'unavailable') await this.dropClient();
        throw Object.assign(classified.error, { classified });
      }
    };
    try {
      const result = options.isReadOnly
        ? await pRetry(attempt, {
            retries: this.settings.retries,
            minTimeout: this.settings.retryMinDelayMs,
            factor: 2,
            signal: deadline,
            shouldRetry: ({ error }) => (error as { isRetryable?: unknown }).isRetryable === true && !deadline.aborted,
          })
        : await attempt();
      this.breaker.recordSuccess();
      this.lastError = undefined;
      end(result.isError ? 'tool_error' : 'ok');
      return result;
    } catch (error) {
      const classified = (error as { classified?: ReturnType<Upstream['classify']> }).classified ?? this.classify(error, deadline, options.signal);
      if (classified.isFailure) {
        this.breaker.recordFailure();
        this.lastError = classified.error.message;
      } else if (classified.outcome === 'rejected') {
        this.breaker.recordSuccess();
      }
      end(classified.outcome);
      throw classified.error;
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onCallerAbort);
    }
  }

  /**
   * One health check: tools/list through the circuit breaker (an open circuit past its cool-down
   * is probed by this). Refreshes the tool list. Returns whether the upstream answered.
   */
  async checkHealth(): Promise<boolean> {
    if (!this.breaker.tryAcquire()) return false;
    const signal = AbortSignal.timeout(this.settings.healthCheckTimeoutMs);
    try {
      const client = await this.connect(signal);
      const tools: Tool[] = [];
      let cursor: string | undefined;
      do {
        const page = await client.listTools(cursor ? { cursor } : undefined, { signal, timeout: this.settings.healthCheckTimeoutMs });
        tools.push(...page.tools);
        cursor = page.nextCursor;
      } while (cursor);
      this.breaker.recordSuccess();
      this.lastError = undefined;
      const changed = JSON.stringify(tools) !== JSON.stringify(this.tools);
      this.tools = tools;
      if (changed) this.settings.onToolsChange?.();
      return true;
    } catch (error) {
      this.breaker.recordFailure();
      this.lastError = signal.aborted ? `${this.instance} did not answer a health check within ${this.settings.healthCheckTimeoutMs} ms` : `${this.instance} is unreachable: ${this.settings.scrubber.text(errorMessage(error))}`;
      this.logger.warn({ event: 'health-check-fail', err: this.lastError }, 'upstream health check failed');
      await this.dropClient();
      return false;
    } finally {
      this.lastCheckedAt = this.settings.now?.() ?? Date.now();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const controller of this.inFlight) controller.abort(new Error(`${this.instance}: gateway closing`));
    await this.connecting?.catch(() => undefined);
    await this.dropClient();
  }
}
