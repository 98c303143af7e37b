import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGithubProvider } from '../../bot/git/github-provider.js';
import { McpToolGateway } from '../../bot/gateway-client/mcp-tool-gateway.js';
import { gitSourceReader } from '../../bot/learning/source-reader.js';
import type { InvestigationSnapshot } from '../../bot/learning/snapshot.js';
import { createInvestigator } from '../../bot/runtime/investigator.js';
import { skillCatalogPort } from '../../bot/runtime/skill-catalog-port.js';
import { startFakeGithub, type FakeGithub } from '../sandbox/git-host/fake-github.js';
import { bundledScenario, openStoreAndSkills } from '../../test/support/pipeline.js';
import { runScenario } from '../runner/run-scenario.js';
import { openScenarioEstate, type ScenarioEstate } from '../runner/scenario-estate.js';
import type { Scenario } from '../sandbox/scenario/scenario-schema.js';
import { scenarioFromSnapshot } from './scenario-from-snapshot.js';

/** Secret values planted in the estate: none may reach the snapshot or the generated scenario. */
const CANARIES = ['CanaryValue-4242-psp', 'CanaryPass-7731', `ghp_${'C4n4ry'.repeat(6)}`];

async function plantedScenario(): Promise<Scenario> {
  const scenario = await bundledScenario('crash-missing-env');
  const last = scenario.git.commits.at(-1);
  const path = 'apps/payments-api/prod-eu/deployment.yaml';
  if (last?.files[path])
    last.files[path] = last.files[path].replace(
      /^( *)- name: LOG_LEVEL/m,
      (_line, indent: string) =>
        `${indent}- name: PSP_API_TOKEN\n${indent}  value: ${CANARIES[0]}\n${indent}- name: LOG_LEVEL`,
    );
  const image = scenario.images[0];
  if (image)
    image.startupLog = [
      ...(image.startupLog ?? []),
      `{"msg":"db","dsn":"postgres://payments:${CANARIES[1]}@payments-db:5432/payments"}`,
      `{"msg":"git","auth":"${CANARIES[2]}"}`,
    ];
  return scenario;
}

describe('regression scenario from an investigation snapshot', () => {
  let estate: ScenarioEstate;
  let github: FakeGithub;
  let harness: Awaited<ReturnType<typeof openStoreAndSkills>>;
  let gateway: McpToolGateway;
  let snapshot: InvestigationSnapshot;

  beforeAll(async () => {
    estate = await openScenarioEstate(await plantedScenario());
    github = await startFakeGithub({ repositories: { 'platform/gitops': estate.sandbox.repo.path } });
    harness = await openStoreAndSkills();
    gateway = new McpToolGateway({ url: estate.gateway.url, token: estate.gateway.token });
    const provider = createGithubProvider({ baseUrl: github.url, token: github.token });
    const investigator = createInvestigator({
      store: harness.store,
      gateway,
      catalog: skillCatalogPort(harness.skills),
      readSources: gitSourceReader(() => provider),
    });
    const { id } = await investigator.run({
      source: 'eval',
      question: 'payments-api keeps restarting in prod-eu, why?',
    });
    snapshot = (await harness.store.snapshots.get(id)) as InvestigationSnapshot;
  });
  afterAll(async () => {
    await gateway.close();
    await harness.close();
    await github.close();
    await estate.close();
  });

  it('records the app, objects, events, logs, history and source files, with no secret value (canary)', () => {
    expect(snapshot.app).toMatchObject({
      instance: 'argocd-eu-1',
      name: 'payments-api',
      cluster: 'prod-eu',
      namespace: 'payments',
    });
    expect(snapshot.objects.map((entry) => entry.tool)).toContain('describe_workload');
    expect(snapshot.appState.map((entry) => entry.tool)).toContain('get_application');
    expect(Object.keys(snapshot.sources)).toContain('apps/payments-api/prod-eu/deployment.yaml');
    const text = JSON.stringify(snapshot);
    expect(text).toContain('PSP_API_TOKEN');
    for (const canary of CANARIES) expect(text).not.toContain(canary);
  });

  it(
    'writes a scenario in the sandbox format, with no secret value, that replays the case for the corrected ' +
      'expect',
    async () => {
      const generated = scenarioFromSnapshot(
        snapshot,
        {
          rootCause: 'the PAYMENTS_DB_URL env var was dropped from the payments-api deployment',
          skill: 'crashloop-missing-config',
        },
        { name: 'regression-payments-db-url' },
      );
      for (const canary of CANARIES) expect(generated.yaml).not.toContain(canary);
      expect(generated.scenario.expect).toMatchObject({
        app: { instance: 'argocd-eu-1', name: 'payments-api' },
        skill: 'crashloop-missing-config',
      });
      expect(generated.scenario.expect.rootCause).toContain('PAYMENTS_DB_URL');
      expect(generated.scenario.images[0]?.requiredEnv).toContain('PAYMENTS_DB_URL');
      // The sandbox replays it: the same fault, found and judged against the corrected expect.
      const result = await runScenario(generated.scenario, {
        store: harness.store,
        catalog: skillCatalogPort(harness.skills),
      });
      expect(result.verdict.reason).toBe('ok');
    },
  );
});
