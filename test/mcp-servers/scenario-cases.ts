import { describe, expect, it } from 'vitest';
import { call, loadScenario, missingFacts, startMcpSandbox } from './sandbox-harness.js';

/** One tool call of an acceptance case and the facts its own answer must state. */
export interface CaseCall {
  server: 'kubernetes' | 'argocd' | 'kyverno';
  tool: string;
  args: Record<string, unknown>;
  /** Facts this call's answer must contain (case-insensitive). */
  shows?: string[];
}

/** A scenario, the calls an SRE would make, and (always) the scenario's root-cause facts across the answers. */
export interface ScenarioCase {
  scenario: string;
  calls: CaseCall[];
  /** Root-cause facts the sandbox cannot expose yet, each with the reason (reported, not silently dropped). */
  knownGaps?: Record<string, string>;
}

/**
 * Registers one test per case: start the scenario's sandbox, drive each call through a real MCP
 * client, and assert the scenario's `expect.rootCause` facts appear in the answers.
 */
export function describeScenarioCases(title: string, cases: readonly ScenarioCase[]): void {
  describe(title, () => {
    for (const testCase of cases) {
      it(
        `${testCase.scenario}: ` + `${testCase.calls.map((entry) => entry.tool).join(', ')} surface the root cause`,
        async () => {
          const scenario = await loadScenario(testCase.scenario);
          const estate = await startMcpSandbox(scenario);
          try {
            const instance = scenario.expect.app.instance;
            const app = scenario.argocd
              .find((candidate) => candidate.name === instance)
              ?.apps.find((candidate) => candidate.name === scenario.expect.app.name);
            const cluster = app?.destination.cluster ?? scenario.clusters[0]?.name ?? 'prod-eu';
            const clients = {
              kubernetes: await estate.kubernetes(cluster),
              argocd: await estate.argocd(instance),
              kyverno: await estate.kyverno(cluster),
            };
            const answers: string[] = [];
            for (const entry of testCase.calls) {
              const { text, result } = await call(clients[entry.server], entry.tool, entry.args);
              expect(result.isError ?? false, `${entry.tool} failed: ${text}`).toBe(false);
              expect(result.structuredContent, `${entry.tool} has structuredContent`).toBeDefined();
              expect(missingFacts(text, entry.shows ?? []), `${entry.tool} answer:\n${text}`).toEqual([]);
              answers.push(text);
            }
            const facts = scenario.expect.rootCause.filter((fact) => !(fact in (testCase.knownGaps ?? {})));
            expect(missingFacts(answers.join('\n'), facts), answers.join('\n---\n')).toEqual([]);
          } finally {
            await estate.close();
          }
        },
      );
    }
  });
}
