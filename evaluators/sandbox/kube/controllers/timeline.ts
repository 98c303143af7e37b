/**
 * Time arithmetic of the simulated kubelet: restart back-off of crashing containers and retry
 * schedules of failing operations (image pulls, volume mounts). Everything is a pure function
 * of (when the situation began, now), so state is deterministic under the injected clock.
 */

/** Kubelet container restart back-off: 10 s doubling up to 5 min. */
const RESTART_BACKOFF_CAP_S = 300;

/** Where a crash-looping container stands at `now`. */
export interface CrashLoopState {
  /** Restarts performed so far (under this outcome). */
  restarts: number;
  /** True while the current run is still going. */
  isRunning: boolean;
  /** Start of the current (or last) run, ms. */
  runStartMs: number;
  /** The previous run, when there is one (lastState.terminated). */
  previousRun?: { startMs: number; endMs: number };
  /** The run that ended last, while waiting for the next start. */
  lastEnded?: { startMs: number; endMs: number };
  /** Back-off in seconds before the next start, while waiting. */
  backoffSeconds: number;
  /** True in the short gap right after the very first exit (status shows Error/OOMKilled). */
  isFirstExit: boolean;
  /** Number of back-off waits begun so far (the BackOff event count). */
  backoffCount: number;
  /** When the last back-off began, ms. */
  lastBackoffMs: number;
}

/**
 * Timeline of a container that exits `runSeconds` after each start and is restarted with the
 * kubelet's back-off (first restart after ~1 s, then 10 s, 20 s, ... capped at 5 min).
 */
export function crashLoop(sinceMs: number, runSeconds: number, nowMs: number): CrashLoopState {
  const runMs = Math.max(1, runSeconds) * 1000;
  let start = sinceMs;
  let restarts = 0;
  let previous: { startMs: number; endMs: number } | undefined;
  let backoffCount = 0;
  let lastBackoffMs = 0;
  for (;;) {
    const end = start + runMs;
    if (nowMs < end) {
      return {
        restarts,
        isRunning: true,
        runStartMs: start,
        ...(previous ? { previousRun: previous } : {}),
        backoffSeconds: 0,
        isFirstExit: false,
        backoffCount,
        lastBackoffMs,
      };
    }
    const gapSeconds = restarts === 0 ? 1 : Math.min(10 * 2 ** (restarts - 1), RESTART_BACKOFF_CAP_S);
    if (restarts > 0) {
      backoffCount += 1;
      lastBackoffMs = end;
    }
    if (nowMs < end + gapSeconds * 1000) {
      return {
        restarts,
        isRunning: false,
        runStartMs: start,
        ...(previous ? { previousRun: previous } : {}),
        lastEnded: { startMs: start, endMs: end },
        backoffSeconds: gapSeconds,
        isFirstExit: restarts === 0,
        backoffCount,
        lastBackoffMs,
      };
    }
    previous = { startMs: start, endMs: end };
    start = end + gapSeconds * 1000;
    restarts += 1;
    // Once the back-off is capped every cycle is identical: jump over whole cycles at once.
    if (gapSeconds === RESTART_BACKOFF_CAP_S) {
      const cycleMs = runMs + gapSeconds * 1000;
      const skip = Math.floor((nowMs - start) / cycleMs) - 1;
      if (skip > 0) {
        start += skip * cycleMs;
        restarts += skip;
        backoffCount += skip;
        previous = { startMs: start - cycleMs, endMs: start - cycleMs + runMs };
        lastBackoffMs = previous.endMs;
      }
    }
  }
}

/** A retried operation: how many attempts so far and when the last one happened. */
export interface RetryState {
  attempts: number;
  lastAttemptMs: number;
}

/** Attempts of an operation retried with exponential back-off from `initialMs` up to `capMs`. */
export function retries(sinceMs: number, nowMs: number, initialMs: number, capMs: number): RetryState {
  if (nowMs < sinceMs) return { attempts: 1, lastAttemptMs: sinceMs };
  let attempts = 1;
  let last = sinceMs;
  let delay = initialMs;
  while (last + delay <= nowMs) {
    last += delay;
    attempts += 1;
    if (delay >= capMs) {
      const more = Math.floor((nowMs - last) / capMs);
      attempts += more;
      last += more * capMs;
      break;
    }
    delay = Math.min(delay * 2, capMs);
  }
  return { attempts, lastAttemptMs: last };
}

/** Attempts of an operation retried every `periodMs`. */
export function periodic(sinceMs: number, nowMs: number, periodMs: number): RetryState {
  if (nowMs < sinceMs) return { attempts: 1, lastAttemptMs: sinceMs };
  const extra = Math.floor((nowMs - sinceMs) / periodMs);
  return { attempts: extra + 1, lastAttemptMs: sinceMs + extra * periodMs };
}
