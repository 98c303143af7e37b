import type { Logger } from '../telemetry/logger.js';
import type { CorrectionService, MergedProposal } from './correction-service.js';

/**
 * Checks the proposed corrections' pull requests every `intervalMs` (one check at a time) and
 * reports merges; returns the stop function. A failed check is logged and tried next round.
 */
export function startMergeWatch(
  service: Pick<CorrectionService, 'syncMerged'>,
  options: { intervalMs: number; logger?: Logger; onMerged?: (merged: MergedProposal) => Promise<void> },
): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    service
      .syncMerged()
      .then(async (merged) => {
        for (const item of merged) await options.onMerged?.(item);
      })
      .catch((error: unknown) =>
        options.logger?.warn({ event: 'skills-merge-check-error', err: error }, 'merge check failed'),
      )
      .finally(() => {
        running = false;
      });
  }, options.intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
