import type { QueueCounts } from '../queue/queue.js';

/** What the App Home health line shows. */
export interface HealthSummary {
  gateway?: { reachable: boolean; healthyUpstreams?: number; upstreams?: number };
  queue?: QueueCounts;
}

/** Reads the health line's inputs; never throws (a failed probe shows as "unreachable"). */
export type HealthProbe = () => Promise<HealthSummary>;

/**
 * Probes the gateway's `/readyz` (same origin as GATEWAY_URL; it reports healthy and total
 * upstreams) and the queue's counts, each bounded by `timeoutMs` so App Home stays fast.
 */
export function createHealthProbe(options: {
  gatewayUrl?: string | undefined;
  queueCounts?: () => Promise<QueueCounts>;
  timeoutMs?: number;
  fetch?: typeof fetch;
}): HealthProbe {
  const timeoutMs = options.timeoutMs ?? 1_000;
  const fetchFn = options.fetch ?? fetch;
  const gateway = async (): Promise<HealthSummary['gateway']> => {
    if (!options.gatewayUrl) return undefined;
    try {
      const response = await fetchFn(new URL('/readyz', options.gatewayUrl), {
        signal: AbortSignal.timeout(timeoutMs),
      });
      const body = (await response.json().catch(() => ({}))) as { healthyUpstreams?: unknown; upstreams?: unknown };
      return {
        reachable: true,
        ...(typeof body.healthyUpstreams === 'number' ? { healthyUpstreams: body.healthyUpstreams } : {}),
        ...(typeof body.upstreams === 'number' ? { upstreams: body.upstreams } : {}),
      };
    } catch {
      return { reachable: false };
    }
  };
  const queue = async (): Promise<QueueCounts | undefined> => {
    if (!options.queueCounts) return undefined;
    const timeout = new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), timeoutMs).unref());
    return Promise.race([options.queueCounts().catch(() => undefined), timeout]);
  };
  return async () => {
    const [gatewayHealth, queueCounts] = await Promise.all([gateway(), queue()]);
    return { ...(gatewayHealth ? { gateway: gatewayHealth } : {}), ...(queueCounts ? { queue: queueCounts } : {}) };
  };
}

/** The one-line health summary, e.g. "Gateway: 5/6 upstreams up · Queue: 2 waiting, 1 running, 0 failed". */
export function healthLine(health: HealthSummary): string {
  const parts: string[] = [];
  if (health.gateway) {
    const { reachable, healthyUpstreams, upstreams } = health.gateway;
    if (!reachable) parts.push(':red_circle: Gateway: unreachable');
    else if (healthyUpstreams !== undefined && upstreams !== undefined) {
      const icon =
        healthyUpstreams === upstreams
          ? ':large_green_circle:'
          : healthyUpstreams === 0
            ? ':red_circle:'
            : ':large_yellow_circle:';
      parts.push(
        `${icon} Gateway: ${healthyUpstreams}/${upstreams} upstreams ` +
          `up${upstreams > healthyUpstreams ? ` (${upstreams - healthyUpstreams} down)` : ''}`,
      );
    } else parts.push(':large_green_circle: Gateway: reachable');
  } else parts.push(':white_circle: Gateway: not configured');
  if (health.queue) {
    const { waiting, delayed, active, deadLettered } = health.queue;
    parts.push(`Queue: ${waiting + delayed} waiting, ${active} running, ${deadLettered} failed`);
  } else parts.push('Queue: unknown');
  return parts.join(' · ');
}
