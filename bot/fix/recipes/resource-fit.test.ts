import { describe, expect, it } from 'vitest';
import { sourceTreeOf } from '../../../test/support/source-files.js';
import { appStatusSchema } from '../app-status.js';
import type { ClusterFacts } from '../cluster-facts.js';
import { loadDocuments } from '../yaml-edit.js';
import { resourceFitRecipe } from './resource-fit.js';

const deployment = (replicas: number, resources: string) => `apiVersion: apps/v1
kind: Deployment
metadata: { name: etl }
spec:
  replicas: ${replicas} # partitions
  template:
    spec:
      containers:
        - name: etl
          image: registry.example.com/etl:5.5.0
          resources:
            ${resources}
`;

async function plan(now: string, before: string | undefined, cluster: ClusterFacts) {
  const file = 'apps/etl/prod/deployment.yaml';
  const current = await sourceTreeOf({ [file]: now }, 'apps/etl/prod', 'b'.repeat(40));
  const healthy = before ? await sourceTreeOf({ [file]: before }, 'apps/etl/prod', 'a'.repeat(40)) : undefined;
  return resourceFitRecipe({
    app: { instance: 'argocd-1', name: 'etl' },
    status: appStatusSchema.parse({ name: 'etl' }),
    current,
    cluster,
    ...(healthy ? { healthy } : {}),
  });
}

const quota = (hard: Record<string, string>) => ({ metadata: { name: 'compute' }, spec: { hard } });

describe('resource-fit recipe', () => {
  it('brings a request back to the healthy value when replicas × request exceed the quota', async () => {
    const result = await plan(
      deployment(4, 'requests: { cpu: 200m, memory: 3Gi }'),
      deployment(4, 'requests: { cpu: 200m, memory: 1Gi }'),
      { quotas: [quota({ 'requests.memory': '8Gi' })] },
    );
    expect(result).toMatchObject({
      kind: 'edits',
      edits: [{ path: expect.stringMatching(/requests\.memory$/), before: '3Gi', after: '1Gi' }],
    });
    if (result?.kind !== 'edits') throw new Error('no edits');
    expect(result.files[0]?.after).toBe(deployment(4, 'requests: { cpu: 200m, memory: 1Gi }'));
    expect(result.rationale).toContain('quota compute');
  });

  it('shrinks requests to share the quota when no healthy value fits', async () => {
    const result = await plan(deployment(4, 'requests: { memory: 3Gi }'), undefined, {
      quotas: [quota({ 'requests.memory': '8Gi' })],
    });
    expect(result).toMatchObject({ kind: 'edits', edits: [{ before: '3Gi', after: '2Gi' }] });
  });

  it('lowers the replicas to what a pods quota allows', async () => {
    const result = await plan(
      deployment(8, 'requests: { memory: 256Mi }'),
      deployment(4, 'requests: { memory: 256Mi }'),
      {
        quotas: [quota({ pods: '5' })],
      },
    );
    expect(result).toMatchObject({ kind: 'edits', edits: [{ path: 'spec.replicas', before: '8', after: '4' }] });
    if (result?.kind !== 'edits') throw new Error('no edits');
    expect(result.files[0]?.after).toContain('replicas: 4 # partitions');
  });

  it('adds a limit a quota requires, from the healthy revision, as a new key in the flow mapping', async () => {
    const result = await plan(
      deployment(2, 'limits: { memory: 512Mi }'),
      deployment(2, 'limits: { memory: 512Mi, cpu: 500m }'),
      { quotas: [quota({ 'limits.cpu': '8', 'limits.memory': '16Gi' })] },
    );
    if (result?.kind !== 'edits') throw new Error(JSON.stringify(result));
    expect(result.files[0]?.after).toBe(deployment(2, 'limits: { memory: 512Mi, cpu: 500m }'));
    expect(loadDocuments(result.files[0]?.after ?? '')).toHaveLength(1);
  });

  it('takes a limit above the LimitRange max down to the max', async () => {
    const result = await plan(deployment(1, 'limits: { memory: 4Gi }'), undefined, {
      limitRanges: [
        { metadata: { name: 'bounds' }, spec: { limits: [{ type: 'Container', max: { memory: '2Gi' } }] } },
      ],
    });
    expect(result).toMatchObject({ kind: 'edits', edits: [{ before: '4Gi', after: '2Gi' }] });
  });

  it('does not apply when everything fits', async () => {
    expect(
      await plan(deployment(2, 'requests: { memory: 1Gi }'), undefined, {
        quotas: [quota({ 'requests.memory': '8Gi' })],
      }),
    ).toBeUndefined();
  });
});
