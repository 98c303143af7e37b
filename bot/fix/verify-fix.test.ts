import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../evaluators/sandbox/start-sandbox.js';
import { startGatewayOverSandbox, type SandboxGateway } from '../../evaluators/sandbox/with-gateway.js';
import { bundledScenario } from '../../test/support/pipeline.js';
import { McpToolGateway } from '../gateway-client/mcp-tool-gateway.js';
import { renderedDiffText, verifyFix } from './verify-fix.js';

/**
 * The verify stage against the sandbox through the real gateway and MCP servers: Argo CD renders
 * a revision, the render is diffed against live, and the cluster's admission (Kyverno) answers a
 * server-side dry run.
 */
describe('verifyFix', () => {
  let sandbox: RunningSandbox;
  let gateway: SandboxGateway;
  let reader: McpToolGateway;
  const app = { instance: 'argocd-eu-1', name: 'profile' };

  beforeAll(async () => {
    sandbox = await startSandbox({ scenario: await bundledScenario('kyverno-enforce-blocks-sync') });
    gateway = await startGatewayOverSandbox(sandbox, { healthCheckIntervalMs: 0 });
    reader = new McpToolGateway({ url: gateway.gateway.url, token: gateway.gateway.token });
  }, 120_000);
  afterAll(async () => {
    await reader?.close();
    await gateway?.close();
    await sandbox?.close();
  });

  it('fails a revision Kyverno would deny, with the policy message, before anyone is asked', async () => {
    // The branch head carries the `latest` tag the Enforce policy rejects; the cluster never ran it.
    const head = await sandbox.repo.resolve('main');
    const verdict = await verifyFix(reader, { app, revision: head, cluster: 'prod-eu' });
    expect(verdict.isPassed).toBe(false);
    expect(verdict.dryRun.status).toBe('denied');
    expect(verdict.failure).toMatch(/refused Deployment\/profile in a dry run: [\s\S]*latest/);
    expect(renderedDiffText(verdict)).toContain('+');
  });

  it('passes the revision that runs live: nothing to apply, so no dry run', async () => {
    // The app's Argo CD history: the revision it last synced, before the failed sync of the head.
    const status = await reader.callTool('get_application', { ...app, historyCount: 5 });
    const history = (status.structured as { history?: Array<{ revision: string }> }).history ?? [];
    const healthy = { sha: history.at(-1)?.revision ?? '' };
    expect(healthy.sha).toMatch(/^[0-9a-f]{40}$/);
    const verdict = await verifyFix(reader, { app, revision: healthy?.sha ?? '', cluster: 'prod-eu' });
    expect(verdict).toMatchObject({ isPassed: true, diffs: [], dryRun: { status: 'not-run' } });
    expect(verdict.failure).toBeUndefined();
  });

  it('says when Argo CD cannot render the revision at all', async () => {
    const verdict = await verifyFix(reader, { app, revision: 'no-such-branch', cluster: 'prod-eu' });
    expect(verdict.isPassed).toBe(false);
    expect(verdict.failure).toMatch(/^Argo CD could not render no-such/);
  });
});
