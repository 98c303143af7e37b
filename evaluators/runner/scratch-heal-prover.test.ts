import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FixPlan } from '../../bot/fix/fix-plan.js';
import { bundledScenario } from '../../test/support/pipeline.js';
import { openBareRepository } from '../sandbox/git-host/bare-repository.js';
import { startSandbox, type RunningSandbox } from '../sandbox/start-sandbox.js';
import { createScratchHealProver } from './scratch-heal-prover.js';

const FILE = 'apps/geo-api/prod-eu/deployment.yaml';

/** The sandbox's heal proof: a scratch branch, a sync to it, Healthy or not, and the app put back. */
describe('scratch-branch heal proof', () => {
  let sandbox: RunningSandbox;
  const plan = { app: { instance: 'argocd-eu-1', name: 'geo-api' } } as FixPlan;

  beforeAll(async () => {
    sandbox = await startSandbox({ scenario: await bundledScenario('image-tag-typo') });
  }, 120_000);
  afterAll(async () => sandbox?.close());

  const commitOffMain = async (replace: [string, string]) => {
    const git = openBareRepository(sandbox.repo.path);
    const head = (await git.resolve('main')) ?? '';
    const text = (await git.readFile(head, FILE)) ?? '';
    const tree = await git.writeTree(await git.treeOf(head), [{ path: FILE, content: text.replace(...replace) }]);
    return git.commitTree({ tree, parents: [head], message: 'fix', author: { name: 'test', email: 't@example.com' } });
  };
  const deployed = async () =>
    (await sandbox.argocdInstances.get('argocd-eu-1')?.application('geo-api'))?.status.history?.at(-1)?.revision;

  it('proves a healing change Healthy on a scratch branch and puts the app back where it was', async () => {
    const before = await deployed();
    const fix = await commitOffMain(['geo-api:4.20', 'geo-api:4.1.7']);
    const prover = createScratchHealProver(sandbox, { timeoutMs: 30_000, intervalMs: 100 });
    const proof = await prover.prove({ plan, revision: fix });
    expect(proof).toMatchObject({ branch: `sre-bot/scratch-geo-api-${fix.slice(0, 7)}`, isHealthy: true });
    expect(proof.detail).toContain(`put back on ${before?.slice(0, 7) ?? ''}`);
    expect(await openBareRepository(sandbox.repo.path).resolve(proof.branch)).toBe(fix);
    expect(await deployed()).toBe(before);
  }, 120_000);

  it('reports a change that does not heal, within the timeout', async () => {
    const broken = await commitOffMain(['geo-api:4.20', 'geo-api:4.21']);
    const prover = createScratchHealProver(sandbox, { timeoutMs: 3_000, intervalMs: 100 });
    const proof = await prover.prove({ plan, revision: broken });
    expect(proof.isHealthy).toBe(false);
    expect(proof.elapsedMs).toBeGreaterThanOrEqual(3_000);
  }, 120_000);
});
