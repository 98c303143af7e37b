import { describe, expect, it } from 'vitest';
import { call, loadScenario, missingFacts, startMcpSandbox } from './sandbox-harness.js';

const LATEST_DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: profile-check
  namespace: identity
  labels: { app: profile-check }
spec:
  selector: { matchLabels: { app: profile-check } }
  template:
    metadata: { labels: { app: profile-check } }
    spec:
      containers:
        - name: profile
          image: registry.example.com/identity/profile:latest
`;

describe('kyverno server against sandbox scenarios', () => {
  it(
    'kyverno-enforce-blocks-sync: the failed sync message ' + 'is mapped to policy, rule and the required change',
    async () => {
      const scenario = await loadScenario('kyverno-enforce-blocks-sync');
      const estate = await startMcpSandbox(scenario);
      try {
        const argocd = await estate.argocd('argocd-eu-1');
        const kyverno = await estate.kyverno('prod-eu');
        const app = await call(argocd, 'get_application', { name: 'profile' });
        expect(app.text).toContain('denied the request');
        const message = (app.result.structuredContent as { operation?: { message?: string } }).operation?.message ?? '';
        const explained = await call(kyverno, 'explain_admission_denial', { message });
        expect(explained.result.isError ?? false).toBe(false);
        expect(
          missingFacts(explained.text, [
            'policy disallow-latest-tag',
            '(Enforce)',
            'fix:',
            ...scenario.expect.rootCause,
          ]),
          explained.text,
        ).toEqual([]);
        const policies = await call(kyverno, 'list_policies', { mode: 'Enforce' });
        expect(policies.text).toMatch(/disallow-latest-tag \[cluster\] Enforce/);
        const policy = await call(kyverno, 'get_policy', { name: 'disallow-latest-tag' });
        expect(policy.text).toContain('requires:');
        const unknown = await call(kyverno, 'get_policy', { name: 'disallow-latest-tags' });
        expect(unknown.result.isError).toBe(true);
        expect(unknown.text).toContain('Closest: disallow-latest-tag');
        const denied = await call(kyverno, 'check_manifest', { manifest: LATEST_DEPLOYMENT });
        expect(denied.text).toContain('DENIED Deployment/identity/profile-check');
        expect(denied.text).toContain('disallow-latest-tag');
        expect((denied.result.structuredContent as { isAllowed: boolean }).isAllowed).toBe(false);
        const allowed = await call(kyverno, 'check_manifest', {
          manifest: LATEST_DEPLOYMENT.replace(':latest', ':2.4.1'),
        });
        expect(allowed.text).toContain('ALLOWED Deployment/identity/profile-check');
      } finally {
        await estate.close();
      }
    },
  );

  it('kyverno-audit-report: violations are grouped by policy/rule with the violating resources', async () => {
    const scenario = await loadScenario('kyverno-audit-report');
    const estate = await startMcpSandbox(scenario);
    try {
      const kyverno = await estate.kyverno('prod-eu');
      const violations = await call(kyverno, 'list_policy_violations', { namespace: 'payments' });
      expect(missingFacts(violations.text, scenario.expect.rootCause), violations.text).toEqual([]);
      expect(violations.text).not.toMatch(/payment-gateway.*require-team-label/);
      const filtered = await call(kyverno, 'list_policy_violations', {
        namespace: 'payments',
        policy: 'require-team-label',
      });
      expect(filtered.text).not.toContain('require-resource-limits');
    } finally {
      await estate.close();
    }
  });
});

describe('write tools against the sandbox', () => {
  it('exist only with writes enabled; sync, rollback, scale and restart act on the estate', async () => {
    const estate = await startMcpSandbox(await loadScenario('argocd-drift'));
    try {
      const readOnlyArgo = await estate.argocd('argocd-eu-1');
      await expect(
        readOnlyArgo.callTool({ name: 'sync_application', arguments: { name: 'pricing', dryRun: false } }),
      ).rejects.toThrow(/--enable-writes/);
      const readOnlyKube = await estate.kubernetes('prod-eu');
      expect((await readOnlyKube.listTools()).tools.map((tool) => tool.name)).not.toContain('scale_workload');
      await expect(
        readOnlyKube.callTool({
          name: 'scale_workload',
          arguments: { name: 'pricing', namespace: 'shop', replicas: 1 },
        }),
      ).rejects.toThrow(/--enable-writes/);

      const argo = await estate.argocd('argocd-eu-1', { enableWrites: true });
      const dryRun = await call(argo, 'sync_application', { name: 'pricing' });
      expect(dryRun.text).toContain('Dry-run sync of pricing');
      expect((await call(argo, 'get_application', { name: 'pricing' })).text).toContain('sync=OutOfSync');
      await call(argo, 'sync_application', { name: 'pricing', dryRun: false });
      const synced = await call(argo, 'get_application', { name: 'pricing' });
      expect(synced.text).toContain('sync=Synced');
      const rollback = await call(argo, 'rollback_application', { name: 'pricing', historyId: 0 });
      expect(rollback.text).toContain('Dry-run rollback of pricing to history #0');

      const kube = await estate.kubernetes('prod-eu', { enableWrites: true });
      const scaled = await call(kube, 'scale_workload', { name: 'pricing', namespace: 'shop', replicas: 3 });
      expect(scaled.text).toContain('replicas 2 -> 3');
      expect(
        (await call(kube, 'get_resource', { kind: 'Deployment', name: 'pricing', namespace: 'shop', section: 'spec' }))
          .text,
      ).toContain('replicas: 3');
      // Secret values never leave the server, even on a direct read.
      estate.sandbox.simulatedClusters.get('prod-eu')?.apply({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'pricing-db', namespace: 'shop' },
        data: { password: Buffer.from('hunter2-prod').toString('base64') },
      });
      const secret = await call(kube, 'get_resource', { kind: 'Secret', name: 'pricing-db', namespace: 'shop' });
      expect(secret.text).toContain('password: "<redacted: 12 bytes>"');
      expect(secret.text).not.toContain('hunter2-prod');
      expect(JSON.stringify(secret.result)).not.toContain(Buffer.from('hunter2-prod').toString('base64'));
      const restarted = await call(kube, 'rollout_restart', { name: 'pricing', namespace: 'shop' });
      expect(restarted.text).toContain('restarting all pods');
      expect(
        (await call(kube, 'get_resource', { kind: 'Deployment', name: 'pricing', namespace: 'shop', section: 'spec' }))
          .text,
      ).toContain('kubectl.kubernetes.io/restartedAt');
    } finally {
      await estate.close();
    }
  });
});
