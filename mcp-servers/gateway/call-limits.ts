/**
 * Limits of one gateway call that protect the gateway itself: argument nesting depth (checked
 * without recursion, so a 30,000-deep argument cannot overflow the stack) and a per-caller rate.
 */

/** Whether a JSON-like value nests deeper than `maxDepth` objects or arrays. Iterative on purpose. */
export function isNestedDeeperThan(value: unknown, maxDepth: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop() as [unknown, number];
    if (current === null || typeof current !== 'object') continue;
    if (depth + 1 > maxDepth) return true;
    for (const child of Array.isArray(current) ? current : Object.values(current)) stack.push([child, depth + 1]);
  }
  return false;
}

/** Counts calls per caller over the last minute. */
export interface CallRateLimiter {
  /** Counts one call; returns the seconds to wait when the caller is over its limit, else undefined. */
  take(principal: string): number | undefined;
}

/**
 * A per-caller limit of `perMinute` calls in any 60 s (a sliding window, so a burst cannot straddle
 * two clock minutes for double the rate); refused calls do not count. 0 turns it off.
 */
export function createCallRateLimiter(perMinute: number, now: () => number = Date.now): CallRateLimiter {
  const recent = new Map<string, number[]>();
  return {
    take(principal) {
      if (perMinute <= 0) return undefined;
      const time = now();
      const calls = (recent.get(principal) ?? []).filter((at) => at > time - 60_000);
      recent.set(principal, calls);
      const oldest = calls[0];
      if (calls.length >= perMinute && oldest !== undefined)
        return Math.max(1, Math.ceil((oldest + 60_000 - time) / 1000));
      calls.push(time);
      return undefined;
    },
  };
}
