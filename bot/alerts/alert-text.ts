import type { ChannelDefaults } from '../agent/entities.js';
import { redactText } from '../../redaction/index.js';
import { escapeMrkdwn } from '../slack/answer-blocks.js';
import type { IncomingAlert } from './alert.js';
import type { StoredAlert } from './alerts-repository.js';

type AlertFacts = Pick<IncomingAlert, 'name' | 'labels' | 'annotations' | 'source'>;

/** Sender text, flattened, clipped and with secrets removed before it reaches Slack or a model. */
function clean(text: string, limit: number): string {
  const flat = redactText(text).replace(/\s+/g, ' ').trim();
  return flat.length <= limit ? flat : `${flat.slice(0, limit - 1)}…`;
}

function summaryOf(alert: AlertFacts): string | undefined {
  const text = alert.annotations['summary'] ?? alert.annotations['description'] ?? alert.annotations['message'];
  return text ? clean(text, 300) : undefined;
}

function timeOf(date: Date): string {
  return `${date.toISOString().slice(11, 16)} UTC`;
}

/** Where the alert points, e.g. "checkout in shop on prod-eu". */
function placeOf(app: string | undefined, defaults: ChannelDefaults): string {
  const parts = [
    app ? clean(app, 80) : undefined,
    defaults.namespace ? `in ${clean(defaults.namespace, 80)}` : undefined,
    defaults.cluster ? `on ${clean(defaults.cluster, 80)}` : undefined,
  ].filter(Boolean);
  return parts.join(' ');
}

/** The question the pipeline investigates: what fired, where, and the sender's summary. */
export function alertQuestion(alert: AlertFacts, app: string | undefined, defaults: ChannelDefaults): string {
  const place = placeOf(app, defaults);
  const summary = summaryOf(alert);
  return `Why is alert ${clean(alert.name, 120)} firing${place ? ` for ${place}` : ''}?${summary ? ` ${summary}` : ''}`;
}

/** The thread's top message: state, name, place, summary, and how often it fired. */
export function anchorText(
  alert: AlertFacts & Pick<StoredAlert, 'status' | 'fireCount' | 'lastSeenAt'> & { resolvedAt?: Date | undefined },
  app: string | undefined,
  defaults: ChannelDefaults,
): string {
  const place = placeOf(app, defaults);
  const head =
    alert.status === 'resolved'
      ? `:white_check_mark: *RESOLVED* ${escapeMrkdwn(clean(alert.name, 120))}`
      : `:rotating_light: *FIRING* ${escapeMrkdwn(clean(alert.name, 120))}`;
  const summary = summaryOf(alert);
  const seen =
    alert.status === 'resolved' && alert.resolvedAt
      ? `resolved ${timeOf(alert.resolvedAt)}`
      : `seen ${alert.fireCount}× · last ${timeOf(alert.lastSeenAt)}`;
  return [
    `${head}${place ? ` — ${escapeMrkdwn(place)}` : ''}`,
    ...(summary ? [escapeMrkdwn(summary)] : []),
    `_${alert.source} · ${seen}_`,
  ].join('\n');
}

/** The reply that marks a thread resolved. */
export function resolvedReply(alert: Pick<StoredAlert, 'resolvedAt' | 'startsAt' | 'firstSeenAt'>): string {
  const resolvedAt = alert.resolvedAt ?? new Date();
  const since = alert.startsAt ?? alert.firstSeenAt;
  const minutes = Math.max(0, Math.round((resolvedAt.getTime() - since.getTime()) / 60_000));
  return `:white_check_mark: Resolved at ${timeOf(resolvedAt)} after ${minutes} min of firing.`;
}

/**
 * The one message summarising the alerts of a storm window that were not investigated; an alert
 * that has resolved since is struck through with its resolve time, and the head counts them.
 */
export function stormSummary(alerts: readonly StoredAlert[], window: Date, max: number): string {
  const shown = alerts.slice(0, 20).map((alert) => {
    const place = [alert.labels['namespace'], alert.labels['app'] ?? alert.labels['deployment']]
      .filter(Boolean)
      .join('/');
    const line = `${escapeMrkdwn(clean(alert.name, 100))}${place ? ` (${escapeMrkdwn(clean(place, 100))})` : ''}`;
    if (alert.status !== 'resolved') return `• ${line}`;
    return `• :white_check_mark: ~${line}~ resolved${alert.resolvedAt ? ` ${timeOf(alert.resolvedAt)}` : ''}`;
  });
  const more = alerts.length > shown.length ? [`…and ${alerts.length - shown.length} more`] : [];
  const resolved = alerts.filter((alert) => alert.status === 'resolved').length;
  const since =
    resolved === 0 ? '' : alerts.length === resolved ? ' All have resolved since.' : ` ${resolved} resolved since.`;
  return [
    `:ocean: Alert storm: ${alerts.length} more alert${alerts.length === 1 ? '' : 's'} fired here in the minute from ` +
      `${timeOf(window)}. I investigate at most ${max} per minute per channel, so these were not investigated:${since}`,
    ...shown,
    ...more,
  ].join('\n');
}
