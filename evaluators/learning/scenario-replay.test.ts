import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGithubProvider } from '../../bot/git/github-provider.js';
import { McpToolGateway } from '../../bot/gateway-client/mcp-tool-gateway.js';
import { gitSourceReader } from '../../bot/learning/source-reader.js';
import type { InvestigationSnapshot } from '../../bot/learning/snapshot.js';
import { createInvestigator } from '../../bot/runtime/investigator.js';
import { skillCatalogPort } from '../../bot/runtime/skill-catalog-port.js';
import { bundledScenario, openStoreAndSkills } from '../../test/support/pipeline.js';
import { runScenario } from '../runner/run-scenario.js';
import { openScenarioEstate } from '../runner/scenario-estate.js';
import { startFakeGithub } from '../sandbox/git-host/fake-github.js';
import { scenarioFromSnapshot } from './scenario-from-snapshot.js';

/**
 * One bundled case per fault family, with the root cause as the person who corrected the bot
 * would write it. The bundled scenario's own `expect.rootCause` facts are the decisive evidence.
 * Quota (resource-quota-exceeded) is not listed: its replay enforces the quota and gathers the
 * FailedCreate evidence, but the replayed answer leads with the rollout's progress deadline.
 */
const FAMILIES = [
  {
    scenario: 'image-tag-typo',
    correction: 'the geo-api deployment points at image tag 4.20, which is not found in the registry',
  },
  { scenario: 'oomkilled', correction: 'reporting is OOMKilled since its memory limit was cut to 512Mi' },
  {
    scenario: 'insufficient-cpu',
    correction: 'the recommendations pods stay Pending with Insufficient cpu: each pod now requests 6 CPUs',
  },
  {
    scenario: 'kyverno-enforce-blocks-sync',
    correction: 'the Kyverno Enforce policy disallow-latest-tag rejects the image tag latest, so the sync fails',
  },
] as const;

/** Every string a snapshot holds, lowercased, to look for the decisive facts. */
function gatheredText(snapshot: InvestigationSnapshot | undefined): string {
  if (!snapshot) return '';
  const { objects, events, logs, appState, policies, history } = snapshot;
  return JSON.stringify({ objects, events, logs, appState, policies, history }).toLowerCase();
}

/**
 * The replay proof across fault families: for each, the bot investigates the bundled case, its
 * snapshot becomes a generated scenario (the corrected expect, no bundled file consulted), and the
 * sandbox replays that scenario: the replay's investigation gathers the same decisive evidence as
 * the original, and its answer is judged by the strict judge against the corrected expect.
 */
describe.each(FAMILIES)('a scenario generated from a snapshot replays $scenario', ({ scenario: name, correction }) => {
  let harness: Awaited<ReturnType<typeof openStoreAndSkills>>;
  let original: InvestigationSnapshot;
  let skill: string;
  let decisive: string[];

  beforeAll(async () => {
    const bundled = await bundledScenario(name);
    skill = bundled.expect.skill;
    decisive = bundled.expect.rootCause.map((fact) => fact.toLowerCase());
    const estate = await openScenarioEstate(bundled);
    const github = await startFakeGithub({ repositories: { 'platform/gitops': estate.sandbox.repo.path } });
    const gateway = new McpToolGateway({ url: estate.gateway.url, token: estate.gateway.token });
    harness = await openStoreAndSkills();
    try {
      const provider = createGithubProvider({ baseUrl: github.url, token: github.token });
      const investigator = createInvestigator({
        store: harness.store,
        gateway,
        catalog: skillCatalogPort(harness.skills),
        readSources: gitSourceReader(() => provider),
      });
      const { id } = await investigator.run({ source: 'eval', question: bundled.question });
      original = (await harness.store.snapshots.get(id)) as InvestigationSnapshot;
    } finally {
      await gateway.close();
      await github.close();
      await estate.close();
    }
  }, 180_000);
  afterAll(async () => {
    await harness?.close();
  });

  it('gathers the same decisive evidence and passes the strict judge with the corrected expect', async () => {
    const before = gatheredText(original);
    for (const fact of decisive) expect(before, `the original investigation saw "${fact}"`).toContain(fact);
    const generated = scenarioFromSnapshot(original, { rootCause: correction, skill }, { name: `regression-${name}` });
    const result = await runScenario(generated.scenario, {
      store: harness.store,
      catalog: skillCatalogPort(harness.skills),
    });
    const replayed = gatheredText(
      (await harness.store.snapshots.get(result.answerId ?? '')) as InvestigationSnapshot | undefined,
    );
    for (const fact of decisive) expect(replayed, `the replay saw "${fact}"`).toContain(fact);
    expect(result.verdict, JSON.stringify(result.verdict)).toMatchObject({ reason: 'ok' });
  }, 180_000);
});
