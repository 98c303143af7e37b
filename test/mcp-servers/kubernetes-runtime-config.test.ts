import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWorkloadTool } from '../../mcp-servers/kubernetes/tools/describe-workload.js';
import { loadScenario, startMcpSandbox, type McpSandbox } from './sandbox-harness.js';
import { structuredCall } from './structured-results.js';

// A Job with no selector written on it still has pods (found by owner), and a container that
// loads a ConfigMap whole (envFrom) says which keys it holds: what triage needs to say that the
// Job lost its setting or that the ConfigMap no longer has the key the app reads.
describe('describe_workload on runtime configuration (job-fails-missing-env, config-value-renamed)', () => {
  let jobEstate: McpSandbox;
  let cartEstate: McpSandbox;
  beforeAll(async () => {
    [jobEstate, cartEstate] = await Promise.all([
      startMcpSandbox(await loadScenario('job-fails-missing-env')),
      startMcpSandbox(await loadScenario('config-value-renamed')),
    ]);
  });
  afterAll(async () => {
    await Promise.all([jobEstate.close(), cartEstate.close()]);
  });

  it("a Job's pods, found through their owner, come with the failed container and its last log lines", async () => {
    const kube = await jobEstate.kubernetes('prod-eu');
    const { data } = await structuredCall(kube, describeWorkloadTool, {
      name: 'ledger-reconcile-v42',
      namespace: 'ledger',
      kind: 'Job',
    });
    expect(data.pods.length).toBeGreaterThan(0);
    expect(data.pods[0]?.owners).toContainEqual(expect.objectContaining({ kind: 'Job', name: 'ledger-reconcile-v42' }));
    expect(data.pods[0]?.problems).not.toContain('pod failed:');
    expect(data.crashLogs.flatMap((log) => log.lines)).toContain('reconcile: LEDGER_DSN not set, aborting');
  });

  it('an envFrom ConfigMap is listed with its key names, so a renamed key shows', async () => {
    const kube = await cartEstate.kubernetes('prod-eu');
    const { data } = await structuredCall(kube, describeWorkloadTool, {
      name: 'cart-api',
      namespace: 'shop',
      kind: 'Deployment',
    });
    expect(data.envSources).toEqual([
      { kind: 'ConfigMap', name: 'cart-api-settings', container: 'cart-api', keys: ['REDIS_URL', 'CART_TTL'] },
    ]);
  });
});
