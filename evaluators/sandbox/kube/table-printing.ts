/**
 * The shared pieces of server-side printing: column definitions, the Printer shape, and the cell
 * formatting kubectl users know (pod status reasons, selectors, ports, access modes).
 */
import type { KubeObject } from './cluster-api.js';

/** One column definition of a Table. */
export interface TableColumn {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

/** How one kind prints: its columns and the cells of one object. */
export interface Printer {
  columns: TableColumn[];
  cells(object: KubeObject, now: Date): unknown[];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- printers read deep, schemaless status fields
export type J = Record<string, any>;

/** A column definition (`Name` columns carry the `name` format). */
export function col(name: string, type = 'string', priority = 0, format = ''): TableColumn {
  return { name, type, format: name === 'Name' ? 'name' : format, description: `${name} of the object`, priority };
}

/** What kubectl prints for an empty cell. */
export const none = '<none>';

export function podStatusReason(pod: KubeObject): {
  reason: string;
  ready: number;
  total: number;
  restarts: number;
  lastRestartMs?: number;
} {
  const status = (pod.status ?? {}) as J;
  let reason: string = status.reason ?? status.phase ?? 'Pending';
  const containers: J[] = status.containerStatuses ?? [];
  const total = ((pod.spec as J | undefined)?.containers ?? []).length;
  let ready = 0;
  let restarts = 0;
  let lastRestartMs: number | undefined;
  let initializing = false;
  const inits: J[] = status.initContainerStatuses ?? [];
  for (const [i, init] of inits.entries()) {
    restarts += init.restartCount ?? 0;
    if (init.state?.terminated?.exitCode === 0) continue;
    initializing = true;
    if (init.state?.terminated)
      reason = `Init:${init.state.terminated.reason ?? `ExitCode:${init.state.terminated.exitCode}`}`;
    else if (init.state?.waiting?.reason && init.state.waiting.reason !== 'PodInitializing')
      reason = `Init:${init.state.waiting.reason}`;
    else reason = `Init:${i}/${inits.length}`;
    break;
  }
  let hasRunning = false;
  for (const container of [...containers].reverse()) {
    restarts += container.restartCount ?? 0;
    const finished = container.lastState?.terminated?.finishedAt;
    if (finished) lastRestartMs = Math.max(lastRestartMs ?? 0, Date.parse(finished));
    if (initializing) continue;
    if (container.state?.waiting?.reason) reason = container.state.waiting.reason;
    else if (container.state?.terminated?.reason) reason = container.state.terminated.reason;
    else if (container.state?.terminated)
      reason = container.state.terminated.signal
        ? `Signal:${container.state.terminated.signal}`
        : `ExitCode:${container.state.terminated.exitCode}`;
    else if (container.state?.running && container.ready) {
      hasRunning = true;
      ready += 1;
    }
  }
  if (!initializing && reason === 'Completed' && hasRunning) {
    const isReady = (status.conditions ?? []).some((c: J) => c.type === 'Ready' && c.status === 'True');
    reason = isReady ? 'Running' : 'NotReady';
  }
  if (pod.metadata.deletionTimestamp) reason = 'Terminating';
  return { reason, ready, total, restarts, ...(lastRestartMs !== undefined ? { lastRestartMs } : {}) };
}

export function selectorText(selector: J | undefined): string {
  if (!selector) return none;
  const parts = Object.entries(selector.matchLabels ?? selector)
    .filter(([, v]) => typeof v === 'string')
    .map(([k, v]) => `${k}=${String(v)}`);
  return parts.length ? parts.join(',') : none;
}

export function containersOf(template: J | undefined): { names: string; images: string } {
  const containers: J[] = template?.spec?.containers ?? [];
  return { names: containers.map((c) => c.name).join(','), images: containers.map((c) => c.image).join(',') };
}

export function servicePorts(spec: J): string {
  const ports: J[] = spec.ports ?? [];
  if (ports.length === 0) return none;
  return ports.map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`).join(',');
}

export function accessModes(modes: string[] | undefined): string {
  const short: Record<string, string> = {
    ReadWriteOnce: 'RWO',
    ReadOnlyMany: 'ROX',
    ReadWriteMany: 'RWX',
    ReadWriteOncePod: 'RWOP',
  };
  return (modes ?? []).map((m) => short[m] ?? m).join(',');
}
