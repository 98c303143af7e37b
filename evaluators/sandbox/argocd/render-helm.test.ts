import { describe, expect, it } from 'vitest';
import { parseManifests } from './render-manifests.js';
import { effectiveValues, renderHelmChart } from './render-helm.js';

const files = new Map([
  ['apps/x/Chart.yaml', 'apiVersion: v2\nname: x\nversion: 0.1.0\n'],
  ['apps/x/values.yaml', 'image: { tag: "1.0" }\nreplicas: 1\nname: x\n'],
  ['apps/x/values-a.yaml', 'image: { tag: "2.0" }\nreplicas: 2\n'],
  ['apps/x/values-b.yaml', 'replicas: 3\n'],
  [
    'apps/x/templates/deployment.yaml',
    'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: {{ .Values.name }} }\n' +
      'spec:\n  replicas: {{ .Values.replicas }}\n  image: {{ .Values.image.tag | quote }}\n',
  ],
]);

describe('Helm-style render (Argo CD value precedence)', () => {
  it('merges values.yaml < valueFiles in order < values < valuesObject < parameters', () => {
    expect(effectiveValues(files, 'apps/x', { valueFiles: ['values-a.yaml', 'values-b.yaml'] })).toMatchObject({
      image: { tag: '2.0' },
      replicas: 3,
    });
    const inline = effectiveValues(files, 'apps/x', {
      valueFiles: ['values-a.yaml'],
      values: 'replicas: 5\n',
      valuesObject: { replicas: 6 },
      parameters: [{ name: 'image.tag', value: '3.0' }],
    });
    expect(inline).toMatchObject({ image: { tag: '3.0' }, replicas: 6 });
  });

  it('renders the templates with the effective values', () => {
    const [deployment] = renderHelmChart(files, 'apps/x', { valueFiles: ['values-a.yaml'] }, parseManifests);
    expect(deployment).toMatchObject({ kind: 'Deployment', spec: { replicas: 2, image: '2.0' } });
  });

  it('fails like a manifest error on a value that is not set or a missing values file', () => {
    expect(() => renderHelmChart(files, 'apps/x', { valueFiles: ['values-c.yaml'] }, parseManifests)).toThrow(
      /values-c.yaml: no such file/,
    );
    const broken = new Map([...files, ['apps/x/templates/svc.yaml', 'kind: Service\nport: {{ .Values.port }}\n']]);
    expect(() => renderHelmChart(broken, 'apps/x', undefined, parseManifests)).toThrow(/\.Values\.port is not set/);
  });
});
