import { describe, expect, it } from 'vitest';
import { checkManifestTool } from '../../mcp-servers/kyverno/tools/check-manifest.js';
import { explainAdmissionDenialTool } from '../../mcp-servers/kyverno/tools/explain-admission-denial.js';
import { getPolicyTool } from '../../mcp-servers/kyverno/tools/get-policy.js';
import { listPoliciesTool } from '../../mcp-servers/kyverno/tools/list-policies.js';
import { listPolicyViolationsTool } from '../../mcp-servers/kyverno/tools/list-policy-violations.js';
import { call, loadScenario, startMcpSandbox } from './sandbox-harness.js';
import { expectOutputSchemaForEveryReadTool, structuredCall } from './structured-results.js';

const READ_TOOLS = [
  'check_manifest',
  'explain_admission_denial',
  'get_policy',
  'list_policies',
  'list_policy_violations',
];

const LATEST = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: profile-check
  namespace: identity
  labels: { app: profile-check, app.kubernetes.io/instance: profile }
spec:
  selector: { matchLabels: { app: profile-check } }
  template:
    metadata: { labels: { app: profile-check } }
    spec:
      containers:
        - name: profile
          image: registry.example.com/identity/profile:latest
`;

describe('kyverno server structured results', () => {
  it(
    'kyverno-audit-report: each violation names policy, ' + 'rule, message and the resource with its owners and app',
    async () => {
      const estate = await startMcpSandbox(await loadScenario('kyverno-audit-report'));
      try {
        const kyverno = await estate.kyverno('prod-eu');
        await expectOutputSchemaForEveryReadTool(kyverno, READ_TOOLS);
        const { data } = await structuredCall(kyverno, listPolicyViolationsTool, { namespace: 'payments' });
        expect(data.total).toBeGreaterThan(0);
        expect(data.results.length).toBe(data.groups.reduce((sum, group) => sum + group.resourceRefs.length, 0));
        for (const result of data.results) {
          expect(result).toMatchObject({
            policy: expect.any(String),
            rule: expect.any(String),
            message: expect.any(String),
            resource: { kind: expect.any(String), name: expect.any(String), namespace: 'payments' },
          });
        }
        const pod = data.results.find((result) => result.resource.kind === 'Pod');
        expect(pod).toMatchObject({
          policy: 'require-resource-limits',
          rule: 'validate-resources',
          argocdApp: 'fraud-check',
        });
        expect(pod?.owners).toEqual([
          { kind: 'ReplicaSet', name: expect.stringMatching(/^fraud-check-/) },
          { kind: 'Deployment', name: 'fraud-check' },
        ]);
        const deployment = data.results.find(
          (result) => result.resource.kind === 'Deployment' && result.policy === 'require-team-label',
        );
        expect(deployment).toMatchObject({
          resource: { name: 'fraud-check', namespace: 'payments' },
          argocdApp: 'fraud-check',
        });
        expect(deployment?.owners).toBeUndefined();
        for (const group of data.groups) expect(group.resourceRefs.length).toBe(group.resources.length);
        const policies = await structuredCall(kyverno, listPoliciesTool, {});
        expect(policies.data.policies[0]).toMatchObject({
          kind: 'ClusterPolicy',
          scope: 'cluster',
          failing: expect.any(Number),
        });
        const name = policies.data.policies[0]?.name ?? '';
        const policy = await structuredCall(kyverno, getPolicyTool, { name });
        expect(policy.data).toMatchObject({ name, mode: expect.stringMatching(/Enforce|Audit|Mixed/) });
        expect(policy.data.rules.length).toBeGreaterThan(0);
        const limits = await structuredCall(kyverno, getPolicyTool, { name: 'require-resource-limits' });
        expect(limits.data.rules[0]?.kinds).toContain('Pod');
      } finally {
        await estate.close();
      }
    },
  );

  it(
    'kyverno-enforce-blocks-sync: denials name the resource as data; a dry-run names the resource and Argo CD app ' +
      'of the manifest',
    async () => {
      const estate = await startMcpSandbox(await loadScenario('kyverno-enforce-blocks-sync'));
      try {
        const kyverno = await estate.kyverno('prod-eu');
        await kyverno.listTools();
        const app = await call(await estate.argocd('argocd-eu-1'), 'get_application', { name: 'profile' });
        const message = (app.result.structuredContent as { operation?: { message?: string } }).operation?.message ?? '';
        const explained = await structuredCall(kyverno, explainAdmissionDenialTool, { message });
        expect(explained.data.denials[0]).toMatchObject({
          policy: 'disallow-latest-tag',
          mode: 'Enforce',
          policyFound: true,
          source: 'given message',
        });
        const { resource, resourceRef } = explained.data.denials[0] ?? {};
        expect(resourceRef).toEqual({
          kind: resource?.split('/')[0],
          namespace: 'identity',
          name: resource?.split('/')[2],
        });
        const denied = await structuredCall(kyverno, checkManifestTool, { manifest: LATEST });
        expect(denied.data.isAllowed).toBe(false);
        expect(denied.data.documents[0]).toMatchObject({
          kind: 'Deployment',
          namespace: 'identity',
          name: 'profile-check',
          verdict: 'denied',
          argocdApp: 'profile',
        });
        expect(denied.data.documents[0]?.denials?.[0]).toMatchObject({ policy: 'disallow-latest-tag' });
        const none = await structuredCall(kyverno, explainAdmissionDenialTool, { namespace: 'kube-system' });
        expect(none.data).toEqual({ denials: [] });
      } finally {
        await estate.close();
      }
    },
  );
});
