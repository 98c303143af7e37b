import type { ResultOf } from '../tool-results/result-schemas.js';

type Rollout = ResultOf<'get_rollout_history'>;
type Application = ResultOf<'get_application'>;

/** The image tag that last ran healthy, and the Argo CD sync that deployed it when the history shows it. */
export interface LastHealthy {
  tag: string;
  /** The Argo CD revision (commit) whose sync rolled that tag out. */
  revision?: string;
  deployedAt?: string;
}

/** The tag of an image reference (`registry/app:1.8.3` → `1.8.3`); none for digests. */
export function tagOf(image: string | undefined): string | undefined {
  if (!image || image.includes('@')) return undefined;
  const last = image.split('/').pop() ?? '';
  const colon = last.lastIndexOf(':');
  return colon > 0 ? last.slice(colon + 1) : undefined;
}

/** The image's repository without the tag. */
export function repositoryOf(image: string): string {
  const tag = tagOf(image);
  return tag ? image.slice(0, image.length - tag.length - 1) : image;
}

/** Slack between an Argo CD sync and the ReplicaSet it makes: the controller acts within seconds. */
const SYNC_TO_ROLLOUT_MS = 10 * 60_000;

/**
 * The Argo CD history entry that rolled a revision out: the newest sync at or shortly before the
 * ReplicaSet was created.
 */
function syncOf(
  createdAt: string | undefined,
  application: Application | undefined,
): Application['history'][number] | undefined {
  const created = createdAt ? Date.parse(createdAt) : Number.NaN;
  if (!application || Number.isNaN(created)) return undefined;
  return application.history.find((entry) => {
    const deployed = entry.deployedAt ? Date.parse(entry.deployedAt) : Number.NaN;
    return !Number.isNaN(deployed) && deployed <= created + 1000 && created - deployed <= SYNC_TO_ROLLOUT_MS;
  });
}

/**
 * The tag of `repository` that last ran healthy, from the workload's revisions (ReplicaSets or
 * ControllerRevisions, newest first) rather than whatever pods happen to run: the newest revision
 * before the current one with a different tag, preferring one that still has ready pods (it
 * demonstrably runs), tied to the Argo CD sync that deployed it through the app's history.
 */
export function lastHealthyImage(
  repository: string,
  badTag: string | undefined,
  rollout: Rollout | undefined,
  application: Application | undefined,
): LastHealthy | undefined {
  if (!rollout) return undefined;
  const candidates = [...rollout.revisions]
    .filter((revision) => !revision.isCurrent)
    .sort((left, right) => right.revision - left.revision)
    .map((revision) => ({
      revision,
      tag: tagOf(revision.images.find((image) => repositoryOf(image) === repository)),
    }))
    .filter(
      (candidate): candidate is { revision: Rollout['revisions'][number]; tag: string } =>
        candidate.tag !== undefined && candidate.tag !== badTag,
    );
  const chosen = candidates.find((candidate) => (candidate.revision.readyReplicas ?? 0) > 0) ?? candidates[0];
  if (!chosen) return undefined;
  const sync = syncOf(chosen.revision.createdAt, application);
  return {
    tag: chosen.tag,
    ...(sync ? { revision: sync.revision } : {}),
    ...(sync?.deployedAt ? { deployedAt: sync.deployedAt } : {}),
  };
}
