import type { Scenario } from '../../evaluators/sandbox/scenario/scenario-schema.js';
import { CANARY_FORMATS, type CanaryFormat, type CanaryPlace } from './canary-formats.js';

const CLUSTER = 'prod-eu';
const NAMESPACE = 'payments';
/** Where the bare repeats of learned values are: read by the model only after the structured places. */
export const LATER_NAMESPACE = 'payments-jobs';
/** The object every map-shaped canary lives on (ConfigMap, Secret and Deployment share the name). */
export const CANARY_OBJECT = 'payments-canary';

const placed = (place: CanaryPlace): CanaryFormat[] => CANARY_FORMATS.filter((canary) => canary.place === place);
const keyed = (place: CanaryPlace): Record<string, string> =>
  Object.fromEntries(placed(place).map((canary) => [canary.key ?? canary.id, canary.text]));

/**
 * The scenario with every canary planted: log lines in the crashing container, events in the
 * namespace, a ConfigMap (data keys and file-shaped values), a Secret (data, stringData and a
 * last-applied annotation), annotations, a Deployment with env entries, commits in the GitOps
 * repo, and the question. Returns the question to ask.
 */
export function plantCanaries(scenario: Scenario): string {
  const image = scenario.images.find((candidate) => candidate.repository.endsWith('payments-api'));
  if (!image) throw new Error('crash-missing-env has no payments-api image');
  image.crashLog = [...(image.crashLog ?? []), ...placed('log').map((canary) => canary.text)];
  for (const canary of placed('event')) {
    scenario.noise.events.push({
      cluster: CLUSTER,
      namespace: NAMESPACE,
      // One object per event: events about the same object and reason are grouped into one line.
      involvedObject: { kind: 'ConfigMap', name: `${CANARY_OBJECT}-${canary.id}` },
      reason: 'CanaryCheck',
      message: canary.text,
      type: 'Warning',
      count: 1,
      firstSeen: '-30m',
      lastSeen: '-5m',
    });
  }
  for (const canary of CANARY_FORMATS) {
    if (!canary.bare) continue;
    scenario.noise.events.push({
      cluster: CLUSTER,
      namespace: LATER_NAMESPACE,
      involvedObject: { kind: 'Job', name: `${CANARY_OBJECT}-${canary.id}` },
      reason: 'CanaryRepeat',
      message: canary.bare.text,
      type: 'Warning',
      count: 1,
      firstSeen: '-20m',
      lastSeen: '-2m',
    });
  }
  const cluster = scenario.clusters.find((candidate) => candidate.name === CLUSTER);
  if (!cluster) throw new Error(`crash-missing-env has no cluster ${CLUSTER}`);
  cluster.namespaces = [...new Set([...cluster.namespaces, LATER_NAMESPACE])];
  const annotations = keyed('annotation');
  const { 'kubectl.kubernetes.io/last-applied-configuration': lastApplied, ...plainAnnotations } = annotations;
  const metadata = { name: CANARY_OBJECT, namespace: NAMESPACE };
  const secrets = placed('secret');
  cluster.objects.push(
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { ...metadata, annotations: plainAnnotations },
      data: keyed('configmap'),
    },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        ...metadata,
        ...(lastApplied ? { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': lastApplied } } : {}),
      },
      type: 'Opaque',
      data: Object.fromEntries(
        secrets
          .filter((canary) => canary.id !== 'secret-string')
          .map((canary) => [
            canary.key ?? canary.id,
            canary.id === 'secret-data' ? canary.text : Buffer.from(canary.text).toString('base64'),
          ]),
      ),
      stringData: Object.fromEntries(
        secrets
          .filter((canary) => canary.id === 'secret-string')
          .map((canary) => [canary.key ?? canary.id, canary.text]),
      ),
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata,
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: CANARY_OBJECT } },
        template: {
          metadata: { labels: { app: CANARY_OBJECT } },
          spec: {
            containers: [
              {
                name: 'app',
                image: 'registry.example.com/payments/payments-api:3.2.0',
                env: placed('env').map((canary) => ({ name: canary.key ?? canary.id, value: canary.text })),
              },
            ],
          },
        },
      },
    },
  );
  // Each commit touches the app's path, so Argo CD deploys it and its subject shows in the history.
  placed('commit').forEach((canary, index) => {
    scenario.git.commits.push({
      message: canary.text,
      author: 'CI Bot <ci@example.com>',
      date: `-${30 - index * 5}m`,
      files: {
        [`apps/payments-api/prod-eu/` + `${canary.id}.yaml`]:
          `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: note-${canary.id}\ndata:\n  note: ` +
          `${canary.marker}\n`,
      },
      delete: [],
    });
  });
  return `${scenario.question} ${placed('question')
    .map((canary) => canary.text)
    .join(' ')}`;
}

/**
 * Every planted text as a model would quote it (`key: value` for map entries), packed into answer
 * fields of at most `maxChars`: the scripted model repeats them all, and the redaction of the
 * answer on its way out must catch each one. Secret values are left out: no tool shows them, so
 * no model can repeat them (the tool-side redaction is what the other sinks check for those).
 */
export function canaryEchoes(maxChars: number): string[] {
  const lines = CANARY_FORMATS.filter((canary) => canary.place !== 'secret').map((canary) =>
    canary.key ? `${canary.key}: ${canary.text}` : canary.text,
  );
  const packed: string[] = [];
  for (const line of lines) {
    const last = packed.at(-1);
    if (last !== undefined && last.length + line.length + 1 <= maxChars) packed[packed.length - 1] = `${last}\n${line}`;
    else packed.push(line.slice(0, maxChars));
  }
  return packed;
}
