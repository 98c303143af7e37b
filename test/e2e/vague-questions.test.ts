import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Answer } from '../../bot/agent/answer.js';
import { McpToolGateway } from '../../bot/gateway-client/mcp-tool-gateway.js';
import { createInvestigator } from '../../bot/runtime/investigator.js';
import { skillCatalogPort } from '../../bot/runtime/skill-catalog-port.js';
import type { SkillCatalog } from '../../bot/skills/catalog-types.js';
import type { Store } from '../../bot/store/store.js';
import { judge } from '../../evaluators/runner/judge.js';
import { openScenarioEstate } from '../../evaluators/runner/scenario-estate.js';
import { startSandbox } from '../../evaluators/sandbox/start-sandbox.js';
import { startGatewayOverSandbox } from '../../evaluators/sandbox/with-gateway.js';
import { bundledScenario, openStoreAndSkills } from '../support/pipeline.js';

/**
 * Questions that name no app ("what is wrong in prod?") make the bot check every instance for
 * broken apps, workloads and policy failures; a name that exists nowhere gets an answer that says
 * so instead of claiming everything looks healthy.
 */
let store: Store;
let disk: SkillCatalog;

let closeAll: () => Promise<void>;

beforeAll(async () => {
  ({ store, skills: disk, close: closeAll } = await openStoreAndSkills());
});

afterAll(async () => {
  await closeAll();
});

async function ask(
  gatewayUrl: string,
  token: string,
  question: string,
): Promise<{ answer: Answer; progress: string[] }> {
  const gateway = new McpToolGateway({ url: gatewayUrl, token });
  try {
    const investigator = createInvestigator({ store, gateway, catalog: skillCatalogPort(disk) });
    const progress: string[] = [];
    const { outcome } = await investigator.run({ source: 'cli', question }, (_step, message) => progress.push(message));
    if (outcome.kind !== 'answer') throw new Error(`expected an answer, got ${outcome.kind}`);
    return { answer: outcome.answer, progress };
  } finally {
    await gateway.close();
  }
}

describe('questions that name no app', () => {
  it.each([
    ['missing-secret', 'what is wrong in prod?'],
    ['kyverno-enforce-blocks-sync', 'anything broken right now?'],
    ['kyverno-audit-report', 'any problems on prod-eu?'],
  ])('%s: "%s" finds the broken thing and its root cause', async (name, question) => {
    const scenario = await bundledScenario(name);
    const estate = await openScenarioEstate(scenario);
    try {
      const { answer, progress } = await ask(estate.gateway.url, estate.gateway.token, question);
      expect(progress.find((line) => line.startsWith('resolved:'))).toContain(
        'the question names no app, so every instance was checked',
      );
      // The root cause is found and stated (the strict grade of the fix is triage-scenarios' job).
      const verdict = judge({ kind: 'answer', answer }, scenario.expect);
      expect(verdict.parts.rootCause.missing).toEqual([]);
      expect(verdict.isSkillMatched).toBe(true);
    } finally {
      await estate.close();
    }
  });

  it('says a name that exists nowhere was not found, and that nothing was checked', async () => {
    const estate = await openScenarioEstate(await bundledScenario('oomkilled'));
    try {
      const { answer } = await ask(estate.gateway.url, estate.gateway.token, 'why is foobar failing?');
      expect(answer.rootCause).toBe(
        'Undetermined: no Argo CD app, workload or namespace matching "foobar" was found, so nothing was checked.',
      );
      expect(answer.confidence).toBe('low');
      expect(answer.notes).toContain(
        'No model was used, and no skill matched: this answer only reports what was looked at.',
      );
    } finally {
      await estate.close();
    }
  });

  it('on a healthy estate says nothing is broken and what it checked', async () => {
    const sandbox = await startSandbox({ argocdInstances: 2, clusters: 1, apps: 4 });
    const started = await startGatewayOverSandbox(sandbox, { healthCheckIntervalMs: 0 });
    try {
      const { answer, progress } = await ask(started.gateway.url, started.gateway.token, 'is anything wrong?');
      expect(progress.find((line) => line.startsWith('resolved:'))).toBe(
        'resolved: nothing broken found (the question names no app, so every instance was checked: 0 unhealthy ' +
          'Argo CD app(s), 0 workload(s) not ready, 0 failing policy result(s))',
      );
      expect(answer.rootCause).toBe(
        'Nothing found: no Argo CD app is unhealthy or out of sync, every Deployment and StatefulSet is ready, ' +
          'and no policy result fails.',
      );
    } finally {
      await started.close();
      await sandbox.close();
    }
  });
});
