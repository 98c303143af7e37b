import type { ThreadPlace } from './ports.js';
import type { WatchSettings } from './watch-health.js';

/** Settings of the fix loop (defaults in bot/fix/config.ts). */
export interface FixSettings {
  defaultBranch: string;
  approvalTtlMs: number;
  watch: WatchSettings;
  /** Reads of a pull request while the host still computes mergeability. */
  mergeabilityPolls: number;
  mergeabilityPollMs: number;
  labels: readonly string[];
  /** The approver may not be the person who asked for the fix. */
  isRequesterExcluded: boolean;
  /** Link to a Slack thread for the PR body. */
  threadLink: (place: ThreadPlace) => string;
}
