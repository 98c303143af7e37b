import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../kube/cluster-api.js';
import { resourceHealth } from './health.js';

function cronJob(spec: Record<string, unknown>, status?: Record<string, unknown>): KubeObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'usage-rollup', namespace: 'metering' },
    spec: { schedule: '*/30 * * * *', ...spec },
    ...(status ? { status } : {}),
  };
}

describe('CronJob health (the check Argo CD ships since 3.2)', () => {
  it('is Degraded when the last success is older than the last schedule and nothing runs', () => {
    const health = resourceHealth(
      cronJob({}, { lastScheduleTime: '2026-03-02T10:30:00Z', lastSuccessfulTime: '2026-03-02T10:00:05Z' }),
    );
    expect(health).toEqual({
      status: 'Degraded',
      message: 'CronJob has not completed its last execution successfully',
    });
  });

  it('reads Healthy while a run is active, even after a failed one', () => {
    const health = resourceHealth(
      cronJob(
        {},
        {
          active: [{ kind: 'Job', name: 'usage-rollup-29940150' }],
          lastScheduleTime: '2026-03-02T10:30:00Z',
          lastSuccessfulTime: '2026-03-02T10:00:05Z',
        },
      ),
    );
    expect(health?.status).toBe('Healthy');
  });

  it('reads Healthy when it never succeeded (a first run cannot be told from a broken one)', () => {
    expect(resourceHealth(cronJob({}, { lastScheduleTime: '2026-03-02T10:30:00Z' }))?.status).toBe('Healthy');
  });

  it('is Suspended when suspended and Progressing before the controller wrote a status', () => {
    expect(resourceHealth(cronJob({ suspend: true }, {}))?.status).toBe('Suspended');
    expect(resourceHealth(cronJob({}))?.status).toBe('Progressing');
  });
});
