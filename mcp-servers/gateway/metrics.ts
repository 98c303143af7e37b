import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { CircuitState } from './circuit-breaker.js';
import type { AuditOutcome } from './audit.js';
import type { UpstreamOutcome } from './upstream.js';

const CIRCUIT_VALUE: Record<CircuitState, number> = { closed: 0, 'half-open': 1, open: 2 };

/**
 * The gateway's Prometheus metrics on a registry of its own (several gateways may share a
 * process in tests). Upstream labels are instance names, bounded by the config.
 */
export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly calls = new Counter({
    name: 'sre_bot_gateway_calls_total',
    help: 'tools/call requests by gateway tool and outcome',
    labelNames: ['tool', 'outcome'],
    registers: [this.registry],
  });
  private readonly upstreamCalls = new Counter({
    name: 'sre_bot_gateway_upstream_calls_total',
    help: 'Calls to upstream MCP servers by instance and outcome',
    labelNames: ['upstream', 'outcome'],
    registers: [this.registry],
  });
  private readonly upstreamErrors = new Counter({
    name: 'sre_bot_gateway_upstream_errors_total',
    help: 'Failed upstream calls (unavailable, timeout, circuit open, error)',
    labelNames: ['upstream', 'reason'],
    registers: [this.registry],
  });
  private readonly latency = new Histogram({
    name: 'sre_bot_gateway_upstream_call_duration_seconds',
    help: 'Upstream call latency, retries included',
    labelNames: ['upstream'],
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  private readonly circuit = new Gauge({
    name: 'sre_bot_gateway_upstream_circuit_state',
    help: 'Circuit breaker state per upstream: 0 closed, 1 half-open, 2 open',
    labelNames: ['upstream'],
    registers: [this.registry],
  });
  private readonly up = new Gauge({
    name: 'sre_bot_gateway_upstream_up',
    help: '1 when the last health check of the upstream succeeded',
    labelNames: ['upstream'],
    registers: [this.registry],
  });

  /** @param options.droppedLogLines reads the logger's count of lines dropped by its bounded destination. */
  constructor(options: { defaultMetrics?: boolean; droppedLogLines?: () => number } = {}) {
    // Standard names (process_cpu_seconds_total, ...), so stock Node.js dashboards work on the gateway too.
    if (options.defaultMetrics) collectDefaultMetrics({ register: this.registry });
    const readDropped = options.droppedLogLines;
    if (readDropped) {
      let reported = 0;
      new Counter({
        name: 'sre_bot_gateway_log_lines_dropped_total',
        help: 'Log lines (audit lines included) dropped because the log destination fell behind',
        registers: [this.registry],
        collect() {
          const now = readDropped();
          if (now > reported) this.inc(now - reported);
          reported = now;
        },
      });
    }
  }

  recordCall(tool: string, outcome: AuditOutcome): void {
    this.calls.inc({ tool, outcome });
  }

  recordUpstreamCall(upstream: string, outcome: UpstreamOutcome, seconds: number): void {
    this.upstreamCalls.inc({ upstream, outcome });
    if (outcome !== 'ok' && outcome !== 'tool_error' && outcome !== 'rejected')
      this.upstreamErrors.inc({ upstream, reason: outcome });
    if (outcome !== 'circuit_open') this.latency.observe({ upstream }, seconds);
  }

  setCircuit(upstream: string, state: CircuitState): void {
    this.circuit.set({ upstream }, CIRCUIT_VALUE[state]);
  }

  setUp(upstream: string, isUp: boolean): void {
    this.up.set({ upstream }, isUp ? 1 : 0);
  }
}
