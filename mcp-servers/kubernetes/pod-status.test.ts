import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { EventShape, PodShape, WorkloadShape } from './kube-shapes.js';
import { formatEventGroup, groupEvents } from './event-groups.js';
import { comparePods, formatPodSummary, summarizePod } from './pod-status.js';
import { missingKeys, referencedObjects } from './references.js';
import { rolloutState } from './rollout-state.js';

const fixture = <T>(name: string): T =>
  JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as T;
const now = new Date('2026-03-02T10:05:00Z');

describe('summarizePod', () => {
  it('reports CrashLoopBackOff with the last termination reason, exit code and restarts', () => {
    const pod = summarizePod(fixture<PodShape>('crashloop-pod.json'), now);
    expect(pod.isHealthy).toBe(false);
    expect(pod.restarts).toBe(7);
    expect(pod.ready).toBe('0/1');
    expect(pod.problems.join('\n')).toContain('api waiting: CrashLoopBackOff');
    expect(pod.problems.join('\n')).toContain('api last terminated Error (exit 1) 118s ago, 7 restarts');
  });

  it('reports why a pending pod is not scheduled', () => {
    const pod = summarizePod(fixture<PodShape>('pending-pod.json'), now);
    expect(pod.isHealthy).toBe(false);
    expect(pod.problems[0]).toContain('not scheduled: Unschedulable 0/3 nodes are available: 3 Insufficient memory');
  });

  it('reports image pull failures with the image', () => {
    const lines = formatPodSummary(summarizePod(fixture<PodShape>('image-pull-pod.json'), now)).join('\n');
    expect(lines).toContain('checkout waiting: ImagePullBackOff');
    expect(lines).toContain('checkout:1.8.3');
  });

  it('ranks unhealthy pods before healthy ones', () => {
    const healthy = summarizePod(
      {
        ...fixture<PodShape>('image-pull-pod.json'),
        status: {
          phase: 'Running',
          containerStatuses: [{ name: 'checkout', ready: true, restartCount: 0, state: { running: {} } }],
        },
      },
      now,
    );
    const sick = summarizePod(fixture<PodShape>('crashloop-pod.json'), now);
    expect(healthy.isHealthy).toBe(true);
    expect([healthy, sick].sort(comparePods)[0]?.name).toBe(sick.name);
  });
});

describe('groupEvents', () => {
  it('folds identical events, sums counts (count and series.count) and sorts newest first', () => {
    const groups = groupEvents(fixture<EventShape[]>('events.json').filter((event) => event.type === 'Warning'));
    expect(groups).toHaveLength(2);
    expect(groups[0]).toMatchObject({ reason: 'BackOff', count: 15, lastSeen: '2026-03-02T10:04:00Z' });
    expect(groups[1]).toMatchObject({ reason: 'FailedMount', count: 4 });
    expect(formatEventGroup(groups[0]!, now)).toBe(
      '  x15 BackOff Pod/payments-api-7c9f8b6d4-x2k8p (60s ago): Back-off restarting failed container api in ' +
        'pod payments-api-7c9f8b6d4-x2k8p_payments(1d2e)',
    );
  });
});

describe('referencedObjects / missingKeys', () => {
  it('finds every ConfigMap, Secret and PVC a pod spec needs', () => {
    const references = referencedObjects(fixture<PodShape>('crashloop-pod.json').spec);
    expect(references.map((reference) => `${reference.kind}/${reference.name}`)).toEqual([
      'ConfigMap/payments-api-config',
      'Secret/payments-db',
      'Secret/psp-credentials',
      'Secret/payments-tls',
      'PersistentVolumeClaim/payments-cache',
    ]);
  });

  it('flags a secretKeyRef whose key the Secret lacks', () => {
    const spec = fixture<PodShape>('crashloop-pod.json').spec;
    const missing = missingKeys(
      spec,
      new Map([
        ['Secret/payments-db', ['username']],
        ['Secret/psp-credentials', ['api-key']],
      ]),
    );
    expect(missing).toEqual([
      {
        kind: 'Secret',
        name: 'payments-db',
        key: 'password',
        usedBy: 'env DB_PASSWORD (api)',
        container: 'api',
        envVar: 'DB_PASSWORD',
      },
    ]);
  });
});

describe('rolloutState', () => {
  it('reports a stalled rollout with its failing conditions', () => {
    const state = rolloutState(fixture<WorkloadShape>('degraded-deployment.json'));
    expect(state.isHealthy).toBe(false);
    expect(state.summary).toBe('2/3 ready, 1 updated, 2 available, 2 unavailable');
    expect(state.problems).toContain(
      'Progressing=False ProgressDeadlineExceeded: ReplicaSet "payments-api-7c9f8b6d4" has timed out progressing.',
    );
  });
});

describe('OOM kills', () => {
  it('names the memory limit next to an OOMKilled termination', () => {
    const now = new Date('2026-11-24T10:00:00Z');
    const pod = {
      metadata: { name: 'reporting-5295xlhxfg-hhjgh', namespace: 'reports', creationTimestamp: '2026-11-24T07:00:00Z' },
      spec: {
        containers: [
          {
            name: 'reporting',
            image: 'registry.example.com/data/reporting:4.0.1',
            resources: { limits: { memory: '512Mi' } },
          },
        ],
      },
      status: {
        phase: 'Running',
        containerStatuses: [
          {
            name: 'reporting',
            ready: false,
            restartCount: 39,
            state: { waiting: { reason: 'CrashLoopBackOff' } },
            lastState: { terminated: { reason: 'OOMKilled', exitCode: 137, finishedAt: '2026-11-24T09:55:00Z' } },
          },
        ],
      },
    };
    expect(summarizePod(pod as never, now).problems).toContain(
      'reporting last terminated OOMKilled (exit 137) 5m ago, 39 restarts (memory limit 512Mi)',
    );
  });
});
