/**
 * The Application object as `GET /api/v1/applications/{name}` returns it, assembled from the
 * app's definition, its bookkeeping (uid, versions, history, last operation) and a comparison.
 */
import type { ApplicationRecord, ComparisonResult } from './application-record.js';
import type { Application } from './types.js';

/** The Application of a record at one comparison. */
export function applicationView(
  record: ApplicationRecord,
  comparison: ComparisonResult,
  controllerNamespace: string,
): Application {
  const { definition } = record;
  const status = comparison.status;
  return {
    metadata: {
      name: definition.name,
      namespace: controllerNamespace,
      uid: record.uid,
      resourceVersion: String(record.resourceVersion),
      generation: record.generation,
      creationTimestamp: record.createdAt,
      ...(definition.labels ? { labels: definition.labels } : {}),
      ...(definition.annotations ? { annotations: definition.annotations } : {}),
    },
    spec: {
      project: definition.project,
      source: definition.source,
      destination: definition.destination,
      ...(definition.syncPolicy ? { syncPolicy: definition.syncPolicy } : {}),
    },
    status: {
      ...status,
      health: {
        status: status.health.status,
        ...(record.reported ? { lastTransitionTime: record.reported.healthSince } : {}),
      },
      ...(record.history.length > 0 ? { history: record.history } : {}),
      ...(comparison.conditions.length > 0 ? { conditions: comparison.conditions } : {}),
      ...(record.operationState ? { operationState: record.operationState } : {}),
      controllerNamespace,
    },
  };
}
