import { randomBytes } from 'node:crypto';

/**
 * Webhook bodies exactly as Alertmanager and PagerDuty send them, for the alert tests: an
 * Alertmanager v4 notification and a PagerDuty Webhooks v3 incident event.
 */
/** An Alertmanager v4 webhook body as Alertmanager 0.27 sends it (notify/webhook). */
export function alertmanagerPayload(
  alerts: Array<{ status: 'firing' | 'resolved'; fingerprint: string; labels: Record<string, string> }>,
  summary = 'Deployment shop/checkout has not matched the expected number of replicas for 15 minutes.',
) {
  const status = alerts.some((alert) => alert.status === 'firing') ? 'firing' : 'resolved';
  return {
    receiver: 'sre-bot',
    status,
    alerts: alerts.map((alert) => ({
      status: alert.status,
      labels: { severity: 'warning', ...alert.labels },
      annotations: { summary, runbook_url: 'https://runbooks.example.com/KubeDeploymentReplicasMismatch' },
      startsAt: '2026-12-03T17:40:00.000Z',
      endsAt: alert.status === 'resolved' ? '2026-12-03T17:58:00.000Z' : '0001-01-01T00:00:00Z',
      generatorURL: 'http://prometheus.example.com/graph?g0.expr=kube_deployment_spec_replicas',
      fingerprint: alert.fingerprint,
    })),
    groupLabels: { alertname: alerts[0]?.labels['alertname'] ?? '' },
    commonLabels: { severity: 'warning' },
    commonAnnotations: {},
    externalURL: 'http://alertmanager.example.com',
    version: '4',
    groupKey: '{}/{team="shop"}:{alertname="KubeDeploymentReplicasMismatch"}',
    truncatedAlerts: 0,
  };
}

export const checkoutLabels = {
  alertname: 'KubeDeploymentReplicasMismatch',
  team: 'shop',
  namespace: 'shop',
  deployment: 'checkout',
  cluster: 'prod-eu',
};

/** A PagerDuty Webhooks v3 incident event as PagerDuty sends it. */
export function pagerdutyEvent(eventType: string, incidentId: string, status: string) {
  return {
    event: {
      id: `01${randomBytes(12).toString('hex').toUpperCase()}`,
      event_type: eventType,
      resource_type: 'incident',
      occurred_at: '2026-12-03T17:45:12.345Z',
      agent: { html_url: 'https://acme.pagerduty.com/users/PLH1HKV', id: 'PLH1HKV', type: 'user_reference' },
      client: null,
      data: {
        id: incidentId,
        type: 'incident',
        self: `https://api.pagerduty.com/incidents/${incidentId}`,
        html_url: `https://acme.pagerduty.com/incidents/${incidentId}`,
        number: 2,
        status,
        incident_key: 'd3640fbd41094207a1c11e58e46b1662',
        created_at: '2026-12-03T17:45:00Z',
        title: 'checkout pods are not becoming ready',
        service: {
          html_url: 'https://acme.pagerduty.com/services/PF9KMXH',
          id: 'PF9KMXH',
          self: 'https://api.pagerduty.com/services/PF9KMXH',
          summary: 'Checkout API',
          type: 'service_reference',
        },
        assignees: [],
        escalation_policy: { id: 'PJXFHD6', summary: 'Shop on-call', type: 'escalation_policy_reference' },
        teams: [],
        priority: null,
        urgency: 'high',
        conference_bridge: null,
        resolve_reason: null,
      },
    },
  };
}
