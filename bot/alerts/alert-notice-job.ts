/** Name of the queue of Slack updates for alerts (repeat, resolved, storm summary). */
export const ALERT_NOTICE_QUEUE = 'alert-notice';

/**
 * A Slack update an alert delivery asks for; the worker renders it from the stored alert, so a
 * job carries ids only. `repeat` refreshes the thread's top message, `resolved` marks the thread,
 * `storm` posts or refreshes the one summary of a channel's minute window (also when one of
 * its summarised alerts resolves).
 */
export type AlertNoticeJob =
  | { kind: 'repeat' | 'resolved'; alertId: string; traceparent: string }
  | { kind: 'storm'; channel: string; window: string; suppressed: number; traceparent: string };
