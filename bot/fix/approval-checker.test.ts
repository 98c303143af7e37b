import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { McpToolGateway } from '../gateway-client/mcp-tool-gateway.js';
import { createApprovalsRepository, type ApprovalsRepository } from '../store/approvals-repository.js';
import { migrate } from '../store/migrate.js';
import { createPgliteDatabase } from '../store/pglite-database.js';
import type { Database } from '../store/database.js';
import { startSandbox, type RunningSandbox } from '../../evaluators/sandbox/start-sandbox.js';
import { startGatewayOverSandbox, type SandboxGateway } from '../../evaluators/sandbox/with-gateway.js';
import { sha256Hex } from '../../mcp-servers/gateway/index.js';
import { bundledScenario } from '../../test/support/pipeline.js';
import { createStoreApprovalChecker, writeTarget } from './approval-checker.js';

const WRITER = 'sre-bot-fix';

/** The gateway's write path with the store-backed checker: only an exact, live approval unlocks one call. */
describe('gateway writes need an approval record for exactly that target', () => {
  let sandbox: RunningSandbox;
  let gateway: SandboxGateway;
  let db: Database;
  let approvals: ApprovalsRepository;
  let client: McpToolGateway;
  let clock = new Date('2026-12-03T18:00:00Z');
  const sync = { name: 'pricing', dryRun: false, prune: false };

  beforeAll(async () => {
    db = await createPgliteDatabase();
    await migrate(db);
    approvals = createApprovalsRepository(db, () => clock);
    sandbox = await startSandbox({ scenario: await bundledScenario('argocd-drift') });
    const token = randomBytes(16).toString('hex');
    gateway = await startGatewayOverSandbox(sandbox, {
      healthCheckIntervalMs: 0,
      enableWrites: true,
      approvalChecker: createStoreApprovalChecker(approvals),
      extraCallers: [{ principal: WRITER, tokenSha256: sha256Hex(token), writes: true }],
    });
    client = new McpToolGateway({ url: gateway.gateway.url, token });
  });
  afterAll(async () => {
    await client?.close();
    await gateway?.close();
    await sandbox?.close();
    await db?.close();
  });

  const approve = async (id: string, target: ReturnType<typeof writeTarget>, ttlMs = 60_000) => {
    await approvals.request({ id, action: 'sync_application', target, requestedBy: 'U1', ttlMs });
    await approvals.decide(id, { approved: true, decidedBy: 'U2' });
  };
  const call = (approvalId?: string, args: Record<string, unknown> = sync) =>
    client.callTool('sync_application', {
      ...args,
      instance: 'argocd-eu-1',
      ...(approvalId ? { approval_id: approvalId } : {}),
    });

  it('refuses a write without an approval', async () => {
    const result = await call();
    expect(result.isError).toBe(true);
    expect(result.text).toContain('needs an approval');
  });

  it('refuses an approval for another target (other app, other instance, other arguments)', async () => {
    await approve('other-app', writeTarget('argocd-eu-1', { ...sync, name: 'checkout' }));
    await approve('other-instance', writeTarget('argocd-us-1', sync));
    await approve('other-args', writeTarget('argocd-eu-1', { ...sync, prune: true }));
    for (const id of ['other-app', 'other-instance', 'other-args']) {
      const result = await call(id);
      expect(result.isError, id).toBe(true);
      expect(result.text).toContain(`approval '${id}' does not approve sync_application`);
      expect((await approvals.get(id))?.status).toBe('approved');
    }
  });

  it('refuses an expired approval and one nobody decided', async () => {
    await approve('expired', writeTarget('argocd-eu-1', sync), 1_000);
    await approvals.request({
      id: 'pending',
      action: 'sync_application',
      target: writeTarget('argocd-eu-1', sync),
      requestedBy: 'U1',
      ttlMs: 60_000,
    });
    clock = new Date(clock.getTime() + 5_000);
    expect((await call('expired')).isError).toBe(true);
    expect((await call('pending')).isError).toBe(true);
  });

  it('accepts an exact, live approval once and consumes it', async () => {
    await approve('exact', writeTarget('argocd-eu-1', sync));
    const first = await call('exact');
    expect(first.isError, first.text).toBe(false);
    expect(first.structured).toMatchObject({ name: 'pricing', dryRun: false, phase: 'Succeeded' });
    expect((await approvals.get('exact'))?.status).toBe('used');
    const again = await call('exact');
    expect(again.isError).toBe(true);
  });
});
