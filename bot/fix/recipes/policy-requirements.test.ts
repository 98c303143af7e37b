import { describe, expect, it } from 'vitest';
import { sourceTreeOf } from '../../../test/support/source-files.js';
import { appStatusSchema } from '../app-status.js';
import { changedValuePaths } from '../yaml-edit.js';
import { patternGaps, policyRequirementsRecipe, scalarMatches } from './policy-requirements.js';

const FILE = 'apps/fraud/prod/deployment.yaml';
const deployment = (image: string, extra = '') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: fraud-check
  labels: { app: fraud-check }
spec:
  template:
    metadata:
      labels: { app: fraud-check }
    spec:
      containers:
        - name: fraud-check
          image: ${image}
          ports: [{ containerPort: 8080 }]
          resources:
            requests: { cpu: 100m, memory: 256Mi }${extra}
`;

const policy = (name: string, kinds: string[], pattern: unknown) => ({
  metadata: { name },
  spec: { rules: [{ name: 'check', match: { any: [{ resources: { kinds } }] }, validate: { pattern } }] },
});

async function plan(now: string, policies: Array<Record<string, unknown>>, before?: string, labels = {}) {
  const current = await sourceTreeOf({ [FILE]: now }, 'apps/fraud/prod', 'b'.repeat(40));
  const healthy = before ? await sourceTreeOf({ [FILE]: before }, 'apps/fraud/prod', 'a'.repeat(40)) : undefined;
  return policyRequirementsRecipe({
    app: { instance: 'argocd-1', name: 'fraud-check' },
    status: appStatusSchema.parse({ name: 'fraud-check', labels }),
    current,
    cluster: { policies },
    ...(healthy ? { healthy } : {}),
  });
}

describe('Kyverno patterns', () => {
  it('reads wildcards, negation, alternatives and comparisons', () => {
    expect(scalarMatches('?*', 'payments')).toBe(true);
    expect(scalarMatches('?*', '')).toBe(false);
    expect(scalarMatches('*:*', 'registry/x')).toBe(false);
    expect(scalarMatches('!*:latest', 'registry/x:latest')).toBe(false);
    expect(scalarMatches('a | b', 'b')).toBe(true);
    expect(scalarMatches('>0', 3)).toBe(true);
  });

  it('finds missing fields per container and skips optional anchors that are absent', () => {
    const gaps = patternGaps(
      {
        spec: {
          containers: [{ resources: { limits: { memory: '?*' } }, '=(securityContext)': { runAsNonRoot: true } }],
        },
      },
      { spec: { containers: [{ name: 'a', resources: {} }] } },
    );
    expect(gaps).toEqual([
      { path: ['spec', 'containers', 0, 'resources', 'limits', 'memory'], pattern: '?*', actual: undefined },
    ]);
  });
});

describe('policy-requirements recipe', () => {
  it("adds the required label from the Argo CD app's own label and the limit equal to the request", async () => {
    const result = await plan(
      deployment('registry.example.com/fraud:2.0.0'),
      [
        policy('require-team-label', ['Deployment'], { metadata: { labels: { team: '?*' } } }),
        policy('require-limits', ['Pod'], { spec: { containers: [{ resources: { limits: { memory: '?*' } } }] } }),
      ],
      undefined,
      { team: 'payments' },
    );
    if (result?.kind !== 'edits') throw new Error(JSON.stringify(result));
    const after = result.files[0]?.after ?? '';
    expect(after).toContain('labels: { app: fraud-check, team: payments }');
    expect(after).toContain('            limits:\n              memory: 256Mi\n');
    expect(changedValuePaths(deployment('registry.example.com/fraud:2.0.0'), after)).toEqual([
      'doc[0].metadata.labels.team',
      'doc[0].spec.template.spec.containers[0].resources.limits',
    ]);
    expect(result.rationale).toContain("the Argo CD app's own team label");
  });

  it('pins the image to the tag it last ran when the policy needs a tag', async () => {
    const result = await plan(
      deployment('registry.example.com/fraud:latest'),
      [policy('disallow-latest', ['Pod'], { spec: { containers: [{ image: '!*:latest' }] } })],
      deployment('registry.example.com/fraud:2.4.1'),
    );
    expect(result).toMatchObject({
      kind: 'edits',
      edits: [{ before: 'registry.example.com/fraud:latest', after: 'registry.example.com/fraud:2.4.1' }],
    });
  });

  it('adds a TCP readiness probe on the container port', async () => {
    const result = await plan(deployment('registry.example.com/fraud:2.0.0'), [
      policy('require-probes', ['Pod'], { spec: { containers: [{ readinessProbe: { periodSeconds: '>0' } }] } }),
    ]);
    if (result?.kind !== 'edits') throw new Error(JSON.stringify(result));
    expect(result.files[0]?.after).toContain('readinessProbe:\n            tcpSocket:\n              port: 8080\n');
  });

  it('hands a label no data names to a person, naming the policy', async () => {
    const result = await plan(deployment('registry.example.com/fraud:2.0.0'), [
      policy('require-cost-center', ['Deployment'], { metadata: { labels: { 'cost-center': '?*' } } }),
    ]);
    expect(result).toMatchObject({ kind: 'handoff', reason: expect.stringContaining('require-cost-center') });
  });
});
