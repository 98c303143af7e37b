import type { Answer } from '../agent/answer.js';
import type { SkillCatalog } from '../agent/ports.js';
import { buildSnapshot, type SnapshotApp } from '../learning/snapshot.js';
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
 * Records the redacted snapshot of what an investigation gathered (its audited tool results and,
 * through `readSources`, the app's files). A failure is logged, never fails the answer.
 */
export async function recordSnapshot(input: {
  store: Store;
  investigationId: string;
  question: string;
  appName?: string;
  readSources?: SourceReader;
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
    const snapshot = sources ? buildSnapshot({ ...input, calls, takenAt: new Date(draft.takenAt), sources }) : draft;
    await input.store.snapshots.save(input.investigationId, snapshot);
  } catch (error) {
    input.logger?.warn(
      { event: 'snapshot-error', investigationId: input.investigationId, err: error },
      'investigation snapshot not recorded',
    );
  }
}
