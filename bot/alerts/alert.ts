/** Where an alert came from. */
export type AlertSource = 'alertmanager' | 'pagerduty';

/**
 * One alert as both receivers hand it on: Alertmanager alerts and PagerDuty incidents in one
 * shape. `fingerprint` identifies the same alert across deliveries (Alertmanager's label hash,
 * PagerDuty's incident id); labels and annotations are untrusted text from the sender.
 */
export interface IncomingAlert {
  source: AlertSource;
  fingerprint: string;
  status: 'firing' | 'resolved';
  /** `alertname`, or the incident title. */
  name: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt?: Date;
  endsAt?: Date;
  /** A link back to the alert (generatorURL, the incident's html_url). */
  url?: string;
}
