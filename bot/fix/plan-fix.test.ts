import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { McpToolGateway } from '../gateway-client/mcp-tool-gateway.js';
import { openScenarioEstate, type ScenarioEstate } from '../../evaluators/runner/scenario-estate.js';
import { startFakeGithub, type FakeGithub } from '../../evaluators/sandbox/git-host/fake-github.js';
import { bundledScenario } from '../../test/support/pipeline.js';
import { createGithubProvider } from '../git/github-provider.js';
import { repositoryFromUrl } from '../git/git-provider.js';
import { planFix } from './plan-fix.js';
import type { FixPlanOutcome } from './fix-plan.js';

async function planFor(
  name: string,
): Promise<{ outcome: FixPlanOutcome; estate: ScenarioEstate; close(): Promise<void> }> {
  const scenario = await bundledScenario(name);
  const estate = await openScenarioEstate(scenario);
  const github: FakeGithub = await startFakeGithub({ repositories: { 'platform/gitops': estate.sandbox.repo.path } });
  const gateway = new McpToolGateway({ url: estate.gateway.url, token: estate.gateway.token });
  const provider = createGithubProvider({ baseUrl: github.url, token: github.token });
  try {
    const outcome = await planFix(
      { gateway, gitHost: (url) => ({ provider, repository: repositoryFromUrl(url) }), defaultBranch: 'main' },
      { app: scenario.expect.app, skills: [scenario.expect.skill] },
    );
    return {
      outcome,
      estate,
      close: async () => {
        await gateway.close();
        await github.close();
        await estate.close();
      },
    };
  } catch (error) {
    await gateway.close();
    await github.close();
    await estate.close();
    throw error;
  }
}

describe('planFix over the sandbox (read-only)', () => {
  const closers: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const close of closers) await close();
  });
  beforeAll(() => undefined);

  it('image tag: sets the overlay newTag back to the tag that last ran, keeping its quotes', async () => {
    const { outcome, close } = await planFor('missing-image-tag');
    closers.push(close);
    expect(outcome.kind).toBe('plan');
    if (outcome.kind !== 'plan') return;
    expect(outcome.plan.recipe).toBe('image-tag');
    expect(outcome.plan.edits).toEqual([
      {
        file: 'apps/checkout/overlays/prod-eu/kustomization.yaml',
        path: 'images[0].newTag',
        before: '1.8.3',
        after: '1.8.2',
      },
    ]);
    const [file] = outcome.plan.files;
    expect(file?.after).toBe(file?.before?.replace('newTag: "1.8.3"', 'newTag: "1.8.2"'));
  });

  it('memory limit: edits the overlay patch, never the shared base', async () => {
    const { outcome, close } = await planFor('oomkilled');
    closers.push(close);
    if (outcome.kind !== 'plan') throw new Error(JSON.stringify(outcome));
    expect(outcome.plan.recipe).toBe('memory-limit');
    expect(outcome.plan.edits).toEqual([
      {
        file: 'apps/reporting/overlays/prod-eu/memory.yaml',
        path: 'spec.template.spec.containers[0].resources.limits.memory',
        before: '512Mi',
        after: '1Gi',
      },
    ]);
    expect(outcome.plan.rationale).toContain('the limit it ran with');
  });

  it('probe port: points the liveness probe at the container port', async () => {
    const { outcome, close } = await planFor('wrong-probe-port');
    closers.push(close);
    if (outcome.kind !== 'plan') throw new Error(JSON.stringify(outcome));
    expect(outcome.plan.recipe).toBe('probe-port');
    expect(outcome.plan.edits.map((edit) => [edit.path, edit.before, edit.after])).toEqual([
      ['spec.template.spec.containers[0].livenessProbe.httpGet.port', '8081', '8080'],
    ]);
  });

  it('service selector: selects the pods by the labels the workload uses, in the flow mapping it was', async () => {
    const { outcome, close } = await planFor('service-selector-mismatch');
    closers.push(close);
    if (outcome.kind !== 'plan') throw new Error(JSON.stringify(outcome));
    expect(outcome.plan.recipe).toBe('service-selector');
    expect(outcome.plan.edits).toEqual([
      {
        file: 'apps/cart/prod-eu/service.yaml',
        path: 'spec.selector',
        before: 'app.kubernetes.io/name=cart',
        after: 'app=cart',
      },
    ]);
    const [file] = outcome.plan.files;
    expect(file?.after).toBe(
      file?.before?.replace('selector: { app.kubernetes.io/name: cart }', 'selector: { app: cart }'),
    );
  });

  it('storage class: asks for a class the cluster has (the one the app used before)', async () => {
    const { outcome, close } = await planFor('missing-storage-class');
    closers.push(close);
    if (outcome.kind !== 'plan') throw new Error(JSON.stringify(outcome));
    expect(outcome.plan.recipe).toBe('storage-class');
    expect(outcome.plan.edits.map((edit) => [edit.file, edit.path, edit.before, edit.after])).toEqual([
      ['apps/ledger/prod-eu/pvc.yaml', 'spec.storageClassName', 'fast-ssd', 'standard'],
    ]);
    expect(outcome.plan.rationale).toContain('the cluster does not have');
  });

  it('drift: hands it to a person, the fault is not in git', async () => {
    const { outcome, close } = await planFor('argocd-drift');
    closers.push(close);
    expect(outcome).toMatchObject({ kind: 'handoff', handoff: { reason: expect.stringContaining('sync') } });
  });
});
