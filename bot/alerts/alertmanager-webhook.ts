import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { IncomingAlert } from './alert.js';

const labelSet = z.record(z.string(), z.string());

/** Alertmanager's zero time for an alert that has not ended. */
const ZERO_TIME = '0001-01-01T00:00:00Z';

const alertSchema = z.looseObject({
  status: z.enum(['firing', 'resolved']),
  labels: labelSet.refine((labels) => Boolean(labels['alertname']), 'must hold alertname'),
  annotations: labelSet.default({}),
  startsAt: z.iso.datetime({ offset: true }).optional(),
  endsAt: z.string().optional(),
  generatorURL: z.string().optional(),
  fingerprint: z.string().min(1).max(128).optional(),
});

/** The Alertmanager webhook payload, version 4 (prometheus/alertmanager notify/webhook). */
export const alertmanagerPayloadSchema = z.looseObject({
  version: z.literal('4', { error: 'must be "4" (the Alertmanager webhook payload version this receiver reads)' }),
  groupKey: z.string().min(1),
  status: z.enum(['firing', 'resolved']),
  receiver: z.string().optional(),
  truncatedAlerts: z.number().int().min(0).optional(),
  alerts: z.array(alertSchema).min(1).max(1_000),
});

export type AlertmanagerPayload = z.output<typeof alertmanagerPayloadSchema>;

/** Alertmanager's own fingerprint when sent (recent releases do), else a hash of the sorted label set. */
function fingerprintOf(alert: z.output<typeof alertSchema>): string {
  if (alert.fingerprint) return alert.fingerprint;
  const sorted = Object.entries(alert.labels).sort(([a], [b]) => a.localeCompare(b));
  return createHash('sha256').update(JSON.stringify(sorted)).digest('hex').slice(0, 16);
}

function dateOf(value: string | undefined): Date | undefined {
  if (!value || value === ZERO_TIME) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** The alerts of one notification, each with its own status (a group can mix firing and resolved). */
export function alertsFromAlertmanager(payload: AlertmanagerPayload): IncomingAlert[] {
  return payload.alerts.map((alert) => {
    const startsAt = dateOf(alert.startsAt);
    const endsAt = alert.status === 'resolved' ? dateOf(alert.endsAt) : undefined;
    return {
      source: 'alertmanager',
      fingerprint: fingerprintOf(alert),
      status: alert.status,
      name: alert.labels['alertname'] ?? 'alert',
      labels: alert.labels,
      annotations: alert.annotations,
      ...(startsAt ? { startsAt } : {}),
      ...(endsAt ? { endsAt } : {}),
      ...(alert.generatorURL ? { url: alert.generatorURL } : {}),
    };
  });
}
