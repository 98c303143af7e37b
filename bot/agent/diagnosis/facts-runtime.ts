/**
 * Facts of the runtime, configuration and Argo CD family, each from structured tool data: the
 * image that last ran (across repositories, for an image swapped for another build), the file the
 * app cannot open, the envFrom source that lacks the setting the app reads, and the fields a live
 * edit changed (from get_application_diff's unified diff lines).
 */
import type { FixFact } from '../../skills/fix-cases.js';
import { describeDrift, driftedFields } from '../evidence/drifted-fields.js';
import { missingSettingOf, similarKeyOf } from '../evidence/missing-setting.js';
import type { ResultOf } from '../tool-results/result-schemas.js';
import { tagOf } from './last-healthy.js';

type Facts = Partial<Record<FixFact, string>>;

/** The structured answers the runtime facts read. */
export interface RuntimeData {
  workloads: ReadonlyArray<ResultOf<'describe_workload'>>;
  rollouts: ReadonlyArray<ResultOf<'get_rollout_history'>>;
  diffs: ReadonlyArray<ResultOf<'get_application_diff'>>;
  podLogs: ReadonlyArray<ResultOf<'get_pod_logs'>>;
}

/** `open /etc/tax/rates.yaml: no such file or directory` in the app's own output → the path. */
const MISSING_FILE = /(?:open|stat|read|load(?:ing)?|lstat)\s+(\/[^\s:]+):?\s*no such file or directory/i;

/** The file the app reports it cannot open, and its directory, from its own log lines. */
export function missingFileOf(lines: readonly string[]): Facts {
  for (const line of lines) {
    const path = MISSING_FILE.exec(line)?.[1];
    if (!path) continue;
    const directory = path.slice(0, path.lastIndexOf('/')) || '/';
    return { missingFile: path, missingFileDirectory: directory };
  }
  return {};
}

/** `name=registry/app:1.0` or `registry/app:1.0` → the container name (when given) and the image. */
function splitImage(listed: string): { container?: string; image: string } {
  // History lists may add details after the reference (`app=registry/app:1.0 (limits memory=512Mi)`).
  const entry = listed.trim().split(/\s+/)[0] ?? '';
  const equals = entry.indexOf('=');
  if (equals <= 0 || entry.slice(0, equals).includes('/')) return { image: entry };
  return { container: entry.slice(0, equals), image: entry.slice(equals + 1) };
}

/**
 * The whole image a container ran in the newest revision before the current one that ran
 * another image (one that still has ready pods first): the way back when the current image is
 * another build or repository altogether (`app-buildx:3.0.0` after `app:2.6.1`).
 */
export function healthyImageOf(
  rollout: ResultOf<'get_rollout_history'> | undefined,
  container: string | undefined,
  currentImage: string | undefined,
): Facts {
  if (!rollout) return {};
  const imageIn = (images: readonly string[]) => {
    const split = images.map(splitImage);
    return (split.find((entry) => entry.container === container) ?? (split.length === 1 ? split[0] : undefined))?.image;
  };
  const candidates = [...rollout.revisions]
    .filter((revision) => !revision.isCurrent)
    .sort((left, right) => right.revision - left.revision)
    .map((revision) => ({ revision, image: imageIn(revision.images) }))
    .filter((candidate) => candidate.image !== undefined && candidate.image !== currentImage);
  const chosen = candidates.find((candidate) => (candidate.revision.readyReplicas ?? 0) > 0) ?? candidates[0];
  if (!chosen?.image) return {};
  const tag = tagOf(chosen.image);
  return { healthyImage: chosen.image, ...(tag ? { healthyTag: tag } : {}) };
}

/** The envFrom source of the crashing container that lacks the setting the app reports missing, and its near key. */
function settingsSourceOf(workload: ResultOf<'describe_workload'>, setting: string | undefined): Facts {
  if (!setting) return {};
  const crashing = new Set(workload.crashLogs.map((log) => log.container));
  const source = workload.envSources.find(
    (candidate) => (crashing.size === 0 || crashing.has(candidate.container)) && !candidate.keys.includes(setting),
  );
  if (!source) return {};
  const similar = similarKeyOf(setting, source.keys);
  return { settingsSource: `${source.kind} ${source.name}`, ...(similar ? { replacedKey: similar } : {}) };
}

/** The fields the first modified resource of an OutOfSync app differs in, and who last wrote it live. */
function driftFacts(diffs: RuntimeData['diffs']): Facts {
  for (const diff of diffs.flatMap((result) => result.diffs)) {
    if (diff.change !== 'modified') continue;
    const fields = driftedFields(diff.lines);
    if (fields.length === 0) continue;
    return {
      driftedResource: diff.resource,
      driftedFields: describeDrift(fields),
      ...(diff.lastWrittenBy ? { driftedBy: diff.lastWrittenBy } : {}),
    };
  }
  return {};
}

/** Every runtime fact the gathered data holds (the first workload and rollout history win). */
export function runtimeFacts(data: RuntimeData): Facts {
  const [workload] = data.workloads;
  const logLines = [
    ...data.workloads.flatMap((one) => one.crashLogs.flatMap((log) => log.lines)),
    ...data.podLogs.flatMap((logs) => logs.lines),
  ];
  const crashing = workload?.crashLogs.find((log) => !log.isInit)?.container ?? workload?.containers[0]?.name;
  const currentImage = workload?.containers.find((container) => container.name === crashing)?.image;
  return {
    ...missingFileOf(logLines),
    ...(workload ? settingsSourceOf(workload, missingSettingOf(logLines)) : {}),
    ...healthyImageOf(data.rollouts[0], crashing, currentImage),
    ...driftFacts(data.diffs),
  };
}
