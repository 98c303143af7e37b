import type { ResultOf } from '../tool-results/result-schemas.js';
import { causePhrase } from './cause-phrases/index.js';
import { missingSettingOf, similarKeyOf } from './missing-setting.js';

type Workload = ResultOf<'describe_workload'>;

/** The image a container of the workload runs (the pod's, else the template's). */
function imageOf(report: Workload, container: string): string | undefined {
  const running = report.pods
    .flatMap((pod) => [...pod.initContainers, ...pod.containers])
    .find((candidate) => candidate.name === container)?.image;
  return running ?? report.containers.find((candidate) => candidate.name === container)?.image;
}

/**
 * What one crash-log line of a container says as a cause, with the names the report holds: a
 * setting the app reports missing from the ConfigMap or Secret it loads whole (`envFrom`), that
 * source and the key that stands where the setting used to; or the line's cause phrase with the
 * container and its image. Undefined when the line says neither (it is then quoted as is).
 */
export function crashLogStatement(report: Workload, container: string, line: string): string | undefined {
  const setting = missingSettingOf([line]);
  const source = setting
    ? report.envSources.find((candidate) => candidate.container === container && !candidate.keys.includes(setting))
    : undefined;
  if (setting && source) {
    const similar = similarKeyOf(setting, source.keys);
    return (
      `container ${container} reads ${setting} from ${source.kind} ${source.name} (envFrom), which has no key ` +
      `${setting}${similar ? ` but has ${similar}` : ''}; the app logged: ${line}`
    );
  }
  const phrase = causePhrase(line);
  if (!phrase) return undefined;
  const image = imageOf(report, container);
  return `container ${container}${image ? ` (image ${image})` : ''}: ${phrase}`;
}

/**
 * The envFrom sources that lack the setting a container logs as missing, one line each (flagged
 * by the caller): `container cart-api loads ConfigMap cart-api-settings whole (envFrom) without
 * the key REDIS_ADDR that it logs as missing (keys: REDIS_URL, CART_TTL)`.
 */
export function settingSourceLines(report: Workload): string[] {
  const lines: string[] = [];
  for (const log of report.crashLogs) {
    const setting = missingSettingOf(log.lines);
    if (!setting) continue;
    for (const source of report.envSources)
      if (source.container === log.container && !source.keys.includes(setting))
        lines.push(
          `container ${log.container} loads ${source.kind} ${source.name} whole (envFrom) without the key ` +
            `${setting} that it logs as missing (keys: ${source.keys.join(', ') || 'none'})`,
        );
  }
  return [...new Set(lines)];
}
