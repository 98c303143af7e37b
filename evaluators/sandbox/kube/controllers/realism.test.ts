/**
 * Issue 14's sandbox realism, in-process: init containers and sidecars, image pull variants, a
 * leak to OOM, CPU-throttled probes, readiness tied to a dependency, NetworkPolicy isolation and
 * LimitRange admission, each with the status, events and logs the real components produce.
 */
import { describe, expect, it } from 'vitest';
import type { ImageBehaviour, KubeObject } from '../cluster-api.js';
import { createSimulatedCluster } from '../simulated-cluster.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- reading status fields in assertions
type Json = Record<string, any>;

const NOW = Date.parse('2026-06-01T12:00:00Z');
const REG = 'registry.example.com/t';

function deployment(name: string, podSpec: Json, labels: Record<string, string> = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'shop', creationTimestamp: new Date(NOW - 3_600_000).toISOString() },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name, ...labels } }, spec: podSpec },
    },
  };
}

function start(images: ImageBehaviour[], objects: KubeObject[]) {
  let now = NOW - 3_600_000;
  const cluster = createSimulatedCluster({ name: 'test', images, now: () => new Date(now) });
  cluster.load([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } }, ...objects]);
  now = NOW;
  const pod = (prefix: string): Json =>
    cluster.list('v1', 'Pod', 'shop').find((p) => p.metadata.name.startsWith(`${prefix}-`)) as Json;
  const events = (): string[] =>
    cluster.list('v1', 'Event', 'shop').map((e) => `${String(e.reason)}: ${String(e.message)}`);
  return { cluster, pod, events };
}

describe('sandbox realism', () => {
  it('runs init containers first: a failing one holds the app in Init:CrashLoopBackOff with its logs', () => {
    const { cluster, pod } = start(
      [
        { repository: `${REG}/migrate`, tags: ['1'], requiredEnv: ['DATABASE_URL'] },
        { repository: `${REG}/app`, tags: ['1'], listenPort: 8080 },
      ],
      [
        deployment('api', {
          initContainers: [{ name: 'migrate', image: `${REG}/migrate:1` }],
          containers: [{ name: 'api', image: `${REG}/app:1` }],
        }),
      ],
    );
    const status = pod('api').status;
    expect(status.phase).toBe('Pending');
    expect(status.initContainerStatuses[0].state.waiting.reason).toBe('CrashLoopBackOff');
    expect(status.initContainerStatuses[0].lastState.terminated.exitCode).toBe(1);
    expect(status.containerStatuses[0].state.waiting.reason).toBe('PodInitializing');
    expect(status.conditions.find((c: Json) => c.type === 'Initialized').status).toBe('False');
    const logs = cluster.podLogs('shop', pod('api').metadata.name, { container: 'migrate', previous: true });
    expect(logs).toContain('required environment variable DATABASE_URL is not set');
  });

  it('lets a completed init container and a running sidecar through', () => {
    const { pod } = start(
      [{ repository: `${REG}/app`, tags: ['1'], listenPort: 8080 }],
      [
        deployment('web', {
          initContainers: [
            { name: 'setup', image: `${REG}/app:1` },
            { name: 'proxy', image: `${REG}/app:1`, restartPolicy: 'Always' },
          ],
          containers: [{ name: 'web', image: `${REG}/app:1` }],
        }),
      ],
    );
    const status = pod('web').status;
    expect(status.phase).toBe('Running');
    expect(status.initContainerStatuses[0].state.terminated.reason).toBe('Completed');
    expect(status.initContainerStatuses[1].state.running).toBeDefined();
    expect(status.containerStatuses[0].ready).toBe(true);
  });

  it('reports manifest unknown and 401 Unauthorized as the registry does, and pulls with the secret', () => {
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'reg', namespace: 'shop' }, data: {} };
    const { pod } = start(
      [
        { repository: `${REG}/a`, tags: ['1.0.0'], missingTag: 'manifest-unknown' },
        { repository: `${REG}/b`, tags: ['1'], pullSecret: 'reg' },
      ],
      [
        secret,
        deployment('a', { containers: [{ name: 'a', image: `${REG}/a:1.0` }] }),
        deployment('b', { containers: [{ name: 'b', image: `${REG}/b:1` }] }),
        deployment('c', { imagePullSecrets: [{ name: 'reg' }], containers: [{ name: 'c', image: `${REG}/b:1` }] }),
      ],
    );
    expect(pod('a').status.containerStatuses[0].state.waiting.message).toContain('manifest unknown');
    expect(pod('b').status.containerStatuses[0].state.waiting.message).toContain('401 Unauthorized');
    expect(pod('c').status.containerStatuses[0].state.running).toBeDefined();
  });

  it('kills a leaking process once its memory grows into the limit, and times out throttled probes', () => {
    const { pod, events } = start(
      [
        { repository: `${REG}/leak`, tags: ['1'], memoryMiB: 100, memoryGrowthMiBPerMinute: 50 },
        { repository: `${REG}/busy`, tags: ['1'], listenPort: 8080, cpuMillicores: 800 },
      ],
      [
        deployment('leak', {
          containers: [{ name: 'leak', image: `${REG}/leak:1`, resources: { limits: { memory: '256Mi' } } }],
        }),
        deployment('busy', {
          containers: [
            {
              name: 'busy',
              image: `${REG}/busy:1`,
              resources: { limits: { cpu: '250m' } },
              livenessProbe: { httpGet: { path: '/healthz', port: 8080 }, timeoutSeconds: 1 },
            },
          ],
        }),
      ],
    );
    expect(pod('leak').status.containerStatuses[0].lastState.terminated.reason).toBe('OOMKilled');
    expect(pod('busy').status.containerStatuses[0].restartCount).toBeGreaterThan(0);
    expect(
      events().some((line) => line.includes('Liveness probe failed') && line.includes('context deadline exceeded')),
    ).toBe(true);
  });

  it('fails readiness with 503 while a dependency is down, and times out calls a NetworkPolicy drops', () => {
    const service = (name: string): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace: 'shop' },
      spec: { selector: { app: name }, ports: [{ port: 80, targetPort: 8080 }] },
    });
    const policy: KubeObject = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'only-frontends', namespace: 'shop' },
      spec: {
        podSelector: { matchLabels: { app: 'points' } },
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ podSelector: { matchLabels: { role: 'frontend' } } }] }],
      },
    };
    const { cluster, pod, events } = start(
      [
        {
          repository: `${REG}/web`,
          tags: ['1'],
          listenPort: 8080,
          calls: ['gone.shop.svc.cluster.local:80'],
          isReadyOnlyWithCalls: true,
        },
        { repository: `${REG}/loyalty`, tags: ['1'], listenPort: 8080, calls: ['points.shop.svc.cluster.local:80'] },
        { repository: `${REG}/points`, tags: ['1'], listenPort: 8080 },
      ],
      [
        service('gone'),
        service('points'),
        policy,
        deployment('web', {
          containers: [
            { name: 'web', image: `${REG}/web:1`, readinessProbe: { httpGet: { path: '/ready', port: 8080 } } },
          ],
        }),
        deployment('loyalty', { containers: [{ name: 'loyalty', image: `${REG}/loyalty:1` }] }, { role: 'backend' }),
        deployment('points', { containers: [{ name: 'points', image: `${REG}/points:1` }] }),
      ],
    );
    expect(pod('web').status.containerStatuses[0].ready).toBe(false);
    expect(events()).toContainEqual(
      expect.stringContaining('Readiness probe failed: HTTP probe failed with statuscode: 503'),
    );
    expect(cluster.podLogs('shop', pod('loyalty').metadata.name, {})).toContain('i/o timeout');
  });

  it(
    'turns a caller unready, without restarting it, when the Service it checks in another namespace loses its ' +
      'pods',
    () => {
      let now = NOW - 3_600_000;
      const cluster = createSimulatedCluster({
        name: 'test',
        images: [
          {
            repository: `${REG}/web`,
            tags: ['1'],
            listenPort: 8080,
            calls: ['gw.payments.svc.cluster.local:80'],
            isReadyOnlyWithCalls: true,
          },
          { repository: `${REG}/gw`, tags: ['1'], listenPort: 8080 },
        ],
        now: () => new Date(now),
      });
      const gateway = (replicas: number): KubeObject => {
        const object = deployment('gw', { containers: [{ name: 'gw', image: `${REG}/gw:1` }] });
        return {
          ...object,
          metadata: { ...object.metadata, namespace: 'payments' },
          spec: { ...(object.spec as Json), replicas },
        };
      };
      cluster.load([
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'payments' } },
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
        {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: 'gw', namespace: 'payments' },
          spec: { selector: { app: 'gw' }, ports: [{ port: 80, targetPort: 8080 }] },
        },
        gateway(1),
        deployment('web', {
          containers: [
            { name: 'web', image: `${REG}/web:1`, readinessProbe: { httpGet: { path: '/ready', port: 8080 } } },
          ],
        }),
      ]);
      const web = (): Json => cluster.list('v1', 'Pod', 'shop').find((p) => p.metadata.name.startsWith('web-')) as Json;
      now = NOW - 1_800_000;
      const before = web().status.containerStatuses[0];
      expect(before.ready).toBe(true);
      cluster.apply(gateway(0));
      now = NOW;
      const after = web().status.containerStatuses[0];
      expect(after.ready).toBe(false);
      // Readiness is not liveness: the same run goes on, so there is no previous run to read.
      expect(after.restartCount).toBe(0);
      expect(after.state.running.startedAt).toBe(before.state.running.startedAt);
      expect(cluster.podLogs('shop', web().metadata.name, {})).toContain('connect: connection refused');
      cluster.apply(gateway(1));
      expect(web().status.containerStatuses[0].ready).toBe(true);
    },
  );

  it('refuses pods over a LimitRange max with the API server message', () => {
    const range: KubeObject = {
      apiVersion: 'v1',
      kind: 'LimitRange',
      metadata: { name: 'bounds', namespace: 'shop' },
      spec: { limits: [{ type: 'Container', max: { memory: '2Gi' } }] },
    };
    const { events } = start(
      [{ repository: `${REG}/big`, tags: ['1'] }],
      [
        range,
        deployment('big', {
          containers: [{ name: 'big', image: `${REG}/big:1`, resources: { limits: { memory: '4Gi' } } }],
        }),
      ],
    );
    expect(events()).toContainEqual(
      expect.stringContaining('maximum memory usage per Container is 2Gi, but limit is 4Gi'),
    );
  });
});
