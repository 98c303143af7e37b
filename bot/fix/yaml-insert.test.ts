import { describe, expect, it } from 'vitest';
import { changedValuePaths, insertEntry } from './yaml-edit.js';

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: fraud-check
  labels: { app: fraud-check } # owner below
spec:
  template:
    spec:
      containers:
        - name: fraud-check # main
          image: registry.example.com/fraud-check:2.0.0
          resources:
            requests: { cpu: 100m }
---
kind: Service
`;

describe('insertEntry', () => {
  it('adds an entry to a flow mapping and keeps the comment after it', () => {
    const after = insertEntry(DEPLOYMENT, {
      file: 'd.yaml',
      document: 0,
      path: ['metadata', 'labels'],
      key: 'team',
      value: 'payments',
    });
    expect(after).toBe(DEPLOYMENT.replace('{ app: fraud-check }', '{ app: fraud-check, team: payments }'));
    expect(changedValuePaths(DEPLOYMENT, after)).toEqual(['doc[0].metadata.labels.team']);
  });

  it('adds a nested block to a block mapping inside a sequence item at its keys indentation', () => {
    const after = insertEntry(DEPLOYMENT, {
      file: 'd.yaml',
      document: 0,
      path: ['spec', 'template', 'spec', 'containers', 0],
      key: 'livenessProbe',
      value: { tcpSocket: { port: 8080 } },
    });
    expect(after).toBe(
      DEPLOYMENT.replace(
        '            requests: { cpu: 100m }\n',
        '            requests: { cpu: 100m }\n' +
          '          livenessProbe:\n            tcpSocket:\n              port: 8080\n',
      ),
    );
    expect(changedValuePaths(DEPLOYMENT, after)).toEqual(['doc[0].spec.template.spec.containers[0].livenessProbe']);
  });

  it('adds to a block mapping that ends the file without a line break', () => {
    const text = 'kind: ConfigMap\ndata:\n  a: "1"';
    expect(insertEntry(text, { file: 'c', document: 0, path: ['data'], key: 'b', value: '2' })).toBe(
      'kind: ConfigMap\ndata:\n  a: "1"\n  b: "2"',
    );
  });

  it('refuses a key that exists and a path that is not a mapping', () => {
    expect(() =>
      insertEntry(DEPLOYMENT, { file: 'd', document: 0, path: ['metadata'], key: 'name', value: 'x' }),
    ).toThrow(/already exists/);
    expect(() =>
      insertEntry(DEPLOYMENT, { file: 'd', document: 0, path: ['metadata', 'name'], key: 'x', value: 'y' }),
    ).toThrow(/not a mapping/);
  });
});
