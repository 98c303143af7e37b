import { setTimeout as sleep } from 'node:timers/promises';
import type { ToolGateway } from '../agent/ports.js';
import { readAppStatus } from './app-status.js';

export interface WatchSettings {
  /** Give up after this long (from the sync). */
  timeoutMs: number;
  intervalMs: number;
  /** Consecutive Degraded reads at the merge revision before failing fast. */
  degradedReads: number;
}

export type WatchVerdict =
  { kind: 'healthy'; awaitingPrune: string[] } | { kind: 'failed'; reason: string } | { kind: 'stopped' };

/**
 * Polls the app until it runs the merge commit: synced to `revision` (or out of sync only by
 * objects awaiting a prune, which the fix's sync does not do), no operation running, Healthy. Fails fast when it stays
 * Degraded at that revision or a sync operation fails; fails
 * at the deadline; returns `stopped` when the signal aborts (the worker is going away).
 */
export async function watchUntilHealthy(
  gateway: ToolGateway,
  app: { instance: string; name: string },
  revision: string,
  options: WatchSettings & { deadline: number; now: () => number; signal?: AbortSignal },
): Promise<WatchVerdict> {
  let degraded = 0;
  while (!options.signal?.aborted) {
    const status = await readAppStatus(gateway, app);
    const isAtRevision = status.fullRevision === revision;
    const isRunning = status.operation?.phase === 'Running';
    // OutOfSync only by objects git no longer has (the sync does not prune) counts as deployed.
    const leftovers = status.outOfSyncResourceRefs;
    const isPruneOnly = leftovers.length > 0 && leftovers.every((ref) => ref.requiresPruning === true);
    const isSynced = status.sync === 'Synced' || (status.sync === 'OutOfSync' && isPruneOnly);
    if (isAtRevision && !isRunning && isSynced && status.health === 'Healthy')
      return {
        kind: 'healthy',
        awaitingPrune: status.sync === 'Synced' ? [] : leftovers.map((ref) => `${ref.kind ?? '?'}/${ref.name ?? '?'}`),
      };
    if (status.operation?.revision === revision && ['Failed', 'Error'].includes(status.operation.phase ?? ''))
      return {
        kind: 'failed',
        reason: `the sync of ${revision.slice(0, 7)} failed: ${status.operation.message ?? ''}`,
      };
    degraded = isAtRevision && status.health === 'Degraded' ? degraded + 1 : 0;
    if (degraded >= options.degradedReads)
      return { kind: 'failed', reason: `it is Degraded at ${revision.slice(0, 7)} after the fix` };
    if (options.now() >= options.deadline)
      return {
        kind: 'failed',
        reason: `it did not become Healthy in time (sync ${status.sync ?? '?'}, health ${status.health ?? '?'})`,
      };
    try {
      await sleep(options.intervalMs, undefined, options.signal ? { signal: options.signal } : {});
    } catch {
      return { kind: 'stopped' };
    }
  }
  return { kind: 'stopped' };
}
