/**
 * Probe failures as the kubelet reports them: a probe aimed at a port the process does not
 * listen on, a CPU-starved process answering later than the probe waits, and readiness that
 * answers 503 while a dependency the process calls is unreachable.
 */
import type { ImageBehaviour } from '../cluster-api.js';
import { parseQuantity } from '../quantity.js';
import type { ContainerSpec, OutcomeInput, ProbeSpec } from './container-spec.js';

/** A failing probe and the message the kubelet reports for it. */
export interface ProbeFailure {
  kind: 'Liveness' | 'Readiness' | 'Startup';
  /** Message after `<Kind> probe failed: `, with `{ip}` standing for the pod IP. */
  message: string;
  periodSeconds: number;
  initialDelaySeconds: number;
  failureThreshold: number;
}

/** Resolves a probe port (number or named container port). */
function resolvePort(port: number | string | undefined, container: ContainerSpec): number | undefined {
  if (typeof port === 'number') return port;
  if (typeof port !== 'string') return undefined;
  if (/^[0-9]+$/.test(port)) return Number(port);
  return container.ports?.find((p) => p.name === port)?.containerPort;
}

export function probeFailure(
  kind: ProbeFailure['kind'],
  probe: ProbeSpec | undefined,
  container: ContainerSpec,
  listenPort: number | undefined,
  isThrottled = false,
): ProbeFailure | undefined {
  if (!probe || listenPort === undefined) return undefined;
  const port = resolvePort(probe.httpGet?.port ?? probe.tcpSocket?.port ?? probe.grpc?.port, container);
  if (port === undefined) return undefined;
  let message: string;
  if (port === listenPort) {
    if (!isThrottled || !probe.httpGet) return undefined;
    // A CPU-starved process answers later than the probe waits.
    const scheme = (probe.httpGet.scheme ?? 'HTTP').toLowerCase();
    message =
      `Get "${scheme}://{ip}:${port}${probe.httpGet.path ?? '/'}": context deadline exceeded (Client.Timeout ` +
      `exceeded while awaiting headers)`;
  } else if (probe.httpGet) {
    const scheme = (probe.httpGet.scheme ?? 'HTTP').toLowerCase();
    message =
      `Get "${scheme}://{ip}:${port}${probe.httpGet.path ?? '/'}": dial tcp {ip}:${port}: connect: connection ` +
      `refused`;
  } else if (probe.grpc) {
    message = `timeout: failed to connect service "{ip}:${port}" within 1s: context deadline exceeded`;
  } else message = `dial tcp {ip}:${port}: connect: connection refused`;
  return {
    kind,
    message,
    periodSeconds: probe.periodSeconds ?? 10,
    initialDelaySeconds: probe.initialDelaySeconds ?? 0,
    failureThreshold: probe.failureThreshold ?? 3,
  };
}

/** True when the container's CPU limit is below what the process burns. */
export function isThrottled(container: ContainerSpec, behaviour: ImageBehaviour | undefined): boolean {
  const limit = parseQuantity(container.resources?.limits?.cpu);
  return behaviour?.cpuMillicores !== undefined && limit !== undefined && limit * 1000 < behaviour.cpuMillicores;
}

/** Readiness that answers 503 while a dependency the process calls is unreachable. */
export function dependencyFailure(
  input: OutcomeInput,
  behaviour: ImageBehaviour | undefined,
): ProbeFailure | undefined {
  const probe = input.container.readinessProbe;
  if (!behaviour?.isReadyOnlyWithCalls || !probe || !input.callFailure) return undefined;
  if (!(behaviour.calls ?? []).some((target) => input.callFailure?.(target) !== undefined)) return undefined;
  return {
    kind: 'Readiness',
    message: 'HTTP probe failed with statuscode: 503',
    periodSeconds: probe.periodSeconds ?? 10,
    initialDelaySeconds: probe.initialDelaySeconds ?? 0,
    failureThreshold: probe.failureThreshold ?? 3,
  };
}
