import { getDefaultEnvironment } from '@modelcontextprotocol/sdk/client/stdio.js';
import { McpError, type CallToolResult, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { setTimeout as sleep } from 'node:timers/promises';
import pRetry from 'p-retry';
import { CircuitBreaker, type CircuitState } from './circuit-breaker.js';
import { upstreamKey, type ResolvedUpstream } from './config.js';
import { BACKEND_HEALTH_URI } from '../common/backend-health.js';
import { errorMessage, GatewayError } from './errors.js';
import type { Logger } from './logger.js';
import type { SecretScrubber } from './secret-scrubber.js';
import { stripCodePrefix } from './error-messages.js';
import { HttpMcpSession, SessionExpiredError } from './http-session.js';
import type { UpstreamHttp } from './upstream-http.js';
import { StdioMcpSession } from './stdio-session.js';
import {
  BackendCheckError,
  classifyUpstreamFailure,
  NO_BACKEND_PROBE,
  type ClassifiedFailure,
  type UpstreamOutcome,
} from './upstream-failure.js';
import { sessionOf, type UpstreamSession } from './upstream-session.js';

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
  /** Keep-alive HTTP requests for streamable-HTTP upstreams (shared by every upstream of a gateway). */
  http: UpstreamHttp;
  /** Largest answer read from an upstream per request. */
  maxResponseBytes: number;
  /**
   * How long a stdio upstream may take to answer for the first time (default 30 s): an `npx`
   * server that installs itself on start needs more than a 3 s health check, and a check that
   * gives up kills the child, so without a grace it would never become healthy.
   */
  stdioStartupGraceMs?: number;
}

/** Default start-up grace of stdio upstreams. */
export const DEFAULT_STDIO_STARTUP_GRACE_MS = 30_000;

export type { UpstreamOutcome } from './upstream-failure.js';

/** Per-call options. */
export interface UpstreamCallOptions {
  /** The caller's cancellation (client disconnected); the per-upstream timeout is added on top. */
  signal?: AbortSignal;
  /** Idempotent reads may be retried on retryable failures; writes never are. */
  isReadOnly: boolean;
  traceparent?: string;
}

/**
 * One upstream MCP server: one open session of the gateway's MCP client (streamable HTTP, or
 * stdio to a child process), reopened after a failure, never per call; its
 * last known tool list, a circuit breaker, per-call timeouts and read-only retries.
 */
export class Upstream {
  readonly breaker: CircuitBreaker;
  /** Tools from the last successful tools/list; undefined until the upstream has answered once. */
  tools: Tool[] | undefined;
  lastError: string | undefined;
  lastCheckedAt: number | undefined;
  private session: UpstreamSession | undefined;
  private connecting: Promise<UpstreamSession> | undefined;
  private closed = false;
  /** Whether the upstream has the backend-health resource: unknown until asked once. */
  private hasBackendProbe: boolean | undefined;
  private readonly logger: Logger;
  private readonly createdAt: number;

  constructor(
    readonly config: ResolvedUpstream,
    private readonly settings: UpstreamSettings,
  ) {
    this.logger = settings.logger.child({ upstream: upstreamKey(config.kind, config.instance) });
    this.createdAt = this.now();
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

  private now(): number {
    return this.settings.now?.() ?? Date.now();
  }

  /**
   * `base`, or for a stdio upstream that has not answered yet, whatever is left of its start-up
   * grace when that is longer: the child is given time to start instead of being killed at 3 s.
   */
  private startupAwareTimeoutMs(base: number): number {
    if (this.config.command === undefined || this.tools !== undefined) return base;
    const left = (this.settings.stdioStartupGraceMs ?? DEFAULT_STDIO_STARTUP_GRACE_MS) - (this.now() - this.createdAt);
    return Math.max(base, left);
  }

  get timeoutMs(): number {
    return this.config.timeoutMs ?? this.settings.callTimeoutMs;
  }

  /** True when the last health check or call reached the upstream and its circuit is not open. */
  get isHealthy(): boolean {
    return this.lastError === undefined && this.tools !== undefined && this.breaker.currentState !== 'open';
  }

  /** Opens a session with the gateway's MCP client: streamable HTTP for `url` upstreams, stdio for `command` ones. */
  private async openSession(signal: AbortSignal): Promise<UpstreamSession> {
    const { config, settings } = this;
    const clientInfo = { name: 'sre-bot-gateway', version: settings.clientVersion };
    const onServerMessage = (method: string): void =>
      this.logger.debug({ event: 'upstream-message', method }, 'upstream sent a message');
    if (config.url !== undefined) {
      const session = await HttpMcpSession.open(
        {
          url: new URL(config.url),
          ...(config.token ? { token: config.token } : {}),
          clientInfo,
          http: settings.http,
          maxResponseBytes: settings.maxResponseBytes,
          onServerMessage,
        },
        signal,
      );
      return sessionOf(session);
    }
    const env: Record<string, string> = { ...getDefaultEnvironment(), ...config.env };
    if (config.token && config.auth?.childEnv) env[config.auth.childEnv] = config.token;
    // The child may exit later: only then is this session (and not a newer one) dropped.
    const opened: { session?: UpstreamSession } = {};
    const stdio = await StdioMcpSession.open(
      {
        command: config.command ?? '',
        args: config.args,
        env,
        clientInfo,
        maxResponseBytes: settings.maxResponseBytes,
        // The child's stderr is its log; keep it (scrubbed, at debug) rather than mixing it into ours.
        onStderr: (text) =>
          this.logger.debug(
            { event: 'upstream-stderr', line: settings.scrubber.text(text).slice(0, 2000) },
            'upstream stderr',
          ),
        onServerMessage,
        onClose: () => {
          if (opened.session !== undefined && this.session === opened.session) this.session = undefined;
        },
      },
      signal,
    );
    opened.session = sessionOf(stdio);
    return opened.session;
  }

  /** The open session, opening one first if needed (concurrent callers share one attempt). */
  private async connect(signal: AbortSignal): Promise<UpstreamSession> {
    if (this.session) return this.session;
    if (this.closed) throw new GatewayError('upstream_unavailable', `gateway is shutting down`);
    const connectMs = this.startupAwareTimeoutMs(this.settings.connectTimeoutMs);
    this.connecting ??= this.openSession(AbortSignal.any([signal, AbortSignal.timeout(connectMs)]))
      .then((session) => {
        this.session = session;
        return session;
      })
      .finally(() => {
        this.connecting = undefined;
      });
    return this.connecting;
  }

  /** Runs `use` on the open session; when the upstream forgot the session (404), reopens it once. */
  private async withSession<T>(signal: AbortSignal, use: (session: UpstreamSession) => Promise<T>): Promise<T> {
    const session = await this.connect(signal);
    try {
      return await use(session);
    } catch (error) {
      if (!(error instanceof SessionExpiredError)) throw error;
      if (this.session === session) this.session = undefined;
      return use(await this.connect(signal));
    }
  }

  /** Drops the session so the next call reopens one (after a transport failure). */
  private async dropSession(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    if (session) await session.close().catch(() => undefined);
  }

  /** Maps any failure to a GatewayError (scrubbed) and says whether it counts against the circuit. */
  private classify(error: unknown, deadline: AbortSignal, callerSignal: AbortSignal | undefined): ClassifiedFailure {
    return classifyUpstreamFailure(error, {
      instance: this.instance,
      timeoutMs: this.timeoutMs,
      scrub: this.settings.scrubber.text,
      deadline,
      callerSignal,
    });
  }

  /**
   * Calls one tool. Skips at once (`circuit_open`) when the circuit is open; otherwise bounded by
   * the upstream's timeout, retries included. Throws a GatewayError for upstream faults and an
   * McpError for caller mistakes the upstream reported; returns the upstream result otherwise.
   */
  async callTool(name: string, args: Record<string, unknown>, options: UpstreamCallOptions): Promise<CallToolResult> {
    const started = performance.now();
    const end = (outcome: UpstreamOutcome): void =>
      this.settings.onCallEnd?.({
        instance: this.key,
        tool: name,
        outcome,
        seconds: (performance.now() - started) / 1000,
      });
    if (!this.breaker.tryAcquire()) {
      end('circuit_open');
      throw new GatewayError(
        'circuit_open',
        `circuit open: ${this.instance} failed ${this.breaker.consecutiveFailures} times in a row; next probe ` +
          `in ${Math.ceil(this.breaker.retryInMs() / 1000)} s`,
        { isRetryable: false },
      );
    }
    // A plain controller and timer: cheaper than AbortSignal.timeout/any on the hot path, and cleared on return.
    const controller = new AbortController();
    const timer = setTimeout(
      () =>
        controller.abort(
          new GatewayError('upstream_timeout', `${this.instance} did not answer within ${this.timeoutMs} ms`),
        ),
      this.timeoutMs,
    );
    const onCallerAbort = (): void => controller.abort(options.signal?.reason);
    options.signal?.addEventListener('abort', onCallerAbort, { once: true });
    const deadline = controller.signal;
    const attempt = async (): Promise<CallToolResult> => {
      try {
        const params = {
          name,
          arguments: args,
          ...(options.traceparent ? { _meta: { traceparent: options.traceparent } } : {}),
        };
        return await this.withSession(deadline, (session) => session.callTool(params, deadline));
      } catch (error) {
        const classified = this.classify(error, deadline, options.signal);
        if (classified.outcome === 'unavailable') await this.dropSession();
        throw Object.assign(classified.error, { classified });
      }
    };
    const { retries, retryMinDelayMs } = this.settings;
    const isRetryable = (error: unknown): boolean =>
      (error as { isRetryable?: unknown }).isRetryable === true && !deadline.aborted;
    /**
     * The first attempt runs bare: almost every call is answered by it, and p-retry's bookkeeping
     * per call showed in the fan-out profile. A retryable failure of a read waits the first back-off,
     * then hands the remaining attempts to p-retry on the same exponential schedule.
     */
    const attempts = async (): Promise<CallToolResult> => {
      try {
        return await attempt();
      } catch (error) {
        if (!options.isReadOnly || retries === 0 || !isRetryable(error)) throw error;
        await sleep(retryMinDelayMs, undefined, { signal: deadline });
        return pRetry(attempt, {
          retries: retries - 1,
          minTimeout: retryMinDelayMs * 2,
          factor: 2,
          signal: deadline,
          shouldRetry: ({ error: next }) => isRetryable(next),
        });
      }
    };
    try {
      const result = await attempts();
      this.breaker.recordSuccess();
      this.lastError = undefined;
      end(result.isError ? 'tool_error' : 'ok');
      return result;
    } catch (error) {
      const classified =
        (error as { classified?: ReturnType<Upstream['classify']> }).classified ??
        this.classify(error, deadline, options.signal);
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
   * One health check through the circuit breaker (an open circuit past its cool-down is probed by
   * this): tools/list, which refreshes the tool list, then for our own servers (argocd,
   * kubernetes, kyverno kinds that offer it) a read of the backend-health resource, because an MCP
   * server whose backend is gone still lists its tools. Returns whether the upstream, backend
   * included, answered.
   */
  async checkHealth(): Promise<boolean> {
    if (!this.breaker.tryAcquire()) return false;
    const timeoutMs = this.startupAwareTimeoutMs(this.settings.healthCheckTimeoutMs);
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      const tools: Tool[] = [];
      await this.withSession(signal, async (session) => {
        tools.length = 0;
        let cursor: string | undefined;
        do {
          const page = await session.listTools(cursor, signal);
          tools.push(...page.tools);
          cursor = page.nextCursor;
        } while (cursor);
        await this.checkBackend(session, signal);
      });
      this.breaker.recordSuccess();
      this.lastError = undefined;
      const changed = JSON.stringify(tools) !== JSON.stringify(this.tools);
      this.tools = tools;
      if (changed) this.settings.onToolsChange?.();
      return true;
    } catch (error) {
      this.breaker.recordFailure();
      const message = this.settings.scrubber.text(errorMessage(error));
      if (error instanceof BackendCheckError) {
        this.lastError = `${this.instance}: its MCP server answers but its backend does not: ${message}`;
      } else {
        this.lastError = signal.aborted
          ? `${this.instance} did not answer a health check within ${timeoutMs} ms`
          : `${this.instance} is unreachable: ${message}`;
        await this.dropSession();
      }
      this.logger.warn({ event: 'health-check-fail', err: this.lastError }, 'upstream health check failed');
      return false;
    } finally {
      this.lastCheckedAt = this.now();
    }
  }

  /** Reads the backend-health resource of our own servers; a server without one is judged by tools/list alone. */
  private async checkBackend(session: UpstreamSession, signal: AbortSignal): Promise<void> {
    if (this.config.kind === 'other' || this.hasBackendProbe === false || !session.offersResources()) return;
    try {
      await session.readResource(BACKEND_HEALTH_URI, signal);
      this.hasBackendProbe = true;
    } catch (error) {
      if (error instanceof McpError && NO_BACKEND_PROBE.has(error.code)) {
        this.hasBackendProbe = false;
        return;
      }
      if (signal.aborted) throw error;
      throw new BackendCheckError(stripCodePrefix(errorMessage(error)), { cause: error });
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.connecting?.catch(() => undefined);
    await this.dropSession();
  }
}
