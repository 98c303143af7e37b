import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { NodeSDK } from '@opentelemetry/sdk-node';
import type { CoreConfig } from '../config/core-config.js';

/** A started telemetry pipeline; shutdown flushes pending spans and metrics. */
export interface Telemetry {
  isExporting: boolean;
  shutdown(): Promise<void>;
}

/**
 * Starts the OpenTelemetry Node SDK for a long-running role. Only entry points call this;
 * library code uses `@opentelemetry/api`, which is a no-op until an SDK is registered. With no
 * OTLP endpoint configured nothing is exported (and nothing is started).
 */
export function startTelemetry(config: CoreConfig, role: string): Telemetry {
  const endpoint = config.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (!endpoint) return { isExporting: false, shutdown: () => Promise.resolve() };
  const base = endpoint.replace(/\/$/, '');
  const sdk = new NodeSDK({
    serviceName: `${config.OTEL_SERVICE_NAME}-${role}`,
    traceExporter: new OTLPTraceExporter({ url: `${base}/v1/traces` }),
    metricReaders: [
      new PeriodicExportingMetricReader({
        exporter: new OTLPMetricExporter({ url: `${base}/v1/metrics` }),
        exportIntervalMillis: 15_000,
      }),
    ],
    instrumentations: [],
  });
  sdk.start();
  return { isExporting: true, shutdown: () => sdk.shutdown() };
}
