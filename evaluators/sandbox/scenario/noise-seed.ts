/**
 * Noise seeds: a scenario run with `--noise-seed N` gets, reproducibly for N, what a real estate
 * has around a fault and what misled diagnosis on unseen scenarios (issue 14): unrelated Warning
 * events in the app's namespace, a same-named app in another environment (healthy or broken), an
 * unrelated failing app elsewhere, and older events on the app's own long-gone pods. It is a pure
 * rewrite of the scenario, so the sandbox derives every status from it as from any scenario file.
 */
import type { Scenario, ScenarioApp } from './scenario-schema.js';

type NoiseEvent = Scenario['noise']['events'][number];

/** A small deterministic generator (mulberry32): the same seed draws the same noise. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const NEIGHBOURS = ['ledger-sync', 'promo-engine', 'audit-relay', 'geo-lookup', 'mailer', 'thumbnailer', 'fx-rates'];
const SUFFIX = 'bcdfghjklmnpqrstvwxz2456789';

/** What the noise added, for reports and tests. */
export interface NoiseSummary {
  seed: number;
  twin: { instance: string; cluster: string; isBroken: boolean };
  failingApp: { instance: string; name: string; namespace: string };
  events: number;
}

/** The scenario with the noise of `seed` added, and what was added. Seed 0 adds nothing. */
export function addNoise(scenario: Scenario, seed: number): { scenario: Scenario; summary?: NoiseSummary } {
  if (seed === 0) return { scenario };
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const token = (length: number) => Array.from({ length }, () => pick([...SUFFIX])).join('');
  const expected = expectedApp(scenario);
  const { cluster, namespace } = expected.destination;
  const appName = scenario.expect.app.name;
  const neighbour = pick(NEIGHBOURS.filter((name) => name !== appName));
  const stageCluster = `stage-${token(3)}`;
  const stageInstance = `argocd-${stageCluster}`;
  const isTwinBroken = random() < 0.5;
  const failing = pick(NEIGHBOURS.filter((name) => name !== appName && name !== neighbour));
  const failingInstance = pick([...scenario.argocd.map((instance) => instance.name), stageInstance]);
  const failingCluster =
    failingInstance === stageInstance
      ? stageCluster
      : (scenario.argocd.find((instance) => instance.name === failingInstance)?.apps[0]?.destination.cluster ??
        stageCluster);

  // Events live in a namespace: where the scenario's cluster has none yet (the app's sync is to create it),
  // noise adds none, or it would create the namespace the fault is about.
  const hasNamespace = scenario.clusters.some(
    (entry) => entry.name === cluster && entry.namespaces.includes(namespace),
  );
  const events: NoiseEvent[] = hasNamespace
    ? [
        ...neighbourEvents(cluster, namespace, neighbour, token, random),
        ...oldOwnEvents(cluster, namespace, appName, token, random),
      ]
    : [];
  const twinPath = `noise/${stageCluster}/${appName}`;
  const failingPath = `noise/${failingCluster}/${failing}`;
  const app = (name: string, path: string, destination: ScenarioApp['destination']): ScenarioApp => ({
    name,
    project: 'default',
    path,
    targetRevision: 'HEAD',
    destination,
    syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: ['CreateNamespace=true'] },
  });
  const argocd = scenario.argocd.map((instance) =>
    instance.name === failingInstance
      ? {
          ...instance,
          apps: [...instance.apps, app(failing, failingPath, { cluster: failingCluster, namespace: 'ops' })],
        }
      : instance,
  );
  const stageApps = [app(appName, twinPath, { cluster: stageCluster, namespace })];
  if (failingInstance === stageInstance)
    stageApps.push(app(failing, failingPath, { cluster: stageCluster, namespace: 'ops' }));
  argocd.push({ name: stageInstance, apps: stageApps });

  const twinImage = `registry.example.com/stage/${appName}`;
  const failingImage = `registry.example.com/ops/${failing}`;
  const noised: Scenario = {
    ...scenario,
    clusters: [...scenario.clusters, { name: stageCluster, namespaces: [namespace], objects: [], policies: [] }],
    argocd,
    images: [
      ...scenario.images,
      { repository: twinImage, tags: ['3.1.0'], listenPort: 8080, memoryMiB: 120 },
      {
        repository: failingImage,
        tags: ['0.9.4'],
        requiredEnv: ['QUEUE_URL'],
        crashLog: ['panic: QUEUE_URL is empty; refusing to start'],
      },
    ],
    git: {
      ...scenario.git,
      commits: [
        ...scenario.git.commits,
        {
          message: `${appName}: stage environment`,
          author: 'Noa Brandt <noa.brandt@example.com>',
          date: '-9d',
          files: { [`${twinPath}/deployment.yaml`]: deployment(appName, `${twinImage}:3.1.0`) },
          delete: [],
        },
        {
          message: `${failing}: nightly worker`,
          author: 'Ravi Menon <ravi.menon@example.com>',
          date: '-20d',
          files: { [`${failingPath}/deployment.yaml`]: deployment(failing, `${failingImage}:0.9.4`) },
          delete: [],
        },
        ...(isTwinBroken
          ? [
              {
                message: `${appName}: try 3.2.0-rc1 on stage`,
                author: 'Noa Brandt <noa.brandt@example.com>',
                date: `-${2 + Math.floor(random() * 5)}h`,
                files: { [`${twinPath}/deployment.yaml`]: deployment(appName, `${twinImage}:3.2.0-rc1`) },
                delete: [],
              },
            ]
          : []),
      ],
    },
    noise: { events: [...scenario.noise.events, ...events] },
  };
  return {
    scenario: noised,
    summary: {
      seed,
      twin: { instance: stageInstance, cluster: stageCluster, isBroken: isTwinBroken },
      failingApp: { instance: failingInstance, name: failing, namespace: 'ops' },
      events: events.length,
    },
  };
}

function expectedApp(scenario: Scenario): ScenarioApp {
  const app = scenario.argocd
    .find((instance) => instance.name === scenario.expect.app.instance)
    ?.apps.find((candidate) => candidate.name === scenario.expect.app.name);
  if (!app) throw new Error(`scenario ${scenario.name}: expect.app is not one of its apps`);
  return app;
}

/** Warnings another workload of the namespace raises: an image back-off, an HPA, a probe, a mount. */
function neighbourEvents(
  cluster: string,
  namespace: string,
  neighbour: string,
  token: (length: number) => string,
  random: () => number,
): NoiseEvent[] {
  const pod = `${neighbour}-${token(9)}-${token(5)}`;
  const all: NoiseEvent[] = [
    warning(
      cluster,
      namespace,
      { kind: 'Pod', name: pod },
      'BackOff',
      `Back-off pulling image "registry.example.com/${namespace}/${neighbour}:2.0.0-beta"`,
      '-50m',
      '-1m',
      17,
    ),
    warning(
      cluster,
      namespace,
      { kind: 'HorizontalPodAutoscaler', name: neighbour, apiVersion: 'autoscaling/v2' },
      'FailedGetResourceMetric',
      'failed to get memory utilization: unable to get metrics for resource memory: no metrics returned from ' +
        'resource metrics API',
      '-4h',
      '-3m',
      40,
    ),
    warning(
      cluster,
      namespace,
      { kind: 'Pod', name: pod },
      'Unhealthy',
      `Readiness probe failed: HTTP probe failed with statuscode: 503`,
      '-25m',
      '-2m',
      9,
    ),
    warning(
      cluster,
      namespace,
      { kind: 'Pod', name: `${neighbour}-${token(5)}` },
      'FailedMount',
      `MountVolume.SetUp failed for volume "${neighbour}-tls" : secret "${neighbour}-tls" not found`,
      '-2h',
      '-6m',
      12,
    ),
  ];
  return all.filter(() => random() < 0.75);
}

/** Warnings on the app's own pods of an earlier rollout, days old, long resolved. */
function oldOwnEvents(
  cluster: string,
  namespace: string,
  app: string,
  token: (length: number) => string,
  random: () => number,
): NoiseEvent[] {
  const pod = `${app}-${token(9)}-${token(5)}`;
  const options: NoiseEvent[] = [
    warning(
      cluster,
      namespace,
      { kind: 'Pod', name: pod },
      'FailedScheduling',
      '0/3 nodes are available: 3 Insufficient memory. preemption: 0/3 nodes are available: 3 No preemption ' +
        'victims found for incoming pod.',
      '-4d',
      '-4d',
      3,
    ),
    warning(
      cluster,
      namespace,
      { kind: 'Pod', name: pod },
      'Unhealthy',
      'Liveness probe failed: Get "http://10.244.7.31:8080/healthz": context deadline exceeded',
      '-6d',
      '-6d',
      2,
    ),
  ];
  return [pick1(options, random)];
}

function pick1<T>(items: readonly T[], random: () => number): T {
  return items[Math.floor(random() * items.length)] as T;
}

function warning(
  cluster: string,
  namespace: string,
  involvedObject: NoiseEvent['involvedObject'],
  reason: string,
  message: string,
  firstSeen: string,
  lastSeen: string,
  count: number,
): NoiseEvent {
  return { cluster, namespace, involvedObject, reason, message, type: 'Warning', count, firstSeen, lastSeen };
}

function deployment(name: string, image: string): string {
  return [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    `  name: ${name}`,
    `  labels: { app: ${name} }`,
    'spec:',
    '  replicas: 2',
    '  selector:',
    `    matchLabels: { app: ${name} }`,
    '  template:',
    '    metadata:',
    `      labels: { app: ${name} }`,
    '    spec:',
    '      containers:',
    `        - name: ${name}`,
    `          image: ${image}`,
    '          ports: [{ containerPort: 8080 }]',
    '          resources:',
    '            requests: { cpu: 50m, memory: 128Mi }',
    '            limits: { memory: 256Mi }',
    '',
  ].join('\n');
}
