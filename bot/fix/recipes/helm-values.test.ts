import { describe, expect, it } from 'vitest';
import { sourceTreeOf } from '../../../test/support/source-files.js';
import { appStatusSchema } from '../app-status.js';
import type { HelmSettings } from '../source-tree.js';
import { helmValuesRecipe } from './helm-values.js';

const CHART = 'apps/tracker/chart';
const files = (prodTag: string, extra: Record<string, string> = {}) => ({
  [`${CHART}/Chart.yaml`]: 'apiVersion: v2\nname: tracker\nversion: 0.1.0\n',
  [`${CHART}/values.yaml`]: 'image:\n  repository: registry.example.com/tracker\n  tag: "1.0.0"\nreplicas: 2\n',
  [`${CHART}/values-prod.yaml`]: `# prod\nimage:\n  tag: "${prodTag}" # release train\n`,
  [`${CHART}/values-eu.yaml`]: 'replicas: 3\n',
  ...extra,
});

async function plan(now: Record<string, string>, before: Record<string, string>, helm: HelmSettings) {
  // The Application's helm settings are the same at both revisions here.
  const current = await sourceTreeOf(now, CHART, 'b'.repeat(40), helm);
  const healthy = await sourceTreeOf(before, CHART, 'a'.repeat(40), helm);
  return helmValuesRecipe({
    app: { instance: 'argocd-1', name: 'tracker' },
    status: appStatusSchema.parse({ name: 'tracker' }),
    current,
    healthy,
  });
}

describe('helm-values recipe (Argo CD precedence)', () => {
  it('edits the later values file, the one that sets the effective value, byte-minimally', async () => {
    const result = await plan(files('2.0.0'), files('1.4.2'), { valueFiles: ['values-prod.yaml', 'values-eu.yaml'] });
    if (result?.kind !== 'edits') throw new Error(JSON.stringify(result));
    expect(result.edits).toEqual([
      { file: `${CHART}/values-prod.yaml`, path: 'image.tag', before: '2.0.0', after: '1.4.2' },
    ]);
    expect(result.files[0]?.after).toBe('# prod\nimage:\n  tag: "1.4.2" # release train\n');
  });

  it('edits values.yaml when no values file overrides the key', async () => {
    const now = files('2.0.0', { [`${CHART}/values.yaml`]: 'image:\n  tag: "9.9.9"\nreplicas: 2\n' });
    const before = files('2.0.0', { [`${CHART}/values.yaml`]: 'image:\n  tag: "9.9.9"\nreplicas: 4\n' });
    const result = await plan(now, before, { valueFiles: ['values-prod.yaml'] });
    expect(result).toMatchObject({ kind: 'edits', edits: [{ file: `${CHART}/values.yaml`, path: 'replicas' }] });
  });

  it('leaves a key alone that an unchanged parameter of the Application pins', async () => {
    const helm = { valueFiles: ['values-prod.yaml'], parameters: [{ name: 'image.tag', value: '2.0.0' }] };
    expect(await plan(files('2.0.0'), files('1.4.2'), helm)).toBeUndefined();
  });

  it('hands off when the effective value now comes from the Application, which wins over every file', async () => {
    const current = await sourceTreeOf(files('1.4.2'), CHART, 'b'.repeat(40), {
      valueFiles: ['values-prod.yaml'],
      values: 'image:\n  tag: "2.0.0"\n',
    });
    const healthy = await sourceTreeOf(files('1.4.2'), CHART, 'a'.repeat(40), { valueFiles: ['values-prod.yaml'] });
    const result = helmValuesRecipe({
      app: { instance: 'argocd-1', name: 'tracker' },
      status: appStatusSchema.parse({ name: 'tracker' }),
      current,
      healthy,
    });
    expect(result).toMatchObject({ kind: 'handoff', reason: expect.stringContaining('spec.source.helm.values') });
  });
});
