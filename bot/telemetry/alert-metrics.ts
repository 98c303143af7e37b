import type { Registry } from 'prom-client';
import { MetricName } from './attributes.js';
import { declareMetrics } from './declare-metrics.js';

/** How a webhook delivery ended, as the metrics label it. */
export type AlertDeliveryOutcome = 'accepted' | 'ignored' | 'unauthorized' | 'invalid' | 'failed';

/**
 * What the alerts role counts for Prometheus: webhook deliveries by source and outcome, each
 * alert by source and what it led to (investigating, updated, resolved, summarised, ...), and
 * the Slack notices applied to threads and storm summaries. Never throws.
 */
export interface AlertMetrics {
  delivery(source: string, outcome: AlertDeliveryOutcome): void;
  alert(source: string, action: string): void;
  notice(kind: string, outcome: 'applied' | 'failed'): void;
}

/** Registers the alert counters on the alerts role's registry (once per registry). */
export function createAlertMetrics(registry: Registry): AlertMetrics {
  const { deliveries, alerts, notices } = declareMetrics(registry, {
    deliveries: {
      kind: 'counter',
      name: MetricName.alertDeliveries,
      help: 'Alert webhook deliveries by source (alertmanager, pagerduty) and outcome.',
      labels: ['source', 'outcome'],
    },
    alerts: {
      kind: 'counter',
      name: MetricName.alerts,
      help: 'Alerts received by source and what each led to (investigating, updated, resolved, summarised, ...).',
      labels: ['source', 'action'],
    },
    notices: {
      kind: 'counter',
      name: MetricName.alertNotices,
      help: 'Slack updates of alert threads and storm summaries by kind and outcome (failed attempts are retried).',
      labels: ['kind', 'outcome'],
    },
  });
  return {
    delivery: (source, outcome) => deliveries.inc({ source, outcome }),
    alert: (source, action) => alerts.inc({ source, action }),
    notice: (kind, outcome) => notices.inc({ kind, outcome }),
  };
}
