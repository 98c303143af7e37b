/**
 * The sandbox's clock: the real (or injected) time, except while the scenario's history is
 * replayed, when it is pinned to each commit's deploy time so objects, events and Argo CD history
 * get timestamps that tell one coherent story.
 */
export interface SandboxClock {
  now(): Date;
  /** Freezes time at `date` until release(). */
  pin(date: Date): void;
  release(): void;
}

export function createSandboxClock(base: () => Date = () => new Date()): SandboxClock {
  let pinned: Date | undefined;
  return {
    now: () => (pinned ? new Date(pinned.getTime()) : base()),
    pin: (date) => {
      pinned = date;
    },
    release: () => {
      pinned = undefined;
    },
  };
}

const UNIT_MS: Record<string, number> = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000 };

/** Resolves a scenario time (`-2h30m` before `start`, or an RFC 3339 date). */
export function resolveScenarioTime(value: string, start: Date): Date {
  if (value.startsWith('-')) {
    let offset = 0;
    for (const [, amount = '0', unit = 's'] of value.slice(1).matchAll(/(\d+)([dhms])/g))
      offset += Number(amount) * (UNIT_MS[unit] ?? 0);
    return new Date(start.getTime() - offset);
  }
  return new Date(value);
}
