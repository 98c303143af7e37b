import { describe, expect, it } from 'vitest';
import { changedValuePaths, replaceMapping, replaceScalar, verifyOnlyIntendedChanges } from './yaml-edit.js';

const KUSTOMIZATION = `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources: [../../base] # shared base
images:
  - name: registry.example.com/shop/checkout
    newTag: "1.8.3"   # release train
`;

describe('replaceScalar', () => {
  it('changes only the bytes of the value and keeps quoting and comments', () => {
    const after = replaceScalar(KUSTOMIZATION, {
      file: 'k.yaml',
      document: 0,
      path: ['images', 0, 'newTag'],
      value: '1.8.2',
    });
    expect(after).toBe(KUSTOMIZATION.replace('"1.8.3"', '"1.8.2"'));
    expect(changedValuePaths(KUSTOMIZATION, after)).toEqual(['doc[0].images[0].newTag']);
  });

  it('edits inside flow mappings and in the right document of a stream', () => {
    const text = 'kind: A\n---\nkind: Deployment\nspec: { limits: { memory: 512Mi }, cpu: 1 } # keep\n';
    const after = replaceScalar(text, {
      file: 'd.yaml',
      document: 1,
      path: ['spec', 'limits', 'memory'],
      value: '1Gi',
    });
    expect(after).toBe('kind: A\n---\nkind: Deployment\nspec: { limits: { memory: 1Gi }, cpu: 1 } # keep\n');
  });

  it('keeps numbers as numbers and quotes strings that would read as numbers', () => {
    const text = 'port: 8081\ntag: v1\n';
    expect(replaceScalar(text, { file: 'x', document: 0, path: ['port'], value: 8080 })).toBe('port: 8080\ntag: v1\n');
    expect(replaceScalar(text, { file: 'x', document: 0, path: ['tag'], value: '2.0' })).toBe(
      'port: 8081\ntag: "2.0"\n',
    );
  });

  it('refuses a path that is not a scalar', () => {
    expect(() => replaceScalar(KUSTOMIZATION, { file: 'k', document: 0, path: ['images'], value: 'x' })).toThrow(
      /not a scalar/,
    );
  });
});

describe('verifyOnlyIntendedChanges', () => {
  it('accepts exactly the intended paths and rejects anything more or less', () => {
    const before = 'a: 1\nb: 2\n';
    expect(() => verifyOnlyIntendedChanges(before, 'a: 3\nb: 2\n', ['doc[0].a'], 'f')).not.toThrow();
    expect(() => verifyOnlyIntendedChanges(before, 'a: 3\nb: 4\n', ['doc[0].a'], 'f')).toThrow(/doc\[0\]\.b/);
    expect(() => verifyOnlyIntendedChanges(before, before, ['doc[0].a'], 'f')).toThrow(/missed doc\[0\]\.a/);
  });
});

describe('replaceMapping', () => {
  it('rewrites a flow selector in place and keeps what is around it', () => {
    const text = 'kind: Service\nspec:\n  selector: { app.kubernetes.io/name: cart } # was app\n  ports: []\n';
    const after = replaceMapping(text, {
      file: 's.yaml',
      document: 0,
      path: ['spec', 'selector'],
      entries: { app: 'cart' },
    });
    expect(after).toBe('kind: Service\nspec:\n  selector: { app: cart } # was app\n  ports: []\n');
    expect(changedValuePaths(text, after).sort()).toEqual([
      'doc[0].spec.selector.app',
      'doc[0].spec.selector.app.kubernetes.io/name',
    ]);
  });

  it('rewrites a block selector with its indentation', () => {
    const text = 'spec:\n  selector:\n    tier: web\n    app: x\n  ports: []\n';
    const after = replaceMapping(text, {
      file: 's.yaml',
      document: 0,
      path: ['spec', 'selector'],
      entries: { app: 'y' },
    });
    expect(after).toBe('spec:\n  selector:\n    app: y\n  ports: []\n');
  });
});
