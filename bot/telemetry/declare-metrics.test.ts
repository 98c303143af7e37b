import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createAlertMetrics } from './alert-metrics.js';
import { MetricName } from './attributes.js';
import { createBotMetrics } from './bot-metrics.js';

describe('metrics declared as tables', () => {
  it('registers the bot and alert metrics on one registry under the names in attributes.ts, and counts', async () => {
    const registry = new Registry();
    const bot = createBotMetrics(registry);
    const alerts = createAlertMetrics(registry);
    bot.toolCall({ tool: 'get_application', instance: 'argocd-eu-1', outcome: 'ok', seconds: 0.2 });
    alerts.delivery('alertmanager', 'accepted');
    const text = await registry.metrics();
    expect(text).toContain(`${MetricName.toolCalls}{tool="get_application",instance="argocd-eu-1",outcome="ok"} 1`);
    expect(text).toContain(`${MetricName.toolCallDuration}_bucket{le="0.25",tool="get_application"} 1`);
    expect(text).toContain(`${MetricName.alertDeliveries}{source="alertmanager",outcome="accepted"} 1`);
    const names = (await registry.getMetricsAsJSON()).map((metric) => metric.name);
    expect(names.filter((name) => !Object.values(MetricName).includes(name as never))).toEqual([]);
  });
});
