import type { EvidenceItem, EvidenceKind } from '../../skills/evidence.js';
import type { ResultOf } from '../tool-results/result-schemas.js';
import { clipLine } from './age.js';
import { causePhrase } from './cause-phrases/index.js';
import { condenseMessage } from './condense.js';
import { crashLogStatement, settingSourceLines } from './crash-log-lines.js';
import { eventEvidence } from './event-lines.js';
import type { EvidenceContext } from './section.js';

/**
 * describe_workload as evidence: the rollout and each pod (`container_state`), its problems
 * (container waiting/terminated reasons, exit codes, restarts — flagged), the ConfigMaps,
 * Secrets, PVCs and keys the pods need but that do not exist (flagged), the warning events
 * (`event`) and the last log lines of crashing containers (`log`, one line each).
 */
export function workloadEvidence(report: ResultOf<'describe_workload'>, context: EvidenceContext): EvidenceItem[] {
  const items: EvidenceItem[] = [];
  const push = (kind: EvidenceKind, text: string, isProblem = false) => {
    const statement = causePhrase(text) ?? condenseMessage(text);
    items.push({
      kind,
      source: context.source,
      text: clipLine(text),
      ...(isProblem ? { isProblem } : {}),
      ...(statement !== text.replace(/\s+/g, ' ').trim() ? { statement: clipLine(statement) } : {}),
    });
  };
  push(
    'container_state',
    `${report.kind} ${report.namespace}/${report.name}${report.revision ? ` (revision ${report.revision})` : ''}`,
  );
  if (report.images.length > 0) push('container_state', `images: ${report.images.join(', ')}`);
  if (report.rollout) {
    push('container_state', `rollout: ${report.rollout.summary}${report.rollout.isHealthy ? ' — healthy' : ''}`);
    for (const problem of report.rollout.problems) push('container_state', problem, true);
  }
  const initLines = initContainerEvidence(report, context);
  // The init-container lines below say what the pods' `init:<name>` problems say, once and with more.
  const initNames = new Set(
    report.pods.flatMap((pod) => pod.initContainers.filter(isInitInTrouble).map((c) => c.name)),
  );
  const isInitProblem = (problem: string) => [...initNames].some((name) => problem.startsWith(`init:${name} `));
  for (const pod of report.pods) {
    push(
      'container_state',
      `${pod.name}  ${pod.phase} ${pod.ready ?? '?'} ready  restarts=${pod.restarts}` +
        (pod.node ? `  node=${pod.node}` : ''),
    );
    for (const problem of pod.problems) if (!isInitProblem(problem)) push('container_state', problem, true);
  }
  items.push(...initLines);
  for (const reference of report.missingReferences) {
    push(
      'container_state',
      `missing ${reference.kind} ${reference.name} — used by ${reference.usedBy} (pods cannot start until it exists)`,
      true,
    );
  }
  for (const claim of report.unboundClaims) {
    const storageClass = claim.storageClassName ? ` (storageClassName ${claim.storageClassName})` : '';
    push(
      'container_state',
      `PersistentVolumeClaim ${claim.name} is ${claim.phase}${storageClass}: pods using it cannot start`,
      true,
    );
  }
  for (const line of settingSourceLines(report)) push('container_state', line, true);
  for (const key of report.missingKeys)
    push('container_state', `${key.kind} ${key.name} has no key '${key.key}' — used by ${key.usedBy}`, true);
  items.push(...eventEvidence(report.warningEvents.slice(0, 8), context, true));
  for (const log of report.crashLogs)
    for (const line of log.lines) {
      if (!line.trim()) continue;
      const statement = crashLogStatement(report, log.container, line.trim());
      if (!log.isInit && !statement) push('log', line.trim());
      else if (!log.isInit && statement)
        items.push({
          kind: 'log',
          source: context.source,
          text: clipLine(line.trim()),
          statement: clipLine(statement),
        });
      else
        items.push({
          kind: 'log',
          source: context.source,
          text: clipLine(line.trim()),
          // Who logged it, for the root cause: the init container, not the app.
          statement: clipLine(`init container ${log.container} of ${workloadLabel(report)} logged: ${line.trim()}`),
        });
    }
  return items;
}

function workloadLabel(report: ResultOf<'describe_workload'>): string {
  return `${report.kind} ${report.namespace}/${report.name}`;
}

type Container = ResultOf<'describe_workload'>['pods'][number]['initContainers'][number];

/** Whether an init container is holding the pod back: not completed, or a sidecar that is not ready. */
export function isInitInTrouble(container: Container): boolean {
  if (container.isSidecar) return container.ready !== true;
  return !(container.reason === 'Completed' || container.state.startsWith('terminated: Completed'));
}

/**
 * Init containers and sidecars in trouble, once per container (not per pod): its state, the
 * command it runs, the exit code of its last run and how many pods it holds back (flagged);
 * their previous-run logs come with the crash logs.
 */
function initContainerEvidence(report: ResultOf<'describe_workload'>, context: EvidenceContext): EvidenceItem[] {
  const byName = new Map<string, { container: Container; pods: number }>();
  for (const pod of report.pods)
    for (const container of pod.initContainers.filter(isInitInTrouble)) {
      const seen = byName.get(container.name);
      byName.set(container.name, { container: seen?.container ?? container, pods: (seen?.pods ?? 0) + 1 });
    }
  return [...byName.values()].map(({ container, pods }) => {
    const what = container.isSidecar ? 'sidecar' : 'init container';
    const exit = container.exitCode ?? container.lastExitCode;
    const ended = container.lastTerminationReason ?? (container.exitCode !== undefined ? container.reason : undefined);
    const details = [
      container.command ? `command ${container.command}` : undefined,
      exit !== undefined ? `last run exit code ${exit}${ended ? ` (${ended})` : ''}` : undefined,
      container.restarts > 0 ? `${container.restarts} restarts` : undefined,
      container.image ? `image ${container.image}` : undefined,
    ].filter(Boolean);
    const text =
      `${what} ${container.name} is ${container.state}${container.message ? ` — ${container.message}` : ''}` +
      `${details.length > 0 ? `; ${details.join(', ')}` : ''}; holds back ${pods} pod(s) of ${workloadLabel(report)}`;
    return { kind: 'container_state' as const, source: context.source, text: clipLine(text), isProblem: true };
  });
}
