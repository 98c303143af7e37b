/**
 * A sync as the application controller runs it: the OperationStarted event naming who asked,
 * the sync itself, the stored operation state, and the OperationCompleted event with its outcome.
 */
import { recordApplicationEvent } from './application-events.js';
import type { ApplicationRecord } from './application-record.js';
import type { CompareContext } from './compare-application.js';
import { runSync, type SyncRequest } from './sync-operation.js';
import type { OperationState } from './types.js';

/** Runs one sync of an app and records its events; the caller holds the app's lock. */
export async function syncWithEvents(
  record: ApplicationRecord,
  request: SyncRequest,
  context: CompareContext,
): Promise<OperationState> {
  const { now } = context;
  const revision = request.revision ?? record.definition.source.targetRevision;
  const who = request.initiatedBy.automated
    ? 'automated sync'
    : `${request.initiatedBy.username ?? 'admin'} initiated sync`;
  recordApplicationEvent(
    record,
    request.initiatedBy.automated
      ? { reason: 'OperationStarted', message: `Initiated automated sync to '${revision}'` }
      : { reason: 'OperationStarted', message: `${who} to ${revision}`, component: 'argocd-server' },
    now(),
  );
  const state = await runSync(record, request, context);
  record.operationState = state;
  record.resourceVersion += 1;
  record.isDirty = true;
  const target = state.syncResult?.revision ?? state.operation.sync.revision;
  if (state.phase === 'Succeeded') {
    recordApplicationEvent(
      record,
      { reason: 'OperationCompleted', message: `Sync operation to ${target} succeeded` },
      now(),
    );
  } else {
    recordApplicationEvent(
      record,
      {
        reason: 'OperationCompleted',
        message: `Sync operation to ${target} failed: ${state.message}`,
        type: 'Warning',
      },
      now(),
    );
  }
  return state;
}
