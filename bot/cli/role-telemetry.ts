import type { Registry } from 'prom-client';
import type { CoreConfig } from '../config/core-config.js';
import { createMetricsRegistry, startMetricsServer, type HealthCheck } from '../telemetry/metrics-server.js';
import { writeLine, type CliIo } from './command.js';
import { startTelemetry } from './start-telemetry.js';

/** Telemetry of one long-running role: the OpenTelemetry SDK (when OTLP is configured) and /metrics. */
export interface RoleTelemetry {
  registry: Registry;
  close(): Promise<void>;
}

/**
 * Starts what a long-running role exports: traces and metrics over OTLP when
 * OTEL_EXPORTER_OTLP_ENDPOINT is set, and Prometheus `/metrics`, `/healthz`, `/readyz` on
 * METRICS_PORT when it is not 0. `config` is the role's configuration, parsed once at start.
 */
export async function startRoleTelemetry(
  io: CliIo,
  role: string,
  config: CoreConfig,
  health?: HealthCheck,
): Promise<RoleTelemetry> {
  const sdk = startTelemetry(config, role);
  const registry = createMetricsRegistry(role);
  const server =
    config.METRICS_PORT > 0
      ? await startMetricsServer({ port: config.METRICS_PORT, registry, ...(health ? { health } : {}) })
      : undefined;
  if (server) writeLine(io.stderr, `${role}: metrics at ${server.url}/metrics`);
  return {
    registry,
    async close() {
      await server?.close();
      await sdk.shutdown();
    },
  };
}
