import type { Answer } from '../agent/answer.js';
import type { SkillCatalog, ToolGateway } from '../agent/ports.js';
import { buildSnapshot, previousDeploy, type SnapshotApp, type SnapshotEntry } from '../learning/snapshot.js';
import { referencedObjects, type ObjectReference } from '../learning/snapshot-references.js';
import type { Store } from '../store/store.js';
import type { Logger } from '../telemetry/logger.js';

/**
 * Reads an app's source files (path → text) at a revision from its Git host, for the snapshot;
 * undefined when no host is configured for the repository.
 */
export type SourceReader = (
  source: NonNullable<SnapshotApp['source']>,
  revision: string | undefined,
) => Promise<Record<string, string> | undefined>;

/**
 * Reads one Kubernetes object (the `get_resource` structured result) for the snapshot; undefined
 * when it does not exist or cannot be read.
 */
export type ObjectReader = (reference: {
  instance: string;
  kind: string;
  name: string;
  namespace?: string;
}) => Promise<unknown | undefined>;

/** A reader over the gateway's `get_resource`: the same tool, policy and redaction as any call. */
export function gatewayObjectReader(gateway: ToolGateway): ObjectReader {
  return async ({ instance, kind, name, namespace }) => {
    const result = await gateway.callTool('get_resource', {
      instance,
      kind,
      name,
      ...(namespace && kind !== 'ClusterPolicy' ? { namespace } : {}),
    });
    return result.isError ? undefined : result.structured;
  };
}

async function readReferenced(
  references: readonly ObjectReference[],
  readObject: ObjectReader,
): Promise<SnapshotEntry[]> {
  const entries: SnapshotEntry[] = [];
  for (const reference of references) {
    for (const kind of reference.kinds) {
      const request = {
        instance: reference.instance,
        kind,
        name: reference.name,
        ...(reference.namespace ? { namespace: reference.namespace } : {}),
      };
      const data = await readObject(request).catch(() => undefined);
      if (data === undefined) continue;
      const { instance, ...args } = request;
      entries.push({ tool: 'get_resource', instance, arguments: { instance, ...args }, data });
      break;
    }
  }
  return entries;
}

/** The answer with the version of every skill it used, so the reply can cite them. */
export async function withSkillVersions(answer: Answer, catalog: SkillCatalog): Promise<Answer> {
  if (!catalog.version || answer.skills.length === 0) return answer;
  const versions: Record<string, string> = {};
  for (const name of answer.skills) {
    const version = await catalog.version(name);
    if (version) versions[name] = version;
  }
  return Object.keys(versions).length > 0 ? { ...answer, skillVersions: versions } : answer;
}

/**
 * Records the redacted snapshot of what an investigation gathered (its audited tool results,
 * through `readSources` the app's files, and through `readObject` the quotas and policies the
 * evidence names). A failure is logged, never fails the answer.
 */
export async function recordSnapshot(input: {
  store: Store;
  investigationId: string;
  question: string;
  appName?: string;
  readSources?: SourceReader;
  /** Reads the quotas and policies the evidence names, so a replay enforces them too. */
  readObject?: ObjectReader;
  logger?: Logger;
}): Promise<void> {
  try {
    const calls = await input.store.toolCalls.listForInvestigation(input.investigationId);
    const draft = buildSnapshot({ ...input, calls, takenAt: new Date() });
    let sources: Record<string, string> | undefined;
    if (draft.app?.source && input.readSources) {
      sources = await input.readSources(draft.app.source, draft.app.revision).catch((error: unknown) => {
        input.logger?.warn({ event: 'snapshot-sources-error', err: error }, 'app sources not read for the snapshot');
        return undefined;
      });
    }
    const references = input.readObject ? referencedObjects(draft) : [];
    const referenced = input.readObject ? await readReferenced(references, input.readObject) : [];
    // The files of the revision before, so a replay has the same history (a scale-up is not a new rollout).
    const before = sources ? previousDeploy(draft) : undefined;
    const previousSources =
      before && draft.app?.source && input.readSources
        ? await input.readSources(draft.app.source, before.revision).catch(() => undefined)
        : undefined;
    const snapshot =
      sources || referenced.length > 0
        ? buildSnapshot({
            ...input,
            calls,
            takenAt: new Date(draft.takenAt),
            ...(sources ? { sources } : {}),
            referenced,
            ...(before && previousSources ? { previous: { ...before, sources: previousSources } } : {}),
          })
        : draft;
    await input.store.snapshots.save(input.investigationId, snapshot);
  } catch (error) {
    input.logger?.warn(
      { event: 'snapshot-error', investigationId: input.investigationId, err: error },
      'investigation snapshot not recorded',
    );
  }
}
