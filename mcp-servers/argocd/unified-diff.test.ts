import { describe, expect, it } from 'vitest';
import { comparableYaml, parseState, projectOnto } from './manifest-normalize.js';
import { diffHunks, unifiedDiff } from './unified-diff.js';

describe('unifiedDiff', () => {
  it('renders only the changed region with context', () => {
    const before = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].join('\n');
    const after = ['a', 'b', 'c', 'D', 'e', 'f', 'g', 'h'].join('\n');
    expect(unifiedDiff(before, after, { context: 1 })).toEqual(['@@ -3,3 +3,3 @@', ' c', '-d', '+D', ' e']);
  });

  it('is empty when nothing changed', () => {
    expect(unifiedDiff('x\ny', 'x\ny')).toEqual([]);
  });
});

describe('diffHunks', () => {
  it('turns each @@ header and its body into one hunk, so consumers need not parse diff text', () => {
    const before = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'].join('\n');
    const after = ['A', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'J'].join('\n');
    expect(diffHunks(unifiedDiff(before, after, { context: 1 }))).toEqual([
      { oldStart: 1, oldLines: 2, newStart: 1, newLines: 2, lines: ['-a', '+A', ' b'] },
      { oldStart: 9, oldLines: 2, newStart: 9, newLines: 2, lines: [' i', '-j', '+J'] },
    ]);
    expect(diffHunks([])).toEqual([]);
  });
});

describe('comparableYaml', () => {
  it('drops cluster-owned fields and masks Secret values', () => {
    const live = parseState(
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: {
          name: 's',
          uid: '1',
          resourceVersion: '9',
          managedFields: [{}],
          annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' },
        },
        data: { password: 'aHVudGVyMg==' },
        status: {},
      }),
    );
    const yaml = comparableYaml(live);
    expect(yaml).not.toMatch(/uid|resourceVersion|managedFields|last-applied|aHVudGVyMg|status/);
    expect(yaml).toContain('password: <12 chars>');
  });

  it('shows a replica change between live and desired as a two-line diff', () => {
    const live = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'api', generation: 4 },
      spec: { replicas: 5, template: { spec: { containers: [{ name: 'api', image: 'api:1.2' }] } } },
    };
    const desired = { ...live, spec: { ...live.spec, replicas: 3 } };
    const diff = unifiedDiff(comparableYaml(live), comparableYaml(desired), { context: 0 });
    expect(diff.filter((line) => line.startsWith('-') || line.startsWith('+'))).toEqual([
      '-  replicas: 5',
      '+  replicas: 3',
    ]);
  });
});

describe('projectOnto', () => {
  it('drops server-defaulted fields but keeps changed values and extra list items', () => {
    const desired = { spec: { replicas: 3, template: { spec: { containers: [{ name: 'api', image: 'api:1.3' }] } } } };
    const live = {
      spec: {
        replicas: 3,
        progressDeadlineSeconds: 600,
        template: {
          spec: {
            dnsPolicy: 'ClusterFirst',
            containers: [
              { name: 'api', image: 'api:1.2', imagePullPolicy: 'IfNotPresent' },
              { name: 'sidecar', image: 'envoy:1' },
            ],
          },
        },
      },
    };
    expect(projectOnto(live, desired)).toEqual({
      spec: {
        replicas: 3,
        template: {
          spec: {
            containers: [
              { name: 'api', image: 'api:1.2' },
              { name: 'sidecar', image: 'envoy:1' },
            ],
          },
        },
      },
    });
  });
});
