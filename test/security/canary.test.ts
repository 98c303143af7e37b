import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { McpToolGateway } from '../../bot/gateway-client/mcp-tool-gateway.js';
import { createAnthropicModelClient } from '../../bot/model/anthropic-model-client.js';
import type { InvestigationOutcome } from '../../bot/agent/answer.js';
import { createInvestigator, type Investigator } from '../../bot/runtime/investigator.js';
import { skillCatalogPort } from '../../bot/runtime/skill-catalog-port.js';
import { createSkillCatalog } from '../../bot/skills/catalog.js';
import type { SkillCatalog } from '../../bot/skills/catalog-types.js';
import { createInvestigationWorker } from '../../bot/slack/investigation-worker.js';
import type { SlackInvestigationJob } from '../../bot/slack/investigation-job.js';
import { webClientOptions } from '../../bot/slack/web-client-options.js';
import { migrate } from '../../bot/store/migrate.js';
import { createStore, type Store } from '../../bot/store/store.js';
import { createLogger } from '../../bot/telemetry/logger.js';
import { createServerLogger } from '../../mcp-servers/common/logger.js';
import { createLogAuditSink, type AuditEvent } from '../../mcp-servers/gateway/audit.js';
import { createGatewayLogger } from '../../mcp-servers/gateway/logger.js';
import { startSandbox, type RunningSandbox } from '../../evaluators/sandbox/start-sandbox.js';
import { startGatewayOverSandbox, type SandboxGateway } from '../../evaluators/sandbox/with-gateway.js';
import { anthropicSteps, startFakeAnthropic, type FakeAnthropic } from '../fakes/anthropic/index.js';
import { FAKE_WORKSPACE, startFakeSlack, type FakeSlack } from '../fakes/slack/index.js';
import { createPostgresTestDatabase, type TestDatabase } from '../support/databases.js';
import { bundledScenario, repositoryRoot } from '../support/pipeline.js';
import { CANARY_OBJECT, canaryEchoes, LATER_NAMESPACE, plantCanaries } from './canary-estate.js';
import { CANARY_FORMATS } from './canary-formats.js';
import { createLineCollector, dumpTables, occurrences, SINKS, type Sink } from './canary-sinks.js';
import {
  documentedCanaryTable,
  normalisedTable,
  renderCanaryTable,
  writeCanaryTable,
  type LeakCounts,
} from './canary-table.js';

const NAMESPACE = 'payments';
const CLUSTER = 'prod-eu';
const question = { text: '' };

/** What the scripted model does: read every place a canary hides, pass one as an argument, then repeat them all. */
function modelScript(pastedToken: string) {
  const echoes = canaryEchoes(400);
  if (echoes.length > 20) throw new Error(`${echoes.length} echo chunks do not fit an answer`);
  const read = (name: string, input: Record<string, unknown>) => ({ type: 'tool_use' as const, name, input });
  return [
    anthropicSteps.message([
      read('get_pod_logs', {
        name: 'payments-api',
        namespace: NAMESPACE,
        instance: CLUSTER,
        previous: true,
        tailLines: 200,
      }),
      read('list_events', { namespace: NAMESPACE, instance: CLUSTER }),
      read('get_resource', { kind: 'ConfigMap', name: CANARY_OBJECT, namespace: NAMESPACE, instance: CLUSTER }),
      read('get_resource', { kind: 'Secret', name: CANARY_OBJECT, namespace: NAMESPACE, instance: CLUSTER }),
      read('get_resource', { kind: 'Deployment', name: CANARY_OBJECT, namespace: NAMESPACE, instance: CLUSTER }),
      read('get_application_history', { name: 'payments-api', instance: 'argocd-eu-1' }),
      // A secret in an argument value (not under a secret-named key): the audit must not keep it.
      read('get_pod_logs', { name: 'payments-api', namespace: NAMESPACE, instance: CLUSTER, grep: pastedToken }),
    ]),
    // Later in the same investigation: events that repeat, bare, values the reads above removed by their keys.
    anthropicSteps.message([read('list_events', { namespace: LATER_NAMESPACE, instance: CLUSTER })]),
    anthropicSteps.toolUse('submit_answer', {
      summary: 'payments-api crashes at start: PAYMENTS_DB_URL is not set.',
      rootCause: `PAYMENTS_DB_URL is not set; the pod also logged ${CANARY_FORMATS[0]?.text ?? ''}`,
      evidence: echoes.slice(0, 12).map((text) => ({ text, source: 'get_pod_logs:prod-eu/payments/payments-api' })),
      confidence: 'high',
      nextSteps: echoes.slice(12, 20),
    }),
  ];
}

/**
 * Issue 19 acceptance: every canary secret format, planted in the sandbox estate and the
 * question, driven through the real pipeline (MCP servers, gateway, model loop over the fake
 * Anthropic API, Slack worker over the fake Slack API, PostgreSQL), reaches none of the six sinks.
 */
describe('canary secrets through the whole pipeline', () => {
  let sandbox: RunningSandbox;
  let sandboxGateway: SandboxGateway;
  let anthropic: FakeAnthropic;
  let slack: FakeSlack;
  let testDb: TestDatabase;
  let store: Store;
  let disk: SkillCatalog;
  let gateway: McpToolGateway;
  const logs = createLineCollector();
  const audit: AuditEvent[] = [];
  const outcomes: InvestigationOutcome[] = [];
  const sinks = new Map<Sink, string>();

  beforeAll(async () => {
    const scenario = await bundledScenario('crash-missing-env');
    question.text = plantCanaries(scenario);
    sandbox = await startSandbox({ scenario });
    const gatewayLogger = createGatewayLogger({ level: 'debug', destination: logs.stream });
    const auditLog = createLogAuditSink(gatewayLogger);
    sandboxGateway = await startGatewayOverSandbox(sandbox, {
      healthCheckIntervalMs: 0,
      logger: gatewayLogger,
      serverLogger: createServerLogger({ level: 'debug', server: 'canary', destination: logs.stream }),
      // Audit events go to the log as in production, and are kept for the audit sink's own check.
      auditSink: { record: (event) => (audit.push(event), auditLog.record(event)) },
    });
    anthropic = await startFakeAnthropic();
    slack = await startFakeSlack();
    testDb = await createPostgresTestDatabase();
    await migrate(testDb.db);
    store = createStore(testDb.db);
    disk = await createSkillCatalog({ roots: [join(repositoryRoot, 'skills')] });
    gateway = new McpToolGateway({ url: sandboxGateway.gateway.url, token: sandboxGateway.gateway.token });
    const logger = createLogger({ level: 'debug', destination: logs.stream });
    const model = createAnthropicModelClient({
      apiKey: 'canary',
      baseURL: anthropic.url,
      models: ['claude-canary'],
      retriesPerModel: 0,
      minRetryDelayMs: 1,
      timeoutMs: 20_000,
    });
    const investigator = createInvestigator({ store, gateway, catalog: skillCatalogPort(disk), model });
    const recording: Investigator = {
      open: (job) => investigator.open(job),
      async run(job, onProgress, opened) {
        const result = await investigator.run(job, onProgress, opened);
        outcomes.push(result.outcome);
        return result;
      },
    };
    const pasted = CANARY_FORMATS.find((canary) => canary.id === 'question-token')?.secret ?? '';
    anthropic.setScript(modelScript(pasted));
    const client = new WebClient(
      slack.botToken,
      webClientOptions({ slackApiUrl: slack.apiUrl, retries: 0, logger, minRetryTimeoutMs: 10 }),
    );
    const worker = createInvestigationWorker({ client, store, investigator: recording, logger, statusIntervalMs: 0 });
    const thread = '1700000000.000100';
    slack.addMessage(FAKE_WORKSPACE.channelId, { text: question.text, ts: thread });
    const job: SlackInvestigationJob = {
      source: 'slack',
      trigger: 'mention',
      investigationId: randomUUID(),
      question: question.text,
      channel: FAKE_WORKSPACE.channelId,
      thread,
      user: FAKE_WORKSPACE.humanUserId,
      eventId: 'Ev-canary',
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    };
    await worker.handle({
      id: 'canary',
      name: 'investigation',
      data: job,
      attempt: 1,
      maxAttempts: 1,
      enqueuedAt: Date.now(),
      reportProgress: async () => undefined,
    });
    sinks.set('model requests', JSON.stringify(anthropic.messageRequests().map((request) => request.body)));
    sinks.set('answers', JSON.stringify(outcomes));
    sinks.set('Slack calls', JSON.stringify(slack.calls));
    sinks.set('PostgreSQL rows', await dumpTables(testDb.db));
    sinks.set('logs', logs.text());
    sinks.set('gateway audit', JSON.stringify(audit));
  }, 120_000);

  afterAll(async () => {
    await gateway?.close();
    await disk?.close();
    await testDb?.drop();
    await slack?.close();
    await anthropic?.close();
    await sandboxGateway?.close();
    await sandbox?.close();
  });

  it('plants at least 51 formats, in every place the issue names', () => {
    expect(CANARY_FORMATS.length).toBeGreaterThanOrEqual(51);
    expect(new Set(CANARY_FORMATS.map((canary) => canary.id)).size).toBe(CANARY_FORMATS.length);
    expect(new Set(CANARY_FORMATS.map((canary) => canary.place))).toEqual(
      new Set(['log', 'event', 'configmap', 'secret', 'annotation', 'env', 'commit', 'question']),
    );
  });

  it('exercised the real path: the model read every plant, the answer was posted, calls were audited', () => {
    const modelText = sinks.get('model requests') ?? '';
    const unread = CANARY_FORMATS.filter((canary) => !modelText.includes(canary.key ?? canary.marker)).map(
      (canary) => canary.id,
    );
    expect(unread).toEqual([]);
    const unreadRepeats = CANARY_FORMATS.filter((canary) => canary.bare && !modelText.includes(canary.bare.marker));
    expect(unreadRepeats.map((canary) => canary.id)).toEqual([]);
    expect(outcomes.map((outcome) => outcome.kind === 'answer' && outcome.answer.mode)).toEqual(['model']);
    expect(slack.callsTo('chat.postMessage').length + slack.callsTo('chat.update').length).toBeGreaterThan(0);
    expect(audit.map((event) => event.tool)).toContain('get_resource');
    expect(sinks.get('PostgreSQL rows')).toContain('payments-api');
    expect(sinks.get('logs')).toContain('tool-call-audit');
  });

  it('leaks no canary into any sink, and docs/security.md shows the same table', async () => {
    const leaks: LeakCounts = new Map();
    const found: string[] = [];
    for (const canary of CANARY_FORMATS) {
      const row = new Map<Sink, number>();
      for (const sink of SINKS) {
        const count = occurrences(sinks.get(sink) ?? '', canary.secret);
        row.set(sink, count);
        if (count > 0) found.push(`${canary.id} → ${sink} (${count})`);
      }
      leaks.set(canary.id, row);
    }
    const table = renderCanaryTable(leaks);
    if (process.env.UPDATE_SECURITY_DOC === '1') await writeCanaryTable(table);
    expect(found).toEqual([]);
    expect(normalisedTable(documentedCanaryTable())).toBe(normalisedTable(table));
  });
});
