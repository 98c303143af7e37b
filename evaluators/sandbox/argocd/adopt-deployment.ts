/**
 * Marks an app as deployed at a revision without applying anything: the history entry, the
 * applied-resource bookkeeping and a succeeded operation, as if a sync had run at `deployedAt`.
 */
import type { KubeObject } from '../kube/cluster-api.js';
import type { ApplicationRecord } from './application-record.js';
import { resourceKey } from './compare.js';
import { prepareTargets } from './compare-application.js';
import type { RenderedSource } from './render-manifests.js';
import type { HelmSource } from './types.js';
import { isAutomated } from './application-record.js';

/** Records the deployment on the app and returns the objects the caller bulk-loads. */
export async function adoptDeployment(
  record: ApplicationRecord,
  render: (revision: string, path: string, helm?: HelmSource) => Promise<RenderedSource>,
  revision: string,
  deployedAt: Date,
): Promise<KubeObject[]> {
  const rendered = await render(revision, record.definition.source.path, record.definition.source.helm);
  const targets = prepareTargets(record.definition.name, record.definition.destination.namespace, rendered.objects);
  for (const target of targets) {
    record.applied.set(resourceKey(target), {
      apiVersion: target.apiVersion,
      kind: target.kind,
      ...(target.metadata.namespace ? { namespace: target.metadata.namespace } : {}),
      name: target.metadata.name,
    });
  }
  const at = deployedAt.toISOString();
  const initiatedBy = isAutomated(record.definition) ? { automated: true } : { username: 'admin' };
  record.history = [
    {
      id: 0,
      revision: rendered.revision,
      deployStartedAt: at,
      deployedAt: at,
      source: record.definition.source,
      initiatedBy,
    },
  ];
  record.lastAutoSyncRevision = rendered.revision;
  record.operationState = {
    operation: { sync: { revision: rendered.revision, syncStrategy: { hook: {} } }, initiatedBy, retry: {} },
    phase: 'Succeeded',
    message: 'successfully synced (all tasks run)',
    syncResult: { resources: [], revision: rendered.revision, source: record.definition.source },
    startedAt: at,
    finishedAt: at,
  };
  record.isDirty = true;
  return targets;
}
