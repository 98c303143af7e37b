import type { InvestigationSettings } from '../../bot/agent/investigate.js';
import type { ModelClient, ProgressListener, SkillCatalog } from '../../bot/agent/ports.js';
import { errorMessage } from '../../bot/errors.js';
import { McpToolGateway } from '../../bot/gateway-client/mcp-tool-gateway.js';
import { createInvestigator } from '../../bot/runtime/investigator.js';
import type { Store } from '../../bot/store/store.js';
import type { Scenario } from '../sandbox/scenario/scenario-schema.js';
import { failedVerdict, judge } from './judge.js';
import type { ScenarioResult } from './report.js';
import { openScenarioEstate } from './scenario-estate.js';
import { addNoise } from '../sandbox/scenario/noise-seed.js';

export interface RunScenarioDeps {
  store: Store;
  catalog: SkillCatalog;
  model?: ModelClient;
  settings?: InvestigationSettings;
  onProgress?: ProgressListener;
  /** Adds the reproducible noise of this seed to the estate (see `noise-seed.ts`); 0 or absent: none. */
  noiseSeed?: number;
}

/**
 * Runs one scenario through the same pipeline a Slack question takes: sandbox estate, MCP
 * servers, gateway, investigation, then judges the answer against the scenario's `expect`.
 * Wall time counts the investigation only, not starting the estate.
 */
export async function runScenario(
  scenario: Scenario,
  deps: RunScenarioDeps,
): Promise<ScenarioResult & { answerId?: string }> {
  const seed = deps.noiseSeed ?? 0;
  const estate = await openScenarioEstate(addNoise(scenario, seed).scenario);
  const gateway = new McpToolGateway({ url: estate.gateway.url, token: estate.gateway.token });
  const started = performance.now();
  try {
    const investigator = createInvestigator({
      store: deps.store,
      gateway,
      catalog: deps.catalog,
      ...(deps.model ? { model: deps.model } : {}),
      ...(deps.settings ? { settings: deps.settings } : {}),
    });
    const { id, outcome } = await investigator.run({ source: 'eval', question: scenario.question }, deps.onProgress);
    const wallMs = performance.now() - started;
    const verdict = judge(outcome, scenario.expect, { cluster: expectedCluster(scenario) });
    const usage = outcome.kind === 'answer' ? outcome.answer.usage : undefined;
    return {
      scenario: scenario.name,
      ...(seed ? { seed } : {}),
      verdict,
      mode: outcome.kind === 'answer' ? outcome.answer.mode : 'none',
      wallMs,
      toolCalls: usage?.toolCalls ?? 0,
      inputTokens: usage?.inputTokens ?? 0,
      outputTokens: usage?.outputTokens ?? 0,
      answerId: id,
    };
  } catch (error) {
    return {
      scenario: scenario.name,
      ...(seed ? { seed } : {}),
      verdict: failedVerdict(scenario.expect, 'investigation failed'),
      mode: 'none',
      wallMs: performance.now() - started,
      toolCalls: 0,
      inputTokens: 0,
      outputTokens: 0,
      error: errorMessage(error),
    };
  } finally {
    await gateway.close();
    await estate.close();
  }
}

/** The destination cluster of the app a scenario asks about. */
export function expectedCluster(scenario: Scenario): string | undefined {
  return scenario.argocd
    .find((instance) => instance.name === scenario.expect.app.instance)
    ?.apps.find((app) => app.name === scenario.expect.app.name)?.destination.cluster;
}
