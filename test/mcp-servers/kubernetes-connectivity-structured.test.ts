import { describe, expect, it } from 'vitest';
import { checkServiceTool } from '../../mcp-servers/kubernetes/tools/check-service.js';
import { describeWorkloadTool } from '../../mcp-servers/kubernetes/tools/describe-workload.js';
import { listResourcesTool } from '../../mcp-servers/kubernetes/tools/list-resources.js';
import { loadScenario, startMcpSandbox } from './sandbox-harness.js';
import { structuredCall } from './structured-results.js';

// The data a fix for a blocked call, an unmatched nodeSelector or a failing probe is written with.
describe('kubernetes server structured results for connectivity and scheduling facts', () => {
  it('check_service: the ingress NetworkPolicy on the selected pods and the peers it admits', async () => {
    const estate = await startMcpSandbox(await loadScenario('networkpolicy-blocks-call'));
    try {
      const kube = await estate.kubernetes('prod-us');
      await kube.listTools();
      const { data } = await structuredCall(kube, checkServiceTool, { name: 'points-api', namespace: 'rewards' });
      expect(data.networkPolicies).toEqual([
        { name: 'points-api-allow-frontends', allowedFrom: [{ podSelector: ['role=frontend'] }] },
      ]);
      const eu = await estate.kubernetes('prod-eu');
      await eu.listTools();
      const unguarded = await structuredCall(eu, checkServiceTool, { name: 'points-api', namespace: 'rewards' });
      expect(unguarded.data.networkPolicies).toEqual([]);
    } finally {
      await estate.close();
    }
  });

  it('list_resources: nodes carry their labels, other kinds do not', async () => {
    const estate = await startMcpSandbox(await loadScenario('unmatched-node-selector'));
    try {
      const kube = await estate.kubernetes('prod-eu');
      await kube.listTools();
      const nodes = await structuredCall(kube, listResourcesTool, { kind: 'Node' });
      expect(nodes.data.items.length).toBeGreaterThan(0);
      for (const node of nodes.data.items) expect(node.labels?.['kubernetes.io/hostname']).toBe(node.name);
      const pods = await structuredCall(kube, listResourcesTool, { kind: 'Pod', namespace: 'shop' });
      expect(pods.data.items.every((pod) => pod.labels === undefined)).toBe(true);
    } finally {
      await estate.close();
    }
  });

  // Regression: an HPA named like the workload had its events reported as the workload's own.
  it("describe_workload: events of another kind's object with the workload's name are not the workload's", async () => {
    const estate = await startMcpSandbox(await loadScenario('readiness-wrong-port'));
    try {
      const kube = await estate.kubernetes('prod-us');
      await kube.listTools();
      const { data } = await structuredCall(kube, describeWorkloadTool, { name: 'quotes', namespace: 'insure' });
      const kinds = new Set(data.warningEvents.map((group) => group.object.kind));
      expect(kinds.has('Pod')).toBe(true);
      expect(kinds.has('HorizontalPodAutoscaler')).toBe(false);
    } finally {
      await estate.close();
    }
  });
});
