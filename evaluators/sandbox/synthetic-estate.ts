import type { ImageBehaviour } from './kube/cluster-api.js';

/** Scale flags of `sandbox up`. */
export interface ScaleOptions {
  /** Total clusters wanted (extra ones are named `cluster-<n>`). */
  clusters?: number;
  /** Total Argo CD instances wanted (extra ones are named `argocd-<n>`). */
  argocdInstances?: number;
  /** Synthetic healthy apps spread over every instance. */
  apps?: number;
  /** Synthetic pods spread over the synthetic apps (as Deployment replicas). */
  pods?: number;
}

/** One synthetic app: a Deployment and a Service in their own namespace. */
export interface SyntheticApp {
  name: string;
  instance: string;
  cluster: string;
  namespace: string;
  replicas: number;
  path: string;
}

/** What the scale flags add on top of a scenario. */
export interface SyntheticEstatePlan {
  clusters: string[];
  instances: string[];
  apps: SyntheticApp[];
  files: Record<string, string>;
  images: ImageBehaviour[];
}

/** Synthetic pods one generated cluster holds at most (beyond that, another cluster is added). */
const PODS_PER_CLUSTER = 5_000;

const SYNTHETIC_IMAGE = 'registry.example.com/platform/service-template';

const WORDS = [
  'accounts',
  'audit',
  'billing',
  'booking',
  'cache',
  'chat',
  'coupons',
  'crm',
  'delivery',
  'docs',
  'email',
  'feeds',
  'forecast',
  'geo',
  'gifts',
  'identity',
  'imaging',
  'invoices',
  'kyc',
  'ledger',
  'loyalty',
  'maps',
  'media',
  'metering',
  'offers',
  'partners',
  'payouts',
  'pdf',
  'quotes',
  'ratings',
  'refunds',
  'returns',
  'reviews',
  'routing',
  'sessions',
  'sms',
  'stock',
  'tax',
  'tickets',
  'wallet',
];

/** The synthetic app's manifests, stored as JSON (valid manifests that render fast at scale). */
function manifests(app: SyntheticApp): { deployment: string; service: string } {
  const labels = { app: app.name, synthetic: 'true' };
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: app.name, labels },
    spec: {
      replicas: app.replicas,
      selector: { matchLabels: { app: app.name } },
      template: {
        metadata: { labels },
        spec: {
          containers: [
            {
              name: 'app',
              image: `${SYNTHETIC_IMAGE}:1.0.0`,
              ports: [{ containerPort: 8080 }],
              readinessProbe: { httpGet: { path: '/healthz', port: 8080 } },
              resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '64Mi' } },
            },
          ],
        },
      },
    },
  };
  const service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: app.name },
    spec: { selector: { app: app.name }, ports: [{ port: 80, targetPort: 8080 }] },
  };
  return { deployment: `${JSON.stringify(deployment, null, 2)}\n`, service: `${JSON.stringify(service, null, 2)}\n` };
}

/**
 * Plans a deterministic healthy estate: extra clusters and instances up to the requested totals
 * (and enough clusters for the pods), then `apps` apps round-robin over every instance and the
 * synthetic clusters, with `pods` replicas in total.
 */
export function planSyntheticEstate(
  options: ScaleOptions,
  existingClusters: readonly string[],
  existingInstances: readonly string[],
): SyntheticEstatePlan {
  const appCount = options.apps ?? (options.pods ? Math.max(1, Math.ceil(options.pods / 25)) : 0);
  const pods = options.pods ?? appCount * 2;
  // Synthetic apps only run on synthetic clusters, so scenario clusters keep their node sizing.
  const wantedClusters = Math.max(
    (options.clusters ?? 0) - existingClusters.length,
    appCount > 0 ? Math.ceil(pods / PODS_PER_CLUSTER) : 0,
  );
  const clusters: string[] = [];
  for (let index = 1; clusters.length < wantedClusters; index++) {
    const name = `cluster-${index}`;
    if (!existingClusters.includes(name)) clusters.push(name);
  }
  const wantedInstances = Math.max(
    (options.argocdInstances ?? 0) - existingInstances.length,
    appCount > 0 && existingInstances.length === 0 ? 1 : 0,
  );
  const instances: string[] = [];
  for (let index = 1; instances.length < wantedInstances; index++) {
    const name = `argocd-${index}`;
    if (!existingInstances.includes(name)) instances.push(name);
  }
  const allInstances = [...existingInstances, ...instances];
  const apps: SyntheticApp[] = [];
  const files: Record<string, string> = {};
  for (let index = 0; index < appCount; index++) {
    const word = WORDS[index % WORDS.length] ?? 'service';
    const name = `${word}-${String(index + 1).padStart(4, '0')}`;
    const replicas = Math.floor(pods / appCount) + (index < pods % appCount ? 1 : 0);
    const app: SyntheticApp = {
      name,
      instance: allInstances[index % allInstances.length] ?? 'argocd-1',
      cluster: clusters[index % clusters.length] ?? 'cluster-1',
      namespace: name,
      replicas,
      path: `synthetic/${name}`,
    };
    apps.push(app);
    const { deployment, service } = manifests(app);
    files[`${app.path}/deployment.json`] = deployment;
    files[`${app.path}/service.json`] = service;
  }
  const images: ImageBehaviour[] =
    appCount > 0
      ? [
          {
            repository: SYNTHETIC_IMAGE,
            tags: ['1.0.0'],
            listenPort: 8080,
            memoryMiB: 40,
            startupLog: ['level=info msg="service-template ready" port=8080'],
          },
        ]
      : [];
  return { clusters, instances, apps, files, images };
}

/** Pods each synthetic cluster must hold (to size its nodes). */
export function podsPerCluster(plan: SyntheticEstatePlan): Map<string, number> {
  const totals = new Map<string, number>();
  for (const app of plan.apps) totals.set(app.cluster, (totals.get(app.cluster) ?? 0) + app.replicas);
  return totals;
}
