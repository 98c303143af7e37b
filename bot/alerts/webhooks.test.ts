import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../package-root.js';
import { createAlertRouter, parseAlertRoutes } from './alert-routes.js';
import { alertmanagerPayloadSchema, alertsFromAlertmanager } from './alertmanager-webhook.js';
import { isPagerdutySignatureValid, pagerdutySignature } from './pagerduty-webhook.js';

describe('PagerDuty signature', () => {
  const body = Buffer.from('{"event":{"id":"01"}}');
  it('accepts any listed v1 signature made with any configured secret, and nothing else', () => {
    const header = `v1=${'ab'.repeat(32)}, ${pagerdutySignature(body, 'new-secret')}`;
    expect(isPagerdutySignatureValid(body, header, ['old-secret', 'new-secret'])).toBe(true);
    expect(isPagerdutySignatureValid(body, header, ['old-secret'])).toBe(false);
    expect(isPagerdutySignatureValid(Buffer.from(`${body.toString()} `), header, ['new-secret'])).toBe(false);
    expect(
      isPagerdutySignatureValid(body, pagerdutySignature(body, 'new-secret').replace('v1=', 'v0='), ['new-secret']),
    ).toBe(false);
    expect(isPagerdutySignatureValid(body, undefined, ['new-secret'])).toBe(false);
  });
});

describe('Alertmanager payload', () => {
  it('reads each alert with its own status, keeps the fingerprint, drops the zero end time', () => {
    const payload = alertmanagerPayloadSchema.parse({
      version: '4',
      groupKey: 'g',
      status: 'firing',
      alerts: [
        { status: 'firing', labels: { alertname: 'A' }, endsAt: '0001-01-01T00:00:00Z', fingerprint: 'f1' },
        { status: 'resolved', labels: { alertname: 'B', z: '1', a: '2' }, endsAt: '2026-12-03T18:00:00Z' },
      ],
    });
    const [first, second] = alertsFromAlertmanager(payload);
    expect(first).toMatchObject({ fingerprint: 'f1', status: 'firing', name: 'A' });
    expect(first?.endsAt).toBeUndefined();
    expect(second).toMatchObject({ status: 'resolved', endsAt: new Date('2026-12-03T18:00:00Z') });
    // Without Alertmanager's fingerprint, the same label set always gives the same one.
    const again = alertsFromAlertmanager({
      ...payload,
      alerts: [{ ...payload.alerts[1]!, labels: { a: '2', alertname: 'B', z: '1' } }],
    });
    expect(again[0]?.fingerprint).toBe(second?.fingerprint);
  });
});

describe('alert routes', () => {
  const router = createAlertRouter(
    parseAlertRoutes(
      [
        'routes:',
        '  - match: { team: payments, env: "prod*" }',
        '    channel: C0PAY000001',
        '    defaults: { cluster: prod-eu }',
        '  - match: { namespace: "shop-*" }',
        '    channel: C0SHOP00001',
        'fallbackChannel: C0ALL000001',
        'labels: { app: [service_name] }',
      ].join('\n'),
      'routes.yaml',
    ),
  );
  const alert = (labels: Record<string, string>) =>
    ({ source: 'alertmanager', fingerprint: 'x', status: 'firing', name: 'A', labels, annotations: {} }) as const;

  it('takes the first route whose labels all match (globs), with label entities over route defaults', () => {
    expect(router.route(alert({ team: 'payments', env: 'prod-2', service_name: 'ledger' }))).toEqual({
      channel: 'C0PAY000001',
      defaults: { cluster: 'prod-eu' },
      app: 'ledger',
    });
    expect(router.route(alert({ team: 'payments', env: 'prod-2', cluster: 'prod-us' }))?.defaults).toEqual({
      cluster: 'prod-us',
    });
    expect(router.route(alert({ team: 'payments', env: 'dev', namespace: 'shop-eu' }))?.channel).toBe('C0SHOP00001');
    expect(router.route(alert({ team: 'other' }))?.channel).toBe('C0ALL000001');
  });

  it('accepts the shipped example file', () => {
    const path = join(packageRoot(), 'deploy', 'alert-routes.example.yaml');
    const config = parseAlertRoutes(readFileSync(path, 'utf8'), path);
    expect(config.routes).toHaveLength(3);
    expect(config.storm.maxInvestigationsPerMinute).toBe(5);
  });

  it('names the bad entry of a routes file', () => {
    expect(() => parseAlertRoutes('routes:\n  - channel: general\n', 'routes.yaml')).toThrow(
      'routes.yaml: routes.0.channel must be a Slack channel id like C0123456789',
    );
  });
});
