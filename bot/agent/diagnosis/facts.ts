import type { FixFact } from '../../skills/fix-cases.js';
import type { Entities } from '../entities.js';
import type { GatheredSection } from '../evidence/section.js';
import type { InstanceAnswer } from '../tool-results/read-result.js';
import type { ReadTool, ResultOf } from '../tool-results/result-schemas.js';
import { isInitInTrouble } from '../evidence/workload.js';
import { claimChangeFacts, schedulingFacts } from './facts-scheduling.js';
import { admissionFacts } from './facts-admission.js';
import { missingSettingOf } from '../evidence/missing-setting.js';
import { lastHealthyImage, repositoryOf, tagOf } from './last-healthy.js';
import { runtimeFacts } from './facts-runtime.js';

export { tagOf } from './last-healthy.js';
export { missingSettingOf } from '../evidence/missing-setting.js';

/** The concrete names and values a fix can be written with, each from structured tool data. */
export type DiagnosisFacts = Partial<Record<FixFact, string>>;

/** When the failing state began: the revision that introduced it, as Argo CD recorded it. */
export interface Since {
  revision: string;
  at?: string;
  author?: string;
  message?: string;
  /** The revision was never deployed (its sync failed). */
  isFailedSync: boolean;
}

type Workload = ResultOf<'describe_workload'>;
type Application = ResultOf<'get_application'>;

/** Labels controllers add to every pod; never what a Service should select on. */
const GENERATED_LABELS = new Set([
  'pod-template-hash',
  'controller-revision-hash',
  'statefulset.kubernetes.io/pod-name',
]);

const PULL_REASONS = /^(?:ErrImagePull|ImagePullBackOff|InvalidImageName)$/;

/** Every answer's data of one tool's sections. */
function firstData<T extends ReadTool>(sections: readonly GatheredSection[], tool: T): Array<ResultOf<T>> {
  return sections.flatMap((section) =>
    // The section's tag says which schema checked `read`; TypeScript cannot correlate the two through T.
    section.tool === tool ? (section.read.answers as Array<InstanceAnswer<T>>).map((answer) => answer.data) : [],
  );
}

/** The failing image, its bad tag, and the tag that last ran healthy (the workload's revisions, else healthy pods). */
function imageFacts(workload: Workload, history: HealthHistory, troubledImage: string | undefined): DiagnosisFacts {
  const failing = workload.pods
    .flatMap((pod) => [...pod.initContainers, ...pod.containers])
    .find((container) => container.reason !== undefined && PULL_REASONS.test(container.reason));
  const failingImage = failing?.image ?? workload.containers.find((c) => c.name === failing?.name)?.image;
  const image = failingImage ?? troubledImage ?? workload.containers[0]?.image;
  if (!image) return {};
  const badTag = failingImage ? tagOf(failingImage) : undefined;
  const lastHealthy = lastHealthyImage(repositoryOf(image), badTag, history.rollout, history.application);
  const healthyPodImage = workload.pods
    .filter((pod) => pod.isHealthy)
    .flatMap((pod) => pod.containers)
    .map((container) => container.image)
    .find((candidate) => candidate && repositoryOf(candidate) === repositoryOf(image) && tagOf(candidate) !== badTag);
  const healthyTag = lastHealthy?.tag ?? tagOf(healthyPodImage);
  return {
    image: repositoryOf(image),
    ...(badTag ? { badTag } : {}),
    ...(healthyTag ? { healthyTag } : {}),
    ...(lastHealthy?.revision ? { healthyRevision: lastHealthy.revision.slice(0, 7) } : {}),
    ...(failing ? { container: failing.name } : {}),
  };
}

/** What tells which image last ran healthy: the workload's revisions and the Argo CD app's sync history. */
interface HealthHistory {
  rollout?: ResultOf<'get_rollout_history'>;
  application?: Application;
}

function workloadFacts(workload: Workload, history: HealthHistory): DiagnosisFacts {
  const [reference] = workload.missingReferences;
  const [key] = workload.missingKeys;
  const [claim] = workload.unboundClaims;
  // An init container that holds the pod back is the one in trouble, not the app containers waiting for it.
  const troubledInit = workload.pods.flatMap((pod) => pod.initContainers).find(isInitInTrouble);
  const troubled =
    troubledInit ?? workload.pods.flatMap((pod) => pod.containers).find((container) => container.state !== 'running');
  return {
    workload: `${workload.kind} ${workload.namespace}/${workload.name}`,
    namespace: workload.namespace,
    ...(troubled ? { container: troubled.name } : {}),
    ...(troubled?.command ? { command: troubled.command } : {}),
    ...imageFacts(workload, history, troubled?.image),
    ...(reference ? { missingObject: `${reference.kind} ${reference.name}` } : {}),
    ...(key ? { missingKey: key.key, keyOwner: `${key.kind} ${key.name}` } : {}),
    ...(claim?.storageClassName ? { storageClass: claim.storageClassName } : {}),
  };
}

function serviceFacts(service: ResultOf<'check_service'>): DiagnosisFacts {
  const labels = Object.entries(service.nearMisses[0]?.labels ?? {}).filter(([key]) => !GENERATED_LABELS.has(key));
  const selector = Object.entries(service.selector).map(([key, value]) => `${key}=${value}`);
  const ports = [...new Set(service.ports.flatMap((port) => port.containerPorts))];
  return {
    service: `Service ${service.namespace}/${service.service}`,
    ...(selector.length > 0 ? { serviceSelector: selector.join(',') } : {}),
    ...(labels.length > 0 ? { podLabels: labels.map(([key, value]) => `${key}=${value}`).join(',') } : {}),
    ...(ports.length > 0 ? { containerPort: ports.join(', ') } : {}),
  };
}

/** The ports a container declares and the port its probes check (a probe on an undeclared port first). */
function portFacts(resource: ResultOf<'get_resource'>): DiagnosisFacts {
  const containers = resource.object.spec?.template?.spec?.containers ?? [];
  for (const container of containers) {
    const declared = container.ports.map((port) => String(port.containerPort));
    const names = container.ports.map((port) => port.name).filter(Boolean);
    const probed = [container.livenessProbe, container.readinessProbe, container.startupProbe]
      .map((probe) => probe?.httpGet?.port ?? probe?.tcpSocket?.port)
      .filter((port) => port !== undefined)
      .map(String);
    const wrong = probed.find((port) => !declared.includes(port) && !names.includes(port));
    if (wrong || (containers.length === 1 && declared.length > 0))
      return {
        container: container.name,
        ...(declared.length > 0 ? { containerPort: declared.join(', ') } : {}),
        ...((wrong ?? probed[0]) ? { probePort: wrong ?? probed[0] ?? '' } : {}),
      };
  }
  return {};
}

/**
 * A sync that failed on a namespace: the namespace its failed resources go to, and the Namespace
 * objects the app itself manages under another name (both from the app's resource lists).
 */
function namespaceFacts(app: Application): DiagnosisFacts {
  const failed = [...(app.operation?.failedResources ?? []), ...app.unhealthyResources];
  const missing = failed.find((resource) => resource.namespace && resource.kind !== 'Namespace')?.namespace;
  const objects = [
    ...new Set(
      [...app.outOfSyncResources, ...app.unhealthyResources.map((resource) => `${resource.kind}/${resource.name}`)]
        .filter((label) => label.startsWith('Namespace/'))
        .map((label) => label.slice('Namespace/'.length))
        .filter((name) => name !== missing),
    ),
  ];
  return {
    ...(missing ? { missingNamespace: missing } : {}),
    ...(objects.length > 0 ? { namespaceObject: `Namespace ${objects.join(', ')}` } : {}),
  };
}

/**
 * The resources that fail policies, each named once, the controllers people edit rather than
 * the pods they own (a pod whose owner also fails is left out).
 */
export function failingResources(results: ReadonlyArray<ResultOf<'list_policy_violations'>>): string[] {
  const groups = results.flatMap((result) => result.groups);
  const failingKeys = new Set(groups.flatMap((group) => group.resourceRefs.map((ref) => `${ref.kind}/${ref.name}`)));
  const labels = groups.flatMap((group) =>
    group.resources.filter((label, index) => {
      const ref = group.resourceRefs[index];
      return !ref?.owners?.some((owner) => failingKeys.has(`${owner.kind}/${owner.name}`));
    }),
  );
  return [...new Set(labels)];
}

/** Every fact the gathered data holds, first answer of each tool winning. */
export function factsOf(entities: Entities, sections: readonly GatheredSection[]): DiagnosisFacts {
  const facts: DiagnosisFacts = {};
  const merge = (more: DiagnosisFacts) => {
    for (const [name, value] of Object.entries(more) as Array<[FixFact, string]>) facts[name] ??= value;
  };
  if (entities.app) merge({ app: entities.app.name });
  const application = firstData(sections, 'get_application').find((app) => app.name === entities.app?.name);
  const [rollout] = firstData(sections, 'get_rollout_history');
  const history: HealthHistory = { ...(rollout ? { rollout } : {}), ...(application ? { application } : {}) };
  // An admission denial names the container and field at fault more precisely than the pods' states.
  merge(admissionFacts(sections, sinceOf(application)?.revision.slice(0, 7)));
  merge(claimChangeFacts(application));
  for (const workload of firstData(sections, 'describe_workload')) merge(workloadFacts(workload, history));
  // Without an Argo CD app, the workload's own manifests are where the change goes.
  const [described] = firstData(sections, 'describe_workload');
  if (described) merge({ app: described.name });
  for (const resource of firstData(sections, 'get_resource')) merge(portFacts(resource));
  for (const service of firstData(sections, 'check_service')) merge(serviceFacts(service));
  const logLines = [
    ...firstData(sections, 'describe_workload').flatMap((workload) => workload.crashLogs.flatMap((log) => log.lines)),
    ...firstData(sections, 'get_pod_logs').flatMap((logs) => logs.lines),
  ];
  const setting = missingSettingOf(logLines);
  if (setting) merge({ missingSetting: setting });
  merge(
    schedulingFacts(
      {
        workloads: firstData(sections, 'describe_workload'),
        resources: firstData(sections, 'get_resource'),
        lists: firstData(sections, 'list_resources'),
        services: firstData(sections, 'check_service'),
        logLines,
      },
      entities.namespace ?? described?.namespace,
    ),
  );
  merge(
    runtimeFacts({
      workloads: firstData(sections, 'describe_workload'),
      rollouts: firstData(sections, 'get_rollout_history'),
      diffs: firstData(sections, 'get_application_diff'),
      podLogs: firstData(sections, 'get_pod_logs'),
    }),
  );
  const classes = firstData(sections, 'list_resources').flatMap((list) =>
    list.kind === 'StorageClass' ? list.items.map((item) => item.name) : [],
  );
  if (classes.length > 0) merge({ storageClasses: classes.join(', ') });
  const failing = failingResources(firstData(sections, 'list_policy_violations'));
  if (failing.length > 0) merge({ policyResources: failing.join(', '), policyTarget: failing.join(', ') });
  if (application) merge(namespaceFacts(application));
  const since = sinceOf(application);
  if (since) merge({ revision: since.revision.slice(0, 7) });
  if (entities.namespace) merge({ namespace: entities.namespace });
  return facts;
}

/**
 * The revision the app's state comes from: a failed sync's revision (never deployed), else the
 * synced revision with its deployment time and commit.
 */
export function sinceOf(app: Application | undefined): Since | undefined {
  if (!app) return undefined;
  const operation = app.operation;
  const [current] = app.history;
  if (operation?.revision && operation.phase !== 'Succeeded' && operation.revision !== current?.revision)
    return {
      revision: operation.revision,
      ...(operation.finishedAt ? { at: operation.finishedAt } : {}),
      ...(operation.commit?.author ? { author: operation.commit.author } : {}),
      ...(operation.commit?.message ? { message: operation.commit.message } : {}),
      isFailedSync: true,
    };
  if (!current) return undefined;
  return {
    revision: current.revision,
    ...(current.deployedAt ? { at: current.deployedAt } : {}),
    ...(current.author ? { author: current.author } : {}),
    ...(current.message ? { message: current.message } : {}),
    isFailedSync: false,
  };
}
