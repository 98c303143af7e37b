/**
 * Decides what happens to one container of a scheduled pod, from its manifest, the objects it
 * references and the behaviour of its image: it cannot be pulled, cannot be configured, crashes
 * (missing env or file, OOM, liveness kill), runs but is not ready, or runs fine.
 */
import type { OutcomeInput } from './container-spec.js';
import { fileIsMounted, resolveEnv } from './container-config.js';
import { imagePullError, parseImage } from './image-reference.js';
import { dependencyFailure, isThrottled, probeFailure, type ProbeFailure } from './probe-failure.js';
import { parseQuantity } from '../quantity.js';

/** What happens to the container. */
export type ContainerOutcome =
  | { kind: 'image-missing'; key: string; image: string; pullError: string }
  | { kind: 'config-error'; key: string; message: string }
  | {
      kind: 'run';
      key: string;
      /** Seconds each run lasts before the container exits; undefined = runs until stopped. */
      runSeconds?: number;
      exitCode: number;
      exitReason: string;
      /** Lines printed by every run (before an exit). */
      logLines: string[];
      readinessFailure?: ProbeFailure;
      livenessFailure?: ProbeFailure;
      calls: string[];
    };

/** Decides the outcome of a container (see the module comment). */
export function decideOutcome(input: OutcomeInput): ContainerOutcome {
  const { container, behaviour } = input;
  const image = container.image ?? '';
  const ref = parseImage(image);
  const pullError = behaviour ? imagePullError(input, behaviour, ref) : undefined;
  if (pullError) return { kind: 'image-missing', key: `image|${image}|${pullError}`, image, pullError };
  const env = resolveEnv(input);
  if (typeof env === 'string') return { kind: 'config-error', key: `config|${env}`, message: env };

  const logLines = [...(behaviour?.startupLog ?? [])];
  const calls = behaviour?.calls ?? [];
  const missingEnv = (behaviour?.requiredEnv ?? []).filter((name) => !env.has(name));
  if (missingEnv.length > 0) {
    const crash =
      behaviour?.crashLog ?? missingEnv.map((name) => `FATAL: required environment variable ${name} is not set`);
    return runOutcome(`crash-env|${missingEnv.join(',')}`, 1, 1, 'Error', [...logLines, ...crash], calls);
  }
  const missingFiles = (behaviour?.requiredFiles ?? []).filter((file) => !fileIsMounted(input, file));
  if (missingFiles.length > 0) {
    const crash = behaviour?.crashLog ?? [
      `FATAL: failed to load configuration: open ${missingFiles[0] ?? ''}: no such file or directory`,
    ];
    return runOutcome(`crash-file|${missingFiles.join(',')}`, 1, 1, 'Error', [...logLines, ...crash], calls);
  }
  if (behaviour?.exitCode !== undefined)
    return runOutcome(
      `exit|${behaviour.exitCode}`,
      2,
      behaviour.exitCode,
      'Error',
      [...logLines, ...(behaviour.crashLog ?? [])],
      calls,
    );
  const limit = parseQuantity(container.resources?.limits?.memory);
  if (behaviour?.memoryMiB !== undefined && limit !== undefined && behaviour.memoryMiB * 1024 * 1024 > limit) {
    return runOutcome(`oom|${limit}`, 6, 137, 'OOMKilled', logLines, calls);
  }
  const growth = behaviour?.memoryGrowthMiBPerMinute;
  if (growth !== undefined && behaviour?.memoryMiB !== undefined && limit !== undefined) {
    // A leak: the process lives as long as its heap takes to grow into the limit.
    const runSeconds = Math.max(10, Math.round(((limit / 1024 / 1024 - behaviour.memoryMiB) / growth) * 60));
    return runOutcome(`leak|${limit}`, runSeconds, 137, 'OOMKilled', logLines, calls);
  }
  const listenPort = behaviour?.listenPort;
  const throttled = isThrottled(container, behaviour);
  const liveness =
    probeFailure('Liveness', container.livenessProbe, container, listenPort, throttled) ??
    probeFailure('Startup', container.startupProbe, container, listenPort, throttled);
  const readiness =
    probeFailure('Readiness', container.readinessProbe, container, listenPort, throttled) ??
    dependencyFailure(input, behaviour);
  if (liveness) {
    const runSeconds = liveness.initialDelaySeconds + liveness.periodSeconds * liveness.failureThreshold;
    const outcome = runOutcome(`liveness|${liveness.message}`, runSeconds, 137, 'Error', logLines, calls);
    return { ...outcome, livenessFailure: liveness, ...(readiness ? { readinessFailure: readiness } : {}) };
  }
  return {
    kind: 'run',
    key: `run|${readiness?.message ?? 'ok'}`,
    exitCode: 0,
    exitReason: 'Completed',
    logLines,
    calls,
    ...(readiness ? { readinessFailure: readiness } : {}),
  };
}

type RunOutcome = Extract<ContainerOutcome, { kind: 'run' }>;

function runOutcome(
  key: string,
  runSeconds: number,
  exitCode: number,
  exitReason: string,
  logLines: string[],
  calls: string[],
): RunOutcome {
  return { kind: 'run', key, runSeconds, exitCode, exitReason, logLines, calls };
}
