import { basename, join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../bot/package-root.js';
import { listScenarioFiles } from '../../evaluators/sandbox/scenario/load-scenario.js';
import { call, loadScenario, startMcpSandbox } from './sandbox-harness.js';

const scenarioNames = (await listScenarioFiles(join(packageRoot(), 'evaluators', 'scenarios'))).map((file) =>
  basename(file, '.yaml'),
);

/**
 * Calls a tool and says why its result is not truthful, if it is not. The client listed tools
 * first, so the SDK client checked structuredContent against the advertised outputSchema; the
 * server checks it too (`output_invalid`). An isError answer carries the error shape (`{error, code}`). Other failures
 * (a retryable backend
 * error such as logs of a container that never started) are the tool's normal exits.
 */
async function contractProblem(
  client: Client,
  tool: string,
  args: Record<string, unknown>,
): Promise<string | undefined> {
  try {
    const { result } = await call(client, tool, args);
    if (!result.isError && result.structuredContent === undefined) return `${tool}: no structuredContent`;
    const failure = result.structuredContent as { error?: unknown } | undefined;
    if (result.isError && typeof failure?.error !== 'string') return `${tool}: isError result without the error shape`;
    return undefined;
  } catch (error) {
    const isContract =
      error instanceof McpError &&
      (/output schema|outputSchema/i.test(error.message) ||
        (error.data as { code?: string } | undefined)?.code === 'output_invalid');
    if (isContract) return `${tool} ${JSON.stringify(args)}: ${error.message}`;
    if (error instanceof McpError) return undefined;
    throw error;
  }
}

// Every read tool, on every bundled scenario, with the arguments an agent would pass: its
// structured result must hold to its outputSchema whatever the estate looks like.
describe('structured results hold to their outputSchema on every bundled scenario', () => {
  it.each(scenarioNames)('%s', async (name) => {
    const scenario = await loadScenario(name);
    const estate = await startMcpSandbox(scenario);
    try {
      const app = scenario.argocd
        .find((instance) => instance.name === scenario.expect.app.instance)
        ?.apps.find((candidate) => candidate.name === scenario.expect.app.name);
      const cluster = app?.destination.cluster ?? scenario.clusters[0]?.name ?? 'prod-eu';
      const namespace = app?.destination.namespace ?? 'default';
      const appName = scenario.expect.app.name;
      const [kube, argocd, kyverno] = [
        await estate.kubernetes(cluster),
        await estate.argocd(scenario.expect.app.instance),
        await estate.kyverno(cluster),
      ];
      for (const client of [kube, argocd, kyverno]) await client.listTools();
      const calls: Array<[Client, string, Record<string, unknown>]> = [
        [kube, 'find_workloads', { nameContains: appName }],
        [kube, 'describe_workload', { name: appName, namespace }],
        [kube, 'get_namespace_health', { namespace }],
        [kube, 'list_events', { type: 'all' }],
        [kube, 'list_resources', { kind: 'Pod' }],
        [kube, 'list_resources', { kind: 'Deployment', namespace }],
        [kube, 'get_resource', { kind: 'Deployment', name: appName, namespace }],
        [kube, 'get_rollout_history', { name: appName, namespace }],
        [kube, 'get_pod_logs', { name: appName, namespace, previous: true }],
        [kube, 'check_service', { name: appName, namespace }],
        [argocd, 'list_applications', {}],
        [argocd, 'get_application', { name: appName }],
        [argocd, 'get_application_tree', { name: appName, all: true }],
        [argocd, 'get_application_diff', { name: appName }],
        [argocd, 'get_application_events', { name: appName }],
        [argocd, 'get_application_history', { name: appName }],
        [argocd, 'get_application_logs', { name: appName }],
        [kyverno, 'list_policies', {}],
        [kyverno, 'list_policy_violations', { results: ['fail', 'warn', 'error'] }],
        [kyverno, 'explain_admission_denial', {}],
        [kyverno, 'get_policy', { name: 'disallow-latest-tag' }],
      ];
      const problems: string[] = [];
      for (const [client, tool, args] of calls) {
        const problem = await contractProblem(client, tool, args);
        if (problem) problems.push(problem);
      }
      expect(problems).toEqual([]);
    } finally {
      await estate.close();
    }
  });
});
