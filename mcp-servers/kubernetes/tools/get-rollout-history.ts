import { z } from 'zod';
import { findWellKnownType, type KubeObject, type ResourceType } from '../../common/kube-types.js';
import { argocdAppOf } from '../../common/kube-ownership.js';
import { formatAge } from '../../common/output-budget.js';
import { readOnlyAnnotations, toolError } from '../../common/tool-definition.js';
import { defineKubernetesTool, type KubernetesDeps } from '../deps.js';
import type { WorkloadShape } from '../kube-shapes.js';
import { templateImages } from '../rollout-state.js';
import { podSpecChanges, podSpecFieldChanges, type FieldChange } from '../template-diff.js';
import { namespaceSchema, objectNameSchema, resolveWorkload } from '../workload-lookup.js';

const type = (kind: string): ResourceType => findWellKnownType(kind) as ResourceType; // well-known kinds only

/** One revision of a workload's pod template. */
export interface RolloutRevision {
  revision: number;
  images: string[];
  createdAt?: string;
  changeCause?: string;
  replicas?: string;
  /** The numbers of `replicas` (Deployments: the ReplicaSet's ready and desired). */
  readyReplicas?: number;
  desiredReplicas?: number;
  /** The facts of `images` as data. */
  containerImages: Array<{ container: string; image?: string }>;
  isCurrent: boolean;
  /** What changed compared with the previous revision (images, env names, template hash). */
  changes: string[];
  /** The pod template's leaf fields that changed from the previous revision, as data. */
  fieldChanges: FieldChange[];
}

function ownedBy(object: KubeObject, owner: WorkloadShape): boolean {
  return (object.metadata.ownerReferences ?? []).some(
    (reference) =>
      reference.uid === owner.metadata.uid || (reference.kind === owner.kind && reference.name === owner.metadata.name),
  );
}

function envNames(template: WorkloadShape['spec']): string[] {
  return (template?.template?.spec?.containers ?? []).flatMap((container) => [
    ...(container.env ?? []).map((variable) => variable.name),
    ...(container.envFrom ?? []).map(
      (source) => `envFrom:${source.configMapRef?.name ?? source.secretRef?.name ?? '?'}`,
    ),
  ]);
}

function containerImagesOf(spec: WorkloadShape['spec']): Array<{ container: string; image?: string }> {
  return (spec?.template?.spec?.containers ?? []).map((container) => ({
    container: container.name,
    ...(container.image ? { image: container.image } : {}),
  }));
}

/** Revisions of a Deployment (its ReplicaSets) or StatefulSet/DaemonSet (ControllerRevisions), newest first. */
export async function rolloutRevisions(
  deps: KubernetesDeps,
  workload: WorkloadShape,
  namespace: string,
): Promise<RolloutRevision[]> {
  const revisions: Array<Omit<RolloutRevision, 'changes' | 'fieldChanges'> & { env: string[]; podSpec: unknown }> = [];
  if (workload.kind === 'Deployment') {
    const current = workload.metadata.annotations?.['deployment.kubernetes.io/revision'];
    const sets = ((await deps.kube.list(type('ReplicaSet'), { namespace })) as WorkloadShape[]).filter((set) =>
      ownedBy(set, workload),
    );
    for (const set of sets) {
      const revision = Number(set.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? 0);
      const cause = set.metadata.annotations?.['kubernetes.io/change-cause'];
      revisions.push({
        revision,
        images: templateImages(set),
        ...(set.metadata.creationTimestamp ? { createdAt: set.metadata.creationTimestamp } : {}),
        ...(cause ? { changeCause: cause } : {}),
        replicas: `${set.status?.readyReplicas ?? 0}/${set.spec?.replicas ?? 0} ready`,
        readyReplicas: set.status?.readyReplicas ?? 0,
        desiredReplicas: set.spec?.replicas ?? 0,
        containerImages: containerImagesOf(set.spec),
        isCurrent: String(revision) === current,
        env: envNames(set.spec),
        podSpec: set.spec?.template?.spec,
      });
    }
  } else {
    const controllerRevisions = (await deps.kube.list(type('ControllerRevision'), { namespace })).filter((revision) =>
      ownedBy(revision, workload),
    );
    for (const controllerRevision of controllerRevisions) {
      const data = (controllerRevision as { data?: { spec?: WorkloadShape['spec'] } }).data;
      const asWorkload = { metadata: { name: '' }, spec: data?.spec } as WorkloadShape;
      revisions.push({
        revision: Number((controllerRevision as { revision?: number }).revision ?? 0),
        images: templateImages(asWorkload),
        containerImages: containerImagesOf(data?.spec),
        ...(controllerRevision.metadata.creationTimestamp
          ? { createdAt: controllerRevision.metadata.creationTimestamp }
          : {}),
        isCurrent: controllerRevision.metadata.name === workload.status?.updateRevision,
        env: envNames(data?.spec),
        podSpec: data?.spec?.template?.spec,
      });
    }
  }
  revisions.sort((left, right) => right.revision - left.revision);
  return revisions.map(({ env, podSpec, ...revision }, index) => {
    const older = revisions[index + 1];
    const changes: string[] = [];
    if (older) {
      if (older.images.join() !== revision.images.join())
        changes.push(`images ${older.images.join(', ')} -> ${revision.images.join(', ')}`);
      const added = env.filter((name) => !older.env.includes(name));
      const removed = older.env.filter((name) => !env.includes(name));
      if (added.length) changes.push(`env added: ${added.join(', ')}`);
      if (removed.length) changes.push(`env removed: ${removed.join(', ')}`);
      // Every other field that changed, with its old and new value; images and env names are said above.
      changes.push(...podSpecChanges(older.podSpec, podSpec, isSaidAbove));
      if (changes.length === 0) changes.push('pod template changed (labels or annotations only)');
    }
    const fieldChanges = older ? podSpecFieldChanges(older.podSpec, podSpec) : [];
    return { ...revision, changes, fieldChanges };
  });
}

/** Paths the images and env-name lines already report: container images, env entries added or removed. */
function isSaidAbove(path: string): boolean {
  return /^(init)?[cC]ontainers\[[^\]]+\]\.image$/.test(path) || /\.env(From)?\[[^\]]+\]$/.test(path);
}

function appOf(workload: WorkloadShape): { argocdApp?: string } {
  const argocdApp = argocdAppOf(workload.metadata);
  return argocdApp ? { argocdApp } : {};
}

/** Shows the rollout history of a workload with what changed between revisions. */
export const getRolloutHistoryTool = defineKubernetesTool({
  name: 'get_rollout_history',
  title: 'Get rollout history',
  description:
    'Rollout history of a Deployment (ReplicaSets), StatefulSet or DaemonSet (ControllerRevisions), newest ' +
    'first: revision, age, images, change-cause, ' +
    ('ready replicas and what changed from the previous revision (image, env). Use it to tie a failure to the ' +
      'rollout that introduced it.'),
  inputSchema: z.strictObject({
    name: objectNameSchema,
    namespace: namespaceSchema.optional(),
    kind: z.enum(['Deployment', 'StatefulSet', 'DaemonSet']).optional(),
    limit: z.number().int().min(1).max(50).default(6),
  }),
  outputSchema: z.object({
    kind: z.enum(['Deployment', 'StatefulSet', 'DaemonSet']),
    namespace: z.string(),
    name: z.string(),
    argocdApp: z.string().optional(),
    revisions: z.array(
      z.object({
        revision: z.number(),
        images: z.array(z.string()),
        createdAt: z.string().optional(),
        changeCause: z.string().optional(),
        replicas: z.string().optional(),
        readyReplicas: z.number().int().optional(),
        desiredReplicas: z.number().int().optional(),
        containerImages: z.array(z.object({ container: z.string(), image: z.string().optional() })),
        isCurrent: z.boolean(),
        changes: z.array(z.string()).describe('What changed from the next older revision (images, env names).'),
        fieldChanges: z
          .array(z.object({ path: z.string(), from: z.string().optional(), to: z.string().optional() }))
          .describe('The pod template fields that changed from the next older revision, with old and new values.'),
      }),
    ),
    total: z.number().int(),
  }),
  annotations: readOnlyAnnotations,
  isWrite: false,
  handler: async (input, { deps }) => {
    const now = deps.now();
    const match = await resolveWorkload(deps.kube, {
      name: input.name,
      ...(input.namespace ? { namespace: input.namespace } : {}),
      ...(input.kind ? { kind: input.kind } : {}),
    });
    if (match.kind !== 'Deployment' && match.kind !== 'StatefulSet' && match.kind !== 'DaemonSet') {
      return toolError(
        `${match.kind} ${match.namespace}/${match.name} has no rollout history (only Deployments, StatefulSets ` +
          `and DaemonSets do). Call describe_workload instead.`,
      );
    }
    const revisions = await rolloutRevisions(deps, match.object, match.namespace);
    const shown = revisions.slice(0, input.limit);
    const lines = [`${match.kind} ${match.namespace}/${match.name}: ${revisions.length} revision(s), newest first`];
    for (const revision of shown) {
      lines.push(
        `  rev ${revision.revision}${revision.isCurrent ? ' (current)' : ''}  ` +
          `${formatAge(revision.createdAt, now)} ago  ${revision.replicas ?? ''}  ` +
          `${revision.images.join(', ')}${revision.changeCause ? `  cause: ${revision.changeCause}` : ''}`,
      );
      for (const change of revision.changes) lines.push(`    ${change}`);
    }
    if (revisions.length > shown.length)
      lines.push(`  … ${revisions.length - shown.length} older revisions not shown; raise limit`);
    return {
      text: lines.join('\n'),
      structured: {
        kind: match.kind,
        namespace: match.namespace,
        name: match.name,
        ...appOf(match.object),
        revisions: shown,
        total: revisions.length,
      },
    };
  },
});
