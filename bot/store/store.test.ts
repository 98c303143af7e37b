import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseBackends, type TestDatabase } from '../../test/support/databases.js';
import { loadMigrations, migrate, migrationStatus } from './migrate.js';
import { createStore, type Store } from './store.js';

describe.each(databaseBackends)('store on $backend', ({ create }) => {
  let testDb: TestDatabase;
  let store: Store;
  let clock = new Date('2026-11-24T10:00:00Z');

  beforeAll(async () => {
    testDb = await create();
    await migrate(testDb.db);
    store = createStore(testDb.db, { now: () => clock });
  });
  afterAll(async () => {
    await testDb.drop();
  });

  it('records every migration as applied and applying again changes nothing', async () => {
    const statuses = await migrationStatus(testDb.db);
    expect(statuses.length).toBe(loadMigrations().length);
    expect(statuses.every((status) => status.state === 'applied')).toBe(true);
    expect(await migrate(testDb.db)).toEqual([]);
  });

  it('stores an investigation from queued to answered with usage and cost', async () => {
    await store.investigations.create({
      id: 'inv-1',
      source: 'slack',
      question: 'why is checkout failing?',
      channel: 'C1',
      thread: '1.2',
      userId: 'U1',
      traceId: 't1',
    });
    await store.investigations.create({ id: 'inv-1', source: 'slack', question: 'retry of the same job' });
    await store.investigations.markRunning('inv-1');
    clock = new Date('2026-11-24T10:00:05Z');
    await store.investigations.finish('inv-1', {
      status: 'answered',
      answer: { rootCause: 'image tag 1.4.3 does not exist', confidence: 'high' },
      usage: { model: 'claude-x', inputTokens: 1200, outputTokens: 300, cachedTokens: 800, costUsd: 0.0123 },
    });
    const stored = await store.investigations.get('inv-1');
    expect(stored).toMatchObject({
      status: 'answered',
      question: 'why is checkout failing?',
      answer: { rootCause: 'image tag 1.4.3 does not exist' },
      inputTokens: 1200,
      cachedTokens: 800,
      costUsd: 0.0123,
    });
    expect(stored?.finishedAt?.toISOString()).toBe('2026-11-24T10:00:05.000Z');
    expect((await store.investigations.findByThread('C1', '1.2'))?.id).toBe('inv-1');
    expect((await store.investigations.listRecent({ channels: ['C1'] })).map((i) => i.id)).toEqual(['inv-1']);
    expect(await store.investigations.listRecent({ channels: ['C-other'] })).toEqual([]);
  });

  it('audits tool calls with secrets redacted from the arguments', async () => {
    await store.toolCalls.record({
      investigationId: 'inv-1',
      server: 'argocd',
      instance: 'argocd-eu-1',
      tool: 'get_application',
      arguments: {
        name: 'checkout',
        token: 'abc123',
        note: 'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N',
      },
      outcome: 'ok',
      durationMs: 12.6,
    });
    const [call] = await store.toolCalls.listForInvestigation('inv-1');
    expect(call).toMatchObject({ tool: 'get_application', instance: 'argocd-eu-1', outcome: 'ok', durationMs: 13 });
    expect(call?.arguments.token).toBe('[redacted]');
    expect(JSON.stringify(call?.arguments)).not.toContain('eyJhbGci');
  });

  it('keeps one feedback vote per person', async () => {
    await store.feedback.record({ investigationId: 'inv-1', userId: 'U1', rating: 'helpful' });
    await store.feedback.record({ investigationId: 'inv-1', userId: 'U1', rating: 'not_helpful' });
    await store.feedback.record({ investigationId: 'inv-1', userId: 'U2', rating: 'helpful' });
    expect(await store.feedback.summary('inv-1')).toEqual({ helpful: 1, not_helpful: 1 });
  });

  it('links corrections to the investigation, stores one per view and moves state by compare-and-set', async () => {
    const input = {
      id: 'cor-1',
      investigationId: 'inv-1',
      userId: 'U2',
      correctRootCause: 'the registry was down',
      skillName: 'image-pull-errors',
      idempotencyKey: 'V123',
    };
    expect(await store.corrections.create(input)).toMatchObject({ id: 'cor-1', isNew: true, status: 'open' });
    // A double submit of the same view: the first row, nothing new.
    expect(await store.corrections.create({ ...input, id: 'cor-2' })).toMatchObject({ id: 'cor-1', isNew: false });
    expect(await store.corrections.listForInvestigation('inv-1')).toHaveLength(1);
    expect((await store.corrections.listOpen()).map((c) => c.id)).toContain('cor-1');
    expect(
      await store.corrections.transition('cor-1', 'open', 'proposed', { skillPrUrl: 'https://git.example/pr/1' }),
    ).toBe(true);
    expect(await store.corrections.transition('cor-1', 'open', 'discarded')).toBe(false);
    expect((await store.corrections.listByStatus('proposed')).map((c) => c.id)).toEqual(['cor-1']);
    expect((await store.corrections.listForInvestigation('inv-1'))[0]).toMatchObject({
      status: 'proposed',
      skillPrUrl: 'https://git.example/pr/1',
    });
  });

  it('keeps one redacted snapshot per investigation', async () => {
    await store.snapshots.save('inv-1', { calls: [{ tool: 'get_pod_logs', result: { token: 'ghp_x' } }] });
    await store.snapshots.save('inv-1', { calls: [] });
    expect(await store.snapshots.get('inv-1')).toEqual({ calls: [] });
    expect(await store.snapshots.get('inv-none')).toBeUndefined();
  });

  it('consumes an approval once, only after approval and before expiry', async () => {
    await store.approvals.request({
      id: 'ap-1',
      investigationId: 'inv-1',
      action: 'merge_fix_pr',
      target: { pr: 1 },
      requestedBy: 'U1',
      ttlMs: 60_000,
    });
    expect(await store.approvals.consume('ap-1', 'merge_fix_pr')).toBe(false);
    expect(await store.approvals.decide('ap-1', { approved: true, decidedBy: 'U-oncall' })).toBe(true);
    expect(await store.approvals.decide('ap-1', { approved: false, decidedBy: 'U-other' })).toBe(false);
    expect(await store.approvals.consume('ap-1', 'sync_application')).toBe(false);
    expect(await store.approvals.consume('ap-1', 'merge_fix_pr')).toBe(true);
    expect(await store.approvals.consume('ap-1', 'merge_fix_pr')).toBe(false);

    await store.approvals.request({ id: 'ap-2', action: 'merge_fix_pr', target: {}, requestedBy: 'U1', ttlMs: 1_000 });
    clock = new Date(clock.getTime() + 5_000);
    expect(await store.approvals.decide('ap-2', { approved: true, decidedBy: 'U-oncall' })).toBe(false);
  });

  it('stores pull requests and RCA drafts', async () => {
    await store.pullRequests.create({
      id: 'pr-1',
      investigationId: 'inv-1',
      kind: 'fix',
      provider: 'github',
      repository: 'org/gitops',
      branch: 'sre-bot/fix-1',
      title: 'Fix checkout image tag',
    });
    await store.pullRequests.setStatus('pr-1', 'merged');
    expect((await store.pullRequests.listForInvestigation('inv-1'))[0]?.status).toBe('merged');
    await store.rcas.save({
      id: 'rca-1',
      investigationId: 'inv-1',
      title: 'Checkout outage',
      bodyMarkdown: '# Summary',
      author: 'sre-bot',
    });
    await store.rcas.save({
      id: 'rca-1',
      investigationId: 'inv-1',
      title: 'Checkout outage',
      bodyMarkdown: '# Summary v2',
      author: 'sre-bot',
    });
    expect((await store.rcas.get('rca-1'))?.bodyMarkdown).toBe('# Summary v2');
  });
});
