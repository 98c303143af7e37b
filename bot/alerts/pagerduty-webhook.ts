import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { IncomingAlert } from './alert.js';

/** Incident events that open or re-open an investigation; `incident.resolved` closes one. */
const FIRING_EVENTS = new Set(['incident.triggered', 'incident.reopened', 'incident.escalated']);
const RESOLVED_EVENTS = new Set(['incident.resolved']);

const reference = z.looseObject({ id: z.string(), summary: z.string().optional() });

/** A PagerDuty v3 webhook event (Webhooks v3 "event" envelope, incident resources). */
export const pagerdutyPayloadSchema = z.looseObject({
  event: z.looseObject({
    id: z.string().min(1),
    event_type: z.string().regex(/^[a-z_]+\.[a-z_]+$/, 'must look like incident.triggered'),
    resource_type: z.string(),
    occurred_at: z.iso.datetime({ offset: true }),
    data: z.looseObject({
      id: z.string().min(1),
      type: z.string(),
      title: z.string().optional(),
      status: z.string().optional(),
      urgency: z.string().optional(),
      html_url: z.string().optional(),
      number: z.number().optional(),
      service: reference.optional(),
      priority: reference.nullable().optional(),
    }),
  }),
});

export type PagerdutyPayload = z.output<typeof pagerdutyPayloadSchema>;

/**
 * Checks `X-PagerDuty-Signature` (`v1=<hex HMAC-SHA256 of the raw body>`, several
 * comma-separated while a secret rotates) against every configured secret in constant time.
 */
export function isPagerdutySignatureValid(
  rawBody: Buffer,
  header: string | undefined,
  secrets: readonly string[],
): boolean {
  if (!header) return false;
  const presented = header
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.startsWith('v1='))
    .map((part) => Buffer.from(part.slice(3), 'hex'));
  let isValid = false;
  for (const secret of secrets) {
    const expected = createHmac('sha256', secret).update(rawBody).digest();
    for (const signature of presented)
      if (signature.length === expected.length && timingSafeEqual(signature, expected)) isValid = true;
  }
  return isValid;
}

/** The HMAC header PagerDuty would send for `body` (tests and tooling). */
export function pagerdutySignature(body: string | Buffer, secret: string): string {
  return `v1=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/**
 * The incident as an alert, or undefined for events that neither fire nor resolve (acknowledged,
 * annotated, priority_updated, …) and for non-incident resources. Labels: `service`, `service_id`,
 * `urgency`, `priority` and `incident_number`, which routing rules can match.
 */
export function alertFromPagerduty(payload: PagerdutyPayload): IncomingAlert | undefined {
  const { event } = payload;
  if (event.resource_type !== 'incident') return undefined;
  const status = FIRING_EVENTS.has(event.event_type)
    ? 'firing'
    : RESOLVED_EVENTS.has(event.event_type)
      ? 'resolved'
      : undefined;
  if (!status) return undefined;
  const { data } = event;
  const labels: Record<string, string> = {
    ...(data.service?.summary ? { service: data.service.summary } : {}),
    ...(data.service?.id ? { service_id: data.service.id } : {}),
    ...(data.urgency ? { urgency: data.urgency } : {}),
    ...(data.priority?.summary ? { priority: data.priority.summary } : {}),
    ...(data.number !== undefined ? { incident_number: String(data.number) } : {}),
  };
  const occurredAt = new Date(event.occurred_at);
  return {
    source: 'pagerduty',
    fingerprint: data.id,
    status,
    name: data.title ?? `PagerDuty incident ${data.id}`,
    labels,
    annotations: data.title ? { summary: data.title } : {},
    ...(status === 'firing' ? { startsAt: occurredAt } : { endsAt: occurredAt }),
    ...(data.html_url ? { url: data.html_url } : {}),
  };
}
