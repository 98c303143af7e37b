/**
 * What an operator scrapes from the alerts role: the real `sre-bot alerts` role (METRICS_PORT set,
 * in-process queue and worker, PGlite) receives Alertmanager webhooks, investigates the sandbox
 * estate through the gateway and answers in the fake Slack; its /metrics then lists deliveries by
 * source and outcome (a refused token too), alerts by what they led to, the Slack notices applied
 * (the resolve), the investigation by outcome and mode, queue depth and the process metrics.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openScenarioEstate, type ScenarioEstate } from '../../evaluators/runner/scenario-estate.js';
import { FAKE_WORKSPACE, startFakeSlack, type FakeSlack } from '../fakes/slack/index.js';
import { alertmanagerPayload, checkoutLabels } from '../support/alert-payloads.js';
import { startCliRole, type RunningRole } from '../support/cli-role.js';
import { bundledScenario } from '../support/pipeline.js';
import { freePort, sample } from '../support/probes.js';

const TOKEN = 'alerts-metrics-alertmanager-token';

let estate: ScenarioEstate;
let slack: FakeSlack;
let home: string;
let role: RunningRole;
let receiverUrl = '';
let metricsUrl = '';

function postAlert(status: 'firing' | 'resolved', authorization = `Bearer ${TOKEN}`) {
  return fetch(`${receiverUrl}/alerts/alertmanager`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization },
    body: JSON.stringify(alertmanagerPayload([{ status, fingerprint: 'metrics0001', labels: checkoutLabels }])),
  });
}

const scrape = async () => (await fetch(metricsUrl)).text();

beforeAll(async () => {
  estate = await openScenarioEstate(await bundledScenario('missing-image-tag'));
  slack = await startFakeSlack();
  home = mkdtempSync(join(tmpdir(), 'sre-bot-alerts-metrics-'));
  const routes = join(home, 'routes.yaml');
  writeFileSync(routes, `routes:\n  - match: { team: shop }\n    channel: ${FAKE_WORKSPACE.channelId}\n`);
  const port = await freePort();
  metricsUrl = `http://127.0.0.1:${port}/metrics`;
  role = startCliRole(['alerts'], {
    SRE_BOT_ALERT_ROUTES_FILE: routes,
    SRE_BOT_ALERTMANAGER_TOKEN: TOKEN,
    SRE_BOT_ALERTS_PORT: '0',
    SRE_BOT_HOME: home,
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_API_URL: slack.apiUrl,
    GATEWAY_URL: estate.gateway.url,
    GATEWAY_TOKEN: estate.gateway.token,
    METRICS_PORT: String(port),
    LOG_LEVEL: 'warn',
  });
  receiverUrl = await role.waitFor(
    'the alerts role to listen',
    () => /listening on (http:\/\/\S+)\/alerts/.exec(role.output())?.[1],
  );
}, 120_000);

afterAll(async () => {
  await role?.stop();
  await slack?.close();
  await estate?.close();
  if (home) rmSync(home, { recursive: true, force: true });
});

describe('/metrics of the alerts role after one alert fired, was investigated and resolved', () => {
  let metrics: string;

  beforeAll(async () => {
    expect((await postAlert('firing', 'Bearer not-the-token')).status).toBe(401);
    expect((await postAlert('firing')).status).toBe(200);
    await role.waitFor('the answered investigation', async () =>
      sample(await scrape(), 'sre_bot_investigations_total', { outcome: 'answered' }) ? true : undefined,
    );
    expect((await postAlert('resolved')).status).toBe(200);
    metrics = await role.waitFor('the resolve applied to the thread', async () => {
      const text = await scrape();
      return sample(text, 'sre_bot_alert_notices_total', { kind: 'resolved', outcome: 'applied' }) ? text : undefined;
    });
  }, 90_000);

  it('counts deliveries by source and outcome, a refused token included', () => {
    expect(sample(metrics, 'sre_bot_alert_deliveries_total', { source: 'alertmanager', outcome: 'accepted' })).toBe(2);
    expect(sample(metrics, 'sre_bot_alert_deliveries_total', { source: 'alertmanager', outcome: 'unauthorized' })).toBe(
      1,
    );
  });

  it('counts each alert by what it led to, and the notices applied to Slack', () => {
    expect(sample(metrics, 'sre_bot_alerts_total', { source: 'alertmanager', action: 'investigating' })).toBe(1);
    expect(sample(metrics, 'sre_bot_alerts_total', { source: 'alertmanager', action: 'resolved' })).toBe(1);
    expect(sample(metrics, 'sre_bot_alert_notices_total', { kind: 'resolved', outcome: 'applied' })).toBe(1);
  });

  it('counts the investigation it started, the queue and the standard process metrics', () => {
    expect(sample(metrics, 'sre_bot_investigations_total', { outcome: 'answered', mode: 'triage' })).toBe(1);
    expect(sample(metrics, 'sre_bot_tool_calls_total', { outcome: 'ok' })).toBeGreaterThan(0);
    expect(sample(metrics, 'sre_bot_queue_jobs', { state: 'waiting' })).toBe(0);
    expect(sample(metrics, 'process_cpu_seconds_total')).toBeGreaterThan(0);
    expect(sample(metrics, 'nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
  });
});
