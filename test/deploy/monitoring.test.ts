/**
 * The monitoring component as Prometheus and Grafana would load it: every alert and dashboard
 * expression parses with Prometheus's own PromQL grammar (@prometheus-io/lezer-promql, what the
 * Prometheus UI uses), names only metrics that sre-bot registers somewhere in its sources (or the
 * standard process and scrape metrics), every alert carries severity, summary and a runbook_url
 * naming an existing runbooks/*.md, and each ServiceMonitor endpoint port exists on the Services
 * it selects.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parser } from '@prometheus-io/lezer-promql';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { beforeAll, describe, expect, it } from 'vitest';
import { KUBE_DIR, ROOT, parseObjects, renderKustomization, type RenderedObject } from './rendered-install.js';

interface AlertRule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** Metrics that come from Prometheus itself or prom-client's default collectors. */
const STANDARD_METRICS = new Set([
  'up',
  'process_cpu_seconds_total',
  'process_resident_memory_bytes',
  'nodejs_eventloop_lag_p99_seconds',
  'nodejs_eventloop_lag_seconds',
]);

/** Parses PromQL; returns the syntax errors (as source slices) and the metric names selected. */
function promql(expr: string): { errors: string[]; metrics: string[] } {
  const errors: string[] = [];
  const metrics: string[] = [];
  parser.parse(expr).iterate({
    enter: (node) => {
      if (node.type.isError)
        errors.push(`syntax error at ${node.from}: '${expr.slice(Math.max(0, node.from - 10), node.to + 10)}'`);
      if (node.name === 'Identifier' && node.node.parent?.name === 'VectorSelector')
        metrics.push(expr.slice(node.from, node.to));
    },
  });
  return { errors, metrics };
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** Every metric name registered in bot/ and mcp-servers/ (string literals shaped like sre_bot_*). */
function registeredMetrics(): Set<string> {
  const names = new Set<string>();
  for (const file of [...sourceFiles(join(ROOT, 'bot')), ...sourceFiles(join(ROOT, 'mcp-servers'))]) {
    for (const match of readFileSync(file, 'utf8').matchAll(/'(sre_bot_[a-z0-9_]+)'/g))
      if (match[1]) names.add(match[1]);
  }
  return names;
}

/** A histogram's series (`_bucket`, `_count`, `_sum`) belong to the registered base name. */
function isKnown(metric: string, registered: Set<string>): boolean {
  if (STANDARD_METRICS.has(metric) || registered.has(metric)) return true;
  const base = metric.replace(/_(bucket|count|sum)$/, '');
  return registered.has(base);
}

const dashboardSchema = z.object({
  uid: z.string().min(1),
  title: z.string().min(1),
  schemaVersion: z.number().int().min(30),
  panels: z
    .array(
      z.object({
        id: z.number().int(),
        type: z.string().min(1),
        title: z.string().min(1),
        gridPos: z.object({ h: z.number(), w: z.number().max(24), x: z.number().min(0).max(23), y: z.number().min(0) }),
        targets: z.array(z.object({ refId: z.string(), expr: z.string().min(1) })).min(1),
      }),
    )
    .min(1),
});

let objects: RenderedObject[];
let rules: AlertRule[];
const registered = registeredMetrics();

beforeAll(async () => {
  objects = parseObjects(await renderKustomization(join(KUBE_DIR, 'overlays', 'production')));
  const rule = objects.find((object) => object.kind === 'PrometheusRule');
  rules = ((rule?.spec as { groups: Array<{ rules: AlertRule[] }> } | undefined)?.groups ?? []).flatMap(
    (group) => group.rules,
  );
});

describe('PrometheusRule', () => {
  it('alerts on queue backlog, failure rate, fallback rate, an upstream down and an approval waiting too long', () => {
    expect(rules.map((rule) => rule.alert)).toEqual(
      expect.arrayContaining([
        'SreBotQueueBacklog',
        'SreBotInvestigationFailureRate',
        'SreBotModelFallbackRate',
        'SreBotGatewayUpstreamDown',
        'SreBotApprovalWaiting',
      ]),
    );
  });

  it('every expression parses as PromQL and selects only metrics sre-bot registers', () => {
    expect(rules.length).toBeGreaterThan(4);
    for (const rule of rules) {
      const { errors, metrics } = promql(rule.expr);
      expect(errors, rule.alert).toEqual([]);
      expect(metrics.length, rule.alert).toBeGreaterThan(0);
      expect(
        metrics.filter((metric) => !isKnown(metric, registered)),
        `${rule.alert ?? ''} names unregistered metrics`,
      ).toEqual([]);
    }
  });

  it('catches a broken expression and an unregistered metric', () => {
    expect(promql('sum(rate(sre_bot_jobs_processed_total[5m])').errors.length).toBeGreaterThan(0);
    expect(isKnown('sre_bot_no_such_metric_total', registered)).toBe(false);
    expect(isKnown('sre_bot_investigation_duration_seconds_bucket', registered)).toBe(true);
  });

  it('gives every alert a duration, a severity, a summary and a runbook that exists', () => {
    const runbooks = new Set(readdirSync(join(ROOT, 'runbooks')));
    for (const rule of rules) {
      expect(rule.for, rule.alert).toMatch(/^\d+[smh]$/);
      expect(['info', 'warning', 'critical'], rule.alert).toContain(rule.labels?.['severity']);
      expect(rule.annotations?.['summary'], rule.alert).toBeTruthy();
      const runbook = /\/runbooks\/([a-z0-9-]+\.md)$/.exec(rule.annotations?.['runbook_url'] ?? '')?.[1];
      expect(runbook && runbooks.has(runbook), `${rule.alert ?? ''}: runbook ${runbook ?? '(none)'}`).toBe(true);
      const text = readFileSync(join(ROOT, 'runbooks', runbook ?? ''), 'utf8');
      expect(text, `${runbook ?? ''} names its alert`).toContain(rule.alert ?? '');
    }
  });
});

describe('Grafana dashboard', () => {
  const dashboardText = readFileSync(join(KUBE_DIR, 'components', 'monitoring', 'grafana-dashboard.json'), 'utf8');

  it('has the shape Grafana imports, with unique panel ids', () => {
    const dashboard = dashboardSchema.parse(JSON.parse(dashboardText));
    expect(new Set(dashboard.panels.map((panel) => panel.id)).size).toBe(dashboard.panels.length);
  });

  it('queries parse as PromQL and select registered metrics', () => {
    const dashboard = dashboardSchema.parse(JSON.parse(dashboardText));
    for (const panel of dashboard.panels) {
      for (const target of panel.targets) {
        const { errors, metrics } = promql(target.expr);
        expect(errors, panel.title).toEqual([]);
        expect(
          metrics.filter((metric) => !isKnown(metric, registered)),
          panel.title,
        ).toEqual([]);
      }
    }
  });

  it('ships as a ConfigMap the Grafana sidecar loads', () => {
    const configMap = objects.find(
      (object) => object.kind === 'ConfigMap' && object.metadata.labels?.['grafana_dashboard'] === '1',
    );
    expect(
      JSON.parse((configMap as { data: Record<string, string> } | undefined)?.data['sre-bot.json'] ?? '{}'),
    ).toEqual(JSON.parse(dashboardText));
  });
});

describe('ServiceMonitors', () => {
  it('select every Service of a role that serves /metrics, on a port that Service has', () => {
    const services = objects.filter((object) => object.kind === 'Service');
    const covered = new Set<string>();
    for (const monitor of objects.filter((object) => object.kind === 'ServiceMonitor')) {
      const spec = monitor.spec as {
        selector: { matchLabels?: Record<string, string>; matchExpressions?: Array<{ key: string; values: string[] }> };
        endpoints: Array<{ port: string }>;
      };
      for (const service of services) {
        const labels = service.metadata.labels ?? {};
        const byLabels = Object.entries(spec.selector.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
        const byExpressions = (spec.selector.matchExpressions ?? []).every((expression) =>
          expression.values.includes(labels[expression.key] ?? ''),
        );
        if (!byLabels || !byExpressions) continue;
        const ports = (service.spec as { ports: Array<{ name: string }> }).ports.map((port) => port.name);
        for (const endpoint of spec.endpoints)
          expect(ports, `${monitor.metadata.name} → ${service.metadata.name}`).toContain(endpoint.port);
        covered.add(service.metadata.name);
      }
    }
    expect([...covered].sort()).toEqual(services.map((service) => service.metadata.name).sort());
  });
});

describe('the gateway /metrics token', () => {
  it('Prometheus presents the Secret whose SHA-256 the gateway config holds', () => {
    const monitor = objects.find(
      (object) => object.kind === 'ServiceMonitor' && object.metadata.name === 'sre-bot-gateway',
    );
    const endpoint = (monitor?.spec as { endpoints: Array<{ bearerTokenSecret?: { name: string; key: string } }> })
      .endpoints[0];
    expect(endpoint?.bearerTokenSecret).toEqual({ name: 'sre-bot-gateway-metrics-token', key: 'token' });
    const secrets = parseObjects(readFileSync(join(KUBE_DIR, 'secrets', 'secrets.example.yaml'), 'utf8'));
    const secret = secrets.find((object) => object.metadata.name === endpoint?.bearerTokenSecret?.name);
    const token = (secret as { stringData?: Record<string, string> } | undefined)?.stringData?.token ?? '';
    for (const file of [join(KUBE_DIR, 'base', 'gateway-config.yaml'), join(ROOT, 'deploy', 'gateway.yaml')]) {
      const config = parseYaml(readFileSync(file, 'utf8')) as { metrics?: { tokenSha256?: string } };
      expect(config.metrics?.tokenSha256, file).toBe(createHash('sha256').update(token).digest('hex'));
    }
  });
});
