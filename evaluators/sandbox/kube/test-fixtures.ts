/**
 * A small broken estate shared by the kube/ tests (kubectl, client-node, controllers): one
 * namespace `shop` with a crash on a missing env var, an OOMKilled worker, a missing image tag,
 * a missing ConfigMap, an unschedulable pod, a readiness probe on the wrong port, a caller of a
 * Service without endpoints, a healthy app, and Kyverno policies in Enforce and Audit mode.
 */
import type { ImageBehaviour, KubeObject } from './cluster-api.js';

/** Image behaviours of the fixture estate. */
export const FIXTURE_IMAGES: ImageBehaviour[] = [
  {
    repository: 'registry.example.com/shop/checkout',
    tags: ['1.4.0'],
    requiredEnv: ['DATABASE_URL'],
    listenPort: 8080,
    startupLog: ['checkout 1.4.0 starting', 'loading configuration'],
  },
  {
    repository: 'registry.example.com/shop/worker',
    tags: ['2.1.0'],
    memoryMiB: 700,
    startupLog: ['worker 2.1.0: warming cache'],
  },
  {
    repository: 'registry.example.com/shop/web',
    tags: ['3.0.0'],
    listenPort: 8080,
    startupLog: ['web 3.0.0 listening on :8080'],
    calls: ['checkout:8080', 'payments.billing:8080'],
  },
  { repository: 'registry.example.com/shop/search', tags: ['1.0.0'], listenPort: 9200, startupLog: ['search ready'] },
];

function deployment(
  name: string,
  container: Record<string, unknown>,
  podSpec: Record<string, unknown> = {},
  replicas = 1,
): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'shop', labels: { app: name, team: 'shop' } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name, team: 'shop' } },
        spec: { containers: [{ name, ...container }], ...podSpec },
      },
    },
  };
}

/** The fixture's manifests (desired state). */
export function fixtureObjects(): KubeObject[] {
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
    deployment(
      'checkout',
      { image: 'registry.example.com/shop/checkout:1.4.0', ports: [{ containerPort: 8080 }] },
      {},
      2,
    ),
    deployment('worker', {
      image: 'registry.example.com/shop/worker:2.1.0',
      resources: { requests: { memory: '256Mi' }, limits: { memory: '512Mi' } },
    }),
    deployment('web', { image: 'registry.example.com/shop/web:3.0.0', ports: [{ containerPort: 8080 }] }, {}, 2),
    deployment('imagetypo', { image: 'registry.example.com/shop/web:3.0.1' }),
    deployment('cfg', {
      image: 'registry.example.com/shop/web:3.0.0',
      envFrom: [{ configMapRef: { name: 'cfg-settings' } }],
    }),
    deployment(
      'gpu',
      { image: 'registry.example.com/shop/web:3.0.0' },
      { nodeSelector: { accelerator: 'nvidia-a100' } },
    ),
    deployment('search', {
      image: 'registry.example.com/shop/search:1.0.0',
      readinessProbe: { httpGet: { path: '/ready', port: 9300 }, periodSeconds: 10 },
    }),
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'checkout', namespace: 'shop' },
      spec: { selector: { app: 'checkout' }, ports: [{ port: 8080, targetPort: 8080 }] },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'shop' },
      spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] },
    },
    {
      apiVersion: 'kyverno.io/v1',
      kind: 'ClusterPolicy',
      metadata: {
        name: 'disallow-latest-tag',
        annotations: { 'policies.kyverno.io/category': 'Best Practices', 'policies.kyverno.io/severity': 'medium' },
      },
      spec: {
        validationFailureAction: 'Enforce',
        background: true,
        rules: [
          {
            name: 'validate-image-tag',
            match: { any: [{ resources: { kinds: ['Pod'] } }] },
            validate: {
              message: "Using a mutable image tag e.g. 'latest' is not allowed.",
              pattern: { spec: { containers: [{ image: '!*:latest' }] } },
            },
          },
        ],
      },
    },
    {
      apiVersion: 'kyverno.io/v1',
      kind: 'ClusterPolicy',
      metadata: { name: 'require-requests-limits', annotations: { 'policies.kyverno.io/severity': 'medium' } },
      spec: {
        validationFailureAction: 'Audit',
        background: true,
        rules: [
          {
            name: 'validate-resources',
            match: { any: [{ resources: { kinds: ['Pod'] } }] },
            validate: {
              message: 'CPU and memory resource requests and memory limits are required.',
              pattern: {
                spec: {
                  containers: [{ resources: { requests: { memory: '?*', cpu: '?*' }, limits: { memory: '?*' } } }],
                },
              },
            },
          },
        ],
      },
    },
  ];
}

/** A fixed clock for deterministic tests. */
export const FIXTURE_NOW = Date.parse('2025-06-02T09:00:00Z');
