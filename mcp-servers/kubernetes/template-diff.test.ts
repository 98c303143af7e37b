import { describe, expect, it } from 'vitest';
import { podSpecChanges, podSpecFieldChanges } from './template-diff.js';

const spec = (memory: string, extra: Record<string, unknown> = {}) => ({
  containers: [
    {
      name: 'api',
      image: 'registry.example.com/api:1.2.0',
      env: [
        { name: 'LOG_LEVEL', value: 'info' },
        { name: 'DB_PASSWORD', value: 'hunter2-old' },
      ],
      resources: { limits: { memory } },
    },
  ],
  ...extra,
});

describe('what a rollout changed in the pod template', () => {
  it('names each changed field with its old and new value, lists keyed by name', () => {
    const older = spec('512Mi');
    const newer = spec('256Mi', {
      initContainers: [{ name: 'migrate', image: 'registry.example.com/migrate:2', command: ['/app/migrate', '--up'] }],
    });
    newer.containers[0]?.env.reverse();
    const [first] = newer.containers;
    if (first?.env[0]) first.env[0].value = 'hunter2-new';
    if (first?.env[1]) first.env[1].value = 'debug';
    expect(podSpecChanges(older, newer)).toEqual([
      'containers[api].env[DB_PASSWORD].value: (value hidden) -> (value hidden)',
      'containers[api].env[LOG_LEVEL].value: info -> debug',
      'containers[api].resources.limits.memory: 512Mi -> 256Mi',
      'initContainers[migrate]: added (image registry.example.com/migrate:2, command /app/migrate --up)',
    ]);
  });

  it('reports removals, skips what another line says, and finds nothing in equal specs', () => {
    const older = spec('1Gi', { volumes: [{ name: 'plan', configMap: { name: 'plan' } }] });
    expect(podSpecChanges(older, spec('1Gi'))).toEqual(['volumes[plan]: removed']);
    expect(podSpecChanges(spec('1Gi'), spec('2Gi'), (path) => path.endsWith('.memory'))).toEqual([]);
    expect(podSpecChanges(spec('1Gi'), spec('1Gi'))).toEqual([]);
  });

  it('gives the changed leaf fields as data: unset before or after, secret-looking values hidden', () => {
    const older = spec('512Mi');
    const newer = spec('512Mi');
    const [container] = newer.containers;
    if (container) {
      container.resources = { limits: {} } as never;
      (container.resources as { requests?: object }).requests = { cpu: '250m' };
      if (container.env[1]) container.env[1].value = 'hunter2-new';
    }
    expect(podSpecFieldChanges(older, newer)).toEqual([
      { path: 'containers[api].env[DB_PASSWORD].value', from: '(value hidden)', to: '(value hidden)' },
      { path: 'containers[api].resources.limits.memory', from: '512Mi' },
      { path: 'containers[api].resources.requests', to: '{"cpu":"250m"}' },
    ]);
  });
});
